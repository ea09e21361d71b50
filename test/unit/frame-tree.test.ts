// The frame tree of a recorded page: document order, orphans, cycles, owner elements, text rendering.
import { describe, expect, test } from 'vitest';
import {
  buildFrameTree,
  flattenFrameTree,
  ownerElementOf,
  renderFrameTreeText,
  type FrameNode,
} from '../../src/shared/frame-tree.ts';
import type { EmbedElement, FrameRecord, PageRecord } from '../../src/shared/snapshot.ts';

const el = (index: number, frameId: number | null, over: Partial<EmbedElement> = {}): EmbedElement => ({
  tag: 'iframe', index, frameId, mappedBy: frameId === null ? null : 'getFrameId', id: null, name: null, src: null,
  srcdoc: false, sandbox: null, allow: null, referrerPolicy: null, loading: null,
  credentialless: { attribute: false, property: null }, ...over,
});
const fr = (frameId: number, parentFrameId: number, over: Partial<FrameRecord> = {}): FrameRecord => ({
  frameId, parentFrameId, url: `https://f${frameId}.test/`, status: 'loaded', updatedAt: 1, ...over,
});
const pageOf = (frames: FrameRecord[], dropped = 0): PageRecord => ({
  pageId: 'A', tabId: 7, url: 'https://a.test/', startedAt: 1, lifecycle: 'active',
  frames: Object.fromEntries(frames.map((f) => [String(f.frameId), f])),
  dropped: { frames: dropped },
});
/** [frameId, depth, orphan] in the order the panel and the text report list frames. */
const listing = (roots: FrameNode[]) => flattenFrameTree(roots).map((n) => [n.frame.frameId, n.depth, n.orphan]);

describe('buildFrameTree', () => {
  test('children are ordered by their element\'s index in the parent\'s embeds, not by frameId', () => {
    const page = pageOf([
      fr(0, -1, { embeds: [el(2, 3), el(0, 9), el(1, 5)] }),
      fr(3, 0), fr(5, 0), fr(9, 0),
    ]);
    expect(listing(buildFrameTree(page))).toEqual([[0, 0, false], [9, 1, false], [5, 1, false], [3, 1, false]]);
  });

  test('children with no element (not mapped yet) come after the mapped ones, by frameId', () => {
    const page = pageOf([
      fr(0, -1, { embeds: [el(0, 8), el(1, null)] }),
      fr(7, 0), fr(2, 0), fr(8, 0),
    ]);
    expect(listing(buildFrameTree(page))).toEqual([[0, 0, false], [8, 1, false], [2, 1, false], [7, 1, false]]);
  });

  test('grandchildren nest under their own parent, in their parent\'s element order', () => {
    const page = pageOf([
      fr(0, -1, { embeds: [el(0, 1), el(1, 2)] }),
      fr(1, 0, { embeds: [el(0, 4), el(1, 3)] }),
      fr(2, 0), fr(3, 1), fr(4, 1),
    ]);
    expect(listing(buildFrameTree(page))).toEqual([[0, 0, false], [1, 1, false], [4, 2, false], [3, 2, false], [2, 1, false]]);
  });

  test('frames whose parent is missing are listed at the root, after the top, flagged orphan (their children are not)', () => {
    const page = pageOf([fr(0, -1), fr(1, 0), fr(6, 42), fr(7, 6), fr(5, 41)]);
    const roots = buildFrameTree(page);
    expect(roots.map((r) => [r.frame.frameId, r.orphan])).toEqual([[0, false], [5, true], [6, true]]);
    expect(listing(roots)).toEqual([[0, 0, false], [1, 1, false], [5, 0, true], [6, 0, true], [7, 1, false]]);
  });

  test('a cycle (two frames each other\'s parent) does not hang and lists both, once each', () => {
    const page = pageOf([fr(0, -1), fr(3, 4), fr(4, 3)]);
    const all = flattenFrameTree(buildFrameTree(page)).map((n) => n.frame.frameId);
    expect(all.sort()).toEqual([0, 3, 4]);
    const roots = buildFrameTree(page);
    expect(roots[0]!.frame.frameId).toBe(0);
    expect(roots.slice(1).every((r) => r.orphan)).toBe(true);
  });

  test('a frame that is its own parent does not hang and is listed once, flagged orphan', () => {
    const page = pageOf([fr(0, -1), fr(5, 5)]);
    expect(listing(buildFrameTree(page))).toEqual([[0, 0, false], [5, 0, true]]);
  });

  test('a page with no frames has an empty tree', () => {
    expect(buildFrameTree(pageOf([]))).toEqual([]);
  });
});

describe('ownerElementOf', () => {
  const owned = el(0, 1, { id: 'one' });
  const page = pageOf([
    fr(0, -1, { embeds: [owned, el(1, 2, { id: 'claims-grandchild' })] }),
    fr(1, 0, { embeds: [el(0, null)] }),
    fr(2, 1),
    fr(3, 0),
    fr(9, 42),
  ]);
  test.each<[string, number, EmbedElement | null]>([
    ['the parent\'s element mapped to the frame', 1, owned],
    ['null when the element claiming the frame is not in the browser\'s parent', 2, null],
    ['null when the parent reported no element for the frame', 3, null],
    ['null for the top frame', 0, null],
    ['null when the parent is not recorded', 9, null],
  ])('%s', (_, frameId, expected) => {
    expect(ownerElementOf(page, page.frames[String(frameId)]!)).toEqual(expected);
  });

  test('the element claiming a non-child is not used as its owner in the tree either', () => {
    const node = flattenFrameTree(buildFrameTree(page)).find((n) => n.frame.frameId === 2)!;
    expect(node.owner).toBeNull();
    expect(node.depth).toBe(2);
  });
});

describe('renderFrameTreeText', () => {
  test('nothing recorded', () => {
    expect(renderFrameTreeText(null)).toBe('(nothing recorded for this tab yet)\n');
  });

  test('one line per frame, depth-first, indented two spaces per level, then the cap note', () => {
    const headers: [string, string][] = [['Content-Type', 'text/html'], ['Cross-Origin-Embedder-Policy', 'require-corp'], ['Set-Cookie', 'a=1']];
    const response = (url: string, statusCode: number, h: [string, string][]) => ({ url, statusCode, statusLine: '', headers: h, fromCache: false, timeStamp: 1 });
    const observed = (url: string, origin: string) => ({ url, origin, isSecureContext: true, crossOriginIsolated: false, documentDomain: null, originAgentCluster: null, observedAt: 1 });
    const page = pageOf([
      fr(0, -1, {
        url: 'https://a.test/',
        observed: observed('https://a.test/', 'https://a.test'),
        response: response('https://a.test/', 200, headers),
        embeds: [el(0, 2, { id: 'ads', sandbox: 'allow-scripts' }), el(1, 1, { name: 'login' }), el(2, 4, { sandbox: '' })],
      }),
      fr(1, 0, { url: 'https://b.test/login', observed: observed('https://b.test/login', 'https://b.test') }),
      fr(3, 1, { url: 'about:blank', observed: observed('about:blank', 'https://b.test') }),
      fr(2, 0, {
        url: 'https://ads.test/',
        status: 'error',
        error: 'net::ERR_BLOCKED_BY_RESPONSE',
        response: response('https://ads.test/', 200, [['Content-Type', 'text/html'], ['Content-Length', '10']]),
      }),
      fr(4, 0, { url: 'https://c.test/', observed: observed('https://c.test/', 'null') }),
      fr(9, 42, { url: 'https://x.test/' }),
    ], 2);
    expect(renderFrameTreeText(page)).toBe([
      '[0]  https://a.test/  origin=https://a.test  HTTP 200, 3 header lines',
      '  [2]  iframe#ads  https://ads.test/  HTTP 200, 2 header lines  sandbox="allow-scripts"  ERROR net::ERR_BLOCKED_BY_RESPONSE',
      '  [1]  iframe[name=login]  https://b.test/login  origin=https://b.test',
      '    [3]  about:blank  origin=https://b.test',
      '  [4]  https://c.test/  origin=null  sandbox=""',
      '[9]  https://x.test/  (parent not recorded)',
      '… 2 more frames not recorded (per-page cap)',
      '',
    ].join('\n'));
  });

  test('an error without a recorded error string says ERROR alone, and no cap note when nothing was dropped', () => {
    const page = pageOf([fr(0, -1, { url: 'https://a.test/', status: 'error' })]);
    expect(renderFrameTreeText(page)).toBe('[0]  https://a.test/  ERROR\n');
  });

  test('page-controlled text cannot fake report lines: control characters are shown as \\xNN', () => {
    const page = pageOf([
      fr(0, -1, { url: 'https://a.test/', embeds: [el(0, 1, { id: 'x\n[7]  https://evil.test/', sandbox: 'allow-scripts\u001b[2J' })] }),
      fr(1, 0, { url: 'https://b.test/\r' }),
    ]);
    const text = renderFrameTreeText(page);
    expect(text.split('\n')).toHaveLength(3); // two frames and the final newline
    expect(text).toContain('iframe#x\\x0a[7]  https://evil.test/');
    expect(text).toContain('sandbox="allow-scripts\\x1b[2J"');
    expect(text).toContain('https://b.test/\\x0d');
  });
});
