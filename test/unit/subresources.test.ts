// COEP readiness of subresources: the request's mode, then Fetch's "cross-origin resource policy check"
// (https://fetch.spec.whatwg.org/#cross-origin-resource-policy-check) and its "internal check"
// (https://fetch.spec.whatwg.org/#cross-origin-resource-policy-internal-check), run by "HTTP fetch" on
// every response of a no-cors request whose response tainting is "opaque" (redirects included), under
// the embedder policy values unsafe-none, require-corp and credentialless; then evaluatePage's
// attribution of recorded requests to the document that made them.
// Every expectation comes from the Fetch and HTML texts (cited in each table), never from this module's
// output. Internal check steps quoted below:
//   2–3. policy = get `Cross-Origin-Resource-Policy`; anything but `same-origin`, `same-site` or
//        `cross-origin` (case-sensitive, one value) is null.
//   4.   null policy: unsafe-none → stays null; credentialless → `same-origin` only when the response's
//        request-includes-credentials is true; require-corp → `same-origin`.
//   5.   null / cross-origin → allowed; same-origin → same origin with the response URL's origin;
//        same-site → schemelessly same site AND (origin's scheme is https OR the response URL's scheme is
//        not https).
// And the check itself: step 3 blocks under "unsafe-none" first (whatever the document's policy), step 4
// reports under the report-only value, step 5 decides under the enforced value.
import { describe, expect, test } from 'vitest';
import type { EmbedderPolicyValue } from '../../src/shared/coep.ts';
import { evaluatePage } from '../../src/shared/evaluate.ts';
import { determineTheOrigin, originOfURL, type Origin } from '../../src/shared/origin.ts';
import type { EmbedElement, FrameRecord, HeaderLine, PageRecord, SubresourceRecord, SubresourceResponse } from '../../src/shared/snapshot.ts';
import {
  corsHeadersOf,
  evaluateSubresource,
  outcomeUnder,
  requestModeOf,
  summarize,
  type PolicyOutcome,
  type SubresourceVerdict,
} from '../../src/shared/subresources.ts';

// ── helpers ─────────────────────────────────────────────────────────────────────────────────────────

const CORP = 'Cross-Origin-Resource-Policy';
const COEP = 'Cross-Origin-Embedder-Policy';
const COEP_RO = 'Cross-Origin-Embedder-Policy-Report-Only';
const POLICIES: EmbedderPolicyValue[] = ['unsafe-none', 'require-corp', 'credentialless'];

/** One response at `url`; `corp` as one header line, several lines, or none. */
const res = (url: string, corp?: string | string[], over: Partial<SubresourceResponse> = {}): SubresourceResponse => ({
  url, statusCode: 200, fromCache: false,
  headers: corp === undefined ? [] : (Array.isArray(corp) ? corp : [corp]).map((v): HeaderLine => [CORP, v]),
  ...over,
});
const redirect = (url: string, corp?: string) => res(url, corp, { statusCode: 302 });

let nextId = 0;
/** A recorded no-cors-by-type (image) request of frame 0; the first response's URL is the request's. */
const rec = (responses: SubresourceResponse[], over: Partial<SubresourceRecord> = {}): SubresourceRecord => ({
  requestId: `r${++nextId}`, frameId: 0, type: 'image', method: 'GET', url: responses[0]?.url ?? 'https://b.test/none.png',
  responses, state: 'complete', startedAt: 100, ...over,
});

const O = (url: string): Origin => originOfURL(url);
const A = O('https://a.test/');
const NONE = { value: 'unsafe-none', reportOnlyValue: 'unsafe-none' } as const;
const judge = (r: SubresourceRecord, origin: Origin = A, policy: { value: EmbedderPolicyValue; reportOnlyValue: EmbedderPolicyValue } = NONE) =>
  evaluateSubresource(r, origin, policy);

/**
 * An outcome written compactly: "allowed", "without-credentials", "not-no-cors", "unknown", or
 * "blocked@HOP:STEP" with ":defaulted" when step 4 supplied the same-origin policy.
 */
function show(o: PolicyOutcome): string {
  if (o.result === 'unknown') return 'unknown';
  if (o.result === 'loads') return o.why;
  return `blocked@${o.hop}:${o.corp.step}${o.corp.defaulted ? ':defaulted' : ''}`;
}
const under = (r: SubresourceRecord, origin: Origin = A) =>
  Object.fromEntries(POLICIES.map((p) => [p, show(outcomeUnder(r, requestModeOf(r), origin, p))]));

// ── request mode ────────────────────────────────────────────────────────────────────────────────────
// Fetch Metadata: Sec-Fetch-Mode is the request's mode, as sent. Without it, the default for the
// destination: CSS Fonts fetch fonts in "cors" mode; XMLHttpRequest and fetch() default to "cors";
// <script>/<img> without a crossorigin attribute are "no-cors"; a WebSocket's mode is "websocket".

describe('requestModeOf: Sec-Fetch-Mode when sent, else the default for the resource type', () => {
  test.each([
    { what: 'Sec-Fetch-Mode no-cors wins over a font type', input: { fetchMode: 'no-cors', type: 'font' }, mode: 'no-cors' },
    { what: 'Sec-Fetch-Mode cors on an image (a crossorigin attribute)', input: { fetchMode: 'cors', type: 'image' }, mode: 'cors' },
    { what: 'Sec-Fetch-Mode cors on a script (a module script)', input: { fetchMode: 'cors', type: 'script' }, mode: 'cors' },
    { what: 'Sec-Fetch-Mode same-origin', input: { fetchMode: 'same-origin', type: 'xmlhttprequest' }, mode: 'same-origin' },
    { what: 'Sec-Fetch-Mode navigate', input: { fetchMode: 'navigate', type: 'other' }, mode: 'navigate' },
    { what: 'Sec-Fetch-Mode websocket', input: { fetchMode: 'websocket', type: 'websocket' }, mode: 'websocket' },
  ])('$what → $mode from the header, no caveat', ({ input, mode }) => {
    const m = requestModeOf(input);
    expect(m.mode).toBe(mode);
    expect(m.from).toBe('sec-fetch-mode');
    expect(m.caveat).toBeUndefined();
  });

  test.each([
    { type: 'font', mode: 'cors', caveat: false }, // CSS Fonts: always cors
    { type: 'xmlhttprequest', mode: 'cors', caveat: true }, // fetch(…, {mode: 'no-cors'}) would differ
    { type: 'script', mode: 'no-cors', caveat: true }, // a module script or crossorigin would differ
    { type: 'image', mode: 'no-cors', caveat: true }, // a crossorigin attribute would differ
    { type: 'stylesheet', mode: 'no-cors', caveat: true },
    { type: 'media', mode: 'no-cors', caveat: true },
    { type: 'websocket', mode: 'websocket', caveat: false },
  ])('no Sec-Fetch-Mode, type $type → $mode inferred from the type', ({ type, mode, caveat }) => {
    const m = requestModeOf({ type });
    expect(m.mode).toBe(mode);
    expect(m.from).toBe('type');
    if (caveat) expect(m.caveat?.trim()).toBeTruthy();
    else expect(m.caveat).toBeUndefined();
  });

  test('a Sec-Fetch-Mode value that is not a request mode is ignored: the type decides', () => {
    expect(requestModeOf({ fetchMode: 'NO-CORS', type: 'font' })).toMatchObject({ mode: 'cors', from: 'type' });
    expect(requestModeOf({ fetchMode: 'banana', type: 'image' })).toMatchObject({ mode: 'no-cors', from: 'type' });
  });
});

// ── only no-cors requests are checked ───────────────────────────────────────────────────────────────
// Fetch "HTTP fetch": the CORP check runs only when the response tainting (or the response's type) is
// "opaque", i.e. a no-cors request to another origin. A cors request is decided by CORS, a same-origin
// request cannot leave its origin, navigations are checked by HTML with forNavigation, WebSockets are
// "basic"-tainted: none is subject to CORP here.

describe('CORP applies to no-cors requests only (Fetch "HTTP fetch": opaque tainting)', () => {
  test.each(['cors', 'same-origin', 'navigate', 'websocket'])('mode %s: a cross-origin response without CORP, or with CORP same-origin, loads under every policy', (fetchMode) => {
    for (const corp of [undefined, 'same-origin']) {
      const r = rec([res('https://b.test/x', corp)], { fetchMode, type: 'other' });
      expect(under(r), `${fetchMode}, CORP ${corp ?? 'absent'}`).toEqual({ 'unsafe-none': 'not-no-cors', 'require-corp': 'not-no-cors', credentialless: 'not-no-cors' });
      const v = judge(r, A, { value: 'require-corp', reportOnlyValue: 'require-corp' });
      expect(v.blockedWithoutCoep).toBe(false);
      expect(v.now.result).toBe('loads');
      expect(v.fix).toBeNull();
    }
  });

  test('an inferred cors mode (font, xmlhttprequest) is not checked either', () => {
    for (const type of ['font', 'xmlhttprequest']) {
      expect(under(rec([res('https://b.test/f')], { type }))['require-corp'], type).toBe('not-no-cors');
    }
  });

  test('the same image with Sec-Fetch-Mode no-cors is checked (require-corp blocks it)', () => {
    expect(under(rec([res('https://b.test/x')], { fetchMode: 'no-cors' }))['require-corp']).toBe('blocked@0:not-same-origin:defaulted');
  });
});

// ── the internal check, one no-cors response ────────────────────────────────────────────────────────

interface Row {
  what: string;
  origin: string;
  url: string;
  corp?: string | string[];
  expected: Record<EmbedderPolicyValue, string>;
}

const LOADS_EVERYWHERE_SAME_ORIGIN = { 'unsafe-none': 'allowed', 'require-corp': 'allowed', credentialless: 'allowed' };
/** A cross-origin response that allows the origin: credentialless still sends it without credentials. */
const LOADS_EVERYWHERE_CROSS_ORIGIN = { 'unsafe-none': 'allowed', 'require-corp': 'allowed', credentialless: 'without-credentials' };
/** No usable CORP on a cross-origin response: step 4 per policy. */
const NO_CORP_CROSS_ORIGIN = { 'unsafe-none': 'allowed', 'require-corp': 'blocked@0:not-same-origin:defaulted', credentialless: 'without-credentials' };
const blockedEverywhere = (step: string) => ({ 'unsafe-none': `blocked@0:${step}`, 'require-corp': `blocked@0:${step}`, credentialless: `blocked@0:${step}` });

const ROWS: Row[] = [
  // Same origin: tainting stays "basic", and same-origin/same-site policies match anyway.
  { what: 'same origin, no CORP (credentialless includes credentials: step 4 defaults to same-origin, which matches)', origin: 'https://a.test/', url: 'https://a.test/i.png', expected: LOADS_EVERYWHERE_SAME_ORIGIN },
  { what: 'same origin, CORP same-origin', origin: 'https://a.test/', url: 'https://a.test/i.png', corp: 'same-origin', expected: LOADS_EVERYWHERE_SAME_ORIGIN },
  { what: 'same origin, CORP same-site', origin: 'https://a.test/', url: 'https://a.test/i.png', corp: 'same-site', expected: LOADS_EVERYWHERE_SAME_ORIGIN },
  // Step 4: no policy on a cross-origin response.
  { what: 'cross-origin, no CORP: unsafe-none nothing, require-corp same-origin, credentialless without credentials', origin: 'https://a.test/', url: 'https://b.test/i.png', expected: NO_CORP_CROSS_ORIGIN },
  { what: 'another port is another origin, no CORP', origin: 'https://a.test/', url: 'https://a.test:8443/i.png', expected: NO_CORP_CROSS_ORIGIN },
  { what: 'same site, no CORP (same-origin is the default, not same-site)', origin: 'https://a.test/', url: 'https://sub.a.test/i.png', expected: NO_CORP_CROSS_ORIGIN },
  // Step 5, cross-origin.
  { what: 'CORP cross-origin → allowed everywhere', origin: 'https://a.test/', url: 'https://b.test/i.png', corp: 'cross-origin', expected: LOADS_EVERYWHERE_CROSS_ORIGIN },
  // Step 5, same-site.
  { what: 'CORP same-site from a same-site origin (https://sub.a.test for https://a.test)', origin: 'https://a.test/', url: 'https://sub.a.test/i.png', corp: 'same-site', expected: LOADS_EVERYWHERE_CROSS_ORIGIN },
  { what: 'CORP same-site the other way (https://a.test for https://sub.a.test)', origin: 'https://sub.a.test/', url: 'https://a.test/i.png', corp: 'same-site', expected: LOADS_EVERYWHERE_CROSS_ORIGIN },
  { what: 'CORP same-site from another site', origin: 'https://a.test/', url: 'https://b.test/i.png', corp: 'same-site', expected: blockedEverywhere('not-same-site') },
  { what: 'CORP same-site: https response, http origin of the same site ("origin\'s scheme is https or the response is not https" fails)', origin: 'http://a.test/', url: 'https://sub.a.test/i.png', corp: 'same-site', expected: blockedEverywhere('not-same-site') },
  { what: 'CORP same-site: https response, http origin of the same host (schemelessly same site is not enough)', origin: 'http://a.test/', url: 'https://a.test/i.png', corp: 'same-site', expected: blockedEverywhere('not-same-site') },
  { what: 'CORP same-site: http response, http origin of the same site', origin: 'http://a.test/', url: 'http://sub.a.test/i.png', corp: 'same-site', expected: { 'unsafe-none': 'allowed', 'require-corp': 'allowed', credentialless: 'without-credentials' } },
  { what: 'CORP same-site: http response, https origin of the same site (the origin is https)', origin: 'https://a.test/', url: 'http://sub.a.test/i.png', corp: 'same-site', expected: LOADS_EVERYWHERE_CROSS_ORIGIN },
  // Step 5, same-origin.
  { what: 'CORP same-origin on a cross-origin response', origin: 'https://a.test/', url: 'https://b.test/i.png', corp: 'same-origin', expected: blockedEverywhere('not-same-origin') },
  { what: 'CORP same-origin on a same-site response', origin: 'https://a.test/', url: 'https://sub.a.test/i.png', corp: 'same-origin', expected: blockedEverywhere('not-same-origin') },
  { what: 'CORP same-origin: another scheme is another origin', origin: 'http://a.test/', url: 'https://a.test/i.png', corp: 'same-origin', expected: blockedEverywhere('not-same-origin') },
  // Steps 2–3: a value that is not exactly one of the three is null, i.e. absent.
  { what: 'invalid CORP "Same-Origin" (values are case-sensitive) = absent', origin: 'https://a.test/', url: 'https://b.test/i.png', corp: 'Same-Origin', expected: NO_CORP_CROSS_ORIGIN },
  { what: 'invalid CORP "same-origin, same-origin" = absent', origin: 'https://a.test/', url: 'https://b.test/i.png', corp: 'same-origin, same-origin', expected: NO_CORP_CROSS_ORIGIN },
  { what: 'two CORP lines "same-origin" + "same-origin" (get combines them) = absent', origin: 'https://a.test/', url: 'https://b.test/i.png', corp: ['same-origin', 'same-origin'], expected: NO_CORP_CROSS_ORIGIN },
  { what: 'the spec\'s own note: "same-site, same-origin" never matches = absent', origin: 'https://a.test/', url: 'https://b.test/i.png', corp: 'same-site, same-origin', expected: NO_CORP_CROSS_ORIGIN },
  { what: 'invalid CORP "\\"same-origin\\"" (quoted) = absent', origin: 'https://a.test/', url: 'https://b.test/i.png', corp: '"same-origin"', expected: NO_CORP_CROSS_ORIGIN },
  { what: 'invalid CORP "cross-origin, cross-origin" = absent (require-corp then defaults to same-origin)', origin: 'https://a.test/', url: 'https://b.test/i.png', corp: 'cross-origin, cross-origin', expected: NO_CORP_CROSS_ORIGIN },
  { what: 'an empty CORP value = absent', origin: 'https://a.test/', url: 'https://b.test/i.png', corp: '', expected: NO_CORP_CROSS_ORIGIN },
  // A header value has no leading or trailing SP/HTAB in Fetch (vectors §3.1: trim only SP and HTAB).
  { what: 'CORP " same-origin\\t" (OWS around the value) is same-origin', origin: 'https://a.test/', url: 'https://b.test/i.png', corp: ' same-origin\t', expected: blockedEverywhere('not-same-origin') },
];

describe('the internal check on one no-cors response, under each embedder policy (Fetch steps 2–5)', () => {
  test.each(ROWS)('$what', ({ origin, url, corp, expected }) => {
    expect(under(rec([res(url, corp)]), O(origin))).toEqual(expected);
  });
});

describe('evaluateSubresource: the verdict\'s fields from the check', () => {
  test('cross-origin, no CORP: loads today, require-corp blocks (same-origin defaulted, no header), credentialless loads without credentials', () => {
    const v = judge(rec([res('https://b.test/i.png')]));
    expect(v.crossOrigin).toBe(true);
    expect(v.blockedWithoutCoep).toBe(false);
    expect(v.now).toEqual({ result: 'loads', why: 'allowed' });
    expect(v.requireCorp).toMatchObject({ result: 'blocked', hop: 0, url: 'https://b.test/i.png', corpHeader: null, corp: { allowed: false, step: 'not-same-origin', policy: 'same-origin', defaulted: true } });
    expect(v.credentialless).toMatchObject({ result: 'loads', why: 'without-credentials' });
    expect(v.mode).toMatchObject({ mode: 'no-cors', from: 'type' });
    expect(v.requestOrigin).toBe(A);
  });

  test('CORP same-origin on a cross-origin response: blocked without any COEP (check step 3), under every policy, quoting the header', () => {
    const v = judge(rec([res('https://b.test/i.png', 'same-origin')]));
    expect(v.blockedWithoutCoep).toBe(true);
    for (const o of [v.now, v.requireCorp, v.credentialless]) {
      expect(o).toMatchObject({ result: 'blocked', hop: 0, corpHeader: 'same-origin', corp: { step: 'not-same-origin', policy: 'same-origin', defaulted: false } });
    }
  });

  test('an invalid CORP counts as absent, and the verdict still quotes the combined raw value', () => {
    const v = judge(rec([res('https://b.test/i.png', ['same-origin', 'same-origin'])]));
    expect(v.blockedWithoutCoep).toBe(false);
    expect(v.requireCorp).toMatchObject({ result: 'blocked', corpHeader: 'same-origin, same-origin', corp: { defaulted: true } });
  });

  test('same origin: not cross-origin, allowed under all three', () => {
    const v = judge(rec([res('https://a.test/i.png')]));
    expect(v.crossOrigin).toBe(false);
    expect([v.now, v.requireCorp, v.credentialless].map(show)).toEqual(['allowed', 'allowed', 'allowed']);
    expect(v.fix).toBeNull();
  });

  test('credentialless marks a request that carried cookies when recorded (the credentialless response may differ)', () => {
    const withCookies = judge(rec([res('https://b.test/i.png')], { sentCookies: true }));
    expect(withCookies.credentialless).toMatchObject({ result: 'loads', why: 'without-credentials', sentCookiesToday: true });
    for (const sentCookies of [false, undefined]) {
      const v = judge(rec([res('https://b.test/i.png')], sentCookies === undefined ? {} : { sentCookies }));
      expect(v.credentialless, `sentCookies ${sentCookies}`).toMatchObject({ result: 'loads', why: 'without-credentials' });
      expect(v.credentialless.result === 'loads' && v.credentialless.sentCookiesToday, `sentCookies ${sentCookies}`).toBeFalsy();
    }
    // The flag belongs to credentialless only: the other policies send the cookies anyway.
    expect(withCookies.requireCorp.result).toBe('blocked');
    expect(withCookies.now).toEqual({ result: 'loads', why: 'allowed' });
  });

  test('a same-origin request with cookies is sent with credentials under credentialless: no flag, plain allowed', () => {
    expect(judge(rec([res('https://a.test/i.png')], { sentCookies: true })).credentialless).toEqual({ result: 'loads', why: 'allowed' });
  });

  test('the observed state and error are passed through', () => {
    const v = judge(rec([res('https://b.test/i.png')], { state: 'error', error: 'net::ERR_BLOCKED_BY_RESPONSE' }));
    expect(v.observed).toEqual({ state: 'error', error: 'net::ERR_BLOCKED_BY_RESPONSE' });
    expect(judge(rec([res('https://b.test/i.png')])).observed).toEqual({ state: 'complete', error: null });
  });
});

// ── redirects ───────────────────────────────────────────────────────────────────────────────────────
// Fetch "HTTP fetch" runs the CORP check before it follows a redirect: every response is checked, and
// the first blocked one is the network error. Under credentialless, "Cross-Origin-Embedder-Policy allows
// credentials" is false for a hop whose URL is not same origin with the request's origin.

describe('redirects: every response is checked (Fetch "HTTP fetch", then "HTTP-redirect fetch")', () => {
  test('a cross-origin redirect without CORP to a final response with CORP cross-origin: require-corp blocks at hop 0, the redirect', () => {
    const r = rec([redirect('https://b.test/r'), res('https://c.test/i.png', 'cross-origin')]);
    expect(under(r)).toEqual({ 'unsafe-none': 'allowed', 'require-corp': 'blocked@0:not-same-origin:defaulted', credentialless: 'without-credentials' });
    const v = judge(r);
    expect(v.requireCorp).toMatchObject({ result: 'blocked', hop: 0, url: 'https://b.test/r', corpHeader: null });
  });

  test('a redirect with CORP same-origin to an allowed final response: blocked without COEP, at hop 0', () => {
    const r = rec([redirect('https://b.test/r', 'same-origin'), res('https://c.test/i.png', 'cross-origin')]);
    const v = judge(r);
    expect(v.blockedWithoutCoep).toBe(true);
    expect(v.now).toMatchObject({ result: 'blocked', hop: 0, url: 'https://b.test/r', corpHeader: 'same-origin' });
  });

  test('a redirect without CORP to a response with CORP same-origin: check step 3 (unsafe-none) blocks the final response, require-corp already the redirect', () => {
    const r = rec([redirect('https://b.test/r'), res('https://c.test/i.png', 'same-origin')]);
    expect(under(r)).toEqual({ 'unsafe-none': 'blocked@1:not-same-origin', 'require-corp': 'blocked@0:not-same-origin:defaulted', credentialless: 'blocked@1:not-same-origin' });
    const v = judge(r);
    expect(v.blockedWithoutCoep).toBe(true);
    expect(v.now).toMatchObject({ result: 'blocked', hop: 1, url: 'https://c.test/i.png', corpHeader: 'same-origin' });
    // The fix is for what blocks it whatever the policy: the final response's server.
    expect(v.fix).toContain('https://c.test');
    expect(v.fix).toContain(`${CORP}: same-origin`);
  });

  test('a same-origin URL redirecting cross-origin: the cross-origin hop (1) is checked', () => {
    const r = rec([redirect('https://a.test/go'), res('https://b.test/i.png')]);
    expect(under(r)).toEqual({ 'unsafe-none': 'allowed', 'require-corp': 'blocked@1:not-same-origin:defaulted', credentialless: 'without-credentials' });
    const v = judge(r);
    expect(v.crossOrigin).toBe(true);
    expect(v.requireCorp).toMatchObject({ result: 'blocked', hop: 1, url: 'https://b.test/i.png' });
  });

  test('a same-origin URL redirecting to a cross-origin response with CORP same-origin: blocked without COEP at hop 1', () => {
    const v = judge(rec([redirect('https://a.test/go'), res('https://b.test/i.png', 'same-origin')]));
    expect(v.blockedWithoutCoep).toBe(true);
    expect(v.now).toMatchObject({ result: 'blocked', hop: 1, url: 'https://b.test/i.png', corpHeader: 'same-origin' });
  });

  test('cross-origin (CORP cross-origin) and back to the same origin: loads everywhere; credentialless sent the cross-origin hop without credentials', () => {
    const r = rec([redirect('https://b.test/r', 'cross-origin'), res('https://a.test/i.png')]);
    expect(under(r)).toEqual(LOADS_EVERYWHERE_CROSS_ORIGIN);
    expect(judge(r).crossOrigin).toBe(true);
  });

  // Fetch "cross-origin embedder policy allows credentials" step 5: credentials only when the request's
  // origin is same origin with the current URL's AND the request has no redirect-tainted origin ("for each
  // url of the URL list: url's origin is not same origin with lastURL's, and the request's origin is not
  // same origin with lastURL's" → tainted).
  test.each([
    { what: 'a cross-origin response', urls: ['https://b.test/i.png'], hops: [0] },
    { what: 'same origin redirecting cross-origin: only the cross-origin hop', urls: ['https://a.test/go', 'https://b.test/i.png'], hops: [1] },
    { what: 'cross-origin and back: the same-origin hop too (the redirect from b.test tainted the origin)', urls: ['https://b.test/r', 'https://a.test/i.png'], hops: [0, 1] },
    { what: 'same origin, cross-origin, same origin: the last two', urls: ['https://a.test/go', 'https://b.test/r', 'https://a.test/i.png'], hops: [1, 2] },
    { what: 'two cross-origin hops', urls: ['https://b.test/r', 'https://c.test/i.png'], hops: [0, 1] },
  ])('credentialless, without credentials on which responses: $what → $hops', ({ urls, hops }) => {
    const r = rec(urls.map((u, i) => (i < urls.length - 1 ? redirect(u, 'cross-origin') : res(u, 'cross-origin'))));
    expect(judge(r).credentialless).toMatchObject({ result: 'loads', why: 'without-credentials', hopsWithoutCredentials: hops });
  });

  test('a same-origin redirect to the same origin: credentials all the way under credentialless, plain allowed', () => {
    const v = judge(rec([redirect('https://a.test/go'), res('https://a.test/i.png')]));
    expect(v.credentialless).toEqual({ result: 'loads', why: 'allowed' });
    expect(v.crossOrigin).toBe(false);
  });

  test('an allowed redirect then a blocked final response: the final response\'s hop and URL', () => {
    const r = rec([redirect('https://b.test/r', 'cross-origin'), res('https://c.test/i.png', 'same-site')]);
    expect(judge(r).now).toMatchObject({ result: 'blocked', hop: 1, url: 'https://c.test/i.png', corpHeader: 'same-site', corp: { step: 'not-same-site' } });
  });
});

// ── an opaque requesting origin ─────────────────────────────────────────────────────────────────────
// HTML "determining the origin" step 1: a document with the sandboxed origin browsing context flag gets a
// new opaque origin, which is same origin (and schemelessly same site) only with itself.

describe('an opaque requesting origin (a sandboxed document): every response is cross-origin', () => {
  const sandboxed = determineTheOrigin({ url: 'https://a.test/', sandboxedOrigin: true, sourceOrigin: null, key: 'sandboxed-a' });

  test('the origin is opaque', () => {
    expect(sandboxed.type).toBe('opaque');
  });

  test.each([
    { what: 'its own URL\'s origin, no CORP', corp: undefined, expected: NO_CORP_CROSS_ORIGIN },
    { what: 'its own URL\'s origin, CORP same-origin', corp: 'same-origin', expected: blockedEverywhere('not-same-origin') },
    { what: 'its own URL\'s origin, CORP same-site (not schemelessly same site with an opaque origin)', corp: 'same-site', expected: blockedEverywhere('not-same-site') },
    { what: 'its own URL\'s origin, CORP cross-origin', corp: 'cross-origin', expected: LOADS_EVERYWHERE_CROSS_ORIGIN },
  ])('$what', ({ corp, expected }) => {
    const r = rec([res('https://a.test/i.png', corp)]);
    expect(under(r, sandboxed)).toEqual(expected);
    expect(judge(r, sandboxed).crossOrigin).toBe(true);
  });
});

// ── no response ─────────────────────────────────────────────────────────────────────────────────────

describe('no response recorded: no prediction', () => {
  test('a no-cors request that failed before any response → unknown under every policy', () => {
    const r = rec([], { url: 'https://b.test/i.png', state: 'error', error: 'net::ERR_NAME_NOT_RESOLVED' });
    expect(under(r)).toEqual({ 'unsafe-none': 'unknown', 'require-corp': 'unknown', credentialless: 'unknown' });
    const v = judge(r, A, { value: 'require-corp', reportOnlyValue: 'unsafe-none' });
    expect(v.now.result).toBe('unknown');
    expect(v.blockedWithoutCoep).toBe(false);
    expect(v.crossOrigin).toBe(true); // from the request's URL
    expect(v.fix).toBeNull();
  });

  test('a pending request to the same origin → unknown, not cross-origin', () => {
    const v = judge(rec([], { url: 'https://a.test/i.png', state: 'pending' }));
    expect(v.requireCorp.result).toBe('unknown');
    expect(v.crossOrigin).toBe(false);
  });
});

// ── the document's policy: enforced and report-only ─────────────────────────────────────────────────
// The check: step 4 reports under the report-only value (the response is not blocked by it); step 5
// decides under the enforced value.

describe('now and reportOnly follow the document\'s embedder policy', () => {
  const crossNoCorp = () => rec([res('https://b.test/i.png')]);

  test.each([
    { value: 'unsafe-none', reportOnlyValue: 'unsafe-none', now: 'allowed', reportOnly: null },
    { value: 'unsafe-none', reportOnlyValue: 'require-corp', now: 'allowed', reportOnly: 'blocked@0:not-same-origin:defaulted' },
    { value: 'unsafe-none', reportOnlyValue: 'credentialless', now: 'allowed', reportOnly: 'without-credentials' },
    { value: 'require-corp', reportOnlyValue: 'unsafe-none', now: 'blocked@0:not-same-origin:defaulted', reportOnly: null },
    { value: 'credentialless', reportOnlyValue: 'unsafe-none', now: 'without-credentials', reportOnly: null },
    { value: 'credentialless', reportOnlyValue: 'require-corp', now: 'without-credentials', reportOnly: 'blocked@0:not-same-origin:defaulted' },
  ] as const)('COEP $value, report-only $reportOnlyValue → now $now, reportOnly $reportOnly', ({ value, reportOnlyValue, now, reportOnly }) => {
    const v = judge(crossNoCorp(), A, { value, reportOnlyValue });
    expect(show(v.now)).toBe(now);
    expect(v.reportOnly === null ? null : show(v.reportOnly)).toBe(reportOnly);
    // The hypothetical columns do not depend on the document's policy.
    expect(show(v.requireCorp)).toBe('blocked@0:not-same-origin:defaulted');
    expect(show(v.credentialless)).toBe('without-credentials');
  });
});

// ── the fix ─────────────────────────────────────────────────────────────────────────────────────────
// Which CORP value would pass step 5 for the blocked response: same-site when the origin is same site
// with it (and the scheme rule holds), else cross-origin.

describe('fix: the header the blocked response\'s server should send', () => {
  test('a same-site server (https://sub.a.test for https://a.test) → Cross-Origin-Resource-Policy: same-site, naming the server', () => {
    const fix = judge(rec([res('https://sub.a.test/i.png')])).fix;
    expect(fix).toContain(`${CORP}: same-site`);
    expect(fix).not.toContain(`${CORP}: cross-origin`);
    expect(fix).toContain('https://sub.a.test');
  });

  test('a cross-site server → Cross-Origin-Resource-Policy: cross-origin', () => {
    const fix = judge(rec([res('https://b.test/i.png')])).fix;
    expect(fix).toContain(`${CORP}: cross-origin`);
    expect(fix).not.toContain('same-site');
    expect(fix).toContain('https://b.test');
  });

  test('an https server of the same site as an http origin → cross-origin (same-site would not match: the origin is not https)', () => {
    const fix = judge(rec([res('https://sub.a.test/i.png')]), O('http://a.test/')).fix;
    expect(fix).toContain(`${CORP}: cross-origin`);
    expect(fix).not.toContain(`${CORP}: same-site`);
  });

  test('a sandboxed (opaque) origin → cross-origin, even for its own URL\'s server', () => {
    const sandboxed = determineTheOrigin({ url: 'https://a.test/', sandboxedOrigin: true, sourceOrigin: null, key: 'fix-sandboxed' });
    const fix = judge(rec([res('https://sub.a.test/i.png')]), sandboxed).fix;
    expect(fix).toContain(`${CORP}: cross-origin`);
    expect(fix).not.toContain(`${CORP}: same-site`);
  });

  test('an explicit refusal (CORP same-origin) → quotes it and asks for cross-origin', () => {
    const fix = judge(rec([res('https://b.test/i.png', 'same-origin')])).fix;
    expect(fix).toContain(`${CORP}: same-origin`);
    expect(fix).toContain(`${CORP}: cross-origin`);
    expect(fix).toContain('https://b.test');
  });

  test('a blocked redirect → the redirecting server, not the final one', () => {
    const fix = judge(rec([redirect('https://b.test/r'), res('https://c.test/i.png', 'cross-origin')])).fix;
    expect(fix).toContain('https://b.test');
    expect(fix).not.toContain('https://c.test');
  });

  test('nothing to fix: same origin, CORP cross-origin, cors mode → null', () => {
    expect(judge(rec([res('https://a.test/i.png')])).fix).toBeNull();
    expect(judge(rec([res('https://b.test/i.png', 'cross-origin')])).fix).toBeNull();
    expect(judge(rec([res('https://b.test/i.png')], { fetchMode: 'cors' })).fix).toBeNull();
  });
});

// ── summarize ───────────────────────────────────────────────────────────────────────────────────────

describe('summarize: counts per kind', () => {
  const list = (policy: { value: EmbedderPolicyValue; reportOnlyValue: EmbedderPolicyValue }): SubresourceVerdict[] => [
    rec([res('https://a.test/same.png')]), // loads everywhere, with credentials
    rec([res('https://b.test/no-corp.png')]), // require-corp blocks; credentialless without credentials
    rec([redirect('https://a.test/go'), res('https://c.test/no-corp.png')]), // the same, at hop 1
    rec([res('https://b.test/refused.png', 'same-origin')]), // blocked without COEP
    rec([res('https://b.test/open.png', 'cross-origin')]), // loads; credentialless without credentials
    rec([], { url: 'https://b.test/failed.png', state: 'error', error: 'net::ERR_FAILED' }), // unknown
    rec([res('https://b.test/api')], { type: 'xmlhttprequest' }), // cors: not checked
  ].map((r) => judge(r, A, policy));

  test('without an embedder policy: 7 requests, 2 require-corp would block, 3 credentialless without credentials, 1 refused, 1 unknown, 0 blocked now', () => {
    expect(summarize(list(NONE))).toEqual({ requests: 7, requireCorpWouldBlock: 2, credentiallessWithoutCredentials: 3, blockedWithoutCoep: 1, unknown: 1, blockedNow: 0 });
  });

  test('under require-corp the two are blocked now (the refused one is counted as refused, not again)', () => {
    expect(summarize(list({ value: 'require-corp', reportOnlyValue: 'unsafe-none' })).blockedNow).toBe(2);
  });

  test('under credentialless nothing is blocked now by the policy', () => {
    expect(summarize(list({ value: 'credentialless', reportOnlyValue: 'unsafe-none' })).blockedNow).toBe(0);
  });

  test('an empty list → all zero', () => {
    expect(summarize([])).toEqual({ requests: 0, requireCorpWouldBlock: 0, credentiallessWithoutCredentials: 0, blockedWithoutCoep: 0, unknown: 0, blockedNow: 0 });
  });
});

// ── corsHeadersOf ───────────────────────────────────────────────────────────────────────────────────
// Fetch "CORS check" reads the (final) response's Access-Control-Allow-Origin and -Credentials; header
// names are case-insensitive.

describe('corsHeadersOf: the final response\'s CORS headers', () => {
  test('read from the final response, not the redirect, names in any case', () => {
    const r = rec([
      res('https://b.test/r', undefined, { statusCode: 302, headers: [['Access-Control-Allow-Origin', '*']] }),
      res('https://c.test/api', undefined, { headers: [['access-control-allow-origin', 'https://a.test'], ['ACCESS-CONTROL-ALLOW-CREDENTIALS', 'true']] }),
    ]);
    expect(corsHeadersOf(r)).toEqual({ allowOrigin: 'https://a.test', allowCredentials: 'true' });
  });

  test('absent headers, or no response → null', () => {
    expect(corsHeadersOf(rec([res('https://b.test/i.png', 'cross-origin')]))).toEqual({ allowOrigin: null, allowCredentials: null });
    expect(corsHeadersOf(rec([]))).toEqual({ allowOrigin: null, allowCredentials: null });
  });
});

// ── evaluatePage: attribution to the requesting document ────────────────────────────────────────────
// The CORP check compares each response with the request's origin, the requesting document's origin,
// under that document's policy container's embedder policy.

const el = (index: number, frameId: number, over: Partial<EmbedElement> = {}): EmbedElement => ({
  tag: 'iframe', index, frameId, mappedBy: 'getFrameId', id: null, name: null, src: null,
  srcdoc: false, sandbox: null, allow: null, referrerPolicy: null, loading: null,
  credentialless: { attribute: false, property: null }, ...over,
});
const fr = (frameId: number, parentFrameId: number, url: string, over: Partial<FrameRecord> = {}): FrameRecord => ({
  frameId, parentFrameId, url, status: 'loaded', updatedAt: 1, ...over,
});
const withHeaders = (url: string, headers: HeaderLine[]) => ({
  response: { url, statusCode: 200, statusLine: 'HTTP/1.1 200 OK', headers, fromCache: false, timeStamp: 1 },
});
const pageOf = (frames: FrameRecord[], requests: SubresourceRecord[], dropped?: number): PageRecord => ({
  pageId: 'P', tabId: 7, url: frames[0]?.url ?? 'https://a.test/', startedAt: 1, lifecycle: 'active',
  frames: Object.fromEntries(frames.map((f) => [String(f.frameId), f])),
  dropped: { frames: 0, ...(dropped === undefined ? {} : { subresources: dropped }) },
  subresources: Object.fromEntries(requests.map((r) => [r.requestId, r])),
});
const urlsOf = (list: SubresourceVerdict[]) => list.map((v) => v.record.url);

describe('evaluatePage: each frame\'s requests, judged with its document\'s origin and policy', () => {
  test('requests go to the frame that made them (by frameId), in the order they started', () => {
    const page = pageOf(
      [fr(0, -1, 'https://a.test/', { embeds: [el(0, 1)] }), fr(1, 0, 'https://b.test/')],
      [
        rec([res('https://c.test/late.png')], { frameId: 0, startedAt: 300 }),
        rec([res('https://c.test/child.png')], { frameId: 1, startedAt: 150 }),
        rec([res('https://c.test/early.png')], { frameId: 0, startedAt: 200 }),
      ],
    );
    const e = evaluatePage(page, { engine: 'chromium' });
    expect(urlsOf(e.byFrameId.get(0)!.subresources)).toEqual(['https://c.test/early.png', 'https://c.test/late.png']);
    expect(urlsOf(e.byFrameId.get(1)!.subresources)).toEqual(['https://c.test/child.png']);
    // Each is compared with its own frame's origin.
    expect(e.byFrameId.get(1)!.subresources[0]!.requestOrigin).toMatchObject({ scheme: 'https', host: 'b.test' });
    expect(e.subresources.unattributed).toEqual([]);
  });

  test('the frame\'s enforced and report-only COEP decide now and reportOnly; the summary counts them', () => {
    const page = pageOf(
      [
        fr(0, -1, 'https://a.test/', { embeds: [el(0, 1)], ...withHeaders('https://a.test/', [[COEP_RO, 'require-corp']]) }),
        fr(1, 0, 'https://a.test/coep', withHeaders('https://a.test/coep', [[COEP, 'require-corp']])),
      ],
      [rec([res('https://b.test/i.png')], { frameId: 0 }), rec([res('https://b.test/j.png')], { frameId: 1 })],
    );
    const e = evaluatePage(page, { engine: 'chromium' });
    const top = e.byFrameId.get(0)!;
    expect(top.subresources[0]!.now.result).toBe('loads');
    expect(top.subresources[0]!.reportOnly?.result).toBe('blocked');
    expect(top.subresourceSummary).toMatchObject({ requests: 1, blockedNow: 0, requireCorpWouldBlock: 1 });
    const child = e.byFrameId.get(1)!;
    expect(child.subresources[0]!.now.result).toBe('blocked');
    expect(child.subresources[0]!.reportOnly).toBeNull();
    expect(child.subresourceSummary).toMatchObject({ requests: 1, blockedNow: 1, requireCorpWouldBlock: 1 });
    expect(e.subresources.summary).toMatchObject({ requests: 2, blockedNow: 1, requireCorpWouldBlock: 2 });
  });

  test('documentId: a request of the frame\'s previous document is not the current document\'s', () => {
    const page = pageOf(
      [fr(0, -1, 'https://a.test/', { documentId: 'DOC-2', committedAt: 500 })],
      [
        rec([res('https://b.test/old.png')], { documentId: 'DOC-1', startedAt: 900 }), // later, but another document
        rec([res('https://b.test/new.png')], { documentId: 'DOC-2', startedAt: 100 }), // earlier, but this document
      ],
    );
    const e = evaluatePage(page, { engine: 'chromium' });
    expect(urlsOf(e.byFrameId.get(0)!.subresources)).toEqual(['https://b.test/new.png']);
    expect(e.subresources.summary.requests).toBe(1);
    expect(e.subresources.unattributed).toEqual([]);
  });

  test('Firefox-like records without documentId: requests started before the commit belong to the previous document', () => {
    const page = pageOf(
      [fr(0, -1, 'https://a.test/', { committedAt: 1000 })],
      [
        rec([res('https://b.test/before.png')], { startedAt: 999 }),
        rec([res('https://b.test/at.png')], { startedAt: 1000 }),
        rec([res('https://b.test/after.png')], { startedAt: 1500 }),
      ],
    );
    expect(urlsOf(evaluatePage(page, { engine: 'firefox' }).byFrameId.get(0)!.subresources)).toEqual(['https://b.test/at.png', 'https://b.test/after.png']);
  });

  test('no documentId and no commit time: every request of the frame counts', () => {
    const page = pageOf([fr(0, -1, 'https://a.test/')], [rec([res('https://b.test/x.png')], { startedAt: 1 })]);
    expect(evaluatePage(page, { engine: 'firefox' }).byFrameId.get(0)!.subresources).toHaveLength(1);
  });

  test('a sandboxed requesting frame: its opaque origin makes even its own URL\'s origin cross-origin', () => {
    const page = pageOf(
      [
        fr(0, -1, 'https://a.test/', { embeds: [el(0, 1, { src: 'https://b.test/', sandbox: 'allow-scripts' })] }),
        fr(1, 0, 'https://b.test/', withHeaders('https://b.test/', [[COEP, 'require-corp']])),
      ],
      [
        rec([res('https://b.test/logo.png')], { frameId: 1 }),
        rec([res('https://b.test/open.png', 'cross-origin')], { frameId: 1 }),
      ],
    );
    const child = evaluatePage(page, { engine: 'chromium' }).byFrameId.get(1)!;
    expect(child.origin.type).toBe('opaque');
    expect(child.policies.embedder.value).toBe('require-corp');
    const [logo, open] = child.subresources;
    expect(logo!.requestOrigin.type).toBe('opaque');
    expect(logo!.crossOrigin).toBe(true);
    expect(logo!.now).toMatchObject({ result: 'blocked', hop: 0, corp: { step: 'not-same-origin', defaulted: true } });
    expect(open!.now.result).toBe('loads');
    expect(child.subresourceSummary.blockedNow).toBe(1);
  });

  test('the same frame unsandboxed: its own origin\'s image is same origin and loads', () => {
    const page = pageOf(
      [
        fr(0, -1, 'https://a.test/', { embeds: [el(0, 1, { src: 'https://b.test/' })] }),
        fr(1, 0, 'https://b.test/', withHeaders('https://b.test/', [[COEP, 'require-corp']])),
      ],
      [rec([res('https://b.test/logo.png')], { frameId: 1 })],
    );
    const v = evaluatePage(page, { engine: 'chromium' }).byFrameId.get(1)!.subresources[0]!;
    expect(v.crossOrigin).toBe(false);
    expect(v.now).toEqual({ result: 'loads', why: 'allowed' });
  });

  test('a srcdoc child inherits its parent\'s origin and embedder policy (HTML: the policy container is inherited)', () => {
    const page = pageOf(
      [
        fr(0, -1, 'https://a.test/', { embeds: [el(0, 1, { srcdoc: true })], ...withHeaders('https://a.test/', [[COEP, 'require-corp']]) }),
        fr(1, 0, 'about:srcdoc'),
      ],
      [
        rec([res('https://b.test/i.png')], { frameId: 1 }),
        rec([res('https://a.test/own.png')], { frameId: 1 }),
      ],
    );
    const child = evaluatePage(page, { engine: 'chromium' }).byFrameId.get(1)!;
    expect(child.policies.embedder.value).toBe('require-corp');
    const [cross, own] = child.subresources;
    expect(cross!.requestOrigin).toMatchObject({ scheme: 'https', host: 'a.test' });
    expect(cross!.now).toMatchObject({ result: 'blocked', corp: { defaulted: true } });
    expect(own!.crossOrigin).toBe(false);
    expect(own!.now.result).toBe('loads');
  });

  test('requests of a frame the record does not hold: unattributed, judged from their initiator without a policy, counted in the page summary', () => {
    const page = pageOf(
      [fr(0, -1, 'https://a.test/')],
      [
        rec([res('https://a.test/mine.png')], { frameId: 0 }),
        rec([res('https://c.test/i.png')], { frameId: 9, initiator: 'https://c.test' }), // same origin as its initiator
        rec([res('https://b.test/i.png')], { frameId: 9, initiator: 'https://c.test' }),
      ],
    );
    const e = evaluatePage(page, { engine: 'chromium' });
    expect(urlsOf(e.byFrameId.get(0)!.subresources)).toEqual(['https://a.test/mine.png']);
    const [same, cross] = e.subresources.unattributed;
    expect(e.subresources.unattributed).toHaveLength(2);
    expect(same!.requestOrigin).toMatchObject({ scheme: 'https', host: 'c.test' });
    expect(same!.crossOrigin).toBe(false);
    expect(cross!.crossOrigin).toBe(true);
    expect(cross!.now.result).toBe('loads');
    expect(cross!.reportOnly).toBeNull();
    expect(cross!.requireCorp.result).toBe('blocked');
    expect(e.subresources.summary).toMatchObject({ requests: 3, requireCorpWouldBlock: 1 });
  });

  test('the count of requests the per-page cap left out is passed through; absent → 0', () => {
    expect(evaluatePage(pageOf([fr(0, -1, 'https://a.test/')], [], 42), { engine: 'chromium' }).subresources.dropped).toBe(42);
    expect(evaluatePage(pageOf([fr(0, -1, 'https://a.test/')], []), { engine: 'chromium' }).subresources.dropped).toBe(0);
  });

  test('a page record without subresources at all: empty lists and zero counts', () => {
    const page: PageRecord = { pageId: 'P', tabId: 7, url: 'https://a.test/', startedAt: 1, lifecycle: 'active', frames: { 0: fr(0, -1, 'https://a.test/') }, dropped: { frames: 0 } };
    const e = evaluatePage(page, { engine: 'chromium' });
    expect(e.byFrameId.get(0)!.subresources).toEqual([]);
    expect(e.subresources.summary.requests).toBe(0);
    expect(e.subresources.unattributed).toEqual([]);
  });
});
