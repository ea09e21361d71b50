// Tab records in memory, mirrored to storage.session so that a service-worker (or Firefox event-page)
// restart loses nothing. Writes are batched: many events in a burst cost one write per changed tab.
import { MAX_POPUPS, type PopupRecord } from '../shared/protocol.ts';
import { SNAPSHOT_VERSION, type PageRecord, type TabSnapshot } from '../shared/snapshot.ts';
import { activePage, newDelta, newTabRecord, type Delta, type TabRecord } from './recorder.ts';

export interface SessionArea {
  get(keys: null | string | string[]): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string | string[]): Promise<void>;
}

const KEY_PREFIX = 'tab:';
export const FLUSH_DELAY_MS = 50;
/** Closed tabs remembered, so that their late events do not bring a record back (ids are not reused). */
export const CLOSED_TABS_KEPT = 1000;

type Listener = (tabId: number, delta: Delta, tab: TabRecord | null) => void;

export class TabStore {
  private readonly tabs = new Map<number, TabRecord>();
  private readonly dirty = new Set<number>();
  private readonly deleted = new Set<number>();
  /** Tabs that closed, oldest first (CLOSED_TABS_KEPT at most). */
  private readonly closed = new Set<number>();
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<Listener>();
  readonly ready: Promise<void>;

  constructor(private readonly area: SessionArea) {
    this.ready = this.load();
  }

  private async load() {
    let all: Record<string, unknown> = {};
    try {
      all = await this.area.get(null);
    } catch (err) {
      console.error('Frame Security: could not read storage.session', err);
    }
    for (const [key, value] of Object.entries(all)) {
      if (!key.startsWith(KEY_PREFIX)) continue;
      const rec = value as TabRecord | undefined;
      // A record from an older extension version is not read as if it were current.
      if (!rec || typeof rec !== 'object' || rec.version !== SNAPSHOT_VERSION || typeof rec.tabId !== 'number') continue;
      if (!this.tabs.has(rec.tabId)) this.tabs.set(rec.tabId, rec);
    }
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
      this.deleted.delete(tabId);
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
    if (!this.tabs.delete(tabId)) return;
    this.dirty.delete(tabId);
    this.deleted.add(tabId);
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
    }, FLUSH_DELAY_MS);
  }

  /** Writes every changed tab now. Resolves when storage has it. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const items: Record<string, unknown> = {};
      for (const id of this.dirty) {
        const tab = this.tabs.get(id);
        if (tab) items[KEY_PREFIX + id] = tab;
      }
      const removed = [...this.deleted].map((id) => KEY_PREFIX + id);
      this.dirty.clear();
      this.deleted.clear();
      try {
        if (Object.keys(items).length > 0) await this.area.set(items);
        if (removed.length > 0) await this.area.remove(removed);
      } catch (err) {
        // Quota or a closed context: keep the records in memory and try again with the next change.
        console.error('Frame Security: could not write storage.session', err);
        for (const key of Object.keys(items)) this.dirty.add(Number(key.slice(KEY_PREFIX.length)));
        for (const key of removed) {
          const id = Number(key.slice(KEY_PREFIX.length));
          if (!this.tabs.has(id)) this.deleted.add(id);
        }
      }
    });
    return this.flushing;
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
