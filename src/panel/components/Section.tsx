// A section of the details pane that folds, and the open/closed state of every section, which lives
// outside the details (selecting another frame keeps it) and is saved in the panel's localStorage so
// that DevTools reopens with the same sections folded.
import { signal, type Signal } from '@preact/signals';
import type { ComponentChildren } from 'preact';
import { strings } from '../strings.ts';

export type SectionId =
  | 'summary' | 'findings' | 'origin' | 'secureContext' | 'sandbox' | 'isolation' | 'subresources'
  | 'headers' | 'document' | 'observed' | 'owner';

export interface SectionState {
  /** The ids of the folded sections. */
  closed: Signal<ReadonlySet<string>>;
  isOpen(id: SectionId): boolean;
  toggle(id: SectionId): void;
}

const STORAGE_KEY = 'frame-security:closed-sections';

/** A store for the folded sections; `storage` (optional) keeps it across panel reloads. */
export function createSectionState(options: { storage?: Pick<Storage, 'getItem' | 'setItem'> | null; initiallyClosed?: Iterable<SectionId> } = {}): SectionState {
  const storage = options.storage ?? null;
  let initial: string[] = [...(options.initiallyClosed ?? [])];
  try {
    const saved = storage?.getItem(STORAGE_KEY);
    if (saved) {
      const parsed: unknown = JSON.parse(saved);
      if (Array.isArray(parsed)) initial = parsed.filter((x): x is string => typeof x === 'string');
    }
  } catch {
    // A corrupt or inaccessible entry: start with the defaults.
  }
  const closed = signal<ReadonlySet<string>>(new Set(initial));
  return {
    closed,
    isOpen: (id) => !closed.value.has(id),
    toggle(id) {
      const next = new Set(closed.value);
      if (!next.delete(id)) next.add(id);
      closed.value = next;
      try {
        storage?.setItem(STORAGE_KEY, JSON.stringify([...next]));
      } catch {
        // Storage full or denied: the state still holds for this panel.
      }
    },
  };
}

function panelStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/** The panel's own state (one per panel document). Tests pass their own. */
export const panelSections: SectionState = createSectionState({ storage: panelStorage() });

/** A heading with a fold button (aria-expanded) and the section's body, rendered only when open. */
export function Section({ id, title, state, children, extra, testid }: {
  id: SectionId;
  title: string;
  state: SectionState;
  children: ComponentChildren;
  /** Shown next to the title even when folded (a count, a verdict). */
  extra?: ComponentChildren;
  testid?: string;
}) {
  const open = state.isOpen(id);
  const bodyId = `section-body-${id}`;
  return (
    <section class={`section${open ? '' : ' folded'}`} data-section={id} data-testid={testid}>
      <h2>
        <button
          type="button"
          class="section-toggle"
          aria-expanded={open}
          aria-controls={bodyId}
          title={strings.sectionToggle(title, open)}
          onClick={() => state.toggle(id)}
        >
          <span class={`twisty ${open ? 'open' : 'closed'}`} aria-hidden="true" />
          {title}
        </button>
        {extra !== undefined && <span class="section-extra">{extra}</span>}
      </h2>
      <div id={bodyId} class="section-body" hidden={!open}>
        {open && children}
      </div>
    </section>
  );
}
