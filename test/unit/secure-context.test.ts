// Secure contexts: "is origin potentially trustworthy" and "is URL potentially trustworthy" (the vectors'
// §4.A tables A and B, one row per case), user-configured trustworthy origins, whether a document in a
// frame tree is a secure context (table C, through evaluatePage) with Chromium DevTools' categories, the
// findings that explain it, and the feature list.
// Every expectation comes from ../shared/vectors/README.md (row numbers below), a spec step, or Chromium's
// SecurityContext::SetSecurityOrigin (how it picks InsecureScheme / InsecureAncestor / SecureLocalhost /
// Secure) — never from this module's output.
import { describe, expect, test } from 'vitest';
import { evaluatePage, type FrameEvaluation } from '../../src/shared/evaluate.ts';
import { determineTheOrigin, newOpaqueOrigin, originOfURL, type Engine, type Origin, type TupleOrigin } from '../../src/shared/origin.ts';
import {
  SECURE_CONTEXT_FEATURES,
  isASecureContext,
  isLocalhostOrigin,
  isOriginPotentiallyTrustworthy,
  isURLPotentiallyTrustworthy,
  parseTrustworthyOriginPattern,
  parseTrustworthyOrigins,
  type ContextDocument,
  type SecureContextCategory,
  type TrustworthyOptions,
  type TrustworthyStep,
} from '../../src/shared/secure-context.ts';
import type { EmbedElement, FrameRecord, PageRecord } from '../../src/shared/snapshot.ts';

const ENGINES: Engine[] = ['chromium', 'firefox'];

// ── helpers ─────────────────────────────────────────────────────────────────────────────────────────

/** "Is origin potentially trustworthy" on the origin of a URL, with the step that decided. */
function originVerdict(url: string, options: TrustworthyOptions = {}): { trustworthy: boolean; trace: TrustworthyStep[] } {
  const trace: TrustworthyStep[] = [];
  const trustworthy = isOriginPotentiallyTrustworthy(originOfURL(url, options.engine ? { engine: options.engine } : {}), options, trace);
  return { trustworthy, trace };
}

function urlVerdict(url: string, options: TrustworthyOptions = {}): { trustworthy: boolean; trace: TrustworthyStep[] } {
  const trace: TrustworthyStep[] = [];
  const trustworthy = isURLPotentiallyTrustworthy(url, options, trace);
  return { trustworthy, trace };
}

/** A tuple origin as a browser gives it to a scheme the URL Standard leaves opaque (extension pages). */
const browserTuple = (scheme: string, host: string): TupleOrigin => ({ type: 'tuple', scheme, host, hostKind: 'domain', port: null, domain: null });

/** A frame in a literal page: its URL and, for an iframe, its element's sandbox / srcdoc attributes. */
interface FrameSpec {
  url: string;
  sandbox?: string;
  srcdoc?: boolean;
  children?: FrameSpec[];
}

const iframeElement = (index: number, frameId: number, spec: FrameSpec): EmbedElement => ({
  tag: 'iframe', index, frameId, mappedBy: 'nonce', id: null, name: null,
  src: spec.srcdoc ? null : spec.url, srcdoc: spec.srcdoc ?? false, sandbox: spec.sandbox ?? null,
  allow: null, referrerPolicy: null, loading: null, credentialless: { attribute: false, property: null },
});

/**
 * A page record from a tree of frame specs. Frame ids are given depth-first from 0 (the top), so in a
 * single nested chain the top is 0, its iframe 1, that iframe's iframe 2, and so on. `openerURL` makes
 * the page a popup opened by a top-level document at that URL.
 */
function pageOf(top: FrameSpec, openerURL?: string): PageRecord {
  const frames: Record<string, FrameRecord> = {};
  let next = 0;
  const add = (spec: FrameSpec, parentFrameId: number): number => {
    const frameId = next++;
    const record: FrameRecord = { frameId, parentFrameId, url: spec.url, status: 'committed', updatedAt: 1 };
    frames[String(frameId)] = record;
    const embeds = (spec.children ?? []).map((child, index) => iframeElement(index, add(child, frameId), child));
    if (embeds.length > 0) record.embeds = embeds;
    return frameId;
  };
  add(top, -1);
  const page: PageRecord = { pageId: 'p', tabId: 2, url: top.url, startedAt: 1, lifecycle: 'active', frames, dropped: { frames: 0 } };
  if (openerURL !== undefined) {
    const opener: FrameRecord = { frameId: 0, parentFrameId: -1, url: openerURL, status: 'committed', updatedAt: 1 };
    page.openedBy = { tabId: 1, frameId: 0, url: openerURL, at: 1, chain: [opener] };
  }
  return page;
}

/** top > iframe > iframe …, each the only child of the one before (frame ids 0, 1, 2, …). */
function nested(...specs: (string | FrameSpec)[]): FrameSpec {
  const [first, ...rest] = specs.map((s) => (typeof s === 'string' ? { url: s } : { ...s }));
  let cur = first!;
  for (const s of rest) {
    cur.children = [s];
    cur = s;
  }
  return first!;
}

function frameOf(page: PageRecord, frameId: number, engine: Engine, trustworthyOrigins: string[] = []): FrameEvaluation {
  const frame = evaluatePage(page, { engine, trustworthyOrigins }).byFrameId.get(frameId);
  if (!frame) throw new Error(`frame ${frameId} was not evaluated`);
  return frame;
}

// ── A. is origin potentially trustworthy (rows 1–38) ───────────────────────────────────────────────
// https://w3c.github.io/webappsec-secure-contexts/#is-origin-trustworthy, on the URL Standard's origin of
// each input. The step column names the [SC] step that decides: 1 opaque, 3 secure-scheme, 4 loopback-ip,
// 5 localhost, 6 file, 9 not-trustworthy.

describe.each(ENGINES)('table A: is the origin of the URL potentially trustworthy (%s)', (engine) => {
  test.each<[string, string, boolean, TrustworthyStep]>([
    ['1', 'https://example.com/', true, 'secure-scheme'],
    ['2', 'wss://example.com/', true, 'secure-scheme'],
    ['3', 'http://example.com/', false, 'not-trustworthy'],
    ['4', 'ws://example.com/', false, 'not-trustworthy'],
    ['5', 'ftp://foobar.com', false, 'not-trustworthy'],
    ['6: http on port 443 is still http', 'http://foobar.com:443', false, 'not-trustworthy'],
    ['7', 'http://localhost', true, 'localhost'],
    ['8: "localhost." (trailing dot)', 'http://localhost.', true, 'localhost'],
    ['9: the host is lowercased', 'http://LOCALHOST', true, 'localhost'],
    ['10: a subdomain of localhost', 'http://a.b.localhost', true, 'localhost'],
    ['11', 'http://localhost.localhost', true, 'localhost'],
    ['12: localhost as a label, not the TLD', 'http://localhost.a', false, 'not-trustworthy'],
    ['13: localhost.com over http', 'http://localhost.com/fun.html', false, 'not-trustworthy'],
    ['13: localhost.com over https', 'https://localhost.com/fun.html', true, 'secure-scheme'],
    ['14', 'http://localhost.localdomain', false, 'not-trustworthy'],
    ['15', 'http://localhost6', false, 'not-trustworthy'],
    ['16', 'http://127.0.0.1:8080', true, 'loopback-ip'],
    ['17: anywhere in 127.0.0.0/8', 'http://127.1.0.2', true, 'loopback-ip'],
    ['17: anywhere in 127.0.0.0/8 ([FxPT])', 'http://127.1.0.1', true, 'loopback-ip'],
    ['18: octal parses to 127.0.0.1', 'http://0177.00.00.01', true, 'loopback-ip'],
    ['19: just outside 127/8', 'http://128.0.0.1', false, 'not-trustworthy'],
    ['20: a domain, not an IP', 'http://127.0.0.1.b', false, 'not-trustworthy'],
    ['21: ftp on loopback', 'ftp://127.0.0.1:443', true, 'loopback-ip'],
    ['22: ws on loopback', 'ws://127.0.0.1', true, 'loopback-ip'],
    ['23', 'http://[::1]:21', true, 'loopback-ip'],
    ['24: ::1 written in full', 'http://[0:0:0:0:0:0:0:1]', true, 'loopback-ip'],
    ['25', 'http://[::2]', false, 'not-trustworthy'],
    ['26: IPv4-mapped loopback is not ::1/128', 'http://[::ffff:127.0.0.1]', false, 'not-trustworthy'],
    ['27: [::127.0.0.1] is [::7f00:1]', 'http://[::127.0.0.1]', false, 'not-trustworthy'],
    ['28', 'http://loopback', false, 'not-trustworthy'],
    ['29: a custom scheme has an opaque origin', 'custom-scheme://example.com', false, 'opaque'],
    ['30: blob: takes its https inner origin', 'blob:https://foopy:99/578223a1-8c13-17b3-84d5-eca045ae384a', true, 'secure-scheme'],
    ['31: blob: takes its localhost inner origin', 'blob:http://localhost:1000/578223a1-8c13-17b3-84d5-eca045ae384a', true, 'localhost'],
    ['32: blob: takes its http inner origin', 'blob:http://baz:99/578223a1-8c13-17b3-84d5-eca045ae384a', false, 'not-trustworthy'],
    ['33: blob:data: is opaque', 'blob:data:text/html,Hello', false, 'opaque'],
    ['33: blob:about:blank is opaque', 'blob:about:blank', false, 'opaque'],
    ['33: blob:blob:https:… is opaque', 'blob:blob:https://example.com/578223a1-8c13-17b3-84d5-eca045ae384a', false, 'opaque'],
    ['34: the URL about:blank\'s own origin is opaque', 'about:blank', false, 'opaque'],
    ['34: the URL about:srcdoc\'s own origin is opaque', 'about:srcdoc', false, 'opaque'],
    ['34: a data: URL\'s origin is opaque', 'data:text/html,Hello', false, 'opaque'],
    ['38: mailto:', 'mailto:foo@bar.com', false, 'opaque'],
    ['38: javascript:', 'javascript:42', false, 'opaque'],
  ])('row %s: <%s> → %s (step %s)', (_row, url, expected, step) => {
    const { trustworthy, trace } = originVerdict(url, { engine });
    expect(trustworthy).toBe(expected);
    expect(trace).toEqual([step]);
  });

  // Row 35, [SC] step 1: every opaque origin is Not Trustworthy, even one derived from an https URL.
  test.each<[string, Origin]>([
    ['a fresh opaque origin', newOpaqueOrigin({ kind: 'no-creator', url: 'about:blank' })],
    ['an opaque origin derived from https://www.example.com (sandboxed)',
      determineTheOrigin({ url: 'https://www.example.com/', sandboxedOrigin: true, sourceOrigin: null, engine })],
  ])('row 35: %s → false (step opaque)', (_name, origin) => {
    expect(origin.type).toBe('opaque');
    const trace: TrustworthyStep[] = [];
    expect(isOriginPotentiallyTrustworthy(origin, { engine }, trace)).toBe(false);
    expect(trace).toEqual(['opaque']);
  });
});

describe('table A rows 36–37: file: and extension origins', () => {
  test.each(['file:///home/foobar/index.html', 'file:///xyzzy'])('row 36: Chromium\'s tuple file: origin of <%s> is trustworthy (step 6, file)', (url) => {
    const { trustworthy, trace } = originVerdict(url, { engine: 'chromium' });
    expect(trustworthy).toBe(true);
    expect(trace).toEqual(['file']);
  });

  test('row 36 / §3.7: Firefox\'s file: origin is opaque, and the algorithm stops at step 1 for an opaque origin', () => {
    const origin = originOfURL('file:///xyzzy', { engine: 'firefox' });
    expect(origin.type).toBe('opaque');
    const trace: TrustworthyStep[] = [];
    expect(isOriginPotentiallyTrustworthy(origin, { engine: 'firefox' }, trace)).toBe(false);
    expect(trace).toEqual(['opaque']);
  });

  test('decision 2: a Firefox file: document is nevertheless a secure context (browsers treat file: as trustworthy)', () => {
    const url = 'file:///home/foobar/index.html';
    const doc: ContextDocument = {
      frameId: 0, url, origin: originOfURL(url, { engine: 'firefox' }), srcdoc: false, sandboxedOrigin: false, precursor: null,
    };
    const verdict = isASecureContext([doc], { engine: 'firefox' });
    expect(verdict.secure).toBe(true);
    expect(verdict.brokenBy).toBeNull();
  });

  test.each(ENGINES)('decision 2: a top-level file: page is a secure context in %s', (engine) => {
    expect(frameOf(pageOf({ url: 'file:///home/foobar/index.html' }), 0, engine).secureContext.secure).toBe(true);
  });

  // Row 37, [SC] step 7: browsers give their extension pages tuple origins and list the schemes as authenticated.
  test.each([['moz-extension', 'xyzzy'], ['chrome-extension', 'abc']])('row 37: the extension origin %s://%s is trustworthy (step 7)', (scheme, host) => {
    const trace: TrustworthyStep[] = [];
    expect(isOriginPotentiallyTrustworthy(browserTuple(scheme, host), {}, trace)).toBe(true);
    expect(trace).toEqual(['extension-scheme']);
  });

  test('row 37 counterpart: a scheme the user agent does not list stays Not Trustworthy at step 9', () => {
    const trace: TrustworthyStep[] = [];
    expect(isOriginPotentiallyTrustworthy(browserTuple('web+app', 'xyzzy'), {}, trace)).toBe(false);
    expect(trace).toEqual(['not-trustworthy']);
  });
});

describe('isLocalhostOrigin (what Chromium calls SecureLocalhost)', () => {
  test.each([
    ['http://localhost:8000', true],
    ['https://localhost:8443', true],
    ['http://a.b.localhost', true],
    ['http://127.0.0.1', true],
    ['http://127.8.9.10:81', true],
    ['http://[::1]', true],
    ['http://example.com', false],
    ['https://localhost.com', false],
    ['http://[::2]', false],
    ['data:text/html,x', false],
  ])('<%s> → %s', (url, expected) => {
    expect(isLocalhostOrigin(originOfURL(url))).toBe(expected);
  });
});

// ── B. is URL potentially trustworthy (rows 39–45) ──────────────────────────────────────────────────
// https://w3c.github.io/webappsec-secure-contexts/#is-url-trustworthy

describe.each(ENGINES)('table B: is the URL potentially trustworthy (%s)', (engine) => {
  test.each<[string, string, boolean]>([
    ['39', 'about:blank', true],
    ['39: query and fragment do not matter', 'about:blank?x=2#ref', true],
    ['40', 'about:srcdoc', true],
    ['41', 'about:srcdoc?x=2', true],
    ['42', 'data:text/html,Hello', true],
    ['43', 'javascript:alert(\'blah\')', false],
  ])('row %s: <%s> → %s', (_row, url, expected) => {
    expect(urlVerdict(url, { engine }).trustworthy).toBe(expected);
  });

  test.each<[string, string, TrustworthyStep]>([
    ['39: step 1 (about:blank)', 'about:blank', 'about-blank-or-srcdoc'],
    ['40: step 1 (about:srcdoc)', 'about:srcdoc', 'about-blank-or-srcdoc'],
    ['42: step 2 (data:)', 'data:text/html,Hello', 'data-url'],
    ['43: step 3, the origin is opaque', 'javascript:alert(\'blah\')', 'opaque'],
  ])('row %s decides', (_row, url, step) => {
    expect(urlVerdict(url, { engine }).trace).toEqual([step]);
  });

  test.each<[string, string, boolean, TrustworthyStep]>([
    ['1: an https URL', 'https://example.com/', true, 'secure-scheme'],
    ['3: an http URL', 'http://example.com/', false, 'not-trustworthy'],
    ['7: a localhost URL', 'http://localhost/', true, 'localhost'],
    ['16: a loopback URL', 'http://127.0.0.1:8080/', true, 'loopback-ip'],
  ])('step 3: any other URL is judged by its origin (table A row %s)', (_row, url, expected, step) => {
    const { trustworthy, trace } = urlVerdict(url, { engine });
    expect(trustworthy).toBe(expected);
    expect(trace).toEqual([step]);
  });
});

describe('table B rows 44–45: engine-specific URLs', () => {
  test.each<[string, string]>([
    ['44', 'about:mumble'],
    ['45', 'blob:ftp://127.0.0.1/guid-goes-here'],
  ])('row %s: <%s> — Chromium says true, the spec (Firefox) false because the origin is opaque', (_row, url) => {
    expect(urlVerdict(url, { engine: 'chromium' }).trustworthy).toBe(true);
    const spec = urlVerdict(url, { engine: 'firefox' });
    expect(spec.trustworthy).toBe(false);
    expect(spec.trace).toEqual(['opaque']);
  });

  test.each<[string, string, TrustworthyStep]>([
    ['44', 'about:mumble', 'about-url-engine'],
    ['45', 'blob:ftp://127.0.0.1/guid-goes-here', 'blob-inner-url-engine'],
  ])('row %s: the Chromium answer is marked as an engine step', (_row, url, step) => {
    expect(urlVerdict(url, { engine: 'chromium' }).trace).toContain(step);
  });
});

// ── user-configured trustworthy origins ([SC] step 8) ──────────────────────────────────────────────

describe('user-configured trustworthy origins', () => {
  const allow = (entries: string[]) => parseTrustworthyOrigins(entries).patterns;

  test.each<[string, string, boolean]>([
    ['the exact origin', 'http://intranet.test:8080', true],
    ['the exact origin, with a path', 'http://intranet.test:8080/app/?q#f', true],
    ['the exact origin, host in another case', 'http://INTRANET.test:8080/', true],
    ['another port', 'http://intranet.test:8081', false],
    ['the default port', 'http://intranet.test', false],
    ['another scheme (ws)', 'ws://intranet.test:8080', false],
    ['another scheme (ftp)', 'ftp://intranet.test:8080', false],
    ['a subdomain', 'http://a.intranet.test:8080', false],
    ['a parent domain', 'http://test:8080', false],
  ])('an exact entry http://intranet.test:8080 vs %s <%s> → %s', (_name, url, expected) => {
    expect(originVerdict(url, { trustworthyOrigins: allow(['http://intranet.test:8080']) }).trustworthy).toBe(expected);
  });

  // Chromium's syntax (network::ParseSecureOriginAllowlist): a wildcard entry is a host pattern,
  // matched against the host only, so any scheme and port.
  test.each<[string, string, boolean]>([
    ['a subdomain', 'http://a.intranet.test', true],
    ['a deeper subdomain', 'http://a.b.intranet.test/x', true],
    ['a subdomain on another port', 'http://a.intranet.test:8080', true],
    ['a subdomain over ws', 'ws://a.intranet.test', true],
    ['the domain itself', 'http://intranet.test', false],
    ['a name that only ends with the same letters', 'http://xintranet.test', false],
  ])('a wildcard entry *.intranet.test vs %s <%s> → %s', (_name, url, expected) => {
    expect(originVerdict(url, { trustworthyOrigins: allow(['*.intranet.test']) }).trustworthy).toBe(expected);
  });

  test('the wildcard entry is case-insensitive, like the host it matches', () => {
    expect(originVerdict('http://a.intranet.test', { trustworthyOrigins: allow(['*.Intranet.TEST']) }).trustworthy).toBe(true);
  });

  test.each<[string, string]>([
    ['a scheme in a wildcard entry', 'http://*.intranet.test'],
    ['a port in a wildcard entry', '*.intranet.test:8080'],
    ['a wildcard in the registrable domain (*.com)', '*.com'],
    ['a wildcard in the registrable domain (*.test)', '*.test'],
    ['a wildcard in the registrable domain of a private suffix (*.github.io)', '*.github.io'],
    ['a lone wildcard', '*'],
  ])('Chromium refuses %s (%s): so do we, with a reason', (_name, entry) => {
    const r = parseTrustworthyOriginPattern(entry);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.length).toBeGreaterThan(0);
  });

  test('an https origin under a wildcard entry is trustworthy by step 3, never by the allowlist', () => {
    const { trustworthy, trace } = originVerdict('https://a.intranet.test', { trustworthyOrigins: allow(['*.intranet.test']) });
    expect(trustworthy).toBe(true);
    expect(trace).toEqual(['secure-scheme']);
  });

  test.each(['http://intranet.test:8080', 'http://a.intranet.test'])('a listed origin <%s> is decided at step 8 (user-allowlist)', (url) => {
    const { trace } = originVerdict(url, { trustworthyOrigins: allow(['http://intranet.test:8080', '*.intranet.test']) });
    expect(trace).toEqual(['user-allowlist']);
  });

  test('without the setting the same origins are Not Trustworthy (step 9)', () => {
    expect(originVerdict('http://intranet.test:8080').trace).toEqual(['not-trustworthy']);
    expect(originVerdict('http://a.intranet.test').trace).toEqual(['not-trustworthy']);
  });

  test.each(['', 'not a url', 'data:text/html,x', 'mailto:x@y'])('an invalid entry %j is rejected with a message, not thrown', (entry) => {
    const r = parseTrustworthyOriginPattern(entry);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.source).toBe(entry);
    expect(r.error.length).toBeGreaterThan(0);
  });

  test('invalid entries in a list are reported as errors (with their text) and become no patterns', () => {
    const { patterns, errors } = parseTrustworthyOrigins(['not a url', 'http://intranet.test:8080', 'data:text/html,x', 'mailto:x@y']);
    expect(patterns.map((p) => p.source)).toEqual(['http://intranet.test:8080']);
    expect(errors.map((e) => e.source)).toEqual(['not a url', 'data:text/html,x', 'mailto:x@y']);
    for (const e of errors) expect(e.error.length).toBeGreaterThan(0);
  });

  test('duplicates (the same origin written differently) are dropped; an exact and a wildcard entry are different', () => {
    const { patterns, errors } = parseTrustworthyOrigins([
      'http://intranet.test:8080', 'http://intranet.test:8080', 'HTTP://INTRANET.TEST:8080/', '  http://intranet.test:8080  ',
      'http://other.test', 'http://other.test:80', '*.other.test', '*.OTHER.test',
    ]);
    expect(errors).toEqual([]);
    expect(patterns.map((p) => (p.kind === 'origin' ? p.origin : p.pattern))).toEqual([
      'http://intranet.test:8080',
      'http://other.test',
      '*.other.test',
    ]);
  });

  test('evaluatePage applies the setting and returns its errors', () => {
    const evaluation = evaluatePage(pageOf({ url: 'http://intranet.test:8080/' }), { trustworthyOrigins: ['http://intranet.test:8080', 'not a url'] });
    const top = evaluation.byFrameId.get(0)!;
    expect(top.secureContext.secure).toBe(true);
    expect(top.secureContext.self.step).toBe('user-allowlist');
    expect(evaluation.settings.errors.map((e) => e.source)).toEqual(['not a url']);
  });
});

// ── C. is the document a secure context (rows 46–47) ──────────────────────────────────────────────
// Model (B): the document's own origin (a sandboxed document's creation URL's origin) and every ancestor's
// must be potentially trustworthy (decision 1). Categories as Chromium's SecurityContext picks them: own
// origin not trustworthy → InsecureScheme; else an untrustworthy ancestor → InsecureAncestor; else a
// localhost/loopback origin → SecureLocalhost; else Secure.

interface ContextCase {
  row: string;
  page: PageRecord;
  /** The frame whose verdict is checked. */
  frameId: number;
  secure: boolean;
  category: SecureContextCategory;
}

const A_HTTPS = 'https://a.example/';
const A_HTTP = 'http://a.example/';

const contextCases: ContextCase[] = [
  { row: '46a: top-level https', page: pageOf({ url: A_HTTPS }), frameId: 0, secure: true, category: 'secure' },
  { row: '46b: top-level http', page: pageOf({ url: A_HTTP }), frameId: 0, secure: false, category: 'insecure-scheme' },
  { row: '46c: top-level http://localhost:8080', page: pageOf({ url: 'http://localhost:8080/' }), frameId: 0, secure: true, category: 'secure-localhost' },
  { row: '46d: https iframe in an http top', page: pageOf(nested(A_HTTP, 'https://b.example/')), frameId: 1, secure: false, category: 'insecure-ancestor' },
  { row: '46e: https iframe in an https top', page: pageOf(nested('https://example.com/', 'https://sub.example.com/')), frameId: 1, secure: true, category: 'secure' },
  ...[
    ['srcdoc', { url: 'about:srcdoc', srcdoc: true }],
    ['about:blank', { url: 'about:blank' }],
    ['javascript:', { url: 'javascript:"<p>hi</p>"' }],
  ].flatMap(([name, spec]) => [
    { row: `46f: ${name as string} iframe in an https top`, page: pageOf(nested(A_HTTPS, spec as FrameSpec)), frameId: 1, secure: true, category: 'secure' as const },
    { row: `46f: ${name as string} iframe in an http top`, page: pageOf(nested(A_HTTP, spec as FrameSpec)), frameId: 1, secure: false, category: 'insecure-scheme' as const },
  ]),
  { row: '46f: blob: iframe (made by its https parent)', page: pageOf(nested(A_HTTPS, 'blob:https://a.example/5a0c2f7e-1b1d-4c55-9b0e-6a3e9d1f2c11')), frameId: 1, secure: true, category: 'secure' },
  { row: '46f: blob: iframe (made by its http parent)', page: pageOf(nested(A_HTTP, 'blob:http://a.example/5a0c2f7e-1b1d-4c55-9b0e-6a3e9d1f2c11')), frameId: 1, secure: false, category: 'insecure-scheme' },
  { row: '46g: sandbox="allow-scripts" https iframe in an https top', page: pageOf(nested(A_HTTPS, { url: 'https://b.example/', sandbox: 'allow-scripts' })), frameId: 1, secure: true, category: 'secure' },
  { row: '46g: sandbox="allow-scripts" https iframe in an http top', page: pageOf(nested(A_HTTP, { url: 'https://b.example/', sandbox: 'allow-scripts' })), frameId: 1, secure: false, category: 'insecure-ancestor' },
  { row: '46h: popup, an http page opens an https URL', page: pageOf({ url: 'https://b.example/' }, A_HTTP), frameId: 0, secure: true, category: 'secure' },
  { row: '46i: popup, an https page opens an http URL', page: pageOf({ url: 'http://b.example/' }, A_HTTPS), frameId: 0, secure: false, category: 'insecure-scheme' },
  { row: '46j: popup of a blob: made by an https page', page: pageOf({ url: 'blob:https://a.example/0f8c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f' }, A_HTTPS), frameId: 0, secure: true, category: 'secure' },
  { row: '46j: popup of a blob: made by an http page', page: pageOf({ url: 'blob:http://a.example/0f8c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f' }, A_HTTP), frameId: 0, secure: false, category: 'insecure-scheme' },
  { row: '46l: http iframe in an https top (model B)', page: pageOf(nested('https://example.com/', 'http://non-secure.example.com/')), frameId: 1, secure: false, category: 'insecure-scheme' },
  { row: '46m: http://127.0.0.1 iframe in an https top', page: pageOf(nested(A_HTTPS, 'http://127.0.0.1/')), frameId: 1, secure: true, category: 'secure-localhost' },
  { row: '47: http top > https iframe > https iframe', page: pageOf(nested(A_HTTP, 'https://b.example/', 'https://c.example/')), frameId: 2, secure: false, category: 'insecure-ancestor' },
];

describe.each(ENGINES)('table C: is the document a secure context (%s)', (engine) => {
  test.each(contextCases.map((c) => [c.row, c] as const))('row %s', (_row, c) => {
    const v = frameOf(c.page, c.frameId, engine).secureContext;
    expect(v.secure).toBe(c.secure);
    expect(v.category).toBe(c.category);
    expect(v.engineSpecific).toBe(false);
  });

  test('46g: a sandboxed (opaque-origin) https document is judged by its URL\'s origin', () => {
    const frame = frameOf(pageOf(nested(A_HTTPS, { url: 'https://b.example/page', sandbox: 'allow-scripts' })), 1, engine);
    expect(frame.origin.type).toBe('opaque');
    expect(frame.secureContext.self.judged).toBe('https://b.example');
    expect(frame.secureContext.self.trustworthy).toBe(true);
  });

  test('46h–46j: a popup is judged on its own: no ancestors, whatever its opener', () => {
    const v = frameOf(pageOf({ url: 'https://b.example/' }, A_HTTP), 0, engine).secureContext;
    expect(v.ancestors).toEqual([]);
    expect(v.brokenBy).toBeNull();
  });

  test('decision 1: srcdoc documents are skipped as ancestors', () => {
    const page = pageOf(nested(A_HTTPS, { url: 'about:srcdoc', srcdoc: true }, 'https://b.example/'));
    const v = frameOf(page, 2, engine).secureContext;
    expect(v.secure).toBe(true);
    expect(v.ancestors.map((a) => a.frameId)).toEqual([0]);
  });
});

describe('table C: engine-specific verdicts (decision 3)', () => {
  const dataURL = 'data:text/html,<p>hi</p>';

  test('46f: a data: iframe in an https top — Chromium: not secure (its own opaque origin), engine-specific', () => {
    const v = frameOf(pageOf(nested(A_HTTPS, dataURL)), 1, 'chromium').secureContext;
    expect(v.secure).toBe(false);
    expect(v.category).toBe('insecure-scheme');
    expect(v.engineSpecific).toBe(true);
  });

  test('46f: a data: iframe in an https top — Firefox: secure (judged by its creator), engine-specific', () => {
    const v = frameOf(pageOf(nested(A_HTTPS, dataURL)), 1, 'firefox').secureContext;
    expect(v.secure).toBe(true);
    expect(v.category).toBe('secure');
    expect(v.engineSpecific).toBe(true);
  });

  test.each(ENGINES)('46f: a data: iframe in an http top is not secure in %s', (engine) => {
    expect(frameOf(pageOf(nested(A_HTTP, dataURL)), 1, engine).secureContext.secure).toBe(false);
  });

  test.each<[Engine, boolean]>([['firefox', true], ['chromium', false]])('47: https top > https iframe > data: iframe in %s → secure %s', (engine, secure) => {
    const v = frameOf(pageOf(nested(A_HTTPS, 'https://b.example/', dataURL)), 2, engine).secureContext;
    expect(v.secure).toBe(secure);
    expect(v.engineSpecific).toBe(true);
  });
});

describe('categories and the breaking ancestor', () => {
  test('http top > https middle > https leaf: both frames below the top name the top as the breaking ancestor', () => {
    const page = pageOf(nested(A_HTTP, 'https://b.example/', 'https://c.example/'));
    const leaf = frameOf(page, 2, 'chromium').secureContext;
    expect(leaf.category).toBe('insecure-ancestor');
    expect(leaf.brokenBy?.frameId).toBe(0);
    expect(leaf.brokenBy?.url).toBe(A_HTTP);
    expect(leaf.ancestors.map((a) => a.frameId)).toEqual([1, 0]);
    const middle = frameOf(page, 1, 'chromium').secureContext;
    expect(middle.category).toBe('insecure-ancestor');
    expect(middle.brokenBy?.frameId).toBe(0);
    expect(frameOf(page, 0, 'chromium').secureContext.category).toBe('insecure-scheme');
  });

  test('http top > http middle > https leaf: the nearest untrustworthy ancestor (the middle) breaks it', () => {
    const page = pageOf(nested(A_HTTP, 'http://b.example/', 'https://c.example/'));
    expect(frameOf(page, 2, 'chromium').secureContext.brokenBy?.frameId).toBe(1);
  });

  test('http://localhost top > http://a.test middle > https://b.test leaf', () => {
    const page = pageOf(nested('http://localhost/', 'http://a.test/', 'https://b.test/'));
    const leaf = frameOf(page, 2, 'chromium').secureContext;
    expect(leaf.secure).toBe(false);
    expect(leaf.category).toBe('insecure-ancestor');
    expect(leaf.brokenBy?.frameId).toBe(1);
    const middle = frameOf(page, 1, 'chromium').secureContext;
    expect(middle.secure).toBe(false);
    expect(middle.category).toBe('insecure-scheme');
    expect(middle.brokenBy).toBeNull();
    const top = frameOf(page, 0, 'chromium').secureContext;
    expect(top.secure).toBe(true);
    expect(top.category).toBe('secure-localhost');
  });

  test('the own origin is checked first: an http iframe in an http top is insecure-scheme, naming the ancestor too', () => {
    const v = frameOf(pageOf(nested(A_HTTP, 'http://b.example/')), 1, 'chromium').secureContext;
    expect(v.category).toBe('insecure-scheme');
    expect(v.brokenBy?.frameId).toBe(0);
  });

  test('an https iframe in an http://localhost top is secure (Chromium DevTools test: Secure)', () => {
    const v = frameOf(pageOf(nested('http://localhost:8000/', 'https://devtools.test:8443/')), 1, 'chromium').secureContext;
    expect(v.secure).toBe(true);
    expect(v.category).toBe('secure');
  });

  test.each(['http://[::1]:8000/', 'http://127.0.0.1/', 'http://app.localhost/'])('a loopback or localhost top <%s> is secure-localhost', (url) => {
    expect(frameOf(pageOf({ url }), 0, 'chromium').secureContext.category).toBe('secure-localhost');
  });
});

// ── findings ────────────────────────────────────────────────────────────────────────────────────────

describe('findings: insecure-scheme and insecure-ancestor', () => {
  const page = pageOf(nested(A_HTTP, 'https://b.example/'));

  test('an insecure top-level document gets insecure-scheme, severity warning', () => {
    const found = frameOf(page, 0, 'chromium').findings.filter((f) => f.id === 'insecure-scheme' || f.id === 'insecure-ancestor');
    expect(found.map((f) => [f.id, f.severity, f.frameId])).toEqual([['insecure-scheme', 'warning', 0]]);
  });

  test('an https frame under it gets insecure-ancestor, whose evidence names the ancestor\'s URL and whose fix names its origin', () => {
    const found = frameOf(page, 1, 'chromium').findings.filter((f) => f.id === 'insecure-scheme' || f.id === 'insecure-ancestor');
    expect(found.map((f) => f.id)).toEqual(['insecure-ancestor']);
    const f = found[0]!;
    expect(f.frameId).toBe(1);
    expect(f.evidence.some((e) => e.value.includes(A_HTTP))).toBe(true);
    expect(f.fix).toContain('http://a.example');
  });

  test('a secure frame has neither finding', () => {
    const ids = frameOf(pageOf(nested(A_HTTPS, 'https://b.example/')), 1, 'chromium').findings.map((f) => f.id);
    expect(ids).not.toContain('insecure-scheme');
    expect(ids).not.toContain('insecure-ancestor');
  });

  test('an engine-specific verdict (a data: iframe in Chromium) marks its finding engine-specific', () => {
    const f = frameOf(pageOf(nested(A_HTTPS, 'data:text/html,x')), 1, 'chromium').findings.find((x) => x.id === 'insecure-scheme');
    expect(f?.engineSpecific).toBe(true);
  });
});

// ── features restricted to secure contexts ─────────────────────────────────────────────────────────

describe('SECURE_CONTEXT_FEATURES', () => {
  test('the list is not empty and the names are unique', () => {
    const names = SECURE_CONTEXT_FEATURES.map((f) => f.name);
    expect(names.length).toBeGreaterThan(0);
    expect(new Set(names).size).toBe(names.length);
  });

  test.each(SECURE_CONTEXT_FEATURES.map((f) => [f.name, f] as const))('%s has a name, an API and an https spec URL', (_name, f) => {
    expect(f.name.trim()).not.toBe('');
    expect(f.api.trim()).not.toBe('');
    expect(new URL(f.spec).protocol).toBe('https:');
  });
});

describe('Chromium\'s categories and extension pages (what the browser reports)', () => {
  test('https://localhost is SecureLocalhost in Chromium (its DevTools protocol test expects it): secure-localhost', () => {
    const frame = frameOf(pageOf({ url: 'https://localhost:8443/' }), 0, 'chromium');
    expect(frame.secureContext.category).toBe('secure-localhost');
    expect(frame.secureContext.self.step).toBe('secure-scheme');
  });

  test('a sandboxed (opaque) frame of a localhost page is plain secure: an opaque origin is never localhost', () => {
    const page = pageOf({ url: 'http://localhost:8000/', children: [{ url: 'http://localhost:8000/f', sandbox: 'allow-scripts' }] });
    expect(frameOf(page, 1, 'chromium').secureContext.category).toBe('secure');
  });

  test.each<[Engine, string, string]>([
    ['chromium', 'chrome-extension://abcdefghijklmnop/page.html', 'chrome-extension://abcdefghijklmnop'],
    ['firefox', 'moz-extension://0c4f7c87-6f53-4a3b-9a43-7f0d1e1a2b3c/page.html', 'moz-extension://0c4f7c87-6f53-4a3b-9a43-7f0d1e1a2b3c'],
  ])('row 37: a %s extension page has the tuple origin its browser gives it, and is trustworthy (step 7)', (engine, url, origin) => {
    const trace: TrustworthyStep[] = [];
    expect(isURLPotentiallyTrustworthy(url, { engine }, trace)).toBe(true);
    expect(trace).toEqual(['extension-scheme']);
    const frame = frameOf(pageOf({ url: 'https://a.example/', children: [{ url }] }), 1, engine);
    expect(frame.serializedOrigin).toBe(origin);
    expect(frame.secureContext).toMatchObject({ secure: true, category: 'secure' });
  });

  test('the other engine\'s extension scheme stays opaque (the URL Standard), so not trustworthy', () => {
    expect(isURLPotentiallyTrustworthy('moz-extension://xyzzy/', { engine: 'chromium' })).toBe(false);
  });
});
