// The recorder's rules, one test per rule, with literal webNavigation/webRequest events shaped like
// Chromium's (documentId, parentDocumentId, documentLifecycle, frameType) and, where noted, Firefox's
// (no document ids).
import { describe, expect, test } from 'vitest';
import {
  LIMITS,
  activePage,
  applyFrameList,
  framesToAskAgain,
  newDelta,
  newTabRecord,
  onBeforeNavigate,
  onCommitted,
  onCompleted,
  onEmbeds,
  onErrorOccurred,
  onHeadersReceived,
  onObserve,
  onCreatedNavigationTarget,
  onProbe,
  onSameDocumentNavigation,
  openerChain,
  type CommittedEvent,
  type Delta,
  type ErrorEvent,
  type FrameListEntry,
  type HeadersEvent,
  type Sender,
  type TabRecord,
} from '../../src/background/recorder.ts';
import { MAX_TEXT, clipText, type ContentMessages, type EmbedReport } from '../../src/shared/protocol.ts';
import type { DocumentLifecycle, EmbedElement, FrameRecord, PageRecord } from '../../src/shared/snapshot.ts';

const TAB = 7;
const NONCE_1 = '0f8fad5b-d9cb-469f-a165-70867728950e';
const NONCE_2 = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

// ── building events ──────────────────────────────────────────────────────────────────────────────
/** Runs recorder steps against one fresh delta and returns it. */
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

/** onBeforeNavigate for a subframe: the new document has no id yet, its parent's is known. */
const subBefore = (s: Omit<SubSpec, 'documentId'>) => ({
  tabId: TAB, frameId: s.frameId, parentFrameId: s.parentFrameId, parentDocumentId: s.parentDocumentId,
  url: s.url, timeStamp: s.at, documentLifecycle: s.lifecycle ?? 'active', frameType: 'sub_frame' as const,
});
const subCommit = (s: SubSpec): CommittedEvent => ({ ...subBefore(s), documentId: s.documentId, transitionType: 'auto_subframe' });
const subError = (s: SubSpec, error: string): ErrorEvent => ({ ...subBefore(s), documentId: s.documentId, error });

/** A subframe navigation as the browser reports it: before-navigate, then commit. */
function navigateSub(tab: TabRecord, s: SubSpec, d = newDelta()): Delta {
  onBeforeNavigate(tab, subBefore(s), d);
  onCommitted(tab, subCommit(s), d);
  return d;
}

function response(type: string, frameId: number, url: string, headers: [string, string][], at: number, extra: Partial<HeadersEvent> = {}): HeadersEvent {
  return {
    tabId: TAB, frameId, url, timeStamp: at, type, statusCode: 200, statusLine: 'HTTP/1.1 200 OK',
    responseHeaders: headers.map(([name, value]) => ({ name, value })),
    ...extra,
  };
}

const sender = (frameId: number, documentId?: string, documentLifecycle: DocumentLifecycle = 'active'): Sender => ({
  tabId: TAB, frameId, ...(documentId !== undefined ? { documentId } : {}), documentLifecycle,
});

const observation = (url: string, origin: string): ContentMessages['observe'] => ({
  url, origin, isSecureContext: url.startsWith('https:'), crossOriginIsolated: false,
  documentDomain: new URL(url).hostname, originAgentCluster: false,
});

const embed = (index: number, over: Partial<EmbedReport> = {}): EmbedReport => ({
  tag: 'iframe', index, frameId: null, id: null, name: null, src: null, srcdoc: false, sandbox: null,
  allow: null, referrerPolicy: null, loading: null, credentialless: { attribute: false, property: null },
  ...over,
});
const embeds = (list: EmbedReport[], dropped = 0): ContentMessages['embeds'] => ({ embeds: list, dropped });

const frameOf = (tab: TabRecord, frameId: number): FrameRecord | undefined => activePage(tab)?.frames[String(frameId)];
const pageOf = (tab: TabRecord, pageId: string): PageRecord => {
  const p = tab.pages[pageId];
  if (!p) throw new Error(`no page ${pageId}`);
  return p;
};
const sorted = (s: Set<number>) => [...s].sort((a, b) => a - b);
const frameKeys = (p: PageRecord) => Object.keys(p.frames).map(Number).sort((a, b) => a - b);

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

/** The zoo's frames as webNavigation.getAllFrames lists them. */
const zooList = (): FrameListEntry[] => [
  { frameId: 0, parentFrameId: -1, url: 'https://a.test/', documentId: 'A', documentLifecycle: 'active', frameType: 'outermost_frame' },
  { frameId: 1, parentFrameId: 0, url: 'https://b.test/one', documentId: 'S1', parentDocumentId: 'A', documentLifecycle: 'active', frameType: 'sub_frame' },
  { frameId: 2, parentFrameId: 1, url: 'https://c.test/two', documentId: 'S2', parentDocumentId: 'S1', documentLifecycle: 'active', frameType: 'sub_frame' },
  { frameId: 4, parentFrameId: 2, url: 'https://c.test/four', documentId: 'S4', parentDocumentId: 'S2', documentLifecycle: 'active', frameType: 'sub_frame' },
  { frameId: 3, parentFrameId: 0, url: 'https://a.test/three', documentId: 'S3', parentDocumentId: 'A', documentLifecycle: 'active', frameType: 'sub_frame' },
];

// ── pages ────────────────────────────────────────────────────────────────────────────────────────
describe('pages', () => {
  test('a top-level commit starts a new active page and reports pageSwitched', () => {
    const tab = newTabRecord(TAB);
    const d = step((d) => onCommitted(tab, topCommit('A', 'https://a.test/', 100), d));
    expect(d.pageSwitched).toBe(true);
    expect(d.dirty).toBe(true);
    expect(sorted(d.upserted)).toEqual([0]);
    expect(tab.activePageId).toBe('A');
    const page = pageOf(tab, 'A');
    expect(page).toMatchObject({ pageId: 'A', tabId: TAB, url: 'https://a.test/', startedAt: 100, lifecycle: 'active' });
    expect(page.frames['0']).toMatchObject({
      frameId: 0, parentFrameId: -1, documentId: 'A', url: 'https://a.test/', status: 'committed',
      frameType: 'outermost_frame', documentLifecycle: 'active', transitionType: 'link',
    });
  });

  test('a second top-level commit starts another page and keeps the previous one, with its frames, as inactive', () => {
    const tab = zoo();
    const d = step((d) => onCommitted(tab, topCommit('B', 'https://b.test/', 200), d));
    expect(d.pageSwitched).toBe(true);
    expect(tab.activePageId).toBe('B');
    expect(pageOf(tab, 'B').lifecycle).toBe('active');
    expect(frameKeys(pageOf(tab, 'B'))).toEqual([0]);
    expect(pageOf(tab, 'A').lifecycle).toBe('inactive');
    expect(frameKeys(pageOf(tab, 'A'))).toEqual([0, 1, 2, 3, 4]);
  });

  test('a top-level commit without document ids (Firefox) also starts a new page', () => {
    const tab = newTabRecord(TAB);
    const firefox = (url: string, at: number): CommittedEvent => ({ tabId: TAB, frameId: 0, parentFrameId: -1, url, timeStamp: at });
    onCommitted(tab, firefox('https://a.test/', 100), newDelta());
    const first = tab.activePageId;
    onCommitted(tab, { tabId: TAB, frameId: 1, parentFrameId: 0, url: 'https://a.test/f', timeStamp: 110 }, newDelta());
    const d = step((d) => onCommitted(tab, firefox('https://b.test/', 200), d));
    expect(d.pageSwitched).toBe(true);
    expect(tab.activePageId).not.toBe(first);
    expect(frameKeys(activePage(tab)!)).toEqual([0]);
    expect(pageOf(tab, first!).lifecycle).toBe('inactive');
  });

  test('only LIMITS.otherPages pages besides the active one are kept, the most recent ones', () => {
    const tab = newTabRecord(TAB);
    const ids = Array.from({ length: LIMITS.otherPages + 3 }, (_, i) => `P${i}`);
    ids.forEach((id, i) => onCommitted(tab, topCommit(id, `https://a.test/${i}`, 100 + i * 10), newDelta()));
    const last = ids[ids.length - 1]!;
    expect(tab.activePageId).toBe(last);
    expect(Object.keys(tab.pages).sort()).toEqual(ids.slice(-(LIMITS.otherPages + 1)).sort());
    for (const id of ids.slice(-(LIMITS.otherPages + 1), -1)) expect(pageOf(tab, id).lifecycle).toBe('inactive');
  });

  test("a restored page's subframes that its documents still host survive Chromium's list, which names only the top frame", () => {
    // Found in Chromium 156 (test/e2e/faults.e2e.ts): after a back/forward-cache restore,
    // getAllFrames lists the top frame alone while CDP's frame tree shows the live subframes.
    const tab = zoo();
    const host = (frameId: number, documentId: string, childIds: number[]) =>
      onEmbeds(tab, sender(frameId, documentId), embeds(childIds.map((id, i) => embed(i, { frameId: id }))), 140, newDelta());
    host(0, 'A', [1, 3]);
    host(1, 'S1', [2]);
    host(2, 'S2', [4]);
    onCommitted(tab, topCommit('B', 'https://b.test/', 200), newDelta());
    onCommitted(tab, topCommit('A', 'https://a.test/', 300, { transitionType: 'link' }), newDelta());
    const d = step((d) => applyFrameList(tab, [zooList()[0]!], 400, 410, d));
    expect(frameKeys(activePage(tab)!)).toEqual([0, 1, 2, 3, 4]);
    expect(d.removed.size).toBe(0);
    // An element removed later (its parent re-reports its elements): its frame goes at the next list.
    host(0, 'A', [3]);
    applyFrameList(tab, [zooList()[0]!], 500, 510, newDelta());
    expect(frameKeys(activePage(tab)!)).toEqual([0, 3]);
  });

  test('a page that was not restored from the cache gets no such leniency: frames gone from the list go', () => {
    const tab = zoo();
    onEmbeds(tab, sender(0, 'A'), embeds([embed(0, { frameId: 1 }), embed(1, { frameId: 3 })]), 140, newDelta());
    applyFrameList(tab, [zooList()[0]!], 400, 410, newDelta());
    expect(frameKeys(activePage(tab)!)).toEqual([0]);
    // Nor does a restored page once another page became active.
    onCommitted(tab, topCommit('B', 'https://b.test/', 500), newDelta());
    expect(tab.restoredPageId).toBeUndefined();
  });

  test('a top-level commit of a kept document (back/forward cache restore) re-activates that page with its frames', () => {
    const tab = zoo();
    onCommitted(tab, topCommit('B', 'https://b.test/', 200), newDelta());
    const d = step((d) => onCommitted(tab, topCommit('A', 'https://a.test/', 300, { transitionType: 'link' }), d));
    expect(d.pageSwitched).toBe(true);
    expect(tab.activePageId).toBe('A');
    expect(pageOf(tab, 'B').lifecycle).toBe('inactive');
    expect(frameKeys(pageOf(tab, 'A'))).toEqual([0, 1, 2, 3, 4]);
  });
});

// ── responses ────────────────────────────────────────────────────────────────────────────────────
describe('document responses', () => {
  test.each([
    ['the same URL', 'https://a.test/p?q=1', 'https://a.test/p?q=1', true],
    ['the committed URL adds a fragment', 'https://a.test/p', 'https://a.test/p#section', true],
    ['the committed URL has another fragment', 'https://a.test/p#one', 'https://a.test/p#two', true],
    ['a different path (a redirect the recorder did not see end)', 'https://a.test/p', 'https://a.test/q', false],
    ['a different query', 'https://a.test/p?q=1', 'https://a.test/p?q=2', false],
    ['a different origin', 'https://a.test/p', 'https://b.test/p', false],
  ])('a main-frame response is attached to the top frame on commit only when the URL matches up to the fragment: %s', (_, responseUrl, committedUrl, attached) => {
    const tab = newTabRecord(TAB);
    onHeadersReceived(tab, response('main_frame', 0, responseUrl, [['Content-Type', 'text/html']], 90), newDelta());
    onCommitted(tab, topCommit('A', committedUrl, 100), newDelta());
    const top = frameOf(tab, 0)!;
    if (attached) expect(top.response).toMatchObject({ url: responseUrl, statusCode: 200 });
    else expect(top.response).toBeUndefined();
    // Either way the held response is used up: it cannot attach to a later, unrelated commit.
    expect(tab.pending['0']).toBeUndefined();
  });

  test('a main-frame response keeps every header line in order, repeated names as separate lines', () => {
    const lines: [string, string][] = [
      ['Content-Type', 'text/html; charset=utf-8'],
      ['Set-Cookie', 'a=1; Secure'],
      ['Cross-Origin-Opener-Policy', 'same-origin'],
      ['Set-Cookie', 'b=2'],
      ['content-security-policy', "frame-ancestors 'self'"],
      ['Content-Security-Policy', 'sandbox allow-scripts'],
      ['X-Empty', ''],
    ];
    const tab = newTabRecord(TAB);
    onHeadersReceived(tab, response('main_frame', 0, 'https://a.test/', lines, 90, { ip: '127.0.0.1', fromCache: false }), newDelta());
    onCommitted(tab, topCommit('A', 'https://a.test/', 100), newDelta());
    expect(frameOf(tab, 0)!.response).toEqual({
      url: 'https://a.test/',
      statusCode: 200,
      statusLine: 'HTTP/1.1 200 OK',
      headers: lines,
      fromCache: false,
      ip: '127.0.0.1',
      timeStamp: 90,
    });
  });

  test('a sub_frame response is attached to the subframe when it commits, not to its parent', () => {
    const tab = newTabRecord(TAB);
    onHeadersReceived(tab, response('main_frame', 0, 'https://a.test/', [['X-Top', '1']], 90), newDelta());
    onCommitted(tab, topCommit('A', 'https://a.test/', 100), newDelta());
    const spec = { frameId: 5, parentFrameId: 0, documentId: 'S5', parentDocumentId: 'A', url: 'https://b.test/f', at: 120 };
    onBeforeNavigate(tab, subBefore(spec), newDelta());
    onHeadersReceived(tab, response('sub_frame', 5, 'https://b.test/f', [['Cross-Origin-Resource-Policy', 'cross-origin']], 115), newDelta());
    onCommitted(tab, subCommit(spec), newDelta());
    expect(frameOf(tab, 5)!.response).toMatchObject({ url: 'https://b.test/f', headers: [['Cross-Origin-Resource-Policy', 'cross-origin']] });
    expect(frameOf(tab, 0)!.response?.headers).toEqual([['X-Top', '1']]);
  });

  test.each(['xmlhttprequest', 'script', 'image', 'other'])('a response of type %s is not a document response and is not held', (type) => {
    const tab = newTabRecord(TAB);
    const d = step((d) => onHeadersReceived(tab, response(type, 0, 'https://a.test/', [['X', '1']], 90), d));
    expect(tab.pending).toEqual({});
    expect(d.dirty).toBe(false);
  });

  test('a subframe blocked by COEP (headers 200, then net::ERR_BLOCKED_BY_RESPONSE) is an error that keeps the error string and the response', () => {
    const tab = zoo();
    const spec = { frameId: 6, parentFrameId: 0, documentId: 'E6', parentDocumentId: 'A', url: 'https://d.test/no-corp', at: 200 };
    onBeforeNavigate(tab, subBefore(spec), newDelta());
    onHeadersReceived(tab, response('sub_frame', 6, spec.url, [['Content-Type', 'text/html']], 205), newDelta());
    const d = step((d) => onErrorOccurred(tab, subError({ ...spec, at: 210 }, 'net::ERR_BLOCKED_BY_RESPONSE'), d));
    expect(frameOf(tab, 6)).toMatchObject({
      frameId: 6,
      parentFrameId: 0,
      url: 'https://d.test/no-corp',
      status: 'error',
      error: 'net::ERR_BLOCKED_BY_RESPONSE',
      response: { url: 'https://d.test/no-corp', statusCode: 200, headers: [['Content-Type', 'text/html']] },
    });
    expect(d.upserted.has(6)).toBe(true);
  });

  test('a subframe error replaces its document: the old document\'s children, observation and elements are gone', () => {
    const tab = zoo();
    onObserve(tab, sender(1, 'S1'), observation('https://b.test/one', 'https://b.test'), 140, newDelta());
    onEmbeds(tab, sender(1, 'S1'), embeds([embed(0, { frameId: 2 })]), 140, newDelta());
    const d = step((d) => onErrorOccurred(tab, subError({ frameId: 1, parentFrameId: 0, documentId: 'E1', parentDocumentId: 'A', url: 'https://b.test/down', at: 200 }, 'net::ERR_CONNECTION_REFUSED'), d));
    const f = frameOf(tab, 1)!;
    expect(f).toMatchObject({ status: 'error', error: 'net::ERR_CONNECTION_REFUSED', url: 'https://b.test/down' });
    expect(f.observed).toBeUndefined();
    expect(f.embeds).toBeUndefined();
    expect(frameKeys(activePage(tab)!)).toEqual([0, 1, 3]);
    expect(sorted(d.removed)).toEqual([2, 4]);
  });
});

// ── top-level errors ─────────────────────────────────────────────────────────────────────────────
describe('top-level errors', () => {
  test.each([
    ['Chromium', 'net::ERR_ABORTED', { documentId: 'A', documentLifecycle: 'active', frameType: 'outermost_frame' }],
    ['Firefox', 'NS_BINDING_ABORTED', {}],
  ] as const)('a cancelled main-frame navigation (%s, %s) leaves the current page as it is', (_, error, ids) => {
    const tab = zoo();
    onHeadersReceived(tab, response('main_frame', 0, 'https://a.test/', [['X', '1']], 90), newDelta());
    const before = structuredClone(tab);
    const d = step((d) => onErrorOccurred(tab, { tabId: TAB, frameId: 0, parentFrameId: -1, url: 'https://a.test/download.zip', timeStamp: 300, error, ...ids }, d));
    expect(tab).toEqual(before);
    expect(d.pageSwitched).toBe(false);
    expect(d.dirty).toBe(false);
  });

  test('a main-frame navigation that fails otherwise starts a new page showing the error', () => {
    const tab = zoo();
    const d = step((d) => onErrorOccurred(tab, {
      tabId: TAB, frameId: 0, parentFrameId: -1, url: 'https://nx.test/', timeStamp: 300, error: 'net::ERR_NAME_NOT_RESOLVED',
      documentId: 'E', documentLifecycle: 'active', frameType: 'outermost_frame',
    }, d));
    expect(d.pageSwitched).toBe(true);
    expect(tab.activePageId).toBe('E');
    expect(pageOf(tab, 'A').lifecycle).toBe('inactive');
    expect(frameOf(tab, 0)).toMatchObject({ url: 'https://nx.test/', status: 'error', error: 'net::ERR_NAME_NOT_RESOLVED', parentFrameId: -1 });
  });
});

// ── documents replacing documents ────────────────────────────────────────────────────────────────
describe('new documents', () => {
  test('a subframe\'s new document removes every descendant of the old document and nothing else', () => {
    const tab = zoo();
    onObserve(tab, sender(1, 'S1'), observation('https://b.test/one', 'https://b.test'), 140, newDelta());
    onEmbeds(tab, sender(1, 'S1'), embeds([embed(0, { frameId: 2 })]), 140, newDelta());
    const d = step((d) => navigateSub(tab, { frameId: 1, parentFrameId: 0, documentId: 'S1b', parentDocumentId: 'A', url: 'https://b.test/next', at: 200 }, d));
    expect(frameKeys(activePage(tab)!)).toEqual([0, 1, 3]);
    expect(sorted(d.removed)).toEqual([2, 4]);
    const f = frameOf(tab, 1)!;
    expect(f).toMatchObject({ documentId: 'S1b', url: 'https://b.test/next', status: 'committed' });
    expect(f.observed).toBeUndefined();
    expect(f.embeds).toBeUndefined();
    expect(f.embedsDocumentId).toBeUndefined();
  });

  test('a committed URL longer than MAX_TEXT is stored clipped, with the marker', () => {
    const tab = newTabRecord(TAB);
    const url = `https://a.test/${'x'.repeat(MAX_TEXT)}`;
    onCommitted(tab, topCommit('A', url, 100), newDelta());
    expect(frameOf(tab, 0)!.url).toBe(`${url.slice(0, MAX_TEXT)}…[${url.length - MAX_TEXT} more characters]`);
    expect(activePage(tab)!.url).toBe(frameOf(tab, 0)!.url);
  });
});

// ── prerender ────────────────────────────────────────────────────────────────────────────────────
describe('prerender', () => {
  const prerenderTop = (at: number): CommittedEvent => ({
    tabId: TAB, frameId: 9, parentFrameId: -1, url: 'https://a.test/next', timeStamp: at,
    documentId: 'P', documentLifecycle: 'prerender', frameType: 'outermost_frame', transitionType: 'link',
  });
  const prerenderSub: SubSpec = { frameId: 10, parentFrameId: 9, documentId: 'P10', parentDocumentId: 'P', url: 'https://c.test/in-prerender', at: 220, lifecycle: 'prerender' };

  test('a prerender commit (outermost_frame, frameId != 0) goes to a separate prerender page, never into the active page', () => {
    const tab = zoo();
    const active = structuredClone(pageOf(tab, 'A'));
    onHeadersReceived(tab, response('main_frame', 9, 'https://a.test/next', [['Supports-Loading-Mode', 'credentialed-prerender']], 195), newDelta());
    const d = step((d) => onCommitted(tab, prerenderTop(200), d));
    expect(d.pageSwitched).toBe(false);
    expect(d.upserted.size).toBe(0);
    expect(tab.activePageId).toBe('A');
    expect(pageOf(tab, 'A')).toEqual(active);
    const p = pageOf(tab, 'P');
    expect(p.lifecycle).toBe('prerender');
    expect(p.frames['9']).toMatchObject({ frameId: 9, parentFrameId: -1, documentLifecycle: 'prerender', status: 'committed' });
    expect(p.frames['9']!.response?.headers).toEqual([['Supports-Loading-Mode', 'credentialed-prerender']]);
  });

  test('a prerendered page\'s subframes go to the prerender page, never into the active page', () => {
    const tab = zoo();
    onCommitted(tab, prerenderTop(200), newDelta());
    const active = structuredClone(pageOf(tab, 'A'));
    const d = step((d) => navigateSub(tab, prerenderSub, d));
    expect(pageOf(tab, 'A')).toEqual(active);
    expect(d.upserted.size).toBe(0);
    expect(pageOf(tab, 'P').frames['10']).toMatchObject({ parentFrameId: 9, documentId: 'P10', status: 'committed' });
  });

  test('a prerender event naming no known document is dropped, not put in the active page', () => {
    const tab = zoo();
    const before = structuredClone(tab);
    const lost: SubSpec = { frameId: 11, parentFrameId: 12, documentId: 'Q11', parentDocumentId: 'Q', url: 'https://q.test/', at: 230, lifecycle: 'prerender' };
    navigateSub(tab, lost);
    expect(tab).toEqual(before);
  });
});

// ── documents we never saw commit ────────────────────────────────────────────────────────────────
describe("events of documents whose lifecycle is 'cached' and that no page knows", () => {
  const cached: SubSpec = { frameId: 1, parentFrameId: 0, documentId: 'C1', parentDocumentId: 'C0', url: 'https://b.test/cached', at: 300, lifecycle: 'cached' };
  test.each<[string, (tab: TabRecord, d: Delta) => void]>([
    ['onBeforeNavigate', (tab, d) => onBeforeNavigate(tab, subBefore(cached), d)],
    ['onCommitted (subframe)', (tab, d) => onCommitted(tab, subCommit(cached), d)],
    ['onErrorOccurred (subframe)', (tab, d) => onErrorOccurred(tab, subError(cached, 'net::ERR_FAILED'), d)],
    ['onCompleted', (tab, d) => onCompleted(tab, subCommit(cached), d)],
    ['onHistoryStateUpdated / onReferenceFragmentUpdated', (tab, d) => onSameDocumentNavigation(tab, subCommit(cached), d)],
    ['observe message', (tab, d) => onObserve(tab, sender(1, 'C1', 'cached'), observation('https://b.test/cached', 'https://b.test'), 300, d)],
    ['embeds message', (tab, d) => onEmbeds(tab, sender(0, 'C0', 'cached'), embeds([embed(0, { frameId: 1 })]), 300, d)],
    ['a frame-list entry', (tab, d) => applyFrameList(tab, [...zooList(), { frameId: 20, parentFrameId: 0, url: 'https://e.test/', documentId: 'C20', parentDocumentId: 'C0', documentLifecycle: 'cached' }], 0, 300, d)],
  ])('%s is ignored', (_, run) => {
    const tab = zoo();
    const before = structuredClone(tab);
    const d = step((d) => run(tab, d));
    expect(tab).toEqual(before);
    expect(d.pageSwitched).toBe(false);
    expect(d.upserted.size).toBe(0);
  });
});

// ── reconciliation with the browser's frame list ─────────────────────────────────────────────────
describe('applyFrameList', () => {
  test('adds frames the events missed (an initial about:blank, a failed frame) with their parents and documents', () => {
    const tab = zoo();
    const d = step((d) => applyFrameList(tab, [
      ...zooList(),
      { frameId: 5, parentFrameId: 3, url: 'about:blank', documentId: 'S5', parentDocumentId: 'S3', documentLifecycle: 'active', frameType: 'sub_frame' },
      { frameId: 6, parentFrameId: 0, url: 'https://d.test/', errorOccurred: true, documentId: 'S6', parentDocumentId: 'A', documentLifecycle: 'active', frameType: 'sub_frame' },
    ], 150, 160, d));
    expect(frameOf(tab, 5)).toMatchObject({ frameId: 5, parentFrameId: 3, url: 'about:blank', status: 'committed', documentId: 'S5', parentDocumentId: 'S3', frameType: 'sub_frame' });
    expect(frameOf(tab, 6)).toMatchObject({ frameId: 6, parentFrameId: 0, url: 'https://d.test/', status: 'error', documentId: 'S6' });
    expect(sorted(d.upserted)).toEqual([5, 6]);
    expect(d.removed.size).toBe(0);
    expect(frameKeys(activePage(tab)!)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  test('removes a frame gone from the list only if our record of it is older than `since`', () => {
    const tab = newTabRecord(TAB);
    onCommitted(tab, topCommit('A', 'https://a.test/', 100), newDelta());
    navigateSub(tab, { frameId: 1, parentFrameId: 0, documentId: 'S1', parentDocumentId: 'A', url: 'https://b.test/', at: 110 });
    navigateSub(tab, { frameId: 2, parentFrameId: 0, documentId: 'S2', parentDocumentId: 'A', url: 'https://c.test/', at: 120 });
    // The list was taken at 200; frame 3 committed at 300, after it: the list cannot know it yet.
    navigateSub(tab, { frameId: 3, parentFrameId: 0, documentId: 'S3', parentDocumentId: 'A', url: 'https://d.test/', at: 300 });
    const list: FrameListEntry[] = [
      { frameId: 0, parentFrameId: -1, url: 'https://a.test/', documentId: 'A', documentLifecycle: 'active', frameType: 'outermost_frame' },
      { frameId: 1, parentFrameId: 0, url: 'https://b.test/', documentId: 'S1', parentDocumentId: 'A', documentLifecycle: 'active', frameType: 'sub_frame' },
    ];
    const d = step((d) => applyFrameList(tab, list, 200, 310, d));
    expect(frameKeys(activePage(tab)!)).toEqual([0, 1, 3]);
    expect(sorted(d.removed)).toEqual([2]);
  });

  test('a frame whose document changed while its events were missed keeps nothing of the old document (observation, elements, response)', () => {
    const tab = zoo();
    onHeadersReceived(tab, response('sub_frame', 7, 'https://a.test/seven', [['X-Old', '1']], 135), newDelta());
    navigateSub(tab, { frameId: 7, parentFrameId: 0, documentId: 'S7', parentDocumentId: 'A', url: 'https://a.test/seven', at: 140 });
    onObserve(tab, sender(7, 'S7'), observation('https://a.test/seven', 'https://a.test'), 141, newDelta());
    onEmbeds(tab, sender(7, 'S7'), embeds([embed(0, { src: 'https://a.test/inner' })]), 142, newDelta());
    // Frame 7 navigated to another site; its commit was missed. The list (taken at 200) shows the new document.
    applyFrameList(tab, [
      ...zooList(),
      { frameId: 7, parentFrameId: 0, url: 'https://evil.test/', documentId: 'S7b', parentDocumentId: 'A', documentLifecycle: 'active', frameType: 'sub_frame' },
    ], 200, 210, newDelta());
    const f = frameOf(tab, 7)!;
    expect(f).toMatchObject({ documentId: 'S7b', url: 'https://evil.test/' });
    expect(f.observed).toBeUndefined();
    expect(f.embeds).toBeUndefined();
    expect(f.embedsDocumentId).toBeUndefined();
    expect(f.response).toBeUndefined();
  });

  test('a tab with no page yet gets one from the list (its commit was missed while the worker started)', () => {
    const tab = newTabRecord(TAB);
    const d = step((d) => applyFrameList(tab, zooList(), 50, 60, d));
    expect(d.pageSwitched).toBe(true);
    expect(tab.activePageId).toBe('A');
    expect(frameKeys(activePage(tab)!)).toEqual([0, 1, 2, 3, 4]);
    expect(frameOf(tab, 4)).toMatchObject({ parentFrameId: 2, documentId: 'S4' });
  });

  test("a prerender activation's commit (frameId 0, the prerendered document) keeps what was recorded of its frames, re-keyed", () => {
    // Found in Chromium 156 (test/e2e/faults.e2e.ts): the activation's onCommitted put a new, empty top
    // frame 0 beside the prerendered top (which the next frame list then dropped, with its observation
    // and elements), and left the child under the old top's frameId.
    const tab = zoo();
    onCommitted(tab, {
      tabId: TAB, frameId: 9, parentFrameId: -1, url: 'https://a.test/next', timeStamp: 200,
      documentId: 'P', documentLifecycle: 'prerender', frameType: 'outermost_frame',
    }, newDelta());
    navigateSub(tab, { frameId: 10, parentFrameId: 9, documentId: 'P10', parentDocumentId: 'P', url: 'https://c.test/in-prerender', at: 210, lifecycle: 'prerender' });
    onObserve(tab, sender(9, 'P', 'prerender'), observation('https://a.test/next', 'https://a.test'), 215, newDelta());
    onEmbeds(tab, sender(9, 'P', 'prerender'), embeds([embed(0, { frameId: 10 })]), 216, newDelta());
    const d = step((d) => onCommitted(tab, {
      tabId: TAB, frameId: 0, parentFrameId: -1, url: 'https://a.test/next', timeStamp: 300,
      documentId: 'P', documentLifecycle: 'active', frameType: 'outermost_frame', transitionType: 'link',
    }, d));
    expect(d.pageSwitched).toBe(true);
    expect(tab.activePageId).toBe('P');
    const p = pageOf(tab, 'P');
    expect(frameKeys(p)).toEqual([0, 10]);
    expect(p.frames['0']).toMatchObject({ parentFrameId: -1, documentId: 'P', documentLifecycle: 'active', observed: { url: 'https://a.test/next' } });
    expect(p.frames['0']!.embeds?.map((e) => e.frameId)).toEqual([10]);
    expect(p.frames['10']).toMatchObject({ parentFrameId: 0, documentLifecycle: 'active' });
    // The browser's list after the activation changes nothing more.
    applyFrameList(tab, [
      { frameId: 0, parentFrameId: -1, url: 'https://a.test/next', documentId: 'P', documentLifecycle: 'active', frameType: 'outermost_frame' },
      { frameId: 10, parentFrameId: 0, url: 'https://c.test/in-prerender', documentId: 'P10', parentDocumentId: 'P', documentLifecycle: 'active', frameType: 'sub_frame' },
    ], 310, 320, newDelta());
    expect(frameKeys(pageOf(tab, 'P'))).toEqual([0, 10]);
    expect(pageOf(tab, 'P').frames['0']!.observed).toBeDefined();
  });

  test('a prerender activation (top documentId of a stored prerender page) makes that page active and renumbers its top frame to the list\'s frameId', () => {
    const tab = zoo();
    onCommitted(tab, {
      tabId: TAB, frameId: 9, parentFrameId: -1, url: 'https://a.test/next', timeStamp: 200,
      documentId: 'P', documentLifecycle: 'prerender', frameType: 'outermost_frame',
    }, newDelta());
    navigateSub(tab, { frameId: 10, parentFrameId: 9, documentId: 'P10', parentDocumentId: 'P', url: 'https://c.test/in-prerender', at: 210, lifecycle: 'prerender' });
    const d = step((d) => applyFrameList(tab, [
      { frameId: 0, parentFrameId: -1, url: 'https://a.test/next', documentId: 'P', documentLifecycle: 'active', frameType: 'outermost_frame' },
      { frameId: 10, parentFrameId: 0, url: 'https://c.test/in-prerender', documentId: 'P10', parentDocumentId: 'P', documentLifecycle: 'active', frameType: 'sub_frame' },
    ], 250, 260, d));
    expect(d.pageSwitched).toBe(true);
    expect(tab.activePageId).toBe('P');
    expect(pageOf(tab, 'P').lifecycle).toBe('active');
    expect(pageOf(tab, 'A').lifecycle).toBe('inactive');
    const p = pageOf(tab, 'P');
    expect(frameKeys(p)).toEqual([0, 10]);
    expect(p.frames['0']).toMatchObject({ frameId: 0, parentFrameId: -1, documentId: 'P', url: 'https://a.test/next' });
    expect(p.frames['10']).toMatchObject({ frameId: 10, parentFrameId: 0, documentId: 'P10' });
    // The formerly active page's frames stay where they were.
    expect(frameKeys(pageOf(tab, 'A'))).toEqual([0, 1, 2, 3, 4]);
  });
});

// ── observations ─────────────────────────────────────────────────────────────────────────────────
describe('observations', () => {
  const obs = observation('https://e.test/early', 'https://e.test');
  const early = (tab: TabRecord) => onObserve(tab, sender(5, 'S5'), obs, 150, newDelta());
  const commit5 = (tab: TabRecord, documentId: string) =>
    navigateSub(tab, { frameId: 5, parentFrameId: 0, documentId, parentDocumentId: 'A', url: 'https://e.test/early', at: 160 });

  test('an observation for a frame not recorded yet waits in `early` (and asks for reconciliation)', () => {
    const tab = zoo();
    expect(early(tab)).toBe(false);
    expect(tab.early['5']).toMatchObject({ frameId: 5, documentId: 'S5', observed: { origin: 'https://e.test', documentId: 'S5' } });
    expect(frameOf(tab, 5)).toBeUndefined();
  });

  test('an early observation is adopted when the frame commits with the same documentId', () => {
    const tab = zoo();
    early(tab);
    commit5(tab, 'S5');
    expect(frameOf(tab, 5)!.observed).toEqual({
      documentId: 'S5', url: 'https://e.test/early', origin: 'https://e.test', isSecureContext: true,
      crossOriginIsolated: false, documentDomain: 'e.test', originAgentCluster: false, observedAt: 150,
    });
    expect(tab.early['5']).toBeUndefined();
  });

  test('an early observation is dropped when the frame commits with a different documentId', () => {
    const tab = zoo();
    early(tab);
    commit5(tab, 'S5-other');
    expect(frameOf(tab, 5)!.observed).toBeUndefined();
    expect(tab.early['5']).toBeUndefined();
  });

  test('an early observation is adopted when the browser\'s frame list brings the frame', () => {
    const tab = zoo();
    early(tab);
    applyFrameList(tab, [...zooList(), { frameId: 5, parentFrameId: 0, url: 'https://e.test/early', documentId: 'S5', parentDocumentId: 'A', documentLifecycle: 'active' }], 140, 170, newDelta());
    expect(frameOf(tab, 5)!.observed?.origin).toBe('https://e.test');
  });

  test('an observation is stored on its frame, stamped with the sender\'s document', () => {
    const tab = zoo();
    const d = newDelta();
    expect(onObserve(tab, sender(3, 'S3'), observation('https://a.test/three', 'https://a.test'), 150, d)).toBe(true);
    expect(frameOf(tab, 3)!.observed).toMatchObject({ documentId: 'S3', origin: 'https://a.test', observedAt: 150 });
    expect(sorted(d.upserted)).toEqual([3]);
  });

  test('a stale observation (sender.documentId differs from the frame\'s documentId) is ignored', () => {
    const tab = zoo();
    onObserve(tab, sender(3, 'S3'), observation('https://a.test/three', 'https://a.test'), 150, newDelta());
    const current = structuredClone(frameOf(tab, 3)!.observed);
    onObserve(tab, sender(3, 'S3-old'), observation('https://evil.test/', 'https://evil.test'), 160, newDelta());
    expect(frameOf(tab, 3)!.observed).toEqual(current);
    // Nor does it surface when the caller reconciles with the browser's list.
    applyFrameList(tab, zooList(), 140, 170, newDelta());
    expect(frameOf(tab, 3)!.observed).toEqual(current);
  });
});

// ── element ↔ frame mapping ──────────────────────────────────────────────────────────────────────
describe('embeds', () => {
  /** The zoo with every frame observed (they all run a content script). */
  function observedZoo(): TabRecord {
    const tab = zoo();
    for (const [id, doc, url] of [[0, 'A', 'https://a.test/'], [1, 'S1', 'https://b.test/one'], [2, 'S2', 'https://c.test/two'], [3, 'S3', 'https://a.test/three'], [4, 'S4', 'https://c.test/four']] as const) {
      onObserve(tab, sender(id, doc), observation(url, new URL(url).origin), 140, newDelta());
    }
    return tab;
  }
  const topEmbeds = (tab: TabRecord): EmbedElement[] => frameOf(tab, 0)!.embeds!;

  test('getFrameId maps an element to a frame whose parent is the reporting frame', () => {
    const tab = observedZoo();
    const d = step((d) => onEmbeds(tab, sender(0, 'A'), embeds([embed(0, { frameId: 1, id: 'one' }), embed(1, { frameId: 3, name: 'three' })], 2), 150, d));
    expect(topEmbeds(tab).map((e) => [e.index, e.frameId, e.mappedBy])).toEqual([[0, 1, 'getFrameId'], [1, 3, 'getFrameId']]);
    expect(frameOf(tab, 0)).toMatchObject({ embedsDocumentId: 'A', droppedEmbeds: 2 });
    expect(topEmbeds(tab)[0]).toMatchObject({ id: 'one', tag: 'iframe' });
    expect(sorted(d.upserted)).toEqual([0]);
  });

  test('a page cannot claim another frame\'s child through getFrameId', () => {
    const tab = observedZoo();
    // Frame 2 is frame 1's child, not the top's.
    onEmbeds(tab, sender(0, 'A'), embeds([embed(0, { frameId: 2 })]), 150, newDelta());
    expect(topEmbeds(tab)[0]).toMatchObject({ frameId: null, mappedBy: null });
  });

  test('an embeds report from a document that is no longer the frame\'s is ignored', () => {
    const tab = observedZoo();
    expect(onEmbeds(tab, sender(1, 'S1-old'), embeds([embed(0, { frameId: 2 })]), 150, newDelta())).toBe(false);
    expect(frameOf(tab, 1)!.embeds).toBeUndefined();
  });

  test('page-controlled attribute values are clipped', () => {
    const tab = observedZoo();
    const long = 'a'.repeat(MAX_TEXT + 3);
    onEmbeds(tab, sender(0, 'A'), embeds([embed(0, { sandbox: long, allow: long })]), 150, newDelta());
    expect(topEmbeds(tab)[0]!.sandbox).toBe(`${'a'.repeat(MAX_TEXT)}…[3 more characters]`);
    expect(topEmbeds(tab)[0]!.allow).toBe(`${'a'.repeat(MAX_TEXT)}…[3 more characters]`);
  });

  test.each([
    ['the probe arrives before the embeds report', 'probe-first'],
    ['the probe arrives after the embeds report', 'embeds-first'],
  ] as const)('a nonce answered by the element\'s child maps the element (%s)', (_, order) => {
    const tab = observedZoo();
    const report = () => onEmbeds(tab, sender(0, 'A'), embeds([embed(0, { probe: NONCE_1 }), embed(1, { probe: NONCE_2 })]), 150, newDelta());
    const probe = () => onProbe(tab, sender(3, 'S3'), NONCE_2, 151, newDelta());
    if (order === 'probe-first') { probe(); report(); } else { report(); probe(); }
    expect(topEmbeds(tab).map((e) => [e.frameId, e.mappedBy])).toEqual([[null, null], [3, 'nonce']]);
  });

  test.each([
    ['both claims, then the report', ['claim1', 'claim3', 'report']],
    ['a claim, the report, a second claim', ['claim1', 'report', 'claim3']],
    ['the report, then both claims', ['report', 'claim1', 'claim3']],
  ] as const)('a nonce claimed by two different frames maps to neither (%s)', (_, order) => {
    const tab = observedZoo();
    const steps = {
      report: () => onEmbeds(tab, sender(0, 'A'), embeds([embed(0, { probe: NONCE_1, src: 'https://b.test/one' })]), 150, newDelta()),
      claim1: () => onProbe(tab, sender(1, 'S1'), NONCE_1, 151, newDelta()),
      claim3: () => onProbe(tab, sender(3, 'S3'), NONCE_1, 152, newDelta()),
    };
    for (const s of order) steps[s]();
    expect(topEmbeds(tab)[0]).toMatchObject({ frameId: null, mappedBy: null });
  });

  test.each([
    ['the probe arrives before the embeds report', 'probe-first'],
    ['the probe arrives after the embeds report', 'embeds-first'],
  ] as const)('a page cannot claim another frame\'s child through a nonce (%s)', (_, order) => {
    const tab = observedZoo();
    const report = () => onEmbeds(tab, sender(0, 'A'), embeds([embed(0, { probe: NONCE_1 })]), 150, newDelta());
    // Frame 2 (frame 1's child) answers the top's nonce.
    const probe = () => onProbe(tab, sender(2, 'S2'), NONCE_1, 151, newDelta());
    if (order === 'probe-first') { probe(); report(); } else { report(); probe(); }
    expect(topEmbeds(tab)[0]).toMatchObject({ frameId: null, mappedBy: null });
  });

  test('the same frame answering its nonce twice still maps it', () => {
    const tab = observedZoo();
    onProbe(tab, sender(1, 'S1'), NONCE_1, 151, newDelta());
    onProbe(tab, sender(1, 'S1'), NONCE_1, 152, newDelta());
    onEmbeds(tab, sender(0, 'A'), embeds([embed(0, { probe: NONCE_1 })]), 153, newDelta());
    expect(topEmbeds(tab)[0]).toMatchObject({ frameId: 1, mappedBy: 'nonce' });
  });

  // Found in Chromium (test/e2e/faults.e2e.ts): a page posted thousands of probe-shaped messages with
  // made-up nonces into its children; their claims pushed the real ones out of the capped table, and
  // the parent's next report of its elements unmapped every frame.
  const fakeNonce = (i: number) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
  test("a flood of made-up nonces from one frame evicts that frame's claims, not other frames'", () => {
    const tab = observedZoo();
    onProbe(tab, sender(1, 'S1'), NONCE_1, 151, newDelta());
    onProbe(tab, sender(3, 'S3'), NONCE_2, 152, newDelta());
    for (let i = 0; i < LIMITS.probeClaims + 10; i++) onProbe(tab, sender(3, 'S3'), fakeNonce(i), 160, newDelta());
    expect(Object.values(tab.claims).filter((id) => id === 3)).toHaveLength(LIMITS.probeClaimsPerFrame);
    onEmbeds(tab, sender(0, 'A'), embeds([embed(0, { probe: NONCE_1 }), embed(1, { probe: NONCE_2 })]), 170, newDelta());
    expect(topEmbeds(tab).map((e) => e.frameId)).toEqual([1, null]);
  });

  test('a mapping learned from a nonce survives the claim leaving the table, in the same document', () => {
    const tab = observedZoo();
    onEmbeds(tab, sender(0, 'A'), embeds([embed(0, { probe: NONCE_1 }), embed(1, { probe: NONCE_2 })]), 150, newDelta());
    onProbe(tab, sender(1, 'S1'), NONCE_1, 151, newDelta());
    onProbe(tab, sender(3, 'S3'), NONCE_2, 152, newDelta());
    // Many frames (here: ids the record does not know) fill the table: the real claims are evicted.
    for (let i = 0; i < LIMITS.probeClaims; i++) onProbe(tab, sender(100 + (i % 500), 'X'), fakeNonce(i), 160, newDelta());
    expect(tab.claims[NONCE_1]).toBeUndefined();
    onEmbeds(tab, sender(0, 'A'), embeds([embed(0, { probe: NONCE_1, title: 'changed' }), embed(1, { probe: NONCE_2 })]), 170, newDelta());
    expect(topEmbeds(tab).map((e) => [e.frameId, e.mappedBy])).toEqual([[1, 'nonce'], [3, 'nonce']]);
    // A nonce claimed again by another frame since is ambiguous: no mapping, old or new.
    onProbe(tab, sender(1, 'S1'), NONCE_2, 180, newDelta());
    onProbe(tab, sender(3, 'S3'), NONCE_2, 181, newDelta());
    onEmbeds(tab, sender(0, 'A'), embeds([embed(0, { probe: NONCE_1 }), embed(1, { probe: NONCE_2 })]), 190, newDelta());
    expect(topEmbeds(tab).map((e) => e.frameId)).toEqual([1, null]);
  });
});

describe('mapping a child without a content script by URL', () => {
  /** Page A, observed, with a child 4 that failed to load (an error page runs no content script). */
  function withFailedChild(children: { frameId: number; url: string }[]): TabRecord {
    const tab = newTabRecord(TAB);
    onCommitted(tab, topCommit('A', 'https://a.test/dir/', 100), newDelta());
    onObserve(tab, sender(0, 'A'), observation('https://a.test/dir/', 'https://a.test'), 101, newDelta());
    for (const c of children) {
      const spec = { frameId: c.frameId, parentFrameId: 0, documentId: `E${c.frameId}`, parentDocumentId: 'A', url: c.url, at: 110 };
      onBeforeNavigate(tab, subBefore(spec), newDelta());
      onErrorOccurred(tab, subError(spec, 'net::ERR_CONNECTION_REFUSED'), newDelta());
    }
    return tab;
  }
  const report = (tab: TabRecord, list: EmbedReport[]) => onEmbeds(tab, sender(0, 'A'), embeds(list), 120, newDelta());

  test('an unambiguous child is mapped by URL (relative src resolved against the parent), whichever comes first', () => {
    // Report after the error.
    const a = withFailedChild([{ frameId: 4, url: 'https://a.test/dir/broken' }]);
    report(a, [embed(0, { src: 'broken', probe: NONCE_1 }), embed(1, { src: 'https://c.test/ok', probe: NONCE_2 })]);
    expect(frameOf(a, 0)!.embeds!.map((e) => [e.frameId, e.mappedBy])).toEqual([[4, 'url'], [null, null]]);

    // Report before the child fails.
    const b = withFailedChild([]);
    report(b, [embed(0, { src: 'broken', probe: NONCE_1 }), embed(1, { src: 'https://c.test/ok', probe: NONCE_2 })]);
    const spec = { frameId: 4, parentFrameId: 0, documentId: 'E4', parentDocumentId: 'A', url: 'https://a.test/dir/broken', at: 130 };
    onBeforeNavigate(b, subBefore(spec), newDelta());
    const d = step((d) => onErrorOccurred(b, subError(spec, 'net::ERR_CONNECTION_REFUSED'), d));
    expect(frameOf(b, 0)!.embeds!.map((e) => [e.frameId, e.mappedBy])).toEqual([[4, 'url'], [null, null]]);
    expect(d.upserted.has(0)).toBe(true);
  });

  test.each<[string, { frameId: number; url: string }[], EmbedReport[], ((tab: TabRecord) => void)?]>([
    ['two elements resolve to the child\'s URL (fragments ignored)',
      [{ frameId: 4, url: 'https://a.test/dir/broken' }],
      [embed(0, { src: 'broken' }), embed(1, { src: 'https://a.test/dir/broken#again' })]],
    ['two unobserved children have the URL',
      [{ frameId: 4, url: 'https://a.test/dir/broken' }, { frameId: 5, url: 'https://a.test/dir/broken' }],
      [embed(0, { src: 'broken' })]],
    ['the element is a srcdoc frame (its src is not what it loads)',
      [{ frameId: 4, url: 'https://a.test/dir/broken' }],
      [embed(0, { src: 'broken', srcdoc: true })]],
    ['the child runs a content script (it is observed)',
      [{ frameId: 4, url: 'https://a.test/dir/broken' }],
      [embed(0, { src: 'broken' })],
      (tab) => onObserve(tab, sender(4, 'E4'), observation('https://a.test/dir/broken', 'https://a.test'), 115, newDelta())],
  ])('no URL mapping when %s', (_, children, list, before) => {
    const tab = withFailedChild(children);
    before?.(tab);
    report(tab, list);
    for (const e of frameOf(tab, 0)!.embeds!) expect(e).toMatchObject({ frameId: null, mappedBy: null });
  });
});

// ── caps ─────────────────────────────────────────────────────────────────────────────────────────
describe('caps', () => {
  const headersOf = (responseHeaders: HeadersEvent['responseHeaders']) => {
    const tab = newTabRecord(TAB);
    onHeadersReceived(tab, { ...response('main_frame', 0, 'https://a.test/', [], 90), responseHeaders }, newDelta());
    onCommitted(tab, topCommit('A', 'https://a.test/', 100), newDelta());
    return frameOf(tab, 0)!.response!;
  };

  test('500 frames whose responses all arrive before any of them commits keep every response', () => {
    // Found in Chromium (test/e2e/faults.e2e.ts, 500 iframes added by one script): with a cap of 200
    // held responses, the oldest were pushed out before their frames committed.
    const tab = newTabRecord(TAB);
    onCommitted(tab, topCommit('A', 'https://a.test/', 100), newDelta());
    const url = (i: number) => `https://a.test/leaf?f=${i}`;
    for (let i = 1; i <= 500; i++) onHeadersReceived(tab, response('sub_frame', i, url(i), [['X-Frame', String(i)]], 100 + i), newDelta());
    for (let i = 1; i <= 500; i++) navigateSub(tab, { frameId: i, parentFrameId: 0, documentId: `D${i}`, parentDocumentId: 'A', url: url(i), at: 700 + i });
    const missing = Object.values(activePage(tab)!.frames).filter((f) => f.frameId !== 0 && f.response?.headers[0]?.[1] !== String(f.frameId));
    expect(missing).toHaveLength(0);
    expect(LIMITS.pendingResponses).toBeGreaterThanOrEqual(LIMITS.framesPerPage);
  });

  test('header lines beyond LIMITS.headerLinesPerResponse are left out, in order, and counted in droppedHeaderLines', () => {
    const n = LIMITS.headerLinesPerResponse + 5;
    const r = headersOf(Array.from({ length: n }, (_, i) => ({ name: `X-H${i}`, value: String(i) })));
    expect(r.headers).toHaveLength(LIMITS.headerLinesPerResponse);
    expect(r.headers[0]).toEqual(['X-H0', '0']);
    expect(r.headers.at(-1)).toEqual([`X-H${LIMITS.headerLinesPerResponse - 1}`, String(LIMITS.headerLinesPerResponse - 1)]);
    expect(r.droppedHeaderLines).toBe(5);
  });

  test('a response exactly at the line cap drops nothing', () => {
    const r = headersOf(Array.from({ length: LIMITS.headerLinesPerResponse }, (_, i) => ({ name: `X-H${i}`, value: '' })));
    expect(r.headers).toHaveLength(LIMITS.headerLinesPerResponse);
    expect(r.droppedHeaderLines).toBeUndefined();
  });

  const N = LIMITS.headerValueChars;
  test.each<[string, { name: string; value?: string; binaryValue?: number[] }, string]>([
    ['a value of exactly headerValueChars is kept whole', { name: 'X', value: 'v'.repeat(N) }, 'v'.repeat(N)],
    ['a longer value is clipped with a marker', { name: 'X', value: 'v'.repeat(N + 10) }, `${'v'.repeat(N)}…[10 more characters]`],
    ['a binary value is decoded', { name: 'X', binaryValue: [0x61, 0x62, 0x63] }, 'abc'],
    ['a longer binary value is clipped with a marker too', { name: 'X', binaryValue: new Array<number>(N + 10).fill(0x62) }, `${'b'.repeat(N)}…[10 more characters]`],
    ['a line with neither value nor binaryValue is kept with an empty value', { name: 'X' }, ''],
  ])('header values: %s', (_, header, expected) => {
    const r = headersOf([header]);
    expect(r.headers.map(([name]) => name)).toEqual(['X']);
    const value = r.headers[0]![1];
    // The tail first: where a long value differs, the failure shows the marker, not 8 KiB of text.
    expect(value.slice(N)).toBe(expected.slice(N));
    expect(value).toBe(expected);
  });

  /** Fills the active page up to LIMITS.framesPerPage with literal frames below the top. */
  function fullPage(): TabRecord {
    const tab = newTabRecord(TAB);
    onCommitted(tab, topCommit('A', 'https://a.test/', 100), newDelta());
    const page = activePage(tab)!;
    for (let id = 1; Object.keys(page.frames).length < LIMITS.framesPerPage; id++) {
      page.frames[String(id)] = { frameId: id, parentFrameId: 0, url: 'about:blank', status: 'committed', updatedAt: 100 };
    }
    return tab;
  }
  const extra: SubSpec = { frameId: 50_000, parentFrameId: 0, documentId: 'X', parentDocumentId: 'A', url: 'https://x.test/', at: 200 };

  test('a frame beyond LIMITS.framesPerPage is not recorded and is counted in page.dropped.frames', () => {
    const tab = fullPage();
    const d = step((d) => onCommitted(tab, subCommit(extra), d));
    const page = activePage(tab)!;
    expect(Object.keys(page.frames)).toHaveLength(LIMITS.framesPerPage);
    expect(page.frames[String(extra.frameId)]).toBeUndefined();
    expect(page.dropped.frames).toBe(1);
    expect(d.dirty).toBe(true);
  });

  test('a frame left out by the cap is counted once, however many events report it', () => {
    const tab = fullPage();
    navigateSub(tab, extra); // before-navigate, then commit: one frame
    expect(activePage(tab)!.dropped.frames).toBe(1);
  });

  test('reconciling twice with the same frame list does not count the left-out frame again', () => {
    const tab = fullPage();
    const page = activePage(tab)!;
    const list: FrameListEntry[] = [
      ...Object.values(page.frames).map((f) => ({ frameId: f.frameId, parentFrameId: f.parentFrameId, url: f.url, ...(f.documentId ? { documentId: f.documentId } : {}) })),
      { frameId: extra.frameId, parentFrameId: 0, url: extra.url, documentId: extra.documentId, parentDocumentId: 'A' },
    ];
    applyFrameList(tab, list, 0, 300, newDelta());
    applyFrameList(tab, list, 0, 400, newDelta());
    expect(page.dropped.frames).toBe(1);
  });
});

describe('clipText', () => {
  test.each([
    ['a string within the limit is unchanged', 'abc', 3, 'abc'],
    ['the empty string is unchanged', '', 0, ''],
    ['a longer string keeps its first max characters and says how many were cut', 'abcdef', 3, 'abc…[3 more characters]'],
    ['a limit of zero keeps only the marker', 'ab', 0, '…[2 more characters]'],
  ])('%s', (_, s, max, expected) => {
    expect(clipText(s, max)).toBe(expected);
  });

  test('the default limit is MAX_TEXT', () => {
    expect(clipText('x'.repeat(MAX_TEXT))).toBe('x'.repeat(MAX_TEXT));
    expect(clipText('x'.repeat(MAX_TEXT + 1))).toBe(`${'x'.repeat(MAX_TEXT)}…[1 more characters]`);
  });
});

// ── Firefox's event order (seen in Firefox ESR 153: no documentId on webRequest, late headers,
//    committed error pages, numeric abort codes) ──────────────────────────────────────────────────
describe('Firefox event order', () => {
  const FF_COEP = 'Error code 2152924176';
  const FF_ABORT = 'Error code 2152398850';
  /** Firefox's webNavigation events carry no documentId. */
  const noId = <E extends { documentId?: string }>(e: E): E => ({ ...e, documentId: undefined });
  /** A tab whose top document 'T' (https://a.test/) committed at 1, and the child 11 it navigates to https://b.test/f at 2. */
  /** A tab whose top document (T, https://a.test/) committed at 1, and a child frame 11 of it to navigate at 2. */
  const topWithChildAt2 = <O extends { url?: string; documentId?: string }>(over: O = {} as O) => {
    const tab = newTabRecord(TAB);
    step((d) => onCommitted(tab, topCommit('T', 'https://a.test/', 1), d));
    return { tab, sub: { frameId: 11, parentFrameId: 0, parentDocumentId: 'T', url: 'https://b.test/f', at: 2, ...over } };
  };

  test('headers delivered after the commit are attached to the committed document', () => {
    const tab = newTabRecord(TAB);
    step((d) => onBeforeNavigate(tab, { tabId: TAB, frameId: 0, parentFrameId: -1, url: 'https://a.test/', timeStamp: 1 }, d));
    step((d) => onCommitted(tab, { tabId: TAB, frameId: 0, parentFrameId: -1, url: 'https://a.test/', timeStamp: 3, documentId: 'T' }, d));
    const sub = { frameId: 11, parentFrameId: 0, parentDocumentId: 'T', documentId: 'S', url: 'https://b.test/f', at: 4 };
    navigateSub(tab, sub);
    const late = step((d) => {
      onHeadersReceived(tab, response('sub_frame', 11, 'https://b.test/f', [['X', '1'], ['X', '2']], 2), d);
      onHeadersReceived(tab, response('main_frame', 0, 'https://a.test/', [['Y', 'top']], 2), d);
    });
    expect(frameOf(tab, 11)?.response?.headers).toEqual([['X', '1'], ['X', '2']]);
    expect(frameOf(tab, 0)?.response?.headers).toEqual([['Y', 'top']]);
    expect(tab.pending).toEqual({});
    expect(sorted(late.upserted)).toEqual([0, 11]);
  });

  test('headers for a navigation still under way wait for its commit, even when the URL is the same (reload)', () => {
    const { tab, sub } = topWithChildAt2({ documentId: 'S1' });
    navigateSub(tab, sub);
    expect(frameOf(tab, 11)?.response).toBeUndefined();
    step((d) => onBeforeNavigate(tab, subBefore({ ...sub, at: 5 }), d));
    step((d) => onHeadersReceived(tab, response('sub_frame', 11, 'https://b.test/f', [['Z', 'new']], 6), d));
    expect(frameOf(tab, 11)?.response).toBeUndefined(); // not pinned on the old document
    step((d) => onCommitted(tab, subCommit({ ...sub, documentId: 'S2', at: 7 }), d));
    expect(frameOf(tab, 11)?.response?.headers).toEqual([['Z', 'new']]);
  });

  test("a committed error page (error, then commit at the same URL) stays an error with the failed navigation's response", () => {
    const { tab, sub } = topWithChildAt2({ documentId: 'E' });
    step((d) => onBeforeNavigate(tab, subBefore(sub), d));
    step((d) => onHeadersReceived(tab, response('sub_frame', 11, 'https://b.test/f', [['A', '1']], 3), d));
    step((d) => onErrorOccurred(tab, { ...subError(sub, FF_COEP), documentId: undefined }, d));
    step((d) => onCommitted(tab, subCommit({ ...sub, at: 5 }), d));
    expect(frameOf(tab, 11)).toMatchObject({ status: 'error', error: FF_COEP, documentId: 'E', response: { headers: [['A', '1']] } });
    // A later real navigation of that frame is a new document again.
    navigateSub(tab, { ...sub, documentId: 'S2', url: 'https://b.test/f', at: 9 });
    expect(frameOf(tab, 11)).toMatchObject({ status: 'committed', documentId: 'S2' });
    expect(frameOf(tab, 11)?.error).toBeUndefined();
  });

  // Firefox ESR 140, seen on the zoo's COEP-blocked child: onBeforeNavigate, onCommitted (before the
  // request), webRequest headers (attached late), webRequest error NS_ERROR_DOM_COEP_FAILED, then
  // webNavigation.onErrorOccurred with no documentId.
  test('Firefox 140: a child committed before its request keeps the response that arrived, when the navigation then fails', () => {
    const { tab, sub } = topWithChildAt2();
    step((d) => onBeforeNavigate(tab, subBefore(sub), d));
    step((d) => onCommitted(tab, { ...subCommit({ ...sub, documentId: 'X', at: 3 }), documentId: undefined }, d));
    step((d) => onHeadersReceived(tab, response('sub_frame', 11, 'https://b.test/f', [['A', '1']], 4), d));
    step((d) => onErrorOccurred(tab, { ...subError({ ...sub, documentId: 'X', at: 6 }, FF_COEP), documentId: undefined }, d));
    expect(frameOf(tab, 11)).toMatchObject({ status: 'error', error: FF_COEP, response: { headers: [['A', '1']] } });
  });

  // Firefox ESR 140, /iso/both.html's COEP-less cross-origin child: commit, request, abort (process
  // switch), headers, restart (onBeforeNavigate, onCommitted, no new request), then the COEP error.
  test('Firefox 140: a restarted navigation that then fails for COEP keeps the response it was restarted with', () => {
    const { tab, sub } = topWithChildAt2();
    step((d) => onBeforeNavigate(tab, subBefore(sub), d));
    step((d) => onCommitted(tab, noId(subCommit({ ...sub, documentId: 'X', at: 3 })), d));
    step((d) => onErrorOccurred(tab, noId(subError({ ...sub, documentId: 'X', at: 6 }, 'Error code 2152398850')), d));
    step((d) => onHeadersReceived(tab, response('sub_frame', 11, 'https://b.test/f', [['A', '1']], 5), d));
    step((d) => onBeforeNavigate(tab, subBefore({ ...sub, at: 7 }), d));
    step((d) => onCommitted(tab, noId(subCommit({ ...sub, documentId: 'X', at: 7 })), d));
    step((d) => onErrorOccurred(tab, noId(subError({ ...sub, documentId: 'X', at: 8 }, FF_COEP)), d));
    expect(frameOf(tab, 11)).toMatchObject({ status: 'error', error: FF_COEP, response: { headers: [['A', '1']] } });
  });

  // Firefox ESR 140, the same process switch with the abort delivered after the restart's commit (seen
  // in test/e2e/panel-firefox.e2e.ts: the frame stayed "failed to load (Error code 2152398850)" though
  // it had loaded). An abort stamped before the commit is about the navigation the commit superseded.
  test('Firefox 140: a process-switch abort that arrives after the restarted commit leaves the committed document as it is', () => {
    const { tab, sub } = topWithChildAt2();
    step((d) => onBeforeNavigate(tab, subBefore(sub), d));
    step((d) => onCommitted(tab, noId(subCommit({ ...sub, documentId: 'X', at: 3 })), d));
    step((d) => onBeforeNavigate(tab, subBefore({ ...sub, at: 7 }), d));
    step((d) => onCommitted(tab, noId(subCommit({ ...sub, documentId: 'X', at: 8 })), d));
    // The response and the abort of the first navigation both reach the background late.
    step((d) => onHeadersReceived(tab, response('sub_frame', 11, 'https://b.test/f', [['CORP', 'cross-origin']], 4), d));
    onObserve(tab, { tabId: TAB, frameId: 11 }, observation('https://b.test/f', 'https://b.test'), 9, newDelta());
    step((d) => onErrorOccurred(tab, noId(subError({ ...sub, documentId: 'X', at: 6 }, 'Error code 2152398850')), d));
    expect(frameOf(tab, 11)).toMatchObject({ status: 'committed', url: 'https://b.test/f', response: { headers: [['CORP', 'cross-origin']] }, observed: { origin: 'https://b.test' } });
    expect(frameOf(tab, 11)?.error).toBeUndefined();
    // An abort stamped after the commit is about a later navigation: recorded as before.
    step((d) => onErrorOccurred(tab, noId(subError({ ...sub, documentId: 'X', at: 10 }, 'Error code 2152398850')), d));
    expect(frameOf(tab, 11)).toMatchObject({ status: 'error', error: 'Error code 2152398850' });
  });

  // Firefox ESR 140, traced in test/e2e/panel-firefox.e2e.ts (1 load in 16): before-navigate and commit,
  // before-navigate and commit again at the same URL (the restart), then the first navigation's abort,
  // then the document's completion. The abort must not turn the loaded document into a failure.
  test('Firefox 140: a restart committed before the abort of the first navigation keeps its document', () => {
    const { tab, sub } = topWithChildAt2();
    step((d) => onBeforeNavigate(tab, subBefore(sub), d));
    step((d) => onCommitted(tab, noId(subCommit({ ...sub, documentId: 'X', at: 2 })), d));
    step((d) => onHeadersReceived(tab, response('sub_frame', 11, 'https://b.test/f', [['CORP', 'cross-origin']], 3), d));
    step((d) => onBeforeNavigate(tab, subBefore({ ...sub, at: 20 }), d));
    step((d) => onCommitted(tab, noId(subCommit({ ...sub, documentId: 'X', at: 21 })), d));
    onObserve(tab, { tabId: TAB, frameId: 11 }, observation('https://b.test/f', 'https://b.test'), 22, newDelta());
    step((d) => onErrorOccurred(tab, noId(subError({ ...sub, documentId: 'X', at: 30 }, 'Error code 2152398850')), d));
    step((d) => onCompleted(tab, { tabId: TAB, frameId: 11, parentFrameId: 0, url: 'https://b.test/f', timeStamp: 40 }, d));
    expect(frameOf(tab, 11)).toMatchObject({ status: 'loaded', url: 'https://b.test/f', observed: { origin: 'https://b.test' } });
    expect(frameOf(tab, 11)?.error).toBeUndefined();
    // Only that one abort: a later one is about a later navigation, recorded as before.
    step((d) => onErrorOccurred(tab, noId(subError({ ...sub, documentId: 'X', at: 50 }, 'Error code 2152398850')), d));
    expect(frameOf(tab, 11)).toMatchObject({ status: 'error' });
  });

  // Firefox 153 (event ids, traced in test/e2e/cli-firefox.e2e.ts and panel-firefox.e2e.ts under load,
  // about 1 load in 3): while a navigation is between its response and its commit, getAllFrames lists
  // the frame with the id of the document about to commit (or of the aborted one) and the URL
  // about:blank. The frame list must not throw the held response away: the commit just after takes it.
  const listed = (frameId: number, parentFrameId: number, url: string, documentId: string): FrameListEntry =>
    ({ frameId, parentFrameId, url, documentId, documentLifecycle: 'active', frameType: parentFrameId === -1 ? 'outermost_frame' : 'sub_frame' });

  // Firefox 153 (test/e2e/cli-firefox.e2e.ts, 1 run in 12): /sandbox.html's frames whose sandbox
  // attribute changes after load were judged with the new value. The list named the committing document
  // (its URL and id) before its events came, and took the held response; the commit, then, was not a new
  // document with a response missing, and the frame never learnt when it committed, which the analysis
  // needs to pick the attribute value in effect.
  test('Firefox 153: a child first known from the frame list, with its response, learns when it committed from the late commit', () => {
    const { tab, sub } = topWithChildAt2({ url: 'https://a.test/f' });
    step((d) => onHeadersReceived(tab, response('sub_frame', 11, 'https://a.test/f', [['A', '1']], 2), d));
    step((d) => applyFrameList(tab, [listed(0, -1, 'https://a.test/', 'T'), listed(11, 0, 'https://a.test/f', 'D')], 4, 4, d));
    expect(frameOf(tab, 11)).toMatchObject({ status: 'committed', documentId: 'D', response: { headers: [['A', '1']] } });
    step((d) => onBeforeNavigate(tab, subBefore(sub), d));
    step((d) => onCommitted(tab, subCommit({ ...sub, documentId: 'D', at: 3 }), d));
    expect(frameOf(tab, 11)).toMatchObject({ status: 'committed', documentId: 'D', committedAt: 3, response: { headers: [['A', '1']] } });
  });

  test('Firefox 153: a frame list taken before a child commits (about:blank, another id) leaves the held response to the commit', () => {
    const { tab, sub } = topWithChildAt2();
    // Traced (ids shortened): before-navigate; list (about:blank, I); abort (under A); the response;
    // list (about:blank, A); before-navigate again; commit (N).
    step((d) => onBeforeNavigate(tab, subBefore(sub), d));
    step((d) => applyFrameList(tab, [listed(0, -1, 'https://a.test/', 'T'), listed(11, 0, 'about:blank', 'I')], 3, 3, d));
    step((d) => onErrorOccurred(tab, subError({ ...sub, documentId: 'A', at: 5 }, FF_ABORT), d));
    step((d) => onHeadersReceived(tab, response('sub_frame', 11, 'https://b.test/f', [['CORP', 'cross-origin']], 4), d));
    step((d) => applyFrameList(tab, [listed(0, -1, 'https://a.test/', 'T'), listed(11, 0, 'about:blank', 'A')], 6, 6, d));
    step((d) => onBeforeNavigate(tab, subBefore({ ...sub, at: 7 }), d));
    step((d) => onCommitted(tab, subCommit({ ...sub, documentId: 'N', at: 8 }), d));
    expect(frameOf(tab, 11)).toMatchObject({ status: 'committed', url: 'https://b.test/f', documentId: 'N', response: { headers: [['CORP', 'cross-origin']] } });
    expect(tab.pending).toEqual({});
  });

  test('Firefox 153: a frame list taken between a restart and its commit (about:blank, the new id) keeps the response the abort left', () => {
    const { tab, sub } = topWithChildAt2();
    // Traced: before-navigate; the response; abort (under A); before-navigate again; list (about:blank, N); commit (N).
    step((d) => onBeforeNavigate(tab, subBefore(sub), d));
    step((d) => onHeadersReceived(tab, response('sub_frame', 11, 'https://b.test/f', [['CORP', 'cross-origin']], 3), d));
    step((d) => onErrorOccurred(tab, subError({ ...sub, documentId: 'A', at: 4 }, FF_ABORT), d));
    step((d) => onBeforeNavigate(tab, subBefore({ ...sub, at: 5 }), d));
    step((d) => applyFrameList(tab, [listed(0, -1, 'https://a.test/', 'T'), listed(11, 0, 'about:blank', 'N')], 6, 6, d));
    step((d) => onCommitted(tab, subCommit({ ...sub, documentId: 'N', at: 7 }), d));
    expect(frameOf(tab, 11)).toMatchObject({ status: 'committed', url: 'https://b.test/f', documentId: 'N', response: { headers: [['CORP', 'cross-origin']] } });
  });

  test('Firefox 153: a frame list taken between a frame-ancestors failure and its error page\'s commit leaves the frame failed', () => {
    const { tab, sub } = topWithChildAt2({ url: 'https://a.test/fa-none' });
    const blocked = 'Error code 2153381986'; // NS_ERROR_CSP_FRAME_ANCESTOR_VIOLATION
    // Traced: before-navigate; before-navigate to the error page; the error (under A); the response (late);
    // list (about:blank, E); the error page's commit (E) at the blocked URL.
    step((d) => onBeforeNavigate(tab, subBefore(sub), d));
    step((d) => onBeforeNavigate(tab, subBefore({ ...sub, url: 'about:neterror?e=cspBlocked&u=https%3A//a.test/fa-none', at: 3 }), d));
    step((d) => onErrorOccurred(tab, subError({ ...sub, documentId: 'A', at: 4 }, blocked), d));
    step((d) => onHeadersReceived(tab, response('sub_frame', 11, 'https://a.test/fa-none', [['Content-Security-Policy', "frame-ancestors 'none'"]], 3), d));
    step((d) => applyFrameList(tab, [listed(0, -1, 'https://a.test/', 'T'), listed(11, 0, 'about:blank', 'E')], 5, 5, d));
    step((d) => onCommitted(tab, subCommit({ ...sub, documentId: 'E', at: 6 }), d));
    expect(frameOf(tab, 11)).toMatchObject({ status: 'error', error: blocked, url: 'https://a.test/fa-none', response: { headers: [['Content-Security-Policy', "frame-ancestors 'none'"]] } });
  });

  test('Firefox 153: an abort reported right after a COEP failure of the same navigation leaves the failure, and the error page\'s commit is absorbed', () => {
    const { tab, sub } = topWithChildAt2();
    // Traced: before-navigate; the response; the COEP error (A); the abort (A); the error page's commit (E).
    step((d) => onBeforeNavigate(tab, subBefore(sub), d));
    step((d) => onHeadersReceived(tab, response('sub_frame', 11, 'https://b.test/f', [['A', '1']], 3), d));
    step((d) => onErrorOccurred(tab, subError({ ...sub, documentId: 'A', at: 4 }, FF_COEP), d));
    step((d) => onErrorOccurred(tab, subError({ ...sub, documentId: 'A', at: 5 }, FF_ABORT), d));
    step((d) => onCommitted(tab, subCommit({ ...sub, documentId: 'E', at: 6 }), d));
    expect(frameOf(tab, 11)).toMatchObject({ status: 'error', error: FF_COEP, url: 'https://b.test/f', response: { headers: [['A', '1']] } });
  });

  test('Firefox 153: the same for a top-level document (a COOP page after about:blank): its response survives the frame list', () => {
    const tab = newTabRecord(TAB);
    step((d) => onCommitted(tab, topCommit('B', 'about:blank', 1), d));
    step((d) => onBeforeNavigate(tab, { tabId: TAB, frameId: 0, parentFrameId: -1, url: 'https://a.test/coop', timeStamp: 2 }, d));
    step((d) => onHeadersReceived(tab, response('main_frame', 0, 'https://a.test/coop', [['Cross-Origin-Opener-Policy', 'same-origin']], 3), d));
    step((d) => onBeforeNavigate(tab, { tabId: TAB, frameId: 0, parentFrameId: -1, url: 'https://a.test/coop', timeStamp: 4 }, d));
    step((d) => applyFrameList(tab, [listed(0, -1, 'about:blank', 'P')], 5, 5, d));
    step((d) => onCommitted(tab, topCommit('P', 'https://a.test/coop', 6), d));
    expect(tab.activePageId).toBe('P');
    expect(frameOf(tab, 0)).toMatchObject({ url: 'https://a.test/coop', response: { headers: [['Cross-Origin-Opener-Policy', 'same-origin']] } });
  });

  test('Firefox 153: a navigation aborted after its response (under the old id) and committed again under a new id keeps that response', () => {
    const { tab, sub } = topWithChildAt2();
    step((d) => onBeforeNavigate(tab, subBefore(sub), d));
    step((d) => onHeadersReceived(tab, response('sub_frame', 11, 'https://b.test/f', [['CORP', 'cross-origin']], 3), d));
    step((d) => onErrorOccurred(tab, subError({ ...sub, documentId: 'X', at: 4 }, FF_ABORT), d));
    step((d) => onBeforeNavigate(tab, subBefore({ ...sub, at: 5 }), d));
    step((d) => onCommitted(tab, subCommit({ ...sub, documentId: 'Y', at: 6 }), d));
    expect(frameOf(tab, 11)).toMatchObject({ status: 'committed', documentId: 'Y', response: { headers: [['CORP', 'cross-origin']] } });
    // A commit at another URL after such an abort does not take it.
    step((d) => onErrorOccurred(tab, subError({ ...sub, documentId: 'Y', at: 7 }, 'Error code 2152924176'), d));
    step((d) => onBeforeNavigate(tab, subBefore({ ...sub, url: 'https://b.test/other', at: 8 }), d));
    step((d) => onCommitted(tab, subCommit({ ...sub, url: 'https://b.test/other', documentId: 'Z', at: 9 }), d));
    expect(frameOf(tab, 11)?.response).toBeUndefined();
  });

  // Firefox 153, traced in test/e2e/cli-firefox.e2e.ts (1 run in 10; the fresh-clone CI run too): /iso/
  // both*.html's cross-origin CORP+COEP children loaded and were observed in Firefox but were recorded
  // "failed to load (NS_BINDING_ABORTED)", so the analysis had no isolation findings for them. The
  // process switch's abort of the first navigation came after the restart's commit, stamped after it,
  // under the committed document's own id; then the webRequest events, then that document's completion.
  test('Firefox 153: an abort reported after the restart committed, with no navigation pending, leaves the document as it is', () => {
    const { tab, sub } = topWithChildAt2();
    step((d) => onBeforeNavigate(tab, subBefore(sub), d));
    step((d) => onBeforeNavigate(tab, subBefore({ ...sub, at: 5 }), d));
    step((d) => onCommitted(tab, subCommit({ ...sub, documentId: 'N', at: 6 }), d));
    step((d) => onErrorOccurred(tab, subError({ ...sub, documentId: 'N', at: 7 }, FF_ABORT), d));
    step((d) => onHeadersReceived(tab, response('sub_frame', 11, 'https://b.test/f', [['CORP', 'cross-origin']], 3), d));
    onObserve(tab, { tabId: TAB, frameId: 11, documentId: 'N' }, observation('https://b.test/f', 'https://b.test'), 8, newDelta());
    expect(frameOf(tab, 11)).toMatchObject({ status: 'committed', documentId: 'N', response: { headers: [['CORP', 'cross-origin']] }, observed: { origin: 'https://b.test' } });
    expect(frameOf(tab, 11)?.error).toBeUndefined();
    step((d) => onCompleted(tab, { tabId: TAB, frameId: 11, parentFrameId: 0, url: 'https://b.test/f', documentId: 'N', timeStamp: 9 }, d));
    expect(frameOf(tab, 11)).toMatchObject({ status: 'loaded' });
    // An abort of a navigation that started after the commit (pending) is recorded as before.
    step((d) => onBeforeNavigate(tab, subBefore({ ...sub, url: 'https://b.test/g', at: 10 }), d));
    step((d) => onErrorOccurred(tab, subError({ ...sub, url: 'https://b.test/g', documentId: 'N', at: 11 }, 'net::ERR_ABORTED'), d));
    expect(frameOf(tab, 11)).toMatchObject({ status: 'error', error: 'net::ERR_ABORTED', documentId: 'N' });
  });

  // Firefox ESR 140, the cross-origin CORP+COEP children of /iso/both.html (a process switch): commit,
  // request, headers, onErrorOccurred(NS_BINDING_ABORTED), onBeforeNavigate and onCommitted again at
  // the same URL with no new request, then completion. No documentId anywhere.
  test('Firefox 140: a navigation aborted after its response and restarted at the same URL (process switch) keeps that response', () => {
    const { tab, sub } = topWithChildAt2();
    step((d) => onBeforeNavigate(tab, subBefore(sub), d));
    step((d) => onCommitted(tab, noId(subCommit({ ...sub, documentId: 'X', at: 3 })), d));
    step((d) => onHeadersReceived(tab, response('sub_frame', 11, 'https://b.test/f', [['CORP', 'cross-origin']], 4), d));
    step((d) => onErrorOccurred(tab, noId(subError({ ...sub, documentId: 'X', at: 6 }, FF_ABORT)), d));
    step((d) => onBeforeNavigate(tab, subBefore({ ...sub, at: 7 }), d));
    step((d) => onCommitted(tab, noId(subCommit({ ...sub, documentId: 'X', at: 8 })), d));
    expect(frameOf(tab, 11)).toMatchObject({ status: 'committed', response: { headers: [['CORP', 'cross-origin']] } });
    expect(tab.pending).toEqual({});
    // The headers may also reach the background only between the abort and the restart.
    step((d) => onBeforeNavigate(tab, subBefore({ ...sub, url: 'https://b.test/e', at: 20 }), d));
    step((d) => onCommitted(tab, noId(subCommit({ ...sub, url: 'https://b.test/e', documentId: 'X', at: 21 })), d));
    step((d) => onErrorOccurred(tab, noId(subError({ ...sub, url: 'https://b.test/e', documentId: 'X', at: 23 }, FF_ABORT)), d));
    step((d) => onHeadersReceived(tab, response('sub_frame', 11, 'https://b.test/e', [['E', '1']], 22), d));
    step((d) => onBeforeNavigate(tab, subBefore({ ...sub, url: 'https://b.test/e', at: 24 }), d));
    step((d) => onCommitted(tab, noId(subCommit({ ...sub, url: 'https://b.test/e', documentId: 'X', at: 25 })), d));
    expect(frameOf(tab, 11)).toMatchObject({ status: 'committed', response: { headers: [['E', '1']] } });
    // A different navigation after such an abort does not take it.
    step((d) => onBeforeNavigate(tab, subBefore({ ...sub, url: 'https://b.test/g', at: 9 }), d));
    step((d) => onHeadersReceived(tab, response('sub_frame', 11, 'https://b.test/g', [['G', '1']], 10), d));
    step((d) => onErrorOccurred(tab, noId(subError({ ...sub, url: 'https://b.test/g', documentId: 'X', at: 11 }, FF_ABORT)), d));
    step((d) => onBeforeNavigate(tab, subBefore({ ...sub, url: 'https://b.test/h', at: 12 }), d));
    step((d) => onCommitted(tab, noId(subCommit({ ...sub, url: 'https://b.test/h', documentId: 'X', at: 13 })), d));
    expect(frameOf(tab, 11)?.response).toBeUndefined();
  });

  test('a frame first known from the frame list gets its held response: from the list, or at its late commit', () => {
    const tab = newTabRecord(TAB);
    step((d) => onCommitted(tab, topCommit('T', 'https://a.test/', 1), d));
    const list = (url: string): FrameListEntry[] => [
      { frameId: 0, parentFrameId: -1, url: 'https://a.test/', documentId: 'T' },
      { frameId: 11, parentFrameId: 0, url, documentId: 'S', parentDocumentId: 'T' },
    ];
    // From the list: the response held for the frame is its document's.
    step((d) => onHeadersReceived(tab, response('sub_frame', 11, 'https://a.test/f', [['A', '1']], 2), d));
    step((d) => applyFrameList(tab, list('https://a.test/f'), 3, 4, d));
    expect(frameOf(tab, 11)?.response?.headers).toEqual([['A', '1']]);
    expect(tab.pending).toEqual({});
    // At the late commit of a document the list already named (same documentId): the response that
    // reached the background between the two is attached then.
    const tab2 = newTabRecord(TAB);
    step((d) => onCommitted(tab2, topCommit('T', 'https://a.test/', 1), d));
    step((d) => applyFrameList(tab2, list('https://a.test/g'), 3, 4, d));
    expect(frameOf(tab2, 11)?.response).toBeUndefined();
    step((d) => onBeforeNavigate(tab2, subBefore({ frameId: 11, parentFrameId: 0, parentDocumentId: 'T', url: 'https://a.test/g', at: 5 }), d));
    step((d) => onHeadersReceived(tab2, response('sub_frame', 11, 'https://a.test/g', [['B', '2']], 6), d));
    step((d) => onCommitted(tab2, subCommit({ frameId: 11, parentFrameId: 0, parentDocumentId: 'T', documentId: 'S', url: 'https://a.test/g', at: 7 }), d));
    expect(frameOf(tab2, 11)).toMatchObject({ status: 'committed', documentId: 'S', committedAt: 7, response: { headers: [['B', '2']] } });
    expect(tab2.pending).toEqual({});
  });

  // Firefox ESR 140, /iso/both.html's X-Frame-Options: DENY child: commit, request, headers (attached
  // late), a commit of about:neterror?e=xfoBlocked…, then onErrorOccurred for the URL.
  test('Firefox 140: a frame whose about:neterror page committed before the error keeps the response that blocked it', () => {
    const { tab, sub } = topWithChildAt2({ url: 'https://b.test/xfo' });
    const XFO = 'Error code 2153381984';
    const netError = 'about:neterror?e=xfoBlocked&u=https%3A//b.test/xfo';
    step((d) => onBeforeNavigate(tab, subBefore(sub), d));
    step((d) => onCommitted(tab, noId(subCommit({ ...sub, documentId: 'X', at: 3 })), d));
    step((d) => onHeadersReceived(tab, response('sub_frame', 11, 'https://b.test/xfo', [['X-Frame-Options', 'DENY']], 4), d));
    step((d) => onBeforeNavigate(tab, subBefore({ ...sub, url: netError, at: 5 }), d));
    step((d) => onCommitted(tab, noId(subCommit({ ...sub, url: netError, documentId: 'X', at: 5 })), d));
    step((d) => onErrorOccurred(tab, noId(subError({ ...sub, documentId: 'X', at: 6 }, XFO)), d));
    expect(frameOf(tab, 11)).toMatchObject({ status: 'error', error: XFO, url: 'https://b.test/xfo', response: { headers: [['X-Frame-Options', 'DENY']] } });
  });

  test('an error that no header caused does not take an earlier response of the same URL (Chromium: a refused reload)', () => {
    const { tab, sub } = topWithChildAt2({ documentId: 'S1' });
    step((d) => onBeforeNavigate(tab, subBefore(sub), d));
    step((d) => onHeadersReceived(tab, response('sub_frame', 11, 'https://b.test/f', [['Old', '1']], 3), d));
    step((d) => onCommitted(tab, subCommit({ ...sub, at: 4 }), d));
    step((d) => onBeforeNavigate(tab, subBefore({ ...sub, url: 'https://b.test/other', at: 5 }), d));
    step((d) => onCommitted(tab, subCommit({ ...sub, documentId: 'S2', url: 'https://b.test/other', at: 6 }), d));
    step((d) => onBeforeNavigate(tab, subBefore({ ...sub, at: 10 }), d));
    step((d) => onErrorOccurred(tab, subError({ ...sub, documentId: 'S3', at: 12 }, 'net::ERR_CONNECTION_REFUSED'), d));
    expect(frameOf(tab, 11)?.response).toBeUndefined();
    // The same failure caused by a header (a response arrived): that response explains it.
    step((d) => onBeforeNavigate(tab, subBefore({ ...sub, at: 20 }), d));
    step((d) => onHeadersReceived(tab, response('sub_frame', 11, 'https://b.test/f', [['New', '2']], 21), d));
    step((d) => onErrorOccurred(tab, subError({ ...sub, documentId: 'S4', at: 22 }, 'net::ERR_BLOCKED_BY_RESPONSE'), d));
    expect(frameOf(tab, 11)?.response?.headers).toEqual([['New', '2']]);
  });

  test("a failed reload does not keep the old document's response (it arrived before the new navigation started)", () => {
    const { tab, sub } = topWithChildAt2({ documentId: 'S1' });
    step((d) => onBeforeNavigate(tab, subBefore(sub), d));
    step((d) => onHeadersReceived(tab, response('sub_frame', 11, 'https://b.test/f', [['Old', '1']], 3), d));
    step((d) => onCommitted(tab, subCommit({ ...sub, at: 4 }), d));
    expect(frameOf(tab, 11)?.response?.headers).toEqual([['Old', '1']]);
    step((d) => onBeforeNavigate(tab, subBefore({ ...sub, at: 10 }), d));
    step((d) => onErrorOccurred(tab, subError({ ...sub, at: 12 }, 'net::ERR_CONNECTION_REFUSED'), d));
    expect(frameOf(tab, 11)).toMatchObject({ status: 'error', error: 'net::ERR_CONNECTION_REFUSED' });
    expect(frameOf(tab, 11)?.response).toBeUndefined();
  });

  test("Firefox's numeric NS_BINDING_ABORTED on the top frame leaves the current page alone", () => {
    const tab = newTabRecord(TAB);
    step((d) => onCommitted(tab, topCommit('T', 'https://a.test/', 1), d));
    const d = step((dd) => onErrorOccurred(tab, { tabId: TAB, frameId: 0, parentFrameId: -1, url: 'https://a.test/next', timeStamp: 2, error: FF_ABORT }, dd));
    expect(d.pageSwitched).toBe(false);
    expect(tab.activePageId).toBe('T');
    expect(Object.keys(tab.pages)).toEqual(['T']);
  });
});

// ── frames webNavigation.getAllFrames does not list (seen in Chromium 156) ──────────────────────────
describe('frames the browser frame list omits', () => {
  const topList: FrameListEntry[] = [
    { frameId: 0, parentFrameId: -1, url: 'http://a.test/', documentId: 'T', documentLifecycle: 'active', frameType: 'outermost_frame' },
  ];
  const blobEmbed = (frameId: number | null = null) =>
    embed(0, { id: 'blob', src: 'blob:http://a.test/u', probe: NONCE_1, frameId });
  const blobObservation = observation('http://a.test/', 'http://a.test');

  test('a frame that has started navigating but not committed is not pruned (the list omits it until it commits)', () => {
    const tab = newTabRecord(TAB);
    onCommitted(tab, topCommit('T', 'http://a.test/', 1), newDelta());
    onBeforeNavigate(tab, subBefore({ frameId: 7, parentFrameId: 0, parentDocumentId: 'T', url: 'https://b.test/', at: 2 }), newDelta());
    const d = step((dd) => applyFrameList(tab, topList, 100, 101, dd));
    expect(frameOf(tab, 7)?.status).toBe('navigating');
    expect(d.removed.size).toBe(0);
  });

  test('a blob: frame reported by navigation events survives reconciliation, and goes when its parent stops hosting it', () => {
    const tab = newTabRecord(TAB);
    onCommitted(tab, topCommit('T', 'http://a.test/', 1), newDelta());
    navigateSub(tab, { frameId: 10, parentFrameId: 0, parentDocumentId: 'T', documentId: 'B', url: 'blob:http://a.test/u', at: 2 });
    onProbe(tab, sender(10, 'B'), NONCE_1, 3, newDelta());
    onEmbeds(tab, sender(0, 'T'), embeds([blobEmbed()]), 4, newDelta());
    applyFrameList(tab, topList, 100, 101, newDelta());
    expect(frameOf(tab, 10)?.url).toBe('blob:http://a.test/u');
    // The element is removed: the parent's next report has no element hosting frame 10.
    const d = step((dd) => onEmbeds(tab, sender(0, 'T'), embeds([]), 200, dd));
    expect(frameOf(tab, 10)).toBeUndefined();
    expect(sorted(d.removed)).toEqual([10]);
  });

  test('a blob: child is kept while one of its parent\'s elements is still unmapped (it may be that one)', () => {
    const tab = newTabRecord(TAB);
    onCommitted(tab, topCommit('T', 'http://a.test/', 1), newDelta());
    navigateSub(tab, { frameId: 10, parentFrameId: 0, parentDocumentId: 'T', documentId: 'B', url: 'blob:http://a.test/u', at: 2 });
    onEmbeds(tab, sender(0, 'T'), embeds([blobEmbed()]), 4, newDelta()); // no probe answer yet
    expect(frameOf(tab, 10)).toBeDefined();
  });

  test.each([
    ['observe, probe, parent report', ['observe', 'probe', 'embeds']],
    ['parent report, probe, observe', ['embeds', 'probe', 'observe']],
    ['probe, observe, parent report', ['probe', 'observe', 'embeds']],
  ])('a frame no navigation event reported is recorded from its observer once its element is known (%s)', (_name, order) => {
    const tab = newTabRecord(TAB);
    onCommitted(tab, topCommit('T', 'http://a.test/', 1), newDelta());
    for (const s of order) {
      if (s === 'observe') onObserve(tab, sender(10, 'B'), { ...blobObservation, url: 'blob:http://a.test/u' }, 5, newDelta());
      if (s === 'probe') onProbe(tab, sender(10, 'B'), NONCE_1, 5, newDelta());
      if (s === 'embeds') onEmbeds(tab, sender(0, 'T'), embeds([blobEmbed()]), 5, newDelta());
    }
    expect(frameOf(tab, 10)).toMatchObject({
      parentFrameId: 0, parentDocumentId: 'T', documentId: 'B', url: 'blob:http://a.test/u', knownFrom: 'observer', status: 'committed',
      observed: { origin: 'http://a.test' },
    });
    applyFrameList(tab, topList, 100, 101, newDelta());
    expect(frameOf(tab, 10)).toBeDefined();
  });

  test('an observation from a frame no element hosts stays unrecorded (no parent is invented)', () => {
    const tab = newTabRecord(TAB);
    onCommitted(tab, topCommit('T', 'http://a.test/', 1), newDelta());
    expect(onObserve(tab, sender(10, 'B'), blobObservation, 5, newDelta())).toBe(false);
    expect(frameOf(tab, 10)).toBeUndefined();
  });
});

describe('commit times and sandbox attribute history', () => {
  test('a subframe document records when its navigation started and when it committed', () => {
    const tab = zoo();
    // navigateSub fires onBeforeNavigate and onCommitted at the same time; a real fetch takes a while.
    onBeforeNavigate(tab, subBefore({ frameId: 3, parentFrameId: 0, parentDocumentId: 'A', url: 'https://a.test/next', at: 200 }), newDelta());
    expect(frameOf(tab, 3)).toMatchObject({ pendingNavigationAt: 200, committedAt: 130 });
    onCommitted(tab, subCommit({ frameId: 3, parentFrameId: 0, documentId: 'S3b', parentDocumentId: 'A', url: 'https://a.test/next', at: 260 }), newDelta());
    expect(frameOf(tab, 3)).toMatchObject({ navigationStartedAt: 200, committedAt: 260 });
    expect(frameOf(tab, 3)!.pendingNavigationAt).toBeUndefined();
  });

  test('a document that commits without onBeforeNavigate (about:blank, srcdoc) started at its commit', () => {
    const tab = zoo();
    onCommitted(tab, subCommit({ frameId: 5, parentFrameId: 0, documentId: 'S5', parentDocumentId: 'A', url: 'about:srcdoc', at: 300 }), newDelta());
    expect(frameOf(tab, 5)).toMatchObject({ navigationStartedAt: 300, committedAt: 300 });
  });

  test('a failed navigation forgets when it started', () => {
    const tab = zoo();
    onBeforeNavigate(tab, subBefore({ frameId: 3, parentFrameId: 0, parentDocumentId: 'A', url: 'https://a.test/x', at: 200 }), newDelta());
    onErrorOccurred(tab, subError({ frameId: 3, parentFrameId: 0, documentId: 'S3', parentDocumentId: 'A', url: 'https://a.test/x', at: 210 }, 'net::ERR_BLOCKED_BY_RESPONSE'), newDelta());
    expect(frameOf(tab, 3)!.pendingNavigationAt).toBeUndefined();
  });

  test('an element\'s sandbox history is kept, with page-controlled values clipped', () => {
    const tab = zoo();
    const long = 'b'.repeat(MAX_TEXT + 2);
    onEmbeds(tab, sender(0, 'A'), embeds([embed(0, { frameId: 1, sandbox: '', sandboxHistory: [{ value: null, until: 150 }, { value: long, until: 160 }] })]), 170, newDelta());
    expect(frameOf(tab, 0)!.embeds![0]!.sandboxHistory).toEqual([{ value: null, until: 150 }, { value: clipText(long), until: 160 }]);
  });
});

describe('popups', () => {
  const created = (tabId: number, sourceTabId: number, sourceFrameId: number, at = 500) =>
    ({ tabId, sourceTabId, sourceFrameId, url: 'https://a.test/popup', timeStamp: at });

  test('the opener chain is the opener frame and its ancestors, top first, each keeping only the element of the next', () => {
    const tab = zoo();
    onEmbeds(tab, sender(0, 'A'), embeds([embed(0, { frameId: 1, sandbox: 'allow-popups' }), embed(1, { frameId: 3 })]), 150, newDelta());
    onEmbeds(tab, sender(1, 'S1'), embeds([embed(0, { frameId: 2 })]), 150, newDelta());
    const chain = openerChain(tab, 2);
    expect(chain.map((f) => f.frameId)).toEqual([0, 1, 2]);
    expect(chain[0]!.embeds!.map((e) => e.frameId)).toEqual([1]);
    expect(chain[1]!.embeds!.map((e) => e.frameId)).toEqual([2]);
    expect(chain[2]!.embeds ?? []).toEqual([]);
    // A copy: later changes to the opener's record do not reach the popup's.
    frameOf(tab, 0)!.embeds![0]!.sandbox = null;
    expect(chain[0]!.embeds![0]!.sandbox).toBe('allow-popups');
  });

  test('an unknown source tab or frame gives an empty chain', () => {
    expect(openerChain(undefined, 0)).toEqual([]);
    expect(openerChain(zoo(), 99)).toEqual([]);
  });

  test('the popup tab remembers its opener, and every page it shows carries it', () => {
    const opener = zoo();
    const popup = newTabRecord(TAB + 1);
    const d = step((d) => onCreatedNavigationTarget(popup, created(TAB + 1, TAB, 3), openerChain(opener, 3), d));
    expect(d.dirty).toBe(true);
    onCommitted(popup, { ...topCommit('P', 'https://a.test/popup', 510), tabId: TAB + 1 }, newDelta());
    expect(activePage(popup)!.openedBy).toMatchObject({ tabId: TAB, frameId: 3, url: 'https://a.test/three', at: 500 });
    expect(activePage(popup)!.openedBy!.chain.map((f) => f.frameId)).toEqual([0, 3]);
    onCommitted(popup, { ...topCommit('P2', 'https://b.test/next', 600), tabId: TAB + 1 }, newDelta());
    expect(activePage(popup)!.openedBy?.frameId).toBe(3);
  });

  test('a popup that committed before the event still gets its opener (and panels get a full snapshot)', () => {
    const popup = newTabRecord(TAB + 1);
    onCommitted(popup, { ...topCommit('P', 'https://a.test/popup', 490), tabId: TAB + 1 }, newDelta());
    const d = step((d) => onCreatedNavigationTarget(popup, created(TAB + 1, TAB, 0), openerChain(zoo(), 0), d));
    expect(activePage(popup)!.openedBy?.frameId).toBe(0);
    expect(d.pageSwitched).toBe(true);
  });
});

// ── a restarted background asks the documents whose reports the record lacks ────────────────────
describe('framesToAskAgain', () => {
  const observeAll = (tab: TabRecord, ids: [number, string, string][]) => {
    for (const [frameId, documentId, url] of ids) onObserve(tab, sender(frameId, documentId), observation(url, new URL(url).origin), 140, newDelta());
  };
  const zooIds: [number, string, string][] = [[0, 'A', 'https://a.test/'], [1, 'S1', 'https://b.test/one'], [2, 'S2', 'https://c.test/two'], [3, 'S3', 'https://a.test/three'], [4, 'S4', 'https://c.test/four']];
  const host = (tab: TabRecord, frameId: number, documentId: string, childIds: number[]) =>
    onEmbeds(tab, sender(frameId, documentId), embeds(childIds.map((id, i) => embed(i, { frameId: id }))), 150, newDelta());
  const complete = () => {
    const tab = zoo();
    observeAll(tab, zooIds);
    host(tab, 0, 'A', [1, 3]);
    host(tab, 1, 'S1', [2]);
    host(tab, 2, 'S2', [4]);
    host(tab, 3, 'S3', []);
    host(tab, 4, 'S4', []);
    return tab;
  };

  test('a complete record asks nobody; a record with no page neither', () => {
    expect(framesToAskAgain(complete())).toEqual([]);
    expect(framesToAskAgain(newTabRecord(TAB))).toEqual([]);
  });

  test('a leaf whose list of elements was lost (observed, never listed) is asked again', () => {
    const tab = zoo();
    observeAll(tab, zooIds);
    host(tab, 0, 'A', [1, 3]);
    host(tab, 1, 'S1', [2]);
    host(tab, 2, 'S2', [4]);
    host(tab, 3, 'S3', []);
    expect(framesToAskAgain(tab)).toEqual([4]);
  });

  test('a frame not observed is asked; a child its parent does not map: the parent and the child', () => {
    const tab = complete();
    delete activePage(tab)!.frames['3']!.observed;
    host(tab, 1, 'S1', []); // frame 2's element is no longer mapped (its probe claim was lost)
    expect(framesToAskAgain(tab)).toEqual([1, 2, 3]);
  });

  test('an error page is not asked (no observer runs there)', () => {
    const tab = complete();
    const f = activePage(tab)!.frames['4']!;
    f.status = 'error';
    delete f.observed;
    delete f.embeds;
    expect(framesToAskAgain(tab)).toEqual([]);
  });
});
