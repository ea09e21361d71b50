// Browser agreement for origins: for every frame of the fixture pages, the core's origin (computed from
// the recorded facts alone) equals what the frame's own content script observed AND what Chromium
// reports inside the frame through CDP. Every frame is listed in the output.
import { expect, test, type Page, type Worker } from '@playwright/test';
import { evaluatePage } from '../../src/shared/evaluate.ts';
import { startFixtureServer, type FixtureServer } from '../fixtures/server.ts';
import { launchChromium, recordedFrameOf, settledPage, tabIdOf, warmUp, type Launched } from './harness.ts';
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

test('a blob: frame, which the browser frame list hides, is recorded with its origin', async () => {
  const url = server.url('http', 'a.test', '/origins.html');
  await page.goto(url);
  const record = await settledPage(worker, await tabIdOf(worker, url));
  const blob = Object.values(record.frames).find((f) => f.url.startsWith('blob:'));
  expect(blob?.parentFrameId).toBe(0);
  expect(evaluatePage(record).byFrameId.get(blob!.frameId)?.serializedOrigin).toBe(server.origin('http', 'a.test'));
});
