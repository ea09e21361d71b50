// What the frame tree adds at the boundaries: the guards of the outline and popups messages, the
// frame element's title in the record, which document outlines which frame (and that the previous
// outline goes), and how the background hands a tab's popups and outline requests to its panel.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { Runtime } from 'webextension-polyfill';
import { Highlighter, highlightTarget } from '../../src/background/highlight.ts';
import { PanelPorts } from '../../src/background/ports.ts';
import {
  newDelta,
  newTabRecord,
  onCommitted,
  onCreatedNavigationTarget,
  onEmbeds,
  openerChain,
  type CommittedEvent,
} from '../../src/background/recorder.ts';
import { TabStore, popupPage, type SessionArea } from '../../src/background/tab-store.ts';
import {
  MAX_POPUPS,
  MAX_TEXT,
  PANEL_PORT_NAME,
  PROTOCOL_VERSION,
  isBackgroundMessage,
  isContentCommand,
  isContentMessage,
  isPanelMessage,
  type BackgroundMessage,
  type ContentCommand,
  type EmbedReport,
  type PopupRecord,
} from '../../src/shared/protocol.ts';
import type { EmbedElement, FrameRecord, PageRecord } from '../../src/shared/snapshot.ts';

const NONCE = '0f8fad5b-d9cb-469f-a165-70867728950e';
const fr = (frameId: number, parentFrameId: number, url: string, over: Partial<FrameRecord> = {}): FrameRecord => ({
  frameId, parentFrameId, url, status: 'loaded', updatedAt: 1, ...over,
});
const el = (index: number, frameId: number | null, over: Partial<EmbedElement> = {}): EmbedElement => ({
  tag: 'iframe', index, frameId, mappedBy: frameId === null ? null : 'nonce', id: null, name: null, src: null,
  srcdoc: false, sandbox: null, allow: null, referrerPolicy: null, loading: null,
  credentialless: { attribute: false, property: null }, ...over,
});
const pageOf = (frames: FrameRecord[], over: Partial<PageRecord> = {}): PageRecord => ({
  pageId: 'P', tabId: 1, url: frames[0]?.url ?? 'https://a.test/', startedAt: 1, lifecycle: 'active',
  frames: Object.fromEntries(frames.map((f) => [String(f.frameId), f])), dropped: { frames: 0 }, ...over,
});
const opener = { tabId: 1, frameId: 0, url: 'https://a.test/', at: 5, chain: [fr(0, -1, 'https://a.test/')] };
const popupRecord = (over: Partial<PopupRecord> = {}): PopupRecord => ({
  tabId: 2, page: pageOf([fr(0, -1, 'https://a.test/popup')], { tabId: 2, openedBy: opener }), ...over,
});

// ── guards ──────────────────────────────────────────────────────────────────────────────────────
describe('guards of the tree\'s messages', () => {
  const highlight = (over: Record<string, unknown> = {}) => ({ type: 'highlight', v: PROTOCOL_VERSION, tabId: 3, frameId: 4, ...over });
  test.each<[string, unknown, boolean]>([
    ['highlight of a frame', highlight(), true],
    ['highlight removed (null)', highlight({ frameId: null }), true],
    ['highlight of the top frame', highlight({ frameId: 0 }), true],
    ['highlight of a negative frame', highlight({ frameId: -1 }), false],
    ['highlight of a fractional frame', highlight({ frameId: 1.5 }), false],
    ['highlight with a string frame', highlight({ frameId: '4' }), false],
    ['highlight without a frame', (({ frameId: _f, ...r }) => r)(highlight()), false],
    ['highlight without a tab', (({ tabId: _t, ...r }) => r)(highlight()), false],
    ['highlight without a version', (({ v: _v, ...r }) => r)(highlight()), false],
    ['an unknown panel message', highlight({ type: 'inspect' }), false],
    ['hello still', { type: 'hello', v: PROTOCOL_VERSION, tabId: 3 }, true],
  ])('isPanelMessage: %s → %s', (_, msg, ok) => {
    expect(isPanelMessage(msg)).toBe(ok);
  });

  const command = (target: unknown, over: Record<string, unknown> = {}) => ({ type: 'highlight', v: PROTOCOL_VERSION, target, ...over });
  test.each<[string, unknown, boolean]>([
    ['an element by frame id', command({ kind: 'element', frameId: 3 }), true],
    ['an element by frame id and nonce', command({ kind: 'element', frameId: 3, probe: NONCE }), true],
    ['the viewport', command({ kind: 'viewport' }), true],
    ['no outline', command(null), true],
    ['another version', command(null, { v: PROTOCOL_VERSION + 1 }), false],
    ['another type', command(null, { type: 'observe' }), false],
    ['a target without kind', command({ frameId: 3 }), false],
    ['an unknown kind', command({ kind: 'selector', selector: 'iframe' }), false],
    ['an element without frame id', command({ kind: 'element' }), false],
    ['an element with a negative frame id', command({ kind: 'element', frameId: -1 }), false],
    ['an element with a malformed nonce', command({ kind: 'element', frameId: 3, probe: 'abc' }), false],
    ['a missing target', (({ target: _t, ...r }) => r)(command(null)), false],
    ['a string', 'highlight', false],
    ['report again', { type: 'report', v: PROTOCOL_VERSION }, true],
    ['report again, another version', { type: 'report', v: PROTOCOL_VERSION + 1 }, false],
    ['report again, with more', { type: 'report', v: PROTOCOL_VERSION, target: null }, false],
  ])('isContentCommand: %s → %s', (_, msg, ok) => {
    expect(isContentCommand(msg)).toBe(ok);
  });

  const snapshot = (popups: unknown) => ({ type: 'snapshot', v: PROTOCOL_VERSION, snapshot: { version: 1, tabId: 1, page: null }, popups });
  const update = (popups: unknown) => ({
    type: 'update', v: PROTOCOL_VERSION, tabId: 1, pageId: 'P', upserts: [], removed: [], resources: [], resourcesRemoved: [], dropped: { frames: 0 }, popups,
  });
  test.each<[string, unknown, boolean]>([
    ['a snapshot without popups', snapshot(undefined), true],
    ['a snapshot with no popups', snapshot([]), true],
    ['a snapshot with a popup', snapshot([popupRecord()]), true],
    ['an update with a popup', update([popupRecord()]), true],
    ['a popup whose page has no frame yet', snapshot([popupRecord({ page: pageOf([], { openedBy: opener }) })]), true],
    ['MAX_POPUPS popups', snapshot(Array.from({ length: MAX_POPUPS }, (_, i) => popupRecord({ tabId: i }))), true],
    ['more than MAX_POPUPS popups', snapshot(Array.from({ length: MAX_POPUPS + 1 }, (_, i) => popupRecord({ tabId: i }))), false],
    ['popups that are not a list', update({ 0: popupRecord() }), false],
    ['a popup page that does not say who opened it', snapshot([popupRecord({ page: pageOf([fr(0, -1, 'https://a.test/')]) })]), false],
    ['a popup with a subframe', update([popupRecord({ page: pageOf([fr(0, -1, 'https://a.test/'), fr(1, 0, 'https://b.test/')], { openedBy: opener }) })]), false],
    ['a popup with a malformed frame', update([popupRecord({ page: pageOf([fr(0, -1, 42 as never)], { openedBy: opener }) })]), false],
    ['a popup without a tab id', snapshot([{ page: popupRecord().page }]), false],
  ])('isBackgroundMessage: %s → %s', (_, msg, ok) => {
    expect(isBackgroundMessage(msg)).toBe(ok);
  });

  const report = (over: Record<string, unknown> = {}) => ({
    tag: 'iframe', index: 0, frameId: null, id: null, name: null, src: null, srcdoc: false, sandbox: null, allow: null,
    referrerPolicy: null, loading: null, credentialless: { attribute: false, property: null }, ...over,
  });
  test.each<[string, unknown, boolean]>([
    ['a title', report({ title: 'Ads' }), true],
    ['no title attribute (null)', report({ title: null }), true],
    ['a report from before titles (absent)', report(), true],
    ['a numeric title', report({ title: 7 }), false],
    ['a title longer than MAX_TEXT*2', report({ title: 'x'.repeat(MAX_TEXT * 2 + 1) }), false],
  ])('embeds element with %s → %s', (_, element, ok) => {
    expect(isContentMessage({ type: 'embeds', v: PROTOCOL_VERSION, embeds: [element], dropped: 0 })).toBe(ok);
  });
});

// ── the recorder keeps the title ────────────────────────────────────────────────────────────────
describe('the recorder keeps the frame element\'s title', () => {
  const commit: CommittedEvent = { tabId: 1, frameId: 0, parentFrameId: -1, url: 'https://a.test/', timeStamp: 1, documentId: 'D', frameType: 'outermost_frame', documentLifecycle: 'active' };
  const embedsOf = (reports: EmbedReport[]) => {
    const tab = newTabRecord(1);
    onCommitted(tab, commit, newDelta());
    onEmbeds(tab, { tabId: 1, frameId: 0, documentId: 'D' }, { embeds: reports, dropped: 0 }, 2, newDelta());
    return tab.pages['D']!.frames['0']!.embeds!;
  };
  const base = { tag: 'iframe', index: 0, frameId: null, id: null, name: null, src: null, srcdoc: false, sandbox: null, allow: null, referrerPolicy: null, loading: null, credentialless: { attribute: false, property: null } } as const;

  test('as written, clipped like every attribute, null when absent, and not invented for older reports', () => {
    const long = 't'.repeat(MAX_TEXT + 5);
    const [a, b, c] = embedsOf([{ ...base, title: 'Payment form' }, { ...base, index: 1, title: long }, { ...base, index: 2, title: null }]);
    expect(a!.title).toBe('Payment form');
    expect(b!.title).toBe(`${'t'.repeat(MAX_TEXT)}…[5 more characters]`);
    expect(c!.title).toBeNull();
    expect('title' in embedsOf([{ ...base }])[0]!).toBe(false);
  });
});

// ── which document outlines which frame ─────────────────────────────────────────────────────────
const page = pageOf([
  fr(0, -1, 'https://a.test/', { embeds: [el(0, 1, { probe: NONCE }), el(1, null, { probe: '1f8fad5b-d9cb-469f-a165-70867728950e' }), el(2, 3)] }),
  fr(1, 0, 'https://b.test/', { embeds: [el(0, 2)] }),
  fr(2, 1, 'https://b.test/inner'),
  fr(3, 0, 'https://b.test/blocked', { status: 'error', error: 'net::ERR_BLOCKED_BY_RESPONSE' }),
  fr(4, 0, 'https://b.test/unmapped'),
]);

describe('highlightTarget', () => {
  test.each<[string, number, ReturnType<typeof highlightTarget>]>([
    ['the top frame: its own viewport', 0, { frameId: 0, target: { kind: 'viewport' } }],
    ['a child: its element in the top document, with the probe nonce', 1, { frameId: 0, target: { kind: 'element', frameId: 1, probe: NONCE } }],
    ['a grandchild: its element in its parent (another process, another document)', 2, { frameId: 1, target: { kind: 'element', frameId: 2 } }],
    ['an error page (no observer in it): drawn by its parent all the same', 3, { frameId: 0, target: { kind: 'element', frameId: 3 } }],
    ['a frame no element of its parent maps to', 4, null],
    ['a frame not in the record', 9, null],
  ])('%s', (_, frameId, expected) => {
    expect(highlightTarget(page, frameId)).toEqual(expected);
  });
  test('no page', () => expect(highlightTarget(null, 0)).toBeNull());
});

describe('Highlighter', () => {
  const sent: [number, number | null, ContentCommand['target']][] = [];
  const tab = { ...newTabRecord(1), activePageId: 'P', pages: { P: page } };
  const make = (fail = false) => new Highlighter({ peek: (id) => (id === 1 ? tab : undefined) }, async (tabId, frameId, c) => {
    sent.push([tabId, frameId, c.target]);
    if (fail) throw new Error('Could not establish connection. Receiving end does not exist.');
  });
  beforeEach(() => (sent.length = 0));

  test('moving between frames of one document replaces the outline there; to another document, removes the old one', () => {
    const h = make();
    h.show(1, 1);
    h.show(1, 3); // same drawing document (the top): no removal needed
    h.show(1, 2); // drawn by frame 1: the top's outline goes
    h.show(1, 0); // the viewport, drawn by the top: frame 1's outline goes
    h.show(1, null);
    expect(sent).toEqual([
      [1, 0, { kind: 'element', frameId: 1, probe: NONCE }],
      [1, 0, { kind: 'element', frameId: 3 }],
      [1, 0, null], [1, 1, { kind: 'element', frameId: 2 }],
      [1, 1, null], [1, 0, { kind: 'viewport' }],
      [1, 0, null],
    ]);
  });

  test('a frame that cannot be outlined removes the current outline; the panel closing removes only what was drawn', () => {
    const h = make();
    h.show(1, 2);
    h.show(1, 4);
    h.clear(1);
    expect(sent).toEqual([[1, 1, { kind: 'element', frameId: 2 }], [1, 1, null]]);
    h.show(7, 0); // a tab without a record
    h.show(1, 1);
    h.clear(1);
    h.clear(1);
    expect(sent.slice(2)).toEqual([[1, 0, { kind: 'element', frameId: 1, probe: NONCE }], [1, 0, null]]);
  });

  test('a removal this worker cannot place (it restarted after drawing) goes to every frame of the tab', () => {
    const h = make(); // a new worker: it drew nothing
    h.show(1, null);
    expect(sent).toEqual([[1, null, null]]);
    h.show(1, 2);
    h.show(1, null);
    expect(sent.slice(1)).toEqual([[1, 1, { kind: 'element', frameId: 2 }], [1, 1, null]]);
  });

  test('a document that cannot be reached does not break the next request', async () => {
    const h = make(true);
    h.show(1, 1);
    h.show(1, 2);
    await Promise.resolve();
    expect(sent).toHaveLength(3);
  });
});

// ── popups and outline requests at the panel's port ─────────────────────────────────────────────
class FakeArea implements SessionArea {
  async get() { return {}; }
  async set() {}
  async remove() {}
}

class FakePort {
  readonly name = PANEL_PORT_NAME;
  constructor(readonly sender = { id: 'ext' } as Runtime.MessageSender) {}
  disconnected = false;
  readonly received: BackgroundMessage[] = [];
  private readonly onMsg: ((m: unknown) => void)[] = [];
  private readonly onGone: (() => void)[] = [];
  readonly onMessage = { addListener: (f: (m: unknown) => void) => this.onMsg.push(f) };
  readonly onDisconnect = { addListener: (f: () => void) => this.onGone.push(f) };
  postMessage(m: BackgroundMessage) {
    expect(isBackgroundMessage(m)).toBe(true); // everything sent passes the panel's guard
    this.received.push(structuredClone(m));
  }
  disconnect() { this.disconnected = true; }
  say(m: unknown) { for (const f of this.onMsg) f(m); }
  close() { for (const f of this.onGone) f(); }
}

const OPENER = 1;
const topCommit = (tabId: number, documentId: string, url: string, at: number): CommittedEvent => ({
  tabId, frameId: 0, parentFrameId: -1, url, timeStamp: at, documentId, frameType: 'outermost_frame', documentLifecycle: 'active',
});

describe('PanelPorts: popups and outlines', () => {
  let store: TabStore;
  let shown: [number, number | null][];
  let ports: PanelPorts;
  beforeEach(async () => {
    vi.useFakeTimers();
    store = new TabStore(new FakeArea());
    await store.ready;
    shown = [];
    ports = new PanelPorts(store, () => {}, { show: (t, f) => shown.push([t, f]), clear: (t) => shown.push([t, null]) });
    store.update(OPENER, (tab, d) => onCommitted(tab, topCommit(OPENER, 'O', 'https://a.test/opener', 10), d));
  });
  afterEach(() => vi.useRealTimers());

  /** A popup tab opened by the opener's top frame, committed at `url`. */
  const openPopup = (tabId: number, url: string, at: number) => {
    store.update(tabId, (tab, d) => onCreatedNavigationTarget(tab, { sourceTabId: OPENER, sourceFrameId: 0, tabId, url, timeStamp: at }, openerChain(store.peek(OPENER), 0), d));
    store.update(tabId, (tab, d) => onCommitted(tab, topCommit(tabId, `D${tabId}`, url, at + 1), d));
  };
  const connect = async (tabId = OPENER) => {
    const port = new FakePort();
    ports.accept(port as unknown as Runtime.Port);
    port.say({ type: 'hello', v: PROTOCOL_VERSION, tabId });
    await vi.advanceTimersByTimeAsync(0);
    return port;
  };
  const popupsIn = (m: BackgroundMessage | undefined) =>
    m && (m.type === 'snapshot' || m.type === 'update') ? m.popups?.map((p) => [p.tabId, p.page.url, Object.keys(p.page.frames)]) : undefined;

  test('who may connect: the DevTools panel (no tab) and the extension\'s own page in a tab; not a content script', async () => {
    const base = 'moz-extension://0f9c/';
    const gated = new PanelPorts(store, () => {}, null, base);
    const hello = { type: 'hello', v: PROTOCOL_VERSION, tabId: OPENER };
    const attempt = async (sender: Runtime.MessageSender) => {
      const port = new FakePort(sender);
      gated.accept(port as unknown as Runtime.Port);
      port.say(hello);
      await vi.advanceTimersByTimeAsync(0);
      return { disconnected: port.disconnected, answered: port.received.length > 0 };
    };
    const tab = { id: 3 } as Runtime.MessageSender['tab'];
    expect(await attempt({ id: 'ext', url: `${base}panel.html` })).toEqual({ disconnected: false, answered: true });
    expect(await attempt({ id: 'ext', url: `${base}panel.html?tabId=1`, tab })).toEqual({ disconnected: false, answered: true });
    expect(await attempt({ id: 'ext', url: 'https://a.test/page', tab, frameId: 0 })).toEqual({ disconnected: true, answered: false });
    expect(await attempt({ id: 'ext', url: 'https://a.test/moz-extension://0f9c/', tab })).toEqual({ disconnected: true, answered: false });
    expect(await attempt({ id: 'ext', tab })).toEqual({ disconnected: true, answered: false });
  });

  test('the hello snapshot lists the tab\'s popups, each reduced to its top frame, oldest first', async () => {
    openPopup(12, 'https://b.test/second', 30);
    openPopup(11, 'https://a.test/first', 20);
    store.update(11, (tab, d) => onCommitted(tab, { ...topCommit(11, 'D11', 'https://b.test/sub', 22), frameId: 5, parentFrameId: 0, frameType: 'sub_frame', parentDocumentId: 'D11', documentId: 'S' }, d));
    expect(Object.keys(activePageOfTab(11).frames)).toEqual(['0', '5']);
    const port = await connect();
    expect(port.received[0]!.type).toBe('snapshot');
    expect(popupsIn(port.received[0])).toEqual([[11, 'https://a.test/first', ['0']], [12, 'https://b.test/second', ['0']]]);
  });

  test('a popup opened, navigated or closed later reaches the open panel, once per change', async () => {
    const port = await connect();
    expect(popupsIn(port.received[0])).toEqual([]);
    openPopup(11, 'https://a.test/first', 20);
    await vi.advanceTimersByTimeAsync(100);
    expect(port.received).toHaveLength(2);
    expect(port.received[1]!.type).toBe('update');
    expect(popupsIn(port.received[1])).toEqual([[11, 'https://a.test/first', ['0']]]);
    // A change of the popup's subframe only: nothing for the opener's panel.
    store.update(11, (tab, d) => onCommitted(tab, { ...topCommit(11, 'D11', 'https://b.test/sub', 22), frameId: 5, parentFrameId: 0, frameType: 'sub_frame', parentDocumentId: 'D11', documentId: 'S' }, d));
    await vi.advanceTimersByTimeAsync(100);
    expect(port.received).toHaveLength(2);
    // The popup navigates: a new top document.
    store.update(11, (tab, d) => onCommitted(tab, topCommit(11, 'D11b', 'https://a.test/next', 40), d));
    await vi.advanceTimersByTimeAsync(100);
    expect(popupsIn(port.received.at(-1))).toEqual([[11, 'https://a.test/next', ['0']]]);
    const count = port.received.length;
    store.delete(11);
    await vi.advanceTimersByTimeAsync(100);
    expect(port.received).toHaveLength(count + 1);
    expect(popupsIn(port.received.at(-1))).toEqual([]);
    // Another tab closing changes nothing: no message.
    store.update(50, (tab, d) => onCommitted(tab, topCommit(50, 'X', 'https://c.test/', 50), d));
    store.delete(50);
    await vi.advanceTimersByTimeAsync(100);
    expect(port.received).toHaveLength(count + 1);
  });

  test('a frame update of the panel\'s own tab carries no popups when they did not change', async () => {
    openPopup(11, 'https://a.test/first', 20);
    const port = await connect();
    store.update(OPENER, (tab, d) => onCommitted(tab, { ...topCommit(OPENER, 'O', 'https://b.test/f', 60), frameId: 3, parentFrameId: 0, frameType: 'sub_frame', parentDocumentId: 'O', documentId: 'F' }, d));
    await vi.advanceTimersByTimeAsync(100);
    const last = port.received.at(-1)!;
    expect(last.type).toBe('update');
    expect(last.type === 'update' && last.popups).toBeUndefined();
  });

  test('outline requests: only for the tab the panel said hello for; the last panel closing removes the outline', async () => {
    ports.highlight(OPENER, 3); // no panel connected yet
    expect(shown).toEqual([]);
    const port = await connect();
    port.say({ type: 'highlight', v: PROTOCOL_VERSION, tabId: 99, frameId: 1 }); // another tab
    port.say({ type: 'highlight', v: PROTOCOL_VERSION, tabId: OPENER, frameId: 1 });
    ports.highlight(OPENER, 2);
    port.say({ type: 'highlight', v: PROTOCOL_VERSION, tabId: OPENER, frameId: 'x' }); // malformed
    expect(shown).toEqual([[OPENER, 1], [OPENER, 2]]);
    const second = await connect();
    second.close();
    expect(shown).toHaveLength(2); // one panel of the tab remains
    port.close();
    expect(shown).toEqual([[OPENER, 1], [OPENER, 2], [OPENER, null]]);
  });

  function activePageOfTab(tabId: number): PageRecord {
    const tab = store.peek(tabId)!;
    return tab.pages[tab.activePageId!]!;
  }
});

test('popupPage keeps the top frame, the opener and the page identity, not subframes, requests or dropped ids', () => {
  const full = pageOf([fr(0, -1, 'https://a.test/p', { embeds: [el(0, 1)] }), fr(1, 0, 'https://b.test/')], {
    openedBy: opener, dropped: { frames: 2, frameIds: [8, 9], subresources: 4 },
    subresources: { r: { requestId: 'r', frameId: 0, type: 'image', method: 'GET', url: 'https://b.test/i.png', responses: [], state: 'pending', startedAt: 1 } },
  });
  const p = popupPage(full);
  expect(p).toEqual({ ...full, frames: { 0: full.frames['0'] }, dropped: { frames: 2 }, subresources: undefined });
  expect('subresources' in p).toBe(false);
});
