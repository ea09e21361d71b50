// The whole evaluation of a recorded page: each frame's sandboxing flags and origin, derived from the
// recorded facts only (URLs, the frame element's attributes, response headers, the tree). The panel,
// the CLI and the tests all call this; nothing else decides.
import { buildFrameTree, flattenFrameTree, type FrameNode } from './frame-tree.ts';
import { determineTheOrigin, serializeOrigin, type Engine, type Origin, type OriginStep } from './origin.ts';
import { canSetDocumentDomain, type DocumentDomainVerdict } from './document-domain.ts';
import { PSL_METADATA, relationOf, type OriginRelation } from './site.ts';
import { cspDerivedSandboxingFlags, parseASandboxingDirective, type SandboxFlag } from './sandboxing.ts';
import type { FrameRecord, PageRecord } from './snapshot.ts';

export interface SandboxEvaluation {
  /** The frame element's sandbox attribute as recorded (null: absent, or no element recorded). */
  attribute: string | null;
  /** Flags the document started with: its element's attribute ∪ the embedding document's active flags. */
  creation: Set<SandboxFlag>;
  /** Flags from the response's enforced CSP `sandbox` directives. */
  csp: Set<SandboxFlag>;
  /** The document's active sandboxing flag set: creation ∪ CSP-derived. */
  active: Set<SandboxFlag>;
}

export interface FrameEvaluation {
  frameId: number;
  node: FrameNode;
  sandbox: SandboxEvaluation;
  origin: Origin;
  serializedOrigin: string;
  originSteps: OriginStep[];
  /** The frame's origin compared with the top frame's and its parent's (null for the top frame). */
  relation: { toTop: OriginRelation | null; toParent: OriginRelation | null };
  /**
   * Whether `document.domain = document.domain` works here. Whether the agent cluster is origin-keyed
   * is taken from what the browser reported in the frame (window.originAgentCluster) until the
   * isolation analysis predicts it from the Origin-Agent-Cluster header; unknown counts as not keyed.
   */
  documentDomain: DocumentDomainVerdict;
}

export interface PageEvaluation {
  /** The data the analysis depends on, so a user can tell why a brand-new suffix is not known. */
  metadata: { psl: typeof PSL_METADATA };
  page: PageRecord;
  engine: Engine;
  frames: FrameEvaluation[];
  byFrameId: Map<number, FrameEvaluation>;
}

const opaqueKey = (page: PageRecord, f: FrameRecord) => `opaque:${page.pageId}:${f.frameId}:${f.documentId ?? ''}`;

// https://html.spec.whatwg.org/#determining-the-creation-sandboxing-flags
function evaluateSandbox(node: FrameNode, parent: FrameEvaluation | undefined): SandboxEvaluation {
  const attribute = node.owner?.sandbox ?? null;
  // 1. The union of the container's sandboxing attribute (if any) and the parent document's active flags.
  const creation = new Set<SandboxFlag>(parent?.sandbox.active ?? []);
  if (attribute !== null) for (const f of parseASandboxingDirective(attribute).flags) creation.add(f);
  // The document's final flags: creation flags ∪ the CSP-derived flags of its response.
  const csp = node.frame.response ? cspDerivedSandboxingFlags(node.frame.response.headers).flags : new Set<SandboxFlag>();
  const active = new Set<SandboxFlag>([...creation, ...csp]);
  return { attribute, creation, csp, active };
}

export function evaluatePage(page: PageRecord, options: { engine?: Engine } = {}): PageEvaluation {
  const engine = options.engine ?? 'chromium';
  const frames: FrameEvaluation[] = [];
  const byFrameId = new Map<number, FrameEvaluation>();
  // Depth-first from the top: every parent is evaluated before its children.
  for (const node of flattenFrameTree(buildFrameTree(page))) {
    const f = node.frame;
    const parent = node.orphan ? undefined : byFrameId.get(f.parentFrameId);
    const sandbox = evaluateSandbox(node, parent);
    const originSteps: OriginStep[] = [];
    const origin = determineTheOrigin(
      {
        url: f.url,
        sandboxedOrigin: sandbox.active.has('origin'),
        // about:blank and about:srcdoc documents take their creator's origin: for a frame, its parent.
        sourceOrigin: parent?.origin ?? null,
        engine,
        key: opaqueKey(page, f),
      },
      originSteps,
    );
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
    const e: FrameEvaluation = {
      frameId: f.frameId, node, sandbox, origin, serializedOrigin: serializeOrigin(origin), originSteps, relation, documentDomain,
    };
    frames.push(e);
    byFrameId.set(f.frameId, e);
  }
  return { metadata: { psl: PSL_METADATA }, page, engine, frames, byFrameId };
}
