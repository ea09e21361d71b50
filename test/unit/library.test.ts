// The library entry: `import … from 'frame-security'` resolves to the built dist/ with its types, and the
// README's example runs as written and prints what its comments say.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

test('the README\'s library example runs against the built package and prints what it says', { timeout: 60_000 }, () => {
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.lib.json')], { cwd: ROOT, stdio: 'pipe' });
  const d = readFileSync(join(ROOT, 'dist/index.d.ts'), 'utf8');
  expect(d).toContain('evaluatePage');
  expect(d).toContain('buildReport');
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = readme.split('<!-- library-example -->')[1]?.match(/```js\n([\s\S]*?)```/)?.[1];
  expect(block, 'the README has the marked example').toBeDefined();
  const expected = [...block!.matchAll(/^\/\/ (http\S+: \S+)$/gm)].map((m) => m[1]);
  expect(expected.length).toBeGreaterThan(0);
  // Inside the package directory, so that the package resolves itself by name (package.json "exports").
  const dir = join(ROOT, '.cache');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'library-example.mjs');
  writeFileSync(file, block!);
  const out = execFileSync(process.execPath, [file], { cwd: ROOT, encoding: 'utf8' });
  expect(out.trim().split('\n')).toEqual(expected);
});
