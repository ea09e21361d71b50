import './shared-array-buffer.ts'; // first: before whatwg-url loads (Firefox)
import { effect, signal } from '@preact/signals';
import { render } from 'preact';
import { App } from './components/App.tsx';
import { createPanelHost, watchInspectedPage } from './host.ts';
import { applyTheme, watchTheme, type DevtoolsApi, type InspectedPage } from './inspected.ts';
import { createStore } from './store.ts';
import { connectToBackground } from './transport.ts';
import { currentEngine, loadSettings, watchSettings } from './settings.ts';
import './panel.css';
import './layout.css';

// chrome.devtools in both browsers: its callback forms behave the same in Chromium and Firefox.
const devtools = (globalThis as { chrome?: { devtools?: DevtoolsApi } }).chrome?.devtools;

// In DevTools the inspected tab is given; the same page also runs in a plain tab with ?tabId=N (tests).
// Without either it inspects no tab (and connects for none: a panel watching a tab records it).
const tabParam = new URLSearchParams(location.search).get('tabId');
const tabId = devtools?.inspectedWindow?.tabId ?? (tabParam !== null && /^\d{1,15}$/.test(tabParam) ? Number(tabParam) : -1);

// DevTools' theme, now and when the user switches it (Chromium: setThemeChangeHandler; Firefox: onThemeChanged).
applyTheme(document.documentElement, devtools?.panels?.themeName);
watchTheme(devtools?.panels, (name) => applyTheme(document.documentElement, name));

const engine = currentEngine();
const store = createStore(engine);
const host = createPanelHost(devtools, engine);
void loadSettings().then((s) => (store.settings.value = s));
watchSettings((s) => (store.settings.value = s));
if (tabId >= 0) {
  connectToBackground(tabId, {
    snapshot: (m) => store.applySnapshot(m),
    update: (m) => store.applyUpdate(m),
    state: (s) => (store.connection.value = s),
  });
}

// Which page is inspected, and whether extensions may run there. Checked at start, on DevTools'
// navigation events, when the record moves to another page, and every few seconds while the panel
// shows no record or a restricted page (Chromium stops sending navigation events to extensions on
// pages they may not inspect, so leaving such a page is noticed by asking again).
const inspected = signal<InspectedPage | null>(null);
const recheck = watchInspectedPage(devtools, tabId, (p) => (inspected.value = p));
let lastPage: string | null | undefined;
effect(() => {
  const page = store.snapshot.value?.page;
  const key = page ? `${page.pageId} ${page.url}` : null;
  if (key !== lastPage) {
    lastPage = key;
    recheck();
  }
});
const RECHECK_MS = 2000;
setInterval(() => {
  const p = inspected.value;
  if (!store.snapshot.value?.page || p?.denied || (p?.url && !/^https?:/.test(p.url))) recheck();
}, RECHECK_MS);

render(<App store={store} host={host} inspected={inspected} />, document.getElementById('app')!);
