// Incremental evaluation (issue 9, panel updates): evaluatePage(page, options, previous) keeps the earlier
// verdicts of the frames whose inputs are the same objects as before. Its result must equal a fresh
// evaluation's in every field, for any update; and it must really keep what did not change (else the
// panel's one-frame update costs a whole evaluation again).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { evaluatePage, type EvaluateOptions, type PageEvaluation } from '../../src/shared/evaluate.ts';
import { buildReport } from '../../src/shared/report.ts';
import type { FrameRecord, HeaderLine, PageRecord } from '../../src/shared/snapshot.ts';
import { syntheticPage } from '../bench/snapshots.ts';
import { frameArb, headerLines, oddURL, pageArb, sandboxValue, subresourceArb } from './arbitraries.ts';

const META = { tool: { name: 'frame-security', version: '0.1.0' }, browser: { name: 'Chromium', version: '156.0' }, generatedAt: '2026-11-22T08:00:00.000Z' };

/**
 * Every field of an evaluation as plain data: Maps and Sets as lists, a frame node as its frame's id,
 * depth and orphan flag (its children are other frames' business), opaque origins' counters (a new
 * opaque origin per evaluation, by design) as one name.
 */
function canonical(ev: PageEvaluation): string {
  return JSON.stringify(ev, function (key, value: unknown) {
    if (key === 'page' && this === ev) return undefined; // the input
    if (key === 'byFrameId' && this === ev) return [...ev.byFrameId.keys()]; // the frames again, by id
    if (key === 'node' && value && typeof value === 'object' && 'frame' in value) {
      const n = value as { frame: FrameRecord; owner: unknown; depth: number; orphan: boolean };
      return { frameId: n.frame.frameId, depth: n.depth, orphan: n.orphan, record: n.frame, owner: n.owner };
    }
    if (value instanceof Map) return { map: [...value.entries()] };
    if (value instanceof Set) return { set: [...value] };
    if (typeof value === 'string' && /^opaque-\d+$/.test(value)) return 'opaque-N';
    return value;
  });
}

function expectSameAsFresh(page: PageRecord, options: EvaluateOptions, previous: PageEvaluation) {
  const incremental = evaluatePage(page, options, previous);
  const fresh = evaluatePage(page, options);
  expect(canonical(incremental)).toBe(canonical(fresh));
  const report = (ev: PageEvaluation) => JSON.stringify(buildReport(ev, META)).replace(/opaque-\d+/g, 'opaque-N');
  expect(report(incremental)).toBe(report(fresh));
  return incremental;
}

const optionsArb = fc.record({
  engine: fc.constantFrom('chromium' as const, 'firefox' as const),
  trustworthyOrigins: fc.constantFrom([], ['http://a.test'], ['*.a.test']),
});

describe('evaluatePage with the previous evaluation equals a fresh evaluation', () => {
  test('malformed random pages, with frames kept, replaced, removed and added, and requests changed', () => {
    const change = fc.constantFrom('keep', 'keep', 'keep', 'replace', 'delete', 'copy');
    fc.assert(fc.property(pageArb, fc.array(change, { minLength: 8, maxLength: 8 }), fc.array(frameArb, { maxLength: 3 }), fc.array(subresourceArb, { maxLength: 2 }),
      fc.boolean(), optionsArb, optionsArb, (before, changes, added, requests, keepOpener, options, otherOptions) => {
        const previous = evaluatePage(before, options);
        const frames: Record<string, FrameRecord> = {};
        Object.entries(before.frames).forEach(([key, f], i) => {
          const c = changes[i % changes.length];
          if (c === 'keep') frames[key] = f;
          else if (c === 'copy') frames[key] = { ...f }; // equal content, a new object: judged again, same verdicts
          else if (c === 'replace') frames[key] = added[0] ? { ...added[0], frameId: f.frameId } : { ...f, status: 'error', error: 'net::ERR_BLOCKED_BY_RESPONSE' };
        });
        added.forEach((f, i) => (frames[`new-${i}`] = f));
        const subresources = { ...before.subresources };
        requests.forEach((r, i) => (subresources[`new-${i}`] = { ...r, requestId: `new-${i}` }));
        const after: PageRecord = {
          ...before, frames, subresources,
          ...(keepOpener ? {} : { openedBy: undefined }),
        };
        expectSameAsFresh(after, options, previous);
        // Other options: nothing may be kept (the verdicts depend on the engine and the trusted origins).
        expectSameAsFresh(after, otherOptions, previous);
        // Another page id: nothing kept either (opaque origins are keyed by page).
        expectSameAsFresh({ ...after, pageId: 'Q' }, options, previous);
      }), { numRuns: 300 });
  });

  test('a real tree (nested, sandboxed, isolated), one change at a time: equal to fresh, and only the changed subtree judged again', () => {
    const base = syntheticPage(48);
    const ids = Object.keys(base.frames).map(Number);
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('headers' as const), frameId: fc.constantFrom(...ids), headers: headerLines(4) }),
      fc.record({ kind: fc.constant('url' as const), frameId: fc.constantFrom(...ids), url: oddURL }),
      fc.record({ kind: fc.constant('error' as const), frameId: fc.constantFrom(...ids) }),
      fc.record({ kind: fc.constant('sandbox' as const), frameId: fc.constantFrom(...ids), value: fc.option(sandboxValue, { nil: null }) }),
      fc.record({ kind: fc.constant('remove' as const), frameId: fc.constantFrom(...ids) }),
      fc.record({ kind: fc.constant('request' as const), frameId: fc.constantFrom(...ids) }),
    );
    fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), optionsArb, (mutations, options) => {
      let page = structuredClone(base);
      let previous = evaluatePage(page, options);
      for (const m of mutations) {
        const frames = { ...page.frames };
        let subresources = page.subresources;
        const f = frames[String(m.frameId)];
        // The frames whose own record changes (a sandbox attribute is the parent's record).
        const changed = m.kind === 'sandbox' ? f?.parentFrameId ?? -1 : m.frameId;
        if (!f) continue;
        if (m.kind === 'headers') frames[String(m.frameId)] = { ...f, response: { ...(f.response ?? { url: f.url, statusCode: 200, statusLine: 'HTTP/1.1 200 OK', fromCache: false, timeStamp: 1 }), headers: m.headers as HeaderLine[] } };
        else if (m.kind === 'url') frames[String(m.frameId)] = { ...f, url: m.url };
        else if (m.kind === 'error') frames[String(m.frameId)] = { ...f, status: 'error', error: 'net::ERR_BLOCKED_BY_RESPONSE' };
        else if (m.kind === 'remove') {
          if (m.frameId === 0) continue;
          delete frames[String(m.frameId)];
        } else if (m.kind === 'request') {
          subresources = { ...subresources, [`r-${m.frameId}`]: { requestId: `r-${m.frameId}`, frameId: m.frameId, documentId: f.documentId!, type: 'script', method: 'GET', url: 'https://c.example/x.js', fetchMode: 'no-cors', fetchDest: 'script', responses: [{ url: 'https://c.example/x.js', statusCode: 200, fromCache: false, headers: [] }], state: 'complete', startedAt: 3 } };
        } else {
          const parent = frames[String(f.parentFrameId)];
          if (!parent) continue;
          frames[String(parent.frameId)] = { ...parent, embeds: parent.embeds!.map((e) => (e.frameId === m.frameId ? { ...e, sandbox: m.value } : e)) };
        }
        const earlier = page;
        page = { ...page, frames, ...(subresources ? { subresources } : {}) };
        const next = expectSameAsFresh(page, options, previous);
        // What is judged again: the changed frame's subtree as it was (the parent's, for an attribute: its
        // other children too; a removed frame's children become orphans), and everything when the top
        // changed. Every other frame keeps its verdict objects.
        const inSubtree = (id: number): boolean => {
          if (changed === 0) return true; // every frame's findings read the top's verdicts, orphans' too
          for (let x: FrameRecord | undefined = earlier.frames[String(id)]; x; x = x.parentFrameId === -1 ? undefined : earlier.frames[String(x.parentFrameId)]) {
            if (x.frameId === changed) return true;
          }
          return false;
        };
        for (const e of next.frames) {
          const old = previous.byFrameId.get(e.frameId)!;
          if (inSubtree(e.frameId)) expect(e, `frame ${e.frameId} judged again after ${m.kind} of ${m.frameId}`).not.toBe(old);
          else expect(e, `frame ${e.frameId} kept (the very object) after ${m.kind} of ${m.frameId}`).toBe(old);
        }
        previous = next;
      }
    }), { numRuns: 40 });
  });
});
