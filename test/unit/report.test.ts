// The report (JSON for the CLI and the panel's export) and its Markdown: every report validates against
// schema/report.schema.json, carries what the schema names with the spec's values, and the
// Markdown keeps page-controlled text inert.
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { evaluatePage } from '../../src/shared/evaluate.ts';
import { buildReport, REPORT_SCHEMA_VERSION, type Report } from '../../src/shared/report.ts';
import { code, reportToMarkdown } from '../../src/shared/report-markdown.ts';
import type { EmbedElement, FrameRecord, HeaderLine, PageRecord, SubresourceRecord } from '../../src/shared/snapshot.ts';

const schema = JSON.parse(readFileSync(new URL('../../schema/report.schema.json', import.meta.url), 'utf8')) as object;
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
const validate = ajv.compile(schema);

const el = (index: number, frameId: number, over: Partial<EmbedElement> = {}): EmbedElement => ({
  tag: 'iframe', index, frameId, mappedBy: 'getFrameId', id: null, name: null, src: null,
  srcdoc: false, sandbox: null, allow: null, referrerPolicy: null, loading: null,
  credentialless: { attribute: false, property: null }, ...over,
});
const fr = (frameId: number, parentFrameId: number, url: string, over: Partial<FrameRecord> = {}): FrameRecord => ({
  frameId, parentFrameId, url, status: 'loaded', updatedAt: 1, ...over,
});
const response = (url: string, headers: HeaderLine[]) => ({ response: { url, statusCode: 200, statusLine: 'HTTP/1.1 200 OK', headers, fromCache: false, timeStamp: 1 } });
const pageOf = (frames: FrameRecord[], over: Partial<PageRecord> = {}): PageRecord => ({
  pageId: 'P', tabId: 7, url: frames[0]!.url, startedAt: 1, lifecycle: 'active',
  frames: Object.fromEntries(frames.map((f) => [String(f.frameId), f])), dropped: { frames: 0 }, ...over,
});
const META = { tool: { name: 'frame-security', version: '0.1.0' }, browser: { name: 'Chromium', version: '156.0' }, generatedAt: '2026-11-22T08:00:00.000Z' };
const request = (requestId: string, frameId: number, url: string, over: Partial<SubresourceRecord> = {}): SubresourceRecord => ({
  requestId, frameId, type: 'image', method: 'GET', url, fetchMode: 'no-cors', fetchDest: 'image', responses: [{ url, statusCode: 200, fromCache: false, headers: [] }],
  state: 'complete', startedAt: 10, ...over,
});

// An https page with a sandboxed child, a cross-site child and a subresource; an http page; an isolated
// page with a blocked child; a popup record.
const SANDBOXED = pageOf([
  fr(0, -1, 'https://a.test/', { embeds: [el(0, 1, { id: 'sb', sandbox: 'allow-scripts', src: '/f' }), el(1, 2, { name: 'x', src: 'https://b.test/' })] }),
  fr(1, 0, 'https://a.test/f'),
  fr(2, 0, 'https://b.test/'),
], { subresources: { r1: request('r1', 0, 'https://b.test/i.png') } });
const INSECURE = pageOf([
  fr(0, -1, 'http://a.test/', { embeds: [el(0, 1)] }),
  fr(1, 0, 'https://b.test/'),
]);
const ISOLATED = pageOf([
  fr(0, -1, 'https://a.test/', { ...response('https://a.test/', [['Cross-Origin-Opener-Policy', 'same-origin'], ['Cross-Origin-Embedder-Policy', 'require-corp']]), embeds: [el(0, 1, { id: 'blocked' })] }),
  fr(1, 0, 'https://b.test/x', { status: 'error', error: 'net::ERR_BLOCKED_BY_RESPONSE', ...response('https://b.test/x', []) }),
]);
const POPUP = pageOf([fr(0, -1, 'https://b.test/popup', response('https://b.test/popup', [['Cross-Origin-Opener-Policy', 'same-origin']]))], {
  openedBy: { tabId: 3, frameId: 0, url: 'https://a.test/', at: 1, chain: [fr(0, -1, 'https://a.test/')] },
});

const reportOf = (page: PageRecord, popups: PageRecord[] = []): Report =>
  buildReport(evaluatePage(page, { engine: 'chromium' }), META, popups.map((p) => evaluatePage(p, { engine: 'chromium' })));

describe('the JSON report', () => {
  test.each([['sandboxed', SANDBOXED], ['insecure', INSECURE], ['isolated', ISOLATED], ['popup', POPUP]] as const)('%s: validates against the schema', (_n, page) => {
    const report = reportOf(page, page === SANDBOXED ? [POPUP] : []);
    const ok = validate(JSON.parse(JSON.stringify(report)));
    expect(ok, JSON.stringify(validate.errors, null, 1)).toBe(true);
    expect(report.schemaVersion).toBe(REPORT_SCHEMA_VERSION);
  });

  test('the schema is strict: an unknown field or a wrong value fails validation', () => {
    const report = JSON.parse(JSON.stringify(reportOf(SANDBOXED))) as Report & Record<string, unknown>;
    expect(validate({ ...report, extra: 1 })).toBe(false);
    expect(validate({ ...report, schemaVersion: 2 })).toBe(false);
    const badFrame = { ...report.frames[0]!, loadStatus: 'fine' };
    expect(validate({ ...report, frames: [badFrame] })).toBe(false);
  });

  test('a sandboxed child: flags by their HTML names (kebab case), each with its source; opaque origin and why', () => {
    const f = reportOf(SANDBOXED).frames.find((x) => x.frameId === 1)!;
    // HTML "parse a sandboxing directive": allow-scripts lifts only the scripts flag (and automatic
    // features stay set); every other flag is set.
    expect(f.sandbox.flags).toContain('origin');
    expect(f.sandbox.flags).toContain('top-level-navigation-without-user-activation');
    expect(f.sandbox.flags).toContain('propagates-to-auxiliary-browsing-contexts');
    expect(f.sandbox.flags).not.toContain('scripts');
    expect(f.sandbox.attribute).toBe('allow-scripts');
    expect(f.sandbox.sources.origin?.[0]).toContain('sandbox="allow-scripts"');
    expect(f.origin).toBe('null');
    expect(f.opaqueReason).toBe('sandboxed without allow-same-origin');
    expect(f.precursorOrigin).toBe('https://a.test');
    expect(f.ownerElement).toMatchObject({ tag: 'iframe', id: 'sb', sandbox: 'allow-scripts', src: '/f' });
    expect(f.label).toBe('iframe#sb');
  });

  test('relations: an opaque child is cross-site to its parent; b.test is cross-site to a.test', () => {
    const r = reportOf(SANDBOXED);
    expect(r.frames.find((x) => x.frameId === 0)!.relation).toEqual({ toTop: null, toParent: null });
    expect(r.frames.find((x) => x.frameId === 1)!.relation).toEqual({ toTop: 'cross-site', toParent: 'cross-site' });
    expect(r.frames.find((x) => x.frameId === 2)!.relation).toEqual({ toTop: 'cross-site', toParent: 'cross-site' });
  });

  test('secure contexts: an https frame in an http page is an insecure ancestor case, broken by the top', () => {
    const r = reportOf(INSECURE);
    expect(r.frames[0]!.secureContext).toMatchObject({ value: false, reason: 'insecure-scheme', brokenBy: null });
    expect(r.frames[1]!.secureContext).toMatchObject({ value: false, reason: 'insecure-ancestor', brokenBy: { frameId: 0, url: 'http://a.test/', origin: 'http://a.test' } });
    expect(r.summary.notSecure).toBe(2);
    expect(r.frames[0]!.findings.map((f) => f.id)).toContain('insecure-scheme');
  });

  test('isolation: the isolated top, and a cross-origin child without CORP blocked, with its cause', () => {
    const r = reportOf(ISOLATED);
    expect(r.frames[0]!.crossOriginIsolated).toMatchObject({ value: true, reason: null, contextType: 'isolated' });
    expect(r.frames[0]!.policies.coop).toEqual({ value: 'same-origin-plus-COEP', reportTo: null, reportOnly: 'unsafe-none', reportOnlyReportTo: null });
    expect(r.frames[0]!.policies.coep).toMatchObject({ value: 'require-corp', inherited: false });
    const child = r.frames[1]!;
    expect(child.loadStatus).toBe('blocked');
    expect(child.error).toBe('net::ERR_BLOCKED_BY_RESPONSE');
    // Fetch's CORP check (forNavigation) under require-corp runs first: a missing CORP means same-origin.
    expect(child.blockedBy[0]).toBe('corp');
    expect(child.policies.coop).toBeNull();
    expect(r.summary.blocked).toBe(1);
    expect(r.summary.crossOriginIsolated).toBe(1);
  });

  test('subresources: a cross-site image without CORP would be blocked by require-corp, loads without credentials under credentialless', () => {
    const r = reportOf(SANDBOXED);
    const req = r.frames[0]!.subresources.requests[0]!;
    expect(req).toMatchObject({ url: 'https://b.test/i.png', count: 1, mode: 'no-cors', modeFrom: 'sec-fetch-mode' });
    expect(req.requireCorp).toEqual({ result: 'blocked', response: 0, url: 'https://b.test/i.png', corp: null, step: 'not-same-origin', defaulted: true });
    expect(req.credentialless).toEqual({ result: 'loads', why: 'without-credentials', withoutCredentials: [0] });
    expect(req.now).toEqual({ result: 'loads', why: 'allowed' });
    expect(r.summary.requireCorpWouldBlock).toBe(1);
  });

  test('popups: the opener side lists the popup with its predicted fate; the popup names its opener', () => {
    const r = reportOf(SANDBOXED, [POPUP]);
    // HTML: an unsafe-none opener and a same-origin popup do not match, so the popup's group switches.
    expect(r.popups).toEqual([{ tabId: 7, url: 'https://b.test/popup', openerKept: false, step: expect.any(String) }]);
    const p = reportOf(POPUP);
    expect(p.openedBy).toMatchObject({ tabId: 3, frameId: 0, url: 'https://a.test/', openerKept: false });
  });

  test('summary counts agree with the frames', () => {
    const r = reportOf(SANDBOXED);
    const all = r.frames.flatMap((f) => f.findings);
    expect(r.summary.findings).toEqual({
      error: all.filter((f) => f.severity === 'error').length,
      warning: all.filter((f) => f.severity === 'warning').length,
      info: all.filter((f) => f.severity === 'info').length,
    });
    expect(r.summary).toMatchObject({ frames: 3, sandboxed: 1, opaque: 1 });
  });

  test('the report is plain JSON: it survives a round trip unchanged', () => {
    const r = reportOf(SANDBOXED, [POPUP]);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });
});

describe('the Markdown report', () => {
  test('code spans hold any text, backticks and newlines included', () => {
    expect(code('plain')).toBe('`plain`');
    expect(code('a`b')).toBe('``a`b``');
    expect(code('`edge`')).toBe('`` `edge` ``');
    expect(code('line\nbreak')).toBe('`line break`');
  });

  test('the tree, indented by depth, and every finding with its fix', () => {
    const md = reportToMarkdown(reportOf(INSECURE));
    expect(md).toContain('# Frame Security report: `http://a.test/`');
    expect(md).toMatch(/^- `http:\/\/a\.test\/` — origin `http:\/\/a\.test`; \*\*not a secure context\*\* \(insecure-scheme\)/m);
    expect(md).toMatch(/^ {2}- `https:\/\/b\.test\/` — origin `https:\/\/b\.test`; \*\*not a secure context\*\* \(insecure-ancestor\)/m);
    expect(md).toContain('### warning: insecure-ancestor — frame 1');
    expect(md).toContain('Fix: ');
  });

  test('page-controlled markup stays inert: in code spans or escaped', () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const page = pageOf([
      fr(0, -1, `http://a.test/?q=${hostile}`, { embeds: [el(0, 1, { id: `</td><script>x</script>`, sandbox: 'allow-script' })] }),
      fr(1, 0, `http://a.test/${hostile}`),
    ]);
    const md = reportToMarkdown(reportOf(page));
    // Every occurrence of the markup is inside a code span or escaped (\<).
    const outside = md.split('\n').map((line) => line.replace(/(`+)[^`]*?\1/g, '')).join('\n');
    expect(outside).toContain('\\<script'); // the finding's explanation quotes the element, escaped
    expect(outside.replace(/\\</g, '')).not.toMatch(/<img|<script|<\/td>/);
    expect(md).toContain('`iframe#</td><script>x</script>`'); // the frame's label, from its id
  });
});
