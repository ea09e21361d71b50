/// <reference types="chrome" />
// The spine, end to end in real Chromium: on the zoo page the extension's record must equal what the
// browser and the server say, frame by frame.
import { expect, test, type Frame, type Page, type Worker } from '@playwright/test';
import type { PageRecord } from '../../src/shared/snapshot.ts';
import { ZOO_FRAMES } from '../fixtures/site.ts';
import { startFixtureServer, type FixtureServer } from '../fixtures/server.ts';
import {
  allFrames,
  launchChromium,
  recordedFrameFor as frameForElement,
  settledPage,
  shapeOfBrowser,
  shapeOfRecord,
  storedRecord,
  tabIdOf,
  warmUp,
  type Launched,
} from './harness.ts';
import { readInFrame } from './oracle.ts';

let server: FixtureServer;
let browser: Launched;
let page: Page;
let worker: Worker;
let zooUrl: string;
let tabId: number;
let record: PageRecord;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  server = await startFixtureServer();
  browser = await launchChromium(server);
  page = await warmUp(browser, server);
  worker = await browser.worker();
  zooUrl = server.url('https', 'a.test', '/zoo.html');
  await page.goto(zooUrl);
  tabId = await tabIdOf(worker, zooUrl);
  record = await settledPage(worker, tabId);
});

test.afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** The recorded frame hosted by the zoo element with this id (through the recorded element mapping). */
const recordedFrameFor = (elementId: string, rec: PageRecord = record) => frameForElement(elementId, rec);

async function elementIdOf(frame: Frame): Promise<string | null> {
  const el = await frame.frameElement();
  return el.getAttribute('id');
}

test('the recorded frame tree equals webNavigation.getAllFrames (count, parent links, errors)', async () => {
  const frames = await allFrames(worker, tabId);
  expect(shapeOfRecord(record)).toEqual(shapeOfBrowser(frames));
  // zoo + 14 frames + nested child + 2 children of the isolated frame
  expect(frames).toHaveLength(1 + ZOO_FRAMES.length + 1 + 2);
  const blocked = recordedFrameFor('coep-blocked')?.frame;
  expect(blocked?.status).toBe('error');
  expect(blocked?.error).toBe('net::ERR_BLOCKED_BY_RESPONSE');
  expect(frames.filter((f) => f.errorOccurred).map((f) => f.url)).toEqual([blocked?.url]);
  console.log(`frames recorded: ${frames.length}, of which errors: ${frames.filter((f) => f.errorOccurred).length}`);
});

test('recorded response headers equal what the server sent, line by line, repeats kept', async () => {
  let compared = 0;
  for (const f of Object.values(record.frames)) {
    const sent = server.sent.get(f.url);
    if (!f.url.startsWith('http')) {
      expect(f.response, `${f.url} made no request`).toBeUndefined();
      continue;
    }
    expect(sent, `server log for ${f.url}`).toBeDefined();
    expect(f.response?.statusCode).toBe(sent!.status);
    expect(f.response?.headers).toEqual(sent!.headers);
    compared++;
  }
  const plain = recordedFrameFor('same-origin')!.frame!;
  expect(plain.response!.headers.filter(([n]) => n === 'Set-Cookie')).toHaveLength(2);
  expect(plain.response!.headers.filter(([n]) => n === 'X-Frame-Test').map(([, v]) => v)).toEqual(['one', 'two']);
  // The COEP-blocked frame's response arrived (200) even though the document was blocked.
  expect(recordedFrameFor('coep-blocked')!.frame!.response?.statusCode).toBe(200);
  console.log(`responses compared: ${compared}`);
});

test('every iframe element lands on the right child frame, with its attributes', async () => {
  const children = page.frames().filter((f) => f !== page.mainFrame());
  let checked = 0;
  for (const frame of children) {
    const id = await elementIdOf(frame);
    expect(id, `element id of ${frame.url()}`).not.toBeNull();
    const hit = recordedFrameFor(id!);
    expect(hit?.frame, `recorded frame for #${id}`).toBeDefined();
    // The element's child is the frame Playwright says it is: same URL (for an error page, the URL the
    // element asked for), same parent.
    const expectedUrl = hit!.frame!.status === 'error'
      ? new URL((await (await frame.frameElement()).getAttribute('src'))!, frame.parentFrame()!.url()).href
      : frame.url();
    expect(hit!.frame!.url).toBe(expectedUrl);
    expect(hit!.frame!.parentFrameId).toBe(hit!.parent.frameId);
    const el = await frame.frameElement();
    const attrs = await el.evaluate((e: Element) => ({
      tag: e.localName,
      id: e.getAttribute('id'),
      name: e.getAttribute('name'),
      src: e.getAttribute('src'),
      srcdoc: e.hasAttribute('srcdoc'),
      sandbox: e.getAttribute('sandbox'),
      allow: e.getAttribute('allow'),
      referrerPolicy: e.getAttribute('referrerpolicy'),
      loading: e.getAttribute('loading'),
      credentialless: e.hasAttribute('credentialless'),
    }));
    const r = hit!.element;
    expect({
      tag: r.tag, id: r.id, name: r.name, src: r.src, srcdoc: r.srcdoc, sandbox: r.sandbox, allow: r.allow,
      referrerPolicy: r.referrerPolicy, loading: r.loading, credentialless: r.credentialless.attribute,
    }).toEqual(attrs);
    checked++;
  }
  expect(checked).toBe(children.length);
  expect(recordedFrameFor('credentialless')!.element.credentialless).toEqual({ attribute: true, property: true });
  expect(recordedFrameFor('sandbox-empty')!.element.sandbox).toBe('');
  console.log(`iframe elements mapped and compared: ${checked}`);
});

test('observed values equal what the browser reports inside each frame', async () => {
  const rows: string[] = [];
  for (const frame of page.frames()) {
    const truth = await readInFrame(browser.context, page, frame);
    if (truth === null) continue; // an error page: nothing to observe
    const id = frame === page.mainFrame() ? null : await elementIdOf(frame);
    const rec = id === null ? record.frames['0'] : recordedFrameFor(id)?.frame;
    expect(rec?.observed, `observation of ${id ?? 'top'}`).toBeDefined();
    const o = rec!.observed!;
    expect({
      url: o.url, origin: o.origin, isSecureContext: o.isSecureContext, crossOriginIsolated: o.crossOriginIsolated,
      documentDomain: o.documentDomain, originAgentCluster: o.originAgentCluster,
    }).toEqual({
      url: truth.url, origin: truth.origin, isSecureContext: truth.isSecureContext, crossOriginIsolated: truth.crossOriginIsolated,
      documentDomain: truth.documentDomain, originAgentCluster: truth.originAgentCluster,
    });
    rows.push(`${(id ?? 'top').padEnd(28)} origin=${o.origin} secure=${o.isSecureContext} coi=${o.crossOriginIsolated}`);
  }
  console.log(rows.join('\n'));
  expect(rows.length).toBe(page.frames().length - 1); // all but the COEP-blocked error page
});

test('a closed tab frees its record', async () => {
  const extra = await browser.context.newPage();
  const url = server.url('https', 'b.test', '/frames/nested.html');
  await extra.goto(url);
  const id = await tabIdOf(worker, url);
  await expect.poll(async () => (await storedRecord(worker, id))?.activePageId ?? null).not.toBeNull();
  await extra.close();
  await expect.poll(async () => storedRecord(worker, id)).toBeNull();
});

test('frames added and removed by script come and go in the record', async () => {
  const url = server.url('https', 'a.test', '/dynamic.html');
  await page.goto(url);
  const id = await tabIdOf(worker, url);
  await settledPage(worker, id);
  await page.evaluate(`window.addFrame('added', ${JSON.stringify(server.url('https', 'b.test', '/frames/plain.html?f=added'))})`);
  let rec = await settledPage(worker, id);
  expect(Object.values(rec.frames).some((f) => f.url.endsWith('f=added'))).toBe(true);
  expect(recordedFrameFor('added', rec)?.frame?.observed?.origin).toBe(server.origin('https', 'b.test'));
  // An attribute changed after load is re-reported on the element (it applies at the next navigation).
  await page.evaluate(`document.getElementById('added').setAttribute('sandbox', 'allow-forms')`);
  await expect.poll(async () => recordedFrameFor('added', await settledPage(worker, id))?.element.sandbox).toBe('allow-forms');
  await page.evaluate(`window.removeFrame('added')`);
  await expect.poll(async () => shapeOfRecord((await settledPage(worker, id))).length).toBe(2);
  rec = await settledPage(worker, id);
  expect(Object.values(rec.frames).some((f) => f.url.endsWith('f=added'))).toBe(false);
});
