// The audit: load each URL in headless Chromium (or Firefox) with the built extension, wait for the page
// to settle, read what the extension recorded (the same record the panel gets), evaluate it with the
// core for that engine and build the report. The panel's export and this audit call the same buildReport.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, Request, Worker } from 'playwright-core';
import { TimeoutError as PuppeteerTimeoutError, type HTTPRequest, type Page as PuppeteerPage } from 'puppeteer-core';
import { activePageOf, EXTENSION_DIR, findTabId, launchChromiumWithExtension, pollUntil, readBrowserFrames, readStoredRecord, whyIncomplete, type ChromiumWithExtension } from './chromium.ts';
import { launchFirefoxWithExtension, whyFirefoxRecordIncomplete, missingResponses, type FirefoxPrefValue, type FirefoxWithExtension } from './firefox.ts';
import type { TabRecord } from '../background/recorder.ts';
import { assembleStoredTabs } from '../background/tab-store.ts';
import type { TraceEntry } from '../background/trace.ts';
import { evaluatePage } from '../shared/evaluate.ts';
import type { Engine } from '../shared/origin.ts';
import { buildReport, type Report } from '../shared/report.ts';
import type { PageRecord } from '../shared/snapshot.ts';

export type AuditBrowser = 'chromium' | 'firefox';

export interface AuditOptions {
  /** The browser to load the pages in (default chromium); the analysis follows its engine. */
  browser?: AuditBrowser;
  /** Quiet network needed after load, in ms. */
  waitMs?: number;
  /** Budget per URL, in ms. */
  timeoutMs?: number;
  browserPath?: string;
  /** Extra command-line arguments: Chromium flags, or Firefox's own arguments (Firefox takes prefs). */
  browserArgs?: string[];
  /** Firefox prefs (only with browser 'firefox'), e.g. network.dns.localDomains. */
  firefoxPrefs?: Record<string, FirefoxPrefValue>;
  ignoreHttpsErrors?: boolean;
  trustworthyOrigins?: string[];
  /** Progress lines (stderr in the CLI). */
  progress?: (line: string) => void;
  /** Have the extension trace its input events (src/background/trace.ts) and return each tab's with its report. */
  trace?: boolean;
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

/**
 * The records of the pages other tabs show that this page opened (popups, target=_blank): opened by
 * its tab since the page started (a tab that shows several pages in turn opened the others' earlier).
 */
export function popupRecords(all: readonly TabRecord[], tabId: number, page: PageRecord): PageRecord[] {
  return all
    .filter((t) => t.tabId !== tabId)
    .map((t) => activePageOf(t))
    .filter((p): p is PageRecord => p !== null && p.openedBy?.tabId === tabId && p.openedBy.at >= page.startedAt);
}

async function allRecords(worker: Worker): Promise<TabRecord[]> {
  return [...assembleStoredTabs(await worker.evaluate(() => chrome.storage.session.get(null))).values()];
}

/** The report of one recorded page and the pages it opened, evaluated for one engine. */
function reportOf(record: PageRecord, popups: PageRecord[], engine: Engine, browser: { name: string; version: string }, trustworthyOrigins: string[]): Report {
  const evalOptions = { engine, trustworthyOrigins };
  return buildReport(evaluatePage(record, evalOptions), { tool: TOOL, browser, generatedAt: new Date().toISOString() }, popups.map((p) => evaluatePage(p, evalOptions)));
}

export interface AuditResult {
  url: string;
  report: Report;
  /** The events the extension received for the audit's tab, in arrival order (with options.trace). */
  trace?: TraceEntry[];
}

/**
 * Chromium: turns the worker's event trace on (tabId null; the storage flag keeps it on across a
 * restart), or reads one tab's. (An arrow function only: tsx wraps named inner functions in a helper
 * the worker lacks.)
 */
function chromiumTrace(worker: Worker, tabId: number | null): Promise<TraceEntry[]> {
  return worker.evaluate(async (id) => {
    const t = (globalThis as unknown as { frameSecurityTrace?: { enabled: boolean; all(): TraceEntry[] } }).frameSecurityTrace;
    if (id === null) {
      await chrome.storage.local.set({ debugTrace: true });
      if (t) t.enabled = true;
      return [];
    }
    return (t?.all() ?? []).filter((e) => e[2] === id);
  }, tabId);
}

export interface Auditor {
  audit(url: string): Promise<AuditResult>;
  close(): Promise<void>;
}

/** Starts the browser once for several URLs. */
export async function startAuditor(options: AuditOptions = {}): Promise<Auditor> {
  return options.browser === 'firefox' ? startFirefoxAuditor(options) : startChromiumAuditor(options);
}

async function startChromiumAuditor(options: AuditOptions): Promise<Auditor> {
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
  if (options.trace) await chromiumTrace(worker, null);
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
        let why: string | null = null;
        try {
          record = await pollUntil('the extension to record every frame', async () => {
            const [rec, frames] = await Promise.all([readStoredRecord(worker, tabId), readBrowserFrames(worker, tabId)]);
            const p = activePageOf(rec);
            why = whyIncomplete(p, frames);
            return why === null ? p! : undefined;
          }, Math.max(2000, deadline - Date.now()));
        } catch {
          // A frame that never reports (a stuck document): audit what was recorded, and say so.
          record = activePageOf(await readStoredRecord(worker, tabId));
          progress(`warning: the record of ${url} may be incomplete (a frame did not report in time${why === null ? '' : `: ${why}`})`);
        }
        if (!record) throw new AuditError(`The extension recorded nothing for ${url}.`);
        const popups = popupRecords(await allRecords(worker), tabId, record);
        const report = reportOf(record, popups, 'chromium', { name: 'Chromium', version }, options.trustworthyOrigins ?? []);
        return { url, report, ...(options.trace ? { trace: await chromiumTrace(worker, tabId) } : {}) };
      } finally {
        for (const p of browser.context.pages()) if (p !== page) await p.close().catch(() => {});
        await page.close().catch(() => {});
      }
    },
    close: () => browser.close(),
  };
}

const withoutFragment = (u: string) => u.replace(/#.*$/s, '');

/** How long a document's response may trail the rest of the record in Firefox. */
const RESPONSE_GRACE_MS = 3000;

// ── Firefox ──────────────────────────────────────────────────────────────────────────────────────
/** Counts the page's requests in flight (puppeteer's network events, from WebDriver BiDi). */
function trackRequests(page: PuppeteerPage) {
  const inflight = new Set<HTTPRequest>();
  let last = Date.now();
  const on = (r: HTTPRequest) => { inflight.add(r); last = Date.now(); };
  const off = (r: HTTPRequest) => { inflight.delete(r); last = Date.now(); };
  page.on('request', on);
  page.on('requestfinished', off);
  page.on('requestfailed', off);
  return {
    /** Resolves once no request has been in flight for `quietMs`, or at the deadline. */
    quiet: (quietMs: number, deadline: number) =>
      pollUntil('a quiet network', async () => (inflight.size === 0 && Date.now() - last >= quietMs) || Date.now() > deadline ? true : undefined, Math.max(0, deadline - Date.now()) + 1000, 50),
    dispose: () => {
      page.off('request', on);
      page.off('requestfinished', off);
      page.off('requestfailed', off);
    },
  };
}

/**
 * Firefox shows an error page (about:neterror, about:certerror) where a load failed, and for some
 * failures (an unknown host) never fires a load event: the error page for `url`, in words, or null.
 */
async function firefoxErrorPage(page: PuppeteerPage, url: string): Promise<string | null> {
  const uri = await page.evaluate(() => document.documentURI).catch(() => null);
  const m = uri?.match(/^about:(?:neterror|certerror|blocked)\?(.*)$/);
  if (!m) return null;
  // URLSearchParams decodes the values (Firefox percent-encodes them; a literal "+" stays one).
  const params = new URLSearchParams(m[1]!.replace(/\+/g, '%2B'));
  let failed: string;
  try {
    failed = new URL(params.get('u') ?? '').href;
  } catch {
    return null;
  }
  if (failed !== url) return null; // an earlier page's error
  const code = params.get('e') ?? 'error';
  const description = (params.get('d') ?? '').replace(/\s+/g, ' ').trim();
  const hint = uri!.startsWith('about:certerror') ? '; --ignore-https-errors accepts it' : '';
  return description ? `${description} (${code}${hint})` : `${code}${hint}`;
}

/**
 * Whether the top-level document is `url` (no error page) and reaches readyState "complete" before the
 * deadline: the load succeeded though the driver said otherwise. False once it shows anything else.
 */
export async function loadedAnyway(page: Pick<PuppeteerPage, 'evaluate'>, url: string, deadline: number): Promise<boolean> {
  const wanted = withoutFragment(url);
  for (;;) {
    const state = await page.evaluate(() => [document.documentURI, document.readyState] as const).catch(() => null);
    // (null: the document is being replaced; ask again.)
    if (state !== null) {
      if (withoutFragment(state[0]) !== wanted) return false;
      if (state[1] === 'complete') return true;
    }
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Loads `url` in Firefox until its load event; a failure is an AuditError with one line. */
async function loadInFirefox(page: PuppeteerPage, url: string, deadline: number, timeoutMs: number): Promise<void> {
  const navigation = page.goto(url, { timeout: Math.max(1000, deadline - Date.now()), waitUntil: 'load' }).then(
    () => ({ error: null }),
    (error: unknown) => ({ error: error as Error }),
  );
  for (;;) {
    const done = await Promise.race([navigation, new Promise<null>((r) => setTimeout(() => r(null), 100))]);
    if (done === null) {
      // Still loading: an error page with no load event ends the wait.
      const failed = await firefoxErrorPage(page, url);
      if (failed) throw new AuditError(`Could not load ${url}: ${failed}`);
      continue;
    }
    if (!done.error) return;
    const failed = await firefoxErrorPage(page, url);
    if (failed) throw new AuditError(`Could not load ${url}: ${failed}`);
    if (done.error instanceof PuppeteerTimeoutError) throw new AuditError(`Timed out loading ${url} after ${timeoutMs} ms.`);
    // Browser: Firefox's remote agent (remote/shared/Navigate.sys.mjs) fails the navigation with the
    // generic "Address rejected" when it sees an error page's location change while the top-level
    // document is no error page. Seen in Firefox 153 on /iso/both-credentialless.html, 1 load in about
    // 180; its blocked children get error pages, which we take to be what it saw. The page then says
    // itself whether it loaded.
    if (await loadedAnyway(page, url, deadline)) return;
    // e.g. "Protocol error (browsingContext.navigate): unknown error Error: NS_ERROR_CONNECTION_REFUSED #onNavigationCommitted@…"
    const message = done.error.message.split('\n')[0] ?? '';
    const code = message.match(/\bError: (.+?) #/)?.[1];
    throw new AuditError(`Could not load ${url}: ${code ?? message}`);
  }
}

/**
 * Firefox: the same as chromiumTrace, from the extension page, which reaches the background page's
 * globals.
 */
function firefoxTrace(ff: FirefoxWithExtension, tabId: number | null): Promise<TraceEntry[]> {
  return ff.extensionPage.evaluate(async (id) => {
    const b = (globalThis as unknown as { browser: { runtime: { getBackgroundPage(): Promise<Window | null> }; storage: { local: { set(v: object): Promise<void> } } } }).browser;
    const bg = (await b.runtime.getBackgroundPage()) as unknown as { frameSecurityTrace?: { enabled: boolean; all(): TraceEntry[] } } | null;
    if (id === null) {
      await b.storage.local.set({ debugTrace: true });
      if (bg?.frameSecurityTrace) bg.frameSecurityTrace.enabled = true;
      return [];
    }
    return (bg?.frameSecurityTrace?.all() ?? []).filter((e) => e[2] === id);
  }, tabId);
}

async function startFirefoxAuditor(options: AuditOptions): Promise<Auditor> {
  const progress = options.progress ?? (() => {});
  const waitMs = options.waitMs ?? 500;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const trustworthyOrigins = options.trustworthyOrigins ?? [];
  progress('starting Firefox with the Frame Security extension');
  const ff: FirefoxWithExtension = await launchFirefoxWithExtension({
    headless: true,
    acceptInsecureCerts: options.ignoreHttpsErrors ?? false,
    extraPrefs: options.firefoxPrefs ?? {},
    args: options.browserArgs ?? [],
    extensionDir: options.extensionDir ?? EXTENSION_DIR,
    ...(options.browserPath ? { browserPath: options.browserPath } : {}),
  });
  if (options.trace) await firefoxTrace(ff, null);
  return {
    async audit(input: string): Promise<AuditResult> {
      const url = checkAuditURL(input);
      const deadline = Date.now() + timeoutMs;
      // A new tab per URL, as in Chromium (a COOP page switches its tab's browsing context group,
      // after which puppeteer's frame tracking of that tab no longer sees the next load event).
      const page = await ff.browser.newPage();
      try {
        // Firefox stops an idle background after 30 s: make sure it runs before the page loads.
        await ff.ensureBackground();
        progress(`loading ${url}`);
        const requests = trackRequests(page);
        try {
          await loadInFirefox(page, url, deadline, timeoutMs);
          await requests.quiet(waitMs, deadline);
        } finally {
          requests.dispose();
        }
        const shown = page.url();
        const tabId = await pollUntil(`the tab showing ${shown}`, async () => (await ff.findTabId(shown)) ?? undefined, Math.max(2000, deadline - Date.now()), 50)
          .catch(() => { throw new AuditError(`No tab shows ${shown} (it navigated away while loading?).`); });
        progress(`reading the record of ${shown}`);
        let tab: TabRecord | null;
        let why: string | null = null;
        try {
          tab = await pollUntil('the extension to record every frame', async () => {
            const [t, frames] = await Promise.all([ff.readStoredRecord(tabId), ff.readBrowserFrames(tabId)]);
            why = whyFirefoxRecordIncomplete(t, frames, { responses: false });
            return why === null ? t! : undefined;
          }, Math.max(2000, deadline - Date.now()));
          // Firefox's webRequest events can reach the background a few hundred ms after the load
          // (TESTING.md): give the documents' responses a short grace, not the whole budget.
          tab = await pollUntil('the documents\' responses', async () => {
            const t = await ff.readStoredRecord(tabId);
            return missingResponses(t).every((m) => m.heldBack) ? t! : undefined;
          }, Math.min(RESPONSE_GRACE_MS, Math.max(0, deadline - Date.now()))).catch(() => ff.readStoredRecord(tabId));
        } catch {
          // A frame that never reports (a stuck document): audit what was recorded, and say so.
          tab = await ff.readStoredRecord(tabId);
          progress(`warning: the record of ${url} may be incomplete (a frame did not report in time${why === null ? '' : `: ${why}`})`);
        }
        const record = activePageOf(tab);
        if (!record || withoutFragment(record.url) !== withoutFragment(shown)) throw new AuditError(`The extension recorded nothing for ${url}.`);
        for (const m of missingResponses(tab)) {
          progress(`warning: ${m.heldBack ? 'the extension did not attach the response of' : 'no response was recorded for'} frame ${m.frameId} (${m.url}): its headers are missing from the report`);
        }
        const popups = popupRecords(await ff.readStoredRecords(), tabId, record);
        const report = reportOf(record, popups, 'firefox', { name: 'Firefox', version: ff.version }, trustworthyOrigins);
        return { url, report, ...(options.trace ? { trace: await firefoxTrace(ff, tabId) } : {}) };
      } finally {
        // This tab, and the popups and tabs it opened; the extension page stays.
        for (const p of await ff.browser.pages().catch(() => [])) {
          if (p !== page && p !== ff.extensionPage) await p.close().catch(() => {});
        }
        await page.close().catch(() => {});
      }
    },
    close: () => ff.close(),
  };
}
