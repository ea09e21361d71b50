/// <reference types="chrome" />
// The real DevTools panel, opened headless on the zoo page: it lists every frame, follows live changes,
// and survives the service worker being stopped (no record lost, the port reconnects).
import { expect, test, type Frame, type Page, type Worker } from '@playwright/test';
import { openPanel, REMOTE_DEBUGGING_ARG, type OpenPanel } from '../../src/cli/devtools.ts';
import { startFixtureServer, type FixtureServer } from '../fixtures/server.ts';
import { assembleStoredTabs } from '../../src/background/tab-store.ts';
import { activePageOf } from '../../src/cli/chromium.ts';
import { evaluatePage } from '../../src/shared/evaluate.ts';
import { allFrames, launchChromium, recordedFrameFor, settledPage, tabIdOf, warmUp, type Launched } from './harness.ts';

let server: FixtureServer;
let browser: Launched;
let page: Page;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  server = await startFixtureServer();
  browser = await launchChromium(server, { args: [REMOTE_DEBUGGING_ARG, '--window-size=1280,800'] });
  page = await warmUp(browser, server);
});

test.afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function rowsOf(panel: Frame) {
  return panel.locator('[data-testid=frame-row]').evaluateAll((rows) =>
    rows.map((r) => ({
      frameId: Number(r.getAttribute('data-frame-id')),
      url: r.querySelector('[data-testid=frame-url]')?.textContent ?? '',
      origin: r.querySelector('[data-testid=frame-origin]')?.textContent ?? '',
      error: r.querySelector('[data-testid=frame-error]')?.textContent ?? null,
      level: Number(r.getAttribute('aria-level')),
    })),
  );
}

/**
 * Stops the extension's service worker the way the browser does when it idles, through CDP's
 * ServiceWorker domain on an extension-origin page, and reports the worker's status changes.
 */
async function serviceWorkerControl(launched: Launched) {
  const ext = await launched.context.newPage();
  await ext.goto(`chrome-extension://${launched.extensionId}/manifest.json`);
  const session = await launched.context.newCDPSession(ext);
  const statuses: string[] = [];
  session.on('ServiceWorker.workerVersionUpdated', (e) => {
    for (const v of e.versions) if (v.scriptURL.endsWith('/background.js')) statuses.push(v.runningStatus);
  });
  await session.send('ServiceWorker.enable');
  await expect.poll(() => statuses.at(-1)).toBe('running');
  return {
    statuses,
    stop: () => session.send('ServiceWorker.stopAllWorkers'),
    close: () => ext.close(),
  };
}

/**
 * The tab's stored record (its shell and parts, see tab-store.ts, in one get()), read in an extension
 * page (works whether or not the worker runs) and assembled here.
 */
async function storedPageVia(panel: Frame, tabId: number) {
  const entries = await panel.evaluate(async (id) => {
    const all = await chrome.storage.session.get(null);
    return Object.fromEntries(Object.entries(all).filter(([k]) => k === `tab:${id}` || k.startsWith(`part:${id}:`)));
  }, tabId);
  return activePageOf(assembleStoredTabs(entries).get(tabId) ?? null);
}

test('the real DevTools panel lists every frame of the zoo page, nested as in the page', async () => {
  const url = server.url('https', 'a.test', '/zoo.html');
  await page.goto(url);
  const worker = await browser.worker();
  const tabId = await tabIdOf(worker, url);
  const record = await settledPage(worker, tabId);
  const frames = await allFrames(worker, tabId);
  const opened: OpenPanel = await openPanel(browser, page);
  const panelErrors: string[] = [];
  opened.devtools.on('pageerror', (e) => panelErrors.push(e.message));
  opened.devtools.on('console', (m) => {
    if (m.type() === 'error') panelErrors.push(m.text());
  });
  try {
    const { panel } = opened;
    await expect(panel.locator('[data-testid=frame-row]')).toHaveCount(frames.length);
    const rows = await rowsOf(panel);
    expect(rows.map((r) => r.frameId).sort((a, b) => a - b)).toEqual(frames.map((f) => f.frameId).sort((a, b) => a - b));
    for (const row of rows) {
      const rec = record.frames[String(row.frameId)]!;
      expect(row.url).toBe(rec.url);
      expect(row.origin).toBe(rec.observed?.origin ?? 'not observed');
      expect(row.error).toBe(rec.status === 'error' ? rec.error : null);
      // Nesting: the row's level is the frame's depth in the browser's tree.
      let depth = 1;
      for (let f = frames.find((x) => x.frameId === row.frameId)!; f.parentFrameId !== -1; f = frames.find((x) => x.frameId === f.parentFrameId)!) depth++;
      expect(row.level).toBe(depth);
    }
    expect(rows.filter((r) => r.error === 'net::ERR_BLOCKED_BY_RESPONSE')).toHaveLength(1);
    // Selecting a frame by keyboard shows its details, as text.
    await panel.locator('[data-testid=frame-tree]').focus();
    await opened.devtools.keyboard.press('Home');
    await opened.devtools.keyboard.press('ArrowDown');
    await expect(panel.locator('[aria-selected=true]'), 'the keyboard selected the second row').toHaveAttribute('data-frame-id', String(rows[1]!.frameId));
    await expect(panel.locator('[data-testid=panel-error]')).toHaveCount(0);
    await expect(panel.locator('[data-testid=detail-url]'), `panel errors: ${panelErrors.join(' | ')}`).toHaveText(rows[1]!.url);
    // A sandboxed frame, selected with the mouse, for the README's screenshot of the real panel.
    await panel.locator('[data-testid=frame-label]', { hasText: 'iframe#sandbox-scripts' }).first().click();
    await expect(panel.locator('[data-testid=detail-sandbox]')).toHaveText('allow-scripts');
    // The analysis is shown for the selected frame: its verdict and every active sandbox flag (the
    // core's flags, which the secure-sandbox tests prove equal to what the browser applies).
    const evaluation = evaluatePage(record, { engine: 'chromium' });
    const sandboxed = evaluation.byFrameId.get(recordedFrameFor('sandbox-scripts', record)!.frame!.frameId)!;
    await expect(panel.locator('[data-testid=secure-context-verdict]')).toHaveText(/^secure /);
    const shownFlags = await panel.locator('[data-testid=sandbox-flags] tr[data-flag]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-flag')));
    expect(shownFlags.sort()).toEqual([...sandboxed.sandbox.active].sort());
    expect(shownFlags).not.toContain('scripts');
    expect(shownFlags).toContain('origin');
    const box = (await (await panel.frameElement()).boundingBox())!;
    const size = opened.devtools.viewportSize() ?? (await opened.devtools.evaluate(() => ({ width: innerWidth, height: innerHeight })));
    await opened.devtools.screenshot({ path: 'docs/panel-chromium.png', clip: { x: box.x, y: 0, width: box.width, height: size.height } });
    // The data: frame: not a secure context in Chromium, with the finding that says why.
    await panel.locator('[data-testid=frame-label]', { hasText: 'iframe#data-url' }).first().click();
    await expect(panel.locator('[data-testid=secure-context-verdict]')).toHaveText(/^not secure/);
    await expect(panel.locator('[data-testid=finding-insecure-scheme]')).toHaveCount(1);
    // The COEP-blocked frame: blocked, with the header that blocks it first, and its finding.
    const blocked = evaluation.byFrameId.get(recordedFrameFor('coep-blocked', record)!.frame!.frameId)!;
    await panel.locator('[data-testid=frame-label]', { hasText: 'iframe#coep-blocked' }).first().click();
    await expect(panel.locator('[data-testid=isolation-blocked-by]')).toHaveText(blocked.embedding!.blockedBy.join(', '));
    expect(blocked.embedding!.blockedBy[0]).toBe('corp');
    await expect(panel.locator('[data-testid=finding-corp-blocked-frame]')).toHaveCount(1);
    console.log(`panel rows: ${rows.length}; browser frames: ${frames.length}`);
  } finally {
    await opened.disconnect();
  }
});

test('stopping the service worker loses no record and the open panel reconnects and stays live', async () => {
  const url = server.url('https', 'a.test', '/dynamic.html');
  await page.goto(url);
  const worker: Worker = await browser.worker();
  const tabId = await tabIdOf(worker, url);
  const before = await settledPage(worker, tabId);
  const opened = await openPanel(browser, page);
  const sw = await serviceWorkerControl(browser);
  try {
    const { panel } = opened;
    await expect(panel.locator('[data-testid=frame-row]')).toHaveCount(2);

    const seen = sw.statuses.length;
    await sw.stop();
    // The worker stops; the panel's port drops; the panel reconnects, which starts a new worker.
    await expect.poll(() => sw.statuses.slice(seen)).toContain('stopped');
    await expect.poll(() => sw.statuses.slice(sw.statuses.indexOf('stopped', seen)).at(-1)).toBe('running');
    // Nothing was lost: the record the new worker serves is the one from before the stop.
    await expect(panel.locator('[data-testid=frame-row]')).toHaveCount(2);
    const after = await storedPageVia(panel, tabId);
    expect(Object.keys(after?.frames ?? {}).sort()).toEqual(Object.keys(before.frames).sort());
    for (const [id, frame] of Object.entries(before.frames)) {
      const { updatedAt: _u, ...facts } = frame;
      expect(after?.frames[id], `frame ${id} after the restart`).toMatchObject(facts);
    }

    // And the panel is live again: a frame added now shows up in it.
    await page.evaluate(`window.addFrame('late', ${JSON.stringify(server.url('https', 'b.test', '/frames/plain.html?f=late'))})`);
    await expect(panel.locator('[data-testid=frame-label]', { hasText: 'iframe#late' })).toHaveCount(1);
    await expect(panel.locator('[data-testid=frame-row]')).toHaveCount(3);
    await expect(panel.locator('[data-testid=connection]')).toHaveCount(0);
    console.log(`service worker statuses: ${sw.statuses.join(' → ')}`);
  } finally {
    await sw.close();
    await opened.disconnect();
  }
});

test('the panel lists the selected frame\'s subresources with what require-corp and credentialless would do', async () => {
  const url = server.url('https', 'a.test', '/readiness/page.html?coep=none');
  // A tab of its own: DevTools opened on the earlier tests' tab may still show another panel.
  const page = await browser.context.newPage();
  await page.goto(url);
  const worker = await browser.worker();
  const tabId = await tabIdOf(worker, url);
  // The top document makes 16 requests (see the fixture); wait until the record has them all ended.
  await expect.poll(async () => {
    const record = await settledPage(worker, tabId);
    return Object.values(record.subresources ?? {}).filter((r) => r.frameId === 0 && r.state !== 'pending').length;
  }).toBe(16);
  const opened = await openPanel(browser, page);
  try {
    const { panel } = opened;
    await panel.locator('[data-testid=frame-row][data-frame-id="0"]').click();
    await expect(panel.locator('[data-testid=detail-url]')).toHaveText(url);
    // DevTools itself fetches the document and its stylesheets again, through the page: the panel
    // converges on the core's verdicts for the record as it is then (identical requests folded).
    const rows = panel.locator('[data-testid=subresources] tr[data-request]');
    const shownRows = () => rows.evaluateAll((trs) => trs.map((tr) => ({
      id: tr.getAttribute('data-request') ?? '',
      requireCorp: tr.querySelector('[data-testid=subresource-require-corp]')?.textContent ?? '',
    })));
    let expected: { id: string; blocked: boolean }[] = [];
    await expect.poll(async () => {
      const top = evaluatePage(await settledPage(worker, tabId), { engine: 'chromium' }).byFrameId.get(0)!;
      expected = top.subresources.map((v) => ({ id: v.record.requestId, blocked: v.requireCorp.result === 'blocked' }));
      const shown = await shownRows();
      return JSON.stringify(shown.map((r) => ({ id: r.id, blocked: r.requireCorp.startsWith('blocked') }))) === JSON.stringify(expected);
    }, { message: 'the panel shows the core\'s verdict for every request' }).toBe(true);
    expect(expected.length, 'every request of the fixture is listed once').toBeGreaterThanOrEqual(16);
    expect(expected.filter((r) => r.blocked).length, 'require-corp would block the fixture\'s 10 cases of the top document').toBe(10);
    await expect(panel.locator('[data-testid=subresources-summary]')).toContainText(`${expected.length} distinct requests`);
    await expect(panel.locator('[data-testid=finding-coep-readiness]')).toHaveCount(1);
  } finally {
    await opened.disconnect();
    await page.close();
  }
});
