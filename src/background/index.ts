// Listener wiring only. Every listener is registered synchronously at start-up (so the browser can wake
// the worker for it) and waits for the stored records before it changes anything.
import browser from 'webextension-polyfill';
import type { Runtime, WebNavigation, WebRequest } from 'webextension-polyfill';
import { PROTOCOL_VERSION, isContentMessage, isPanelMessage, type ContentMessage } from '../shared/protocol.ts';
import { Highlighter } from './highlight.ts';
import { PanelPorts } from './ports.ts';
import * as rec from './recorder.ts';
import { TabStore } from './tab-store.ts';

const store = new TabStore(browser.storage.session);
const highlighter = new Highlighter(store, (tabId, frameId, command) =>
  frameId === null ? browser.tabs.sendMessage(tabId, command) : browser.tabs.sendMessage(tabId, command, { frameId }));
const ports = new PanelPorts(store, (tabId) => reconcileSoon(tabId), highlighter, browser.runtime.getURL(''));

// A restart (the browser stopped the worker, or it crashed) loses what arrived after the last write
// to storage. The live documents can say again what the records lack: ask them once the records load.
void store.ready.then(() => {
  for (const tabId of store.tabIds()) {
    const tab = store.peek(tabId);
    for (const frameId of tab ? rec.framesToAskAgain(tab) : []) {
      browser.tabs.sendMessage(tabId, { type: 'report', v: PROTOCOL_VERSION }, { frameId }).catch(() => {
        // No observer there (an error page, a page extensions may not touch, a frame gone since).
      });
    }
  }
});

type Step<E> = (tab: rec.TabRecord, e: E, d: rec.Delta) => void;
/** Runs a recorder step for an event once the stored records are loaded, in event order. */
function recorded<E extends { tabId: number }>(step: Step<E>) {
  return (e: E) => {
    if (e.tabId < 0) return; // not a tab (e.g. a background fetch)
    void store.ready.then(() => store.update(e.tabId, (tab, d) => step(tab, e, d)));
  };
}

// ── reconciliation with the browser's own frame list ─────────────────────────────────────────────
const reconcileTimers = new Map<number, ReturnType<typeof setTimeout>>();
function reconcileSoon(tabId: number, delay = 150) {
  if (reconcileTimers.has(tabId)) return;
  reconcileTimers.set(tabId, setTimeout(() => {
    reconcileTimers.delete(tabId);
    void reconcile(tabId);
  }, delay));
}
async function reconcile(tabId: number) {
  const since = Date.now();
  let list: WebNavigation.GetAllFramesCallbackDetailsItemType[] | null | undefined;
  try {
    list = await browser.webNavigation.getAllFrames({ tabId });
  } catch {
    return; // the tab is gone
  }
  if (!list) return;
  await store.ready;
  store.update(tabId, (tab, d) => rec.applyFrameList(tab, list as rec.FrameListEntry[], since, Date.now(), d));
}

// ── webRequest: every document response, all header lines in order ───────────────────────────────
type ChromeWebRequest = { OnHeadersReceivedOptions?: Record<string, string>; OnSendHeadersOptions?: Record<string, string> };
/**
 * Chromium hides Set-Cookie and Cookie (and a few others) unless asked with 'extraHeaders'; Firefox
 * rejects option values it does not know, so ask only where the browser declares it.
 */
function withExtraHeaders<T extends string>(first: T, declaredIn: keyof ChromeWebRequest): T[] {
  const declared = (globalThis as { chrome?: { webRequest?: ChromeWebRequest } }).chrome?.webRequest?.[declaredIn];
  return (declared && Object.values(declared).includes('extraHeaders') ? [first, 'extraHeaders'] : [first]) as T[];
}
browser.webRequest.onHeadersReceived.addListener(
  recorded<WebRequest.OnHeadersReceivedDetailsType>((tab, e, d) => rec.onHeadersReceived(tab, e as unknown as rec.HeadersEvent, d)),
  { urls: ['<all_urls>'], types: ['main_frame', 'sub_frame'] },
  withExtraHeaders<WebRequest.OnHeadersReceivedOptions>('responseHeaders', 'OnHeadersReceivedOptions'),
);

// ── webRequest: subresources (the recorder ignores navigations here) ─────────────────────────────
// No type filter: the browsers name different types, and Chromium rejects a filter with a type it lacks.
const everyRequest = { urls: ['<all_urls>'] };
const asRequest = <E>(step: (tab: rec.TabRecord, e: E, d: rec.Delta) => void) =>
  recorded<{ tabId: number }>((tab, e, d) => step(tab, e as unknown as E, d));
browser.webRequest.onBeforeRequest.addListener(asRequest(rec.onSubresourceStart), everyRequest);
browser.webRequest.onSendHeaders.addListener(
  asRequest(rec.onSubresourceHeadersSent),
  everyRequest,
  withExtraHeaders<WebRequest.OnSendHeadersOptions>('requestHeaders', 'OnSendHeadersOptions'),
);
browser.webRequest.onHeadersReceived.addListener(
  asRequest(rec.onSubresourceHeadersReceived),
  everyRequest,
  withExtraHeaders<WebRequest.OnHeadersReceivedOptions>('responseHeaders', 'OnHeadersReceivedOptions'),
);
browser.webRequest.onCompleted.addListener(asRequest(rec.onSubresourceCompleted), everyRequest);
browser.webRequest.onErrorOccurred.addListener(asRequest(rec.onSubresourceError), everyRequest);

// ── webNavigation: the frame tree, commits and errors ────────────────────────────────────────────
const navigation: Record<string, [WebNavigation.Static[keyof WebNavigation.Static], Step<never>]> = {
  onBeforeNavigate: [browser.webNavigation.onBeforeNavigate, rec.onBeforeNavigate as Step<never>],
  onCommitted: [browser.webNavigation.onCommitted, rec.onCommitted as Step<never>],
  onErrorOccurred: [browser.webNavigation.onErrorOccurred, rec.onErrorOccurred as Step<never>],
  onCompleted: [browser.webNavigation.onCompleted, ((tab, e: rec.CompletedEvent, d) => {
    rec.onCompleted(tab, e, d);
    if (e.frameId === 0) reconcileSoon(e.tabId);
  }) as Step<never>],
  onHistoryStateUpdated: [browser.webNavigation.onHistoryStateUpdated, rec.onSameDocumentNavigation as Step<never>],
  onReferenceFragmentUpdated: [browser.webNavigation.onReferenceFragmentUpdated, rec.onSameDocumentNavigation as Step<never>],
};
for (const [event, step] of Object.values(navigation)) {
  (event as { addListener(cb: (e: { tabId: number }) => void): void }).addListener(recorded(step as Step<{ tabId: number }>));
}

// A popup or target=_blank tab: remember the frame that opened it (its sandbox may propagate).
browser.webNavigation.onCreatedNavigationTarget.addListener((e) => {
  if (e.tabId < 0) return;
  void store.ready.then(() => {
    const chain = rec.openerChain(store.peek(e.sourceTabId), e.sourceFrameId);
    store.update(e.tabId, (tab, d) => rec.onCreatedNavigationTarget(tab, e, chain, d));
  });
});

// ── tabs: a closed tab's record is deleted ───────────────────────────────────────────────────────
browser.tabs.onRemoved.addListener((tabId) => void store.ready.then(() => store.delete(tabId)));
browser.tabs.onReplaced.addListener((added, removed) => void store.ready.then(() => store.replace(added, removed)));

// ── content observer messages: untrusted hints, validated, keyed by the browser's sender ─────────
type SenderWithDocument = Runtime.MessageSender & { documentId?: string; documentLifecycle?: rec.Sender['documentLifecycle'] };
const content: { [K in ContentMessage['type']]: (tab: rec.TabRecord, s: rec.Sender, m: Extract<ContentMessage, { type: K }>, d: rec.Delta) => void } = {
  observe: (tab, s, m, d) => {
    if (!rec.onObserve(tab, s, m, Date.now(), d)) reconcileSoon(s.tabId, 50);
  },
  embeds: (tab, s, m, d) => {
    if (!rec.onEmbeds(tab, s, m, Date.now(), d)) reconcileSoon(s.tabId, 50);
    // A changed list of frame elements can mean removed frames: ask the browser which remain.
    reconcileSoon(s.tabId);
  },
  probe: (tab, s, m, d) => rec.onProbe(tab, s, m.nonce, Date.now(), d),
};
/** The DevTools panel page of this extension (its runtime messages carry no tab). */
function isPanelPage(sender: Runtime.MessageSender): boolean {
  if (sender.id !== browser.runtime.id || sender.url === undefined) return false;
  try {
    const u = new URL(sender.url);
    return `${u.origin}${u.pathname}` === browser.runtime.getURL('panel.html');
  } catch {
    return false;
  }
}
browser.runtime.onMessage.addListener((raw: unknown, sender: SenderWithDocument) => {
  // Deviation: the panel's outline requests arrive as runtime messages, not on its Port, because only
  // the panel's transport.ts touches the Port and it does not send them yet. Same guard either way.
  if (isPanelPage(sender)) {
    if (isPanelMessage(raw) && raw.v === PROTOCOL_VERSION && raw.type === 'highlight') {
      void store.ready.then(() => ports.highlight(raw.tabId, raw.frameId));
    }
    return;
  }
  const tabId = sender.tab?.id;
  if (tabId === undefined || tabId < 0 || sender.frameId === undefined || sender.id !== browser.runtime.id) return;
  if (!isContentMessage(raw)) return;
  const s: rec.Sender = {
    tabId,
    frameId: sender.frameId,
    ...(sender.documentId !== undefined ? { documentId: sender.documentId } : {}),
    ...(sender.documentLifecycle !== undefined ? { documentLifecycle: sender.documentLifecycle } : {}),
    ...(sender.url !== undefined ? { url: sender.url } : {}),
  };
  void store.ready.then(() =>
    store.update(tabId, (tab, d) => (content[raw.type] as (t: rec.TabRecord, s: rec.Sender, m: ContentMessage, d: rec.Delta) => void)(tab, s, raw, d)),
  );
});

// ── panels ───────────────────────────────────────────────────────────────────────────────────────
browser.runtime.onConnect.addListener((port) => ports.accept(port));
