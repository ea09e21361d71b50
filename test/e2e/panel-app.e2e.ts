/// <reference types="chrome" />
// The panel's frame in the real DevTools panel (Chromium, headless): the toolbar's export equals
// buildReport of the recorded page, "Reveal in Elements" selects the right element, a hostile page's
// strings stay text, DevTools' light and dark themes (screenshots), and a browser page says that
// extensions cannot run there.
import { readFileSync } from 'node:fs';
import { expect, test, type Frame, type Page, type Worker } from '@playwright/test';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { openPanel, REMOTE_DEBUGGING_ARG, type OpenPanel } from '../../src/cli/devtools.ts';
import { evaluatePage } from '../../src/shared/evaluate.ts';
import { buildReport, type Report } from '../../src/shared/report.ts';
import { reportToMarkdown } from '../../src/shared/report-markdown.ts';
import type { PageRecord } from '../../src/shared/snapshot.ts';
import { appRoutes, HOSTILE } from '../fixtures/app-site.ts';
import { startFixtureServer, type FixtureServer } from '../fixtures/server.ts';
import { routes } from '../fixtures/site.ts';
import { launchChromium, recordedFrameFor, settledPage, tabIdOf, warmUp, type Launched } from './harness.ts';

let server: FixtureServer;
let browser: Launched;
let page: Page;

test.describe.configure({ mode: 'serial' });

const schema = JSON.parse(readFileSync(new URL('../../schema/report.schema.json', import.meta.url), 'utf8')) as object;
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
const validate = ajv.compile(schema);
const manifest = JSON.parse(readFileSync(new URL('../../manifest.json', import.meta.url), 'utf8')) as { version: string };

test.beforeAll(async () => {
  server = await startFixtureServer({ ...routes, ...appRoutes });
  browser = await launchChromium(server, { args: [REMOTE_DEBUGGING_ARG, '--window-size=1280,800'] });
  page = await warmUp(browser, server);
});

test.afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Loads `path` and waits until the extension's record of it is complete. */
async function load(path: string, scheme: 'http' | 'https' = 'https'): Promise<{ url: string; tabId: number; worker: Worker; record: PageRecord }> {
  const url = server.url(scheme, 'a.test', path);
  await page.goto(url);
  const worker = await browser.worker();
  const tabId = await tabIdOf(worker, page.url());
  return { url: page.url(), tabId, worker, record: await settledPage(worker, tabId) };
}

/** Errors of the DevTools window (the panel's included), to show when an expectation fails. */
function collectErrors(opened: OpenPanel): string[] {
  const errors: string[] = [];
  opened.devtools.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/** Brings the Frame Security panel to the front again (after "Reveal" switched to Elements): next panel until it shows. */
async function showPanel(opened: OpenPanel) {
  const shown = async () => ((await (await opened.panel.frameElement()).boundingBox())?.width ?? 0) > 0;
  for (let i = 0; i < 40 && !(await shown()); i++) {
    await opened.devtools.keyboard.press('Control+]');
  }
  expect(await shown(), 'the Frame Security panel is shown').toBe(true);
}

/** Opens DevTools on the page (or finds it open) with the Frame Security panel in front. */
async function openShown(): Promise<OpenPanel> {
  const opened = await openPanel(browser, page);
  await showPanel(opened);
  return opened;
}

/** Evaluates in the inspected page through the panel's own chrome.devtools.inspectedWindow. */
function inspectedEval(panel: Frame, expression: string, frameURL?: string) {
  return panel.evaluate(([expr, url]) => new Promise<{ value: unknown; error: unknown }>((resolve) => {
    chrome.devtools.inspectedWindow.eval(expr!, url ? { frameURL: url } : {}, (value, error) => resolve({ value, error: error ?? null }));
  }), [expression, frameURL] as const);
}

/** Makes the panel's clipboard observable: writeText keeps what it was given. */
async function stubClipboard(panel: Frame) {
  await panel.evaluate(() => {
    const w = window as unknown as { copied: string[] };
    w.copied = [];
    Object.defineProperty(navigator.clipboard, 'writeText', { configurable: true, value: async (t: string) => void w.copied.push(t) });
  });
}
const lastCopied = (panel: Frame) => panel.evaluate(() => (window as unknown as { copied: string[] }).copied.at(-1) ?? null);

async function exportVia(opened: OpenPanel, item: string) {
  const { panel } = opened;
  await panel.locator('[data-testid=export]').click();
  await panel.locator(`[data-testid=${item}]`).click();
}

test('export: the JSON report from the toolbar is buildReport of the recorded page, frame by frame; Markdown too', async () => {
  const { tabId, worker } = await load('/app/reveal.html');
  const opened = await openShown();
  const errors = collectErrors(opened);
  try {
    const { panel } = opened;
    await expect(panel.locator('[data-testid=frame-row]')).toHaveCount(8);
    // The X-Frame-Options-refused frame is an error page: no content script ran there.
    await expect(panel.locator('[data-testid=unobserved-banner]')).toHaveAttribute('data-count', '1');
    await expect(panel.locator('[data-testid=unobserved-parts]')).toHaveText(/^1 error page \(/);
    await stubClipboard(panel);
    const uaBrowser = await worker.evaluate(async () => {
      const d = (navigator as unknown as { userAgentData: { getHighEntropyValues(h: string[]): Promise<{ fullVersionList: { brand: string; version: string }[] }> } }).userAgentData;
      return (await d.getHighEntropyValues(['fullVersionList'])).fullVersionList.find((b) => b.brand === 'Chromium')!.version;
    });

    // DevTools fetches the documents again when it opens, through the page: the record (and the
    // panel) converge. Export to the clipboard until the panel's report equals the stored record's.
    let exported: Report | null = null;
    let expected: Report | null = null;
    await expect.poll(async () => {
      await exportVia(opened, 'export-json-copy');
      await expect(panel.locator('[data-testid=toolbar-status]')).toHaveText('Copied the JSON report');
      const text = await lastCopied(panel);
      exported = JSON.parse(text!) as Report;
      const record = await settledPage(worker, tabId);
      expected = buildReport(evaluatePage(record, { engine: 'chromium' }), {
        tool: { name: 'frame-security', version: manifest.version },
        browser: { name: 'Chromium', version: uaBrowser },
        generatedAt: exported.generatedAt,
      });
      await panel.evaluate(() => ((window as unknown as { copied: string[] }).copied.length = 0));
      return JSON.stringify(exported) === JSON.stringify(expected);
    }, { message: 'the exported report equals buildReport of the stored record' }).toBe(true);
    const got = exported!;
    const want = expected!;
    expect(validate(got), JSON.stringify(validate.errors)).toBe(true);
    expect(got.frames.map((f) => f.frameId)).toEqual(want.frames.map((f) => f.frameId));
    for (const [i, f] of got.frames.entries()) expect(f, `frame ${f.frameId} (${f.url})`).toEqual(want.frames[i]);
    expect(got).toEqual(want);
    expect(got.tool).toEqual({ name: 'frame-security', version: manifest.version });
    expect(Date.now() - Date.parse(got.generatedAt)).toBeLessThan(60_000);
    expect(got.frames).toHaveLength(8);

    // Saved to a file: the download carries the same report (its own generatedAt).
    const [download] = await Promise.all([opened.devtools.waitForEvent('download'), exportVia(opened, 'export-json-file')]);
    expect(download.suggestedFilename()).toMatch(/^frame-security-a\.test-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.json$/);
    const saved = JSON.parse(readFileSync(await download.path(), 'utf8')) as Report;
    expect(validate(saved)).toBe(true);
    expect(saved).toEqual({ ...got, generatedAt: saved.generatedAt });
    await expect(panel.locator('[data-testid=toolbar-status]')).toHaveText(`Saved ${download.suggestedFilename()}`);

    // Markdown: reportToMarkdown of the same report.
    await exportVia(opened, 'export-markdown-copy');
    await expect(panel.locator('[data-testid=toolbar-status]')).toHaveText('Copied the Markdown report');
    const md = (await lastCopied(panel))!;
    const generatedAt = /, (\d{4}-\d\d-\d\dT[\d:.]+Z)\.\n/.exec(md)?.[1];
    expect(generatedAt).toBeDefined();
    expect(md).toBe(reportToMarkdown({ ...got, generatedAt: generatedAt! }));
    expect(errors).toEqual([]);
  } finally {
    await opened.disconnect();
  }
});

test('"Reveal in Elements" selects the frame element: in an open shadow root (content-script order), in a cross-site parent (frameURL), an error frame', async () => {
  const { record } = await load('/app/reveal.html');
  // The content script lists light-DOM frames first, then those of shadow roots: the shadow root's
  // iframe, second in the document, has index 4. The reveal must use the same order.
  expect(recordedFrameFor('in-shadow', record)!.element.index).toBe(4);
  expect(recordedFrameFor('after-shadow', record)!.element.index).toBe(1);
  const opened = await openShown();
  const errors = collectErrors(opened);
  try {
    const { panel } = opened;
    const reveal = panel.locator('[data-testid=reveal]');
    await panel.locator('[data-testid=frame-row][data-frame-id="0"]').click();
    await expect(reveal, 'the top-level document has no element').toBeDisabled();
    await expect(reveal).toHaveAttribute('title', 'The top-level document has no frame element to reveal');

    const cases = [
      { label: 'iframe#in-shadow', selected: `document.getElementById('host').shadowRoot.querySelector('iframe')`, frameURL: undefined },
      { label: 'iframe#after-shadow', selected: `document.getElementById('after-shadow')`, frameURL: undefined },
      { label: 'iframe#inner-b', selected: `document.getElementById('inner-b')`, frameURL: server.url('https', 'b.test', '/app/nested.html') },
      { label: 'iframe#xfo', selected: `document.getElementById('xfo')`, frameURL: undefined },
    ];
    for (const c of cases) {
      await showPanel(opened);
      await panel.locator('[data-testid=frame-label]', { hasText: c.label }).click();
      // The button is for this frame now (it was enabled for the previous one too).
      await expect(reveal).toBeEnabled();
      await expect(reveal).toHaveAttribute('title', `Select ${c.label} in the Elements panel`);
      await reveal.click();
      // DevTools switches to the Elements panel with the element selected: $0 in its document is it,
      // and the panel says which it selected (or why it could not).
      await expect.poll(async () => ({
        selected: (await inspectedEval(panel, `$0 === ${c.selected}`, c.frameURL)).value,
        status: await panel.locator('[data-testid=toolbar-status]').textContent(),
      }), { message: `$0 is ${c.label}` }).toEqual({ selected: true, status: `Selected ${c.label} in the Elements panel` });
    }
    expect(errors).toEqual([]);
  } finally {
    await opened.disconnect();
  }
});

test('a hostile page: URL, iframe ids, names, attributes and header values full of markup are shown as text', async () => {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(`page: ${d.message()}`);
    void d.dismiss();
  });
  const { record } = await load(`/app/hostile.html?q=${HOSTILE.img}#${HOSTILE.td}`);
  const opened = await openShown();
  opened.devtools.on('dialog', (d) => {
    dialogs.push(`devtools: ${d.message()}`);
    void d.dismiss();
  });
  const errors = collectErrors(opened);
  try {
    const { panel } = opened;
    await expect(panel.locator('[data-testid=frame-row]')).toHaveCount(3);
    const labels = await panel.locator('[data-testid=frame-label]').allTextContents();
    expect(labels.sort()).toEqual([`iframe#${HOSTILE.td}`, `iframe#${HOSTILE.img}`].sort());
    // Every frame's details, one after the other: the strings are there, as text.
    const seen: string[] = [];
    for (const frameId of Object.keys(record.frames)) {
      await panel.locator(`[data-testid=frame-row][data-frame-id="${frameId}"]`).click();
      await expect(panel.locator('[data-testid=frame-details]')).toHaveAttribute('data-frame-id', frameId);
      seen.push(await panel.locator('[data-testid=frame-details]').textContent() ?? '');
    }
    const all = seen.join('\n');
    for (const payload of [HOSTILE.img, HOSTILE.td]) expect(all, `the details show ${payload} as text`).toContain(payload);
    await expect(panel.locator('[data-testid=page-url]')).toHaveText(page.url());
    // …and nothing of them became markup in the panel: no image, no script but the panel's own, no handler.
    const dom = await panel.evaluate(() => ({
      images: document.querySelectorAll('img').length,
      scripts: [...document.querySelectorAll('script')].map((el) => el.getAttribute('src')),
      handlers: document.querySelectorAll('[onerror], [onload]').length,
      iframes: document.querySelectorAll('iframe').length,
    }));
    expect(dom.images).toBe(0);
    expect(dom.handlers).toBe(0);
    expect(dom.iframes).toBe(0);
    expect(dom.scripts.every((src) => src !== null && /^\.?\/?[\w/.-]+\.js$/.test(src)), JSON.stringify(dom.scripts)).toBe(true);
    // The Markdown export keeps them in code spans.
    await stubClipboard(panel);
    await exportVia(opened, 'export-markdown-copy');
    await expect(panel.locator('[data-testid=toolbar-status]')).toHaveText('Copied the Markdown report');
    const md = (await lastCopied(panel))!;
    expect(md).toContain(`\`iframe#${HOSTILE.img}\``);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
  } finally {
    await opened.disconnect();
  }
});

/** Background and text colours of the panel's own parts, as luminance (0 dark … 1 light). */
async function colours(panel: Frame) {
  return panel.evaluate(() => {
    const lum = (c: string) => {
      const m = /rgba?\(([\d.]+), ([\d.]+), ([\d.]+)(?:, ([\d.]+))?\)/.exec(c);
      if (!m || (m[4] !== undefined && Number(m[4]) === 0)) return null; // transparent
      const [r, g, b] = [m[1], m[2], m[3]].map((x) => Number(x) / 255);
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const out: { where: string; background: number | null; text: number | null }[] = [];
    const parts = document.querySelectorAll('body, [data-testid=toolbar], [data-testid=toolbar] *, .app > .banner, .app > .banner *, [data-testid=split-divider], .tree-pane, .details-pane, .empty, .empty *');
    for (const el of parts) {
      if (!(el as HTMLElement).offsetParent && el !== document.body) continue; // not shown
      const cs = getComputedStyle(el);
      out.push({ where: `${el.localName}.${[...el.classList].join('.')}[${el.getAttribute('data-testid') ?? ''}]`, background: lum(cs.backgroundColor), text: lum(cs.color) });
    }
    return out;
  });
}

test('light and dark: the panel follows DevTools\' theme as it changes (screenshots of both)', async () => {
  await load('/app/reveal.html');
  const opened = await openShown();
  try {
    const { panel, devtools } = opened;
    await expect(panel.locator('[data-testid=frame-row]')).toHaveCount(8);
    await panel.locator('[data-testid=frame-label]', { hasText: 'iframe#nested' }).click();
    await expect(panel.locator('[data-testid=frame-details]')).toBeVisible();
    // The previous test's "Copied" note fades first.
    await expect(panel.locator('[data-testid=toolbar-status]')).toHaveText('');
    const shoot = async (path: string) => {
      const box = (await (await panel.frameElement()).boundingBox())!;
      const size = devtools.viewportSize() ?? (await devtools.evaluate(() => ({ width: innerWidth, height: innerHeight })));
      await devtools.screenshot({ path, clip: { x: box.x, y: 0, width: box.width, height: size.height } });
    };

    await devtools.emulateMedia({ colorScheme: 'light' });
    await expect(panel.locator('html')).toHaveAttribute('data-theme', 'light');
    for (const c of await colours(panel)) {
      if (c.background !== null) expect(c.background, `${c.where}: a light background`).toBeGreaterThan(0.6);
      if (c.text !== null) expect(c.text, `${c.where}: dark text`).toBeLessThan(0.5);
    }
    await shoot('docs/panel-light.png');

    // DevTools follows the system's colour scheme by default: switching it switches DevTools, which
    // tells the panel (chrome.devtools.panels.setThemeChangeHandler).
    await devtools.emulateMedia({ colorScheme: 'dark' });
    await expect(panel.locator('html')).toHaveAttribute('data-theme', 'dark');
    expect(await panel.evaluate(() => chrome.devtools.panels.themeName)).toBe('dark');
    for (const c of await colours(panel)) {
      if (c.background !== null) expect(c.background, `${c.where}: a dark background`).toBeLessThan(0.35);
      if (c.text !== null) expect(c.text, `${c.where}: light text`).toBeGreaterThan(0.4);
    }
    await shoot('docs/panel-dark.png');

    await devtools.emulateMedia({ colorScheme: 'light' });
    await expect(panel.locator('html')).toHaveAttribute('data-theme', 'light');
  } finally {
    await opened.devtools.emulateMedia({ colorScheme: null }).catch(() => {});
    await opened.disconnect();
  }
});

test('a browser page: the panel says extensions cannot run there, and recovers on a web page', async () => {
  const { url } = await load('/app/reveal.html');
  const opened = await openShown();
  try {
    const { panel } = opened;
    await expect(panel.locator('[data-testid=frame-row]')).toHaveCount(8);
    await page.goto('chrome://version');
    await expect(panel.locator('[data-testid=restricted]')).toBeVisible();
    // DevTools refuses to evaluate there (and tells extensions nothing); the record names the page.
    await expect(panel.locator('[data-testid=restricted]')).toHaveAttribute('data-kind', 'browser-page');
    await expect(panel.locator('[data-testid=restricted-text]')).toHaveText(/^This is a page of the browser itself\. Browsers do not let extensions/);
    await expect(panel.locator('[data-testid=restricted-url]')).toHaveText('chrome://version/');
    await expect(panel.locator('[data-testid=reveal]')).toBeDisabled();
    await expect(panel.locator('[data-testid=export]')).toHaveAttribute('aria-disabled', 'true');
    await page.goto(url);
    await expect(panel.locator('[data-testid=restricted]')).toHaveCount(0);
    await expect(panel.locator('[data-testid=frame-row]')).toHaveCount(8);
  } finally {
    await opened.disconnect();
  }
});
