// Test-side helpers over src/cli/chromium.ts: launch real Chromium with the built extension against the
// fixture server, and wait (by polling, never sleeping) for the extension's record to be complete.
import { expect, type BrowserContext, type Frame, type Page, type Worker } from '@playwright/test';
import {
  activePageOf,
  findTabId,
  launchChromiumWithExtension,
  pollUntil,
  readBrowserFrames,
  readStoredRecord,
  warmUp as warmUpExtension,
  whyIncomplete,
  type ChromiumWithExtension,
  type Recording,
} from '../../src/cli/chromium.ts';
import type { PageRecord } from '../../src/shared/snapshot.ts';
import type { FixtureServer } from '../fixtures/server.ts';

export { EXTENSION_DIR, shapeOfBrowser, shapeOfRecord, type BrowserFrame } from '../../src/cli/chromium.ts';
export type Launched = ChromiumWithExtension;

export function launchChromium(server: FixtureServer, options: { args?: string[]; headless?: boolean; recording?: Recording } = {}): Promise<Launched> {
  return launchChromiumWithExtension({ ...options, args: [...server.chromiumArgs, ...(options.args ?? [])] });
}

export async function tabIdOf(worker: Worker, url: string): Promise<number> {
  const id = await findTabId(worker, url);
  if (id === null) throw new Error(`no tab shows ${url}`);
  return id;
}

export const storedRecord = readStoredRecord;
export const allFrames = readBrowserFrames;
export async function storedPage(worker: Worker, tabId: number): Promise<PageRecord | null> {
  return activePageOf(await readStoredRecord(worker, tabId));
}

export function warmUp(launched: Launched, server: FixtureServer): Promise<Page> {
  return warmUpExtension(launched, server.url('https', 'a.test', '/warmup.html'));
}

/** Waits until the recorded tree has the browser's shape, every live document observed and mapped. */
export async function settledPage(worker: Worker, tabId: number): Promise<PageRecord> {
  let last: PageRecord | null = null;
  await expect
    .poll(async () => {
      const [rec, frames] = await Promise.all([storedPage(worker, tabId), allFrames(worker, tabId)]);
      last = rec;
      return whyIncomplete(rec, frames) ?? 'complete';
    }, { timeout: 15_000, message: 'the stored record is complete' })
    .toBe('complete');
  return last!;
}

/** The recorded frame hosted by the element with this id (ids are unique across a fixture page's frames). */
export function recordedFrameFor(elementId: string, rec: PageRecord) {
  for (const parent of Object.values(rec.frames)) {
    const el = parent.embeds?.find((e) => e.id === elementId);
    if (el) return { parent, element: el, frame: el.frameId === null ? undefined : rec.frames[String(el.frameId)] };
  }
  return undefined;
}

/** The recorded frame that is Playwright's `frame`, found through its element's id. */
export async function recordedFrameOf(page: Page, frame: Frame, rec: PageRecord) {
  if (frame === page.mainFrame()) return rec.frames['0'];
  const id = await (await frame.frameElement()).getAttribute('id');
  return id === null ? undefined : recordedFrameFor(id, rec)?.frame;
}

/**
 * Stops the extension's service worker (CDP ServiceWorker.stopWorker, from a page's session) and, with
 * `waitStopped`, waits until DevTools reports it stopped (without: when something starts it again at
 * once, as a DevTools page reconnecting does, "stopped" may never be seen). Target.closeTarget on the
 * worker target answers success but leaves it running (Chromium 156). The next event for the extension
 * starts it again.
 */
export async function stopServiceWorker(context: BrowserContext, page: Page, scriptURL: string, waitStopped = true): Promise<void> {
  const cdp = await context.newCDPSession(page);
  type Version = { versionId: string; scriptURL: string; runningStatus: string };
  let versions: Version[] = [];
  cdp.on('ServiceWorker.workerVersionUpdated', (e: { versions: Version[] }) => {
    versions = [...versions.filter((v) => !e.versions.some((n) => n.versionId === v.versionId)), ...e.versions];
  });
  await cdp.send('ServiceWorker.enable');
  const running = await pollUntil('the worker to be listed', async () => versions.find((v) => v.scriptURL === scriptURL && v.runningStatus === 'running'));
  await cdp.send('ServiceWorker.stopWorker', { versionId: running.versionId });
  if (waitStopped) await pollUntil('the worker to stop', async () => (versions.find((v) => v.versionId === running.versionId)?.runningStatus === 'stopped' ? true : undefined));
  await cdp.detach();
}
