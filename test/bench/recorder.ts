/// <reference types="chrome" />
// Recorder benchmark.
//   Node: a synthetic Chromium-shaped event stream for one page of N frames (every listener call the
//     real worker makes: webNavigation, both webRequest listeners, the content observer's messages, one
//     reconciliation) driven through the recorder's own functions, (a) alone and (b) through TabStore
//     with its 50 ms batched flush into a fake storage area that serializes what it is given
//     (JSON.stringify: the V8 → storage value conversion Chromium does on the worker's thread).
//   Chromium: the records so built are written into the real extension's storage.session in the tab
//     store's layout (a shell per tab, a key per frame and per request), the worker is stopped and
//     woken (it loads every record into memory, as after a restart), then
//     storage.session.getBytesInUse, timed set()s (a whole tab, as its first flush writes it, and
//     one frame's change, the shell and that frame's part), and the worker's heap (CDP
//     Runtime.getHeapUsage after HeapProfiler.collectGarbage).
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import type { CDPSession } from 'playwright-core';
import { launchChromiumWithExtension, pollUntil, type ChromiumWithExtension } from '../../src/cli/chromium.ts';
import * as rec from '../../src/background/recorder.ts';
import { TabStore, FLUSH_DELAY_MS, MAX_FLUSH_DELAY_MS, storedItemsOfTab, type SessionArea } from '../../src/background/tab-store.ts';
import type { ContentMessages } from '../../src/shared/protocol.ts';
import { startFixtureServer } from '../fixtures/server.ts';
import { median } from './core.ts';
import { heavyRoutes } from './heavy-site.ts';

// ── the synthetic stream ──────────────────────────────────────────────────────────────────────────
const HOSTS = ['https://a.test', 'https://sub.a.test', 'https://b.test'];
type Step = (tab: rec.TabRecord, d: rec.Delta) => void;
export interface Stream { tabId: number; steps: Step[]; frames: number; requests: number }

const docHeaders = (i: number) => [
  { name: 'Content-Type', value: 'text/html; charset=utf-8' }, { name: 'Cache-Control', value: 'no-store' },
  { name: 'Content-Length', value: String(900 + i) }, { name: 'Connection', value: 'close' },
  ...(i % 2 === 0 ? [{ name: 'Cross-Origin-Embedder-Policy', value: 'require-corp' }, { name: 'Cross-Origin-Resource-Policy', value: 'cross-origin' }] : []),
  ...(i % 5 === 0 ? [{ name: 'Content-Security-Policy', value: "frame-ancestors 'self' https://a.test; script-src 'self'" }] : []),
];
const subHeaders = [
  { name: 'Content-Type', value: 'image/svg+xml' }, { name: 'Cache-Control', value: 'no-store' },
  { name: 'Content-Length', value: '96' }, { name: 'Cross-Origin-Resource-Policy', value: 'cross-origin' }, { name: 'Connection', value: 'close' },
];
const sentHeaders = [
  { name: 'Accept', value: 'image/avif,image/webp,*/*' }, { name: 'Sec-Fetch-Site', value: 'same-origin' },
  { name: 'Sec-Fetch-Mode', value: 'no-cors' }, { name: 'Sec-Fetch-Dest', value: 'image' }, { name: 'User-Agent', value: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156' },
];

/**
 * The events the worker handles while a tab loads a page of `frames` frames (a tree, 8 children per
 * frame), each frame with `perFrame` image requests: in the order Chromium sends them.
 */
export function pageStream(tabId: number, frames: number, perFrame: number, navigation = 0): Stream {
  const steps: Step[] = [];
  let t = 1_000_000 + navigation * 100_000;
  let requestId = navigation * 1_000_000;
  const docId = (i: number) => `DOC-${tabId}-${navigation}-${i}`;
  const parentOf = (i: number) => (i === 0 ? -1 : Math.floor((i - 1) / 8));
  const urlOf = (i: number) => (i === 0 ? `${HOSTS[0]}/page-${navigation}.html` : `${HOSTS[i % 3]}/frame.html?i=${i}`);
  const nonce = (i: number) => `n${String(tabId).padStart(4, '0')}${String(navigation).padStart(2, '0')}${String(i).padStart(26, '0')}`;
  const base = (i: number) => {
    const top = i === 0;
    return {
      tabId, frameId: top ? 0 : 10_000 + i, parentFrameId: top ? -1 : parentOf(i) === 0 ? 0 : 10_000 + parentOf(i), url: urlOf(i),
      frameType: (top ? 'outermost_frame' : 'sub_frame') as 'outermost_frame' | 'sub_frame', documentLifecycle: 'active' as const,
      ...(top ? {} : { parentDocumentId: docId(parentOf(i)) }),
    };
  };
  const sender = (i: number): rec.Sender => ({ tabId, frameId: base(i).frameId, documentId: docId(i), documentLifecycle: 'active', url: urlOf(i) });
  const request = (i: number, url: string, type: string, withDocument: boolean) => ({
    ...base(i), url, type, requestId: String(requestId), method: 'GET', initiator: HOSTS[i % 3], ...(withDocument ? { documentId: docId(i) } : {}),
  });
  const children = (i: number) => Array.from({ length: 8 }, (_, k) => 8 * i + 1 + k).filter((c) => c < frames);
  const embeds = (i: number): ContentMessages['embeds'] => ({
    dropped: 0,
    embeds: children(i).map((c, index) => ({
      tag: 'iframe', index, frameId: null, probe: nonce(c), id: `f${c}`, name: null, src: urlOf(c), srcdoc: false,
      sandbox: c % 7 === 0 ? 'allow-scripts' : null, allow: null, referrerPolicy: null, loading: null,
      credentialless: { attribute: false, property: false },
    })),
  });

  for (let i = 0; i < frames; i++) {
    // The document's navigation: onBeforeNavigate, its request (both webRequest listeners see it), commit.
    requestId++;
    const doc = request(i, urlOf(i), i === 0 ? 'main_frame' : 'sub_frame', false);
    const headers = { ...doc, statusCode: 200, statusLine: 'HTTP/1.1 200 OK', responseHeaders: docHeaders(i), fromCache: false, ip: '127.0.0.1' };
    steps.push((tab, d) => rec.onBeforeNavigate(tab, { ...base(i), timeStamp: t++ }, d));
    steps.push((tab, d) => rec.onSubresourceStart(tab, { ...doc, timeStamp: t++ }, d));
    steps.push((tab, d) => rec.onSubresourceHeadersSent(tab, { ...doc, timeStamp: t++, requestHeaders: sentHeaders }, d));
    steps.push((tab, d) => rec.onHeadersReceived(tab, { ...headers, timeStamp: t++ }, d));
    steps.push((tab, d) => rec.onSubresourceHeadersReceived(tab, { ...headers, timeStamp: t++ }, d));
    steps.push((tab, d) => rec.onSubresourceCompleted(tab, { ...doc, statusCode: 200, timeStamp: t++ }, d));
    steps.push((tab, d) => rec.onCommitted(tab, { ...base(i), documentId: docId(i), transitionType: 'auto_subframe', timeStamp: t++ }, d));
    // Its content script: what it observes, its frame elements, and (a child) the answer to its parent's probe.
    steps.push((tab, d) => void rec.onObserve(tab, sender(i), {
      url: urlOf(i), origin: HOSTS[i % 3]!, isSecureContext: true, crossOriginIsolated: false, documentDomain: null, originAgentCluster: true,
    }, t++, d));
    if (i > 0) steps.push((tab, d) => rec.onProbe(tab, sender(i), nonce(i), t++, d));
    if (children(i).length > 0) steps.push((tab, d) => void rec.onEmbeds(tab, sender(i), embeds(i), t++, d));
    // Its subresources: four webRequest events each.
    for (let k = 0; k < perFrame; k++) {
      requestId++;
      const r = request(i, `${HOSTS[i % 3]}/img.svg?f=${i}&k=${k}`, 'image', true);
      steps.push((tab, d) => rec.onSubresourceStart(tab, { ...r, timeStamp: t++ }, d));
      steps.push((tab, d) => rec.onSubresourceHeadersSent(tab, { ...r, timeStamp: t++, requestHeaders: sentHeaders }, d));
      steps.push((tab, d) => rec.onSubresourceHeadersReceived(tab, { ...r, statusCode: 200, responseHeaders: subHeaders, timeStamp: t++ }, d));
      steps.push((tab, d) => rec.onSubresourceCompleted(tab, { ...r, statusCode: 200, timeStamp: t++ }, d));
    }
  }
  // Loads complete, bottom-up, then the reconciliation after the top's onCompleted.
  for (let i = frames - 1; i >= 0; i--) steps.push((tab, d) => rec.onCompleted(tab, { ...base(i), documentId: docId(i), timeStamp: t++ }, d));
  const list: rec.FrameListEntry[] = Array.from({ length: frames }, (_, i) => ({ ...base(i), documentId: docId(i), errorOccurred: false }));
  steps.push((tab, d) => rec.applyFrameList(tab, list, t, t + 1, d));
  return { tabId, steps, frames, requests: frames * (perFrame + 1) };
}

// ── Node: throughput ────────────────────────────────────────────────────────────────────────────
/** A storage area that serializes each write, as storage.session does, and counts it. */
export class CountingArea implements SessionArea {
  writes = 0;
  bytes = 0;
  largest = 0;
  serializeMs = 0;
  data = new Map<string, string>();
  async get() {
    return {};
  }
  async set(items: Record<string, unknown>) {
    const t0 = performance.now();
    let n = 0;
    for (const [k, v] of Object.entries(items)) {
      const json = JSON.stringify(v);
      this.data.set(k, json);
      n += json.length;
    }
    this.serializeMs += performance.now() - t0;
    this.writes++;
    this.bytes += n;
    this.largest = Math.max(this.largest, n);
  }
  async remove() {}
}

export interface ThroughputRow {
  frames: number;
  perFrame: number;
  events: number;
  /** Recorder functions alone, events per second (median). */
  recorderEps: number;
  /** Through TabStore with its batched flushes (the event loop turns every 100 events), events per second. */
  storeEps: number;
  flushes: number;
  flushedMB: number;
  largestFlushKB: number;
  /** Share of the TabStore run beyond the recorder alone: building, serializing, comparing and writing flushes. */
  storeShare: number;
  /** What the record kept: frames, requests recorded, requests counted as dropped. */
  kept: { frames: number; requests: number; droppedRequests: number; droppedFrames: number };
  recordKB: number;
}

const pageOf = (tab: rec.TabRecord) => rec.activePage(tab)!;

function runRecorder(stream: Stream): { ms: number; tab: rec.TabRecord } {
  const tab = rec.newTabRecord(stream.tabId);
  const t0 = performance.now();
  for (const step of stream.steps) step(tab, rec.newDelta());
  return { ms: performance.now() - t0, tab };
}

async function runStore(stream: Stream): Promise<{ ms: number; area: CountingArea; store: TabStore }> {
  const area = new CountingArea();
  const store = new TabStore(area);
  await store.ready;
  const t0 = performance.now();
  let i = 0;
  for (const step of stream.steps) {
    store.update(stream.tabId, step);
    // Events reach the worker one task at a time: let its timers (the 50 ms flush) run between them.
    if (++i % 100 === 0) await new Promise((r) => setImmediate(r));
  }
  await store.flush();
  return { ms: performance.now() - t0, area, store };
}

export async function benchThroughput(sizes: [number, number][] = [[100, 2], [1000, 2], [2000, 1], [2500, 1]], runs = 5): Promise<ThroughputRow[]> {
  const rows: ThroughputRow[] = [];
  for (const [frames, perFrame] of sizes) {
    const stream = pageStream(1, frames, perFrame);
    runRecorder(stream); // warm-up
    const rt: number[] = [];
    let tab: rec.TabRecord | null = null;
    for (let r = 0; r < runs; r++) {
      const out = runRecorder(stream);
      rt.push(out.ms);
      tab = out.tab;
    }
    const st: { ms: number; area: CountingArea }[] = [];
    for (let r = 0; r < runs; r++) st.push(await runStore(stream));
    const stMs = median(st.map((s) => s.ms));
    const rtMs = median(rt);
    const mid = st.find((s) => s.ms === stMs) ?? st[0]!;
    const page = pageOf(tab!);
    rows.push({
      frames, perFrame, events: stream.steps.length,
      recorderEps: stream.steps.length / (rtMs / 1000),
      storeEps: stream.steps.length / (stMs / 1000),
      flushes: mid.area.writes,
      flushedMB: mid.area.bytes / 1e6,
      largestFlushKB: mid.area.largest / 1e3,
      storeShare: Math.max(0, 1 - rtMs / stMs),
      kept: {
        frames: Object.keys(page.frames).length,
        requests: Object.keys(page.subresources ?? {}).length,
        droppedRequests: page.dropped.subresources ?? 0,
        droppedFrames: page.dropped.frames,
      },
      recordKB: JSON.stringify(tab).length / 1e3,
    });
  }
  return rows;
}

/** A tab record built by the recorder from `navigations` successive page loads of `frames` frames. */
export function recordedTab(tabId: number, frames: number, perFrame: number, navigations = 1): rec.TabRecord {
  const tab = rec.newTabRecord(tabId);
  for (let n = 0; n < navigations; n++) for (const step of pageStream(tabId, frames, perFrame, n).steps) step(tab, rec.newDelta());
  return tab;
}

// ── Chromium: storage.session and the worker's heap ───────────────────────────────────────────────
type Send = (method: string, params?: object) => Promise<Record<string, unknown>>;

/** A CDP session on the extension's service worker, through the browser session (non-flattened). */
export async function attachToWorker(browserSession: CDPSession, extensionId: string): Promise<{ send: Send; detach(): Promise<void> }> {
  const { targetInfos } = await browserSession.send('Target.getTargets');
  const target = targetInfos.find((t) => t.type === 'service_worker' && t.url.startsWith(`chrome-extension://${extensionId}/`));
  if (!target) throw new Error('no service worker target');
  const { sessionId } = await browserSession.send('Target.attachToTarget', { targetId: target.targetId, flatten: false });
  let id = 0;
  const pending = new Map<number, (m: { result?: Record<string, unknown>; error?: unknown }) => void>();
  const onMessage = (e: { sessionId: string; message: string }) => {
    if (e.sessionId !== sessionId) return;
    const m = JSON.parse(e.message) as { id?: number; result?: Record<string, unknown>; error?: unknown };
    if (m.id !== undefined) pending.get(m.id)?.(m);
  };
  browserSession.on('Target.receivedMessageFromTarget', onMessage);
  const send: Send = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const i = ++id;
      pending.set(i, (m) => {
        pending.delete(i);
        if (m.error) reject(new Error(`${method}: ${JSON.stringify(m.error)}`));
        else resolve(m.result ?? {});
      });
      void browserSession.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: i, method, params }) });
    });
  return {
    send,
    detach: async () => {
      browserSession.off('Target.receivedMessageFromTarget', onMessage);
      await browserSession.send('Target.detachFromTarget', { sessionId });
    },
  };
}

export interface StorageRow {
  label: string;
  tabs: number;
  /** Tabs whose record storage.session accepted before one did not fit. */
  storedTabs: number;
  framesPerTab: number;
  /** One tab's record as JSON (what the worker serializes, to compare, per flush of that tab). */
  recordJsonBytes: number;
  /** Its shell as JSON (what a flush writes whenever the tab's shell changed). */
  shellJsonBytes: number;
  /** Its keys (shell and parts). */
  keysPerTab: number;
  /** storage.session.getBytesInUse(null) after writing the records. */
  bytesInUse: number;
  /** Whether every record could be written (false: set() failed, over the quota). */
  stored: boolean;
  storeError?: string;
  /** Median ms of one storage.session.set() of a whole tab (every key: its first flush). */
  setMs: number;
  /** Median ms of one storage.session.set() of one frame's change (the shell and one part). */
  oneFrameSetMs: number;
  /** Worker heap after GC, bytes, with these records loaded (after a worker restart). */
  heapUsed: number;
  /** Tabs the restarted worker had in memory. */
  loadedTabs: number;
}

export interface StorageResult {
  quota: number;
  baselineHeap: number;
  rows: StorageRow[];
}

export async function benchStorage(scenarios: { label: string; tabs: number; frames: number; perFrame: number; navigations?: number }[], runs = 5, log: (s: string) => void = () => {}, extensionDir?: string): Promise<StorageResult> {
  const server = await startFixtureServer(heavyRoutes);
  let browser: ChromiumWithExtension | null = null;
  try {
    browser = await launchChromiumWithExtension({ args: server.chromiumArgs, ...(extensionDir ? { extensionDir } : {}) });
    const context = browser.context;
    const extensionId = browser.extensionId;
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(server.url('http', 'a.test', '/warmup.html'));
    // storage.session is read and written from an extension page (the worker restarts under it), and
    // the worker is stopped through that page's CDP ServiceWorker domain, as the browser stops it.
    const ext = await context.newPage();
    await ext.goto(`chrome-extension://${extensionId}/manifest.json`);
    const control = await context.newCDPSession(ext);
    let status = '';
    control.on('ServiceWorker.workerVersionUpdated', (e) => {
      for (const v of e.versions) if (v.scriptURL.endsWith('/background.js')) status = v.runningStatus;
    });
    await control.send('ServiceWorker.enable');
    const bs = await context.browser()!.newBrowserCDPSession();
    const heap = async (): Promise<number> => {
      const { send, detach } = await attachToWorker(bs, extensionId);
      await send('HeapProfiler.collectGarbage');
      await send('HeapProfiler.collectGarbage');
      const used = (await send('Runtime.getHeapUsage')).usedSize as number;
      await detach();
      return used;
    };
    const waitFor = (s: string) => pollUntil(`the service worker to be ${s}`, async () => (status === s ? true : undefined), 30_000, 20);
    /** Stops the worker and wakes it with navigations: it reloads every record from storage.session. */
    const restart = async () => {
      await control.send('ServiceWorker.stopAllWorkers');
      await waitFor('stopped');
      await page.goto(server.url('http', 'a.test', `/warmup.html?wake=${Date.now()}`));
      await waitFor('running');
      await page.goto(server.url('http', 'a.test', `/warmup.html?after=${Date.now()}`));
    };
    const quota = await ext.evaluate(() => chrome.storage.session.QUOTA_BYTES);
    const clear = () => ext.evaluate(() => chrome.storage.session.clear());
    await clear();
    await restart();
    const baselineHeap = await heap();
    const rows: StorageRow[] = [];
    for (const s of scenarios) {
      const one = recordedTab(900_000, s.frames, s.perFrame, s.navigations ?? 1);
      await clear();
      // The records as the tab store writes them (its shell and a key per frame and per request, one
      // set() per tab), until one no longer fits.
      let storeError: string | undefined;
      let storedTabs = 0;
      let setMs = NaN;
      let oneFrameSetMs = NaN;
      const itemsOf = (id: number) => {
        const r = { ...one, tabId: id, pages: Object.fromEntries(Object.entries(one.pages).map(([k, p]) => [k, { ...p, tabId: id }])) };
        return Object.fromEntries(storedItemsOfTab(id, r));
      };
      const timedSet = (items: Record<string, unknown>) => ext.evaluate(async ([value, n]) => {
        const times: number[] = [];
        for (let i = 0; i < n; i++) {
          const t0 = performance.now();
          await chrome.storage.session.set(value);
          times.push(performance.now() - t0);
        }
        times.sort((a, b) => a - b);
        return times[Math.floor(times.length / 2)]!;
      }, [items, runs] as const);
      const keysPerTab = Object.keys(itemsOf(900_000)).length;
      const shellJsonBytes = JSON.stringify(itemsOf(900_000)['tab:900000']).length;
      for (let t = 0; t < s.tabs && storeError === undefined; t++) {
        const id = 900_000 + t;
        const items = itemsOf(id);
        storeError = await ext.evaluate(async (value) => {
          try {
            await chrome.storage.session.set(value);
            return undefined;
          } catch (err) {
            return String(err);
          }
        }, items);
        if (storeError !== undefined) break;
        storedTabs++;
        if (t > 0) continue;
        // The first flush of this tab (every key), and a flush after one frame changed (shell + its part).
        setMs = await timedSet(items);
        const part = Object.keys(items).find((k) => k.startsWith('part:'))!;
        oneFrameSetMs = await timedSet({ [`tab:${id}`]: items[`tab:${id}`], [part]: items[part] });
      }
      const bytesInUse = await ext.evaluate(() => chrome.storage.session.getBytesInUse(null));
      await restart();
      const loadedTabs = await ext.evaluate(async () => Object.keys(await chrome.storage.session.get(null)).filter((k) => k.startsWith('tab:9')).length);
      const heapUsed = await heap();
      rows.push({
        label: s.label, tabs: s.tabs, storedTabs, framesPerTab: s.frames, recordJsonBytes: JSON.stringify(one).length, shellJsonBytes, keysPerTab, bytesInUse,
        stored: storeError === undefined, ...(storeError ? { storeError } : {}), setMs, oneFrameSetMs, heapUsed, loadedTabs,
      });
      log(`  storage ${s.label}: ${(bytesInUse / 1e6).toFixed(2)} MB in use, set ${setMs.toFixed(1)} ms (whole tab) / ${oneFrameSetMs.toFixed(1)} ms (one frame), heap ${(heapUsed / 1e6).toFixed(1)} MB${storeError ? `, ${storeError}` : ''}`);
    }
    await clear();
    return { quota, baselineHeap, rows };
  } finally {
    await browser?.close();
    await server.close();
  }
}

export { FLUSH_DELAY_MS, MAX_FLUSH_DELAY_MS };

/** Allows measuring Node's heap after a full GC (for the record's in-memory size). */
export function nodeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
