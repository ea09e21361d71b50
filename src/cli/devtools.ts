// Opening the real DevTools window on a tab and selecting the Frame Security panel (TESTING.md, route 1).
// Needs Chromium launched with --remote-debugging-port=0. Works headless and headed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { pollUntil, type ChromiumWithExtension } from './chromium.ts';

export const REMOTE_DEBUGGING_ARG = '--remote-debugging-port=0';

export interface OpenPanel {
  /** The DevTools window, as a page of a second CDP connection. */
  devtools: Page;
  /** The Frame Security panel inside it. */
  panel: Frame;
  /** Drops the second connection (the browser and DevTools stay open). */
  disconnect(): Promise<void>;
}

export function debuggingPort(browser: ChromiumWithExtension): string {
  const port = readFileSync(join(browser.profileDir, 'DevToolsActivePort'), 'utf8').split('\n')[0]?.trim();
  if (!port) throw new Error('Chromium was not started with --remote-debugging-port=0');
  return port;
}

export async function openPanel(browser: ChromiumWithExtension, page: Page): Promise<OpenPanel> {
  const port = debuggingPort(browser);
  const endpoint = `http://127.0.0.1:${port}`;
  const session = await browser.context.newCDPSession(page);
  const { targetInfo } = (await session.send('Target.getTargetInfo')) as { targetInfo: { targetId: string } };
  await session.detach();

  // Target.openDevTools is a browser-level command: it needs a browser session of its own.
  const opener: Browser = await chromium.connectOverCDP(endpoint);
  let devtoolsTargetId: string;
  try {
    const bs = await opener.newBrowserCDPSession();
    ({ targetId: devtoolsTargetId } = (await bs.send('Target.openDevTools' as never, { targetId: targetInfo.targetId } as never)) as {
      targetId: string;
    });
  } finally {
    await opener.close();
  }
  // The DevTools target starts as type "other" and becomes a "page" a few hundred ms later; only then
  // does a new connection see it as a Page.
  await pollUntil('the DevTools window to open', async () => {
    const list = (await (await fetch(`${endpoint}/json/list`)).json()) as { id: string; type: string }[];
    return list.some((t) => t.id === devtoolsTargetId && t.type === 'page') ? true : undefined;
  });
  const cdp = await chromium.connectOverCDP(endpoint);
  const devtools = await pollUntil('the DevTools page', async () => {
    for (const p of cdp.contexts().flatMap((c) => c.pages())) {
      if (!p.url().startsWith('devtools://')) continue;
      const s = await p.context().newCDPSession(p);
      const { targetInfo: info } = (await s.send('Target.getTargetInfo')) as { targetInfo: { targetId: string } };
      await s.detach();
      if (info.targetId === devtoolsTargetId) return p;
    }
    return undefined;
  });
  // Extension panels are created when first shown: step through the panel tabs until ours exists.
  const isPanel = (f: Frame) => f.url() === `chrome-extension://${browser.extensionId}/panel.html`;
  const panel = await pollUntil('the Frame Security panel', async () => {
    const found = devtools.frames().find(isPanel);
    if (found) return found;
    await devtools.keyboard.press('Control+]');
    return undefined;
  }, 20_000);
  await whenShown(devtools, panel);
  return { devtools, panel, disconnect: () => cdp.close() };
}

/**
 * Whether the panel's document gets animation frames within a second: only a shown panel in a window
 * that renders does (a panel behind another DevTools tab, or a window behind others, gets none, and
 * then nothing that waits for a frame, like a hover or a stable layout, ever finishes).
 */
const renders = (panel: Frame) => panel.evaluate(() => new Promise<string>((resolve) => {
  requestAnimationFrame(() => resolve('rendering'));
  setTimeout(() => resolve(`no animation frame in 1 s (visibilityState ${document.visibilityState}, focus ${document.hasFocus()})`), 1000);
}));

/**
 * Brings the DevTools window to the front and makes sure the panel is the one it shows: DevTools reused
 * for the tab shows whichever panel was selected last. Throws, saying what the panel saw, when it does
 * not render within 20 s.
 */
async function whenShown(devtools: Page, panel: Frame): Promise<void> {
  let last = '';
  let attempt = 0;
  await pollUntil('the Frame Security panel to be shown', async () => {
    await devtools.bringToFront();
    last = await renders(panel);
    if (last === 'rendering') return true;
    // The window is in front: another panel is shown. The next one, until ours is.
    if (attempt++ > 0) await devtools.keyboard.press('Control+]');
    return undefined;
  }, 20_000).catch((e: unknown) => {
    throw new Error(`${e instanceof Error ? e.message : String(e)} Last: ${last}.`);
  });
}
