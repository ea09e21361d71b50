// The recorded facts about one tab: what the browser loaded and what each document said about itself.
// Plain JSON, no verdicts. The background writes it, the core reads it, the panel and CLI show it.
// Every verdict must be reproducible from a snapshot alone.

/** Bumped whenever the shape below changes incompatibly (stored records of an older shape are dropped). */
export const SNAPSHOT_VERSION = 1;

/** One response header field line, exactly as received: name and value, in order, repeats kept. */
export type HeaderLine = [name: string, value: string];

export interface RecordedResponse {
  url: string;
  statusCode: number;
  statusLine: string;
  headers: HeaderLine[];
  /** Lines (and their bytes) left out because the response exceeded the per-response cap. */
  droppedHeaderLines?: number;
  fromCache: boolean;
  ip?: string;
  timeStamp: number;
}

export type FrameType = 'outermost_frame' | 'sub_frame' | 'fenced_frame';
export type DocumentLifecycle = 'prerender' | 'active' | 'cached' | 'pending_deletion';

/** What a document's own content script read from the browser, in that document. */
export interface ObservedDocument {
  documentId?: string;
  url: string;
  origin: string;
  isSecureContext: boolean;
  crossOriginIsolated: boolean;
  /** `document.domain`, or null where reading it threw. */
  documentDomain: string | null;
  /** `window.originAgentCluster`, or null where the browser does not expose it. */
  originAgentCluster: boolean | null;
  /** Top-level documents only: `window.opener !== null` (a popup that can still reach its opener). */
  hasOpener?: boolean;
  /**
   * When the document's response started to arrive, in ms since the epoch by the page's own clock
   * (its navigation timing); absent where there is none (about:blank, srcdoc). The analysis picks the
   * sandbox attribute in effect by it: the parent's record of attribute changes is on the same clock,
   * while a commit event can be stamped after the page already changed the attribute (Firefox 153).
   */
  responseStartAt?: number;
  observedAt: number;
}

/** An `<iframe>` or `<frame>` element as the embedding document's content script saw it. */
export interface EmbedElement {
  tag: 'iframe' | 'frame';
  /** Position among the document's frame elements, in document order. */
  index: number;
  /** The child frame this element hosts, once known. */
  frameId: number | null;
  /**
   * How frameId was learned: the browser's runtime.getFrameId, the child's answer to a nonce probe, or
   * (for a child where no content script runs, e.g. an error page) the only unmapped child at that URL.
   */
  mappedBy: 'getFrameId' | 'nonce' | 'url' | null;
  /** The nonce posted to the element's window (Chromium), used to learn frameId. */
  probe?: string;
  id: string | null;
  name: string | null;
  /** The title attribute as written (it labels frames that have no id or name); null when absent. */
  title?: string | null;
  /** Attributes exactly as written; null when absent. */
  src: string | null;
  srcdoc: boolean;
  sandbox: string | null;
  allow: string | null;
  referrerPolicy: string | null;
  loading: string | null;
  credentialless: { attribute: boolean; property: boolean | null };
  /**
   * Earlier values of the sandbox attribute, oldest first: each value and when (ms since the epoch)
   * it was replaced. A frame keeps the flags it navigated with, so the value in effect for its document
   * is the one current when its navigation started. At most MAX_SANDBOX_HISTORY entries.
   */
  sandboxHistory?: { value: string | null; until: number }[];
}

export const MAX_SANDBOX_HISTORY = 8;

export type FrameStatus = 'navigating' | 'committed' | 'loaded' | 'error';

export interface FrameRecord {
  frameId: number;
  /** -1 for the top frame. */
  parentFrameId: number;
  documentId?: string;
  parentDocumentId?: string;
  url: string;
  frameType?: FrameType;
  documentLifecycle?: DocumentLifecycle;
  status: FrameStatus;
  /**
   * 'observer': the browser's navigation API never reported this frame (Chromium hides blob: frames
   * from extensions); it is recorded from its own content script's report and its parent's element.
   */
  knownFrom?: 'observer';
  /** A navigation of this frame has started and not yet committed or failed: its URL. */
  pendingNavigation?: string;
  /** The browser's error for the last navigation, e.g. `net::ERR_BLOCKED_BY_RESPONSE`. */
  error?: string;
  transitionType?: string;
  /** When (ms since the epoch) the navigation that created the current document started, and when it committed. */
  navigationStartedAt?: number;
  committedAt?: number;
  /** When the pending navigation (pendingNavigation) started. */
  pendingNavigationAt?: number;
  /** The document's own response, for documents fetched over the network. */
  response?: RecordedResponse;
  observed?: ObservedDocument;
  embeds?: EmbedElement[];
  /** The document that reported `embeds`. */
  embedsDocumentId?: string;
  /** Frame elements beyond the per-document cap. */
  droppedEmbeds?: number;
  updatedAt: number;
}

/**
 * The frame that opened this page's tab as a popup (webNavigation.onCreatedNavigationTarget), with the
 * records of that frame and its ancestors, top first, as they were when the popup was created: a
 * popup's sandboxing flags come from its opener, which may have navigated away since.
 */
export interface OpenerRecord {
  tabId: number;
  frameId: number;
  url: string;
  at: number;
  /** The opener frame's chain, top first; the last entry is the opener frame. Empty when not recorded. */
  chain: FrameRecord[];
}

/** One response of a subresource request: a redirect or the final response, with the headers that decide embedding. */
export interface SubresourceResponse {
  url: string;
  statusCode: number;
  fromCache: boolean;
  /** Only the lines that decide whether an embedder policy lets the response in (SUBRESOURCE_HEADERS). */
  headers: HeaderLine[];
  /** The response was known only from its completion (its headers event was missed): headers unknown. */
  headersUnknown?: boolean;
}

/**
 * One request a document made for something other than a navigation (script, image, style, font,
 * fetch, media, …): what COEP, CORP and CORS decide on. Recorded, never judged.
 */
export interface SubresourceRecord {
  /** The browser's request id. */
  requestId: string;
  /** The frame whose document made the request. */
  frameId: number;
  documentId?: string;
  /** The browser's resource type, as it names it (webRequest ResourceType: script, image, font, …). */
  type: string;
  method: string;
  /** The request's URL (before any redirect). */
  url: string;
  /** The origin that made the request, as the browser reports it (Chromium `initiator`, Firefox `originUrl`). */
  initiator?: string;
  /**
   * The request's fetch metadata headers as sent, where the browser exposes them (browsers send them
   * only to potentially trustworthy URLs): request mode, destination and site.
   */
  fetchMode?: string;
  fetchDest?: string;
  fetchSite?: string;
  /** Whether the request (any of its redirects) carried a Cookie header (its value is never kept); absent when not seen. */
  sentCookies?: boolean;
  /** Redirects and then the final response, in order (at most MAX_SUBRESOURCE_RESPONSES). */
  responses: SubresourceResponse[];
  state: 'pending' | 'complete' | 'error';
  /** The browser's error, e.g. `net::ERR_BLOCKED_BY_RESPONSE`. */
  error?: string;
  startedAt: number;
  endedAt?: number;
}

/** The response header lines kept for a subresource: the ones embedding decisions read. */
export const SUBRESOURCE_HEADERS = [
  'cross-origin-resource-policy',
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'content-type',
] as const;
export const MAX_SUBRESOURCE_RESPONSES = 20;
/** Header lines kept per subresource response (a server may repeat one of SUBRESOURCE_HEADERS). */
export const MAX_SUBRESOURCE_HEADER_LINES = 16;

/** One top-level document and its frames. A new top-level navigation starts a new page. */
export interface PageRecord {
  /** The top document's documentId where the browser gives one, else a generated id. */
  pageId: string;
  tabId: number;
  url: string;
  startedAt: number;
  lifecycle: 'active' | 'prerender' | 'inactive';
  frames: Record<string, FrameRecord>;
  /** What the per-page caps left out, counted so the panel can say so. */
  dropped: { frames: number; frameIds?: number[]; subresources?: number };
  /** The subresource requests of the page's current documents, by request id (capped per page). */
  subresources?: Record<string, SubresourceRecord>;
  /** Set when the tab was opened by another tab's frame (a popup or a target=_blank link). */
  openedBy?: OpenerRecord;
}

/** What the panel and the CLI receive for one tab. */
export interface TabSnapshot {
  version: number;
  tabId: number;
  page: PageRecord | null;
}

export function framesOf(page: PageRecord): FrameRecord[] {
  return Object.values(page.frames);
}
