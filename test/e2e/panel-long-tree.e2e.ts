// A long frame tree in the real panel bundle (extension/panel.html in Chromium, the DevTools API stubbed
// and the background's Port replaced, as `npm run bench panel` does): from WINDOW_FROM rows on, only
// the rows in view are in the DOM. The tree must still be the whole tree: in order, scrollable to any
// row, navigable by keyboard (aria-activedescendant always names a row in the DOM), filterable, and
// live (an update of a frame out of view shows when it is scrolled to).
import { expect, test, type Page } from '@playwright/test';
import { launchChromiumWithExtension, type ChromiumWithExtension } from '../../src/cli/chromium.ts';
import { buildFrameTree, flattenFrameTree } from '../../src/shared/frame-tree.ts';
import { PROTOCOL_VERSION, type BackgroundMessage } from '../../src/shared/protocol.ts';
import { SNAPSHOT_VERSION, type FrameRecord } from '../../src/shared/snapshot.ts';
import { stubPanelApis } from '../bench/panel.ts';
import { syntheticPage } from '../bench/snapshots.ts';

const TAB_ID = 1;
const FRAMES = 1000;
const page = { ...syntheticPage(FRAMES), tabId: TAB_ID };
/** The tree's order: depth first, as the panel lists frames. */
const order = flattenFrameTree(buildFrameTree(page)).map((n) => n.frame.frameId);

let browser: ChromiumWithExtension;
let tab: Page;
test.describe.configure({ mode: 'serial' });
test.beforeAll(async () => {
  browser = await launchChromiumWithExtension({ args: ['--window-size=1200,800'] });
  await browser.context.addInitScript({
    content: `globalThis.__name ??= (f) => f; (${stubPanelApis.toString()})(${JSON.stringify({ tabId: TAB_ID, url: page.url })});`,
  });
  tab = browser.context.pages()[0] ?? (await browser.context.newPage());
  await tab.goto(`chrome-extension://${browser.extensionId}/panel.html`);
  await tab.waitForFunction(() => (window as unknown as { __bench?: { hello: unknown } }).__bench?.hello != null);
  const snapshot: BackgroundMessage = { type: 'snapshot', v: PROTOCOL_VERSION, snapshot: { version: SNAPSHOT_VERSION, tabId: TAB_ID, page }, popups: [] };
  await deliver(snapshot);
});
test.afterAll(async () => browser?.close());

const deliver = (msg: BackgroundMessage) =>
  tab.evaluate((m) => (window as unknown as { __bench: { deliver(x: unknown): void } }).__bench.deliver(m), JSON.parse(JSON.stringify(msg)) as unknown);

/** The rows in the DOM (frame ids, in DOM order), the rows the spacers stand for, and the rows in view. */
async function shown() {
  return tab.evaluate(() => {
    const rows = [...document.querySelectorAll<HTMLElement>('[data-testid="frame-row"]')];
    const h = rows[0]?.offsetHeight || 20;
    const spacer = (id: string) => Math.round((document.querySelector<HTMLElement>(`[data-testid="${id}"]`)?.offsetHeight ?? 0) / h);
    const pane = document.querySelector<HTMLElement>('[data-testid="frame-tree"]')!.closest('.pane')!.getBoundingClientRect();
    const inView = rows.filter((r) => {
      const b = r.getBoundingClientRect();
      return b.top >= pane.top - 1 && b.bottom <= pane.bottom + 1;
    });
    return {
      ids: rows.map((r) => Number(r.dataset.frameId)),
      posInSet: rows.map((r) => Number(r.getAttribute('aria-posinset'))),
      before: spacer('tree-spacer-before'),
      after: spacer('tree-spacer-after'),
      inView: inView.map((r) => Number(r.dataset.frameId)),
    };
  });
}

/** The rendered rows are a contiguous run of the tree's order, and with the spacers stand for all of it. */
async function expectConsistentWindow() {
  const s = await shown();
  expect(s.ids.length).toBeGreaterThan(10);
  expect(s.ids.length).toBeLessThan(200);
  expect(s.before + s.ids.length + s.after).toBe(FRAMES);
  expect(s.ids).toEqual(order.slice(s.before, s.before + s.ids.length));
  expect(s.inView.length).toBeGreaterThan(5);
  return s;
}

const scrollPaneTo = (where: 'top' | 'bottom' | number) =>
  tab.evaluate((w) => {
    const pane = document.querySelector<HTMLElement>('[data-testid="frame-tree"]')!.closest<HTMLElement>('.pane')!;
    pane.scrollTop = w === 'top' ? 0 : w === 'bottom' ? pane.scrollHeight : w;
  }, where);

test('a 1,000-frame tree renders the rows in view, in tree order, and its spacers stand for the rest', async () => {
  await expect.poll(async () => (await shown()).ids[0]).toBe(0);
  const s = await expectConsistentWindow();
  expect(s.before).toBe(0);
  expect(s.inView[0]).toBe(0);
});

test('scrolling shows any row: the middle, then the last, each in view and in order', async () => {
  await scrollPaneTo(500 * 20);
  await expect.poll(async () => (await shown()).inView.includes(order[500]!)).toBe(true);
  await expectConsistentWindow();
  await scrollPaneTo('bottom');
  await expect.poll(async () => (await shown()).inView.at(-1)).toBe(order.at(-1));
  const s = await expectConsistentWindow();
  expect(s.after).toBe(0);
});

test('the keyboard reaches the first and the last row; the active descendant is always a row in the DOM', async () => {
  await tab.getByTestId('frame-tree').focus();
  const active = () => tab.evaluate(() => {
    const id = document.querySelector('[data-testid="frame-tree"]')!.getAttribute('aria-activedescendant');
    const el = id ? document.getElementById(id) : null;
    return el ? { frameId: Number(el.getAttribute('data-frame-id')), selected: el.getAttribute('aria-selected') } : null;
  });
  await tab.keyboard.press('Home');
  await expect.poll(active).toEqual({ frameId: order[0], selected: 'true' });
  await expect.poll(async () => (await shown()).inView.includes(order[0]!)).toBe(true);
  await tab.keyboard.press('End');
  await expect.poll(active).toEqual({ frameId: order.at(-1), selected: 'true' });
  await expect.poll(async () => (await shown()).inView.includes(order.at(-1)!)).toBe(true);
  await tab.keyboard.press('ArrowUp');
  await expect.poll(active).toEqual({ frameId: order.at(-2), selected: 'true' });
  await expectConsistentWindow();
});

test('an update of a frame out of view shows when the frame is scrolled to', async () => {
  await scrollPaneTo('top');
  await expect.poll(async () => (await shown()).before).toBe(0);
  const target = order[700]!;
  expect((await shown()).ids).not.toContain(target);
  const f: FrameRecord = { ...page.frames[String(target)]!, status: 'error', error: 'net::ERR_LONG_TREE_TEST' };
  await deliver({ type: 'update', v: PROTOCOL_VERSION, tabId: TAB_ID, pageId: page.pageId, upserts: [f], removed: [], resources: [], resourcesRemoved: [], dropped: page.dropped });
  await scrollPaneTo(700 * 20);
  await expect(tab.locator(`[data-frame-id="${target}"] [data-testid="frame-error"]`)).toHaveText('net::ERR_LONG_TREE_TEST');
  await expectConsistentWindow();
});

test('the filter narrows the long tree to the matches and their ancestors (not windowed below WINDOW_FROM rows)', async () => {
  // A frame deep in the list with a URL of its own (three digits: no other frame's URL contains it).
  const target = order.slice(900).find((id) => id >= 100 && page.frames[String(id)]!.url.includes('/frame/'))!;
  await tab.getByTestId('filter').fill(`/frame/${target}`);
  await expect.poll(async () => (await shown()).ids.includes(target)).toBe(true);
  const s = await shown();
  expect(s.before + s.after).toBe(0);
  // The match and its ancestors, top first (a finding of another frame that names this URL may add a row).
  const ancestors: number[] = [];
  for (let f: FrameRecord | undefined = page.frames[String(target)]; f; f = page.frames[String(f.parentFrameId)]) ancestors.unshift(f.frameId);
  expect(s.ids.slice(0, ancestors.length)).toEqual(ancestors);
  expect(s.ids.length).toBeLessThan(20);
});
