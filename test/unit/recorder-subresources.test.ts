// The recorder's subresource rules (webRequest events that are not navigations), one test per rule,
// with literal events shaped like Chromium's (documentId, parentDocumentId, documentLifecycle,
// frameType, initiator) and Firefox's (no document ids; originUrl instead of initiator). Expectations
// come from the rules in recorder.ts's "webRequest: subresources" section and from the webRequest
// documentation (MDN webRequest, developer.chrome.com chrome.webRequest):
// - a request's events share one requestId, unique within a browser session;
// - a redirect fires onHeadersReceived for the 3xx response, then onBeforeRedirect, then onBeforeRequest
//   again, with the same requestId and the new URL (Chromium's "life cycle of requests" diagram);
// - onHeadersReceived carries fromCache in Firefox only; onCompleted carries statusCode and fromCache;
// - onErrorOccurred carries the browser's error string (Chromium: net::ERR_…).
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { Runtime } from 'webextension-polyfill';
import { PanelPorts } from '../../src/background/ports.ts';
import {
  LIMITS,
  activePage,
  applyFrameList,
  newDelta,
  newTabRecord,
  onBeforeNavigate,
  onCommitted,
  onErrorOccurred,
  onSameDocumentNavigation,
  onSubresourceCompleted,
  onSubresourceError,
  onSubresourceHeadersReceived,
  onSubresourceHeadersSent,
  onSubresourceStart,
  type CommittedEvent,
  type Delta,
  type FrameListEntry,
  type RequestStartEvent,
  type TabRecord,
} from '../../src/background/recorder.ts';
import { TabStore, type SessionArea } from '../../src/background/tab-store.ts';
import {
  PANEL_PORT_NAME,
  PROTOCOL_VERSION,
  clipText,
  isBackgroundMessage,
  isPageRecord,
  isSubresourceRecord,
  type BackgroundMessage,
} from '../../src/shared/protocol.ts';
import {
  MAX_SUBRESOURCE_RESPONSES,
  SUBRESOURCE_HEADERS,
  type DocumentLifecycle,
  type PageRecord,
  type SubresourceRecord,
} from '../../src/shared/snapshot.ts';

const TAB = 7;

// ── building events ──────────────────────────────────────────────────────────────────────────────
function step(run: (d: Delta) => void): Delta {
  const d = newDelta();
  run(d);
  return d;
}

function topCommit(documentId: string | undefined, url: string, at: number, extra: Partial<CommittedEvent> = {}): CommittedEvent {
  return {
    tabId: TAB, frameId: 0, parentFrameId: -1, url, timeStamp: at,
    ...(documentId !== undefined ? { documentId } : {}),
    documentLifecycle: 'active', frameType: 'outermost_frame', transitionType: 'link',
    ...extra,
  };
}

interface SubSpec {
  frameId: number;
  parentFrameId: number;
  documentId: string;
  parentDocumentId: string;
  url: string;
  at: number;
  lifecycle?: DocumentLifecycle;
}
const subBefore = (s: SubSpec) => ({
  tabId: TAB, frameId: s.frameId, parentFrameId: s.parentFrameId, parentDocumentId: s.parentDocumentId,
  url: s.url, timeStamp: s.at, documentLifecycle: s.lifecycle ?? 'active', frameType: 'sub_frame' as const,
});
function navigateSub(tab: TabRecord, s: SubSpec, d = newDelta()): Delta {
  onBeforeNavigate(tab, subBefore(s), d);
  onCommitted(tab, { ...subBefore(s), documentId: s.documentId, transitionType: 'auto_subframe' }, d);
  return d;
}

/** The document that makes a request, as Chromium identifies it in webRequest details. */
interface Doc {
  frameId: number;
  parentFrameId: number;
  documentId: string;
  parentDocumentId?: string;
  lifecycle?: DocumentLifecycle;
  frameType?: 'outermost_frame' | 'sub_frame';
  origin: string;
}
const A: Doc = { frameId: 0, parentFrameId: -1, documentId: 'A', origin: 'https://a.test' };
const S1: Doc = { frameId: 1, parentFrameId: 0, documentId: 'S1', parentDocumentId: 'A', origin: 'https://b.test' };
const S2: Doc = { frameId: 2, parentFrameId: 1, documentId: 'S2', parentDocumentId: 'S1', origin: 'https://c.test' };
const S3: Doc = { frameId: 3, parentFrameId: 0, documentId: 'S3', parentDocumentId: 'A', origin: 'https://a.test' };
const S4: Doc = { frameId: 4, parentFrameId: 2, documentId: 'S4', parentDocumentId: 'S2', origin: 'https://c.test' };

/** onBeforeRequest details of a subresource request made by `doc` (Chromium). */
function chromium(doc: Doc, requestId: string, url: string, at: number, type = 'script'): RequestStartEvent {
  return {
    tabId: TAB, frameId: doc.frameId, parentFrameId: doc.parentFrameId, requestId, url, method: 'GET', type, timeStamp: at,
    documentId: doc.documentId,
    ...(doc.parentDocumentId !== undefined ? { parentDocumentId: doc.parentDocumentId } : {}),
    documentLifecycle: doc.lifecycle ?? 'active',
    frameType: doc.frameType ?? (doc.parentFrameId === -1 ? 'outermost_frame' : 'sub_frame'),
    initiator: doc.origin,
  };
}

/** onBeforeRequest details in Firefox: no document ids, no frameType, `originUrl` (a URL, not an origin). */
function firefox(frameId: number, parentFrameId: number, requestId: string, url: string, at: number, originUrl: string, type = 'script'): RequestStartEvent {
  return { tabId: TAB, frameId, parentFrameId, requestId, url, method: 'GET', type, timeStamp: at, originUrl };
}

const headers = (lines: [string, string][]) => lines.map(([name, value]) => ({ name, value }));
const sent = (e: RequestStartEvent, at: number, lines: [string, string][]) => ({ ...e, timeStamp: at, requestHeaders: headers(lines) });
const received = (e: RequestStartEvent, at: number, statusCode: number, lines: [string, string][], extra: { url?: string; fromCache?: boolean } = {}) =>
  ({ ...e, timeStamp: at, statusCode, responseHeaders: headers(lines), ...extra });
const completed = (e: RequestStartEvent, at: number, statusCode = 200, fromCache = false) => ({ ...e, timeStamp: at, statusCode, fromCache });
const failed = (e: RequestStartEvent, at: number, error: string) => ({ ...e, timeStamp: at, error });

/** Every event of a request that completes with one 200 response. */
function wholeRequest(tab: TabRecord, e: RequestStartEvent, d = newDelta()): Delta {
  onSubresourceStart(tab, e, d);
  onSubresourceHeadersSent(tab, sent(e, e.timeStamp + 1, [['Sec-Fetch-Mode', 'no-cors']]), d);
  onSubresourceHeadersReceived(tab, received(e, e.timeStamp + 2, 200, [['Content-Type', 'text/javascript']]), d);
  onSubresourceCompleted(tab, completed(e, e.timeStamp + 3), d);
  return d;
}

const pageOf = (tab: TabRecord, pageId: string): PageRecord => {
  const p = tab.pages[pageId];
  if (!p) throw new Error(`no page ${pageId}`);
  return p;
};
const ids = (p: PageRecord | null | undefined) => Object.keys(p?.subresources ?? {}).sort();
const earlyIds = (tab: TabRecord) => Object.keys(tab.earlySubresources ?? {}).sort();
const sortedStrings = (s: Set<string>) => [...s].sort();
/** Every request record anywhere in the tab: every page's, and the early list. */
const everyRecord = (tab: TabRecord): SubresourceRecord[] =>
  [...Object.values(tab.pages).flatMap((p) => Object.values(p.subresources ?? {})), ...Object.values(tab.earlySubresources ?? {})];

/**
 * Page A (https://a.test/) with frames:
 *   0 A            https://a.test/
 *   ├ 1 S1         https://b.test/one
 *   │ └ 2 S2       https://c.test/two
 *   │   └ 4 S4     https://c.test/four
 *   └ 3 S3         https://a.test/three
 */
function zoo(): TabRecord {
  const tab = newTabRecord(TAB);
  onCommitted(tab, topCommit('A', 'https://a.test/', 100), newDelta());
  navigateSub(tab, { frameId: 1, parentFrameId: 0, documentId: 'S1', parentDocumentId: 'A', url: 'https://b.test/one', at: 110 });
  navigateSub(tab, { frameId: 2, parentFrameId: 1, documentId: 'S2', parentDocumentId: 'S1', url: 'https://c.test/two', at: 120 });
  navigateSub(tab, { frameId: 4, parentFrameId: 2, documentId: 'S4', parentDocumentId: 'S2', url: 'https://c.test/four', at: 125 });
  navigateSub(tab, { frameId: 3, parentFrameId: 0, documentId: 'S3', parentDocumentId: 'A', url: 'https://a.test/three', at: 130 });
  return tab;
}

/** The zoo with one request per document, started at 140–144: r0 (A), r1 (S1), r2 (S2), r3 (S3), r4 (S4). */
function zooWithRequests(): TabRecord {
  const tab = zoo();
  [A, S1, S2, S3, S4].forEach((doc, i) => wholeRequest(tab, chromium(doc, `r${doc.frameId}`, `https://cdn.test/${doc.frameId}.js`, 140 + i)));
  return tab;
}

/** A Firefox page (no document ids): top https://a.test/ committed at 100, frame 1 https://b.test/one at 110. */
function firefoxPage(): TabRecord {
  const tab = newTabRecord(TAB);
  onCommitted(tab, { tabId: TAB, frameId: 0, parentFrameId: -1, url: 'https://a.test/', timeStamp: 100 }, newDelta());
  onBeforeNavigate(tab, { tabId: TAB, frameId: 1, parentFrameId: 0, url: 'https://b.test/one', timeStamp: 109 }, newDelta());
  onCommitted(tab, { tabId: TAB, frameId: 1, parentFrameId: 0, url: 'https://b.test/one', timeStamp: 110 }, newDelta());
  return tab;
}

// ── one request's life ───────────────────────────────────────────────────────────────────────────
describe('a request from start to completion', () => {
  test('Chromium: each event fills in the record; fetch metadata and cookie presence from the sent headers, only the embedding headers of the response', () => {
    const tab = zoo();
    const e = chromium(A, '301', 'https://c.test/lib.js', 200);

    const d1 = step((d) => onSubresourceStart(tab, e, d));
    expect(activePage(tab)!.subresources!['301']).toEqual({
      requestId: '301', frameId: 0, documentId: 'A', type: 'script', method: 'GET', url: 'https://c.test/lib.js',
      initiator: 'https://a.test', responses: [], state: 'pending', startedAt: 200,
    });
    expect(sortedStrings(d1.resources)).toEqual(['301']);
    expect(d1.dirty).toBe(true);

    const d2 = step((d) => onSubresourceHeadersSent(tab, sent(e, 201, [
      ['Accept', '*/*'],
      ['Sec-Fetch-Site', 'cross-site'],
      ['Sec-Fetch-Mode', 'no-cors'],
      ['Sec-Fetch-Dest', 'script'],
      ['Cookie', 'sid=opaque-cookie-value'],
      ['User-Agent', 'Mozilla/5.0'],
    ]), d));
    expect(sortedStrings(d2.resources)).toEqual(['301']);

    const d3 = step((d) => onSubresourceHeadersReceived(tab, received(e, 210, 200, [
      ['Content-Type', 'text/javascript'],
      ['Cross-Origin-Resource-Policy', 'cross-origin'],
      ['Set-Cookie', 'tracker=1'],
      ['Cache-Control', 'max-age=60'],
      ['Access-Control-Allow-Origin', '*'],
      ['Server', 'fixture'],
    ]), d));
    expect(sortedStrings(d3.resources)).toEqual(['301']);

    const d4 = step((d) => onSubresourceCompleted(tab, completed(e, 220), d));
    expect(sortedStrings(d4.resources)).toEqual(['301']);

    expect(activePage(tab)!.subresources!['301']).toEqual({
      requestId: '301', frameId: 0, documentId: 'A', type: 'script', method: 'GET', url: 'https://c.test/lib.js',
      initiator: 'https://a.test', fetchMode: 'no-cors', fetchDest: 'script', fetchSite: 'cross-site', sentCookies: true,
      responses: [{
        url: 'https://c.test/lib.js', statusCode: 200, fromCache: false,
        headers: [['Content-Type', 'text/javascript'], ['Cross-Origin-Resource-Policy', 'cross-origin'], ['Access-Control-Allow-Origin', '*']],
      }],
      state: 'complete', startedAt: 200, endedAt: 220,
    });
    expect(isSubresourceRecord(activePage(tab)!.subresources!['301'])).toBe(true);
  });

  test('a request of a subframe is recorded with that frame and document, in the page', () => {
    const tab = zoo();
    wholeRequest(tab, chromium(S2, '302', 'https://c.test/img.png', 200, 'image'));
    expect(activePage(tab)!.subresources!['302']).toMatchObject({ frameId: 2, documentId: 'S2', type: 'image', initiator: 'https://c.test' });
  });

  test('Firefox: no documentId in the record, originUrl becomes the initiator, fromCache from onHeadersReceived', () => {
    const tab = firefoxPage();
    const e = firefox(1, 0, '55', 'https://c.test/font.woff2', 200, 'https://b.test/one', 'font');
    const d = step((d) => {
      onSubresourceStart(tab, e, d);
      onSubresourceHeadersSent(tab, sent(e, 201, [['sec-fetch-mode', 'cors'], ['sec-fetch-dest', 'font'], ['sec-fetch-site', 'cross-site']]), d);
      onSubresourceHeadersReceived(tab, received(e, 210, 200, [['content-type', 'font/woff2'], ['access-control-allow-origin', 'https://b.test']], { fromCache: true }), d);
      onSubresourceCompleted(tab, completed(e, 220, 200, true), d);
    });
    const r = activePage(tab)!.subresources!['55']!;
    expect(r).toEqual({
      requestId: '55', frameId: 1, type: 'font', method: 'GET', url: 'https://c.test/font.woff2', initiator: 'https://b.test/one',
      fetchMode: 'cors', fetchDest: 'font', fetchSite: 'cross-site', sentCookies: false,
      responses: [{ url: 'https://c.test/font.woff2', statusCode: 200, fromCache: true, headers: [['content-type', 'font/woff2'], ['access-control-allow-origin', 'https://b.test']] }],
      state: 'complete', startedAt: 200, endedAt: 220,
    });
    expect('documentId' in r).toBe(false);
    expect(sortedStrings(d.resources)).toEqual(['55']);
  });

  test('the method comes from the event (a CORS POST)', () => {
    const tab = zoo();
    onSubresourceStart(tab, { ...chromium(A, '303', 'https://b.test/api', 200, 'xmlhttprequest'), method: 'POST' }, newDelta());
    expect(activePage(tab)!.subresources!['303']).toMatchObject({ method: 'POST', type: 'xmlhttprequest' });
  });

  test('every response header in SUBRESOURCE_HEADERS is kept whatever its case, repeats as separate lines in order; other lines are not', () => {
    const tab = zoo();
    const e = chromium(A, '304', 'https://b.test/data', 200, 'xmlhttprequest');
    onSubresourceStart(tab, e, newDelta());
    const lines: [string, string][] = [
      ['X-Before', '1'],
      ['CROSS-ORIGIN-RESOURCE-POLICY', 'same-site'],
      ['Access-Control-Allow-Origin', 'https://a.test'],
      ['Vary', 'Origin'],
      ['access-control-allow-credentials', 'true'],
      ['Content-Type', 'application/json'],
      ['Cross-Origin-Resource-Policy', 'same-origin'],
      ['Cross-Origin-Embedder-Policy', 'require-corp'],
      ['Access-Control-Expose-Headers', 'X-Before'],
    ];
    onSubresourceHeadersReceived(tab, received(e, 210, 200, lines), newDelta());
    const kept = new Set<string>(SUBRESOURCE_HEADERS);
    const expected = lines.filter(([name]) => kept.has(name.toLowerCase()));
    expect(expected).toHaveLength(5);
    expect(activePage(tab)!.subresources!['304']!.responses[0]!.headers).toEqual(expected);
  });

  test('a fetch-metadata header name is matched whatever its case', () => {
    const tab = zoo();
    const e = chromium(A, '305', 'https://b.test/s.css', 200, 'stylesheet');
    onSubresourceStart(tab, e, newDelta());
    onSubresourceHeadersSent(tab, sent(e, 201, [['SEC-FETCH-MODE', 'no-cors'], ['sec-fetch-Dest', 'style'], ['Sec-Fetch-SITE', 'same-site']]), newDelta());
    expect(activePage(tab)!.subresources!['305']).toMatchObject({ fetchMode: 'no-cors', fetchDest: 'style', fetchSite: 'same-site' });
  });

  test('sentCookies is absent before the headers are seen, false when no Cookie line was sent', () => {
    const tab = zoo();
    const e = chromium(A, '306', 'https://a.test/x.js', 200);
    onSubresourceStart(tab, e, newDelta());
    expect('sentCookies' in activePage(tab)!.subresources!['306']!).toBe(false);
    onSubresourceHeadersSent(tab, sent(e, 201, [['Sec-Fetch-Mode', 'no-cors'], ['Accept', '*/*']]), newDelta());
    expect(activePage(tab)!.subresources!['306']!.sentCookies).toBe(false);
  });

  test('the Cookie value is never stored anywhere in the tab record (Chromium and Firefox)', () => {
    const SECRET = 'sid=Zq9-SECRET-cookie-value';
    const chromiumTab = zoo();
    const c = chromium(S1, '307', 'https://b.test/me', 200, 'xmlhttprequest');
    onSubresourceStart(chromiumTab, c, newDelta());
    onSubresourceHeadersSent(chromiumTab, sent(c, 201, [['Cookie', SECRET], ['Sec-Fetch-Mode', 'cors']]), newDelta());
    onSubresourceHeadersReceived(chromiumTab, received(c, 210, 200, [['Content-Type', 'application/json']]), newDelta());
    onSubresourceCompleted(chromiumTab, completed(c, 220), newDelta());

    const firefoxTab = firefoxPage();
    const f = firefox(1, 0, '77', 'https://b.test/me', 200, 'https://b.test/one', 'xmlhttprequest');
    onSubresourceStart(firefoxTab, f, newDelta());
    onSubresourceHeadersSent(firefoxTab, sent(f, 201, [['cookie', SECRET]]), newDelta());

    for (const tab of [chromiumTab, firefoxTab]) {
      const r = everyRecord(tab);
      expect(r).toHaveLength(1);
      expect(r[0]!.sentCookies).toBe(true);
      expect(JSON.stringify(tab)).not.toContain('Zq9-SECRET');
    }
  });

  test('Set-Cookie on a response is not kept either', () => {
    const tab = zoo();
    const e = chromium(A, '308', 'https://b.test/pixel', 200, 'image');
    onSubresourceStart(tab, e, newDelta());
    onSubresourceHeadersReceived(tab, received(e, 210, 200, [['Set-Cookie', 'track=Zq9-SET-COOKIE; Secure'], ['Content-Type', 'image/gif']]), newDelta());
    expect(activePage(tab)!.subresources!['308']!.responses[0]!.headers).toEqual([['Content-Type', 'image/gif']]);
    expect(JSON.stringify(tab)).not.toContain('Zq9-SET-COOKIE');
  });

  test('a response served from the memory cache (onCompleted without onHeadersReceived) still records its status', () => {
    const tab = zoo();
    const e = chromium(A, '309', 'https://a.test/cached.png', 200, 'image');
    onSubresourceStart(tab, e, newDelta());
    onSubresourceCompleted(tab, completed(e, 205, 200, true), newDelta());
    expect(activePage(tab)!.subresources!['309']).toMatchObject({
      state: 'complete', endedAt: 205, responses: [{ url: 'https://a.test/cached.png', statusCode: 200, fromCache: true, headers: [] }],
    });
  });

  test('onCompleted after onHeadersReceived adds no second response', () => {
    const tab = zoo();
    wholeRequest(tab, chromium(A, '310', 'https://a.test/one.js', 200));
    expect(activePage(tab)!.subresources!['310']!.responses).toHaveLength(1);
  });
});

describe('navigations are not subresources', () => {
  test.each(['main_frame', 'sub_frame'])('no subresource step records a %s request', (type) => {
    const tab = zoo();
    const before = JSON.stringify(tab);
    const doc = type === 'main_frame' ? A : S1;
    const e = { ...chromium(doc, '400', 'https://b.test/doc', 200, type) };
    const d = step((d) => {
      onSubresourceStart(tab, e, d);
      onSubresourceHeadersSent(tab, sent(e, 201, [['Sec-Fetch-Mode', 'navigate'], ['Cookie', 'a=1']]), d);
      onSubresourceHeadersReceived(tab, received(e, 210, 200, [['Content-Type', 'text/html']]), d);
      onSubresourceCompleted(tab, completed(e, 220), d);
      onSubresourceError(tab, failed(e, 230, 'net::ERR_ABORTED'), d);
    });
    expect(JSON.stringify(tab)).toBe(before);
    expect(d.resources.size).toBe(0);
    expect(d.dirty).toBe(false);
  });

  test('a request that belongs to no tab (tabId -1, e.g. a service worker fetch) is not recorded', () => {
    const tab = zoo();
    const before = JSON.stringify(tab);
    onSubresourceStart(tab, { ...chromium(A, '401', 'https://a.test/sw-fetch', 200, 'xmlhttprequest'), tabId: -1 }, newDelta());
    expect(JSON.stringify(tab)).toBe(before);
  });
});

// ── redirects and errors ─────────────────────────────────────────────────────────────────────────
describe('redirects', () => {
  test('each hop is one response in order; the record keeps the first URL and start time', () => {
    const tab = zoo();
    const first = chromium(A, '500', 'https://a.test/img', 200, 'image');
    // Second hop: onBeforeRequest again, same requestId, the redirect target's URL.
    const second = { ...first, url: 'https://b.test/img', timeStamp: 212 };
    const d = step((d) => {
      onSubresourceStart(tab, first, d);
      onSubresourceHeadersSent(tab, sent(first, 201, [['Sec-Fetch-Mode', 'no-cors'], ['Cookie', 'a=1']]), d);
      onSubresourceHeadersReceived(tab, received(first, 210, 302, [['Location', 'https://b.test/img'], ['Cross-Origin-Resource-Policy', 'same-site']]), d);
      onSubresourceStart(tab, second, d);
      onSubresourceHeadersSent(tab, sent(second, 213, [['Sec-Fetch-Mode', 'no-cors']]), d);
      onSubresourceHeadersReceived(tab, received(second, 220, 200, [['Content-Type', 'image/png'], ['Cross-Origin-Resource-Policy', 'cross-origin']]), d);
      onSubresourceCompleted(tab, completed(second, 230), d);
    });
    const r = activePage(tab)!.subresources!['500']!;
    expect(r.url).toBe('https://a.test/img');
    expect(r.startedAt).toBe(200);
    expect(r.responses).toEqual([
      { url: 'https://a.test/img', statusCode: 302, fromCache: false, headers: [['Cross-Origin-Resource-Policy', 'same-site']] },
      { url: 'https://b.test/img', statusCode: 200, fromCache: false, headers: [['Content-Type', 'image/png'], ['Cross-Origin-Resource-Policy', 'cross-origin']] },
    ]);
    expect(r.state).toBe('complete');
    // Cookies went with the first hop only: the request carried cookies.
    expect(r.sentCookies).toBe(true);
    expect(ids(activePage(tab))).toEqual(['500']);
    expect(sortedStrings(d.resources)).toEqual(['500']);
  });

  test(`responses stop at MAX_SUBRESOURCE_RESPONSES (${MAX_SUBRESOURCE_RESPONSES}); the first ones are kept`, () => {
    const tab = zoo();
    const e = chromium(A, '501', 'https://a.test/loop/0', 200, 'image');
    onSubresourceStart(tab, e, newDelta());
    const hops = MAX_SUBRESOURCE_RESPONSES + 5;
    for (let i = 0; i < hops; i++) {
      const hop = { ...e, url: `https://a.test/loop/${i}` };
      if (i > 0) onSubresourceStart(tab, { ...hop, timeStamp: 200 + i * 10 }, newDelta());
      onSubresourceHeadersReceived(tab, received(hop, 205 + i * 10, 307, [['Location', `/loop/${i + 1}`]]), newDelta());
    }
    const d = step((d) => onSubresourceError(tab, failed(e, 999, 'net::ERR_TOO_MANY_REDIRECTS'), d));
    const r = activePage(tab)!.subresources!['501']!;
    expect(r.responses).toHaveLength(MAX_SUBRESOURCE_RESPONSES);
    expect(r.responses.map((x) => x.url)).toEqual(Array.from({ length: MAX_SUBRESOURCE_RESPONSES }, (_, i) => `https://a.test/loop/${i}`));
    expect(r).toMatchObject({ state: 'error', error: 'net::ERR_TOO_MANY_REDIRECTS', endedAt: 999 });
    expect(sortedStrings(d.resources)).toEqual(['501']);
    expect(isSubresourceRecord(r)).toBe(true);
  });
});

describe('errors', () => {
  test('a response blocked by CORP: the 200 stays, the state is error with the browser\'s error and end time', () => {
    const tab = zoo();
    const e = chromium(S3, '600', 'https://b.test/private.png', 200, 'image');
    onSubresourceStart(tab, e, newDelta());
    onSubresourceHeadersReceived(tab, received(e, 210, 200, [['Cross-Origin-Resource-Policy', 'same-origin'], ['Content-Type', 'image/png']]), newDelta());
    const d = step((d) => onSubresourceError(tab, failed(e, 211, 'net::ERR_BLOCKED_BY_RESPONSE'), d));
    expect(activePage(tab)!.subresources!['600']).toMatchObject({
      frameId: 3, documentId: 'S3', state: 'error', error: 'net::ERR_BLOCKED_BY_RESPONSE', endedAt: 211,
      responses: [{ url: 'https://b.test/private.png', statusCode: 200, fromCache: false, headers: [['Cross-Origin-Resource-Policy', 'same-origin'], ['Content-Type', 'image/png']] }],
    });
    expect(sortedStrings(d.resources)).toEqual(['600']);
  });

  test('a request that fails before any response has no response', () => {
    const tab = firefoxPage();
    const e = firefox(0, -1, '61', 'https://nowhere.test/x.js', 200, 'https://a.test/');
    onSubresourceStart(tab, e, newDelta());
    onSubresourceError(tab, failed(e, 230, 'NS_ERROR_UNKNOWN_HOST'), newDelta());
    expect(activePage(tab)!.subresources!['61']).toMatchObject({ state: 'error', error: 'NS_ERROR_UNKNOWN_HOST', responses: [], endedAt: 230 });
  });
});

// ── a start the recorder missed ──────────────────────────────────────────────────────────────────
describe('events of a request whose start was missed', () => {
  test('onSendHeaders creates the record from its own details', () => {
    const tab = zoo();
    const e = chromium(S1, '700', 'https://c.test/a.js', 300);
    const d = step((d) => onSubresourceHeadersSent(tab, sent(e, 301, [['Sec-Fetch-Dest', 'script']]), d));
    expect(activePage(tab)!.subresources!['700']).toEqual({
      requestId: '700', frameId: 1, documentId: 'S1', type: 'script', method: 'GET', url: 'https://c.test/a.js', initiator: 'https://b.test',
      fetchDest: 'script', sentCookies: false, responses: [], state: 'pending', startedAt: 301,
    });
    expect(sortedStrings(d.resources)).toEqual(['700']);
  });

  test('onHeadersReceived creates the record with its response', () => {
    const tab = zoo();
    const e = chromium(A, '701', 'https://c.test/b.js', 300);
    onSubresourceHeadersReceived(tab, received(e, 310, 200, [['Content-Type', 'text/javascript']]), newDelta());
    expect(activePage(tab)!.subresources!['701']).toMatchObject({
      state: 'pending', startedAt: 310, responses: [{ url: 'https://c.test/b.js', statusCode: 200, headers: [['Content-Type', 'text/javascript']] }],
    });
  });

  test('onCompleted creates a completed record', () => {
    const tab = zoo();
    onSubresourceCompleted(tab, completed(chromium(A, '702', 'https://c.test/c.js', 300), 320), newDelta());
    expect(activePage(tab)!.subresources!['702']).toMatchObject({ state: 'complete', endedAt: 320, responses: [{ statusCode: 200 }] });
  });

  test('onErrorOccurred creates a failed record (Firefox)', () => {
    const tab = firefoxPage();
    onSubresourceError(tab, failed(firefox(1, 0, '703', 'https://c.test/d.js', 300, 'https://b.test/one'), 330, 'NS_ERROR_CONNECTION_REFUSED'), newDelta());
    expect(activePage(tab)!.subresources!['703']).toMatchObject({ frameId: 1, state: 'error', error: 'NS_ERROR_CONNECTION_REFUSED', endedAt: 330, responses: [] });
  });
});

// ── the per-page cap ─────────────────────────────────────────────────────────────────────────────
describe(`the per-page cap (LIMITS.subresourcesPerPage = ${LIMITS.subresourcesPerPage})`, () => {
  /** The zoo with the top document's requests '1'…'cap' started. */
  function fullPage(): TabRecord {
    const tab = zoo();
    for (let i = 1; i <= LIMITS.subresourcesPerPage; i++) onSubresourceStart(tab, chromium(A, String(i), `https://a.test/${i}.png`, 200 + i, 'image'), newDelta());
    expect(ids(activePage(tab))).toHaveLength(LIMITS.subresourcesPerPage);
    expect(activePage(tab)!.dropped.subresources ?? 0).toBe(0);
    return tab;
  }
  const over = (id: string) => chromium(S1, id, `https://b.test/${id}.png`, 5000, 'image');

  test('a request beyond the cap is counted once at its start and never recorded, whatever events follow', () => {
    const tab = fullPage();
    const e = over('9001');
    const d = step((d) => onSubresourceStart(tab, e, d));
    expect(activePage(tab)!.dropped.subresources).toBe(1);
    expect(d.dirty).toBe(true);
    expect(d.resources.size).toBe(0);
    onSubresourceHeadersSent(tab, sent(e, 5001, [['Sec-Fetch-Mode', 'no-cors']]), newDelta());
    onSubresourceHeadersReceived(tab, received(e, 5002, 200, [['Content-Type', 'image/png']]), newDelta());
    onSubresourceCompleted(tab, completed(e, 5003), newDelta());
    expect(activePage(tab)!.dropped.subresources).toBe(1);
    expect(everyRecord(tab).some((r) => r.requestId === '9001')).toBe(false);
    expect(ids(activePage(tab))).toHaveLength(LIMITS.subresourcesPerPage);
  });

  test('each request beyond the cap counts once: three requests, three', () => {
    const tab = fullPage();
    for (const id of ['9001', '9002', '9003']) {
      const e = over(id);
      onSubresourceStart(tab, e, newDelta());
      onSubresourceCompleted(tab, completed(e, 5003), newDelta());
    }
    expect(activePage(tab)!.dropped.subresources).toBe(3);
  });

  test('a redirected request beyond the cap still counts once (onBeforeRequest fires again for the redirect target)', () => {
    const tab = fullPage();
    const e = over('9001');
    onSubresourceStart(tab, e, newDelta());
    onSubresourceHeadersReceived(tab, received(e, 5002, 302, [['Location', 'https://c.test/9001.png']]), newDelta());
    onSubresourceStart(tab, { ...e, url: 'https://c.test/9001.png', timeStamp: 5003 }, newDelta());
    onSubresourceHeadersReceived(tab, received(e, 5004, 200, [], { url: 'https://c.test/9001.png' }), newDelta());
    onSubresourceCompleted(tab, completed(e, 5005), newDelta());
    expect(activePage(tab)!.dropped.subresources).toBe(1);
  });

  test('a request whose start was missed is not created beyond the cap, and not counted', () => {
    const tab = fullPage();
    const e = over('9004');
    onSubresourceHeadersReceived(tab, received(e, 5002, 200, []), newDelta());
    onSubresourceCompleted(tab, completed(e, 5003), newDelta());
    expect(everyRecord(tab).some((r) => r.requestId === '9004')).toBe(false);
    expect(activePage(tab)!.dropped.subresources ?? 0).toBe(0);
  });

  test('requests already recorded keep being updated at the cap', () => {
    const tab = fullPage();
    const e = chromium(A, '1', 'https://a.test/1.png', 201, 'image');
    const d = step((d) => onSubresourceCompleted(tab, completed(e, 6000), d));
    expect(activePage(tab)!.subresources!['1']).toMatchObject({ state: 'complete', endedAt: 6000 });
    expect(sortedStrings(d.resources)).toEqual(['1']);
    expect(activePage(tab)!.dropped.subresources ?? 0).toBe(0);
  });

  test('the cap is per page: the next page records its own requests', () => {
    const tab = fullPage();
    onCommitted(tab, topCommit('B', 'https://b.test/', 9000), newDelta());
    onSubresourceStart(tab, chromium({ ...A, documentId: 'B', origin: 'https://b.test' }, '9100', 'https://b.test/x.js', 9001), newDelta());
    expect(ids(activePage(tab))).toEqual(['9100']);
    expect(activePage(tab)!.dropped.subresources ?? 0).toBe(0);
  });
});

// ── clipping ─────────────────────────────────────────────────────────────────────────────────────
describe('long strings', () => {
  test(`the URL, each response URL and the initiator are clipped to LIMITS.subresourceURLChars (${LIMITS.subresourceURLChars})`, () => {
    const tab = zoo();
    const long = `https://b.test/${'q'.repeat(5000)}`;
    const e = { ...chromium(A, '800', long, 200, 'image'), initiator: `https://${'i'.repeat(3000)}.test` };
    onSubresourceStart(tab, e, newDelta());
    onSubresourceHeadersReceived(tab, received(e, 210, 200, [['Content-Type', 'image/png']]), newDelta());
    const r = activePage(tab)!.subresources!['800']!;
    expect(r.url).toBe(clipText(long, LIMITS.subresourceURLChars));
    expect(r.url.startsWith(long.slice(0, LIMITS.subresourceURLChars))).toBe(true);
    expect(r.url.length).toBeLessThan(long.length);
    expect(r.responses[0]!.url).toBe(clipText(long, LIMITS.subresourceURLChars));
    expect(r.initiator).toBe(clipText(e.initiator, LIMITS.subresourceURLChars));
    expect(isSubresourceRecord(r)).toBe(true);
  });

  test('a long error string and fetch-metadata values are clipped, and the record stays valid', () => {
    const tab = zoo();
    const e = chromium(A, '801', 'https://b.test/x', 200, 'other');
    onSubresourceHeadersSent(tab, sent(e, 201, [['Sec-Fetch-Mode', 'm'.repeat(100_000)], ['Sec-Fetch-Site', 's'.repeat(100_000)]]), newDelta());
    onSubresourceError(tab, failed(e, 202, 'E'.repeat(100_000)), newDelta());
    const r = activePage(tab)!.subresources!['801']!;
    expect(r.fetchMode!.length).toBeLessThan(200);
    expect(r.fetchSite!.length).toBeLessThan(200);
    expect(r.error!.length).toBeLessThan(1000);
    expect(isSubresourceRecord(r)).toBe(true);
  });

  test('whatever the response sends, the recorded request passes the protocol guard the panel applies', () => {
    // A server may repeat a kept header line; the panel drops any message whose record fails the guard.
    const tab = zoo();
    const e = chromium(A, '802', 'https://b.test/many', 200, 'xmlhttprequest');
    onSubresourceStart(tab, e, newDelta());
    const repeated = Array.from({ length: 40 }, (_, i): [string, string] => ['Access-Control-Allow-Origin', `https://o${i}.test`]);
    onSubresourceHeadersReceived(tab, received(e, 210, 200, repeated), newDelta());
    const page = activePage(tab)!;
    expect(isSubresourceRecord(page.subresources!['802'])).toBe(true);
    expect(isPageRecord(page)).toBe(true);
  });
});

// ── early requests of a top-level document that has not committed yet ───────────────────────────
describe('requests of a top-level document whose commit has not arrived (Chromium)', () => {
  const B: Doc = { frameId: 0, parentFrameId: -1, documentId: 'B', origin: 'https://b.test' };

  test('go to tab.earlySubresources, not to the current page, and are adopted into the page when it commits', () => {
    const tab = zooWithRequests();
    const e = chromium(B, '900', 'https://b.test/app.js', 300);
    const d1 = step((d) => {
      onSubresourceStart(tab, e, d);
      onSubresourceHeadersReceived(tab, received(e, 302, 200, [['Content-Type', 'text/javascript']]), d);
    });
    expect(ids(activePage(tab))).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    expect(earlyIds(tab)).toEqual(['900']);
    expect(d1.dirty).toBe(true);
    expect(d1.resources.size).toBe(0);
    const early = structuredClone(tab.earlySubresources!['900']!);
    expect(early).toMatchObject({ documentId: 'B', frameId: 0, state: 'pending', responses: [{ statusCode: 200 }] });

    const d2 = step((d) => onCommitted(tab, topCommit('B', 'https://b.test/', 305), d));
    expect(tab.activePageId).toBe('B');
    expect(d2.pageSwitched).toBe(true);
    expect(pageOf(tab, 'B').subresources!['900']).toEqual(early);
    expect(earlyIds(tab)).toEqual([]);
    expect(ids(pageOf(tab, 'A'))).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);

    // Its later events now update it in the page, which is active.
    const d3 = step((d) => onSubresourceCompleted(tab, completed(e, 310), d));
    expect(pageOf(tab, 'B').subresources!['900']!.state).toBe('complete');
    expect(sortedStrings(d3.resources)).toEqual(['900']);
  });

  // Chromium numbers a main frame that is not yet the primary one by its frame tree node id
  // (ExtensionApiFrameIdMap::GetFrameId: `!IsInPrimaryMainFrame()` → GetFrameTreeNodeId()), and a
  // pending-commit document has no lifecycle. Seen in CI: the readiness page's first two images, sent
  // by its preload scanner before the browser had the commit, came with frameId 1, not 0.
  const pendingCommit = (requestId: string, url: string, at: number): RequestStartEvent => {
    const { documentLifecycle: _none, ...e } = chromium({ ...B, frameId: 1 }, requestId, url, at, 'image');
    return e;
  };

  test('Chromium: a request the top document sent before its commit reached the browser (frame tree node id, no lifecycle) joins the page under its top frame', () => {
    const tab = zooWithRequests();
    onSubresourceStart(tab, pendingCommit('906', 'https://b.test/img.svg', 300), newDelta());
    expect(earlyIds(tab)).toEqual(['906']);
    onCommitted(tab, topCommit('B', 'https://b.test/', 305), newDelta());
    const page = pageOf(tab, 'B');
    expect(Object.keys(page.frames)).toEqual(['0']);
    expect(page.subresources!['906']).toMatchObject({ frameId: 0, documentId: 'B' });
    // The same, when the commit was missed and the browser's frame list starts the page.
    const tab2 = zooWithRequests();
    onSubresourceStart(tab2, pendingCommit('907', 'https://b.test/img.svg', 300), newDelta());
    applyFrameList(tab2, [{ frameId: 0, parentFrameId: -1, url: 'https://b.test/', documentId: 'B', documentLifecycle: 'active', frameType: 'outermost_frame' }], 400, 401, newDelta());
    expect(activePage(tab2)!.pageId).toBe('B');
    expect(activePage(tab2)!.subresources!['907']).toMatchObject({ frameId: 0, documentId: 'B' });
  });

  test('Chromium: such a request whose start event arrives after the commit is also the top frame\'s', () => {
    const tab = zooWithRequests();
    onCommitted(tab, topCommit('B', 'https://b.test/', 305), newDelta());
    onSubresourceStart(tab, pendingCommit('908', 'https://b.test/img.svg', 306), newDelta());
    expect(earlyIds(tab)).toEqual([]);
    expect(pageOf(tab, 'B').subresources!['908']).toMatchObject({ frameId: 0, documentId: 'B' });
  });

  test('on a tab with no page yet (its first navigation)', () => {
    const tab = newTabRecord(TAB);
    onSubresourceStart(tab, chromium(B, '901', 'https://b.test/app.css', 300, 'stylesheet'), newDelta());
    expect(earlyIds(tab)).toEqual(['901']);
    onCommitted(tab, topCommit('B', 'https://b.test/', 305), newDelta());
    expect(ids(activePage(tab))).toEqual(['901']);
  });

  test('are adopted only by the page of their own document', () => {
    const tab = zoo();
    onSubresourceStart(tab, chromium(B, '902', 'https://b.test/app.js', 300), newDelta());
    onCommitted(tab, topCommit('C', 'https://c.test/', 305), newDelta());
    expect(ids(activePage(tab))).toEqual([]);
    expect(earlyIds(tab)).toEqual(['902']);
  });

  test('a request of a subframe whose document is new but whose parent is known goes straight to the page', () => {
    const tab = zoo();
    const newDoc: Doc = { frameId: 3, parentFrameId: 0, documentId: 'S3b', parentDocumentId: 'A', origin: 'https://a.test' };
    onSubresourceStart(tab, chromium(newDoc, '903', 'https://a.test/s3b.js', 300), newDelta());
    expect(earlyIds(tab)).toEqual([]);
    expect(activePage(tab)!.subresources!['903']).toMatchObject({ documentId: 'S3b', frameId: 3 });
  });

  test(`are capped at LIMITS.earlySubresources (${LIMITS.earlySubresources}), the oldest evicted`, () => {
    const tab = zoo();
    const n = LIMITS.earlySubresources + 3;
    // Chromium's request ids grow with time: '10001' is the oldest.
    for (let i = 1; i <= n; i++) onSubresourceStart(tab, chromium(B, String(10000 + i), `https://b.test/${i}.js`, 300 + i), newDelta());
    const expected = Array.from({ length: LIMITS.earlySubresources }, (_, i) => String(10000 + 4 + i));
    expect(earlyIds(tab)).toEqual(expected);
    onCommitted(tab, topCommit('B', 'https://b.test/', 1000), newDelta());
    expect(ids(activePage(tab))).toEqual(expected);
  });

  test('a prerendering document\'s requests wait for its prerender commit and go to that page; the active page\'s delta does not carry them', () => {
    const tab = zoo();
    const P: Doc = { frameId: 9, parentFrameId: -1, documentId: 'P', lifecycle: 'prerender', frameType: 'outermost_frame', origin: 'https://a.test' };
    const e = chromium(P, '904', 'https://a.test/next.js', 300);
    onSubresourceStart(tab, e, newDelta());
    expect(earlyIds(tab)).toEqual(['904']);
    onCommitted(tab, { ...topCommit('P', 'https://a.test/next', 305), frameId: 9, documentLifecycle: 'prerender' }, newDelta());
    expect(tab.activePageId).toBe('A');
    expect(pageOf(tab, 'P').lifecycle).toBe('prerender');
    expect(ids(pageOf(tab, 'P'))).toEqual(['904']);
    expect(earlyIds(tab)).toEqual([]);
    const d = step((d) => onSubresourceCompleted(tab, completed(e, 310), d));
    expect(pageOf(tab, 'P').subresources!['904']!.state).toBe('complete');
    expect(d.dirty).toBe(true);
    expect(d.resources.size).toBe(0);
  });

  test('after a prerender activation renumbers the top frame, the page\'s requests still name its top frame', () => {
    const tab = zoo();
    const P: Doc = { frameId: 9, parentFrameId: -1, documentId: 'P', lifecycle: 'prerender', frameType: 'outermost_frame', origin: 'https://a.test' };
    onCommitted(tab, { ...topCommit('P', 'https://a.test/next', 300), frameId: 9, documentLifecycle: 'prerender' }, newDelta());
    onSubresourceStart(tab, chromium(P, '905', 'https://a.test/next.js', 301), newDelta());
    // Activation: the browser's frame list shows P as the active top document, now frame 0.
    applyFrameList(tab, [{ frameId: 0, parentFrameId: -1, url: 'https://a.test/next', documentId: 'P', documentLifecycle: 'active', frameType: 'outermost_frame' }], 400, 401, newDelta());
    const page = activePage(tab)!;
    expect(page.pageId).toBe('P');
    const top = Object.values(page.frames).find((f) => f.parentFrameId === -1)!;
    expect(top.frameId).toBe(0);
    expect(page.subresources!['905']!.frameId).toBe(top.frameId);
  });
});

// ── pruning ──────────────────────────────────────────────────────────────────────────────────────
describe('pruning', () => {
  test('Chromium: a frame that commits a new document loses its old document\'s requests and its removed children\'s; the new document\'s early ones stay', () => {
    const tab = zooWithRequests();
    // The new document's first request arrives before its commit.
    const S1b: Doc = { ...S1, documentId: 'S1b' };
    onSubresourceStart(tab, chromium(S1b, 'r1b', 'https://b.test/new.js', 199), newDelta());
    const d = navigateSub(tab, { frameId: 1, parentFrameId: 0, documentId: 'S1b', parentDocumentId: 'A', url: 'https://b.test/other', at: 200 });
    // Frames 2 and 4 (children of the old S1) are gone, and with them r2 and r4.
    expect(Object.keys(activePage(tab)!.frames).sort()).toEqual(['0', '1', '3']);
    expect(ids(activePage(tab))).toEqual(['r0', 'r1b', 'r3']);
    expect(sortedStrings(d.resourcesRemoved)).toEqual(['r1', 'r2', 'r4']);
    expect(d.resources.size).toBe(0);
  });

  // Seen in Chromium 150 (one image in about ten loads of a 90-frame page): a new frame's first request,
  // sent before the browser had its commit, labelled with the initial about:blank document's id.
  test('Chromium: a request a new frame\'s document sent before its commit, under the initial document\'s id, stays as the committed document\'s', () => {
    const tab = zoo();
    const before = { tabId: TAB, frameId: 5, parentFrameId: 0, parentDocumentId: 'A', url: 'https://a.test/five', frameType: 'sub_frame' as const, documentLifecycle: 'active' as const };
    onBeforeNavigate(tab, { ...before, timeStamp: 200 }, newDelta());
    const initial: Doc = { frameId: 5, parentFrameId: 0, documentId: 'S5-initial', parentDocumentId: 'A', origin: 'https://a.test' };
    onSubresourceStart(tab, chromium(initial, 'r5', 'https://a.test/img.svg?k=0', 250, 'image'), newDelta());
    const d = step((d) => onCommitted(tab, { ...before, timeStamp: 254, documentId: 'S5', transitionType: 'auto_subframe' }, d));
    expect(activePage(tab)!.subresources!['r5']).toMatchObject({ frameId: 5, documentId: 'S5', state: 'pending' });
    expect([...d.resources]).toEqual(['r5']);
    expect(tab.goneRequestIds ?? []).toEqual([]);
    // Its later events update it.
    onSubresourceCompleted(tab, completed(chromium(initial, 'r5', 'https://a.test/img.svg?k=0', 250, 'image'), 260), newDelta());
    expect(activePage(tab)!.subresources!['r5']!.state).toBe('complete');
  });

  test('Chromium: at a new commit, the previous document\'s requests, and unknown documents\' requests from before the navigation, are still dropped', () => {
    const tab = zooWithRequests();
    // r1 is S1's (the frame's recorded document); r1x, of a document no event named, started before the navigation.
    onSubresourceStart(tab, chromium({ ...S1, documentId: 'S1-unknown' }, 'r1x', 'https://b.test/x.js', 150), newDelta());
    onSubresourceStart(tab, chromium({ ...S1, documentId: 'S1-initial' }, 'r1y', 'https://b.test/y.js', 199), newDelta());
    navigateSub(tab, { frameId: 1, parentFrameId: 0, documentId: 'S1b', parentDocumentId: 'A', url: 'https://b.test/other', at: 190 });
    const page = activePage(tab)!;
    expect(ids(page)).toEqual(['r0', 'r1y', 'r3']);
    expect(page.subresources!['r1y']!.documentId).toBe('S1b');
  });

  test('Firefox (no document ids): a frame\'s requests that started before its new commit are dropped, later ones stay', () => {
    const tab = firefoxPage();
    wholeRequest(tab, firefox(0, -1, '10', 'https://a.test/top.js', 150, 'https://a.test/'));
    wholeRequest(tab, firefox(1, 0, '11', 'https://b.test/old.js', 150, 'https://b.test/one'));
    // The new document's request reaches the background before the commit event (started at 205, commit at 200).
    onSubresourceStart(tab, firefox(1, 0, '12', 'https://b.test/new.js', 205, 'https://b.test/two'), newDelta());
    onBeforeNavigate(tab, { tabId: TAB, frameId: 1, parentFrameId: 0, url: 'https://b.test/two', timeStamp: 190 }, newDelta());
    const d = step((d) => onCommitted(tab, { tabId: TAB, frameId: 1, parentFrameId: 0, url: 'https://b.test/two', timeStamp: 200 }, d));
    expect(ids(activePage(tab))).toEqual(['10', '12']);
    expect(sortedStrings(d.resourcesRemoved)).toEqual(['11']);
  });

  test('a same-document navigation (history API, fragment) keeps the frame\'s requests', () => {
    const tab = zooWithRequests();
    const d = step((d) => onSameDocumentNavigation(tab, { tabId: TAB, frameId: 1, parentFrameId: 0, url: 'https://b.test/one#x', timeStamp: 200, documentId: 'S1', parentDocumentId: 'A', documentLifecycle: 'active', frameType: 'sub_frame' }, d));
    expect(ids(activePage(tab))).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    expect(d.resourcesRemoved.size).toBe(0);
  });

  test('a frame whose navigation fails loses its children, and their requests', () => {
    const tab = zooWithRequests();
    const d = step((d) => onErrorOccurred(tab, {
      tabId: TAB, frameId: 2, parentFrameId: 1, parentDocumentId: 'S1', url: 'https://c.test/blocked', timeStamp: 200,
      documentLifecycle: 'active', frameType: 'sub_frame', error: 'net::ERR_BLOCKED_BY_RESPONSE',
    }, d));
    expect(activePage(tab)!.frames['4']).toBeUndefined();
    expect(ids(activePage(tab))).not.toContain('r4');
    expect(ids(activePage(tab))).toEqual(expect.arrayContaining(['r0', 'r1', 'r3']));
    expect(d.resourcesRemoved.has('r4')).toBe(true);
  });

  test('frames missing from the browser\'s frame list are dropped with their requests', () => {
    const tab = zooWithRequests();
    const list: FrameListEntry[] = [
      { frameId: 0, parentFrameId: -1, url: 'https://a.test/', documentId: 'A', documentLifecycle: 'active', frameType: 'outermost_frame' },
      { frameId: 1, parentFrameId: 0, url: 'https://b.test/one', documentId: 'S1', parentDocumentId: 'A', documentLifecycle: 'active', frameType: 'sub_frame' },
    ];
    const d = step((d) => applyFrameList(tab, list, 500, 510, d));
    expect(Object.keys(activePage(tab)!.frames).sort()).toEqual(['0', '1']);
    expect(ids(activePage(tab))).toEqual(['r0', 'r1']);
    expect(sortedStrings(d.resourcesRemoved)).toEqual(['r2', 'r3', 'r4']);
  });

  test('a frame the frame list shows with another document (its commit was missed) loses its old document\'s requests', () => {
    const tab = zooWithRequests();
    const list: FrameListEntry[] = [
      { frameId: 0, parentFrameId: -1, url: 'https://a.test/', documentId: 'A', documentLifecycle: 'active', frameType: 'outermost_frame' },
      { frameId: 1, parentFrameId: 0, url: 'https://b.test/one', documentId: 'S1', parentDocumentId: 'A', documentLifecycle: 'active', frameType: 'sub_frame' },
      { frameId: 2, parentFrameId: 1, url: 'https://c.test/two', documentId: 'S2', parentDocumentId: 'S1', documentLifecycle: 'active', frameType: 'sub_frame' },
      { frameId: 4, parentFrameId: 2, url: 'https://c.test/four', documentId: 'S4', parentDocumentId: 'S2', documentLifecycle: 'active', frameType: 'sub_frame' },
      { frameId: 3, parentFrameId: 0, url: 'https://a.test/three-b', documentId: 'S3b', parentDocumentId: 'A', documentLifecycle: 'active', frameType: 'sub_frame' },
    ];
    const d = step((d) => applyFrameList(tab, list, 500, 510, d));
    expect(activePage(tab)!.frames['3']!.documentId).toBe('S3b');
    expect(ids(activePage(tab))).toEqual(['r0', 'r1', 'r2', 'r4']);
    expect(d.resourcesRemoved.has('r3')).toBe(true);
  });

  test('a late event of a request dropped with its old document does not bring the request back', () => {
    // The old document's in-flight request is cancelled when it goes away: onErrorOccurred(net::ERR_ABORTED)
    // can reach the background after the new document's commit.
    const tab = zoo();
    const e = chromium(S3, 'inflight', 'https://a.test/slow.js', 140);
    onSubresourceStart(tab, e, newDelta());
    navigateSub(tab, { frameId: 3, parentFrameId: 0, documentId: 'S3b', parentDocumentId: 'A', url: 'https://a.test/three-b', at: 200 });
    expect(ids(activePage(tab))).toEqual([]);
    onSubresourceError(tab, { ...failed(e, 201, 'net::ERR_ABORTED'), documentLifecycle: 'pending_deletion' }, newDelta());
    expect(ids(activePage(tab))).toEqual([]);
  });

  test('a new top-level document starts a page without the old page\'s requests; the old page keeps them', () => {
    const tab = zooWithRequests();
    onCommitted(tab, topCommit('B', 'https://b.test/', 300), newDelta());
    expect(ids(activePage(tab))).toEqual([]);
    expect(ids(pageOf(tab, 'A'))).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
  });
});

// ── what the delta reports ───────────────────────────────────────────────────────────────────────
describe('Delta.resources and resourcesRemoved: the active page only', () => {
  test('events of a request of the previous page (aborted after the navigation) change that page but not the delta', () => {
    const tab = zoo();
    const e = chromium(A, 'slow', 'https://a.test/slow.png', 150, 'image');
    onSubresourceStart(tab, e, newDelta());
    onCommitted(tab, topCommit('B', 'https://b.test/', 300), newDelta());
    const d = step((d) => onSubresourceError(tab, { ...failed(e, 301, 'net::ERR_ABORTED'), documentLifecycle: 'pending_deletion' }, d));
    expect(pageOf(tab, 'A').subresources!['slow']).toMatchObject({ state: 'error', error: 'net::ERR_ABORTED' });
    expect(ids(activePage(tab))).toEqual([]);
    expect(d.dirty).toBe(true);
    expect(d.resources.size).toBe(0);
    expect(d.resourcesRemoved.size).toBe(0);
  });

  test('requests dropped from a prerendering page are not in resourcesRemoved', () => {
    const tab = zoo();
    onCommitted(tab, { ...topCommit('P', 'https://a.test/next', 300), frameId: 9, documentLifecycle: 'prerender' }, newDelta());
    navigateSub(tab, { frameId: 12, parentFrameId: 9, documentId: 'P1', parentDocumentId: 'P', url: 'https://b.test/ad', at: 310, lifecycle: 'prerender' });
    const P1: Doc = { frameId: 12, parentFrameId: 9, documentId: 'P1', parentDocumentId: 'P', lifecycle: 'prerender', origin: 'https://b.test' };
    const dAdd = step((d) => onSubresourceStart(tab, chromium(P1, 'p1', 'https://b.test/ad.js', 320), d));
    expect(ids(pageOf(tab, 'P'))).toEqual(['p1']);
    expect(dAdd.resources.size).toBe(0);
    const d = navigateSub(tab, { frameId: 12, parentFrameId: 9, documentId: 'P1b', parentDocumentId: 'P', url: 'https://b.test/ad2', at: 330, lifecycle: 'prerender' });
    expect(ids(pageOf(tab, 'P'))).toEqual([]);
    expect(d.resourcesRemoved.size).toBe(0);
    expect(d.dirty).toBe(true);
  });

  test('a request added and changed in one step is reported once in resources', () => {
    const tab = zoo();
    const d = wholeRequest(tab, chromium(A, 'once', 'https://a.test/once.js', 200));
    expect(sortedStrings(d.resources)).toEqual(['once']);
    expect(d.resourcesRemoved.size).toBe(0);
  });
});

// ── what the panel receives ──────────────────────────────────────────────────────────────────────
/** An in-memory storage.session (stores structured clones). */
class FakeArea implements SessionArea {
  readonly data = new Map<string, unknown>();
  async get(keys: null | string | string[]): Promise<Record<string, unknown>> {
    const wanted = keys === null ? [...this.data.keys()] : typeof keys === 'string' ? [keys] : keys;
    return Object.fromEntries(wanted.filter((k) => this.data.has(k)).map((k) => [k, structuredClone(this.data.get(k))]));
  }
  async set(items: Record<string, unknown>): Promise<void> {
    for (const [k, v] of Object.entries(items)) this.data.set(k, structuredClone(v));
  }
  async remove(keys: string | string[]): Promise<void> {
    for (const k of typeof keys === 'string' ? [keys] : keys) this.data.delete(k);
  }
}

/** A panel's end of a runtime Port: what the background posts is cloned, as a real port serializes it. */
function fakePanelPort() {
  const listeners: ((m: unknown) => void)[] = [];
  const received: BackgroundMessage[] = [];
  const port = {
    name: PANEL_PORT_NAME,
    sender: { id: 'extension' },
    onMessage: { addListener: (l: (m: unknown) => void) => listeners.push(l) },
    onDisconnect: { addListener: () => {} },
    postMessage: (m: unknown) => received.push(structuredClone(m) as BackgroundMessage),
    disconnect: () => {},
  };
  return { port: port as unknown as Runtime.Port, received, say: (m: unknown) => listeners.forEach((l) => l(m)) };
}

describe('panel updates carry resources, resourcesRemoved and dropped', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  async function connected() {
    const store = new TabStore(new FakeArea());
    const ports = new PanelPorts(store, () => {});
    const panel = fakePanelPort();
    ports.accept(panel.port);
    panel.say({ type: 'hello', v: PROTOCOL_VERSION, tabId: TAB });
    await vi.advanceTimersByTimeAsync(0);
    store.update(TAB, (tab, d) => onCommitted(tab, topCommit('A', 'https://a.test/', 100), d));
    store.update(TAB, (tab, d) => navigateSub(tab, { frameId: 1, parentFrameId: 0, documentId: 'S1', parentDocumentId: 'A', url: 'https://b.test/one', at: 110 }, d));
    await vi.advanceTimersByTimeAsync(1000);
    const last = panel.received.at(-1);
    expect(last?.type).toBe('snapshot');
    panel.received.length = 0;
    return { store, panel };
  }
  const updates = (msgs: BackgroundMessage[]) => msgs.filter((m): m is Extract<BackgroundMessage, { type: 'update' }> => m.type === 'update');

  test('a new request reaches the panel as a valid update with its record', async () => {
    const { store, panel } = await connected();
    const e = chromium(S1, 'x1', 'https://c.test/x1.js', 200);
    store.update(TAB, (tab, d) => onSubresourceStart(tab, e, d));
    store.update(TAB, (tab, d) => onSubresourceHeadersReceived(tab, received(e, 210, 200, [['Content-Type', 'text/javascript']]), d));
    await vi.advanceTimersByTimeAsync(1000);
    expect(panel.received).toHaveLength(1);
    const msg = panel.received[0]!;
    expect(isBackgroundMessage(msg)).toBe(true);
    const [u] = updates(panel.received);
    expect(u!.pageId).toBe('A');
    expect(u!.resources).toEqual([activePage(store.peek(TAB)!)!.subresources!['x1']]);
    expect(u!.resources[0]!.responses).toHaveLength(1);
    expect(u!.resourcesRemoved).toEqual([]);
    expect(u!.dropped).toEqual({ frames: 0 });
  });

  test('requests pruned by a new document reach the panel as resourcesRemoved, not as resources', async () => {
    const { store, panel } = await connected();
    store.update(TAB, (tab, d) => wholeRequest(tab, chromium(S1, 'x2', 'https://c.test/x2.js', 200), d));
    await vi.advanceTimersByTimeAsync(1000);
    panel.received.length = 0;
    store.update(TAB, (tab, d) => navigateSub(tab, { frameId: 1, parentFrameId: 0, documentId: 'S1b', parentDocumentId: 'A', url: 'https://b.test/two', at: 300 }, d));
    await vi.advanceTimersByTimeAsync(1000);
    const [u] = updates(panel.received);
    expect(isBackgroundMessage(u)).toBe(true);
    expect(u!.resourcesRemoved).toEqual(['x2']);
    expect(u!.resources).toEqual([]);
  });

  test('a request added and pruned within one batch is sent as removed only', async () => {
    const { store, panel } = await connected();
    store.update(TAB, (tab, d) => onSubresourceStart(tab, chromium(S1, 'x3', 'https://c.test/x3.js', 200), d));
    store.update(TAB, (tab, d) => navigateSub(tab, { frameId: 1, parentFrameId: 0, documentId: 'S1b', parentDocumentId: 'A', url: 'https://b.test/two', at: 300 }, d));
    await vi.advanceTimersByTimeAsync(1000);
    const [u] = updates(panel.received);
    expect(u!.resources.map((r) => r.requestId)).toEqual([]);
    expect(u!.resourcesRemoved).toEqual(['x3']);
  });

  test('the dropped count reaches the panel when a request is left out', async () => {
    const { store, panel } = await connected();
    store.update(TAB, (tab, d) => {
      for (let i = 1; i <= LIMITS.subresourcesPerPage; i++) onSubresourceStart(tab, chromium(A, `c${i}`, `https://a.test/${i}.png`, 200 + i, 'image'), d);
    });
    await vi.advanceTimersByTimeAsync(1000);
    panel.received.length = 0;
    store.update(TAB, (tab, d) => onSubresourceStart(tab, chromium(A, 'beyond', 'https://a.test/beyond.png', 5000, 'image'), d));
    await vi.advanceTimersByTimeAsync(1000);
    const [u] = updates(panel.received);
    expect(isBackgroundMessage(u)).toBe(true);
    expect(u!.dropped.subresources).toBe(1);
    expect(u!.resources).toEqual([]);
  });
});
