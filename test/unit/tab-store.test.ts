// TabStore over a fake storage.session: batched writes, reload after a worker restart, versioned
// records, deletion, and retry after a failed write. Fake timers only; nothing sleeps.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import {
  onBeforeNavigate,
  onCommitted,
  onSubresourceError,
  type CommittedEvent,
  type Delta,
  type TabRecord,
} from '../../src/background/recorder.ts';
import { FLUSH_DELAY_MS, TabStore, type SessionArea } from '../../src/background/tab-store.ts';
import { SNAPSHOT_VERSION } from '../../src/shared/snapshot.ts';

/** An in-memory storage area that, like storage.session, stores copies (structured clone), not references. */
class FakeArea implements SessionArea {
  readonly data = new Map<string, unknown>();
  readonly sets: Record<string, unknown>[] = [];
  readonly removes: string[][] = [];
  /** How many of the next set() calls reject (quota, closed context). */
  failSets = 0;

  constructor(initial: Record<string, unknown> = {}) {
    for (const [k, v] of Object.entries(initial)) this.data.set(k, structuredClone(v));
  }

  async get(keys: null | string | string[]): Promise<Record<string, unknown>> {
    const wanted = keys === null ? [...this.data.keys()] : typeof keys === 'string' ? [keys] : keys;
    const out: Record<string, unknown> = {};
    for (const k of wanted) if (this.data.has(k)) out[k] = structuredClone(this.data.get(k));
    return out;
  }

  async set(items: Record<string, unknown>): Promise<void> {
    this.sets.push(items);
    if (this.failSets > 0) {
      this.failSets -= 1;
      throw new Error('QUOTA_BYTES quota exceeded');
    }
    for (const [k, v] of Object.entries(items)) this.data.set(k, structuredClone(v));
  }

  async remove(keys: string | string[]): Promise<void> {
    const list = typeof keys === 'string' ? [keys] : keys;
    this.removes.push(list);
    for (const k of list) this.data.delete(k);
  }
}

const commitTop = (tabId: number, documentId: string, url: string, at: number): CommittedEvent => ({
  tabId, frameId: 0, parentFrameId: -1, url, timeStamp: at, documentId, documentLifecycle: 'active', frameType: 'outermost_frame',
});
/** A recorder step that commits a page with `n` subframes: 2n+1 events' worth of changes. */
function recordPage(store: TabStore, tabId: number, documentId: string, n: number) {
  store.update(tabId, (tab, d) => onCommitted(tab, commitTop(tabId, documentId, `https://a.test/${documentId}`, 100), d));
  for (let i = 1; i <= n; i++) {
    const e = { tabId, frameId: i, parentFrameId: 0, parentDocumentId: documentId, url: `https://b.test/${i}`, timeStamp: 100 + i, frameType: 'sub_frame' as const, documentLifecycle: 'active' as const };
    store.update(tabId, (tab, d) => onBeforeNavigate(tab, e, d));
    store.update(tabId, (tab, d) => onCommitted(tab, { ...e, documentId: `${documentId}-${i}` }, d));
  }
}
const dirtyStep = (_tab: TabRecord, d: Delta) => {
  d.dirty = true;
};

/** Lets the batched write's timer fire and its promise chain settle. */
async function afterFlushDelay() {
  await vi.advanceTimersByTimeAsync(FLUSH_DELAY_MS);
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('TabStore', () => {
  test('many updates in one burst cost one write, after FLUSH_DELAY_MS, covering every changed tab', async () => {
    const area = new FakeArea();
    const store = new TabStore(area);
    await store.ready;
    recordPage(store, 1, 'A', 10);
    recordPage(store, 2, 'B', 3);
    await vi.advanceTimersByTimeAsync(FLUSH_DELAY_MS - 1);
    expect(area.sets).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(area.sets).toHaveLength(1);
    expect(Object.keys(area.sets[0]!).sort()).toEqual(['tab:1', 'tab:2']);
    expect(area.data.get('tab:1')).toEqual(store.peek(1));
    await vi.runAllTimersAsync();
    expect(area.sets).toHaveLength(1);
  });

  test('an update that changes nothing writes nothing', async () => {
    const area = new FakeArea();
    const store = new TabStore(area);
    await store.ready;
    store.update(1, () => {});
    await vi.runAllTimersAsync();
    expect(area.sets).toHaveLength(0);
  });

  test('a new TabStore over the same area loads the records back (a worker restart loses nothing)', async () => {
    const area = new FakeArea();
    const before = new TabStore(area);
    await before.ready;
    recordPage(before, 1, 'A', 3);
    recordPage(before, 2, 'B', 1);
    await afterFlushDelay();

    const after = new TabStore(area);
    await after.ready;
    expect(after.tabIds().sort()).toEqual([1, 2]);
    expect(after.peek(1)).toEqual(before.peek(1));
    expect(after.snapshot(1)).toEqual(before.snapshot(1));
    expect(after.snapshot(2)).toEqual(before.snapshot(2));
    // Recording carries on from the loaded record.
    after.update(1, (tab, d) => onCommitted(tab, { ...commitTop(1, 'A2', 'https://a.test/A2', 300) }, d));
    expect(after.peek(1)!.activePageId).toBe('A2');
    expect(after.peek(1)!.pages['A']?.lifecycle).toBe('inactive');
  });

  test.each([
    ['a newer', SNAPSHOT_VERSION + 1],
    ['an older', SNAPSHOT_VERSION - 1],
  ])('a stored record of %s SNAPSHOT_VERSION is ignored', async (_, version) => {
    const current = new TabStore(new FakeArea());
    await current.ready;
    recordPage(current, 3, 'C', 1);
    const area = new FakeArea({
      'tab:3': current.peek(3),
      'tab:4': { ...structuredClone(current.peek(3)!), tabId: 4, version },
      'settings': { theme: 'dark' },
    });
    const store = new TabStore(area);
    await store.ready;
    expect(store.tabIds()).toEqual([3]);
    expect(store.peek(4)).toBeUndefined();
    expect(store.snapshot(4).page).toBeNull();
  });

  test('delete removes the key from the area', async () => {
    const area = new FakeArea();
    const store = new TabStore(area);
    await store.ready;
    recordPage(store, 1, 'A', 1);
    recordPage(store, 2, 'B', 1);
    await afterFlushDelay();
    expect(area.data.has('tab:1')).toBe(true);

    store.delete(1);
    expect(store.peek(1)).toBeUndefined();
    await afterFlushDelay();
    expect(area.removes).toEqual([['tab:1']]);
    expect([...area.data.keys()]).toEqual(['tab:2']);
    const restarted = new TabStore(area);
    await restarted.ready;
    expect(restarted.tabIds()).toEqual([2]);
  });

  test("a closed tab's late events (an aborted request after tabs.onRemoved) bring no record back", async () => {
    const area = new FakeArea();
    const store = new TabStore(area);
    await store.ready;
    recordPage(store, 1, 'A', 1);
    await afterFlushDelay();
    store.delete(1);
    // Found in Chromium (test/e2e/faults.e2e.ts): a request of the closed tab fails with
    // net::ERR_ABORTED after the tab is gone; its event created a new record holding that request.
    const d = store.update(1, (tab, d) => onSubresourceError(tab, {
      tabId: 1, frameId: 0, requestId: '11', url: 'https://a.test/img.svg', type: 'image', timeStamp: 300,
      documentId: 'A2', documentLifecycle: 'active', frameType: 'outermost_frame', error: 'net::ERR_ABORTED',
    }, d));
    expect(d.dirty).toBe(false);
    expect(store.peek(1)).toBeUndefined();
    await afterFlushDelay();
    expect([...area.data.keys()]).toEqual([]);
  });

  test('a tab closed before anything was recorded for it stays without a record too', async () => {
    const area = new FakeArea();
    const store = new TabStore(area);
    await store.ready;
    store.delete(7);
    recordPage(store, 7, 'A', 0);
    expect(store.peek(7)).toBeUndefined();
    await afterFlushDelay();
    expect(area.sets).toEqual([]);
  });

  test('an event that records nothing for an unknown tab leaves no empty record in memory', async () => {
    const store = new TabStore(new FakeArea());
    await store.ready;
    store.update(3, () => {});
    expect(store.peek(3)).toBeUndefined();
    expect(store.tabIds()).toEqual([]);
  });

  test('the tab that replaces another (tabs.onReplaced) is recorded; the replaced one stays closed', async () => {
    const store = new TabStore(new FakeArea());
    await store.ready;
    recordPage(store, 1, 'A', 0);
    store.replace(2, 1);
    expect(store.peek(2)?.activePageId).toBe('A');
    store.update(1, dirtyStep);
    expect(store.peek(1)).toBeUndefined();
  });

  test('a failing set() keeps the tab dirty, and the next flush writes it', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const area = new FakeArea();
    area.failSets = 1;
    const store = new TabStore(area);
    await store.ready;
    recordPage(store, 1, 'A', 2);
    await afterFlushDelay();
    expect(area.sets).toHaveLength(1);
    expect(area.data.has('tab:1')).toBe(false);
    expect(console.error).toHaveBeenCalledTimes(1);

    await store.flush();
    expect(area.sets).toHaveLength(2);
    expect(area.data.get('tab:1')).toEqual(store.peek(1));
  });

  test('after a failing set(), the next change\'s batched write carries the unwritten tab too', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const area = new FakeArea();
    area.failSets = 1;
    const store = new TabStore(area);
    await store.ready;
    recordPage(store, 1, 'A', 2);
    await afterFlushDelay();
    store.update(2, dirtyStep);
    await afterFlushDelay();
    expect(area.sets).toHaveLength(2);
    expect(Object.keys(area.sets[1]!).sort()).toEqual(['tab:1', 'tab:2']);
    expect(area.data.get('tab:1')).toEqual(store.peek(1));
  });

  test('a failing write does not lose a pending deletion (a closed tab must not come back after a restart)', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const area = new FakeArea();
    const store = new TabStore(area);
    await store.ready;
    recordPage(store, 1, 'A', 1);
    recordPage(store, 2, 'B', 1);
    await afterFlushDelay();

    // One burst: tab 1 closes, tab 2 changes; the write fails.
    area.failSets = 1;
    store.delete(1);
    store.update(2, dirtyStep);
    await afterFlushDelay();
    await store.flush();

    expect(area.data.has('tab:1')).toBe(false);
    const restarted = new TabStore(area);
    await restarted.ready;
    expect(restarted.peek(1)).toBeUndefined();
  });

  test('listeners hear about changes and deletions', async () => {
    const store = new TabStore(new FakeArea());
    await store.ready;
    const heard: [number, boolean, boolean][] = [];
    store.onChange((tabId, delta, tab) => heard.push([tabId, delta.pageSwitched, tab !== null]));
    store.update(1, (tab, d) => onCommitted(tab, commitTop(1, 'A', 'https://a.test/', 100), d));
    store.update(1, () => {});
    store.delete(1);
    expect(heard).toEqual([[1, true, true], [1, true, false]]);
  });
});
