// @vitest-environment happy-dom
// The panel's frame (App, toolbar, states, split, theme, export, reveal) rendered in happy-dom with a
// fake PanelHost: the export equals buildReport of the panel's evaluation and validates against the
// report schema; every state says what it should; the split resizes by keyboard and remembers; the
// theme follows DevTools; page-controlled strings stay text. And a 500-frame page: render time
// reported, the evaluation computed once for the tree, the details and every selection.
import { signal } from '@preact/signals';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { App, restrictionOf } from '../../src/panel/components/App.tsx';
import { SplitPane, SPLIT_BIG_STEP, SPLIT_MIN, SPLIT_STEP, SPLIT_STORAGE_KEY, DETAILS_MIN } from '../../src/panel/components/SplitPane.tsx';
import { unobservedCounts } from '../../src/panel/components/States.tsx';
import { browserInfo, copyText, exportReport, reportFileName, reportText, saveText, type CopyResult } from '../../src/panel/export.ts';
import {
  applyTheme,
  isPermissionDenied,
  restrictedKind,
  revealExpression,
  revealTargetOf,
  watchTheme,
  type InspectedPage,
  type PanelHost,
  type RevealOutcome,
  type RevealTarget,
} from '../../src/panel/inspected.ts';
import { createStore, type Store } from '../../src/panel/store.ts';
import type { ConnectionState } from '../../src/panel/transport.ts';
import { evaluatePage } from '../../src/shared/evaluate.ts';
import { buildReport, type Report, type ReportMeta } from '../../src/shared/report.ts';
import { reportToMarkdown } from '../../src/shared/report-markdown.ts';
import type { EmbedElement, FrameRecord, HeaderLine, PageRecord } from '../../src/shared/snapshot.ts';

// Counts the analyses: the panel must evaluate a snapshot once, not per row or per selection.
const evaluations = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../src/shared/evaluate.ts', async (importOriginal) => {
  const mod = await importOriginal<typeof import('../../src/shared/evaluate.ts')>();
  return { ...mod, evaluatePage: (...args: Parameters<typeof mod.evaluatePage>) => (evaluations.count++, mod.evaluatePage(...args)) };
});

const schema = JSON.parse(readFileSync(join(import.meta.dirname, '../../schema/report.schema.json'), 'utf8')) as object;
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
const validate = ajv.compile(schema);

// ── records ──────────────────────────────────────────────────────────────────────────────────────
const TAB = 7;
const el = (index: number, frameId: number | null, over: Partial<EmbedElement> = {}): EmbedElement => ({
  tag: 'iframe', index, frameId, mappedBy: 'getFrameId', id: null, name: null, src: null,
  srcdoc: false, sandbox: null, allow: null, referrerPolicy: null, loading: null,
  credentialless: { attribute: false, property: null }, ...over,
});
const observed = (url: string, origin: string, secure = true) => ({
  url, origin, isSecureContext: secure, crossOriginIsolated: false, documentDomain: null, originAgentCluster: false, observedAt: 1,
});
const fr = (frameId: number, parentFrameId: number, url: string, over: Partial<FrameRecord> = {}): FrameRecord => ({
  frameId, parentFrameId, url, status: 'loaded', updatedAt: 1, ...over,
});
const response = (url: string, headers: HeaderLine[]) => ({ response: { url, statusCode: 200, statusLine: 'HTTP/1.1 200 OK', headers, fromCache: false, timeStamp: 1 } });
const pageOf = (frames: FrameRecord[], over: Partial<PageRecord> = {}): PageRecord => ({
  pageId: 'P', tabId: TAB, url: frames[0]!.url, startedAt: 1, lifecycle: 'active',
  frames: Object.fromEntries(frames.map((f) => [String(f.frameId), f])), dropped: { frames: 0 }, ...over,
});

/** A top page with a sandboxed child, a cross-site child holding a grandchild, and a COEP-blocked error frame. */
const PAGE = pageOf([
  fr(0, -1, 'https://a.test/#top', {
    ...response('https://a.test/', [['Cross-Origin-Embedder-Policy', 'require-corp']]),
    observed: observed('https://a.test/#top', 'https://a.test'),
    embeds: [el(0, 1, { id: 'sb', sandbox: 'allow-scripts', src: '/f' }), el(1, 2, { name: 'x', src: 'https://b.test/n#frag' }), el(2, 4, { id: 'blocked', src: 'https://c.test/' })],
  }),
  fr(1, 0, 'https://a.test/f', { observed: observed('https://a.test/f', 'null') }),
  fr(2, 0, 'https://b.test/n#frag', { observed: observed('https://b.test/n#frag', 'https://b.test'), embeds: [el(0, 3, { id: 'inner', src: '/leaf' })] }),
  fr(3, 2, 'https://b.test/leaf', { observed: observed('https://b.test/leaf', 'https://b.test') }),
  fr(4, 0, 'https://c.test/', { status: 'error', error: 'net::ERR_BLOCKED_BY_RESPONSE', ...response('https://c.test/', []) }),
]);
const POPUP = pageOf([fr(0, -1, 'https://b.test/popup', response('https://b.test/popup', [['Cross-Origin-Opener-Policy', 'same-origin']]))], {
  pageId: 'Q', tabId: 9, openedBy: { tabId: TAB, frameId: 0, url: 'https://a.test/', at: 1, chain: [fr(0, -1, 'https://a.test/')] },
});
const META: ReportMeta = { tool: { name: 'frame-security', version: '0.1.0' }, browser: { name: 'Chromium', version: '156.0.7523.0' }, generatedAt: '2026-11-22T08:00:00.000Z' };

// ── a fake host and a mounted panel ─────────────────────────────────────────────────────────────
interface FakeHost extends PanelHost {
  saved: { fileName: string; text: string; mime: string }[];
  copied: string[];
  revealed: RevealTarget[];
  calls: string[];
}
function fakeHost(over: { copy?: CopyResult; reveal?: RevealOutcome; engine?: 'chromium' | 'firefox' } = {}): FakeHost {
  const h: FakeHost = {
    engine: over.engine ?? 'chromium',
    saved: [], copied: [], revealed: [], calls: [],
    reloadPage: () => void h.calls.push('reloadPage'),
    reloadDevTools: () => void h.calls.push('reloadDevTools'),
    openOptions: () => void h.calls.push('openOptions'),
    reveal: async (t) => (h.revealed.push(t), over.reveal ?? 'ok'),
    reportMeta: async () => ({ ...META, generatedAt: new Date().toISOString() }),
    save: (fileName, text, mime) => void h.saved.push({ fileName, text, mime }),
    copy: async (text) => (h.copied.push(text), over.copy ?? 'clipboard'),
  };
  return h;
}

let root: HTMLElement;
beforeEach(() => {
  root = document.createElement('div');
  document.body.append(root);
  evaluations.count = 0;
});
afterEach(() => {
  render(null, root);
  root.remove();
  localStorage.clear();
});

function storeWith(page: PageRecord | null, connection: ConnectionState = 'connected', engine: 'chromium' | 'firefox' = 'chromium'): Store {
  const store = createStore(engine);
  store.applySnapshot({ snapshot: { version: 1, tabId: TAB, page } });
  store.connection.value = connection;
  return store;
}
async function mount(store: Store, host: PanelHost = fakeHost(), inspected: InspectedPage | null = null) {
  const insp = signal(inspected);
  await act(() => render(<App store={store} host={host} inspected={insp} />, root));
  return { insp };
}
const $ = (testid: string) => root.querySelector<HTMLElement>(`[data-testid="${testid}"]`);
const text = (testid: string) => $(testid)?.textContent ?? null;
async function click(testid: string) {
  const node = $(testid);
  if (!node) throw new Error(`no ${testid}`);
  await act(async () => {
    node.click();
    // Let the export's promises (meta, popups, copy) settle.
    for (let i = 0; i < 5; i++) await Promise.resolve();
  });
  await act(async () => { await new Promise((r) => setTimeout(r, 0)); });
}

// ── export ──────────────────────────────────────────────────────────────────────────────────────
describe('export', () => {
  test('Save as JSON: the file is buildReport of the panel\'s evaluation (generatedAt aside), validates against the schema, as the CLI prints it', async () => {
    const store = storeWith(PAGE);
    const host = fakeHost();
    await mount(store, host);
    await click('export-json-file');
    expect(host.saved).toHaveLength(1);
    const { fileName, text: json, mime } = host.saved[0]!;
    expect(mime).toBe('application/json');
    const report = JSON.parse(json) as Report;
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    const expected = buildReport(store.evaluation.value!, { ...META, generatedAt: report.generatedAt }, []);
    expect(report).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(json).toBe(`${JSON.stringify(expected, null, 2)}\n`);
    expect(Math.abs(Date.now() - Date.parse(report.generatedAt))).toBeLessThan(5000);
    expect(report.frames.map((f) => f.frameId)).toEqual([0, 1, 2, 3, 4]);
    expect(fileName).toBe(reportFileName(report, 'json'));
    expect(fileName).toMatch(/^frame-security-a\.test-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.json$/);
    expect(text('toolbar-status')).toBe(`Saved ${fileName}`);
  });

  test('Copy as JSON: the same text on the clipboard, and "Copied"', async () => {
    const store = storeWith(PAGE);
    const host = fakeHost();
    await mount(store, host);
    await click('export-json-copy');
    const report = JSON.parse(host.copied[0]!) as Report;
    expect(validate(report)).toBe(true);
    expect(report).toEqual(JSON.parse(JSON.stringify(buildReport(store.evaluation.value!, { ...META, generatedAt: report.generatedAt }))));
    expect(text('toolbar-status')).toBe('Copied the JSON report');
  });

  test('Markdown, saved and copied: reportToMarkdown of the same report', async () => {
    const store = storeWith(PAGE);
    const host = fakeHost();
    await mount(store, host);
    await click('export-markdown-file');
    await click('export-markdown-copy');
    const [saved] = host.saved;
    expect(saved!.mime).toBe('text/markdown');
    expect(saved!.fileName).toMatch(/\.md$/);
    for (const md of [saved!.text, host.copied[0]!]) {
      const generatedAt = /, (\S+Z)\.\n/.exec(md)![1]!;
      expect(md).toBe(reportToMarkdown(buildReport(store.evaluation.value!, { ...META, generatedAt })));
    }
    expect(saved!.text).toContain('# Frame Security report: `https://a.test/#top`');
    expect(text('toolbar-status')).toBe('Copied the Markdown report');
  });

  test('the pages this tab opened (popups, as the background sends them) are in the report, as the CLI includes them', async () => {
    const store = storeWith(PAGE);
    store.popupRecords.value = [{ tabId: 9, page: POPUP }];
    const host = fakeHost();
    await mount(store, host);
    await click('export-json-copy');
    const report = JSON.parse(host.copied[0]!) as Report;
    const popup = evaluatePage(POPUP, { engine: 'chromium' });
    expect(popup.openerSurvives).not.toBeNull();
    expect(report.popups).toEqual([{ tabId: 9, url: 'https://b.test/popup', openerKept: popup.openerSurvives!.kept, step: popup.openerSurvives!.step }]);
    expect(report).toEqual(JSON.parse(JSON.stringify(buildReport(store.evaluation.value!, { ...META, generatedAt: report.generatedAt }, [popup]))));
    expect(validate(report)).toBe(true);
  });

  test('a refused clipboard says so', async () => {
    const host = fakeHost({ copy: 'failed' });
    await mount(storeWith(PAGE), host);
    await click('export-json-copy');
    expect(text('toolbar-status')).toBe('Copying was refused: use Save instead');
  });

  test('the export menu closes after a choice, on Escape and on a click elsewhere', async () => {
    await mount(storeWith(PAGE));
    const menu = $('export-menu') as HTMLDetailsElement;
    await act(() => void (menu.open = true));
    await click('export-json-copy');
    expect(menu.open).toBe(false);
    menu.open = true;
    await act(() => void document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })));
    expect(menu.open).toBe(false);
    menu.open = true;
    await act(() => void $('export-json-file')!.dispatchEvent(new Event('pointerdown', { bubbles: true })));
    expect(menu.open).toBe(true);
    await act(() => void root.querySelector('.details-pane')!.dispatchEvent(new Event('pointerdown', { bubbles: true })));
    expect(menu.open).toBe(false);
  });

  test('nothing recorded: export is disabled', async () => {
    await mount(storeWith(null));
    expect($('export')!.getAttribute('aria-disabled')).toBe('true');
  });

  test('reportText and exportReport agree with the CLI\'s formats', () => {
    const evaluation = evaluatePage(PAGE, { engine: 'chromium' });
    const out = exportReport(evaluation, META, [], 'json');
    expect(out.text).toBe(`${JSON.stringify(buildReport(evaluation, META), null, 2)}\n`);
    expect(reportText(out.report, 'markdown')).toBe(reportToMarkdown(out.report));
    expect(out.fileName).toBe('frame-security-a.test-2026-11-22T08-00-00Z.json');
    expect(reportFileName({ ...out.report, url: 'about:blank' }, 'markdown')).toBe('frame-security-about-2026-11-22T08-00-00Z.md');
    expect(reportFileName({ ...out.report, url: 'http://[::1]:8080/' }, 'json')).toBe('frame-security-_1_-2026-11-22T08-00-00Z.json');
  });
});

describe('export helpers', () => {
  test('copyText: the async clipboard first', async () => {
    const writeText = vi.fn(async () => {});
    expect(await copyText('x', document, { clipboard: { writeText } } as unknown as Navigator)).toBe('clipboard');
    expect(writeText).toHaveBeenCalledWith('x');
  });

  test('copyText: a denied clipboard falls back to execCommand on a hidden textarea, removed afterwards', async () => {
    const writeText = vi.fn(async () => { throw new DOMException('denied', 'NotAllowedError'); });
    let copiedValue: string | null = null;
    const exec = vi.fn((cmd: string) => {
      copiedValue = cmd === 'copy' ? (document.activeElement as HTMLTextAreaElement | null)?.value ?? document.querySelector('textarea')?.value ?? null : null;
      return true;
    });
    const orig = document.execCommand;
    document.execCommand = exec as unknown as typeof document.execCommand;
    try {
      expect(await copyText('the report', document, { clipboard: { writeText } } as unknown as Navigator)).toBe('exec-command');
      expect(exec).toHaveBeenCalledWith('copy');
      expect(copiedValue).toBe('the report');
      expect(document.querySelector('textarea')).toBeNull();
      // No async clipboard at all, and execCommand refused.
      document.execCommand = (() => false) as typeof document.execCommand;
      expect(await copyText('x', document, {} as Navigator)).toBe('failed');
    } finally {
      document.execCommand = orig;
    }
  });

  test('saveText: a Blob URL on an <a download> with the file name, clicked and removed', async () => {
    const created: Blob[] = [];
    const createObjectURL = vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => (created.push(b as Blob), 'blob:test/1'));
    const clicked: { href: string; download: string; attached: boolean }[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ href: this.href, download: this.download, attached: this.isConnected });
    });
    try {
      saveText('r.json', '{"a":1}\n', 'application/json');
      expect(clicked).toEqual([{ href: 'blob:test/1', download: 'r.json', attached: true }]);
      expect(await created[0]!.text()).toBe('{"a":1}\n');
      expect(created[0]!.type).toBe('application/json;charset=utf-8');
      expect(document.querySelector('a[download]')).toBeNull();
    } finally {
      createObjectURL.mockRestore();
      click.mockRestore();
    }
  });

  test('browserInfo: Chromium\'s full version from userAgentData, else the user agent; Firefox from its user agent', async () => {
    const chromeUA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
    const nav = (o: object) => ({ userAgent: chromeUA, ...o }) as unknown as Navigator;
    expect(await browserInfo(nav({ userAgentData: { brands: [], getHighEntropyValues: async () => ({ fullVersionList: [{ brand: 'Not=A?Brand', version: '24' }, { brand: 'Chromium', version: '156.0.7523.4' }] }) } }))).toEqual({ name: 'Chromium', version: '156.0.7523.4' });
    expect(await browserInfo(nav({ userAgentData: { brands: [{ brand: 'Chromium', version: '156' }], getHighEntropyValues: async () => { throw new Error('no'); } } }))).toEqual({ name: 'Chromium', version: '156.0.0.0' });
    expect(await browserInfo({ userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0' } as Navigator)).toEqual({ name: 'Firefox', version: '153.0' });
  });
});

// ── states ──────────────────────────────────────────────────────────────────────────────────────
describe('states and banners', () => {
  test('before the first snapshot: connecting', async () => {
    const store = createStore('chromium');
    await mount(store);
    expect(text('connecting')).toBe('Connecting to the extension…');
    expect($('no-page')).toBeNull();
  });

  test('nothing recorded: why, and a reload that reloads the inspected page', async () => {
    const host = fakeHost();
    await mount(storeWith(null), host);
    expect($('no-page')!.textContent).toContain('Nothing recorded for this tab yet.');
    expect($('no-page')!.textContent).toContain('Reload the page to record it.');
    await click('reload-empty');
    await click('reload');
    expect(host.calls).toEqual(['reloadPage', 'reloadPage']);
  });

  test.each([
    ['chrome://settings/', 'browser-page', 'This is a page of the browser itself.'],
    ['chrome-extension://abcdefghijklmnopabcdefghijklmnop/options.html', 'extension-page', 'This is a page of an extension.'],
    ['https://chromewebstore.google.com/detail/x', 'store', 'This is the browser\'s extension store.'],
    ['view-source:https://a.test/', 'view-source', 'This is a view-source: page.'],
    ['about:debugging', 'browser-page', 'This is a page of the browser itself.'],
  ] as const)('restricted page %s: %s', async (url, kind, sentence) => {
    await mount(storeWith(PAGE), fakeHost(), { url, denied: false });
    expect($('restricted')!.dataset.kind).toBe(kind);
    expect(text('restricted-text')!.startsWith(sentence)).toBe(true);
    expect(text('restricted-text')).toMatch(/extensions/i);
    expect(text('restricted-url')).toBe(url);
    expect(root.querySelectorAll('[data-testid=frame-row]')).toHaveLength(0);
    expect($('reveal')!.hasAttribute('disabled')).toBe(true);
  });

  test('restricted, as DevTools refuses to evaluate there: the record\'s URL names the page; with no record, "denied"', async () => {
    const chromePage = pageOf([fr(0, -1, 'chrome://version/')]);
    await mount(storeWith(chromePage), fakeHost(), { url: null, denied: true });
    expect($('restricted')!.dataset.kind).toBe('browser-page');
    expect(text('restricted-url')).toBe('chrome://version/');
    render(null, root);
    await mount(storeWith(null), fakeHost(), { url: null, denied: true });
    expect($('restricted')!.dataset.kind).toBe('denied');
    expect(text('restricted-text')).toBe('The browser does not let extensions inspect this page (a browser page, the extension store, or a site blocked by policy).');
    expect($('restricted-url')).toBeNull();
  });

  test('a restricted-looking URL whose top document did report (an about:blank popup, an allowed file:) is not restricted', () => {
    const blank = pageOf([fr(0, -1, 'about:blank', { observed: observed('about:blank', 'https://a.test') })]);
    expect(restrictionOf({ url: 'about:blank', denied: false }, blank, 'chromium')).toBeNull();
    const file = pageOf([fr(0, -1, 'file:///tmp/x.html')]);
    expect(restrictionOf({ url: 'file:///tmp/x.html', denied: false }, file, 'chromium')).toEqual({ kind: 'file', url: 'file:///tmp/x.html' });
    const fileSeen = pageOf([fr(0, -1, 'file:///tmp/x.html', { observed: observed('file:///tmp/x.html', 'null') })]);
    expect(restrictionOf({ url: 'file:///tmp/x.html', denied: false }, fileSeen, 'chromium')).toBeNull();
    expect(restrictionOf(null, PAGE, 'chromium')).toBeNull();
    // A refusal while the recorded top document reported (DevTools starting) is not a restricted page.
    expect(restrictionOf({ url: null, denied: true }, PAGE, 'chromium')).toBeNull();
    expect(restrictionOf({ url: 'https://a.test/', denied: true }, PAGE, 'chromium')).toBeNull();
    expect(restrictionOf({ url: null, denied: true }, file, 'chromium')).toEqual({ kind: 'file', url: 'file:///tmp/x.html' });
  });

  test.each([
    ['reconnecting', /^The connection to the extension dropped \(its service worker restarted\); reconnecting…/, false],
    ['version-mismatch', /^The extension was updated while DevTools was open, and this panel is the old version\.Reload DevToolsIf the panel stays empty, close DevTools and open it again\.$/, true],
    ['extension-gone', /^The extension was reloaded, updated or removed while DevTools was open, and this panel lost its connection to it\.Reload DevTools/, true],
  ] as const)('connection %s: the banner says what happened and what to do', async (state, sentence, action) => {
    const host = fakeHost();
    await mount(storeWith(PAGE, state), host);
    expect(text('connection')).toMatch(sentence);
    expect($('reload-devtools') !== null).toBe(action);
    if (action) {
      await click('reload-devtools');
      expect(host.calls).toEqual(['reloadDevTools']);
    }
  });

  test('connected: no connection banner', async () => {
    await mount(storeWith(PAGE, 'connected'));
    expect($('connection')).toBeNull();
  });

  test('frames that reported nothing from inside: counted with the reason; frames still loading are not', async () => {
    const page = pageOf([
      fr(0, -1, 'https://a.test/', { observed: observed('https://a.test/', 'https://a.test') }),
      fr(1, 0, 'https://c.test/', { status: 'error', error: 'net::ERR_BLOCKED_BY_RESPONSE' }),
      fr(2, 0, 'chrome-error://chromewebdata/', { status: 'error', error: 'net::ERR_FAILED' }),
      fr(3, 0, 'chrome-extension://abcdefghijklmnopabcdefghijklmnop/x.html'),
      fr(4, 0, 'https://b.test/silent'),
      fr(5, 0, 'https://b.test/loading', { status: 'committed' }),
      fr(6, 0, 'about:blank'),
    ]);
    expect(unobservedCounts(page, 'chromium')).toEqual({ error: 2, restricted: 1, silent: 2 });
    await mount(storeWith(page));
    expect($('unobserved-banner')!.dataset.count).toBe('5');
    expect(text('unobserved-banner')).toBe(
      '5 frames reported nothing from inside: 2 error pages (blocked or failed to load: browsers run no extension code in error pages); ' +
      '1 frame where extensions may not run (browser, extension or store pages); 2 loaded frames where the content script did not run ' +
      '(the frame may be restricted by policy, or was loaded before the extension started). Their verdicts come from the recorded headers and attributes only.');
  });

  test('no banner when every frame reported; the per-page cap is said', async () => {
    const page = pageOf([fr(0, -1, 'https://a.test/', { observed: observed('https://a.test/', 'https://a.test') })], { dropped: { frames: 3 } });
    await mount(storeWith(page));
    expect($('unobserved-banner')).toBeNull();
    expect(text('dropped-banner')).toBe('3 more frames were not recorded (the per-page limit is 2,000).');
  });

  test('trustworthy origins configured: an indicator listing them; the settings button opens the options page', async () => {
    const store = storeWith(PAGE);
    const host = fakeHost();
    await mount(store, host);
    expect($('trustworthy-indicator')).toBeNull();
    await act(() => {
      store.settings.value = { trustworthyOrigins: ['http://intranet.test:8080', '*.dev.test'], recordAllTabs: false };
    });
    expect(text('trustworthy-indicator')).toBe('2 trustworthy origins');
    expect($('trustworthy-indicator')!.title).toContain('http://intranet.test:8080\n*.dev.test');
    await click('settings');
    expect(host.calls).toEqual(['openOptions']);
  });
});

describe('restricted pages by URL', () => {
  test.each([
    ['chrome://newtab/', 'chromium', 'browser-page'],
    ['edge://settings', 'chromium', 'browser-page'],
    ['devtools://devtools/bundled/inspector.html', 'chromium', 'browser-page'],
    ['about:addons', 'firefox', 'browser-page'],
    ['about:blank', 'chromium', 'browser-page'],
    ['moz-extension://0b9c3a52-1e2a-4a6f-9d5e-000000000000/p.html', 'firefox', 'extension-page'],
    ['https://chrome.google.com/webstore/detail/x', 'chromium', 'store'],
    ['https://chrome.google.com/search', 'chromium', null],
    ['https://chromewebstore.google.com./', 'chromium', 'store'],
    ['https://addons.mozilla.org/en-US/firefox/', 'firefox', 'store'],
    ['https://addons.mozilla.org/en-US/firefox/', 'chromium', null],
    ['https://accounts.firefox.com/', 'firefox', 'browser-page'],
    ['view-source:https://a.test/', 'chromium', 'view-source'],
    ['file:///home/u/x.html', 'chromium', 'file'],
    ['https://a.test/', 'chromium', null],
    ['http://localhost:8080/', 'firefox', null],
    ['not a url', 'chromium', null],
  ] as const)('%s (%s): %s', (url, engine, kind) => {
    expect(restrictedKind(url, engine)).toBe(kind);
  });

  test('a refusal without a URL is "denied"; a refusal on an ordinary URL too', () => {
    expect(restrictedKind(null, 'chromium', true)).toBe('denied');
    expect(restrictedKind('https://a.test/', 'chromium', true)).toBe('denied');
    expect(restrictedKind(null, 'chromium', false)).toBeNull();
  });

  test('which eval errors mean "not allowed here"', () => {
    expect(isPermissionDenied({ code: 'E_FAILED', description: 'Operation failed: %s', details: ['Permission denied'], isError: true })).toBe(true);
    expect(isPermissionDenied({ code: 'E_NOTFOUND', description: 'Object not found: %s', details: ['<top>'], isError: true })).toBe(false);
    expect(isPermissionDenied({ code: 'E_FAILED', description: 'Operation failed: %s', details: ['https://a.test/ has no execution context'], isError: true })).toBe(false);
    expect(isPermissionDenied({ isException: true, value: 'ReferenceError' })).toBe(false);
    expect(isPermissionDenied(undefined)).toBe(false);
  });
});

// ── reveal in Elements ──────────────────────────────────────────────────────────────────────────
describe('Reveal in Elements', () => {
  const nodeOf = (store: Store, frameId: number) => store.allNodes.value.find((n) => n.frame.frameId === frameId)!;

  test('which element: none for the top frame or an unmapped frame; a child of the top needs no frameURL; a deeper one names its parent without the fragment', () => {
    const store = storeWith(PAGE);
    expect(revealTargetOf(null, PAGE, 'chromium')).toBe('no-selection');
    expect(revealTargetOf(nodeOf(store, 0), PAGE, 'chromium')).toBe('top');
    expect(revealTargetOf(nodeOf(store, 1), PAGE, 'chromium')).toEqual({ index: 0, tag: 'iframe', id: 'sb', name: null, src: '/f', frameURL: null, label: 'iframe#sb' });
    expect(revealTargetOf(nodeOf(store, 2), PAGE, 'chromium')).toMatchObject({ index: 1, name: 'x', frameURL: null, label: 'iframe[name=x]' });
    expect(revealTargetOf(nodeOf(store, 3), PAGE, 'chromium')).toMatchObject({ index: 0, id: 'inner', frameURL: 'https://b.test/n', label: 'iframe#inner' });
    expect(revealTargetOf(nodeOf(store, 3), PAGE, 'firefox')).toBe('firefox-nested');
    const unmapped = pageOf([fr(0, -1, 'https://a.test/', { embeds: [el(0, null)] }), fr(1, 0, 'https://a.test/x')]);
    const s2 = storeWith(unmapped);
    expect(revealTargetOf(nodeOf(s2, 1), unmapped, 'chromium')).toBe('no-element');
  });

  test('the toolbar button: disabled with the reason, enabled on a mapped frame, and the result as status', async () => {
    const store = storeWith(PAGE);
    const host = fakeHost();
    await mount(store, host);
    expect($('reveal')!.hasAttribute('disabled')).toBe(true);
    expect($('reveal')!.title).toBe('Select a frame to reveal its frame element');
    await act(() => void (store.selectedFrameId.value = 0));
    expect($('reveal')!.title).toBe('The top-level document has no frame element to reveal');
    await act(() => void (store.selectedFrameId.value = 3));
    expect($('reveal')!.hasAttribute('disabled')).toBe(false);
    await click('reveal');
    expect(host.revealed).toEqual([{ index: 0, tag: 'iframe', id: 'inner', name: null, src: '/leaf', frameURL: 'https://b.test/n', label: 'iframe#inner' }]);
    expect(text('toolbar-status')).toBe('Selected iframe#inner in the Elements panel');
  });

  test.each([
    ['missing', 'The frame element is no longer in the page'],
    ['changed', 'The page\'s frame elements changed since they were recorded'],
    ['no-frame', 'DevTools does not know the parent document\'s frame'],
    [{ error: 'E_FAILED (Operation failed): Permission denied' }, 'Could not reveal the element: E_FAILED (Operation failed): Permission denied'],
  ] as const)('outcome %j is said', async (outcome, said) => {
    const store = storeWith(PAGE);
    await mount(store, fakeHost({ reveal: outcome }));
    await act(() => void (store.selectedFrameId.value = 1));
    await click('reveal');
    expect(text('toolbar-status')!.startsWith(said)).toBe(true);
  });

  test('the expression lists frame elements as the content script does (light DOM, then open shadow roots) and checks the element before inspect()', () => {
    const doc = document.createElement('div');
    // (happy-dom logs that it does not load these frames' pages: expected.)
    doc.innerHTML = '<iframe id="a"></iframe><div id="host"></div><frameset></frameset><iframe id="b" name="n" src="/x"></iframe>';
    document.body.append(doc);
    const shadow = doc.querySelector('#host')!.attachShadow({ mode: 'open' });
    shadow.innerHTML = '<iframe id="in-shadow" src="/s"></iframe><div id="deeper"></div>';
    shadow.querySelector('#deeper')!.attachShadow({ mode: 'open' }).innerHTML = '<iframe id="deepest"></iframe>';
    const inspected: Element[] = [];
    const g = globalThis as unknown as { inspect?: (e: Element) => void };
    g.inspect = (e) => void inspected.push(e);
    const run = (t: Partial<RevealTarget>) =>
      (0, eval)(revealExpression({ index: 0, tag: 'iframe', id: null, name: null, src: null, frameURL: null, label: '', ...t })) as string;
    try {
      // Light DOM first (a, b), then the shadow root's (in-shadow), then the nested root's (deepest).
      expect(run({ index: 2, id: 'in-shadow', src: '/s' })).toBe('ok');
      expect(inspected.at(-1)!.id).toBe('in-shadow');
      expect(run({ index: 1, id: 'b', name: 'n', src: '/x' })).toBe('ok');
      expect(inspected.at(-1)!.id).toBe('b');
      expect(run({ index: 3, id: 'deepest' })).toBe('ok');
      expect(inspected.at(-1)!.id).toBe('deepest');
      // The element at that index is not the recorded one, or there is none: no inspect().
      const before = inspected.length;
      expect(run({ index: 1, id: 'b', name: 'other', src: '/x' })).toBe('changed');
      expect(run({ index: 1, id: 'b', name: 'n', src: '/x', tag: 'frame' })).toBe('changed');
      expect(run({ index: 4 })).toBe('missing');
      expect(inspected).toHaveLength(before);
    } finally {
      delete g.inspect;
      doc.remove();
    }
  });

  test('the expression embeds the recorded strings as data: a hostile id cannot break out of it', () => {
    const hostile = `'); alert(1); ('</script><img src=x onerror=alert(1)>\u2028"`;
    const expr = revealExpression({ index: 0, tag: 'iframe', id: hostile, name: hostile, src: hostile, frameURL: null, label: '' });
    const doc = document.createElement('div');
    doc.innerHTML = '<iframe></iframe>';
    const f = doc.querySelector('iframe')!;
    f.setAttribute('id', hostile);
    f.setAttribute('name', hostile);
    f.setAttribute('src', hostile);
    document.body.append(doc);
    const g = globalThis as unknown as { inspect?: (e: Element) => void; alert?: unknown };
    const inspected: Element[] = [];
    g.inspect = (e) => void inspected.push(e);
    const alert = vi.fn();
    g.alert = alert;
    try {
      expect((0, eval)(expr)).toBe('ok');
      expect(inspected).toEqual([f]);
      expect(alert).not.toHaveBeenCalled();
    } finally {
      delete g.inspect;
      delete g.alert;
      doc.remove();
    }
  });
});

// ── the split ───────────────────────────────────────────────────────────────────────────────────
describe('the split between tree and details', () => {
  function storage(initial: Record<string, string> = {}) {
    const data = new Map(Object.entries(initial));
    return { data, getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) };
  }
  /** Gives the split container a width (happy-dom does no layout). */
  function withWidth(px: number) {
    return vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockImplementation(function (this: HTMLElement) {
      return this.classList.contains('split-pane') ? px : 0;
    });
  }
  const key = async (k: string, shiftKey = false) => {
    await act(() => void $('split-divider')!.dispatchEvent(new KeyboardEvent('keydown', { key: k, shiftKey, bubbles: true })));
  };
  const now = () => Number($('split-divider')!.getAttribute('aria-valuenow'));

  test('a separator: arrows move it (Shift: bigger steps), Home and End go to the limits, the width is remembered', async () => {
    const width = withWidth(1000);
    const store = storage();
    try {
      await act(() => render(<SplitPane left={<p>tree</p>} right={<p>details</p>} storage={store} />, root));
      const div = $('split-divider')!;
      expect(div.getAttribute('role')).toBe('separator');
      expect(div.getAttribute('aria-orientation')).toBe('vertical');
      expect(div.getAttribute('tabindex')).toBe('0');
      expect(div.getAttribute('aria-label')).toBe('Resize the frame tree');
      // No remembered width: 45% of the panel.
      expect(now()).toBe(450);
      expect(div.getAttribute('aria-valuemin')).toBe(String(SPLIT_MIN));
      expect(div.getAttribute('aria-valuemax')).toBe(String(1000 - DETAILS_MIN));
      await key('ArrowRight');
      expect(now()).toBe(450 + SPLIT_STEP);
      await key('ArrowLeft', true);
      expect(now()).toBe(450 + SPLIT_STEP - SPLIT_BIG_STEP);
      expect(div.getAttribute('aria-valuetext')).toBe(`${450 + SPLIT_STEP - SPLIT_BIG_STEP} pixels wide`);
      expect(($('split')!.style.getPropertyValue('--tree-width'))).toBe(`${450 + SPLIT_STEP - SPLIT_BIG_STEP}px`);
      await key('Home');
      expect(now()).toBe(SPLIT_MIN);
      await key('ArrowLeft');
      expect(now()).toBe(SPLIT_MIN);
      await key('End');
      expect(now()).toBe(1000 - DETAILS_MIN);
      await key('ArrowRight', true);
      expect(now()).toBe(1000 - DETAILS_MIN);
      await key('ArrowLeft', true);
      expect(store.data.get(SPLIT_STORAGE_KEY)).toBe(String(1000 - DETAILS_MIN - SPLIT_BIG_STEP));
      // Another panel (the next DevTools session) starts at the remembered width.
      render(null, root);
      await act(() => render(<SplitPane left={<p>tree</p>} right={<p>details</p>} storage={store} />, root));
      expect(now()).toBe(1000 - DETAILS_MIN - SPLIT_BIG_STEP);
    } finally {
      width.mockRestore();
    }
  });

  test('dragging the divider with the pointer', async () => {
    const width = withWidth(1000);
    const store = storage({ [SPLIT_STORAGE_KEY]: '300' });
    try {
      await act(() => render(<SplitPane left={<p>tree</p>} right={<p>details</p>} storage={store} />, root));
      expect(now()).toBe(300);
      const div = $('split-divider')!;
      const pointer = (type: string, clientX: number) => new PointerEvent(type, { clientX, button: 0, pointerId: 1, bubbles: true });
      await act(() => void div.dispatchEvent(pointer('pointerdown', 500)));
      await act(() => void div.dispatchEvent(pointer('pointermove', 560)));
      expect(now()).toBe(360);
      await act(() => void div.dispatchEvent(pointer('pointerup', 580)));
      expect(now()).toBe(380);
      expect(store.data.get(SPLIT_STORAGE_KEY)).toBe('380');
    } finally {
      width.mockRestore();
    }
  });

  test('in the panel, the split holds the tree and the details', async () => {
    const store = storeWith(PAGE);
    await mount(store);
    expect($('split')!.querySelector('.tree-pane [data-testid=frame-tree]')).not.toBeNull();
    expect($('split')!.querySelector('.details-pane')).not.toBeNull();
    expect($('split')!.children[1]).toBe($('split-divider'));
  });
});

// ── theme ───────────────────────────────────────────────────────────────────────────────────────
describe('theme', () => {
  test('data-theme from DevTools\' theme name: Chromium\'s "default" and Firefox\'s "light" are light', () => {
    const html = document.documentElement;
    expect(applyTheme(html, 'dark')).toBe('dark');
    expect(html.dataset.theme).toBe('dark');
    expect(applyTheme(html, 'default')).toBe('light');
    expect(html.dataset.theme).toBe('light');
    expect(applyTheme(html, 'light')).toBe('light');
    expect(applyTheme(html, undefined)).toBe('light');
  });

  test('follows theme changes: Chromium\'s setThemeChangeHandler, Firefox\'s onThemeChanged', () => {
    const html = document.documentElement;
    let chromium: ((name: string) => void) | undefined;
    expect(watchTheme({ themeName: 'default', setThemeChangeHandler: (cb) => void (chromium = cb) }, (n) => applyTheme(html, n))).toBe(true);
    chromium!('dark');
    expect(html.dataset.theme).toBe('dark');
    chromium!('default');
    expect(html.dataset.theme).toBe('light');
    let firefox: ((name: string) => void) | undefined;
    expect(watchTheme({ themeName: 'light', onThemeChanged: { addListener: (cb) => void (firefox = cb) } }, (n) => applyTheme(html, n))).toBe(true);
    firefox!('dark');
    expect(html.dataset.theme).toBe('dark');
    expect(watchTheme({ themeName: 'dark' }, () => {})).toBe(false);
    expect(watchTheme(undefined, () => {})).toBe(false);
  });

  test('layout.css defines every colour it uses for both themes', () => {
    const css = readFileSync(join(import.meta.dirname, '../../src/panel/layout.css'), 'utf8');
    const light = /:root \{([^}]*)\}/.exec(css)![1]!;
    const dark = /:root\[data-theme='dark'\] \{([^}]*)\}/.exec(css)![1]!;
    const names = (block: string) => [...block.matchAll(/(--[\w-]+):/g)].map((m) => m[1]).sort();
    expect(names(dark)).toEqual(names(light));
    // Outside the two theme blocks, colours are variables only (no literal colour that ignores the theme).
    const rules = css.replace(/:root(\[data-theme='dark'\])? \{[^}]*\}/g, '');
    expect(rules.match(/#[0-9a-f]{3,8}\b|rgba?\(/gi)).toBeNull();
  });
});

// ── page-controlled strings ─────────────────────────────────────────────────────────────────────
describe('page-controlled strings are text', () => {
  test('a hostile URL, id and name render as text in the toolbar, tree and states', async () => {
    const img = '<img src=x onerror=alert(1)>';
    const td = '</td><script>alert(2)</script>';
    const page = pageOf([
      fr(0, -1, `https://a.test/?q=${img}`, { observed: observed(`https://a.test/?q=${img}`, 'https://a.test'), embeds: [el(0, 1, { id: img, name: td, src: td })] }),
      fr(1, 0, `https://a.test/${td}`),
    ]);
    await mount(storeWith(page));
    expect(text('page-url')).toBe(`https://a.test/?q=${img}`);
    expect(root.textContent).toContain(`iframe#${img}`);
    expect(root.querySelectorAll('img, script')).toHaveLength(0);
    render(null, root);
    await mount(storeWith(null), fakeHost(), { url: `view-source:https://a.test/${img}`, denied: false });
    expect(text('restricted-url')).toBe(`view-source:https://a.test/${img}`);
    expect(root.querySelectorAll('img, script')).toHaveLength(0);
  });
});

// ── many frames ─────────────────────────────────────────────────────────────────────────────────
describe('a page with 500 frames', () => {
  test('renders, selects and filters without evaluating the page again (render time reported)', async () => {
    const frames: FrameRecord[] = [];
    const N = 500;
    // A top page with 20 children, each with 24 grandchildren (cross-site, sandboxed, with headers).
    const top = fr(0, -1, 'https://a.test/', { ...response('https://a.test/', [['Cross-Origin-Embedder-Policy', 'require-corp']]), observed: observed('https://a.test/', 'https://a.test'), embeds: [] });
    frames.push(top);
    let id = 1;
    for (let c = 0; c < 20 && id < N; c++) {
      const childId = id++;
      const child = fr(childId, 0, `https://b${c}.test/c`, { ...response(`https://b${c}.test/c`, [['Cross-Origin-Resource-Policy', 'cross-origin']]), observed: observed(`https://b${c}.test/c`, `https://b${c}.test`), embeds: [] });
      top.embeds!.push(el(c, childId, { id: `c${c}`, sandbox: c % 2 ? 'allow-scripts' : null }));
      frames.push(child);
      for (let g = 0; g < 24 && id < N; g++) {
        const gid = id++;
        child.embeds!.push(el(g, gid, { name: `g${g}` }));
        frames.push(fr(gid, childId, `https://a.test/g/${gid}`, { observed: observed(`https://a.test/g/${gid}`, 'https://a.test') }));
      }
    }
    const page = pageOf(frames);
    expect(Object.keys(page.frames)).toHaveLength(N);

    const store = createStore('chromium');
    store.connection.value = 'connected';
    const t0 = performance.now();
    store.applySnapshot({ snapshot: { version: 1, tabId: TAB, page } });
    const insp = signal<InspectedPage | null>(null);
    await act(() => render(<App store={store} host={fakeHost()} inspected={insp} />, root));
    const firstRender = performance.now() - t0;
    // A long tree is windowed: the first rows (in tree order) are in the DOM, and the spacer after them
    // stands for the rest (20 px a row until one is measured; happy-dom lays nothing out).
    const inDom = [...root.querySelectorAll<HTMLElement>('[data-testid=frame-row]')];
    expect(inDom.length).toBeGreaterThan(20);
    expect(inDom.length).toBeLessThan(N);
    expect(inDom.map((r) => Number(r.dataset.frameId))).toEqual(store.rows.value.slice(0, inDom.length).map((r) => r.frameId));
    expect(root.querySelector('[data-testid=tree-spacer-before]')).toBeNull();
    const after = root.querySelector<HTMLElement>('[data-testid=tree-spacer-after]')!;
    expect(inDom.length + parseFloat(after.style.height) / 20).toBe(N);
    expect(evaluations.count).toBe(1);

    const t1 = performance.now();
    const rows = [...root.querySelectorAll<HTMLElement>('[data-testid=frame-row]')];
    for (const row of rows.slice(0, 50)) await act(() => row.click());
    const selecting = (performance.now() - t1) / 50;
    expect(root.querySelector('[data-testid=frame-details]')!.getAttribute('data-frame-id')).toBe(rows[49]!.dataset.frameId);

    const t2 = performance.now();
    await act(() => void (store.filter.value = 'b7.test'));
    const filtering = performance.now() - t2;
    expect(root.querySelectorAll('[data-testid=frame-row]').length).toBeGreaterThan(0);
    await act(() => void (store.filter.value = ''));
    // The tree, the details and every selection used the one evaluation of the snapshot.
    expect(evaluations.count).toBe(1);
    console.log(`500 frames: first render (evaluation included) ${firstRender.toFixed(0)} ms; a selection ${selecting.toFixed(1)} ms on average; a filter ${filtering.toFixed(0)} ms; evaluations: ${evaluations.count}`);
  }, 60_000);
});
