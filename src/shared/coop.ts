// Cross-Origin-Opener-Policy: HTML's "obtain an opener policy", and the browsing context group switch
// rules that decide whether a popup and its opener can still reach each other.
import { isCompatibleWithCrossOriginIsolation, obtainAnEmbedderPolicy, type PolicyProblem } from './coep.ts';
import { bareItemKind, getStructuredItem, headerValues, showBareItem } from './headers.ts';
import { isSameOrigin, type Origin } from './origin.ts';
import type { HeaderLine } from './snapshot.ts';

export type OpenerPolicyValue = 'unsafe-none' | 'same-origin-allow-popups' | 'same-origin' | 'same-origin-plus-COEP' | 'noopener-allow-popups';

export interface OpenerPolicy {
  value: OpenerPolicyValue;
  reportingEndpoint: string | null;
  reportOnlyValue: OpenerPolicyValue;
  reportOnlyReportingEndpoint: string | null;
}

export const COOP = 'Cross-Origin-Opener-Policy';
export const COOP_RO = 'Cross-Origin-Opener-Policy-Report-Only';
export const DEFAULT_OPENER_POLICY: OpenerPolicy = { value: 'unsafe-none', reportingEndpoint: null, reportOnlyValue: 'unsafe-none', reportOnlyReportingEndpoint: null };

type Read = { token: string | null; endpoint: string | null; present: boolean };

function readOpenerHeader(headers: readonly HeaderLine[], name: string, known: readonly string[], problems?: PolicyProblem[]): Read {
  const parsed = getStructuredItem(headers, name);
  if (parsed.state === 'absent') return { token: null, endpoint: null, present: false };
  if (parsed.state === 'invalid') {
    problems?.push({ header: name, raw: parsed.raw, reason: `not a valid structured header (${parsed.error}); read as unsafe-none` });
    return { token: null, endpoint: null, present: true };
  }
  const [item, params] = parsed.value;
  const kind = bareItemKind(item);
  const token = kind === 'token' ? String(item) : null;
  if (token === null || !known.includes(token)) {
    const why = kind !== 'token' ? `a ${kind}, not a token` : `not a value of ${name} here (values are case-sensitive)`;
    if (token !== 'unsafe-none') problems?.push({ header: name, raw: parsed.raw, reason: `${showBareItem(item)} is ${why}; read as unsafe-none` });
  }
  const reportTo = params.get('report-to');
  if (reportTo !== undefined && typeof reportTo !== 'string') {
    problems?.push({ header: name, raw: parsed.raw, reason: `report-to is a ${bareItemKind(reportTo)}, not a string: no reports are sent` });
  }
  return { token, endpoint: typeof reportTo === 'string' ? reportTo : null, present: true };
}

// https://html.spec.whatwg.org/#obtain-coop
export function obtainAnOpenerPolicy(headers: readonly HeaderLine[], context: { secureContext: boolean }, problems?: PolicyProblem[]): OpenerPolicy {
  // 1. Let policy be a new opener policy.
  const policy: OpenerPolicy = { ...DEFAULT_OPENER_POLICY };
  // 2. If reservedEnvironment is a non-secure context, then return policy.
  if (!context.secureContext) {
    for (const name of [COOP, COOP_RO]) {
      const raw = headerValues(headers, name);
      if (raw.length > 0) problems?.push({ header: name, raw: raw.join(', '), reason: 'ignored: the document is not a secure context' });
    }
    return policy;
  }
  const coep = obtainAnEmbedderPolicy(headers, context);
  // 3. Let parsedItem be the result of getting a structured field value given `Cross-Origin-Opener-Policy` and "item".
  const enforced = readOpenerHeader(headers, COOP, ['same-origin', 'same-origin-allow-popups', 'noopener-allow-popups', 'unsafe-none'], problems);
  // 4. If parsedItem is not null, then:
  if (enforced.present) {
    // 4.1 If parsedItem[0] is "same-origin": if the coep's value is compatible with cross-origin
    //     isolation, set policy's value to "same-origin-plus-COEP"; otherwise to "same-origin".
    if (enforced.token === 'same-origin') {
      policy.value = isCompatibleWithCrossOriginIsolation(coep.value) ? 'same-origin-plus-COEP' : 'same-origin';
    }
    // 4.2 If parsedItem[0] is "same-origin-allow-popups", then set policy's value to "same-origin-allow-popups".
    if (enforced.token === 'same-origin-allow-popups') policy.value = 'same-origin-allow-popups';
    // 4.3 If parsedItem[0] is "noopener-allow-popups", then set policy's value to "noopener-allow-popups".
    if (enforced.token === 'noopener-allow-popups') policy.value = 'noopener-allow-popups';
    // 4.4 If parsedItem[1]["report-to"] exists and it is a string, set policy's reporting endpoint to it.
    policy.reportingEndpoint = enforced.endpoint;
  }
  // 5. The report-only header: only same-origin and same-origin-allow-popups are mapped (vectors §3.4).
  const reportOnly = readOpenerHeader(headers, COOP_RO, ['same-origin', 'same-origin-allow-popups', 'unsafe-none'], problems);
  if (reportOnly.present) {
    // 5.1 "same-origin": same-origin-plus-COEP if coep's value or its report-only value is compatible.
    if (reportOnly.token === 'same-origin') {
      policy.reportOnlyValue = isCompatibleWithCrossOriginIsolation(coep.value) || isCompatibleWithCrossOriginIsolation(coep.reportOnlyValue)
        ? 'same-origin-plus-COEP' : 'same-origin';
    }
    if (reportOnly.token === 'same-origin-allow-popups') policy.reportOnlyValue = 'same-origin-allow-popups';
    policy.reportOnlyReportingEndpoint = reportOnly.endpoint;
  }
  return policy;
}

// https://html.spec.whatwg.org/#matching-coop
export function matchingCOOP(a: OpenerPolicyValue, aOrigin: Origin, b: OpenerPolicyValue, bOrigin: Origin): boolean {
  // 1. If policyA and policyB are both "unsafe-none", then return true.
  if (a === 'unsafe-none' && b === 'unsafe-none') return true;
  // 2. If policyA or policyB is "unsafe-none", then return false.
  if (a === 'unsafe-none' || b === 'unsafe-none') return false;
  // 3. If policyA and policyB are identical and originA and originB are same origin, then return true.
  return a === b && isSameOrigin(aOrigin, bOrigin);
}

/** Why a navigation does or does not switch browsing context group. */
export type SwitchStep =
  | 'both-unsafe-none'
  | 'popup-of-same-origin-allow-popups'
  | 'matching'
  | 'noopener-allow-popups'
  | 'not-matching';

// https://html.spec.whatwg.org/#check-if-coop-values-require-a-browsing-context-group-switch
export function requiresBrowsingContextGroupSwitch(input: {
  isInitialAboutBlank: boolean;
  activeCOOP: OpenerPolicyValue;
  activeOrigin: Origin;
  responseCOOP: OpenerPolicyValue;
  responseOrigin: Origin;
}, trace?: SwitchStep[]): boolean {
  const { activeCOOP, responseCOOP } = input;
  // 1. If activeDocumentCOOPValue and responseCOOPValue are both "unsafe-none", then return false.
  if (activeCOOP === 'unsafe-none' && responseCOOP === 'unsafe-none') return step(trace, 'both-unsafe-none', false);
  // 2. If activeDocumentCOOPValue is "same-origin-allow-popups" or "noopener-allow-popups" (HTML 2025),
  //    isInitialAboutBlank is true and responseCOOPValue is "unsafe-none", then return false.
  if ((activeCOOP === 'same-origin-allow-popups' || activeCOOP === 'noopener-allow-popups') && input.isInitialAboutBlank && responseCOOP === 'unsafe-none') {
    return step(trace, 'popup-of-same-origin-allow-popups', false);
  }
  // A document with noopener-allow-popups is always put in a new group, even from a same-origin opener.
  if (responseCOOP === 'noopener-allow-popups') return step(trace, 'noopener-allow-popups', true);
  // 3. If matching COOP given activeDocumentCOOPValue, activeDocumentNavigationOrigin, responseCOOPValue
  //    and responseOrigin is true, then return false.
  if (matchingCOOP(activeCOOP, input.activeOrigin, responseCOOP, input.responseOrigin)) return step(trace, 'matching', false);
  // 4. Return true.
  return step(trace, 'not-matching', true);
}

function step(trace: SwitchStep[] | undefined, s: SwitchStep, v: boolean): boolean {
  trace?.push(s);
  return v;
}

