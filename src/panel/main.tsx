import { render } from 'preact';
import browser from 'webextension-polyfill';
import { App } from './components/App.tsx';
import { createStore } from './store.ts';
import { connectToBackground } from './transport.ts';
import { currentEngine, loadSettings, watchSettings } from './settings.ts';
import './panel.css';

type Devtools = { inspectedWindow?: { tabId: number; reload(options?: object): void }; panels?: { themeName?: string } };
const devtools = (browser as unknown as { devtools?: Devtools }).devtools;

// In DevTools the inspected tab is given; the same page also runs in a plain tab with ?tabId=N (tests).
const tabId = devtools?.inspectedWindow?.tabId ?? Number(new URLSearchParams(location.search).get('tabId'));
document.documentElement.dataset.theme = devtools?.panels?.themeName === 'dark' ? 'dark' : 'light';

const store = createStore(currentEngine());
void loadSettings().then((s) => (store.settings.value = s));
watchSettings((s) => (store.settings.value = s));
connectToBackground(tabId, {
  snapshot: (m) => store.applySnapshot(m),
  update: (m) => store.applyUpdate(m),
  state: (s) => (store.connection.value = s),
});

const reload = () => devtools?.inspectedWindow?.reload({});
render(<App store={store} onReload={reload} />, document.getElementById('app')!);
