/// <reference types="chrome" />
// Driving real Chromium with the built extension: launch, read what the extension recorded (from
// storage.session, i.e. exactly what survives a worker restart) and what the browser itself reports.
// Shared by `npm start`, the browser tests and (later) the audit command.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { hiddenFromFrameList, type TabRecord } from '../background/recorder.ts';
import { assembleStoredTabs } from '../background/tab-store.ts';
import { ownerElementOf } from '../shared/frame-tree.ts';
import type { PageRecord } from '../shared/snapshot.ts';
import { browserEnv, CHROMIUM_BASE_ARGS, findChromium } from './browsers.ts';

export const EXTENSION_DIR = resolve(import.meta.dirname, '../../extension');

export interface LaunchOptions {
  headless?: boolean;
  args?: string[];
  extensionDir?: string;
  browserPath?: string;
  /**
   * What the extension records: every tab (the default here: the CLI, `npm start` and most tests load
   * pages without DevTools), or, as for a user by default, only tabs with DevTools open.
   */
  recording?: Recording;
}

/** What the extension records: every tab, or (a user's default) only tabs with DevTools open. */
export type Recording = 'all-tabs' | 'devtools';

/** What the background's recording scope is now (src/background/scope.ts; globalThis.frameSecurityScope). */
export interface ScopeState {
  everywhere: boolean;
  watched: number[];
  restored: number[];
  popups: [number, number][];
  listening: boolean;
  contentScript: boolean;
}

export function readScope(worker: Worker): Promise<ScopeState | null> {
  return worker.evaluate(() => (globalThis as unknown as { frameSecurityScope?: { state(): ScopeState } }).frameSecurityScope?.state() ?? null);
}

/** What the worker has on: recording listeners (the webRequest and webNavigation events it listens to) and registered content scripts. */
export function extensionActivity(worker: Worker): Promise<{ webRequest: boolean; webNavigation: boolean; contentScripts: string[] }> {
  return worker.evaluate(async () => ({
    webRequest: chrome.webRequest.onBeforeRequest.hasListeners() || chrome.webRequest.onHeadersReceived.hasListeners(),
    webNavigation: chrome.webNavigation.onBeforeNavigate.hasListeners() || chrome.webNavigation.onCommitted.hasListeners(),
    contentScripts: (await chrome.scripting.getRegisteredContentScripts()).map((x) => x.id),
  }));
}

/** The tabs with a record in storage.session (their shells' keys), ascending. */
export function storedTabIds(worker: Worker): Promise<number[]> {
  return worker.evaluate(async () =>
    Object.keys(await chrome.storage.session.get(null)).filter((k) => k.startsWith('tab:')).map((k) => Number(k.slice(4))).sort((a, b) => a - b));
}

/**
 * Turns the "Record every tab" setting on or off, and waits until the background follows: listening
 * and its content script registered (on), or not (off, with no tab watched).
 */
export async function setRecordAllTabs(worker: Worker, on: boolean): Promise<ScopeState> {
  await worker.evaluate(async (value) => {
    const { settings } = await chrome.storage.local.get('settings');
    await chrome.storage.local.set({ settings: { ...(typeof settings === 'object' && settings !== null ? settings : {}), recordAllTabs: value } });
  }, on);
  return pollUntil(`the extension to ${on ? 'record every tab' : 'stop recording every tab'}`, async () => {
    const state = await readScope(worker);
    return state && scopeFollows(state, on) ? state : undefined;
  }, 15_000, 50);
}

/** Whether the background follows "Record every tab" = on: listening with its content script, or idle when nothing else is watched. */
export function scopeFollows(state: ScopeState, on: boolean): boolean {
  if (state.everywhere !== on) return false;
  const watching = on || state.watched.length > 0 || state.restored.length > 0;
  return state.listening === watching && state.contentScript === watching;
}

export interface ChromiumWithExtension {
  context: BrowserContext;
  extensionId: string;
  profileDir: string;
  worker(): Promise<Worker>;
  close(): Promise<void>;
}

export async function launchChromiumWithExtension(options: LaunchOptions = {}): Promise<ChromiumWithExtension> {
  const extensionDir = options.extensionDir ?? EXTENSION_DIR;
  try {
    statSync(join(extensionDir, 'manifest.json'));
  } catch {
    throw new Error(`The extension is not built in ${extensionDir}: run \`npm run build\`.`);
  }
  // Chromium writes into $HOME even with a user-data-dir: keep all of it in a throwaway directory.
  const home = mkdtempSync(join(tmpdir(), 'frame-security-'));
  const profileDir = join(home, 'profile');
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: findChromium(options.browserPath),
    headless: options.headless ?? true,
    ignoreHTTPSErrors: true,
    viewport: null,
    args: [
      ...CHROMIUM_BASE_ARGS,
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      ...(options.args ?? []),
    ],
    env: browserEnv(home),
  });
  const worker = async () => context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const extensionId = new URL((await worker()).url()).host;
  if ((options.recording ?? 'all-tabs') === 'all-tabs') await setRecordAllTabs(await worker(), true);
  return {
    context,
    extensionId,
    profileDir,
    worker,
    close: async () => {
      await context.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** The id of the tab showing `url`, as the extension sees it, or null. */
export async function findTabId(worker: Worker, url: string): Promise<number | null> {
  return worker.evaluate(async (u) => {
    const tabs = await chrome.tabs.query({});
    return tabs.find((t) => t.url === u || t.pendingUrl === u)?.id ?? null;
  }, url);
}

/**
 * The tab's record as persisted in storage.session: its shell and parts (see tab-store.ts), read in one
 * get() (one consistent state: the store writes a flush in one set()), assembled here.
 */
export async function readStoredRecord(worker: Worker, tabId: number): Promise<TabRecord | null> {
  // Arrow functions only: the function runs in the worker, where tsx's __name helper (wrapped around
  // named inner functions) does not exist.
  const entries = await worker.evaluate(async (id) => {
    const all = await chrome.storage.session.get(null);
    return Object.fromEntries(Object.entries(all).filter(([k]) => k === `tab:${id}` || k.startsWith(`part:${id}:`)));
  }, tabId);
  return assembleStoredTabs(entries).get(tabId) ?? null;
}

export function activePageOf(rec: TabRecord | null): PageRecord | null {
  return rec?.activePageId ? rec.pages[rec.activePageId] ?? null : null;
}

export interface BrowserFrame {
  frameId: number;
  parentFrameId: number;
  url: string;
  errorOccurred: boolean;
  documentId?: string;
}

/** The browser's own frame list for the tab (webNavigation.getAllFrames). */
export async function readBrowserFrames(worker: Worker, tabId: number): Promise<BrowserFrame[]> {
  return worker.evaluate(async (id) => {
    const frames = (await chrome.webNavigation.getAllFrames({ tabId: id })) ?? [];
    return frames.map((f) => ({
      frameId: f.frameId,
      parentFrameId: f.parentFrameId,
      url: f.url,
      errorOccurred: f.errorOccurred,
      documentId: (f as { documentId?: string }).documentId,
    }));
  }, tabId);
}

/** The recorded tree in the browser's terms: frameId, parent, URL, error. */
export function shapeOfRecord(page: PageRecord | null) {
  return Object.values(page?.frames ?? {})
    .filter((f) => !hiddenFromFrameList(f)) // frames the browser's list does not show

    .map((f) => ({ frameId: f.frameId, parentFrameId: f.parentFrameId, url: f.url, errorOccurred: f.status === 'error' }))
    .sort((a, b) => a.frameId - b.frameId);
}
export function shapeOfBrowser(frames: BrowserFrame[]) {
  return frames
    .map((f) => ({ frameId: f.frameId, parentFrameId: f.parentFrameId, url: f.url, errorOccurred: f.errorOccurred }))
    .sort((a, b) => a.frameId - b.frameId);
}

/**
 * The record is complete when it has the browser's frames, every live document has reported what it
 * observed and its frame elements, and every child frame is mapped to its element.
 */
export function isRecordComplete(page: PageRecord | null, frames: BrowserFrame[]): boolean {
  return whyIncomplete(page, frames) === null;
}

/**
 * What keeps the record from being complete (the browser's frame tree, each live document observed,
 * its elements listed and each child mapped to its element), or null when it is complete.
 */
export function whyIncomplete(page: PageRecord | null, frames: BrowserFrame[]): string | null {
  if (!page) return 'no active page recorded';
  const recorded = JSON.stringify(shapeOfRecord(page));
  const browser = JSON.stringify(shapeOfBrowser(frames));
  if (recorded !== browser) return `the recorded tree ${recorded} is not the browser's ${browser}`;
  for (const f of Object.values(page.frames)) {
    if (f.status === 'error') continue;
    const what = f.observed === undefined ? 'not observed' : f.embeds === undefined ? 'its elements not listed'
      : f.parentFrameId !== -1 && ownerElementOf(page, f) === null ? 'not mapped to an element of its parent' : null;
    if (what) return `frame ${f.frameId} (${f.status}, ${f.url}): ${what}`;
  }
  return null;
}

/** Polls until `check` returns a value (not undefined), or throws after `timeoutMs`. */
export async function pollUntil<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Waits until the extension's record of the tab is complete, and returns it. */
export async function waitForCompleteRecord(worker: Worker, tabId: number, timeoutMs = 15_000): Promise<PageRecord> {
  return pollUntil('the extension to record every frame', async () => {
    const [rec, frames] = await Promise.all([readStoredRecord(worker, tabId), readBrowserFrames(worker, tabId)]);
    const page = activePageOf(rec);
    return isRecordComplete(page, frames) ? page! : undefined;
  }, timeoutMs);
}

/**
 * Cold start: the first navigation can beat the worker's listeners (TESTING.md). Load a page until the
 * extension has recorded its response, then real work starts.
 */
export async function warmUp(browser: ChromiumWithExtension, url: string): Promise<Page> {
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const worker = await browser.worker();
  await pollUntil('the extension to start recording', async () => {
    await page.goto(url);
    const tabId = await findTabId(worker, url);
    if (tabId === null) return undefined;
    const rec = activePageOf(await readStoredRecord(worker, tabId));
    return rec?.frames['0']?.response ? true : undefined;
  }, 20_000, 50);
  return page;
}
