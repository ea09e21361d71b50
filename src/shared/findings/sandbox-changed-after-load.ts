// sandbox-changed-after-load: the element's sandbox attribute no longer matches the flags its document runs with.
import { finding } from './catalog.ts';
import { describeElement } from './describe.ts';
import type { Rule } from './rules.ts';

export const sandboxChangedAfterLoad: Rule = (frame) => {
  const c = frame.sandbox.changedAfterLoad;
  const owner = frame.node.owner;
  if (!c || !owner) return [];
  const show = (v: string | null) => (v === null ? 'no sandbox attribute' : `sandbox="${v}"`);
  return [finding('sandbox-changed-after-load', {
    frameId: frame.frameId,
    explanation: `The element now says ${show(c.now)}, but the document in the frame loaded with ${show(c.inEffect)} and keeps those flags until the frame navigates again.`,
    evidence: [
      { label: 'element now', value: describeElement(owner, 'sandbox', c.now) },
      { label: 'in effect', value: show(c.inEffect) },
      { label: 'changed at', value: new Date(c.changedAt).toISOString() },
    ],
    step: 'HTML: the iframe sandboxing flag set is used when the frame navigates (determining the creation sandboxing flags); changing the attribute does not affect the current document.',
    fix: 'Set sandbox before src, or reload the frame after changing it (e.g. iframe.src = iframe.src).',
  })];
};
