// Cross-origin isolation of each frame, as a first-failing-step checklist: the top-level document's
// COOP and COEP make the browsing context group isolated; the `cross-origin-isolated` permission must
// then reach the frame. Also what isolation gates, and the agent cluster keying.
import { COEP, COEP_RO, isCompatibleWithCrossOriginIsolation, obtainAnEmbedderPolicy, type EmbedderPolicy, type PolicyProblem } from './coep.ts';
import { COOP, COOP_RO, DEFAULT_OPENER_POLICY, obtainAnOpenerPolicy, type OpenerPolicy } from './coop.ts';
import { getStructuredItem, headerLines, headerValues } from './headers.ts';
import type { Engine } from './origin.ts';
import type { FeatureStep, InheritStep } from './permissions-policy.ts';
import type { HeaderLine } from './snapshot.ts';

/** What cross-origin isolation unlocks (HTML's cross-origin isolated capability). */
export const ISOLATION_GATED_APIS = [
  { api: 'SharedArrayBuffer', what: 'the SharedArrayBuffer constructor, and sending one with postMessage' },
  { api: 'performance.measureUserAgentSpecificMemory()', what: 'memory measurement of the page' },
  { api: 'performance.now() / timers', what: 'timers at 5 µs instead of 100 µs resolution' },
  { api: 'WebAssembly threads', what: 'shared WebAssembly.Memory (threads)' },
] as const;

/** CDP's Page.CrossOriginIsolatedContextType, in our words. */
export type IsolationContextType = 'isolated' | 'not-isolated' | 'not-isolated-feature-disabled';

export interface ChecklistStep {
  id: 'secure-context' | 'coop' | 'coep' | 'group-isolated' | 'permission';
  ok: boolean;
  /** What was found, in a sentence. */
  detail: string;
  /** The header or attribute change that would make this step pass (when it fails). */
  fix?: string;
}

export interface FramePolicies {
  /** The document's embedder policy (inherited for about:blank, srcdoc and data: documents). */
  embedder: EmbedderPolicy;
  embedderInherited: boolean;
  /** Only for top-level documents. */
  opener: OpenerPolicy | null;
  corp: string | null;
  originAgentCluster: { header: boolean | null; raw: string | null };
  problems: PolicyProblem[];
}

const COOP_HEADERS = [COOP, COOP_RO] as const;
const NO_ORIGIN_AGENT_CLUSTER: FramePolicies['originAgentCluster'] = Object.freeze({ header: null, raw: null });

/** The policies a document's response declares, as its context reads them. */
export function readPolicies(headers: readonly HeaderLine[] | null, context: { secureContext: boolean; topLevel: boolean; inheritedEmbedder: EmbedderPolicy | null }): FramePolicies {
  const problems: PolicyProblem[] = [];
  const inherit = headers === null && context.inheritedEmbedder !== null;
  const embedder = inherit ? context.inheritedEmbedder! : obtainAnEmbedderPolicy(headers ?? [], context, problems);
  const opener = context.topLevel ? (headers ? obtainAnOpenerPolicy(headers, context, problems) : { ...DEFAULT_OPENER_POLICY }) : null;
  if (!context.topLevel && headers) {
    for (const name of COOP_HEADERS) {
      const raw = headerLines(headers, name);
      if (raw !== null) problems.push({ header: name, raw, reason: 'ignored: COOP applies to top-level documents only (a popup or a new tab), not to frames' });
    }
  }
  const oac = headers ? getStructuredItem(headers, 'Origin-Agent-Cluster') : null;
  let header: boolean | null = null;
  if (oac?.state === 'parsed') {
    if (typeof oac.value[0] === 'boolean') header = oac.value[0];
    else problems.push({ header: 'Origin-Agent-Cluster', raw: oac.raw, reason: 'not a structured boolean (?1 or ?0); ignored' });
  } else if (oac?.state === 'invalid') {
    problems.push({ header: 'Origin-Agent-Cluster', raw: oac.raw, reason: `not a valid structured header (${oac.error}); ignored` });
  }
  return {
    embedder,
    embedderInherited: inherit,
    opener,
    corp: headers ? headerLines(headers, 'Cross-Origin-Resource-Policy') : null,
    originAgentCluster: !oac || oac.state === 'absent' ? NO_ORIGIN_AGENT_CLUSTER : { header, raw: oac.raw },
    problems,
  };
}

/** The top-level checklist: secure context, COOP, COEP (with report-only and problems said). */
export function topLevelChecklist(policies: FramePolicies, headers: readonly HeaderLine[], secureContext: boolean): ChecklistStep[] {
  const steps: ChecklistStep[] = [];
  const problem = (name: string) => policies.problems.find((p) => p.header === name);
  steps.push({
    id: 'secure-context',
    ok: secureContext,
    detail: secureContext ? 'The top-level document is a secure context.' : 'The top-level document is not a secure context, so COOP and COEP are ignored.',
    ...(secureContext ? {} : { fix: 'Serve the page over HTTPS (or localhost).' }),
  });
  const coop = policies.opener ?? DEFAULT_OPENER_POLICY;
  const coopOk = coop.value === 'same-origin-plus-COEP' || coop.value === 'same-origin';
  const coopRaw = headerValues(headers, COOP).join(', ');
  steps.push({
    id: 'coop',
    ok: secureContext && coopOk,
    detail: !secureContext ? 'Cross-Origin-Opener-Policy is ignored here.'
      : coopOk ? `Cross-Origin-Opener-Policy: ${coopRaw} (same-origin).`
      : problem(COOP) ? `Cross-Origin-Opener-Policy: ${problem(COOP)!.raw} — ${problem(COOP)!.reason}.`
      : coopRaw ? `Cross-Origin-Opener-Policy is ${coop.value}; isolation needs same-origin.`
      : coop.reportOnlyValue !== 'unsafe-none' ? `Only Cross-Origin-Opener-Policy-Report-Only (${coop.reportOnlyValue}) is set: it reports, it does not isolate.`
      : 'No Cross-Origin-Opener-Policy header.',
    ...(secureContext && !coopOk ? { fix: 'Cross-Origin-Opener-Policy: same-origin' } : {}),
  });
  const coepOk = isCompatibleWithCrossOriginIsolation(policies.embedder.value);
  const coepRaw = headerValues(headers, COEP).join(', ');
  steps.push({
    id: 'coep',
    ok: secureContext && coepOk,
    detail: !secureContext ? 'Cross-Origin-Embedder-Policy is ignored here.'
      : coepOk ? `Cross-Origin-Embedder-Policy: ${coepRaw} (${policies.embedder.value}).`
      : problem(COEP) ? `Cross-Origin-Embedder-Policy: ${problem(COEP)!.raw} — ${problem(COEP)!.reason}.`
      : policies.embedder.reportOnlyValue !== 'unsafe-none' ? `Only ${COEP_RO} (${policies.embedder.reportOnlyValue}) is set: it reports, it does not isolate.`
      : 'No Cross-Origin-Embedder-Policy header.',
    ...(secureContext && !coepOk ? { fix: 'Cross-Origin-Embedder-Policy: require-corp (or credentialless)' } : {}),
  });
  return steps;
}

export interface IsolationVerdict {
  /** The browsing context group's cross-origin isolation mode is "concrete". */
  groupIsolated: boolean;
  /** The `cross-origin-isolated` permission step passes in this engine (see permissionEnforced). */
  permission: boolean;
  /** What Permissions Policy says: the `cross-origin-isolated` feature is enabled for this document. */
  policyPermission: boolean;
  /** False in Firefox, which does not enforce the permission: `permission` is then true whatever the policy says. */
  permissionEnforced: boolean;
  /** The change that would enable the permission, when the policy does not (for engines that enforce it). */
  permissionFix?: string;
  permissionSteps: { inherited: InheritStep[]; feature: FeatureStep[] };
  crossOriginIsolated: boolean;
  contextType: IsolationContextType;
  checklist: ChecklistStep[];
  firstFailure: ChecklistStep | null;
}

/** Whether the agent cluster is origin-keyed, predicted (HTML "obtain a similar-origin window agent"). */
export function predictOriginKeyed(input: { groupIsolated: boolean; header: boolean | null; engine: Engine; trustworthyOrigin: boolean; opaque: boolean }): { keyed: boolean; why: string } {
  // An opaque origin's site is the origin itself, so its agent cluster is keyed by origin.
  if (input.opaque) return KEYED.opaque;
  // Cross-origin isolated groups are always origin-keyed.
  if (input.groupIsolated) return KEYED.isolated;
  // Browser: Chromium honours the header, and keys by origin by default, only for documents whose own
  // origin is potentially trustworthy: the fixture's http pages report originAgentCluster false, an
  // https frame inside them true.
  if (!input.trustworthyOrigin) return KEYED.notTrustworthy;
  if (input.header === true) return KEYED.headerOn;
  if (input.header === false) return KEYED.headerOff;
  // Browser: Chromium keys agent clusters by origin by default (since Chromium 138); Firefox by site.
  return input.engine === 'chromium' ? KEYED.chromiumDefault : KEYED.firefoxDefault;
}

/** The predictions, one frozen object each, shared by every frame that gets it. */
const KEYED = {
  opaque: Object.freeze({ keyed: true, why: 'an opaque origin is its own site: the agent cluster is keyed by it' }),
  isolated: Object.freeze({ keyed: true, why: 'the browsing context group is cross-origin isolated' }),
  notTrustworthy: Object.freeze({ keyed: false, why: 'the document\'s origin is not potentially trustworthy: its agent cluster is keyed by site' }),
  headerOn: Object.freeze({ keyed: true, why: 'Origin-Agent-Cluster: ?1' }),
  headerOff: Object.freeze({ keyed: false, why: 'Origin-Agent-Cluster: ?0' }),
  chromiumDefault: Object.freeze({ keyed: true, why: 'Chromium keys agent clusters by origin unless Origin-Agent-Cluster: ?0' }),
  firefoxDefault: Object.freeze({ keyed: false, why: 'Firefox keys agent clusters by site unless Origin-Agent-Cluster: ?1' }),
} as const;

export { getStructuredItem };
