// Short, consistent wording for the frames, elements and origins that findings name.
import { frameLabel } from '../frame-tree.ts';
import type { FrameEvaluation } from '../evaluate.ts';
import type { SandboxSource } from '../sandboxing.ts';

/** `iframe#login (https://b.test/login)` or just the URL. */
export function describeFrame(frame: FrameEvaluation): string {
  const label = frameLabel(frame.node);
  if (frame.node.frame.parentFrameId === -1) return `the top-level document (${frame.node.frame.url})`;
  return label ? `${label} (${frame.node.frame.url})` : frame.node.frame.url;
}

/** `<iframe id="x" sandbox="allow-scripts">` */
export function describeElement(e: { tag: string; id: string | null; name: string | null }, attribute: string, value: string | null): string {
  const parts = [e.tag];
  if (e.id) parts.push(`id="${e.id}"`);
  else if (e.name) parts.push(`name="${e.name}"`);
  if (value !== null) parts.push(value === '' ? attribute : `${attribute}="${value}"`);
  return `<${parts.join(' ')}>`;
}

export function describeSource(s: SandboxSource, self: number): string {
  const where = s.frameId === self ? '' : ` of frame ${s.frameId}`;
  switch (s.kind) {
    case 'attribute':
      return `${describeElement(s.element, 'sandbox', s.value)}${s.frameId === self ? '' : ` (inherited from frame ${s.frameId})`}`;
    case 'csp':
      return `Content-Security-Policy: sandbox ${s.value}`.trimEnd() + (where ? ` (response${where}, inherited)` : ` (header line ${s.line + 1})`);
    case 'opener':
      return `the opener (frame ${s.frameId} of tab ${s.tabId}, ${s.url})`;
  }
}
