#!/usr/bin/env node
// Entry point of `npm start` and `npm test`. Plain Node (no dependencies), because its first job is to
// install the dependencies when they are missing or stale. Then:
//   start: build the extension, then run scripts/start.ts (the demo, or the recorded tree when headless)
//   test:  lint, typecheck, unit tests, build, web-ext lint, browser tests; one summary line at the end
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const [command = 'test', ...args] = process.argv.slice(2);

function run(label, cmd, cmdArgs, options = {}) {
  process.stderr.write(`\n▶ ${label}\n`);
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', ...options });
  if (r.error) {
    process.stderr.write(`✖ ${label}: ${r.error.message}\n`);
    return 1;
  }
  return r.status ?? 1;
}

/** npm ci when node_modules is missing or older than the lockfile. */
function ensureDependencies() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  const fresh = existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs;
  if (fresh) return;
  const status = run('installing dependencies (npm ci)', 'npm', ['ci', '--no-audit', '--no-fund'], { shell: process.platform === 'win32' });
  if (status !== 0) process.exit(status);
}

function build() {
  for (const mode of [[], ['--mode', 'background'], ['--mode', 'content']]) {
    const status = run(`build extension/ ${mode.join(' ')}`.trim(), bin('vite'), ['build', '--logLevel', 'warn', ...mode]);
    if (status !== 0) process.exit(status);
  }
}

/** The same search as src/cli/browsers.ts, in plain JS so it runs before anything is installed. */
function browserPath(envVar, paths) {
  return [process.env[envVar], ...paths].find((p) => p && existsSync(p)) ?? null;
}
const CHROMIUM = ['CHROMIUM_PATH', ['/usr/bin/chromium', '/usr/lib/chromium/chromium', '/usr/bin/chromium-browser']];
const FIREFOX = ['FIREFOX_PATH', ['/usr/bin/firefox-esr', '/usr/lib/firefox-esr/firefox-esr', '/usr/bin/firefox']];

function requireChromium() {
  if (browserPath(...CHROMIUM)) return;
  console.error('Chromium not found: install it with `sudo apt-get install -y chromium` (or set CHROMIUM_PATH to a Chromium binary).');
  process.exit(1);
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function test() {
  requireChromium();
  if (!browserPath(...FIREFOX)) {
    const line = 'Firefox not found: the Firefox tests will be SKIPPED. Install it with `sudo apt-get install -y firefox-esr`.';
    console.error(`\n${'!'.repeat(line.length)}\n${line}\n${'!'.repeat(line.length)}`);
  }
  const cache = join(root, '.cache');
  mkdirSync(cache, { recursive: true });
  const steps = [];
  const step = (label, fn) => steps.push({ label, status: fn() });
  step('eslint', () => run('eslint', bin('eslint'), ['.']));
  step('typecheck', () => run('typecheck (tsc --noEmit)', bin('tsc'), ['--noEmit']));
  step('unit tests', () =>
    run('unit tests (vitest)', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${join(cache, 'vitest.json')}`]));
  build();
  step('web-ext lint', () =>
    run('web-ext lint (Firefox)', bin('web-ext'), ['lint', '--source-dir', 'extension', '--self-hosted', '--output', 'text', '--no-config-discovery']));
  step('browser tests', () =>
    run('browser tests (Playwright: Chromium, Firefox)', bin('playwright'), ['test', '--reporter=list,json', ...args], {
      env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_FILE: join(cache, 'playwright.json') },
    }));

  const unit = readJson(join(cache, 'vitest.json'));
  const e2e = readJson(join(cache, 'playwright.json'))?.stats;
  const passed = (unit?.numPassedTests ?? 0) + (e2e?.expected ?? 0);
  const failed = (unit?.numFailedTests ?? 0) + (e2e?.unexpected ?? 0) + (e2e?.flaky ?? 0);
  const skipped = (unit?.numPendingTests ?? 0) + (e2e?.skipped ?? 0);
  const failedSteps = steps.filter((s) => s.status !== 0);
  console.log('');
  for (const s of steps) console.log(`${s.status === 0 ? '✔' : '✖'} ${s.label}`);
  console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exit(failedSteps.length > 0 ? 1 : 0);
}

function start() {
  requireChromium();
  build();
  process.exit(run('start', bin('tsx'), [join(root, 'scripts/start.ts'), ...args]));
}

ensureDependencies();
if (command === 'test') test();
else if (command === 'start') start();
else {
  console.error(`usage: node scripts/main.mjs start|test [args]`);
  process.exit(2);
}
