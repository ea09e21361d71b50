// coep-blocked-frame, corp-blocked-frame, xfo-blocked-frame, frame-ancestors-blocked-frame,
// coep-report-only-would-block: a frame whose document may not load here, and the header that says so.
import { describeLoadError } from '../load-errors.ts';
import { checkEmbedding, engineEmbeddingInputs } from '../framing.ts';
import { serializeOrigin } from '../origin.ts';
import { finding, type Finding, type FindingId } from './catalog.ts';
import type { Rule } from './rules.ts';

const ID: Record<string, FindingId> = {
  coep: 'coep-blocked-frame',
  corp: 'corp-blocked-frame',
  'x-frame-options': 'xfo-blocked-frame',
  'frame-ancestors': 'frame-ancestors-blocked-frame',
};

export const blockedFrame: Rule = (frame, { parent, page }) => {
  const e = frame.embedding;
  const response = frame.node.frame.response;
  if (!e || !parent || !response) return [];
  const out: Finding[] = [];
  const cause = e.blockedBy[0];
  if (cause) {
    const observed = frame.load.status === 'blocked' ? `The browser blocked it (${frame.load.error === null ? 'no error given' : describeLoadError(frame.load.error)}).` : `The browser reported: ${frame.load.status}.`;
    const evidence = [{ label: 'framed document', value: response.url }, { label: 'embedder', value: parent.serializedOrigin }];
    let explanation = '';
    let fix: string | undefined;
    if (cause === 'coep') {
      explanation = `The embedding document has Cross-Origin-Embedder-Policy: ${e.coep!.parent}, and this document sends none that is compatible (${e.coep!.child}). ${observed}`;
      evidence.push({ label: 'Cross-Origin-Embedder-Policy of the framed document', value: frame.policies.embedder.value });
    } else if (cause === 'corp') {
      const corp = e.corp!;
      explanation = `Under the embedder's COEP (${parent.policies.embedder.value}) a cross-origin framed document needs Cross-Origin-Resource-Policy; ${corp.defaulted ? 'it sends none, so same-origin is assumed' : `it sends ${corp.policy}`}, and ${serializeOrigin(frame.precursor)} is not ${corp.policy === 'same-site' ? 'same site' : 'same origin'} with ${parent.serializedOrigin}. ${observed}`;
      evidence.push({ label: 'Cross-Origin-Resource-Policy', value: frame.policies.corp ?? '(absent)' });
      if (e.blockedBy.includes('coep')) fix = 'Send both Cross-Origin-Resource-Policy: cross-origin and Cross-Origin-Embedder-Policy: require-corp with the framed document (or make the <iframe> credentialless).';
    } else if (cause === 'x-frame-options') {
      explanation = `The framed document sends X-Frame-Options: ${e.xfo.raw ?? ''} (${e.xfo.step}). ${observed}`;
      evidence.push({ label: 'X-Frame-Options', value: e.xfo.raw ?? '' });
    } else {
      const fa = e.frameAncestors;
      explanation = `The framed document's frame-ancestors ${fa.allowed ? '' : `"${fa.directive}" does not match the ancestor ${serializeOrigin(fa.ancestor)}`}. ${observed}`;
      if (!fa.allowed) evidence.push({ label: 'Content-Security-Policy', value: `frame-ancestors ${fa.directive}` });
    }
    if (e.blockedBy.length > 1) evidence.push({ label: 'also blocking', value: e.blockedBy.slice(1).join(', ') });
    out.push(finding(ID[cause]!, {
      frameId: frame.frameId,
      explanation,
      evidence,
      step: cause === 'corp' ? 'Fetch "cross-origin resource policy internal check", forNavigation, with the embedder\'s policy.'
        : cause === 'coep' ? 'HTML "check a navigation response\'s adherence to its embedder policy".'
        : cause === 'x-frame-options' ? 'HTML "check a navigation response\'s adherence to X-Frame-Options".'
        : 'CSP "Should navigation response to navigation request of type in target be blocked by Content Security Policy?" (frame-ancestors).',
      fix: fix || undefined,
    }));
  }
  // A report-only embedder policy: what enforcing it would do to this frame.
  if (parent.policies.embedder.reportOnlyValue !== 'unsafe-none' && parent.policies.embedder.value === 'unsafe-none') {
    const wouldBe = checkEmbedding({
      headers: response.headers, responseURL: response.url,
      ancestors: [parent.origin],
      parentPolicy: { ...parent.policies.embedder, value: parent.policies.embedder.reportOnlyValue },
      childPolicy: frame.policies.embedder,
      ...engineEmbeddingInputs({ engine: page.engine, owner: frame.node.owner, origin: frame.origin, sandboxedOrigin: frame.sandbox.active.has('origin') }),
    });
    const would = wouldBe.blockedBy.filter((b) => b === 'coep' || b === 'corp');
    if (would.length > 0) {
      out.push(finding('coep-report-only-would-block', {
        frameId: frame.frameId,
        explanation: `The embedder sends Cross-Origin-Embedder-Policy-Report-Only: ${parent.policies.embedder.reportOnlyValue}; enforced, it would block this frame (${would.join(' and ')}).`,
        evidence: [{ label: 'framed document', value: response.url }, { label: 'Cross-Origin-Resource-Policy', value: frame.policies.corp ?? '(absent)' }, { label: 'its COEP', value: frame.policies.embedder.value }],
        step: 'HTML "check a navigation response\'s adherence to its embedder policy", report-only branch: a violation is reported, the navigation goes on.',
      }));
    }
  }
  return out;
};
