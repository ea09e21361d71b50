// popup-opener-cut: a popup whose COOP pairing with its opener severed window.opener.
import { finding } from './catalog.ts';
import type { Rule } from './rules.ts';

export const popupOpener: Rule = (frame, { page }) => {
  const s = page.openerSurvives;
  if (!s || s.kept || frame !== page.frames[0] || !page.opener) return [];
  return [finding('popup-opener-cut', {
    frameId: frame.frameId,
    explanation: `The popup started as about:blank with its opener's COOP (${s.initialCOOP}, origin of the opener frame) and navigated to a document with COOP ${s.responseCOOP} (${frame.serializedOrigin}): the values do not match, so the browser moved the popup to a new browsing context group.`,
    evidence: [
      { label: 'opener', value: page.opener.url },
      { label: "opener's COOP (inherited by the popup's about:blank)", value: s.initialCOOP },
      { label: "popup's COOP", value: s.responseCOOP },
      { label: 'rule', value: s.step },
    ],
    step: 'HTML "check if COOP values require a browsing context group switch" and "matching COOP".',
  })];
};
