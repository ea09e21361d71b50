// The default recording scope in Firefox ESR (see recording-scope.e2e.ts for Chromium): nothing is
// listened to or injected until a Frame Security panel looks at a tab (here the panel page opened in a
// tab for it, as Firefox's toolbox cannot be driven headless); then the tab's next load is recorded
// whole; when the panel closes, the record goes and the extension is idle again.
import { expect, test } from '@playwright/test';
import { launchFirefoxWithExtension, type FirefoxWithExtension } from '../../src/cli/firefox.ts';
import { HOSTS, startFixtureServer, type FixtureServer } from '../fixtures/server.ts';
import { requireFirefox, skipWithoutFirefox, warnWithoutFirefox } from './firefox-present.ts';

warnWithoutFirefox('the Firefox recording-scope tests');
skipWithoutFirefox();

let server: FixtureServer;
let ff: FirefoxWithExtension;

test.describe.configure({ mode: 'serial' });
test.beforeAll(async () => {
  server = await startFixtureServer();
  ff = await launchFirefoxWithExtension({
    browserPath: requireFirefox(),
    acceptInsecureCerts: true,
    extraPrefs: { 'network.dns.localDomains': HOSTS.join(',') },
    recording: 'devtools',
  });
});
test.afterAll(async () => {
  await ff?.close();
  await server?.close();
});

const idle = { watched: [], listening: false, contentScript: false };
const scope = async () => {
  const s = await ff.readScope();
  return s && { watched: s.watched, listening: s.listening, contentScript: s.contentScript };
};

test('idle until a panel looks at the tab; then its next load is recorded whole; idle again once the panel closes', async () => {
  await expect.poll(scope, { message: 'the background goes idle once it read the scope' }).toEqual(idle);
  const url = server.url('https', 'a.test', '/zoo.html');
  const site = await ff.browser.newPage();
  await site.goto(url);
  let tabId: number | null = null;
  await expect.poll(async () => (tabId = await ff.findTabId(url))).not.toBeNull();
  expect(await ff.readStoredRecords()).toEqual([]);
  expect(await scope()).toEqual(idle);

  // The panel page for the tab (what DevTools shows) connects and says hello: the tab is watched.
  const panel = await ff.openExtensionPage(`panel.html?tabId=${tabId}`);
  await expect.poll(scope).toEqual({ watched: [tabId], listening: true, contentScript: true });
  await expect.poll(() => panel.evaluate(() => document.querySelector('[data-testid="no-page"]') !== null).catch(() => false), { message: 'the panel says nothing is recorded yet' }).toBe(true);

  await site.reload();
  const record = await ff.waitForCompleteRecord(tabId!);
  expect(record.url).toBe(url);
  expect(record.frames['0']!.response?.statusCode).toBe(200);
  expect(record.frames['0']!.observed?.origin).toBe(new URL(url).origin);
  expect(Object.keys(record.frames).length).toBe((await ff.readBrowserFrames(tabId!)).length);
  await expect.poll(() => panel.evaluate(() => document.querySelectorAll('[data-testid="no-page"]').length).catch(() => -1)).toBe(0);

  await panel.close();
  await expect.poll(scope).toEqual(idle);
  await expect.poll(() => ff.readStoredRecords()).toEqual([]);
  await site.goto(server.url('https', 'a.test', '/index.html'));
  expect(await ff.readStoredRecords()).toEqual([]);
  await site.close();
});

