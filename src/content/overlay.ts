// The outline the panel asks for, drawn over a frame element of this document (or over the viewport in
// a top-level document), like DevTools' element highlight. It lives in a closed shadow root, so page
// styles cannot reach it and page scripts cannot read it; its host is pinned with inline !important
// styles (which beat any page stylesheet), is invisible to the mouse, and follows the element every
// animation frame until it is removed.

const HOST_STYLE = [
  'all: initial', 'display: block', 'position: fixed', 'top: 0', 'left: 0', 'width: 0', 'height: 0',
  'overflow: visible', 'margin: 0', 'padding: 0', 'border: 0', 'z-index: 2147483647', 'pointer-events: none',
  'visibility: visible', 'opacity: 1', 'transform: none', 'contain: none',
].map((d) => `${d} !important`).join('; ');

// DevTools' own highlight colours: content blue, with a darker edge.
const SHADOW_STYLE = `
.box { position: fixed; box-sizing: border-box; margin: 0; pointer-events: none;
  background: rgba(111, 168, 220, 0.45); outline: 1px solid rgba(26, 115, 232, 0.9); outline-offset: -1px; }
`;

/** An attribute on the host, so that a test can find it (the page can find the element anyway). */
export const OVERLAY_HOST_ATTRIBUTE = 'data-frame-security-overlay';

export class Overlay {
  private host: HTMLElement | null = null;
  private box: HTMLElement | null = null;
  private target: Element | 'viewport' | null = null;
  private frame = 0;
  private lastRect = '';

  /** Outlines `target` (an element of this document, or the viewport), replacing any outline. */
  show(target: Element | 'viewport') {
    this.target = target;
    this.lastRect = '';
    if (!this.host) this.create();
    this.follow();
  }

  hide() {
    this.target = null;
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.host?.remove();
    this.host = null;
    this.box = null;
  }

  private create() {
    const host = document.createElement('div');
    host.setAttribute(OVERLAY_HOST_ATTRIBUTE, '');
    host.setAttribute('style', HOST_STYLE);
    host.setAttribute('aria-hidden', 'true');
    const root = host.attachShadow({ mode: 'closed' });
    const style = document.createElement('style');
    style.textContent = SHADOW_STYLE;
    const box = document.createElement('div');
    box.className = 'box';
    root.append(style, box);
    this.host = host;
    this.box = box;
  }

  /** Places the box over the target now and at every animation frame while it is shown. */
  private readonly follow = () => {
    this.frame = 0;
    const t = this.target;
    const host = this.host;
    const box = this.box;
    if (!t || !host || !box) return;
    if (t !== 'viewport' && !t.isConnected) {
      this.hide(); // the element left the document
      return;
    }
    // The page may remove the host; put it back while the outline is wanted.
    if (!host.isConnected) document.documentElement?.append(host);
    const rect = t === 'viewport' ? null : t.getBoundingClientRect();
    const css = rect
      ? `left: ${rect.left}px; top: ${rect.top}px; width: ${rect.width}px; height: ${rect.height}px;`
      : 'left: 0; top: 0; right: 0; bottom: 0;';
    if (css !== this.lastRect) {
      this.lastRect = css;
      box.setAttribute('style', css);
    }
    this.frame = requestAnimationFrame(this.follow);
  };
}
