// Bad input (issue 9, part 3): properties of the whole evaluation over malformed snapshots — cycles and dangling
// parent links, duplicate frame ids, missing optional fields, odd URLs and adversarial headers, frame chains
// thousands deep. Properties: evaluatePage, buildReport and the text renderings never throw and never hang; one
// evaluation per frame; every ancestor chain terminates; results are deterministic and do not depend on what was
// evaluated before (the core memoizes); every report validates against schema/report.schema.json.
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { evaluatePage, type EvaluateOptions, type FrameEvaluation, type PageEvaluation } from '../../src/shared/evaluate.ts';
import { buildFrameTree, flattenFrameTree, renderFrameTreeText } from '../../src/shared/frame-tree.ts';
import { isPageRecord } from '../../src/shared/protocol.ts';
import { buildReport, type Report } from '../../src/shared/report.ts';
import { reportToMarkdown } from '../../src/shared/report-markdown.ts';
import type { EmbedElement, FrameRecord, HeaderLine, PageRecord } from '../../src/shared/snapshot.ts';
import { keyFrames, oddURL, pageArb, sandboxValue, within } from './arbitraries.ts';

const schema = JSON.parse(readFileSync(new URL('../../schema/report.schema.json', import.meta.url), 'utf8')) as object;
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
const validate = ajv.compile(schema);

const META = { tool: { name: 'frame-security', version: '0.1.0' }, browser: { name: 'Chromium', version: '156.0' }, generatedAt: '2026-11-22T08:00:00.000Z' };
const optionsArb = fc.record({
  engine: fc.constantFrom('chromium' as const, 'firefox' as const),
  trustworthyOrigins: fc.array(fc.oneof(oddURL, fc.constantFrom('*.a.test', 'http://a.test', '*', '')), { maxLength: 3 }),
}, { requiredKeys: [] });

/** The generous per-page bound: a random page (≤ 8 frames) evaluates in a few ms; the machine is shared. */
const PAGE_BUDGET_MS = 10_000; // generous: this catches hangs, not slowness (npm run bench measures speed)

const reportOf = (page: PageRecord, options: EvaluateOptions) => buildReport(evaluatePage(page, options), META, []);
/** The JSON a report is written as (what the CLI prints and the panel exports). */
const json = (r: Report) => JSON.parse(JSON.stringify(r)) as unknown;

function expectValid(report: Report) {
  const ok = validate(json(report));
  expect(ok, JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
}

/** The parent evaluation of a frame, as the evaluation itself links them. */
const parentOf = (e: FrameEvaluation, by: Map<number, FrameEvaluation>) => (e.node.orphan || e.node.frame.parentFrameId === -1 ? undefined : by.get(e.node.frame.parentFrameId));

/** Every structural property of one evaluation. */
function expectConsistent(page: PageRecord, ev: PageEvaluation) {
  const listed = new Set(Object.values(page.frames).map((f) => f.frameId));
  // One evaluation per distinct frame id listed (two records with one id are one frame: the evaluation keys by id).
  expect(ev.frames.map((e) => e.frameId).sort((a, b) => a - b)).toEqual([...listed].sort((a, b) => a - b));
  expect(ev.byFrameId.size).toBe(ev.frames.length);
  const order = new Map(ev.frames.map((e, i) => [e, i]));
  for (const e of ev.frames) {
    expect(ev.byFrameId.get(e.frameId)).toBe(e);
    // Every frame's ancestor chain terminates, in at most as many steps as there are frames, at its depth.
    // (Plain comparisons in the loop: an expect per step costs seconds on a chain 2,000 deep.)
    let steps = 0;
    for (let p = parentOf(e, ev.byFrameId); p && steps <= ev.frames.length; p = parentOf(p, ev.byFrameId)) steps += 1;
    expect(steps).toBeLessThanOrEqual(ev.frames.length);
    expect(e.node.depth).toBe(steps);
    expect(e.secureContext.ancestors.length).toBeLessThan(ev.frames.length);
    // Parents come before their children (the evaluation relies on it).
    const parent = parentOf(e, ev.byFrameId);
    if (parent) expect(order.get(parent)!).toBeLessThan(order.get(e)!);
    expect(e.relation.toParent === null).toBe(parent === undefined);
    // A child keeps every sandboxing flag of its parent; the origin flag makes the origin opaque.
    if (parent) for (const flag of parent.sandbox.active) expect(e.sandbox.active.has(flag)).toBe(true);
    if (e.sandbox.active.has('origin')) expect(e.origin.type).toBe('opaque');
    expect(e.predicted.originOpaque).toBe(e.serializedOrigin === 'null');
    expect(e.predicted.originOpaque).toBe(e.origin.type === 'opaque');
    // A secure child has a secure parent (unless the parent is srcdoc, which the chain skips).
    if (parent && e.secureContext.secure && !/^about:srcdoc(?:[?#]|$)/i.test(parent.node.frame.url)) expect(parent.secureContext.secure).toBe(true);
    if (e.isolation.crossOriginIsolated) expect(e.isolation.groupIsolated && e.isolation.permission).toBe(true);
    expect(e.subresourceSummary.requests).toBe(e.subresources.length);
  }
  expect(ev.findings.length).toBe(ev.frames.reduce((n, e) => n + e.findings.length, 0));
}

function expectReportConsistent(report: Report, ev: PageEvaluation) {
  expectValid(report);
  expect(report.frames.length).toBe(ev.frames.length);
  expect(report.summary.frames).toBe(report.frames.length);
  const { error, warning, info } = report.summary.findings;
  expect(error + warning + info).toBe(ev.findings.length);
  const md = reportToMarkdown(report);
  const frameSection = md.split('\n## Frames\n\n')[1]!.split('\n\n')[0]!;
  // One line per frame: no page-controlled text can add a line.
  expect(report.frames.length === 0 ? 0 : frameSection.split('\n').length).toBe(report.frames.length);
}

// ── random malformed snapshots ──────────────────────────────────────────────────────────────────────

describe('evaluatePage over malformed snapshots', () => {
  test('never throws or hangs, gives one evaluation per frame, every ancestor chain terminates, and leaves the snapshot unchanged', () => {
    fc.assert(fc.property(pageArb, optionsArb, (page, options) => {
      const before = structuredClone(page);
      const ev = within(PAGE_BUDGET_MS, () => evaluatePage(page, options));
      expectConsistent(page, ev);
      expect(page).toEqual(before);
    }), { numRuns: 150 });
  });

  test('buildReport validates against the schema, its summary adds up, and its Markdown has one line per frame', () => {
    fc.assert(fc.property(pageArb, optionsArb, fc.array(pageArb, { maxLength: 2 }), (page, options, popups) => {
      const ev = evaluatePage(page, options);
      const report = within(PAGE_BUDGET_MS, () => buildReport(ev, META, popups.map((p) => evaluatePage(p, options))));
      expectReportConsistent(report, ev);
      expect(typeof renderFrameTreeText(page)).toBe('string');
    }), { numRuns: 100 });
  });

  test('is deterministic and independent of what was evaluated before: the same snapshot gives the same report', () => {
    fc.assert(fc.property(pageArb, pageArb, optionsArb, (page, other, options) => {
      const first = json(reportOf(page, options));
      reportOf(other, options);
      reportOf(other, { engine: options.engine === 'firefox' ? 'chromium' : 'firefox' });
      expect(json(reportOf(structuredClone(page), options))).toEqual(first);
    }), { numRuns: 100 });
  });

  test('the order of the frame records does not change the report', () => {
    fc.assert(fc.property(pageArb, optionsArb, (page, options) => {
      // Distinct ids only: with duplicate ids, which record stands for the frame may depend on the order.
      const ids = Object.values(page.frames).map((f) => f.frameId);
      fc.pre(new Set(ids).size === ids.length);
      const reversed = { ...page, frames: Object.fromEntries(Object.entries(page.frames).reverse()) };
      expect(json(reportOf(reversed, options))).toEqual(json(reportOf(page, options)));
    }), { numRuns: 100 });
  });

  test('whatever the protocol guard accepts with a field removed, the evaluation and the report handle', () => {
    type Path = (string | number)[];
    const pathsOf = (x: unknown, prefix: Path = []): Path[] => (typeof x !== 'object' || x === null ? [] : Object.entries(x).flatMap(([k, v]) => {
      const p = [...prefix, Array.isArray(x) ? Number(k) : k];
      return Array.isArray(x) ? pathsOf(v, p) : [p, ...pathsOf(v, p)];
    }));
    let accepted = 0;
    fc.assert(fc.property(pageArb, fc.nat(), (page, pick) => {
      const paths = pathsOf(page);
      const path = paths[pick % paths.length]!;
      const copy = structuredClone(page) as unknown as Record<string | number, unknown>;
      let at = copy;
      for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
      delete at[path.at(-1)!];
      if (!isPageRecord(copy)) return;
      accepted += 1;
      const ev = evaluatePage(copy, { engine: 'chromium' });
      expectConsistent(copy, ev);
      expectReportConsistent(buildReport(ev, META), ev);
    }), { numRuns: 200 });
    // Optional fields are common: most removals are accepted, so this property does exercise the evaluation.
    expect(accepted).toBeGreaterThan(20);
  });
});

// ── structures built to be bad: thousands deep, cycles, dangling parents, duplicate ids ─────────────

const el = (frameId: number, over: Partial<EmbedElement> = {}): EmbedElement => ({
  tag: 'iframe', index: 0, frameId, mappedBy: 'getFrameId', id: null, name: null, src: null, srcdoc: false, sandbox: null, allow: null,
  referrerPolicy: null, loading: null, credentialless: { attribute: false, property: null }, ...over,
});
const ISOLATING: HeaderLine[] = [['Cross-Origin-Opener-Policy', 'same-origin'], ['Cross-Origin-Embedder-Policy', 'require-corp'], ['Cross-Origin-Resource-Policy', 'cross-origin']];
const response = (url: string, headers: HeaderLine[]) => ({ url, statusCode: 200, statusLine: 'HTTP/1.1 200 OK', headers, fromCache: false, timeStamp: 1 });
const pageOf = (frames: FrameRecord[]): PageRecord => ({ pageId: 'P', tabId: 1, url: frames[0]?.url ?? '', startedAt: 1, lifecycle: 'active', frames: keyFrames(frames), dropped: { frames: 0 } });

/** A chain `depth` frames deep; each frame a kind chosen by `kind(i)`; `sandboxed` adds sandbox attributes and CSP sandbox. */
function chain(depth: number, kind: (i: number) => number, parentOf: (i: number) => number = (i) => i - 1, sandboxed = false): PageRecord {
  const frames: FrameRecord[] = [];
  for (let i = 0; i < depth; i++) {
    const k = kind(i);
    const url = ['https://a.test/', 'about:srcdoc', 'https://b.test/x', 'data:text/html,x', 'http://c.test/', 'about:blank', 'blob:https://a.test/u'][k % 7]!;
    const headers: HeaderLine[] = k % 3 === 0 ? ISOLATING : sandboxed ? [['Content-Security-Policy', 'sandbox allow-scripts allow-same-origin']] : [['X-Frame-Options', 'sameorigin']];
    frames.push({
      frameId: i, parentFrameId: i === 0 ? -1 : parentOf(i), url, status: 'loaded', updatedAt: 1,
      ...(url.startsWith('http') ? { response: response(url, headers) } : {}),
      embeds: [el(i + 1, { sandbox: sandboxed && k % 5 === 0 ? 'allow-scripts allow-same-origin' : null, allow: 'cross-origin-isolated', srcdoc: url === 'about:srcdoc' })],
    });
  }
  return pageOf(frames);
}

describe('evaluatePage over structures built to be bad', () => {
  // The recorder keeps up to 2,000 frames a page; Blink allows 1,000 frames a page. Mixed chains do more work
  // per level (every ancestor's origin, X-Frame-Options against each ancestor), so they are shorter.
  const MIXED = 600;
  const DEEP = 2000;
  const plain = (depth: number, parentOf: (i: number) => number = (i) => i - 1) => pageOf(Array.from({ length: depth }, (_, i): FrameRecord => ({
    frameId: i, parentFrameId: i === 0 ? -1 : parentOf(i), url: i % 2 ? 'https://a.test/x' : 'about:srcdoc', status: 'loaded', updatedAt: 1,
  })));
  test.each<[string, () => PageRecord]>([
    [`a chain ${DEEP} frames deep (https and srcdoc)`, () => plain(DEEP)],
    [`a cycle of ${DEEP} frames with no top frame`, () => {
      const page = plain(DEEP);
      page.frames['0']!.parentFrameId = DEEP - 1; // 0 → 1999 → … → 1 → 0
      return page;
    }],
    [`a chain ${MIXED} frames deep (https, srcdoc, data:, blob:, about:blank, http, headers)`, () => chain(MIXED, (i) => i)],
    [`a chain ${MIXED} frames deep, all same-origin https with isolation headers`, () => chain(MIXED, () => 0)],
    [`${DEEP} frames whose parents are missing`, () => chain(DEEP, (i) => i, (i) => DEEP + i)],
    [`${DEEP} frames under one parent, each listed twice with the same id`, () => {
      const frames = Object.values(chain(DEEP / 2, (i) => i, () => 0).frames);
      return pageOf([...frames, ...frames.map((f) => ({ ...f, url: 'https://dup.test/' }))]);
    }],
  ])('%s: evaluates without throwing, in < 10 s, consistently; the report validates', (_name, make) => {
    const page = make();
    const ev = within(10_000, () => evaluatePage(page, { engine: 'chromium' }));
    expectConsistent(page, ev);
    const report = within(10_000, () => buildReport(ev, META));
    expectReportConsistent(report, ev);
    expect(renderFrameTreeText(page).split('\n').length).toBeGreaterThanOrEqual(ev.frames.length);
  }, 60_000);

  test('nested sandboxed frames: the report of a frame does not grow with the depth of its sandboxed ancestors', () => {
    // BUG: every frame's sandbox sources hold every source of every inherited flag (determineSandboxingFlags copies
    // the parent's lists), and frameReport writes them all (sandbox.sources[flag] = every source, described). A
    // chain of n sandboxed frames gives a report of O(n²) size: 200 deep → 26 MB of JSON, 400 → 105 MB,
    // 800 → 420 MB and minutes; past ~1,000 (Blink's frame limit; the recorder keeps 2,000) JSON.stringify throws
    // "Invalid string length". Minimal counterexample: a chain of 300 frames, each <iframe sandbox="allow-scripts
    // allow-same-origin">: the deepest frame's report is ~600 KB, with 300 sources for each of 13 flags.
    // src/shared/sandboxing.ts determineSandboxingFlags (sources), src/shared/report.ts frameReport (sandbox.sources).
    const size = (depth: number) => {
      const ev = evaluatePage(chain(depth, () => 0, (i) => i - 1, true), { engine: 'chromium' });
      return JSON.stringify(buildReport({ ...ev, frames: [ev.frames.at(-1)!] }, META).frames[0]).length;
    };
    const shallow = size(10);
    const deep = size(300);
    expect(deep, `the deepest frame's report: ${shallow} characters at depth 10, ${deep} at depth 300`).toBeLessThan(shallow * 3);
  }, 60_000);

  test('random parent links over many frames (cycles, self-parents, dangling) still give a tree: every frame placed once', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: -1, max: 60 }), { minLength: 1, maxLength: 50 }), fc.array(sandboxValue, { maxLength: 50 }), (parents, sandboxes) => {
      const frames: FrameRecord[] = parents.map((p, i) => ({
        frameId: i, parentFrameId: p, url: i % 2 ? 'about:srcdoc' : 'https://a.test/', status: 'loaded', updatedAt: 1,
        embeds: parents.flatMap((q, j) => (q === i ? [el(j, { index: j, sandbox: sandboxes[j] ?? null })] : [])),
      }));
      const page = pageOf(frames);
      const nodes = flattenFrameTree(buildFrameTree(page));
      expect(nodes.map((n) => n.frame.frameId).sort((a, b) => a - b)).toEqual(frames.map((f) => f.frameId));
      const ev = within(PAGE_BUDGET_MS, () => evaluatePage(page));
      expectConsistent(page, ev);
    }), { numRuns: 100 });
  });

  test('a popup whose opener chain is a cycle with dangling links evaluates, and its opener is found or null', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: -1, max: 7 }), oddURL), { maxLength: 6 }), fc.integer({ min: 0, max: 7 }), (links, openerFrame) => {
      const chainFrames: FrameRecord[] = links.map(([id, parent, url]) => ({ frameId: id, parentFrameId: parent, url, status: 'loaded', updatedAt: 1 }));
      const page: PageRecord = {
        ...pageOf([{ frameId: 0, parentFrameId: -1, url: 'https://b.test/popup', status: 'loaded', updatedAt: 1, response: response('https://b.test/popup', ISOLATING) }]),
        openedBy: { tabId: 3, frameId: openerFrame, url: 'https://a.test/', at: 1, chain: chainFrames },
      };
      const ev = evaluatePage(page);
      expectConsistent(page, ev);
      if (ev.opener) expect(chainFrames.some((f) => f.frameId === openerFrame)).toBe(true);
      expectReportConsistent(buildReport(ev, META), ev);
    }), { numRuns: 150 });
  });
});
