// Browser agreement for secure contexts and sandboxing: for every frame of the fixture pages, the core's
// verdict (computed from the recorded facts alone) equals what the frame's own content script observed
// AND what Chromium itself says — `isSecureContext` read in the frame, CDP's secureContextType (the
// category too), whether the page's own script ran, whether `self.origin` is "null", and which
// secure-context-only APIs the frame exposes. Every frame is listed in the output.
import { expect, test, type Page, type Worker } from '@playwright/test';
import { evaluatePage } from '../../src/shared/evaluate.ts';
import { SECURE_CONTEXT_FEATURES } from '../../src/shared/secure-context.ts';
import type { PageRecord } from '../../src/shared/snapshot.ts';
import { startFixtureServer, type FixtureServer } from '../fixtures/server.ts';
import { launchChromium, recordedFrameFor, settledPage, storedPage, tabIdOf, warmUp, type Launched } from './harness.ts';
import { readInFrame } from './oracle.ts';
import { agreeOnEveryFrame } from './agreement.ts';

let server: FixtureServer;
let browser: Launched;
let page: Page;
let worker: Worker;
/** The secure-context-only APIs this Chromium exposes in a plain secure top-level document. */
let exposedWhenSecure: string[];

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  server = await startFixtureServer();
  browser = await launchChromium(server);
  page = await warmUp(browser, server);
  worker = await browser.worker();
  const truth = await readInFrame(browser.context, page, page.mainFrame());
  exposedWhenSecure = Object.entries(truth!.features).filter(([, on]) => on).map(([name]) => name);
  // The probes must be able to see something: a secure page exposes most of them.
  expect(exposedWhenSecure.length).toBeGreaterThanOrEqual(SECURE_CONTEXT_FEATURES.filter((f) => f.probe).length - 2);
});

test.afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function settle(url: string): Promise<PageRecord> {
  return settledPage(worker, await tabIdOf(worker, url));
}

const PAGES: [title: string, url: () => string][] = [
  ['the https zoo', () => server.url('https', 'a.test', '/zoo.html')],
  ['an http page with https, srcdoc, data:, about:blank, sandboxed and localhost frames', () => server.url('http', 'a.test', '/secure/insecure-top.html')],
  ['an http://localhost page with an insecure middle frame', () => `http://localhost:${server.httpPort}/secure/loopback-top.html`],
  ['an http://127.0.0.1 page with an insecure middle frame', () => `http://127.0.0.1:${server.httpPort}/secure/loopback-top.html`],
  ['the http origins page (IP, localhost, IDN, blob:, sandboxed children)', () => server.url('http', 'a.test', '/origins.html')],
];

for (const [title, url] of PAGES) {
  test(`secure context, sandbox and origin of every frame agree with Chromium: ${title}`, async () => {
    await page.goto(url());
    const record = await settle(url());
    const rows = await agreeOnEveryFrame(browser.context, page, record, evaluatePage(record, { engine: 'chromium' }), exposedWhenSecure);
    console.log(`${url()}: ${rows.length} frames\n${rows.join('\n')}`);
    expect(rows).toHaveLength(page.frames().length);
  });
}

test('the insecure-ancestor chain names the ancestor that breaks it', async () => {
  const url = `http://localhost:${server.httpPort}/secure/loopback-top.html`;
  await page.goto(url);
  const record = await settle(url);
  const evaluation = evaluatePage(record, { engine: 'chromium' });
  const middle = recordedFrameFor('insecure-middle', record)!.frame!;
  const leaf = recordedFrameFor('secure-leaf', record)!.frame!;
  expect(evaluation.byFrameId.get(0)!.secureContext.category).toBe('secure-localhost');
  expect(evaluation.byFrameId.get(middle.frameId)!.secureContext.category).toBe('insecure-scheme');
  const leafVerdict = evaluation.byFrameId.get(leaf.frameId)!;
  expect(leafVerdict.secureContext.category).toBe('insecure-ancestor');
  expect(leafVerdict.secureContext.brokenBy?.frameId).toBe(middle.frameId);
  const f = leafVerdict.findings.find((x) => x.id === 'insecure-ancestor');
  expect(f?.evidence.map((x) => x.value).join(' ')).toContain(middle.url);
});

test('sandboxes: nested, CSP inside an attribute, two CSP policies, report-only, and attributes changed after load', async () => {
  const url = server.url('https', 'a.test', '/sandbox.html');
  await page.goto(url);
  await expect.poll(() => page.evaluate(() => document.documentElement.dataset.sandboxChanged)).toBe('yes');
  const tabId = await tabIdOf(worker, url);
  await settledPage(worker, tabId);
  // The content script reports the changed attributes (with their history) shortly after the change.
  let record: PageRecord | null = null;
  await expect.poll(async () => {
    record = await storedPage(worker, tabId);
    const added = record && recordedFrameFor('sandbox-added-after-load', record)?.element;
    const removed = record && recordedFrameFor('sandbox-removed-after-load', record)?.element;
    return added?.sandbox === '' && removed?.sandbox === null && (added.sandboxHistory?.length ?? 0) > 0 && (removed.sandboxHistory?.length ?? 0) > 0;
  }).toBe(true);
  const evaluation = evaluatePage(record!, { engine: 'chromium' });
  const rows = await agreeOnEveryFrame(browser.context, page, record!, evaluation, exposedWhenSecure);
  console.log(`${url}: ${rows.length} frames\n${rows.join('\n')}`);
  expect(rows).toHaveLength(page.frames().length);

  const verdict = (id: string) => evaluation.byFrameId.get(recordedFrameFor(id, record!)!.frame!.frameId)!;
  // A child cannot lift what its parent's sandbox set.
  expect(verdict('inner-lift-scripts').predicted).toMatchObject({ scriptsRun: false, originOpaque: false });
  expect(verdict('inner-lift-scripts').sandbox.sources.get('scripts')?.[0]).toMatchObject({ kind: 'attribute', frameId: recordedFrameFor('outer-no-scripts', record!)!.frame!.frameId });
  expect(verdict('inner-lift-origin').predicted).toMatchObject({ scriptsRun: true, originOpaque: true });
  expect(verdict('csp-inside-attribute').sandbox.sources.get('origin')?.map((s) => s.kind)).toEqual(['csp']);
  expect(verdict('csp-two-policies').findings.map((f) => f.id)).toContain('multiple-csp-sandbox');
  expect(verdict('csp-report-only').findings.map((f) => f.id)).toContain('csp-sandbox-report-only');
  expect(verdict('unknown-tokens').findings.find((f) => f.id === 'unknown-sandbox-token')?.fix).toContain('allow-scripts');
  for (const id of ['sandbox-added-after-load', 'sandbox-removed-after-load']) {
    expect(verdict(id).findings.map((f) => f.id), id).toContain('sandbox-changed-after-load');
    // The document said when its response started, on the clock its parent stamped the change by:
    // before the change (made after its load event), and after the page's own response.
    const { frame, element } = recordedFrameFor(id, record!)!;
    const top = record!.frames['0']!.observed!.responseStartAt!;
    expect(frame!.observed?.responseStartAt, id).toBeGreaterThanOrEqual(top);
    expect(frame!.observed!.responseStartAt!, id).toBeLessThan(element.sandboxHistory![0]!.until);
  }
  expect(verdict('popup-opener').findings.map((f) => f.id)).toContain('popups-inherit-sandbox');
  expect(verdict('popup-escaper').findings.map((f) => f.id)).not.toContain('popups-inherit-sandbox');
});

for (const [opener, inherits] of [['popup-opener', true], ['popup-escaper', false]] as const) {
  test(`a popup opened from <iframe id="${opener}"> ${inherits ? 'inherits' : 'escapes'} the sandbox, as predicted`, async () => {
    const url = server.url('https', 'a.test', '/sandbox.html');
    await page.goto(url);
    await settle(url);
    const frame = page.frames().find((f) => f.url().includes(inherits ? 'popup-link-inherits' : 'popup-link-escapes'))!;
    const [popup] = await Promise.all([browser.context.waitForEvent('page'), frame.click('#open-popup')]);
    await popup.waitForLoadState('load');
    const popupRecord = await settle(popup.url());
    expect(popupRecord.openedBy?.chain.length, 'opener chain recorded').toBe(2);
    const evaluation = evaluatePage(popupRecord, { engine: 'chromium' });
    const rows = await agreeOnEveryFrame(browser.context, popup, popupRecord, evaluation, exposedWhenSecure);
    console.log(`popup ${popup.url()}: ${rows.join('\n')}`);
    const top = evaluation.byFrameId.get(0)!;
    expect(top.predicted).toMatchObject(inherits ? { scriptsRun: false, originOpaque: true } : { scriptsRun: true, originOpaque: false });
    if (inherits) expect(top.sandbox.sources.get('scripts')?.[0]?.kind).toBe('opener');
    await popup.close();
  });
}

test('an https popup opened by an http page is judged on its own: secure', async () => {
  const url = server.url('http', 'a.test', '/secure/insecure-top.html');
  await page.goto(url);
  await settle(url);
  const [popup] = await Promise.all([browser.context.waitForEvent('page'), page.click('#open-https-popup')]);
  await popup.waitForLoadState('load');
  const popupRecord = await settle(popup.url());
  const evaluation = evaluatePage(popupRecord, { engine: 'chromium' });
  const rows = await agreeOnEveryFrame(browser.context, popup, popupRecord, evaluation, exposedWhenSecure);
  console.log(`popup ${popup.url()}: ${rows.join('\n')}`);
  expect(evaluation.byFrameId.get(0)!.secureContext.category).toBe('secure');
  await popup.close();
});
