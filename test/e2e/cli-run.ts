// Running the real `frame-security` command from the tests (cli.e2e.ts, cli-firefox.e2e.ts): the
// process, its output and exit code; the report schema's validator; a port nothing listens on.
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import type { TraceEntry } from '../../src/background/trace.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/frame-security.mjs');

const schema = JSON.parse(readFileSync(join(ROOT, 'schema/report.schema.json'), 'utf8')) as object;
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
/** The JSON report's schema (schema/report.schema.json), strict. */
export const validate = ajv.compile(schema);

export interface Run { code: number | null; stdout: string; stderr: string }

/** Runs bin/frame-security.mjs with `args`; fails when it has not exited within `timeoutMs`. */
export function cli(args: string[], timeoutMs: number): Promise<Run> {
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

/** A loopback port that was free a moment ago: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/**
 * What a --trace file lacks for the reports of the same run: one JSON line per URL, in order, with one
 * tab's events in arrival order; for every frame of the report, its navigation (commit or error), its
 * document's headers (http(s) frames) and its observer's report (observed frames). Empty when complete.
 */
export function traceProblems(file: string, urls: string[], reports: { url: string; frames: { frameId: number; label: string | null; url: string; observed: unknown }[] }[]): string[] {
  const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { url: string; events: TraceEntry[] });
  if (JSON.stringify(lines.map((l) => l.url)) !== JSON.stringify(urls)) return [`trace lines for ${JSON.stringify(lines.map((l) => l.url))}, not ${JSON.stringify(urls)}`];
  const problems: string[] = [];
  lines.forEach(({ url, events }, i) => {
    const report = reports[i]!;
    if (new Set(events.map((e) => e[2])).size !== 1) problems.push(`${url}: events of ${new Set(events.map((e) => e[2])).size} tabs`);
    if (events.some((e, k) => k > 0 && e[0] < events[k - 1]![0])) problems.push(`${url}: events out of arrival order`);
    const of = (frameId: number, kind: string) => events.filter((e) => e[3] === frameId && e[1] === kind);
    if (!of(0, 'navigation.onCommitted').some((e) => e[5] === report.url)) problems.push(`${url}: no commit of the top document`);
    for (const f of report.frames) {
      const name = `${url}: ${f.label ?? 'top'} ${f.url}`;
      if (of(f.frameId, 'navigation.onCommitted').length + of(f.frameId, 'navigation.onErrorOccurred').length === 0) problems.push(`${name}: no navigation event`);
      if (/^https?:/.test(f.url) && !of(f.frameId, 'document-headers').some((e) => e[5] === f.url)) problems.push(`${name}: no document headers`);
      if (f.observed !== null && of(f.frameId, 'content.observe').length === 0) problems.push(`${name}: no observer report`);
    }
  });
  return problems;
}
