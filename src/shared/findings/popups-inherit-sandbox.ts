// popups-inherit-sandbox: popups are allowed, but they inherit the sandbox.
import { finding } from './catalog.ts';
import { describeSource } from './describe.ts';
import type { Rule } from './rules.ts';

export const popupsInheritSandbox: Rule = (frame) => {
  const s = frame.sandbox;
  if (s.active.size === 0 || s.active.has('auxiliary-navigation') || !s.active.has('propagates-to-auxiliary-browsing-contexts')) return [];
  const sources = s.sources.get('propagates-to-auxiliary-browsing-contexts') ?? [];
  return [finding('popups-inherit-sandbox', {
    frameId: frame.frameId,
    explanation: `This frame may open popups, and each one starts with its sandboxing flags (${s.active.size} flags, e.g. ${['scripts', 'origin'].filter((f) => s.active.has(f as never)).join(' and ') || 'navigation'} blocked).`,
    evidence: sources.map((src) => ({ label: 'set by', value: describeSource(src, frame.frameId) })),
    step: 'HTML, creating a new auxiliary browsing context: if the sandbox propagates to auxiliary browsing contexts flag is set, the opener\'s active flags become the popup\'s.',
    fix: 'Add allow-popups-to-escape-sandbox next to allow-popups if the pages it opens must work normally.',
  })];
};
