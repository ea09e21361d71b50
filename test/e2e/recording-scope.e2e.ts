/// <reference types="chrome" />
// What a user gets by default (no "Record every tab"): the extension listens to nothing and injects
// nothing until DevTools opens on a tab; then that tab is recorded from its next page load, with the
// popups it opens; when DevTools closes, the record goes and the extension is idle again. Real
// Chromium, the real DevTools window, the built extension.
import { expect, test, type Page, type Worker } from '@playwright/test';
import { extensionActivity, readScope, storedTabIds, type ScopeState } from '../../src/cli/chromium.ts';
import { openPanel, REMOTE_DEBUGGING_ARG, type OpenPanel } from '../../src/cli/devtools.ts';
import { startFixtureServer, type FixtureServer } from '../fixtures/server.ts';
import { routes } from '../fixtures/site.ts';
import { allFrames, launchChromium, settledPage, stopServiceWorker, storedRecord, tabIdOf, type Launched } from './harness.ts';

let server: FixtureServer;
let browser: Launched;
let worker: Worker;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  server = await startFixtureServer(routes);
  browser = await launchChromium(server, { recording: 'devtools', args: [REMOTE_DEBUGGING_ARG, '--window-size=1280,800', '--disable-popup-blocking'] });
  worker = await browser.worker();
});

test.afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Whether an observer (the content script) answers in the tab's top frame. */
const observerAnswers = (w: Worker, tabId: number) =>
  w.evaluate(async (id) => chrome.tabs.sendMessage(id, { type: 'report', v: 1 }, { frameId: 0 }).then(() => true, () => false), tabId);
const scope = async (): Promise<ScopeState> => (await readScope(worker))!;

let page: Page;
let tabId: number;
let opened: OpenPanel;
const zoo = () => server.url('https', 'a.test', '/zoo.html');

test('with no DevTools open, a page loads with no listener, no content script and no record', async () => {
  await expect.poll(async () => (await scope()).listening, { message: 'the worker goes idle once it read the scope' }).toBe(false);
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  await page.goto(zoo());
  tabId = await tabIdOf(worker, zoo());
  expect(await extensionActivity(worker)).toEqual({ webRequest: false, webNavigation: false, contentScripts: [] });
  expect(await scope()).toMatchObject({ everywhere: false, watched: [], restored: [], listening: false, contentScript: false });
  expect(await observerAnswers(worker, tabId)).toBe(false);
  expect(await storedTabIds(worker)).toEqual([]);
});

test('DevTools opened on the tab: recording starts; the page loaded before says "reload"; a reload records it whole', async () => {
  opened = await openPanel(browser, page);
  await expect.poll(async () => (await scope()).watched).toEqual([tabId]);
  await expect.poll(() => extensionActivity(worker)).toEqual({ webRequest: true, webNavigation: true, contentScripts: ['observer'] });
  // The page loaded before: no record, and the panel says why and offers the reload.
  await expect(opened.panel.getByTestId('no-page')).toBeVisible();
  await expect(opened.panel.getByTestId('no-page-why')).toContainText('while DevTools is open');
  expect(await storedRecord(worker, tabId)).toBeNull();
  // The panel's own button (clicked in one step: the panel may re-render it meanwhile).
  await opened.panel.getByTestId('reload-empty').evaluate((b: HTMLButtonElement) => b.click());
  const record = await settledPage(worker, tabId);
  // The whole page: every frame the browser lists, each document with its response and observation.
  const frames = await allFrames(worker, tabId);
  expect(Object.keys(record.frames).length).toBe(frames.length);
  expect(record.frames['0']!.response?.statusCode).toBe(200);
  expect(record.frames['0']!.observed?.origin).toBe(new URL(zoo()).origin);
  await expect(opened.panel.getByTestId('no-page')).toHaveCount(0);
});

test('a popup of the watched tab is recorded; a popup of another tab is not', async () => {
  const opener = server.url('https', 'a.test', '/iso/opener-none.html');
  await page.goto(opener);
  await settledPage(worker, tabId);
  const popupUrl = server.url('https', 'b.test', '/iso/popup-none.html');
  const [popup] = await Promise.all([browser.context.waitForEvent('page'), page.evaluate(`window.openPopup(${JSON.stringify(popupUrl)})`)]);
  await popup.waitForLoadState('load');
  const popupTab = await tabIdOf(worker, popupUrl);
  const record = await settledPage(worker, popupTab);
  expect(record.openedBy?.tabId).toBe(tabId);
  expect((await scope()).popups).toEqual([[popupTab, tabId]]);

  // A tab nobody watches, and the popup it opens: no record for either.
  const other = await browser.context.newPage();
  await other.goto(opener);
  const otherTab = await tabIdOf(worker, opener === page.url() ? opener : other.url());
  const otherPopupUrl = server.url('https', 'b.test', '/iso/popup-none.html?from=other');
  const [otherPopup] = await Promise.all([browser.context.waitForEvent('page'), other.evaluate(`window.openPopup(${JSON.stringify(otherPopupUrl)})`)]);
  await otherPopup.waitForLoadState('load');
  const otherPopupTab = await tabIdOf(worker, otherPopupUrl);
  const ids = await storedTabIds(worker);
  expect(ids).toContain(tabId);
  expect(ids).toContain(popupTab);
  expect(ids).not.toContain(otherPopupTab);
  // (`other` shows the same URL as the watched tab: tell them apart by id.)
  expect(ids.filter((id) => id !== tabId && id !== popupTab)).toEqual([]);
  expect(otherTab).toBeGreaterThanOrEqual(0);
  await otherPopup.close();
  await other.close();
  await popup.close();
  await expect.poll(async () => (await scope()).popups).toEqual([]);
});

test('the worker stopped while DevTools is open: the tab stays recorded, and the next load is recorded whole', async () => {
  await worker.evaluate(() => {
    (globalThis as { beforeStop?: boolean }).beforeStop = true;
  });
  // Not waiting for "stopped": the DevTools page's reconnection starts the worker again at once.
  await stopServiceWorker(browser.context, page, worker.url(), false);
  // The DevTools page reconnects (which starts the worker again: a new global, without the mark) and
  // claims its tab before the grace for stored tabs ends.
  await expect.poll(async () => {
    worker = await browser.worker();
    const fresh = await worker.evaluate(() => (globalThis as { beforeStop?: boolean }).beforeStop !== true).catch(() => false);
    const s = fresh ? await readScope(worker).catch(() => null) : null;
    return s ? { watched: s.watched, restored: s.restored, listening: s.listening, contentScript: s.contentScript } : null;
  }, { timeout: 15_000 }).toEqual({ watched: [tabId], restored: [], listening: true, contentScript: true });
  await page.goto(zoo());
  const record = await settledPage(worker, tabId);
  expect(record.url).toBe(zoo());
  expect(Object.keys(record.frames).length).toBe((await allFrames(worker, tabId)).length);
});

test('DevTools closed: the tab\'s record goes, the extension is idle again, and the next load is not recorded', async () => {
  await opened.devtools.close();
  await opened.disconnect();
  await expect.poll(async () => (await scope()).watched).toEqual([]);
  await expect.poll(() => extensionActivity(worker)).toEqual({ webRequest: false, webNavigation: false, contentScripts: [] });
  await expect.poll(() => storedTabIds(worker)).toEqual([]);
  await page.goto(server.url('https', 'a.test', '/index.html'));
  expect(await observerAnswers(worker, tabId)).toBe(false);
  expect(await storedTabIds(worker)).toEqual([]);
});
