// Sandboxing: HTML's "parse a sandboxing directive" (vectors README §4.B rows 1–38), the CSP-derived flags
// (rows 39–43), creation flags from the embedder and the opener (rows 44–48), where each flag came from,
// did-you-mean suggestions, the flag catalog, and how evaluatePage applies the attribute in effect.
// Every expectation comes from a vector or a spec text, never from this module's output.
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { evaluatePage } from '../../src/shared/evaluate.ts';
import type { Engine } from '../../src/shared/origin.ts';
import {
  cspDerivedSandboxingFlags,
  cspSandboxDirectives,
  determineSandboxingFlags,
  didYouMean,
  ENGINE_SANDBOX_FLAGS,
  parseASandboxingDirective,
  SANDBOX_FLAG_INFO,
  SANDBOX_FLAGS,
  SANDBOX_KEYWORDS,
  type EngineSandboxFlag,
  type SandboxFlag,
  type SandboxInput,
  type SandboxSources,
} from '../../src/shared/sandboxing.ts';
import type { EmbedElement, FrameRecord, HeaderLine, PageRecord } from '../../src/shared/snapshot.ts';

// ── helpers ─────────────────────────────────────────────────────────────────────────────────────────

/** The vectors' short flag names (README §4.B) → HTML's flags as the project names them. */
const SHORT = {
  nav: 'navigation',
  aux: 'auxiliary-navigation',
  top: 'top-level-navigation-without-user-activation',
  topUA: 'top-level-navigation-with-user-activation',
  origin: 'origin',
  forms: 'forms',
  pointerLock: 'pointer-lock',
  scripts: 'scripts',
  autoFeatures: 'automatic-features',
  domain: 'document-domain',
  propagate: 'propagates-to-auxiliary-browsing-contexts',
  modals: 'modals',
  orientationLock: 'orientation-lock',
  presentation: 'presentation',
  downloads: 'downloads',
  customProtocols: 'custom-protocols-navigation',
} as const satisfies Record<string, SandboxFlag>;
type Short = keyof typeof SHORT;

/**
 * The vectors' "ALL" lists 16 flags; HTML's parser also always sets the sandboxed plugins flag, so ALL
 * here is those 16 plus 'plugins'.
 */
const ALL: readonly SandboxFlag[] = [...Object.values(SHORT), 'plugins'];
const allBut = (...minus: Short[]): Set<SandboxFlag> => {
  const drop = new Set<SandboxFlag>(minus.map((m) => SHORT[m]));
  return new Set(ALL.filter((f) => !drop.has(f)));
};
const plus = (set: Set<SandboxFlag>, ...extra: EngineSandboxFlag[]): Set<SandboxFlag> => new Set([...set, ...extra]);
const htmlOnly = (flags: Iterable<SandboxFlag>): Set<SandboxFlag> =>
  new Set([...flags].filter((f) => (SANDBOX_FLAGS as readonly string[]).includes(f)));
const sorted = (flags: Iterable<SandboxFlag>) => [...flags].sort();

const CSP = 'Content-Security-Policy';
const CSP_RO = 'Content-Security-Policy-Report-Only';

const element = (index = 0, id: string | null = null) => ({ tag: 'iframe' as const, index, id, name: null });

/** determineSandboxingFlags with the defaults of an unsandboxed parent, no opener, no headers. */
const determine = (over: Partial<SandboxInput>) => determineSandboxingFlags({
  frameId: 1, attribute: null, parent: new Map(), opener: null, headers: [], ...over,
});
/** The evaluation of an `<iframe sandbox=value>` in an unsandboxed document. */
const iframeWith = (value: string, frameId = 1, parent: SandboxSources = new Map()) =>
  determine({ frameId, attribute: { value, element: element() }, parent });

// Literal snapshots, in the shape src/shared/snapshot.ts records (as in frame-tree.test.ts).
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
const pageOf = (frames: FrameRecord[], over: Partial<PageRecord> = {}): PageRecord => ({
  pageId: 'P', tabId: 7, url: frames[0]?.url ?? 'https://a.test/', startedAt: 1, lifecycle: 'active',
  frames: Object.fromEntries(frames.map((f) => [String(f.frameId), f])),
  dropped: { frames: 0 }, ...over,
});

test('the vectors\' 16 flags plus plugins are exactly HTML\'s 17 sandboxing flags', () => {
  expect(sorted(ALL)).toEqual(sorted(SANDBOX_FLAGS));
  expect(ALL).toHaveLength(17);
});

// ── 1. parse a sandboxing directive: vectors §4.B rows 1–38 ─────────────────────────────────────────
// https://html.spec.whatwg.org/#parse-a-sandboxing-directive

describe('parseASandboxingDirective (HTML only): vectors §4.B rows 1–38', () => {
  // [row, input, expected flags, unknown tokens as written (Chromium's console message lists them in this order)]
  const rows: [number, string, Set<SandboxFlag>, string[]][] = [
    [1, '', allBut(), []],
    [2, 'allow-downloads', allBut('downloads'), []],
    [3, 'allow-forms', allBut('forms'), []],
    [4, 'allow-modals', allBut('modals'), []],
    [5, 'allow-orientation-lock', allBut('orientationLock'), []],
    [6, 'allow-pointer-lock', allBut('pointerLock'), []],
    [7, 'allow-popups', allBut('aux', 'customProtocols'), []],
    [8, 'allow-popups-to-escape-sandbox', allBut('propagate'), []],
    [9, 'allow-presentation', allBut('presentation'), []],
    [10, 'allow-same-origin', allBut('origin'), []],
    [11, 'allow-scripts', allBut('scripts', 'autoFeatures'), []],
    [12, 'allow-top-navigation', allBut('top', 'topUA', 'customProtocols'), []],
    [13, 'allow-top-navigation-by-user-activation', allBut('topUA'), []],
    [14, 'allow-top-navigation-to-custom-protocols', allBut('customProtocols'), []],
    [15, 'allow-top-navigation allow-top-navigation-by-user-activation', allBut('top', 'topUA', 'customProtocols'), []],
    // Rows 16 and 17: ALL for an HTML-only parser; decision 4 makes them known engine-specific tokens, not unknown.
    [16, 'allow-storage-access-by-user-activation', allBut(), []],
    [17, 'allow-same-site-none-cookies', allBut(), []],
    [18, 'allow-downloads allow-forms', allBut('forms', 'downloads'), []],
    [19, 'allow-downloads\nallow-forms', allBut('forms', 'downloads'), []],
    [20, 'allow-downloads\tallow-forms', allBut('forms', 'downloads'), []],
    [21, 'allow-downloads\rallow-forms', allBut('forms', 'downloads'), []],
    [22, 'allow-downloads\fallow-forms', allBut('forms', 'downloads'), []],
    [23, 'allow-downloads\vallow-forms', allBut(), ['allow-downloads\vallow-forms']],
    [24, 'allow-scripts\u00A0allow-forms', allBut(), ['allow-scripts\u00A0allow-forms']],
    [25, 'ALLOW-DOWNLOADS', allBut('downloads'), []],
    [26, 'AlLoW-DoWnLoAdS', allBut('downloads'), []],
    [27, ' allow-downloads', allBut('downloads'), []],
    [28, 'allow-downloads ', allBut('downloads'), []],
    [29, ' allow-downloads ', allBut('downloads'), []],
    [30, 'allow-downloads  allow-forms', allBut('forms', 'downloads'), []],
    [31, '-allow-downloads', allBut(), ['-allow-downloads']],
    [32, '+allow-downloads', allBut(), ['+allow-downloads']],
    [33, 'allow-downloads allow-downloads', allBut('downloads'), []],
    [34, 'b a b a', allBut(), ['b', 'a']],
    [35, 'allow-downloads invalid', allBut('downloads'), ['invalid']],
    [36, 'invalid allow-downloads', allBut('downloads'), ['invalid']],
    [37, 'a allow-downloads b', allBut('downloads'), ['a', 'b']],
    [38, 'allow-scripts allow-same-origin', allBut('origin', 'scripts', 'autoFeatures'), []],
  ];

  test('the table has all 38 rows, in order', () => {
    expect(rows.map((r) => r[0])).toEqual(Array.from({ length: 38 }, (_, i) => i + 1));
  });

  test.each(rows.map(([row, input, flags, unknown]) => ({ name: `row ${row}: ${JSON.stringify(input)}`, input, flags, unknown })))(
    '$name',
    ({ input, flags, unknown }) => {
      const parsed = parseASandboxingDirective(input);
      expect(sorted(parsed.flags)).toEqual(sorted(flags));
      expect(parsed.unknown.map((u) => u.token)).toEqual(unknown);
    },
  );

  test('rows 25 and 33: keywords are reported lowercased and once', () => {
    expect(parseASandboxingDirective('ALLOW-DOWNLOADS').keywords).toEqual(['allow-downloads']);
    expect(parseASandboxingDirective('allow-downloads allow-downloads').keywords).toEqual(['allow-downloads']);
    expect(parseASandboxingDirective('allow-forms AlLoW-DoWnLoAdS').keywords).toEqual(['allow-forms', 'allow-downloads']);
  });

  test.each([
    [16, 'allow-storage-access-by-user-activation'],
    [17, 'allow-same-site-none-cookies'],
  ])('row %i without an engine: %s is an engine-specific token (decision 4), not unknown, and no engine flag is set', (_, token) => {
    const parsed = parseASandboxingDirective(token);
    expect(parsed.engineSpecific).toEqual([token]);
    expect(parsed.unknown).toEqual([]);
    expect(parsed.keywords).toEqual([]);
  });

  test('without an engine, no engine-specific flag is ever set', () => {
    expect([...parseASandboxingDirective('').flags].filter((f) => f in ENGINE_SANDBOX_FLAGS)).toEqual([]);
  });
});

describe('parseASandboxingDirective with an engine: engine-specific flags (decisions 3 and 4)', () => {
  // [row, input, engine, expected]
  test.each<[string, string, Engine, Set<SandboxFlag>]>([
    ['row 1 in Chromium sets both Chromium flags', '', 'chromium', plus(allBut(), 'storage-access-by-user-activation', 'same-site-none-cookies')],
    ['row 1 in Firefox sets only the storage-access flag', '', 'firefox', plus(allBut(), 'storage-access-by-user-activation')],
    ['row 16 in Chromium: the storage-access flag is lifted by its keyword', 'allow-storage-access-by-user-activation', 'chromium', plus(allBut(), 'same-site-none-cookies')],
    ['row 17 in Chromium: the same-site-none-cookies flag is lifted by its keyword', 'allow-same-site-none-cookies', 'chromium', plus(allBut(), 'storage-access-by-user-activation')],
    ['row 16 in Firefox: its only engine flag is lifted', 'allow-storage-access-by-user-activation', 'firefox', allBut()],
    ['row 17 in Firefox: a Chromium-only keyword lifts nothing', 'allow-same-site-none-cookies', 'firefox', plus(allBut(), 'storage-access-by-user-activation')],
    ['engine keywords are ASCII case-insensitive too', 'ALLOW-Storage-Access-By-User-Activation allow-scripts', 'chromium', plus(allBut('scripts', 'autoFeatures'), 'same-site-none-cookies')],
  ])('%s', (_, input, engine, expected) => {
    expect(sorted(parseASandboxingDirective(input, { engine }).flags)).toEqual(sorted(expected));
  });

  test.each([
    [16, 'allow-storage-access-by-user-activation'],
    [17, 'allow-same-site-none-cookies'],
  ])('row %i in Chromium: %s is reported in engineSpecific, not unknown', (_, token) => {
    const parsed = parseASandboxingDirective(token, { engine: 'chromium' });
    expect(parsed.engineSpecific).toEqual([token]);
    expect(parsed.unknown).toEqual([]);
  });
});

describe('parseASandboxingDirective: properties over any input', () => {
  test('row 48 and HTML step 3: navigation, plugins and document.domain are set whatever the tokens', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (input) => {
      const { flags } = parseASandboxingDirective(input);
      return flags.has('navigation') && flags.has('plugins') && flags.has('document-domain');
    }));
  });

  test('every keyword at once lifts every flag but navigation, plugins and document.domain', () => {
    expect(sorted(parseASandboxingDirective(SANDBOX_KEYWORDS.join(' ')).flags)).toEqual(sorted(['navigation', 'plugins', 'document-domain']));
  });

  test('the order of the tokens does not matter', () => {
    const tokens = fc.array(fc.constantFrom(...SANDBOX_KEYWORDS, 'junk', 'ALLOW-FORMS'), { maxLength: 8 });
    fc.assert(fc.property(tokens, (list) => {
      const forward = sorted(parseASandboxingDirective(list.join(' ')).flags);
      const backward = sorted(parseASandboxingDirective([...list].reverse().join('\t')).flags);
      return JSON.stringify(forward) === JSON.stringify(backward);
    }));
  });
});

// ── 2. CSP-derived sandboxing flags: vectors §4.B rows 39–43 ────────────────────────────────────────
// https://html.spec.whatwg.org/#csp-derived-sandboxing-flags, https://w3c.github.io/webappsec-csp/#parse-serialized-policy

describe('cspDerivedSandboxingFlags: vectors §4.B rows 39–42', () => {
  test.each<[string, HeaderLine[], Set<SandboxFlag>]>([
    ['row 39: sandbox allow-downloads allow-scripts', [[CSP, 'sandbox allow-downloads allow-scripts']], allBut('scripts', 'autoFeatures', 'downloads')],
    ['row 40: directive name and keywords are case-insensitive (sanDBox alloW-foRMs)', [[CSP, 'sanDBox alloW-foRMs']], allBut('forms')],
    ['row 41: sandbox with an empty value', [[CSP, 'sandbox']], allBut()],
    ['row 41: sandbox followed only by whitespace', [[CSP, 'sandbox  ']], allBut()],
    ['row 42: Content-Security-Policy-Report-Only gives no flags', [[CSP_RO, 'sandbox']], new Set()],
    ['no CSP at all gives no flags', [['Content-Type', 'text/html']], new Set()],
    ['a CSP without a sandbox directive gives no flags', [[CSP, "default-src 'self'; script-src 'none'"]], new Set()],
  ])('%s', (_, headers, expected) => {
    expect(sorted(cspDerivedSandboxingFlags(headers).flags)).toEqual(sorted(expected));
  });

  test('row 42: the report-only directive is returned apart, so a finding can say it does nothing', () => {
    const { enforced, reportOnly } = cspSandboxDirectives([['Content-Type', 'text/html'], [CSP_RO, 'sandbox allow-forms']]);
    expect(enforced).toEqual([]);
    expect(reportOnly).toEqual([{ line: 1, value: 'allow-forms' }]);
  });
});

describe('cspDerivedSandboxingFlags: row 43, several enforced policies', () => {
  const twoLines: HeaderLine[] = [[CSP, 'sandbox allow-scripts'], [CSP, 'sandbox allow-forms']];

  test('row 43 (Deviation: HTML\'s text would take only the last directive, ALL − {forms}): two header lines give the union, ALL', () => {
    expect(sorted(cspDerivedSandboxingFlags(twoLines).flags)).toEqual(sorted(allBut()));
  });

  test('row 43 (Deviation: HTML\'s text would take the last): two policies in one line, split on ",", give the union too', () => {
    expect(sorted(cspDerivedSandboxingFlags([[CSP, 'sandbox allow-scripts, sandbox allow-forms']]).flags)).toEqual(sorted(allBut()));
  });

  test('row 43: both directives are kept in order, so HTML\'s last one (ALL − {forms}) can still be shown', () => {
    const { directives } = cspDerivedSandboxingFlags(twoLines);
    expect(directives).toEqual([{ line: 0, value: 'allow-scripts' }, { line: 1, value: 'allow-forms' }]);
    expect(sorted(parseASandboxingDirective(directives.at(-1)!.value).flags)).toEqual(sorted(allBut('forms')));
  });

  test('the union of two policies that each allow scripts still allows scripts', () => {
    const flags = cspDerivedSandboxingFlags([[CSP, 'sandbox allow-scripts allow-forms'], [CSP, 'sandbox allow-scripts']]).flags;
    expect(sorted(flags)).toEqual(sorted(allBut('scripts', 'autoFeatures')));
  });
});

describe('cspSandboxDirectives: parsing a serialized CSP list', () => {
  test.each<[string, HeaderLine[], { line: number; value: string }[]]>([
    ['policies are split on ","', [[CSP, "default-src 'self', sandbox allow-forms"]], [{ line: 0, value: 'allow-forms' }]],
    ['directives are split on ";"', [[CSP, "default-src 'self'; sandbox allow-forms; img-src *"]], [{ line: 0, value: 'allow-forms' }]],
    ['leading and trailing whitespace around a directive is stripped', [[CSP, "img-src *;   sandbox allow-forms  "]], [{ line: 0, value: 'allow-forms' }]],
    ['directive names are ASCII case-insensitive', [[CSP, 'SANDBOX allow-forms']], [{ line: 0, value: 'allow-forms' }]],
    ['header names are case-insensitive', [['content-security-policy', 'sandbox allow-forms']], [{ line: 0, value: 'allow-forms' }]],
    ['a second sandbox directive in ONE policy is ignored (the first of a name wins)', [[CSP, 'sandbox allow-scripts; sandbox allow-forms']], [{ line: 0, value: 'allow-scripts' }]],
    ['a second sandbox directive in another policy of the same line counts', [[CSP, 'sandbox allow-scripts; sandbox allow-forms, sandbox allow-modals']], [{ line: 0, value: 'allow-scripts' }, { line: 0, value: 'allow-modals' }]],
    ['"sandboxed" is another directive, not sandbox', [[CSP, 'sandboxed allow-forms']], []],
    ['the line index counts every header line of the response', [['Content-Type', 'text/html'], ['Set-Cookie', 'a=1'], [CSP, 'sandbox']], [{ line: 2, value: '' }]],
    // CSP "parse a serialized CSP" step 2.2: "If token is an empty string, or if token is not an ASCII string, continue."
    ['a directive with a non-ASCII character (NBSP) is skipped', [[CSP, 'sandbox allow-scripts\u00A0allow-forms']], []],
    ['a skipped non-ASCII sandbox directive does not hide a later one in the same policy', [[CSP, 'sandbox allow-scripts\u00A0x; sandbox allow-forms']], [{ line: 0, value: 'allow-forms' }]],
    // Step 2.1 strips ASCII whitespace, which includes form feed.
    ['form feed around a directive is stripped too', [[CSP, 'default-src *;\fsandbox allow-forms']], [{ line: 0, value: 'allow-forms' }]],
  ])('%s', (_, headers, expected) => {
    expect(cspSandboxDirectives(headers).enforced).toEqual(expected);
  });

  test('a second sandbox directive in one policy adds no flags', () => {
    const flags = cspDerivedSandboxingFlags([[CSP, 'sandbox allow-scripts; sandbox allow-forms']]).flags;
    expect(sorted(flags)).toEqual(sorted(allBut('scripts', 'autoFeatures')));
  });

  test('is total: any header value gives an answer, never an exception', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (value) => {
      const r = cspSandboxDirectives([[CSP, value], [CSP_RO, value]]);
      return Array.isArray(r.enforced) && Array.isArray(r.reportOnly);
    }));
  });
});

// ── 3. creation flags, inheritance and popups: vectors §4.B rows 44–48 ──────────────────────────────
// https://html.spec.whatwg.org/#determining-the-creation-sandboxing-flags

describe('determineSandboxingFlags: vectors §4.B rows 44–48', () => {
  test('row 44: parent sandboxed with allow-scripts allow-same-origin, child sandbox="allow-forms allow-scripts" → ALL − {scripts, autoFeatures}', () => {
    const parent = iframeWith('allow-scripts allow-same-origin', 1);
    const child = iframeWith('allow-forms allow-scripts', 2, parent.sources);
    expect(sorted(child.active)).toEqual(sorted(allBut('scripts', 'autoFeatures')));
    expect(sorted(child.creation)).toEqual(sorted(allBut('scripts', 'autoFeatures')));
  });

  test('row 45: unsandboxed parent, sandbox="allow-scripts", response CSP sandbox allow-scripts allow-forms → ALL − {scripts, autoFeatures}', () => {
    const r = determine({ attribute: { value: 'allow-scripts', element: element() }, headers: [[CSP, 'sandbox allow-scripts allow-forms']] });
    expect(sorted(r.creation)).toEqual(sorted(allBut('scripts', 'autoFeatures')));
    expect(sorted(r.csp)).toEqual(sorted(allBut('scripts', 'autoFeatures', 'forms')));
    expect(sorted(r.active)).toEqual(sorted(allBut('scripts', 'autoFeatures')));
  });

  test('row 45: the CSP alone sandboxes an unsandboxed frame', () => {
    const r = determine({ headers: [[CSP, 'sandbox allow-scripts allow-forms']] });
    expect(r.creation.size).toBe(0);
    expect(sorted(r.active)).toEqual(sorted(allBut('scripts', 'autoFeatures', 'forms')));
  });

  test('a frame with no attribute in an unsandboxed parent, and no CSP, is not sandboxed', () => {
    expect(determine({}).active.size).toBe(0);
  });

  test('row 46: a popup from sandbox="allow-same-origin allow-popups" gets the opener\'s flags, ALL − {aux, origin, customProtocols}: scripts are blocked', () => {
    const opener = iframeWith('allow-same-origin allow-popups', 5);
    const popup = determine({ frameId: 0, parent: null, opener: { tabId: 3, frameId: 5, url: 'https://a.test/f', flags: opener.sources } });
    expect(sorted(popup.active)).toEqual(sorted(allBut('aux', 'origin', 'customProtocols')));
    expect(popup.active.has('scripts')).toBe(true);
  });

  test('row 47: a popup from sandbox="allow-popups allow-popups-to-escape-sandbox allow-scripts" has no sandboxing flags', () => {
    const opener = iframeWith('allow-popups allow-popups-to-escape-sandbox allow-scripts', 5);
    const popup = determine({ frameId: 0, parent: null, opener: { tabId: 3, frameId: 5, url: 'https://a.test/f', flags: opener.sources } });
    expect(popup.active.size).toBe(0);
  });

  test('row 47: the escaped popup\'s own CSP still sandboxes it', () => {
    const opener = iframeWith('allow-popups allow-popups-to-escape-sandbox allow-scripts', 5);
    const popup = determine({
      frameId: 0, parent: null, opener: { tabId: 3, frameId: 5, url: 'https://a.test/f', flags: opener.sources },
      headers: [[CSP, 'sandbox allow-scripts']],
    });
    expect(sorted(popup.active)).toEqual(sorted(allBut('scripts', 'autoFeatures')));
  });

  test('row 48: sandbox allow-scripts allow-same-origin delivered by CSP still sets the document.domain flag', () => {
    const r = determine({ frameId: 0, parent: null, headers: [[CSP, 'sandbox allow-scripts allow-same-origin']] });
    expect(r.active.has('document-domain')).toBe(true);
  });

  test('row 48: a document sandboxed by CSP with allow-scripts allow-same-origin cannot set document.domain (SecurityError)', () => {
    const page = pageOf([fr(0, -1, 'https://a.test/', withHeaders('https://a.test/', [[CSP, 'sandbox allow-scripts allow-same-origin']]))]);
    const top = evaluatePage(page, { engine: 'chromium' }).byFrameId.get(0)!;
    expect(top.sandbox.active.has('document-domain')).toBe(true);
    expect(top.documentDomain).toMatchObject({ works: 'throws', reason: 'sandboxed' });
  });

  test('row 48: a document sandboxed by the iframe attribute with allow-scripts allow-same-origin cannot set document.domain either', () => {
    const page = pageOf([
      fr(0, -1, 'https://a.test/', { embeds: [el(0, 1, { sandbox: 'allow-scripts allow-same-origin' })] }),
      fr(1, 0, 'https://a.test/child'),
    ]);
    const child = evaluatePage(page, { engine: 'chromium' }).byFrameId.get(1)!;
    expect(child.documentDomain).toMatchObject({ works: 'throws', reason: 'sandboxed' });
  });
});

describe('evaluatePage: rows 44, 46 and 47 on recorded pages', () => {
  test('row 44: a sandboxed child of a sandboxed frame has the union of both flag sets', () => {
    const page = pageOf([
      fr(0, -1, 'https://a.test/', { embeds: [el(0, 1, { sandbox: 'allow-scripts allow-same-origin' })] }),
      fr(1, 0, 'https://a.test/mid', { embeds: [el(0, 2, { sandbox: 'allow-forms allow-scripts' })] }),
      fr(2, 1, 'https://a.test/inner'),
    ]);
    const e = evaluatePage(page, { engine: 'firefox' });
    expect(sorted(e.byFrameId.get(2)!.sandbox.active)).toEqual(sorted(plus(allBut('scripts', 'autoFeatures'), 'storage-access-by-user-activation')));
    // The middle frame allows same-origin; the inner one inherits nothing that blocks scripts.
    expect(e.byFrameId.get(2)!.predicted).toMatchObject({ scriptsRun: true, originOpaque: true });
    expect(e.byFrameId.get(1)!.predicted).toMatchObject({ scriptsRun: true, originOpaque: false });
  });

  /** A popup page opened by frame 5 (an `<iframe sandbox=value>` in https://a.test/) of tab 3. */
  const popupOpenedBy = (sandbox: string): PageRecord => pageOf([fr(0, -1, 'https://popup.test/')], {
    tabId: 9,
    openedBy: {
      tabId: 3, frameId: 5, url: 'https://a.test/frame', at: 1,
      chain: [
        fr(0, -1, 'https://a.test/', { embeds: [el(0, 5, { sandbox })] }),
        fr(5, 0, 'https://a.test/frame'),
      ],
    },
  });

  test('row 46: the popup runs with the opener frame\'s flags, so its scripts do not run', () => {
    const popup = evaluatePage(popupOpenedBy('allow-same-origin allow-popups'), { engine: 'chromium' }).byFrameId.get(0)!;
    expect(sorted(htmlOnly(popup.sandbox.active))).toEqual(sorted(allBut('aux', 'origin', 'customProtocols')));
    expect(popup.predicted).toMatchObject({ scriptsRun: false, originOpaque: false });
  });

  test('row 46: each of the popup\'s flags names the opener frame as its source', () => {
    const popup = evaluatePage(popupOpenedBy('allow-same-origin allow-popups'), { engine: 'chromium' }).byFrameId.get(0)!;
    for (const [, list] of popup.sandbox.sources) {
      expect(list).toEqual([expect.objectContaining({ kind: 'opener', tabId: 3, frameId: 5, url: 'https://a.test/frame' })]);
    }
    const via = popup.sandbox.sources.get('scripts')![0]!;
    expect(via.kind === 'opener' && via.via).toEqual([expect.objectContaining({ kind: 'attribute', frameId: 5, value: 'allow-same-origin allow-popups' })]);
  });

  test('row 46 without allow-same-origin: the popup also gets an opaque origin', () => {
    const popup = evaluatePage(popupOpenedBy('allow-popups'), { engine: 'chromium' }).byFrameId.get(0)!;
    expect(popup.predicted).toMatchObject({ scriptsRun: false, originOpaque: true });
    expect(popup.serializedOrigin).toBe('null');
  });

  test('row 47: with allow-popups-to-escape-sandbox the popup is not sandboxed', () => {
    const popup = evaluatePage(popupOpenedBy('allow-popups allow-popups-to-escape-sandbox allow-scripts'), { engine: 'chromium' }).byFrameId.get(0)!;
    expect(popup.sandbox.active.size).toBe(0);
    expect(popup.predicted).toMatchObject({ scriptsRun: true, originOpaque: false });
    expect(popup.serializedOrigin).toBe('https://popup.test');
  });
});

// ── 4. where each flag came from ────────────────────────────────────────────────────────────────────

describe('sources of each flag', () => {
  test('a flag set by the parent\'s attribute and again by the child\'s own lists both, the inherited one with the parent\'s frameId first', () => {
    const parent = determine({ frameId: 1, attribute: { value: 'allow-scripts', element: element(0, 'outer') } });
    const child = determine({ frameId: 2, parent: parent.sources, attribute: { value: 'allow-forms', element: element(3, 'inner') } });
    expect(child.sources.get('downloads')).toEqual([
      { kind: 'attribute', frameId: 1, value: 'allow-scripts', element: element(0, 'outer') },
      { kind: 'attribute', frameId: 2, value: 'allow-forms', element: element(3, 'inner') },
    ]);
    // Set only by the child (the parent allows scripts) and only by the parent (the child allows forms).
    expect(child.sources.get('scripts')).toEqual([{ kind: 'attribute', frameId: 2, value: 'allow-forms', element: element(3, 'inner') }]);
    expect(child.sources.get('forms')).toEqual([{ kind: 'attribute', frameId: 1, value: 'allow-scripts', element: element(0, 'outer') }]);
  });

  test('every active flag has at least one source, and nothing else has one', () => {
    const r = determine({ attribute: { value: 'allow-scripts', element: element() }, headers: [[CSP, 'sandbox allow-forms allow-scripts allow-modals']] });
    expect(sorted(r.sources.keys())).toEqual(sorted(r.active));
    for (const list of r.sources.values()) expect(list.length).toBeGreaterThan(0);
  });

  test('a CSP flag lists kind "csp" with the index of its header line', () => {
    const r = determine({ frameId: 4, headers: [['Content-Type', 'text/html'], [CSP, 'sandbox allow-scripts']] });
    expect(r.sources.get('forms')).toEqual([{ kind: 'csp', frameId: 4, line: 1, value: 'allow-scripts' }]);
    expect(r.sources.has('scripts')).toBe(false);
  });

  test('a flag set by both the attribute and the CSP lists the attribute, then the CSP line', () => {
    const r = determine({ frameId: 4, attribute: { value: '', element: element() }, headers: [[CSP, 'sandbox allow-forms'], [CSP, 'sandbox']] });
    expect(r.sources.get('forms')).toEqual([
      { kind: 'attribute', frameId: 4, value: '', element: element() },
      { kind: 'csp', frameId: 4, line: 1, value: '' },
    ]);
  });

  test('evaluatePage: a grandchild\'s inherited flags name the frame whose attribute set them', () => {
    const page = pageOf([
      fr(0, -1, 'https://a.test/', { embeds: [el(0, 1, { sandbox: 'allow-scripts allow-same-origin', id: 'outer' })] }),
      fr(1, 0, 'https://a.test/mid', { embeds: [el(0, 2, { sandbox: 'allow-scripts', id: 'inner' })] }),
      fr(2, 1, 'https://b.test/'),
    ]);
    const sources = evaluatePage(page, { engine: 'chromium' }).byFrameId.get(2)!.sandbox.sources;
    expect(sources.get('forms')!.map((s) => [s.kind, s.frameId])).toEqual([['attribute', 1], ['attribute', 2]]);
    expect(sources.get('origin')!.map((s) => [s.kind, s.frameId])).toEqual([['attribute', 2]]);
  });
});

// ── 5. did you mean ─────────────────────────────────────────────────────────────────────────────────

describe('didYouMean', () => {
  test.each<[string, string | null]>([
    ['allow-script', 'allow-scripts'],
    ['allow-popup', 'allow-popups'],
    ['allow-same-origin,', 'allow-same-origin'],
    ['scripts', 'allow-scripts'],
    ['allow-top-navigation-by-user-activaton', 'allow-top-navigation-by-user-activation'],
    ['ALLOW-SCRIPT', 'allow-scripts'],
    ['banana', null],
  ])('%j → %j', (token, expected) => {
    expect(didYouMean(token)).toBe(expected);
  });

  test('a near-miss in an attribute is reported with its suggestion', () => {
    expect(parseASandboxingDirective('allow-forms allow-script').unknown).toEqual([{ token: 'allow-script', didYouMean: 'allow-scripts' }]);
  });

  test('a 10,000-character token returns quickly and does not throw', () => {
    const token = `allow-${'x'.repeat(9_994)}`;
    const started = performance.now();
    expect(() => didYouMean(token)).not.toThrow();
    expect(() => parseASandboxingDirective(`${token} ${token.toUpperCase()}`)).not.toThrow();
    expect(performance.now() - started).toBeLessThan(500);
  });

  test('is total: any token gives a keyword or null', () => {
    const known = new Set<string>([...SANDBOX_KEYWORDS, ...Object.values(ENGINE_SANDBOX_FLAGS).map((f) => f.keyword)]);
    fc.assert(fc.property(fc.string({ maxLength: 100 }), (token) => {
      const s = didYouMean(token);
      return s === null || known.has(s);
    }));
  });
});

// ── 6. the flag catalog ─────────────────────────────────────────────────────────────────────────────

describe('SANDBOX_FLAG_INFO', () => {
  const engineFlags = Object.keys(ENGINE_SANDBOX_FLAGS) as EngineSandboxFlag[];
  const allFlags: SandboxFlag[] = [...SANDBOX_FLAGS, ...engineFlags];
  const engineKeywords = Object.values(ENGINE_SANDBOX_FLAGS).map((f) => f.keyword as string);
  /** An engine in which the flag exists (undefined: an HTML flag, no engine needed). */
  const engineFor = (flag: SandboxFlag): Engine | undefined =>
    flag in ENGINE_SANDBOX_FLAGS ? ENGINE_SANDBOX_FLAGS[flag as EngineSandboxFlag].engines[0] : undefined;
  const parse = (input: string, flag: SandboxFlag) => {
    const engine = engineFor(flag);
    return parseASandboxingDirective(input, engine ? { engine } : {}).flags;
  };

  test('covers every HTML flag and every engine flag, and nothing else', () => {
    expect(sorted(Object.keys(SANDBOX_FLAG_INFO) as SandboxFlag[])).toEqual(sorted(allFlags));
  });

  test.each(allFlags)('%s: says what it blocks and links an https spec', (flag) => {
    const info = SANDBOX_FLAG_INFO[flag];
    expect(info.blocks.trim().length).toBeGreaterThan(10);
    expect(info.spec).toMatch(/^https:\/\//);
  });

  test.each(allFlags)('%s: every liftedBy keyword is a real keyword that clears the flag', (flag) => {
    expect(parse('', flag).has(flag)).toBe(true);
    for (const k of SANDBOX_FLAG_INFO[flag].liftedBy) {
      expect([...SANDBOX_KEYWORDS, ...engineKeywords]).toContain(k);
      expect(parse(k, flag).has(flag)).toBe(false);
    }
  });

  test.each(allFlags)('%s: every keyword that clears the flag is listed in liftedBy', (flag) => {
    const clearing = [...SANDBOX_KEYWORDS, ...engineKeywords].filter((k) => !parse(k, flag).has(flag));
    expect([...clearing].sort()).toEqual([...SANDBOX_FLAG_INFO[flag].liftedBy].sort());
  });

  test('navigation, plugins and document.domain are lifted by nothing (HTML always sets them)', () => {
    for (const flag of ['navigation', 'plugins', 'document-domain'] as const) expect(SANDBOX_FLAG_INFO[flag].liftedBy).toEqual([]);
  });
});

// ── 7. the attribute in effect: sandbox attribute history ───────────────────────────────────────────
// HTML: the iframe sandboxing flag set is read when the frame navigates; a later change applies only
// from its next navigation.

describe('evaluatePage: the sandbox attribute in effect is the one current when the document committed', () => {
  const pageWith = (embed: Partial<EmbedElement>, committedAt: number) => pageOf([
    fr(0, -1, 'https://a.test/', { embeds: [el(0, 1, { id: 'ad', ...embed })] }),
    fr(1, 0, 'https://b.test/', { committedAt }),
  ]);

  test('(a) changed from "allow-scripts" to no attribute after the commit: the old flags still apply, with a finding', () => {
    const e = evaluatePage(pageWith({ sandbox: null, sandboxHistory: [{ value: 'allow-scripts', until: 2000 }] }, 1000), { engine: 'chromium' });
    const child = e.byFrameId.get(1)!;
    expect(sorted(htmlOnly(child.sandbox.active))).toEqual(sorted(allBut('scripts', 'autoFeatures')));
    expect(child.sandbox.attribute).toBe('allow-scripts');
    expect(child.sandbox.attributeNow).toBeNull();
    expect(child.sandbox.changedAfterLoad).toEqual({ inEffect: 'allow-scripts', now: null, changedAt: 2000 });
    expect(child.predicted).toMatchObject({ scriptsRun: true, originOpaque: true });
    expect(child.findings.map((f) => f.id)).toContain('sandbox-changed-after-load');
  });

  test('(b) changed before the commit: the current value applies and nothing is reported', () => {
    const e = evaluatePage(pageWith({ sandbox: null, sandboxHistory: [{ value: 'allow-scripts', until: 2000 }] }, 3000), { engine: 'chromium' });
    const child = e.byFrameId.get(1)!;
    expect(child.sandbox.active.size).toBe(0);
    expect(child.sandbox.attribute).toBeNull();
    expect(child.sandbox.changedAfterLoad).toBeNull();
    expect(child.predicted).toMatchObject({ scriptsRun: true, originOpaque: false });
    expect(child.findings.map((f) => f.id)).not.toContain('sandbox-changed-after-load');
  });

  test('(b) changed before the commit to a stricter value: the stricter value applies', () => {
    const e = evaluatePage(pageWith({ sandbox: '', sandboxHistory: [{ value: 'allow-scripts', until: 2000 }] }, 3000), { engine: 'chromium' });
    const child = e.byFrameId.get(1)!;
    expect(sorted(htmlOnly(child.sandbox.active))).toEqual(sorted(allBut()));
    expect(child.sandbox.changedAfterLoad).toBeNull();
  });

  test('added after the commit: the document is not sandboxed yet, and that is reported', () => {
    const e = evaluatePage(pageWith({ sandbox: '', sandboxHistory: [{ value: null, until: 2000 }] }, 1000), { engine: 'chromium' });
    const child = e.byFrameId.get(1)!;
    expect(child.sandbox.active.size).toBe(0);
    expect(child.sandbox.changedAfterLoad).toEqual({ inEffect: null, now: '', changedAt: 2000 });
    expect(child.findings.map((f) => f.id)).toContain('sandbox-changed-after-load');
  });

  test('several changes: the value replaced first after the commit is the one in effect', () => {
    const history = [{ value: '', until: 1000 }, { value: 'allow-scripts', until: 2000 }, { value: 'allow-forms', until: 3000 }];
    const child = evaluatePage(pageWith({ sandbox: 'allow-modals', sandboxHistory: history }, 1500), { engine: 'chromium' }).byFrameId.get(1)!;
    expect(child.sandbox.attribute).toBe('allow-scripts');
    expect(sorted(htmlOnly(child.sandbox.active))).toEqual(sorted(allBut('scripts', 'autoFeatures')));
    expect(child.sandbox.changedAfterLoad).toEqual({ inEffect: 'allow-scripts', now: 'allow-modals', changedAt: 2000 });
  });
});

// ── 8. <frame sandbox> ──────────────────────────────────────────────────────────────────────────────

describe('evaluatePage: a sandbox attribute on a <frame> element', () => {
  test('does not sandbox the frame, and is reported', () => {
    const page = pageOf([
      fr(0, -1, 'https://a.test/', { embeds: [el(0, 1, { tag: 'frame', sandbox: '' })] }),
      fr(1, 0, 'https://b.test/'),
    ]);
    const child = evaluatePage(page, { engine: 'chromium' }).byFrameId.get(1)!;
    expect(child.sandbox.active.size).toBe(0);
    expect(child.sandbox.ignoredOnFrameElement).toBe('');
    expect(child.predicted).toMatchObject({ scriptsRun: true, originOpaque: false });
    expect(child.findings.map((f) => f.id)).toContain('sandbox-on-frame-element');
  });

  test('the same attribute on an <iframe> sandboxes it, with no such finding', () => {
    const page = pageOf([
      fr(0, -1, 'https://a.test/', { embeds: [el(0, 1, { tag: 'iframe', sandbox: '' })] }),
      fr(1, 0, 'https://b.test/'),
    ]);
    const child = evaluatePage(page, { engine: 'chromium' }).byFrameId.get(1)!;
    expect(sorted(htmlOnly(child.sandbox.active))).toEqual(sorted(allBut()));
    expect(child.sandbox.ignoredOnFrameElement).toBeNull();
    expect(child.findings.map((f) => f.id)).not.toContain('sandbox-on-frame-element');
  });
});
