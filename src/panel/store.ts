// The panel's state as signals: the tab's snapshot, the connection, the selection and the filter.
// Components read these and never see the protocol.
import { computed, signal } from '@preact/signals';
import { buildFrameTree, flattenFrameTree, frameLabel, type FrameNode } from '../shared/frame-tree.ts';
import type { BackgroundToPanel } from '../shared/protocol.ts';
import type { TabSnapshot } from '../shared/snapshot.ts';
import { evaluatePage } from '../shared/evaluate.ts';
import type { Engine } from '../shared/origin.ts';
import { DEFAULT_SETTINGS, type Settings } from '../shared/settings.ts';
import type { ConnectionState } from './transport.ts';

export function createStore(engine: Engine = 'chromium') {
  const snapshot = signal<TabSnapshot | null>(null);
  const settings = signal<Settings>(DEFAULT_SETTINGS);
  const connection = signal<ConnectionState>('connecting');
  const selectedFrameId = signal<number | null>(null);
  const filter = signal('');
  const collapsed = signal<ReadonlySet<number>>(new Set());

  const tree = computed(() => (snapshot.value?.page ? buildFrameTree(snapshot.value.page) : []));
  const allNodes = computed(() => flattenFrameTree(tree.value));
  /** The rows the tree shows: filtered, and without the children of collapsed frames. */
  const rows = computed(() => {
    const q = filter.value.trim().toLowerCase();
    if (q) return allNodes.value.filter((n) => matches(n, q));
    const out: FrameNode[] = [];
    const walk = (nodes: FrameNode[]) => {
      for (const n of nodes) {
        out.push(n);
        if (!collapsed.value.has(n.frame.frameId)) walk(n.children);
      }
    };
    walk(tree.value);
    return out;
  });
  const selected = computed(() => allNodes.value.find((n) => n.frame.frameId === selectedFrameId.value) ?? null);
  /** The analysis of the current page: recomputed when the snapshot or the settings change. */
  const evaluation = computed(() => {
    const page = snapshot.value?.page;
    return page ? evaluatePage(page, { engine, trustworthyOrigins: settings.value.trustworthyOrigins }) : null;
  });

  return {
    snapshot, settings, evaluation, connection, selectedFrameId, filter, collapsed, tree, allNodes, rows, selected,
    applySnapshot(msg: BackgroundToPanel['snapshot']) {
      const prevPage = snapshot.value?.page?.pageId;
      snapshot.value = msg.snapshot;
      // The selection survives updates of the same page; a new page starts at its top frame.
      if (msg.snapshot.page?.pageId !== prevPage) {
        selectedFrameId.value = null;
        collapsed.value = new Set();
      }
    },
    applyUpdate(msg: BackgroundToPanel['update']) {
      const cur = snapshot.value;
      if (!cur?.page || cur.page.pageId !== msg.pageId) return; // a full snapshot follows a page switch
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
      const next = new Set(collapsed.value);
      if (!next.delete(frameId)) next.add(frameId);
      collapsed.value = next;
    },
  };
}
export type Store = ReturnType<typeof createStore>;

function matches(n: FrameNode, q: string): boolean {
  const f = n.frame;
  return [f.url, f.observed?.origin, f.error, frameLabel(n)].some((s) => s?.toLowerCase().includes(q));
}
