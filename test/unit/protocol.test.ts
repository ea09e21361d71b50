// The runtime guards at every boundary: what they accept and, row by row, what they reject.
import { describe, expect, test } from 'vitest';
import {
  MAX_EMBEDS,
  MAX_TEXT,
  PROTOCOL_VERSION,
  isBackgroundMessage,
  isContentMessage,
  isFrameRecord,
  clipText,
  isNonce,
  isPageRecord,
  isPanelMessage,
  isSubresourceRecord,
  type EmbedReport,
} from '../../src/shared/protocol.ts';
import { MAX_SUBRESOURCE_RESPONSES, type EmbedElement, type FrameRecord, type PageRecord, type SubresourceRecord } from '../../src/shared/snapshot.ts';

const NONCE = '0f8fad5b-d9cb-469f-a165-70867728950e';
const LONG = 'x'.repeat(MAX_TEXT * 2 + 1);
const AT_LIMIT = 'x'.repeat(MAX_TEXT * 2);

const observe = (over: Record<string, unknown> = {}) => ({
  type: 'observe', v: PROTOCOL_VERSION, url: 'https://a.test/', origin: 'https://a.test', isSecureContext: true,
  crossOriginIsolated: false, documentDomain: 'a.test', originAgentCluster: null, ...over,
});
const report = (over: Record<string, unknown> = {}): EmbedReport => ({
  tag: 'iframe', index: 0, frameId: null, id: null, name: null, src: 'https://b.test/', srcdoc: false,
  sandbox: 'allow-scripts', allow: null, referrerPolicy: null, loading: 'lazy',
  credentialless: { attribute: false, property: null }, ...over,
} as EmbedReport);
const embeds = (over: Record<string, unknown> = {}) => ({ type: 'embeds', v: PROTOCOL_VERSION, embeds: [report()], dropped: 0, ...over });
const probe = (nonce: unknown) => ({ type: 'probe', v: PROTOCOL_VERSION, nonce });

describe('isContentMessage', () => {
  test.each([
    ['observe', observe()],
    ['observe where document.domain threw and originAgentCluster is known', observe({ documentDomain: null, originAgentCluster: true })],
    ['observe with a url of exactly MAX_TEXT*2 characters', observe({ url: AT_LIMIT })],
    ['observe with the response time', observe({ responseStartAt: 1796402482576 })],
    ['embeds with no elements', embeds({ embeds: [] })],
    ['embeds with getFrameId, probe and frame elements', embeds({ embeds: [report({ frameId: 3 }), report({ index: 1, tag: 'frame', probe: NONCE, credentialless: { attribute: true, property: true } })], dropped: 4 })],
    ['embeds with exactly MAX_EMBEDS elements', embeds({ embeds: Array.from({ length: MAX_EMBEDS }, (_, index) => report({ index })) })],
    ['probe', probe(NONCE)],
    ['embeds with a sandbox attribute history', embeds({ embeds: [report({ sandbox: '', sandboxHistory: [{ value: null, until: 1.5 }, { value: 'allow-scripts', until: 2 }] })] })],
  ])('accepts %s', (_, msg) => {
    expect(isContentMessage(msg)).toBe(true);
  });

  test.each<[string, unknown]>([
    ['a wrong version', observe({ v: PROTOCOL_VERSION + 1 })],
    ['a version given as a string', observe({ v: String(PROTOCOL_VERSION) })],
    ['no version', (({ v: _v, ...rest }) => rest)(observe())],
    ['an unknown type', observe({ type: 'hello' })],
    ['null', null],
    ['an array', [observe()]],
    ['a string', 'observe'],
    ['observe with a numeric url', observe({ url: 42 })],
    ['observe with isSecureContext as a string', observe({ isSecureContext: 'true' })],
    ['observe without documentDomain', (({ documentDomain: _d, ...rest }) => rest)(observe())],
    ['observe with originAgentCluster as a number', observe({ originAgentCluster: 1 })],
    ['observe with a response time that is a string', observe({ responseStartAt: '1' })],
    ['observe with a response time that is not finite', observe({ responseStartAt: NaN })],
    ['observe with a url longer than MAX_TEXT*2', observe({ url: LONG })],
    ['observe with an origin longer than MAX_TEXT*2', observe({ origin: LONG })],
    ['embeds with a src longer than MAX_TEXT*2', embeds({ embeds: [report({ src: LONG })] })],
    ['embeds with a sandbox longer than MAX_TEXT*2', embeds({ embeds: [report({ sandbox: LONG })] })],
    ['embeds with a sandbox history that is not a list', embeds({ embeds: [report({ sandboxHistory: 'x' as never })] })],
    ['embeds with a sandbox history longer than MAX_SANDBOX_HISTORY', embeds({ embeds: [report({ sandboxHistory: Array.from({ length: 9 }, () => ({ value: null, until: 1 })) })] })],
    ['embeds with a sandbox history value that is a number', embeds({ embeds: [report({ sandboxHistory: [{ value: 1 as never, until: 1 }] })] })],
    ['embeds with a sandbox history time that is not finite', embeds({ embeds: [report({ sandboxHistory: [{ value: null, until: Infinity }] })] })],
    ['embeds with more than MAX_EMBEDS elements', embeds({ embeds: Array.from({ length: MAX_EMBEDS + 1 }, (_, index) => report({ index })) })],
    ['embeds that is not an array', embeds({ embeds: { 0: report() } })],
    ['embeds with a negative dropped count', embeds({ dropped: -1 })],
    ['embeds with a fractional dropped count', embeds({ dropped: 1.5 })],
    ['an element of another tag', embeds({ embeds: [report({ tag: 'object' })] })],
    ['an element with a negative index', embeds({ embeds: [report({ index: -1 })] })],
    ['an element with a negative frameId', embeds({ embeds: [report({ frameId: -1 })] })],
    ['an element with a string frameId', embeds({ embeds: [report({ frameId: '3' })] })],
    ['an element with srcdoc as a string', embeds({ embeds: [report({ srcdoc: 'yes' })] })],
    ['an element without credentialless', embeds({ embeds: [report({ credentialless: undefined })] })],
    ['an element with a malformed probe nonce', embeds({ embeds: [report({ probe: 'not-a-nonce' })] })],
    ['probe with an uppercase nonce', probe(NONCE.toUpperCase())],
    ['probe with a nonce missing a group', probe('0f8fad5b-d9cb-469f-a165')],
    ['probe with a nonce with trailing text', probe(`${NONCE}x`)],
    ['probe with a nonce with a newline', probe(`${NONCE}\n`)],
    ['probe with a numeric nonce', probe(12345)],
    ['probe without a nonce', { type: 'probe', v: PROTOCOL_VERSION }],
  ])('rejects %s', (_, msg) => {
    expect(isContentMessage(msg)).toBe(false);
  });

  test('isNonce accepts exactly the lowercase UUID form crypto.randomUUID produces', () => {
    expect(isNonce(NONCE)).toBe(true);
    expect(isNonce(' ' + NONCE)).toBe(false);
    expect(isNonce('g'.repeat(8) + NONCE.slice(8))).toBe(false);
  });
});

// ── background → panel ───────────────────────────────────────────────────────────────────────────
const element = (over: Partial<EmbedElement> = {}): EmbedElement => ({ ...report({ frameId: 1 }), mappedBy: 'getFrameId', ...over });
const frame = (over: Record<string, unknown> = {}): FrameRecord => ({
  frameId: 0, parentFrameId: -1, documentId: 'A', url: 'https://a.test/', frameType: 'outermost_frame',
  documentLifecycle: 'active', status: 'loaded', transitionType: 'typed',
  response: {
    url: 'https://a.test/', statusCode: 200, statusLine: 'HTTP/1.1 200 OK',
    headers: [['Content-Type', 'text/html'], ['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2']],
    droppedHeaderLines: 3, fromCache: false, ip: '127.0.0.1', timeStamp: 1.5,
  },
  observed: {
    documentId: 'A', url: 'https://a.test/', origin: 'https://a.test', isSecureContext: true, crossOriginIsolated: false,
    documentDomain: 'a.test', originAgentCluster: null, observedAt: 2,
  },
  embeds: [element()], embedsDocumentId: 'A', droppedEmbeds: 0, updatedAt: 3,
  ...over,
} as FrameRecord);
const page = (over: Record<string, unknown> = {}): PageRecord => ({
  pageId: 'A', tabId: 7, url: 'https://a.test/', startedAt: 1, lifecycle: 'active',
  frames: { 0: frame(), 1: frame({ frameId: 1, parentFrameId: 0, documentId: 'S1', embeds: undefined, response: undefined, observed: undefined, status: 'error', error: 'net::ERR_BLOCKED_BY_RESPONSE' }) },
  dropped: { frames: 0 },
  ...over,
} as PageRecord);
const snapshot = (p: unknown) => ({ type: 'snapshot', v: PROTOCOL_VERSION, snapshot: { version: 1, tabId: 7, page: p } });
const update = (over: Record<string, unknown> = {}) => ({ type: 'update', v: PROTOCOL_VERSION, tabId: 7, pageId: 'A', upserts: [frame()], removed: [2, 3], resources: [], resourcesRemoved: [], dropped: { frames: 0 }, ...over });

describe('isFrameRecord', () => {
  test.each([
    ['a full record', frame()],
    ['a minimal record', { frameId: 4, parentFrameId: 0, url: 'about:blank', status: 'navigating', updatedAt: 0 }],
    ['an element not mapped yet', frame({ embeds: [element({ frameId: null, mappedBy: null })] })],
    ['an element mapped by URL', frame({ embeds: [element({ mappedBy: 'url' })] })],
  ])('accepts %s', (_, x) => {
    expect(isFrameRecord(x)).toBe(true);
  });

  test.each<[string, unknown]>([
    ['null', null],
    ['a fractional frameId', frame({ frameId: 1.5 })],
    ['an unknown status', frame({ status: 'done' })],
    ['no updatedAt', (({ updatedAt: _u, ...rest }) => rest)(frame())],
    ['a NaN updatedAt', frame({ updatedAt: Number.NaN })],
    ['a url longer than MAX_TEXT*2', frame({ url: LONG })],
    ['a header line with three parts', frame({ response: { ...frame().response, headers: [['a', 'b', 'c']] } })],
    ['a header line as an object', frame({ response: { ...frame().response, headers: [{ name: 'a', value: 'b' }] } })],
    ['a header value longer than MAX_TEXT*2', frame({ response: { ...frame().response, headers: [['a', LONG]] } })],
    ['a response without statusCode', frame({ response: { ...frame().response, statusCode: undefined } })],
    ['an observation without observedAt', frame({ observed: { ...frame().observed, observedAt: undefined } })],
    ['an observation with a response time that is a string', frame({ observed: { ...frame().observed, responseStartAt: '1' } })],
    ['an element without mappedBy', frame({ embeds: [(({ mappedBy: _m, ...rest }) => rest)(element())] })],
    ['an element mapped by an unknown method', frame({ embeds: [element({ mappedBy: 'guess' as never })] })],
    ['a frameType outside FrameType', frame({ frameType: 'popup' })],
    ['a documentLifecycle outside DocumentLifecycle', frame({ documentLifecycle: 'zombie' })],
  ])('rejects %s', (_, x) => {
    expect(isFrameRecord(x)).toBe(false);
  });
});

describe('isBackgroundMessage', () => {
  test.each([
    ['a snapshot of a tab with nothing recorded', snapshot(null)],
    ['a snapshot with a page', snapshot(page())],
    ['an update', update()],
    ['an update with nothing in it', update({ upserts: [], removed: [] })],
    ['a version mismatch', { type: 'version-mismatch', v: PROTOCOL_VERSION, expected: PROTOCOL_VERSION }],
    ['a snapshot of a popup with its opener chain', snapshot(page({ openedBy: { tabId: 3, frameId: 2, url: 'https://a.test/', at: 5, chain: [frame()] } }))],
    ['a frame with commit times', update({ upserts: [frame({ navigationStartedAt: 1, committedAt: 2.5, pendingNavigationAt: 3 })] })],
  ])('accepts %s', (_, msg) => {
    expect(isBackgroundMessage(msg)).toBe(true);
  });

  test.each<[string, unknown]>([
    ['no version', (({ v: _v, ...rest }) => rest)(snapshot(null))],
    ['an unknown type', { type: 'reload', v: PROTOCOL_VERSION }],
    ['a snapshot without its snapshot', { type: 'snapshot', v: PROTOCOL_VERSION }],
    ['a snapshot without a tabId', { type: 'snapshot', v: PROTOCOL_VERSION, snapshot: { version: 1, page: null } }],
    ['a snapshot whose page has frames as an array', snapshot(page({ frames: [frame()] }))],
    ['a snapshot whose page has an unknown lifecycle', snapshot(page({ lifecycle: 'frozen' }))],
    ['a snapshot whose page has no dropped count', snapshot(page({ dropped: {} }))],
    ['a snapshot whose page holds a malformed frame', snapshot(page({ frames: { 0: frame({ status: 'bogus' }) } }))],
    ['an update with a malformed upsert', update({ upserts: [frame({ url: 5 })] })],
    ['an update with string frame ids removed', update({ removed: ['2'] })],
    ['an update without a pageId', update({ pageId: undefined })],
    ['a version mismatch without the expected version', { type: 'version-mismatch', v: PROTOCOL_VERSION }],
    ['a popup whose opener chain holds a malformed frame', snapshot(page({ openedBy: { tabId: 3, frameId: 2, url: 'x', at: 5, chain: [frame({ url: 5 })] } }))],
    ['a popup whose opener chain is longer than MAX_OPENER_CHAIN', snapshot(page({ openedBy: { tabId: 3, frameId: 2, url: 'x', at: 5, chain: Array.from({ length: 33 }, () => frame()) } }))],
    ['a popup whose opener has no tab id', snapshot(page({ openedBy: { frameId: 2, url: 'x', at: 5, chain: [] } }))],
    ['a frame whose commit time is a string', update({ upserts: [frame({ committedAt: '2' })] })],
  ])('rejects %s', (_, msg) => {
    expect(isBackgroundMessage(msg)).toBe(false);
  });
});

describe('isPanelMessage', () => {
  test.each<[string, unknown, boolean]>([
    ['hello', { type: 'hello', v: PROTOCOL_VERSION, tabId: 7 }, true],
    // Any version passes the guard so that the background can answer with version-mismatch.
    ['hello from a panel of another protocol version', { type: 'hello', v: PROTOCOL_VERSION + 1, tabId: 7 }, true],
    ['hello without a tabId', { type: 'hello', v: PROTOCOL_VERSION }, false],
    ['hello with a string tabId', { type: 'hello', v: PROTOCOL_VERSION, tabId: '7' }, false],
    ['hello without a version', { type: 'hello', tabId: 7 }, false],
    ['another type', { type: 'snapshot', v: PROTOCOL_VERSION, tabId: 7 }, false],
    ['null', null, false],
  ])('%s', (_, msg, ok) => {
    expect(isPanelMessage(msg)).toBe(ok);
  });
});

// ── subresource requests ─────────────────────────────────────────────────────────────────────────
const hop = (over: Record<string, unknown> = {}) => ({
  url: 'https://b.test/img', statusCode: 200, fromCache: false,
  headers: [['Cross-Origin-Resource-Policy', 'cross-origin'], ['Content-Type', 'image/png']], ...over,
});
const resource = (over: Record<string, unknown> = {}): SubresourceRecord => ({
  requestId: '1234', frameId: 0, documentId: 'A', type: 'image', method: 'GET', url: 'https://b.test/img',
  initiator: 'https://a.test', fetchMode: 'no-cors', fetchDest: 'image', fetchSite: 'cross-site', sentCookies: true,
  responses: [hop({ statusCode: 302, headers: [] }), hop()], state: 'complete', startedAt: 10.5, endedAt: 12, ...over,
} as SubresourceRecord);
const without = (key: string, x: object) => Object.fromEntries(Object.entries(x).filter(([k]) => k !== key));
const minimal = { requestId: '9', frameId: 3, type: 'script', method: 'GET', url: 'https://a.test/x.js', responses: [], state: 'pending', startedAt: 0 };

describe('isSubresourceRecord', () => {
  test.each<[string, unknown]>([
    ['a complete record with a redirect', resource()],
    ['a minimal pending record (no fetch metadata, no cookies seen, no document id: Firefox)', minimal],
    ['a failed record', resource({ state: 'error', error: 'net::ERR_BLOCKED_BY_RESPONSE' })],
    ['a record without responses', resource({ responses: [], state: 'pending', endedAt: undefined })],
    [`exactly MAX_SUBRESOURCE_RESPONSES (${MAX_SUBRESOURCE_RESPONSES}) responses`, resource({ responses: Array.from({ length: MAX_SUBRESOURCE_RESPONSES }, () => hop()) })],
    ['sentCookies false', resource({ sentCookies: false })],
    ['a request id as the recorder clips it', resource({ requestId: clipText('9'.repeat(500), 64) })],
    ['a url of exactly MAX_TEXT*2 characters', resource({ url: AT_LIMIT })],
    ['a response served from the cache without headers', resource({ responses: [hop({ fromCache: true, headers: [] })] })],
  ])('accepts %s', (_, x) => {
    expect(isSubresourceRecord(x)).toBe(true);
  });

  test.each<[string, unknown]>([
    ['null', null],
    ['an array', [resource()]],
    ['no requestId', without('requestId', resource())],
    ['a numeric requestId', resource({ requestId: 1234 })],
    ['an oversized requestId', resource({ requestId: '9'.repeat(500) })],
    ['no frameId', without('frameId', resource())],
    ['a string frameId', resource({ frameId: '0' })],
    ['a fractional frameId', resource({ frameId: 0.5 })],
    ['a numeric documentId', resource({ documentId: 5 })],
    ['no type', without('type', resource())],
    ['an oversized type', resource({ type: 'x'.repeat(500) })],
    ['no method', without('method', resource())],
    ['an oversized method', resource({ method: 'X'.repeat(500) })],
    ['no url', without('url', resource())],
    ['a url longer than MAX_TEXT*2', resource({ url: LONG })],
    ['an initiator longer than MAX_TEXT*2', resource({ initiator: LONG })],
    ['a numeric fetchMode', resource({ fetchMode: 1 })],
    ['a fetchDest longer than MAX_TEXT*2', resource({ fetchDest: LONG })],
    ['an object fetchSite', resource({ fetchSite: {} })],
    ['sentCookies as a string', resource({ sentCookies: 'true' })],
    ['sentCookies as the cookie itself', resource({ sentCookies: 'sid=1' })],
    ['no responses', without('responses', resource())],
    ['responses as an object', resource({ responses: { 0: hop() } })],
    [`more than MAX_SUBRESOURCE_RESPONSES (${MAX_SUBRESOURCE_RESPONSES}) responses`, resource({ responses: Array.from({ length: MAX_SUBRESOURCE_RESPONSES + 1 }, () => hop()) })],
    ['a response without url', resource({ responses: [without('url', hop())] })],
    ['a response with a string status', resource({ responses: [hop({ statusCode: '200' })] })],
    ['a response without fromCache', resource({ responses: [without('fromCache', hop())] })],
    ['a response with headers as an object', resource({ responses: [hop({ headers: { 'Content-Type': 'image/png' } })] })],
    ['a response header line with three parts', resource({ responses: [hop({ headers: [['a', 'b', 'c']] })] })],
    ['a response header value longer than MAX_TEXT*2', resource({ responses: [hop({ headers: [['Content-Type', LONG]] })] })],
    ['no state', without('state', resource())],
    ['an unknown state', resource({ state: 'done' })],
    ['a numeric error', resource({ state: 'error', error: 404 })],
    ['no startedAt', without('startedAt', resource())],
    ['a NaN startedAt', resource({ startedAt: Number.NaN })],
    ['an infinite startedAt', resource({ startedAt: Infinity })],
    ['a string endedAt', resource({ endedAt: '12' })],
  ])('rejects %s', (_, x) => {
    expect(isSubresourceRecord(x)).toBe(false);
  });
});

describe('pages and updates with subresource requests', () => {
  test.each<[string, unknown, boolean]>([
    ['a page with requests and a dropped count', page({ subresources: { 1234: resource(), 9: minimal }, dropped: { frames: 0, subresources: 12 } }), true],
    ['a page with an empty request map', page({ subresources: {} }), true],
    ['a page with requests as an array', page({ subresources: [resource()] }), false],
    ['a page holding a malformed request', page({ subresources: { 1234: resource({ state: 'bogus' }) } }), false],
    ['a page whose dropped request count is a string', page({ dropped: { frames: 0, subresources: '12' } }), false],
    ['a page whose dropped request count is fractional', page({ dropped: { frames: 0, subresources: 1.5 } }), false],
  ])('isPageRecord: %s', (_, x, ok) => {
    expect(isPageRecord(x)).toBe(ok);
    expect(isBackgroundMessage(snapshot(x))).toBe(ok);
  });

  test.each<[string, unknown]>([
    ['an update with added and removed requests', update({ resources: [resource(), minimal], resourcesRemoved: ['77', '78'], dropped: { frames: 1, frameIds: [9], subresources: 3 } })],
    ['an update with only removed requests', update({ upserts: [], removed: [], resourcesRemoved: ['77'] })],
  ])('isBackgroundMessage accepts %s', (_, msg) => {
    expect(isBackgroundMessage(msg)).toBe(true);
  });

  test.each<[string, unknown]>([
    ['an update without resources', without('resources', update())],
    ['an update without resourcesRemoved', without('resourcesRemoved', update())],
    ['an update without dropped', without('dropped', update())],
    ['an update whose resources is an object', update({ resources: { 1234: resource() } })],
    ['an update with a malformed request', update({ resources: [resource({ responses: 'none' })] })],
    ['an update with a request of too many responses', update({ resources: [resource({ responses: Array.from({ length: MAX_SUBRESOURCE_RESPONSES + 1 }, () => hop()) })] })],
    ['an update with numeric removed request ids', update({ resourcesRemoved: [1234] })],
    ['an update with an oversized removed request id', update({ resourcesRemoved: ['9'.repeat(500)] })],
    ['an update whose dropped frames count is missing', update({ dropped: { subresources: 1 } })],
    ['an update whose dropped request count is a string', update({ dropped: { frames: 0, subresources: '1' } })],
  ])('isBackgroundMessage rejects %s', (_, msg) => {
    expect(isBackgroundMessage(msg)).toBe(false);
  });
});
