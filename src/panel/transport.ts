// The only module that touches the runtime Port. Connects, says hello, hands snapshots and updates to
// the store, and reconnects when the port drops (a service-worker restart drops every port).
import browser from 'webextension-polyfill';
import type { Runtime } from 'webextension-polyfill';
import {
  PANEL_PORT_NAME,
  PROTOCOL_VERSION,
  isBackgroundMessage,
  type BackgroundToPanel,
  type PanelMessage,
} from '../shared/protocol.ts';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'version-mismatch' | 'extension-gone';

export interface TransportHandlers {
  snapshot(msg: BackgroundToPanel['snapshot']): void;
  update(msg: BackgroundToPanel['update']): void;
  state(state: ConnectionState): void;
}

const MAX_BACKOFF_MS = 2000;

export function connectToBackground(tabId: number, on: TransportHandlers): () => void {
  let port: Runtime.Port | null = null;
  let stopped = false;
  let backoff = 50;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const open = () => {
    timer = null;
    if (stopped) return;
    try {
      port = browser.runtime.connect({ name: PANEL_PORT_NAME });
    } catch {
      // The extension was updated or removed under this DevTools window.
      stopped = true;
      on.state('extension-gone');
      return;
    }
    port.onMessage.addListener((raw: unknown) => {
      if (!isBackgroundMessage(raw)) return;
      if (raw.v !== PROTOCOL_VERSION || raw.type === 'version-mismatch') {
        stopped = true;
        on.state('version-mismatch');
        port?.disconnect();
        return;
      }
      backoff = 50;
      if (raw.type === 'snapshot') {
        if (raw.snapshot.tabId !== tabId) return;
        on.snapshot(raw);
        on.state('connected');
      } else if (raw.tabId === tabId) {
        on.update(raw);
      }
    });
    port.onDisconnect.addListener(() => {
      port = null;
      if (stopped) return;
      on.state('reconnecting');
      timer = setTimeout(open, backoff);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    });
    const hello: PanelMessage = { type: 'hello', v: PROTOCOL_VERSION, tabId };
    port.postMessage(hello);
  };

  on.state('connecting');
  open();
  return () => {
    stopped = true;
    if (timer !== null) clearTimeout(timer);
    port?.disconnect();
  };
}
