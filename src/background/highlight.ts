// Outlining a frame in the inspected page, as DevTools outlines elements. The panel names a frame; the
// background finds the document that can draw it (the parent document, which holds the <iframe>
// element; the top document outlines its own viewport) and tells that document's observer, removing the
// outline it drew before anywhere else. Routing only: nothing here is judged.
import { PROTOCOL_VERSION, type ContentCommand, type HighlightTarget } from '../shared/protocol.ts';
import type { PageRecord } from '../shared/snapshot.ts';
import { activePage, type TabRecord } from './recorder.ts';

/** The document (by frame id) that draws the outline of `frameId`, and what it draws; null when none can. */
export function highlightTarget(page: PageRecord | null, frameId: number): { frameId: number; target: HighlightTarget } | null {
  const frame = page?.frames[String(frameId)];
  if (!page || !frame) return null;
  if (frame.parentFrameId === -1) return { frameId: frame.frameId, target: { kind: 'viewport' } };
  const parent = page.frames[String(frame.parentFrameId)];
  // The element is believed only where the parent's record maps it to this frame (as ownerElementOf does).
  const el = parent?.embeds?.find((e) => e.frameId === frameId);
  if (!parent || !el) return null;
  return { frameId: parent.frameId, target: { kind: 'element', frameId, ...(el.probe !== undefined ? { probe: el.probe } : {}) } };
}

/**
 * Sends a command to one frame's observer (tabs.sendMessage with a frameId), or to every frame of the tab
 * (null); failures are the caller's to ignore.
 */
export type SendToFrame = (tabId: number, frameId: number | null, command: ContentCommand) => Promise<unknown>;

const command = (target: HighlightTarget | null): ContentCommand => ({ type: 'highlight', v: PROTOCOL_VERSION, target });

export class Highlighter {
  /** Per tab: the frame whose document shows an outline now. */
  private readonly drawnIn = new Map<number, number>();

  constructor(private readonly tabs: { peek(tabId: number): TabRecord | undefined }, private readonly send: SendToFrame) {}

  /**
   * Outlines `frameId` of the tab's active page, or removes the outline (null). A removal this worker
   * cannot place (it restarted since it drew one) goes to every frame of the tab.
   */
  show(tabId: number, frameId: number | null) {
    const tab = this.tabs.peek(tabId);
    const to = frameId === null || !tab ? null : highlightTarget(activePage(tab), frameId);
    const before = this.drawnIn.get(tabId);
    if (before !== undefined && before !== to?.frameId) this.deliver(tabId, before, command(null));
    if (before === undefined && frameId === null) this.deliver(tabId, null, command(null));
    if (to) {
      this.drawnIn.set(tabId, to.frameId);
      this.deliver(tabId, to.frameId, command(to.target));
    } else {
      this.drawnIn.delete(tabId);
    }
  }

  /** Removes the outline this worker drew in the tab, if any (the tab's panel closed). */
  clear(tabId: number) {
    const before = this.drawnIn.get(tabId);
    if (before === undefined) return;
    this.drawnIn.delete(tabId);
    this.deliver(tabId, before, command(null));
  }

  private deliver(tabId: number, frameId: number | null, msg: ContentCommand) {
    // The document may be gone (navigated, an error page without an observer): nothing to outline then.
    this.send(tabId, frameId, msg).catch(() => {});
  }
}
