// The user's trustworthy origins: set in the extension's own options page, stored in its settings, and
// read by the analysis, they make it agree with a Chromium started with the equivalent
// --unsafely-treat-insecure-origin-as-secure flag — frame by frame, with CDP's categories.
import { expect, test, type Page } from '@playwright/test';
import { evaluatePage } from '../../src/shared/evaluate.ts';
import { SETTINGS_KEY, parseSettings } from '../../src/shared/settings.ts';
import { startFixtureServer, type FixtureServer } from '../fixtures/server.ts';
import { agreeOnEveryFrame } from './agreement.ts';
import { launchChromium, settledPage, tabIdOf, warmUp, type Launched } from './harness.ts';
import { readInFrame } from './oracle.ts';

let server: FixtureServer;
let browser: Launched;
let page: Page;
/** What the user types into the options page: one exact origin, one wildcard, one mistake. */
let typed: string[];

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  server = await startFixtureServer();
  const exact = server.origin('http', 'a.test');
  // Chromium's flag takes the same list, comma-separated; a wildcard entry is a host pattern.
  const wildcard = '*.a.test';
  typed = [exact, wildcard, 'not an origin'];
  browser = await launchChromium(server, { args: [`--unsafely-treat-insecure-origin-as-secure=${exact},${wildcard}`] });
  page = await warmUp(browser, server);
});

test.afterAll(async () => {
  await browser?.close();
  await server?.close();
});

test('the options page stores the trustworthy origins, and reports the entry it cannot read', async () => {
  const options = await browser.context.newPage();
  await options.goto(`chrome-extension://${browser.extensionId}/options.html`);
  const box = options.getByTestId('trustworthy-origins');
  await box.fill(typed.join('\n'));
  await expect(options.getByTestId('errors')).toContainText('not an origin');
  await options.getByTestId('save').click();
  await expect(options.getByTestId('status')).toHaveText('Saved: 2 origins.');
  const stored = await options.evaluate(async (key) => (await chrome.storage.local.get(key))[key], SETTINGS_KEY);
  expect(parseSettings(stored).trustworthyOrigins).toEqual(typed.slice(0, 2));
  // Reopened, the page shows what was saved.
  await options.reload();
  await expect(options.getByTestId('trustworthy-origins')).toHaveValue(typed.slice(0, 2).join('\n'));
  await options.close();
});

test('with the stored setting, every frame of an http page agrees with Chromium started with the flag', async () => {
  const settingsPage = await browser.context.newPage();
  await settingsPage.goto(`chrome-extension://${browser.extensionId}/options.html`);
  const stored = parseSettings(await settingsPage.evaluate(async (key) => (await chrome.storage.local.get(key))[key], SETTINGS_KEY));
  await settingsPage.close();
  expect(stored.trustworthyOrigins).toHaveLength(2);

  const url = server.url('http', 'a.test', '/secure/insecure-top.html');
  await page.goto(url);
  const worker = await browser.worker();
  const record = await settledPage(worker, await tabIdOf(worker, url));
  const top = await readInFrame(browser.context, page, page.mainFrame());
  expect(top?.isSecureContext, 'the flag makes the http page secure').toBe(true);
  const exposed = Object.entries(top!.features).filter(([, on]) => on).map(([n]) => n);
  const rows = await agreeOnEveryFrame(browser.context, page, record, evaluatePage(record, { engine: 'chromium', trustworthyOrigins: stored.trustworthyOrigins }), exposed);
  console.log(`${url} with trustworthy origins ${stored.trustworthyOrigins.join(', ')}: ${rows.length} frames\n${rows.join('\n')}`);
  expect(rows).toHaveLength(page.frames().length);
  // Without the setting, the analysis disagrees with this browser: the setting is what made it agree.
  const without = evaluatePage(record, { engine: 'chromium' });
  expect(without.byFrameId.get(0)!.secureContext.secure).toBe(false);
});

test('a wildcard entry covers subdomains: a sub.a.test http page is secure in both', async () => {
  const url = server.url('http', 'sub.a.test', '/frames/plain.html?f=wildcard');
  await page.goto(url);
  const worker = await browser.worker();
  const record = await settledPage(worker, await tabIdOf(worker, url));
  const truth = await readInFrame(browser.context, page, page.mainFrame());
  const verdict = evaluatePage(record, { engine: 'chromium', trustworthyOrigins: typed.slice(0, 2) }).byFrameId.get(0)!.secureContext;
  expect(verdict.secure).toBe(truth?.isSecureContext);
  expect(verdict.self.step).toBe('user-allowlist');
  expect(truth?.cdp.secureContextType).toBe('Secure');
});
