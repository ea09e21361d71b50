// Which tabs the background records. By default only a tab that someone looks at: DevTools open on it
// (its DevTools page holds a Port for the tab) or a Frame Security panel connected for it, plus the
// popups such a tab opens, while it is recorded. With the "Record every tab" setting (and in the CLI),
// every tab. While no tab is recorded the extension listens to nothing and injects nothing, so it costs
// nothing to browsing (issue 9); a page loaded before recording began shows "reload to record".
//
// State that must survive a worker restart (the watched tabs, the popups' openers) is kept in
// storage.session. A restarted worker cannot know at once which DevTools windows are still open: it
// keeps the stored tabs for a grace period, in which their DevTools pages reconnect (they do within
// milliseconds), and then forgets the ones that did not.

/** A Port as far as the scope needs it. */
export interface Watcher {
  onDisconnect: { addListener(cb: () => void): void };
}

export interface StoredScope {
  watched: number[];
  /** [popup tab, opener tab] */
  popups: [number, number][];
}

export interface ScopeIO {
  /** The stored state (storage.session) and the "Record every tab" setting (storage.local). */
  load(): Promise<{ stored: unknown; everywhere: boolean }>;
  save(state: StoredScope): void;
  /** The tabs that have a record now. */
  recordedTabs(): number[];
  /** These tabs are no longer recorded: delete their records. */
  unrecorded(tabIds: number[]): void;
  /** Whether anything is recorded at all: listeners and content script on or off. */
  listening(on: boolean): void;
}

export const SCOPE_KEY = 'recordingScope';
export const RESTORE_GRACE_MS = 10_000;
/** Popup chains deeper than this are not followed (a malformed or cyclic store). */
const MAX_POPUP_DEPTH = 32;

const isTabId = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;

/** Reads the stored state, dropping whatever is malformed. */
export function parseStoredScope(raw: unknown): StoredScope {
  const out: StoredScope = { watched: [], popups: [] };
  if (typeof raw !== 'object' || raw === null) return out;
  const { watched, popups } = raw as { watched?: unknown; popups?: unknown };
  if (Array.isArray(watched)) out.watched = [...new Set(watched.filter(isTabId))].slice(0, 1000);
  if (Array.isArray(popups)) {
    for (const p of popups.slice(0, 1000)) {
      if (Array.isArray(p) && p.length === 2 && isTabId(p[0]) && isTabId(p[1]) && p[0] !== p[1]) out.popups.push([p[0], p[1]]);
    }
  }
  return out;
}

export class RecordingScope {
  private everywhere = false;
  private readonly watchers = new Map<number, Set<Watcher>>();
  private readonly tabOf = new Map<Watcher, number>();
  /** Tabs watched before a worker restart, kept until their watcher reconnects or the grace ends. */
  private readonly restored = new Set<number>();
  private readonly openerOf = new Map<number, number>();
  /** Watched tabs whose record began (their next page started loading), recorded or not yet. */
  private readonly started = new Set<number>();
  private loaded = false;
  private wasListening: boolean | null = null;
  private lastSaved = '';
  readonly ready: Promise<void>;

  constructor(private readonly io: ScopeIO, graceMs = RESTORE_GRACE_MS, setTimer: (cb: () => void, ms: number) => unknown = setTimeout) {
    this.ready = io.load().then(({ stored, everywhere }) => {
      const s = parseStoredScope(stored);
      this.everywhere = this.everywhere || everywhere;
      for (const t of s.watched) if (!this.watchers.get(t)?.size) this.restored.add(t);
      for (const [popup, opener] of s.popups) if (!this.openerOf.has(popup)) this.openerOf.set(popup, opener);
    }, () => {}).then(() => {
      this.loaded = true;
      if (this.restored.size) setTimer(() => {
        this.restored.clear();
        this.settle();
      }, graceMs);
      this.settle();
    });
  }

  /** Whether events of this tab are recorded. */
  isRecorded(tabId: number): boolean {
    if (this.everywhere) return true;
    let t = tabId;
    for (let depth = 0; depth < MAX_POPUP_DEPTH; depth++) {
      if (this.watchers.get(t)?.size || this.restored.has(t)) return true;
      const opener = this.openerOf.get(t);
      if (opener === undefined) return false;
      t = opener;
    }
    return false;
  }

  /**
   * Whether to record this event: its tab is recorded and either has a record already or the event
   * begins one (a new top-level navigation). A tab watched from the middle of a page's life starts its
   * record with its next page, never with a page's middle.
   */
  accepts(tabId: number, hasRecord: boolean, startsRecord: boolean): boolean {
    if (!this.isRecorded(tabId)) return false;
    if (this.everywhere || hasRecord || this.started.has(tabId)) return true;
    // The start may record nothing yet (a navigation's first event): what follows it belongs to it.
    if (startsRecord) this.started.add(tabId);
    return startsRecord;
  }

  /** Anything recorded at all. */
  get wanted(): boolean {
    return this.everywhere || this.watchers.size > 0 || this.restored.size > 0;
  }

  get recordsEverywhere(): boolean {
    return this.everywhere;
  }

  /** A DevTools page or panel now looks at this tab (again: a watcher may move to another tab). */
  watch(tabId: number, watcher: Watcher) {
    if (!isTabId(tabId)) return;
    const before = this.tabOf.get(watcher);
    if (before === tabId) return;
    if (before === undefined) watcher.onDisconnect.addListener(() => this.unwatch(watcher));
    else this.watchers.get(before)?.delete(watcher);
    if (before !== undefined && !this.watchers.get(before)?.size) this.watchers.delete(before);
    this.tabOf.set(watcher, tabId);
    const set = this.watchers.get(tabId) ?? new Set();
    set.add(watcher);
    this.watchers.set(tabId, set);
    this.restored.delete(tabId);
    this.settle();
  }

  private unwatch(watcher: Watcher) {
    const tabId = this.tabOf.get(watcher);
    if (tabId === undefined) return;
    this.tabOf.delete(watcher);
    const set = this.watchers.get(tabId);
    set?.delete(watcher);
    if (!set?.size) this.watchers.delete(tabId);
    this.settle();
  }

  /** A recorded tab opened this one (window.open, target=_blank): it is recorded while its opener is. */
  opened(popupTabId: number, openerTabId: number): boolean {
    if (popupTabId === openerTabId || !this.isRecorded(openerTabId)) return false;
    this.openerOf.set(popupTabId, openerTabId);
    this.settle();
    return true;
  }

  closed(tabId: number) {
    this.restored.delete(tabId);
    this.started.delete(tabId);
    this.openerOf.delete(tabId);
    this.settle();
  }

  replaced(added: number, removed: number) {
    const set = this.watchers.get(removed);
    if (set) {
      this.watchers.delete(removed);
      this.watchers.set(added, set);
      for (const w of set) this.tabOf.set(w, added);
    }
    if (this.restored.delete(removed)) this.restored.add(added);
    const opener = this.openerOf.get(removed);
    if (opener !== undefined) {
      this.openerOf.delete(removed);
      this.openerOf.set(added, opener);
    }
    for (const [popup, o] of this.openerOf) if (o === removed) this.openerOf.set(popup, added);
    this.settle();
  }

  setEverywhere(on: boolean) {
    if (on === this.everywhere) return;
    this.everywhere = on;
    this.settle();
  }

  /** For the CLI and tests: what the scope is now. */
  state() {
    return {
      everywhere: this.everywhere,
      watched: [...this.watchers.keys()].sort((a, b) => a - b),
      restored: [...this.restored].sort((a, b) => a - b),
      popups: [...this.openerOf].sort((a, b) => a[0] - b[0]),
    };
  }

  /** After every change: forget what is no longer recorded, store the rest, switch listening. */
  private settle() {
    if (!this.loaded) return;
    for (const popup of [...this.openerOf.keys()]) if (!this.isRecorded(popup)) this.openerOf.delete(popup);
    for (const t of [...this.started]) if (!this.isRecorded(t)) this.started.delete(t);
    const gone = this.io.recordedTabs().filter((t) => !this.isRecorded(t));
    if (gone.length) this.io.unrecorded(gone);
    const state: StoredScope = { watched: [...new Set([...this.watchers.keys(), ...this.restored])], popups: [...this.openerOf] };
    const json = JSON.stringify(state);
    if (json !== this.lastSaved) {
      this.lastSaved = json;
      this.io.save(state);
    }
    const wanted = this.wanted;
    if (wanted !== this.wasListening) {
      this.wasListening = wanted;
      this.io.listening(wanted);
    }
  }
}
