/// <reference types="chrome" />
// The frame tree of the real DevTools panel, headless, on fixture pages: every row's badges are the
// core's verdicts on the recorded page (and agree with what each frame itself reports); hovering a row
// outlines exactly that frame element in the page (or the viewport, for the top frame) and leaving
// removes it; the keyboard moves through and folds the tree; popups opened with window.open are listed
// with whether they kept their opener.
import { expect, test, type CDPSession, type Frame, type Page } from '@playwright/test';
import { openPanel, REMOTE_DEBUGGING_ARG } from '../../src/cli/devtools.ts';
import { evaluatePage } from '../../src/shared/evaluate.ts';
import type { PageRecord } from '../../src/shared/snapshot.ts';
import { startFixtureServer, type FixtureServer } from '../fixtures/server.ts';
import { routes } from '../fixtures/site.ts';
import { LABELLED_FRAMES, treeRoutes } from '../fixtures/tree-site.ts';
import { byFrameId, expectedRow, expectRowsAgreeWithFrames, readShownRows, type ShownRow } from './panel-rows.ts';
import { launchChromium, recordedFrameFor, settledPage, storedPage, tabIdOf, warmUp, type Launched } from './harness.ts';

let server: FixtureServer;
let browser: Launched;
let page: Page;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  server = await startFixtureServer({ ...routes, ...treeRoutes });
  browser = await launchChromium(server, { args: [REMOTE_DEBUGGING_ARG, '--window-size=1280,900'] });
  page = await warmUp(browser, server);
});

test.afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Loads a fixture page, waits for its complete record and opens the real DevTools panel on it. */
async function inspect(path: string, scheme: 'http' | 'https' = 'https') {
  const url = server.url(scheme, 'a.test', path);
  await page.goto(url);
  const worker = await browser.worker();
  const tabId = await tabIdOf(worker, url);
  const record = await settledPage(worker, tabId);
  // (openPanel brings the DevTools window to the front and waits until the panel renders: a window
  // behind others, or a panel not shown, gets no animation frames, and a hover waited 90 s for one.)
  const opened = await openPanel(browser, page);
  return { url, worker, tabId, record, opened, panel: opened.panel };
}

for (const [path, scheme] of [['/zoo.html', 'https'], ['/iso/both.html', 'https'], ['/secure/insecure-top.html', 'http']] as const) {
  test(`${path}: every row's badges are the core's verdicts on the recorded page, and agree with the frame itself`, async () => {
    const { worker, tabId, opened, panel } = await inspect(path, scheme);
    try {
      let record: PageRecord | null = null;
      let expected: ShownRow[] = [];
      // Live updates may still arrive (DevTools re-fetches, late observations): converge on the record.
      await expect.poll(async () => {
        record = await storedPage(worker, tabId);
        if (!record) return 'no record';
        expected = evaluatePage(record, { engine: 'chromium' }).frames.map(expectedRow).sort(byFrameId);
        const shown = (await panel.evaluate(readShownRows)).sort(byFrameId);
        return JSON.stringify(shown) === JSON.stringify(expected) ? 'equal' : JSON.stringify({ shown, expected });
      }, { message: 'the panel shows the core\'s badges for every frame' }).toBe('equal');
      const rec = record as unknown as PageRecord;
      // And what each frame reported of itself agrees with the badges it got.
      const checked = expectRowsAgreeWithFrames(expected, rec);
      for (const row of expected) {
        const f = rec.frames[String(row.frameId)]!;
        if (row.badges.includes('blocked')) expect(f.error).toBe('net::ERR_BLOCKED_BY_RESPONSE');
      }
      const all = expected.flatMap((r) => r.badges);
      if (path === '/zoo.html') {
        expect(all).toEqual(expect.arrayContaining(['secure', 'not secure', 'sandboxed · 2 lifted', 'sandboxed · 0 lifted', 'opaque origin', 'blocked', 'same-origin', 'same-site', 'cross-site']));
      }
      if (path === '/iso/both.html') {
        expect(all.filter((b) => b === 'blocked').length).toBeGreaterThanOrEqual(4);
        expect(all.filter((b) => b === 'cross-origin isolated').length).toBeGreaterThanOrEqual(3);
      }
      if (path === '/secure/insecure-top.html') expect(all).not.toContain('secure');
      // The tree's stylesheet is applied (imported by the component, linked by the build).
      const style = await panel.locator('[data-testid=frame-badge]', { hasText: /^(not )?secure$/ }).first().evaluate((b) => {
        const s = getComputedStyle(b);
        return { radius: s.borderRadius, size: s.fontSize, color: s.color, kind: b.getAttribute('data-badge') };
      });
      expect(style).toMatchObject({ radius: '2px', size: '11px' });
      expect(style.color).toBe(style.kind === 'secure' ? 'rgb(19, 115, 51)' : 'rgb(217, 48, 37)');
      console.log(`${path}: ${expected.length} rows, ${checked} compared with the frame's own report`);
    } finally {
      await opened.disconnect();
    }
  });
}

// ── the outline in the page ─────────────────────────────────────────────────────────────────────
interface Rect { x: number; y: number; width: number; height: number }
const RECT = 'function () { const r = this.getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height }; }';
type DomNode = { nodeName: string; localName: string; backendNodeId: number; attributes?: string[]; children?: DomNode[]; shadowRoots?: (DomNode & { shadowRootType: string })[] };

/**
 * The outline's box in one document, read through CDP (which sees into closed shadow roots), or null
 * when there is none. Also says whether its shadow root is closed.
 */
async function outlineIn(session: CDPSession): Promise<(Rect & { closed: boolean }) | null> {
  const { root } = (await session.send('DOM.getDocument', { depth: -1, pierce: true })) as { root: DomNode };
  const find = (n: DomNode): DomNode | null => {
    if (n.attributes?.includes('data-frame-security-overlay')) return n;
    for (const c of n.children ?? []) { // not into frames' documents: this document only
      const hit = find(c);
      if (hit) return hit;
    }
    return null;
  };
  const host = find(root);
  if (!host) return null;
  const shadow = host.shadowRoots?.[0];
  const box = shadow?.children?.find((c) => c.localName === 'div');
  if (!shadow || !box) return null;
  const { object } = (await session.send('DOM.resolveNode', { backendNodeId: box.backendNodeId })) as { object: { objectId: string } };
  const { result } = (await session.send('Runtime.callFunctionOn', { objectId: object.objectId, functionDeclaration: RECT, returnByValue: true })) as { result: { value: Rect } };
  return { ...result.value, closed: shadow.shadowRootType === 'closed' };
}

const rectOf = (frame: Frame, id: string) => frame.evaluate((elementId) => {
  const r = document.getElementById(elementId)!.getBoundingClientRect();
  return { x: r.x, y: r.y, width: r.width, height: r.height };
}, id);
const rectOfTitled = (frame: Frame, selector: string) => frame.locator(selector).evaluate((el) => {
  const r = el.getBoundingClientRect();
  return { x: r.x, y: r.y, width: r.width, height: r.height };
});

test('hovering a row outlines exactly that frame element in the page; leaving the row removes it', async () => {
  const { record, opened, panel } = await inspect('/tree/labels.html');
  const session = await browser.context.newCDPSession(page);
  try {
    const row = (frameId: number) => panel.locator(`[data-testid=frame-row][data-frame-id="${frameId}"]`);
    const away = () => panel.locator('[data-testid=popups] h2').hover();
    const outline = async () => {
      const o = await outlineIn(session);
      return o && { x: o.x, y: o.y, width: o.width, height: o.height };
    };
    // Labels: the element's id, title or name; the URL when it has none.
    for (const [id, { label }] of Object.entries(LABELLED_FRAMES)) {
      await expect(panel.locator('[data-testid=frame-label]', { hasText: label }), id).toHaveCount(1);
    }
    const byLabel: Record<string, number> = {};
    for (const parent of Object.values(record.frames)) for (const e of parent.embeds ?? []) if (e.frameId !== null) byLabel[e.id ?? e.title ?? e.name ?? e.src ?? 'srcdoc'] = e.frameId;
    const targets: [string, number, () => Promise<Rect>][] = [
      ['iframe#placed', byLabel['placed']!, () => rectOf(page.mainFrame(), 'placed')],
      ['iframe[title=Payment form]', byLabel['Payment form']!, () => rectOfTitled(page.mainFrame(), 'iframe[title="Payment form"]')],
      ['iframe[name=named]', byLabel['named']!, () => rectOfTitled(page.mainFrame(), 'iframe[name=named]')],
      ['the unlabelled sandboxed srcdoc', byLabel['srcdoc']!, () => rectOfTitled(page.mainFrame(), 'iframe[srcdoc]')],
    ];
    await expect.poll(outline, { message: 'no outline before any hover' }).toBeNull();
    for (const [what, frameId, rect] of targets) {
      await row(frameId).hover();
      const want = await rect();
      expect(want.width, what).toBeGreaterThan(0);
      await expect.poll(outline, { message: `the outline covers ${what}` }).toEqual(want);
      const o = await outlineIn(session);
      expect(o?.closed, 'the outline lives in a closed shadow root').toBe(true);
    }
    // The page cannot read the outline: the host's shadow root is closed, and the page's own styles
    // (which name the host and hide every div) do not hide it.
    expect(await page.evaluate(() => {
      const host = document.querySelector('[data-frame-security-overlay]');
      return host ? { shadowRoot: host.shadowRoot, display: getComputedStyle(host).display } : 'no host';
    })).toEqual({ shadowRoot: null, display: 'block' });
    // It follows the element when the page scrolls.
    await page.evaluate(() => window.scrollTo(0, 120));
    const scrolled = await rectOfTitled(page.mainFrame(), 'iframe[srcdoc]');
    expect(scrolled.y).toBeLessThan(0);
    await expect.poll(outline, { message: 'the outline follows the scroll' }).toEqual(scrolled);
    await page.evaluate(() => window.scrollTo(0, 0));
    // Leaving the tree removes the outline.
    await away();
    await expect.poll(outline, { message: 'no outline after the mouse left' }).toBeNull();
    // The top frame: the viewport.
    await row(0).hover();
    const viewport = await page.evaluate(() => ({ x: 0, y: 0, width: document.documentElement.clientWidth, height: document.documentElement.clientHeight }));
    await expect.poll(outline, { message: 'the top frame outlines the viewport' }).toEqual(viewport);
    await away();
    await expect.poll(outline).toBeNull();
  } finally {
    await session.detach().catch(() => {}); // after a timeout the browser may be gone: keep the real error
    await opened.disconnect();
  }
});

test('a frame nested in a cross-site frame is outlined by that frame\'s document; closing the panel removes the outline', async () => {
  const { record, opened, panel } = await inspect('/zoo.html');
  const level2 = recordedFrameFor('level-2', record)!;
  const nested = page.frames().find((f) => f.url().includes('/frames/nested.html'))!;
  const nestedSession = await browser.context.newCDPSession(nested); // an out-of-process frame
  const topSession = await browser.context.newCDPSession(page);
  try {
    await panel.locator('[data-testid=frame-label]', { hasText: 'iframe#nested' }).scrollIntoViewIfNeeded();
    await panel.locator(`[data-testid=frame-row][data-frame-id="${level2.frame!.frameId}"]`).hover();
    const want = await rectOf(nested, 'level-2');
    await expect.poll(async () => {
      const o = await outlineIn(nestedSession);
      return o && { x: o.x, y: o.y, width: o.width, height: o.height };
    }, { message: 'the outline is drawn in the nested document over level-2' }).toEqual(want);
    expect(await outlineIn(topSession), 'nothing in the top document').toBeNull();
    // Hover the nested frame itself: its outline moves to the top document, and goes from the nested one.
    await panel.locator(`[data-testid=frame-row][data-frame-id="${level2.parent.frameId}"]`).hover();
    const nestedRect = await rectOf(page.mainFrame(), 'nested');
    await expect.poll(async () => {
      const o = await outlineIn(topSession);
      return o && { x: o.x, y: o.y, width: o.width, height: o.height };
    }).toEqual(nestedRect);
    await expect.poll(() => outlineIn(nestedSession)).toBeNull();
    // Closing DevTools' connection to the panel does not close the panel: close the DevTools window.
    await opened.devtools.close();
    await expect.poll(() => outlineIn(topSession), { message: 'closing the panel removes the outline' }).toBeNull();
  } finally {
    await nestedSession.detach().catch(() => {});
    await topSession.detach();
    await opened.disconnect();
  }
});

// ── keyboard ────────────────────────────────────────────────────────────────────────────────────
test('the keyboard moves through and folds the tree, and the selected frame is outlined while the tree has the focus', async () => {
  const { record, opened, panel } = await inspect('/zoo.html');
  const session = await browser.context.newCDPSession(page);
  const keys = opened.devtools.keyboard;
  try {
    const rows = panel.locator('[data-testid=frame-row]');
    await expect(rows).toHaveCount(Object.keys(record.frames).length);
    const selected = panel.locator('[data-testid=frame-row][aria-selected=true]');
    const ids = await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-frame-id')));
    // ARIA: a flat tree with levels, positions and set sizes.
    const top = panel.locator('[data-testid=frame-row][data-frame-id="0"]');
    await expect(top).toHaveAttribute('aria-expanded', 'true');
    await expect(top).toHaveAttribute('aria-setsize', '1');
    await expect(rows.nth(1)).toHaveAttribute('aria-posinset', '1');
    await expect(rows.nth(1)).toHaveAttribute('aria-setsize', String(record.frames['0']!.embeds!.length));
    await panel.locator('[data-testid=frame-tree]').focus();
    await keys.press('Home');
    await expect(selected).toHaveAttribute('data-frame-id', ids[0]!);
    // The focused tree outlines the selection: the top frame, the viewport.
    await expect.poll(async () => (await outlineIn(session))?.x).toBe(0);
    await keys.press('ArrowDown');
    await expect(selected).toHaveAttribute('data-frame-id', ids[1]!);
    const first = recordedFrameFor('same-origin', record)!;
    expect(ids[1]).toBe(String(first.frame!.frameId));
    const want = await rectOf(page.mainFrame(), 'same-origin');
    await expect.poll(async () => {
      const o = await outlineIn(session);
      return o && { x: o.x, y: o.y, width: o.width, height: o.height };
    }, { message: 'the keyboard selection is outlined' }).toEqual(want);
    await keys.press('End');
    await expect(selected).toHaveAttribute('data-frame-id', ids.at(-1)!);
    await keys.press('ArrowUp');
    await expect(selected).toHaveAttribute('data-frame-id', ids.at(-2)!);
    // Left on the nested frame folds it, Left again goes to the top; Right unfolds, Right enters.
    const nested = recordedFrameFor('nested', record)!.frame!.frameId;
    const level2 = recordedFrameFor('level-2', record)!.frame!.frameId;
    await panel.locator(`[data-testid=frame-row][data-frame-id="${nested}"]`).click();
    await keys.press('ArrowLeft');
    await expect(panel.locator(`[data-testid=frame-row][data-frame-id="${nested}"]`)).toHaveAttribute('aria-expanded', 'false');
    await expect(panel.locator(`[data-testid=frame-row][data-frame-id="${level2}"]`)).toHaveCount(0);
    await keys.press('ArrowRight');
    await expect(panel.locator(`[data-testid=frame-row][data-frame-id="${nested}"]`)).toHaveAttribute('aria-expanded', 'true');
    await keys.press('ArrowRight');
    await expect(selected).toHaveAttribute('data-frame-id', String(level2));
    await keys.press('ArrowLeft');
    await expect(selected).toHaveAttribute('data-frame-id', String(nested));
    await keys.press('ArrowLeft');
    await keys.press('ArrowLeft');
    await expect(selected).toHaveAttribute('data-frame-id', '0');
    // The filter and only-problems keep a tree: the top stays as context.
    await panel.locator('[data-testid=filter]').fill('level-2');
    await expect.poll(() => rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-frame-id')))).toEqual(['0', String(nested), String(level2)]);
    await panel.locator('[data-testid=filter]').fill('');
    await panel.locator('[data-testid=only-problems]').check();
    const problems = evaluatePage(record, { engine: 'chromium' }).frames.filter((e) => e.findings.some((f) => f.severity !== 'info')).map((e) => e.frameId);
    expect(problems.length).toBeGreaterThan(0);
    await expect.poll(async () => (await rows.evaluateAll((rs) => rs.filter((r) => !r.classList.contains('context')).map((r) => Number(r.getAttribute('data-frame-id'))))).sort()).toEqual(problems.sort());
    await panel.locator('[data-testid=only-problems]').uncheck();
    await expect.poll(() => outlineIn(session), { message: 'the tree lost the focus to the toggle: no outline' }).toBeNull();
    // Back in the tree, the selection (the top frame) is outlined again; a click outside the tree removes it.
    await panel.locator('[data-testid=frame-tree]').focus();
    await expect.poll(async () => (await outlineIn(session))?.width).toBe(await page.evaluate(() => document.documentElement.clientWidth));
    await panel.locator('[data-testid=popups] h2').click();
    await expect.poll(() => outlineIn(session)).toBeNull();
  } finally {
    await session.detach().catch(() => {}); // after a timeout the browser may be gone: keep the real error
    await opened.disconnect();
  }
});

// ── popups ──────────────────────────────────────────────────────────────────────────────────────
test('popups opened with window.open are listed with whether they kept their opener, as the core and the popup say', async () => {
  const { worker, opened, panel } = await inspect('/iso/opener-none.html');
  const popups: Page[] = [];
  try {
    await expect(panel.locator('[data-testid=popups] h2')).toHaveText('Popups opened by this tab (0)');
    const open = async (path: string) => {
      const url = server.url('https', 'a.test', path);
      const [popup] = await Promise.all([browser.context.waitForEvent('page'), page.evaluate((u) => (window as unknown as { openPopup(u: string): boolean }).openPopup(u), url)]);
      popups.push(popup);
      await popup.waitForURL(url);
      return { url, popup, tabId: await tabIdOf(worker, url) };
    };
    const kept = await open('/iso/popup-none.html');
    const cut = await open('/iso/popup-same-origin.html');
    const shown = () => panel.locator('[data-testid=popup]').evaluateAll((lis) => lis.map((li) => [
      Number(li.getAttribute('data-tab-id')), li.querySelector('[data-testid=popup-url]')?.textContent, li.querySelector('[data-testid=popup-opener]')?.textContent,
    ]));
    // The core's verdict for each popup's record, and what each popup itself sees.
    const verdict = async (p: { popup: Page; tabId: number }) => {
      const rec = await settledPage(worker, p.tabId);
      const survives = evaluatePage(rec, { engine: 'chromium' }).openerSurvives;
      const seen = await p.popup.evaluate(() => window.opener !== null);
      expect(survives?.kept, 'the core agrees with the popup').toBe(seen);
      return survives!.kept ? 'opener kept' : 'opener cut';
    };
    expect(await verdict(kept)).toBe('opener kept');
    expect(await verdict(cut)).toBe('opener cut');
    await expect.poll(shown, { message: 'the panel lists both popups as the core judges them' }).toEqual([
      [kept.tabId, kept.url, 'opener kept'],
      [cut.tabId, cut.url, 'opener cut'],
    ]);
    await expect(panel.locator('[data-testid=popups] h2')).toHaveText('Popups opened by this tab (2)');
    // A closed popup leaves the list.
    await kept.popup.close();
    await expect.poll(shown).toEqual([[cut.tabId, cut.url, 'opener cut']]);
  } finally {
    for (const p of popups) await p.close().catch(() => {});
    await opened.disconnect();
  }
});
