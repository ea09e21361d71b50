import type { FrameNode } from '../../shared/frame-tree.ts';
import { frameLabel } from '../../shared/frame-tree.ts';
import { strings } from '../strings.ts';

export interface FrameTreeProps {
  rows: FrameNode[];
  selectedFrameId: number | null;
  collapsed: ReadonlySet<number>;
  onSelect(frameId: number): void;
  onToggle(frameId: number): void;
}

/** The frame tree as an ARIA tree: arrows move, Home/End jump, Left/Right collapse and expand. */
export function FrameTree({ rows, selectedFrameId, collapsed, onSelect, onToggle }: FrameTreeProps) {
  const index = rows.findIndex((n) => n.frame.frameId === selectedFrameId);
  const onKeyDown = (e: KeyboardEvent) => {
    if (rows.length === 0) return;
    const at = index < 0 ? 0 : index;
    const cur = rows[at]!;
    const go = (i: number) => onSelect(rows[Math.max(0, Math.min(rows.length - 1, i))]!.frame.frameId);
    switch (e.key) {
      case 'ArrowDown': go(index < 0 ? 0 : at + 1); break;
      case 'ArrowUp': go(at - 1); break;
      case 'Home': go(0); break;
      case 'End': go(rows.length - 1); break;
      case 'ArrowRight':
        if (cur.children.length > 0 && collapsed.has(cur.frame.frameId)) onToggle(cur.frame.frameId);
        else if (cur.children[0]) onSelect(cur.children[0].frame.frameId);
        break;
      case 'ArrowLeft':
        if (cur.children.length > 0 && !collapsed.has(cur.frame.frameId)) onToggle(cur.frame.frameId);
        else if (cur.frame.parentFrameId >= 0) onSelect(cur.frame.parentFrameId);
        break;
      default: return;
    }
    e.preventDefault();
  };
  return (
    <ul class="tree" role="tree" aria-label="Frames" tabIndex={0} onKeyDown={onKeyDown} data-testid="frame-tree">
      {rows.map((n) => {
        const f = n.frame;
        const label = frameLabel(n);
        const selected = f.frameId === selectedFrameId;
        const hasKids = n.children.length > 0;
        const open = !collapsed.has(f.frameId);
        return (
          <li
            key={f.frameId}
            role="treeitem"
            aria-level={n.depth + 1}
            aria-selected={selected}
            aria-expanded={hasKids ? open : undefined}
            class={`row${selected ? ' selected' : ''}${f.status === 'error' ? ' error' : ''}`}
            style={{ paddingLeft: `${6 + n.depth * 14}px` }}
            data-testid="frame-row"
            data-frame-id={f.frameId}
            onClick={() => onSelect(f.frameId)}
          >
            <span
              class={`twisty${hasKids ? (open ? ' open' : ' closed') : ''}`}
              onClick={(e) => {
                if (!hasKids) return;
                e.stopPropagation();
                onToggle(f.frameId);
              }}
            />
            {label && <span class="label" data-testid="frame-label">{label}</span>}
            <span class="url" data-testid="frame-url" title={f.url}>{f.url}</span>
            <span class={`origin${f.observed ? '' : ' missing'}`} data-testid="frame-origin">
              {f.observed ? f.observed.origin : strings.noOrigin}
            </span>
            {f.status === 'error' && <span class="badge badge-error" data-testid="frame-error">{f.error ?? 'error'}</span>}
            {n.orphan && <span class="badge">orphan</span>}
          </li>
        );
      })}
    </ul>
  );
}
