// A debugging aid, off unless `debugTrace: true` is in storage.local (the CLI's --trace sets it): the
// recorder's input events in the order they reached the background, so that a browser's event order
// (Firefox reorders navigation events in ways Chromium never does) can be read instead of guessed.
// It records; it judges nothing, and the recorder does not read it.

/** [arrived (ms since the epoch), kind, tabId, frameId, documentId, url, error or status or detail, the event's own timeStamp, request type] */
export type TraceEntry = [number, string, number, number | null, string | null, string, string | number | null, number | null, string | null];

/** What an entry is read from: the fields the browsers' event details have in common. */
export interface TracedEvent {
  tabId: number;
  frameId?: number;
  documentId?: string;
  url?: string;
  error?: string;
  statusCode?: number;
  timeStamp?: number;
  type?: string;
}

const MAX_URL = 300;
const MAX_DETAIL = 4000;
const clip = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max)}…`);

export class EventTrace {
  enabled = false;
  private entries: TraceEntry[] = [];

  constructor(private readonly max = 5000) {}

  /** Notes an event (subresource requests are left out: documents' only, or the trace would be requests). */
  record(kind: string, e: TracedEvent, detail: string | null = null, at = Date.now()): void {
    if (!this.enabled) return;
    if (e.type !== undefined && e.type !== 'main_frame' && e.type !== 'sub_frame') return;
    this.entries.push([
      at, kind, e.tabId, e.frameId ?? null, e.documentId ?? null, clip(String(e.url ?? ''), MAX_URL),
      detail !== null ? clip(detail, MAX_DETAIL) : e.error !== undefined ? clip(e.error, MAX_URL) : e.statusCode ?? null,
      e.timeStamp ?? null, e.type ?? null,
    ]);
    // The oldest go, a tenth at a time (not one per event).
    if (this.entries.length > this.max) this.entries.splice(0, this.entries.length - Math.floor(this.max * 0.9));
  }

  /** Every entry so far, oldest first (a copy). */
  all(): TraceEntry[] {
    return this.entries.slice();
  }

  clear(): void {
    this.entries = [];
  }
}
