// Findings: one describe per finding id (model: Lighthouse's audit tests). Each builds a literal snapshot,
// runs evaluatePage, and checks the id, severity, explanation and evidence; then a convention test keeps
// the catalog honest: every id has metadata, a spec link, a fix, and a rule that this file saw produce it.
// Every expectation comes from the vectors README, the specs or the catalog's stated purpose.
import { afterAll, describe, expect, test } from 'vitest';
import { evaluatePage } from '../../src/shared/evaluate.ts';
import { FINDINGS, type Finding, type FindingId, type Severity } from '../../src/shared/findings/catalog.ts';
import type { Engine } from '../../src/shared/origin.ts';
import type { EmbedElement, FrameRecord, HeaderLine, PageRecord } from '../../src/shared/snapshot.ts';

// ── helpers ─────────────────────────────────────────────────────────────────────────────────────────

const CSP = 'Content-Security-Policy';
const CSP_RO = 'Content-Security-Policy-Report-Only';

const el = (index: number, frameId: number | null, over: Partial<EmbedElement> = {}): EmbedElement => ({
  tag: 'iframe', index, frameId, mappedBy: frameId === null ? null : 'getFrameId', id: null, name: null, src: null,
  srcdoc: false, sandbox: null, allow: null, referrerPolicy: null, loading: null,
  credentialless: { attribute: false, property: null }, ...over,
});
const fr = (frameId: number, parentFrameId: number, url: string, over: Partial<FrameRecord> = {}): FrameRecord => ({
  frameId, parentFrameId, url, status: 'loaded', updatedAt: 1, ...over,
});
const withHeaders = (url: string, headers: HeaderLine[]) => ({
  response: { url, statusCode: 200, statusLine: 'HTTP/1.1 200 OK', headers, fromCache: false, timeStamp: 1 },
});
const pageOf = (frames: FrameRecord[]): PageRecord => ({
  pageId: 'P', tabId: 7, url: frames[0]?.url ?? 'https://a.test/', startedAt: 1, lifecycle: 'active',
  frames: Object.fromEntries(frames.map((f) => [String(f.frameId), f])),
  dropped: { frames: 0 },
});
/** https://a.test/ embedding frame 1 at `url` through `<iframe …embed>`, frame 1 answering with `child`. */
const embedded = (url: string, embed: Partial<EmbedElement>, child: Partial<FrameRecord> = {}, top = 'https://a.test/') => pageOf([
  fr(0, -1, top, { embeds: [el(0, 1, embed)] }),
  fr(1, 0, url, child),
]);

/** Ids some test below saw produced and asserted, for the convention test at the end. */
const produced = new Set<string>();

const findingsOf = (page: PageRecord, frameId: number, engine: Engine = 'chromium'): Finding[] =>
  evaluatePage(page, { engine }).byFrameId.get(frameId)!.findings;

/** The one finding with this id; it carries the catalog's spec links and the frame's id. */
function the(findings: Finding[], id: FindingId, frameId: number): Finding {
  const matching = findings.filter((f) => f.id === id);
  expect(matching, `exactly one ${id} among [${findings.map((f) => f.id).join(', ')}]`).toHaveLength(1);
  const f = matching[0]!;
  expect(f.frameId).toBe(frameId);
  expect(f.spec).toEqual(FINDINGS[id].spec);
  expect(f.explanation.trim()).not.toBe('');
  expect(f.fix.trim()).not.toBe('');
  expect(f.step.trim()).not.toBe('');
  produced.add(id);
  return f;
}
const ids = (findings: Finding[]) => findings.map((f) => f.id);
const evidenceValues = (f: Finding) => f.evidence.map((e) => e.value);
/** Some evidence value contains every one of the given strings. */
const expectEvidence = (f: Finding, ...parts: string[]) =>
  expect(evidenceValues(f).some((v) => parts.every((p) => v.includes(p))), `evidence ${JSON.stringify(f.evidence)} has ${JSON.stringify(parts)}`).toBe(true);

// ── escapable-sandbox ───────────────────────────────────────────────────────────────────────────────
// HTML, the sandbox attribute: allow-scripts and allow-same-origin together, when the embedded page has
// the same origin as the page containing the iframe, let it remove the sandbox attribute and reload itself.

describe('escapable-sandbox', () => {
  test('allow-scripts allow-same-origin on a same-origin iframe → error, naming the element and both origins', () => {
    const page = embedded('https://a.test/widget', { id: 'w', sandbox: 'allow-scripts allow-same-origin' });
    const f = the(findingsOf(page, 1), 'escapable-sandbox', 1);
    expect(f.severity).toBe('error');
    expect(f.explanation).toContain('https://a.test');
    expectEvidence(f, 'iframe', 'sandbox="allow-scripts allow-same-origin"');
    expect(evidenceValues(f).filter((v) => v === 'https://a.test')).toHaveLength(2); // the frame's and the embedder's
    expect(f.fix).toContain('allow-same-origin');
  });

  test('keywords are ASCII case-insensitive: ALLOW-SCRIPTS Allow-Same-Origin is escapable too', () => {
    const page = embedded('https://a.test/widget', { sandbox: 'ALLOW-SCRIPTS Allow-Same-Origin' });
    expect(the(findingsOf(page, 1), 'escapable-sandbox', 1).severity).toBe('error');
  });

  test('a srcdoc iframe with both keywords → error (about:srcdoc inherits the parent\'s origin)', () => {
    const page = embedded('about:srcdoc', { srcdoc: true, sandbox: 'allow-scripts allow-same-origin' });
    const f = the(findingsOf(page, 1), 'escapable-sandbox', 1);
    expect(f.severity).toBe('error');
    expect(evidenceValues(f)).toContain('https://a.test');
  });

  test('the same attribute on a cross-origin iframe → none', () => {
    const page = embedded('https://b.test/widget', { sandbox: 'allow-scripts allow-same-origin' });
    expect(ids(findingsOf(page, 1))).not.toContain('escapable-sandbox');
  });

  test('a same-origin iframe inside a sandboxed (opaque-origin) parent → none', () => {
    const page = pageOf([
      fr(0, -1, 'https://a.test/', { embeds: [el(0, 1, { sandbox: 'allow-scripts' })] }),
      fr(1, 0, 'https://a.test/mid', { embeds: [el(0, 2, { sandbox: 'allow-scripts allow-same-origin' })] }),
      fr(2, 1, 'https://a.test/inner'),
    ]);
    const e = evaluatePage(page, { engine: 'chromium' });
    expect(e.byFrameId.get(1)!.serializedOrigin).toBe('null');
    expect(ids(e.byFrameId.get(2)!.findings)).not.toContain('escapable-sandbox');
  });

  test('a same-origin iframe whose scripts are blocked by its parent\'s sandbox cannot run the escape → none', () => {
    const page = pageOf([
      fr(0, -1, 'https://a.test/', { embeds: [el(0, 1, { sandbox: 'allow-same-origin' })] }),
      fr(1, 0, 'https://a.test/mid', { embeds: [el(0, 2, { sandbox: 'allow-scripts allow-same-origin' })] }),
      fr(2, 1, 'https://a.test/inner'),
    ]);
    expect(ids(findingsOf(page, 2))).not.toContain('escapable-sandbox');
  });

  test('only one of the two keywords → none', () => {
    expect(ids(findingsOf(embedded('https://a.test/w', { sandbox: 'allow-scripts' }), 1))).not.toContain('escapable-sandbox');
    expect(ids(findingsOf(embedded('https://a.test/w', { sandbox: 'allow-same-origin' }), 1))).not.toContain('escapable-sandbox');
  });

  test('a CSP sandbox with both keywords → none (a response header is not an attribute the document can remove)', () => {
    const page = embedded('https://a.test/w', {}, withHeaders('https://a.test/w', [[CSP, 'sandbox allow-scripts allow-same-origin']]));
    expect(ids(findingsOf(page, 1))).not.toContain('escapable-sandbox');
  });
});

// ── conflicting-top-navigation ──────────────────────────────────────────────────────────────────────
// HTML: "the allow-top-navigation and allow-top-navigation-by-user-activation keywords must not both be specified".

describe('conflicting-top-navigation', () => {
  test('both top-navigation keywords → warning, naming the element', () => {
    const page = embedded('https://b.test/', { id: 'ad', sandbox: 'allow-top-navigation allow-top-navigation-by-user-activation' });
    const f = the(findingsOf(page, 1), 'conflicting-top-navigation', 1);
    expect(f.severity).toBe('warning');
    expect(f.explanation).toContain('allow-top-navigation-by-user-activation');
    expectEvidence(f, 'id="ad"', 'allow-top-navigation allow-top-navigation-by-user-activation');
  });

  test.each(['allow-top-navigation', 'allow-top-navigation-by-user-activation', 'allow-top-navigation-to-custom-protocols allow-top-navigation-by-user-activation'])(
    '%j alone → none',
    (sandbox) => {
      expect(ids(findingsOf(embedded('https://b.test/', { sandbox }), 1))).not.toContain('conflicting-top-navigation');
    },
  );
});

// ── unknown-sandbox-token ───────────────────────────────────────────────────────────────────────────
// HTML "parse a sandboxing directive": tokens that are not keywords are ignored.

describe('unknown-sandbox-token', () => {
  test('a near-miss → warning, with the keyword it meant in the explanation and the fix', () => {
    const page = embedded('https://b.test/', { sandbox: 'allow-forms allow-script' });
    const f = the(findingsOf(page, 1), 'unknown-sandbox-token', 1);
    expect(f.severity).toBe('warning');
    expect(f.explanation).toContain('"allow-script"');
    expect(f.explanation).toContain('allow-scripts');
    expect(f.fix).toContain('allow-scripts');
    expect(evidenceValues(f)).toContain('allow-script');
    expectEvidence(f, 'sandbox="allow-forms allow-script"');
  });

  test('a token with no likely keyword → warning whose fix removes it, suggesting nothing', () => {
    const f = the(findingsOf(embedded('https://b.test/', { sandbox: 'banana' }), 1), 'unknown-sandbox-token', 1);
    expect(f.fix).toContain('banana');
    expect(f.fix).not.toMatch(/allow-/);
    expect(f.explanation).not.toMatch(/did you mean/i);
  });

  test('vectors row 34 ("b a b a"): one finding per distinct unknown token, in first-seen order', () => {
    const fs = findingsOf(embedded('https://b.test/', { sandbox: 'b a b a' }), 1).filter((f) => f.id === 'unknown-sandbox-token');
    expect(fs.map((f) => f.evidence.find((e) => e.value === 'a' || e.value === 'b')?.value)).toEqual(['b', 'a']);
  });

  test('an unknown token in an enforced CSP sandbox directive → warning naming the header', () => {
    const page = embedded('https://b.test/', {}, withHeaders('https://b.test/', [[CSP, 'sandbox allow-formz']]));
    const f = the(findingsOf(page, 1), 'unknown-sandbox-token', 1);
    expect(f.fix).toContain('allow-forms');
    expectEvidence(f, 'Content-Security-Policy', 'allow-formz');
  });

  test('decision 4: engine-specific keywords are not unknown tokens, in either engine', () => {
    const page = embedded('https://b.test/', { sandbox: 'allow-storage-access-by-user-activation allow-same-site-none-cookies' });
    expect(ids(findingsOf(page, 1, 'chromium'))).not.toContain('unknown-sandbox-token');
    expect(ids(findingsOf(page, 1, 'firefox'))).not.toContain('unknown-sandbox-token');
  });

  test('keywords in any case and extra whitespace (vectors rows 25–30) → none', () => {
    expect(ids(findingsOf(embedded('https://b.test/', { sandbox: ' AlLoW-DoWnLoAdS \tallow-forms\n' }), 1))).not.toContain('unknown-sandbox-token');
  });
});

// ── engine-specific-sandbox-token ───────────────────────────────────────────────────────────────────
// Decisions 3 and 4: known, engine-specific, and the explanation says so for the browser the panel runs in.

describe('engine-specific-sandbox-token', () => {
  const page = embedded('https://b.test/', { sandbox: 'allow-scripts allow-same-site-none-cookies' });

  test('a Chromium-only keyword in Chromium → info, saying it is not HTML and naming the engine', () => {
    const f = the(findingsOf(page, 1, 'chromium'), 'engine-specific-sandbox-token', 1);
    expect(f.severity).toBe('info');
    expect(f.explanation).toContain('allow-same-site-none-cookies');
    expect(f.explanation).toMatch(/HTML/);
    expect(f.explanation).toMatch(/chromium/i);
    expect(evidenceValues(f)).toContain('allow-same-site-none-cookies');
  });

  test('the same keyword in Firefox → info, naming Firefox', () => {
    const f = the(findingsOf(page, 1, 'firefox'), 'engine-specific-sandbox-token', 1);
    expect(f.severity).toBe('info');
    expect(f.explanation).toMatch(/firefox/i);
  });

  test('the storage-access keyword → info in both engines', () => {
    const p = embedded('https://b.test/', { sandbox: 'allow-storage-access-by-user-activation' });
    for (const engine of ['chromium', 'firefox'] as const) {
      const f = the(findingsOf(p, 1, engine), 'engine-specific-sandbox-token', 1);
      expect(f.severity).toBe('info');
      expect(f.explanation).toContain('allow-storage-access-by-user-activation');
    }
  });

  test('HTML keywords only → none', () => {
    expect(ids(findingsOf(embedded('https://b.test/', { sandbox: 'allow-scripts allow-forms' }), 1))).not.toContain('engine-specific-sandbox-token');
  });
});

// ── popups-inherit-sandbox ──────────────────────────────────────────────────────────────────────────
// HTML: with the "sandbox propagates to auxiliary browsing contexts" flag, a popup gets the opener's flags
// (vectors rows 46 and 47).

describe('popups-inherit-sandbox', () => {
  test('allow-popups without allow-popups-to-escape-sandbox → warning, naming the attribute that set it', () => {
    const page = embedded('https://b.test/', { id: 'pay', sandbox: 'allow-popups allow-scripts' });
    const f = the(findingsOf(page, 1), 'popups-inherit-sandbox', 1);
    expect(f.severity).toBe('warning');
    expectEvidence(f, 'id="pay"', 'sandbox="allow-popups allow-scripts"');
    expect(f.fix).toContain('allow-popups-to-escape-sandbox');
  });

  test('a CSP sandbox with allow-popups → warning, naming the header', () => {
    const page = embedded('https://b.test/', {}, withHeaders('https://b.test/', [[CSP, 'sandbox allow-popups']]));
    const f = the(findingsOf(page, 1), 'popups-inherit-sandbox', 1);
    expectEvidence(f, 'Content-Security-Policy', 'allow-popups');
  });

  test('allow-popups with allow-popups-to-escape-sandbox → none', () => {
    const page = embedded('https://b.test/', { sandbox: 'allow-popups allow-popups-to-escape-sandbox allow-scripts' });
    expect(ids(findingsOf(page, 1))).not.toContain('popups-inherit-sandbox');
  });

  test('no allow-popups (popups are blocked outright) → none', () => {
    expect(ids(findingsOf(embedded('https://b.test/', { sandbox: 'allow-scripts' }), 1))).not.toContain('popups-inherit-sandbox');
  });

  test('an unsandboxed frame → none', () => {
    expect(ids(findingsOf(embedded('https://b.test/', {}), 1))).not.toContain('popups-inherit-sandbox');
  });
});

// ── csp-sandbox-report-only ─────────────────────────────────────────────────────────────────────────
// HTML "CSP-derived sandboxing flags" step 2.1: only enforced policies count (vectors row 42).

describe('csp-sandbox-report-only', () => {
  test('sandbox in Content-Security-Policy-Report-Only → info; the frame is not sandboxed', () => {
    const page = embedded('https://b.test/', {}, withHeaders('https://b.test/', [['Content-Type', 'text/html'], [CSP_RO, 'sandbox allow-scripts']]));
    const e = evaluatePage(page, { engine: 'chromium' }).byFrameId.get(1)!;
    const f = the(e.findings, 'csp-sandbox-report-only', 1);
    expect(f.severity).toBe('info');
    expect(f.explanation).toContain('sandbox allow-scripts');
    expectEvidence(f, 'Content-Security-Policy-Report-Only', 'sandbox allow-scripts');
    expect(e.sandbox.active.size).toBe(0);
  });

  test('a report-only policy without sandbox → none', () => {
    const page = embedded('https://b.test/', {}, withHeaders('https://b.test/', [[CSP_RO, "script-src 'none'"]]));
    expect(ids(findingsOf(page, 1))).not.toContain('csp-sandbox-report-only');
  });

  test('an enforced sandbox → none', () => {
    const page = embedded('https://b.test/', {}, withHeaders('https://b.test/', [[CSP, 'sandbox allow-scripts']]));
    expect(ids(findingsOf(page, 1))).not.toContain('csp-sandbox-report-only');
  });
});

// ── multiple-csp-sandbox ────────────────────────────────────────────────────────────────────────────
// Vectors row 43: several enforced policies with sandbox (browsers apply them all; HTML's text reads the last).

describe('multiple-csp-sandbox', () => {
  test('two enforced header lines with sandbox → info, listing both directives', () => {
    const headers: HeaderLine[] = [[CSP, 'sandbox allow-scripts'], [CSP, 'sandbox allow-forms']];
    const f = the(findingsOf(embedded('https://b.test/', {}, withHeaders('https://b.test/', headers)), 1), 'multiple-csp-sandbox', 1);
    expect(f.severity).toBe('info');
    expect(f.evidence).toHaveLength(2);
    expectEvidence(f, 'sandbox allow-scripts');
    expectEvidence(f, 'sandbox allow-forms');
  });

  test('two policies in one header line (split on ",") → info', () => {
    const headers: HeaderLine[] = [[CSP, 'sandbox allow-scripts, sandbox allow-forms']];
    expect(the(findingsOf(embedded('https://b.test/', {}, withHeaders('https://b.test/', headers)), 1), 'multiple-csp-sandbox', 1).severity).toBe('info');
  });

  test('two sandbox directives in ONE policy → none (the second is ignored)', () => {
    const headers: HeaderLine[] = [[CSP, 'sandbox allow-scripts; sandbox allow-forms']];
    expect(ids(findingsOf(embedded('https://b.test/', {}, withHeaders('https://b.test/', headers)), 1))).not.toContain('multiple-csp-sandbox');
  });

  test('one enforced sandbox plus one report-only → none', () => {
    const headers: HeaderLine[] = [[CSP, 'sandbox allow-scripts'], [CSP_RO, 'sandbox']];
    expect(ids(findingsOf(embedded('https://b.test/', {}, withHeaders('https://b.test/', headers)), 1))).not.toContain('multiple-csp-sandbox');
  });
});

// ── sandbox-changed-after-load ──────────────────────────────────────────────────────────────────────
// HTML: the iframe sandboxing flag set is used when the frame navigates; a change applies from the next one.

describe('sandbox-changed-after-load', () => {
  test('sandbox="allow-scripts" removed after the document committed → warning, with the value still in effect', () => {
    const page = embedded('https://b.test/', { id: 'ad', sandbox: null, sandboxHistory: [{ value: 'allow-scripts', until: 2000 }] }, { committedAt: 1000 });
    const f = the(findingsOf(page, 1), 'sandbox-changed-after-load', 1);
    expect(f.severity).toBe('warning');
    expect(f.explanation).toContain('allow-scripts');
    expectEvidence(f, 'allow-scripts');
    expectEvidence(f, 'id="ad"');
  });

  test('changed before the document committed → none', () => {
    const page = embedded('https://b.test/', { sandbox: null, sandboxHistory: [{ value: 'allow-scripts', until: 2000 }] }, { committedAt: 3000 });
    expect(ids(findingsOf(page, 1))).not.toContain('sandbox-changed-after-load');
  });

  test('never changed → none', () => {
    expect(ids(findingsOf(embedded('https://b.test/', { sandbox: 'allow-scripts' }, { committedAt: 1000 }), 1))).not.toContain('sandbox-changed-after-load');
  });
});

// ── sandbox-on-frame-element ────────────────────────────────────────────────────────────────────────
// HTML: the sandbox attribute exists on iframe only.

describe('sandbox-on-frame-element', () => {
  test('<frame sandbox="allow-scripts"> → warning, naming the element; the frame is not sandboxed', () => {
    const page = embedded('https://b.test/', { tag: 'frame', name: 'main', sandbox: 'allow-scripts' });
    const e = evaluatePage(page, { engine: 'chromium' }).byFrameId.get(1)!;
    const f = the(e.findings, 'sandbox-on-frame-element', 1);
    expect(f.severity).toBe('warning');
    expectEvidence(f, '<frame', 'sandbox="allow-scripts"');
    expect(e.sandbox.active.size).toBe(0);
  });

  test('a <frame> without a sandbox attribute → none', () => {
    expect(ids(findingsOf(embedded('https://b.test/', { tag: 'frame' }), 1))).not.toContain('sandbox-on-frame-element');
  });

  test('<iframe sandbox> → none', () => {
    expect(ids(findingsOf(embedded('https://b.test/', { sandbox: '' }), 1))).not.toContain('sandbox-on-frame-element');
  });
});

// ── insecure-scheme ─────────────────────────────────────────────────────────────────────────────────
// Secure Contexts: the document's own origin (its creation URL's when sandboxed, decision 1) must be
// potentially trustworthy (vectors §4.A).

describe('insecure-scheme', () => {
  test('an http: top-level document → warning, naming its origin', () => {
    const f = the(findingsOf(pageOf([fr(0, -1, 'http://example.com/')]), 0), 'insecure-scheme', 0);
    expect(f.severity).toBe(FINDINGS['insecure-scheme'].severity);
    expect(f.explanation).toContain('http://example.com');
    expect(evidenceValues(f)).toContain('http://example.com');
  });

  test.each(['https://example.com/', 'http://localhost/', 'http://127.0.0.1:8080/'])('a top-level %s (potentially trustworthy) → none', (url) => {
    const fs = findingsOf(pageOf([fr(0, -1, url)]), 0);
    expect(ids(fs)).not.toContain('insecure-scheme');
    expect(ids(fs)).not.toContain('insecure-ancestor');
  });

  test('a sandboxed http: frame is judged by its URL\'s origin, not "null"', () => {
    const page = embedded('http://b.example/', { sandbox: '' }, {}, 'http://b.example/');
    const f = the(findingsOf(page, 1), 'insecure-scheme', 1);
    expect(evidenceValues(f)).toContain('http://b.example');
  });

  test('decision 1: a sandboxed https: frame in an https: page is still a secure context → none', () => {
    const fs = findingsOf(embedded('https://b.test/', { sandbox: '' }), 1);
    expect(ids(fs)).not.toContain('insecure-scheme');
    expect(ids(fs)).not.toContain('insecure-ancestor');
  });
});

// ── insecure-ancestor ───────────────────────────────────────────────────────────────────────────────
// Secure Contexts: every ancestor must be potentially trustworthy; decision 1: name the one that breaks it.

describe('insecure-ancestor', () => {
  test('an https: frame in an http: page → warning, naming the http: ancestor', () => {
    const page = embedded('https://b.example/', {}, {}, 'http://a.example/');
    const f = the(findingsOf(page, 1), 'insecure-ancestor', 1);
    expect(f.severity).toBe(FINDINGS['insecure-ancestor'].severity);
    expect(f.explanation).toContain('http://a.example');
    expectEvidence(f, 'http://a.example/');
    expect(ids(findingsOf(page, 1))).not.toContain('insecure-scheme');
  });

  test('a grandchild names the top-level http: document, two levels up', () => {
    const page = pageOf([
      fr(0, -1, 'http://a.example/', { embeds: [el(0, 1)] }),
      fr(1, 0, 'https://b.example/', { embeds: [el(0, 2)] }),
      fr(2, 1, 'https://c.example/'),
    ]);
    const f = the(findingsOf(page, 2), 'insecure-ancestor', 2);
    expectEvidence(f, 'http://a.example');
    expect(evidenceValues(f).join(' ')).not.toContain('b.example/'); // the trustworthy parent is not blamed
  });

  test('an https: frame in an https: page → none', () => {
    expect(ids(findingsOf(embedded('https://b.example/', {}, {}, 'https://a.example/'), 1))).not.toContain('insecure-ancestor');
  });
});

// ── order ───────────────────────────────────────────────────────────────────────────────────────────

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

describe('findings are sorted worst first', () => {
  // An http: page embedding a same-origin frame with an escapable sandbox that may open popups and carries a
  // Chromium-only keyword: insecure-scheme (warning), escapable-sandbox (error), popups-inherit-sandbox
  // (warning), engine-specific-sandbox-token (info), produced by rules in another order.
  const page = embedded('http://a.test/w', { sandbox: 'allow-same-site-none-cookies allow-popups allow-scripts allow-same-origin' }, {}, 'http://a.test/');

  test('each frame\'s findings: error, then warnings, then info', () => {
    const fs = findingsOf(page, 1);
    expect(ids(fs).sort()).toEqual(['engine-specific-sandbox-token', 'escapable-sandbox', 'insecure-scheme', 'popups-inherit-sandbox']);
    expect(fs.map((f) => f.severity)).toEqual(['error', 'warning', 'warning', 'info']);
  });

  test('the page\'s findings, all frames together, are sorted worst first too', () => {
    const all = evaluatePage(page, { engine: 'chromium' }).findings;
    expect(all.length).toBeGreaterThan(4); // the top frame's insecure-scheme as well
    for (let i = 1; i < all.length; i++) expect(RANK[all[i - 1]!.severity]).toBeLessThanOrEqual(RANK[all[i]!.severity]);
    expect(all[0]!.severity).toBe('error');
    expect(all.at(-1)!.severity).toBe('info');
  });
});

// ── convention: the catalog is honest ───────────────────────────────────────────────────────────────
// Model: refined-github build/features.test.ts. Runs last: `produced` is filled by the tests above.

describe('convention: every finding kind in the catalog', () => {
  const kinds = Object.entries(FINDINGS) as [FindingId, (typeof FINDINGS)[FindingId]][];

  test.each(kinds)('%s has a kebab-case id, a title, a description, a severity, https spec links and a fix', (id, kind) => {
    expect(id).toMatch(/^[a-z]+(?:-[a-z]+)*$/);
    expect(kind.title.trim()).not.toBe('');
    expect(kind.description.trim()).not.toBe('');
    expect(['error', 'warning', 'info']).toContain(kind.severity);
    expect(kind.spec.length).toBeGreaterThan(0);
    for (const url of kind.spec) {
      expect(url).toMatch(/^https:\/\//);
      expect(() => new URL(url)).not.toThrow();
    }
    expect(kind.fix.trim()).not.toBe('');
  });

  test('every id was produced by a rule and asserted by a test in this file', () => {
    expect([...produced].sort()).toEqual(Object.keys(FINDINGS).sort());
  });

  afterAll(() => {
    console.log(`findings: ${produced.size} of ${Object.keys(FINDINGS).length} finding kinds produced and checked`);
  });
});
