// The frame tree of a recorded page: each frame with its owner element and children in document
// order. Total over malformed snapshots: missing parents, cycles and stale element mappings are
// tolerated (orphans are listed at the root, flagged).
import type { EmbedElement, FrameRecord, PageRecord } from './snapshot.ts';

export interface FrameNode {
  frame: FrameRecord;
  /** The `<iframe>`/`<frame>` element that hosts this frame, as its parent reported it. */
  owner: EmbedElement | null;
  children: FrameNode[];
  depth: number;
  /** The recorded parent frame is missing from the record. */
  orphan: boolean;
}

export function ownerElementOf(page: PageRecord, frame: FrameRecord): EmbedElement | null {
  const parent = page.frames[String(frame.parentFrameId)];
  // An element mapping is believed only when the browser's own parent link agrees with it.
  return parent?.embeds?.find((e) => e.frameId === frame.frameId) ?? null;
}

export function buildFrameTree(page: PageRecord): FrameNode[] {
  const frames = Object.values(page.frames);
  const byParent = new Map<number, FrameRecord[]>();
  for (const f of frames) {
    const list = byParent.get(f.parentFrameId) ?? [];
    list.push(f);
    byParent.set(f.parentFrameId, list);
  }
  const placed = new Set<number>();
  // Each frame's elements by the frame they host (the first element that claims it), looked up once
  // per child instead of searched: a page may have thousands of frames under one parent.
  const elementsByFrame = new Map<FrameRecord, Map<number | null, EmbedElement>>();
  const elementFor = (parent: FrameRecord | undefined, frameId: number): EmbedElement | undefined => {
    if (!parent?.embeds || Number.isNaN(frameId)) return undefined; // (find's === never matches NaN)
    let byFrame = elementsByFrame.get(parent);
    if (!byFrame) {
      byFrame = new Map();
      for (const e of parent.embeds) if (!byFrame.has(e.frameId)) byFrame.set(e.frameId, e);
      elementsByFrame.set(parent, byFrame);
    }
    return byFrame.get(frameId);
  };
  const make = (frame: FrameRecord, depth: number, orphan: boolean): FrameNode => {
    placed.add(frame.frameId);
    // (ownerElementOf, indexed.)
    const node: FrameNode = { frame, owner: elementFor(page.frames[String(frame.parentFrameId)], frame.frameId) ?? null, children: [], depth, orphan };
    const kids = (byParent.get(frame.frameId) ?? []).filter((k) => !placed.has(k.frameId));
    if (kids.length > 1) {
      const order = new Map<FrameRecord, number>();
      for (const k of kids) order.set(k, elementFor(frame, k.frameId)?.index ?? Number.MAX_SAFE_INTEGER);
      kids.sort((a, b) => order.get(a)! - order.get(b)! || a.frameId - b.frameId);
    }
    for (const k of kids) if (!placed.has(k.frameId)) node.children.push(make(k, depth + 1, false));
    if (node.children.length > 0) node.children = node.children.slice(); // (without push's spare room: the tree is kept)
    return node;
  };
  const roots: FrameNode[] = [];
  for (const top of frames.filter((f) => f.parentFrameId === -1).sort((a, b) => a.frameId - b.frameId)) {
    if (!placed.has(top.frameId)) roots.push(make(top, 0, false));
  }
  // Frames whose parent is not recorded (or that sit on a cycle) still appear, flagged.
  for (const f of frames.sort((a, b) => a.frameId - b.frameId)) {
    if (!placed.has(f.frameId)) roots.push(make(f, 0, true));
  }
  return roots;
}

/** Depth-first order, the order the panel and the text report list frames in. */
export function flattenFrameTree(roots: FrameNode[]): FrameNode[] {
  const out: FrameNode[] = [];
  const stack = [...roots].reverse();
  while (stack.length > 0) {
    const n = stack.pop()!;
    out.push(n);
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
  }
  return out;
}

/** A short label for a frame: its element's id, name or title, else nothing (the URL says the rest). */
export function frameLabel(node: FrameNode): string | null {
  const o = node.owner;
  if (!o) return null;
  if (o.id) return `${o.tag}#${o.id}`;
  if (o.name) return `${o.tag}[name=${o.name}]`;
  if (o.title) return `${o.tag}[title=${o.title}]`;
  return null;
}

/**
 * Page-controlled text made safe for a terminal or a bug report: control characters (newlines, escape
 * sequences) are shown as \xNN instead of acting, so a page cannot fake lines of the report.
 */
export function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** An indented plain-text rendering of the recorded tree (for terminals and bug reports). */
export function renderFrameTreeText(page: PageRecord | null): string {
  if (!page) return '(nothing recorded for this tab yet)\n';
  const lines: string[] = [];
  for (const node of flattenFrameTree(buildFrameTree(page))) {
    const f = node.frame;
    const parts = [`${'  '.repeat(node.depth)}[${f.frameId}]`];
    const label = frameLabel(node);
    if (label) parts.push(printable(label));
    parts.push(printable(f.url));
    if (f.observed) parts.push(`origin=${printable(f.observed.origin)}`);
    if (f.response) parts.push(`HTTP ${f.response.statusCode}, ${f.response.headers.length} header lines`);
    if (node.owner?.sandbox != null) parts.push(`sandbox="${printable(node.owner.sandbox)}"`);
    if (f.status === 'error') parts.push(`ERROR ${printable(f.error ?? '')}`.trim());
    if (node.orphan) parts.push('(parent not recorded)');
    lines.push(parts.join('  '));
  }
  if (page.dropped.frames > 0) lines.push(`… ${page.dropped.frames} more frames not recorded (per-page cap)`);
  return `${lines.join('\n')}\n`;
}
