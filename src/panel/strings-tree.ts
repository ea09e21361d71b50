// User-facing text of the frame tree (left pane): row badges, the finding icon, the filter toggle and
// the popups list.
import type { Severity } from '../shared/findings/catalog.ts';
import type { OpaqueReason } from '../shared/origin.ts';
import type { SecureContextCategory } from '../shared/secure-context.ts';
import type { SwitchStep } from '../shared/coop.ts';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

const SECURE_WHY: Record<SecureContextCategory, string> = {
  secure: 'its origin and every ancestor\'s are potentially trustworthy',
  'secure-localhost': 'it is served from localhost or a loopback address',
  'insecure-scheme': 'its own origin is not potentially trustworthy',
  'insecure-ancestor': 'an ancestor\'s origin is not potentially trustworthy',
};

const OPAQUE_WHY: Record<OpaqueReason['kind'], string> = {
  'invalid-url': 'its URL cannot be parsed',
  scheme: 'its URL\'s scheme has no tuple origin',
  'data-url': 'it is a data: document',
  'blob-inner': 'it is a blob: URL whose inner origin is opaque',
  sandboxed: 'its sandbox lacks allow-same-origin',
  'no-creator': 'it has no creator to take an origin from',
  'file-engine': 'the engine gives file: documents opaque origins',
};

const SWITCH_WHY: Record<SwitchStep, string> = {
  'both-unsafe-none': 'neither document sets COOP',
  'popup-of-same-origin-allow-popups': 'the opener\'s same-origin-allow-popups lets a popup without COOP keep it',
  matching: 'both COOP values match, same origin',
  'noopener-allow-popups': 'noopener-allow-popups always severs the opener',
  'not-matching': 'the COOP values or origins do not match, so the popup gets a new browsing context group',
};

const SEVERITY: Record<Severity, string> = { error: 'Error', warning: 'Warning', info: 'Info' };

export const treeStrings = {
  treeLabel: 'Frames',
  onlyProblems: 'Only problems',
  onlyProblemsTitle: 'Show only frames with an error or a warning (and the frames that contain them)',
  problemCount: (n: number) => `(${n})`,
  noMatch: 'No frame matches the filter.',
  badge: {
    blocked: 'blocked',
    error: 'error',
    loading: 'loading',
    secure: 'secure',
    insecure: 'not secure',
    isolated: 'cross-origin isolated',
    sandboxed: (lifted: number) => `sandboxed · ${lifted} lifted`,
    opaque: 'opaque origin',
    'same-origin': 'same-origin',
    'same-site': 'same-site',
    'cross-site': 'cross-site',
    orphan: 'orphan',
  },
  title: {
    blocked: (error: string) => `The browser blocked this frame's document (${error}); see the frame's findings for the header that decided.`,
    error: (error: string) => `The frame's document failed to load: ${error}`,
    loading: 'The frame\'s navigation has not committed yet.',
    secure: (c: SecureContextCategory) => `Secure context: ${SECURE_WHY[c]}.`,
    insecure: (c: SecureContextCategory, brokenBy: string | null) =>
      `Not a secure context: ${SECURE_WHY[c]}${brokenBy ? ` (${brokenBy})` : ''}. Secure-context-only APIs are missing here.`,
    isolated: 'crossOriginIsolated is true here: the group is isolated and the permission reaches this frame.',
    sandboxed: (lifted: readonly string[], total: number) =>
      `Sandboxed: ${total - lifted.length} of ${total} sandbox restrictions apply; lifted: ${lifted.length > 0 ? lifted.join(', ') : 'none'}.`,
    opaque: (kind: OpaqueReason['kind']) => `self.origin is "null": ${OPAQUE_WHY[kind]}.`,
    'same-origin': 'Same origin as the top-level document.',
    'same-site': 'Same site as the top-level document, not same origin.',
    'cross-site': 'Cross-site to the top-level document.',
    orphan: 'The parent frame of this frame is not in the record.',
  },
  severity: SEVERITY,
  /** Icons differ in shape, not only in colour. */
  icon: { error: '✖', warning: '▲', info: 'ℹ' } satisfies Record<Severity, string>,
  worst: (s: Severity, title: string, n: number) =>
    `${SEVERITY[s]}: ${title}${n > 1 ? ` (and ${plural(n - 1, 'more finding')})` : ''}`,
  popups: {
    heading: 'Popups opened by this tab',
    none: 'No popup or new tab was opened by this tab.',
    tab: (id: number) => `tab ${id}`,
    kept: 'opener kept',
    cut: 'opener cut',
    unknown: 'The opener frame was not recorded, so whether the opener survives cannot be said.',
    unknownBadge: 'opener unknown',
    why: (initial: string, response: string, step: SwitchStep) => `COOP ${initial} → ${response}: ${SWITCH_WHY[step]}.`,
    observed: (has: boolean) => (has ? 'window.opener is set in the popup' : 'window.opener is null in the popup'),
    observedDiffers: 'the popup reports otherwise (opened with noopener?)',
  },
} as const;
