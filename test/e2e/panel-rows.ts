// What the panel's frame tree must show for each frame, stated from the core's evaluation (the
// product's contract), and what it does show, read from the panel's DOM. Shared by the Chromium
// (panel-tree.e2e.ts) and Firefox (panel-firefox.e2e.ts) panel tests, so both engines are held to
// the same content assertions.
import { expect } from '@playwright/test';
import type { FrameEvaluation } from '../../src/shared/evaluate.ts';
import { SANDBOX_FLAGS } from '../../src/shared/sandboxing.ts';
import type { PageRecord } from '../../src/shared/snapshot.ts';

export interface ShownRow { frameId: number; badges: string[]; worst: string | null }

/** Runs in the panel page (Playwright's frame.evaluate or Puppeteer's page.evaluate). */
export function readShownRows(): ShownRow[] {
  return [...document.querySelectorAll('[data-testid=frame-row]')].map((r) => ({
    frameId: Number(r.getAttribute('data-frame-id')),
    badges: [...r.querySelectorAll('[data-testid=frame-badge]')].map((b) => b.textContent ?? ''),
    worst: r.querySelector('[data-testid=frame-worst]')?.getAttribute('data-severity') ?? null,
  }));
}

/** What a row must read for a frame. */
export function expectedRow(e: FrameEvaluation): ShownRow {
  const badges: string[] = [];
  if (e.load.status === 'blocked') badges.push('blocked');
  if (e.load.status === 'error') badges.push('error');
  if (e.load.status === 'loading') badges.push('loading');
  badges.push(e.secureContext.secure ? 'secure' : 'not secure');
  if (e.isolation.crossOriginIsolated) badges.push('cross-origin isolated');
  if (e.sandbox.active.size > 0) badges.push(`sandboxed · ${SANDBOX_FLAGS.filter((f) => !e.sandbox.active.has(f)).length} lifted`);
  if (e.origin.type === 'opaque') badges.push('opaque origin');
  if (e.relation.toTop) badges.push(e.relation.toTop.relation);
  if (e.node.orphan) badges.push('orphan');
  return { frameId: e.frameId, badges, worst: e.findings[0]?.severity ?? null };
}

export const byFrameId = (a: ShownRow, b: ShownRow) => a.frameId - b.frameId;

/**
 * Each row's badges agree with what its frame reported of itself (secure context, opaque origin,
 * cross-origin isolation). Returns how many rows had an observation to compare.
 */
export function expectRowsAgreeWithFrames(rows: readonly ShownRow[], record: PageRecord): number {
  let checked = 0;
  for (const row of rows) {
    const o = record.frames[String(row.frameId)]?.observed;
    if (!o) continue;
    checked++;
    expect(row.badges.includes('secure'), `frame ${row.frameId}: secure badge vs isSecureContext`).toBe(o.isSecureContext);
    expect(row.badges.includes('opaque origin'), `frame ${row.frameId}: opaque badge vs self.origin`).toBe(o.origin === 'null');
    expect(row.badges.includes('cross-origin isolated'), `frame ${row.frameId}: isolated badge vs crossOriginIsolated`).toBe(o.crossOriginIsolated);
  }
  return checked;
}
