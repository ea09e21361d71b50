// The panel's store (signals, in Node): a full snapshot, then updates merged into it. Subresource
// requests arrive as added-or-changed records and removed ids; the page's overflow counts replace the
// old ones. The evaluation the panel shows is recomputed from the merged snapshot.
import { describe, expect, test } from 'vitest';
import { createStore } from '../../src/panel/store.ts';
import type { BackgroundToPanel } from '../../src/shared/protocol.ts';
import type { FrameRecord, PageRecord, SubresourceRecord } from '../../src/shared/snapshot.ts';

const TAB = 7;

const frame = (over: Partial<FrameRecord> = {}): FrameRecord => ({
  frameId: 0, parentFrameId: -1, documentId: 'A', url: 'https://a.test/', status: 'loaded', updatedAt: 1, committedAt: 1, ...over,
});
const request = (requestId: string, over: Partial<SubresourceRecord> = {}): SubresourceRecord => ({
  requestId, frameId: 0, documentId: 'A', type: 'image', method: 'GET', url: `https://b.test/${requestId}.png`,
  responses: [], state: 'pending', startedAt: 10, ...over,
});
const page = (over: Partial<PageRecord> = {}): PageRecord => ({
  pageId: 'A', tabId: TAB, url: 'https://a.test/', startedAt: 1, lifecycle: 'active', frames: { 0: frame() }, dropped: { frames: 0 }, ...over,
});
const update = (over: Partial<BackgroundToPanel['update']> = {}): BackgroundToPanel['update'] => ({
  tabId: TAB, pageId: 'A', upserts: [], removed: [], resources: [], resourcesRemoved: [], dropped: { frames: 0 }, ...over,
});
const withSnapshot = (p: PageRecord) => {
  const store = createStore('chromium');
  store.applySnapshot({ snapshot: { version: 1, tabId: TAB, page: p } });
  return store;
};
const requestIds = (store: ReturnType<typeof createStore>) => Object.keys(store.snapshot.value?.page?.subresources ?? {}).sort();
/** The request ids the evaluation attributes to the top frame. */
const evaluatedIds = (store: ReturnType<typeof createStore>) =>
  (store.evaluation.value?.byFrameId.get(0)?.subresources ?? []).flatMap((v) => v.requestIds).sort();

describe('applyUpdate and subresource requests', () => {
  test('adds new records, replaces changed ones, removes removed ids, and takes the new dropped counts', () => {
    const store = withSnapshot(page({ subresources: { r1: request('r1'), r2: request('r2') } }));
    expect(evaluatedIds(store)).toEqual(['r1', 'r2']);
    const before = store.snapshot.value!;
    const changed = request('r2', { state: 'complete', endedAt: 20, responses: [{ url: 'https://b.test/r2.png', statusCode: 200, fromCache: false, headers: [] }] });
    store.applyUpdate(update({ resources: [changed, request('r3')], resourcesRemoved: ['r1'], dropped: { frames: 0, subresources: 4 } }));

    const p = store.snapshot.value!.page!;
    expect(requestIds(store)).toEqual(['r2', 'r3']);
    expect(p.subresources!['r2']).toEqual(changed);
    expect(p.dropped).toEqual({ frames: 0, subresources: 4 });
    // The panel's analysis follows the merged snapshot.
    expect(evaluatedIds(store)).toEqual(['r2', 'r3']);
    expect(store.evaluation.value!.subresources.dropped).toBe(4);
    // The previous snapshot is not changed in place (a new value for the signal).
    expect(store.snapshot.value).not.toBe(before);
    expect(Object.keys(before.page!.subresources!).sort()).toEqual(['r1', 'r2']);
    expect(before.page!.subresources!['r2']!.state).toBe('pending');
  });

  test('a page that had no requests gets its first ones', () => {
    const store = withSnapshot(page());
    store.applyUpdate(update({ resources: [request('r1')] }));
    expect(requestIds(store)).toEqual(['r1']);
    expect(evaluatedIds(store)).toEqual(['r1']);
  });

  test('an update of frames only keeps the requests as they were', () => {
    const store = withSnapshot(page({ subresources: { r1: request('r1') } }));
    store.applyUpdate(update({ upserts: [frame({ status: 'loaded', updatedAt: 5 })] }));
    expect(requestIds(store)).toEqual(['r1']);
    expect(store.snapshot.value!.page!.subresources!['r1']).toEqual(request('r1'));
  });

  test('removing an id the panel never had changes nothing else', () => {
    const store = withSnapshot(page({ subresources: { r1: request('r1') } }));
    store.applyUpdate(update({ resourcesRemoved: ['nope'] }));
    expect(requestIds(store)).toEqual(['r1']);
  });

  test('a request added and then removed by later updates is gone', () => {
    const store = withSnapshot(page());
    store.applyUpdate(update({ resources: [request('r1'), request('r2')] }));
    store.applyUpdate(update({ resourcesRemoved: ['r1'] }));
    expect(requestIds(store)).toEqual(['r2']);
    expect(evaluatedIds(store)).toEqual(['r2']);
  });

  test('an update for another page is ignored (a full snapshot follows a page switch)', () => {
    const store = withSnapshot(page({ subresources: { r1: request('r1') } }));
    const before = store.snapshot.value;
    store.applyUpdate(update({ pageId: 'B', resources: [request('x')], resourcesRemoved: ['r1'], dropped: { frames: 0, subresources: 9 } }));
    expect(store.snapshot.value).toBe(before);
    expect(requestIds(store)).toEqual(['r1']);
  });
});
