// `npm run bench`: the benchmarks of issue 9; each figure a median of several runs, with the target next
// to it. Not part of `npm test`. `npm run bench -- overhead panel` runs only those (core, overhead,
// panel, recorder); BENCH_RUNS=N changes the number of runs of the browser benchmarks (at least 5).
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { LIMITS } from '../../src/background/recorder.ts';
import { findChromium } from '../../src/cli/browsers.ts';
import { EXTENSION_DIR } from '../../src/cli/chromium.ts';
import { benchCore } from './core.ts';
import { benchOverhead } from './overhead.ts';
import { benchPanel } from './panel.ts';
import { benchStorage, benchThroughput, FLUSH_DELAY_MS, MAX_FLUSH_DELAY_MS } from './recorder.ts';

const TARGET_MS: Record<number, number> = { 1000: 20, 10_000: 200 };
const only = new Set(process.argv.slice(2));
const wanted = (name: string) => only.size === 0 || only.has(name);
const RUNS = Math.max(5, Number(process.env.BENCH_RUNS ?? 5) || 5);
/** BENCH_FULL=1 adds the slow rows: 2,000- and 2,500-frame streams, and a tab record at every per-tab cap. */
const FULL = process.env.BENCH_FULL === '1';
/** BENCH_HEAVY=FRAMESxPER (e.g. 30x40) swaps the overhead benchmark's page for a lighter one, for a quick look. */
const HEAVY = /^(\d+)x(\d+)$/.exec(process.env.BENCH_HEAVY ?? '');

const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
const ms = (x: number) => `${x.toFixed(x < 10 ? 1 : 0)} ms`;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;
const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');
const progress = (s: string) => process.stderr.write(`${s}\n`);

// A copy of the built extension, so that a rebuild of extension/ during the run cannot pull files away
// from under the browsers (the manifest's key keeps the extension id).
// (Only the browser benchmarks need it: `npm run bench -- core` runs without a build.)
const needsExtension = ['overhead', 'panel', 'recorder'].some(wanted);
if (needsExtension && !existsSync(join(EXTENSION_DIR, 'manifest.json'))) throw new Error(`The extension is not built in ${EXTENSION_DIR}: run \`npm run build\`.`);
const extensionCopy = needsExtension ? mkdtempSync(join(tmpdir(), 'frame-security-bench-ext-')) : '';
if (needsExtension) {
  cpSync(EXTENSION_DIR, extensionCopy, { recursive: true });
  process.on('exit', () => rmSync(extensionCopy, { recursive: true, force: true }));
}

/** Prints rows as aligned columns (the first row is the header). */
function table(rows: (string | number)[][]) {
  const cells = rows.map((r) => r.map(String));
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  for (const [n, r] of cells.entries()) {
    console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('   '));
    if (n === 0) console.log(widths.map((w) => '─'.repeat(w)).join('   '));
  }
}

async function chromiumVersion(): Promise<string> {
  try {
    const b = await chromium.launch({ executablePath: findChromium(), args: ['--no-sandbox', '--disable-gpu'] });
    const v = b.version();
    await b.close();
    return `Chromium ${v}`;
  } catch {
    return 'Chromium (not found)';
  }
}

console.log(`Frame Security benchmarks — Node ${process.version}, ${await chromiumVersion()}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);
console.log(`Load average at start: ${load()} (the cores are shared: figures are medians, read them with the load)\n`);

if (wanted('core')) {
  const rows = benchCore();
  console.log('Core: evaluatePage over synthetic snapshots (up to 1,000 subresource requests, the recorder\'s cap), each run on a');
  console.log(`structuredClone of its own; median of ${rows.map((r) => r.runs).join('/')} runs after ${rows[0]?.warmUp ?? 0} warm-up evaluations; "first" is the first evaluation of that size`);
  console.log('in the process (cold for the first size, as in a panel just opened on such a page).');
  table([
    ['frames', 'first ms', 'median ms', 'per frame µs', 'target'],
    ...rows.map((row) => {
      const target = TARGET_MS[row.frames];
      return [row.frames, row.firstMs.toFixed(0), row.medianMs.toFixed(1), row.perFrameUs.toFixed(1), target === undefined ? '' : `${target} ms ${met(row.medianMs <= target)}`];
    }),
  ]);
  console.log('');
}

if (wanted('overhead')) {
  // Twice: as a user browses (the extension installed, no DevTools open: it must cost nothing; the
  // target), and while it records (DevTools open on the tab, or "Record every tab"; what debugging costs).
  const size = HEAVY ? { frames: Number(HEAVY[1]), per: Number(HEAVY[2]) } : undefined;
  // BENCH_OVERHEAD=idle or =recording runs one of the two.
  const only = process.env.BENCH_OVERHEAD;
  for (const recording of (['devtools', 'all-tabs'] as const).filter((m) => !only || (only === 'idle') === (m === 'devtools'))) {
    const before = load();
    const r = await benchOverhead(RUNS, 'http', progress, extensionCopy, size, recording);
    printOverhead(r, before);
  }
}

function printOverhead(r: Awaited<ReturnType<typeof benchOverhead>>, before: string) {
  const idle = r.recording === 'devtools';
  console.log(idle
    ? `Browsing overhead (the extension as installed, no DevTools open: it records nothing): ${r.url}, headless Chromium with the extension vs without (two persistent contexts),`
    : `Recording overhead (every load recorded: DevTools open on the tab, or "Record every tab"): ${r.url}, headless Chromium with the extension vs without (two persistent contexts),`);
  console.log(`${r.frames} frames (${r.frames - 1} iframes round-robin over a.test, sub.a.test, b.test), ${r.subresources.toLocaleString('en')} subresources (per iframe 3/5 images, 1/5 scripts, 1/5 fetches);`);
  console.log(`${r.runs} pairs of loads in alternating order (with, without / without, with), each in a new tab from a blank page once the machine is quiet (under 15% CPU for 0.5 s, at most 20 s), after one untimed load of each. Load average ${before} → ${load()}.`);
  table([
    ['', 'with extension', 'without', 'ratio (median of pairs)', 'target', ''],
    ['navigation start → load event', ms(r.medianWith), ms(r.medianWithout), r.medianRatio.toFixed(3), idle ? `≤ ${r.target}` : '(reported)', idle ? met(r.medianRatio <= r.target) : ''],
    ['navigation start → every fetch settled', ms(r.medianFetchesWith), ms(r.medianFetchesWithout),
      (median(r.withExtension.map((s, i) => s.fetchesMs / r.without[i]!.fetchesMs))).toFixed(3), '', ''],
  ]);
  console.log(`per-pair load ratios: ${r.ratios.map((x) => x.toFixed(3)).join(' ')}`);
  if (r.cpuWith && r.cpuWithout) {
    // Where the extension's cost goes: CPU seconds per process kind over each timed load (navigation
    // start → every fetch settled), from /proc; far steadier than the load time on a busy 2-core machine.
    const kinds = ['browser', 'renderer', 'extension', 'network', 'gpu', 'other'];
    const sum = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
    const s = (x: number) => `${x.toFixed(2)} s`;
    table([
      ['CPU during the load (median)', ...kinds, 'total'],
      ['with extension', ...kinds.map((k) => s(r.cpuWith![k] ?? 0)), s(sum(r.cpuWith))],
      ['without', ...kinds.map((k) => s(r.cpuWithout![k] ?? 0)), s(sum(r.cpuWithout))],
      ['difference', ...kinds.map((k) => s((r.cpuWith![k] ?? 0) - (r.cpuWithout![k] ?? 0))), `${s(sum(r.cpuWith) - sum(r.cpuWithout))} (${(100 * (sum(r.cpuWith) / sum(r.cpuWithout) - 1)).toFixed(0)} %)`],
    ]);
    console.log('(browser: the browser process, which routes every extension event and message and keeps storage.session; renderer: the pages\' processes, content scripts included; extension: the service worker\'s process)');
  }
  console.log(`loads with: ${r.withExtension.map((s) => s.loadMs.toFixed(0)).join(' ')} ms; without: ${r.without.map((s) => s.loadMs.toFixed(0)).join(' ')} ms`);
  const c = r.checks;
  if (idle) {
    console.log(`after each timed load with the extension: ${c.filter((x) => x.idle).length} of ${c.length} left it idle (no recording listener, no registered content script, no record)${c.every((x) => x.idle) ? '' : ' — NOT IDLE: the comparison is not of an idle extension'}\n`);
    return;
  }
  console.log(`stored record after each timed load (frames, of them loaded; requests kept, still pending, counted as dropped beyond the cap of ${LIMITS.subresourcesPerPage}/page):`);
  for (const x of c) {
    console.log(`  ${x.complete ? 'complete' : 'INCOMPLETE'} after ${ms(x.settledAfterLoadMs)}: frames ${x.frames}/${r.frames}, loaded ${x.loadedFrames}; requests ${x.subresources}, pending ${x.pendingSubresources}, dropped ${x.droppedSubresources} (of ${r.subresources})`);
  }
  const f = r.flushes!;
  console.log(`storage.session writes during one more (instrumented) load, until the record was complete (${ms(f.overLoadMs)}): ${f.writes} set() calls, ` +
    `${f.keysWritten} keys and ${f.totalMB.toFixed(2)} MB serialized in all, largest ${f.largestKB.toFixed(0)} KB (each: the shell and the frames and requests that changed, ` +
    `${FLUSH_DELAY_MS}–${MAX_FLUSH_DELAY_MS} ms apart)`);
  const ev = f.events;
  const group = (prefix: string) => Object.entries(ev).filter(([k]) => k.startsWith(prefix)).map(([k, n]) => [k.slice(prefix.length), n] as const);
  const line = (prefix: string) => `${group(prefix).reduce((a, [, n]) => a + n, 0).toLocaleString('en')} (${group(prefix).map(([k, n]) => `${k} ${n.toLocaleString('en')}`).join(', ')})`;
  console.log(`events the extension received during it: webRequest ${line('webRequest.')}; webNavigation ${line('webNavigation.')}; content-script messages ${line('message.')}`);
  console.log(`after it: the tab's record keeps ${f.pagesKept} pages (1 active + up to ${LIMITS.otherPages} others) in ${f.keys} keys and uses ${mb(f.bytesInUse)} of the ${mb(f.quota)} storage.session quota; worker heap ${f.heapMB.toFixed(1)} MB\n`);
}

if (wanted('panel')) {
  const before = load();
  const r = await benchPanel(RUNS + 2, 3, 1000, progress, extensionCopy);
  console.log(`Panel: extension/panel.html in a Chromium tab, chrome.devtools stubbed, the Port replaced by the benchmark's (no panel change);`);
  console.log(`a synthetic ${r.frames.toLocaleString('en')}-frame page (snapshots.ts, ${mb(r.messageBytes)} of JSON); ${r.runs} fresh panel loads (+1 untimed), ${r.updates.length / r.runs} one-frame updates after each.`);
  console.log(`Times from the message handed to the transport's listener (after JSON.parse, median ${ms(r.medianFirst.parseMs)} for the snapshot). Load average ${before} → ${load()}.`);
  table([
    ['', 'median', 'min', 'max', 'target', ''],
    ['first render: → the tree shows every row', ms(r.medianFirst.domMs), ms(Math.min(...r.first.map((x) => x.domMs))), ms(Math.max(...r.first.map((x) => x.domMs))), '≤ 250 ms', met(r.medianFirst.domMs <= r.targets.firstMs)],
    ['first render: → next frame painted', ms(r.medianFirst.frameMs), ms(Math.min(...r.first.map((x) => x.frameMs))), ms(Math.max(...r.first.map((x) => x.frameMs))), '', ''],
    ['one frame update (in view): → its row changed', ms(r.medianUpdate.domMs), ms(Math.min(...r.updates.map((x) => x.domMs))), ms(Math.max(...r.updates.map((x) => x.domMs))), '≤ 50 ms', met(r.medianUpdate.domMs <= r.targets.updateMs)],
    ['one frame update: → next frame painted', ms(r.medianUpdate.frameMs), ms(Math.min(...r.updates.map((x) => x.frameMs))), ms(Math.max(...r.updates.map((x) => x.frameMs))), '', ''],
  ]);
  console.log('');
}

if (wanted('recorder')) {
  const before = load();
  const rows = await benchThroughput([[100, 2], [1000, 2], ...(FULL ? [[2000, 1], [2500, 1]] as [number, number][] : [])], RUNS);
  console.log(`Recorder (Node, recorder.ts and tab-store.ts driven directly): a synthetic Chromium-shaped event stream per page (webNavigation, both`);
  console.log(`webRequest listeners, the content observer's observe/probe/embeds, one frame-list reconciliation); ${RUNS} runs. Load average ${before} → ${load()}.`);
  console.log(`"through TabStore": each event via store.update, the event loop turning every 100 events so the flush (${FLUSH_DELAY_MS}–${MAX_FLUSH_DELAY_MS} ms apart) runs;`);
  console.log(`"written": the JSON of what the flushes' set() calls carried (each: the shell and the frames and requests that changed); "store share": the share of`);
  console.log(`the TabStore run beyond the recorder alone (building, serializing and comparing every key of each changed tab, and writing the changed ones).`);
  table([
    ['frames × requests/frame', 'events', 'recorder alone', 'through TabStore', 'flushes', 'written', 'largest write', 'store share', 'kept: frames, requests (+dropped)', 'record'],
    ...rows.map((x) => [
      `${x.frames} × ${x.perFrame}`, x.events, `${Math.round(x.recorderEps).toLocaleString('en')}/s`, `${Math.round(x.storeEps).toLocaleString('en')}/s`, x.flushes,
      `${x.flushedMB.toFixed(1)} MB`, `${x.largestFlushKB.toFixed(0)} KB`, `${(x.storeShare * 100).toFixed(0)}%`,
      `${x.kept.frames}${x.kept.droppedFrames ? ` (+${x.kept.droppedFrames})` : ''}, ${x.kept.requests} (+${x.kept.droppedRequests})`, `${(x.recordKB / 1e3).toFixed(2)} MB`,
    ]),
  ]);
  console.log('');

  const before2 = load();
  const s = await benchStorage([
    { label: '1 tab, 1,000 frames × 2 requests', tabs: 1, frames: 1000, perFrame: 2 },
    { label: '20 tabs, 100 frames × 2 requests each', tabs: 20, frames: 100, perFrame: 2 },
    { label: '20 tabs, 1,000 frames × 2 requests each', tabs: 20, frames: 1000, perFrame: 2 },
    ...(FULL ? [{ label: '1 tab at its caps: 4 pages × 2,000 frames', tabs: 1, frames: 2000, perFrame: 1, navigations: 4 }] : []),
  ], RUNS, progress, extensionCopy);
  console.log(`Recorder in Chromium: records built by the recorder from the stream above, written to the real extension's storage.session in TabStore's layout`);
  console.log(`(per tab a shell and a key per frame and per request, one set() per tab, until one does not fit), the worker stopped and woken so its TabStore`);
  console.log(`loads them. Quota ${mb(s.quota)} (storage.session.QUOTA_BYTES). "set": a whole tab (its first flush) / one frame's change (the shell and one part).`);
  console.log(`Worker heap after GC with no record: ${mb(s.baselineHeap)}. Load average ${before2} → ${load()}.`);
  table([
    ['', 'record (JSON)', 'shell (JSON)', 'keys/tab', 'tabs stored', 'bytes in use', 'headroom', 'set: whole tab', 'set: 1 frame', 'worker heap', ''],
    ...s.rows.map((x) => [
      x.label, mb(x.recordJsonBytes), mb(x.shellJsonBytes), x.keysPerTab, `${x.storedTabs}/${x.tabs}`, mb(x.bytesInUse), mb(s.quota - x.bytesInUse),
      Number.isNaN(x.setMs) ? '—' : ms(x.setMs), Number.isNaN(x.oneFrameSetMs) ? '—' : ms(x.oneFrameSetMs), mb(x.heapUsed), x.stored ? 'fits' : 'QUOTA EXCEEDED',
    ]),
  ]);
  console.log(`Per-tab caps (LIMITS in recorder.ts): ${Object.entries(LIMITS).map(([k, v]) => `${k} ${v}`).join(', ')}.`);
  console.log('No cap across tabs: the total is tabs × per-tab record; TabStore writes every dirty tab in one set(), which fails as a whole over the quota.');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
