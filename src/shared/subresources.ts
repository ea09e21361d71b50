// COEP readiness of subresources: for each recorded request of a document, whether an embedder policy
// lets its responses in (Fetch "cross-origin resource policy check", run on every response, redirects
// included), under the policy the document has now, under require-corp and under credentialless.
// Pure: the recorded request, the requesting document's origin and its embedder policy in, verdicts out.
import type { EmbedderPolicyValue } from './coep.ts';
import { crossOriginResourcePolicyInternalCheck, getCrossOriginResourcePolicy, type CorpVerdict } from './framing.ts';
import { getHeader } from './headers.ts';
import { isSameOrigin, originOfURL, serializeOrigin, type Origin } from './origin.ts';
import type { SubresourceRecord } from './snapshot.ts';

export type RequestMode = 'no-cors' | 'cors' | 'same-origin' | 'navigate' | 'websocket' | 'webtransport';
const MODES: ReadonlySet<string> = new Set<RequestMode>(['no-cors', 'cors', 'same-origin', 'navigate', 'websocket', 'webtransport']);

export interface ModeReading {
  mode: RequestMode;
  /** 'sec-fetch-mode': the request header the browser sent; 'type': inferred from the resource type. */
  from: 'sec-fetch-mode' | 'type';
  /** For an inferred mode: what would make it another. */
  caveat?: string;
}

/**
 * The request's mode: Sec-Fetch-Mode where the browser sent it (only to potentially trustworthy URLs),
 * else the default for the resource type (an element with a crossorigin attribute, a module script or a
 * fetch() with another mode would differ, and the caveat says so).
 */
export function requestModeOf(r: Pick<SubresourceRecord, 'fetchMode' | 'type'>): ModeReading {
  if (r.fetchMode !== undefined && MODES.has(r.fetchMode)) return SENT_MODES[r.fetchMode as RequestMode];
  switch (r.type) {
    case 'font':
    case 'web_manifest': // Firefox's type for <link rel=manifest>: always cors
      return INFERRED.cors;
    case 'xmlhttprequest':
      return INFERRED.xhr;
    case 'websocket':
      return INFERRED.websocket;
    case 'webtransport':
      return INFERRED.webtransport;
    case 'script':
      return INFERRED.script;
    default:
      return INFERRED.noCors;
  }
}

// The readings and outcomes below are the same for every request that has them: shared, frozen (a
// page has thousands of requests; a verdict is read, never changed).
const SENT_MODES = Object.fromEntries([...MODES].map((mode) => [mode, Object.freeze({ mode, from: 'sec-fetch-mode' })])) as Record<RequestMode, ModeReading>;
const INFERRED = {
  cors: Object.freeze({ mode: 'cors', from: 'type' }),
  xhr: Object.freeze({ mode: 'cors', from: 'type', caveat: "fetch(…, {mode: 'no-cors'}) is no-cors" }),
  websocket: Object.freeze({ mode: 'websocket', from: 'type' }),
  webtransport: Object.freeze({ mode: 'webtransport', from: 'type' }),
  script: Object.freeze({ mode: 'no-cors', from: 'type', caveat: 'a module script or a crossorigin attribute makes it cors' }),
  noCors: Object.freeze({ mode: 'no-cors', from: 'type', caveat: 'a crossorigin attribute makes it cors' }),
} as const satisfies Record<string, ModeReading>;

/** What happens to the request under one embedder policy value. */
export type PolicyOutcome =
  | {
    result: 'loads';
    /**
     * not-no-cors: CORS (or same-origin mode) decides, not CORP; allowed: every response passes the CORP
     * check; without-credentials: credentialless sends the cross-origin request without cookies and
     * lets the response in.
     */
    why: 'not-no-cors' | 'allowed' | 'without-credentials';
    /** For without-credentials: the responses (indexes in `responses`) fetched without credentials. */
    hopsWithoutCredentials?: number[];
    /** For without-credentials: the request carried cookies when recorded, so the response may differ. */
    sentCookiesToday?: boolean;
  }
  | {
    result: 'blocked';
    /** Index in `responses` of the first response the check blocks (a redirect or the final one). */
    hop: number;
    url: string;
    corp: CorpVerdict & { allowed: false };
    /** The raw Cross-Origin-Resource-Policy value of that response, or null when absent. */
    corpHeader: string | null;
  }
  /** no-response: none recorded; headers-unknown: a response whose headers the recorder did not see. */
  | { result: 'unknown'; why: 'no-response' | 'headers-unknown' };

export interface SubresourceVerdict {
  /** The first of the identical requests this verdict stands for. */
  record: SubresourceRecord;
  /** Every identical request (same document, method, URL, type, mode, destination, responses and outcome), in order. */
  requestIds: string[];
  mode: ModeReading;
  /** The origin the CORP check compares with: the requesting document's. */
  requestOrigin: Origin;
  /** Whether any response came from another origin than the requesting document's. */
  crossOrigin: boolean;
  /** What the browser reported: loaded, failed (with its error) or still pending. */
  observed: { state: SubresourceRecord['state']; error: string | null };
  /** Blocked even without an embedder policy: an explicit CORP that does not allow this origin. */
  blockedWithoutCoep: boolean;
  /** Under no embedder policy (unsafe-none). */
  unsafeNone: PolicyOutcome;
  /** Under the document's enforced policy (what the browser does now). */
  now: PolicyOutcome;
  /** Under its report-only policy, when it has one (would-be violations; the request still loads). */
  reportOnly: PolicyOutcome | null;
  requireCorp: PolicyOutcome;
  credentialless: PolicyOutcome;
  /** The header or attribute change that lets it load under require-corp, when it would be blocked. */
  fix: string | null;
}

/** The CORP check of every response under one policy value (Fetch "HTTP fetch": each response, redirects too). */
export function outcomeUnder(r: SubresourceRecord, mode: ModeReading, origin: Origin, policy: EmbedderPolicyValue): PolicyOutcome {
  // Fetch "cross-origin resource policy check", step 1: only no-cors requests are checked.
  if (mode.mode !== 'no-cors') return LOADS_NOT_NO_CORS;
  if (r.responses.length === 0) return UNKNOWN_NO_RESPONSE;
  let withoutCredentials: number[] | null = null;
  for (let hop = 0; hop < r.responses.length; hop++) {
    const response = r.responses[hop]!;
    // Fetch runs the CORP check in "HTTP fetch" only: a data: or blob: response is never checked.
    if (!/^https?:/i.test(response.url)) continue;
    if (response.headersUnknown) return UNKNOWN_HEADERS;
    // Fetch "cross-origin embedder policy allows credentials": under credentialless, a no-cors request
    // goes with credentials (cookies, client certificates, authentication) only to its own origin, and
    // not after its redirects have tainted its origin.
    const includesCredentials = policy !== 'credentialless' ||
      (isSameOrigin(origin, originOfURL(response.url)) && !hasRedirectTaintedOrigin(origin, r.responses.slice(0, hop + 1).map((x) => x.url)));
    if (!includesCredentials) (withoutCredentials ??= []).push(hop);
    const corp = crossOriginResourcePolicyInternalCheck({
      origin, embedderPolicyValue: policy, headers: response.headers, responseURL: response.url,
      forNavigation: false, requestIncludesCredentials: includesCredentials,
    });
    if (!corp.allowed) {
      return { result: 'blocked', hop, url: response.url, corp, corpHeader: getCrossOriginResourcePolicy(response.headers).raw };
    }
  }
  if (withoutCredentials !== null) {
    if (withoutCredentials.length === 1 && withoutCredentials[0] === 0 && !r.sentCookies) return LOADS_FIRST_HOP_WITHOUT_CREDENTIALS;
    return { result: 'loads', why: 'without-credentials', hopsWithoutCredentials: withoutCredentials, ...(r.sentCookies ? { sentCookiesToday: true } : {}) };
  }
  return LOADS_ALLOWED;
}

const OBSERVED_WITHOUT_ERROR: Partial<Record<string, SubresourceVerdict['observed']>> = {
  pending: Object.freeze({ state: 'pending', error: null }),
  complete: Object.freeze({ state: 'complete', error: null }),
  error: Object.freeze({ state: 'error', error: null }),
};
const LOADS_NOT_NO_CORS: PolicyOutcome = Object.freeze({ result: 'loads', why: 'not-no-cors' });
const LOADS_FIRST_HOP_WITHOUT_CREDENTIALS: PolicyOutcome = Object.freeze({ result: 'loads', why: 'without-credentials', hopsWithoutCredentials: Object.freeze([0]) as number[] });
const LOADS_ALLOWED: PolicyOutcome = Object.freeze({ result: 'loads', why: 'allowed' });
const UNKNOWN_NO_RESPONSE: PolicyOutcome = Object.freeze({ result: 'unknown', why: 'no-response' });
const UNKNOWN_HEADERS: PolicyOutcome = Object.freeze({ result: 'unknown', why: 'headers-unknown' });

/**
 * Fetch "has a redirect-tainted origin", for the request's URL list up to a response: true once a
 * redirect went from one origin to another while the request's origin was not the one it left.
 */
export function hasRedirectTaintedOrigin(requestOrigin: Origin, urls: readonly string[]): boolean {
  let last: Origin | null = null;
  for (const url of urls) {
    const here = originOfURL(url);
    if (last !== null && !isSameOrigin(here, last) && !isSameOrigin(requestOrigin, last)) return true;
    last = here;
  }
  return false;
}

/** The fix for a response require-corp would block: the CORP header its server should send, or CORS. */
function fixFor(blocked: PolicyOutcome, mode: ModeReading, origin: Origin, type: string): string | null {
  if (blocked.result !== 'blocked') return null;
  const at = originOfURL(blocked.url);
  const server = serializeOrigin(at);
  if (blocked.corp.policy !== null && !blocked.corp.defaulted) {
    return `${server} sends Cross-Origin-Resource-Policy: ${blocked.corpHeader ?? blocked.corp.policy}, which refuses ${serializeOrigin(origin)}: it must send Cross-Origin-Resource-Policy: cross-origin (its owner decides), or load it from your own origin.`;
  }
  const sameSite = blocked.corp.step === 'not-same-origin' && origin.type === 'tuple' && at.type === 'tuple' &&
    crossOriginResourcePolicyInternalCheck({
      origin, embedderPolicyValue: 'require-corp', headers: [['Cross-Origin-Resource-Policy', 'same-site']],
      responseURL: blocked.url, forNavigation: false, requestIncludesCredentials: true,
    }).allowed;
  const header = `Cross-Origin-Resource-Policy: ${sameSite ? 'same-site' : 'cross-origin'}`;
  const cors = type === 'image' || type === 'script' || type === 'stylesheet' || type === 'media'
    ? ` or load it in CORS mode (a crossorigin attribute on the element, with Access-Control-Allow-Origin from ${server})`
    : mode.from === 'sec-fetch-mode' ? ` or request it in CORS mode (with Access-Control-Allow-Origin from ${server})` : '';
  return `Have ${server} send ${header} with it${cors}, or use Cross-Origin-Embedder-Policy: credentialless (it then loads without cookies).`;
}

export function evaluateSubresource(
  r: SubresourceRecord,
  requestOrigin: Origin,
  policy: { value: EmbedderPolicyValue; reportOnlyValue: EmbedderPolicyValue },
): SubresourceVerdict {
  const mode = requestModeOf(r);
  const requireCorp = outcomeUnder(r, mode, requestOrigin, 'require-corp');
  const unsafeNone = outcomeUnder(r, mode, requestOrigin, 'unsafe-none');
  const credentialless = outcomeUnder(r, mode, requestOrigin, 'credentialless');
  const under = (v: EmbedderPolicyValue) => (v === 'require-corp' ? requireCorp : v === 'credentialless' ? credentialless : unsafeNone);
  return {
    record: r,
    requestIds: [r.requestId],
    mode,
    requestOrigin,
    crossOrigin: r.responses.some((x) => !isSameOrigin(requestOrigin, originOfURL(x.url))) || (r.responses.length === 0 && !isSameOrigin(requestOrigin, originOfURL(r.url))),
    observed: (r.error === undefined ? OBSERVED_WITHOUT_ERROR[r.state] : undefined) ?? { state: r.state, error: r.error ?? null },
    blockedWithoutCoep: unsafeNone.result === 'blocked',
    unsafeNone,
    now: under(policy.value),
    reportOnly: policy.reportOnlyValue === 'unsafe-none' ? null : under(policy.reportOnlyValue),
    requireCorp,
    credentialless,
    fix: unsafeNone.result === 'blocked' ? fixFor(unsafeNone, mode, requestOrigin, r.type) : fixFor(requireCorp, mode, requestOrigin, r.type),
  };
}

/**
 * Identical requests of a document folded together (a polled image, DevTools fetching a stylesheet
 * again to show it): the same method, URL, type, fetch metadata, responses and outcome give one verdict.
 */
export function groupIdentical(records: readonly SubresourceRecord[]): SubresourceRecord[][] {
  // Identical requests have the same URL: a request whose URL no other has is a group of its own (keyed
  // by itself), and only the others are compared in full.
  const perURL = new Map<string, number>();
  for (const r of records) perURL.set(r.url, (perURL.get(r.url) ?? 0) + 1);
  const groups = new Map<string | SubresourceRecord, SubresourceRecord[]>();
  for (const r of records) {
    if (perURL.get(r.url) === 1) {
      groups.set(r, [r]);
      continue;
    }
    const key = JSON.stringify([
      r.frameId, r.documentId ?? null, r.method, r.url, r.type, r.fetchMode ?? null, r.fetchDest ?? null, r.fetchSite ?? null,
      r.initiator ?? null, r.sentCookies ?? null, r.state, r.error ?? null,
      r.responses.map((x) => [x.url, x.statusCode, x.headers, x.headersUnknown ?? false]),
    ]);
    const list = groups.get(key);
    if (list) list.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.values()];
}

/** Counts for a frame's or a page's list (each group of identical requests counts once). */
export interface ReadinessSummary {
  /** Distinct requests (identical ones folded). */
  requests: number;
  /** require-corp would block these (not counting those their own CORP refuses under any policy). */
  requireCorpWouldBlock: number;
  /** credentialless loads these only without credentials. */
  credentiallessWithoutCredentials: number;
  /** Blocked under every policy: an explicit CORP refuses this origin. */
  blockedWithoutCoep: number;
  /** No response recorded (failed before one, or still pending): no prediction. */
  unknown: number;
  /** Blocked now by the enforced embedder policy. */
  blockedNow: number;
}

export function summarize(list: readonly SubresourceVerdict[]): ReadinessSummary {
  const s: ReadinessSummary = { requests: 0, requireCorpWouldBlock: 0, credentiallessWithoutCredentials: 0, blockedWithoutCoep: 0, unknown: 0, blockedNow: 0 };
  for (const v of list) {
    s.requests += 1;
    if (v.requireCorp.result === 'unknown') s.unknown += 1;
    else if (v.blockedWithoutCoep) s.blockedWithoutCoep += 1;
    else if (v.requireCorp.result === 'blocked') s.requireCorpWouldBlock += 1;
    if (v.credentialless.result === 'loads' && v.credentialless.why === 'without-credentials') s.credentiallessWithoutCredentials += 1;
    if (v.now.result === 'blocked' && !v.blockedWithoutCoep) s.blockedNow += 1;
  }
  return s;
}

/** The Access-Control-Allow-Origin/-Credentials of the final response, for the panel's details. */
export function corsHeadersOf(r: SubresourceRecord): { allowOrigin: string | null; allowCredentials: string | null } {
  const last = r.responses.at(-1);
  return last
    ? { allowOrigin: getHeader(last.headers, 'Access-Control-Allow-Origin'), allowCredentials: getHeader(last.headers, 'Access-Control-Allow-Credentials') }
    : { allowOrigin: null, allowCredentials: null };
}
