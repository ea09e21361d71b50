// Sites: the URL Standard's public suffix and registrable domain of a host, and HTML's sites, same site and
// schemelessly same site, over origin.ts's origins. Pure and total: any input gives an answer, never an exception.
import { parse as pslParse } from 'psl';
import { isSameOrigin, type OpaqueOrigin, type Origin, type OriginDifference } from './origin.ts';

/**
 * The Public Suffix List in use: the one bundled with this `psl` release, which includes the list's PRIVATE
 * section (github.io, blogspot.com, …) as the URL Standard requires. A test fails when the installed `psl`
 * differs from `version`, so that an upgrade also updates `published`.
 */
export const PSL_METADATA = { library: 'psl', version: '1.15.0', published: '2024-12-06' } as const;

/** A label no PSL rule contains: no rule label has "_" (checked for the bundled list), so it matches only "*". */
const PLACEHOLDER_LABEL = '_';
/** psl refuses input over 255 characters; leave room for the one label `isWildcardBase` prepends. */
const PSL_QUERY_MAX = 253;

/**
 * Whether a serialized host "ends in a number" (https://url.spec.whatwg.org/#ends-in-a-number-checker). The
 * host parser turns every such input into an IPv4 address or a failure, so a serialized host that ends in a
 * number is an IPv4 address, never a domain.
 */
function endsInANumber(host: string): boolean {
  const parts = host.split('.');
  if (parts[parts.length - 1] === '') {
    if (parts.length === 1) return false;
    parts.pop();
  }
  const last = parts[parts.length - 1] ?? '';
  return /^[0-9]+$/.test(last) || /^0x[0-9a-f]*$/i.test(last);
}

/** What kind of host a serialized host (as origin.ts stores it) is. */
export function kindOfSerializedHost(host: string): 'domain' | 'ipv4' | 'ipv6' | 'empty' {
  if (host === '') return 'empty';
  if (host.startsWith('[')) return 'ipv6';
  if (endsInANumber(host)) return 'ipv4';
  return 'domain';
}

/** Whether a label could be a label of a PSL rule (rules are lowercase punycode: [a-z0-9-], no edge hyphen). */
function couldBeARuleLabel(label: string): boolean {
  return label.length <= 63 && /^[a-z0-9-]+$/.test(label) && !label.startsWith('-') && !label.endsWith('-');
}

/** The number of labels of the public suffix psl finds for `labels`; null if psl rejects the input. */
function pslPublicSuffixLength(labels: readonly string[]): number | null {
  try {
    const parsed = pslParse(labels.join('.'));
    if ('error' in parsed) return null;
    // psl leaves `tld` null for a single unlisted label: the default rule "*" makes that label the suffix.
    if (parsed.tld === null) return 1;
    // `tld` is the rule's own (possibly Unicode) text; only its label count is used.
    return parsed.tld.split('.').length;
  } catch {
    return null;
  }
}

/** Whether the PSL has the wildcard rule "*.<labels>" (psl reports a public suffix one label longer). */
function isWildcardBase(labels: readonly string[]): boolean {
  return pslPublicSuffixLength([PLACEHOLDER_LABEL, ...labels]) === labels.length + 1;
}

/**
 * The number of rightmost labels of `labels` (non-empty, lowercase ASCII) that form the public suffix, by the
 * Public Suffix List algorithm (https://github.com/publicsuffix/list/wiki/Format#algorithm), with `psl` as
 * the list. psl is given only input it accepts, and its departures from the algorithm are undone here.
 */
/** Public suffix lengths by domain: a page names the same hosts over and over. */
const suffixLengths = new Map<string, number | null>();

function publicSuffixLength(labels: readonly string[]): number | null {
  const key = labels.join('.');
  const hit = suffixLengths.get(key);
  if (hit !== undefined) return hit;
  const length = publicSuffixLengthUncached(labels);
  if (suffixLengths.size >= 10_000) suffixLengths.clear();
  suffixLengths.set(key, length);
  return length;
}

function publicSuffixLengthUncached(labels: readonly string[]): number | null {
  // A label that cannot be a rule label (e.g. "a$b", "-x", a 64-character label, which the URL parser allows
  // but psl rejects) only ever matches "*": stand in a placeholder for it.
  const query = labels.map((label) => (couldBeARuleLabel(label) ? label : PLACEHOLDER_LABEL));
  // Deviation (psl): psl gives no suffix for anything under "local" (a "non-Internet TLD"); "local" is not on
  // the list, so the algorithm's default rule "*" applies, exactly as it does for the placeholder.
  if (query[query.length - 1] === 'local') query[query.length - 1] = PLACEHOLDER_LABEL;
  // Rules are domain names (the longest in the bundled list has 57 characters); only the rightmost labels can
  // match one, so keep psl within its 255-character limit by dropping leftmost labels.
  let start = query.length - 1;
  let size = query[start]?.length ?? 0;
  while (start > 0 && size + 1 + (query[start - 1]?.length ?? 0) <= PSL_QUERY_MAX) size += 1 + (query[--start]?.length ?? 0);
  const tail = query.slice(start);
  const length = pslPublicSuffixLength(tail);
  if (length === null) return null;
  // Deviation (psl): psl treats a host equal to a wildcard rule's base ("kobe.jp" for "*.kobe.jp") as a public
  // suffix, but that rule needs one more label to match; the PSL algorithm falls back to the other rules.
  // Browser: Chromium does what psl does (registry_controlled_domain.cc, crbug.com/459802). It changes no
  // same-site or document.domain verdict: every host below such a base is itself a public suffix.
  if (start === 0 && length === tail.length && isWildcardBase(tail)) {
    return pslPublicSuffixLength([PLACEHOLDER_LABEL, ...tail.slice(1)]);
  }
  return length;
}

/** The labels of a domain without its trailing dot, lowercased; null when it is not a domain we can judge. */
function domainLabels(host: unknown): { labels: string[]; trailingDot: string } | null {
  if (typeof host !== 'string' || kindOfSerializedHost(host) !== 'domain') return null;
  // A serialized domain is ASCII (the host parser punycodes it); anything else is not a serialized host.
  if (/[^\x20-\x7e]/.test(host)) return null;
  const trailingDot = host.endsWith('.') ? '.' : '';
  const labels = (trailingDot ? host.slice(0, -1) : host).toLowerCase().split('.');
  // Deviation: the URL parser accepts empty labels (".example.com", "a..b"), which the PSL algorithm does not
  // define; the PSL's own tests expect no registrable domain for a leading dot. Give null for any empty label.
  if (labels.some((label) => label === '')) return null;
  return { labels, trailingDot };
}

// https://url.spec.whatwg.org/#host-public-suffix
export function publicSuffix(host: string): string | null {
  // 1. If host is not a domain, then return null.
  const domain = domainLabels(host);
  if (domain === null) return null;
  // 2. Let trailingDot be "." if host ends with "."; otherwise the empty string.
  const { labels, trailingDot } = domain;
  // 3. Let publicSuffix be the public suffix determined by running the Public Suffix List algorithm with host
  //    as domain.
  const length = publicSuffixLength(labels);
  if (length === null) return null;
  // 4. Assert: publicSuffix is an ASCII string that does not end with ".".
  // 5. Return publicSuffix and trailingDot concatenated.
  return labels.slice(-length).join('.') + trailingDot;
}

/** Registrable domains by host: a page compares the same few hosts for every frame. */
const registrableDomains = new Map<string, string | null>();

// https://url.spec.whatwg.org/#host-registrable-domain
export function registrableDomain(host: string): string | null {
  if (typeof host !== 'string') return registrableDomainUncached(host);
  const hit = registrableDomains.get(host);
  if (hit !== undefined) return hit;
  const domain = registrableDomainUncached(host);
  if (registrableDomains.size >= 10_000) registrableDomains.clear();
  registrableDomains.set(host, domain);
  return domain;
}

function registrableDomainUncached(host: string): string | null {
  const domain = domainLabels(host);
  if (domain === null) return null;
  const { labels, trailingDot } = domain;
  // 1. If host's public suffix is null or host's public suffix equals host, then return null.
  const length = publicSuffixLength(labels);
  if (length === null || length >= labels.length) return null;
  // 2. Let trailingDot be "." if host ends with "."; otherwise the empty string.
  // 3. Let registrableDomain be the registrable domain determined by running the Public Suffix List algorithm
  //    with host as domain.
  // 4. Assert: registrableDomain is an ASCII string that does not end with ".".
  // 5. Return registrableDomain and trailingDot concatenated.
  return labels.slice(-(length + 1)).join('.') + trailingDot;
}

// ── sites ─────────────────────────────────────────────────────────────────────────────────────────
/** https://html.spec.whatwg.org/#scheme-and-host */
export interface SchemeAndHost {
  type: 'scheme-and-host';
  scheme: string;
  host: string;
}

/** https://html.spec.whatwg.org/#site */
export type Site = OpaqueOrigin | SchemeAndHost;

// https://html.spec.whatwg.org/#obtain-a-site
export function obtainASite(origin: Origin): Site {
  // 1. If origin is an opaque origin, then return origin.
  if (origin.type === 'opaque') return origin;
  // 2. If origin's host's registrable domain is null, then return (origin's scheme, origin's host).
  const domain = registrableDomain(origin.host);
  if (domain === null) return { type: 'scheme-and-host', scheme: origin.scheme, host: origin.host };
  // 3. Return (origin's scheme, origin's host's registrable domain).
  return { type: 'scheme-and-host', scheme: origin.scheme, host: domain };
}

// https://html.spec.whatwg.org/#serialization-of-a-site
export function serializeSite(site: Site): string {
  // 1. If site is an opaque origin, then return "null".
  if (site.type === 'opaque') return 'null';
  // 2. Let result be site[0].
  // 3. Append "://" to result.
  // 4. Append site[1], serialized, to result.
  // 5. Return result.
  return `${site.scheme}://${site.host}`;
}

/** Why two origins are not (schemelessly) same site: the part that decided, with both values. */
export type SiteDifference =
  | { part: 'opaque'; a: Origin; b: Origin }
  | { part: 'scheme'; a: string; b: string }
  /** Both registrable domains are null (IP addresses, public suffixes, empty hosts) and the hosts differ. */
  | { part: 'host'; a: string; b: string }
  | { part: 'registrable-domain'; a: string | null; b: string | null; hostA: string; hostB: string };

// https://html.spec.whatwg.org/#schemelessly-same-site
export function isSchemelesslySameSite(a: Origin, b: Origin, trace?: SiteDifference[]): boolean {
  // 1. If A and B are the same opaque origin, then return true.
  if (a.type === 'opaque' && b.type === 'opaque' && a.id === b.id) return true;
  // 2. If A and B are both tuple origins, then:
  if (a.type === 'tuple' && b.type === 'tuple') {
    // 2.1 Let hostA be A's host, and let hostB be B's host.
    const hostA = a.host;
    const hostB = b.host;
    const domainA = registrableDomain(hostA);
    const domainB = registrableDomain(hostB);
    // 2.2 If hostA equals hostB and hostA's registrable domain is null, then return true.
    if (hostA === hostB && domainA === null) return true;
    // 2.3 If hostA's registrable domain equals hostB's registrable domain and is non-null, then return true.
    if (domainA !== null && domainA === domainB) return true;
    if (domainA === null && domainB === null) trace?.push({ part: 'host', a: hostA, b: hostB });
    else trace?.push({ part: 'registrable-domain', a: domainA, b: domainB, hostA, hostB });
    return false;
  }
  // 3. Return false.
  trace?.push({ part: 'opaque', a, b });
  return false;
}

// https://html.spec.whatwg.org/#same-site
export function isSameSite(a: Origin, b: Origin, trace?: SiteDifference[]): boolean {
  // A and B are same site if both of the following are true:
  // - A and B are schemelessly same site;
  if (!isSchemelesslySameSite(a, b, trace)) return false;
  // - A and B are either both opaque origins, or both tuple origins with the same scheme.
  // (Schemelessly same site already made them the same opaque origin, or both tuple origins.)
  if (a.type === 'tuple' && b.type === 'tuple' && a.scheme !== b.scheme) {
    trace?.push({ part: 'scheme', a: a.scheme, b: b.scheme });
    return false;
  }
  return true;
}

/** The relation of one frame's origin to another's (the top frame's, or its parent's), and what decided it. */
export type OriginRelation =
  | { relation: 'same-origin'; reason: { part: 'none' } }
  /** Same site, not same origin: the first origin component that differs (the host or the port). */
  | { relation: 'same-site'; reason: OriginDifference }
  | { relation: 'cross-site'; reason: SiteDifference };

/**
 * Same origin, same site (schemeful) but not same origin, or cross-site. Opaque origins are cross-site to
 * everything but themselves.
 */
export function relationOf(a: Origin, b: Origin): OriginRelation {
  // Tuple origins are shared objects (originOfURL hands out one per scheme and authority), and a page
  // compares the same few pairs for every frame: one answer per pair, shared (read-only, like the origins).
  // An opaque origin is same origin with itself only, and cross-site (for being opaque) to anything else:
  // what relationOfUncached's traces give, without them.
  if (a.type !== 'tuple' || b.type !== 'tuple') {
    return a.type === 'opaque' && b.type === 'opaque' && a.id === b.id ? SAME_ORIGIN : { relation: 'cross-site', reason: { part: 'opaque', a, b } };
  }
  let byB = relations.get(a);
  if (!byB) relations.set(a, (byB = new WeakMap()));
  let known = byB.get(b);
  if (!known) {
    byB.set(b, (known = relationOfUncached(a, b)));
    shared.add(known);
  }
  return known;
}

/** Whether relationOf hands out this answer again for the same pair (true between tuple origins). */
export const isSharedRelation = (r: OriginRelation): boolean => r === SAME_ORIGIN || shared.has(r);
const shared = new WeakSet<OriginRelation>();

const relations = new WeakMap<Origin, WeakMap<Origin, OriginRelation>>();
const SAME_ORIGIN: OriginRelation = Object.freeze({ relation: 'same-origin', reason: Object.freeze({ part: 'none' }) });

function relationOfUncached(a: Origin, b: Origin): OriginRelation {
  const originTrace: OriginDifference[] = [];
  if (isSameOrigin(a, b, originTrace)) return SAME_ORIGIN;
  const siteTrace: SiteDifference[] = [];
  if (isSameSite(a, b, siteTrace)) {
    return { relation: 'same-site', reason: originTrace[0] ?? { part: 'opaque', a, b } };
  }
  return { relation: 'cross-site', reason: siteTrace[0] ?? { part: 'opaque', a, b } };
}
