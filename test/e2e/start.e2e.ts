// `npm start` without a display: the audit of every demo scenario on stdout, a PNG of the real panel at
// the path it prints, exit 0.
import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEMO_SCENARIOS } from '../fixtures/site.ts';

const ROOT = resolve(import.meta.dirname, '../..');

test('npm start --headless audits every demo scenario and saves a screenshot of the real panel', async () => {
  const png = join(ROOT, '.cache/demo-panel.png');
  rmSync(png, { force: true });
  const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'scripts/start.ts'), '--headless'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
  expect(run.code, run.stderr).toBe(0);
  for (const d of DEMO_SCENARIOS) {
    expect(run.stdout, d.title).toContain(`━━ ${d.title}\nFrame Security audit of ${d.scheme}://a.test:`);
  }
  expect(run.stdout).toContain(`the real panel on the zoo page is saved as ${png}`);
  const bytes = readFileSync(png);
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(statSync(png).size).toBeGreaterThan(10_000);
});
