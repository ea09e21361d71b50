// Core benchmark: evaluatePage over synthetic snapshots of 100, 1,000 and 10,000 frames (median of runs).
import { performance } from 'node:perf_hooks';
import { evaluatePage } from '../../src/shared/evaluate.ts';
import { syntheticPage } from './snapshots.ts';

export interface CoreRow {
  frames: number;
  /** The first evaluation of this size in the process (cold JIT for the first size; after the smaller sizes for the others). */
  firstMs: number;
  /** Median of the timed runs, after the warm-up. */
  medianMs: number;
  perFrameUs: number;
  warmUp: number;
  runs: number;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Each evaluation gets a snapshot of its own, as a newly recorded one would be (equal content, no object
 * shared with another run, built by structuredClone as a message or storage read builds it): nothing
 * the core remembers by object identity can help it. The warm-up evaluates such copies too, so that the
 * engine's optimized code is the code for them (a warm-up on the generator's own objects, of other
 * shapes, left the first timed runs 2–4 times slower than the later ones); the first evaluation is
 * reported on its own.
 */
export function benchCore(sizes = [100, 1000, 10_000], runsOf = (n: number) => (n >= 10_000 ? 7 : 11), warmUp = 5): CoreRow[] {
  const rows: CoreRow[] = [];
  for (const n of sizes) {
    const page = syntheticPage(n);
    const time = () => {
      const fresh = structuredClone(page);
      const t0 = performance.now();
      const e = evaluatePage(fresh);
      const ms = performance.now() - t0;
      if (e.frames.length !== n) throw new Error(`expected ${n} frames, evaluated ${e.frames.length}`);
      return ms;
    };
    const firstMs = time();
    for (let i = 1; i < warmUp; i++) time();
    const runs = runsOf(n);
    const times = Array.from({ length: runs }, time);
    const m = median(times);
    rows.push({ frames: n, firstMs, medianMs: m, perFrameUs: (m * 1000) / n, warmUp, runs });
  }
  return rows;
}
