// The background's event trace (a debugging aid behind --trace): off by default, documents' events only,
// bounded, clipped, and read as a copy.
import { describe, expect, test } from 'vitest';
import { EventTrace } from '../../src/background/trace.ts';

describe('EventTrace', () => {
  test('records nothing until enabled, then each event with its fields, in order', () => {
    const t = new EventTrace();
    t.record('navigation.onCommitted', { tabId: 1, frameId: 0, url: 'https://a.test/' }, null, 10);
    expect(t.all()).toEqual([]);
    t.enabled = true;
    t.record('navigation.onCommitted', { tabId: 1, frameId: 0, documentId: 'D', url: 'https://a.test/', timeStamp: 5 }, null, 11);
    t.record('navigation.onErrorOccurred', { tabId: 1, frameId: 4, url: 'https://b.test/', error: 'net::ERR_ABORTED', timeStamp: 6 }, null, 12);
    t.record('document-headers', { tabId: 1, frameId: 4, url: 'https://b.test/', statusCode: 200, type: 'sub_frame' }, null, 13);
    t.record('frame-list', { tabId: 1 }, '[[0,-1,"https://a.test/"]]', 14);
    expect(t.all()).toEqual([
      [11, 'navigation.onCommitted', 1, 0, 'D', 'https://a.test/', null, 5, null],
      [12, 'navigation.onErrorOccurred', 1, 4, null, 'https://b.test/', 'net::ERR_ABORTED', 6, null],
      [13, 'document-headers', 1, 4, null, 'https://b.test/', 200, null, 'sub_frame'],
      [14, 'frame-list', 1, null, null, '', '[[0,-1,"https://a.test/"]]', null, null],
    ]);
  });

  test('subresource requests are left out; documents\' requests kept', () => {
    const t = new EventTrace();
    t.enabled = true;
    for (const type of ['image', 'script', 'xmlhttprequest', 'main_frame', 'sub_frame']) t.record('request-start', { tabId: 1, frameId: 0, url: `https://a.test/${type}`, type });
    expect(t.all().map((e) => e[8])).toEqual(['main_frame', 'sub_frame']);
  });

  test('bounded: past its size the oldest tenth goes; long URLs and details are clipped', () => {
    const t = new EventTrace(100);
    t.enabled = true;
    for (let i = 0; i < 250; i++) t.record('x', { tabId: 1, frameId: i }, null, i);
    const kept = t.all();
    expect(kept.length).toBeLessThanOrEqual(100);
    expect(kept.length).toBeGreaterThanOrEqual(90);
    expect(kept.at(-1)![3]).toBe(249);
    expect(kept.map((e) => e[3])).toEqual(kept.map((e) => e[3]).sort((a, b) => a! - b!));
    t.record('x', { tabId: 1, url: 'u'.repeat(10_000) }, 'd'.repeat(10_000));
    const last = t.all().at(-1)!;
    expect((last[5] as string).length).toBeLessThan(400);
    expect((last[6] as string).length).toBeLessThan(5000);
  });

  test('all() is a copy; clear() empties', () => {
    const t = new EventTrace();
    t.enabled = true;
    t.record('x', { tabId: 1 });
    const copy = t.all();
    copy.length = 0;
    expect(t.all()).toHaveLength(1);
    t.clear();
    expect(t.all()).toEqual([]);
  });
});
