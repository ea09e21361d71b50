// csp-sandbox-report-only, multiple-csp-sandbox: CSP sandbox directives that do less, or more, than they seem to.
import { finding, type Finding } from './catalog.ts';
import type { Rule } from './rules.ts';

export const cspSandbox: Rule = (frame) => {
  const out: Finding[] = [];
  const { enforced, reportOnly } = frame.sandbox.cspDirectives;
  for (const d of reportOnly) {
    out.push(finding('csp-sandbox-report-only', {
      frameId: frame.frameId,
      explanation: `Content-Security-Policy-Report-Only (header line ${d.line + 1}) has "${`sandbox ${d.value}`.trimEnd()}", which neither sandboxes the document nor reports anything.`,
      evidence: [{ label: 'header', value: `Content-Security-Policy-Report-Only: … sandbox ${d.value}`.trimEnd() }],
      step: 'HTML "CSP-derived sandboxing flags", step 2: only policies whose disposition is "enforce" count.',
    }));
  }
  if (enforced.length > 1) {
    out.push(finding('multiple-csp-sandbox', {
      frameId: frame.frameId,
      explanation: `${enforced.length} enforced policies carry a sandbox directive; the flags of all of them apply.`,
      evidence: enforced.map((d) => ({ label: `header line ${d.line + 1}`, value: `sandbox ${d.value}`.trimEnd() })),
      step: 'CSP: every enforced policy is enforced. Deviation: HTML\'s "CSP-derived sandboxing flags" reads only the last sandbox directive; browsers apply the union.',
    }));
  }
  return out;
};
