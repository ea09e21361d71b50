// Browser agreement for origins: for every frame of the fixture pages, the core's origin (computed from
// the recorded facts alone) equals what the frame's own content script observed AND what Chromium
// reports inside the frame through CDP. Every frame is listed in the output.
import { expect, test, type Page, type Worker } from '@playwright/test';
import { evaluatePage } from '../../src/shared/evaluate.ts';
import { startFixtureServer, type FixtureServer } from '../fixtures/server.ts';
import { launchChromium, recordedFrameFor, recordedFrameOf, settledPage, tabIdOf, warmUp, type Launched } from './harness.ts';
import { readInFrame } from './oracle.ts';

let server: FixtureServer;
let browser: Launched;
let page: Page;
let worker: Worker;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  server = await startFixtureServer();
  browser = await launchChromium(server);
  page = await warmUp(browser, server);
  worker = await browser.worker();
});

test.afterAll(async () => {
  await browser?.close();
  await server?.close();
});

for (const [scheme, path] of [['https', '/zoo.html'], ['http', '/origins.html']] as const) {
  test(`the core's origin of every frame of ${path} equals the browser's`, async () => {
    const url = server.url(scheme, 'a.test', path);
    await page.goto(url);
    const record = await settledPage(worker, await tabIdOf(worker, url));
    const evaluation = evaluatePage(record, { engine: 'chromium' });
    const rows: string[] = [];
    let compared = 0;
    for (const frame of page.frames()) {
      const rec = await recordedFrameOf(page, frame, record);
      expect(rec, `recorded frame for ${frame.url()}`).toBeDefined();
      const predicted = evaluation.byFrameId.get(rec!.frameId)!.serializedOrigin;
      const truth = await readInFrame(browser.context, page, frame);
      if (truth === null) {
        expect(rec!.status).toBe('error');
        rows.push(`${rec!.url.slice(0, 70).padEnd(72)} (error page: no origin to compare)`);
        continue;
      }
      expect(predicted, `core vs CDP for ${rec!.url}`).toBe(truth.origin);
      expect(predicted, `core vs observer for ${rec!.url}`).toBe(rec!.observed?.origin);
      compared++;
      rows.push(`${rec!.url.slice(0, 70).padEnd(72)} core=${predicted}  browser=${truth.origin}`);
    }
    console.log(`${path}: ${compared} frames agree\n${rows.join('\n')}`);
    expect(compared).toBeGreaterThanOrEqual(page.frames().length - 1);
  });
}

// Each zoo frame's relation to the top frame (https://a.test) and to its parent, written from the
// fixture's design: sub.a.test is same-site with a.test; b.test is another site; opaque origins are
// cross-site to every other origin. A COEP-blocked frame is judged by the origin it would have had.
const ZOO_RELATIONS: Record<string, [toTop: string, toParent: string]> = {
  'same-origin': ['same-origin', 'same-origin'],
  'same-site': ['same-site', 'same-site'],
  'cross-site': ['cross-site', 'cross-site'],
  'sandbox-empty': ['cross-site', 'cross-site'],
  'sandbox-scripts': ['cross-site', 'cross-site'],
  'sandbox-scripts-same-origin': ['same-origin', 'same-origin'],
  srcdoc: ['same-origin', 'same-origin'],
  'sandboxed-srcdoc': ['cross-site', 'cross-site'],
  'about-blank': ['same-origin', 'same-origin'],
  'data-url': ['cross-site', 'cross-site'],
  'csp-sandbox': ['cross-site', 'cross-site'],
  credentialless: ['cross-site', 'cross-site'],
  nested: ['cross-site', 'cross-site'],
  'level-2': ['same-site', 'cross-site'],
  isolated: ['same-origin', 'same-origin'],
  'coep-blocked': ['cross-site', 'cross-site'],
  'coep-allowed': ['cross-site', 'cross-site'],
};

test('every zoo frame has the designed relation to the top frame and to its parent', async () => {
  const url = server.url('https', 'a.test', '/zoo.html');
  await page.goto(url);
  const record = await settledPage(worker, await tabIdOf(worker, url));
  const evaluation = evaluatePage(record);
  const rows: string[] = [];
  for (const [id, expected] of Object.entries(ZOO_RELATIONS)) {
    const frame = recordedFrameFor(id, record)?.frame;
    expect(frame, `frame #${id}`).toBeDefined();
    const r = evaluation.byFrameId.get(frame!.frameId)!.relation;
    expect([r.toTop?.relation, r.toParent?.relation], `#${id}`).toEqual(expected);
    rows.push(`${id.padEnd(28)} to top: ${r.toTop?.relation.padEnd(12)} to parent: ${r.toParent?.relation}`);
  }
  expect(evaluation.byFrameId.get(0)?.relation).toEqual({ toTop: null, toParent: null });
  expect(rows).toHaveLength(evaluation.frames.length - 1);
  console.log(rows.join('\n'));
});

test('a blob: frame, which the browser frame list hides, is recorded with its origin', async () => {
  const url = server.url('http', 'a.test', '/origins.html');
  await page.goto(url);
  const record = await settledPage(worker, await tabIdOf(worker, url));
  const blob = Object.values(record.frames).find((f) => f.url.startsWith('blob:'));
  expect(blob?.parentFrameId).toBe(0);
  expect(evaluatePage(record).byFrameId.get(blob!.frameId)?.serializedOrigin).toBe(server.origin('http', 'a.test'));
});
