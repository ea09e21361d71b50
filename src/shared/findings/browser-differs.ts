// analysis-differs-from-browser: the frame itself reports another origin, secure context or isolation.
import { finding, type Evidence } from './catalog.ts';
import type { Rule } from './rules.ts';

export const browserDiffers: Rule = (frame) => {
  const o = frame.node.frame.observed;
  if (!o) return [];
  const diffs: Evidence[] = [];
  if (o.origin !== frame.serializedOrigin) diffs.push({ label: 'self.origin', value: `browser ${o.origin}, analysis ${frame.serializedOrigin}` });
  if (o.isSecureContext !== frame.secureContext.secure) diffs.push({ label: 'isSecureContext', value: `browser ${o.isSecureContext}, analysis ${frame.secureContext.secure}` });
  if (o.crossOriginIsolated !== frame.predicted.crossOriginIsolated) diffs.push({ label: 'crossOriginIsolated', value: `browser ${o.crossOriginIsolated}, analysis ${frame.predicted.crossOriginIsolated}` });
  if (o.originAgentCluster !== null && o.originAgentCluster !== frame.originKeyed.keyed) diffs.push({ label: 'originAgentCluster', value: `browser ${o.originAgentCluster}, analysis ${frame.originKeyed.keyed}` });
  if (diffs.length === 0) return [];
  return [finding('analysis-differs-from-browser', {
    frameId: frame.frameId,
    explanation: `What this frame reports differs from the analysis on ${diffs.map((d) => d.label).join(', ')}.`,
    evidence: diffs.slice(), // (copied to its length: push leaves spare room in a list the report keeps)
    step: 'The analysis predicts from the recorded headers, attributes and tree; the frame\'s own content script reports what the browser decided.',
  })];
};
