// COOP and COEP: HTML's "obtain an embedder policy" (vectors README §4.C rows E1–E34), "obtain an opener
// policy" (rows O1–O33), the browsing context group switch for popups (rows P1–P6), the problems recorded for
// headers that are present but not applied as written, and totality over arbitrary header lines.
// Every expectation comes from a vector or a spec text, never from this module's output.
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import {
  COEP,
  COEP_RO,
  isCompatibleWithCrossOriginIsolation,
  obtainAnEmbedderPolicy,
  type EmbedderPolicy,
  type EmbedderPolicyValue,
  type PolicyProblem,
} from '../../src/shared/coep.ts';
import {
  COOP,
  COOP_RO,
  obtainAnOpenerPolicy,
  requiresBrowsingContextGroupSwitch,
  type OpenerPolicy,
  type OpenerPolicyValue,
} from '../../src/shared/coop.ts';
import { originOfURL } from '../../src/shared/origin.ts';
import type { HeaderLine } from '../../src/shared/snapshot.ts';

// ── helpers ─────────────────────────────────────────────────────────────────────────────────────────

const SECURE = { secureContext: true };
const NOT_SECURE = { secureContext: false };

/** Raw field lines of one header, one element per line (vectors §4.C: before OWS is trimmed). */
const lines = (name: string) => (...values: string[]): HeaderLine[] => values.map((v): HeaderLine => [name, v]);
const coep = lines(COEP);
const coepRO = lines(COEP_RO);
const coop = lines(COOP);
const coopRO = lines(COOP_RO);

/** An embedder policy as the vectors write it: (value, endpoint; RO value, RO endpoint). */
const embedder = (
  value: EmbedderPolicyValue,
  reportingEndpoint: string | null = null,
  reportOnlyValue: EmbedderPolicyValue = 'unsafe-none',
  reportOnlyReportingEndpoint: string | null = null,
): EmbedderPolicy => ({ value, reportingEndpoint, reportOnlyValue, reportOnlyReportingEndpoint });

/** An opener policy as the vectors write it: (value, endpoint; RO value, RO endpoint). */
const opener = (
  value: OpenerPolicyValue,
  reportingEndpoint: string | null = null,
  reportOnlyValue: OpenerPolicyValue = 'unsafe-none',
  reportOnlyReportingEndpoint: string | null = null,
): OpenerPolicy => ({ value, reportingEndpoint, reportOnlyValue, reportOnlyReportingEndpoint });

/** A vector row; a row with several inputs becomes one case per input. */
interface Row<P> {
  id: string;
  what: string;
  inputs: HeaderLine[][];
  expected: P;
  secure?: boolean;
}

interface Case<P> {
  name: string;
  headers: HeaderLine[];
  expected: P;
  context: { secureContext: boolean };
}

/** Shows control characters and non-ASCII escaped, so every case has a readable, distinct name. */
const show = (headers: HeaderLine[]): string => (headers.length === 0
  ? 'no header'
  : headers.map(([n, v]) => `${n}: ${JSON.stringify(v).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}`).join(' + '));

function cases<P>(rows: Row<P>[]): Case<P>[] {
  return rows.flatMap((row) => row.inputs.map((headers, i) => ({
    name: `${row.id}${row.inputs.length > 1 ? ` (${i + 1}/${row.inputs.length})` : ''} ${row.what}: ${show(headers)}`,
    headers,
    expected: row.expected,
    context: row.secure === false ? NOT_SECURE : SECURE,
  })));
}

// ── 1. COEP: vectors §4.C rows E1–E34 ───────────────────────────────────────────────────────────────
// https://html.spec.whatwg.org/#obtain-an-embedder-policy
// The table: "The output is (value, endpoint); report-only fields are unsafe-none and null unless shown."
// Where a row gives only the value, its input has no report-to, so the endpoint is null.

const COEP_ROWS: Row<EmbedderPolicy>[] = [
  { id: 'E1', what: 'no header is the default', inputs: [[]], expected: embedder('unsafe-none') },
  { id: 'E2', what: 'require-corp', inputs: [coep('require-corp')], expected: embedder('require-corp') },
  { id: 'E3', what: 'credentialless', inputs: [coep('credentialless')], expected: embedder('credentialless') },
  { id: 'E4', what: 'an unknown token is ignored', inputs: [coep('unknown-value'), coep('jibberish')], expected: embedder('unsafe-none') },
  {
    id: 'E5', what: 'a list in one line is not an item',
    inputs: [coep('require-corp, unknown-value'), coep('unknown-value, require-corp'), coep('require-corp, require-corp')],
    expected: embedder('unsafe-none'),
  },
  { id: 'E6', what: 'two lines combine into a list, not an item', inputs: [coep('require-corp', 'require-corp')], expected: embedder('unsafe-none') },
  { id: 'E7', what: 'an empty line next to a value makes a list', inputs: [coep('', 'require-corp'), coep('require-corp', '')], expected: embedder('unsafe-none') },
  { id: 'E8', what: 'an empty value', inputs: [coep('')], expected: embedder('unsafe-none') },
  {
    id: 'E9', what: 'values are case-sensitive',
    inputs: [coep('Require-corp'), coep('REQUIRE-CORP'), coep('CREDENTIALLESS')],
    expected: embedder('unsafe-none'),
  },
  { id: 'E10', what: 'an SF string is not a token', inputs: [coep('"require-corp"')], expected: embedder('unsafe-none') },
  { id: 'E11', what: 'an SF byte sequence is not a token', inputs: [coep(':cmVxdWlyZS1jb3Jw:')], expected: embedder('unsafe-none') },
  { id: 'E12', what: 'a trailing ";" fails SF parsing', inputs: [coep('require-corp;')], expected: embedder('unsafe-none') },
  { id: 'E13', what: 'a tab after ";" fails SF parsing', inputs: [coep('require-corp;\tfoo=bar')], expected: embedder('unsafe-none') },
  {
    id: 'E14', what: 'VT, FF and CR around the value are not trimmed',
    inputs: [coep('\u000brequire-corp\u000b'), coep('\u000crequire-corp\u000c'), coep('\u000drequire-corp\u000d')],
    expected: embedder('unsafe-none'),
  },
  { id: 'E15', what: 'a 0xFF byte inside the token', inputs: [coep('require\u00FFcorp')], expected: embedder('unsafe-none') },
  {
    id: 'E16', what: 'two tokens in one line',
    inputs: [coep('require-corp require-corp'), coep('require-corp,require-corp')],
    expected: embedder('unsafe-none'),
  },
  {
    id: 'E17', what: 'SP and HTAB around the value are trimmed',
    inputs: [coep(' require-corp '), coep('\trequire-corp\t'), coep(' \trequire-corp'), coep('require-corp\t ')],
    expected: embedder('require-corp'),
  },
  {
    id: 'E18', what: 'unknown parameters are ignored',
    inputs: [coep('require-corp; foo=bar'), coep('require-corp;require-corp')],
    expected: embedder('require-corp'),
  },
  {
    id: 'E19', what: 'two lines joined with ", " inside a string',
    inputs: [coep('require-corp; report-to="data:', '"')],
    expected: embedder('require-corp', 'data:, '),
  },
  { id: 'E20', what: 'report-to as a string', inputs: [coep('require-corp; report-to="endpoint"')], expected: embedder('require-corp', 'endpoint') },
  { id: 'E21', what: 'credentialless with report-to', inputs: [coep('credentialless; report-to="endpoint"')], expected: embedder('credentialless', 'endpoint') },
  { id: 'E22', what: 'report-to among other parameters', inputs: [coep('require-corp; foo; report-to="x"; bar=piyo')], expected: embedder('require-corp', 'x') },
  { id: 'E23', what: 'the last report-to wins', inputs: [coep('require-corp; report-to="x"; report-to="y"')], expected: embedder('require-corp', 'y') },
  { id: 'E24', what: 'a token report-to gives no endpoint', inputs: [coep('require-corp; report-to=endpoint')], expected: embedder('require-corp', null) },
  {
    id: 'E25', what: 'an integer or boolean report-to gives no endpoint',
    inputs: [coep('require-corp; report-to=3'), coep('require-corp; report-to')],
    expected: embedder('require-corp', null),
  },
  { id: 'E26', what: 'a byte-sequence report-to gives no endpoint', inputs: [coep('require-corp;report-to=:ZW5kcG9pbnQ=:')], expected: embedder('require-corp', null) },
  { id: 'E27', what: 'an upper-case key fails SF parsing', inputs: [coep(' require-corp; REPORT-TO="endpoint"')], expected: embedder('unsafe-none', null) },
  { id: 'E28', what: '"none" is not a COEP value, so its report-to is not used', inputs: [coep('none; report-to="endpoint"')], expected: embedder('unsafe-none', null) },
  {
    id: 'E29', what: 'enforced and report-only, each with its own endpoint',
    inputs: [[...coep('require-corp; report-to="endpoint1"'), ...coepRO('require-corp; report-to="endpoint2"')]],
    expected: embedder('require-corp', 'endpoint1', 'require-corp', 'endpoint2'),
  },
  {
    id: 'E30', what: 'as E29 with whitespace to trim',
    inputs: [[...coep('  require-corp; report-to="endpoint1"  '), ...coepRO(' require-corp; report-to="endpoint2"')]],
    expected: embedder('require-corp', 'endpoint1', 'require-corp', 'endpoint2'),
  },
  {
    id: 'E31', what: 'a broken report-only header leaves the enforced one',
    inputs: [[...coep('require-corp; report-to="x"'), ...coepRO('TOTALLY BLOKEN')]],
    expected: embedder('require-corp', 'x', 'unsafe-none', null),
  },
  {
    id: 'E32', what: 'a broken enforced header leaves the report-only one',
    inputs: [[...coep('TOTALLY BLOKEN'), ...coepRO('require-corp; report-to="x"')]],
    expected: embedder('unsafe-none', null, 'require-corp', 'x'),
  },
  {
    id: 'E33', what: 'a token report-to on the report-only header gives no report-only endpoint',
    inputs: [[...coep('require-corp;report-to="endpoint"'), ...coepRO('require-corp;report-to=report-only-endpoint')]],
    expected: embedder('require-corp', 'endpoint', 'require-corp', null),
  },
  { id: 'E34', what: 'a non-secure context ignores the header', inputs: [coep('require-corp')], expected: embedder('unsafe-none'), secure: false },
];

describe('conformance: obtainAnEmbedderPolicy, vectors E1–E34', () => {
  const all = cases(COEP_ROWS);
  let ran = 0;
  afterAll(() => console.log(`COEP vectors: ${ran} cases ran (${COEP_ROWS.length} rows)`));

  test('the table has every row E1–E34', () => {
    expect(COEP_ROWS.map((r) => r.id)).toEqual(Array.from({ length: 34 }, (_, i) => `E${i + 1}`));
  });

  test.each(all.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    ran++;
    expect(obtainAnEmbedderPolicy(c.headers, c.context)).toEqual(c.expected);
  });
});

describe('isCompatibleWithCrossOriginIsolation', () => {
  // https://html.spec.whatwg.org/#compatible-with-cross-origin-isolation: "credentialless" or "require-corp".
  test.each<[EmbedderPolicyValue, boolean]>([
    ['require-corp', true],
    ['credentialless', true],
    ['unsafe-none', false],
  ])('%s → %s', (value, expected) => {
    expect(isCompatibleWithCrossOriginIsolation(value)).toBe(expected);
  });
});

// ── 2. COOP: vectors §4.C rows O1–O33 ───────────────────────────────────────────────────────────────
// https://html.spec.whatwg.org/#obtain-coop
// COEP is unsafe-none unless a row adds a COEP / COEP-Report-Only header. Fields a row does not give are
// those of O1 (no header): an absent header, or an input with no report-to, leaves them unsafe-none/null.

/** O15: the 16 failure values of [WPT-COOP] (S13), and an em dash inside the token. */
const O15_VALUES = [
  'same-origin;',
  '\u000bsame-origin\u000b',
  '\u000csame-origin\u000c',
  '\u000dsame-origin\u000d',
  'Same-origin',
  'same-origin;\tfoo=bar',
  'same-origin ;foo=bar',
  'same-origin; foo=bar;',
  '"same-origin"',
  ':c2FtZS1vcmlnaW4=:',
  '?1',
  '1',
  '$same-origin',
  'same-origin same-origin',
  'same-origin,same-origin',
  '*same-origin ',
  'same\u2014origin',
];

const COOP_ROWS: Row<OpenerPolicy>[] = [
  { id: 'O1', what: 'no header is the default', inputs: [[]], expected: opener('unsafe-none', null, 'unsafe-none', null) },
  { id: 'O2', what: 'same-origin', inputs: [coop('same-origin')], expected: opener('same-origin') },
  { id: 'O3', what: 'same-origin with COEP require-corp', inputs: [[...coop('same-origin'), ...coep('require-corp')]], expected: opener('same-origin-plus-COEP') },
  { id: 'O4', what: 'same-origin with COEP credentialless', inputs: [[...coop('same-origin'), ...coep('credentialless')]], expected: opener('same-origin-plus-COEP') },
  {
    id: 'O5', what: 'same-origin with only COEP-Report-Only require-corp',
    inputs: [[...coop('same-origin'), ...coepRO('require-corp')]],
    expected: opener('same-origin'),
  },
  {
    id: 'O6', what: 'COOP-Report-Only same-origin with COEP require-corp',
    inputs: [[...coopRO('same-origin'), ...coep('require-corp')]],
    expected: opener('unsafe-none', null, 'same-origin-plus-COEP'),
  },
  {
    id: 'O7', what: 'COOP-Report-Only same-origin with COEP-Report-Only require-corp',
    inputs: [[...coopRO('same-origin'), ...coepRO('require-corp')]],
    expected: opener('unsafe-none', null, 'same-origin-plus-COEP'),
  },
  { id: 'O8', what: 'same-origin-allow-popups', inputs: [coop('same-origin-allow-popups')], expected: opener('same-origin-allow-popups') },
  { id: 'O9', what: 'noopener-allow-popups', inputs: [coop('noopener-allow-popups')], expected: opener('noopener-allow-popups') },
  { id: 'O10', what: 'unsafe-none', inputs: [coop('unsafe-none')], expected: opener('unsafe-none') },
  { id: 'O11', what: 'an unknown token', inputs: [coop('same-site'), coop('some-origin'), coop('jibberish')], expected: opener('unsafe-none') },
  {
    id: 'O12', what: 'a historical value',
    inputs: [coop('same-origin unsafe-allow-outgoing'), coop('same-site unsafe-allow-outgoing')],
    expected: opener('unsafe-none'),
  },
  {
    id: 'O13', what: 'SP and HTAB around the value are trimmed',
    inputs: [coop(' same-origin'), coop('same-origin '), coop('\tsame-origin'), coop('same-origin\t'), coop('   same-origin')],
    expected: opener('same-origin'),
  },
  {
    id: 'O14', what: 'unknown parameters are ignored',
    inputs: [coop('same-origin;same-origin'), coop('same-origin; foo=bar'), coop('same-origin; invalidparameter="unknown"')],
    expected: opener('same-origin'),
  },
  { id: 'O15', what: 'a WPT failure value', inputs: O15_VALUES.map((v) => coop(v)), expected: opener('unsafe-none') },
  { id: 'O16', what: 'a repeated header is a list, not an item', inputs: [coop('same-origin', 'same-origin')], expected: opener('unsafe-none') },
  { id: 'O17', what: 'an empty or blank value', inputs: [coop(''), coop('   ')], expected: opener('unsafe-none') },
  { id: 'O18', what: 'a trailing VT is not trimmed', inputs: [coop('same-origin\x0B')], expected: opener('unsafe-none') },
  { id: 'O19', what: 'report-to as a string', inputs: [coop('same-origin; report-to="endpoint"')], expected: opener('same-origin', 'endpoint') },
  { id: 'O20', what: 'the last report-to wins', inputs: [coop('same-origin; report-to="endpoint"; report-to="foo"')], expected: opener('same-origin', 'foo') },
  { id: 'O21', what: 'a token report-to gives no endpoint', inputs: [coop('same-origin; report-to=other-endpoint')], expected: opener('same-origin', null) },
  { id: 'O22', what: 'an empty string report-to is kept', inputs: [coop('same-origin; report-to=""')], expected: opener('same-origin', '') },
  { id: 'O23', what: 'a parameter without a value or key fails SF parsing', inputs: [coop('same-origin; report-to='), coop('same-origin; =""')], expected: opener('unsafe-none', null) },
  { id: 'O24', what: 'unsafe-none keeps its endpoint (step 4.4)', inputs: [coop('unsafe-none; report-to="endpoint"')], expected: opener('unsafe-none', 'endpoint') },
  { id: 'O25', what: 'a boolean parameter after spaces', inputs: [coop('same-origin-allow-popups;   foo')], expected: opener('same-origin-allow-popups') },
  {
    id: 'O26', what: 'same-origin-allow-popups with report-to after spaces',
    inputs: [coop('same-origin-allow-popups;    report-to="endpoint"')],
    expected: opener('same-origin-allow-popups', 'endpoint'),
  },
  {
    id: 'O27', what: 'an invalid enforced header leaves the report-only one',
    inputs: [[...coop('INVALID HEADER'), ...coopRO('same-origin; report-to="endpoint"')]],
    expected: opener('unsafe-none', null, 'same-origin', 'endpoint'),
  },
  {
    id: 'O28', what: 'enforced and report-only, each with its own endpoint',
    inputs: [[...coop('same-origin-allow-popups; report-to="endpointA"'), ...coopRO('same-origin; report-to="endpointB" ')]],
    expected: opener('same-origin-allow-popups', 'endpointA', 'same-origin', 'endpointB'),
  },
  {
    id: 'O29', what: 'report-only unsafe-none keeps its endpoint',
    inputs: [coopRO('unsafe-none; report-to="endpoint" ')],
    expected: opener('unsafe-none', null, 'unsafe-none', 'endpoint'),
  },
  {
    id: 'O30', what: 'an invalid report-only header leaves the enforced one',
    inputs: [[...coop('same-origin; report-to="endpoint"'), ...coopRO('INVALID HEADER')]],
    expected: opener('same-origin', 'endpoint', 'unsafe-none', null),
  },
  {
    id: 'O31', what: '⚠ inferred (vectors §3.4): the report-only branch has no noopener-allow-popups mapping',
    inputs: [coopRO('noopener-allow-popups')],
    expected: opener('unsafe-none', null, 'unsafe-none'),
  },
  {
    id: 'O32', what: '⚠ inferred ([derived], no test): an unknown value still sets the endpoint (literal HTML 4.4)',
    inputs: [coop('foo; report-to="x"')],
    expected: opener('unsafe-none', 'x'),
  },
  { id: 'O33', what: 'a non-secure context ignores the header', inputs: [coop('same-origin')], expected: opener('unsafe-none'), secure: false },
];

describe('conformance: obtainAnOpenerPolicy, vectors O1–O33', () => {
  const all = cases(COOP_ROWS);
  let ran = 0;
  afterAll(() => console.log(`COOP vectors: ${ran} cases ran (${COOP_ROWS.length} rows)`));

  test('the table has every row O1–O33, and O15 has the 16 WPT failure values plus the em dash', () => {
    expect(COOP_ROWS.map((r) => r.id)).toEqual(Array.from({ length: 33 }, (_, i) => `O${i + 1}`));
    expect(O15_VALUES).toHaveLength(17);
    expect(new Set(O15_VALUES).size).toBe(17);
  });

  test.each(all.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    ran++;
    expect(obtainAnOpenerPolicy(c.headers, c.context)).toEqual(c.expected);
  });
});

// ── 3. popups: vectors §4.C rows P1–P6 ──────────────────────────────────────────────────────────────
// https://html.spec.whatwg.org/#check-if-coop-values-require-a-browsing-context-group-switch
// Modelled as HTML runs window.open: the popup starts as an initial about:blank whose COOP is the opener's
// top-level COOP and whose origin is the opener's (the opener is same origin with its top-level document),
// so isInitialAboutBlank is true. The popup's response brings its own COOP and origin.
// "kept" (opener stays non-null) = no switch; "cut" = switch.

const OPENER_ORIGIN = 'https://a.example';
const POPUP_ORIGINS = {
  'same-origin': 'https://a.example',
  'same-site': 'https://b.a.example',
  'cross-origin': 'https://b.example',
} as const;
type PopupKind = keyof typeof POPUP_ORIGINS;

/** The COOP value a response gets from its COOP header (null: no header), in a secure context. */
const coopOf = (header: string | null): OpenerPolicyValue => obtainAnOpenerPolicy(header === null ? [] : coop(header), SECURE).value;

function popupSwitches(openerHeader: string | null, popup: PopupKind, popupHeader: string): boolean {
  const openerCOOP = coopOf(openerHeader);
  return requiresBrowsingContextGroupSwitch({
    isInitialAboutBlank: true,
    activeCOOP: openerCOOP,
    activeOrigin: originOfURL(`${OPENER_ORIGIN}/`),
    responseCOOP: coopOf(popupHeader),
    responseOrigin: originOfURL(`${POPUP_ORIGINS[popup]}/popup.html`),
  });
}

type PopupRow = [id: string, opener: string | null, popup: PopupKind, popupHeader: string, expected: 'kept' | 'cut'];

const POPUP_ROWS: PopupRow[] = [
  ['P1', 'same-origin', 'same-origin', 'same-origin', 'kept'],
  ['P2', 'same-origin', 'same-site', 'same-origin', 'cut'],
  ...(['', 'unsafe-none', 'jibberish', 'same-origin-allow-popups'].map((h): PopupRow => ['P3', 'same-origin', 'same-origin', h, 'cut'])),
  ...(['', 'jibberish'].map((h): PopupRow => ['P4', 'same-origin-allow-popups', 'cross-origin', h, 'kept'])),
  ['P5', 'same-origin-allow-popups', 'same-origin', 'same-origin-allow-popups', 'kept'],
  ['P5', 'same-origin-allow-popups', 'cross-origin', 'same-origin-allow-popups', 'cut'],
  ...(Object.keys(POPUP_ORIGINS) as PopupKind[]).flatMap((kind): PopupRow[] => [
    ...['same-origin', 'same-origin-allow-popups'].map((h): PopupRow => ['P6', null, kind, h, 'cut']),
    ...['', 'unsafe-none', 'jibberish'].map((h): PopupRow => ['P6', null, kind, h, 'kept']),
  ]),
];

describe('conformance: popups and browsing context group switch, vectors P1–P6', () => {
  let ran = 0;
  afterAll(() => console.log(`popup vectors: ${ran} cases ran (rows P1–P6)`));

  test('the opener headers read as the vectors name them', () => {
    expect(coopOf('same-origin')).toBe('same-origin');
    expect(coopOf('same-origin-allow-popups')).toBe('same-origin-allow-popups');
    expect(coopOf(null)).toBe('unsafe-none');
  });

  test.each(POPUP_ROWS.map(([id, op, kind, header, expected]) => [
    `${id} opener COOP ${op ?? 'unsafe-none (no header)'} → ${kind} popup (${POPUP_ORIGINS[kind]}) with COOP ${JSON.stringify(header)}: ${expected}`,
    op, kind, header, expected,
  ] as const))('%s', (_name, op, kind, header, expected) => {
    ran++;
    expect(popupSwitches(op, kind, header)).toBe(expected === 'cut');
  });
});

// ── 4. problems: every header present but not applied as written ────────────────────────────────────

type ProblemRow = [what: string, headers: HeaderLine[], context: { secureContext: boolean }, header: string, raw: string];

describe('problems: obtainAnEmbedderPolicy', () => {
  test.each<ProblemRow>([
    ['an invalid structured header (E12)', coep('require-corp;'), SECURE, COEP, 'require-corp;'],
    ['a wrong-case token (E9)', coep('Require-corp'), SECURE, COEP, 'Require-corp'],
    ['a string, not a token (E10)', coep('"require-corp"'), SECURE, COEP, '"require-corp"'],
    ['a non-string report-to (E24)', coep('require-corp; report-to=endpoint'), SECURE, COEP, 'require-corp; report-to=endpoint'],
    ['a report-only header with a non-string report-to (E33)', coepRO('require-corp;report-to=report-only-endpoint'), SECURE, COEP_RO, 'require-corp;report-to=report-only-endpoint'],
    ['a header in a non-secure context (E34)', coep('require-corp'), NOT_SECURE, COEP, 'require-corp'],
    ['a report-only header in a non-secure context', coepRO('require-corp'), NOT_SECURE, COEP_RO, 'require-corp'],
  ])('%s adds one problem quoting the raw value', (_what, headers, context, header, raw) => {
    const problems: PolicyProblem[] = [];
    obtainAnEmbedderPolicy(headers, context, problems);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ header, raw });
    expect(problems[0]!.reason).toEqual(expect.any(String));
    expect(problems[0]!.reason.length).toBeGreaterThan(0);
  });

  test.each<[string, HeaderLine[]]>([
    ['require-corp (E2)', coep('require-corp')],
    ['credentialless (E3)', coep('credentialless')],
    ['require-corp with a string report-to (E20)', coep('require-corp; report-to="endpoint"')],
    ['enforced and report-only, both valid (E29)', [...coep('require-corp; report-to="endpoint1"'), ...coepRO('require-corp; report-to="endpoint2"')]],
    ['no header (E1)', []],
  ])('%s adds no problem', (_what, headers) => {
    const problems: PolicyProblem[] = [];
    obtainAnEmbedderPolicy(headers, SECURE, problems);
    expect(problems).toEqual([]);
  });

  test('the problems argument is optional', () => {
    expect(() => obtainAnEmbedderPolicy(coep('require-corp;'), SECURE)).not.toThrow();
  });
});

describe('problems: obtainAnOpenerPolicy', () => {
  test.each<ProblemRow>([
    ['an invalid structured header (O15)', coop('same-origin;'), SECURE, COOP, 'same-origin;'],
    ['a wrong-case token (O15)', coop('Same-origin'), SECURE, COOP, 'Same-origin'],
    ['a string, not a token (O15)', coop('"same-origin"'), SECURE, COOP, '"same-origin"'],
    ['a non-string report-to (O21)', coop('same-origin; report-to=other-endpoint'), SECURE, COOP, 'same-origin; report-to=other-endpoint'],
    ['an invalid report-only header (O30)', coopRO('INVALID HEADER'), SECURE, COOP_RO, 'INVALID HEADER'],
    ['a header in a non-secure context (O33)', coop('same-origin'), NOT_SECURE, COOP, 'same-origin'],
    ['a report-only header in a non-secure context', coopRO('same-origin'), NOT_SECURE, COOP_RO, 'same-origin'],
  ])('%s adds one problem quoting the raw value', (_what, headers, context, header, raw) => {
    const problems: PolicyProblem[] = [];
    obtainAnOpenerPolicy(headers, context, problems);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ header, raw });
    expect(problems[0]!.reason).toEqual(expect.any(String));
    expect(problems[0]!.reason.length).toBeGreaterThan(0);
  });

  test.each<[string, HeaderLine[]]>([
    ['same-origin (O2)', coop('same-origin')],
    ['same-origin-allow-popups (O8)', coop('same-origin-allow-popups')],
    ['noopener-allow-popups (O9)', coop('noopener-allow-popups')],
    ['unsafe-none (O10)', coop('unsafe-none')],
    ['same-origin with a string report-to (O19)', coop('same-origin; report-to="endpoint"')],
    ['enforced and report-only, both valid (O28)', [...coop('same-origin-allow-popups; report-to="endpointA"'), ...coopRO('same-origin; report-to="endpointB"')]],
    ['no header (O1)', []],
  ])('%s adds no problem', (_what, headers) => {
    const problems: PolicyProblem[] = [];
    obtainAnOpenerPolicy(headers, SECURE, problems);
    expect(problems).toEqual([]);
  });
});

// ── 5. properties: total over any header lines ──────────────────────────────────────────────────────

const EMBEDDER_VALUES: readonly EmbedderPolicyValue[] = ['unsafe-none', 'require-corp', 'credentialless'];
const OPENER_VALUES: readonly OpenerPolicyValue[] = ['unsafe-none', 'same-origin-allow-popups', 'same-origin', 'same-origin-plus-COEP', 'noopener-allow-popups'];
const REPORT_ONLY_OPENER_VALUES: readonly OpenerPolicyValue[] = ['unsafe-none', 'same-origin-allow-popups', 'same-origin', 'same-origin-plus-COEP'];

/** Arbitrary strings, and strings built from the pieces these headers are made of. */
const headerValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.array(fc.constantFrom(
    'require-corp', 'credentialless', 'unsafe-none', 'same-origin', 'same-origin-allow-popups', 'noopener-allow-popups',
    ';', '; ', ',', ', ', ' ', '\t', '\u000b', '\r', '\n', '"', '=', 'report-to', 'report-to="x"', 'report-to=x', ':AA==:', '?1', '3',
  ), { maxLength: 8 }).map((parts) => parts.join('')),
);
const valueLines = fc.array(headerValue, { maxLength: 4 });
const secureContext = fc.boolean().map((secure) => ({ secureContext: secure }));

function expectEmbedderShape(p: EmbedderPolicy) {
  expect(EMBEDDER_VALUES).toContain(p.value);
  expect(EMBEDDER_VALUES).toContain(p.reportOnlyValue);
  expect(p.reportingEndpoint === null || typeof p.reportingEndpoint === 'string').toBe(true);
  expect(p.reportOnlyReportingEndpoint === null || typeof p.reportOnlyReportingEndpoint === 'string').toBe(true);
}

function expectOpenerShape(p: OpenerPolicy) {
  expect(OPENER_VALUES).toContain(p.value);
  // vectors §3.4: the report-only branch never maps noopener-allow-popups.
  expect(REPORT_ONLY_OPENER_VALUES).toContain(p.reportOnlyValue);
  expect(p.reportingEndpoint === null || typeof p.reportingEndpoint === 'string').toBe(true);
  expect(p.reportOnlyReportingEndpoint === null || typeof p.reportOnlyReportingEndpoint === 'string').toBe(true);
}

describe('properties', () => {
  test('any ≤4 strings as COEP lines: obtainAnEmbedderPolicy never throws and returns allowed values', () => {
    fc.assert(fc.property(valueLines, secureContext, (values, context) => {
      const problems: PolicyProblem[] = [];
      expectEmbedderShape(obtainAnEmbedderPolicy(coep(...values), context, problems));
      expectEmbedderShape(obtainAnEmbedderPolicy(coepRO(...values), context, problems));
    }), { numRuns: 500 });
  });

  test('any ≤4 strings as COOP lines: obtainAnOpenerPolicy never throws and returns allowed values', () => {
    fc.assert(fc.property(valueLines, secureContext, (values, context) => {
      const problems: PolicyProblem[] = [];
      expectOpenerShape(obtainAnOpenerPolicy(coop(...values), context, problems));
      expectOpenerShape(obtainAnOpenerPolicy(coopRO(...values), context, problems));
    }), { numRuns: 500 });
  });

  test('any ≤4 strings under any of the four header names: both never throw and return allowed values', () => {
    const line = fc.tuple(fc.constantFrom(COEP, COEP_RO, COOP, COOP_RO, 'cross-origin-opener-policy', 'X-Other'), headerValue)
      .map(([n, v]): HeaderLine => [n, v]);
    fc.assert(fc.property(fc.array(line, { maxLength: 4 }), secureContext, (headers, context) => {
      expectEmbedderShape(obtainAnEmbedderPolicy(headers, context, []));
      expectOpenerShape(obtainAnOpenerPolicy(headers, context, []));
    }), { numRuns: 500 });
  });

  test('a non-secure context always gives the defaults (E34, O33)', () => {
    const line = fc.tuple(fc.constantFrom(COEP, COEP_RO, COOP, COOP_RO), headerValue).map(([n, v]): HeaderLine => [n, v]);
    fc.assert(fc.property(fc.array(line, { maxLength: 4 }), (headers) => {
      expect(obtainAnEmbedderPolicy(headers, NOT_SECURE)).toEqual(embedder('unsafe-none'));
      expect(obtainAnOpenerPolicy(headers, NOT_SECURE)).toEqual(opener('unsafe-none'));
    }), { numRuns: 200 });
  });
});
