// Two panes side by side with a draggable divider, like DevTools' own split views. The divider is an
// ARIA separator: focus it and use the arrow keys (Shift for bigger steps), Home and End; its width
// is remembered (localStorage) for the next time the panel opens.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { appStrings } from '../strings-app.ts';

export const SPLIT_STORAGE_KEY = 'frame-security:tree-width';
/** Until the user moves the divider: this share of the panel's width (DevTools docked beside a page is narrow). */
export const SPLIT_DEFAULT_SHARE = 0.45;
/** Before the panel is laid out, or when its width is unknown. */
export const SPLIT_DEFAULT = 420;
export const SPLIT_MIN = 160;
/** The details pane keeps at least this much. */
export const DETAILS_MIN = 200;
export const SPLIT_STEP = 10;
export const SPLIT_BIG_STEP = 50;

type StorageLike = Pick<Storage, 'getItem' | 'setItem'>;

/** The remembered width, or null. */
function readWidth(storage: StorageLike | null): number | null {
  try {
    const raw = storage?.getItem(SPLIT_STORAGE_KEY);
    const n = raw == null ? NaN : Number(raw);
    return Number.isFinite(n) && n >= SPLIT_MIN ? Math.round(n) : null;
  } catch {
    return null;
  }
}

const defaultStorage = (): StorageLike | null => {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // storage disabled
  }
};

export function SplitPane({ left, right, storage = defaultStorage() }: { left: ComponentChildren; right: ComponentChildren; storage?: StorageLike | null }) {
  const [width, setWidth] = useState(() => readWidth(storage) ?? SPLIT_DEFAULT);
  const remembered = useRef(readWidth(storage) !== null);
  const container = useRef<HTMLDivElement>(null);
  const drag = useRef<{ startX: number; startWidth: number } | null>(null);

  /** The widest the tree may be: the container less the details' minimum (unknown before layout). */
  const max = () => {
    const w = container.current?.clientWidth ?? 0;
    return w > 0 ? Math.max(SPLIT_MIN, w - DETAILS_MIN) : Number.MAX_SAFE_INTEGER;
  };
  const clamp = (px: number) => Math.round(Math.max(SPLIT_MIN, Math.min(max(), px)));
  const commit = (px: number) => {
    const next = clamp(px);
    remembered.current = true;
    setWidth(next);
    try {
      storage?.setItem(SPLIT_STORAGE_KEY, String(next));
    } catch {
      // Not remembered: storage full or disabled.
    }
  };

  // The first layout: a share of the panel unless a width is remembered. A narrower window: keep the
  // details pane visible.
  useEffect(() => {
    const w = container.current?.clientWidth ?? 0;
    if (!remembered.current && w > 0) setWidth(clamp(w * SPLIT_DEFAULT_SHARE));
    const fit = () => setWidth((cur) => clamp(cur));
    fit();
    globalThis.addEventListener?.('resize', fit);
    return () => globalThis.removeEventListener?.('resize', fit);
  }, []);

  const onKeyDown = (e: KeyboardEvent) => {
    const step = e.shiftKey ? SPLIT_BIG_STEP : SPLIT_STEP;
    switch (e.key) {
      case 'ArrowLeft': commit(width - step); break;
      case 'ArrowRight': commit(width + step); break;
      case 'Home': commit(SPLIT_MIN); break;
      case 'End': commit(max()); break;
      default: return;
    }
    e.preventDefault();
  };
  const onPointerDown = (e: PointerEvent) => {
    if (e.button !== 0) return;
    drag.current = { startX: e.clientX, startWidth: width };
    (e.currentTarget as HTMLElement).setPointerCapture?.(e.pointerId);
    (e.currentTarget as HTMLElement).focus();
    e.preventDefault();
  };
  const onPointerMove = (e: PointerEvent) => {
    if (!drag.current) return;
    setWidth(clamp(drag.current.startWidth + e.clientX - drag.current.startX));
  };
  const onPointerUp = (e: PointerEvent) => {
    if (!drag.current) return;
    const d = drag.current;
    drag.current = null;
    commit(d.startWidth + e.clientX - d.startX);
  };
  const maxNow = max();

  return (
    <div class="split-pane" ref={container} style={{ '--tree-width': `${width}px` }} data-testid="split">
      <div class="pane tree-pane">{left}</div>
      <div
        class="split-divider"
        role="separator"
        aria-orientation="vertical"
        aria-label={appStrings.split.label}
        aria-valuenow={width}
        aria-valuemin={SPLIT_MIN}
        aria-valuemax={maxNow === Number.MAX_SAFE_INTEGER ? undefined : maxNow}
        aria-valuetext={appStrings.split.value(width)}
        tabIndex={0}
        onKeyDown={onKeyDown}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        data-testid="split-divider"
      />
      <div class="pane details-pane">{right}</div>
    </div>
  );
}
