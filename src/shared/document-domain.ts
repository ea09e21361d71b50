// document.domain: HTML's "is a registrable domain suffix of or is equal to" and the domain setter's steps, as
// a verdict on whether setting document.domain would work for a document. Pure and total.
import { parseURLRecord, type Origin, effectiveDomain } from './origin.ts';
import { kindOfSerializedHost, publicSuffix } from './site.ts';
import { serializeHost } from 'whatwg-url';

/** A host as the host parser returns it, serialized, with its kind. */
export interface ParsedHost {
  host: string;
  kind: 'domain' | 'ipv4' | 'ipv6';
}

/**
 * The host parser (isOpaque false), run through whatwg-url's URL parser on `http://${input}/`. Every input the
 * URL parser would read differently from the host parser alone is answered first: tab and newlines (which the
 * URL parser strips), and "/", "?", "#", "\", "@", ":", "[" and "]" (which end or split the authority, but are
 * forbidden host code points, so the host parser fails on them). A bracketed input is an IPv6 address, whose
 * parser accepts only hex digits, ":" and ".".
 */
// https://url.spec.whatwg.org/#concept-host-parser
export function parseHost(input: string): ParsedHost | 'failure' {
  if (typeof input !== 'string' || /[\t\n\r]/.test(input)) return 'failure';
  // 1. If input starts with U+005B ([), then: if input does not end with U+005D (]), return failure; return the
  //    result of IPv6 parsing input with its leading U+005B ([) and trailing U+005D (]) removed.
  if (input.startsWith('[')) {
    if (!/^\[[0-9A-Fa-f:.]*\]$/.test(input)) return 'failure';
  } else if (/[/?#\\@:[\]]/.test(input)) {
    return 'failure';
  }
  // 2-8. (isOpaque is false.) Percent-decode, domain to ASCII, forbidden domain code points, IPv4 if it ends in
  //      a number: done by whatwg-url's parser.
  // Deviation: parseURLRecord fails an authority over MAX_AUTHORITY (2048) characters, so a longer input
  // (far beyond any DNS name) fails here too.
  const url = parseURLRecord(`http://${input}/`);
  if (url === null || url.host === null || url.host === '') return 'failure';
  const host = serializeHost(url.host);
  const kind = typeof url.host === 'number' ? 'ipv4' : Array.isArray(url.host) ? 'ipv6' : 'domain';
  return { host, kind };
}

/** The step of "is a registrable domain suffix of or is equal to" that decided, with its data. */
export type RegistrableSuffixStep =
  | { step: 1; result: false; reason: 'empty-string' }
  | { step: 3; result: false; reason: 'host-parse-failure'; hostSuffixString: string }
  | { step: 4.1; result: false; reason: 'not-a-domain'; hostSuffix: string; originalHost: string }
  | { step: 4.2; result: false; reason: 'not-a-suffix'; hostSuffix: string; originalHost: string }
  | { step: 4.3; result: false; reason: 'is-a-public-suffix'; hostSuffix: string; publicSuffix: string | null }
  | {
      step: 4.3;
      result: false;
      reason: 'within-public-suffix';
      hostSuffix: string;
      originalHost: string;
      publicSuffix: string | null;
    }
  | { step: 5; result: true; reason: 'equal'; host: string }
  | { step: 5; result: true; reason: 'registrable-suffix'; hostSuffix: string; originalHost: string };

// https://html.spec.whatwg.org/#is-a-registrable-domain-suffix-of-or-is-equal-to
export function isARegistrableDomainSuffixOfOrIsEqualTo(
  hostSuffixString: string,
  originalHost: string,
  trace?: RegistrableSuffixStep[],
): boolean {
  // 1. If hostSuffixString is the empty string, then return false.
  if (typeof hostSuffixString !== 'string' || hostSuffixString === '') {
    trace?.push({ step: 1, result: false, reason: 'empty-string' });
    return false;
  }
  // 2. Let hostSuffix be the result of parsing hostSuffixString.
  const parsed = parseHost(hostSuffixString);
  // 3. If hostSuffix is failure, then return false.
  if (parsed === 'failure') {
    trace?.push({ step: 3, result: false, reason: 'host-parse-failure', hostSuffixString });
    return false;
  }
  const hostSuffix = parsed.host;
  const original = typeof originalHost === 'string' ? originalHost : '';
  // 4. If hostSuffix does not equal originalHost, then:
  if (hostSuffix !== original) {
    // 4.1 If hostSuffix or originalHost is not a domain, then return false.
    //     (This excludes hosts that are IP addresses.)
    if (parsed.kind !== 'domain' || kindOfSerializedHost(original) !== 'domain') {
      trace?.push({ step: 4.1, result: false, reason: 'not-a-domain', hostSuffix, originalHost: original });
      return false;
    }
    // 4.2 If hostSuffix, prefixed by U+002E (.), does not match the end of originalHost, then return false.
    if (!original.endsWith(`.${hostSuffix}`)) {
      trace?.push({ step: 4.2, result: false, reason: 'not-a-suffix', hostSuffix, originalHost: original });
      return false;
    }
    // 4.3 If any of the following are true: hostSuffix equals hostSuffix's public suffix; or hostSuffix,
    //     prefixed by U+002E (.), matches the end of originalHost's public suffix, then return false.
    const suffixOfHostSuffix = publicSuffix(hostSuffix);
    if (hostSuffix === suffixOfHostSuffix) {
      trace?.push({ step: 4.3, result: false, reason: 'is-a-public-suffix', hostSuffix, publicSuffix: suffixOfHostSuffix });
      return false;
    }
    const suffixOfOriginal = publicSuffix(original);
    if (suffixOfOriginal !== null && suffixOfOriginal.endsWith(`.${hostSuffix}`)) {
      trace?.push({
        step: 4.3, result: false, reason: 'within-public-suffix', hostSuffix, originalHost: original,
        publicSuffix: suffixOfOriginal,
      });
      return false;
    }
    // 4.4 Assert: originalHost's public suffix, prefixed by U+002E (.), matches the end of hostSuffix.
    //     (Not enforced: this function is total.)
    trace?.push({ step: 5, result: true, reason: 'registrable-suffix', hostSuffix, originalHost: original });
    return true;
  }
  // 5. Return true.
  trace?.push({ step: 5, result: true, reason: 'equal', host: hostSuffix });
  return true;
}

export interface DocumentDomainInput {
  /** The document's origin. */
  origin: Origin;
  /** The document's active sandboxing flag set has the sandboxed document.domain browsing context flag. */
  sandboxedDocumentDomainFlag: boolean;
  /**
   * The surrounding agent's agent cluster is origin-keyed. The caller decides it: the Origin-Agent-Cluster
   * header, and Chromium's origin-keyed-by-default agent clusters, are judged by the isolation module (not
   * yet written).
   */
  originKeyed: boolean;
  /** The agent cluster is cross-origin isolated, which makes it origin-keyed too. */
  crossOriginIsolated?: boolean;
  /** The document is allowed to use the "document-domain" policy-controlled feature. Default: allowed. */
  permissionsPolicyAllows?: boolean;
  /** The document has a browsing context. Default: true (every frame the panel shows has one). */
  hasBrowsingContext?: boolean;
  /** The value assigned. Default: the current `document.domain` (`document.domain = document.domain`). */
  value?: string;
}

/** Whether `document.domain = value` would work, and the step of the setter that decided. */
export type DocumentDomainVerdict =
  | { works: 'throws'; step: 1; reason: 'no-browsing-context' }
  | { works: 'throws'; step: 2; reason: 'sandboxed' }
  | { works: 'throws'; step: 3; reason: 'permissions-policy' }
  | { works: 'throws'; step: 5; reason: 'opaque-origin'; origin: Origin }
  | {
      works: 'throws';
      step: 6;
      reason: 'not-a-registrable-domain-suffix';
      value: string;
      effectiveDomain: string;
      decidedBy: RegistrableSuffixStep | null;
    }
  | { works: 'no-op'; step: 7; reason: 'origin-keyed' | 'cross-origin-isolated'; effectiveDomain: string; value: string }
  | { works: 'yes'; step: 8; effectiveDomain: string; value: string; newDomain: string };

// https://html.spec.whatwg.org/#dom-document-domain
export function canSetDocumentDomain(input: DocumentDomainInput): DocumentDomainVerdict {
  // 1. If this's browsing context is null, then throw a "SecurityError" DOMException.
  if (input.hasBrowsingContext === false) return { works: 'throws', step: 1, reason: 'no-browsing-context' };
  // 2. If this's active sandboxing flag set has its sandboxed document.domain browsing context flag set, then
  //    throw a "SecurityError" DOMException.
  if (input.sandboxedDocumentDomainFlag) return { works: 'throws', step: 2, reason: 'sandboxed' };
  // 3. If this is not allowed to use the "document-domain" feature, then throw a "SecurityError" DOMException.
  // Browser: Chromium removed the document-domain policy-controlled feature (crbug.com/1344527, in favour of
  // origin-keyed agent clusters) and Firefox never shipped it (bugzilla 1498619); the caller says whether it
  // applies.
  if (input.permissionsPolicyAllows === false) return { works: 'throws', step: 3, reason: 'permissions-policy' };
  // 4. Let effectiveDomain be this's origin's effective domain.
  const domain = effectiveDomain(input.origin);
  // 5. If effectiveDomain is null, then throw a "SecurityError" DOMException.
  if (domain === null) return { works: 'throws', step: 5, reason: 'opaque-origin', origin: input.origin };
  // 6. If the given value is not a registrable domain suffix of and is not equal to effectiveDomain, then throw
  //    a "SecurityError" DOMException.
  const value = typeof input.value === 'string' ? input.value : domain;
  const suffixTrace: RegistrableSuffixStep[] = [];
  if (!isARegistrableDomainSuffixOfOrIsEqualTo(value, domain, suffixTrace)) {
    return {
      works: 'throws', step: 6, reason: 'not-a-registrable-domain-suffix', value, effectiveDomain: domain,
      decidedBy: suffixTrace[0] ?? null,
    };
  }
  // 7. If the surrounding agent's agent cluster's is origin-keyed is true, then return.
  //    (A cross-origin isolated agent cluster is origin-keyed.)
  if (input.originKeyed) return { works: 'no-op', step: 7, reason: 'origin-keyed', effectiveDomain: domain, value };
  if (input.crossOriginIsolated) {
    return { works: 'no-op', step: 7, reason: 'cross-origin-isolated', effectiveDomain: domain, value };
  }
  // 8. Set this's origin's domain to the result of parsing the given value.
  const parsed = parseHost(value);
  return { works: 'yes', step: 8, effectiveDomain: domain, value, newDomain: parsed === 'failure' ? value : parsed.host };
}
