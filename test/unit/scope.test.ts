// Which tabs the background records (src/background/scope.ts): a tab while a DevTools page or panel
// watches it and the popups it opens meanwhile, every tab with "Record every tab"; listening only
// while anything is recorded; a restarted worker keeps the stored tabs until their watchers reconnect.
import { describe, expect, test } from 'vitest';
import { parseStoredScope, RecordingScope, type ScopeIO, type StoredScope, type Watcher } from '../../src/background/scope.ts';
import { isWatchMessage, PROTOCOL_VERSION } from '../../src/shared/protocol.ts';

class FakePort implements Watcher {
  private readonly listeners: (() => void)[] = [];
  onDisconnect = { addListener: (cb: () => void) => void this.listeners.push(cb) };
  disconnect() {
    for (const l of this.listeners) l();
  }
}

function harness(stored: unknown = undefined, everywhere = false) {
  const records = new Set<number>();
  const log: string[] = [];
  let saved: StoredScope | null = null;
  const timers: (() => void)[] = [];
  const io: ScopeIO = {
    load: async () => ({ stored, everywhere }),
    save: (s) => {
      saved = s;
    },
    recordedTabs: () => [...records],
    unrecorded: (ids) => {
      for (const id of ids) {
        records.delete(id);
        log.push(`forget ${id}`);
      }
    },
    listening: (on) => void log.push(on ? 'listen' : 'idle'),
  };
  const scope = new RecordingScope(io, 10_000, (cb) => void timers.push(cb));
  return { scope, records, log, saved: () => saved, endGrace: () => timers.splice(0).forEach((t) => t()) };
}

describe('RecordingScope', () => {
  test('records nothing and listens to nothing until a tab is watched', async () => {
    const h = harness();
    await h.scope.ready;
    expect(h.log).toEqual(['idle']);
    expect(h.scope.wanted).toBe(false);
    expect(h.scope.isRecorded(3)).toBe(false);
    expect(h.scope.accepts(3, false, true)).toBe(false);
  });

  test('a watched tab is recorded from its next top-level navigation, not from the middle of a page', async () => {
    const h = harness();
    await h.scope.ready;
    const port = new FakePort();
    h.scope.watch(3, port);
    expect(h.log).toEqual(['idle', 'listen']);
    expect(h.scope.isRecorded(3)).toBe(true);
    expect(h.scope.isRecorded(4)).toBe(false);
    // No record yet: a subframe's event or an observer's message is not a start; a top-level navigation is.
    expect(h.scope.accepts(3, false, false)).toBe(false);
    expect(h.scope.accepts(3, false, true)).toBe(true);
    // Once the record began (even before the recorder kept anything of it), every event of the tab.
    expect(h.scope.accepts(3, false, false)).toBe(true);
    expect(h.scope.accepts(3, true, false)).toBe(true);
    expect(h.saved()).toEqual({ watched: [3], popups: [] });
  });

  test('when its last watcher goes, the tab\'s record is forgotten and, with nothing else recorded, listening stops', async () => {
    const h = harness();
    await h.scope.ready;
    const devtools = new FakePort();
    const panel = new FakePort();
    h.scope.watch(3, devtools);
    h.scope.watch(3, panel);
    h.records.add(3);
    panel.disconnect();
    expect(h.records.has(3)).toBe(true); // DevTools still open
    devtools.disconnect();
    expect(h.records.has(3)).toBe(false);
    expect(h.log).toEqual(['idle', 'listen', 'forget 3', 'idle']);
    expect(h.saved()).toEqual({ watched: [], popups: [] });
    // Watched again later: it starts over with its next page.
    h.scope.accepts(3, false, true);
    h.scope.watch(3, new FakePort());
    expect(h.scope.accepts(3, false, false)).toBe(false);
  });

  test('a watcher that moves to another tab stops watching the first', async () => {
    const h = harness();
    await h.scope.ready;
    const panel = new FakePort();
    h.scope.watch(3, panel);
    h.records.add(3);
    h.scope.watch(5, panel);
    expect(h.scope.isRecorded(3)).toBe(false);
    expect(h.records.has(3)).toBe(false);
    expect(h.scope.isRecorded(5)).toBe(true);
    expect(h.scope.state().watched).toEqual([5]);
  });

  test('a popup of a watched tab is recorded while its opener is, chains included; then forgotten with it', async () => {
    const h = harness();
    await h.scope.ready;
    const port = new FakePort();
    expect(h.scope.opened(7, 3)).toBe(false); // 3 not recorded: 7 is not either
    h.scope.watch(3, port);
    expect(h.scope.opened(7, 3)).toBe(true);
    expect(h.scope.opened(8, 7)).toBe(true);
    expect(h.scope.isRecorded(8)).toBe(true);
    expect(h.saved()).toEqual({ watched: [3], popups: [[7, 3], [8, 7]] });
    h.records.add(3).add(7).add(8).add(9);
    port.disconnect();
    expect([...h.records]).toEqual([]);
    expect(h.scope.state().popups).toEqual([]);
  });

  test('a closed popup is no longer recorded; a tab opening itself changes nothing', async () => {
    const h = harness();
    await h.scope.ready;
    h.scope.watch(3, new FakePort());
    expect(h.scope.opened(3, 3)).toBe(false);
    h.scope.opened(7, 3);
    h.scope.closed(7);
    expect(h.scope.isRecorded(7)).toBe(false);
  });

  test('"Record every tab": every event of every tab, listening until it is turned off; then only watched tabs keep records', async () => {
    const h = harness(undefined, true);
    await h.scope.ready;
    expect(h.log).toEqual(['listen']);
    expect(h.scope.accepts(42, false, false)).toBe(true);
    h.records.add(42).add(3);
    h.scope.watch(3, new FakePort());
    h.scope.setEverywhere(false);
    expect([...h.records]).toEqual([3]);
    expect(h.scope.wanted).toBe(true);
    expect(h.log).toEqual(['listen', 'forget 42']);
  });

  test('after a worker restart the stored tabs stay recorded until the grace ends; a reconnecting watcher keeps its tab', async () => {
    const h = harness({ watched: [3, 5], popups: [[7, 3]] });
    h.records.add(3).add(5).add(7);
    await h.scope.ready;
    expect(h.log).toEqual(['listen']);
    expect(h.scope.isRecorded(7)).toBe(true);
    h.scope.watch(3, new FakePort());
    h.endGrace();
    expect([...h.records].sort()).toEqual([3, 7]);
    expect(h.log).toEqual(['listen', 'forget 5']);
    expect(h.scope.state()).toMatchObject({ watched: [3], restored: [], popups: [[7, 3]] });
  });

  test('after a restart with no watcher coming back, everything is forgotten and listening stops', async () => {
    const h = harness({ watched: [3], popups: [] });
    h.records.add(3);
    await h.scope.ready;
    h.endGrace();
    expect(h.log).toEqual(['listen', 'forget 3', 'idle']);
  });

  test('a watcher that connects before the stored state is read is not lost', async () => {
    const h = harness({ watched: [], popups: [] });
    h.scope.watch(9, new FakePort()); // before ready: the load has not resolved yet
    await h.scope.ready;
    expect(h.scope.isRecorded(9)).toBe(true);
    expect(h.log).toEqual(['listen']);
  });

  test('the browser swapping tabs (onReplaced) moves watchers and popups to the new tab', async () => {
    const h = harness();
    await h.scope.ready;
    const port = new FakePort();
    h.scope.watch(3, port);
    h.scope.opened(7, 3);
    h.scope.replaced(4, 3);
    expect(h.scope.isRecorded(3)).toBe(false);
    expect(h.scope.isRecorded(4)).toBe(true);
    expect(h.scope.isRecorded(7)).toBe(true);
    port.disconnect();
    expect(h.scope.isRecorded(4)).toBe(false);
    expect(h.scope.isRecorded(7)).toBe(false);
  });

  test('a cyclic popup chain in a malformed store ends (not recorded), and never loops', async () => {
    const h = harness({ watched: [], popups: [[7, 8], [8, 7]] });
    await h.scope.ready;
    expect(h.scope.isRecorded(7)).toBe(false);
    expect(h.scope.state().popups).toEqual([]);
  });

  test('invalid tab ids are not watched', async () => {
    const h = harness();
    await h.scope.ready;
    h.scope.watch(-1, new FakePort());
    h.scope.watch(1.5, new FakePort());
    expect(h.scope.wanted).toBe(false);
  });
});

describe('parseStoredScope', () => {
  test('keeps valid entries only', () => {
    expect(parseStoredScope({ watched: [1, 1, -2, 'x', 3.5, 4], popups: [[5, 1], [5, 5], [6], ['a', 1], [7, 4]] }))
      .toEqual({ watched: [1, 4], popups: [[5, 1], [7, 4]] });
    for (const raw of [undefined, null, 'x', 3, [], { watched: 'x', popups: {} }]) expect(parseStoredScope(raw)).toEqual({ watched: [], popups: [] });
  });
});

describe('isWatchMessage (the DevTools page\'s message)', () => {
  test('accepts exactly { type: "watch", v, tabId ≥ 0 }', () => {
    expect(isWatchMessage({ type: 'watch', v: PROTOCOL_VERSION, tabId: 4 })).toBe(true);
    for (const bad of [
      { type: 'watch', v: PROTOCOL_VERSION, tabId: -1 },
      { type: 'watch', v: PROTOCOL_VERSION, tabId: '4' },
      { type: 'watch', v: PROTOCOL_VERSION, tabId: 4, extra: 1 },
      { type: 'hello', v: PROTOCOL_VERSION, tabId: 4 },
      { type: 'watch', tabId: 4 },
      null,
      'watch',
    ]) expect(isWatchMessage(bad)).toBe(false);
  });
});
