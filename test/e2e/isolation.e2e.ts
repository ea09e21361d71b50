// Browser agreement for cross-origin isolation, embedding and popups: for every frame of the isolation
// fixtures, the core's predicted `crossOriginIsolated` equals the value in the frame, the observer's
// record and Chromium's own crossOriginIsolatedContextType; a frame the core predicts blocked is the one
// the browser blocked, for the cause Chromium's network layer gives; the predicted agent cluster keying
// equals `originAgentCluster`; and a popup keeps or loses its opener as the COOP rules predict.
import { expect, test, type CDPSession, type Page, type Worker } from '@playwright/test';
import { evaluatePage, type PageEvaluation } from '../../src/shared/evaluate.ts';
import type { BlockedBy } from '../../src/shared/framing.ts';
import type { PageRecord } from '../../src/shared/snapshot.ts';
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

const CDP_ISOLATION: Record<string, string> = {
  Isolated: 'isolated',
  NotIsolated: 'not-isolated',
  NotIsolatedFeatureDisabled: 'not-isolated-feature-disabled',
};

interface Failure {
  errorText: string;
  blockedReason?: string;
  /** Chromium's console message about this URL (it names X-Frame-Options or frame-ancestors). */
  message?: string;
}

/**
 * Chromium's reason for a blocked navigation, as our cause: CDP's Network.BlockedReason for COEP and
 * CORP; for X-Frame-Options and frame-ancestors (both "other" there), its console message.
 */
function causeOf(f: Failure | undefined): BlockedBy | 'unknown' {
  if (f?.blockedReason?.startsWith('corp-')) return 'corp';
  if (f?.blockedReason?.startsWith('coep-')) return 'coep';
  if (f?.message?.includes('frame-ancestors')) return 'frame-ancestors';
  if (f?.message?.includes('X-Frame-Options')) return 'x-frame-options';
  return 'unknown';
}

/** Network failures the page's CDP session saw, by URL: Chromium's own reason for each block. */
/** Chromium's framing messages name the blocked document by its origin and a slash only. */
const originSlash = (url: string) => `${new URL(url).origin}/`;

async function watchNetwork(p: Page): Promise<{ failures: Map<string, Failure>; session: CDPSession }> {
  const session = await browser.context.newCDPSession(p);
  const urls = new Map<string, string>();
  const failures = new Map<string, Failure>();
  const messages: string[] = [];
  session.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url));
  session.on('Network.loadingFailed', (e) => {
    const url = urls.get(e.requestId);
    if (!url) return;
    const message = messages.find((m) => m.includes(originSlash(url)));
    failures.set(url, { errorText: e.errorText, ...(e.blockedReason ? { blockedReason: e.blockedReason } : {}), ...(message ? { message } : {}) });
  });
  session.on('Log.entryAdded', (e) => {
    messages.push(e.entry.text);
    for (const [url, f] of failures) if (!f.message && e.entry.text.includes(originSlash(url))) f.message = e.entry.text;
  });
  await session.send('Network.enable');
  await session.send('Log.enable');
  return { failures, session };
}

async function compareEveryFrame(p: Page, record: PageRecord, evaluation: PageEvaluation, failures: Map<string, Failure>) {
  const rows: string[] = [];
  for (const frame of p.frames()) {
    const rec = await recordedFrameOf(p, frame, record);
    expect(rec, `recorded frame for ${frame.url()}`).toBeDefined();
    const e = evaluation.byFrameId.get(rec!.frameId)!;
    const name = frame === p.mainFrame() ? 'top' : (await (await frame.frameElement()).getAttribute('id')) ?? frame.url();
    const truth = await readInFrame(browser.context, p, frame);
    const predictedBlocked = (e.embedding?.blockedBy.length ?? 0) > 0;
    if (truth === null) {
      // The browser shows an error page: the core must predict the block, for Chromium's reason.
      const failure = failures.get(rec!.url);
      expect(predictedBlocked, `${name} was blocked by the browser (${failure?.blockedReason ?? failure?.errorText}); predicted?`).toBe(true);
      expect(e.load.status, `${name} load status`).toBe('blocked');
      await expect.poll(() => causeOf(failures.get(rec!.url)), `${name}: Chromium says why`).not.toBe('unknown');
      expect(e.embedding!.blockedBy[0], `${name}: cause (Chromium: ${failure?.blockedReason} ${failure?.message ?? ''})`).toBe(causeOf(failures.get(rec!.url)));
      const findingId = { coep: 'coep-blocked-frame', corp: 'corp-blocked-frame', 'x-frame-options': 'xfo-blocked-frame', 'frame-ancestors': 'frame-ancestors-blocked-frame' }[e.embedding!.blockedBy[0]!];
      expect(e.findings.map((f) => f.id), `${name}: its finding`).toContain(findingId);
      rows.push(`${name.padEnd(26)} BLOCKED by ${e.embedding!.blockedBy.join(' + ')}  (Chromium: ${failure?.blockedReason === 'other' ? failure.message?.slice(0, 60) : failure?.blockedReason})`);
      continue;
    }
    expect(predictedBlocked, `${name} loaded; predicted blocked by ${e.embedding?.blockedBy.join(', ')}`).toBe(false);
    expect(e.findings.filter((f) => f.id === 'analysis-differs-from-browser'), `${name}: the analysis agrees with the observer`).toEqual([]);
    expect(e.predicted.crossOriginIsolated, `crossOriginIsolated of ${name}`).toBe(truth.crossOriginIsolated);
    expect(e.predicted.crossOriginIsolated, `crossOriginIsolated of ${name}, observer`).toBe(rec!.observed?.crossOriginIsolated);
    expect(e.isolation.contextType, `context type of ${name}`).toBe(CDP_ISOLATION[truth.cdp.crossOriginIsolatedContextType]);
    if (truth.originAgentCluster !== null) expect(e.originKeyed.keyed, `originAgentCluster of ${name}`).toBe(truth.originAgentCluster);
    rows.push([
      name.padEnd(26),
      `${e.isolation.contextType.padEnd(29)} (CDP ${truth.cdp.crossOriginIsolatedContextType})`,
      e.isolation.firstFailure ? `first failing step: ${e.isolation.firstFailure.id}` : '',
      `originAgentCluster ${truth.originAgentCluster}`,
    ].filter(Boolean).join('  '));
  }
  return rows;
}

const SCENARIOS: [title: string, scheme: 'http' | 'https', path: string][] = [
  ['COOP same-origin + COEP require-corp, with 13 kinds of child', 'https', '/iso/both.html'],
  ['COOP same-origin + COEP credentialless, with 13 kinds of child', 'https', '/iso/both-credentialless.html'],
  ['COOP and COEP on an http page (ignored)', 'http', '/iso/both.html'],
  ['COOP only', 'https', '/iso/coop-only.html'],
  ['COEP only', 'https', '/iso/coep-only.html'],
  ['report-only COOP and COEP', 'https', '/iso/report-only.html'],
  ['COOP report-only with an enforced COEP', 'https', '/iso/coop-report-only-coep.html'],
  ['an invalid COOP header', 'https', '/iso/invalid.html'],
  ['Permissions-Policy: cross-origin-isolated=()', 'https', '/iso/policy-denies.html'],
];

for (const [title, scheme, path] of SCENARIOS) {
  test(`isolation and embedding of every frame agree with Chromium: ${title}`, async () => {
    const url = server.url(scheme, 'a.test', path);
    const { failures, session } = await watchNetwork(page);
    try {
      await page.goto(url);
      const record = await settledPage(worker, await tabIdOf(worker, url));
      const evaluation = evaluatePage(record, { engine: 'chromium' });
      const rows = await compareEveryFrame(page, record, evaluation, failures);
      console.log(`${url}: ${rows.length} frames\n${rows.join('\n')}`);
      expect(rows).toHaveLength(page.frames().length);
      const topFindings = evaluation.byFrameId.get(0)!.findings.map((f) => f.id);
      if (path === '/iso/invalid.html') expect(topFindings).toEqual(expect.arrayContaining(['policy-header-invalid', 'isolation-incomplete']));
      if (scheme === 'http') expect(topFindings).toContain('policy-ignored-insecure-context');
      // Where Firefox differs (cli-firefox.e2e.ts asserts its value, true): Chromium enforces the
      // cross-origin-isolated permission.
      if (path === '/iso/both.html' && scheme === 'https') {
        const noAllow = recordedFrameFor('cross-corp-coep', record)?.frame;
        expect(noAllow?.observed?.crossOriginIsolated, 'Chromium: the CORP+COEP child without allow').toBe(false);
        expect(evaluation.byFrameId.get(noAllow!.frameId)!.findings.map((f) => f.id)).toContain('isolation-permission-missing');
      }
      if (path === '/iso/policy-denies.html') {
        expect(record.frames['0']?.observed?.crossOriginIsolated, 'Chromium: the page whose header denies the permission').toBe(false);
      }
      if (path === '/iso/report-only.html') {
        const child = evaluation.frames.find((f) => f.node.owner?.id === 'ro-cross-nothing');
        expect(child?.findings.map((f) => f.id)).toContain('coep-report-only-would-block');
      }
    } finally {
      await session.detach();
    }
  });
}

const PAIRINGS: [opener: string, popup: string, popupHost: string][] = [
  ['same-origin', 'same-origin', 'a.test'],
  ['same-origin', 'same-origin', 'sub.a.test'],
  ['same-origin', 'none', 'a.test'],
  ['soap', 'none', 'b.test'],
  ['soap', 'soap', 'a.test'],
  ['soap', 'soap', 'b.test'],
  ['none', 'same-origin', 'a.test'],
  ['none', 'none', 'b.test'],
];

for (const [opener, popup, host] of PAIRINGS) {
  test(`a popup keeps or loses its opener as predicted: opener COOP ${opener}, popup COOP ${popup} on ${host}`, async () => {
    const openerUrl = server.url('https', 'a.test', `/iso/opener-${opener}.html`);
    await page.goto(openerUrl);
    await settledPage(worker, await tabIdOf(worker, openerUrl));
    const popupUrl = server.url('https', host, `/iso/popup-${popup}.html`);
    const [popupPage] = await Promise.all([browser.context.waitForEvent('page'), page.evaluate(`window.openPopup(${JSON.stringify(popupUrl)})`)]);
    await popupPage.waitForLoadState('load');
    const record = await settledPage(worker, await tabIdOf(worker, popupPage.url()));
    const evaluation = evaluatePage(record, { engine: 'chromium' });
    const hasOpener = await popupPage.evaluate(() => window.opener !== null);
    expect(evaluation.openerSurvives, 'the popup record knows its opener').not.toBeNull();
    expect(evaluation.openerSurvives!.kept, `opener kept (${evaluation.openerSurvives!.step})`).toBe(hasOpener);
    expect(record.frames['0']?.observed?.hasOpener, 'the observer saw the same').toBe(hasOpener);
    console.log(`opener ${opener} → popup ${popup}@${host}: predicted ${evaluation.openerSurvives!.kept ? 'kept' : 'cut'} (${evaluation.openerSurvives!.step}, initial ${evaluation.openerSurvives!.initialCOOP}, response ${evaluation.openerSurvives!.responseCOOP}); browser window.opener ${hasOpener ? 'set' : 'null'}`);
    await popupPage.close();
  });
}
