// COEP readiness, proven against Chromium: the readiness page is served without an embedder policy, and
// the core predicts from that recording which subresources require-corp would block and which
// credentialless would load without credentials. The same page is then served with require-corp, with
// credentialless and report-only: what Chromium actually blocks (Playwright's request failures, and
// Chromium's own Network.BlockedReason for the top frame's requests) must equal the prediction, request
// for request; under credentialless the server must see no cookie on exactly the requests predicted
// to go without credentials.
import { expect, test, type CDPSession, type Page, type Request, type Worker } from '@playwright/test';
import { evaluatePage, type PageEvaluation } from '../../src/shared/evaluate.ts';
import type { PageRecord } from '../../src/shared/snapshot.ts';
import type { SubresourceVerdict } from '../../src/shared/subresources.ts';
import { startFixtureServer, type FixtureServer } from '../fixtures/server.ts';
import type { ReadinessPolicy } from '../fixtures/site.ts';
import { launchChromium, settledPage, storedPage, tabIdOf, warmUp, type Launched } from './harness.ts';

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
  // A cookie on every fixture host, sent on cross-site requests too: credentialless must strip it.
  await browser.context.addCookies(['a.test', 'sub.a.test', 'b.test'].map((domain) => ({
    name: 'session', value: `cookie-of-${domain}`, domain, path: '/', secure: true, sameSite: 'None' as const,
  })));
});

test.afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Every subresource request the readiness page and its two children make (each has a unique `case`). */
const EXPECTED_REQUESTS = 20;

/** The request's case, from its first URL (a redirect target carries the case with "-target"). */
const caseOf = (url: string) => new URL(url).searchParams.get('case') ?? url;

interface Run {
  record: PageRecord;
  evaluation: PageEvaluation;
  /** Every recorded request's verdict, by case. */
  verdicts: Map<string, SubresourceVerdict & { frame: string }>;
  /** What Chromium did, by case: the failure text of the first URL's request chain, or 'ok'. */
  browser: Map<string, string>;
  /** Chromium's own reason for a blocked request of the top frame's process, by case. */
  blockedReasons: Map<string, string>;
  /** Whether the server saw a Cookie header, by case (on any request of the chain). */
  cookies: Map<string, boolean>;
  /** This run's requests in server.received: [receivedFrom, receivedTo). */
  receivedFrom: number;
  receivedTo: number;
}

/** The first request of a redirect chain. */
const firstOf = (r: Request) => {
  let first = r;
  for (let p = r.redirectedFrom(); p; p = p.redirectedFrom()) first = p;
  return first;
};

async function watchBlockedReasons(p: Page): Promise<{ reasons: Map<string, string>; session: CDPSession }> {
  const session = await browser.context.newCDPSession(p);
  const urls = new Map<string, string>();
  const reasons = new Map<string, string>();
  session.on('Network.requestWillBeSent', (e) => {
    // A redirect keeps the request id: the first URL names the case.
    if (!urls.has(e.requestId)) urls.set(e.requestId, e.request.url);
  });
  session.on('Network.loadingFailed', (e) => {
    const url = urls.get(e.requestId);
    if (url && e.blockedReason) reasons.set(caseOf(url), e.blockedReason);
  });
  await session.send('Network.enable');
  return { reasons, session };
}

async function load(policy: ReadinessPolicy): Promise<Run> {
  const url = server.url('https', 'a.test', `/readiness/page.html?coep=${policy}`);
  const outcomes = new Map<string, string>();
  const onFinished = (r: Request) => {
    if (r.resourceType() !== 'document' && !r.redirectedTo()) outcomes.set(caseOf(firstOf(r).url()), 'ok');
  };
  const onFailed = (r: Request) => {
    if (r.resourceType() !== 'document') outcomes.set(caseOf(firstOf(r).url()), r.failure()?.errorText ?? 'failed');
  };
  page.on('requestfinished', onFinished);
  page.on('requestfailed', onFailed);
  const { reasons, session } = await watchBlockedReasons(page);
  const receivedBefore = server.received.length;
  try {
    await page.goto(url);
    const tabId = await tabIdOf(worker, url);
    await settledPage(worker, tabId);
    // Every request reached its end in the browser and in the record.
    await expect.poll(() => outcomes.size, { message: `${policy}: requests the browser finished` }).toBe(EXPECTED_REQUESTS);
    let record: PageRecord | null = null;
    await expect.poll(async () => {
      record = await storedPage(worker, tabId);
      const all = Object.values(record?.subresources ?? {});
      // The record converges: every request ended, and its frame recorded (a late webNavigation or
      // reconciliation step may still be on its way when the last request ends).
      const frameless = all.filter((r) => record!.frames[String(r.frameId)] === undefined);
      // (Named in the message when it does not converge: which request, in which frame, and the frames recorded.)
      const which = frameless.map((r) => ` [frame ${r.frameId} ${r.documentId ?? '?'} ${r.url}; recorded frames ${Object.keys(record!.frames).join(',')}]`).join('');
      return `${all.filter((r) => r.state !== 'pending').length} ended, ${frameless.length} without a recorded frame${which}`;
    }, { message: `${policy}: requests the extension recorded as ended, each in a recorded frame` }).toBe(`${EXPECTED_REQUESTS} ended, 0 without a recorded frame`);
    const evaluation = evaluatePage(record!, { engine: 'chromium' });
    const verdicts = new Map<string, SubresourceVerdict & { frame: string }>();
    for (const e of evaluation.frames) {
      const frame = e.node.owner?.id ?? 'top';
      for (const v of e.subresources) verdicts.set(caseOf(v.record.url), { ...v, frame });
    }
    expect(evaluation.subresources.unattributed, 'every request belongs to a recorded frame').toEqual([]);
    const cookies = new Map<string, boolean>();
    for (const r of server.received.slice(receivedBefore)) {
      const path = new URL(r.url).pathname;
      if (path === '/readiness/page.html' || path === '/readiness/child.html') continue;
      // A redirect target counts for the request that was redirected.
      const c = caseOf(r.url).replace(/-target$/, '');
      cookies.set(c, (cookies.get(c) ?? false) || r.cookie);
    }
    return { record: record!, evaluation, verdicts, browser: outcomes, blockedReasons: reasons, cookies, receivedFrom: receivedBefore, receivedTo: server.received.length };
  } finally {
    page.off('requestfinished', onFinished);
    page.off('requestfailed', onFailed);
    await session.detach();
  }
}

/** Chromium's error for a response it blocks; Playwright adds the reason after a dot (e.g. ".NotSameOrigin"). */
const BLOCKED = 'net::ERR_BLOCKED_BY_RESPONSE';
const isBlocked = (error: string | undefined | null) => error === BLOCKED || (error?.startsWith(`${BLOCKED}.`) ?? false);
const blockedCases = (run: Run) => [...run.browser].filter(([, o]) => isBlocked(o)).map(([c]) => c).sort();
const predicted = (run: Run, under: (v: SubresourceVerdict) => boolean) => [...run.verdicts].filter(([, v]) => under(v)).map(([c]) => c).sort();
const describe = (v: SubresourceVerdict) => {
  const o = v.requireCorp;
  return o.result === 'blocked' ? `blocked (${o.corp.step}${o.corp.defaulted ? ', defaulted' : ''}${o.hop > 0 || v.record.responses.length > 1 ? `, hop ${o.hop}` : ''})` : `${o.result}${'why' in o ? ` ${o.why}` : ''}`;
};

let baseline: Run;

test('without COEP: every request is recorded with its mode, headers and outcome, and the core predicts each one', async () => {
  baseline = await load('none');
  expect(baseline.verdicts.size, 'a verdict for every request').toBe(EXPECTED_REQUESTS);
  const rows: string[] = [];
  for (const [c, v] of [...baseline.verdicts].sort(([a], [b]) => a.localeCompare(b))) {
    // The recorder saw what the browser sent: Sec-Fetch-Mode (https URLs) and the cookie, as the server did.
    expect(v.mode.from, `${c}: mode read from Sec-Fetch-Mode`).toBe('sec-fetch-mode');
    expect(v.record.sentCookies, `${c}: recorded cookie presence equals what the server received`).toBe(baseline.cookies.get(c));
    // What the browser did today equals the prediction under the page's own policy (none).
    const failedToday = isBlocked(baseline.browser.get(c));
    expect(v.now.result === 'blocked', `${c}: blocked today (${baseline.browser.get(c)})`).toBe(failedToday);
    rows.push(`${c.padEnd(30)} ${v.frame.padEnd(20)} ${v.record.type.padEnd(15)} ${v.mode.mode.padEnd(8)} today ${baseline.browser.get(c)!.padEnd(29)} require-corp: ${describe(v).padEnd(48)} credentialless: ${v.credentialless.result}${'why' in v.credentialless ? ` ${v.credentialless.why}` : ''}`);
  }
  console.log(`readiness page without COEP: ${baseline.verdicts.size} requests\n${rows.join('\n')}`);
  // The setup can prove credentialless only if cross-origin requests carry cookies without it (same-site
  // ones do even where the browser blocks third-party cookies).
  const crossOriginWithCookies = [...baseline.verdicts].filter(([c, v]) => v.crossOrigin && baseline.cookies.get(c) === true);
  expect(crossOriginWithCookies.length, 'cross-origin requests that carried cookies').toBeGreaterThan(0);
  const top = baseline.evaluation.byFrameId.get(0)!;
  expect(top.findings.map((f) => f.id), 'the readiness finding on the top frame').toContain('coep-readiness');
});

test('with require-corp: the requests Chromium blocks are exactly the ones predicted without COEP, for the reason predicted', async () => {
  const run = await load('require-corp');
  const predictedBlocked = predicted(baseline, (v) => v.requireCorp.result === 'blocked');
  console.log(`predicted under require-corp: ${predictedBlocked.join(', ')}\nChromium blocked: ${blockedCases(run).join(', ')}`);
  expect(blockedCases(run)).toEqual(predictedBlocked);
  expect(run.browser.size).toBe(EXPECTED_REQUESTS);
  // Chromium's reason, where the top frame's session saw it: a defaulted CORP is COEP's doing.
  for (const [c, reason] of run.blockedReasons) {
    const v = baseline.verdicts.get(c)!;
    expect(v.requireCorp.result, `${c}: Chromium blocked it (${reason})`).toBe('blocked');
    if (v.requireCorp.result !== 'blocked') continue;
    const expected = v.requireCorp.corp.defaulted ? 'corp-not-same-origin-after-defaulted-to-same-origin-by-coep'
      : v.requireCorp.corp.step === 'not-same-site' ? 'corp-not-same-site' : 'corp-not-same-origin';
    expect(reason, `${c}: Chromium's reason`).toBe(expected);
  }
  expect(run.blockedReasons.size, 'Chromium gave reasons for the top frame\'s blocks').toBeGreaterThan(0);
  // The recording of this run agrees with itself: every request the core says the enforced policy
  // blocks is one the extension recorded as failed with the browser's error.
  for (const [c, v] of run.verdicts) {
    expect(v.now.result === 'blocked', `${c}: predicted under the enforced policy vs recorded error ${v.record.error}`).toBe(isBlocked(v.record.error));
  }
  const ids = run.evaluation.findings.map((f) => f.id);
  expect(ids).toContain('coep-blocked-subresource');
  expect(ids).not.toContain('coep-readiness');
});

test('with credentialless: only explicit CORP refusals are blocked, and exactly the predicted requests go without cookies', async () => {
  const run = await load('credentialless');
  const predictedBlocked = predicted(baseline, (v) => v.credentialless.result === 'blocked');
  console.log(`predicted under credentialless: ${predictedBlocked.join(', ')}\nChromium blocked: ${blockedCases(run).join(', ')}`);
  expect(blockedCases(run)).toEqual(predictedBlocked);
  // Per response (a redirect's hops are fetched separately): among the URLs that got a cookie without
  // COEP, the server now sees none on exactly the hops the core predicts are fetched without credentials.
  const predictedDropped: string[] = [];
  for (const v of baseline.verdicts.values()) {
    const o = v.credentialless;
    if (o.result === 'loads' && o.why === 'without-credentials') predictedDropped.push(...(o.hopsWithoutCredentials ?? []).map((h) => v.record.responses[h]!.url));
  }
  const cookieOn = (from: number, to?: number) => {
    const m = new Map<string, boolean>();
    for (const r of server.received.slice(from, to)) m.set(r.url, (m.get(r.url) ?? false) || r.cookie);
    return m;
  };
  const before = cookieOn(baseline.receivedFrom, baseline.receivedTo);
  const now = cookieOn(run.receivedFrom, run.receivedTo);
  const hadCookie = [...before].filter(([, sent]) => sent).map(([url]) => url);
  const dropped = hadCookie.filter((url) => now.get(url) === false).sort();
  const expected = predictedDropped.filter((url) => before.get(url) === true).sort();
  console.log(`responses that had a cookie: ${hadCookie.length}; predicted without credentials now: ${expected.length}; server saw the cookie dropped on: ${dropped.map(caseOf).join(', ')}`);
  expect(expected.length, 'some cookie-carrying responses are predicted to lose it').toBeGreaterThan(0);
  expect(dropped).toEqual(expected);
});

test('with a report-only require-corp: nothing more is blocked, and the would-be violations are the ones Chromium reports', async () => {
  const run = await load('report-only');
  expect(blockedCases(run), 'blocked as without COEP').toEqual(blockedCases(baseline));
  const wouldBlock = predicted(run, (v) => v.reportOnly?.result === 'blocked' && !v.blockedWithoutCoep);
  expect(wouldBlock, 'the report-only prediction is the require-corp one').toEqual(predicted(baseline, (v) => v.requireCorp.result === 'blocked' && !v.blockedWithoutCoep));
  // Chromium's own COEP reports (ReportingObserver in every document of the page): one per would-be
  // blocked subresource, named by the request's first URL; and one per child frame that enforcing
  // would block.
  const reports: { type: string; body: { type: string; blockedURL: string } | null }[] = [];
  await expect.poll(async () => {
    reports.length = 0;
    for (const f of page.frames()) reports.push(...await f.evaluate('window.reports ?? []') as typeof reports);
    return reports.filter((r) => r.type === 'coep' && r.body?.type === 'corp').length;
  }, { message: 'Chromium\'s COEP reports' }).toBe(wouldBlock.length);
  const reported = reports.filter((r) => r.type === 'coep' && r.body?.type === 'corp').map((r) => caseOf(r.body!.blockedURL)).sort();
  console.log(`predicted would-be violations: ${wouldBlock.join(', ')}\nChromium reported: ${reported.join(', ')}`);
  expect(reported).toEqual(wouldBlock);
  const navigationReports = reports.filter((r) => r.type === 'coep' && r.body?.type === 'navigation').map((r) => r.body!.blockedURL).sort();
  const predictedFrames = run.evaluation.frames.filter((e) => e.findings.some((f) => f.id === 'coep-report-only-would-block')).map((e) => e.node.frame.url).sort();
  expect(navigationReports, 'frames enforcing would block, as Chromium reports them').toEqual(predictedFrames);
  const top = run.evaluation.byFrameId.get(0)!;
  expect(top.findings.map((f) => f.id)).toContain('coep-report-only-would-block-subresource');
});
