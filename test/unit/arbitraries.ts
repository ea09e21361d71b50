// Arbitraries (fast-check generators) for the property tests of the core: adversarial strings, odd URLs,
// header lines, Structured Field values, and malformed page snapshots (cycles, dangling parents,
// duplicate frame ids, missing optional fields). Shared by properties-parsers and properties-evaluate.
import fc from 'fast-check';
import { expect } from 'vitest';
import { DisplayString, Token, type BareItem, type Dictionary, type InnerList, type Item, type Parameters } from 'structured-headers';
import { PROTOCOL_VERSION } from '../../src/shared/protocol.ts';
import { SANDBOX_KEYWORDS } from '../../src/shared/sandboxing.ts';
import type {
  EmbedElement,
  FrameRecord,
  HeaderLine,
  ObservedDocument,
  OpenerRecord,
  PageRecord,
  RecordedResponse,
  SubresourceRecord,
  SubresourceResponse,
} from '../../src/shared/snapshot.ts';

// ── strings ─────────────────────────────────────────────────────────────────────────────────────────

/** Any UTF-16 code unit: lone surrogates, C0/C1 controls and NUL included. */
export const utf16Unit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
export const controlChar = fc.oneof(fc.integer({ min: 0, max: 0x20 }), fc.integer({ min: 0x7f, max: 0x9f })).map((c) => String.fromCharCode(c));
export const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

/** Strings of every kind: ASCII, full Unicode, raw UTF-16 (lone surrogates), controls. */
export const adversarialString = (maxLength = 60): fc.Arbitrary<string> => fc.oneof(
  fc.string({ maxLength }),
  fc.string({ unit: 'binary', maxLength }),
  fc.string({ unit: utf16Unit, maxLength }),
  fc.string({ unit: fc.oneof(controlChar, loneSurrogate, fc.constantFrom('a', ' ', '\t', ',', ';', '=', '"', '%')), maxLength }),
);

/** Splices characters (controls, surrogates, whitespace) into a string at random places. */
export const withSplices = (base: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.tuple(base, fc.array(fc.tuple(fc.nat(), fc.oneof(controlChar, loneSurrogate, fc.constantFrom('%', '%zz', '%C3%28', '%ED%A0%80', '%FF', '\\', '@', '#', '?'))), { maxLength: 4 }))
    .map(([s, inserts]) => inserts.reduce((acc, [at, c]) => { const i = at % (acc.length + 1); return acc.slice(0, i) + c + acc.slice(i); }, s));

// ── URLs ────────────────────────────────────────────────────────────────────────────────────────────

/** Odd URLs a page can produce: IDN, IPv4/IPv6 forms, blob:, data:, file:, about:, javascript:, bad escapes. */
export const oddURL: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'https://a.test/', 'http://a.test/', 'https://sub.a.test/x', 'https://b.test/', 'http://localhost:8080/', 'http://127.0.0.1/',
    'https://[::1]/', 'http://[::ffff:127.0.0.1]/', 'http://0177.0.0.1/', 'http://0x7f.1/', 'http://2130706433/',
    'https://xn--bcher-kva.example/', 'https://bücher.example/', 'https://例え.テスト/', 'https://ÄÖÜ.de:443/', 'https://a.b.kobe.jp/',
    'https://github.io/', 'https://x.github.io/', 'https://com/', 'https://a..b/', 'https://.a.test/', 'https://a.test./',
    'blob:https://a.test/0f8fad5b-d9cb-469f-a165-70867728950e', 'blob:null/x', 'blob:blob:https://a.test/x', 'blob:data:,x', 'blob:file:///x',
    'data:text/html,<p>x', 'data:,', 'file:///etc/passwd', 'file://host/share', 'about:blank', 'about:blank#x', 'about:srcdoc', 'about:srcdoc?q',
    'ABOUT:SRCDOC', 'about:blank?x', 'about:mumble', 'javascript:alert(1)', 'javascript:', 'chrome-extension://abcdefghijklmnop/x.html',
    'moz-extension://0f8fad5b-d9cb-469f-a165-70867728950e/', 'ws://a.test/', 'wss://a.test:444/', 'ftp://a.test/', 'x-custom://h/p',
    'https://%zz/', 'https://a%C3%28.test/', 'https://%ED%A0%80.test/', 'https://a.test/%FF%FE%', 'https://a.test:99999/',
    'https://user:pass@a.test/', 'https://a.test\\b/', '', ' ', 'null', '//a.test/', '/relative', '\u0000https://a.test/',
    'https://\ud800.test/', 'https://a.test/\udfff', 'https://[::1', 'https://[1:2:3:4:5:6:7:8:9]/',
  ),
  fc.webUrl({ withFragments: true, withQueryParameters: true }),
  fc.tuple(fc.constantFrom('http', 'https', 'ws', 'wss', 'ftp', 'file', 'blob:https', 'blob:http'), fc.domain(), fc.option(fc.integer({ min: 0, max: 70000 }), { nil: undefined }))
    .map(([s, h, p]) => `${s}://${h}${p === undefined ? '' : `:${p}`}/`),
  fc.tuple(fc.constantFrom('https', 'http'), fc.ipV6()).map(([s, a]) => `${s}://[${a}]/`),
  fc.tuple(fc.constantFrom('https', 'http'), fc.ipV4Extended()).map(([s, a]) => `${s}://${a}/`),
  fc.tuple(fc.constantFrom('https', 'http'), fc.string({ unit: fc.integer({ min: 0xa1, max: 0x2fff }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 12 }), fc.constantFrom('.de', '.jp', '.test', ''))
    .map(([s, label, tld]) => `${s}://${label}${tld}/`),
  fc.tuple(fc.constantFrom('', 'blob:', 'about:', 'javascript:', 'data:', 'file://', 'HTTPS://', 'x-custom://'), adversarialString(30)).map(([p, s]) => p + s),
  withSplices(fc.webUrl()),
);

// ── headers ─────────────────────────────────────────────────────────────────────────────────────────

export const POLICY_HEADER_NAMES = [
  'Cross-Origin-Opener-Policy', 'Cross-Origin-Opener-Policy-Report-Only', 'Cross-Origin-Embedder-Policy',
  'Cross-Origin-Embedder-Policy-Report-Only', 'Cross-Origin-Resource-Policy', 'Content-Security-Policy',
  'Content-Security-Policy-Report-Only', 'X-Frame-Options', 'Permissions-Policy', 'Origin-Agent-Cluster',
  'Access-Control-Allow-Origin', 'Access-Control-Allow-Credentials', 'Content-Type',
] as const;

/** Header values built from the pieces the policy headers are made of, plus anything at all. */
export const headerValue: fc.Arbitrary<string> = fc.oneof(
  adversarialString(40),
  fc.array(fc.constantFrom(
    'same-origin', 'same-origin-allow-popups', 'noopener-allow-popups', 'unsafe-none', 'require-corp', 'credentialless', 'same-site',
    'cross-origin', 'DENY', 'SAMEORIGIN', 'allowall', 'sandbox', 'allow-scripts', 'allow-same-origin', 'allow-popups', 'frame-ancestors',
    "'self'", "'none'", '*', 'https:', 'https://a.test', '*.a.test', 'cross-origin-isolated=()', 'cross-origin-isolated=*',
    'cross-origin-isolated=(self "https://b.test")', 'document-domain=()', '?1', '?0', 'report-to="e"', 'report-to=e', ':AA==:',
    ';', '; ', ',', ', ', ' ', '\t', '\u000b', '\r', '\n', '"', '=', '(', ')', '\u0000', '\ud800', 'é',
  ), { maxLength: 10 }).map((parts) => parts.join('')),
);

export const headerLine: fc.Arbitrary<HeaderLine> = fc.tuple(
  fc.oneof(fc.constantFrom(...POLICY_HEADER_NAMES), fc.constantFrom(...POLICY_HEADER_NAMES).map((n) => n.toUpperCase()), adversarialString(12)),
  headerValue,
).map(([n, v]): HeaderLine => [n, v]);

export const headerLines = (maxLength = 6): fc.Arbitrary<HeaderLine[]> => fc.array(headerLine, { maxLength });

// ── Structured Field values (RFC 9651), as structured-headers represents them ───────────────────────

const ALPHA = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const TCHAR = `${ALPHA}0123456789!#$%&'*+-.^_\`|~`;
const char = (set: string) => fc.integer({ min: 0, max: set.length - 1 }).map((i) => set[i]!);
/** sf-token: ( ALPHA / "*" ) *( tchar / ":" / "/" ). */
export const sfTokenString = fc.tuple(char(`${ALPHA}*`), fc.string({ unit: char(`${TCHAR}:/`), maxLength: 12 })).map(([a, b]) => a + b);
/** key: ( lcalpha / "*" ) *( lcalpha / DIGIT / "_" / "-" / "." / "*" ). */
export const sfKey = fc.tuple(char('abcdefghijklmnopqrstuvwxyz*'), fc.string({ unit: char('abcdefghijklmnopqrstuvwxyz0123456789_-.*'), maxLength: 8 })).map(([a, b]) => a + b);
const printableAscii = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));

export const sfBareItem: fc.Arbitrary<BareItem> = fc.oneof(
  fc.integer({ min: -999_999_999_999_999, max: 999_999_999_999_999 }).map((n) => (n === 0 ? 0 : n)),
  // Decimals with at most 3 fractional digits and 12 integer digits, exactly representable as written.
  fc.tuple(fc.integer({ min: -999_999_999_999, max: 999_999_999_999 }), fc.integer({ min: 1, max: 999 }))
    .map(([i, f]) => Number(`${i}.${String(f).padStart(3, '0')}`)),
  fc.string({ unit: printableAscii, maxLength: 20 }),
  sfTokenString.map((t) => new Token(t)),
  fc.uint8Array({ maxLength: 16 }).map((b) => b.slice().buffer),
  fc.boolean(),
  fc.string({ unit: 'grapheme', maxLength: 10 }).map((s) => new DisplayString(s)),
);
/**
 * RFC 9651 Dates. Not in sfBareItem: structured-headers 2.1.0 parses a Date only at the very end of a field
 * (its parseDate reads digits up to EOF, so `a;d=@0;e=1` fails); see the BUG test in properties-parsers.
 */
export const sfDate = fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }).map((s) => new Date(s * 1000));
export const sfParameters: fc.Arbitrary<Parameters> = fc.uniqueArray(fc.tuple(sfKey, sfBareItem), { maxLength: 4, selector: ([k]) => k })
  .map((entries) => new Map(entries));
export const sfItem: fc.Arbitrary<Item> = fc.tuple(sfBareItem, sfParameters);
export const sfInnerList: fc.Arbitrary<InnerList> = fc.tuple(fc.array(sfItem, { maxLength: 4 }), sfParameters);
export const sfDictionary: fc.Arbitrary<Dictionary> = fc.uniqueArray(fc.tuple(sfKey, fc.oneof(sfItem, sfInnerList)), { minLength: 1, maxLength: 6, selector: ([k]) => k })
  .map((entries) => new Map(entries));

/** A plain, deep-comparable form of a Structured Field value (ArrayBuffers compare by bytes, tokens by text). */
export function canonical(v: unknown): unknown {
  if (v instanceof Token) return { token: v.toString() };
  if (v instanceof DisplayString) return { display: v.toString() };
  if (v instanceof Date) return { date: v.getTime() };
  if (v instanceof ArrayBuffer) return { bytes: [...new Uint8Array(v)] };
  if (ArrayBuffer.isView(v)) return { bytes: [...new Uint8Array(v.buffer, v.byteOffset, v.byteLength)] };
  if (v instanceof Map) return [...v].map(([k, x]) => [k, canonical(x)]);
  if (Array.isArray(v)) return v.map(canonical);
  if (typeof v === 'number') return v === 0 ? 0 : v;
  return v;
}

/** SP/HTAB around a value: Fetch's header value never keeps them, so they must not change anything. */
export const httpWhitespace = fc.string({ unit: fc.constantFrom(' ', '\t'), maxLength: 3 });

// ── sandbox attribute values ────────────────────────────────────────────────────────────────────────

export const sandboxToken = fc.oneof(
  fc.constantFrom(...SANDBOX_KEYWORDS),
  fc.constantFrom(...SANDBOX_KEYWORDS).map((k) => k.toUpperCase()),
  fc.constantFrom('allow-storage-access-by-user-activation', 'allow-same-site-none-cookies', 'allow-script', 'junk', 'allow-scripts,', '"allow-forms"'),
  fc.string({ unit: fc.oneof(utf16Unit.filter((c) => !/[\t\n\f\r ]/.test(c)), fc.constant('a')), minLength: 1, maxLength: 12 }),
);
export const asciiWhitespaceRun = fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\f', '\r'), minLength: 1, maxLength: 3 });
export const sandboxValue: fc.Arbitrary<string> = fc.oneof(
  fc.array(sandboxToken, { maxLength: 8 }).map((t) => t.join(' ')),
  adversarialString(40),
);

// ── snapshots ───────────────────────────────────────────────────────────────────────────────────────

const ID_SPACE = 7;
/** Small id space: parents collide, point at themselves, form cycles or dangle. */
export const frameIdArb = fc.integer({ min: 0, max: ID_SPACE });
const parentIdArb = fc.oneof({ weight: 3, arbitrary: fc.constant(-1) }, { weight: 6, arbitrary: frameIdArb }, { weight: 1, arbitrary: fc.integer({ min: 100, max: 200 }) });
const time = fc.integer({ min: 0, max: 100 });
const nullableText = fc.option(adversarialString(20), { nil: null });

export const embedArb: fc.Arbitrary<EmbedElement> = fc.record({
  tag: fc.constantFrom('iframe' as const, 'iframe' as const, 'frame' as const),
  index: fc.nat({ max: 20 }),
  frameId: fc.option(frameIdArb, { nil: null }),
  mappedBy: fc.constantFrom('getFrameId' as const, 'nonce' as const, 'url' as const, null),
  id: nullableText,
  name: nullableText,
  title: nullableText,
  src: fc.option(fc.oneof(oddURL, fc.constantFrom('/f', '?q', '#x', '../x', '//b.test/')), { nil: null }),
  srcdoc: fc.boolean(),
  sandbox: fc.option(sandboxValue, { nil: null }),
  allow: fc.option(fc.oneof(adversarialString(30), fc.constantFrom('cross-origin-isolated', "cross-origin-isolated 'src'", 'cross-origin-isolated *', "cross-origin-isolated 'none'", 'cross-origin-isolated https://b.test; document-domain')), { nil: null }),
  referrerPolicy: fc.constant(null),
  loading: fc.constantFrom(null, 'lazy'),
  credentialless: fc.record({ attribute: fc.boolean(), property: fc.option(fc.boolean(), { nil: null }) }),
  sandboxHistory: fc.array(fc.record({ value: fc.option(sandboxValue, { nil: null }), until: time }), { maxLength: 3 }),
}, { requiredKeys: ['tag', 'index', 'frameId', 'mappedBy', 'id', 'name', 'src', 'srcdoc', 'sandbox', 'allow', 'referrerPolicy', 'loading', 'credentialless'] });

export const responseArb: fc.Arbitrary<RecordedResponse> = fc.record({
  url: oddURL,
  statusCode: fc.constantFrom(200, 204, 302, 404),
  statusLine: fc.constant('HTTP/1.1 200 OK'),
  headers: headerLines(6),
  droppedHeaderLines: fc.nat({ max: 3 }),
  fromCache: fc.boolean(),
  ip: fc.constant('127.0.0.1'),
  timeStamp: time,
}, { requiredKeys: ['url', 'statusCode', 'statusLine', 'headers', 'fromCache', 'timeStamp'] });

const observedArb: fc.Arbitrary<ObservedDocument> = fc.record({
  documentId: fc.constant('D'),
  url: oddURL,
  origin: fc.constantFrom('null', 'https://a.test', 'http://a.test'),
  isSecureContext: fc.boolean(),
  crossOriginIsolated: fc.boolean(),
  documentDomain: fc.option(fc.constantFrom('a.test', ''), { nil: null }),
  originAgentCluster: fc.option(fc.boolean(), { nil: null }),
  hasOpener: fc.boolean(),
  observedAt: time,
}, { requiredKeys: ['url', 'origin', 'isSecureContext', 'crossOriginIsolated', 'documentDomain', 'originAgentCluster', 'observedAt'] });

export const frameArb: fc.Arbitrary<FrameRecord> = fc.record({
  frameId: frameIdArb,
  parentFrameId: parentIdArb,
  documentId: fc.constantFrom('D1', 'D2'),
  parentDocumentId: fc.constant('D1'),
  url: oddURL,
  frameType: fc.constantFrom('outermost_frame' as const, 'sub_frame' as const, 'fenced_frame' as const),
  documentLifecycle: fc.constantFrom('active' as const, 'prerender' as const, 'cached' as const, 'pending_deletion' as const),
  status: fc.constantFrom('navigating' as const, 'committed' as const, 'loaded' as const, 'error' as const),
  knownFrom: fc.constant('observer' as const),
  pendingNavigation: oddURL,
  error: fc.constantFrom('net::ERR_BLOCKED_BY_RESPONSE', 'net::ERR_ABORTED', 'Error code 2153578502', ''),
  navigationStartedAt: time,
  committedAt: time,
  response: responseArb,
  observed: observedArb,
  embeds: fc.array(embedArb, { maxLength: 3 }),
  droppedEmbeds: fc.nat({ max: 2 }),
  updatedAt: time,
}, { requiredKeys: ['frameId', 'parentFrameId', 'url', 'status', 'updatedAt'] });

const subresourceResponseArb: fc.Arbitrary<SubresourceResponse> = fc.record({
  url: oddURL,
  statusCode: fc.constantFrom(200, 301, 404),
  fromCache: fc.boolean(),
  headers: fc.array(fc.tuple(fc.constantFrom('Cross-Origin-Resource-Policy', 'access-control-allow-origin', 'Access-Control-Allow-Credentials', 'content-type'), headerValue)
    .map(([n, v]): HeaderLine => [n, v]), { maxLength: 3 }),
  headersUnknown: fc.boolean(),
}, { requiredKeys: ['url', 'statusCode', 'fromCache', 'headers'] });

export const subresourceArb: fc.Arbitrary<SubresourceRecord> = fc.record({
  requestId: fc.string({ unit: char('0123456789abcdef'), minLength: 1, maxLength: 8 }),
  frameId: fc.oneof(frameIdArb, fc.constant(99)),
  documentId: fc.constantFrom('D1', 'D2'),
  type: fc.constantFrom('script', 'image', 'font', 'xmlhttprequest', 'stylesheet', 'websocket', 'media', 'other', 'web_manifest', 'webtransport'),
  method: fc.constantFrom('GET', 'POST'),
  url: oddURL,
  initiator: fc.oneof(oddURL, fc.constant('null')),
  fetchMode: fc.constantFrom('no-cors', 'cors', 'same-origin', 'navigate', 'bogus'),
  fetchDest: fc.constantFrom('image', 'script', 'empty'),
  fetchSite: fc.constantFrom('same-origin', 'cross-site'),
  sentCookies: fc.boolean(),
  responses: fc.array(subresourceResponseArb, { maxLength: 3 }),
  state: fc.constantFrom('pending' as const, 'complete' as const, 'error' as const),
  error: fc.constantFrom('net::ERR_BLOCKED_BY_RESPONSE', 'net::ERR_FAILED'),
  startedAt: time,
  endedAt: time,
}, { requiredKeys: ['requestId', 'frameId', 'type', 'method', 'url', 'responses', 'state', 'startedAt'] });

/** Frames keyed by their id, except that a repeated id gets a second key: duplicate frame ids. */
export function keyFrames(list: readonly FrameRecord[]): Record<string, FrameRecord> {
  const out: Record<string, FrameRecord> = {};
  list.forEach((f, i) => {
    const key = out[String(f.frameId)] === undefined ? String(f.frameId) : `${f.frameId}~${i}`;
    out[key] = f;
  });
  return out;
}

const openerArb: fc.Arbitrary<OpenerRecord> = fc.record({
  tabId: fc.nat({ max: 9 }),
  frameId: frameIdArb,
  url: oddURL,
  at: time,
  chain: fc.array(frameArb, { maxLength: 3 }),
});

export const pageArb: fc.Arbitrary<PageRecord> = fc.record({
  frames: fc.array(frameArb, { maxLength: 8 }),
  url: oddURL,
  dropped: fc.record({ frames: fc.nat({ max: 3 }), frameIds: fc.array(frameIdArb, { maxLength: 2 }), subresources: fc.nat({ max: 3 }) }, { requiredKeys: ['frames'] }),
  subresources: fc.array(subresourceArb, { maxLength: 4 }),
  openedBy: fc.option(openerArb, { nil: undefined }),
  lifecycle: fc.constantFrom('active' as const, 'prerender' as const, 'inactive' as const),
}).map(({ frames, url, dropped, subresources, openedBy, lifecycle }): PageRecord => ({
  pageId: 'P', tabId: 7, url, startedAt: 1, lifecycle, frames: keyFrames(frames), dropped,
  ...(subresources.length > 0 ? { subresources: Object.fromEntries(subresources.map((r, i) => [`${r.requestId}-${i}`, { ...r, requestId: `${r.requestId}-${i}` }])) } : {}),
  ...(openedBy ? { openedBy } : {}),
}));

// ── protocol messages ───────────────────────────────────────────────────────────────────────────────

const NONCE = '0f8fad5b-d9cb-469f-a165-70867728950e';
const v = fc.constant(PROTOCOL_VERSION);

/** Valid content-script messages. */
export const contentMessageArb = fc.oneof(
  fc.record({
    type: fc.constant('observe'), v, url: oddURL, origin: fc.constantFrom('null', 'https://a.test'), isSecureContext: fc.boolean(),
    crossOriginIsolated: fc.boolean(), documentDomain: fc.option(fc.string({ maxLength: 10 }), { nil: null }),
    originAgentCluster: fc.option(fc.boolean(), { nil: null }), hasOpener: fc.boolean(),
  }, { requiredKeys: ['type', 'v', 'url', 'origin', 'isSecureContext', 'crossOriginIsolated', 'documentDomain', 'originAgentCluster'] }),
  fc.record({
    type: fc.constant('embeds'), v,
    embeds: fc.array(embedArb.map(({ mappedBy: _m, ...rest }) => ({ ...rest, ...(rest.index % 2 === 0 ? { probe: NONCE } : {}) })), { maxLength: 3 }),
    dropped: fc.nat({ max: 5 }),
  }),
  fc.record({ type: fc.constant('probe'), v, nonce: fc.constant(NONCE) }),
);
export const panelMessageArb = fc.oneof(
  fc.record({ type: fc.constant('hello'), v, tabId: fc.nat() }),
  fc.record({ type: fc.constant('highlight'), v, tabId: fc.nat(), frameId: fc.option(fc.nat(), { nil: null }) }),
);
export const contentCommandArb = fc.oneof(
  fc.record({
    type: fc.constant('highlight'), v,
    target: fc.oneof(fc.constant(null), fc.constant({ kind: 'viewport' }), fc.record({ kind: fc.constant('element'), frameId: fc.nat(), probe: fc.constant(NONCE) }, { requiredKeys: ['kind', 'frameId'] })),
  }),
  fc.record({ type: fc.constant('report'), v }),
);

/** Runs fn and fails when it took longer than `ms` (a bound against hangs, not a speed test). */
export function within<T>(ms: number, fn: () => T): T {
  const started = performance.now();
  const result = fn();
  const took = performance.now() - started;
  expect(took, `took ${took.toFixed(0)} ms (bound ${ms} ms)`).toBeLessThan(ms);
  return result;
}
