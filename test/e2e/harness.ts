/// <reference types="chrome" />
// Launching real Chromium with the built extension, plus helpers that read what the extension recorded
// (from storage.session, i.e. what survives a worker restart) and what the browser itself reports.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { expect } from '@playwright/test';
import { CHROMIUM_BASE_ARGS, findChromium } from '../../src/cli/browsers.ts';
import type { PageRecord } from '../../src/shared/snapshot.ts';
import type { TabRecord } from '../../src/background/recorder.ts';
import type { FixtureServer } from '../fixtures/server.ts';

export const EXTENSION_DIR = resolve(import.meta.dirname, '../../extension');

export interface Launched {
  context: BrowserContext;
  extensionId: string;
  profileDir: string;
  worker(): Promise<Worker>;
  close(): Promise<void>;
}

export async function launchChromium(server: FixtureServer, options: { args?: string[]; headless?: boolean } = {}): Promise<Launched> {
  readFileSync(join(EXTENSION_DIR, 'manifest.json')); // fail clearly if the extension was not built
  const home = mkdtempSync(join(tmpdir(), 'fs-home-'));
  const profileDir = join(home, 'profile');
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: findChromium(),
    headless: options.headless ?? true,
    ignoreHTTPSErrors: true,
    args: [
      ...CHROMIUM_BASE_ARGS,
      ...server.chromiumArgs,
      `--disable-extensions-except=${EXTENSION_DIR}`,
      `--load-extension=${EXTENSION_DIR}`,
      ...(options.args ?? []),
    ],
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache'), XDG_DATA_HOME: join(home, '.local') },
  });
  const worker = async () => context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const extensionId = new URL((await worker()).url()).host;
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

/** The id of the tab showing `url`, as the extension sees it. */
export async function tabIdOf(worker: Worker, url: string): Promise<number> {
  const id = await worker.evaluate(async (u) => {
    const tabs = await chrome.tabs.query({});
    return tabs.find((t) => t.url === u || t.pendingUrl === u)?.id ?? null;
  }, url);
  if (id === null) throw new Error(`no tab shows ${url}`);
  return id;
}

/** The tab's record as persisted in storage.session. */
export async function storedRecord(worker: Worker, tabId: number): Promise<TabRecord | null> {
  return worker.evaluate(async (id) => {
    const key = `tab:${id}`;
    const got = await chrome.storage.session.get(key);
    return (got[key] as TabRecord | undefined) ?? null;
  }, tabId);
}

export async function storedPage(worker: Worker, tabId: number): Promise<PageRecord | null> {
  const rec = await storedRecord(worker, tabId);
  return rec?.activePageId ? rec.pages[rec.activePageId] ?? null : null;
}

export interface BrowserFrame {
  frameId: number;
  parentFrameId: number;
  url: string;
  errorOccurred: boolean;
  documentId?: string;
}
export async function allFrames(worker: Worker, tabId: number): Promise<BrowserFrame[]> {
  return worker.evaluate(async (id) => {
    const frames = (await chrome.webNavigation.getAllFrames({ tabId: id })) ?? [];
    return frames.map((f) => ({ frameId: f.frameId, parentFrameId: f.parentFrameId, url: f.url, errorOccurred: f.errorOccurred, documentId: (f as { documentId?: string }).documentId }));
  }, tabId);
}

/** The recorded tree in the browser's terms: frameId → parent, URL, error. */
export function shapeOfRecord(page: PageRecord | null) {
  return Object.values(page?.frames ?? {})
    .map((f) => ({ frameId: f.frameId, parentFrameId: f.parentFrameId, url: f.url, errorOccurred: f.status === 'error' }))
    .sort((a, b) => a.frameId - b.frameId);
}
export function shapeOfBrowser(frames: BrowserFrame[]) {
  return frames
    .map((f) => ({ frameId: f.frameId, parentFrameId: f.parentFrameId, url: f.url, errorOccurred: f.errorOccurred }))
    .sort((a, b) => a.frameId - b.frameId);
}

/**
 * Cold start: the first navigation can beat the worker's listeners. Load a warm-up page until the
 * extension has recorded it (TESTING.md), then the real test starts.
 */
export async function warmUp(launched: Launched, server: FixtureServer): Promise<Page> {
  const page = launched.context.pages()[0] ?? (await launched.context.newPage());
  const url = server.url('https', 'a.test', '/warmup.html');
  const worker = await launched.worker();
  await expect
    .poll(async () => {
      await page.goto(url);
      const rec = await storedPage(worker, await tabIdOf(worker, url));
      return rec?.frames['0']?.response?.statusCode ?? null;
    }, { timeout: 20_000 })
    .toBe(200);
  return page;
}

/** Waits until the recorded tree has the browser's shape and every live document was observed. */
export async function settledPage(worker: Worker, tabId: number): Promise<PageRecord> {
  let last: PageRecord | null = null;
  await expect
    .poll(async () => {
      const [rec, frames] = await Promise.all([storedPage(worker, tabId), allFrames(worker, tabId)]);
      last = rec;
      const same = JSON.stringify(shapeOfRecord(rec)) === JSON.stringify(shapeOfBrowser(frames));
      const observed = Object.values(rec?.frames ?? {}).every((f) => f.status === 'error' || f.observed !== undefined);
      const mapped = Object.values(rec?.frames ?? {}).every(
        (f) => f.parentFrameId === -1 || f.status === 'error' || rec?.frames[String(f.parentFrameId)]?.embeds?.some((e) => e.frameId === f.frameId),
      );
      return same && observed && mapped;
    }, { timeout: 15_000 })
    .toBe(true);
  return last!;
}

