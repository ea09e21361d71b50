// The DevTools page: it creates the panel, and tells the background that DevTools is open on this tab
// for as long as it lives (a Port), so that the tab is recorded while DevTools is open, whichever of
// its panels is shown (as the Network panel records). The Port drops when the worker restarts:
// connect again, and the background keeps the tab recorded across the restart.
import browser from 'webextension-polyfill';
import { DEVTOOLS_PORT_NAME, PROTOCOL_VERSION, type WatchMessage } from '../shared/protocol.ts';

void browser.devtools.panels.create('Frame Security', 'icons/icon-32.png', 'panel.html');

const MAX_BACKOFF_MS = 2000;
let backoff = 50;
function watch() {
  let port: ReturnType<typeof browser.runtime.connect>;
  try {
    port = browser.runtime.connect({ name: DEVTOOLS_PORT_NAME });
  } catch {
    return; // the extension was removed or updated under this window
  }
  const message: WatchMessage = { type: 'watch', v: PROTOCOL_VERSION, tabId: browser.devtools.inspectedWindow.tabId };
  port.postMessage(message);
  const connectedAt = Date.now();
  port.onDisconnect.addListener(() => {
    if (Date.now() - connectedAt > 10_000) backoff = 50;
    setTimeout(watch, backoff);
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
  });
}
watch();
