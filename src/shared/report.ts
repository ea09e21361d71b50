// The report: one page's evaluation as plain, stable JSON (schema/report.schema.json). The panel's
// export and the `frame-security audit` CLI both build it here, from the same evaluation, so the two
// always agree. Pure: an evaluation and a little metadata in, JSON-ready data out.
import type { FrameEvaluation, PageEvaluation } from './evaluate.ts';
import { byWorstFirst, type Severity } from './findings/catalog.ts';
import { describeSource } from './findings/describe.ts';
import { frameLabel } from './frame-tree.ts';
import { serializeOrigin, type OpaqueReason } from './origin.ts';
import type { SandboxFlag, SandboxSource } from './sandboxing.ts';
import type { PageRecord } from './snapshot.ts';
import type { PolicyOutcome, SubresourceVerdict } from './subresources.ts';

/** Bumped when a field changes meaning or goes away; new optional fields do not bump it. */
export const REPORT_SCHEMA_VERSION = 1;

export type Relation = 'same-origin' | 'same-site' | 'cross-site';

export interface ReportFinding {
  id: string;
  severity: Severity;
  explanation: string;
  evidence: { label: string; value: string }[];
  step: string;
  fix: string;
  spec: string[];
}

export interface ReportPolicy {
  value: string;
  reportTo: string | null;
  reportOnly: string;
  reportOnlyReportTo: string | null;
}

export interface ReportSubresource {
  url: string;
  type: string;
  method: string;
  /** Identical requests folded into this one. */
  count: number;
  mode: string;
  modeFrom: 'sec-fetch-mode' | 'type';
  /** What the browser reported: complete, error (with the error) or pending. */
  state: string;
  error: string | null;
  /** Each response URL, redirects first. */
  responses: { url: string; status: number; corp: string | null }[];
  /** What the document's enforced policy does, require-corp, credentialless, and the report-only policy. */
  now: ReportOutcome;
  requireCorp: ReportOutcome;
  credentialless: ReportOutcome;
  reportOnly: ReportOutcome | null;
  fix: string | null;
}

export type ReportOutcome =
  | { result: 'loads'; why: string; withoutCredentials?: number[]; sentCookiesToday?: boolean }
  | { result: 'blocked'; response: number; url: string; corp: string | null; step: string; defaulted: boolean }
  | { result: 'unknown'; why: string };

export interface ReportFrame {
  frameId: number;
  parentFrameId: number;
  url: string;
  /** `iframe#id`, `iframe[name=…]` or null. */
  label: string | null;
  ownerElement: {
    tag: 'iframe' | 'frame';
    id: string | null;
    name: string | null;
    src: string | null;
    srcdoc: boolean;
    sandbox: string | null;
    allow: string | null;
    credentialless: boolean;
  } | null;
  /** Serialized; "null" when opaque. */
  origin: string;
  /** Why the origin is opaque, null for a tuple origin. */
  opaqueReason: string | null;
  /** The origin the document would have without its sandbox (serialized). */
  precursorOrigin: string;
  relation: { toTop: Relation | null; toParent: Relation | null };
  secureContext: {
    value: boolean;
    /** Chromium's categories: secure, secure-localhost, insecure-scheme, insecure-ancestor. */
    reason: string;
    /** The rule that decided for the document's own origin. */
    step: string;
    brokenBy: { frameId: number; url: string; origin: string } | null;
  };
  crossOriginIsolated: {
    value: boolean;
    /** The first failing step of the checklist, null when isolated. */
    reason: string | null;
    detail: string | null;
    fix: string | null;
    contextType: string;
  };
  sandbox: {
    /** The active sandboxing flags, by their HTML names in kebab case. */
    flags: SandboxFlag[];
    /** For each active flag, where it came from, in words. */
    sources: Partial<Record<SandboxFlag, string[]>>;
    attribute: string | null;
    csp: string[];
  };
  policies: {
    coop: ReportPolicy | null;
    coep: ReportPolicy & { inherited: boolean };
    corp: string | null;
    originAgentCluster: boolean | null;
    originKeyed: boolean;
    documentDomain: string;
    problems: { header: string; raw: string; reason: string }[];
  };
  loadStatus: 'loaded' | 'blocked' | 'error' | 'loading';
  blockedBy: string[];
  error: string | null;
  observed: { origin: string; isSecureContext: boolean; crossOriginIsolated: boolean; originAgentCluster: boolean | null } | null;
  subresources: {
    summary: { requests: number; requireCorpWouldBlock: number; credentiallessWithoutCredentials: number; blockedWithoutCoep: number; unknown: number; blockedNow: number };
    requests: ReportSubresource[];
  };
  findings: ReportFinding[];
}

export interface ReportPopup {
  tabId: number;
  url: string;
  /** Whether the popup and its opener can still reach each other (window.opener), as predicted. */
  openerKept: boolean | null;
  /** The COOP rule that decided. */
  step: string | null;
}

export interface Report {
  schemaVersion: number;
  tool: { name: string; version: string };
  browser: { name: string; version: string };
  url: string;
  generatedAt: string;
  engine: string;
  /** For a popup: the frame that opened this page, and whether the opener link survived. */
  openedBy: { tabId: number; frameId: number; url: string; openerKept: boolean | null; step: string | null } | null;
  frames: ReportFrame[];
  popups: ReportPopup[];
  /** What the recording caps left out. */
  dropped: { frames: number; subresources: number };
  summary: {
    frames: number;
    findings: Record<Severity, number>;
    notSecure: number;
    crossOriginIsolated: number;
    sandboxed: number;
    opaque: number;
    blocked: number;
    /** Distinct subresource requests require-corp would block (refused by their own CORP included). */
    requireCorpWouldBlock: number;
  };
}

export interface ReportMeta {
  tool: { name: string; version: string };
  browser: { name: string; version: string };
  /** ISO 8601; the caller's clock (the core has none). */
  generatedAt: string;
}

const OPAQUE_REASONS: Record<OpaqueReason['kind'], string> = {
  'invalid-url': 'the URL does not parse',
  scheme: 'a URL scheme with no tuple origin',
  'data-url': 'a data: URL',
  'blob-inner': 'a blob: URL whose inner URL has no tuple origin',
  sandboxed: 'sandboxed without allow-same-origin',
  'no-creator': 'about:blank or srcdoc without a creator document',
  'file-engine': 'a file: URL (opaque in this engine)',
};

const policy = (p: { value: string; reportingEndpoint: string | null; reportOnlyValue: string; reportOnlyReportingEndpoint: string | null }): ReportPolicy => ({
  value: p.value, reportTo: p.reportingEndpoint, reportOnly: p.reportOnlyValue, reportOnlyReportTo: p.reportOnlyReportingEndpoint,
});

function outcome(o: PolicyOutcome): ReportOutcome {
  if (o.result === 'blocked') {
    return { result: 'blocked', response: o.hop, url: o.url, corp: o.corpHeader, step: o.corp.step, defaulted: o.corp.defaulted };
  }
  if (o.result === 'unknown') return { result: 'unknown', why: o.why };
  return {
    result: 'loads', why: o.why,
    ...(o.hopsWithoutCredentials ? { withoutCredentials: [...o.hopsWithoutCredentials] } : {}),
    ...(o.sentCookiesToday ? { sentCookiesToday: true } : {}),
  };
}

function subresource(v: SubresourceVerdict): ReportSubresource {
  const r = v.record;
  return {
    url: r.url, type: r.type, method: r.method, count: v.requestIds.length,
    mode: v.mode.mode, modeFrom: v.mode.from, state: r.state, error: r.error ?? null,
    responses: r.responses.map((x) => ({
      url: x.url, status: x.statusCode,
      corp: x.headers.find(([n]) => n.toLowerCase() === 'cross-origin-resource-policy')?.[1] ?? null,
    })),
    now: outcome(v.now), requireCorp: outcome(v.requireCorp), credentialless: outcome(v.credentialless),
    reportOnly: v.reportOnly ? outcome(v.reportOnly) : null, fix: v.fix,
  };
}

/**
 * A flag's sources as the report lists them. Every sandboxed ancestor that sets the flag is a source,
 * so in a chain of n sandboxed frames each report would list n per flag (the whole report n²: 26 MB at
 * 200 deep): the first and the last few are listed, the ones between counted in one entry.
 */
const SOURCES_SHOWN_AT_EACH_END = 4;
function reportedSources(list: readonly SandboxSource[], frameId: number): string[] {
  if (list.length <= 2 * SOURCES_SHOWN_AT_EACH_END + 1) return list.map((s) => describeSource(s, frameId));
  const head = list.slice(0, SOURCES_SHOWN_AT_EACH_END).map((s) => describeSource(s, frameId));
  const tail = list.slice(-SOURCES_SHOWN_AT_EACH_END).map((s) => describeSource(s, frameId));
  return [...head, `… and ${list.length - 2 * SOURCES_SHOWN_AT_EACH_END} more sources in the frames between`, ...tail];
}

export function frameReport(e: FrameEvaluation): ReportFrame {
  const f = e.node.frame;
  const owner = e.node.owner;
  const sc = e.secureContext;
  const broken = sc.brokenBy;
  const first = e.isolation.firstFailure;
  const p = e.policies;
  const sources: Partial<Record<SandboxFlag, string[]>> = {};
  const flags = [...e.sandbox.active].sort();
  for (const flag of flags) sources[flag] = reportedSources(e.sandbox.sources.get(flag) ?? [], e.frameId);
  const dd = e.documentDomain;
  return {
    frameId: f.frameId,
    parentFrameId: f.parentFrameId,
    url: f.url,
    label: frameLabel(e.node),
    ownerElement: owner ? {
      tag: owner.tag, id: owner.id, name: owner.name, src: owner.src, srcdoc: owner.srcdoc,
      sandbox: owner.sandbox, allow: owner.allow, credentialless: owner.credentialless.attribute,
    } : null,
    origin: e.serializedOrigin,
    opaqueReason: e.origin.type === 'opaque' ? OPAQUE_REASONS[e.origin.reason.kind] : null,
    precursorOrigin: serializeOrigin(e.precursor),
    relation: { toTop: e.relation.toTop?.relation ?? null, toParent: e.relation.toParent?.relation ?? null },
    secureContext: {
      value: sc.secure,
      reason: sc.category,
      step: sc.self.step,
      brokenBy: broken ? { frameId: broken.frameId, url: broken.url, origin: broken.judged } : null,
    },
    crossOriginIsolated: {
      value: e.isolation.crossOriginIsolated,
      reason: first?.id ?? null,
      detail: first?.detail ?? null,
      fix: first?.fix ?? null,
      contextType: e.isolation.contextType,
    },
    sandbox: {
      flags,
      sources,
      attribute: e.sandbox.attribute,
      csp: e.sandbox.cspDirectives.enforced.map((d) => `sandbox ${d.value}`.trimEnd()),
    },
    policies: {
      coop: p.opener ? policy(p.opener) : null,
      coep: { ...policy(p.embedder), inherited: p.embedderInherited },
      corp: p.corp,
      originAgentCluster: p.originAgentCluster.header,
      originKeyed: e.originKeyed.keyed,
      documentDomain: dd.works === 'yes' ? 'works' : dd.works === 'no-op' ? `no-op (${dd.reason})` : `throws (${dd.reason})`,
      problems: p.problems.map((x) => ({ header: x.header, raw: x.raw, reason: x.reason })),
    },
    loadStatus: e.load.status,
    blockedBy: e.embedding?.blockedBy ? [...e.embedding.blockedBy] : [],
    error: e.load.error,
    observed: f.observed ? {
      origin: f.observed.origin, isSecureContext: f.observed.isSecureContext,
      crossOriginIsolated: f.observed.crossOriginIsolated, originAgentCluster: f.observed.originAgentCluster,
    } : null,
    subresources: { summary: { ...e.subresourceSummary }, requests: e.subresources.map(subresource) },
    findings: e.findings.map((x) => ({
      id: x.id, severity: x.severity, explanation: x.explanation, evidence: x.evidence.map((ev) => ({ ...ev })),
      step: x.step, fix: x.fix, spec: [...x.spec],
    })),
  };
}

/**
 * The report of one page. `popups` are the records of pages this tab opened (other tabs), each
 * evaluated with the same options by the caller.
 */
export function buildReport(evaluation: PageEvaluation, meta: ReportMeta, popups: readonly PageEvaluation[] = []): Report {
  const page: PageRecord = evaluation.page;
  const frames = evaluation.frames.map(frameReport);
  const findings: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const x of [...evaluation.findings].sort(byWorstFirst)) findings[x.severity] += 1;
  const opener = evaluation.opener;
  const survives = evaluation.openerSurvives;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { ...meta.tool },
    browser: { ...meta.browser },
    url: page.url,
    generatedAt: meta.generatedAt,
    engine: evaluation.engine,
    openedBy: opener ? { tabId: opener.tabId, frameId: opener.frameId, url: opener.url, openerKept: survives?.kept ?? null, step: survives?.step ?? null } : null,
    frames,
    // By tab id, so that every caller (the panel, the CLI) lists them in the same order.
    popups: [...popups].sort((a, b) => a.page.tabId - b.page.tabId)
      .map((p) => ({ tabId: p.page.tabId, url: p.page.url, openerKept: p.openerSurvives?.kept ?? null, step: p.openerSurvives?.step ?? null })),
    dropped: { frames: page.dropped.frames, subresources: page.dropped.subresources ?? 0 },
    summary: {
      frames: frames.length,
      findings,
      notSecure: frames.filter((f) => !f.secureContext.value).length,
      crossOriginIsolated: frames.filter((f) => f.crossOriginIsolated.value).length,
      sandboxed: frames.filter((f) => f.sandbox.flags.length > 0).length,
      opaque: frames.filter((f) => f.origin === 'null').length,
      blocked: frames.filter((f) => f.loadStatus === 'blocked').length,
      requireCorpWouldBlock: evaluation.frames.reduce((n, e) => n + e.subresourceSummary.requireCorpWouldBlock + e.subresourceSummary.blockedWithoutCoep, 0),
    },
  };
}
