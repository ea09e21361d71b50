// The whole evaluation of a recorded page: each frame's origin, secure context and sandboxing flags,
// derived from the recorded facts only (URLs, the frame elements' attributes, response headers, the
// tree, the opener), and the findings. The panel, the CLI and the tests all call this; nothing else decides.
import { buildFrameTree, flattenFrameTree, type FrameNode } from './frame-tree.ts';
import { determineTheOrigin, serializeOrigin, type Engine, type Origin, type OriginStep } from './origin.ts';
import { canSetDocumentDomain, type DocumentDomainVerdict } from './document-domain.ts';
import { PSL_METADATA, relationOf, type OriginRelation } from './site.ts';
import { determineSandboxingFlags, type SandboxEvaluation, type SandboxSources } from './sandboxing.ts';
import {
  isASecureContext,
  parseTrustworthyOrigins,
  type ContextDocument,
  type SecureContextVerdict,
  type TrustworthyOriginPattern,
} from './secure-context.ts';
import { byWorstFirst, type Finding } from './findings/catalog.ts';
import { RULES } from './findings/rules.ts';
import type { EmbedElement, FrameRecord, PageRecord } from './snapshot.ts';

/** The frame's sandbox: what applies to its current document, and how the attribute got there. */
export interface FrameSandbox extends SandboxEvaluation {
  /** The element's sandbox attribute now (it may differ from the one in effect). */
  attributeNow: string | null;
  /** The attribute changed after this document committed: it applies only from the next navigation. */
  changedAfterLoad: { inEffect: string | null; now: string | null; changedAt: number } | null;
  /** A sandbox attribute on a <frame> element, which has none: ignored. */
  ignoredOnFrameElement: string | null;
}

export interface FrameEvaluation {
  frameId: number;
  node: FrameNode;
  sandbox: FrameSandbox;
  origin: Origin;
  serializedOrigin: string;
  originSteps: OriginStep[];
  /** The origin the document would have without the sandbox (its creation URL's, or its creator's). */
  precursor: Origin;
  /** The frame's origin compared with the top frame's and its parent's (null for the top frame). */
  relation: { toTop: OriginRelation | null; toParent: OriginRelation | null };
  /**
   * Whether `document.domain = document.domain` works here. Whether the agent cluster is origin-keyed
   * is taken from what the browser reported in the frame (window.originAgentCluster) until the
   * isolation analysis predicts it from the Origin-Agent-Cluster header; unknown counts as not keyed.
   */
  documentDomain: DocumentDomainVerdict;
  secureContext: SecureContextVerdict;
  /** What the analysis predicts the frame shows: page scripts run; `self.origin` is "null". */
  predicted: { scriptsRun: boolean; originOpaque: boolean };
  /** Worst first. */
  findings: Finding[];
}

export interface EvaluateOptions {
  engine?: Engine;
  /** Origins the user treats as potentially trustworthy (the extension's setting). */
  trustworthyOrigins?: readonly string[];
}

export interface PageEvaluation {
  /** The data the analysis depends on, so a user can tell why a brand-new suffix is not known. */
  metadata: { psl: typeof PSL_METADATA };
  page: PageRecord;
  engine: Engine;
  settings: { trustworthyOrigins: TrustworthyOriginPattern[]; errors: { source: string; error: string }[] };
  /** For a popup: the frame that opened it and that frame's active sandboxing flags. */
  opener: { tabId: number; frameId: number; url: string; sandbox: SandboxSources; origin: Origin } | null;
  frames: FrameEvaluation[];
  byFrameId: Map<number, FrameEvaluation>;
  /** Every frame's findings, worst first. */
  findings: Finding[];
}

const opaqueKey = (page: PageRecord, f: FrameRecord) => `opaque:${page.pageId}:${f.frameId}:${f.documentId ?? ''}`;

/**
 * The sandbox attribute in effect for the frame's current document: its value when the document
 * committed. Browser: Chromium reads the frame's pending sandbox flags when the navigation is ready to
 * commit (HTML: when it starts); the two differ only for a change while the document was being fetched.
 */
function attributeInEffect(owner: EmbedElement, f: FrameRecord): { value: string | null; changedAt: number | null } {
  const at = f.committedAt;
  if (at === undefined || !owner.sandboxHistory) return { value: owner.sandbox, changedAt: null };
  const replaced = owner.sandboxHistory.find((h) => h.until > at);
  return replaced ? { value: replaced.value, changedAt: replaced.until } : { value: owner.sandbox, changedAt: null };
}

function frameSandbox(node: FrameNode, parent: FrameEvaluation | undefined, opener: PageEvaluation['opener'], engine: Engine): FrameSandbox {
  const owner = node.owner;
  let inEffect: string | null = null;
  let changedAfterLoad: FrameSandbox['changedAfterLoad'] = null;
  let ignoredOnFrameElement: string | null = null;
  if (owner?.tag === 'frame') {
    ignoredOnFrameElement = owner.sandbox;
  } else if (owner) {
    const e = attributeInEffect(owner, node.frame);
    inEffect = e.value;
    if (e.changedAt !== null && e.value !== owner.sandbox) changedAfterLoad = { inEffect: e.value, now: owner.sandbox, changedAt: e.changedAt };
  }
  const isTop = node.frame.parentFrameId === -1 && !node.orphan;
  const evaluation = determineSandboxingFlags({
    frameId: node.frame.frameId,
    attribute: inEffect === null || !owner ? null : { value: inEffect, element: { tag: owner.tag, index: owner.index, id: owner.id, name: owner.name } },
    parent: parent?.sandbox.sources ?? null,
    opener: isTop && opener ? { tabId: opener.tabId, frameId: opener.frameId, url: opener.url, flags: opener.sandbox } : null,
    headers: node.frame.response?.headers ?? [],
    engine,
  });
  return { ...evaluation, attributeNow: owner?.sandbox ?? null, changedAfterLoad, ignoredOnFrameElement };
}

/** The popup's opener frame, evaluated from the chain of records copied when the popup opened. */
function evaluateOpener(page: PageRecord, options: EvaluateOptions): PageEvaluation['opener'] {
  const o = page.openedBy;
  if (!o || o.chain.length === 0) return null;
  const frames: Record<string, FrameRecord> = {};
  for (const f of o.chain) frames[String(f.frameId)] = f;
  const chainPage: PageRecord = { pageId: `opener:${page.pageId}`, tabId: o.tabId, url: o.chain[0]!.url, startedAt: o.at, lifecycle: 'inactive', frames, dropped: { frames: 0 } };
  const e = evaluatePage(chainPage, options).byFrameId.get(o.frameId);
  return e ? { tabId: o.tabId, frameId: o.frameId, url: o.url, sandbox: e.sandbox.sources, origin: e.origin } : null;
}

const isSrcdoc = (url: string) => /^about:srcdoc(?:[?#]|$)/i.test(url);

export function evaluatePage(page: PageRecord, options: EvaluateOptions = {}): PageEvaluation {
  const engine = options.engine ?? 'chromium';
  const parsed = parseTrustworthyOrigins(options.trustworthyOrigins ?? []);
  const settings = { trustworthyOrigins: parsed.patterns, errors: parsed.errors };
  const opener = evaluateOpener(page, options);
  const frames: FrameEvaluation[] = [];
  const byFrameId = new Map<number, FrameEvaluation>();
  const result: PageEvaluation = { metadata: { psl: PSL_METADATA }, page, engine, settings, opener, frames, byFrameId, findings: [] };
  const contextDocs = new Map<number, ContextDocument>();
  // Depth-first from the top: every parent is evaluated before its children.
  for (const node of flattenFrameTree(buildFrameTree(page))) {
    const f = node.frame;
    const parent = node.orphan ? undefined : byFrameId.get(f.parentFrameId);
    const sandbox = frameSandbox(node, parent, opener, engine);
    const originSteps: OriginStep[] = [];
    const key = opaqueKey(page, f);
    // about:blank and about:srcdoc documents take their creator's origin: for a frame, its parent;
    // for a popup, its opener.
    const creatorOrigin = parent?.origin ?? (f.parentFrameId === -1 ? opener?.origin ?? null : null);
    const originInput = { url: f.url, sourceOrigin: creatorOrigin, engine, key };
    const origin = determineTheOrigin({ ...originInput, sandboxedOrigin: sandbox.active.has('origin') }, originSteps);
    const precursor = origin.type === 'opaque' && origin.reason.kind === 'sandboxed' ? origin.reason.precursor
      : determineTheOrigin({ ...originInput, sandboxedOrigin: false });
    const top = node.orphan ? undefined : frames[0]; // the top frame comes first; it has no relation itself
    const relation = {
      toTop: top ? relationOf(origin, top.origin) : null,
      toParent: parent ? relationOf(origin, parent.origin) : null,
    };
    const documentDomain = canSetDocumentDomain({
      origin,
      sandboxedDocumentDomainFlag: sandbox.active.has('document-domain'),
      originKeyed: f.observed?.originAgentCluster === true,
      crossOriginIsolated: f.observed?.crossOriginIsolated === true,
    });
    // The secure-context chain: this document, then its ancestors up to the top-level document.
    const doc: ContextDocument = {
      frameId: f.frameId, url: f.url, origin, srcdoc: isSrcdoc(f.url), sandboxedOrigin: sandbox.active.has('origin'),
      // A data: document's creator is, for a frame, its parent (the usual case; the browser does not say).
      precursor: origin.type === 'opaque' && origin.reason.kind === 'data-url' ? creatorOrigin : precursor,
    };
    contextDocs.set(f.frameId, doc);
    const chain: ContextDocument[] = [doc];
    for (let p = parent; p; p = p.node.orphan ? undefined : byFrameId.get(p.node.frame.parentFrameId)) {
      const d = contextDocs.get(p.frameId);
      if (!d || chain.includes(d)) break;
      chain.push(d);
    }
    const secureContext = isASecureContext(chain, { engine, trustworthyOrigins: settings.trustworthyOrigins });
    const e: FrameEvaluation = {
      frameId: f.frameId, node, sandbox, origin, serializedOrigin: serializeOrigin(origin), originSteps, precursor, relation, documentDomain,
      secureContext,
      predicted: { scriptsRun: !sandbox.active.has('scripts'), originOpaque: origin.type === 'opaque' },
      findings: [],
    };
    frames.push(e);
    byFrameId.set(f.frameId, e);
  }
  for (const e of frames) {
    const parent = e.node.orphan ? undefined : byFrameId.get(e.node.frame.parentFrameId);
    e.findings = RULES.flatMap((rule) => rule(e, { page: result, parent })).sort(byWorstFirst);
    result.findings.push(...e.findings);
  }
  result.findings.sort(byWorstFirst);
  return result;
}
