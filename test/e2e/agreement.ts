// One agreement check shared by the browser tests: for every frame of a tab, the core's secure-context
// verdict and category, predicted opaque origin, scripts and secure-context APIs against what Chromium
// reports inside the frame (and what the extension's observer recorded).
import { expect, type BrowserContext, type Page } from '@playwright/test';
import type { PageEvaluation } from '../../src/shared/evaluate.ts';
import type { SecureContextCategory } from '../../src/shared/secure-context.ts';
import type { PageRecord } from '../../src/shared/snapshot.ts';
import { recordedFrameOf } from './harness.ts';
import { readInFrame, type FrameTruth } from './oracle.ts';

const CDP_CATEGORY: Record<string, SecureContextCategory> = {
  Secure: 'secure',
  SecureLocalhost: 'secure-localhost',
  InsecureScheme: 'insecure-scheme',
  InsecureAncestor: 'insecure-ancestor',
};

/**
 * Compares every frame of `p` (a tab showing `record`) with the browser; returns one line per frame.
 * `exposedWhenSecure`: the secure-context-only APIs this browser exposes in a plain secure document.
 */
export async function agreeOnEveryFrame(
  context: BrowserContext, p: Page, record: PageRecord, evaluation: PageEvaluation, exposedWhenSecure: string[],
): Promise<string[]> {
  const rows: string[] = [];
  for (const frame of p.frames()) {
    const rec = await recordedFrameOf(p, frame, record);
    expect(rec, `recorded frame for ${frame.url()}`).toBeDefined();
    const e = evaluation.byFrameId.get(rec!.frameId)!;
    const truth: FrameTruth | null = await readInFrame(context, p, frame);
    const name = frame === p.mainFrame() ? 'top' : (await (await frame.frameElement()).getAttribute('id')) ?? frame.url();
    if (truth === null) {
      expect(rec!.status, `${name} shows an error page`).toBe('error');
      rows.push(`${name.padEnd(30)} (error page: nothing to compare)`);
      continue;
    }
    const sc = e.secureContext;
    const where = `${name} (${rec!.url})`;
    expect(sc.secure, `secure context, core vs browser: ${where}`).toBe(truth.isSecureContext);
    expect(sc.secure, `secure context, core vs observer: ${where}`).toBe(rec!.observed?.isSecureContext);
    expect(sc.category, `category, core vs CDP: ${where}`).toBe(CDP_CATEGORY[truth.cdp.secureContextType]);
    expect(e.predicted.originOpaque, `opaque origin: ${where}`).toBe(truth.origin === 'null');
    if (truth.hasScript) expect(e.predicted.scriptsRun, `page script runs: ${where}`).toBe(truth.scriptRan);
    // What a non-secure context loses, per the catalog: none of the probed APIs is exposed there.
    const exposed = Object.entries(truth.features).filter(([, on]) => on).map(([n]) => n);
    if (truth.isSecureContext) expect(exposed, `secure-context APIs in ${where}`).toEqual(exposedWhenSecure);
    else expect(exposed, `secure-context APIs in the non-secure ${where}`).toEqual([]);
    rows.push([
      name.padEnd(30),
      `${sc.category.padEnd(17)} (CDP ${truth.cdp.secureContextType})`,
      sc.brokenBy ? `broken by frame ${sc.brokenBy.frameId} ${sc.brokenBy.judged}` : '',
      `origin ${truth.origin}`,
      truth.hasScript ? `scripts ${truth.scriptRan ? 'run' : 'blocked'}` : 'no page script',
      `${e.sandbox.active.size} sandbox flags`,
    ].filter(Boolean).join('  '));
  }
  return rows;
}

