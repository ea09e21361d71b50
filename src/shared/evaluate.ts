// The whole evaluation of a recorded page: each frame's sandboxing flags and origin, derived from the
// recorded facts only (URLs, the frame element's attributes, response headers, the tree). The panel,
// the CLI and the tests all call this; nothing else decides.
import { buildFrameTree, flattenFrameTree, type FrameNode } from './frame-tree.ts';
import { determineTheOrigin, serializeOrigin, type Engine, type Origin, type OriginStep } from './origin.ts';
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
}

export interface PageEvaluation {
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
    const e: FrameEvaluation = { frameId: f.frameId, node, sandbox, origin, serializedOrigin: serializeOrigin(origin), originSteps };
    frames.push(e);
    byFrameId.set(f.frameId, e);
  }
  return { page, engine, frames, byFrameId };
}
