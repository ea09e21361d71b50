import { memo } from 'preact/compat';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { frameLabel } from '../../shared/frame-tree.ts';
import type { PopupRow, TreeRow, TreeView } from '../store.ts';
import { strings } from '../strings.ts';
import { treeStrings as t } from '../strings-tree.ts';
import '../tree.css';

export interface FrameTreeProps {
  rows: TreeRow[];
  selectedFrameId: number | null;
  collapsed: ReadonlySet<number>;
  onSelect(frameId: number): void;
  onToggle(frameId: number): void;
  /** The only-problems toggle, the popups, hover and focus; by default the panel document's store's. */
  view?: TreeView | null;
}

const rowId = (frameId: number) => `frame-row-${frameId}`;

/**
 * From this many rows on, only the rows in view (and OVERSCAN more on each side) are in the DOM, between
 * two spacers as tall as the rows they stand for: a page of a thousand frames renders as fast as one of
 * a few dozen. Rows have one fixed height (panel.css), measured from a rendered row.
 */
export const WINDOW_FROM = 200;
const OVERSCAN = 15;
/** Until a row is measured (panel.css: .row { height: 20px }). */
const DEFAULT_ROW_HEIGHT = 20;

/** The nearest ancestor that scrolls vertically (the tree's pane), else the document's scroller. */
function scrollParent(el: HTMLElement): HTMLElement {
  for (let p = el.parentElement; p; p = p.parentElement) {
    const o = getComputedStyle(p).overflowY;
    if (o === 'auto' || o === 'scroll') return p;
  }
  return (document.scrollingElement as HTMLElement | null) ?? document.documentElement;
}

/** Where the list's top edge is in its scroller's content (scroll offsets are measured from there). */
function listTopIn(ul: HTMLElement, scroller: HTMLElement): number {
  return ul.getBoundingClientRect().top - scroller.getBoundingClientRect().top + scroller.scrollTop;
}

interface Viewport {
  /** The scroller's scroll offset past the list's top edge (negative while the list starts below it). */
  top: number;
  height: number;
  rowHeight: number;
}

/** The list's rows to render, [first, last), for a viewport. */
export function windowOf(count: number, view: Viewport): { first: number; last: number } {
  if (count <= WINDOW_FROM) return { first: 0, last: count };
  const h = view.rowHeight > 0 ? view.rowHeight : DEFAULT_ROW_HEIGHT;
  const first = Math.max(0, Math.min(count, Math.floor(view.top / h) - OVERSCAN));
  const last = Math.max(first, Math.min(count, Math.ceil((view.top + view.height) / h) + OVERSCAN));
  return { first, last };
}

/**
 * The frame tree as an ARIA tree (flat, with level, position and set size): arrows move, Home/End jump,
 * Left/Right collapse and expand. Hovering a row, or selecting one while the tree has the focus, outlines
 * that frame in the page. Under it, the popups the tab opened. Page text is rendered as text only.
 */
export function FrameTree({ rows, selectedFrameId, collapsed: _collapsed, onSelect, onToggle, view = null }: FrameTreeProps) {
  const index = rows.findIndex((r) => r.frameId === selectedFrameId);
  const list = useRef<HTMLUListElement>(null);
  const windowed = rows.length > WINDOW_FROM;
  const [viewport, setViewport] = useState<Viewport>(() => ({ top: 0, height: typeof innerHeight === 'number' && innerHeight > 0 ? innerHeight : 800, rowHeight: DEFAULT_ROW_HEIGHT }));
  // A windowed list follows its scroller: on scroll and resize, at most once per animation frame.
  useLayoutEffect(() => {
    const ul = list.current;
    if (!windowed || !ul) return;
    const scroller = scrollParent(ul);
    let pending = 0;
    const measure = () => {
      pending = 0;
      const top = scroller.scrollTop - listTopIn(ul, scroller);
      const height = scroller.clientHeight > 0 ? scroller.clientHeight : viewport.height;
      const row = ul.querySelector<HTMLElement>('[role=treeitem]');
      const rowHeight = row && row.offsetHeight > 0 ? row.offsetHeight : DEFAULT_ROW_HEIGHT;
      setViewport((v) => (v.top === top && v.height === height && v.rowHeight === rowHeight ? v : { top, height, rowHeight }));
    };
    const schedule = () => {
      if (pending === 0) pending = requestAnimationFrame(measure);
    };
    scroller.addEventListener('scroll', schedule, { passive: true });
    const resize = typeof ResizeObserver === 'function' ? new ResizeObserver(schedule) : null;
    resize?.observe(scroller);
    measure();
    return () => {
      scroller.removeEventListener('scroll', schedule);
      resize?.disconnect();
      if (pending !== 0) cancelAnimationFrame(pending);
    };
  }, [windowed]);
  const { first, last } = windowOf(rows.length, viewport);
  useEffect(() => {
    // Keep the selected row in sight when the keyboard moves it.
    const ul = list.current;
    if (selectedFrameId === null || !ul) return;
    if (!windowed) {
      ul.querySelector(`#${rowId(selectedFrameId)}`)?.scrollIntoView?.({ block: 'nearest' });
      return;
    }
    // Windowed, the row may not be in the DOM: scroll by its index (rows have one height).
    if (index < 0) return;
    const scroller = scrollParent(ul);
    const h = viewport.rowHeight;
    const rowTop = listTopIn(ul, scroller) + index * h;
    if (rowTop < scroller.scrollTop) scroller.scrollTop = rowTop;
    else if (rowTop + h > scroller.scrollTop + scroller.clientHeight) scroller.scrollTop = rowTop + h - scroller.clientHeight;
  }, [selectedFrameId]);
  const selectedShown = index >= first && index < last;
  const onKeyDown = (e: KeyboardEvent) => {
    if (rows.length === 0) return;
    const at = index < 0 ? 0 : index;
    const cur = rows[at]!;
    const go = (i: number) => onSelect(rows[Math.max(0, Math.min(rows.length - 1, i))]!.frameId);
    switch (e.key) {
      case 'ArrowDown': go(index < 0 ? 0 : at + 1); break;
      case 'ArrowUp': go(at - 1); break;
      case 'Home': go(0); break;
      case 'End': go(rows.length - 1); break;
      case 'ArrowRight':
        if (cur.hasChildren && !cur.expanded) onToggle(cur.frameId);
        else if (cur.firstChildId !== null) onSelect(cur.firstChildId);
        break;
      case 'ArrowLeft':
        if (cur.expanded) onToggle(cur.frameId);
        else if (cur.parentId !== null) onSelect(cur.parentId);
        break;
      default: return;
    }
    e.preventDefault();
  };
  // Stable, so that the memoized rows re-render only when their row or selection changes.
  const hover = useMemo(() => (frameId: number | null) => {
    if (view) view.hoveredFrameId.value = frameId;
  }, [view]);
  return (
    <div class="frame-tree" data-testid="frame-tree-pane">
      {view && (
        <div class="tree-toolbar">
          <label title={t.onlyProblemsTitle}>
            <input
              type="checkbox"
              checked={view.onlyProblems.value}
              onChange={(e) => (view.onlyProblems.value = (e.target as HTMLInputElement).checked)}
              data-testid="only-problems"
            />
            {t.onlyProblems} <span class="tree-count" data-testid="problem-count">{t.problemCount(view.problemCount.value)}</span>
          </label>
        </div>
      )}
      <ul
        ref={list}
        class="tree"
        role="tree"
        aria-label={t.treeLabel}
        aria-activedescendant={index >= 0 && selectedShown ? rowId(selectedFrameId!) : undefined}
        tabIndex={0}
        onKeyDown={onKeyDown}
        onFocus={() => view && (view.treeFocused.value = true)}
        onBlur={() => view && (view.treeFocused.value = false)}
        onMouseLeave={() => hover(null)}
        data-testid="frame-tree"
      >
        {first > 0 && <li role="none" aria-hidden="true" class="tree-spacer" style={{ height: `${first * viewport.rowHeight}px` }} data-testid="tree-spacer-before" />}
        {(windowed ? rows.slice(first, last) : rows).map((r) => (
          <MemoRow key={r.frameId} row={r} selected={r.frameId === selectedFrameId} onSelect={onSelect} onToggle={onToggle} onHover={hover} />
        ))}
        {last < rows.length && <li role="none" aria-hidden="true" class="tree-spacer" style={{ height: `${(rows.length - last) * viewport.rowHeight}px` }} data-testid="tree-spacer-after" />}
      </ul>
      {rows.length === 0 && <p class="tree-empty" data-testid="tree-empty">{t.noMatch}</p>}
      {view && <Popups popups={view.popups.value} />}
    </div>
  );
}

function Row({ row, selected, onSelect, onToggle, onHover }: {
  row: TreeRow;
  selected: boolean;
  onSelect(frameId: number): void;
  onToggle(frameId: number): void;
  onHover(frameId: number): void;
}) {
  const f = row.node.frame;
  const label = frameLabel(row.node);
  const w = row.worst;
  const url = (primary: boolean) => <span class={`url${primary ? ' primary' : ''}`} data-testid="frame-url" title={f.url}>{f.url}</span>;
  return (
    <li
      id={rowId(row.frameId)}
      role="treeitem"
      aria-level={row.level}
      aria-setsize={row.setSize}
      aria-posinset={row.posInSet}
      aria-selected={selected}
      aria-expanded={row.hasChildren ? row.expanded : undefined}
      class={`row${selected ? ' selected' : ''}${f.status === 'error' ? ' error' : ''}${row.context ? ' context' : ''}`}
      style={{ paddingLeft: `${6 + (row.level - 1) * 14}px` }}
      data-testid="frame-row"
      data-frame-id={row.frameId}
      onClick={() => onSelect(row.frameId)}
      onMouseEnter={() => onHover(row.frameId)}
    >
      <span
        class={`twisty${row.hasChildren ? (row.expanded ? ' open' : ' closed') : ''}`}
        onClick={(e) => {
          if (!row.hasChildren) return;
          e.stopPropagation();
          onToggle(row.frameId);
        }}
      />
      {w ? (
        <span class={`tree-icon tree-icon-${w.severity}`} role="img" aria-label={w.label} title={w.titles} data-testid="frame-worst" data-severity={w.severity}>
          {t.icon[w.severity]}
        </span>
      ) : (
        <span class="tree-icon" aria-hidden="true" />
      )}
      {/* The label (else the URL) and the badges come first, so a narrow pane cuts the URL, not the verdicts. */}
      {label ? <span class="label" data-testid="frame-label" title={label}>{label}</span> : url(true)}
      {row.badges.map((b) => (
        <span key={b.kind} class={`tree-badge tree-badge-${b.kind}`} title={b.title} data-testid="frame-badge" data-badge={b.kind}>{b.text}</span>
      ))}
      {f.status === 'error' && <span class="tree-error" data-testid="frame-error" title={f.error}>{f.error ?? 'error'}</span>}
      {label && url(false)}
      <span class={`origin${f.observed ? '' : ' missing'}`} data-testid="frame-origin" title={f.observed?.origin}>
        {f.observed ? f.observed.origin : strings.noOrigin}
      </span>
    </li>
  );
}

const MemoRow = memo(Row);

function Popups({ popups }: { popups: PopupRow[] }) {
  return (
    <section class="tree-popups" data-testid="popups" aria-labelledby="tree-popups-heading">
      <h2 id="tree-popups-heading">{t.popups.heading} <span class="tree-count">({popups.length})</span></h2>
      {popups.length === 0 ? (
        <p class="tree-empty">{t.popups.none}</p>
      ) : (
        <ul>
          {popups.map((p) => {
            const kept = p.openerKept;
            const differs = kept !== null && p.observedOpener !== undefined && p.observedOpener !== kept;
            return (
              <li key={p.tabId} data-testid="popup" data-tab-id={p.tabId}>
                <span class="tree-badge" title={t.popups.tab(p.tabId)}>{t.popups.tab(p.tabId)}</span>
                <span class="url" data-testid="popup-url" title={p.url}>{p.url}</span>
                <span
                  class={`tree-badge ${kept === null ? '' : kept ? 'tree-badge-kept' : 'tree-badge-cut'}`}
                  title={p.observedOpener === undefined ? p.why : `${p.why} ${t.popups.observed(p.observedOpener)}.`}
                  data-testid="popup-opener"
                  data-kept={kept === null ? 'unknown' : String(kept)}
                >
                  {kept === null ? t.popups.unknownBadge : kept ? t.popups.kept : t.popups.cut}
                </span>
                {differs && <span class="tree-note" data-testid="popup-observed">{t.popups.observedDiffers}</span>}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
