/// <reference types="chrome" />
// Driving real Firefox with the built extension: the counterpart of chromium.ts. puppeteer-core over
// WebDriver BiDi (no geckodriver), the extension installed with BiDi's webExtension.install, a fixed
// moz-extension UUID, and one extension page (panel.html) kept open to read what the extension recorded
// (storage.session) and what Firefox itself reports (webNavigation.getAllFrames): Firefox's MV3
// background is an event page that may be asleep, an extension page is always there to ask.
// Used by the audit command (--browser firefox) and the Firefox browser tests.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { TimeoutError, type Browser, type Page } from 'puppeteer-core';
import { hiddenFromFrameList, type TabRecord } from '../background/recorder.ts';
import { assembleStoredTabs } from '../background/tab-store.ts';
import { ownerElementOf } from '../shared/frame-tree.ts';
import type { PageRecord } from '../shared/snapshot.ts';
import { browserEnv, findFirefox } from './browsers.ts';
import { activePageOf, EXTENSION_DIR, pollUntil, scopeFollows, type Recording, type ScopeState } from './chromium.ts';

export type FirefoxPrefValue = string | number | boolean;

export interface FirefoxLaunchOptions {
  /** Default true. */
  headless?: boolean;
  /**
   * Firefox prefs (Firefox is configured by prefs where Chromium takes flags), e.g.
   * `network.dns.localDomains` to resolve host names to the loopback address.
   */
  extraPrefs?: Record<string, FirefoxPrefValue>;
  /** A Firefox binary, used as given (else FIREFOX_PATH, then the system's Firefox). */
  browserPath?: string;
  /** Accept invalid (e.g. self-signed) certificates. Default false. */
  acceptInsecureCerts?: boolean;
  /** Extra Firefox command-line arguments. */
  args?: string[];
  extensionDir?: string;
  /** What the extension records: every tab (the default here), or only tabs with DevTools open (a user's default). */
  recording?: Recording;
}

/** One frame as Firefox's webNavigation.getAllFrames lists it. */
export interface FirefoxBrowserFrame {
  frameId: number;
  parentFrameId: number;
  url: string;
  /** Firefox's getAllFrames (ESR 140, 153) does not report errorOccurred at all: undefined there. */
  errorOccurred?: boolean;
  documentId?: string;
}

export interface FirefoxWithExtension {
  browser: Browser;
  /** The add-on id (the manifest's browser_specific_settings.gecko.id). */
  addonId: string;
  /** The moz-extension:// host of the add-on, fixed by the extensions.webextensions.uuids pref. */
  uuid: string;
  /** The extension page every read goes through (panel.html in a tab); audits must not close it. */
  extensionPage: Page;
  /** Firefox's version, e.g. "140.12.0". */
  version: string;
  profileDir: string;
  /**
   * Makes sure the background runs (Firefox stops an idle MV3 background after 30 s; asking for it
   * starts it again) and returns its URL.
   */
  ensureBackground(): Promise<string>;
  /** Opens a page of the extension in a new tab (e.g. `panel.html?tabId=N`) once it shows. */
  openExtensionPage(path: string): Promise<Page>;
  /** The background's recording scope now (src/background/scope.ts), or null before it runs. */
  readScope(): Promise<ScopeState | null>;
  /** Turns "Record every tab" on or off and waits until the background follows. */
  setRecordAllTabs(on: boolean): Promise<ScopeState>;
  /** The id of the tab showing `url`, as the extension sees it, or null. */
  findTabId(url: string): Promise<number | null>;
  /** The tab's record as persisted in storage.session. */
  readStoredRecord(tabId: number): Promise<TabRecord | null>;
  /** Every tab's record in storage.session (popups are other tabs). */
  readStoredRecords(): Promise<TabRecord[]>;
  /** Firefox's own frame list for the tab (webNavigation.getAllFrames). */
  readBrowserFrames(tabId: number): Promise<FirefoxBrowserFrame[]>;
  /** Polls until the tab's record is complete (whyFirefoxRecordIncomplete), and returns its active page. */
  waitForCompleteRecord(tabId: number, timeoutMs?: number): Promise<PageRecord>;
  close(): Promise<void>;
}

/** The page's `browser` namespace (Firefox's promise-based WebExtension API). */
type ExtensionApi = typeof chrome;

export async function launchFirefoxWithExtension(options: FirefoxLaunchOptions = {}): Promise<FirefoxWithExtension> {
  const executablePath = findFirefox(options.browserPath);
  const extensionDir = options.extensionDir ?? EXTENSION_DIR;
  let addonId: string;
  try {
    const manifest = JSON.parse(readFileSync(join(extensionDir, 'manifest.json'), 'utf8')) as { browser_specific_settings?: { gecko?: { id?: string } } };
    addonId = manifest.browser_specific_settings?.gecko?.id ?? '';
  } catch {
    throw new Error(`The extension is not built in ${extensionDir}: run \`npm run build\`.`);
  }
  if (!addonId) throw new Error(`${join(extensionDir, 'manifest.json')} has no browser_specific_settings.gecko.id: Firefox needs one.`);
  const uuid = randomUUID();
  // Firefox writes into $HOME too: keep the profile and all of it in a throwaway directory.
  const home = mkdtempSync(join(tmpdir(), 'frame-security-firefox-'));
  const profileDir = join(home, 'profile');
  let browser: Browser | undefined;
  try {
    browser = await puppeteer.launch({
      browser: 'firefox',
      protocol: 'webDriverBiDi',
      executablePath,
      headless: options.headless ?? true,
      acceptInsecureCerts: options.acceptInsecureCerts ?? false,
      userDataDir: profileDir,
      defaultViewport: null,
      // Needed to open moz-extension:// pages over BiDi (TESTING.md).
      args: ['--remote-allow-system-access', ...(options.args ?? [])],
      env: browserEnv(home),
      extraPrefsFirefox: {
        ...options.extraPrefs,
        // A known moz-extension:// host for the add-on, so that its pages can be opened.
        'extensions.webextensions.uuids': JSON.stringify({ [addonId]: uuid }),
      },
    });
    const installed = await browser.installExtension(extensionDir);
    if (installed !== addonId) throw new Error(`Firefox installed the extension as ${installed}, not ${addonId}.`);
    const version = (await browser.version()).replace(/^firefox\//i, '');

    // ── the extension page every read goes through ──────────────────────────────────────────────
    const openExtensionPage = async (path: string): Promise<Page> => {
      const page = await browser!.newPage();
      const url = `moz-extension://${uuid}/${path}`;
      try {
        // Puppeteer never sees an extension page's load event (TESTING.md): navigate, let the short
        // wait time out, then poll for the page.
        await page.goto(url, { timeout: 500 });
      } catch (err) {
        if (!(err instanceof TimeoutError)) throw err;
      }
      await pollUntil(`the extension page ${path} to open`, async () => ((await page.evaluate(() => location.href).catch(() => null)) === url ? true : undefined), 15_000, 50);
      return page;
    };
    const extensionPage = await openExtensionPage('panel.html');
    // The background (an event page in Firefox) has run, so its listeners are registered before the
    // first page loads: no warm-up page needed.
    const ensureBackground = () =>
      pollUntil('the extension\'s background to run', async () => (await extensionPage.evaluate(async () => {
        const b = (globalThis as unknown as { browser: { runtime: { getBackgroundPage(): Promise<Window | null> } } }).browser;
        return (await b.runtime.getBackgroundPage())?.location.href ?? null;
      }).catch(() => null)) ?? undefined, 15_000, 50);
    await ensureBackground();

    // Each read runs in the extension page, where `browser` is Firefox's WebExtension namespace.
    const handle: FirefoxWithExtension = {
      browser,
      addonId,
      uuid,
      extensionPage,
      version,
      profileDir,
      ensureBackground,
      openExtensionPage,
      readScope: () =>
        extensionPage.evaluate(async () => {
          const b = (globalThis as unknown as { browser: { runtime: { getBackgroundPage(): Promise<Window | null> } } }).browser;
          const bg = (await b.runtime.getBackgroundPage()) as unknown as { frameSecurityScope?: { state(): ScopeState } } | null;
          // Through JSON: the state is an object of the background's global.
          return bg?.frameSecurityScope ? JSON.parse(JSON.stringify(bg.frameSecurityScope.state())) as ScopeState : null;
        }).catch(() => null),
      setRecordAllTabs: async (on) => {
        await extensionPage.evaluate(async (value) => {
          const b = (globalThis as unknown as { browser: ExtensionApi }).browser;
          const { settings } = await b.storage.local.get('settings');
          await b.storage.local.set({ settings: { ...(typeof settings === 'object' && settings !== null ? settings : {}), recordAllTabs: value } });
        }, on);
        return pollUntil(`the extension to ${on ? 'record every tab' : 'stop recording every tab'}`, async () => {
          await ensureBackground();
          const state = await handle.readScope();
          return state && scopeFollows(state, on) ? state : undefined;
        }, 15_000, 50);
      },
      findTabId: (url) =>
        extensionPage.evaluate(async (u) => {
          const b = (globalThis as unknown as { browser: ExtensionApi }).browser;
          return (await b.tabs.query({})).find((t) => t.url === u)?.id ?? null;
        }, url),
      // The shell and parts (see tab-store.ts) in one get(), assembled here; arrow functions only in
      // what runs in the page (tsx wraps named inner functions in a helper the page lacks).
      readStoredRecord: async (tabId) =>
        assembleStoredTabs(await extensionPage.evaluate(async (id) => {
          const b = (globalThis as unknown as { browser: ExtensionApi }).browser;
          const all = await b.storage.session.get(null);
          return Object.fromEntries(Object.entries(all).filter(([k]) => k === `tab:${id}` || k.startsWith(`part:${id}:`)));
        }, tabId)).get(tabId) ?? null,
      readStoredRecords: async () =>
        [...assembleStoredTabs(await extensionPage.evaluate(async () => {
          const b = (globalThis as unknown as { browser: ExtensionApi }).browser;
          return await b.storage.session.get(null);
        })).values()],
      readBrowserFrames: (tabId) =>
        extensionPage.evaluate(async (id) => {
          const b = (globalThis as unknown as { browser: ExtensionApi }).browser;
          const list = (await b.webNavigation.getAllFrames({ tabId: id })) ?? [];
          return list.map((f) => {
            const o = f as unknown as Record<string, unknown>;
            return {
              frameId: f.frameId,
              parentFrameId: f.parentFrameId,
              url: f.url,
              ...('errorOccurred' in o ? { errorOccurred: Boolean(o.errorOccurred) } : {}),
              ...(typeof o.documentId === 'string' ? { documentId: o.documentId } : {}),
            };
          });
        }, tabId),
      waitForCompleteRecord: async (tabId, timeoutMs = 15_000) => {
        let why: string | null = null;
        try {
          return await pollUntil('the extension to record every frame', async () => {
            const [tab, frames] = await Promise.all([handle.readStoredRecord(tabId), handle.readBrowserFrames(tabId)]);
            why = whyFirefoxRecordIncomplete(tab, frames);
            return why === null ? activePageOf(tab)! : undefined;
          }, timeoutMs);
        } catch (err) {
          throw why === null ? err : new Error(`${(err as Error).message} Last: ${why}.`);
        }
      },
      close: async () => {
        await browser!.close().catch(() => {});
        rmSync(home, { recursive: true, force: true });
      },
    };
    if ((options.recording ?? 'all-tabs') === 'all-tabs') await handle.setRecordAllTabs(true);
    return handle;
  } catch (err) {
    await browser?.close().catch(() => {});
    rmSync(home, { recursive: true, force: true });
    throw err;
  }
}

/**
 * What keeps the active page's record from being complete, in words; null when it is. It is complete
 * when it has Firefox's frames (with the same parents and URLs; the record may hold more, those the
 * browser's list does not show; a failed frame may still be listed as about:blank), every live document has reported what it observed and its frame elements, every
 * child frame is mapped to its element, and (unless `responses` is false) the response of every
 * http(s) document has reached the background: Firefox's webRequest events can come after the page's
 * load event (TESTING.md). A response the background holds in `pending` has arrived too (see
 * missingResponses). Firefox's getAllFrames has no errorOccurred: a failed frame is known from the
 * record's own onErrorOccurred (status 'error'); where the browser does report it, they must agree.
 */
export function whyFirefoxRecordIncomplete(tab: TabRecord | null, frames: readonly FirefoxBrowserFrame[], options: { responses?: boolean } = {}): string | null {
  const page = activePageOf(tab);
  if (!tab || !page) return 'no record of the page';
  if (frames.length === 0) return 'the browser lists no frame';
  const listed = new Set<string>();
  for (const b of frames) {
    const f = page.frames[String(b.frameId)];
    if (!f) return `frame ${b.frameId} (${b.url}) not recorded`;
    if (f.parentFrameId !== b.parentFrameId) return `frame ${b.frameId}: parent ${f.parentFrameId} recorded, ${b.parentFrameId} listed`;
    // Browser: Firefox 153 leaves some COEP-blocked frames on their initial about:blank (no error
    // page), which getAllFrames lists; the record has the navigation that failed.
    if (f.url !== b.url && !(f.status === 'error' && b.url === 'about:blank')) return `frame ${b.frameId}: ${f.url} (${f.status}) recorded, ${b.url} listed`;
    if (b.errorOccurred !== undefined && b.errorOccurred !== (f.status === 'error')) return `frame ${b.frameId} (${f.url}): ${f.status} recorded, errorOccurred ${b.errorOccurred} listed`;
    listed.add(String(b.frameId));
  }
  for (const [id, f] of Object.entries(page.frames)) {
    if (!listed.has(id)) {
      if (!hiddenFromFrameList(f)) return `frame ${id} (${f.url}, ${f.status}) recorded, not listed`;
      continue;
    }
    if (f.status === 'error') continue;
    if (f.observed === undefined) return `frame ${id} (${f.url}, ${f.status}): not observed`;
    if (f.embeds === undefined) return `frame ${id} (${f.url}, ${f.status}): its elements not listed`;
    if (f.parentFrameId !== -1 && ownerElementOf(page, f) === null) return `frame ${id} (${f.url}): not mapped to an element of its parent`;
  }
  if (options.responses === false) return null;
  const missing = missingResponses(tab).find((m) => !m.heldBack);
  return missing ? `frame ${missing.frameId} (${missing.url}): no response recorded` : null;
}

/**
 * The http(s) documents of the active page (not failed) whose response is not in the record: none
 * arrived (yet), or it arrived and is held in `pending`, not attached to its frame (`heldBack`).
 * Either way their headers are missing from the analysis.
 *
 * Held back: seen in Firefox 153 for same-origin and same-site child frames that the frame list
 * reported before their commit (the recorder now attaches a held response at such a late commit and
 * when a frame is first known from the list). "Never arrived", seen in Firefox 153 for the cross-origin
 * CORP+COEP children of /iso/both.html and for COOP top-level documents, was the recorder dropping
 * the response when the frame list showed the frame as about:blank mid-navigation (fixed). The audit
 * names each such frame on stderr.
 */
export function missingResponses(tab: TabRecord | null): { frameId: number; url: string; heldBack: boolean }[] {
  const page = activePageOf(tab);
  if (!tab || !page) return [];
  return Object.values(page.frames)
    .filter((f) => f.status !== 'error' && /^https?:/.test(f.url) && f.response === undefined)
    .map((f) => ({ frameId: f.frameId, url: f.url, heldBack: tab.pending[String(f.frameId)] !== undefined }));
}
