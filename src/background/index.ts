// Listener wiring only. Every listener is registered synchronously at start-up (so the browser can wake
// the worker for it, and a restarted worker loses no event) and waits for the stored records before it
// changes anything. The recording ones are removed again as soon as the scope (scope.ts) says that no
// tab is recorded, and added back when one is: an idle extension costs browsing nothing.
import browser from 'webextension-polyfill';
import type { Runtime, WebNavigation, WebRequest } from 'webextension-polyfill';
import { DEVTOOLS_PORT_NAME, PROTOCOL_VERSION, isContentMessage, isPanelMessage, isWatchMessage, type ContentMessage } from '../shared/protocol.ts';
import { SETTINGS_KEY, parseSettings } from '../shared/settings.ts';
import { Highlighter } from './highlight.ts';
import { PanelPorts } from './ports.ts';
import * as rec from './recorder.ts';
import { RecordingScope, SCOPE_KEY, type StoredScope } from './scope.ts';
import { TabStore } from './tab-store.ts';
import { EventTrace, type TracedEvent } from './trace.ts';

const store = new TabStore(browser.storage.session);
const highlighter = new Highlighter(store, (tabId, frameId, command) =>
  frameId === null ? browser.tabs.sendMessage(tabId, command) : browser.tabs.sendMessage(tabId, command, { frameId }));
const ports = new PanelPorts(store, (tabId, port) => {
  scope.watch(tabId, port);
  reconcileSoon(tabId);
}, highlighter, browser.runtime.getURL(''));

// ── the event trace (debugging aid, off by default: see trace.ts) ────────────────────────────────
const TRACE_FLAG = 'debugTrace';
const trace = new EventTrace();
// Read where the background runs (the CLI: the worker's console in Chromium, the background page in
// Firefox); kept in memory only, so a restarted background starts a new trace.
(globalThis as { frameSecurityTrace?: EventTrace }).frameSecurityTrace = trace;
const traced = (kind: string, e: TracedEvent, detail: string | null = null) => trace.record(kind, e, detail);

// The two switches in storage.local, read once at start and followed: the trace flag, and the
// settings' "Record every tab" (for the scope).
const localAtStart: Promise<Record<string, unknown>> = browser.storage.local.get([TRACE_FLAG, SETTINGS_KEY]).catch(() => ({}));
void localAtStart.then((v) => {
  trace.enabled = v[TRACE_FLAG] === true;
});
browser.storage.onChanged.addListener((changes, area) => {
  if (area !== 'local') return;
  if (TRACE_FLAG in changes) {
    trace.enabled = changes[TRACE_FLAG]!.newValue === true;
    if (!trace.enabled) trace.clear();
  }
  if (SETTINGS_KEY in changes) void scope.ready.then(() => scope.setEverywhere(parseSettings(changes[SETTINGS_KEY]!.newValue).recordAllTabs));
});

// ── what is recorded: the watched tabs (or every tab), see scope.ts ──────────────────────────────
const scope = new RecordingScope({
  load: async () => {
    const [session, local] = await Promise.all([browser.storage.session.get(SCOPE_KEY), localAtStart, store.ready]);
    return { stored: session[SCOPE_KEY], everywhere: parseSettings(local[SETTINGS_KEY]).recordAllTabs };
  },
  save: (state: StoredScope) => void browser.storage.session.set({ [SCOPE_KEY]: state }).catch(() => {}),
  recordedTabs: () => store.tabIds(),
  unrecorded: (tabIds) => {
    for (const tabId of tabIds) store.forget(tabId);
  },
  listening: (on) => setListening(on),
});
// Records and scope loaded (the scope's load waits for the store's).
const ready = scope.ready;

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
/** Whether an event begins a tab's record: a new top-level navigation (see RecordingScope.accepts). */
const startsRecord = (e: { tabId: number; frameId?: number }) => e.frameId === 0;
const accepts = (tabId: number, begins: boolean) => scope.accepts(tabId, store.peek(tabId) !== undefined, begins);
/** Runs a recorder step for an event of a recorded tab once the stored records are loaded, in event order. */
function recorded<E extends { tabId: number }>(step: Step<E>, kind: string, begins: (e: E) => boolean = () => false) {
  return (e: E) => {
    if (e.tabId < 0) return; // not a tab (e.g. a background fetch)
    void ready.then(() => {
      if (!accepts(e.tabId, begins(e))) return;
      traced(kind, e as TracedEvent);
      store.update(e.tabId, (tab, d) => step(tab, e, d));
    });
  };
}

/** The recording listeners: [event, listener, ...addListener's other arguments]. */
type Listening = [{ addListener(cb: never, ...rest: never[]): void; removeListener(cb: never): void }, (e: never) => void, ...unknown[]];
const recording: Listening[] = [];
const listen = (event: unknown, cb: unknown, ...rest: unknown[]) => {
  recording.push([event, cb, ...rest] as Listening);
};

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
  await ready;
  // The list completes a recorded page; it never begins one: a tab watched mid-page starts with its
  // next page, and until that page commits the browser's list describes the page before it.
  const recording = () => scope.isRecorded(tabId) && (scope.recordsEverywhere || (store.peek(tabId)?.activePageId ?? null) !== null);
  if (!recording()) return;
  const since = Date.now();
  let list: WebNavigation.GetAllFramesCallbackDetailsItemType[] | null | undefined;
  try {
    list = await browser.webNavigation.getAllFrames({ tabId });
  } catch {
    return; // the tab is gone
  }
  if (!list) return;
  if (trace.enabled) traced('frame-list', { tabId }, JSON.stringify(list.map((f) => [f.frameId, f.parentFrameId, f.url, (f as { documentId?: string }).documentId ?? null, f.errorOccurred ?? null])));
  if (!recording()) return;
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
listen(
  browser.webRequest.onHeadersReceived,
  recorded<WebRequest.OnHeadersReceivedDetailsType>((tab, e, d) => rec.onHeadersReceived(tab, e as unknown as rec.HeadersEvent, d), 'document-headers'),
  { urls: ['<all_urls>'], types: ['main_frame', 'sub_frame'] },
  withExtraHeaders<WebRequest.OnHeadersReceivedOptions>('responseHeaders', 'OnHeadersReceivedOptions'),
);

// ── webRequest: subresources (the recorder ignores navigations here) ─────────────────────────────
// No type filter: the browsers name different types, and Chromium rejects a filter with a type it lacks.
const everyRequest = { urls: ['<all_urls>'] };
const asRequest = <E>(step: (tab: rec.TabRecord, e: E, d: rec.Delta) => void, kind: string) =>
  recorded<{ tabId: number }>((tab, e, d) => step(tab, e as unknown as E, d), kind);
listen(browser.webRequest.onBeforeRequest, asRequest(rec.onSubresourceStart, 'request-start'), everyRequest);
listen(
  browser.webRequest.onSendHeaders,
  asRequest(rec.onSubresourceHeadersSent, 'request-headers-sent'),
  everyRequest,
  withExtraHeaders<WebRequest.OnSendHeadersOptions>('requestHeaders', 'OnSendHeadersOptions'),
);
listen(
  browser.webRequest.onHeadersReceived,
  asRequest(rec.onSubresourceHeadersReceived, 'request-headers-received'),
  everyRequest,
  withExtraHeaders<WebRequest.OnHeadersReceivedOptions>('responseHeaders', 'OnHeadersReceivedOptions'),
);
listen(browser.webRequest.onCompleted, asRequest(rec.onSubresourceCompleted, 'request-completed'), everyRequest);
listen(browser.webRequest.onErrorOccurred, asRequest(rec.onSubresourceError, 'request-error'), everyRequest);

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
for (const [name, [event, step]] of Object.entries(navigation)) {
  // A new top-level document begins a watched tab's record (not a same-document navigation).
  const begins = name === 'onBeforeNavigate' ? startsRecord : undefined;
  listen(event, recorded(step as Step<{ tabId: number }>, `navigation.${name}`, begins));
}

// A popup or target=_blank tab of a recorded tab: recorded too, with the frame that opened it (its
// sandbox may propagate).
listen(browser.webNavigation.onCreatedNavigationTarget, (e: WebNavigation.OnCreatedNavigationTargetDetailsType) => {
  if (e.tabId < 0) return;
  void ready.then(() => {
    if (!scope.opened(e.tabId, e.sourceTabId)) return;
    const chain = rec.openerChain(store.peek(e.sourceTabId), e.sourceFrameId);
    store.update(e.tabId, (tab, d) => rec.onCreatedNavigationTarget(tab, e, chain, d));
  });
});

// ── tabs: a closed tab's record is deleted ───────────────────────────────────────────────────────
browser.tabs.onRemoved.addListener((tabId) => void ready.then(() => {
  store.delete(tabId);
  scope.closed(tabId);
}));
browser.tabs.onReplaced.addListener((added, removed) => void ready.then(() => {
  store.replace(added, removed);
  scope.replaced(added, removed);
}));

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
  if (trace.enabled) traced(`content.${raw.type}`, { tabId, frameId: sender.frameId, ...(sender.documentId !== undefined ? { documentId: sender.documentId } : {}), url: raw.type === 'observe' ? raw.url : sender.url ?? '' },
    raw.type === 'probe' ? raw.nonce : raw.type === 'embeds' ? JSON.stringify(raw.embeds.map((x) => [x.index, x.frameId, x.id, x.src])) : null);
  const s: rec.Sender = {
    tabId,
    frameId: sender.frameId,
    ...(sender.documentId !== undefined ? { documentId: sender.documentId } : {}),
    ...(sender.documentLifecycle !== undefined ? { documentLifecycle: sender.documentLifecycle } : {}),
    ...(sender.url !== undefined ? { url: sender.url } : {}),
  };
  void ready.then(() => {
    if (!accepts(tabId, false)) return;
    store.update(tabId, (tab, d) => (content[raw.type] as (t: rec.TabRecord, s: rec.Sender, m: ContentMessage, d: rec.Delta) => void)(tab, s, raw, d));
  });
});

// ── panels and DevTools pages ────────────────────────────────────────────────────────────────────
browser.runtime.onConnect.addListener((port) => {
  if (port.name === DEVTOOLS_PORT_NAME) acceptDevTools(port);
  else ports.accept(port);
});
/** A DevTools window opened on a tab (its DevTools page, which lives as long as the window): watch the tab. */
function acceptDevTools(port: Runtime.Port) {
  // Only this extension's own DevTools page: it has no tab and the extension's URL.
  if (port.sender?.tab !== undefined || port.sender?.id !== browser.runtime.id) {
    port.disconnect();
    return;
  }
  port.onMessage.addListener((raw: unknown) => {
    if (isWatchMessage(raw) && raw.v === PROTOCOL_VERSION) void ready.then(() => scope.watch(raw.tabId, port));
  });
}

// ── listening, or not ────────────────────────────────────────────────────────────────────────────
const CONTENT_SCRIPT_ID = 'observer';
let listeningNow = false;
function setListeners(on: boolean) {
  if (on === listeningNow) return;
  listeningNow = on;
  for (const [event, cb, ...rest] of recording) {
    if (on) (event.addListener as (...a: unknown[]) => void)(cb, ...rest);
    else event.removeListener(cb as never);
  }
}
function setListening(on: boolean) {
  setListeners(on);
  contentScript = contentScript.then(() => setContentScript(on)).catch(() => {});
}
/** The observer (content.js) is registered only while something is recorded: its injection costs every frame. */
let contentScript: Promise<void> = Promise.resolve();
let contentScriptRegistered = false;
async function setContentScript(on: boolean) {
  if (on !== listeningNow) return; // a later switch follows in the chain
  const registered = (await browser.scripting.getRegisteredContentScripts({ ids: [CONTENT_SCRIPT_ID] })).length > 0;
  if (on && !registered) {
    await browser.scripting.registerContentScripts([{
      id: CONTENT_SCRIPT_ID,
      js: ['content.js'],
      matches: ['<all_urls>'],
      allFrames: true,
      // about:blank, about:srcdoc, data: and blob: frames too (what match_about_blank and
      // match_origin_as_fallback did in the manifest).
      matchOriginAsFallback: true,
      runAt: 'document_start',
      persistAcrossSessions: false,
    } as Parameters<typeof browser.scripting.registerContentScripts>[0][number]]);
  } else if (!on && registered) {
    await browser.scripting.unregisterContentScripts({ ids: [CONTENT_SCRIPT_ID] });
  }
  contentScriptRegistered = on;
}
// Listeners from the start (a restarted worker must not miss the events that woke it); the scope
// removes them once it knows that nothing is recorded, and sees to the content script.
setListeners(true);
(globalThis as { frameSecurityScope?: unknown }).frameSecurityScope = {
  state: () => ({ ...scope.state(), listening: listeningNow, contentScript: contentScriptRegistered }),
};
