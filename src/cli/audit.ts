// The audit: load each URL in headless Chromium with the built extension, wait for the page to settle,
// read what the extension recorded (the same record the panel gets), evaluate it with the core and
// build the report. The panel's export and this audit call the same buildReport.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, Request, Worker } from 'playwright-core';
import { activePageOf, EXTENSION_DIR, findTabId, launchChromiumWithExtension, pollUntil, readBrowserFrames, readStoredRecord, isRecordComplete, type ChromiumWithExtension } from './chromium.ts';
import type { TabRecord } from '../background/recorder.ts';
import { evaluatePage } from '../shared/evaluate.ts';
import { buildReport, type Report } from '../shared/report.ts';
import type { PageRecord } from '../shared/snapshot.ts';

export interface AuditOptions {
  /** Quiet network needed after load, in ms. */
  waitMs?: number;
  /** Budget per URL, in ms. */
  timeoutMs?: number;
  browserPath?: string;
  browserArgs?: string[];
  ignoreHttpsErrors?: boolean;
  trustworthyOrigins?: string[];
  /** Progress lines (stderr in the CLI). */
  progress?: (line: string) => void;
  extensionDir?: string;
}

/** A failure that has a one-line message for the user (exit code 2 in the CLI). */
export class AuditError extends Error {}

export const TOOL = { name: 'frame-security', version: toolVersion() };

function toolVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

/** Checks a URL the audit can load: http(s) or file, parsable. */
export function checkAuditURL(input: string): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new AuditError(`Not a URL: ${JSON.stringify(input)} (give an absolute URL such as https://example.com/).`);
  }
  if (!['http:', 'https:', 'file:'].includes(url.protocol)) {
    throw new AuditError(`Cannot audit ${url.protocol} URLs: ${input} (only http:, https: and file:).`);
  }
  return url.href;
}

/** Resolves once no request has been in flight for `quietMs`. */
async function networkQuiet(page: Page, quietMs: number, deadline: number): Promise<void> {
  const inflight = new Set<Request>();
  let last = Date.now();
  const on = (r: Request) => { inflight.add(r); last = Date.now(); };
  const off = (r: Request) => { inflight.delete(r); last = Date.now(); };
  page.on('request', on);
  page.on('requestfinished', off);
  page.on('requestfailed', off);
  try {
    await pollUntil('a quiet network', async () => (inflight.size === 0 && Date.now() - last >= quietMs) || Date.now() > deadline ? true : undefined, Math.max(0, deadline - Date.now()) + 1000, 50);
  } finally {
    page.off('request', on);
    page.off('requestfinished', off);
    page.off('requestfailed', off);
  }
}

/** The records of the pages other tabs show that this tab opened (popups, target=_blank). */
async function popupRecords(worker: Worker, tabId: number): Promise<PageRecord[]> {
  const all = await worker.evaluate(async () => {
    const got = await chrome.storage.session.get(null);
    return Object.entries(got).filter(([k]) => k.startsWith('tab:')).map(([, v]) => v);
  }) as TabRecord[];
  return all
    .filter((t) => t.tabId !== tabId)
    .map((t) => activePageOf(t))
    .filter((p): p is PageRecord => p !== null && p.openedBy?.tabId === tabId);
}

export interface AuditResult {
  url: string;
  report: Report;
}

export interface Auditor {
  audit(url: string): Promise<AuditResult>;
  close(): Promise<void>;
}

/** Starts the browser once for several URLs. */
export async function startAuditor(options: AuditOptions = {}): Promise<Auditor> {
  const progress = options.progress ?? (() => {});
  const waitMs = options.waitMs ?? 500;
  const timeoutMs = options.timeoutMs ?? 30_000;
  progress('starting Chromium with the Frame Security extension');
  const browser: ChromiumWithExtension = await launchChromiumWithExtension({
    headless: true,
    args: [...(options.ignoreHttpsErrors ? ['--ignore-certificate-errors'] : []), ...(options.browserArgs ?? [])],
    extensionDir: options.extensionDir ?? EXTENSION_DIR,
    ...(options.browserPath ? { browserPath: options.browserPath } : {}),
  });
  const worker = await browser.worker();
  const version = browser.context.browser()?.version() ?? (await worker.evaluate(() => navigator.userAgent.match(/Chrom(?:e|ium)\/([\d.]+)/)?.[1] ?? 'unknown'));
  let warm = false;
  return {
    async audit(input: string): Promise<AuditResult> {
      const url = checkAuditURL(input);
      const deadline = Date.now() + timeoutMs;
      const page = await browser.context.newPage();
      try {
        progress(`loading ${url}`);
        // Cold start: the first navigation can beat the worker's listeners; load until it is recorded.
        for (let attempt = 0; ; attempt++) {
          try {
            await page.goto(url, { timeout: Math.max(1000, deadline - Date.now()), waitUntil: 'load' });
          } catch (err) {
            const message = (err as Error).message.split('\n')[0] ?? '';
            if (/Timeout/i.test(message)) throw new AuditError(`Timed out loading ${url} after ${timeoutMs} ms.`);
            throw new AuditError(`Could not load ${url}: ${message.replace(/^page\.goto: /, '')}`);
          }
          if (warm) break;
          // Warm once the extension has the top document's response (for a network URL) or its frame.
          const tabId = await findTabId(worker, page.url());
          const top = tabId === null ? undefined : activePageOf(await readStoredRecord(worker, tabId))?.frames['0'];
          if (top && (top.response !== undefined || !/^https?:/.test(page.url()))) { warm = true; break; }
          if (Date.now() > deadline || attempt > 40) throw new AuditError(`The extension did not record ${url} (is extension/ built? run npm run build).`);
        }
        await networkQuiet(page, waitMs, deadline);
        const tabId = await findTabId(worker, page.url());
        if (tabId === null) throw new AuditError(`No tab shows ${page.url()} (it navigated away while loading?).`);
        progress(`reading the record of ${page.url()}`);
        let record: PageRecord | null = null;
        try {
          record = await pollUntil('the extension to record every frame', async () => {
            const [rec, frames] = await Promise.all([readStoredRecord(worker, tabId), readBrowserFrames(worker, tabId)]);
            const p = activePageOf(rec);
            return isRecordComplete(p, frames) ? p! : undefined;
          }, Math.max(2000, deadline - Date.now()));
        } catch {
          // A frame that never reports (a stuck document): audit what was recorded, and say so.
          record = activePageOf(await readStoredRecord(worker, tabId));
          progress(`warning: the record of ${url} may be incomplete (a frame did not report in time)`);
        }
        if (!record) throw new AuditError(`The extension recorded nothing for ${url}.`);
        const evalOptions = { engine: 'chromium' as const, trustworthyOrigins: options.trustworthyOrigins ?? [] };
        const popups = (await popupRecords(worker, tabId)).map((p) => evaluatePage(p, evalOptions));
        const report = buildReport(evaluatePage(record, evalOptions), {
          tool: TOOL,
          browser: { name: 'Chromium', version },
          generatedAt: new Date().toISOString(),
        }, popups);
        return { url, report };
      } finally {
        for (const p of browser.context.pages()) if (p !== page) await p.close().catch(() => {});
        await page.close().catch(() => {});
      }
    },
    close: () => browser.close(),
  };
}
