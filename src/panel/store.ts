// The panel's state as signals: the tab's snapshot, its popups, the connection, the selection, the
// filter and what the tree outlines in the page. Components read these and never see the protocol.
import { computed, effect, signal, type ReadonlySignal, type Signal } from '@preact/signals';
import { buildFrameTree, flattenFrameTree, frameLabel, type FrameNode } from '../shared/frame-tree.ts';
import { PROTOCOL_VERSION, type BackgroundToPanel, type PanelMessage, type PopupRecord } from '../shared/protocol.ts';
import type { TabSnapshot } from '../shared/snapshot.ts';
import { evaluatePage, type FrameEvaluation, type PageEvaluation } from '../shared/evaluate.ts';
import { FINDINGS, type Finding, type Severity } from '../shared/findings/catalog.ts';
import type { Engine } from '../shared/origin.ts';
import { SANDBOX_FLAGS } from '../shared/sandboxing.ts';
import { DEFAULT_SETTINGS, type Settings } from '../shared/settings.ts';
import { treeStrings as t } from './strings-tree.ts';
import type { ConnectionState } from './transport.ts';

/** One compact verdict on a tree row: always text, with a sentence for the tooltip. */
export interface Badge {
  kind: 'blocked' | 'error' | 'loading' | 'secure' | 'insecure' | 'isolated' | 'sandboxed' | 'opaque' | 'same-origin' | 'same-site' | 'cross-site' | 'orphan';
  text: string;
  title: string;
}

/** The worst finding of a frame, for the row's icon. */
export interface WorstFinding {
  severity: Severity;
  /** How many findings the frame has, all severities. */
  count: number;
  /** "Error: <title>", for screen readers. */
  label: string;
  /** Every finding's title, one per line, worst first. */
  titles: string;
}

/** A row of the frame tree as shown: the frame, its place in the visible tree, and its badges. */
export interface TreeRow {
  node: FrameNode;
  frameId: number;
  /** 1 for a root (aria-level). */
  level: number;
  /** Position among its visible siblings, 1-based, and how many there are (aria-posinset, aria-setsize). */
  posInSet: number;
  setSize: number;
  /** The visible parent row (null for a root). */
  parentId: number | null;
  /** The first visible child row (null when it has none shown, e.g. collapsed). */
  firstChildId: number | null;
  /** It has children in the visible tree (shown or collapsed). */
  hasChildren: boolean;
  expanded: boolean;
  /** Shown only because a descendant passes the filter (its ancestors keep the tree a tree). */
  context: boolean;
  badges: Badge[];
  worst: WorstFinding | null;
}

/** A tab this tab opened, as the popups list shows it. */
export interface PopupRow {
  tabId: number;
  url: string;
  /** The core's verdict: whether the popup and its opener can still reach each other (null: not known). */
  openerKept: boolean | null;
  /** Why, in words. */
  why: string;
  /** What the popup itself reported: `window.opener !== null` (undefined: not observed). */
  observedOpener: boolean | undefined;
}

/** What the frame tree needs besides its rows: the only-problems toggle, the popups, hover and focus. */
export interface TreeView {
  onlyProblems: Signal<boolean>;
  hoveredFrameId: Signal<number | null>;
  treeFocused: Signal<boolean>;
  popups: ReadonlySignal<PopupRow[]>;
  /** Frames with at least one error or warning. */
  problemCount: ReadonlySignal<number>;
}

export interface StoreOptions {
  /** Sends a message to the background (the outline requests). Default: the extension's runtime, where there is one. */
  send?: (msg: PanelMessage) => void;
}

export function createStore(engine: Engine = 'chromium', options: StoreOptions = {}) {
  const snapshot = signal<TabSnapshot | null>(null);
  const popupRecords = signal<PopupRecord[]>([]);
  const settings = signal<Settings>(DEFAULT_SETTINGS);
  const connection = signal<ConnectionState>('connecting');
  const selectedFrameId = signal<number | null>(null);
  const filter = signal('');
  const onlyProblems = signal(false);
  const collapsed = signal<ReadonlySet<number>>(new Set());
  /** Rows folded while a filter is on: a filter unfolds the way to every match; a new filter starts unfolded. */
  const filterCollapsed = signal<ReadonlySet<number>>(new Set());
  const hoveredFrameId = signal<number | null>(null);
  const treeFocused = signal(false);

  const tree = computed(() => (snapshot.value?.page ? buildFrameTree(snapshot.value.page) : []));
  const allNodes = computed(() => flattenFrameTree(tree.value));
  const selected = computed(() => allNodes.value.find((n) => n.frame.frameId === selectedFrameId.value) ?? null);
  const evaluateOptions = () => ({ engine, trustworthyOrigins: settings.value.trustworthyOrigins });
  /**
   * The analysis of the current page: recomputed when the snapshot or the settings change. An update
   * replaces only the records that changed (applyUpdate), so the frames it did not touch keep their
   * earlier verdicts (evaluatePage's `previous`).
   */
  let lastEvaluation: PageEvaluation | null = null;
  const evaluation = computed(() => {
    const page = snapshot.value?.page;
    lastEvaluation = page ? evaluatePage(page, evaluateOptions(), lastEvaluation) : null;
    return lastEvaluation;
  });
  const problemCount = computed(() => evaluation.value?.frames.filter(hasProblem).length ?? 0);

  let previousRows = new Map<number, TreeRow>();
  /** The rows the tree shows: the frames that pass the filter and their ancestors, minus collapsed children. */
  const rows = computed((): TreeRow[] => {
    const q = filter.value.trim().toLowerCase();
    const problemsOnly = onlyProblems.value;
    const byId = evaluation.value?.byFrameId;
    const filtering = q !== '' || problemsOnly;
    // Which frames pass, then their ancestors as context.
    const shown = new Map<number, boolean>(); // frameId → context only
    if (filtering) {
      const parentOf = new Map<number, FrameNode | null>();
      const index = (nodes: FrameNode[], parent: FrameNode | null) => {
        for (const n of nodes) {
          parentOf.set(n.frame.frameId, parent);
          index(n.children, n);
        }
      };
      index(tree.value, null);
      for (const n of allNodes.value) {
        const e = byId?.get(n.frame.frameId);
        if (problemsOnly && !(e && hasProblem(e))) continue;
        if (q && !matches(n, e, q)) continue;
        shown.set(n.frame.frameId, false);
        for (let p = parentOf.get(n.frame.frameId); p; p = parentOf.get(p.frame.frameId) ?? null) {
          if (shown.has(p.frame.frameId)) break;
          shown.set(p.frame.frameId, true);
        }
      }
    }
    const visible = (nodes: FrameNode[]) => (filtering ? nodes.filter((n) => shown.has(n.frame.frameId)) : nodes);
    const folded = filtering ? filterCollapsed.value : collapsed.value;
    const out: TreeRow[] = [];
    const before = previousRows;
    previousRows = new Map();
    const walk = (nodes: FrameNode[], parentId: number | null) => {
      const list = visible(nodes);
      list.forEach((n, i) => {
        const id = n.frame.frameId;
        const kids = visible(n.children);
        const expanded = kids.length > 0 && !folded.has(id);
        const e = byId?.get(id);
        const shownAs = e ? rowVerdicts(e) : n.orphan ? ORPHAN_ONLY : NO_VERDICTS;
        const row: TreeRow = {
          node: n, frameId: id, level: n.depth + 1, posInSet: i + 1, setSize: list.length, parentId,
          firstChildId: expanded ? kids[0]!.frame.frameId : null, hasChildren: kids.length > 0, expanded,
          context: shown.get(id) === true,
          badges: shownAs.badges,
          worst: shownAs.worst,
        };
        // The row object of the last computation when nothing it shows changed: the tree's rows are
        // memoized on it, so an update re-renders the rows that changed only.
        const earlier = before.get(id);
        const same = earlier !== undefined && sameRow(earlier, row);
        out.push(same ? earlier : row);
        previousRows.set(id, same ? earlier : row);
        if (expanded) walk(n.children, id);
      });
    };
    walk(tree.value, null);
    return out;
  });

  effect(() => {
    void filter.value;
    void onlyProblems.value;
    filterCollapsed.value = new Set();
  });

  const popups = computed((): PopupRow[] => popupRecords.value.map((p) => popupRow(p, evaluatePage(p.page, evaluateOptions()))));

  // What the page outlines: the hovered row, else the selected one while the tree has the focus (as
  // DevTools does for elements). The outline goes when neither holds, and with the panel.
  const highlight = computed(() => hoveredFrameId.value ?? (treeFocused.value ? selectedFrameId.value : null));
  const tabId = computed(() => snapshot.value?.tabId ?? null);
  const send = options.send ?? runtimeSender();
  let sent: number | null = null;
  effect(() => {
    const tab = tabId.value;
    const frameId = highlight.value;
    if (tab === null || (frameId === null && sent === null)) return;
    sent = frameId;
    send({ type: 'highlight', v: PROTOCOL_VERSION, tabId: tab, frameId });
  });

  const treeView: TreeView = { onlyProblems, hoveredFrameId, treeFocused, popups, problemCount };
  const store = {
    snapshot, settings, evaluation, connection, selectedFrameId, filter, onlyProblems, collapsed, tree, allNodes, rows, selected,
    popupRecords, popups, hoveredFrameId, treeFocused, highlight, problemCount, treeView,
    applySnapshot(msg: BackgroundToPanel['snapshot']) {
      const prevPage = snapshot.value?.page?.pageId;
      snapshot.value = msg.snapshot;
      if (msg.popups) popupRecords.value = msg.popups;
      // The selection survives updates of the same page; a new page starts at its top frame.
      if (msg.snapshot.page?.pageId !== prevPage) {
        selectedFrameId.value = null;
        hoveredFrameId.value = null;
        collapsed.value = new Set();
      }
    },
    applyUpdate(msg: BackgroundToPanel['update']) {
      if (msg.popups) popupRecords.value = msg.popups;
      const cur = snapshot.value;
      if (!cur?.page || cur.page.pageId !== msg.pageId) return; // a full snapshot follows a page switch
      if (msg.upserts.length === 0 && msg.removed.length === 0 && msg.resources.length === 0 && msg.resourcesRemoved.length === 0 &&
        JSON.stringify(msg.dropped) === JSON.stringify(cur.page.dropped)) return; // only the popups changed
      const frames = { ...cur.page.frames };
      for (const f of msg.upserts) frames[String(f.frameId)] = f;
      for (const id of msg.removed) delete frames[String(id)];
      let subresources = cur.page.subresources;
      if (msg.resources.length > 0 || msg.resourcesRemoved.length > 0) {
        subresources = { ...subresources };
        for (const r of msg.resources) subresources[r.requestId] = r;
        for (const id of msg.resourcesRemoved) delete subresources[id];
      }
      snapshot.value = { ...cur, page: { ...cur.page, frames, dropped: msg.dropped, ...(subresources ? { subresources } : {}) } };
    },
    toggle(frameId: number) {
      const target = filter.value.trim() !== '' || onlyProblems.value ? filterCollapsed : collapsed;
      const next = new Set(target.value);
      if (!next.delete(frameId)) next.add(frameId);
      target.value = next;
    },
  };
  return store;
}
export type Store = ReturnType<typeof createStore>;

/**
 * Deviation: the outline requests go to the background as runtime messages, because the Port belongs to
 * transport.ts, which does not carry them yet; the background checks that they come from the panel page.
 */
function runtimeSender(): (msg: PanelMessage) => void {
  type Runtime = { id?: string; sendMessage?: (m: unknown) => Promise<unknown> | undefined };
  const g = globalThis as { browser?: { runtime?: Runtime }; chrome?: { runtime?: Runtime } };
  const runtime = g.browser?.runtime?.id ? g.browser.runtime : g.chrome?.runtime;
  if (!runtime?.id || !runtime.sendMessage) return () => {};
  return (msg) => {
    try {
      // No answer is expected; a worker that is restarting loses one outline, not the panel.
      runtime.sendMessage!(msg)?.catch(() => {});
    } catch {
      // The extension was reloaded under this panel: the connection banner says so.
    }
  };
}

/** A row's verdicts, made once per frame evaluation (an incremental evaluation keeps the unchanged ones). */
const verdictsOf = new WeakMap<FrameEvaluation, { badges: Badge[]; worst: WorstFinding | null }>();
function rowVerdicts(e: FrameEvaluation): { badges: Badge[]; worst: WorstFinding | null } {
  let v = verdictsOf.get(e);
  if (!v) verdictsOf.set(e, (v = { badges: frameBadges(e), worst: worstFinding(e.findings) }));
  return v;
}
const ORPHAN_ONLY = { badges: [{ kind: 'orphan', text: t.badge.orphan, title: t.title.orphan }] as Badge[], worst: null };
const NO_VERDICTS = { badges: [] as Badge[], worst: null };

/** Whether two rows show the same: the same records and verdicts, at the same place. */
function sameRow(a: TreeRow, b: TreeRow): boolean {
  return a.node.frame === b.node.frame && a.node.owner === b.node.owner && a.node.orphan === b.node.orphan &&
    a.level === b.level && a.posInSet === b.posInSet && a.setSize === b.setSize && a.parentId === b.parentId &&
    a.firstChildId === b.firstChildId && a.hasChildren === b.hasChildren && a.expanded === b.expanded && a.context === b.context &&
    a.badges === b.badges && a.worst === b.worst;
}

const isProblem = (f: Finding) => f.severity === 'error' || f.severity === 'warning';
function hasProblem(e: FrameEvaluation): boolean {
  return e.findings.some(isProblem);
}

/** The row's badges, from the core's verdicts only. */
export function frameBadges(e: FrameEvaluation): Badge[] {
  const out: Badge[] = [];
  const load = e.load;
  if (load.status === 'blocked') out.push({ kind: 'blocked', text: t.badge.blocked, title: t.title.blocked(load.error ?? '') });
  else if (load.status === 'error') out.push({ kind: 'error', text: t.badge.error, title: t.title.error(load.error ?? '') });
  else if (load.status === 'loading') out.push({ kind: 'loading', text: t.badge.loading, title: t.title.loading });
  const sc = e.secureContext;
  out.push(sc.secure
    ? { kind: 'secure', text: t.badge.secure, title: t.title.secure(sc.category) }
    : { kind: 'insecure', text: t.badge.insecure, title: t.title.insecure(sc.category, sc.category === 'insecure-ancestor' ? sc.brokenBy?.url ?? null : null) });
  if (e.isolation.crossOriginIsolated) out.push({ kind: 'isolated', text: t.badge.isolated, title: t.title.isolated });
  if (e.sandbox.active.size > 0) {
    const lifted = SANDBOX_FLAGS.filter((f) => !e.sandbox.active.has(f));
    out.push({ kind: 'sandboxed', text: t.badge.sandboxed(lifted.length), title: t.title.sandboxed(lifted, SANDBOX_FLAGS.length) });
  }
  if (e.origin.type === 'opaque') out.push({ kind: 'opaque', text: t.badge.opaque, title: t.title.opaque(e.origin.reason.kind) });
  const rel = e.relation.toTop?.relation;
  if (rel) out.push({ kind: rel, text: t.badge[rel], title: t.title[rel] });
  if (e.node.orphan) out.push({ kind: 'orphan', text: t.badge.orphan, title: t.title.orphan });
  return out;
}

/** The worst of a frame's findings (they come worst first), with every title for the tooltip. */
export function worstFinding(findings: readonly Finding[]): WorstFinding | null {
  const first = findings[0];
  if (!first) return null;
  const title = (f: Finding) => FINDINGS[f.id].title;
  return {
    severity: first.severity,
    count: findings.length,
    label: t.worst(first.severity, title(first), findings.length),
    titles: findings.map((f) => `${t.severity[f.severity]}: ${title(f)}`).join('\n'),
  };
}

function popupRow(p: PopupRecord, e: PageEvaluation): PopupRow {
  const top = e.frames[0]?.node.frame;
  const s = e.openerSurvives;
  return {
    tabId: p.tabId,
    url: top?.url ?? p.page.url,
    openerKept: s ? s.kept : null,
    why: s ? t.popups.why(s.initialCOOP, s.responseCOOP, s.step) : t.popups.unknown,
    observedOpener: top?.observed?.hasOpener,
  };
}

/** The filter: a frame's URL, origin (observed and computed), error, label, badges and findings. */
export function matches(n: FrameNode, e: FrameEvaluation | undefined, q: string): boolean {
  const f = n.frame;
  const texts: (string | null | undefined)[] = [f.url, f.observed?.origin, f.error, frameLabel(n)];
  if (e) {
    texts.push(e.serializedOrigin);
    for (const b of frameBadges(e)) texts.push(b.text);
    for (const x of e.findings) texts.push(x.id, FINDINGS[x.id].title, x.explanation);
  }
  return texts.some((s) => s?.toLowerCase().includes(q));
}
