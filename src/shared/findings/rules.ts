// The rules, in the order they run. Each takes one evaluated frame and returns its findings.
import type { FrameEvaluation, PageEvaluation } from '../evaluate.ts';
import type { Finding } from './catalog.ts';
import { insecureContext } from './insecure-context.ts';
import { escapableSandbox } from './escapable-sandbox.ts';
import { sandboxTokens } from './sandbox-tokens.ts';
import { sandboxChangedAfterLoad } from './sandbox-changed-after-load.ts';
import { popupsInheritSandbox } from './popups-inherit-sandbox.ts';
import { cspSandbox } from './csp-sandbox.ts';
import { sandboxOnFrameElement } from './sandbox-on-frame-element.ts';
import { policyHeaders } from './policy-headers.ts';
import { isolation } from './isolation.ts';
import { blockedFrame } from './blocked-frame.ts';
import { popupOpener } from './popup-opener.ts';
import { browserDiffers } from './browser-differs.ts';
import { subresources } from './subresources.ts';

export interface RuleContext {
  page: PageEvaluation;
  parent: FrameEvaluation | undefined;
}
export type Rule = (frame: FrameEvaluation, context: RuleContext) => Finding[];

export const RULES: readonly Rule[] = [
  insecureContext,
  escapableSandbox,
  sandboxTokens,
  sandboxChangedAfterLoad,
  popupsInheritSandbox,
  cspSandbox,
  sandboxOnFrameElement,
  policyHeaders,
  isolation,
  blockedFrame,
  subresources,
  popupOpener,
  browserDiffers,
];
