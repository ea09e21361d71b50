/// <reference types="chrome" />
// Panel benchmark, in real Chromium with the built extension: the panel page (extension/panel.html, the
// very bundle DevTools loads) opened in a tab, with chrome.devtools stubbed and chrome.runtime.connect
// replaced, before the page's scripts run, by a Port that the benchmark drives. No test hook in the
// panel: its transport.ts gets the messages as a real Port would hand them over, and runs its guards.
//   first render: a 1,000-frame snapshot arrives (the JSON is parsed, as the extension's messaging
//     does) → the tree shows all its rows (MutationObserver): the rows in view are in the DOM and the
//     spacers of a long (windowed) tree stand for the rest, then → the next frame (rAF, then a task).
//   update: one frame's record changes (an `update` message with that frame, a frame in view) → its row shows it.
import { writeFileSync } from 'node:fs';
import { launchChromiumWithExtension, type ChromiumWithExtension } from '../../src/cli/chromium.ts';
import { PROTOCOL_VERSION, type BackgroundMessage } from '../../src/shared/protocol.ts';
import { SNAPSHOT_VERSION, type FrameRecord } from '../../src/shared/snapshot.ts';
import { median } from './core.ts';
import { syntheticPage } from './snapshots.ts';

export interface PanelTimings {
  /** JSON.parse of the message, ms (the extension's messaging deserializes before the listener runs). */
  parseMs: number;
  /** Message handed to the port's listener → rows in the DOM, ms. */
  domMs: number;
  /** The same → the next frame painted (requestAnimationFrame, then a task), ms. */
  frameMs: number;
}

export interface PanelResult {
  frames: number;
  runs: number;
  messageBytes: number;
  first: PanelTimings[];
  updates: PanelTimings[];
  medianFirst: PanelTimings;
  medianUpdate: PanelTimings;
  targets: { firstMs: number; updateMs: number };
}

const TAB_ID = 1;
const PAGE_URL = 'https://a.test/';

/** Runs in the panel page before its scripts: the stubbed DevTools API and the benchmark's Port. */
export function stubPanelApis(args: { tabId: number; url: string }) {
  if (location.protocol !== 'chrome-extension:' || !location.pathname.endsWith('/panel.html')) return;
  type Listener = (msg: unknown, port: unknown) => void;
  const listeners: Listener[] = [];
  const bench = {
    hello: null as unknown,
    deliver(msg: unknown) {
      for (const l of listeners) l(msg, port);
    },
  };
  const port = {
    name: 'bench',
    sender: undefined,
    onMessage: { addListener: (l: Listener) => void listeners.push(l), removeListener() {}, hasListener: () => true },
    onDisconnect: { addListener() {}, removeListener() {}, hasListener: () => false },
    postMessage(m: { type?: string }) {
      if (m?.type === 'hello') bench.hello = m;
    },
    disconnect() {},
  };
  const c = (globalThis as unknown as { chrome: { runtime: { connect: unknown }; devtools?: unknown } }).chrome;
  Object.defineProperty(c.runtime, 'connect', { value: () => port, configurable: true, writable: true });
  c.devtools = {
    inspectedWindow: {
      tabId: args.tabId,
      reload() {},
      eval(expression: string, _options: object, callback: (result: unknown, error?: unknown) => void) {
        callback(expression === 'location.href' ? args.url : undefined, undefined);
      },
    },
    panels: { themeName: 'default', setThemeChangeHandler() {} },
    network: { onNavigated: { addListener() {} } },
  };
  (window as unknown as { __bench: typeof bench }).__bench = bench;
}

/** In the page: delivers the message and waits until `done()` holds after a DOM change. */
function measure(args: { json: string; done: { rows?: number; frameId?: number; error?: string } }): Promise<PanelTimings> {
  const app = document.getElementById('app')!;
  const { rows, frameId, error } = args.done;
  // The tree is shown when it stands for every row: the rows in the DOM (a long tree renders those in
  // view) plus the rows its spacers stand for (their height over a row's).
  const rowsShown = () => {
    const inDom = document.querySelectorAll<HTMLElement>('[data-testid="frame-row"]');
    if (inDom.length === 0) return 0;
    const h = inDom[0]!.offsetHeight || 20;
    const spacer = (id: string) => Math.round((document.querySelector<HTMLElement>(`[data-testid="${id}"]`)?.offsetHeight ?? 0) / h);
    return inDom.length + spacer('tree-spacer-before') + spacer('tree-spacer-after');
  };
  const isDone = () =>
    rows !== undefined
      ? rowsShown() === rows
      : document.querySelector(`[data-frame-id="${frameId}"] [data-testid="frame-error"]`)?.textContent === error;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const msg: unknown = JSON.parse(args.json);
    const parsed = performance.now();
    let domAt = 0;
    const finish = () => {
      domAt = performance.now();
      requestAnimationFrame(() => setTimeout(() => resolve({ parseMs: parsed - t0, domMs: domAt - parsed, frameMs: performance.now() - parsed }), 0));
    };
    const observer = new MutationObserver(() => {
      if (domAt === 0 && isDone()) {
        observer.disconnect();
        finish();
      }
    });
    observer.observe(app, { childList: true, subtree: true, characterData: true, attributes: true });
    setTimeout(() => {
      observer.disconnect();
      if (domAt === 0) reject(new Error(`the panel did not show the change within 30 s (${JSON.stringify(args.done)})`));
    }, 30_000);
    (window as unknown as { __bench: { deliver(m: unknown): void } }).__bench.deliver(msg);
  });
}

const medianOf = (xs: PanelTimings[]): PanelTimings => ({
  parseMs: median(xs.map((x) => x.parseMs)),
  domMs: median(xs.map((x) => x.domMs)),
  frameMs: median(xs.map((x) => x.frameMs)),
});

export async function benchPanel(runs = 7, updatesPerRun = 3, frames = 1000, log: (s: string) => void = () => {}, extensionDir?: string): Promise<PanelResult> {
  const page = { ...syntheticPage(frames), tabId: TAB_ID };
  const snapshot: BackgroundMessage = {
    type: 'snapshot', v: PROTOCOL_VERSION, snapshot: { version: SNAPSHOT_VERSION, tabId: TAB_ID, page }, popups: [],
  };
  const snapshotJson = JSON.stringify(snapshot);
  const update = (frameId: number, error: string): string => {
    const f: FrameRecord = { ...page.frames[String(frameId)]!, status: 'error', error, updatedAt: Date.now() };
    const msg: BackgroundMessage = {
      type: 'update', v: PROTOCOL_VERSION, tabId: TAB_ID, pageId: page.pageId, upserts: [f], removed: [], resources: [], resourcesRemoved: [], dropped: page.dropped,
    };
    return JSON.stringify(msg);
  };

  let browser: ChromiumWithExtension | null = null;
  try {
    browser = await launchChromiumWithExtension({ args: ['--window-size=1280,800'], ...(extensionDir ? { extensionDir } : {}) });
    // As a string: tsx (esbuild) wraps named functions in a `__name` helper that the page lacks; define it there.
    await browser.context.addInitScript({
      content: `globalThis.__name ??= (f) => f; (${stubPanelApis.toString()})(${JSON.stringify({ tabId: TAB_ID, url: PAGE_URL })});`,
    });
    const tab = browser.context.pages()[0] ?? (await browser.context.newPage());
    const errors: string[] = [];
    tab.on('pageerror', (e) => errors.push(e.message));
    const panelUrl = `chrome-extension://${browser.extensionId}/panel.html`;
    const first: PanelTimings[] = [];
    const updates: PanelTimings[] = [];
    // One untimed round first (the browser's caches of the bundle), then `runs` timed ones.
    for (let r = -1; r < runs; r++) {
      await tab.goto(panelUrl);
      await tab.waitForFunction(() => (window as unknown as { __bench?: { hello: unknown } }).__bench?.hello != null && document.getElementById('app')!.childElementCount > 0);
      // BENCH_PROFILE=file.cpuprofile: a CPU profile of the last run's first render, for a look at where the time goes.
      const profile = process.env.BENCH_PROFILE && r === runs - 1 ? await tab.context().newCDPSession(tab) : null;
      if (profile) {
        await profile.send('Profiler.enable');
        await profile.send('Profiler.setSamplingInterval', { interval: 100 });
        await profile.send('Profiler.start');
      }
      const t = await tab.evaluate(measure, { json: snapshotJson, done: { rows: frames } });
      if (profile) {
        const { profile: data } = await profile.send('Profiler.stop');
        writeFileSync(process.env.BENCH_PROFILE!, JSON.stringify(data));
        log(`  wrote the CPU profile of run ${r + 1}'s first render to ${process.env.BENCH_PROFILE}`);
      }
      const u: PanelTimings[] = [];
      for (let k = 0; k < updatesPerRun; k++) {
        // A frame whose row is in view (a long tree renders only those; an update of a frame out of
        // view changes no DOM at all, which is not what is measured here).
        const inView = await tab.evaluate(() => [...document.querySelectorAll<HTMLElement>('[data-testid="frame-row"]')]
          .filter((li) => li.getBoundingClientRect().bottom <= innerHeight && li.dataset.frameId !== '0').map((li) => Number(li.dataset.frameId)));
        const frameId = inView[((r + 2) * 131 + k * 337) % inView.length]!;
        const error = `net::ERR_BENCH_${r + 1}_${k}`;
        u.push(await tab.evaluate(measure, { json: update(frameId, error), done: { frameId, error } }));
      }
      if (errors.length > 0) throw new Error(`the panel page threw: ${errors.join('; ')}`);
      if (r < 0) continue;
      first.push(t);
      updates.push(...u);
      log(`  panel run ${r + 1}/${runs}: first render ${t.domMs.toFixed(0)} ms (frame ${t.frameMs.toFixed(0)}), updates ${u.map((x) => x.domMs.toFixed(0)).join(', ')} ms`);
    }
    return {
      frames, runs, messageBytes: Buffer.byteLength(snapshotJson), first, updates,
      medianFirst: medianOf(first), medianUpdate: medianOf(updates), targets: { firstMs: 250, updateMs: 50 },
    };
  } finally {
    await browser?.close();
  }
}
