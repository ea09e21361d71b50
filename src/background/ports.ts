// Panel connections: each DevTools panel connects a Port, says hello with its tab id and protocol
// version, gets the tab's full snapshot, then batched updates of the frames that changed.
import type { Runtime } from 'webextension-polyfill';
import {
  PANEL_PORT_NAME,
  PROTOCOL_VERSION,
  isPanelMessage,
  type BackgroundMessage,
  type PopupRecord,
} from '../shared/protocol.ts';
import type { Highlighter } from './highlight.ts';
import { activePage, type Delta, type TabRecord } from './recorder.ts';
import type { TabStore } from './tab-store.ts';

const PUSH_DELAY_MS = 30;

interface Pending {
  full: boolean;
  frames: Set<number>;
  removed: Set<number>;
  resources: Set<string>;
  resourcesRemoved: Set<string>;
}

export class PanelPorts {
  private readonly byTab = new Map<number, Set<Runtime.Port>>();
  private readonly pending = new Map<number, Pending>();
  /** Tabs whose panels may need a new list of popups. */
  private readonly popupsPending = new Set<number>();
  /** The popups list each port last received (as JSON), so that only changes are sent. */
  private readonly sentPopups = new Map<Runtime.Port, string>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly store: TabStore,
    private readonly onHello: (tabId: number, port: Runtime.Port) => void,
    private readonly highlighter: Pick<Highlighter, 'show' | 'clear'> | null = null,
    /** The extension's own base URL (runtime.getURL('')): its pages may connect from a tab too. */
    private readonly extensionBase: string | null = null,
  ) {
    store.onChange((tabId, delta, tab) => this.changed(tabId, delta, tab));
  }

  accept(port: Runtime.Port) {
    if (port.name !== PANEL_PORT_NAME) return;
    // Only extension pages may connect: the DevTools panel (no tab), or the panel page opened in a tab
    // (panel.html?tabId=N, its URL is the extension's). Content scripts have a tab and a web page's URL.
    const ownPage = this.extensionBase !== null && typeof port.sender?.url === 'string' && port.sender.url.startsWith(this.extensionBase);
    if (port.sender?.tab !== undefined && !ownPage) {
      port.disconnect();
      return;
    }
    let tabId: number | null = null;
    port.onMessage.addListener((raw: unknown) => {
      if (!isPanelMessage(raw)) return;
      if (raw.v !== PROTOCOL_VERSION) {
        send(port, { type: 'version-mismatch', v: PROTOCOL_VERSION, expected: PROTOCOL_VERSION });
        return;
      }
      if (raw.type === 'highlight') {
        // A panel outlines frames of the tab it inspects, and only once it said hello for it.
        if (raw.tabId === tabId) this.highlight(raw.tabId, raw.frameId);
        return;
      }
      if (tabId !== null) this.byTab.get(tabId)?.delete(port);
      tabId = raw.tabId;
      const set = this.byTab.get(tabId) ?? new Set();
      set.add(port);
      this.byTab.set(tabId, set);
      void this.store.ready.then(() => {
        const popups = this.store.popupsOf(raw.tabId);
        this.sentPopups.set(port, JSON.stringify(popups));
        send(port, { type: 'snapshot', v: PROTOCOL_VERSION, snapshot: this.store.snapshot(raw.tabId), popups });
        this.onHello(raw.tabId, port);
      });
    });
    port.onDisconnect.addListener(() => {
      this.sentPopups.delete(port);
      if (tabId === null) return;
      const set = this.byTab.get(tabId);
      set?.delete(port);
      // The last panel of the tab closed: its outline goes with it.
      if (!set?.size) this.highlighter?.clear(tabId);
    });
  }

  /**
   * A panel asks to outline a frame of its tab (null: remove the outline). Only tabs with a connected
   * panel, so that closing the panel (its port) always removes the outline.
   */
  highlight(tabId: number, frameId: number | null) {
    if (!this.byTab.get(tabId)?.size) return;
    this.highlighter?.show(tabId, frameId);
  }

  private changed(tabId: number, delta: Delta, tab: TabRecord | null) {
    // A popup changed (or a tab closed, which may have been one): its opener's panels get the new list.
    // Only its top-level frame and page identity matter to the list (not its subframes or requests).
    const page = tab ? activePage(tab) : null;
    const opener = page?.openedBy?.tabId;
    const relevant = delta.pageSwitched || [...delta.upserted].some((id) => page?.frames[String(id)]?.parentFrameId === -1);
    if (relevant && opener !== undefined && opener !== tabId && this.byTab.get(opener)?.size) this.popupsPending.add(opener);
    if (!tab) for (const [t, ports] of this.byTab) if (ports.size && t !== tabId) this.popupsPending.add(t);
    if (this.byTab.get(tabId)?.size) {
      const p = this.pending.get(tabId) ??
        { full: false, frames: new Set<number>(), removed: new Set<number>(), resources: new Set<string>(), resourcesRemoved: new Set<string>() };
      if (delta.pageSwitched) p.full = true;
      for (const id of delta.upserted) {
        p.frames.add(id);
        p.removed.delete(id);
      }
      for (const id of delta.removed) {
        p.removed.add(id);
        p.frames.delete(id);
      }
      for (const id of delta.resources) {
        p.resources.add(id);
        p.resourcesRemoved.delete(id);
      }
      for (const id of delta.resourcesRemoved) {
        p.resourcesRemoved.add(id);
        p.resources.delete(id);
      }
      this.pending.set(tabId, p);
    }
    if (this.timer === null && (this.pending.size > 0 || this.popupsPending.size > 0)) this.timer = setTimeout(() => this.push(), PUSH_DELAY_MS);
  }

  private push() {
    this.timer = null;
    for (const tabId of new Set([...this.pending.keys(), ...this.popupsPending])) {
      const ports = this.byTab.get(tabId);
      if (!ports?.size) continue;
      const p = this.pending.get(tabId);
      const tab = this.store.peek(tabId);
      const page = tab ? activePage(tab) : null;
      let msg: BackgroundMessage | null = null;
      if (p && (p.full || !page)) {
        msg = { type: 'snapshot', v: PROTOCOL_VERSION, snapshot: this.store.snapshot(tabId) };
      } else if (p && page) {
        msg = {
          type: 'update',
          v: PROTOCOL_VERSION,
          tabId,
          pageId: page.pageId,
          upserts: [...p.frames].map((id) => page.frames[String(id)]).filter((f) => f !== undefined),
          removed: [...p.removed],
          resources: [...p.resources].map((id) => page.subresources?.[id]).filter((r) => r !== undefined),
          resourcesRemoved: [...p.resourcesRemoved],
          dropped: page.dropped,
        };
      }
      const popups = this.popupsPending.has(tabId) ? this.store.popupsOf(tabId) : null;
      const popupsJson = popups ? JSON.stringify(popups) : '';
      for (const port of ports) {
        const withPopups = popups !== null && this.sentPopups.get(port) !== popupsJson;
        if (withPopups) this.sentPopups.set(port, popupsJson);
        const out = withPopups ? withPopupList(msg ?? this.popupsOnly(tabId, page), popups) : msg;
        if (out) send(port, out);
      }
    }
    this.pending.clear();
    this.popupsPending.clear();
  }

  /** A message that changes nothing but the popups: an empty update of the active page, or a snapshot. */
  private popupsOnly(tabId: number, page: ReturnType<typeof activePage>): BackgroundMessage {
    return page
      ? { type: 'update', v: PROTOCOL_VERSION, tabId, pageId: page.pageId, upserts: [], removed: [], resources: [], resourcesRemoved: [], dropped: page.dropped }
      : { type: 'snapshot', v: PROTOCOL_VERSION, snapshot: this.store.snapshot(tabId) };
  }
}

function withPopupList(msg: BackgroundMessage, popups: PopupRecord[]): BackgroundMessage {
  return msg.type === 'snapshot' || msg.type === 'update' ? { ...msg, popups } : msg;
}

function send(port: Runtime.Port, msg: BackgroundMessage) {
  try {
    port.postMessage(msg);
  } catch {
    // The panel went away between the change and the push; its onDisconnect cleans up.
  }
}

