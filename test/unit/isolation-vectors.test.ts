// crossOriginIsolated of whole pages: vectors README §4.C rows X1–X11. Each row becomes a literal
// PageRecord (a top-level document with its headers, nested frames with their Permissions-Policy
// headers and <iframe> elements), run through evaluatePage for Chromium; the test asserts
// crossOriginIsolated for the frame the row is about.
// https://html.spec.whatwg.org/#concept-settings-object-cross-origin-isolated-capability
// HTML: the browsing context group's isolation mode must be "concrete" (the top-level document's COOP is
// same-origin-plus-COEP), and the document must be allowed to use the `cross-origin-isolated` feature,
// whose default allowlist is 'self'.
// Every expectation comes from the vectors table, never from the core's output.
//
// Rows X12–X17 are about workers (dedicated, data:, blob:, shared and service workers). The recorder sees
// documents only, never workers, so the core has nothing to judge there: those rows are not tested.
import { afterAll, describe, expect, test } from 'vitest';
import { COEP } from '../../src/shared/coep.ts';
import { COOP, COOP_RO } from '../../src/shared/coop.ts';
import { evaluatePage, type FrameEvaluation } from '../../src/shared/evaluate.ts';
import type { EmbedElement, FrameRecord, HeaderLine, PageRecord } from '../../src/shared/snapshot.ts';

// ── helpers ─────────────────────────────────────────────────────────────────────────────────────────

const CORP = 'Cross-Origin-Resource-Policy';
const PERMISSIONS_POLICY = 'Permissions-Policy';

const el = (index: number, frameId: number | null, over: Partial<EmbedElement> = {}): EmbedElement => ({
  tag: 'iframe', index, frameId, mappedBy: frameId === null ? null : 'getFrameId', id: null, name: null, src: null,
  srcdoc: false, sandbox: null, allow: null, referrerPolicy: null, loading: null,
  credentialless: { attribute: false, property: null }, ...over,
});
const fr = (frameId: number, parentFrameId: number, url: string, over: Partial<FrameRecord> = {}): FrameRecord => ({
  frameId, parentFrameId, url, status: 'loaded', updatedAt: 1, ...over,
});
const withHeaders = (url: string, headers: HeaderLine[]) => ({
  response: { url, statusCode: 200, statusLine: 'HTTP/1.1 200 OK', headers, fromCache: false, timeStamp: 1 },
});
const pageOf = (frames: FrameRecord[]): PageRecord => ({
  pageId: 'P', tabId: 7, url: frames[0]?.url ?? 'https://a.test/', startedAt: 1, lifecycle: 'active',
  frames: Object.fromEntries(frames.map((f) => [String(f.frameId), f])),
  dropped: { frames: 0 },
});

const TOP = 'https://a.test/';
const SAME_ORIGIN = 'https://a.test';
const CROSS_ORIGIN = 'https://b.test';

/** A top-level document alone, at `url`, answering with `headers` (rows X1–X6). */
const topLevel = (url: string, headers: HeaderLine[]): PageRecord => pageOf([fr(0, -1, url, withHeaders(url, headers))]);

/** The headers that isolate a top-level https: document (X2). */
const ISOLATING: HeaderLine[] = [[COOP, 'same-origin'], [COEP, 'require-corp']];
/**
 * What each nested frame of WPT's cross-origin-isolated-permission-iframe test answers with (its
 * `cors_coep_headers`): COEP require-corp, so it may load in an isolated page, and CORP cross-origin.
 */
const FRAME_HEADERS: HeaderLine[] = [[COEP, 'require-corp'], [CORP, 'cross-origin']];

/**
 * Rows X7–X11: an isolated top (frame 0) > a same-origin frame (1) that sends `Permissions-Policy:
 * cross-origin-isolated=<middlePolicy>` unless it is undefined > a frame (2) at `innerOrigin`, embedded
 * through an <iframe> without an allow attribute. Both frames answer with FRAME_HEADERS.
 */
function nested(middlePolicy: string | undefined, innerOrigin: string): PageRecord {
  const middle = `${SAME_ORIGIN}/middle`;
  const inner = `${innerOrigin}/inner`;
  const middleHeaders: HeaderLine[] = middlePolicy === undefined
    ? FRAME_HEADERS
    : [...FRAME_HEADERS, [PERMISSIONS_POLICY, `cross-origin-isolated=${middlePolicy}`]];
  return pageOf([
    fr(0, -1, TOP, { embeds: [el(0, 1, { src: middle })], ...withHeaders(TOP, ISOLATING) }),
    fr(1, 0, middle, { embeds: [el(0, 2, { src: inner })], ...withHeaders(middle, middleHeaders) }),
    fr(2, 1, inner, withHeaders(inner, FRAME_HEADERS)),
  ]);
}

// ── the table ───────────────────────────────────────────────────────────────────────────────────────

interface Row {
  id: string;
  what: string;
  /** One page per variant the row lists ("all 4" gives four). */
  variants: { name: string; page: PageRecord }[];
  /** The frame the row is about. */
  frameId: number;
  expected: boolean;
  /** What else the row states about that frame. */
  also?: (frame: FrameEvaluation) => void;
}

const X11_POLICIES: (string | undefined)[] = [undefined, '*', 'self', '()'];
const policyName = (p: string | undefined) => (p === undefined ? 'Permissions-Policy absent' : `Permissions-Policy: cross-origin-isolated=${p}`);

const ROWS: Row[] = [
  {
    id: 'X1', what: 'http top-level with COOP same-origin + COEP require-corp (headers ignored: not a secure context)',
    variants: [{ name: 'http://a.test/', page: topLevel('http://a.test/', ISOLATING) }], frameId: 0, expected: false,
    also: (frame) => {
      // Not a secure context, and the checklist says so first.
      expect(frame.secureContext.secure, 'secureContext.secure').toBe(false);
      expect(frame.isolation.checklist[0], 'the first checklist step').toMatchObject({ id: 'secure-context', ok: false });
      expect(frame.isolation.firstFailure?.id, 'the first failing step').toBe('secure-context');
    },
  },
  {
    id: 'X2', what: 'https top-level with COOP same-origin + COEP require-corp',
    variants: [{ name: TOP, page: topLevel(TOP, ISOLATING) }], frameId: 0, expected: true,
  },
  {
    id: 'X3', what: 'https top with COOP same-origin + COEP credentialless',
    variants: [{ name: TOP, page: topLevel(TOP, [[COOP, 'same-origin'], [COEP, 'credentialless']]) }], frameId: 0, expected: true,
  },
  {
    id: 'X4', what: 'https top with COOP same-origin and no COEP',
    variants: [{ name: TOP, page: topLevel(TOP, [[COOP, 'same-origin']]) }], frameId: 0, expected: false,
  },
  {
    id: 'X5', what: 'https top with COOP same-origin-allow-popups + COEP require-corp (only same-origin-plus-COEP isolates)',
    variants: [{ name: TOP, page: topLevel(TOP, [[COOP, 'same-origin-allow-popups'], [COEP, 'require-corp']]) }], frameId: 0, expected: false,
  },
  {
    id: 'X6', what: 'https top with only COOP-Report-Only same-origin + COEP require-corp',
    variants: [{ name: TOP, page: topLevel(TOP, [[COOP_RO, 'same-origin'], [COEP, 'require-corp']]) }], frameId: 0, expected: false,
  },
  {
    id: 'X7', what: 'isolated top > same-origin frame (no Permissions-Policy) > same-origin frame',
    variants: [{ name: policyName(undefined), page: nested(undefined, SAME_ORIGIN) }], frameId: 2, expected: true,
  },
  {
    id: 'X8', what: 'as X7, the middle frame sends cross-origin-isolated=*',
    variants: [{ name: policyName('*'), page: nested('*', SAME_ORIGIN) }], frameId: 2, expected: true,
  },
  {
    id: 'X9', what: 'as X7, the middle frame sends cross-origin-isolated=self',
    variants: [{ name: policyName('self'), page: nested('self', SAME_ORIGIN) }], frameId: 2, expected: true,
  },
  {
    id: 'X10', what: 'as X7, the middle frame sends cross-origin-isolated=()',
    variants: [{ name: policyName('()'), page: nested('()', SAME_ORIGIN) }], frameId: 2, expected: false,
  },
  {
    id: 'X11', what: 'isolated top > same-origin frame > cross-origin frame with no allow attribute',
    variants: X11_POLICIES.map((p) => ({ name: `middle frame: ${policyName(p)}`, page: nested(p, CROSS_ORIGIN) })),
    frameId: 2, expected: false,
  },
];

// ── conformance ─────────────────────────────────────────────────────────────────────────────────────

describe('conformance: crossOriginIsolated of whole pages, vectors X1–X11 (Chromium)', () => {
  let ran = 0;
  afterAll(() => console.log(`isolation vectors: ${ran} cases ran (rows X1–X11)`));

  test('the table has every row X1–X11, and X11 all four policies', () => {
    expect(ROWS.map((r) => r.id)).toEqual(Array.from({ length: 11 }, (_, i) => `X${i + 1}`));
    expect(ROWS.find((r) => r.id === 'X11')!.variants).toHaveLength(4);
  });

  const all = ROWS.flatMap((row) => row.variants.map((v, i) => ({
    row,
    page: v.page,
    name: `${row.id}${row.variants.length > 1 ? ` (${i + 1}/${row.variants.length})` : ''} ${row.what}: ${v.name} → ${row.expected}`,
  })));

  test.each(all)('$name', ({ row, page }) => {
    const e = evaluatePage(page, { engine: 'chromium' });
    // The page is as the row describes it: every frame present and loaded (none blocked by COEP or CORP).
    expect(e.frames.map((f) => f.frameId)).toEqual(Object.values(page.frames).map((f) => f.frameId));
    for (const f of e.frames) {
      expect(f.load.status, `frame ${f.frameId} loads`).toBe('loaded');
      expect(f.embedding?.blockedBy ?? [], `frame ${f.frameId} is not blocked`).toEqual([]);
    }
    const frame = e.byFrameId.get(row.frameId)!;
    expect(frame, `frame ${row.frameId} evaluated`).toBeDefined();
    expect(frame.isolation.crossOriginIsolated, 'isolation.crossOriginIsolated').toBe(row.expected);
    expect(frame.predicted.crossOriginIsolated, 'predicted.crossOriginIsolated').toBe(row.expected);
    row.also?.(frame);
    ran++;
  });
});
