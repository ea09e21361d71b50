// Every message that crosses a boundary: content script → background (runtime messages) and
// background ↔ panel (a runtime Port). One map from message name to payload, one version, and
// runtime guards: nothing is trusted because of its type annotation.
import { MAX_SANDBOX_HISTORY } from './snapshot.ts';
import type {
  EmbedElement,
  OpenerRecord,
  FrameRecord,
  ObservedDocument,
  PageRecord,
  RecordedResponse,
  SubresourceRecord,
  SubresourceResponse,
  TabSnapshot,
} from './snapshot.ts';
import { MAX_SUBRESOURCE_HEADER_LINES, MAX_SUBRESOURCE_RESPONSES } from './snapshot.ts';

export const PROTOCOL_VERSION = 1;
export const PANEL_PORT_NAME = 'frame-security-panel';
/** The DevTools page's Port: open while a DevTools window is open on the tab it names. */
export const DEVTOOLS_PORT_NAME = 'frame-security-devtools';

/** Longest page-controlled string kept; longer ones are clipped with a visible marker. */
export const MAX_TEXT = 8192;
/** Most frame elements one document may report. */
export const MAX_EMBEDS = 1000;
/** Most popups of one tab sent to its panel. */
export const MAX_POPUPS = 100;

// ── content script → background ─────────────────────────────────────────────────────────────────
export type EmbedReport = Omit<EmbedElement, 'frameId' | 'mappedBy'> & { frameId: number | null };

export interface ContentMessages {
  observe: Omit<ObservedDocument, 'documentId' | 'observedAt'>;
  embeds: { embeds: EmbedReport[]; dropped: number };
  probe: { nonce: string };
}
export type ContentMessage = {
  [K in keyof ContentMessages]: { type: K; v: number } & ContentMessages[K];
}[keyof ContentMessages];

// ── background → content script ─────────────────────────────────────────────────────────────────
/**
 * What a document's observer outlines: one of its own frame elements (found by the browser's frame id in
 * Firefox, by the nonce its probe posted in Chromium), or, in a top-level document, the viewport.
 */
export type HighlightTarget =
  | { kind: 'element'; frameId: number; probe?: string }
  | { kind: 'viewport' };
export interface BackgroundToContent {
  /** Outline the target in this document, replacing any outline; null removes it. */
  highlight: { target: HighlightTarget | null };
  /**
   * Say again what this document reported (its observation, its frame elements, the probe nonces it
   * claimed): a restarted background may have lost what arrived after its last write to storage.
   */
  report: Record<string, never>;
}
export type ContentCommand = {
  [K in keyof BackgroundToContent]: { type: K; v: number } & BackgroundToContent[K];
}[keyof BackgroundToContent];

// ── panel ↔ background ──────────────────────────────────────────────────────────────────────────
export interface PanelToBackground {
  hello: { tabId: number };
  /** Outline this frame of the tab in the page (null: remove the outline), as DevTools does for elements. */
  highlight: { tabId: number; frameId: number | null };
}

/**
 * A tab opened by the panel's tab (a popup or a target=_blank link): its active page reduced to the
 * top-level frame, with `openedBy` (the opener's records copied when it opened). Raw facts: the panel
 * asks the core whether the opener survived.
 */
export interface PopupRecord {
  tabId: number;
  page: PageRecord;
}

export interface BackgroundToPanel {
  /** `popups`, when present, replaces the panel's list of the tab's popups; absent means unchanged. */
  snapshot: { snapshot: TabSnapshot; popups?: PopupRecord[] };
  update: {
    tabId: number;
    pageId: string;
    upserts: FrameRecord[];
    removed: number[];
    /** Subresource requests added or changed, and removed (by request id). */
    resources: SubresourceRecord[];
    resourcesRemoved: string[];
    /** The page's overflow counts, which change with the frames and requests. */
    dropped: PageRecord['dropped'];
    /** When present, the tab's popups now (replaces the list). */
    popups?: PopupRecord[];
  };
  'version-mismatch': { expected: number };
}
/** The DevTools page → background: DevTools is open on this tab (record it while the Port lives). */
export interface WatchMessage {
  type: 'watch';
  v: number;
  tabId: number;
}
export type PanelMessage = {
  [K in keyof PanelToBackground]: { type: K; v: number } & PanelToBackground[K];
}[keyof PanelToBackground];
export type BackgroundMessage = {
  [K in keyof BackgroundToPanel]: { type: K; v: number } & BackgroundToPanel[K];
}[keyof BackgroundToPanel];

// ── guards ──────────────────────────────────────────────────────────────────────────────────────
type Rec = Record<string, unknown>;
const isObj = (x: unknown): x is Rec => typeof x === 'object' && x !== null && !Array.isArray(x);
const isStr = (x: unknown, max = MAX_TEXT * 2): x is string => typeof x === 'string' && x.length <= max;
const isInt = (x: unknown): x is number => Number.isSafeInteger(x);
const isBool = (x: unknown): x is boolean => typeof x === 'boolean';
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const optStr = (x: unknown) => x === undefined || isStr(x);
const optNum = (x: unknown) => x === undefined || isNum(x);
const strOrNull = (x: unknown) => x === null || isStr(x);
const boolOrNull = (x: unknown) => x === null || isBool(x);

/** Clip page-controlled text so one document cannot blow up the record. */
export function clipText(s: string, max = MAX_TEXT): string {
  return s.length <= max ? s : `${s.slice(0, max)}…[${s.length - max} more characters]`;
}

const NONCE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const isNonce = (x: unknown): x is string => typeof x === 'string' && NONCE.test(x);

function isEmbedReport(x: unknown): x is EmbedReport {
  if (!isObj(x)) return false;
  const c = x.credentialless;
  return (
    (x.tag === 'iframe' || x.tag === 'frame') &&
    isInt(x.index) && x.index >= 0 &&
    (x.frameId === null || (isInt(x.frameId) && x.frameId >= 0)) &&
    (x.probe === undefined || isNonce(x.probe)) &&
    strOrNull(x.id) && strOrNull(x.name) && (x.title === undefined || strOrNull(x.title)) && strOrNull(x.src) && isBool(x.srcdoc) &&
    strOrNull(x.sandbox) && strOrNull(x.allow) && strOrNull(x.referrerPolicy) && strOrNull(x.loading) &&
    isObj(c) && isBool(c.attribute) && boolOrNull(c.property) &&
    (x.sandboxHistory === undefined || (Array.isArray(x.sandboxHistory) && x.sandboxHistory.length <= MAX_SANDBOX_HISTORY &&
      x.sandboxHistory.every((h) => isObj(h) && strOrNull(h.value) && isNum(h.until))))
  );
}

/** Checks a message from a content script. Anything else is dropped by the caller. */
export function isContentMessage(x: unknown): x is ContentMessage {
  if (!isObj(x) || x.v !== PROTOCOL_VERSION) return false;
  switch (x.type) {
    case 'observe':
      return isStr(x.url) && isStr(x.origin) && isBool(x.isSecureContext) && isBool(x.crossOriginIsolated) &&
        strOrNull(x.documentDomain) && boolOrNull(x.originAgentCluster) && (x.hasOpener === undefined || isBool(x.hasOpener)) &&
        (x.responseStartAt === undefined || isNum(x.responseStartAt));
    case 'embeds':
      return Array.isArray(x.embeds) && x.embeds.length <= MAX_EMBEDS && x.embeds.every(isEmbedReport) &&
        isInt(x.dropped) && x.dropped >= 0;
    case 'probe':
      return isNonce(x.nonce);
    default:
      return false;
  }
}

export function isPanelMessage(x: unknown): x is PanelMessage {
  if (!isObj(x) || !isInt(x.v) || !isInt(x.tabId)) return false;
  switch (x.type) {
    case 'hello':
      return true;
    case 'highlight':
      return x.frameId === null || (isInt(x.frameId) && x.frameId >= 0);
    default:
      return false;
  }
}

export function isWatchMessage(x: unknown): x is WatchMessage {
  return isObj(x) && x.type === 'watch' && isInt(x.v) && isInt(x.tabId) && (x.tabId as number) >= 0 && Object.keys(x).length === 3;
}

/** Checks a command from the background, in a content script. */
export function isContentCommand(x: unknown): x is ContentCommand {
  if (!isObj(x) || x.v !== PROTOCOL_VERSION) return false;
  if (x.type === 'report') return Object.keys(x).length === 2;
  if (x.type !== 'highlight') return false;
  const t = x.target;
  if (t === null) return true;
  if (!isObj(t)) return false;
  if (t.kind === 'viewport') return true;
  return t.kind === 'element' && isInt(t.frameId) && t.frameId >= 0 && (t.probe === undefined || isNonce(t.probe));
}

function isResponse(x: unknown): x is RecordedResponse {
  return isObj(x) && isStr(x.url) && isInt(x.statusCode) && isStr(x.statusLine) && isBool(x.fromCache) &&
    isNum(x.timeStamp) && optStr(x.ip) && (x.droppedHeaderLines === undefined || isInt(x.droppedHeaderLines)) &&
    Array.isArray(x.headers) &&
    x.headers.every((h) => Array.isArray(h) && h.length === 2 && isStr(h[0]) && isStr(h[1]));
}

function isObserved(x: unknown): x is ObservedDocument {
  return isObj(x) && optStr(x.documentId) && isStr(x.url) && isStr(x.origin) && isBool(x.isSecureContext) &&
    isBool(x.crossOriginIsolated) && strOrNull(x.documentDomain) && boolOrNull(x.originAgentCluster) &&
    (x.hasOpener === undefined || isBool(x.hasOpener)) && (x.responseStartAt === undefined || isNum(x.responseStartAt)) && isNum(x.observedAt);
}

const FRAME_STATUS = new Set(['navigating', 'committed', 'loaded', 'error']);
const FRAME_TYPES = new Set(['outermost_frame', 'sub_frame', 'fenced_frame']);
const LIFECYCLES = new Set(['prerender', 'active', 'cached', 'pending_deletion']);
const optOneOf = (x: unknown, allowed: Set<string>) => x === undefined || (typeof x === 'string' && allowed.has(x));

export function isFrameRecord(x: unknown): x is FrameRecord {
  if (!isObj(x)) return false;
  return isInt(x.frameId) && isInt(x.parentFrameId) && optStr(x.documentId) && optStr(x.parentDocumentId) &&
    isStr(x.url) && optOneOf(x.frameType, FRAME_TYPES) && optOneOf(x.documentLifecycle, LIFECYCLES) && FRAME_STATUS.has(x.status as string) &&
    optStr(x.error) && optStr(x.pendingNavigation) && (x.knownFrom === undefined || x.knownFrom === 'observer') && optStr(x.transitionType) && isNum(x.updatedAt) &&
    optNum(x.navigationStartedAt) && optNum(x.committedAt) && optNum(x.pendingNavigationAt) &&
    (x.response === undefined || isResponse(x.response)) &&
    (x.observed === undefined || isObserved(x.observed)) &&
    (x.embeds === undefined || (Array.isArray(x.embeds) && x.embeds.every(isEmbedElement))) &&
    optStr(x.embedsDocumentId) && (x.droppedEmbeds === undefined || isInt(x.droppedEmbeds));
}

function isEmbedElement(x: unknown): x is EmbedElement {
  if (!isEmbedReport(x)) return false;
  const by = (x as Rec).mappedBy;
  return by === null || by === 'getFrameId' || by === 'nonce' || by === 'url';
}

function isSubresourceResponse(x: unknown): x is SubresourceResponse {
  return isObj(x) && isStr(x.url) && isInt(x.statusCode) && isBool(x.fromCache) && (x.headersUnknown === undefined || isBool(x.headersUnknown)) && Array.isArray(x.headers) &&
    x.headers.length <= MAX_SUBRESOURCE_HEADER_LINES && x.headers.every((h) => Array.isArray(h) && h.length === 2 && isStr(h[0]) && isStr(h[1]));
}

const REQUEST_STATES = new Set(['pending', 'complete', 'error']);
export function isSubresourceRecord(x: unknown): x is SubresourceRecord {
  return isObj(x) && isStr(x.requestId, 64 + 32) && isInt(x.frameId) && optStr(x.documentId) && isStr(x.type, 128) &&
    isStr(x.method, 64) && isStr(x.url) && optStr(x.initiator) && optStr(x.fetchMode) && optStr(x.fetchDest) &&
    optStr(x.fetchSite) && (x.sentCookies === undefined || isBool(x.sentCookies)) &&
    Array.isArray(x.responses) && x.responses.length <= MAX_SUBRESOURCE_RESPONSES && x.responses.every(isSubresourceResponse) &&
    REQUEST_STATES.has(x.state as string) && optStr(x.error) && isNum(x.startedAt) && optNum(x.endedAt);
}

function isDropped(x: unknown): x is PageRecord['dropped'] {
  return isObj(x) && isInt(x.frames) &&
    (x.frameIds === undefined || (Array.isArray(x.frameIds) && x.frameIds.every(isInt))) &&
    (x.subresources === undefined || isInt(x.subresources));
}

export function isPageRecord(x: unknown): x is PageRecord {
  return isObj(x) && isStr(x.pageId) && isInt(x.tabId) && isStr(x.url) && isNum(x.startedAt) &&
    (x.lifecycle === 'active' || x.lifecycle === 'prerender' || x.lifecycle === 'inactive') &&
    isObj(x.frames) && Object.values(x.frames).every(isFrameRecord) &&
    isDropped(x.dropped) &&
    (x.subresources === undefined || (isObj(x.subresources) && Object.values(x.subresources).every(isSubresourceRecord))) &&
    (x.openedBy === undefined || isOpenerRecord(x.openedBy));
}

/** Longest opener chain kept (frames from the opener's top document down to the opener frame). */
export const MAX_OPENER_CHAIN = 32;

function isOpenerRecord(x: unknown): x is OpenerRecord {
  return isObj(x) && isInt(x.tabId) && isInt(x.frameId) && isStr(x.url) && isNum(x.at) &&
    Array.isArray(x.chain) && x.chain.length <= MAX_OPENER_CHAIN && x.chain.every(isFrameRecord);
}

/** A popup: its own tab, a page that says who opened it, and only its top-level frame. */
export function isPopupRecord(x: unknown): x is PopupRecord {
  if (!isObj(x) || !isInt(x.tabId) || !isPageRecord(x.page)) return false;
  const frames = Object.values(x.page.frames);
  return x.page.openedBy !== undefined && frames.length <= 1 && frames.every((f) => f.parentFrameId === -1);
}
const optPopups = (x: unknown) => x === undefined || (Array.isArray(x) && x.length <= MAX_POPUPS && x.every(isPopupRecord));

export function isBackgroundMessage(x: unknown): x is BackgroundMessage {
  if (!isObj(x) || !isInt(x.v)) return false;
  switch (x.type) {
    case 'snapshot': {
      const s = x.snapshot;
      return isObj(s) && isInt(s.version) && isInt(s.tabId) && (s.page === null || isPageRecord(s.page)) && optPopups(x.popups);
    }
    case 'update':
      return optPopups(x.popups) && isInt(x.tabId) && isStr(x.pageId) && Array.isArray(x.upserts) && x.upserts.every(isFrameRecord) &&
        Array.isArray(x.removed) && x.removed.every(isInt) &&
        Array.isArray(x.resources) && x.resources.every(isSubresourceRecord) &&
        Array.isArray(x.resourcesRemoved) && x.resourcesRemoved.every((id) => isStr(id, 96)) && isDropped(x.dropped);
    case 'version-mismatch':
      return isInt(x.expected);
    default:
      return false;
  }
}
