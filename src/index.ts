// The library: the core of Frame Security as an ESM package (`import { evaluatePage } from
// "frame-security"`). Evaluate a recorded snapshot — the extension's record, the CLI's, or one a test
// builds — into the same verdicts, findings and report the panel and the CLI show.
export { evaluatePage, type EvaluateOptions, type FrameEvaluation, type PageEvaluation } from './shared/evaluate.ts';
export { buildReport, frameReport, REPORT_SCHEMA_VERSION, type Report, type ReportFrame, type ReportMeta } from './shared/report.ts';
export { reportToMarkdown } from './shared/report-markdown.ts';
export { FINDINGS, type Finding, type FindingId, type Severity } from './shared/findings/catalog.ts';
export type * from './shared/snapshot.ts';
// The spec algorithms, named after the specs.
export { determineTheOrigin, isSameOrigin, isSameOriginDomain, originOfURL, serializeOrigin, type Origin } from './shared/origin.ts';
export { isSameSite, isSchemelesslySameSite, obtainASite, registrableDomain, relationOf } from './shared/site.ts';
export { isASecureContext, isOriginPotentiallyTrustworthy, isURLPotentiallyTrustworthy, SECURE_CONTEXT_FEATURES } from './shared/secure-context.ts';
export { cspDerivedSandboxingFlags, determineSandboxingFlags, parseASandboxingDirective, SANDBOX_FLAG_INFO, SANDBOX_FLAGS, type SandboxFlag } from './shared/sandboxing.ts';
export { obtainAnOpenerPolicy, requiresBrowsingContextGroupSwitch } from './shared/coop.ts';
export { obtainAnEmbedderPolicy } from './shared/coep.ts';
export { canSetDocumentDomain } from './shared/document-domain.ts';
export { checkEmbedding, checkFrameAncestors, checkXFrameOptions, crossOriginResourcePolicyInternalCheck } from './shared/framing.ts';
export { parsePermissionsPolicyHeader } from './shared/permissions-policy.ts';
export { evaluateSubresource, outcomeUnder } from './shared/subresources.ts';
