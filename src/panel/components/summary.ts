// The Summary section's lines: one per verdict of the frame, worst first. Each line's tone is the
// worst severity among the findings of its area (a verdict without findings is ok or info); the text
// is built from the evaluation, never from a second copy of the core's logic.
import type { FrameEvaluation, PageEvaluation } from '../../shared/evaluate.ts';
import type { FindingId, Severity } from '../../shared/findings/catalog.ts';
import { serializeOrigin } from '../../shared/origin.ts';
import type { SandboxSource } from '../../shared/sandboxing.ts';
import { strings } from '../strings.ts';

export type Tone = Severity | 'ok';
export type SummaryArea = 'load' | 'browser' | 'secure-context' | 'sandbox' | 'isolation' | 'opener' | 'subresources' | 'origin';

export interface SummaryLine {
  area: SummaryArea;
  tone: Tone;
  text: string;
}

/** The findings that speak about each area. */
export const AREA_FINDINGS: Record<SummaryArea, readonly FindingId[]> = {
  load: ['coep-blocked-frame', 'corp-blocked-frame', 'xfo-blocked-frame', 'frame-ancestors-blocked-frame', 'coep-report-only-would-block'],
  browser: ['analysis-differs-from-browser'],
  'secure-context': ['insecure-scheme', 'insecure-ancestor'],
  sandbox: [
    'escapable-sandbox', 'conflicting-top-navigation', 'unknown-sandbox-token', 'engine-specific-sandbox-token', 'sandbox-changed-after-load',
    'popups-inherit-sandbox', 'csp-sandbox-report-only', 'multiple-csp-sandbox', 'sandbox-on-frame-element',
  ],
  isolation: ['policy-header-invalid', 'policy-ignored-insecure-context', 'coop-in-frame', 'isolation-incomplete', 'isolation-permission-missing', 'isolation-permission-chromium-only'],
  opener: ['popup-opener-cut'],
  subresources: ['coep-readiness', 'coep-blocked-subresource', 'coep-report-only-would-block-subresource', 'corp-blocked-subresource'],
  origin: [],
};

const TONE_ORDER: Record<Tone, number> = { error: 0, warning: 1, info: 2, ok: 3 };
const AREA_ORDER: SummaryArea[] = ['load', 'browser', 'secure-context', 'sandbox', 'isolation', 'opener', 'subresources', 'origin'];

function toneOf(e: FrameEvaluation, area: SummaryArea, otherwise: Tone): Tone {
  const ids: readonly string[] = AREA_FINDINGS[area];
  const severities = e.findings.filter((f) => ids.includes(f.id)).map((f) => f.severity);
  return severities.length === 0 ? otherwise : severities.sort((a, b) => TONE_ORDER[a] - TONE_ORDER[b])[0]!;
}

/** Where a frame's active sandboxing flags come from, in words: "the sandbox attribute and CSP". */
export function sandboxOrigins(e: FrameEvaluation): string {
  const kinds: string[] = [];
  const inheritedFrom = new Set<number>();
  const add = (k: string) => {
    if (!kinds.includes(k)) kinds.push(k);
  };
  const visit = (s: SandboxSource) => {
    if (s.kind === 'opener') add(strings.sourceKinds.opener);
    else if (s.frameId !== e.frameId) inheritedFrom.add(s.frameId);
    else add(s.kind === 'attribute' ? strings.sourceKinds.attribute : strings.sourceKinds.csp);
  };
  for (const list of e.sandbox.sources.values()) list.forEach(visit);
  if (inheritedFrom.size > 0) add(strings.sourceKinds.inherited([...inheritedFrom].sort((a, b) => a - b).join(', ')));
  return kinds.join(' and ');
}

/** Why an opaque origin is opaque, in words. */
export function opaqueReasonText(origin: FrameEvaluation['origin']): string {
  if (origin.type !== 'opaque') return '';
  const r = origin.reason;
  const t = strings.opaqueReason;
  switch (r.kind) {
    case 'sandboxed': return t.sandboxed;
    case 'data-url': return t['data-url'];
    case 'invalid-url': return t['invalid-url'](r.url);
    case 'scheme': return t.scheme(r.scheme);
    case 'blob-inner': return t['blob-inner'](r.inner);
    case 'no-creator': return t['no-creator'](r.url);
    case 'file-engine': return t['file-engine'];
  }
}

export function summaryLines(e: FrameEvaluation, openerSurvives: PageEvaluation['openerSurvives'] = null): SummaryLine[] {
  const s = strings.summary;
  const lines: SummaryLine[] = [];
  const add = (area: SummaryArea, otherwise: Tone, text: string) => lines.push({ area, tone: toneOf(e, area, otherwise), text });

  // Whether the document may load here.
  const blockedBy = e.embedding?.blockedBy ?? [];
  if (blockedBy.length > 0) add('load', 'error', s.blockedBy(blockedBy.map((b) => strings.blockedByName[b]).join(' and ')));
  else if (e.load.status === 'blocked') add('load', 'error', s.blockedByBrowser(e.load.error ?? ''));
  else if (e.load.status === 'error') add('load', 'error', s.loadFailed(e.load.error ?? ''));
  else if (e.load.status === 'loading') add('load', 'info', s.loading);
  else if (e.findings.some((f) => f.id === 'coep-report-only-would-block')) add('load', 'info', s.reportOnlyWouldBlock);

  const differs = e.findings.find((f) => f.id === 'analysis-differs-from-browser');
  if (differs) add('browser', 'warning', s.browserDiffers(differs.evidence.map((ev) => ev.label).join(', ')));

  const sc = e.secureContext;
  if (sc.secure) add('secure-context', 'ok', sc.category === 'secure-localhost' ? s.secureLocalhost : s.secure);
  else if (sc.category === 'insecure-ancestor' && sc.brokenBy) add('secure-context', 'warning', s.insecureAncestor(sc.brokenBy.judged));
  else add('secure-context', 'warning', s.insecureScheme(sc.self.judged));

  const active = e.sandbox.active;
  if (active.size === 0) add('sandbox', 'ok', s.notSandboxed);
  else add('sandbox', 'info', s.sandboxed(!active.has('scripts'), active.has('origin'), active.size, sandboxOrigins(e)));

  const i = e.isolation;
  if (i.crossOriginIsolated) add('isolation', 'ok', s.isolated);
  else add('isolation', 'info', s.notIsolated(i.firstFailure ? strings.firstFailingStep[i.firstFailure.id] : '—'));

  if (openerSurvives && e.node.frame.parentFrameId === -1) {
    add('opener', openerSurvives.kept ? 'ok' : 'warning', openerSurvives.kept ? s.openerKept : s.openerCut(openerSurvives.initialCOOP, openerSurvives.responseCOOP));
  }

  const sum = e.subresourceSummary;
  if (sum.requests > 0) {
    const parts: string[] = [];
    const policy = e.policies.embedder;
    if (sum.blockedNow > 0) parts.push(s.blockedNow(sum.blockedNow));
    else if (policy.value === 'unsafe-none' && sum.requireCorpWouldBlock + sum.blockedWithoutCoep > 0) {
      parts.push(s.requireCorpWouldBlock(sum.requireCorpWouldBlock + sum.blockedWithoutCoep));
    }
    if (sum.blockedWithoutCoep > 0) parts.push(s.refusedByCorp(sum.blockedWithoutCoep));
    const ro = e.findings.find((f) => f.id === 'coep-report-only-would-block-subresource');
    if (ro) parts.push(s.reportOnlyWouldBlockSubresources);
    add('subresources', parts.length > 0 ? 'info' : 'ok', parts.length > 0 ? parts.join('; ') : s.subresourcesFine(sum.requests));
  }

  const toTop = e.relation.toTop ? `, ${s.toTop(strings.relation[e.relation.toTop.relation])}` : '';
  if (e.origin.type === 'opaque') {
    const precursor = e.origin.reason.kind === 'sandboxed' && e.precursor.type === 'tuple' ? serializeOrigin(e.precursor) : null;
    add('origin', 'info', `${s.opaqueOrigin(opaqueReasonText(e.origin), precursor)}${toTop}`);
  } else {
    add('origin', 'info', `${s.origin(e.serializedOrigin)}${toTop}`);
  }

  return lines.sort((a, b) => TONE_ORDER[a.tone] - TONE_ORDER[b.tone] || AREA_ORDER.indexOf(a.area) - AREA_ORDER.indexOf(b.area));
}
