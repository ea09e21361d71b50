// Cross-Origin-Embedder-Policy: HTML's "obtain an embedder policy", with every header that was present
// but not used reported as a problem (quoting the value and saying how it was read).
import { bareItemKind, getStructuredItem, headerLines, showBareItem } from './headers.ts';
import type { HeaderLine } from './snapshot.ts';

export type EmbedderPolicyValue = 'unsafe-none' | 'require-corp' | 'credentialless';

export interface EmbedderPolicy {
  value: EmbedderPolicyValue;
  reportingEndpoint: string | null;
  reportOnlyValue: EmbedderPolicyValue;
  reportOnlyReportingEndpoint: string | null;
}

/** A policy header that was present but did not apply as written. */
export interface PolicyProblem {
  header: string;
  raw: string;
  /** How it was read, in a sentence. */
  reason: string;
}

export const COEP = 'Cross-Origin-Embedder-Policy';
export const COEP_RO = 'Cross-Origin-Embedder-Policy-Report-Only';

// https://html.spec.whatwg.org/#compatible-with-cross-origin-isolation
export const isCompatibleWithCrossOriginIsolation = (v: EmbedderPolicyValue) => v === 'credentialless' || v === 'require-corp';

const NO_VALUE: { value: null; endpoint: null } = Object.freeze({ value: null, endpoint: null });

/** Reads one COEP header: its value (null when it fails) and endpoint, with problems noted. */
function readEmbedderHeader(headers: readonly HeaderLine[], name: string, problems?: PolicyProblem[]): { value: EmbedderPolicyValue | null; endpoint: string | null } {
  const parsed = getStructuredItem(headers, name);
  if (parsed.state === 'absent') return NO_VALUE;
  if (parsed.state === 'invalid') {
    problems?.push({ header: name, raw: parsed.raw, reason: `not a valid structured header (${parsed.error}); read as unsafe-none` });
    return NO_VALUE;
  }
  const [item, params] = parsed.value;
  // 4. If parsedItem is non-null and parsedItem[0] is "credentialless" or "require-corp" (a token):
  const kind = bareItemKind(item);
  const token = kind === 'token' ? String(item) : null;
  if (token !== 'require-corp' && token !== 'credentialless') {
    const why = kind !== 'token' ? `a ${kind}, not a token` : token === 'unsafe-none' ? 'the default' : 'not a COEP value (values are case-sensitive)';
    if (token !== 'unsafe-none') problems?.push({ header: name, raw: parsed.raw, reason: `${showBareItem(item)} is ${why}; read as unsafe-none` });
    return NO_VALUE;
  }
  // Set the endpoint to parsedItem[1]["report-to"] if it exists and is a string (vectors §3.2, decision 5).
  const reportTo = params.get('report-to');
  if (reportTo !== undefined && typeof reportTo !== 'string') {
    problems?.push({ header: name, raw: parsed.raw, reason: `report-to is a ${bareItemKind(reportTo)}, not a string: no reports are sent (write report-to="${String(reportTo)}")` });
  }
  return { value: token, endpoint: typeof reportTo === 'string' ? reportTo : null };
}

// https://html.spec.whatwg.org/#obtain-an-embedder-policy
export function obtainAnEmbedderPolicy(headers: readonly HeaderLine[], context: { secureContext: boolean }, problems?: PolicyProblem[]): EmbedderPolicy {
  // 1. Let policy be a new embedder policy.
  const policy: EmbedderPolicy = { value: 'unsafe-none', reportingEndpoint: null, reportOnlyValue: 'unsafe-none', reportOnlyReportingEndpoint: null };
  // 2. If environment is a non-secure context, then return policy.
  if (!context.secureContext) {
    for (const name of [COEP, COEP_RO]) {
      const raw = headerLines(headers, name);
      if (raw !== null) problems?.push({ header: name, raw, reason: 'ignored: the document is not a secure context' });
    }
    return policy;
  }
  // 3–4. The enforced header.
  const enforced = readEmbedderHeader(headers, COEP, problems);
  if (enforced.value) {
    policy.value = enforced.value;
    policy.reportingEndpoint = enforced.endpoint;
  }
  // 5–6. The report-only header (its endpoint is the report-only reporting endpoint; vectors §3.3).
  const reportOnly = readEmbedderHeader(headers, COEP_RO, problems);
  if (reportOnly.value) {
    policy.reportOnlyValue = reportOnly.value;
    policy.reportOnlyReportingEndpoint = reportOnly.endpoint;
  }
  return policy;
}

