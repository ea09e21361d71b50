// The whole evaluation of a recorded page: each frame's origin, secure context and sandboxing flags,
// derived from the recorded facts only (URLs, the frame elements' attributes, response headers, the
// tree, the opener), and the findings. The panel, the CLI and the tests all call this; nothing else decides.
import { buildFrameTree, flattenFrameTree, type FrameNode } from './frame-tree.ts';
import { isBlockedByResponse } from './load-errors.ts';
import { determineTheOrigin, serializeOrigin, type Engine, type Origin, type OriginStep } from './origin.ts';
import { canSetDocumentDomain, type DocumentDomainVerdict } from './document-domain.ts';
import { isSharedRelation, PSL_METADATA, relationOf, type OriginRelation } from './site.ts';
import { determineSandboxingFlags, type SandboxEvaluation, type SandboxSources } from './sandboxing.ts';
import {
  isASecureContext,
  parseTrustworthyOrigins,
  type ContextDocument,
  type JudgedDocument,
  type SecureContextVerdict,
  type TrustworthyOriginPattern,
} from './secure-context.ts';
import { byWorstFirst, sortWorstFirst, type Finding } from './findings/catalog.ts';
import type { EmbedderPolicy } from './coep.ts';
import { requiresBrowsingContextGroupSwitch, type OpenerPolicyValue, type SwitchStep } from './coop.ts';
import { checkEmbedding, engineEmbeddingInputs, type EmbeddingVerdict } from './framing.ts';
import {
  predictOriginKeyed,
  readPolicies,
  topLevelChecklist,
  type ChecklistStep,
  type FramePolicies,
  type IsolationVerdict,
} from './isolation.ts';
import {
  inheritedPolicyInContainer,
  isFeatureEnabledInDocumentForOrigin,
  parseAllowAttribute,
  parsePermissionsPolicyHeader,
  PERMISSIONS_POLICY,
  type Allowlist,
  type DocumentPolicy,
  type FeatureStep,
  type InheritStep,
} from './permissions-policy.ts';
import { isSameOrigin, originOfURL } from './origin.ts';
import { getHeader } from './headers.ts';
import { RULES, type RuleContext } from './findings/rules.ts';
import type { EmbedElement, FrameRecord, PageRecord, SubresourceRecord } from './snapshot.ts';
import { evaluateSubresource, groupIdentical, summarize, type ReadinessSummary, type SubresourceVerdict } from './subresources.ts';

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
  /**
   * The frame's place in the tree. After an incremental evaluation (evaluatePage's `previous`), a kept
   * frame's node is the earlier tree's: the same frame, owner, depth and orphan flag, but its `children`
   * are as they were then. Walk buildFrameTree's result for children.
   */
  node: FrameNode;
  sandbox: FrameSandbox;
  origin: Origin;
  serializedOrigin: string;
  originSteps: OriginStep[];
  /** The origin the document would have without the sandbox (its creation URL's, or its creator's). */
  precursor: Origin;
  /** The frame's origin compared with the top frame's and its parent's (null for the top frame). */
  relation: { toTop: OriginRelation | null; toParent: OriginRelation | null };
  /** Whether `document.domain = document.domain` works here (with the predicted agent cluster keying). */
  documentDomain: DocumentDomainVerdict;
  secureContext: SecureContextVerdict;
  /** COOP, COEP, CORP and Origin-Agent-Cluster as this document reads them, with their problems. */
  policies: FramePolicies;
  isolation: IsolationVerdict;
  /** For a child frame: whether its document may load in it, and which header blocks it. */
  embedding: EmbeddingVerdict | null;
  /** Whether the frame loaded, was blocked by a response header, or failed otherwise. */
  load: { status: 'loaded' | 'blocked' | 'error' | 'loading'; error: string | null };
  /** Whether the agent cluster is origin-keyed (predicted from headers and the engine). */
  originKeyed: { keyed: boolean; why: string };
  /** What the analysis predicts the frame shows: page scripts run; `self.origin` is "null". */
  predicted: { scriptsRun: boolean; originOpaque: boolean; crossOriginIsolated: boolean };
  /** The current document's subresource requests, each with what COEP does to it (in request order). */
  subresources: SubresourceVerdict[];
  subresourceSummary: ReadinessSummary;
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
  opener: {
    tabId: number; frameId: number; url: string; sandbox: SandboxSources; origin: Origin;
    /** The opener's top-level COOP, which the popup's initial about:blank inherits when same origin. */
    topCOOP: OpenerPolicyValue; topOrigin: Origin;
  } | null;
  /** For a popup: whether it and its opener can still reach each other (window.opener), and why. */
  openerSurvives: { kept: boolean; step: SwitchStep; initialCOOP: OpenerPolicyValue; responseCOOP: OpenerPolicyValue } | null;
  frames: FrameEvaluation[];
  byFrameId: Map<number, FrameEvaluation>;
  /** COEP readiness of the whole page: every frame's requests together, and what the caps left out. */
  subresources: {
    summary: ReadinessSummary;
    /** Requests beyond the per-page cap (not recorded, only counted). */
    dropped: number;
    /** Requests of a frame the record does not hold (beyond the frame cap), judged by their initiator. */
    unattributed: SubresourceVerdict[];
  };
  /** Every frame's findings, worst first. */
  findings: Finding[];
}

/** What a frame's evaluation made besides its verdicts, which its children's evaluations read. */
interface FrameInternals {
  doc: ContextDocument;
  policy: DocumentPolicy;
  /** The frame's requests (all documents'), as evaluated. */
  requests: SubresourceRecord[] | undefined;
}

/** Per evaluation: the options it was made with, and each frame's internals (for an incremental re-evaluation). */
const INTERNALS = new WeakMap<PageEvaluation, { optionsKey: string; frames: Map<number, FrameInternals> }>();

const optionsKeyOf = (engine: Engine, trustworthyOrigins: readonly string[]) => JSON.stringify([engine, trustworthyOrigins]);

const sameList = <T>(a: readonly T[] | undefined, b: readonly T[] | undefined) =>
  a === b || (a !== undefined && b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]));

const opaqueKey = (page: PageRecord, f: FrameRecord) => `opaque:${page.pageId}:${f.frameId}:${f.documentId ?? ''}`;

/**
 * The sandbox attribute in effect for the frame's current document: its value when the document
 * committed. Browser: Chromium reads the frame's pending sandbox flags when the navigation is ready to
 * commit (HTML: when it starts); the two differ only for a change while the document was being fetched.
 */
function attributeInEffect(owner: EmbedElement, f: FrameRecord): { value: string | null; changedAt: number | null } {
  // The document's own response time, on the clock the parent recorded the changes by; else the commit
  // event's stamp, which can come late (Firefox 153: after the page changed the attribute).
  const at = f.observed?.responseStartAt ?? f.committedAt;
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
  // (Extended in place rather than copied: the evaluation is this frame's own object.)
  const frameSandbox = evaluation as FrameSandbox;
  frameSandbox.attributeNow = owner?.sandbox ?? null;
  frameSandbox.changedAfterLoad = changedAfterLoad;
  frameSandbox.ignoredOnFrameElement = ignoredOnFrameElement;
  return frameSandbox;
}

/** The popup's opener frame, evaluated from the chain of records copied when the popup opened. */
function evaluateOpener(page: PageRecord, options: EvaluateOptions): PageEvaluation['opener'] {
  const o = page.openedBy;
  if (!o || o.chain.length === 0) return null;
  const frames: Record<string, FrameRecord> = {};
  for (const f of o.chain) frames[String(f.frameId)] = f;
  const chainPage: PageRecord = { pageId: `opener:${page.pageId}`, tabId: o.tabId, url: o.chain[0]!.url, startedAt: o.at, lifecycle: 'inactive', frames, dropped: { frames: 0 } };
  const chainEvaluation = evaluatePage(chainPage, options);
  const e = chainEvaluation.byFrameId.get(o.frameId);
  const top = chainEvaluation.frames[0];
  return e && top ? {
    tabId: o.tabId, frameId: o.frameId, url: o.url, sandbox: e.sandbox.sources, origin: e.origin,
    topCOOP: top.policies.opener?.value ?? 'unsafe-none', topOrigin: top.origin,
  } : null;
}

/** A document with no Permissions-Policy header declares nothing (shared, never written). */
const NO_DECLARED_POLICY: ReadonlyMap<string, Allowlist> = new Map();

/**
 * One document's permissions policy: its declared policy and, asked per feature and remembered, the
 * policy it inherits from its container (a child asks its parent's again), with the steps that decided.
 * Most documents are asked about one feature: that one is kept in fields, any other in a map.
 */
class FramePermissions implements DocumentPolicy {
  private feature: string | null = null;
  private value = false;
  private steps: InheritStep[] = [];
  private others: Map<string, { value: boolean; steps: InheritStep[] }> | null = null;
  constructor(
    readonly origin: Origin,
    readonly declared: ReadonlyMap<string, Allowlist>,
    private readonly parent: DocumentPolicy | null,
    private readonly container: { allow: Map<string, Allowlist>; srcOrigin: Origin | null } | null,
  ) {}

  inherited(feature: string): boolean {
    if (feature === this.feature) return this.value;
    const other = this.others?.get(feature);
    if (other) return other.value;
    const steps: InheritStep[] = [];
    const value = inheritedPolicyInContainer(feature, this.parent, this.container, this.origin, steps);
    if (this.feature === null) {
      this.feature = feature;
      this.value = value;
      this.steps = exactCopy(steps);
    } else {
      (this.others ??= new Map()).set(feature, { value, steps: exactCopy(steps) });
    }
    return value;
  }

  /** The steps that decided a feature's inherited policy; undefined for a feature not asked about yet. */
  stepsOf(feature: string): InheritStep[] | undefined {
    return feature === this.feature ? this.steps : this.others?.get(feature)?.steps;
  }
}

const isSrcdoc = (url: string) => /^about:srcdoc(?:[?#]|$)/i.test(url);

/**
 * With `previous` (an evaluation of an earlier version of the same page, e.g. the panel's before an
 * update), a frame whose inputs are the very same objects as then — its record, its element, its
 * requests, and (by the same rule) its parent, the top frame and the opener — keeps its earlier
 * verdicts and findings instead of being judged again: the result equals a fresh evaluation's.
 * Identity means "unchanged" only for a caller that replaces a changed record instead of mutating it,
 * as the panel's store does; the recorder mutates its records in place, so it never passes `previous`.
 */
export function evaluatePage(page: PageRecord, options: EvaluateOptions = {}, previous: PageEvaluation | null = null): PageEvaluation {
  const engine = options.engine ?? 'chromium';
  const optionsKey = optionsKeyOf(engine, options.trustworthyOrigins ?? []);
  const before = previous && previous.page.pageId === page.pageId ? INTERNALS.get(previous) : undefined;
  const reusable = before && before.optionsKey === optionsKey && previous!.page.openedBy === page.openedBy ? previous! : null;
  const parsed = parseTrustworthyOrigins(options.trustworthyOrigins ?? []);
  const settings = { trustworthyOrigins: parsed.patterns, errors: parsed.errors };
  const opener = evaluateOpener(page, options);
  const frames: FrameEvaluation[] = [];
  const byFrameId = new Map<number, FrameEvaluation>();
  const result: PageEvaluation = {
    metadata: { psl: PSL_METADATA }, page, engine, settings, opener, openerSurvives: null, frames, byFrameId,
    subresources: { summary: summarize([]), dropped: page.dropped.subresources ?? 0, unattributed: [] }, findings: [],
  };
  const requests = requestsByFrame(page);
  const internals = new Map<number, FrameInternals>();
  INTERNALS.set(result, { optionsKey, frames: internals });
  /** Frames that kept their earlier evaluation (their findings too). */
  const kept = new Set<FrameEvaluation>();
  const permissionDocs = new Map<number, DocumentPolicy>();
  const contextDocs = new Map<number, ContextDocument>();
  /** Each evaluated frame's secure-context chain: its document, then its ancestors' up to the top. */
  const chains = new Map<number, ContextDocument[]>();
  // Each document is judged once, whatever the number of chains it is in (its descendants' too).
  const trustworthyOptions = { engine, trustworthyOrigins: settings.trustworthyOrigins };
  const judged = new Map<ContextDocument, JudgedDocument>();
  const ancestorsOfChildren = new Map<FrameEvaluation, Origin[]>();
  const allowAttributes = new Map<string | null, Map<string, Allowlist>>();
  // Depth-first from the top: every parent is evaluated before its children.
  // One frame's evaluation (a function of its own, so the engine optimizes it for the thousands of calls).
  const evaluateFrame = (node: FrameNode): FrameEvaluation => {
    const f = node.frame;
    const parent = node.orphan ? undefined : byFrameId.get(f.parentFrameId);
    const earlier = reusable?.byFrameId.get(f.frameId);
    const earlierInternals = earlier && before!.frames.get(f.frameId);
    if (earlier && earlierInternals && earlier.node.frame === f && earlier.node.owner === node.owner && earlier.node.orphan === node.orphan &&
      (parent === undefined || kept.has(parent)) &&
      // Every frame's findings read the first frame (the top), which must be the same and kept.
      (frames.length === 0 ? reusable!.frames[0]?.frameId === f.frameId : kept.has(frames[0]!)) &&
      sameList(earlierInternals.requests, requests.get(f.frameId))) {
      // The very object: a consumer may memoize on it (the panel's rows do). Its node is the earlier
      // tree's, equal in frame, owner, depth and orphan flag (its children may differ: see FrameEvaluation).
      const e = earlier;
      kept.add(e);
      internals.set(f.frameId, earlierInternals);
      contextDocs.set(f.frameId, earlierInternals.doc);
      permissionDocs.set(f.frameId, earlierInternals.policy);
      return e;
    }
    const sandbox = frameSandbox(node, parent, opener, engine);
    const originSteps: OriginStep[] = [];
    const key = opaqueKey(page, f);
    // about:blank and about:srcdoc documents take their creator's origin: for a frame, its parent;
    // for a popup, its opener.
    const creatorOrigin = parent?.origin ?? (f.parentFrameId === -1 ? opener?.origin ?? null : null);
    const sandboxedOrigin = sandbox.active.has('origin');
    const origin = determineTheOrigin({ url: f.url, sourceOrigin: creatorOrigin, engine, key, sandboxedOrigin }, originSteps);
    // Without the sandboxed origin flag the steps are the same, so is the origin: only a sandboxed
    // origin has another precursor (which it records).
    const precursor = origin.type === 'opaque' && origin.reason.kind === 'sandboxed' ? origin.reason.precursor
      : sandboxedOrigin ? determineTheOrigin({ url: f.url, sourceOrigin: creatorOrigin, engine, key, sandboxedOrigin: false }) : origin;
    const topForRelation = node.orphan ? undefined : frames[0]; // the top frame comes first; it has no relation itself
    const toTop = topForRelation ? relationOf(origin, topForRelation.origin) : null;
    const relation = relationPair(toTop, parent ? (parent === topForRelation ? toTop : relationOf(origin, parent.origin)) : null);
    // The secure-context chain: this document, then its ancestors up to the top-level document.
    const doc: ContextDocument = {
      frameId: f.frameId, url: f.url, origin, srcdoc: isSrcdoc(f.url), sandboxedOrigin,
      // A data: document's creator is, for a frame, its parent (the usual case; the browser does not say).
      precursor: origin.type === 'opaque' && origin.reason.kind === 'data-url' ? creatorOrigin : precursor,
    };
    contextDocs.set(f.frameId, doc);
    // The parent's chain with this document in front (a kept parent's is walked once, then remembered).
    let above: ContextDocument[] = NONE;
    if (parent) {
      let known = chains.get(parent.frameId);
      if (!known) {
        known = [];
        for (let p: FrameEvaluation | undefined = parent; p; p = p.node.orphan ? undefined : byFrameId.get(p.node.frame.parentFrameId)) {
          const d = contextDocs.get(p.frameId);
          if (!d || known.includes(d)) break;
          known.push(d);
        }
        chains.set(parent.frameId, known);
      }
      above = known;
    }
    const chain: ContextDocument[] = [doc].concat(above);
    chains.set(f.frameId, chain);
    const secureContext = isASecureContext(chain, trustworthyOptions, judged);
    // Policies: from the document's own response; about:blank, srcdoc, data: and blob: documents
    // inherit their creator's policy container (for a frame, its parent's).
    const isTop = f.parentFrameId === -1 && !node.orphan;
    const headers = f.response?.headers ?? (isLocalScheme(f.url) ? null : []);
    const policies = readPolicies(headers, { secureContext: secureContext.secure, topLevel: isTop, inheritedEmbedder: parent?.policies.embedder ?? null });
    // Permissions policy: the document's declared policy and the policy it inherits from its container.
    const allowValue = node.owner?.allow ?? null;
    let allow = allowAttributes.get(allowValue);
    if (!allow) allowAttributes.set(allowValue, (allow = parseAllowAttribute(allowValue)));
    const srcOrigin = node.owner?.srcdoc ? parent?.origin ?? null : originOfURL(node.owner?.src ? resolve(node.owner.src, parent?.node.frame.url) : f.url);
    const parentPolicy = parent ? permissionDocs.get(parent.frameId) ?? null : null;
    const container = parentPolicy ? { allow, srcOrigin } : null;
    const responseHeaders = f.response?.headers;
    const docPolicy = new FramePermissions(
      origin,
      responseHeaders && getHeader(responseHeaders, PERMISSIONS_POLICY) !== null ? parsePermissionsPolicyHeader(responseHeaders, policies.problems) : NO_DECLARED_POLICY,
      parentPolicy,
      container,
    );
    permissionDocs.set(f.frameId, docPolicy);
    internals.set(f.frameId, { doc, policy: docPolicy, requests: requests.get(f.frameId) });
    const top = node.orphan ? undefined : frames[0];
    const isolation = isolationOf({ isTop, top, policies, secureContext: secureContext.secure, headers: f.response?.headers ?? [], docPolicy, engine });
    const embedding = parent && !isTop && f.response
      ? checkEmbedding({
        headers: f.response.headers,
        responseURL: f.response.url,
        ancestors: ancestorOrigins(parent, byFrameId, ancestorsOfChildren),
        parentPolicy: parent.policies.embedder,
        childPolicy: policies.embedder,
        ...engineEmbeddingInputs({ engine, owner: node.owner, origin, sandboxedOrigin: sandbox.active.has('origin') }),
      })
      : null;
    // The CORP check compares each response with the requesting document's origin, under its policy.
    const ownRequests = requests.get(f.frameId);
    const subresources: SubresourceVerdict[] = ownRequests === undefined ? NONE : groupIdentical(ownRequests.filter((r) => ofCurrentDocument(r, f)))
      .map((group) => withRequestIds(evaluateSubresource(group[0]!, origin, policies.embedder), group));
    const originKeyed = predictOriginKeyed({ groupIsolated: isolation.groupIsolated, header: policies.originAgentCluster.header, engine, trustworthyOrigin: secureContext.self.trustworthy, opaque: origin.type === 'opaque' });
    const e: FrameEvaluation = {
      frameId: f.frameId, node, sandbox, origin, serializedOrigin: serializeOrigin(origin), originSteps: stepsKept(originSteps), precursor, relation,
      documentDomain: canSetDocumentDomain({
        origin,
        sandboxedDocumentDomainFlag: sandbox.active.has('document-domain'),
        originKeyed: originKeyed.keyed,
        crossOriginIsolated: isolation.crossOriginIsolated,
      }),
      secureContext, policies, isolation, embedding, load: loadOf(f), originKeyed,
      predicted: PREDICTIONS[(sandbox.active.has('scripts') ? 0 : 1) | (origin.type === 'opaque' ? 2 : 0) | (isolation.crossOriginIsolated ? 4 : 0)]!,
      subresources,
      subresourceSummary: summarize(subresources),
      findings: NONE,
    };
    return e;
  };
  for (const node of flattenFrameTree(buildFrameTree(page))) {
    const e = evaluateFrame(node);
    frames.push(e);
    byFrameId.set(e.frameId, e);
  }
  result.openerSurvives = openerSurvival(result);
  // Requests of frames the record does not hold: judged by the origin the browser says initiated them.
  requests.forEach((list, frameId) => {
    if (byFrameId.has(frameId)) return;
    for (const group of groupIdentical(list)) {
      const r = group[0]!;
      result.subresources.unattributed.push(withRequestIds(evaluateSubresource(r, originOfURL(r.initiator ?? 'null'), { value: 'unsafe-none', reportOnlyValue: 'unsafe-none' }), group));
    }
  });
  // The page's counts: every frame's, added up (summarize counts each verdict on its own), and the rest's.
  const summary = summarize(result.subresources.unattributed);
  const counts = Object.keys(summary) as (keyof ReadinessSummary)[];
  for (const e of frames) for (const k of counts) summary[k] += e.subresourceSummary[k];
  result.subresources.summary = summary;
  for (const e of frames) {
    if (!kept.has(e)) e.findings = findingsOf(e, { page: result, parent: e.node.orphan ? undefined : byFrameId.get(e.node.frame.parentFrameId) });
    for (const x of e.findings) result.findings.push(x);
  }
  result.findings = sortWorstFirst(result.findings);
  return result;
}

/** Every rule's findings for one frame, worst first. */
function findingsOf(e: FrameEvaluation, context: RuleContext): Finding[] {
  const found: Finding[] = [];
  for (const rule of RULES) for (const x of rule(e, context)) found.push(x);
  if (found.length > 16) return found.sort(byWorstFirst);
  if (found.length === 0) return NONE;
  // A frame has a few: an insertion sort (stable, as sort is) spares sort's work arrays.
  for (let j = 1; j < found.length; j++) {
    const x = found[j]!;
    let i = j;
    while (i > 0 && byWorstFirst(found[i - 1]!, x) > 0) {
      found[i] = found[i - 1]!;
      i--;
    }
    found[i] = x;
  }
  return exactCopy(found);
}

/**
 * A kept array, copied to its length: an array grown by push reserves room for more (17 slots for one
 * element), and a page keeps thousands of these lists (the grown one is garbage at once, which is cheap).
 */
function exactCopy<T>(list: T[]): T[] {
  return list.length === 0 ? NONE : list.slice();
}

/** A frame's origin steps as kept: a single shared (frozen) step gets one shared list too. */
const singleStepLists = new WeakMap<OriginStep, OriginStep[]>();
function stepsKept(steps: OriginStep[]): OriginStep[] {
  const only = steps.length === 1 ? steps[0]! : null;
  if (only === null || !Object.isFrozen(only)) return exactCopy(steps);
  let list = singleStepLists.get(only);
  if (!list) singleStepLists.set(only, (list = Object.freeze([only]) as OriginStep[]));
  return list;
}

/** The empty list of every frame that has none of something (frozen: a verdict is read, never changed). */
const NONE = Object.freeze([]) as unknown as never[];

/** The page's subresource requests by requesting frame, in the order they started. */
function requestsByFrame(page: PageRecord): Map<number, SubresourceRecord[]> {
  const out = new Map<number, SubresourceRecord[]>();
  const all = Object.values(page.subresources ?? {}).sort((a, b) => a.startedAt - b.startedAt);
  for (const r of all) {
    const list = out.get(r.frameId) ?? [];
    list.push(r);
    out.set(r.frameId, list);
  }
  return out;
}

/** The verdict of a group's first request, standing for every request of the group. */
function withRequestIds(v: SubresourceVerdict, group: readonly SubresourceRecord[]): SubresourceVerdict {
  if (group.length > 1) v.requestIds = group.map((r) => r.requestId);
  return v;
}

/** A request of the frame's current document (by document id, else made after its commit). */
function ofCurrentDocument(r: SubresourceRecord, f: FrameRecord): boolean {
  if (r.documentId !== undefined && f.documentId !== undefined) return r.documentId === f.documentId;
  return f.committedAt === undefined || r.startedAt >= f.committedAt;
}

const isLocalScheme = (url: string) => /^(about|blob|data):/i.test(url);

/** A map by two keys, emptied when it holds `max` values (a cache: what it forgets is made again). */
/** The eight predictions a frame can have, shared (bit 1: scripts run, 2: opaque origin, 4: isolated). */
const PREDICTIONS: readonly FrameEvaluation['predicted'][] = Array.from({ length: 8 }, (_, i) =>
  Object.freeze({ scriptsRun: (i & 1) !== 0, originOpaque: (i & 2) !== 0, crossOriginIsolated: (i & 4) !== 0 }));

class TwoKeyCache<A, B, V> {
  private readonly byFirst = new Map<A, Map<B, V>>();
  private count = 0;
  constructor(private readonly max: number) {}

  get(a: A, b: B): V | undefined {
    return this.byFirst.get(a)?.get(b);
  }

  set(a: A, b: B, value: V): void {
    if (this.count >= this.max) {
      this.byFirst.clear();
      this.count = 0;
    }
    let inner = this.byFirst.get(a);
    if (!inner) this.byFirst.set(a, (inner = new Map()));
    if (!inner.has(b)) this.count++;
    inner.set(b, value);
  }
}

/**
 * A frame's relations to its top and its parent. Relations between tuple origins are shared objects
 * (relationOf), so most frames of a page have one of a few pairs: one object per pair, shared.
 */
const relationPairs = new TwoKeyCache<OriginRelation | null, OriginRelation | null, FrameEvaluation['relation']>(4096);
function relationPair(toTop: OriginRelation | null, toParent: OriginRelation | null): FrameEvaluation['relation'] {
  // (An opaque origin's relations are made per call: pairs of them would never be asked again.)
  if ((toTop !== null && !isSharedRelation(toTop)) || (toParent !== null && !isSharedRelation(toParent))) return { toTop, toParent };
  let pair = relationPairs.get(toTop, toParent);
  if (!pair) relationPairs.set(toTop, toParent, (pair = Object.freeze({ toTop, toParent })));
  return pair;
}

/** Resolved URLs by base, then by input (no key to build: the strings are the record's own). */
const resolved = new TwoKeyCache<string | undefined, string, string>(10_000);
function resolve(src: string, base: string | undefined): string {
  const hit = resolved.get(base, src);
  if (hit !== undefined) return hit;
  let href: string;
  try {
    href = new URL(src, base).href;
  } catch {
    href = src;
  }
  resolved.set(base, src, href);
  return href;
}

/** The origins of a frame's ancestors, nearest first (remembered per parent: siblings share the list). */
function ancestorOrigins(parent: FrameEvaluation, byFrameId: Map<number, FrameEvaluation>, memo: Map<FrameEvaluation, Origin[]>): Origin[] {
  const known = memo.get(parent);
  if (known) return known;
  const out: Origin[] = [];
  memo.set(parent, out);
  const seen = new Set<number>();
  for (let p: FrameEvaluation | undefined = parent; p && !seen.has(p.frameId); p = p.node.orphan ? undefined : byFrameId.get(p.node.frame.parentFrameId)) {
    seen.add(p.frameId);
    out.push(p.origin);
  }
  return out;
}

function loadOf(f: FrameRecord): FrameEvaluation['load'] {
  if (f.status === 'error') return { status: isBlockedByResponse(f.error) ? 'blocked' : 'error', error: f.error ?? null };
  return f.status === 'navigating' ? LOADING : LOADED;
}

const LOADING: FrameEvaluation['load'] = Object.freeze({ status: 'loading', error: null });
const LOADED: FrameEvaluation['load'] = Object.freeze({ status: 'loaded', error: null });

function isolationOf(input: {
  isTop: boolean;
  top: FrameEvaluation | undefined;
  policies: FramePolicies;
  secureContext: boolean;
  headers: FrameRecord['response'] extends infer R ? R extends { headers: infer H } ? H : never : never;
  docPolicy: FramePermissions;
  engine: Engine;
}): IsolationVerdict {
  // The browsing context group is isolated when its top-level document's COOP is same-origin-plus-COEP.
  const topChecklist = input.isTop ? topLevelChecklist(input.policies, input.headers, input.secureContext) : input.top ? topStepsOf(input.top.isolation) : [];
  const groupIsolated = input.isTop ? input.policies.opener?.value === 'same-origin-plus-COEP' : input.top?.isolation.groupIsolated ?? false;
  const featureSteps: FeatureStep[] = [];
  const policyPermission = isFeatureEnabledInDocumentForOrigin('cross-origin-isolated', input.docPolicy, input.docPolicy.origin, featureSteps);
  // Browser: Firefox does not enforce the cross-origin-isolated permission (it implements no
  // Permissions-Policy header and no allow="cross-origin-isolated"): in an isolated group every
  // document is crossOriginIsolated. Seen in Firefox ESR 140 and 153: a cross-origin CORP+COEP child
  // without allow, and a page whose own header says cross-origin-isolated=(), report true.
  const permissionEnforced = input.engine !== 'firefox';
  const permission = policyPermission || !permissionEnforced;
  const inherited = input.docPolicy.stepsOf('cross-origin-isolated') ?? [];
  const fix = policyPermission ? undefined : permissionFix(featureSteps, inherited);
  const checklist: ChecklistStep[] = [...topChecklist];
  if (!input.isTop) checklist.push(groupIsolated ? GROUP_ISOLATED : GROUP_NOT_ISOLATED);
  checklist.push(permissionStep(
    permission,
    policyPermission ? 'The cross-origin-isolated permission reaches this document.'
      : permissionEnforced ? permissionDetail(featureSteps, inherited)
      : `Firefox does not enforce the cross-origin-isolated permission, so this step passes here; in Chromium it fails: ${permissionDetail(featureSteps, inherited)}`,
    permission ? undefined : fix,
  ));
  const crossOriginIsolated = groupIsolated && permission;
  return {
    groupIsolated,
    permission,
    policyPermission,
    permissionEnforced,
    // (undefined when none: JSON leaves it out, as it did the spread this replaces; a page makes thousands)
    permissionFix: fix,
    permissionSteps: { inherited, feature: featureSteps },
    crossOriginIsolated,
    // Browser: Chromium's crossOriginIsolatedContextType reports a disabled permission first, even
    // in a group that is not isolated.
    contextType: !permission ? 'not-isolated-feature-disabled' : groupIsolated ? 'isolated' : 'not-isolated',
    checklist,
    firstFailure: checklist.find((s) => !s.ok) ?? null,
  };
}

// Steps every frame of a page has alike are shared between their checklists, frozen (a verdict is read,
// never changed): a page of 1,000 frames would otherwise keep 1,000 copies of each.
const GROUP_ISOLATED: ChecklistStep = Object.freeze({ id: 'group-isolated', ok: true, detail: 'The top-level document isolates the browsing context group.' });
const GROUP_NOT_ISOLATED: ChecklistStep = Object.freeze({ id: 'group-isolated', ok: false, detail: 'The top-level document does not isolate the browsing context group (see the steps above).' });

/** The top-level steps of a top frame's checklist, which every frame below it starts with (one list per top). */
const topSteps = new WeakMap<IsolationVerdict, ChecklistStep[]>();
function topStepsOf(top: IsolationVerdict): ChecklistStep[] {
  let steps = topSteps.get(top);
  if (!steps) topSteps.set(top, (steps = top.checklist.filter((s) => s.id !== 'permission' && s.id !== 'group-isolated')));
  return steps;
}

/** A permission step, shared by every frame whose step reads the same (bounded: the texts are few). */
const permissionSteps = new TwoKeyCache<string, string | undefined, ChecklistStep>(256);
function permissionStep(ok: boolean, detail: string, fix: string | undefined): ChecklistStep {
  // (ok follows from fix here, but is part of the step: checked on a hit.)
  const known = permissionSteps.get(detail, fix);
  if (known && known.ok === ok) return known;
  const step: ChecklistStep = Object.freeze(fix === undefined ? { id: 'permission', ok, detail } : { id: 'permission', ok, detail, fix });
  permissionSteps.set(detail, fix, step);
  return step;
}

function permissionDetail(feature: FeatureStep[], inherited: InheritStep[]): string {
  const f = feature[0];
  if (f?.step === 'declared') return 'This document\'s own Permissions-Policy header does not allow cross-origin-isolated for its origin.';
  if (f?.step === 'default-self') return 'The default allowlist of cross-origin-isolated is self, and the document is not same origin with itself (an opaque origin).';
  const i = inherited.at(-1);
  if (i?.step === 'parent-disabled-for-itself') return 'The parent document does not have the cross-origin-isolated permission itself.';
  if (i?.step === 'parent-disallows-origin') return 'The parent\'s Permissions-Policy header does not allow cross-origin-isolated for this frame\'s origin.';
  if (i?.step === 'container-policy') return 'The <iframe allow> attribute does not list this frame\'s origin for cross-origin-isolated.';
  if (i?.step === 'default-self') return 'The frame is cross-origin to its parent and its <iframe> has no allow="cross-origin-isolated" (the default allowlist is self).';
  return 'The cross-origin-isolated permission does not reach this document.';
}

function permissionFix(feature: FeatureStep[], inherited: InheritStep[]): string {
  const f = feature[0];
  if (f?.step === 'declared') return 'Permissions-Policy: cross-origin-isolated=(self) — or remove the entry that excludes this origin.';
  const i = inherited.at(-1);
  if (i?.step === 'parent-disabled-for-itself') return 'Give the parent the permission first (fix its own frame element or header).';
  if (i?.step === 'parent-disallows-origin') return 'List this origin in the parent\'s Permissions-Policy: cross-origin-isolated=(self "https://frame.example").';
  return 'Add allow="cross-origin-isolated" to the <iframe> (at every level between the top and this frame).';
}

/** A popup: whether its opener and it can still reach each other, from the COOP switch rules. */
function openerSurvival(result: PageEvaluation): PageEvaluation['openerSurvives'] {
  const o = result.opener;
  const top = result.frames[0];
  if (!o || !top || top.node.frame.parentFrameId !== -1) return null;
  // The popup's initial about:blank has its creator's origin, and its top-level COOP when the creator is
  // same origin with its top-level document (HTML "create a new auxiliary browsing context").
  const initialCOOP: OpenerPolicyValue = isSameOrigin(o.origin, o.topOrigin) ? o.topCOOP : 'unsafe-none';
  const responseCOOP = top.policies.opener?.value ?? 'unsafe-none';
  const trace: SwitchStep[] = [];
  const switches = requiresBrowsingContextGroupSwitch({ isInitialAboutBlank: true, activeCOOP: initialCOOP, activeOrigin: o.origin, responseCOOP, responseOrigin: top.origin }, trace);
  return { kept: !switches, step: trace[0] ?? 'not-matching', initialCOOP, responseCOOP };
}

export type { EmbedderPolicy };
