// Whether a document may load in its frame: X-Frame-Options, CSP frame-ancestors, and — under an
// embedder policy — COEP and Cross-Origin-Resource-Policy. Each check says which header decided.
import { isCompatibleWithCrossOriginIsolation, type EmbedderPolicy } from './coep.ts';
import { getHeader, headerValues } from './headers.ts';
import { isSameOrigin, originOfURL, type Engine, type Origin } from './origin.ts';
import { isSchemelesslySameSite } from './site.ts';
import type { EmbedElement, HeaderLine } from './snapshot.ts';

// ── X-Frame-Options ──────────────────────────────────────────────────────────────────────────────
export type XfoVerdict =
  | { allowed: true; step: 'absent' | 'frame-ancestors-wins' | 'allowall' | 'sameorigin-ok' | 'invalid-ignored' | 'several-values-ignored'; raw: string | null }
  | { allowed: false; step: 'deny' | 'sameorigin-cross-origin-ancestor' | 'conflicting-values'; raw: string; ancestor?: Origin };

// The verdicts most frames get, one frozen object each (a verdict is read, never changed).
const XFO_ABSENT: XfoVerdict = Object.freeze({ allowed: true, step: 'absent', raw: null });
const XFO_IGNORED_ABSENT: XfoVerdict = Object.freeze({ allowed: true, step: 'frame-ancestors-wins', raw: null });

// https://html.spec.whatwg.org/#check-a-navigation-response's-adherence-to-x-frame-options
export function checkXFrameOptions(headers: readonly HeaderLine[], destinationOrigin: Origin, ancestors: readonly Origin[], hasFrameAncestors: boolean): XfoVerdict {
  const raw = getHeader(headers, 'X-Frame-Options');
  // 1. (Only child navigables are checked: callers pass a frame's ancestors.)
  // 2. If an enforced CSP has frame-ancestors, X-Frame-Options is ignored.
  if (hasFrameAncestors) return raw === null ? XFO_IGNORED_ABSENT : { allowed: true, step: 'frame-ancestors-wins', raw };
  if (raw === null) return XFO_ABSENT;
  // 3–5. Get, decode and split; ASCII-lowercase each value into a set.
  const values = new Set(headerValues(headers, 'X-Frame-Options').flatMap((v) => v.split(',')).map((v) => v.replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, '').toLowerCase()));
  // 6. More than one value, one of them deny/allowall/sameorigin: blocked.
  if (values.size > 1 && ['deny', 'allowall', 'sameorigin'].some((v) => values.has(v))) return { allowed: false, step: 'conflicting-values', raw };
  // 7. More than one value: allowed.
  if (values.size > 1) return { allowed: true, step: 'several-values-ignored', raw };
  const [only] = values;
  // 8. "deny": blocked.
  if (only === 'deny') return { allowed: false, step: 'deny', raw };
  // 9. "sameorigin": every ancestor must be same origin with the destination.
  if (only === 'sameorigin') {
    const bad = ancestors.find((a) => !isSameOrigin(a, destinationOrigin));
    return bad ? { allowed: false, step: 'sameorigin-cross-origin-ancestor', raw, ancestor: bad } : { allowed: true, step: 'sameorigin-ok', raw };
  }
  // 10. Return true (allowall, or an invalid value, which is ignored).
  return { allowed: true, step: only === 'allowall' ? 'allowall' : 'invalid-ignored', raw };
}

// ── CSP frame-ancestors ──────────────────────────────────────────────────────────────────────────
/** The frame-ancestors directives of the enforced policies (each policy's first one). Shared: read them only. */
export function frameAncestorsDirectives(headers: readonly HeaderLine[]): string[] {
  const lines = headerValues(headers, 'Content-Security-Policy');
  if (lines.length === 0) return NO_DIRECTIVES;
  if (lines.length > 1) return lines.flatMap(frameAncestorsOfLine);
  return frameAncestorsOfLine(lines[0]!);
}

const NO_DIRECTIVES = Object.freeze([]) as unknown as string[];
const NO_FRAME_ANCESTORS: FrameAncestorsVerdict = Object.freeze({ allowed: true, directives: NO_DIRECTIVES });
/** By CSP line: a page repeats the same few policies on many responses. */
const directivesByLine = new Map<string, string[]>();

function frameAncestorsOfLine(value: string): string[] {
  const known = directivesByLine.get(value);
  if (known) return known;
  const out: string[] = [];
  for (const policy of value.split(',')) {
    const seen = new Set<string>();
    for (const token of policy.split(';')) {
      const t = token.replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, '');
      // eslint-disable-next-line no-control-regex
      if (t === '' || /[^\u0000-\u007f]/.test(t)) continue;
      const [name, ...rest] = t.split(/[\t\n\f\r ]+/);
      const n = name!.toLowerCase();
      if (seen.has(n)) continue;
      seen.add(n);
      if (n === 'frame-ancestors') out.push(rest.join(' '));
    }
  }
  const shared = out.length === 0 ? NO_DIRECTIVES : (Object.freeze(out) as string[]);
  // Bounded by count and by size: a hostile page can send a different megabyte policy on every frame.
  if (value.length <= 4096) {
    if (directivesByLine.size >= 1_000) directivesByLine.clear();
    directivesByLine.set(value, shared);
  }
  return shared;
}

// https://w3c.github.io/webappsec-csp/#match-url-to-source-list
function matchesSourceList(origin: Origin, list: string, self: Origin): boolean {
  const sources = list.split(/[\t\n\f\r ]+/).filter((s) => s !== '');
  if (sources.length === 0 || (sources.length === 1 && sources[0]!.toLowerCase() === "'none'")) return false;
  if (origin.type === 'opaque') return false;
  for (const raw of sources) {
    const s = raw.toLowerCase();
    if (s === '*') {
      // "*" matches network schemes (and the protected resource's own scheme).
      if (['http', 'https', 'ws', 'wss'].includes(origin.scheme) || (self.type === 'tuple' && origin.scheme === self.scheme)) return true;
      continue;
    }
    if (s === "'self'") {
      if (isSameOrigin(origin, self)) return true;
      // An https: or wss: version of an http: self matches too.
      if (self.type === 'tuple' && self.scheme === 'http' && origin.scheme === 'https' && origin.host === self.host &&
        (origin.port === self.port || (self.port === null && origin.port === null))) return true;
      continue;
    }
    const scheme = /^([a-z][a-z0-9+.-]*):$/.exec(s);
    if (scheme) {
      if (origin.scheme === scheme[1] || (scheme[1] === 'http' && origin.scheme === 'https')) return true;
      continue;
    }
    const host = /^(?:([a-z][a-z0-9+.-]*):\/\/)?(\*|(?:\*\.)?[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::(\d+|\*))?(?:\/.*)?$/.exec(s);
    if (!host) continue;
    const [, sch, h, port] = host;
    if (sch) {
      if (!(origin.scheme === sch || (sch === 'http' && origin.scheme === 'https') || (sch === 'ws' && ['wss', 'http', 'https'].includes(origin.scheme)))) continue;
    } else if (self.type === 'tuple' && !(origin.scheme === self.scheme || (self.scheme === 'http' && origin.scheme === 'https'))) {
      continue;
    }
    const hostOk = h === '*' || (h!.startsWith('*.') ? origin.host.endsWith(h!.slice(1)) : origin.host === h);
    if (!hostOk) continue;
    const defaultPort = origin.scheme === 'https' || origin.scheme === 'wss' ? 443 : 80;
    const actualPort = origin.port ?? defaultPort;
    if (port === '*') return true;
    const wanted = port === undefined ? (sch === 'http' || (!sch && self.type === 'tuple' && self.scheme === 'http') ? 80 : defaultPort) : Number(port);
    if (actualPort === wanted || (port === undefined && actualPort === defaultPort)) return true;
  }
  return false;
}

export type FrameAncestorsVerdict =
  | { allowed: true; directives: string[] }
  | { allowed: false; directive: string; ancestor: Origin };

// https://w3c.github.io/webappsec-csp/#frame-ancestors-navigation-response
export function checkFrameAncestors(headers: readonly HeaderLine[], responseURL: string, ancestors: readonly Origin[]): FrameAncestorsVerdict {
  const directives = frameAncestorsDirectives(headers);
  const self = originOfURL(responseURL);
  for (const d of directives) {
    for (const a of ancestors) {
      if (!matchesSourceList(a, d, self)) return { allowed: false, directive: d, ancestor: a };
    }
  }
  return directives === NO_DIRECTIVES ? NO_FRAME_ANCESTORS : { allowed: true, directives };
}

// ── Cross-Origin-Resource-Policy ─────────────────────────────────────────────────────────────────
export type CorpValue = 'same-origin' | 'same-site' | 'cross-origin';

/** The CORP header's value, or null when absent or not one of the three values (then it does nothing). */
export function getCrossOriginResourcePolicy(headers: readonly HeaderLine[]): { value: CorpValue | null; raw: string | null } {
  const raw = getHeader(headers, 'Cross-Origin-Resource-Policy');
  return { value: corpValueOf(raw), raw };
}

const corpValueOf = (raw: string | null): CorpValue | null => (raw === 'same-origin' || raw === 'same-site' || raw === 'cross-origin' ? raw : null);

export type CorpVerdict =
  | { allowed: true; step: 'navigation-without-coep' | 'no-policy' | 'cross-origin' | 'same-origin-ok' | 'same-site-ok'; policy: CorpValue | null; defaulted: boolean }
  | { allowed: false; step: 'not-same-origin' | 'not-same-site'; policy: CorpValue; defaulted: boolean };

/**
 * The verdict of a step, policy and defaulted flag: one frozen object for each of the few combinations,
 * shared by every response that gets it (a page checks thousands; a verdict is read, never changed).
 */
const CORP_STEPS: readonly CorpVerdict['step'][] = ['navigation-without-coep', 'no-policy', 'cross-origin', 'same-origin-ok', 'same-site-ok', 'not-same-origin', 'not-same-site'];
const CORP_POLICIES: readonly (CorpValue | null)[] = [null, 'same-origin', 'same-site', 'cross-origin'];
const corpVerdicts: CorpVerdict[] = [];
function corpVerdict(step: CorpVerdict['step'], policy: CorpValue | null, defaulted: boolean): CorpVerdict {
  const index = (CORP_STEPS.indexOf(step) * CORP_POLICIES.length + CORP_POLICIES.indexOf(policy)) * 2 + (defaulted ? 1 : 0);
  return corpVerdicts[index] ??= Object.freeze({ allowed: step !== 'not-same-origin' && step !== 'not-same-site', step, policy, defaulted }) as CorpVerdict;
}

// https://fetch.spec.whatwg.org/#cross-origin-resource-policy-internal-check
export function crossOriginResourcePolicyInternalCheck(input: {
  origin: Origin;
  embedderPolicyValue: EmbedderPolicy['value'];
  headers: readonly HeaderLine[];
  responseURL: string;
  forNavigation: boolean;
  requestIncludesCredentials: boolean;
}): CorpVerdict {
  // 1. If forNavigation is true and embedderPolicyValue is "unsafe-none", then return allowed.
  if (input.forNavigation && input.embedderPolicyValue === 'unsafe-none') return corpVerdict('navigation-without-coep', null, false);
  // 2–3. Let policy be the result of getting `Cross-Origin-Resource-Policy`; a value other than the three is null.
  let policy = corpValueOf(getHeader(input.headers, 'Cross-Origin-Resource-Policy'));
  let defaulted = false;
  // 4. If policy is null, switch on embedderPolicyValue: credentialless → same-origin when the request
  //    includes credentials or forNavigation; require-corp → same-origin.
  if (policy === null) {
    if (input.embedderPolicyValue === 'require-corp' || (input.embedderPolicyValue === 'credentialless' && (input.requestIncludesCredentials || input.forNavigation))) {
      policy = 'same-origin';
      defaulted = true;
    }
  }
  // 5. Switch on policy.
  if (policy === null) return corpVerdict('no-policy', policy, defaulted);
  if (policy === 'cross-origin') return corpVerdict('cross-origin', policy, defaulted);
  const responseOrigin = originOfURL(input.responseURL);
  if (policy === 'same-origin') return corpVerdict(isSameOrigin(input.origin, responseOrigin) ? 'same-origin-ok' : 'not-same-origin', policy, defaulted);
  // same-site: schemelessly same site, and origin's scheme is https or the response is not https.
  const ok = isSchemelesslySameSite(input.origin, responseOrigin) &&
    ((input.origin.type === 'tuple' && input.origin.scheme === 'https') || !(responseOrigin.type === 'tuple' && responseOrigin.scheme === 'https'));
  return corpVerdict(ok ? 'same-site-ok' : 'not-same-site', policy, defaulted);
}

// ── the whole embedding check of a child document ────────────────────────────────────────────────
export type BlockedBy = 'coep' | 'corp' | 'x-frame-options' | 'frame-ancestors';

export interface EmbeddingVerdict {
  /** The checks that block, in the order the browser applies them; empty when the document may load. */
  blockedBy: BlockedBy[];
  xfo: XfoVerdict;
  frameAncestors: FrameAncestorsVerdict;
  /** Null when the parent has no embedder policy that applies. */
  coep: { parent: EmbedderPolicy['value']; child: EmbedderPolicy['value']; credentiallessIframe: boolean; allowed: boolean } | null;
  corp: CorpVerdict | null;
}

/**
 * The engine-dependent parts of a frame's embedding check, from its element and its document's origin.
 * Browser: Firefox does not implement <iframe credentialless> (ESR 140 blocks such children like any
 * other under COEP), and checks a sandboxed frame's CORP against the frame's own opaque origin.
 */
export function engineEmbeddingInputs(input: {
  engine: Engine;
  owner: Pick<EmbedElement, 'tag' | 'credentialless'> | null | undefined;
  origin: Origin;
  sandboxedOrigin: boolean;
}): { credentiallessIframe: boolean; sandboxedRequestOrigin: Origin | null } {
  return {
    credentiallessIframe: input.engine === 'chromium' && input.owner?.credentialless.attribute === true && input.owner.tag === 'iframe',
    sandboxedRequestOrigin: input.engine === 'firefox' && input.origin.type === 'opaque' && input.sandboxedOrigin ? input.origin : null,
  };
}

const NOT_BLOCKED = Object.freeze([]) as unknown as BlockedBy[];
const coepVerdicts = new Map<string, NonNullable<EmbeddingVerdict['coep']>>();
/** The COEP part of an embedding verdict: one frozen object per combination (there are 18). */
function coepVerdict(parent: EmbedderPolicy['value'], child: EmbedderPolicy['value'], credentiallessIframe: boolean, allowed: boolean): NonNullable<EmbeddingVerdict['coep']> {
  const key = `${parent} ${child} ${credentiallessIframe} ${allowed}`;
  let v = coepVerdicts.get(key);
  if (!v) coepVerdicts.set(key, (v = Object.freeze({ parent, child, credentiallessIframe, allowed })));
  return v;
}

// https://html.spec.whatwg.org/#check-a-navigation-response's-adherence-to-its-embedder-policy
export function checkEmbedding(input: {
  headers: readonly HeaderLine[];
  responseURL: string;
  /** Origins of the frame's ancestors, nearest first (the parent is the request's origin). */
  ancestors: readonly Origin[];
  parentPolicy: EmbedderPolicy;
  childPolicy: EmbedderPolicy;
  credentiallessIframe: boolean;
  /**
   * Browser: Firefox checks a sandboxed frame's navigation response against the frame's own opaque
   * origin, not the parent's (seen in Firefox ESR 140: a same-origin child with COEP and no CORP loads
   * in an isolated page, and fails CORP — NS_ERROR_DOM_CORP_FAILED — in <iframe sandbox="allow-scripts">;
   * Chromium loads it). The frame's opaque origin when that applies.
   */
  sandboxedRequestOrigin?: Origin | null;
}): EmbeddingVerdict {
  const destination = originOfURL(input.responseURL);
  const frameAncestors = checkFrameAncestors(input.headers, input.responseURL, input.ancestors);
  const xfo = checkXFrameOptions(input.headers, destination, input.ancestors, frameAncestorsDirectives(input.headers).length > 0);
  const blockedBy: BlockedBy[] = [];
  let coep: EmbeddingVerdict['coep'] = null;
  let corp: CorpVerdict | null = null;
  const parent = input.ancestors[0];
  if (parent && isCompatibleWithCrossOriginIsolation(input.parentPolicy.value)) {
    if (input.credentiallessIframe) {
      // A credentialless iframe's document loads in a fresh, credential-less context: it need not opt in
      // with COEP or CORP (Chromium loads it; the fixture shows a cross-origin child with neither).
      coep = coepVerdict(input.parentPolicy.value, input.childPolicy.value, true, true);
    } else {
      // The navigation request's CORP check (Fetch "HTTP fetch", forNavigation), with the parent's policy.
      corp = crossOriginResourcePolicyInternalCheck({
        origin: input.sandboxedRequestOrigin ?? parent, embedderPolicyValue: input.parentPolicy.value, headers: input.headers,
        responseURL: input.responseURL, forNavigation: true, requestIncludesCredentials: true,
      });
      if (!corp.allowed) blockedBy.push('corp');
      const allowed = isCompatibleWithCrossOriginIsolation(input.childPolicy.value);
      coep = coepVerdict(input.parentPolicy.value, input.childPolicy.value, false, allowed);
      if (!allowed) blockedBy.push('coep');
    }
  }
  if (!frameAncestors.allowed) blockedBy.push('frame-ancestors');
  if (!xfo.allowed) blockedBy.push('x-frame-options');
  // (blockedBy copied to its length: push leaves spare room in a list the evaluation keeps)
  return { blockedBy: blockedBy.length === 0 ? NOT_BLOCKED : blockedBy.slice(), xfo, frameAncestors, coep, corp };
}

