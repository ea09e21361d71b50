#!/usr/bin/env node
// The `frame-security` command. Plain Node: it builds the extension on first use (extension/ missing
// or older than the sources), then runs the TypeScript CLI through tsx.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

function ensureBuilt() {
  const built = join(root, 'extension', 'background.js');
  if (existsSync(built) && statSync(built).mtimeMs >= newest(join(root, 'src'))) return;
  process.stderr.write('building the extension (first use)\n');
  const vite = join(root, 'node_modules', '.bin', 'vite');
  for (const mode of [[], ['--mode', 'background'], ['--mode', 'content']]) {
    const r = spawnSync(vite, ['build', '--logLevel', 'warn', ...mode], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) {
      process.stderr.write('frame-security: building the extension failed (run npm run build to see why).\n');
      process.exit(2);
    }
  }
}

// Only an audit needs the extension (not --help, --version or a usage error).
const args = process.argv.slice(2);
if (args[0] === 'audit' && !args.includes('--help') && !args.includes('-h')) ensureBuilt();
const { register } = await import('tsx/esm/api');
register();
const { runCli } = await import(pathToFileURL(join(root, 'src', 'cli', 'main.ts')).href);
const code = await runCli(args, {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  isTTY: Boolean(process.stdout.isTTY),
});
process.exitCode = code;
