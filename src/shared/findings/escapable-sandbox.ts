// escapable-sandbox: allow-scripts + allow-same-origin on a frame that is same origin with its embedder.
import { isSameOrigin } from '../origin.ts';
import { finding } from './catalog.ts';
import { describeElement } from './describe.ts';
import type { Rule } from './rules.ts';

export const escapableSandbox: Rule = (frame, { parent }) => {
  const parsed = frame.sandbox.parsedAttribute;
  const owner = frame.node.owner;
  if (!parent || !parsed || !owner || frame.sandbox.attribute === null) return [];
  if (!parsed.keywords.includes('allow-scripts') || !parsed.keywords.includes('allow-same-origin')) return [];
  // The framed document can reach its <iframe> only when it runs scripts and is same origin with the embedder.
  if (frame.sandbox.active.has('scripts') || !isSameOrigin(frame.origin, parent.origin)) return [];
  return [finding('escapable-sandbox', {
    frameId: frame.frameId,
    explanation: `The frame runs scripts and has the same origin as the page that embeds it (${parent.serializedOrigin}), so it can remove its own sandbox attribute via window.frameElement and reload itself without a sandbox.`,
    evidence: [
      { label: 'element', value: describeElement(owner, 'sandbox', frame.sandbox.attribute) },
      { label: 'frame origin', value: frame.serializedOrigin },
      { label: 'embedder origin', value: parent.serializedOrigin },
    ],
    step: 'HTML, the sandbox attribute: "Setting both the allow-scripts and allow-same-origin keywords together when the embedded page has the same origin as the page containing the iframe allows the embedded page to simply remove the sandbox attribute and then reload itself."',
    fix: `Remove allow-same-origin: sandbox="${parsed.keywords.filter((k) => k !== 'allow-same-origin').join(' ')}" — or serve the framed content from a different origin.`,
  })];
};
