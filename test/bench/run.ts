// `npm run bench`: the benchmarks of issue 9 that exist so far (the core); each figure a median of
// several runs, with the target next to it. Not part of `npm test`.
import { cpus } from 'node:os';
import { benchCore } from './core.ts';

const TARGET_MS: Record<number, number> = { 1000: 20, 10_000: 200 };

console.log(`Frame Security benchmarks — Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}\n`);
console.log('Core: evaluatePage over synthetic snapshots (up to 1,000 subresource requests, the recorder\'s cap)');
console.log('frames   median ms   per frame µs   target');
for (const row of benchCore()) {
  const target = TARGET_MS[row.frames];
  const verdict = target === undefined ? '' : `${target} ms ${row.medianMs <= target ? 'met' : 'NOT met'}`;
  console.log(`${String(row.frames).padStart(6)}   ${row.medianMs.toFixed(1).padStart(9)}   ${row.perFrameUs.toFixed(1).padStart(12)}   ${verdict}`);
}
