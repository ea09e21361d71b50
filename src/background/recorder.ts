// The recorder: pure functions that fold browser events into a tab's record. No browser API here, so
// every rule below is unit-tested in Node with literal events. It records; it never judges.
import { MAX_OPENER_CHAIN, clipText, type ContentMessages } from '../shared/protocol.ts';
import { ownerElementOf } from '../shared/frame-tree.ts';
import { isBlockedByResponse } from '../shared/load-errors.ts';
import type {
  DocumentLifecycle,
  EmbedElement,
  FrameRecord,
  FrameType,
  HeaderLine,
  OpenerRecord,
  PageRecord,
  RecordedResponse,
  SubresourceRecord,
} from '../shared/snapshot.ts';
import { MAX_SUBRESOURCE_HEADER_LINES, MAX_SUBRESOURCE_RESPONSES, SNAPSHOT_VERSION, SUBRESOURCE_HEADERS } from '../shared/snapshot.ts';

/** Per-page and per-response caps: memory stays bounded, and what is left out is counted. */
export const LIMITS = {
  framesPerPage: 2000,
  headerLinesPerResponse: 200,
  headerValueChars: 8192,
  /** Pages kept besides the active one (back/forward cache candidates, prerenders). */
  otherPages: 3,
  probeClaims: 4000,
  /** Claims one frame may hold. A frame answers one nonce (its parent's), so more are forged: a flood
   * of made-up nonces from one frame then evicts its own claims, not other frames'. */
  probeClaimsPerFrame: 16,
  /** Ids of left-out frames remembered so that each is counted once. */
  droppedFrameIds: 10000,
  /** Responses held for commits not arrived yet: as many as a page may have frames. Found by
   * test/e2e/faults.e2e.ts: with 200, 500 frames added at once lost most of their responses (each
   * arrives before its frame commits, and the oldest were pushed out). */
  pendingResponses: 2000,
  /** Subresource requests kept per page; later ones are counted in `dropped.subresources`. */
  subresourcesPerPage: 1000,
  /** Requests of a top-level document that has not committed yet (Chromium: by documentId). */
  earlySubresources: 200,
  subresourceURLChars: 2048,
  /** Ids of requests left out (beyond the cap) or dropped with their document, remembered so that a
   * later event of the same request (a redirect, its end) neither counts it again nor brings it back. */
  goneRequestIds: 4000,
};

export interface TabRecord {
  version: number;
  tabId: number;
  activePageId: string | null;
  pages: Record<string, PageRecord>;
  /** Responses received for a frame's navigation that has not committed yet, by frameId. */
  pending: Record<string, RecordedResponse>;
  /**
   * The last document response received for each frame, kept after it is attached (for the last
   * RECENT_RESPONSES frames). A navigation that a header blocked is explained by it when Firefox's events came in an
   * order that detached it (a commit of about:neterror, or of a restart, between the response and the
   * error). Absent in records stored before it existed.
   */
  recent?: Record<string, RecordedResponse>;
  /** Nonce → the frame whose content script answered it (Chromium iframe-to-frame mapping). */
  claims: Record<string, number>;
  /** The frame that opened this tab (a popup); copied into every page the tab shows. */
  openedBy?: OpenerRecord;
  /** Observations that arrived before their frame was known, by frameId. */
  early: Record<string, { frameId: number; documentId?: string; observed: FrameRecord['observed'] }>;
  /** Subresource requests of a top-level document whose commit has not arrived yet, by request id. */
  earlySubresources?: Record<string, SubresourceRecord>;
  /** Requests left out or dropped, oldest first (LIMITS.goneRequestIds at most): their events are ignored. */
  goneRequestIds?: string[];
  /**
   * The active page, when it was shown again from the back/forward cache. Browser: Chromium 156's
   * webNavigation.getAllFrames then lists only its top frame, though its subframes are live (found by
   * test/e2e/faults.e2e.ts, checked against CDP's frame tree): reconciliation must not drop them.
   */
  restoredPageId?: string;
  seq: number;
}

/** What an event changed, so the background knows what to persist and what to push to panels. */
export interface Delta {
  /** The active page changed identity (new navigation, restore, activation) or was reset. */
  pageSwitched: boolean;
  upserted: Set<number>;
  removed: Set<number>;
  /** The record changed in a way that must be persisted (even if no active frame changed). */
  dirty: boolean;
  /** Subresource requests of the active page added or changed, and removed, by request id. */
  resources: Set<string>;
  resourcesRemoved: Set<string>;
}
export const newDelta = (): Delta => ({
  pageSwitched: false, upserted: new Set(), removed: new Set(), dirty: false, resources: new Set(), resourcesRemoved: new Set(),
});

// ── event shapes (the subset of webNavigation / webRequest details the recorder reads) ─────────────
interface FrameEventBase {
  tabId: number;
  frameId: number;
  parentFrameId?: number;
  url: string;
  timeStamp: number;
  documentId?: string;
  parentDocumentId?: string;
  documentLifecycle?: DocumentLifecycle;
  frameType?: FrameType;
}
export type BeforeNavigateEvent = FrameEventBase;
export interface CommittedEvent extends FrameEventBase { transitionType?: string }
export interface ErrorEvent extends FrameEventBase { error: string }
export type CompletedEvent = FrameEventBase;
export interface HeadersEvent extends FrameEventBase {
  type: string;
  statusCode: number;
  statusLine?: string;
  responseHeaders?: { name: string; value?: string; binaryValue?: number[] }[];
  fromCache?: boolean;
  ip?: string;
}
export interface FrameListEntry {
  frameId: number;
  parentFrameId: number;
  url: string;
  errorOccurred?: boolean;
  documentId?: string;
  parentDocumentId?: string;
  documentLifecycle?: DocumentLifecycle;
  frameType?: FrameType;
}
export interface Sender {
  tabId: number;
  frameId: number;
  documentId?: string;
  documentLifecycle?: DocumentLifecycle;
  url?: string;
}

export function newTabRecord(tabId: number): TabRecord {
  return { version: SNAPSHOT_VERSION, tabId, activePageId: null, pages: {}, pending: {}, claims: {}, early: {}, seq: 0 };
}

export function activePage(tab: TabRecord): PageRecord | null {
  return tab.activePageId === null ? null : tab.pages[tab.activePageId] ?? null;
}

/**
 * The frames of the tab's active page whose own reports the record lacks: a live document (not an error
 * page) with no observation or no list of its frame elements, and, for a child its parent's list does
 * not map, the parent (its list) and the child (its probe claims). A background that restarts asks
 * them to report again (a content message that arrived after the last write to storage is lost with
 * the worker). In frame id order, each once.
 */
export function framesToAskAgain(tab: TabRecord): number[] {
  const page = activePage(tab);
  if (!page) return [];
  const ask = new Set<number>();
  for (const f of Object.values(page.frames)) {
    if (f.status === 'error') continue;
    if (f.observed === undefined || f.embeds === undefined) ask.add(f.frameId);
    const parent = f.parentFrameId === -1 ? undefined : page.frames[String(f.parentFrameId)];
    if (parent && parent.status !== 'error' && ownerElementOf(page, f) === null) {
      ask.add(parent.frameId);
      ask.add(f.frameId);
    }
  }
  return [...ask].sort((a, b) => a - b);
}

/** The URL without its fragment: a response and the committed URL match up to the fragment. */
const withoutFragment = (url: string) => {
  const i = url.indexOf('#');
  return i < 0 ? url : url.slice(0, i);
};

const isTopLevel = (e: { frameId: number; frameType?: FrameType; parentFrameId?: number }) =>
  e.frameType === undefined ? e.frameId === 0 : e.frameType === 'outermost_frame';

// ── pages ────────────────────────────────────────────────────────────────────────────────────────
function startPage(tab: TabRecord, pageId: string, topFrameId: number, url: string, at: number, lifecycle: PageRecord['lifecycle'], d: Delta): PageRecord {
  const page: PageRecord = { pageId, tabId: tab.tabId, url: clipText(url), startedAt: at, lifecycle, frames: {}, dropped: { frames: 0 } };
  if (tab.openedBy) page.openedBy = tab.openedBy;
  tab.pages[pageId] = page;
  adoptEarlySubresources(tab, page, topFrameId);
  if (lifecycle === 'active') setActive(tab, pageId, d);
  prunePages(tab);
  d.dirty = true;
  return page;
}

function setActive(tab: TabRecord, pageId: string, d: Delta) {
  if (tab.restoredPageId !== pageId) delete tab.restoredPageId;
  const prev = activePage(tab);
  if (prev && prev.pageId !== pageId) prev.lifecycle = 'inactive';
  const page = tab.pages[pageId];
  if (!page) return;
  page.lifecycle = 'active';
  if (tab.activePageId !== pageId) {
    tab.activePageId = pageId;
    d.pageSwitched = true;
  }
  d.dirty = true;
}

/**
 * A prerendered page was activated. Its top frame is renumbered (Chromium: to 0), and its documents
 * are now active: re-key its frames, keeping what was recorded of them while it was prerendered.
 */
function activatePrerender(page: PageRecord, topFrameId: number) {
  const oldTop = topFrameOf(page);
  if (oldTop && oldTop.frameId !== topFrameId) {
    delete page.frames[String(oldTop.frameId)];
    for (const f of Object.values(page.frames)) if (f.parentFrameId === oldTop.frameId) f.parentFrameId = topFrameId;
    for (const r of Object.values(page.subresources ?? {})) if (r.frameId === oldTop.frameId) r.frameId = topFrameId;
    oldTop.frameId = topFrameId;
    page.frames[String(topFrameId)] = oldTop;
  }
  for (const f of Object.values(page.frames)) if (f.documentLifecycle === 'prerender') f.documentLifecycle = 'active';
}

/** The page's top-level frame, if recorded. */
const topFrameOf = (page: PageRecord): FrameRecord | undefined => Object.values(page.frames).find((f) => f.parentFrameId === -1);

/** Keeps the active page and the most recent few others (back/forward cache and prerender candidates). */
function prunePages(tab: TabRecord) {
  const others = Object.values(tab.pages)
    .filter((p) => p.pageId !== tab.activePageId)
    .sort((a, b) => b.startedAt - a.startedAt);
  for (const p of others.slice(LIMITS.otherPages)) delete tab.pages[p.pageId];
}

function newPageId(tab: TabRecord, documentId: string | undefined): string {
  tab.seq += 1;
  return documentId ?? `page-${tab.tabId}-${tab.seq}`;
}

/** The page an event belongs to: by document ids where the browser gives them, else the active page. */
function pageFor(tab: TabRecord, e: { frameId: number; documentId?: string; parentDocumentId?: string; documentLifecycle?: DocumentLifecycle }): PageRecord | null {
  const ids = [e.documentId, e.parentDocumentId].filter((x): x is string => typeof x === 'string');
  if (ids.length > 0) {
    for (const page of Object.values(tab.pages)) {
      if (ids.includes(page.pageId)) return page;
      for (const f of Object.values(page.frames)) if (f.documentId !== undefined && ids.includes(f.documentId)) return page;
    }
    // Document ids that no page knows: a document of a page we never saw commit (prerender, cache).
    if (e.documentLifecycle !== undefined && e.documentLifecycle !== 'active') return null;
  } else if (e.documentLifecycle !== undefined && e.documentLifecycle !== 'active') {
    return null;
  }
  const page = activePage(tab);
  // Without document ids (Firefox), fall back to the frameId inside the active page.
  return page;
}

// ── frames ───────────────────────────────────────────────────────────────────────────────────────
function upsertFrame(page: PageRecord, frameId: number, parentFrameId: number, url: string, at: number, d: Delta): FrameRecord | null {
  const key = String(frameId);
  let f = page.frames[key];
  if (!f) {
    if (Object.keys(page.frames).length >= LIMITS.framesPerPage) {
      // Count each left-out frame once, however many events mention it.
      const ids = (page.dropped.frameIds ??= []);
      if (!ids.includes(frameId)) {
        if (ids.length < LIMITS.droppedFrameIds) ids.push(frameId);
        page.dropped.frames += 1;
        d.dirty = true;
      }
      return null;
    }
    f = { frameId, parentFrameId, url: clipText(url), status: 'navigating', updatedAt: at };
    page.frames[key] = f;
  }
  touch(page, f, at, d);
  return f;
}

function touch(page: PageRecord, f: FrameRecord, at: number, d: Delta) {
  f.updatedAt = Math.max(f.updatedAt, at);
  d.dirty = true;
  if (page.lifecycle === 'active') d.upserted.add(f.frameId);
}

/** Deletes every frame below frameId: they belonged to a document that is gone. */
function removeDescendants(tab: TabRecord, page: PageRecord, frameId: number, keepParentDocumentId: string | undefined, d: Delta) {
  const byParent = new Map<number, FrameRecord[]>();
  for (const f of Object.values(page.frames)) {
    const list = byParent.get(f.parentFrameId) ?? [];
    list.push(f);
    byParent.set(f.parentFrameId, list);
  }
  const stack = [...(byParent.get(frameId) ?? [])].filter(
    (c) => keepParentDocumentId === undefined || c.parentDocumentId !== keepParentDocumentId,
  );
  const seen = new Set<number>();
  while (stack.length > 0) {
    const c = stack.pop()!;
    if (seen.has(c.frameId) || c.frameId === frameId) continue;
    seen.add(c.frameId);
    delete page.frames[String(c.frameId)];
    dropSubresources(tab, page, (r) => r.frameId === c.frameId, d);
    if (page.lifecycle === 'active') {
      d.removed.add(c.frameId);
      d.upserted.delete(c.frameId);
    }
    d.dirty = true;
    stack.push(...(byParent.get(c.frameId) ?? []));
  }
}

/** A frame got a new document: what was recorded about the old one no longer applies. */
function forgetDocument(f: FrameRecord, newDocumentId: string | undefined) {
  delete f.embeds;
  delete f.embedsDocumentId;
  delete f.droppedEmbeds;
  delete f.response;
  if (f.observed && (newDocumentId === undefined || f.observed.documentId !== newDocumentId)) delete f.observed;
}

/** Whether a recorded (clipped) URL and an event's URL name the same document (fragments aside). */
const sameDocumentURL = (recorded: string, url: string) => withoutFragment(recorded) === withoutFragment(clipText(url));

/**
 * The response held for the frame, taken when it is for `url`. One held for another URL is dropped
 * (its navigation did not commit), unless `keepOther` (it may be for a commit still to come).
 */
function takePending(tab: TabRecord, frameId: number, url: string, keepOther = false): RecordedResponse | undefined {
  const key = String(frameId);
  const r = tab.pending[key];
  if (!r) return undefined;
  const match = sameDocumentURL(r.url, url);
  if (match || !keepOther) delete tab.pending[key];
  return match ? r : undefined;
}

function adoptEarlyObservation(tab: TabRecord, f: FrameRecord) {
  const key = String(f.frameId);
  const early = tab.early[key];
  if (!early) return;
  if (early.documentId === undefined || f.documentId === undefined || early.documentId === f.documentId) {
    f.observed = early.observed;
  }
  delete tab.early[key];
}

// ── webRequest ───────────────────────────────────────────────────────────────────────────────────
export function headersToLines(headers: HeadersEvent['responseHeaders']): { lines: HeaderLine[]; dropped: number } {
  const lines: HeaderLine[] = [];
  let dropped = 0;
  for (const h of headers ?? []) {
    if (lines.length >= LIMITS.headerLinesPerResponse) {
      dropped += 1;
      continue;
    }
    let value: string;
    if (h.value !== undefined) {
      value = clipText(h.value, LIMITS.headerValueChars);
    } else {
      const bytes = h.binaryValue ?? [];
      const extra = bytes.length - LIMITS.headerValueChars;
      value = String.fromCharCode(...bytes.slice(0, LIMITS.headerValueChars));
      if (extra > 0) value += `…[${extra} more characters]`;
    }
    lines.push([clipText(h.name, 256), value]);
  }
  return { lines, dropped };
}

/**
 * How many frames' last responses `recent` keeps: the fallback is for an error that follows its
 * response closely, and each kept response costs storage.session space (the same object is stored
 * twice once attached).
 */
const RECENT_RESPONSES = 32;

function rememberResponse(tab: TabRecord, frameId: number, response: RecordedResponse) {
  const recent = (tab.recent ??= {});
  const key = String(frameId);
  delete recent[key]; // re-inserted last: the oldest frame's goes first
  const keys = Object.keys(recent);
  if (keys.length >= RECENT_RESPONSES) delete recent[keys[0]!];
  recent[key] = response;
}

/** The last response received for the frame at this URL, if any (see TabRecord.recent). */
function recentResponse(tab: TabRecord, frameId: number, url: string): RecordedResponse | undefined {
  const r = tab.recent?.[String(frameId)];
  return r && sameDocumentURL(r.url, url) ? r : undefined;
}

/** A document's response arrived (before its commit): hold it until the frame commits or fails. */
export function onHeadersReceived(tab: TabRecord, e: HeadersEvent, d: Delta) {
  if (e.type !== 'main_frame' && e.type !== 'sub_frame') return;
  const { lines, dropped } = headersToLines(e.responseHeaders);
  const response: RecordedResponse = {
    url: clipText(e.url),
    statusCode: e.statusCode,
    statusLine: clipText(e.statusLine ?? '', 512),
    headers: lines,
    fromCache: e.fromCache ?? false,
    timeStamp: e.timeStamp,
  };
  if (dropped > 0) response.droppedHeaderLines = dropped;
  if (e.ip !== undefined) response.ip = e.ip;
  rememberResponse(tab, e.frameId, response);
  // Firefox may deliver a document's headers after its commit: attach them to that document directly.
  const page = activePage(tab);
  const late = page?.frames[String(e.frameId)];
  if (
    page && late && late.response === undefined && late.pendingNavigation === undefined && late.status !== 'navigating' &&
    // Firefox restarts an aborted navigation at the same URL (a process switch): its commit takes it.
    !(late.status === 'error' && isAbort(late.error)) &&
    (e.type === 'main_frame') === (late.parentFrameId === -1) &&
    withoutFragment(late.url) === withoutFragment(response.url)
  ) {
    late.response = response;
    touch(page, late, e.timeStamp, d);
    return;
  }
  const keys = Object.keys(tab.pending);
  if (keys.length >= LIMITS.pendingResponses && !(String(e.frameId) in tab.pending)) delete tab.pending[keys[0]!];
  tab.pending[String(e.frameId)] = response;
  d.dirty = true;
}

// ── webRequest: subresources (every request that is not a navigation) ───────────────────────────
interface RequestEventBase {
  tabId: number;
  frameId: number;
  parentFrameId?: number;
  requestId: string;
  url: string;
  method?: string;
  type: string;
  timeStamp: number;
  documentId?: string;
  parentDocumentId?: string;
  documentLifecycle?: DocumentLifecycle;
  frameType?: FrameType;
  /** Chromium: the origin that initiated the request. */
  initiator?: string;
  /** Firefox: the URL of the resource that triggered the request. */
  originUrl?: string;
}
export type RequestStartEvent = RequestEventBase;
export interface RequestHeadersSentEvent extends RequestEventBase { requestHeaders?: { name: string; value?: string }[] }
export interface ResponseHeadersEvent extends RequestEventBase {
  statusCode: number;
  responseHeaders?: HeadersEvent['responseHeaders'];
  fromCache?: boolean;
}
export interface RequestEndEvent extends RequestEventBase { fromCache?: boolean; statusCode?: number }
export interface RequestErrorEvent extends RequestEventBase { error: string }

/** Navigations are frames, not subresources. */
const isSubresourceType = (type: string) => type !== 'main_frame' && type !== 'sub_frame' && type !== 'outermost_frame';

/** A request belongs to the document it was recorded for: by document id, else by time (after the commit). */
function ofDocument(r: SubresourceRecord, documentId: string | undefined, committedAt: number): boolean {
  if (r.documentId !== undefined && documentId !== undefined) return r.documentId === documentId;
  return r.startedAt >= committedAt;
}

/**
 * Chromium: a request the committing document sent before the browser had its commit, from a frame
 * whose current document was still the initial about:blank (the same RenderFrameHost). The browser
 * then labels it with that initial document's id, which no event ever names: seen, one image of a
 * 90-frame page in about ten loads, its frame's commit arriving 4 ms after it started. Such a request
 * has a document id that is neither the committing one nor the frame's previous recorded document,
 * and started after the navigation did: it is the committing document's.
 */
function sentBeforeItsCommit(r: SubresourceRecord, previousDocumentId: string | undefined, navigationStartedAt: number | undefined, committingDocumentId: string | undefined): boolean {
  return committingDocumentId !== undefined && r.documentId !== undefined && r.documentId !== committingDocumentId &&
    r.documentId !== previousDocumentId && navigationStartedAt !== undefined && r.startedAt >= navigationStartedAt;
}

/** Remembers a request that is not (or no longer) recorded, so that its later events are ignored. */
function forgetRequest(tab: TabRecord, requestId: string) {
  const gone = (tab.goneRequestIds ??= []);
  if (gone.includes(requestId)) return;
  gone.push(requestId);
  if (gone.length > LIMITS.goneRequestIds) gone.splice(0, gone.length - LIMITS.goneRequestIds);
}

function dropSubresources(tab: TabRecord, page: PageRecord, which: (r: SubresourceRecord) => boolean, d: Delta) {
  const all = page.subresources;
  if (!all) return;
  for (const [id, r] of Object.entries(all)) {
    if (!which(r)) continue;
    delete all[id];
    // Requests that have ended cannot send more events; only an unfinished one needs remembering.
    if (r.state === 'pending') forgetRequest(tab, id);
    d.dirty = true;
    if (page.lifecycle === 'active') {
      d.resources.delete(id);
      d.resourcesRemoved.add(id);
    }
  }
}

/**
 * The early requests of the page's top document join the page, under its top frame's id: Chromium
 * numbers a main frame that is not yet the primary one (its commit is still on the way) by its frame
 * tree node id, not 0 (ExtensionApiFrameIdMap::GetFrameId).
 */
function adoptEarlySubresources(tab: TabRecord, page: PageRecord, topFrameId: number) {
  const early = tab.earlySubresources;
  if (!early) return;
  for (const [id, r] of Object.entries(early)) {
    if (r.documentId !== page.pageId) continue;
    delete early[id];
    r.frameId = topFrameId;
    const all = (page.subresources ??= {});
    if (Object.keys(all).length >= LIMITS.subresourcesPerPage) page.dropped.subresources = (page.dropped.subresources ?? 0) + 1;
    else all[id] = r;
  }
}

/** Where a request's record lives (or would): a page's list, or the early list of a page not committed yet. */
function subresourceHome(tab: TabRecord, e: RequestEventBase): { page: PageRecord | null; list: Record<string, SubresourceRecord> } | null {
  for (const page of Object.values(tab.pages)) {
    if (page.subresources?.[e.requestId]) return { page, list: page.subresources };
  }
  if (tab.earlySubresources?.[e.requestId]) return { page: null, list: tab.earlySubresources };
  const topLevel = e.frameType === undefined ? e.frameId === 0 : e.frameType === 'outermost_frame';
  const page = pageFor(tab, e);
  // Chromium: a top-level document no page knows yet (its commit is still on the way).
  if (topLevel && e.documentId !== undefined && (!page || (page.pageId !== e.documentId && !Object.values(page.frames).some((f) => f.documentId === e.documentId)))) {
    if (e.documentLifecycle !== undefined && e.documentLifecycle !== 'active' && e.documentLifecycle !== 'prerender') return null;
    return { page: null, list: (tab.earlySubresources ??= {}) };
  }
  return page ? { page, list: (page.subresources ??= {}) } : null;
}

function changed(page: PageRecord | null, requestId: string, d: Delta) {
  d.dirty = true;
  if (page?.lifecycle === 'active') d.resources.add(requestId);
}

/**
 * The record of a request: found, or created when `create` (its start event) or when its start was
 * missed and there is room. A request beyond the page's cap is counted once, at its start.
 */
function subresourceFor(tab: TabRecord, e: RequestEventBase, create: boolean, d: Delta): { page: PageRecord | null; r: SubresourceRecord } | null {
  if (e.tabId < 0 || !isSubresourceType(e.type)) return null;
  if (tab.goneRequestIds?.includes(e.requestId)) return null;
  const home = subresourceHome(tab, e);
  if (!home) return null;
  const found = home.list[e.requestId];
  if (found) return { page: home.page, r: found };
  const keys = Object.keys(home.list);
  if (!home.page && keys.length >= LIMITS.earlySubresources) {
    // Requests of a document that never committed (a cancelled navigation) make room for newer ones.
    delete home.list[keys[0]!];
  } else if (home.page && keys.length >= LIMITS.subresourcesPerPage) {
    if (create) {
      home.page.dropped.subresources = (home.page.dropped.subresources ?? 0) + 1;
      forgetRequest(tab, e.requestId);
      d.dirty = true;
    }
    return null;
  }
  // A request the top document made before its commit reached the browser carries the main frame's
  // tree node id (see adoptEarlySubresources): it belongs to the page's top frame (looked up only then).
  const renumbered = home.page !== null && isTopLevel(e) && e.documentId !== undefined && e.documentId === home.page.pageId &&
    home.page.frames[String(e.frameId)]?.parentFrameId !== -1;
  const r: SubresourceRecord = {
    requestId: clipText(e.requestId, 64),
    frameId: (renumbered ? topFrameOf(home.page!)?.frameId : undefined) ?? e.frameId,
    type: clipText(e.type, 64),
    method: clipText(e.method ?? 'GET', 32),
    url: clipText(e.url, LIMITS.subresourceURLChars),
    responses: [],
    state: 'pending',
    startedAt: e.timeStamp,
  };
  if (e.documentId !== undefined) r.documentId = e.documentId;
  const initiator = e.initiator ?? e.originUrl;
  if (initiator !== undefined) r.initiator = clipText(initiator, LIMITS.subresourceURLChars);
  home.list[r.requestId] = r;
  changed(home.page, r.requestId, d);
  return { page: home.page, r };
}

export function onSubresourceStart(tab: TabRecord, e: RequestStartEvent, d: Delta) {
  subresourceFor(tab, e, true, d);
}

/** The request headers as sent: fetch metadata (mode, destination, site), and whether cookies went along. */
export function onSubresourceHeadersSent(tab: TabRecord, e: RequestHeadersSentEvent, d: Delta) {
  const found = subresourceFor(tab, e, false, d);
  if (!found) return;
  const { r } = found;
  let cookies = false;
  for (const h of e.requestHeaders ?? []) {
    const name = h.name.toLowerCase();
    const value = clipText(h.value ?? '', 64);
    if (name === 'sec-fetch-mode') r.fetchMode = value;
    else if (name === 'sec-fetch-dest') r.fetchDest = value;
    else if (name === 'sec-fetch-site') r.fetchSite = value;
    else if (name === 'cookie') cookies = true;
  }
  // Each redirect sends its own headers: the request carried cookies if any of them did.
  r.sentCookies = r.sentCookies === true || cookies;
  changed(found.page, r.requestId, d);
}

export function onSubresourceHeadersReceived(tab: TabRecord, e: ResponseHeadersEvent, d: Delta) {
  const found = subresourceFor(tab, e, false, d);
  if (!found) return;
  const { r } = found;
  if (r.responses.length >= MAX_SUBRESOURCE_RESPONSES) return;
  const keep = new Set<string>(SUBRESOURCE_HEADERS);
  const { lines } = headersToLines((e.responseHeaders ?? []).filter((h) => keep.has(h.name.toLowerCase())).slice(0, MAX_SUBRESOURCE_HEADER_LINES));
  r.responses.push({ url: clipText(e.url, LIMITS.subresourceURLChars), statusCode: e.statusCode, fromCache: e.fromCache ?? false, headers: lines });
  changed(found.page, r.requestId, d);
}

export function onSubresourceCompleted(tab: TabRecord, e: RequestEndEvent, d: Delta) {
  const found = subresourceFor(tab, e, false, d);
  if (!found) return;
  const { r } = found;
  // Its headers event was missed (e.g. while the worker started): note the status, and that the
  // headers are unknown (not absent).
  if (r.responses.length === 0 && e.statusCode !== undefined) {
    r.responses.push({ url: clipText(e.url, LIMITS.subresourceURLChars), statusCode: e.statusCode, fromCache: e.fromCache ?? false, headers: [], headersUnknown: true });
  }
  r.state = 'complete';
  r.endedAt = e.timeStamp;
  changed(found.page, r.requestId, d);
}

export function onSubresourceError(tab: TabRecord, e: RequestErrorEvent, d: Delta) {
  const found = subresourceFor(tab, e, false, d);
  if (!found) return;
  const { r } = found;
  r.state = 'error';
  r.error = clipText(e.error, 256);
  r.endedAt = e.timeStamp;
  changed(found.page, r.requestId, d);
}

// ── webNavigation ────────────────────────────────────────────────────────────────────────────────
export function onBeforeNavigate(tab: TabRecord, e: BeforeNavigateEvent, d: Delta) {
  if (isTopLevel(e)) {
    // A top-level navigation becomes a page only when it commits or fails; until then the current
    // page's top frame notes that a navigation is under way.
    const page = activePage(tab);
    const top = page && Object.values(page.frames).find((f) => f.frameId === e.frameId && f.parentFrameId === -1);
    if (page && top && e.documentLifecycle !== 'prerender') {
      top.pendingNavigation = clipText(e.url);
      touch(page, top, e.timeStamp, d);
    }
    return;
  }
  const page = pageFor(tab, e);
  if (!page) return;
  const f = upsertFrame(page, e.frameId, e.parentFrameId ?? -1, e.url, e.timeStamp, d);
  if (!f) return;
  f.pendingNavigation = clipText(e.url);
  f.pendingNavigationAt = e.timeStamp;
  if (f.status === 'navigating' || f.status === 'error') f.url = clipText(e.url);
  if (e.parentDocumentId !== undefined) f.parentDocumentId = e.parentDocumentId;
  if (e.frameType !== undefined) f.frameType = e.frameType;
}

export function onCommitted(tab: TabRecord, e: CommittedEvent, d: Delta) {
  if (absorbErrorPageCommit(tab, e, d)) return;
  let page: PageRecord | null;
  if (isTopLevel(e)) {
    const prerender = e.documentLifecycle === 'prerender';
    const known = e.documentId !== undefined ? tab.pages[e.documentId] : undefined;
    // A cached or unloading document that no page knows is not a new page.
    if (!known && (e.documentLifecycle === 'cached' || e.documentLifecycle === 'pending_deletion')) return;
    if (known) {
      page = known;
      if (!prerender && known.lifecycle === 'prerender') activatePrerender(known, e.frameId);
      if (!prerender) {
        // A kept page committed again: a back/forward-cache restore.
        const restore = tab.activePageId !== known.pageId && known.lifecycle === 'inactive';
        setActive(tab, known.pageId, d);
        if (restore) tab.restoredPageId = known.pageId;
      }
    } else {
      page = startPage(tab, newPageId(tab, e.documentId), e.frameId, e.url, e.timeStamp, prerender ? 'prerender' : 'active', d);
    }
    page.url = clipText(e.url);
  } else {
    page = pageFor(tab, e);
  }
  if (!page) return;
  const before = page.frames[String(e.frameId)];
  // Firefox (no document ids): a second commit at the URL the frame had just committed, without an error
  // between, is the restart of a navigation moved to another process.
  const restart = e.documentId === undefined && before !== undefined && before.documentId === undefined && before.status === 'committed' &&
    sameDocumentURL(before.url, e.url);
  const f = upsertFrame(page, e.frameId, isTopLevel(e) ? -1 : e.parentFrameId ?? -1, e.url, e.timeStamp, d);
  if (!f) return;
  if (restart) restartedCommits.add(f);
  else restartedCommits.delete(f);
  const newDocument = e.documentId === undefined || f.documentId !== e.documentId;
  // Firefox 153 moves a cross-origin frame's navigation to another process by aborting it after its
  // response (NS_BINDING_ABORTED, under the initial document's id) and committing it again at the same
  // URL under a new id, with no new request: the response the aborted navigation got is this one's.
  const restartedResponse = before?.status === 'error' && isAbort(before.error) && before.response !== undefined &&
    sameDocumentURL(before.response.url, e.url) ? before.response : undefined;
  if (newDocument) {
    removeDescendants(tab, page, f.frameId, e.documentId, d);
    forgetDocument(f, e.documentId);
    // First the committing document's requests that left under another id, then whatever else is gone.
    if (e.documentId !== undefined && f.pendingNavigationAt !== undefined) {
      for (const r of Object.values(page.subresources ?? {})) {
        if (r.frameId !== f.frameId || !sentBeforeItsCommit(r, f.documentId, f.pendingNavigationAt, e.documentId)) continue;
        r.documentId = e.documentId;
        changed(page, r.requestId, d);
      }
    }
    dropSubresources(tab, page, (r) => r.frameId === f.frameId && !ofDocument(r, e.documentId, e.timeStamp), d);
    const response = takePending(tab, e.frameId, e.url) ?? restartedResponse;
    if (response) f.response = response;
    // The frame element's sandbox attribute is read when the navigation starts (HTML snapshots the
    // sandboxing flags then); a document that commits without onBeforeNavigate started at its commit.
    f.navigationStartedAt = f.pendingNavigationAt !== undefined && f.pendingNavigationAt <= e.timeStamp ? f.pendingNavigationAt : e.timeStamp;
    f.committedAt = e.timeStamp;
  } else {
    // The document was already known (from the browser's frame list, when its commit came late): its
    // response may be waiting for this commit (the list may have taken it already), and when it
    // committed is learnt now (the analysis picks the sandbox attribute in effect by it).
    if (f.response === undefined) {
      const response = takePending(tab, e.frameId, e.url);
      if (response) f.response = response;
    }
    f.committedAt ??= e.timeStamp;
  }
  f.url = clipText(e.url);
  f.status = 'committed';
  delete f.error;
  delete f.pendingNavigation;
  delete f.pendingNavigationAt;
  if (e.documentId !== undefined) f.documentId = e.documentId;
  if (e.parentDocumentId !== undefined) f.parentDocumentId = e.parentDocumentId;
  if (e.documentLifecycle !== undefined) f.documentLifecycle = e.documentLifecycle;
  if (e.frameType !== undefined) f.frameType = e.frameType;
  if (e.transitionType !== undefined) f.transitionType = e.transitionType;
  adoptEarlyObservation(tab, f);
}

/**
 * Firefox commits its error page (onErrorOccurred, then onCommitted at the same URL, with no
 * onBeforeNavigate between): that commit is the failed navigation's error page, not a new document
 * that loaded. Chromium reports no commit for error pages; a real new navigation always starts with
 * onBeforeNavigate, which sets pendingNavigation.
 */
function absorbErrorPageCommit(tab: TabRecord, e: CommittedEvent, d: Delta): boolean {
  const page = isTopLevel(e) ? activePage(tab) : pageFor(tab, e);
  const f = page?.frames[String(e.frameId)];
  if (!page || !f || f.status !== 'error' || f.pendingNavigation !== undefined || isAbort(f.error)) return false;
  if (withoutFragment(f.url) !== withoutFragment(clipText(e.url))) return false;
  if (e.documentId !== undefined) f.documentId = e.documentId;
  touch(page, f, e.timeStamp, d);
  return true;
}

/** Frames whose current document is a Firefox restart (see onCommitted): their next abort is the first navigation's. */
const restartedCommits = new WeakSet<FrameRecord>();

/** A navigation that was cancelled (by a new one, a download, a 204, a removed frame). */
const ABORT_ERRORS = new Set([
  'net::ERR_ABORTED',
  'NS_BINDING_ABORTED',
  'Error code 2152398850', // Firefox: NS_BINDING_ABORTED (0x804B0002)
  'Error code 2147500036', // Firefox: NS_ERROR_ABORT (0x80004004)
]);
const isAbort = (error: string | undefined) => error !== undefined && ABORT_ERRORS.has(error);

export function onErrorOccurred(tab: TabRecord, e: ErrorEvent, d: Delta) {
  const aborted = isAbort(e.error);
  let page: PageRecord | null;
  if (isTopLevel(e)) {
    // A cancelled top-level navigation (a new one, a download, a 204) leaves the current page as it is.
    if (aborted || e.documentLifecycle === 'cached' || e.documentLifecycle === 'pending_deletion') return;
    page = startPage(tab, newPageId(tab, e.documentId), e.frameId, e.url, e.timeStamp, e.documentLifecycle === 'prerender' ? 'prerender' : 'active', d);
  } else {
    page = pageFor(tab, e);
  }
  if (!page) return;
  // A cancellation stamped no later than the frame's current commit at that URL is about a navigation
  // the commit superseded: Firefox moves a cross-origin frame to another process by aborting its first
  // navigation and starting it again, and the abort can arrive after the restart's commit.
  const current = page.frames[String(e.frameId)];
  if (aborted && current && (current.status === 'committed' || current.status === 'loaded') && sameDocumentURL(current.url, e.url)) {
    if (current.committedAt !== undefined && e.timeStamp <= current.committedAt) {
      restartedCommits.delete(current);
      return;
    }
    // Firefox can also restart the navigation before it reports the abort of the first one (seen in
    // ESR 140: commit, commit again at the same URL, abort, then the document's completion).
    if (restartedCommits.delete(current)) return;
    // With document ids (Firefox 153, Chromium) a navigation starts with onBeforeNavigate and commits
    // after its response: an abort with no navigation pending is about one the commit superseded.
    // Firefox 153 reports its process switch's abort after the restart committed, stamped after it,
    // under the committed document's id, and then that document's completion.
    if (e.documentId !== undefined && current.pendingNavigation === undefined) return;
  }
  // Firefox 153 can report an abort right after the failure of the same navigation (a COEP error, then
  // NS_BINDING_ABORTED under the same id, then the error page's commit): the failure stands.
  if (aborted && current && current.status === 'error' && !isAbort(current.error) && current.pendingNavigation === undefined && sameDocumentURL(current.url, e.url)) return;
  const f = upsertFrame(page, e.frameId, isTopLevel(e) ? -1 : e.parentFrameId ?? -1, e.url, e.timeStamp, d);
  if (!f) return;
  // When the navigation that failed started, if it had not committed (onBeforeNavigate); undefined when
  // the failed navigation is the committed one (Firefox commits a child before its request).
  const navigationStart = f.pendingNavigationAt;
  f.status = 'error';
  f.error = clipText(e.error, 256);
  delete f.pendingNavigation;
  delete f.pendingNavigationAt;
  if (!aborted || f.documentId === undefined) {
    // The error page replaced the document: its children, observations, elements and requests are gone.
    removeDescendants(tab, page, f.frameId, undefined, d);
    dropSubresources(tab, page, (r) => r.frameId === f.frameId && r.startedAt < e.timeStamp, d);
    f.url = clipText(e.url);
    delete f.observed;
    delete f.embeds;
    delete f.embedsDocumentId;
    const response = takePending(tab, e.frameId, e.url);
    const blockedBy = !aborted && isBlockedByResponse(e.error) ? recentResponse(tab, e.frameId, e.url) : undefined;
    if (response) f.response = response;
    else if (!responseOfThisNavigation(f.response, e.url, navigationStart)) {
      // A header blocked it, so its response did arrive: the last one received for this frame and URL.
      if (blockedBy) f.response = blockedBy;
      else delete f.response;
    } else if (aborted) {
      // Firefox moves a cross-origin navigation to another process by aborting it after its response
      // (NS_BINDING_ABORTED) and starting it again at the same URL, with no new request: the response
      // waits for that commit (takePending checks the URL).
      tab.pending[String(f.frameId)] = f.response!;
      delete f.response;
    }
    if (e.documentId !== undefined) f.documentId = e.documentId;
  }
  const parent = page.frames[String(f.parentFrameId)];
  if (parent && mapSilentChildrenByUrl(page, parent)) touch(page, parent, e.timeStamp, d);
}

/**
 * A response already attached to the frame belongs to the navigation that failed when it is for the
 * same URL and, if that navigation had not committed, arrived after it started. Firefox 140 commits a
 * child frame when its navigation starts, before the request: its response is attached on arrival (or
 * at a restart after a process switch, when it arrived before the restart), and a COEP failure then
 * comes as onErrorOccurred with the response already there. A commit forgets the previous document's
 * response, so what is attached after it is the committed navigation's.
 */
function responseOfThisNavigation(r: RecordedResponse | undefined, url: string, navigationStart: number | undefined): boolean {
  return r !== undefined && (navigationStart === undefined || r.timeStamp >= navigationStart) && sameDocumentURL(r.url, url);
}

export function onCompleted(tab: TabRecord, e: CompletedEvent, d: Delta) {
  const page = pageFor(tab, e);
  const f = page?.frames[String(e.frameId)];
  if (!page || !f || f.status !== 'committed') return;
  if (e.documentId !== undefined && f.documentId !== undefined && e.documentId !== f.documentId) return;
  f.status = 'loaded';
  touch(page, f, e.timeStamp, d);
}

/** Same-document navigation (history API, fragment): only the URL changes. */
export function onSameDocumentNavigation(tab: TabRecord, e: FrameEventBase, d: Delta) {
  const page = pageFor(tab, e);
  const f = page?.frames[String(e.frameId)];
  if (!page || !f) return;
  f.url = clipText(e.url);
  if (f.parentFrameId === -1) page.url = f.url;
  touch(page, f, e.timeStamp, d);
}

// ── reconciliation with webNavigation.getAllFrames ───────────────────────────────────────────────
/**
 * Brings the active page in line with the browser's own frame list, taken at `since`: adds frames the
 * events never told us about (initial about:blank documents, events missed while the worker started),
 * drops frames that are gone (removed iframes), and follows a prerender activation or a
 * back/forward-cache restore to the page that is now shown.
 */
export function applyFrameList(tab: TabRecord, list: FrameListEntry[], since: number, now: number, d: Delta) {
  const active = list.filter((f) => f.documentLifecycle === undefined || f.documentLifecycle === 'active');
  const top = active.find((f) => f.parentFrameId === -1);
  if (!top) return;
  let page = activePage(tab);
  if (top.documentId !== undefined && page?.pageId !== top.documentId) {
    const known = tab.pages[top.documentId];
    if (known) {
      activatePrerender(known, top.frameId);
      setActive(tab, known.pageId, d);
      page = known;
    } else if (page === null || page.frames[String(top.frameId)]?.documentId !== undefined) {
      // The page's commit was missed (e.g. before the worker's listeners were ready): start it now.
      page = startPage(tab, top.documentId, top.frameId, top.url, now, 'active', d);
    }
  } else if (!page) {
    page = startPage(tab, newPageId(tab, top.documentId), top.frameId, top.url, now, 'active', d);
  }
  if (!page) return;
  const present = new Set(active.map((f) => f.frameId));
  for (const f of Object.values(page.frames)) {
    // The list omits frames that have not committed yet, and (Chromium) blob: frames: those stay while
    // their parent does; a removed blob: frame goes when its parent's elements no longer host it.
    const keep = f.status === 'navigating' || (hiddenFromFrameList(f) && (present.has(f.parentFrameId) || page.frames[String(f.parentFrameId)] !== undefined)) ||
      // A restored page's subframes are missing from Chromium's list: keep those its documents still host.
      (tab.restoredPageId === page.pageId && page.frames[String(f.parentFrameId)]?.embeds?.some((e) => e.frameId === f.frameId) === true);
    if (!keep && !present.has(f.frameId) && f.updatedAt < since) {
      delete page.frames[String(f.frameId)];
      dropSubresources(tab, page, (r) => r.frameId === f.frameId && r.startedAt < since, d);
      d.removed.add(f.frameId);
      d.upserted.delete(f.frameId);
      d.dirty = true;
    }
  }
  for (const entry of active) {
    const existing = page.frames[String(entry.frameId)];
    if (existing && (entry.documentId === undefined || existing.documentId === undefined || existing.documentId === entry.documentId)) {
      if (existing.documentId === undefined && entry.documentId !== undefined) {
        existing.documentId = entry.documentId;
        touch(page, existing, now, d);
      }
      continue;
    }
    if (existing && existing.updatedAt >= since) continue; // our record is newer than the list
    // Firefox 153 (no errorOccurred in its list) lists a frame whose navigation is under way or has
    // just failed as about:blank, under the id of the document to come (the next attempt, or the error
    // page): its events, just after, say what that document is. Taking the listing would erase what the
    // record knows (the failure, the response held for the commit).
    if (existing && entry.errorOccurred === undefined && entry.url === 'about:blank' && existing.url !== 'about:blank' &&
      (existing.status === 'error' || existing.status === 'navigating' || existing.pendingNavigation !== undefined)) continue;
    const f = upsertFrame(page, entry.frameId, entry.parentFrameId, entry.url, now, d);
    if (!f) continue;
    if (existing) {
      // The frame has another document than the one we recorded (its events were missed).
      removeDescendants(tab, page, f.frameId, entry.documentId, d);
      forgetDocument(f, entry.documentId);
      dropSubresources(tab, page, (r) => r.frameId === f.frameId && r.documentId !== undefined && r.documentId !== entry.documentId, d);
    }
    f.parentFrameId = entry.parentFrameId;
    f.url = clipText(entry.url);
    f.status = entry.errorOccurred ? 'error' : 'committed';
    if (entry.documentId !== undefined) f.documentId = entry.documentId;
    if (entry.parentDocumentId !== undefined) f.parentDocumentId = entry.parentDocumentId;
    if (entry.frameType !== undefined) f.frameType = entry.frameType;
    if (entry.documentLifecycle !== undefined) f.documentLifecycle = entry.documentLifecycle;
    if (!entry.errorOccurred && f.response === undefined) {
      // Its commit was missed or is late: a response held for it at this URL belongs to this document.
      // One for another URL stays held: Firefox 153 lists a document that is about to commit (a new id)
      // as about:blank, and its commit, just after, takes the response.
      const response = takePending(tab, f.frameId, entry.url, true);
      if (response) f.response = response;
    }
    adoptEarlyObservation(tab, f);
  }
}

// ── content observer ─────────────────────────────────────────────────────────────────────────────
function frameForSender(tab: TabRecord, s: Sender): { page: PageRecord; frame: FrameRecord } | null {
  const page = pageFor(tab, { frameId: s.frameId, documentId: s.documentId, documentLifecycle: s.documentLifecycle });
  const frame = page?.frames[String(s.frameId)];
  if (!page || !frame) return null;
  // A message from a document that is no longer the frame's document is stale.
  if (s.documentId !== undefined && frame.documentId !== undefined && frame.documentId !== s.documentId) return null;
  return { page, frame };
}

/** Returns false when the frame is not known yet (the caller reconciles with the browser's list). */
export function onObserve(tab: TabRecord, s: Sender, msg: ContentMessages['observe'], at: number, d: Delta): boolean {
  const observed = {
    ...(s.documentId !== undefined ? { documentId: s.documentId } : {}),
    url: clipText(msg.url),
    origin: clipText(msg.origin, 2048),
    isSecureContext: msg.isSecureContext,
    crossOriginIsolated: msg.crossOriginIsolated,
    documentDomain: msg.documentDomain === null ? null : clipText(msg.documentDomain, 2048),
    originAgentCluster: msg.originAgentCluster,
    ...(msg.hasOpener !== undefined ? { hasOpener: msg.hasOpener } : {}),
    ...(msg.responseStartAt !== undefined ? { responseStartAt: msg.responseStartAt } : {}),
    observedAt: at,
  };
  const hit = frameForSender(tab, s);
  if (!hit) {
    if (s.documentLifecycle !== undefined && s.documentLifecycle !== 'active' && s.documentLifecycle !== 'prerender') return true;
    const keys = Object.keys(tab.early);
    if (keys.length >= LIMITS.framesPerPage) delete tab.early[keys[0]!];
    tab.early[String(s.frameId)] = { frameId: s.frameId, ...(s.documentId !== undefined ? { documentId: s.documentId } : {}), observed };
    d.dirty = true;
    // A frame the browser's navigation events do not report (e.g. a blob: document) but whose element
    // its parent already mapped: record it from what its own content script says.
    for (const page of Object.values(tab.pages)) {
      for (const parent of Object.values(page.frames)) {
        if (parent.embeds?.some((e) => e.frameId === s.frameId)) return adoptUnlistedChild(tab, page, parent, s.frameId, at, d);
      }
    }
    return false;
  }
  hit.frame.observed = observed;
  if (s.documentId !== undefined && hit.frame.documentId === undefined) hit.frame.documentId = s.documentId;
  touch(hit.page, hit.frame, at, d);
  return true;
}

/** A document listed its frame elements. Each one's frameId comes from getFrameId or a nonce claim. */
export function onEmbeds(tab: TabRecord, s: Sender, msg: ContentMessages['embeds'], at: number, d: Delta): boolean {
  const hit = frameForSender(tab, s);
  if (!hit) return false;
  const { page, frame } = hit;
  // Mappings learned from nonces earlier in this document: a claim may have left the table since.
  const earlier = new Map<string, number>();
  if (s.documentId === undefined || frame.embedsDocumentId === undefined || frame.embedsDocumentId === s.documentId) {
    for (const e of frame.embeds ?? []) if (e.probe !== undefined && e.mappedBy === 'nonce' && e.frameId !== null) earlier.set(e.probe, e.frameId);
  }
  frame.embeds = msg.embeds.map((r): EmbedElement => {
    const e: EmbedElement = {
      ...r,
      id: clip(r.id), name: clip(r.name), src: clip(r.src), sandbox: clip(r.sandbox), allow: clip(r.allow),
      referrerPolicy: clip(r.referrerPolicy), loading: clip(r.loading),
      frameId: null, mappedBy: null,
    };
    if (r.title !== undefined) e.title = clip(r.title);
    if (r.sandboxHistory) e.sandboxHistory = r.sandboxHistory.map((h) => ({ value: clip(h.value), until: h.until }));
    if (r.frameId !== null && isChildOf(page, r.frameId, frame.frameId)) {
      e.frameId = r.frameId;
      e.mappedBy = 'getFrameId';
    } else if (r.probe !== undefined) {
      // Deviation from a plain lookup: a claim evicted from the capped table (a page can flood it with
      // made-up nonces) keeps the mapping it made, as long as no other frame claimed the nonce since.
      const claimed = tab.claims[r.probe] ?? earlier.get(r.probe);
      if (claimed !== undefined && claimed >= 0 && isChildOf(page, claimed, frame.frameId)) {
        e.frameId = claimed;
        e.mappedBy = 'nonce';
      }
    }
    return e;
  });
  frame.droppedEmbeds = msg.dropped;
  if (s.documentId !== undefined) frame.embedsDocumentId = s.documentId;
  mapSilentChildrenByUrl(page, frame);
  for (const e of frame.embeds) if (e.frameId !== null) adoptUnlistedChild(tab, page, frame, e.frameId, at, d);
  // A child the browser's frame list hides goes when every element of its parent hosts another frame.
  if (frame.embeds.every((e) => e.frameId !== null)) {
    for (const child of Object.values(page.frames)) {
      if (child.parentFrameId === frame.frameId && hiddenFromFrameList(child) && !frame.embeds.some((e) => e.frameId === child.frameId)) {
        removeFrame(tab, page, child.frameId, d);
      }
    }
  }
  touch(page, frame, at, d);
  return true;
}

/**
 * Frames webNavigation.getAllFrames does not list: Chromium omits blob: documents (though it reports
 * their navigation events), and frames known only from their observer were never reported at all.
 */
export function hiddenFromFrameList(f: FrameRecord): boolean {
  return f.knownFrom === 'observer' || f.url.startsWith('blob:');
}

/**
 * Records a child frame that the browser's navigation events never reported (Chromium reports no
 * blob: frames to extensions) from its content script's observation, under the parent whose element
 * it answered. Returns whether the frame is now recorded.
 */
function adoptUnlistedChild(tab: TabRecord, page: PageRecord, parent: FrameRecord, childId: number, at: number, d: Delta): boolean {
  if (page.frames[String(childId)]) return true;
  const early = tab.early[String(childId)];
  if (!early?.observed) return false;
  const f = upsertFrame(page, childId, parent.frameId, early.observed.url, at, d);
  if (!f) return false;
  f.status = 'committed';
  f.knownFrom = 'observer';
  if (early.documentId !== undefined) f.documentId = early.documentId;
  if (parent.documentId !== undefined) f.parentDocumentId = parent.documentId;
  adoptEarlyObservation(tab, f);
  return true;
}

function removeFrame(tab: TabRecord, page: PageRecord, frameId: number, d: Delta) {
  removeDescendants(tab, page, frameId, undefined, d);
  delete page.frames[String(frameId)];
  dropSubresources(tab, page, (r) => r.frameId === frameId, d);
  if (page.lifecycle === 'active') {
    d.removed.add(frameId);
    d.upserted.delete(frameId);
  }
  d.dirty = true;
}

/**
 * A child where no content script runs (an error page, a page extensions may not touch) cannot answer
 * a probe. Map it by URL, but only when exactly one unmapped element resolves to that URL and exactly
 * one unmapped, unobserved child frame has it.
 */
function mapSilentChildrenByUrl(page: PageRecord, parent: FrameRecord): boolean {
  if (!parent.embeds) return false;
  const taken = new Set(parent.embeds.map((e) => e.frameId).filter((id) => id !== null));
  const silent = Object.values(page.frames).filter(
    (f) => f.parentFrameId === parent.frameId && f.observed === undefined && !taken.has(f.frameId),
  );
  if (silent.length === 0) return false;
  let mapped = false;
  const resolved = (src: string | null) => {
    if (src === null) return null;
    try {
      return withoutFragment(new URL(src, parent.observed?.url ?? parent.url).href);
    } catch {
      return null;
    }
  };
  const unmapped = parent.embeds.filter((e) => e.frameId === null && !e.srcdoc);
  for (const child of silent) {
    const url = withoutFragment(child.url);
    const els = unmapped.filter((e) => resolved(e.src) === url);
    if (els.length !== 1 || silent.filter((c) => withoutFragment(c.url) === url).length !== 1) continue;
    els[0]!.frameId = child.frameId;
    els[0]!.mappedBy = 'url';
    mapped = true;
  }
  return mapped;
}

const clip = (s: string | null) => (s === null ? null : clipText(s));

/** A frame's unknown parent is accepted: the list is re-checked when the child becomes known. */
function isChildOf(page: PageRecord, childId: number, parentId: number): boolean {
  const child = page.frames[String(childId)];
  return child === undefined || child.parentFrameId === parentId;
}

/**
 * A child's content script answered a nonce its parent posted into its window. The nonce is a hint
 * from a page-visible channel: a nonce claimed by two different frames maps to neither.
 */
export function onProbe(tab: TabRecord, s: Sender, nonce: string, at: number, d: Delta) {
  const prior = tab.claims[nonce];
  if (prior === s.frameId) return;
  const keys = Object.keys(tab.claims);
  const mine = keys.filter((k) => tab.claims[k] === s.frameId);
  if (mine.length >= LIMITS.probeClaimsPerFrame) delete tab.claims[mine[0]!];
  else if (keys.length >= LIMITS.probeClaims) delete tab.claims[keys[0]!];
  tab.claims[nonce] = prior === undefined ? s.frameId : -1;
  d.dirty = true;
  // Map (or unmap) the element that carries this nonce, wherever its parent's report already is.
  for (const page of Object.values(tab.pages)) {
    for (const parent of Object.values(page.frames)) {
      const el = parent.embeds?.find((x) => x.probe === nonce);
      if (!el) continue;
      const claimed = tab.claims[nonce]!;
      if (claimed >= 0 && isChildOf(page, claimed, parent.frameId)) {
        el.frameId = claimed;
        el.mappedBy = 'nonce';
        adoptUnlistedChild(tab, page, parent, claimed, at, d);
      } else if (el.mappedBy === 'nonce') {
        el.frameId = null;
        el.mappedBy = null;
      }
      touch(page, parent, at, d);
    }
  }
}

// ── popups ───────────────────────────────────────────────────────────────────────────────────────
export interface CreatedNavigationTargetEvent {
  sourceTabId: number;
  sourceFrameId: number;
  tabId: number;
  url: string;
  timeStamp: number;
}

/**
 * A copy of the opener frame's record and its ancestors', top first, from the source tab's active
 * page: what a popup's sandboxing flags are computed from. Each copy keeps only the frame element that
 * hosts the next frame of the chain. Empty when the source tab or frame is not recorded.
 */
export function openerChain(source: TabRecord | undefined, frameId: number): FrameRecord[] {
  const page = source ? activePage(source) : null;
  if (!page) return [];
  const chain: FrameRecord[] = [];
  const seen = new Set<number>();
  for (let f = page.frames[String(frameId)]; f && !seen.has(f.frameId) && chain.length < MAX_OPENER_CHAIN; f = page.frames[String(f.parentFrameId)]) {
    seen.add(f.frameId);
    chain.unshift(f);
  }
  return chain.map((f, i) => {
    const copy = structuredClone(f);
    const next = chain[i + 1];
    if (copy.embeds) copy.embeds = next ? copy.embeds.filter((el) => el.frameId === next.frameId) : [];
    delete copy.droppedEmbeds;
    return copy;
  });
}

export function onCreatedNavigationTarget(tab: TabRecord, e: CreatedNavigationTargetEvent, chain: FrameRecord[], d: Delta) {
  const openedBy: OpenerRecord = { tabId: e.sourceTabId, frameId: e.sourceFrameId, url: clipText(chain.at(-1)?.url ?? ''), at: e.timeStamp, chain };
  tab.openedBy = openedBy;
  // The popup may have committed already; its pages keep the opener they were created by.
  for (const page of Object.values(tab.pages)) {
    if (page.openedBy) continue;
    page.openedBy = openedBy;
    if (page.lifecycle === 'active') d.pageSwitched = true;
  }
  d.dirty = true;
}
