// `frame-security audit --browser firefox` against the fixture site: the JSON report validates against the
// schema, says it is Firefox's, and for every frame of the zoo (https) and of an http page with https,
// srcdoc, data:, about:blank, sandboxed and localhost frames, the analysis for Firefox's engine predicts
// what the frame itself observed in Firefox: its secure context, crossOriginIsolated and origin. Also:
// --trustworthy-origin reaches Firefox (as a pref) and the analysis alike; each failure is one line, exit 2.
import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Report } from '../../src/shared/report.ts';
import { HOSTS, startFixtureServer, type FixtureServer } from '../fixtures/server.ts';
import { ZOO_FRAMES } from '../fixtures/site.ts';
import { cli as runCli, closedPort, traceProblems, validate } from './cli-run.ts';
import { firefoxPath, requireFirefox, skipWithoutFirefox, warnWithoutFirefox } from './firefox-present.ts';

// ── Firefox present? Skip loudly where it is not, fail in CI ─────────────────────────────────────
warnWithoutFirefox('the Firefox CLI tests');
const needsFirefox = () => {
  skipWithoutFirefox();
  requireFirefox();
};

let server: FixtureServer;
test.describe.configure({ mode: 'serial' });
test.beforeAll(async () => {
  server = await startFixtureServer();
});
test.afterAll(async () => {
  await server?.close();
});

/** The CLI with Firefox: slower to start than Chromium. */
const cli = (args: string[], timeoutMs = 80_000) => runCli(args, timeoutMs);

/** The fixture hosts resolve to 127.0.0.1 in the CLI's Firefox, which accepts the fixture certificate. */
const firefoxArgs = (extraHosts: string[] = []) => ['--browser', 'firefox', '--ignore-https-errors', '--firefox-pref', `network.dns.localDomains=${[...HOSTS, ...extraHosts].join(',')}`];

const ZOO_FRAME_COUNT = 1 + ZOO_FRAMES.length + 1 + 2; // zoo + its frames + nested child + the isolated frame's two children
const INSECURE_TOP_FRAME_COUNT = 1 + 6 + 1; // the http top, its six frames, the https frame's child

/**
 * Every frame of the report, one row each: the prediction next to what the frame observed in Firefox.
 * Returns the disagreements; a frame without an observation must be one that did not load.
 */
function compareWithFirefox(report: Report): { rows: string[]; problems: string[] } {
  const rows: string[] = [];
  const problems: string[] = [];
  for (const f of report.frames) {
    const name = `${f.label ?? 'top'} ${f.url.length > 70 ? `${f.url.slice(0, 67)}...` : f.url}`;
    const o = f.observed;
    if (o === null) {
      rows.push(`  ${name}\n      ${f.loadStatus} (${f.error ?? 'no error'}): no document observed; predicted secure=${f.secureContext.value}`);
      if (f.loadStatus === 'loaded' || f.loadStatus === 'loading') problems.push(`${name}: ${f.loadStatus} but nothing observed`);
      continue;
    }
    const same = (a: unknown, b: unknown) => (a === b ? '=' : '≠');
    rows.push(
      `  ${name}\n      secure ${f.secureContext.value} (${f.secureContext.reason}) ${same(f.secureContext.value, o.isSecureContext)} ${o.isSecureContext}` +
        ` · crossOriginIsolated ${f.crossOriginIsolated.value} ${same(f.crossOriginIsolated.value, o.crossOriginIsolated)} ${o.crossOriginIsolated}` +
        ` · origin ${f.origin} ${same(f.origin, o.origin)} ${o.origin}` +
        (f.loadStatus === 'loaded' || f.loadStatus === 'loading' ? '' : ` · ${f.loadStatus} (${f.error ?? 'no error'})`),
    );
    // A frame that failed has no document of its own to observe: the record and the observation disagree.
    if (f.loadStatus !== 'loaded' && f.loadStatus !== 'loading') problems.push(`${name}: ${f.loadStatus} (${f.error ?? 'no error'}) recorded, but its document was observed`);
    if (f.secureContext.value !== o.isSecureContext) problems.push(`${name}: secure context predicted ${f.secureContext.value}, Firefox says ${o.isSecureContext}`);
    if (f.crossOriginIsolated.value !== o.crossOriginIsolated) problems.push(`${name}: crossOriginIsolated predicted ${f.crossOriginIsolated.value}, Firefox says ${o.crossOriginIsolated}`);
    if (f.origin !== o.origin) problems.push(`${name}: origin predicted ${f.origin}, Firefox says ${o.origin}`);
  }
  return { rows, problems };
}

const frameByLabel = (r: Report, label: string) => r.frames.find((f) => f.label === label);

/** Every page of the fixture site that the Chromium agreement tests cover, and the frames each holds. */
const FIXTURE_PAGES = (): [url: string, frames: number][] => [
  [server.url('https', 'a.test', '/zoo.html'), ZOO_FRAME_COUNT],
  [server.url('http', 'a.test', '/secure/insecure-top.html'), INSECURE_TOP_FRAME_COUNT],
  [`http://localhost:${server.httpPort}/secure/loopback-top.html`, 5],
  [`http://127.0.0.1:${server.httpPort}/secure/loopback-top.html`, 5],
  [server.url('http', 'a.test', '/origins.html'), 11],
  [server.url('https', 'a.test', '/sandbox.html'), 14],
  ...(['/iso/both.html', '/iso/both-credentialless.html'] as const).map((p): [string, number] => [server.url('https', 'a.test', p), 14]),
  [server.url('http', 'a.test', '/iso/both.html'), 14],
  ...(['/iso/coop-only.html', '/iso/coop-report-only-coep.html', '/iso/invalid.html'] as const).map((p): [string, number] => [server.url('https', 'a.test', p), 1]),
  ...(['/iso/coep-only.html', '/iso/report-only.html', '/iso/policy-denies.html'] as const).map((p): [string, number] => [server.url('https', 'a.test', p), 2]),
];

test('--browser firefox --json: on every fixture page, every frame\'s prediction for Firefox equals what it observed in Firefox', async () => {
  needsFirefox();
  test.setTimeout(240_000);
  const pages = FIXTURE_PAGES();
  const urls = pages.map(([u]) => u);
  // The IDN frame of the origins page needs its host resolved too.
  const run = await cli(['audit', ...urls, '--json', ...firefoxArgs(['xn--bcher-kva.test'])], 220_000);
  expect(run.code, run.stderr).toBe(0);
  expect(run.stderr).toContain('starting Firefox with the Frame Security extension');
  // Every frame reported in time, and every document's response headers recorded.
  const warnings = run.stderr.split('\n').filter((l) => l.startsWith('warning:'));
  expect(warnings, 'incomplete records or responses missing from the report').toEqual([]);
  const reports = JSON.parse(run.stdout) as Report[];
  expect(reports.map((r) => r.url)).toEqual(urls);
  for (const r of reports) {
    expect(validate(r), JSON.stringify(validate.errors)).toBe(true);
    expect(r.engine).toBe('firefox');
    expect(r.browser.name).toBe('Firefox');
    expect(r.browser.version).toMatch(/^\d+\.\d+/);
  }
  expect(reports.map((r) => [r.url, r.frames.length])).toEqual(pages);

  const problems: string[] = [];
  let observed = 0;
  for (const r of reports) {
    const compared = compareWithFirefox(r);
    console.log(`${r.url} (Firefox ${r.browser.version}, ${r.frames.length} frames): predicted vs observed\n${compared.rows.join('\n')}`);
    problems.push(...compared.problems.map((p) => `${r.url}: ${p}`));
    observed += r.frames.filter((f) => f.observed !== null).length;
  }
  console.log(`${observed} frames observed in Firefox on ${reports.length} pages; disagreements: ${problems.length}`);
  expect(problems).toEqual([]);
  // Every frame Firefox blocked is explained by the header that blocked it (its response was recorded).
  const unexplained = reports.flatMap((r) => r.frames.filter((f) => f.loadStatus === 'blocked' && !f.findings.some((x) => x.id.endsWith('-blocked-frame'))).map((f) => `${r.url}: ${f.label} ${f.url}`));
  expect(unexplained, 'blocked frames without a *-blocked-frame finding').toEqual([]);

  const byUrl = (path: string, scheme = 'https') => reports.find((r) => r.url === server.url(scheme as 'https', 'a.test', path))!;
  const [zoo, insecureTop] = reports as [Report, Report];
  // Which frames load: the analysis for Firefox predicts a block exactly where Firefox blocked, for
  // every frame whose response was recorded (the engine differences: no <iframe credentialless>, and
  // a sandboxed frame's CORP check against its own opaque origin).
  const loadDisagreements = reports.flatMap((r) => r.frames
    .filter((f) => f.parentFrameId !== -1 && /^https?:/.test(f.url) && f.loadStatus !== 'error')
    .filter((f) => (f.blockedBy.length > 0) !== (f.loadStatus === 'blocked'))
    .map((f) => `${r.url}: ${f.label} predicted ${f.blockedBy.join('+') || 'loads'}, Firefox: ${f.loadStatus} ${f.error ?? ''}`));
  expect(loadDisagreements, 'predicted blocks vs Firefox').toEqual([]);
  expect(frameByLabel(byUrl('/iso/both.html'), 'iframe#credentialless-nothing')?.blockedBy).toContain('coep');
  expect(frameByLabel(byUrl('/iso/both.html'), 'iframe#iso-sandboxed')?.blockedBy).toEqual(['corp']);
  // Not vacuous: the pages hold both verdicts, opaque origins, frames Firefox blocked, isolated frames.
  expect(insecureTop.frames.filter((f) => f.observed?.isSecureContext === false)).toHaveLength(INSECURE_TOP_FRAME_COUNT);
  expect(insecureTop.frames[0]!.secureContext).toMatchObject({ value: false, reason: 'insecure-scheme' });
  expect(frameByLabel(insecureTop, 'iframe#https-in-http')?.secureContext).toMatchObject({ value: false, reason: 'insecure-ancestor' });
  expect(zoo.frames.filter((f) => f.observed?.origin === 'null').length).toBeGreaterThanOrEqual(5);
  expect(frameByLabel(zoo, 'iframe#coep-blocked')?.observed).toBeNull();
  expect(frameByLabel(zoo, 'iframe#coep-blocked')?.loadStatus).toBe('blocked');
  const both = byUrl('/iso/both.html');
  expect(both.frames.filter((f) => f.observed?.crossOriginIsolated === true).length).toBeGreaterThanOrEqual(4);
  // Firefox's own error codes name the header that blocked each frame (CORP, X-Frame-Options, frame-ancestors).
  for (const id of ['cross-coep-no-corp', 'xfo-deny', 'frame-ancestors-none']) {
    expect(frameByLabel(both, `iframe#${id}`)?.loadStatus, id).toBe('blocked');
  }

  // Where the engines differ on a fixture frame, each engine's value is asserted: here Firefox's, in
  // isolation.e2e.ts and secure-sandbox.e2e.ts Chromium's.
  // - Firefox does not enforce the cross-origin-isolated permission: the cross-origin CORP+COEP child
  //   without allow="cross-origin-isolated" is isolated (Chromium: false), and so is a page whose own
  //   Permissions-Policy says cross-origin-isolated=() (Chromium: false).
  const noAllow = frameByLabel(both, 'iframe#cross-corp-coep')!;
  expect(noAllow.observed?.crossOriginIsolated).toBe(true);
  expect(noAllow.findings.map((f) => f.id)).toContain('isolation-permission-chromium-only');
  const denies = byUrl('/iso/policy-denies.html');
  expect(denies.frames.map((f) => f.observed?.crossOriginIsolated)).toEqual([true, true]);
  // - A data: frame in an https page is a secure context in Firefox (Chromium: not).
  expect(frameByLabel(zoo, 'iframe#data-url')?.observed).toMatchObject({ isSecureContext: true, origin: 'null' });
});

test('--trustworthy-origin reaches Firefox (dom.securecontext.allowlist) and the analysis: both call the http page secure', async () => {
  needsFirefox();
  const url = server.url('http', 'a.test', '/secure/insecure-top.html');
  const run = await cli(['audit', url, '--json', ...firefoxArgs(), '--trustworthy-origin', server.origin('http', 'a.test')]);
  expect(run.code, run.stderr).toBe(0);
  const report = JSON.parse(run.stdout) as Report;
  expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  const compared = compareWithFirefox(report);
  console.log(`${url} with ${server.origin('http', 'a.test')} trustworthy:\n${compared.rows.join('\n')}`);
  expect(compared.problems).toEqual([]);
  expect(report.frames).toHaveLength(INSECURE_TOP_FRAME_COUNT);
  expect(report.frames.every((f) => f.observed?.isSecureContext === true)).toBe(true);
});

test('--trace in Firefox: every frame of the report is in the events its tab\'s trace holds', async () => {
  needsFirefox();
  const dir = mkdtempSync(join(tmpdir(), 'fs-cli-ff-'));
  try {
    const file = join(dir, 'trace.jsonl');
    const urls = [server.url('https', 'a.test', '/iso/both.html'), server.url('https', 'a.test', '/sandbox.html')];
    const run = await cli(['audit', ...urls, '--json', '--trace', file, ...firefoxArgs()], 120_000);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`event trace written to ${file}`);
    expect(traceProblems(file, urls, JSON.parse(run.stdout) as Report[])).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A port nothing listens on: taken from the system, then released. */

test('each failure has a one-line message and exit code 2', async () => {
  const cases: [string, string[], RegExp][] = [
    ['a missing Firefox', ['audit', 'https://a.test/', '--browser', 'firefox', '--browser-path', '/nonexistent'], /^frame-security: No Firefox at \/nonexistent \(the path given with --browser-path\)\.$/],
    ['an unknown browser', ['audit', 'https://a.test/', '--browser', 'safari'], /^frame-security: --browser takes chromium or firefox, not "safari"\.$/],
    ['a Firefox pref for Chromium', ['audit', 'https://a.test/', '--firefox-pref', 'a.b=1'], /^frame-security: --firefox-pref needs --browser firefox\.$/],
    ['a pref without a name', ['audit', 'https://a.test/', '--browser', 'firefox', '--firefox-pref', '=1'], /^frame-security: --firefox-pref takes name=value, not "=1"\.$/],
  ];
  if (firefoxPath !== null) {
    const closed = await closedPort();
    cases.push(['an unreachable host', ['audit', `http://127.0.0.1:${closed}/`, '--browser', 'firefox'], new RegExp(`^frame-security: Could not load http://127\\.0\\.0\\.1:${closed}/: .*\\(connectionFailure\\)$`)]);
  }
  for (const [what, args, message] of cases) {
    const run = await cli(args);
    expect(run.code, `${what}: ${run.stderr}`).toBe(2);
    const lines = run.stderr.split('\n').filter((l) => l.startsWith('frame-security:'));
    expect(lines, `${what}: one message line`).toHaveLength(1);
    expect(lines[0], what).toMatch(message);
    expect(run.stdout, `${what}: nothing on stdout`).toBe('');
  }
});
