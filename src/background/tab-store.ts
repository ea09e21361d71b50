// Tab records in memory, mirrored to storage.session so that a service-worker (or Firefox event-page)
// restart loses nothing. Writes are batched (one set() per flush, for every tab changed since the last
// one) and incremental: every frame and every subresource request is stored under its own key, and a
// flush writes only the keys whose content changed since this store last wrote (or loaded) them.
//
// Storage layout, for tab N:
//   tab:N                              the shell: the TabRecord with every page's `frames` empty and no
//                                      `subresources`, plus `parts`, listing per page the keys of both
//   part:N:["<pageId>","f","<key>"]    one frame (page.frames[key])
//   part:N:["<pageId>","r","<key>"]    one subresource request (page.subresources[key])
// A shell without `parts` is a whole record in the layout before this one, read as is.
// Every value is stored as its JSON text (a string), not as an object: Chromium counts a stored value's
// estimated memory against storage.session's 10 MB quota, about 3 bytes per byte of JSON for an object
// tree and about 1 for a string, and converts a string on the browser's main thread at the cost of a
// copy. The text is also what a flush compares. A value stored as an object (an earlier version) is
// still read.
//
// What changed is found by content, not by the recorder's Delta: the recorder mutates records in place
// (so object identity says nothing) and its Delta covers the active page only.
import { MAX_POPUPS, type PopupRecord } from '../shared/protocol.ts';
import { SNAPSHOT_VERSION, type PageRecord, type TabSnapshot } from '../shared/snapshot.ts';
import { activePage, newDelta, newTabRecord, type Delta, type TabRecord } from './recorder.ts';

export interface SessionArea {
  get(keys: null | string | string[]): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string | string[]): Promise<void>;
}

const SHELL_PREFIX = 'tab:';
const PART_PREFIX = 'part:';
/** The shortest wait between two flushes, and the wait after a cheap one. */
export const FLUSH_DELAY_MS = 50;
/** The longest wait between two flushes (after a flush of about 100 ms of work). */
export const MAX_FLUSH_DELAY_MS = 1000;
/** Closed tabs remembered, so that their late events do not bring a record back (ids are not reused). */
export const CLOSED_TABS_KEPT = 1000;

/** A shell's list, per page id, of the keys of the page's frames and of its requests (null: no `subresources`). */
export type StoredParts = Record<string, { frames: string[]; requests: string[] | null }>;

const shellKey = (tabId: number | string) => `${SHELL_PREFIX}${tabId}`;
const partPrefix = (tabId: number | string) => `${PART_PREFIX}${tabId}:`;
const partKey = (tabId: number | string, pageId: string, kind: 'f' | 'r', key: string) => partPrefix(tabId) + JSON.stringify([pageId, kind, key]);

/**
 * The wait before the next flush, after one that took `workMs` (building, serializing and writing,
 * the wait for storage included: Chromium converts the values on the browser's main thread, which is
 * also a cost to bound). Ten times the work, so that flushing a loading page takes at most about a
 * tenth of the time (each flush serializes every frame and request of a changed tab to compare them);
 * at least FLUSH_DELAY_MS, at most MAX_FLUSH_DELAY_MS (what a worker restart can lose). The panel does
 * not wait for flushes: it gets each change as it is recorded.
 */
export function flushDelayAfter(workMs: number): number {
  return Math.max(FLUSH_DELAY_MS, Math.min(MAX_FLUSH_DELAY_MS, 10 * workMs));
}

/** The storage items of one tab's record, shell first: what the store keeps under its keys (JSON text). */
export function storedItemsOfTab(tabId: number, tab: TabRecord): Map<string, string> {
  const parts: [string, string][] = [];
  const listed: [string, StoredParts[string]][] = [];
  const pages = Object.entries(tab.pages).map(([pageId, page]): [string, PageRecord] => {
    const { subresources, ...rest } = page;
    const frames = Object.entries(page.frames).filter(([, f]) => f !== undefined);
    const requests = subresources === undefined ? null : Object.entries(subresources).filter(([, r]) => r !== undefined);
    for (const [key, f] of frames) parts.push([partKey(tabId, pageId, 'f', key), JSON.stringify(f)]);
    for (const [key, r] of requests ?? []) parts.push([partKey(tabId, pageId, 'r', key), JSON.stringify(r)]);
    listed.push([pageId, { frames: frames.map(([k]) => k), requests: requests && requests.map(([k]) => k) }]);
    return [pageId, { ...rest, frames: {} }];
  });
  // Object.fromEntries defines own properties, whatever the key (a page id "__proto__" included).
  const shell = { ...tab, pages: Object.fromEntries(pages), parts: Object.fromEntries(listed) as StoredParts };
  return new Map([[shellKey(tabId), JSON.stringify(shell)], ...parts]);
}

/** The keys of one tab (its shell and parts) among storage's keys, or among the entries of get(null). */
export function storageKeysOfTab(all: Record<string, unknown> | string[], tabId: number): string[] {
  const keys = Array.isArray(all) ? all : Object.keys(all);
  return keys.filter((k) => k === shellKey(tabId) || k.startsWith(partPrefix(tabId)));
}

interface StoredTab {
  /** The id in the tab's keys. */
  keyId: string;
  record: TabRecord;
  /** The part keys the shell lists that are present. */
  listed: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A stored value: its JSON text parsed (undefined when it is not JSON), or an object as is (an earlier version's). */
function valueOf(stored: unknown): unknown {
  if (typeof stored !== 'string') return stored;
  try {
    return JSON.parse(stored) as unknown;
  } catch {
    return undefined;
  }
}
const stringsOf = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Reads one shell and its listed parts; null for a value that is not a record of this SNAPSHOT_VERSION. */
function assembleTab(keyId: string, stored: unknown, all: Record<string, unknown>): StoredTab | null {
  const rec = valueOf(stored) as (TabRecord & { parts?: unknown }) | undefined;
  // A record from an older extension version is not read as if it were current.
  if (!isObject(rec) || rec.version !== SNAPSHOT_VERSION || typeof rec.tabId !== 'number') return null;
  if (rec.parts === undefined) return { keyId, record: rec, listed: [] };
  const { parts: rawParts, ...tab } = rec;
  const parts = isObject(rawParts) ? rawParts : {};
  const listed: string[] = [];
  const collect = (pageId: string, kind: 'f' | 'r', keys: string[]): [string, unknown][] => {
    const out: [string, unknown][] = [];
    for (const key of keys) {
      const k = partKey(keyId, pageId, kind, key);
      // A listed part can be missing: a flush removes the parts that went before it writes the shell,
      // and that set() can fail (quota, closed context). Its entry is left out (so is one that is not
      // JSON: storage holds only what the store wrote, but read defensively).
      const value = Object.hasOwn(all, k) ? valueOf(all[k]) : undefined;
      if (!isObject(value)) continue;
      listed.push(k);
      out.push([key, value]);
    }
    return out;
  };
  const pages = Object.entries(isObject(tab.pages) ? tab.pages : {}).map(([pageId, page]): [string, PageRecord] => {
    const list = Object.hasOwn(parts, pageId) && isObject(parts[pageId]) ? parts[pageId] : {};
    const frames = Object.fromEntries(collect(pageId, 'f', stringsOf(list.frames))) as PageRecord['frames'];
    const assembled = { ...page, frames };
    if (Array.isArray(list.requests)) assembled.subresources = Object.fromEntries(collect(pageId, 'r', stringsOf(list.requests))) as NonNullable<PageRecord['subresources']>;
    else delete assembled.subresources;
    return [pageId, assembled];
  });
  return { keyId, record: { ...tab, pages: Object.fromEntries(pages) }, listed };
}

/** Every stored tab (`tab:` keys of this SNAPSHOT_VERSION, in either layout), and the part keys of ids with no shell. */
function readStoredTabs(all: Record<string, unknown>): { tabs: StoredTab[]; partsWithoutShell: Map<string, string[]> } {
  const tabs: StoredTab[] = [];
  const parts = new Map<string, string[]>();
  for (const [key, value] of Object.entries(all)) {
    if (key.startsWith(SHELL_PREFIX)) {
      const t = assembleTab(key.slice(SHELL_PREFIX.length), value, all);
      if (t) tabs.push(t);
    } else if (key.startsWith(PART_PREFIX)) {
      const id = key.slice(PART_PREFIX.length, key.indexOf(':', PART_PREFIX.length));
      if (!Object.hasOwn(all, shellKey(id))) parts.set(id, [...(parts.get(id) ?? []), key]);
    }
  }
  return { tabs, partsWithoutShell: parts };
}

/**
 * The tab records in the entries of storage.session.get(null) (or any subset holding whole tabs), by
 * tab id: each shell with its listed parts. For the background's load, the CLI and the tests.
 */
export function assembleStoredTabs(all: Record<string, unknown>): Map<number, TabRecord> {
  const out = new Map<number, TabRecord>();
  for (const { record } of readStoredTabs(all).tabs) if (!out.has(record.tabId)) out.set(record.tabId, record);
  return out;
}

type Listener = (tabId: number, delta: Delta, tab: TabRecord | null) => void;

export class TabStore {
  private readonly tabs = new Map<number, TabRecord>();
  /** Tabs whose stored keys may differ from their record in memory (changed, or closed). */
  private readonly dirty = new Set<number>();
  /**
   * Per tab, what storage holds under each of its keys as far as this store knows (it wrote or loaded
   * it): the value's JSON. The JSON itself rather than a hash of it: comparing it is exact (a hash
   * collision, however unlikely, would silently keep a stale frame), and it is the very string stored:
   * its memory is what storage.session holds (an entry changes only when a write succeeded), where a
   * hash would cost a pass over every string at every flush on top of JSON.stringify.
   */
  private readonly written = new Map<number, Map<string, string>>();
  /** Tabs that closed, oldest first (CLOSED_TABS_KEPT at most). */
  private readonly closed = new Set<number>();
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private flushing: Promise<void>;
  /** The wait before the next flush (flushDelayAfter the last one). */
  private delay = FLUSH_DELAY_MS;
  private readonly listeners = new Set<Listener>();
  readonly ready: Promise<void>;

  constructor(private readonly area: SessionArea) {
    this.ready = this.load();
    this.flushing = this.ready;
  }

  private async load() {
    let all: Record<string, unknown> = {};
    try {
      all = await this.area.get(null);
    } catch (err) {
      console.error('Frame Security: could not read storage.session', err);
    }
    const { tabs, partsWithoutShell } = readStoredTabs(all);
    for (const t of tabs) {
      if (!this.tabs.has(t.record.tabId)) this.tabs.set(t.record.tabId, t.record);
      const id = Number(t.keyId);
      if (!Number.isInteger(id)) continue;
      const known = new Map<string, string>();
      // What storage holds, as the next flush compares it: the stored text, so that the first flush
      // after a restart writes only what changed since. A value stored as an object (an earlier
      // version) is known as '', so that the next flush rewrites it. A shell that lists a missing part
      // is known as it is: the record in memory lacks that part, so its shell differs and the tab's
      // next flush rewrites it, unless the part is back by then (then only the part is written).
      const text = (k: string) => (typeof all[k] === 'string' ? all[k] : '');
      known.set(shellKey(t.keyId), text(shellKey(t.keyId)));
      for (const k of t.listed) known.set(k, text(k));
      // Parts the shell does not list (left over): the tab's next flush removes them.
      const listed = new Set(t.listed);
      const unlisted = storageKeysOfTab(all, id).filter((k) => k !== shellKey(id) && !listed.has(k));
      for (const k of unlisted) known.set(k, '');
      this.written.set(id, known);
      if (unlisted.length > 0) this.dirty.add(id);
    }
    // Parts of a tab with no shell at all are left over from a closed tab: removed by the first flush.
    for (const [keyId, keys] of partsWithoutShell) {
      const id = Number(keyId);
      if (!Number.isInteger(id)) continue;
      this.written.set(id, new Map(keys.map((k) => [k, ''])));
      this.dirty.add(id);
    }
    if (this.dirty.size > 0) this.schedule();
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  peek(tabId: number): TabRecord | undefined {
    return this.tabs.get(tabId);
  }

  tabIds(): number[] {
    return [...this.tabs.keys()];
  }

  /**
   * Runs a recorder step on a tab's record (created on first use, kept only if the step recorded
   * something) and persists what it changed. A closed tab's late events (its aborted requests and
   * navigations arrive after tabs.onRemoved) change nothing.
   */
  update(tabId: number, step: (tab: TabRecord, delta: Delta) => void): Delta {
    const delta = newDelta();
    if (this.closed.has(tabId)) return delta;
    let tab = this.tabs.get(tabId);
    const created = tab === undefined;
    if (!tab) {
      tab = newTabRecord(tabId);
      this.tabs.set(tabId, tab);
    }
    step(tab, delta);
    if (created && !delta.dirty && isEmpty(tab)) {
      // Nothing recorded for a tab we did not know (e.g. an event the recorder ignores): no empty record.
      this.tabs.delete(tabId);
      return delta;
    }
    if (delta.dirty) {
      this.dirty.add(tabId);
      this.schedule();
    }
    if (delta.dirty || delta.pageSwitched) for (const l of this.listeners) l(tabId, delta, tab);
    return delta;
  }

  /** The tab closed: its record goes, and nothing more is recorded for it. */
  delete(tabId: number) {
    this.closed.delete(tabId);
    this.closed.add(tabId);
    if (this.closed.size > CLOSED_TABS_KEPT) this.closed.delete(this.closed.values().next().value!);
    this.forget(tabId);
  }

  /** The tab is no longer recorded (DevTools closed on it): its record goes; it may be recorded again. */
  forget(tabId: number) {
    if (!this.tabs.delete(tabId)) return;
    // Its next flush removes every key stored for it (the record is gone from memory).
    this.dirty.add(tabId);
    this.schedule();
    const delta = newDelta();
    delta.pageSwitched = true;
    for (const l of this.listeners) l(tabId, delta, null);
  }

  /** Moves a record when the browser swaps one tab for another (tabs.onReplaced). */
  replace(addedTabId: number, removedTabId: number) {
    const tab = this.tabs.get(removedTabId);
    if (!tab) return;
    this.delete(removedTabId);
    this.closed.delete(addedTabId);
    tab.tabId = addedTabId;
    for (const p of Object.values(tab.pages)) p.tabId = addedTabId;
    this.tabs.set(addedTabId, tab);
    this.update(addedTabId, (_t, d) => {
      d.dirty = true;
      d.pageSwitched = true;
    });
  }

  snapshot(tabId: number): TabSnapshot {
    const tab = this.tabs.get(tabId);
    return { version: SNAPSHOT_VERSION, tabId, page: tab ? activePage(tab) : null };
  }

  /** The tabs whose active page was opened by a frame of `openerTabId`, oldest first (at most MAX_POPUPS). */
  popupsOf(openerTabId: number): PopupRecord[] {
    const out: PopupRecord[] = [];
    for (const tab of this.tabs.values()) {
      const page = activePage(tab);
      if (tab.tabId === openerTabId || page?.openedBy?.tabId !== openerTabId) continue;
      out.push({ tabId: tab.tabId, page: popupPage(page) });
    }
    return out.sort((a, b) => a.page.openedBy!.at - b.page.openedBy!.at || a.tabId - b.tabId).slice(0, MAX_POPUPS);
  }

  private schedule() {
    if (this.flushTimer !== null) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      void this.flush();
    }, this.delay);
  }

  /** Writes every changed tab now. Resolves when storage has it. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  /**
   * One remove() of the keys no longer in use (parts of frames and requests that went, every key of a
   * closed tab: first, so that the room they free is there for the writes), then one set() with the
   * shell and the changed parts of every dirty tab. When that set() fails and it carried several tabs,
   * each tab is written on its own: one tab over the quota does not keep the others from being saved.
   * A tab whose write (or removal) failed stays dirty and `written` keeps what storage holds, so the
   * next flush writes (or removes) the same keys again; its record stays in memory meanwhile.
   */
  private async write() {
    const started = performance.now();
    const ids = [...this.dirty];
    this.dirty.clear();
    const failed = new Set<number>();
    const errors: unknown[] = [];
    try {
      const items = new Map<number, Record<string, string>>();
      const now = new Map<number, Map<string, string>>();
      const removed = new Map<string, number>();
      for (const id of ids) {
        const tab = this.tabs.get(id);
        const before = this.written.get(id);
        const json = new Map<string, string>();
        const changed: Record<string, string> = {};
        if (tab) {
          for (const [key, j] of storedItemsOfTab(id, tab)) {
            json.set(key, j);
            if (before?.get(key) !== j) changed[key] = j;
          }
        }
        for (const key of before?.keys() ?? []) if (!json.has(key)) removed.set(key, id);
        now.set(id, json);
        if (Object.keys(changed).length > 0) items.set(id, changed);
      }
      if (removed.size > 0) {
        try {
          await this.area.remove([...removed.keys()]);
          for (const [key, id] of removed) this.written.get(id)?.delete(key);
        } catch (err) {
          errors.push(err);
          for (const id of removed.values()) failed.add(id);
        }
      }
      const saved = (id: number) => {
        const known = this.written.get(id) ?? new Map<string, string>();
        for (const [key, j] of now.get(id)!) known.set(key, j);
        this.written.set(id, known);
      };
      // The values are strings: what the recorder changes next cannot reach them.
      if (items.size > 0) {
        try {
          await this.area.set(Object.assign({}, ...items.values()) as Record<string, string>);
          for (const id of items.keys()) saved(id);
        } catch (err) {
          errors.push(err);
          if (items.size === 1) {
            for (const id of items.keys()) failed.add(id);
          } else {
            for (const [id, tabItems] of items) {
              try {
                await this.area.set(tabItems);
                saved(id);
              } catch {
                failed.add(id);
              }
            }
          }
        }
      }
      for (const id of ids) if (this.written.get(id)?.size === 0) this.written.delete(id);
      if (failed.size > 0) {
        // Quota or a closed context: keep the records in memory and try again with the next change.
        console.error(`Frame Security: could not write storage.session for tab(s) ${[...failed].join(', ')}`, errors[0]);
        for (const id of failed) this.dirty.add(id);
      }
    } catch (err) {
      console.error('Frame Security: could not write storage.session', err);
      for (const id of ids) this.dirty.add(id);
    } finally {
      this.delay = flushDelayAfter(performance.now() - started);
    }
  }
}

/** A record that holds nothing (no page, no held response, claim, observation or request). */
function isEmpty(tab: TabRecord): boolean {
  return tab.activePageId === null && Object.keys(tab.pages).length === 0 && Object.keys(tab.pending).length === 0 &&
    Object.keys(tab.claims).length === 0 && Object.keys(tab.early).length === 0 && Object.keys(tab.earlySubresources ?? {}).length === 0 &&
    tab.openedBy === undefined;
}

/** A popup's page as its opener's panel gets it: the top-level frame and the opener, not its subframes or requests. */
export function popupPage(page: PageRecord): PageRecord {
  const { subresources: _requests, frames, dropped, ...rest } = page;
  const top = Object.values(frames)
    .filter((f) => f.parentFrameId === -1 && f.frameType !== 'fenced_frame')
    .sort((a, b) => a.frameId - b.frameId)[0];
  return { ...rest, frames: top ? { [String(top.frameId)]: top } : {}, dropped: { frames: dropped.frames } };
}
