// Origins: the URL Standard's origin of a URL (conformance against the WPT urltestdata vectors, then one row
// per spec branch), HTML's same origin / same origin-domain (the spec's own example table), effective domain,
// determining the origin of a document, and properties that hold for any input.
// Every expectation comes from a vector or a spec text, never from this module's output.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { parseURL, serializeURLOrigin } from 'whatwg-url';
import { afterAll, describe, expect, test } from 'vitest';
import {
  determineTheOrigin,
  effectiveDomain,
  isSameOrigin,
  isSameOriginDomain,
  originOfURL,
  parseURLRecord,
  serializeOrigin,
  type Engine,
  type OpaqueOrigin,
  type OpaqueReason,
  type Origin,
  type OriginDifference,
  type OriginStep,
  type TupleOrigin,
} from '../../src/shared/origin.ts';

// ── helpers ─────────────────────────────────────────────────────────────────────────────────────────

/** A tuple origin written the way HTML writes one: (scheme, host, port, domain). */
const tuple = (scheme: string, host: string, port: number | null, domain: string | null = null): TupleOrigin => ({
  type: 'tuple', scheme, host, hostKind: 'domain', port, domain,
});

const reasonOf = (origin: Origin): OpaqueReason['kind'] | 'tuple' => (origin.type === 'opaque' ? origin.reason.kind : 'tuple');

function expectOpaque(origin: Origin): OpaqueOrigin {
  expect(origin.type).toBe('opaque');
  return origin as OpaqueOrigin;
}

// ── 1. conformance: WPT urltestdata.json ────────────────────────────────────────────────────────────
// https://url.spec.whatwg.org/#concept-url-origin, https://html.spec.whatwg.org/#ascii-serialisation-of-an-origin

interface URLTestCase {
  input: string;
  base: string | null;
  origin?: string;
  failure?: boolean;
}

const VECTORS = resolve(import.meta.dirname, '../../../shared/vectors/urltestdata.json');

function loadOriginCases(): URLTestCase[] | null {
  if (!existsSync(VECTORS)) return null;
  const data: unknown = JSON.parse(readFileSync(VECTORS, 'utf8'));
  if (!Array.isArray(data)) throw new Error(`${VECTORS}: expected a JSON array`);
  // Strings are section comments; only the entries that carry an expected `origin` are origin tests.
  return data.filter((entry): entry is URLTestCase & { origin: string } =>
    typeof entry === 'object' && entry !== null && typeof (entry as URLTestCase).origin === 'string');
}

const originCases = loadOriginCases();

describe('conformance: WPT urltestdata.json origins', () => {
  if (originCases === null) {
    console.warn(`urltestdata.json not found at ${VECTORS}: the URL origin conformance vectors did NOT run`);
    test.skip(`SKIPPED: urltestdata.json not found at ${VECTORS}`, () => {});
    return;
  }

  let ran = 0;
  let passed = 0;
  afterAll(() => {
    console.log(`urltestdata.json: ${ran} origin cases ran, ${passed} passed, ${ran - passed} failed (of ${originCases.length} carrying an origin)`);
  });

  test('the vendored file has the 411 origin cases the vectors README promises', () => {
    expect(originCases).toHaveLength(411);
  });

  test.each(originCases.map((c) => [c.input, c.base, c.origin as string] as const))(
    'origin of <%s> against <%s> serializes as %j',
    (input, base, expected) => {
      ran++;
      const record = parseURLRecord(input, base ?? undefined);
      expect(record, 'the URL parses (no origin vector is a failure case)').not.toBeNull();
      expect(serializeOrigin(originOfURL(record!))).toBe(expected);
      passed++;
    },
  );

  test('no vector carries an origin for a file: URL (the URL Standard leaves it to the implementation)', () => {
    // So decision 2 (show file: origins as the browser shows them) is tested with explicit engine rows below.
    const fileCases = originCases.filter((c) => {
      const record = parseURLRecord(c.input, c.base ?? undefined);
      return record?.scheme === 'file' || c.input.toLowerCase().startsWith('blob:file:');
    });
    expect(fileCases).toEqual([]);
  });
});

// ── 2. origin of a URL, one row per branch ──────────────────────────────────────────────────────────
// https://url.spec.whatwg.org/#concept-url-origin

describe('originOfURL: blob:', () => {
  // "2. Let pathURL be the result of parsing the result of URL path serializing url. 3. If pathURL is failure,
  //  return a new opaque origin. 4. If pathURL's scheme is "http", "https", or "file", return pathURL's origin.
  //  5. Return a new opaque origin."
  test.each([
    ['blob: with an https inner URL takes the inner origin', 'blob:https://example.org/uuid', 'https://example.org'],
    ['blob: with an https inner URL drops the inner default port', 'blob:https://example.org:443/uuid', 'https://example.org'],
    ['blob: with an http inner URL keeps a non-default port', 'blob:http://example.org:8080/uuid', 'http://example.org:8080'],
    ['blob: with an uppercase inner scheme and host is normalized', 'blob:HTTPS://EXAMPLE.ORG/uuid', 'https://example.org'],
  ])('%s', (_name, url, expected) => {
    const origin = originOfURL(url);
    expect(origin.type).toBe('tuple');
    expect(serializeOrigin(origin)).toBe(expected);
  });

  test.each<[string, string, Engine, string, OpaqueReason['kind'] | 'tuple']>([
    ['blob: with a file inner URL takes the file origin (Chromium shows "file://")', 'blob:file:///tmp/x.html', 'chromium', 'file://', 'tuple'],
    ['blob: with a file inner URL takes the file origin (Firefox: opaque, "null")', 'blob:file:///tmp/x.html', 'firefox', 'null', 'file-engine'],
  ])('%s', (_name, url, engine, serialized, reason) => {
    const origin = originOfURL(url, { engine });
    expect(serializeOrigin(origin)).toBe(serialized);
    expect(reasonOf(origin)).toBe(reason);
    // Step 4 returns pathURL's origin: the same answer as asking for the inner URL directly.
    expect(serializeOrigin(originOfURL('file:///tmp/x.html', { engine }))).toBe(serialized);
  });

  test.each([
    ['blob: with an ftp inner URL is opaque (ftp is not http/https/file)', 'blob:ftp://example.org/x'],
    ['blob: with a ws inner URL is opaque', 'blob:ws://example.org/'],
    ['blob: with a wss inner URL is opaque', 'blob:wss://example.org/'],
    ['blob: with a data inner URL is opaque', 'blob:data:text/html,hi'],
    ['blob: with an about inner URL is opaque', 'blob:about:blank'],
    ['blob:blob:https://… is opaque (the inner scheme is blob, not https)', 'blob:blob:https://example.org/'],
    ['blob: with an unparsable inner URL is opaque', 'blob:d3958f5c-0777-0845-9dcf-2cb28783acaf'],
    ['blob: with a percent-encoded inner colon is opaque (the inner URL does not parse)', 'blob:http%3a//example.org/'],
    ['blob: with an empty path is opaque', 'blob:'],
  ])('%s', (_name, url) => {
    const origin = expectOpaque(originOfURL(url));
    expect(origin.reason.kind).toBe('blob-inner');
    expect(serializeOrigin(origin)).toBe('null');
  });

  test.each([
    // A blob: URL whose path is a list (not an opaque path) serializes with a leading "/" per segment
    // (URL path serializer), so "/https://example.org/" is parsed with no base: failure → opaque.
    ['blob:/https://… (list path) serializes its path as "/https://…", which fails to parse: opaque', 'blob:/https://example.org/'],
    ['blob://host/https://… (list path, host ignored) serializes as "/https://…": opaque', 'blob://host/https://example.org/'],
  ])('%s', (_name, url) => {
    const origin = originOfURL(url);
    expect(serializeOrigin(origin)).toBe('null');
    expect(reasonOf(origin)).toBe('blob-inner');
  });
});

describe('originOfURL: schemes without a tuple origin', () => {
  test.each<[string, string, OpaqueReason['kind']]>([
    ['data: is opaque with reason data-url', 'data:text/html,<p>hi', 'data-url'],
    ['data: with a base64 body is opaque with reason data-url', 'data:text/plain;base64,aGk=', 'data-url'],
    ['javascript: is opaque with reason scheme', 'javascript:alert(1)', 'scheme'],
    ['mailto: is opaque with reason scheme', 'mailto:someone@example.org', 'scheme'],
    ['about:blank (as a bare URL) is opaque with reason scheme', 'about:blank', 'scheme'],
    ['a custom scheme with a host is still opaque (only special schemes have tuple origins)', 'web+app://example.org:8080/x', 'scheme'],
    ['chrome-extension: is opaque in the URL Standard', 'chrome-extension://abcdefghijklmnop/page.html', 'scheme'],
    ['an invalid URL is opaque with reason invalid-url', 'http://exa mple.org/', 'invalid-url'],
    ['a relative URL with no base is invalid-url', '/just/a/path', 'invalid-url'],
    ['an out-of-range IPv4 address is invalid-url', 'http://256.0.0.1/', 'invalid-url'],
    ['a port above 65535 is invalid-url', 'https://example.org:65536/', 'invalid-url'],
    ['the empty string is invalid-url', '', 'invalid-url'],
  ])('%s', (_name, url, reason) => {
    const origin = expectOpaque(originOfURL(url));
    expect(origin.reason.kind).toBe(reason);
    expect(serializeOrigin(origin)).toBe('null');
  });

  test('the scheme reason names the scheme', () => {
    expect(originOfURL('mailto:x@example.org')).toMatchObject({ type: 'opaque', reason: { kind: 'scheme', scheme: 'mailto' } });
  });
});

describe('originOfURL: tuple origins and their serialization', () => {
  test.each([
    // default ports are null in the URL record and are not serialized
    ['https default port 443 is omitted', 'https://a:443/', 'https://a'],
    ['http default port 80 is omitted', 'http://example.org:80/', 'http://example.org'],
    ['ws default port 80 is omitted', 'ws://example.org:80/', 'ws://example.org'],
    ['wss default port 443 is omitted', 'wss://example.org:443/', 'wss://example.org'],
    ['ftp default port 21 is omitted', 'ftp://example.org:21/', 'ftp://example.org'],
    ['another scheme\'s default port is kept (https:80)', 'https://example.org:80/', 'https://example.org:80'],
    ['a non-default port is kept', 'http://example.org:8080/', 'http://example.org:8080'],
    ['a port with leading zeros is a number', 'http://example.org:00080/', 'http://example.org'],
    // path, query, fragment and credentials are not part of the origin
    ['path, query, fragment and credentials are dropped', 'https://user:pw@example.org/p?q#f', 'https://example.org'],
    // IPv6: compressed, lowercase, brackets
    ['IPv6 loopback serializes as [::1]', 'http://[::1]/', 'http://[::1]'],
    ['IPv6 loopback written in full compresses to [::1]', 'https://[0:0:0:0:0:0:0:1]/', 'https://[::1]'],
    ['IPv6 leading zeros are dropped and hex lowercased', 'https://[2001:DB8:0000:0000:0000:0000:0002:0001]/', 'https://[2001:db8::2:1]'],
    ['IPv6 compresses only the first of two equally long zero runs', 'https://[1:0:0:2:0:0:3:4]/', 'https://[1::2:0:0:3:4]'],
    ['IPv6 does not compress a single zero piece', 'https://[2001:db8:0:1:1:1:1:1]/', 'https://[2001:db8:0:1:1:1:1:1]'],
    ['IPv6 with an embedded IPv4 serializes as hex pieces', 'https://[::ffff:192.168.0.1]/', 'https://[::ffff:c0a8:1]'],
    ['IPv6 with a port keeps the port after the bracket', 'https://[::1]:8443/', 'https://[::1]:8443'],
    // IPv4: every legacy form parses to the dotted-decimal address
    ['IPv4 octal part 0177.0.0.1 is 127.0.0.1', 'http://0177.0.0.1/', 'http://127.0.0.1'],
    ['IPv4 hex and short form 0x7f.1 is 127.0.0.1', 'http://0x7f.1/', 'http://127.0.0.1'],
    ['IPv4 two-part form 127.1 is 127.0.0.1', 'http://127.1/', 'http://127.0.0.1'],
    ['IPv4 single number 2130706433 is 127.0.0.1', 'http://2130706433/', 'http://127.0.0.1'],
    ['IPv4 with a trailing dot is still IPv4', 'http://127.0.0.1./', 'http://127.0.0.1'],
    // domains
    ['IDN host serializes as punycode (bücher.de)', 'https://bücher.de/', 'https://xn--bcher-kva.de'],
    ['IDN host from HTML\'s serialization example (maraña.example)', 'https://maraña.example/', 'https://xn--maraa-rta.example'],
    ['IDN host with uppercase letters is mapped then punycoded', 'https://BÜCHER.de/', 'https://xn--bcher-kva.de'],
    ['a percent-encoded host is decoded before IDNA', 'https://b%C3%BCcher.de/', 'https://xn--bcher-kva.de'],
    ['uppercase scheme and host are lowercased', 'HTTPS://EXAMPLE.ORG:8443/', 'https://example.org:8443'],
    ['a trailing dot in the host is kept', 'https://example.org./', 'https://example.org.'],
  ])('%s', (_name, url, expected) => {
    const origin = originOfURL(url);
    expect(origin.type).toBe('tuple');
    expect(serializeOrigin(origin)).toBe(expected);
  });

  test.each([
    ['a domain host', 'https://example.org/', 'domain', 'example.org'],
    ['an IPv4 host', 'http://0x7f.1/', 'ipv4', '127.0.0.1'],
    ['an IPv6 host (kept in brackets)', 'http://[0::1]/', 'ipv6', '[::1]'],
  ])('the tuple records %s as its host kind', (_name, url, kind, host) => {
    expect(originOfURL(url)).toMatchObject({ type: 'tuple', hostKind: kind, host, port: null, domain: null });
  });

  test('a fresh tuple origin has a null domain (HTML: "Null unless stated otherwise")', () => {
    expect(originOfURL('https://example.org/')).toMatchObject({ scheme: 'https', host: 'example.org', port: null, domain: null });
  });
});

describe('originOfURL: file: (decision 2: show the origin the browser shows)', () => {
  // The URL Standard leaves file: origins to the implementation ("When in doubt, return a new opaque
  // origin") and the WPT vectors carry no origin for them. Chromium's url::Origin is the tuple
  // ("file", "", null) and serializes as "file://"; Firefox serializes "null".
  test.each<[string, string, Engine, string]>([
    ['file:/// on Chromium serializes as "file://"', 'file:///tmp/index.html', 'chromium', 'file://'],
    ['file:/// on Firefox is opaque, "null"', 'file:///tmp/index.html', 'firefox', 'null'],
    ['a Windows drive file: URL on Chromium is "file://"', 'file:///C:/Users/x/index.html', 'chromium', 'file://'],
    ['a Windows drive file: URL on Firefox is "null"', 'file:///C:/Users/x/index.html', 'firefox', 'null'],
    ['a file: URL with a host on Chromium still serializes as "file://"', 'file://server/share/a.html', 'chromium', 'file://'],
    ['a file: URL with a host on Firefox is "null"', 'file://server/share/a.html', 'firefox', 'null'],
  ])('%s', (_name, url, engine, expected) => {
    const origin = originOfURL(url, { engine });
    expect(serializeOrigin(origin)).toBe(expected);
    expect(origin.type).toBe(engine === 'chromium' ? 'tuple' : 'opaque');
    if (engine === 'firefox') expect(reasonOf(origin)).toBe('file-engine');
  });

  test('Chromium is the engine predicted when none is given', () => {
    expect(serializeOrigin(originOfURL('file:///tmp/a.html'))).toBe('file://');
  });
});

// ── 3. same origin and same origin-domain ───────────────────────────────────────────────────────────
// https://html.spec.whatwg.org/#same-origin, https://html.spec.whatwg.org/#same-origin-domain

describe('isSameOrigin / isSameOriginDomain: HTML\'s example table', () => {
  // The five rows of the table under "same origin-domain" in HTML §7.1.1 (columns A, B, same origin,
  // same origin-domain), written as (scheme, host, port, domain).
  test.each<[TupleOrigin, TupleOrigin, boolean, boolean]>([
    [tuple('https', 'example.org', null, null), tuple('https', 'example.org', null, null), true, true],
    [tuple('https', 'example.org', 314, null), tuple('https', 'example.org', 420, null), false, false],
    [tuple('https', 'example.org', 314, 'example.org'), tuple('https', 'example.org', 420, 'example.org'), false, true],
    [tuple('https', 'example.org', null, null), tuple('https', 'example.org', null, 'example.org'), true, false],
    [tuple('https', 'example.org', null, 'example.org'), tuple('http', 'example.org', null, 'example.org'), false, false],
  ])('A=%o B=%o: same origin %s, same origin-domain %s', (a, b, sameOrigin, sameOriginDomain) => {
    expect(isSameOrigin(a, b)).toBe(sameOrigin);
    expect(isSameOrigin(b, a)).toBe(sameOrigin);
    expect(isSameOriginDomain(a, b)).toBe(sameOriginDomain);
    expect(isSameOriginDomain(b, a)).toBe(sameOriginDomain);
  });
});

describe('isSameOrigin / isSameOriginDomain: the trace names the differing part', () => {
  test.each<[string, Origin, Origin, OriginDifference]>([
    ['a scheme difference reports part scheme with both values',
      originOfURL('https://example.org/'), originOfURL('http://example.org/'), { part: 'scheme', a: 'https', b: 'http' }],
    ['a host difference reports part host with both values',
      originOfURL('https://a.example.org/'), originOfURL('https://b.example.org/'), { part: 'host', a: 'a.example.org', b: 'b.example.org' }],
    ['a port difference reports part port with both values (null is the default port)',
      originOfURL('https://example.org:8443/'), originOfURL('https://example.org/'), { part: 'port', a: 8443, b: null }],
  ])('same origin: %s', (_name, a, b, difference) => {
    const trace: OriginDifference[] = [];
    expect(isSameOrigin(a, b, trace)).toBe(false);
    expect(trace).toEqual([difference]);
  });

  test('same origin-domain: one side with document.domain set reports part domain (HTML table row 4)', () => {
    const trace: OriginDifference[] = [];
    expect(isSameOriginDomain(tuple('https', 'example.org', null, null), tuple('https', 'example.org', null, 'example.org'), trace)).toBe(false);
    expect(trace).toEqual([{ part: 'domain', a: null, b: 'example.org' }]);
  });

  test('same origin-domain: two different domains report part domain', () => {
    const trace: OriginDifference[] = [];
    expect(isSameOriginDomain(tuple('https', 'a.example.org', null, 'a.example.org'), tuple('https', 'b.a.example.org', null, 'example.org'), trace)).toBe(false);
    expect(trace).toEqual([{ part: 'domain', a: 'a.example.org', b: 'example.org' }]);
  });

  test('same origin-domain: a scheme difference is reported even when the domains match (HTML table row 5)', () => {
    const trace: OriginDifference[] = [];
    expect(isSameOriginDomain(tuple('https', 'example.org', null, 'example.org'), tuple('http', 'example.org', null, 'example.org'), trace)).toBe(false);
    expect(trace).toEqual([{ part: 'scheme', a: 'https', b: 'http' }]);
  });

  test('same origin-domain: matching domains make different hosts same origin-domain', () => {
    const trace: OriginDifference[] = [];
    expect(isSameOriginDomain(tuple('https', 'a.example.org', null, 'example.org'), tuple('https', 'example.org', null, 'example.org'), trace)).toBe(true);
    expect(trace).toEqual([]);
  });

  test('a same-origin answer leaves the trace empty', () => {
    const trace: OriginDifference[] = [];
    expect(isSameOrigin(originOfURL('https://example.org/a'), originOfURL('https://EXAMPLE.org:443/b'), trace)).toBe(true);
    expect(trace).toEqual([]);
  });
});

describe('isSameOrigin / isSameOriginDomain: opaque origins', () => {
  test('an opaque origin is same origin and same origin-domain with itself', () => {
    const o = originOfURL('data:text/html,x');
    expect(isSameOrigin(o, o)).toBe(true);
    expect(isSameOriginDomain(o, o)).toBe(true);
  });

  test('an opaque origin is the same origin as a copy carrying the same id (the id is its identity)', () => {
    const o = expectOpaque(originOfURL('data:text/html,x'));
    expect(isSameOrigin(o, { ...o })).toBe(true);
  });

  test.each([
    ['data:text/html,x'],
    ['about:blank'],
    ['javascript:void 0'],
    ['http://exa mple.org/'],
  ])('two opaque origins from the same URL %s are not same origin', (url) => {
    const a = originOfURL(url);
    const b = originOfURL(url);
    const trace: OriginDifference[] = [];
    expect(isSameOrigin(a, b, trace)).toBe(false);
    expect(isSameOriginDomain(a, b)).toBe(false);
    expect(trace).toHaveLength(1);
    expect(trace[0]?.part).toBe('opaque');
  });

  test('an opaque origin is not same origin with a tuple origin, in either order', () => {
    const o = originOfURL('data:,x');
    const t = originOfURL('https://example.org/');
    for (const [a, b] of [[o, t], [t, o]] as const) {
      const trace: OriginDifference[] = [];
      expect(isSameOrigin(a, b, trace)).toBe(false);
      expect(isSameOriginDomain(a, b)).toBe(false);
      expect(trace[0]?.part).toBe('opaque');
    }
  });

  test('the same key gives the same opaque origin (one document), a different key a different one', () => {
    expect(isSameOrigin(originOfURL('data:,x', { key: 'doc-1' }), originOfURL('data:,x', { key: 'doc-1' }))).toBe(true);
    expect(isSameOrigin(originOfURL('data:,x', { key: 'doc-1' }), originOfURL('data:,x', { key: 'doc-2' }))).toBe(false);
  });
});

// ── 4. effective domain ─────────────────────────────────────────────────────────────────────────────
// https://html.spec.whatwg.org/#concept-origin-effective-domain

describe('effectiveDomain', () => {
  test.each<[string, Origin, string | null]>([
    ['an opaque origin has no effective domain (null)', originOfURL('data:,x'), null],
    ['a tuple origin whose domain is set returns the domain', tuple('https', 'a.example.org', null, 'example.org'), 'example.org'],
    ['a tuple origin with a null domain returns its host', tuple('https', 'a.example.org', 8443, null), 'a.example.org'],
    ['an IPv6 origin returns its serialized host', originOfURL('https://[::1]/'), '[::1]'],
    ['an IDN origin returns the punycode host', originOfURL('https://bücher.de/'), 'xn--bcher-kva.de'],
  ])('%s', (_name, origin, expected) => {
    expect(effectiveDomain(origin)).toBe(expected);
  });
});

// ── 5. determining the origin of a document ─────────────────────────────────────────────────────────
// https://html.spec.whatwg.org/#determining-the-origin
//  1. If sandboxFlags has its sandboxed origin browsing context flag set, return a new opaque origin.
//  2. If url is null, return a new opaque origin.
//  3. If url is about:srcdoc: assert sourceOrigin is non-null; return sourceOrigin.
//  4. If url matches about:blank and sourceOrigin is non-null, return sourceOrigin.
//  5. Return url's origin.
// https://html.spec.whatwg.org/#matches-about:blank: scheme "about", path a single string "blank", empty
// username and password, null host (query and fragment may be non-null).
// https://html.spec.whatwg.org/#matches-about:srcdoc: the same for "srcdoc", and the query must be null.

describe('determineTheOrigin', () => {
  const parent = originOfURL('https://parent.example/');
  const doc = (url: string, over: Partial<Parameters<typeof determineTheOrigin>[0]> = {}) => {
    const trace: OriginStep[] = [];
    const origin = determineTheOrigin({ url, sandboxedOrigin: false, sourceOrigin: parent, ...over }, trace);
    return { origin, trace, steps: trace.map((s) => s.step) };
  };

  test.each([
    ['about:srcdoc inherits the source (parent) origin', 'about:srcdoc', 'srcdoc-inherits'],
    ['about:srcdoc#frag still matches about:srcdoc (only the fragment may vary)', 'about:srcdoc#frag', 'srcdoc-inherits'],
    ['about:blank inherits the source origin', 'about:blank', 'about-blank-inherits'],
    ['about:blank?x#y matches about:blank (query and fragment may be non-null)', 'about:blank?x#y', 'about-blank-inherits'],
    ['ABOUT:blank matches (the scheme is lowercased by the parser)', 'ABOUT:blank', 'about-blank-inherits'],
  ])('%s', (_name, url, step) => {
    const { origin, trace } = doc(url);
    expect(origin).toBe(parent);
    expect(trace).toEqual([{ step, from: parent }]);
  });

  test.each([
    ['about:srcdoc?x does NOT match about:srcdoc (HTML requires a null query): url\'s origin, opaque', 'about:srcdoc?x'],
    ['about://host/blank does not match about:blank (its host is not null)', 'about://host/blank'],
    ['about://user:pw@host/blank does not match about:blank (credentials and host)', 'about://user:pw@host/blank'],
    ['about:BLANK does not match about:blank (the path is compared exactly)', 'about:BLANK'],
    ['about:blank/ does not match about:blank (its path is "blank/")', 'about:blank/'],
  ])('%s', (_name, url) => {
    const { origin, steps } = doc(url);
    expectOpaque(origin);
    expect(isSameOrigin(origin, parent)).toBe(false);
    expect(steps).toEqual(['origin-of-url']);
  });

  test('an https document takes its URL\'s origin, and the trace says so', () => {
    const { origin, trace } = doc('https://child.example:8443/page');
    expect(serializeOrigin(origin)).toBe('https://child.example:8443');
    expect(trace).toEqual([{ step: 'origin-of-url' }]);
  });

  test('a data: document gets an opaque origin, not its creator\'s', () => {
    const { origin, steps } = doc('data:text/html,<p>hi');
    expect(reasonOf(origin)).toBe('data-url');
    expect(isSameOrigin(origin, parent)).toBe(false);
    expect(steps).toEqual(['origin-of-url']);
  });

  test('a javascript: URL\'s result document keeps the origin of the document it replaced', () => {
    const { origin, trace } = doc('javascript:"<p>hi</p>"');
    expect(origin).toBe(parent);
    expect(trace).toEqual([{ step: 'javascript-inherits', from: parent }]);
  });

  test('about:blank with no source origin: step 5, the URL\'s (opaque) origin, and the trace records that step', () => {
    const { origin, steps } = doc('about:blank', { sourceOrigin: null });
    expectOpaque(origin);
    expect(steps.at(-1)).toBe('origin-of-url');
  });

  test('an unparsable URL gives an opaque origin (step 2: url is null)', () => {
    const { origin } = doc('http://exa mple.org/');
    expect(reasonOf(origin)).toBe('invalid-url');
  });

  test('a file: document follows the engine (decision 2)', () => {
    expect(serializeOrigin(doc('file:///tmp/a.html', { engine: 'chromium' }).origin)).toBe('file://');
    expect(serializeOrigin(doc('file:///tmp/a.html', { engine: 'firefox' }).origin)).toBe('null');
  });

  describe('sandboxed (step 1)', () => {
    test('a sandboxed https document is opaque, reason sandboxed, whose precursor is its URL\'s tuple', () => {
      const { origin, trace, steps } = doc('https://child.example/page', { sandboxedOrigin: true });
      const opaque = expectOpaque(origin);
      expect(opaque.reason.kind).toBe('sandboxed');
      const precursor = (opaque.reason as Extract<OpaqueReason, { kind: 'sandboxed' }>).precursor;
      expect(precursor).toMatchObject({ type: 'tuple', scheme: 'https', host: 'child.example', port: null });
      expect(serializeOrigin(origin)).toBe('null');
      // The deciding step is the sandbox flag: it is the last word in the trace.
      expect(steps.at(-1)).toBe('sandboxed');
      expect(trace.at(-1)).toEqual({ step: 'sandboxed', precursor });
    });

    test('a sandboxed srcdoc document is opaque, and its precursor is the parent\'s origin', () => {
      const { origin, steps } = doc('about:srcdoc', { sandboxedOrigin: true });
      const opaque = expectOpaque(origin);
      expect(opaque.reason).toEqual({ kind: 'sandboxed', precursor: parent });
      expect(isSameOrigin(origin, parent)).toBe(false);
      expect(steps.at(-1)).toBe('sandboxed');
    });

    test('a sandboxed about:blank document is opaque, and its precursor is the source origin', () => {
      const { origin } = doc('about:blank', { sandboxedOrigin: true });
      expect(expectOpaque(origin).reason).toEqual({ kind: 'sandboxed', precursor: parent });
    });

    test('a sandboxed data: document is opaque, reason sandboxed, with an opaque precursor', () => {
      const { origin } = doc('data:text/html,x', { sandboxedOrigin: true });
      const reason = expectOpaque(origin).reason;
      expect(reason.kind).toBe('sandboxed');
      expect(reasonOf((reason as Extract<OpaqueReason, { kind: 'sandboxed' }>).precursor)).toBe('data-url');
    });

    test('two sandboxed documents from the same URL get different ("new") opaque origins', () => {
      const a = doc('https://child.example/', { sandboxedOrigin: true }).origin;
      const b = doc('https://child.example/', { sandboxedOrigin: true }).origin;
      expect(isSameOrigin(a, b)).toBe(false);
    });
  });
});

// ── 6. properties: total over any input ─────────────────────────────────────────────────────────────

/** Any UTF-16 code unit, lone surrogates and C0/C1 controls included. */
const utf16Unit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const controlChar = fc.oneof(fc.integer({ min: 0, max: 0x20 }), fc.integer({ min: 0x7f, max: 0x9f })).map((c) => String.fromCharCode(c));
/** A web URL with control characters spliced in at random places. */
const urlWithControls = fc.tuple(fc.webUrl({ withFragments: true, withQueryParameters: true }), fc.array(fc.tuple(fc.nat(), controlChar), { maxLength: 8 }))
  .map(([url, inserts]) => inserts.reduce((s, [at, c]) => { const i = at % (s.length + 1); return s.slice(0, i) + c + s.slice(i); }, url));
const prefixedURL = fc.tuple(
  fc.constantFrom('', 'blob:', 'blob:/', 'blob://h/', 'blob:blob:', 'about:', 'javascript:', 'data:', 'file://', 'HTTPS://', 'ws://', 'ftp://', 'x-custom://'),
  fc.oneof(fc.webUrl(), fc.string(), fc.string({ unit: utf16Unit })),
).map(([p, s]) => p + s);

const anyURLString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: utf16Unit }),
  fc.webUrl({ withFragments: true, withQueryParameters: true }),
  urlWithControls,
  prefixedURL,
);

const tupleOrigin: fc.Arbitrary<TupleOrigin> = fc.record({
  type: fc.constant('tuple' as const),
  scheme: fc.constantFrom('http', 'https', 'ws', 'wss', 'ftp', 'file'),
  host: fc.constantFrom('example.org', 'a.example.org', '127.0.0.1', '[::1]', ''),
  hostKind: fc.constantFrom('domain' as const, 'ipv4' as const, 'ipv6' as const, 'empty' as const),
  port: fc.option(fc.integer({ min: 0, max: 65535 })),
  domain: fc.option(fc.constantFrom('example.org', 'a.example.org')),
});
const anyOrigin: fc.Arbitrary<Origin> = fc.oneof(
  tupleOrigin,
  fc.constantFrom('opaque-a', 'opaque-b').map((key) => originOfURL('data:,x', { key })),
  anyURLString.map((s) => originOfURL(s)),
);
const engine = fc.constantFrom<Engine | undefined>('chromium', 'firefox', undefined);

const HUGE = 100_000;
const hugeInputs: [string, string][] = [
  ['a 100k-char host', `https://${'a'.repeat(HUGE)}/`],
  ['100k labels', `https://${'a.'.repeat(HUGE / 2)}example/`],
  ['a 100k-char IDN host', `https://${'ü'.repeat(HUGE)}.de/`],
  ['a 100k-char path', `https://example.org/${'p/'.repeat(HUGE / 2)}`],
  ['a 100k-char blob: inner URL', `blob:https://example.org/${'x'.repeat(HUGE)}`],
  ['100k tabs and newlines', `https://exa${'\t\n'.repeat(HUGE / 2)}mple.org/`],
  ['100k C0 controls', `\u0000`.repeat(HUGE)],
  ['100k percent signs in a host', `https://${'%'.repeat(HUGE)}/`],
  ['100k lone surrogates', `https://${'\ud800'.repeat(HUGE)}/`],
  ['a 100k-digit port', `https://example.org:${'9'.repeat(HUGE)}/`],
  ['a 100k-part IPv4-looking host', `http://${'1.'.repeat(HUGE / 2)}1/`],
  ['a 100k-char IPv6 literal', `http://[${'0:'.repeat(HUGE / 2)}1]/`],
  ['a 100k-char about:srcdoc query', `about:srcdoc?${'q'.repeat(HUGE)}`],
];

function exerciseEverything(url: string, eng: Engine | undefined, sandboxedOrigin: boolean, sourceOrigin: Origin | null): void {
  const o = originOfURL(url, eng ? { engine: eng } : {});
  const serialized = serializeOrigin(o);
  expect(typeof serialized).toBe('string');
  effectiveDomain(o);
  const trace: OriginDifference[] = [];
  isSameOrigin(o, o, trace);
  isSameOriginDomain(o, o, trace);
  const steps: OriginStep[] = [];
  const d = determineTheOrigin({ url, sandboxedOrigin, sourceOrigin, ...(eng ? { engine: eng } : {}) }, steps);
  serializeOrigin(d);
  effectiveDomain(d);
  isSameOrigin(d, o);
  isSameOriginDomain(o, d);
  const record = parseURLRecord(url);
  if (record !== null) serializeOrigin(originOfURL(record));
}

describe('properties', () => {
  test('no function throws for arbitrary strings, unicode, web URLs and URLs with control characters', () => {
    fc.assert(fc.property(anyURLString, engine, fc.boolean(), fc.option(anyOrigin), (url, eng, sandboxed, source) => {
      exerciseEverything(url, eng, sandboxed, source);
    }), { numRuns: 1000 });
  });

  test.each(hugeInputs)('no function throws for %s', (_name, url) => {
    expect(() => exerciseEverything(url, 'chromium', true, originOfURL('https://parent.example/'))).not.toThrow();
    expect(() => exerciseEverything(url, 'firefox', false, null)).not.toThrow();
  });

  test('no function throws for random 100k-char strings', () => {
    fc.assert(fc.property(fc.string({ unit: utf16Unit, minLength: HUGE, maxLength: HUGE }), (s) => {
      exerciseEverything(s, undefined, false, null);
    }), { numRuns: 3 });
  });

  // A 100k-char random host is slow, not wrong: whatwg-url 14 → tr46 5 → punycode.js encodes a label in time
  // quadratic in its distinct non-ASCII code points (~4 s per parse at 100k). One run, with room to finish.
  test('no function throws for a random 100k-char host', () => {
    fc.assert(fc.property(fc.string({ unit: utf16Unit, minLength: HUGE, maxLength: HUGE }), (s) => {
      const url = `https://${s}`;
      expect(() => serializeOrigin(originOfURL(url))).not.toThrow();
      expect(() => determineTheOrigin({ url, sandboxedOrigin: true, sourceOrigin: null })).not.toThrow();
    }), { numRuns: 1 });
  }, 60_000);

  test('serialization is "null" exactly for opaque origins', () => {
    fc.assert(fc.property(anyURLString, engine, (url, eng) => {
      const o = originOfURL(url, eng ? { engine: eng } : {});
      expect(serializeOrigin(o) === 'null').toBe(o.type === 'opaque');
    }), { numRuns: 500 });
  });

  test('isSameOrigin and isSameOriginDomain are reflexive for tuple origins (and structural copies)', () => {
    fc.assert(fc.property(tupleOrigin, (t) => {
      expect(isSameOrigin(t, t)).toBe(true);
      expect(isSameOrigin(t, { ...t })).toBe(true);
      expect(isSameOriginDomain(t, { ...t })).toBe(true);
    }));
  });

  test('isSameOrigin and isSameOriginDomain are symmetric', () => {
    fc.assert(fc.property(anyOrigin, anyOrigin, (a, b) => {
      expect(isSameOrigin(a, b)).toBe(isSameOrigin(b, a));
      expect(isSameOriginDomain(a, b)).toBe(isSameOriginDomain(b, a));
    }), { numRuns: 500 });
  });

  test('an origin of a URL is same origin with itself (opaque ones by identity)', () => {
    fc.assert(fc.property(anyURLString, (url) => {
      const o = originOfURL(url);
      expect(isSameOrigin(o, o)).toBe(true);
    }), { numRuns: 300 });
  });

  test('serialization agrees with the URL Standard reference implementation (whatwg-url) outside file:', () => {
    // whatwg-url 14.2 implements the blob branch without the later "or file" step, and returns "null" for
    // file:, so both are excluded; everything else must agree.
    fc.assert(fc.property(anyURLString, (url) => {
      const record = parseURL(url);
      if (record === null || record.scheme === 'file') return;
      if (record.scheme === 'blob' && typeof record.path === 'string' && parseURL(record.path)?.scheme === 'file') return;
      expect(serializeOrigin(originOfURL(url))).toBe(serializeURLOrigin(record));
    }), { numRuns: 1000 });
  });
});
