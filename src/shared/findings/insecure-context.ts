// insecure-scheme, insecure-ancestor: why the frame is not a secure context, naming the ancestor that breaks it.
import { finding, type Finding } from './catalog.ts';
import type { Rule } from './rules.ts';
import type { ContextCheck } from '../secure-context.ts';

const JUDGED: Record<ContextCheck['judgedAs'], string> = {
  origin: 'its origin',
  'sandboxed-precursor': 'the origin of its URL (it is sandboxed, so its own origin is opaque)',
  'data-url-opaque': 'its own opaque origin (a data: document; Chromium does not look at its creator)',
  'data-url-creator': 'the origin of the document that created it (a data: document; Firefox judges it by its creator)',
  'file-engine': 'its file: URL',
};

const ENGINE_NOTE = ' Engines differ here: Chromium judges a data: document by its own opaque origin (not secure); Firefox by its creator\'s.';

export const insecureContext: Rule = (frame) => {
  const v = frame.secureContext;
  if (v.secure) return [];
  const out: Finding[] = [];
  const note = v.engineSpecific ? ENGINE_NOTE : '';
  if (v.category === 'insecure-scheme') {
    out.push(finding('insecure-scheme', {
      frameId: frame.frameId,
      explanation: `This document is judged by ${JUDGED[v.self.judgedAs]}, ${v.self.judged}, which is not potentially trustworthy.${note}`,
      evidence: [
        { label: 'URL', value: frame.node.frame.url },
        { label: 'judged origin', value: v.self.judged },
        ...(v.brokenBy ? [{ label: 'also not trustworthy: ancestor', value: `frame ${v.brokenBy.frameId} (${v.brokenBy.url})` }] : []),
      ],
      step: 'Secure Contexts §3.1: the document\'s own origin (its creation URL\'s, when sandboxed) must be potentially trustworthy; §3.2 step 9: http: on a non-loopback host is "Not Trustworthy".',
      fix: v.self.judged === 'null'
        ? 'Load the frame from an https: URL instead of a data: URL (or use srcdoc, which inherits its parent\'s origin).'
        : `Serve ${v.self.judged} over HTTPS, or, for local testing only, add it to Frame Security's trustworthy origins (and start the browser with --unsafely-treat-insecure-origin-as-secure=${v.self.judged}).`,
      ...(v.engineSpecific ? { engineSpecific: true } : {}),
    }));
  } else if (v.category === 'insecure-ancestor' && v.brokenBy) {
    const b = v.brokenBy;
    out.push(finding('insecure-ancestor', {
      frameId: frame.frameId,
      explanation: `This document's own origin is trustworthy, but its ancestor, frame ${b.frameId} (${b.url}), is not: ${b.judged} is not potentially trustworthy, so nothing below it is a secure context.${note}`,
      evidence: [
        { label: 'breaking ancestor', value: `frame ${b.frameId}: ${b.url}` },
        { label: 'ancestor origin', value: b.judged },
        { label: 'chain (nearest first)', value: v.ancestors.map((a) => `${a.judged} ${a.trustworthy ? '✓' : '✗'}`).join(' → ') },
      ],
      step: 'Secure Contexts §3.1: every ancestor document must be potentially trustworthy (Chromium: InsecureAncestor).',
      fix: `Serve the ancestor ${b.judged} over HTTPS (an HTTPS frame cannot make its page secure), or open this content top-level.`,
      ...(v.engineSpecific ? { engineSpecific: true } : {}),
    }));
  }
  return out;
};
