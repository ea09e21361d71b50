// The `frame-security audit` command against the fixture site: its JSON validates against the schema and
// equals the report built from the extension's own record of the same page (the panel's export is that
// same buildReport); text, Markdown and --output; --fail-on exit codes; and each way it can fail, with
// its one-line message and exit code 2.
import { expect, test } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluatePage } from '../../src/shared/evaluate.ts';
import { buildReport, type Report, type ReportFrame } from '../../src/shared/report.ts';
import { startFixtureServer, type FixtureServer } from '../fixtures/server.ts';
import { cli as runCli, closedPort, ROOT, traceProblems, validate } from './cli-run.ts';
import { launchChromium, settledPage, tabIdOf, warmUp } from './harness.ts';


let server: FixtureServer;
test.describe.configure({ mode: 'serial' });
test.beforeAll(async () => {
  server = await startFixtureServer();
});
test.afterAll(async () => {
  await server?.close();
});

const cli = (args: string[], timeoutMs = 60_000) => runCli(args, timeoutMs);
/** The fixture hosts, resolved for the CLI's Chromium as for the tests'. */
const hostArgs = () => server.chromiumArgs.flatMap((a) => (a === '--ignore-certificate-errors' ? ['--ignore-https-errors'] : [`--browser-arg=${a}`]));

/** A frame's verdicts, keyed so that two runs of the same page compare (frame ids differ per run). */
function verdicts(r: Report) {
  const key = (f: ReportFrame) => `${f.label ?? ''} ${f.url}`;
  const map = new Map<string, unknown>();
  for (const f of r.frames) {
    map.set(key(f), {
      origin: f.origin, opaqueReason: f.opaqueReason, relation: f.relation, secureContext: { ...f.secureContext, brokenBy: f.secureContext.brokenBy?.url ?? null },
      crossOriginIsolated: f.crossOriginIsolated, sandbox: f.sandbox.flags, loadStatus: f.loadStatus, blockedBy: f.blockedBy,
      policies: f.policies, findings: f.findings.map((x) => x.id).sort(),
    });
  }
  return map;
}

test('--json: the report validates against the schema and equals the report built from the extension\'s record of the same page', async () => {
  const url = server.url('https', 'a.test', '/zoo.html');
  const run = await cli(['audit', url, '--json', ...hostArgs()]);
  expect(run.code, run.stderr).toBe(0);
  const report = JSON.parse(run.stdout) as Report;
  expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  expect(report.url).toBe(url);
  expect(report.browser.name).toBe('Chromium');
  expect(run.stderr).toContain(`loading ${url}`);

  // The same page recorded by the extension in a browser the test drives, through buildReport.
  const browser = await launchChromium(server);
  try {
    const page = await warmUp(browser, server);
    await page.goto(url);
    const worker = await browser.worker();
    const record = await settledPage(worker, await tabIdOf(worker, url));
    const expected = buildReport(evaluatePage(record, { engine: 'chromium' }), { tool: report.tool, browser: report.browser, generatedAt: report.generatedAt });
    const mine = verdicts(report);
    const theirs = verdicts(expected);
    expect([...mine.keys()].sort()).toEqual([...theirs.keys()].sort());
    for (const [k, v] of theirs) expect(mine.get(k), k).toEqual(v);
    console.log(`zoo: ${report.frames.length} frames equal in the CLI's report and in buildReport of the extension's record`);
  } finally {
    await browser.close();
  }
});

test('two URLs give two reports (a JSON array); the text report names every frame, with colour only on a TTY', async () => {
  const urls = [server.url('https', 'a.test', '/iso/both.html'), server.url('http', 'a.test', '/secure/insecure-top.html')];
  const json = await cli(['audit', ...urls, '--json', ...hostArgs()]);
  expect(json.code, json.stderr).toBe(0);
  const reports = JSON.parse(json.stdout) as Report[];
  expect(reports.map((r) => r.url)).toEqual(urls);
  for (const r of reports) expect(validate(r), JSON.stringify(validate.errors)).toBe(true);
  // The isolated page is isolated; the http page is not a secure context.
  expect(reports[0]!.frames[0]!.crossOriginIsolated.value).toBe(true);
  expect(reports[1]!.frames[0]!.secureContext).toMatchObject({ value: false, reason: 'insecure-scheme' });

  const text = await cli(['audit', urls[1]!, ...hostArgs()]);
  expect(text.code, text.stderr).toBe(0);
  expect(text.stdout).toContain(`Frame Security audit of ${urls[1]}`);
  expect(text.stdout).toContain('not secure (insecure-scheme)');
  expect(text.stdout).toContain('iframe#https-in-http');
  expect(text.stdout).not.toContain('\x1b['); // not a TTY: no colour
});

test('--markdown and --output write the Markdown report to a file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fs-cli-'));
  try {
    const file = join(dir, 'report.md');
    const url = server.url('https', 'a.test', '/zoo.html');
    const run = await cli(['audit', url, '--markdown', '--output', file, ...hostArgs()]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`report written to ${file}`);
    const md = readFileSync(file, 'utf8');
    expect(md).toContain(`# Frame Security report: \`${url}\``);
    expect(md).toContain('## Findings');
    expect(md).toMatch(/### error: corp-blocked-frame — frame \d+ `iframe#coep-blocked`/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--trace writes, per URL, the events the extension received for its tab: every frame of the report is in them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fs-cli-'));
  try {
    const file = join(dir, 'trace.jsonl');
    const urls = [server.url('https', 'a.test', '/zoo.html'), server.url('https', 'a.test', '/iso/both.html')];
    const run = await cli(['audit', ...urls, '--json', '--trace', file, ...hostArgs()]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`event trace written to ${file}`);
    // Every frame of each report is in its URL's trace: its navigation, headers and observer's report.
    expect(traceProblems(file, urls, JSON.parse(run.stdout) as Report[])).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--fail-on: exit 1 when a finding at or above the severity exists, 0 otherwise', async () => {
  // The zoo has a COEP/CORP-blocked frame (an error); the warm-up page has nothing to report.
  const zoo = await cli(['audit', server.url('https', 'a.test', '/zoo.html'), '--fail-on', 'error', ...hostArgs()]);
  expect(zoo.code, zoo.stderr).toBe(1);
  expect(zoo.stderr).toContain('findings at or above error');
  const clean = await cli(['audit', server.url('https', 'a.test', '/warmup.html'), '--fail-on', 'warning', '--json', ...hostArgs()]);
  expect(clean.code, clean.stderr).toBe(0);
  expect((JSON.parse(clean.stdout) as Report).summary.findings).toEqual({ error: 0, warning: 0, info: 0 });
  // An http page has warnings (not a secure context) and no error.
  const http = server.url('http', 'a.test', '/warmup.html');
  expect((await cli(['audit', http, '--fail-on', 'warning', ...hostArgs()])).code).toBe(1);
  expect((await cli(['audit', http, '--fail-on', 'error', ...hostArgs()])).code).toBe(0);
});

/** A port nothing listens on: taken from the system, then released. */

test('each failure has a one-line message and exit code 2', async () => {
  // Seven CLI runs one after the other, each starting Node (and one a browser): beside the suite's
  // heaviest test on the other core this took over 90 s.
  test.setTimeout(240_000);
  const closed = await closedPort();
  const cases: [string, string[], RegExp][] = [
    ['a bad URL', ['audit', 'not a url'], /^frame-security: Not a URL: "not a url"/],
    ['an unsupported scheme', ['audit', 'ftp://a.test/'], /^frame-security: Cannot audit ftp: URLs/],
    ['no URL', ['audit'], /^frame-security: give at least one URL to audit\./],
    ['an unknown option', ['audit', 'https://a.test/', '--frobnicate'], /^frame-security: Unknown option '--frobnicate'/],
    ['a bad --fail-on', ['audit', 'https://a.test/', '--fail-on', 'info'], /^frame-security: --fail-on takes error or warning/],
    ['a missing browser', ['audit', 'https://a.test/', '--browser-path', '/nonexistent/chromium'], /^frame-security: No Chromium at \/nonexistent\/chromium \(the path given with --browser-path\)\.$/],
    ['an unreachable host', ['audit', `http://127.0.0.1:${closed}/`], new RegExp(`^frame-security: Could not load http://127\\.0\\.0\\.1:${closed}/: net::ERR_CONNECTION_REFUSED`)],
  ];
  for (const [what, args, message] of cases) {
    const run = await cli(args);
    expect(run.code, `${what}: ${run.stderr}`).toBe(2);
    const lines = run.stderr.split('\n').filter((l) => l.startsWith('frame-security:'));
    expect(lines, `${what}: one message line`).toHaveLength(1);
    expect(lines[0], what).toMatch(message);
    expect(run.stdout, `${what}: nothing on stdout`).toBe('');
  }
});

test('a server that never answers: a timeout after --timeout, exit 2', async () => {
  const silent: Server = createServer(() => { /* accept and never answer */ });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
  try {
    const port = (silent.address() as { port: number }).port;
    const started = Date.now();
    const run = await cli(['audit', `http://127.0.0.1:${port}/`, '--timeout', '3000']);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/^frame-security: Timed out loading http:\/\/127\.0\.0\.1:\d+\/ after 3000 ms\.$/m);
    console.log(`timed out and exited in ${Date.now() - started} ms`);
  } finally {
    silent.close();
  }
});

test('--help and --version', async () => {
  const help = await cli(['--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain('Usage: frame-security audit <url...> [options]');
  const version = await cli(['--version']);
  expect(version.code).toBe(0);
  expect(version.stdout.trim()).toBe((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
});
