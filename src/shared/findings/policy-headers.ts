// policy-header-invalid, policy-ignored-insecure-context, coop-in-frame: headers that do not do what they say.
import { finding, type Finding } from './catalog.ts';
import type { Rule } from './rules.ts';

export const policyHeaders: Rule = (frame) => {
  const out: Finding[] = [];
  const insecure = frame.policies.problems.filter((p) => p.reason.startsWith('ignored: the document is not a secure context'));
  if (insecure.length > 0) {
    out.push(finding('policy-ignored-insecure-context', {
      frameId: frame.frameId,
      explanation: `${insecure.map((p) => p.header).join(' and ')} ${insecure.length > 1 ? 'are' : 'is'} ignored because this document is not a secure context (${frame.secureContext.category}).`,
      evidence: insecure.map((p) => ({ label: p.header, value: p.raw })),
      step: 'HTML "obtain an embedder policy" / "obtain an opener policy", step 2: a non-secure context gets the default policy.',
    }));
  }
  for (const p of frame.policies.problems) {
    if (p.reason.startsWith('ignored: the document is not a secure context')) continue;
    if (p.reason.startsWith('ignored: COOP applies to top-level documents')) {
      out.push(finding('coop-in-frame', {
        frameId: frame.frameId,
        explanation: `This document sends ${p.header} but is a frame: only top-level documents have an opener policy.`,
        evidence: [{ label: p.header, value: p.raw }],
        step: 'HTML: the opener policy is part of the top-level browsing context\'s navigation; a child navigable\'s COOP is never consulted.',
      }));
      continue;
    }
    out.push(finding('policy-header-invalid', {
      frameId: frame.frameId,
      explanation: `${p.header}: ${JSON.stringify(p.raw)} — ${p.reason}.`,
      evidence: [{ label: p.header, value: p.raw }],
      step: 'Fetch "get a structured field value" (RFC 9651) and the header\'s own algorithm: a value that fails to parse or is not one of the known tokens gives the default.',
    }));
  }
  return out;
};
