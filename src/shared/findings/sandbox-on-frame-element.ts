// sandbox-on-frame-element: <frame sandbox> does nothing.
import { finding } from './catalog.ts';
import { describeElement } from './describe.ts';
import type { Rule } from './rules.ts';

export const sandboxOnFrameElement: Rule = (frame) => {
  const value = frame.sandbox.ignoredOnFrameElement;
  const owner = frame.node.owner;
  if (value === null || !owner) return [];
  return [finding('sandbox-on-frame-element', {
    frameId: frame.frameId,
    explanation: 'The frame is hosted by a <frame> element, which has no sandbox attribute: the document is not sandboxed by it.',
    evidence: [{ label: 'element', value: describeElement(owner, 'sandbox', value) }],
    step: 'HTML: the sandbox attribute is defined on iframe only; frame elements have no iframe sandboxing flag set.',
  })];
};
