// Panel connections: each DevTools panel connects a Port, says hello with its tab id and protocol
// version, gets the tab's full snapshot, then batched updates of the frames that changed.
import type { Runtime } from 'webextension-polyfill';
import {
  PANEL_PORT_NAME,
  PROTOCOL_VERSION,
  isPanelMessage,
  type BackgroundMessage,
} from '../shared/protocol.ts';
import { activePage, type Delta } from './recorder.ts';
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
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly store: TabStore, private readonly onHello: (tabId: number) => void) {
    store.onChange((tabId, delta) => this.changed(tabId, delta));
  }

  accept(port: Runtime.Port) {
    if (port.name !== PANEL_PORT_NAME) return;
    // Only extension pages (the DevTools panel) may connect; content scripts have a tab.
    if (port.sender?.tab !== undefined) {
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
      if (tabId !== null) this.byTab.get(tabId)?.delete(port);
      tabId = raw.tabId;
      const set = this.byTab.get(tabId) ?? new Set();
      set.add(port);
      this.byTab.set(tabId, set);
      void this.store.ready.then(() => {
        send(port, { type: 'snapshot', v: PROTOCOL_VERSION, snapshot: this.store.snapshot(raw.tabId) });
        this.onHello(raw.tabId);
      });
    });
    port.onDisconnect.addListener(() => {
      if (tabId !== null) this.byTab.get(tabId)?.delete(port);
    });
  }

  private changed(tabId: number, delta: Delta) {
    if (!this.byTab.get(tabId)?.size) return;
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
    if (this.timer === null) this.timer = setTimeout(() => this.push(), PUSH_DELAY_MS);
  }

  private push() {
    this.timer = null;
    for (const [tabId, p] of this.pending) {
      const ports = this.byTab.get(tabId);
      if (!ports?.size) continue;
      const tab = this.store.peek(tabId);
      const page = tab ? activePage(tab) : null;
      let msg: BackgroundMessage;
      if (p.full || !page) {
        msg = { type: 'snapshot', v: PROTOCOL_VERSION, snapshot: this.store.snapshot(tabId) };
      } else {
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
      for (const port of ports) send(port, msg);
    }
    this.pending.clear();
  }
}

function send(port: Runtime.Port, msg: BackgroundMessage) {
  try {
    port.postMessage(msg);
  } catch {
    // The panel went away between the change and the push; its onDisconnect cleans up.
  }
}

