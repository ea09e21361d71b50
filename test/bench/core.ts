// Core benchmark: evaluatePage over synthetic snapshots of 100, 1,000 and 10,000 frames (median of runs).
import { performance } from 'node:perf_hooks';
import { evaluatePage } from '../../src/shared/evaluate.ts';
import { syntheticPage } from './snapshots.ts';

export interface CoreRow { frames: number; medianMs: number; perFrameUs: number; runs: number }

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function benchCore(sizes = [100, 1000, 10_000], runs = 7): CoreRow[] {
  const rows: CoreRow[] = [];
  for (const n of sizes) {
    const page = syntheticPage(n);
    evaluatePage(page); // warm-up: JIT and the PSL
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      // Each run evaluates a snapshot of its own, as a newly recorded one would be (equal content, no
      // object shared with the previous run): nothing the core remembers by object identity can help it.
      const fresh = structuredClone(page);
      const t0 = performance.now();
      const e = evaluatePage(fresh);
      times.push(performance.now() - t0);
      if (e.frames.length !== n) throw new Error(`expected ${n} frames, evaluated ${e.frames.length}`);
    }
    const m = median(times);
    rows.push({ frames: n, medianMs: m, perFrameUs: (m * 1000) / n, runs });
  }
  return rows;
}
