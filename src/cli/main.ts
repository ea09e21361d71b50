// `frame-security audit <url...>`: the command line. Parses the options, runs the audit, prints the
// report (text, JSON or Markdown), and exits 0, 1 (a finding at or above --fail-on) or 2 (a usage
// error, an unreachable URL, a missing browser, a timeout) — with one clear line on stderr.
import { appendFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { MissingBrowserError } from './browsers.ts';
import { AuditError, checkAuditURL, startAuditor, TOOL, type Auditor } from './audit.ts';
import type { FirefoxPrefValue } from './firefox.ts';
import { renderReportText } from './text-report.ts';
import { reportToMarkdown } from '../shared/report-markdown.ts';
import type { Report } from '../shared/report.ts';

export const USAGE = `Usage: frame-security audit <url...> [options]

Loads each URL in headless Chromium (or Firefox) with the Frame Security extension and reports every
frame's origin, secure context, sandbox, cross-origin isolation and findings.

Options:
  --json                 print the JSON report (schema/report.schema.json); several URLs give an array
  --markdown             print the Markdown report
  --output <file>        write the report to a file instead of stdout
  --fail-on <severity>   exit 1 when a finding of this severity or worse exists: error | warning
  --wait <ms>            quiet network needed after load (default 500)
  --timeout <ms>         budget per URL (default 30000)
  --browser <name>       chromium (default) or firefox; the analysis follows that browser's engine
  --browser-path <path>  the browser binary (else CHROMIUM_PATH or FIREFOX_PATH, then the system's)
  --browser-arg <arg>    an extra browser argument (repeatable), e.g. --host-resolver-rules=... for
                         Chromium; Firefox takes its settings as prefs instead: use --firefox-pref
  --firefox-pref <name=value>
                         a Firefox pref (repeatable; true, false and integers are typed, the rest is
                         a string), e.g. network.dns.localDomains=a.test,b.test (resolves those hosts
                         to 127.0.0.1)
  --ignore-https-errors  accept invalid certificates
  --trustworthy-origin <origin>
                         treat an origin as potentially trustworthy (repeatable); also passed to
                         Chromium as --unsafely-treat-insecure-origin-as-secure, to Firefox as the
                         pref dom.securecontext.allowlist (Firefox trusts the whole host)
  --trace <file>         for debugging the recorder: write the events the extension received for each
                         URL's tab, in arrival order, to a file (one JSON line per URL)
  --help, --version

Exit codes: 0 done, 1 --fail-on matched, 2 could not audit.
`;

const SEVERITY_RANK = { error: 0, warning: 1, info: 2 } as const;

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  isTTY: boolean;
}

class UsageError extends Error {}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} needs a whole number of milliseconds, not ${JSON.stringify(value)}.`);
  return n;
}

/** `name=value` → a typed Firefox pref: true/false as booleans, integers as numbers, else the string. */
function parseFirefoxPref(arg: string): [string, FirefoxPrefValue] {
  const eq = arg.indexOf('=');
  const name = eq < 0 ? '' : arg.slice(0, eq).trim();
  if (!name) throw new UsageError(`--firefox-pref takes name=value, not ${JSON.stringify(arg)}.`);
  const value = arg.slice(eq + 1);
  if (value === 'true' || value === 'false') return [name, value === 'true'];
  if (/^-?\d{1,15}$/.test(value)) return [name, Number(value)];
  return [name, value];
}

/** Firefox's own list of trustworthy hosts (it has no per-origin setting): the origins' hosts. */
function firefoxTrustworthyHosts(origins: string[]): string[] {
  return origins.map((o) => {
    try {
      return new URL(o).hostname;
    } catch {
      throw new UsageError(`--trustworthy-origin takes an origin such as http://a.test:8080, not ${JSON.stringify(o)}.`);
    }
  });
}

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean' },
        markdown: { type: 'boolean' },
        output: { type: 'string' },
        'fail-on': { type: 'string' },
        wait: { type: 'string' },
        timeout: { type: 'string' },
        browser: { type: 'string' },
        'browser-path': { type: 'string' },
        'browser-arg': { type: 'string', multiple: true },
        'firefox-pref': { type: 'string', multiple: true },
        'ignore-https-errors': { type: 'boolean' },
        'trustworthy-origin': { type: 'string', multiple: true },
        trace: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (err) {
    io.stderr(`frame-security: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (values.version) {
    io.stdout(`${TOOL.version}\n`);
    return 0;
  }
  let auditor: Auditor | null = null;
  try {
    const [command, ...urls] = positionals;
    if (command !== 'audit') throw new UsageError(command === undefined ? 'no command given.' : `unknown command ${JSON.stringify(command)}.`);
    if (urls.length === 0) throw new UsageError('give at least one URL to audit.');
    if (values.json && values.markdown) throw new UsageError('choose one of --json and --markdown.');
    const failOn = values['fail-on'];
    if (failOn !== undefined && failOn !== 'error' && failOn !== 'warning') throw new UsageError(`--fail-on takes error or warning, not ${JSON.stringify(failOn)}.`);
    for (const u of urls) checkAuditURL(u);
    const browser = values.browser ?? 'chromium';
    if (browser !== 'chromium' && browser !== 'firefox') throw new UsageError(`--browser takes chromium or firefox, not ${JSON.stringify(browser)}.`);
    const trustworthy = values['trustworthy-origin'] ?? [];
    const prefs = new Map((values['firefox-pref'] ?? []).map(parseFirefoxPref));
    if (prefs.size > 0 && browser !== 'firefox') throw new UsageError('--firefox-pref needs --browser firefox.');
    if (browser === 'firefox' && trustworthy.length > 0) {
      const given = prefs.get('dom.securecontext.allowlist');
      prefs.set('dom.securecontext.allowlist', [...(typeof given === 'string' && given ? [given] : []), ...firefoxTrustworthyHosts(trustworthy)].join(','));
    }
    auditor = await startAuditor({
      browser,
      waitMs: positiveInt('wait', values.wait, 500),
      timeoutMs: positiveInt('timeout', values.timeout, 30_000),
      browserArgs: [
        ...(values['browser-arg'] ?? []),
        ...(browser === 'chromium' && trustworthy.length > 0 ? [`--unsafely-treat-insecure-origin-as-secure=${trustworthy.join(',')}`] : []),
      ],
      firefoxPrefs: Object.fromEntries(prefs),
      ignoreHttpsErrors: values['ignore-https-errors'] ?? false,
      trustworthyOrigins: trustworthy,
      progress: (line) => io.stderr(`${line}\n`),
      ...(values['browser-path'] ? { browserPath: values['browser-path'] } : {}),
      ...(values.trace !== undefined ? { trace: true } : {}),
    });
    if (values.trace !== undefined) writeFileSync(values.trace, '');
    const reports: Report[] = [];
    for (const url of urls) {
      const result = await auditor.audit(url);
      reports.push(result.report);
      if (values.trace !== undefined) appendFileSync(values.trace, `${JSON.stringify({ url, events: result.trace ?? [] })}\n`);
    }
    if (values.trace !== undefined) io.stderr(`event trace written to ${values.trace}\n`);
    const color = io.isTTY && values.output === undefined && !values.json && !values.markdown;
    const out = values.json
      ? `${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n`
      : values.markdown
        ? reports.map(reportToMarkdown).join('\n---\n\n')
        : reports.map((r) => renderReportText(r, { color })).join('\n');
    if (values.output) {
      writeFileSync(values.output, out);
      io.stderr(`report written to ${values.output}\n`);
    } else {
      io.stdout(out);
    }
    if (failOn) {
      const limit = SEVERITY_RANK[failOn];
      const hit = reports.some((r) => r.frames.some((f) => f.findings.some((x) => SEVERITY_RANK[x.severity] <= limit)));
      if (hit) {
        io.stderr(`frame-security: findings at or above ${failOn} (--fail-on ${failOn}).\n`);
        return 1;
      }
    }
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`frame-security: ${err.message}\n${USAGE}`);
      return 2;
    }
    if (err instanceof AuditError || err instanceof MissingBrowserError) {
      io.stderr(`frame-security: ${err.message}\n`);
      return 2;
    }
    io.stderr(`frame-security: ${(err as Error).message.split('\n')[0]}\n`);
    return 2;
  } finally {
    await auditor?.close().catch(() => {});
  }
}
