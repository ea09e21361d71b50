/// <reference types="chrome" />
// Browsing overhead: the heavy fixture page's load time (navigation start → load event, from the page's
// own Navigation Timing) in Chromium with the extension and without it. Two persistent contexts run side
// by side; each pair of loads alternates which goes first (A B, B A, ...), and the ratio is taken per pair.
// Each load in the extension's browser is checked against what the extension stored (frames, requests).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { storageKeysOfTab } from '../../src/background/tab-store.ts';
import { activePageOf, extensionActivity, findTabId, launchChromiumWithExtension, pollUntil, readScope, readStoredRecord, setRecordAllTabs, storedTabIds, warmUp, type ChromiumWithExtension, type Recording } from '../../src/cli/chromium.ts';
import { browserEnv, CHROMIUM_BASE_ARGS, findChromium } from '../../src/cli/browsers.ts';
import type { PageRecord } from '../../src/shared/snapshot.ts';
import { startFixtureServer, type FixtureServer } from '../fixtures/server.ts';
import { median } from './core.ts';
import { attachToWorker } from './recorder.ts';
import { HEAVY_FRAMES, HEAVY_PER_FRAME, heavyRoutes, heavySubresources } from './heavy-site.ts';

export interface LoadSample {
  /** navigationStart → loadEventStart, ms. */
  loadMs: number;
  /** navigationStart → every frame's fetches settled, ms (fetches do not delay the load event). */
  fetchesMs: number;
  /** CPU seconds per process kind of the loading browser over the load (null where /proc is not there). */
  cpu: CpuByKind | null;
}

/** CPU seconds by Chromium process kind: browser, renderer (pages), extension (the service worker's renderer), network, gpu, other. */
export type CpuByKind = Record<string, number>;

export interface RecordCheck {
  /** 'idle' (nothing watched): the load left no record and the extension stayed idle; else the record's state. */
  idle?: boolean;
  frames: number;
  loadedFrames: number;
  subresources: number;
  pendingSubresources: number;
  droppedSubresources: number;
  /** Every frame loaded, every request ended or counted: false when the wait timed out. */
  complete: boolean;
  /** ms from the load event until the stored record had every frame loaded and every request counted. */
  settledAfterLoadMs: number;
}

export interface OverheadResult {
  /** What the extension did: idle (a user's default with no DevTools open) or recording every tab. */
  recording: Recording;
  url: string;
  frames: number;
  subresources: number;
  runs: number;
  withExtension: LoadSample[];
  without: LoadSample[];
  /** with / without, per alternating pair. */
  ratios: number[];
  checks: RecordCheck[];
  medianWith: number;
  medianWithout: number;
  medianRatio: number;
  medianFetchesWith: number;
  medianFetchesWithout: number;
  target: number;
  /** One more load, with storage.session.set wrapped in the worker to count the recorder's writes (recording only). */
  flushes: null | { writes: number; keysWritten: number; totalMB: number; largestKB: number; overLoadMs: number; bytesInUse: number; keys: number; quota: number; heapMB: number; pagesKept: number; events: Record<string, number> };
  /** Median CPU seconds per process kind over the timed loads (null without /proc). */
  cpuWith: CpuByKind | null;
  cpuWithout: CpuByKind | null;
}


/** What only the extension's browser has on its command line. */
const EXT_MARKER = '--load-extension=';

/** Chromium as launchChromiumWithExtension starts it, minus the extension. */
async function launchPlain(args: string[]): Promise<{ context: BrowserContext; home: string; close(): Promise<void> }> {
  const home = mkdtempSync(join(tmpdir(), 'frame-security-bench-'));
  const context = await chromium.launchPersistentContext(join(home, 'profile'), {
    executablePath: findChromium(),
    headless: true,
    ignoreHTTPSErrors: true,
    viewport: null,
    args: [...CHROMIUM_BASE_ARGS, ...args],
    env: browserEnv(home),
  });
  return {
    context,
    home,
    close: async () => {
      await context.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** The machine's busy and total CPU time so far (Linux /proc/stat), or null elsewhere. */
function cpuTimes(): { busy: number; total: number } | null {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    const total = f.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

/**
 * CPU seconds so far of a browser's processes (the one whose command line has `marker` and its
 * descendants), by kind; Linux /proc only. The kinds: browser, renderer (pages), extension (a renderer
 * with --extension-process: the service worker), network (the network service), gpu, other.
 */
export function browserCpu(marker: string): CpuByKind | null {
  const all = new Map<string, { ppid: string; cmd: string; cpu: number }>();
  const tick = 100; // USER_HZ: 100 on every Linux that Node runs on
  try {
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        all.set(pid, { ppid: f[1]!, cmd, cpu: (Number(f[11]) + Number(f[12])) / tick });
      } catch {
        // the process ended
      }
    }
  } catch {
    return null;
  }
  const root = [...all].find(([, p]) => p.cmd.includes(marker) && !p.cmd.includes('--type='))?.[0];
  if (root === undefined) return null;
  const out: CpuByKind = {};
  for (const [pid, p] of all) {
    let a: string | undefined = pid;
    for (let hops = 0; a !== undefined && a !== root && hops < 16; hops++) a = all.get(a)?.ppid;
    if (a !== root) continue;
    const type = /--type=(\S+)/.exec(p.cmd)?.[1];
    const kind = type === undefined ? 'browser'
      : type === 'renderer' ? (p.cmd.includes('--extension-process') ? 'extension' : 'renderer')
      : type === 'utility' ? (p.cmd.includes('network.mojom') ? 'network' : 'other')
      : type === 'gpu-process' ? 'gpu' : 'other';
    out[kind] = (out[kind] ?? 0) + p.cpu;
  }
  return out;
}

function medianCpu(samples: LoadSample[]): CpuByKind | null {
  const all = samples.map((s) => s.cpu).filter((c): c is CpuByKind => c !== null);
  if (all.length === 0) return null;
  const kinds = [...new Set(all.flatMap((c) => Object.keys(c)))];
  return Object.fromEntries(kinds.map((k) => [k, median(all.map((c) => c[k] ?? 0))]));
}

const cpuSince = (before: CpuByKind | null, after: CpuByKind | null): CpuByKind | null =>
  before && after ? Object.fromEntries(Object.keys(after).map((k) => [k, Math.max(0, after[k]! - (before[k] ?? 0))])) : null;

/**
 * Waits until the machine is quiet (under 15% busy over half a second, at most 20 s): the tail of the
 * previous load — either browser's, or the extension's storage writes — must not be timed in the next.
 */
async function settle(): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (let before = cpuTimes(); before && Date.now() < deadline;) {
    await new Promise((r) => setTimeout(r, 500));
    const now = cpuTimes()!;
    const busy = (now.busy - before.busy) / Math.max(1, now.total - before.total);
    if (busy < 0.15) return;
    before = now;
  }
}

/**
 * Loads the page in a new tab, from a blank document (so no unload is timed), and reads its Navigation
 * Timing; the tab stays open (the caller checks the record, then closes it). A new tab for every load:
 * loading the heavy page again and again in one tab slows each load down (100 frames: 9.1, 11.7, 16.5,
 * 18.5 s over four loads in plain Chromium 150, back/forward cache off; 9.5, 9.4, 9.6, 10.5 s with a
 * new tab each time), which would time the browser's leftovers, not the extension.
 */
export async function timedLoad(context: BrowserContext, server: FixtureServer, scheme: 'http' | 'https', path: string, marker: string): Promise<{ sample: LoadSample; page: Page }> {
  const page = await context.newPage();
  await page.goto(server.url(scheme, 'a.test', '/blank.html'));
  await settle();
  const cpuBefore = browserCpu(marker);
  await page.goto(server.url(scheme, 'a.test', path), { waitUntil: 'load', timeout: 300_000 });
  await page.waitForFunction(() => (window as { __fetchesDoneAt?: number }).__fetchesDoneAt !== undefined, null, { timeout: 120_000 });
  const cpu = cpuSince(cpuBefore, browserCpu(marker));
  const times = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    return { loadMs: nav.loadEventStart, fetchesMs: (window as { __fetchesDoneAt?: number }).__fetchesDoneAt! };
  });
  return { sample: { ...times, cpu }, page };
}

/** What the stored record holds of the heavy page. */
export interface HeavyRecordState {
  frames: number;
  loaded: number;
  requests: number;
  pending: number;
  dropped: number;
  complete: boolean;
}

function stateOf(p: PageRecord, frames: number, subresources: number): HeavyRecordState {
  const fs = Object.values(p.frames);
  const rs = Object.values(p.subresources ?? {});
  const state = {
    frames: fs.length,
    loaded: fs.filter((f) => f.status === 'loaded').length,
    requests: rs.length,
    pending: rs.filter((r) => r.state === 'pending').length,
    dropped: p.dropped.subresources ?? 0,
    complete: false,
  };
  state.complete = state.frames === frames && state.loaded === frames && state.requests + state.dropped >= subresources && state.pending === 0;
  return state;
}

/**
 * Waits until the stored record of the tab has every frame loaded and every request recorded or counted;
 * after `timeoutMs`, returns what it had (complete: false).
 */
/** The extension does nothing: no recording listener, no registered content script, no tab record. */
async function isIdle(worker: Worker): Promise<boolean> {
  const [scope, activity, recorded] = await Promise.all([readScope(worker), extensionActivity(worker), storedTabIds(worker)]);
  const quiet = !activity.webRequest && !activity.webNavigation && activity.contentScripts.length === 0 && recorded.length === 0;
  return quiet && scope !== null && !scope.listening && !scope.contentScript;
}

export async function waitForHeavyRecord(worker: Worker, url: string, frames: number, subresources: number, timeoutMs = 60_000): Promise<{ page: PageRecord | null; state: HeavyRecordState | null; tabId: number }> {
  const tabId = await pollUntil('the tab id', async () => (await findTabId(worker, url)) ?? undefined);
  const deadline = Date.now() + timeoutMs;
  let last: { page: PageRecord | null; state: HeavyRecordState | null } = { page: null, state: null };
  while (Date.now() < deadline) {
    const p = activePageOf(await readStoredRecord(worker, tabId));
    if (p && p.url === url) {
      last = { page: p, state: stateOf(p, frames, subresources) };
      if (last.state!.complete) break;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { ...last, tabId };
}

/**
 * recording 'devtools': the extension as a user has it by default, with no DevTools open (it must stay
 * idle: each load is checked to leave no record); 'all-tabs': recording every load (the cost while a
 * tab is watched, or with "Record every tab").
 */
export async function benchOverhead(runs = 7, scheme: 'http' | 'https' = 'http', log_: (s: string) => void = () => {}, extensionDir?: string, size = { frames: HEAVY_FRAMES, per: HEAVY_PER_FRAME }, recording: Recording = 'devtools'): Promise<OverheadResult> {
  const HEAVY_PATH = `/heavy.html?frames=${size.frames}&per=${size.per}`;
  const server = await startFixtureServer(heavyRoutes);
  let ext: ChromiumWithExtension | null = null;
  let plain: Awaited<ReturnType<typeof launchPlain>> | null = null;
  try {
    ext = await launchChromiumWithExtension({ args: server.chromiumArgs, recording, ...(extensionDir ? { extensionDir } : {}) });
    plain = await launchPlain(server.chromiumArgs);
    // (The warm-up tab stays open in both browsers: closing a browser's last tab would end it.)
    if (recording === 'all-tabs') await warmUp(ext, server.url(scheme, 'a.test', '/warmup.html'));
    else {
      await setRecordAllTabs(await ext.worker(), false); // waits until the extension is idle
      await (ext.context.pages()[0] ?? (await ext.context.newPage())).goto(server.url(scheme, 'a.test', '/warmup.html'));
    }
    if (plain.context.pages().length === 0) await plain.context.newPage();
    const worker = await ext.worker();
    const url = server.url(scheme, 'a.test', HEAVY_PATH);
    const frames = size.frames + 1;
    const subresources = heavySubresources(size.frames, size.per);

    const withExtension: LoadSample[] = [];
    const without: LoadSample[] = [];
    const checks: RecordCheck[] = [];
    const loadWith = async () => {
      const { sample: s, page } = await timedLoad(ext!.context, server, scheme, HEAVY_PATH, EXT_MARKER);
      const loadedAt = Date.now();
      if (recording === 'devtools') {
        // Idle is what is measured: no listener, no content script, no record, before and after the load.
        const idle = await isIdle(worker);
        checks.push({ idle, frames: 0, loadedFrames: 0, subresources: 0, pendingSubresources: 0, droppedSubresources: 0, complete: idle, settledAfterLoadMs: 0 });
        log_(`  idle: ${idle}`);
        await page.close();
        return s;
      }
      // The comparison is real only if the extension recorded the page; waiting here also keeps its
      // tail work (storage writes) out of the next load of the other browser.
      const { state } = await waitForHeavyRecord(worker, url, frames, subresources);
      checks.push({
        frames: state?.frames ?? 0,
        loadedFrames: state?.loaded ?? 0,
        subresources: state?.requests ?? 0,
        pendingSubresources: state?.pending ?? 0,
        droppedSubresources: state?.dropped ?? 0,
        complete: state?.complete ?? false,
        settledAfterLoadMs: Date.now() - loadedAt,
      });
      log_(`  stored record: ${JSON.stringify(state)} ${Date.now() - loadedAt} ms after load`);
      await page.close();
      return s;
    };
    const loadWithout = async () => {
      const { sample, page } = await timedLoad(plain!.context, server, scheme, HEAVY_PATH, plain!.home);
      await page.close();
      return sample;
    };

    // Warm-up of both (caches of the browser, the JIT, the recorder), not timed.
    await loadWith();
    await loadWithout();
    checks.length = 0;

    const ratios: number[] = [];
    for (let i = 0; i < runs; i++) {
      let a: LoadSample;
      let b: LoadSample;
      if (i % 2 === 0) {
        a = await loadWith();
        b = await loadWithout();
      } else {
        b = await loadWithout();
        a = await loadWith();
      }
      withExtension.push(a);
      without.push(b);
      ratios.push(a.loadMs / b.loadMs);
      log_(`  overhead run ${i + 1}/${runs}: with ${a.loadMs.toFixed(0)} ms, without ${b.loadMs.toFixed(0)} ms`);
    }
    const common = {
      recording,
      url: server.url(scheme, 'a.test', HEAVY_PATH).replace(/:\d+/, ''),
      frames,
      subresources,
      runs,
      withExtension,
      without,
      ratios,
      checks,
      medianWith: median(withExtension.map((s) => s.loadMs)),
      medianWithout: median(without.map((s) => s.loadMs)),
      medianRatio: median(ratios),
      cpuWith: medianCpu(withExtension),
      cpuWithout: medianCpu(without),
      medianFetchesWith: median(withExtension.map((s) => s.fetchesMs)),
      medianFetchesWithout: median(without.map((s) => s.fetchesMs)),
      target: 1.05,
    };
    if (recording === 'devtools') return { ...common, flushes: null };
    // Instrumented, untimed: what the tab store writes to storage.session during one heavy load.
    await worker.evaluate(() => {
      const area = chrome.storage.session as unknown as { set(items: Record<string, unknown>, ...rest: unknown[]): unknown };
      const original = area.set.bind(area);
      const log: { at: number; bytes: number; keys: number }[] = [];
      (globalThis as { __flushLog?: typeof log }).__flushLog = log;
      area.set = (items, ...rest) => {
        let bytes = 0;
        for (const v of Object.values(items)) bytes += JSON.stringify(v).length;
        log.push({ at: Date.now(), bytes, keys: Object.keys(items).length });
        return original(items, ...rest);
      };
      // And every event the extension receives: a listener of each kind beside the recorder's.
      const events: Record<string, number> = {};
      (globalThis as { __events?: typeof events }).__events = events;
      // (No named functions in here: the bench's TypeScript loader would wrap them in a helper the worker lacks.)
      for (const name of ['onBeforeRequest', 'onSendHeaders', 'onHeadersReceived', 'onCompleted', 'onErrorOccurred'] as const) {
        (chrome.webRequest[name] as unknown as { addListener(cb: () => void, filter: { urls: string[] }): void })
          .addListener(() => void (events[`webRequest.${name}`] = (events[`webRequest.${name}`] ?? 0) + 1), { urls: ['<all_urls>'] });
      }
      for (const name of ['onBeforeNavigate', 'onCommitted', 'onCompleted', 'onErrorOccurred'] as const) {
        (chrome.webNavigation[name] as unknown as { addListener(cb: () => void): void })
          .addListener(() => void (events[`webNavigation.${name}`] = (events[`webNavigation.${name}`] ?? 0) + 1));
      }
      chrome.runtime.onMessage.addListener((m: unknown) => {
        const k = `message.${String((m as { type?: unknown } | null)?.type)}`;
        events[k] = (events[k] ?? 0) + 1;
      });
    });
    const started = Date.now();
    const instrumented = await timedLoad(ext.context, server, scheme, HEAVY_PATH, EXT_MARKER);
    const { tabId } = await waitForHeavyRecord(worker, url, frames, subresources);
    const settled = Date.now();
    const log = await worker.evaluate(() => (globalThis as { __flushLog?: { at: number; bytes: number; keys: number }[] }).__flushLog ?? []);
    const events = await worker.evaluate(() => (globalThis as { __events?: Record<string, number> }).__events ?? {});
    const during = log.filter((x) => x.at >= started && x.at <= settled);
    // The tab's keys: its shell and its parts (see tab-store.ts).
    const keys = storageKeysOfTab(await worker.evaluate(async () => Object.keys(await chrome.storage.session.get(null))), tabId);
    const usage = {
      ...(await worker.evaluate(async (k) => ({ bytesInUse: await chrome.storage.session.getBytesInUse(k), quota: chrome.storage.session.QUOTA_BYTES }), keys)),
      keys: keys.length,
      pagesKept: Object.keys((await readStoredRecord(worker, tabId))?.pages ?? {}).length,
    };
    const bs = await ext.context.browser()!.newBrowserCDPSession();
    const { send, detach } = await attachToWorker(bs, ext.extensionId);
    await send('HeapProfiler.collectGarbage');
    const heap = (await send('Runtime.getHeapUsage')).usedSize as number;
    await detach();
    await instrumented.page.close();
    const flushes = {
      writes: during.length,
      keysWritten: during.reduce((a, x) => a + x.keys, 0),
      totalMB: during.reduce((a, x) => a + x.bytes, 0) / 1e6,
      largestKB: Math.max(0, ...during.map((x) => x.bytes)) / 1e3,
      overLoadMs: settled - started,
      ...usage,
      heapMB: heap / 1e6,
      events,
    };
    log_(`  instrumented load: ${flushes.writes} storage writes (${flushes.keysWritten} keys), ${flushes.totalMB.toFixed(2)} MB in ${flushes.overLoadMs} ms`);
    return { ...common, flushes };
  } finally {
    await ext?.close();
    await plain?.close();
    await server.close();
  }
}
