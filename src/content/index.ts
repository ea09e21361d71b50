// The per-frame observer. Runs at document_start in every frame (sandboxed, srcdoc, about:blank and
// data: ones included) and reports what the browser itself says about this document, plus the
// document's own <iframe>/<frame> elements. It decides nothing.
import browser from 'webextension-polyfill';
import type { Runtime } from 'webextension-polyfill';
import {
  MAX_EMBEDS,
  PROTOCOL_VERSION,
  clipText,
  isContentCommand,
  isNonce,
  type ContentMessage,
  type ContentMessages,
  type EmbedReport,
  type HighlightTarget,
} from '../shared/protocol.ts';
import { MAX_SANDBOX_HISTORY } from '../shared/snapshot.ts';
import { Overlay } from './overlay.ts';

const MARK = '__frameSecurity';
const RESCAN_DELAY_MS = 100;
const WATCHED_ATTRIBUTES = ['src', 'srcdoc', 'sandbox', 'allow', 'credentialless', 'id', 'name', 'title', 'referrerpolicy', 'loading'];

type Payload<K extends keyof ContentMessages> = ContentMessages[K];
function send<K extends ContentMessage['type']>(type: K, payload: Payload<K>) {
  browser.runtime.sendMessage({ type, v: PROTOCOL_VERSION, ...payload }).catch(() => {
    // The extension was reloaded or the worker is starting: the next report will carry the state.
  });
}

// ── what the browser says about this document ───────────────────────────────────────────────────
let lastObserved = '';
/**
 * When this document's response started to arrive (ms since the epoch), where navigation timing says.
 * The legacy timing first: whole milliseconds that never change once set, so a later observation
 * repeats the first one exactly (and is not sent again); the entry where the legacy one is missing.
 */
function responseStart(): { responseStartAt?: number } {
  let at = performance.timing?.responseStart ?? 0;
  if (!(at > 0)) {
    const entry = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    at = entry && entry.responseStart > 0 ? Math.round(performance.timeOrigin + entry.responseStart) : 0;
  }
  return Number.isFinite(at) && at > 0 ? { responseStartAt: at } : {};
}
function observe() {
  let documentDomain: string | null;
  try {
    documentDomain = document.domain;
  } catch {
    documentDomain = null;
  }
  const oac = (self as { originAgentCluster?: unknown }).originAgentCluster;
  const payload: Payload<'observe'> = {
    url: clipText(location.href),
    origin: self.origin,
    isSecureContext: self.isSecureContext,
    crossOriginIsolated: self.crossOriginIsolated === true,
    documentDomain,
    originAgentCluster: typeof oac === 'boolean' ? oac : null,
    ...(window.parent === window ? { hasOpener: window.opener !== null } : {}),
    ...responseStart(),
  };
  const key = JSON.stringify(payload);
  if (key === lastObserved) return;
  lastObserved = key;
  send('observe', payload);
}

// ── mapping <iframe> elements to frame ids ───────────────────────────────────────────────────────
// Firefox tells us directly (runtime.getFrameId). Chromium does not: the parent posts an unguessable
// nonce into the element's window, the child's observer hands it to the background, which learns
// the child's frameId from the message sender. The page sees neither message: both listeners run
// first (registered at document_start, in the capture phase) and stop the event.
const getFrameId = (browser.runtime as { getFrameId?: (target: Element) => number }).getFrameId;
const nonces = new WeakMap<object, string>();

/** A random UUID. crypto.randomUUID exists only in secure contexts; getRandomValues everywhere. */
function randomNonce(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function nonceFor(win: Window | null): string | undefined {
  if (getFrameId || !win) return undefined;
  let nonce = nonces.get(win);
  if (!nonce) {
    nonce = randomNonce();
    nonces.set(win, nonce);
  }
  return nonce;
}

function probe(el: HTMLIFrameElement | HTMLFrameElement) {
  const nonce = nonceFor(el.contentWindow);
  if (!nonce) return;
  try {
    el.contentWindow?.postMessage({ [MARK]: 'probe', nonce }, '*');
  } catch {
    // A detached window: the element will be reported without a frame.
  }
}

const claimed = new Set<string>();
let lastElements: FrameElement[] = [];
window.addEventListener(
  'message',
  (event) => {
    // Only messages the browser delivered (postMessage): a page's own script can dispatch a synthetic
    // MessageEvent with any data and any `source`, which would otherwise pass for its parent's probe.
    if (!event.isTrusted) return;
    const data: unknown = event.data;
    if (typeof data !== 'object' || data === null || !(MARK in data)) return;
    event.stopImmediatePropagation();
    const kind = (data as Record<string, unknown>)[MARK];
    if (kind === 'probe' && event.source === window.parent && window.parent !== window) {
      const nonce = (data as Record<string, unknown>).nonce;
      if (isNonce(nonce) && !claimed.has(nonce)) {
        claimed.add(nonce);
        send('probe', { nonce });
      }
    } else if (kind === 'hello' && event.source) {
      // A child document started: find its element among ours (the last scan's list first; a full
      // walk only for an element added since) and tell it its nonce.
      const el = lastElements.find((e) => e.contentWindow === event.source) ??
        (lastElements = frameElements()).find((e) => e.contentWindow === event.source);
      if (el) probe(el);
    }
  },
  true,
);

function sayHello() {
  if (getFrameId || window.parent === window) return;
  try {
    window.parent.postMessage({ [MARK]: 'hello' }, '*');
  } catch {
    // No parent to talk to.
  }
}

// ── this document's frame elements ───────────────────────────────────────────────────────────────
type FrameElement = HTMLIFrameElement | HTMLFrameElement;
const observedRoots = new WeakSet<Node>();

function frameElements(): FrameElement[] {
  const out: FrameElement[] = [];
  const visit = (root: Document | ShadowRoot) => {
    for (const el of root.querySelectorAll<FrameElement>('iframe, frame')) out.push(el);
    // Frames inside open shadow roots are frames of this document too.
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const shadow = (n as Element).shadowRoot;
      if (shadow) {
        watch(shadow);
        visit(shadow);
      }
    }
  };
  visit(document);
  return out;
}

function describe(el: FrameElement, index: number): EmbedReport {
  const attr = (name: string) => {
    const v = el.getAttribute(name);
    return v === null ? null : clipText(v);
  };
  let frameId: number | null = null;
  if (getFrameId) {
    try {
      const id = getFrameId(el);
      frameId = Number.isSafeInteger(id) && id >= 0 ? id : null;
    } catch {
      frameId = null;
    }
  }
  const nonce = nonceFor(el.contentWindow);
  const property = (el as { credentialless?: unknown }).credentialless;
  return {
    tag: el.localName === 'frame' ? 'frame' : 'iframe',
    index,
    frameId,
    ...(nonce ? { probe: nonce } : {}),
    id: attr('id'),
    name: attr('name'),
    title: attr('title'),
    src: attr('src'),
    srcdoc: el.hasAttribute('srcdoc'),
    sandbox: attr('sandbox'),
    allow: attr('allow'),
    referrerPolicy: attr('referrerpolicy'),
    loading: attr('loading'),
    credentialless: { attribute: el.hasAttribute('credentialless'), property: typeof property === 'boolean' ? property : null },
    ...(sandboxHistory.has(el) ? { sandboxHistory: sandboxHistory.get(el)! } : {}),
  };
}

let lastEmbeds = '';
let scanTimer: ReturnType<typeof setTimeout> | null = null;
function scanSoon() {
  if (scanTimer === null) scanTimer = setTimeout(scan, RESCAN_DELAY_MS);
}
function scan() {
  scanTimer = null;
  const elements = (lastElements = frameElements());
  const embeds = elements.slice(0, MAX_EMBEDS).map(describe);
  const payload: Payload<'embeds'> = { embeds, dropped: Math.max(0, elements.length - MAX_EMBEDS) };
  const key = JSON.stringify(payload);
  if (key !== lastEmbeds) {
    lastEmbeds = key;
    send('embeds', payload);
  }
  for (const el of elements) if (el.contentWindow) probe(el);
}

// Earlier sandbox attribute values per element, and when each was replaced: a frame keeps the flags it
// navigated with, so the analysis needs the value that was current when its navigation started.
const sandboxHistory = new WeakMap<Element, { value: string | null; until: number }[]>();
const mutations = new MutationObserver((records) => {
  const now = Date.now();
  for (const r of records) {
    if (r.type === 'attributes' && r.attributeName === 'sandbox' && (r.target as Element).localName !== undefined) {
      const el = r.target as Element;
      const list = sandboxHistory.get(el) ?? [];
      list.push({ value: r.oldValue === null ? null : clipText(r.oldValue), until: now });
      sandboxHistory.set(el, list.slice(-MAX_SANDBOX_HISTORY));
    }
  }
  for (const r of records) {
    if (r.type === 'attributes' || touchesFrames(r.addedNodes) || touchesFrames(r.removedNodes)) {
      scanSoon();
      return;
    }
  }
});
function touchesFrames(nodes: NodeList): boolean {
  for (const n of nodes) {
    if (n.nodeType !== Node.ELEMENT_NODE) continue;
    const el = n as Element;
    if (el.localName === 'iframe' || el.localName === 'frame' || el.shadowRoot || el.querySelector('iframe, frame')) return true;
  }
  return false;
}
function watch(root: Node) {
  if (observedRoots.has(root)) return;
  observedRoots.add(root);
  mutations.observe(root, { subtree: true, childList: true, attributes: true, attributeOldValue: true, attributeFilter: WATCHED_ATTRIBUTES });
}

// ── outlining a frame for the panel ──────────────────────────────────────────────────────────────
const overlay = new Overlay();

/** This document's element that hosts the frame: by the browser's frame id (Firefox) or by our probe nonce (Chromium). */
function frameElementFor(t: Extract<HighlightTarget, { kind: 'element' }>): FrameElement | null {
  const elements = frameElements();
  if (getFrameId) {
    return elements.find((el) => {
      try {
        return getFrameId(el) === t.frameId;
      } catch {
        return false;
      }
    }) ?? null;
  }
  if (t.probe === undefined) return null;
  return elements.find((el) => el.contentWindow !== null && nonces.get(el.contentWindow) === t.probe) ?? null;
}

/**
 * Only the extension's own background may command the observer: not another extension, not a page, not
 * a content script (which have a tab) and not an extension page such as the panel.
 */
const BACKGROUND_PAGES = ['background.js', '_generated_background_page.html'].map((p) => browser.runtime.getURL(p));
function fromBackground(sender: Runtime.MessageSender): boolean {
  return sender.id === browser.runtime.id && sender.tab === undefined && sender.url !== undefined && BACKGROUND_PAGES.includes(sender.url);
}

browser.runtime.onMessage.addListener((raw: unknown, sender: Runtime.MessageSender) => {
  if (!fromBackground(sender) || !isContentCommand(raw)) return;
  if (raw.type === 'report') {
    reportAgain();
    return;
  }
  const t = raw.target;
  if (t === null) {
    overlay.hide();
  } else if (t.kind === 'viewport') {
    if (window.parent === window) overlay.show('viewport');
  } else {
    const el = frameElementFor(t);
    if (el) overlay.show(el);
    else overlay.hide();
  }
});

/** The background restarted and may have lost this document's last reports: send them again. */
function reportAgain() {
  lastObserved = '';
  observe();
  lastEmbeds = '';
  scan();
  for (const nonce of claimed) send('probe', { nonce });
}

// ── start ────────────────────────────────────────────────────────────────────────────────────────
observe();
sayHello();
watch(document);
scanSoon();
document.addEventListener('DOMContentLoaded', () => {
  observe();
  scanSoon();
});
// A frame element's load means its child has a new document: re-probe it.
document.addEventListener('load', (e) => {
  const t = e.target as Element | null;
  if (t && (t.localName === 'iframe' || t.localName === 'frame')) probe(t as FrameElement);
}, true);
window.addEventListener('load', () => {
  observe();
  scanSoon();
});
