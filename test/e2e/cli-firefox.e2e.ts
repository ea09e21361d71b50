// `frame-security audit --browser firefox` against the fixture site: the JSON report validates against the
// schema, says it is Firefox's, and for every frame of the zoo (https) and of an http page with https,
// srcdoc, data:, about:blank, sandboxed and localhost frames, the analysis for Firefox's engine predicts
// what the frame itself observed in Firefox: its secure context, crossOriginIsolated and origin. Also:
// --trustworthy-origin reaches Firefox (as a pref) and the analysis alike; each failure is one line, exit 2.
import { expect, test } from '@playwright/test';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { findFirefox, MissingBrowserError } from '../../src/cli/browsers.ts';
import type { Report } from '../../src/shared/report.ts';
import { HOSTS, startFixtureServer, type FixtureServer } from '../fixtures/server.ts';
import { ZOO_FRAMES } from '../fixtures/site.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/frame-security.mjs');
const schema = JSON.parse(readFileSync(join(ROOT, 'schema/report.schema.json'), 'utf8')) as object;
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
const validate = ajv.compile(schema);

// ── Firefox present? Skip loudly where it is not, fail in CI ─────────────────────────────────────
let firefoxPath: string | null = null;
let missingFirefox = '';
try {
  firefoxPath = findFirefox();
} catch (err) {
  if (!(err instanceof MissingBrowserError)) throw err;
  missingFirefox = err.message;
}
const inCi = Boolean(process.env.CI);
if (firefoxPath === null && !inCi) {
  console.warn(
    `\n${'!'.repeat(100)}\n!! SKIPPING the Firefox CLI tests: ${missingFirefox}\n` +
      `!! Install it with: sudo apt-get install -y firefox-esr\n${'!'.repeat(100)}\n`,
  );
}
const needsFirefox = () => {
  test.skip(firefoxPath === null && !inCi, `Firefox is not installed (sudo apt-get install -y firefox-esr): ${missingFirefox}`);
  if (firefoxPath === null) throw new Error(`${missingFirefox}\nCI is set: a missing Firefox fails the run instead of skipping it.`);
};

let server: FixtureServer;
test.describe.configure({ mode: 'serial' });
test.beforeAll(async () => {
  server = await startFixtureServer();
});
test.afterAll(async () => {
  await server?.close();
});

interface Run { code: number | null; stdout: string; stderr: string }
function cli(args: string[], timeoutMs = 80_000): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`the CLI did not exit within ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

/** The fixture hosts resolve to 127.0.0.1 in the CLI's Firefox, which accepts the fixture certificate. */
const firefoxArgs = () => ['--browser', 'firefox', '--ignore-https-errors', '--firefox-pref', `network.dns.localDomains=${HOSTS.join(',')}`];

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
        ` · origin ${f.origin} ${same(f.origin, o.origin)} ${o.origin}`,
    );
    if (f.secureContext.value !== o.isSecureContext) problems.push(`${name}: secure context predicted ${f.secureContext.value}, Firefox says ${o.isSecureContext}`);
    if (f.crossOriginIsolated.value !== o.crossOriginIsolated) problems.push(`${name}: crossOriginIsolated predicted ${f.crossOriginIsolated.value}, Firefox says ${o.crossOriginIsolated}`);
    if (f.origin !== o.origin) problems.push(`${name}: origin predicted ${f.origin}, Firefox says ${o.origin}`);
  }
  return { rows, problems };
}

const frameByLabel = (r: Report, label: string) => r.frames.find((f) => f.label === label);

test('--browser firefox --json: the reports validate, are Firefox\'s, and every frame\'s prediction equals what it observed in Firefox', async () => {
  needsFirefox();
  const urls = [server.url('https', 'a.test', '/zoo.html'), server.url('http', 'a.test', '/secure/insecure-top.html')];
  const run = await cli(['audit', ...urls, '--json', ...firefoxArgs()]);
  expect(run.code, run.stderr).toBe(0);
  expect(run.stderr).toContain('starting Firefox with the Frame Security extension');
  // Every frame reported in time (the audit did not give up waiting on the record).
  const warnings = run.stderr.split('\n').filter((l) => l.startsWith('warning:'));
  expect(warnings.filter((l) => l.includes('may be incomplete')), 'incomplete records').toEqual([]);
  // Responses the recorder did not attach to their frame (a recorder bug in Firefox, see
  // missingResponses in src/cli/firefox.ts): not asserted here, shown so that they are seen.
  const missing = warnings.filter((l) => !l.includes('may be incomplete'));
  if (missing.length > 0) {
    console.log(`KNOWN RECORDER BUG — headers missing from the report:\n${missing.join('\n')}`);
    test.info().annotations.push({ type: 'known recorder bug', description: `${missing.length} document responses not attached to their frames` });
  }
  const reports = JSON.parse(run.stdout) as Report[];
  expect(reports.map((r) => r.url)).toEqual(urls);
  for (const r of reports) {
    expect(validate(r), JSON.stringify(validate.errors)).toBe(true);
    expect(r.engine).toBe('firefox');
    expect(r.browser.name).toBe('Firefox');
    expect(r.browser.version).toMatch(/^\d+\.\d+/);
  }
  const [zoo, insecureTop] = reports as [Report, Report];
  expect(zoo.frames).toHaveLength(ZOO_FRAME_COUNT);
  expect(insecureTop.frames).toHaveLength(INSECURE_TOP_FRAME_COUNT);

  const problems: string[] = [];
  for (const r of reports) {
    const compared = compareWithFirefox(r);
    console.log(`${r.url} (Firefox ${r.browser.version}, ${r.frames.length} frames): predicted vs observed\n${compared.rows.join('\n')}`);
    problems.push(...compared.problems.map((p) => `${r.url}: ${p}`));
  }
  expect(problems).toEqual([]);

  // Not vacuous: the pages hold both verdicts, opaque origins, a frame Firefox blocked, and the engine
  // difference (a data: frame in an https page is a secure context in Firefox, not in Chromium).
  expect(insecureTop.frames.filter((f) => f.observed?.isSecureContext === false)).toHaveLength(INSECURE_TOP_FRAME_COUNT);
  expect(insecureTop.frames[0]!.secureContext).toMatchObject({ value: false, reason: 'insecure-scheme' });
  expect(frameByLabel(insecureTop, 'iframe#https-in-http')?.secureContext).toMatchObject({ value: false, reason: 'insecure-ancestor' });
  expect(zoo.frames.filter((f) => f.observed?.origin === 'null').length).toBeGreaterThanOrEqual(5);
  expect(frameByLabel(zoo, 'iframe#data-url')?.observed).toMatchObject({ isSecureContext: true, origin: 'null' });
  expect(frameByLabel(zoo, 'iframe#data-url')?.secureContext.value).toBe(true);
  expect(frameByLabel(zoo, 'iframe#coep-blocked')?.observed).toBeNull();
  expect(frameByLabel(zoo, 'iframe#coep-blocked')?.loadStatus).not.toBe('loaded');
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

/** A port nothing listens on: taken from the system, then released. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

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
