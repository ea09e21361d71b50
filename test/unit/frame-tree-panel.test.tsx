// @vitest-environment happy-dom
// The frame tree (left pane), rendered in happy-dom from literal recorded snapshots through the panel's
// store, as the panel does. Each test reads what a user reads: each row's label, badges and finding
// icon; the filter and the only-problems toggle; the popups list; keyboard navigation with its ARIA
// state; the outline requests hover and selection send; and page text staying text.
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { FrameTree } from '../../src/panel/components/FrameTree.tsx';
import { createStore, type Store } from '../../src/panel/store.ts';
import { PROTOCOL_VERSION, type PanelMessage, type PopupRecord } from '../../src/shared/protocol.ts';
import type { EmbedElement, FrameRecord, HeaderLine, PageRecord } from '../../src/shared/snapshot.ts';

// ── snapshots ───────────────────────────────────────────────────────────────────────────────────
const TAB = 7;
const el = (index: number, frameId: number | null, over: Partial<EmbedElement> = {}): EmbedElement => ({
  tag: 'iframe', index, frameId, mappedBy: frameId === null ? null : 'nonce', id: null, name: null, src: null,
  srcdoc: false, sandbox: null, allow: null, referrerPolicy: null, loading: null,
  credentialless: { attribute: false, property: null }, ...over,
});
const fr = (frameId: number, parentFrameId: number, url: string, over: Partial<FrameRecord> = {}): FrameRecord => ({
  frameId, parentFrameId, url, status: 'loaded', updatedAt: 1, committedAt: 1, ...over,
});
const served = (url: string, headers: HeaderLine[] = []) => ({
  response: { url, statusCode: 200, statusLine: 'HTTP/1.1 200 OK', headers, fromCache: false, timeStamp: 1 },
});
const pageOf = (frames: FrameRecord[], over: Partial<PageRecord> = {}): PageRecord => ({
  pageId: 'P', tabId: TAB, url: frames[0]!.url, startedAt: 1, lifecycle: 'active',
  frames: Object.fromEntries(frames.map((f) => [String(f.frameId), f])), dropped: { frames: 0 }, ...over,
});

const COOP: HeaderLine = ['Cross-Origin-Opener-Policy', 'same-origin'];
const COEP: HeaderLine = ['Cross-Origin-Embedder-Policy', 'require-corp'];

/** An https page with same-origin, same-site, cross-site and sandboxed children, like the fixture zoo. */
const zoo = pageOf([
  fr(0, -1, 'https://a.test/zoo', { ...served('https://a.test/zoo'), embeds: [
    el(0, 1, { id: 'same-origin', src: '/plain' }),
    el(1, 2, { title: 'Ads', src: 'https://sub.a.test/ad' }),
    el(2, 3, { name: 'cross', src: 'https://b.test/x' }),
    el(3, 4, { id: 'sandbox-scripts', sandbox: 'allow-scripts', src: '/s' }),
    el(4, 5, { id: 'sandbox-empty', sandbox: '', src: '/e' }),
    el(5, 6, { id: 'escapable', sandbox: 'allow-scripts allow-same-origin', src: '/esc' }),
    el(6, 7, { id: 'nested', src: 'https://b.test/nested' }),
  ] }),
  fr(1, 0, 'https://a.test/plain', served('https://a.test/plain')),
  fr(2, 0, 'https://sub.a.test/ad', served('https://sub.a.test/ad')),
  fr(3, 0, 'https://b.test/x', served('https://b.test/x')),
  fr(4, 0, 'https://a.test/s', served('https://a.test/s')),
  fr(5, 0, 'https://a.test/e', served('https://a.test/e')),
  fr(6, 0, 'https://a.test/esc', served('https://a.test/esc')),
  fr(7, 0, 'https://b.test/nested', { ...served('https://b.test/nested'), embeds: [el(0, 8, { id: 'level-2', src: 'https://sub.a.test/l2' })] }),
  fr(8, 7, 'https://sub.a.test/l2', served('https://sub.a.test/l2')),
]);

/** An http top: it and its https child are not secure contexts. */
const insecure = pageOf([
  fr(0, -1, 'http://a.test/top', { ...served('http://a.test/top'), embeds: [el(0, 1, { id: 'https-in-http', src: 'https://b.test/p' })] }),
  fr(1, 0, 'https://b.test/p', served('https://b.test/p')),
]);

/** COOP + COEP: the top and a same-origin child with COEP are isolated; a cross-site child without CORP is blocked. */
const isolated = pageOf([
  fr(0, -1, 'https://a.test/iso', { ...served('https://a.test/iso', [COOP, COEP]), embeds: [
    el(0, 1, { id: 'same-origin-coep', src: '/child' }),
    el(1, 2, { id: 'coep-blocked', src: 'https://b.test/plain' }),
  ] }),
  fr(1, 0, 'https://a.test/child', served('https://a.test/child', [COEP])),
  fr(2, 0, 'https://b.test/plain', { ...served('https://b.test/plain'), status: 'error', error: 'net::ERR_BLOCKED_BY_RESPONSE' }),
]);

// ── rendering ───────────────────────────────────────────────────────────────────────────────────
let container: HTMLDivElement;
let sent: PanelMessage[];
beforeEach(() => {
  container = document.createElement('div');
  document.body.append(container);
  sent = [];
});
afterEach(() => {
  act(() => render(null, container));
  container.remove();
});

/** The tree as the panel's App renders it, from the store's signals. */
function Harness({ store }: { store: Store }) {
  return (
    <FrameTree
      rows={store.rows.value}
      selectedFrameId={store.selectedFrameId.value}
      collapsed={store.collapsed.value}
      onSelect={(id) => (store.selectedFrameId.value = id)}
      onToggle={(id) => store.toggle(id)}
      view={store.treeView}
    />
  );
}

function show(page: PageRecord, popups?: PopupRecord[]): Store {
  const store = createStore('chromium', { send: (m) => sent.push(m) });
  store.applySnapshot({ snapshot: { version: 1, tabId: TAB, page }, ...(popups ? { popups } : {}) });
  act(() => render(<Harness store={store} />, container));
  return store;
}

const $ = (sel: string) => container.querySelector(sel);
const $$ = (sel: string) => [...container.querySelectorAll(sel)];
const rowEls = () => $$('[data-testid=frame-row]');
const nameOf = (li: Element) => li.querySelector('[data-testid=frame-label]')?.textContent ?? li.querySelector('[data-testid=frame-url]')?.textContent ?? '';
/** Each row as read: its label (or URL) → its badges' text, with the finding icon's severity first when there is one. */
const read = () => Object.fromEntries(rowEls().map((li) => {
  const icon = li.querySelector('[data-testid=frame-worst]');
  const badges = [...li.querySelectorAll('[data-testid=frame-badge]')].map((b) => b.textContent);
  return [nameOf(li), icon ? [`[${icon.getAttribute('data-severity')}]`, ...badges] : badges];
}));
const names = () => rowEls().map(nameOf);
const tree = () => $('[data-testid=frame-tree]') as HTMLElement;
const key = (k: string) => act(() => {
  tree().dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));
});
const selectedName = () => {
  const s = rowEls().filter((li) => li.getAttribute('aria-selected') === 'true');
  return s.length === 1 ? nameOf(s[0]!) : `${s.length} selected`;
};
const type = (store: Store, q: string) => act(() => {
  store.filter.value = q;
});

// ── badges ──────────────────────────────────────────────────────────────────────────────────────
describe('each row reads its verdicts as text', () => {
  test('secure frames, relations to the top, sandboxes with what they lift, opaque origins', () => {
    show(zoo);
    expect(read()).toEqual({
      'https://a.test/zoo': ['secure'],
      'iframe#same-origin': ['secure', 'same-origin'],
      'iframe[title=Ads]': ['secure', 'same-site'],
      'iframe[name=cross]': ['secure', 'cross-site'],
      // allow-scripts lifts the scripts and automatic features flags; the origin becomes opaque.
      'iframe#sandbox-scripts': ['secure', 'sandboxed · 2 lifted', 'opaque origin', 'cross-site'],
      'iframe#sandbox-empty': ['secure', 'sandboxed · 0 lifted', 'opaque origin', 'cross-site'],
      // allow-scripts allow-same-origin: the frame can remove its own sandbox, an error.
      'iframe#escapable': ['[error]', 'secure', 'sandboxed · 3 lifted', 'same-origin'],
      'iframe#nested': ['secure', 'cross-site'],
      'iframe#level-2': ['secure', 'same-site'],
    });
  });

  test('badge tooltips say why, and the icon has an accessible name', () => {
    show(zoo);
    const row = rowEls().find((li) => nameOf(li) === 'iframe#sandbox-scripts')!;
    const sandboxed = row.querySelector('[data-badge=sandboxed]')!;
    expect(sandboxed.getAttribute('title')).toBe('Sandboxed: 15 of 17 sandbox restrictions apply; lifted: scripts, automatic-features.');
    expect(row.querySelector('[data-badge=opaque]')!.getAttribute('title')).toBe('self.origin is "null": its sandbox lacks allow-same-origin.');
    const icon = rowEls().find((li) => nameOf(li) === 'iframe#escapable')!.querySelector('[data-testid=frame-worst]')!;
    expect(icon.getAttribute('role')).toBe('img');
    expect(icon.textContent).toBe('✖');
    expect(icon.getAttribute('aria-label')).toMatch(/^Error: /);
    expect(icon.getAttribute('title')).toMatch(/^Error: /);
  });

  test('an http top and its https child are not secure; the top says why, the child names the ancestor', () => {
    show(insecure);
    expect(read()).toEqual({
      'http://a.test/top': ['[warning]', 'not secure'],
      'iframe#https-in-http': ['[warning]', 'not secure', 'cross-site'],
    });
    const child = rowEls()[1]!.querySelector('[data-badge=insecure]')!;
    expect(child.getAttribute('title')).toContain('an ancestor\'s origin is not potentially trustworthy (http://a.test/top)');
    expect(rowEls()[0]!.querySelector('[data-testid=frame-worst]')!.textContent).toBe('▲');
  });

  test('cross-origin isolated frames, and a frame blocked by COEP with its error', () => {
    show(isolated);
    expect(read()).toEqual({
      'https://a.test/iso': ['secure', 'cross-origin isolated'],
      'iframe#same-origin-coep': ['secure', 'cross-origin isolated', 'same-origin'],
      'iframe#coep-blocked': ['[error]', 'blocked', 'secure', 'cross-site'],
    });
    const blocked = rowEls()[2]!;
    expect(blocked.querySelector('[data-testid=frame-error]')!.textContent).toBe('net::ERR_BLOCKED_BY_RESPONSE');
    expect(blocked.querySelector('[data-badge=blocked]')!.getAttribute('title')).toContain('net::ERR_BLOCKED_BY_RESPONSE');
  });
});

// ── filter and only problems ────────────────────────────────────────────────────────────────────
describe('the filter and the only-problems toggle keep a tree', () => {
  test('the filter matches labels (title), origins and finding text; ancestors stay as context', () => {
    const store = show(zoo);
    type(store, 'ads');
    expect(names()).toEqual(['https://a.test/zoo', 'iframe[title=Ads]']);
    expect(rowEls()[0]!.classList.contains('context')).toBe(true);
    expect(rowEls()[1]!.classList.contains('context')).toBe(false);

    type(store, 'https://sub.a.test');
    expect(names()).toEqual(['https://a.test/zoo', 'iframe[title=Ads]', 'iframe#nested', 'iframe#level-2']);
    expect(rowEls().map((li) => li.classList.contains('context'))).toEqual([true, false, true, false]);

    // A finding's title ("…can remove its own sandbox…" or its id) finds the frame it concerns.
    type(store, 'escapable-sandbox');
    expect(names()).toEqual(['https://a.test/zoo', 'iframe#escapable']);
    // Badge text too.
    type(store, '2 lifted');
    expect(names()).toEqual(['https://a.test/zoo', 'iframe#sandbox-scripts']);
    type(store, 'no such frame');
    expect(names()).toEqual([]);
    expect($('[data-testid=tree-empty]')!.textContent).toBe('No frame matches the filter.');
    type(store, '');
    expect(names()).toHaveLength(9);
  });

  test('a filter unfolds the way to its matches; folding under a filter is forgotten with it', () => {
    const store = show(zoo);
    act(() => store.toggle(7)); // fold iframe#nested
    expect(names()).not.toContain('iframe#level-2');
    type(store, 'sub.a.test/l2');
    expect(names()).toEqual(['https://a.test/zoo', 'iframe#nested', 'iframe#level-2']);
    act(() => store.toggle(7));
    expect(names()).toEqual(['https://a.test/zoo', 'iframe#nested']);
    type(store, 'sub.a.test/l');
    expect(names()).toEqual(['https://a.test/zoo', 'iframe#nested', 'iframe#level-2']);
    type(store, '');
    expect(names()).not.toContain('iframe#level-2'); // the fold made without a filter is kept
    expect(rowEls().at(-1)!.getAttribute('aria-expanded')).toBe('false');
  });

  test('only problems: frames with an error or a warning, and their ancestors', () => {
    const store = show(zoo);
    const box = $('[data-testid=only-problems]') as HTMLInputElement;
    expect($('[data-testid=problem-count]')!.textContent).toBe('(1)');
    act(() => box.click());
    expect(store.onlyProblems.value).toBe(true);
    expect(names()).toEqual(['https://a.test/zoo', 'iframe#escapable']);
    expect(rowEls()[0]!.classList.contains('context')).toBe(true);
    // Combined with the filter: both must hold.
    type(store, 'sandbox-scripts');
    expect(names()).toEqual([]);
    type(store, '');
    act(() => box.click());
    expect(names()).toHaveLength(9);
  });

  test('only problems on the isolated page leaves the blocked frame under its top', () => {
    const store = show(isolated);
    act(() => {
      store.onlyProblems.value = true;
    });
    expect(names()).toEqual(['https://a.test/iso', 'iframe#coep-blocked']);
    const [top, blocked] = rowEls();
    expect(top!.getAttribute('aria-expanded')).toBe('true');
    expect(blocked!.getAttribute('aria-setsize')).toBe('1');
    expect(blocked!.getAttribute('aria-posinset')).toBe('1');
  });
});

// ── keyboard and ARIA ───────────────────────────────────────────────────────────────────────────
describe('keyboard navigation and ARIA tree state', () => {
  test('levels, positions and set sizes; expanded only where there are children', () => {
    show(zoo);
    const aria = rowEls().map((li) => [nameOf(li), li.getAttribute('aria-level'), li.getAttribute('aria-posinset'), li.getAttribute('aria-setsize'), li.getAttribute('aria-expanded')]);
    expect(aria).toEqual([
      ['https://a.test/zoo', '1', '1', '1', 'true'],
      ['iframe#same-origin', '2', '1', '7', null],
      ['iframe[title=Ads]', '2', '2', '7', null],
      ['iframe[name=cross]', '2', '3', '7', null],
      ['iframe#sandbox-scripts', '2', '4', '7', null],
      ['iframe#sandbox-empty', '2', '5', '7', null],
      ['iframe#escapable', '2', '6', '7', null],
      ['iframe#nested', '2', '7', '7', 'true'],
      ['iframe#level-2', '3', '1', '1', null],
    ]);
    expect(tree().getAttribute('role')).toBe('tree');
    expect(rowEls().every((li) => li.getAttribute('role') === 'treeitem')).toBe(true);
  });

  test('arrows, Home/End, Left collapses then goes up, Right expands then goes down', () => {
    show(zoo);
    key('ArrowDown');
    expect(selectedName()).toBe('https://a.test/zoo');
    expect(tree().getAttribute('aria-activedescendant')).toBe('frame-row-0');
    key('ArrowDown');
    expect(selectedName()).toBe('iframe#same-origin');
    key('End');
    expect(selectedName()).toBe('iframe#level-2');
    key('ArrowLeft'); // a leaf: to its parent
    expect(selectedName()).toBe('iframe#nested');
    key('ArrowLeft'); // expanded: collapse
    expect(selectedName()).toBe('iframe#nested');
    expect(names()).not.toContain('iframe#level-2');
    expect(rowEls().at(-1)!.getAttribute('aria-expanded')).toBe('false');
    key('ArrowRight'); // collapsed: expand
    expect(names()).toContain('iframe#level-2');
    key('ArrowRight'); // expanded: first child
    expect(selectedName()).toBe('iframe#level-2');
    key('Home');
    expect(selectedName()).toBe('https://a.test/zoo');
    key('ArrowUp');
    expect(selectedName()).toBe('https://a.test/zoo');
  });

  test('the selection survives a live update that adds a frame before it', () => {
    const store = show(zoo);
    act(() => {
      store.selectedFrameId.value = 6;
    });
    expect(selectedName()).toBe('iframe#escapable');
    const top = { ...zoo.frames['0']!, embeds: [el(0, 9, { id: 'late', src: '/late' }), ...zoo.frames['0']!.embeds!.map((e) => ({ ...e, index: e.index + 1 }))] };
    act(() => store.applyUpdate({
      tabId: TAB, pageId: 'P', upserts: [top, fr(9, 0, 'https://a.test/late', served('https://a.test/late'))], removed: [], resources: [], resourcesRemoved: [], dropped: { frames: 0 },
    }));
    expect(names()[1]).toBe('iframe#late');
    expect(selectedName()).toBe('iframe#escapable');
    expect(rowEls().find((li) => nameOf(li) === 'iframe#escapable')!.getAttribute('aria-posinset')).toBe('7');
  });
});

describe('a live update re-renders what changed only', () => {
  test('the rows of unchanged frames stay the same objects (memoized), the changed frame\'s row and its DOM change', () => {
    const store = show(zoo);
    const before = store.rows.value;
    const evaluated = store.evaluation.value!;
    const changed = zoo.frames['4']!;
    act(() => store.applyUpdate({
      tabId: TAB, pageId: 'P', upserts: [{ ...changed, status: 'error', error: 'net::ERR_BLOCKED_BY_RESPONSE' }], removed: [], resources: [], resourcesRemoved: [], dropped: { frames: 0 },
    }));
    const after = store.rows.value;
    expect(after.map((r) => r.frameId)).toEqual(before.map((r) => r.frameId));
    for (const [i, r] of after.entries()) {
      // Frame 4 and its subtree are judged again; every other frame keeps its evaluation and its row.
      const inSubtree = r.frameId === 4 || zoo.frames[String(r.frameId)]!.parentFrameId === 4;
      if (inSubtree) expect(store.evaluation.value!.byFrameId.get(r.frameId)).not.toBe(evaluated.byFrameId.get(r.frameId));
      else {
        expect(store.evaluation.value!.byFrameId.get(r.frameId)).toBe(evaluated.byFrameId.get(r.frameId));
        expect(r, `row of frame ${r.frameId}`).toBe(before[i]);
      }
    }
    expect(after.find((r) => r.frameId === 4)).not.toBe(before.find((r) => r.frameId === 4));
    const row = rowEls().find((li) => li.getAttribute('data-frame-id') === '4')!;
    expect(row.querySelector('[data-testid=frame-error]')?.textContent).toBe('net::ERR_BLOCKED_BY_RESPONSE');
    expect(row.querySelector('[data-badge=blocked]')).not.toBeNull();
  });
});

// ── outlining frames in the page ────────────────────────────────────────────────────────────────
describe('hover and selection ask the background to outline the frame', () => {
  const highlight = (frameId: number | null): PanelMessage => ({ type: 'highlight', v: PROTOCOL_VERSION, tabId: TAB, frameId });

  test('hovering a row outlines it; leaving the tree removes the outline', () => {
    show(zoo);
    const row = rowEls().find((li) => nameOf(li) === 'iframe#sandbox-scripts')!;
    act(() => {
      row.dispatchEvent(new MouseEvent('mouseenter'));
    });
    expect(sent).toEqual([highlight(4)]);
    act(() => {
      rowEls()[0]!.dispatchEvent(new MouseEvent('mouseenter'));
    });
    expect(sent.at(-1)).toEqual(highlight(0));
    act(() => {
      tree().dispatchEvent(new MouseEvent('mouseleave'));
    });
    expect(sent).toEqual([highlight(4), highlight(0), highlight(null)]);
  });

  test('while the tree has the focus the selected row is outlined, and follows the selection', () => {
    show(zoo);
    act(() => {
      // What a browser fires on focus: focus, then focusin (which bubbles; preact/compat listens to it).
      tree().dispatchEvent(new FocusEvent('focus'));
      tree().dispatchEvent(new FocusEvent('focusin', { bubbles: true }));
    });
    expect(sent).toEqual([]); // nothing selected yet
    key('ArrowDown');
    key('ArrowDown');
    expect(sent).toEqual([highlight(0), highlight(1)]);
    act(() => {
      tree().dispatchEvent(new FocusEvent('blur'));
      tree().dispatchEvent(new FocusEvent('focusout', { bubbles: true }));
    });
    expect(sent.at(-1)).toEqual(highlight(null));
  });
});

// ── popups ──────────────────────────────────────────────────────────────────────────────────────
describe('popups opened by the tab', () => {
  const opener = (headers: HeaderLine[] = []) => ({
    tabId: TAB, frameId: 0, url: 'https://a.test/zoo', at: 5, chain: [fr(0, -1, 'https://a.test/zoo', served('https://a.test/zoo', headers))],
  });
  const popup = (tabId: number, url: string, headers: HeaderLine[], hasOpener?: boolean): PopupRecord => ({
    tabId,
    page: pageOf([fr(0, -1, url, {
      ...served(url, headers),
      ...(hasOpener === undefined ? {} : { observed: { url, origin: new URL(url).origin, isSecureContext: true, crossOriginIsolated: false, documentDomain: null, originAgentCluster: null, hasOpener, observedAt: 2 } }),
    })], { pageId: `popup-${tabId}`, tabId, openedBy: opener() }),
  });
  const readPopups = () => $$('[data-testid=popup]').map((li) => [
    li.querySelector('[data-testid=popup-url]')!.textContent,
    li.querySelector('[data-testid=popup-opener]')!.textContent,
    li.querySelector('[data-testid=popup-observed]')?.textContent ?? null,
  ]);

  test('each popup\'s URL and whether it kept its opener, from the core (COOP), with what the popup saw', () => {
    show(zoo, [
      popup(11, 'https://a.test/popup-none', [], true),
      popup(12, 'https://a.test/popup-coop', [COOP], false),
      // Predicted kept, but the popup reports no opener: opened with noopener (e.g. a target=_blank link).
      popup(13, 'https://b.test/link', [], false),
    ]);
    expect(readPopups()).toEqual([
      ['https://a.test/popup-none', 'opener kept', null],
      ['https://a.test/popup-coop', 'opener cut', null],
      ['https://b.test/link', 'opener kept', 'the popup reports otherwise (opened with noopener?)'],
    ]);
    expect($('[data-testid=popups] h2')!.textContent).toBe('Popups opened by this tab (3)');
    expect($$('[data-testid=popup-opener]')[1]!.getAttribute('title')).toBe(
      'COOP unsafe-none → same-origin: the COOP values or origins do not match, so the popup gets a new browsing context group. window.opener is null in the popup.');
  });

  test('the list follows updates: a popup added, one closed; an update for the popups only keeps the page', () => {
    const store = show(zoo);
    expect($('[data-testid=popups] h2')!.textContent).toBe('Popups opened by this tab (0)');
    const before = store.snapshot.value;
    const update = (popups: PopupRecord[]) => act(() => store.applyUpdate({
      tabId: TAB, pageId: 'P', upserts: [], removed: [], resources: [], resourcesRemoved: [], dropped: { frames: 0 }, popups,
    }));
    update([popup(11, 'https://a.test/popup-none', [])]);
    expect(readPopups()).toEqual([['https://a.test/popup-none', 'opener kept', null]]);
    expect(store.snapshot.value).toBe(before);
    update([]);
    expect(readPopups()).toEqual([]);
    expect($('[data-testid=popups]')!.textContent).toContain('No popup or new tab was opened by this tab.');
  });
});

// ── page text stays text ────────────────────────────────────────────────────────────────────────
test('page-controlled labels and URLs are shown as text, never as markup', () => {
  const evil = '<img src=x onerror="window.pwned=1">';
  show(pageOf([
    fr(0, -1, 'https://a.test/', { ...served('https://a.test/'), embeds: [el(0, 1, { title: evil, src: '/x' })] }),
    fr(1, 0, `https://a.test/${evil}`, served('https://a.test/x')),
  ]));
  expect(container.querySelector('img')).toBeNull();
  expect(names()[1]).toBe(`iframe[title=${evil}]`);
  expect(rowEls()[1]!.querySelector('[data-testid=frame-url]')!.textContent).toBe(`https://a.test/${evil}`);
});
