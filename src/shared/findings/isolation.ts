// isolation-incomplete, isolation-permission-missing: why crossOriginIsolated is false where the page wants it;
// isolation-permission-chromium-only: isolated here (Firefox) but not in Chromium.
import { COEP, COEP_RO } from '../coep.ts';
import { COOP, COOP_RO } from '../coop.ts';
import { headerValues } from '../headers.ts';
import { finding, type Finding } from './catalog.ts';
import type { Rule } from './rules.ts';

const ISOLATION_HEADERS = [COOP, COOP_RO, COEP, COEP_RO];

/** The explanation for a frame the permission does not reach, one per step text (most frames of a page share a few). */
const permissionMissingTexts = new Map<string, string>();
function permissionMissing(detail: string): string {
  let text = permissionMissingTexts.get(detail);
  if (text === undefined) {
    text = `The page is cross-origin isolated, but this frame is not: ${detail} SharedArrayBuffer and precise timers are unavailable here.`;
    if (permissionMissingTexts.size >= 256) permissionMissingTexts.clear();
    permissionMissingTexts.set(detail, text);
  }
  return text;
}

export const isolation: Rule = (frame, { page }) => {
  const out: Finding[] = [];
  const i = frame.isolation;
  const top = page.frames[0];
  const topHeaders = top?.node.frame.response?.headers ?? [];
  // (Only the top frame's finding needs them: not read again for every frame.)
  const asked = frame === top && !i.groupIsolated ? ISOLATION_HEADERS.filter((h) => headerValues(topHeaders, h).length > 0) : [];
  if (frame === top && !i.groupIsolated && asked.length > 0 && i.firstFailure) {
    out.push(finding('isolation-incomplete', {
      frameId: frame.frameId,
      explanation: `The page sends ${asked.join(', ')}, but it is not cross-origin isolated. First failing step: ${i.firstFailure.detail}`,
      evidence: [
        ...asked.map((h) => ({ label: h, value: headerValues(topHeaders, h).join(', ') })),
        { label: 'checklist', value: i.checklist.map((s) => `${s.ok ? '✓' : '✗'} ${s.id}`).join('  ') },
      ],
      step: 'HTML: the browsing context group is cross-origin isolated when its top-level document\'s opener policy is same-origin-plus-COEP (COOP same-origin with a COEP compatible with isolation, in a secure context).',
      fix: i.firstFailure.fix || undefined,
    }));
  }
  // A frame whose document never loaded (blocked, failed) has no isolation to lose: its own finding says why.
  const loaded = frame.load.status === 'loaded' || frame.load.status === 'loading';
  if (i.groupIsolated && !i.permission && loaded) {
    const step = i.checklist.find((s) => s.id === 'permission');
    out.push(finding('isolation-permission-missing', {
      frameId: frame.frameId,
      explanation: permissionMissing(step?.detail ?? 'the permission does not reach it.'),
      evidence: [
        { label: 'frame origin', value: frame.serializedOrigin },
        { label: '<iframe allow>', value: frame.node.owner?.allow ?? '(none)' },
      ],
      step: 'Permissions Policy "define an inherited policy for feature in container": cross-origin-isolated has the default allowlist self.',
      fix: step?.fix || undefined,
    }));
  }
  if (i.groupIsolated && !i.policyPermission && !i.permissionEnforced && loaded) {
    const step = i.checklist.find((s) => s.id === 'permission');
    out.push(finding('isolation-permission-chromium-only', {
      frameId: frame.frameId,
      explanation: `This frame is cross-origin isolated in Firefox, which does not enforce the cross-origin-isolated permission. ${step?.detail ?? ''} In Chromium, SharedArrayBuffer and precise timers would be unavailable here.`,
      evidence: [
        { label: 'frame origin', value: frame.serializedOrigin },
        { label: '<iframe allow>', value: frame.node.owner?.allow ?? '(none)' },
      ],
      step: 'Permissions Policy "define an inherited policy for feature in container": cross-origin-isolated has the default allowlist self (enforced by Chromium, not by Firefox).',
      fix: i.permissionFix || undefined,
    }));
  }
  return out;
};
