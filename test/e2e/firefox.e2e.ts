/// <reference types="chrome" />
// Firefox smoke test: the built extension in real Firefox ESR (puppeteer-core over WebDriver BiDi) on
// the zoo page. The extension's record must agree with what Firefox itself reports (getAllFrames, the
// documents themselves) and with what the fixture server sent. One browser, one test, soft checks in
// steps so that every disagreement is reported in one run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { Frame, Page } from 'puppeteer-core';
import type { TabRecord } from '../../src/background/recorder.ts';
import { requireFirefox, skipWithoutFirefox, warnWithoutFirefox } from './firefox-present.ts';
import { EXTENSION_DIR } from '../../src/cli/chromium.ts';
import { launchFirefoxWithExtension, type FirefoxBrowserFrame, type FirefoxWithExtension } from '../../src/cli/firefox.ts';
import type { FrameRecord, HeaderLine, PageRecord } from '../../src/shared/snapshot.ts';
import { startFixtureServer, HOSTS, type FixtureServer } from '../fixtures/server.ts';
import { ZOO_FRAMES } from '../fixtures/site.ts';
import type { ObservedTruth as OracleTruth } from './oracle.ts';
import { evaluatePage } from '../../src/shared/evaluate.ts';

// ── Firefox present? Skip loudly where it is not, fail in CI ─────────────────────────────────────
warnWithoutFirefox('the Firefox tests');
skipWithoutFirefox();

// ── what the browser says, read through an extension page (src/cli/firefox.ts) ───────────────────
type BrowserFrame = FirefoxBrowserFrame;

/** What a frame's own document says, read by WebDriver BiDi in the frame (independent of the extension). */
interface FrameTruth extends OracleTruth {
  elementId: string | null;
  documentURI: string;
}

const EXPECTED_FRAMES = 1 + ZOO_FRAMES.length + 1 + 2; // zoo + its frames + nested child + the isolated frame's two children
const isErrorPage = (t: FrameTruth) => t.documentURI.startsWith('about:neterror') || t.documentURI.startsWith('about:certerror');

/**
 * Firefox's webRequest does not give header lines as received: it folds repeated fields into one
 * line at the first one's place, values joined with ", " (Set-Cookie and the authenticate fields
 * with "\n"). That is the most any extension can record in Firefox, so it is what must be recorded.
 */
function foldLikeFirefox(lines: HeaderLine[]): HeaderLine[] {
  const out: HeaderLine[] = [];
  for (const [name, value] of lines) {
    const prior = out.find(([n]) => n.toLowerCase() === name.toLowerCase());
    if (!prior) out.push([name, value]);
    else prior[1] += /^(set-cookie|www-authenticate|proxy-authenticate)$/i.test(name) ? `\n${value}` : `, ${value}`;
  }
  return out;
}

let server: FixtureServer;
let ff: FirefoxWithExtension | undefined;

test.afterAll(async () => {
  await ff?.close();
  await server?.close();
});

test('Firefox: the extension records the zoo page as Firefox and the server saw it', async () => {
  const started = Date.now();
  const firefoxPath = requireFirefox();
  let manifest: { browser_specific_settings: { gecko: { id: string } } };
  try {
    manifest = JSON.parse(readFileSync(join(EXTENSION_DIR, 'manifest.json'), 'utf8'));
  } catch {
    throw new Error(`The extension is not built in ${EXTENSION_DIR}: run \`npm run build\`.`);
  }
  const addonId = manifest.browser_specific_settings.gecko.id;

  // ── launch: Firefox, the extension installed, an extension page open to read its state ─────────
  server = await startFixtureServer();
  const firefox = await launchFirefoxWithExtension({
    browserPath: firefoxPath,
    headless: true,
    acceptInsecureCerts: true, // the fixture server's self-signed certificate
    // Firefox's --host-resolver-rules: these names resolve to the loopback address (webRequest
    // reports ip 127.0.0.1 for them).
    extraPrefs: { 'network.dns.localDomains': HOSTS.join(',') },
  });
  ff = firefox;
  console.log(`Firefox ${firefox.version} launched in ${Date.now() - started} ms`);
  expect(firefox.addonId).toBe(addonId);
  const extPage = firefox.extensionPage;
  expect(await extPage.evaluate(() => location.href), 'the extension page opens').toBe(`moz-extension://${firefox.uuid}/panel.html`);
  // The background (an event page in Firefox) has run, so its listeners are registered, before the
  // zoo loads: no warm-up page needed.
  const backgroundUrl = await firefox.ensureBackground().catch(() => null);
  console.log(`background page: ${backgroundUrl}`);
  expect(backgroundUrl).not.toBeNull();

  const ext = {
    tabIdOf: (url: string) => firefox.findTabId(url),
    record: (tabId: number) => firefox.readStoredRecord(tabId),
    frames: (tabId: number) => firefox.readBrowserFrames(tabId),
  };

  // ── the zoo ────────────────────────────────────────────────────────────────────────────────────
  // The tab Firefox opened at start. (In tabs opened later the recorder loses the responses of some
  // same-origin frames — see missingResponses in src/cli/firefox.ts — which the header step reports.)
  const page: Page = (await firefox.browser.pages()).find((p) => p !== extPage) ?? (await firefox.browser.newPage());
  const zooUrl = server.url('https', 'a.test', '/zoo.html');
  await page.goto(zooUrl);
  let tabId: number | null = null;
  await expect.poll(async () => (tabId = await ext.tabIdOf(zooUrl)), { message: 'the zoo tab is known' }).not.toBeNull();

  /**
   * The id of a frame's element, read in the page alone: the frame finds its index among its parent's
   * child windows (cross-origin-allowed `parent[i] === window`), and the parent names the element whose
   * contentWindow is that window. (Puppeteer's frameElement() needs BiDi's "context" locator, which
   * Firefox ESR 140 lacks.)
   */
  const elementIdOf = async (frame: Frame): Promise<string | null> => {
    const parent = frame.parentFrame();
    if (!parent) return null;
    const index = await frame.evaluate(() => {
      for (let i = 0; i < window.parent.length; i++) if (window.parent[i] === window) return i;
      return -1;
    });
    if (index < 0) throw new Error(`${frame.url()} is not among its parent's frames`);
    return parent.evaluate((i) => {
      const child = window[i];
      const el = [...document.querySelectorAll('iframe, frame, object, embed')].find((e) => (e as HTMLIFrameElement).contentWindow === child);
      return el?.getAttribute('id') ?? null;
    }, index);
  };

  /** Every frame's own view of itself; a frame that cannot be read yet fails the whole read. */
  const readTruth = async (): Promise<Map<Frame, FrameTruth> | null> => {
    const out = new Map<Frame, FrameTruth>();
    for (const frame of page.frames()) {
      try {
        const elementId = await elementIdOf(frame);
        const t = await frame.evaluate(() => {
          let documentDomain: string | null = null;
          try {
            documentDomain = document.domain;
          } catch {
            documentDomain = null;
          }
          const oac = (self as { originAgentCluster?: unknown }).originAgentCluster;
          return {
            documentURI: document.documentURI,
            url: location.href,
            origin: self.origin,
            isSecureContext: self.isSecureContext,
            crossOriginIsolated: self.crossOriginIsolated === true,
            documentDomain,
            originAgentCluster: typeof oac === 'boolean' ? oac : null,
          };
        });
        out.set(frame, { elementId, ...t });
      } catch {
        return null; // a frame between documents: read again
      }
    }
    return out;
  };

  // Settled: the record has Firefox's frames, every document that is not an error page has reported
  // what it observed, every child frame is mapped to its element, and the background has processed
  // the webRequest response of every http(s) document (recorded, or still held in `pending`).
  interface Settled { tab: TabRecord; record: PageRecord; frames: BrowserFrame[]; truth: Map<Frame, FrameTruth> }
  let settled: Settled | null = null;
  const shape = (list: { frameId: number; parentFrameId: number; url: string }[]) =>
    list.map((f) => ({ frameId: f.frameId, parentFrameId: f.parentFrameId, url: f.url })).sort((a, b) => a.frameId - b.frameId);
  await expect
    .poll(async () => {
      settled = null;
      const [tab, frames] = await Promise.all([ext.record(tabId!), ext.frames(tabId!)]);
      const record = tab?.activePageId ? tab.pages[tab.activePageId] : undefined;
      const truth = await readTruth();
      if (truth === null || truth.size !== EXPECTED_FRAMES) {
        return `Firefox's own view of ${EXPECTED_FRAMES} frames is not ready (${truth === null ? `a frame of ${page.frames().length} cannot be read` : `${truth.size} frames read`})`;
      }
      if (!tab || !record) return 'no active page recorded';
      if (frames.length !== EXPECTED_FRAMES) return `getAllFrames lists ${frames.length} frames`;
      if (JSON.stringify(shape(Object.values(record.frames))) !== JSON.stringify(shape(frames))) return 'recorded tree differs from getAllFrames';
      const errorUrls = new Set([...truth.values()].filter(isErrorPage).map((t) => t.url));
      const waiting: string[] = [];
      for (const f of Object.values(record.frames)) {
        const errorPage = errorUrls.has(f.url);
        if (!errorPage && f.observed === undefined) waiting.push(`observation of ${f.url}`);
        if (f.parentFrameId !== -1 && !record.frames[String(f.parentFrameId)]?.embeds?.some((e) => e.frameId === f.frameId)) {
          waiting.push(`element of ${f.url}`);
        }
        if (!errorPage && /^https?:/.test(f.url) && f.response === undefined && tab.pending[String(f.frameId)] === undefined) {
          waiting.push(`webRequest response of ${f.url}`);
        }
      }
      if (waiting.length > 0) return `waiting for ${waiting.join(', ')}`;
      settled = { tab, record, frames, truth };
      return 'settled';
    }, { message: 'the extension records the zoo page', timeout: 15_000 })
    .toBe('settled');
  const { tab, record, frames, truth } = settled as unknown as Settled;
  const recorded = Object.values(record.frames);
  const top = recorded.find((f) => f.parentFrameId === -1)!;
  const byElementId = (id: string): { element: NonNullable<FrameRecord['embeds']>[number]; frame: FrameRecord | undefined } | undefined => {
    for (const parent of recorded) {
      const element = parent.embeds?.find((e) => e.id === id);
      if (element) return { element, frame: element.frameId === null ? undefined : record.frames[String(element.frameId)] };
    }
    return undefined;
  };
  console.log(`zoo recorded in ${Date.now() - started} ms since start; frameIds: top ${top.frameId}, children ${recorded.filter((f) => f !== top).map((f) => f.frameId).join(' ')}`);
  console.log(`pages in the tab's record: ${Object.values(tab.pages).map((p) => `${p.lifecycle}${p.frames[String(top.frameId)]?.error ? ` (top error: ${p.frames[String(top.frameId)]!.error})` : ''}`).join(', ')}`);

  await test.step('the recorded frame tree equals webNavigation.getAllFrames (count, parent links, URLs)', () => {
    expect.soft(frames).toHaveLength(EXPECTED_FRAMES);
    expect.soft(shape(recorded)).toEqual(shape(frames));
    console.log(
      `frames recorded: ${recorded.length}; getAllFrames: ${frames.length}, errorOccurred ` +
        `${frames.some((f) => 'errorOccurred' in f) ? 'reported' : 'not reported'}, documentId ` +
        `${frames.every((f) => f.documentId !== undefined) ? 'reported' : 'not reported'}`,
    );
  });

  const truthByUrl = new Map([...truth.values()].map((t) => [t.url, t]));
  const errorUrls = new Set([...truth.values()].filter(isErrorPage).map((t) => t.url));

  await test.step('the recorded errors are the frames Firefox shows an error page in', () => {
    // Firefox's getAllFrames has no errorOccurred; where it does, it is the oracle. Else the frame's
    // own document is: Firefox shows about:neterror?e=blockedByCOEP in the COEP-blocked frame.
    const expected = frames.map((f) => ({
      url: f.url,
      error: f.errorOccurred ?? (truthByUrl.get(f.url) ? isErrorPage(truthByUrl.get(f.url)!) : false),
    }));
    const actual = frames.map((f) => ({ url: f.url, error: record.frames[String(f.frameId)]?.status === 'error' }));
    expect.soft(actual.filter((f) => f.error)).toEqual(expected.filter((f) => f.error));
    const blocked = byElementId('coep-blocked');
    expect.soft(expected.filter((f) => f.error).map((f) => f.url), 'Firefox blocks the COEP-less child').toEqual([blocked?.frame?.url]);
    expect.soft(blocked?.frame?.status, 'status of the COEP-blocked frame').toBe('error');
    expect.soft(blocked?.frame?.error, 'recorded error of the COEP-blocked frame').toBeTruthy();
    console.log(`COEP-blocked frame: status=${blocked?.frame?.status} error=${blocked?.frame?.error ?? '(none)'} observed=${blocked?.frame?.observed !== undefined}`);
  });

  await test.step('recorded response headers equal what the server sent (as Firefox folds repeated lines)', () => {
    const problems: string[] = [];
    let compared = 0;
    for (const f of recorded) {
      if (!/^https?:/.test(f.url)) {
        if (f.response !== undefined) problems.push(`${f.url} made no request but has a response`);
        continue;
      }
      const sent = server.sent.get(f.url);
      if (!sent) {
        problems.push(`${f.url}: the server sent nothing`);
        continue;
      }
      if (f.response === undefined) {
        const held = tab.pending[String(f.frameId)];
        const why = held
          ? ` (its response, ${held.statusCode}, is still held in pending: it reached the background after the frame committed)`
          : errorUrls.has(f.url)
            ? ' (Firefox commits its error page after onErrorOccurred; that commit dropped the response)'
            : '';
        problems.push(`${f.url}: no response recorded${why}`);
        continue;
      }
      if (f.response.statusCode !== sent.status) problems.push(`${f.url}: status ${f.response.statusCode}, sent ${sent.status}`);
      const want = foldLikeFirefox(sent.headers);
      if (JSON.stringify(f.response.headers) !== JSON.stringify(want)) {
        problems.push(`${f.url}: headers ${JSON.stringify(f.response.headers)}, expected ${JSON.stringify(want)}`);
      }
      compared++;
    }
    expect.soft(problems).toEqual([]);
    const plain = byElementId('same-origin')?.frame;
    if (plain?.response) {
      expect.soft(plain.response.headers.filter(([n]) => n === 'X-Frame-Test')).toEqual([['X-Frame-Test', 'one, two']]);
      expect.soft(plain.response.headers.filter(([n]) => n === 'Set-Cookie')).toHaveLength(1);
    }
    console.log(`responses compared and equal: ${compared}`);
  });

  await test.step('observed values equal what Firefox reports inside each frame', () => {
    const rows: string[] = [];
    for (const [frame, t] of truth) {
      const rec = frame.parentFrame() ? (t.elementId === null ? undefined : byElementId(t.elementId)?.frame) : top;
      const label = t.elementId ?? 'top';
      if (isErrorPage(t)) {
        expect.soft(rec?.observed, `no observation in the error page of #${label}`).toBeUndefined();
        rows.push(`${label.padEnd(28)} ${t.url}  origin=(error page, no content script)`);
        continue;
      }
      const o = rec?.observed;
      expect.soft(o, `observation of #${label}`).toBeDefined();
      if (!o) continue;
      expect.soft({
        url: o.url, origin: o.origin, isSecureContext: o.isSecureContext, crossOriginIsolated: o.crossOriginIsolated,
        documentDomain: o.documentDomain, originAgentCluster: o.originAgentCluster,
      }, `observation of #${label}`).toEqual({
        url: t.url, origin: t.origin, isSecureContext: t.isSecureContext, crossOriginIsolated: t.crossOriginIsolated,
        documentDomain: t.documentDomain, originAgentCluster: t.originAgentCluster,
      });
      rows.push(`${label.padEnd(28)} ${o.url}  origin=${o.origin} secure=${o.isSecureContext} coi=${o.crossOriginIsolated} documentId=${o.documentId === undefined ? 'absent' : o.documentId === rec!.documentId ? 'same as the frame' : 'DIFFERENT'}`);
    }
    console.log(rows.join('\n'));
    expect.soft(top.observed?.origin, 'origin observed in the top frame').toBe(server.origin('https', 'a.test'));
    expect.soft(byElementId('cross-site')?.frame?.observed?.origin, 'origin observed in the cross-site frame').toBe(server.origin('https', 'b.test'));
    expect.soft(rows).toHaveLength(EXPECTED_FRAMES);
  });

  await test.step('the core predicts Firefox: secure context and opaque origin of every frame', () => {
    const evaluation = evaluatePage(record, { engine: 'firefox' });
    const rows: string[] = [];
    for (const [frame, t] of truth) {
      if (isErrorPage(t)) continue;
      const rec = frame.parentFrame() ? (t.elementId === null ? undefined : byElementId(t.elementId)?.frame) : top;
      const e = rec ? evaluation.byFrameId.get(rec.frameId) : undefined;
      const label = t.elementId ?? 'top';
      expect.soft(e?.secureContext.secure, `secure context of #${label}`).toBe(t.isSecureContext);
      expect.soft(e?.predicted.originOpaque, `opaque origin of #${label}`).toBe(t.origin === 'null');
      rows.push(`${label.padEnd(28)} core=${e?.secureContext.secure ? 'secure' : 'not secure'} (${e?.secureContext.category})  firefox=${t.isSecureContext}`);
    }
    console.log(rows.join('\n'));
    // Where the engines differ: a data: frame in an https page is a secure context in Firefox only.
    const data = byElementId('data-url')?.frame;
    expect.soft(data && evaluation.byFrameId.get(data.frameId)?.secureContext.secure, 'data: frame, Firefox').toBe(true);
    expect.soft(data && evaluatePage(record, { engine: 'chromium' }).byFrameId.get(data.frameId)?.secureContext.secure, 'data: frame, Chromium prediction').toBe(false);
  });

  await test.step('every iframe element is mapped to its frame by runtime.getFrameId', () => {
    const elements = recorded.flatMap((parent) => (parent.embeds ?? []).map((e) => ({ parent, e })));
    expect.soft(elements).toHaveLength(EXPECTED_FRAMES - 1);
    for (const { parent, e } of elements) {
      expect.soft(e.mappedBy, `#${e.id} mapped by`).toBe('getFrameId');
      expect.soft(e.frameId === null ? undefined : record.frames[String(e.frameId)]?.parentFrameId, `#${e.id}'s frame's parent`).toBe(parent.frameId);
    }
    const expectedUrl = (id: string) => ({
      'same-origin': server.url('https', 'a.test', '/frames/plain.html?f=same-origin'),
      'cross-site': server.url('https', 'b.test', '/frames/plain.html?f=cross-site'),
      nested: server.url('https', 'b.test', '/frames/nested.html'),
      'level-2': server.url('https', 'sub.a.test', '/frames/plain.html?f=level-2'),
    })[id];
    for (const id of ['same-origin', 'cross-site', 'nested', 'level-2']) expect.soft(byElementId(id)?.frame?.url, `#${id}`).toBe(expectedUrl(id));
    console.log(`iframe elements: ${elements.length}, mapped by getFrameId: ${elements.filter(({ e }) => e.mappedBy === 'getFrameId').length}`);
  });

  console.log(`Firefox smoke test done in ${Date.now() - started} ms`);
});
