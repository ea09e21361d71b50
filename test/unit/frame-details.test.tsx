// @vitest-environment happy-dom
// The details pane of the selected frame, rendered in happy-dom from literal recorded snapshots run
// through the core (evaluatePage), as the panel does. Each test reads what a user reads: the summary
// lines, each section's rows, the sandbox flag table, the isolation checklist and policies, the
// findings with their copy buttons, the browser-vs-analysis banner, and the folded sections. A
// hostile snapshot proves that page text stays text.
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { FrameDetails } from '../../src/panel/components/FrameDetails.tsx';
import { copyText, fixSnippets } from '../../src/panel/components/Copy.tsx';
import { createSectionState, type SectionState } from '../../src/panel/components/Section.tsx';
import { evaluatePage } from '../../src/shared/evaluate.ts';
import { FINDINGS } from '../../src/shared/findings/catalog.ts';
import { SANDBOX_FLAGS } from '../../src/shared/sandboxing.ts';
import { SECURE_CONTEXT_FEATURES } from '../../src/shared/secure-context.ts';
import type { EmbedElement, FrameRecord, HeaderLine, ObservedDocument, PageRecord, SubresourceRecord } from '../../src/shared/snapshot.ts';

// ── snapshots ───────────────────────────────────────────────────────────────────────────────────
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
const observed = (over: Partial<ObservedDocument> & Pick<ObservedDocument, 'url' | 'origin'>): { observed: ObservedDocument } => ({
  observed: { isSecureContext: true, crossOriginIsolated: false, documentDomain: null, originAgentCluster: null, observedAt: 1, ...over },
});
const pageOf = (frames: FrameRecord[], over: Partial<PageRecord> = {}): PageRecord => ({
  pageId: 'P', tabId: 7, url: frames[0]?.url ?? 'https://a.test/', startedAt: 1, lifecycle: 'active',
  frames: Object.fromEntries(frames.map((f) => [String(f.frameId), f])),
  dropped: { frames: 0 }, ...over,
});
const image = (requestId: string, url: string, headers: HeaderLine[] = [], frameId = 0): SubresourceRecord => ({
  requestId, frameId, type: 'image', method: 'GET', url, fetchMode: 'no-cors', state: 'complete', startedAt: 5,
  responses: [{ url, statusCode: 200, fromCache: false, headers }],
});

const COOP: HeaderLine = ['Cross-Origin-Opener-Policy', 'same-origin'];
const COEP: HeaderLine = ['Cross-Origin-Embedder-Policy', 'require-corp'];

// ── rendering ───────────────────────────────────────────────────────────────────────────────────
let container: HTMLDivElement;
beforeEach(() => {
  container = document.createElement('div');
  document.body.append(container);
});
afterEach(() => {
  render(null, container);
  container.remove();
  vi.restoreAllMocks();
});

/** Renders the details of one frame of the page, as the panel's App does. */
function show(page: PageRecord, frameId: number, sections: SectionState = createSectionState()) {
  const ev = evaluatePage(page, { engine: 'chromium' });
  const e = ev.byFrameId.get(frameId);
  if (!e) throw new Error(`no frame ${frameId}`);
  act(() => {
    render(
      <FrameDetails node={e.node} evaluation={e} openerSurvives={ev.openerSurvives} droppedSubresources={ev.subresources.dropped} sections={sections} />,
      container,
    );
  });
  return { e, ev, sections };
}

const $ = (sel: string, root: ParentNode = container) => root.querySelector(sel);
const $$ = (sel: string, root: ParentNode = container) => [...root.querySelectorAll(sel)];
const text = (sel: string, root: ParentNode = container) => {
  const node = $(sel, root);
  if (!node) throw new Error(`nothing matches ${sel}`);
  return node.textContent ?? '';
};
const summary = () => $$('[data-testid=summary] li').map((li) => li.textContent);
/** A section's key–value rows (th → td), for the tables directly in it. */
const rowsOf = (section: string) => Object.fromEntries($$(`[data-section=${section}] table.kv > tbody > tr`).map((tr) => [
  tr.querySelector('th')?.textContent ?? '', tr.querySelector('td')?.textContent ?? '',
]));
const toggle = (section: string) => $(`[data-section=${section}] .section-toggle`) as HTMLButtonElement;

// ── a secure frame ──────────────────────────────────────────────────────────────────────────────
describe('a secure frame', () => {
  const page = pageOf([
    fr(0, -1, 'https://a.test/', { ...withHeaders('https://a.test/', [['X-Top', '1']]), embeds: [
      el(0, 1, { id: 'cross', src: 'https://b.test/x' }),
      el(1, 2, { id: 'same-site', src: 'https://sub.a.test:8443/y' }),
      el(2, 3, { id: 'doc', srcdoc: true }),
    ] }),
    fr(1, 0, 'https://b.test/x', withHeaders('https://b.test/x', [])),
    fr(2, 0, 'https://sub.a.test:8443/y', withHeaders('https://sub.a.test:8443/y', [])),
    fr(3, 0, 'about:srcdoc'),
  ]);

  test('summary: one line per verdict, worst first', () => {
    show(page, 1);
    expect(summary()).toEqual([
      'ℹ Not cross-origin isolated — first failing step: COOP',
      'ℹ Origin https://b.test, cross-site to the top-level document',
      '✓ Secure context',
      '✓ Not sandboxed',
    ]);
    expect($('[data-testid=summary] li')!.getAttribute('data-tone')).toBe('info');
  });

  test('origin: URL, origin, relation to top and parent with the registrable domains, PSL', () => {
    show(page, 1);
    expect(rowsOf('origin')).toEqual({
      URL: 'https://b.test/x',
      Origin: 'https://b.test',
      'How it was decided': 'The origin of its URL.',
      'Relation to top': 'cross-site — registrable domain b.test ≠ a.test',
      'Relation to parent': 'cross-site — registrable domain b.test ≠ a.test',
      'Registrable domain': 'b.test',
      'Public suffix': 'test',
    });
    expect(text('[data-section=origin] .note')).toBe('Public Suffix List of psl 1.15.0 (2024-12-06)');
  });

  test('a same-site frame says which registrable domain makes it same site, and what differs', () => {
    show(page, 2);
    expect(text('[data-testid=origin-relation-top]')).toBe('same site — shared registrable domain a.test; host sub.a.test ≠ a.test');
    expect($('[data-testid=origin-relation-top]')!.closest('tr')!.getAttribute('data-relation')).toBe('same-site');
    expect(text('[data-testid=origin-registrable-domain]')).toBe('a.test');
  });

  test('a srcdoc frame inherits its parent\'s origin: same origin', () => {
    show(page, 3);
    expect(text('[data-testid=origin-steps]')).toBe('about:srcdoc takes its parent\'s origin, https://a.test.');
    expect(text('[data-testid=origin-relation-parent]')).toBe('same origin');
  });

  test('secure context: verdict, reason, the chain; no list of lost features', () => {
    show(page, 1);
    expect(text('[data-testid=secure-context-verdict]')).toBe('secure (trustworthy origin and ancestors)');
    expect(text('[data-testid=secure-context-reason]')).toBe('https://b.test — https: or wss:; judged by its origin');
    expect($$('[data-testid=secure-context-chain] li').map((li) => li.textContent)).toEqual([
      '✓ https://b.test — this document: https://b.test/x',
      '✓ https://a.test — frame 0: https://a.test/',
    ]);
    expect($('[data-testid=secure-context-loses]')).toBeNull();
    expect($('[data-testid=secure-context-broken-by]')).toBeNull();
  });

  test('the top frame: relation "top-level", its raw response headers', () => {
    show(page, 0);
    expect(text('[data-testid=origin-relation-top]')).toBe('— (this is the top-level document)');
    expect($('[data-testid=origin-relation-parent]')).toBeNull();
    expect($$('[data-testid=detail-headers] tr').map((tr) => tr.textContent)).toEqual(['X-Top1']);
  });
});

// ── an insecure frame ───────────────────────────────────────────────────────────────────────────
describe('an insecure frame', () => {
  const page = pageOf([
    fr(0, -1, 'http://a.test/', { ...withHeaders('http://a.test/', [COOP]), embeds: [el(0, 1, { id: 'https-child', src: 'https://b.test/x' })] }),
    fr(1, 0, 'https://b.test/x', { ...withHeaders('https://b.test/x', []), embeds: [el(0, 2, { src: 'https://sub.a.test/g' })] }),
    fr(2, 1, 'https://sub.a.test/g', withHeaders('https://sub.a.test/g', [])),
  ]);

  test('an https frame in an http page: the insecure ancestor first in the summary, highlighted in the chain', () => {
    show(page, 2);
    expect(summary()[0]).toBe('⚠ Not a secure context — insecure ancestor http://a.test');
    expect(text('[data-testid=secure-context-verdict]')).toBe('not secure (an ancestor is not trustworthy)');
    expect(text('[data-testid=secure-context-broken-by]')).toBe('frame 0: http://a.test/ (http://a.test)');
    const chain = $$('[data-testid=secure-context-chain] li');
    expect(chain.map((li) => li.textContent)).toEqual([
      '✓ https://sub.a.test — this document: https://sub.a.test/g',
      '✓ https://b.test — frame 1: https://b.test/x',
      '✗ http://a.test — frame 0: http://a.test/ ← breaks the chain',
    ]);
    expect(chain.filter((li) => li.getAttribute('data-breaks') === 'true').map((li) => li.getAttribute('data-frame-id'))).toEqual(['0']);
    const loses = $$('[data-testid=secure-context-loses] li').map((li) => li.textContent);
    expect(loses).toHaveLength(SECURE_CONTEXT_FEATURES.length);
    expect(loses).toContain('Service workers (navigator.serviceWorker)');
    expect(loses).toContain('Web Crypto (crypto.subtle)');
    expect($('[data-testid=finding-insecure-ancestor]')).not.toBeNull();
  });

  test('the http top itself: its own origin is not trustworthy; its COOP is ignored', () => {
    show(page, 0);
    expect(summary()[0]).toBe('⚠ Not a secure context — its own origin http://a.test is not trustworthy');
    expect(text('[data-testid=secure-context-reason]')).toBe('http://a.test — not trustworthy (no rule of the Secure Contexts algorithm applies); judged by its origin');
    expect(summary()).toContain('⚠ Not cross-origin isolated — first failing step: secure context');
    expect(text('[data-testid=isolation-problems]')).toBe('Cross-Origin-Opener-Policy: same-origin — ignored: the document is not a secure context');
  });

  test('http://localhost is a secure context (localhost)', () => {
    show(pageOf([fr(0, -1, 'http://localhost:8080/', withHeaders('http://localhost:8080/', []))]), 0);
    expect(summary()).toContain('✓ Secure context (localhost)');
    expect(text('[data-testid=secure-context-reason]')).toBe('http://localhost:8080 — localhost or a .localhost name; judged by its origin');
  });
});

// ── a sandboxed frame ───────────────────────────────────────────────────────────────────────────
describe('a sandboxed frame', () => {
  const ATTR = '<iframe id="w" sandbox="allow-scripts allow-popups">';
  const CSP_LINE = 'sandbox allow-popups allow-scripts allow-forms';
  const page = pageOf([
    fr(0, -1, 'https://a.test/', { embeds: [el(0, 1, { id: 'w', sandbox: 'allow-scripts allow-popups', src: '/w' })] }),
    fr(1, 0, 'https://a.test/w', {
      ...withHeaders('https://a.test/w', [['X-A', '1'], ['Content-Security-Policy', CSP_LINE]]),
      embeds: [el(0, 2, { id: 'inner', src: '/inner' })],
    }),
    fr(2, 1, 'https://a.test/inner'),
  ]);
  const attribute = `attribute: ${ATTR}`;
  const csp = `CSP (header line 2): ${CSP_LINE}`;
  const nothing = '(nothing: always set in a sandbox)';

  /** Every row of the flag table: flag, state, source(s), lifting keyword(s). */
  const flagRows = () => $$('[data-testid=sandbox-flags] tbody tr').map((tr) => ({
    flag: tr.querySelector('td')!.textContent,
    state: tr.querySelector('[data-testid=flag-state]')!.textContent,
    source: [...tr.querySelector('[data-testid=flag-source]')!.childNodes].map((n) => n.textContent).join(' | '),
    liftedBy: tr.querySelector('[data-testid=flag-lifted-by]')!.textContent,
  }));

  test('every HTML flag (and the engine\'s): set or lifted, its sources, the keyword that lifts it', () => {
    show(page, 1);
    const both = `${attribute} | ${csp}`;
    const liftedBoth = (k: string) => `${k} (${attribute}); ${k} (${csp})`;
    expect(flagRows()).toEqual([
      { flag: 'navigation', state: 'set', source: both, liftedBy: nothing },
      { flag: 'auxiliary-navigation', state: 'lifted', source: liftedBoth('allow-popups'), liftedBy: 'allow-popups' },
      { flag: 'top-level-navigation-without-user-activation', state: 'set', source: both, liftedBy: 'allow-top-navigation' },
      { flag: 'top-level-navigation-with-user-activation', state: 'set', source: both, liftedBy: 'allow-top-navigation-by-user-activation or allow-top-navigation' },
      { flag: 'plugins', state: 'set', source: both, liftedBy: nothing },
      { flag: 'origin', state: 'set', source: both, liftedBy: 'allow-same-origin' },
      { flag: 'forms', state: 'set', source: attribute, liftedBy: 'allow-forms' },
      { flag: 'pointer-lock', state: 'set', source: both, liftedBy: 'allow-pointer-lock' },
      { flag: 'scripts', state: 'lifted', source: liftedBoth('allow-scripts'), liftedBy: 'allow-scripts' },
      { flag: 'automatic-features', state: 'lifted', source: liftedBoth('allow-scripts'), liftedBy: 'allow-scripts' },
      { flag: 'document-domain', state: 'set', source: both, liftedBy: nothing },
      { flag: 'propagates-to-auxiliary-browsing-contexts', state: 'set', source: both, liftedBy: 'allow-popups-to-escape-sandbox' },
      { flag: 'modals', state: 'set', source: both, liftedBy: 'allow-modals' },
      { flag: 'orientation-lock', state: 'set', source: both, liftedBy: 'allow-orientation-lock' },
      { flag: 'presentation', state: 'set', source: both, liftedBy: 'allow-presentation' },
      { flag: 'downloads', state: 'set', source: both, liftedBy: 'allow-downloads' },
      { flag: 'custom-protocols-navigation', state: 'lifted', source: liftedBoth('allow-popups'), liftedBy: 'allow-top-navigation-to-custom-protocols or allow-popups or allow-top-navigation' },
      { flag: 'storage-access-by-user-activation', state: 'set', source: both, liftedBy: 'allow-storage-access-by-user-activation' },
      { flag: 'same-site-none-cookies', state: 'set', source: both, liftedBy: 'allow-same-site-none-cookies' },
    ]);
    expect(flagRows().slice(0, SANDBOX_FLAGS.length).map((r) => r.flag)).toEqual([...SANDBOX_FLAGS]);
    // data-flag marks only the set flags (the browser tests read the active set with it).
    const { e } = show(page, 1);
    expect($$('[data-testid=sandbox-flags] tr[data-flag]').map((tr) => tr.getAttribute('data-flag')).sort()).toEqual([...e.sandbox.active].sort());
    expect($$('[data-testid=sandbox-flags] tr[data-flag-lifted]').map((tr) => tr.getAttribute('data-flag-lifted'))).toEqual(['auxiliary-navigation', 'scripts', 'automatic-features', 'custom-protocols-navigation']);
    expect(text('[data-testid=sandbox-count]')).toBe('15 flags set, 4 lifted');
  });

  test('the attribute as written, the CSP sandbox, and the summary line', () => {
    show(page, 1);
    expect(text('[data-testid=sandbox-attribute]')).toBe('sandbox="allow-scripts allow-popups"');
    expect(text('[data-testid=sandbox-csp]')).toBe(CSP_LINE);
    expect(summary()).toContain('⚠ Sandboxed: scripts allowed, origin opaque (15 flags: the sandbox attribute and CSP)');
    expect($('[data-testid=finding-popups-inherit-sandbox]')).not.toBeNull();
  });

  test('a child without its own attribute inherits the flags: the source names the frame they come from', () => {
    show(page, 2);
    const inherited = `inherited from frame 1: ${ATTR} | inherited from frame 1: CSP ${CSP_LINE}`;
    const rows = flagRows();
    expect(rows.find((r) => r.flag === 'origin')).toEqual({ flag: 'origin', state: 'set', source: inherited, liftedBy: 'allow-same-origin' });
    expect(rows.find((r) => r.flag === 'scripts')).toEqual({
      flag: 'scripts', state: 'lifted', liftedBy: 'allow-scripts',
      source: `allow-scripts (inherited from frame 1: ${ATTR}); allow-scripts (inherited from frame 1: CSP ${CSP_LINE})`,
    });
    expect(text('[data-testid=sandbox-attribute]')).toBe('absent');
    expect(summary()).toContain('⚠ Sandboxed: scripts allowed, origin opaque (15 flags: inherited from frame 1)');
  });

  test('a popup opened by a sandboxed frame: its flags come from the opener', () => {
    const popup = pageOf([fr(0, -1, 'https://a.test/popup', withHeaders('https://a.test/popup', []))], {
      openedBy: {
        tabId: 9, frameId: 3, url: 'https://a.test/opener', at: 1,
        chain: [
          fr(0, -1, 'https://a.test/', { embeds: [el(0, 3, { id: 'op', sandbox: 'allow-popups allow-scripts' })] }),
          fr(3, 0, 'https://a.test/opener'),
        ],
      },
    });
    show(popup, 0);
    const origin = flagRows().find((r) => r.flag === 'origin')!;
    expect(origin.state).toBe('set');
    expect(origin.source).toBe('the opener: frame 3 of tab 9 (https://a.test/opener); attribute: <iframe id="op" sandbox="allow-popups allow-scripts">');
    expect(summary()).toContain('⚠ Sandboxed: scripts allowed, origin opaque (15 flags: the opener)');
  });

  test('an unsandboxed frame says so, with no flag table', () => {
    show(pageOf([fr(0, -1, 'https://a.test/')]), 0);
    expect(text('[data-testid=sandbox-none]')).toBe('Not sandboxed.');
    expect($('[data-testid=sandbox-flags]')).toBeNull();
  });
});

// ── an isolated frame ───────────────────────────────────────────────────────────────────────────
describe('an isolated frame', () => {
  const TOP: HeaderLine[] = [
    ['Cross-Origin-Opener-Policy', 'same-origin; report-to="coop-ep"'],
    ['Cross-Origin-Opener-Policy-Report-Only', 'same-origin-allow-popups; report-to="coop-ro"'],
    ['Cross-Origin-Embedder-Policy', 'require-corp; report-to="coep-ep"'],
    ['Cross-Origin-Embedder-Policy-Report-Only', 'credentialless; report-to="coep-ro"'],
  ];
  const CHILD: HeaderLine[] = [COEP, ['Cross-Origin-Resource-Policy', 'cross-origin']];
  const page = pageOf([
    fr(0, -1, 'https://a.test/', { ...withHeaders('https://a.test/', TOP), embeds: [
      el(0, 1, { id: 'granted', allow: 'cross-origin-isolated', src: 'https://b.test/c' }),
      el(1, 2, { id: 'denied', src: 'https://b.test/d' }),
    ] }),
    fr(1, 0, 'https://b.test/c', withHeaders('https://b.test/c', CHILD)),
    fr(2, 0, 'https://b.test/d', withHeaders('https://b.test/d', CHILD)),
  ]);

  test('the top: COOP and COEP enforced and report-only side by side, with their endpoints', () => {
    show(page, 0);
    const cells = (policy: string) => $$(`[data-testid=isolation-policies] tr[data-policy=${policy}] td`).map((td) =>
      [...td.childNodes].map((n) => n.textContent).join(' | '));
    expect(cells('coop')).toEqual(['Cross-Origin-Opener-Policy', 'same-origin-plus-COEP | report-to "coop-ep"', 'same-origin-allow-popups | report-to "coop-ro"']);
    expect(cells('coep')).toEqual(['Cross-Origin-Embedder-Policy', 'require-corp | report-to "coep-ep"', 'credentialless | report-to "coep-ro"']);
    expect($$('[data-testid=isolation-policies] thead th').map((th) => th.textContent)).toEqual(['Policy', 'Enforced', 'Report-only']);
    expect(text('[data-testid=isolation-verdict]')).toBe('true (isolated)');
    expect(summary()).toContain('✓ Cross-origin isolated');
  });

  test('a delegated cross-origin child: isolated, every step passes, the permission\'s inheritance steps', () => {
    show(page, 1);
    expect(text('[data-testid=isolation-verdict]')).toBe('true (isolated)');
    expect($$('[data-testid=isolation-checklist] li').map((li) => [li.getAttribute('data-step'), li.getAttribute('data-ok')])).toEqual([
      ['secure-context', 'true'], ['coop', 'true'], ['coep', 'true'], ['group-isolated', 'true'], ['permission', 'true'],
    ]);
    expect($('[data-first-failure]')).toBeNull();
    expect($$('[data-testid=isolation-permission] li').map((li) => li.textContent)).toEqual([
      '<iframe allow> lists this origin: Enabled.',
      'Default allowlist self matches its own origin: Enabled.',
    ]);
    expect(text('[data-testid=isolation-allow]')).toBe('cross-origin-isolated');
    expect(text('[data-section=isolation] h3:nth-of-type(2)')).toBe('Available here (isolated)');
    expect($$('[data-testid=isolation-gated] li').map((li) => li.textContent)).toContain('SharedArrayBuffer — the SharedArrayBuffer constructor, and sending one with postMessage');
    expect(text('[data-testid=isolation-agent-cluster]')).toBe('origin-keyed — the browsing context group is cross-origin isolated');
    expect(text('[data-testid=isolation-document-domain]')).toBe('setting it does nothing: the agent cluster is origin-keyed');
    expect(text('[data-testid=isolation-coop-enforced]')).toBe('— (frames have no opener policy)');
    expect(text('[data-testid=isolation-corp]')).toBe('cross-origin');
    expect(summary()).toEqual([
      'ℹ Origin https://b.test, cross-site to the top-level document',
      '✓ Secure context',
      '✓ Not sandboxed',
      '✓ Cross-origin isolated',
    ]);
  });

  test('the same child without allow: the permission is the first failing step, with its fix to copy', () => {
    show(page, 2);
    expect(text('[data-testid=isolation-verdict]')).toBe('false (the cross-origin-isolated permission does not reach this frame)');
    const first = $('[data-testid=isolation-checklist] li[data-first-failure=true]')!;
    expect(first.getAttribute('data-step')).toBe('permission');
    expect(text('[data-testid=fix-snippet-text]', first)).toBe('allow="cross-origin-isolated"');
    expect($$('[data-testid=isolation-permission] li').map((li) => li.textContent)).toEqual([
      'Default allowlist self: the frame is cross-origin to its parent and its <iframe> has no allow="cross-origin-isolated": Disabled.',
      'The inherited policy is Disabled, so the feature is off in this document.',
    ]);
    expect(summary()[0]).toBe('⚠ Not cross-origin isolated — first failing step: the cross-origin-isolated permission');
    expect(text('[data-section=isolation] h3:nth-of-type(2)')).toBe('Not available here (not isolated)');
  });
});

// ── a COEP-blocked frame ────────────────────────────────────────────────────────────────────────
describe('a blocked frame', () => {
  const BLOCKED = { status: 'error' as const, error: 'net::ERR_BLOCKED_BY_RESPONSE' };
  const page = pageOf([
    fr(0, -1, 'https://a.test/', { ...withHeaders('https://a.test/', [COOP, COEP]), embeds: [
      el(0, 1, { id: 'cross-nothing', src: 'https://b.test/plain' }),
      el(1, 2, { id: 'same-no-coep', src: '/same' }),
      el(2, 3, { id: 'xfo', src: 'https://sub.a.test/xfo' }),
    ] }),
    fr(1, 0, 'https://b.test/plain', { ...withHeaders('https://b.test/plain', []), ...BLOCKED }),
    fr(2, 0, 'https://a.test/same', { ...withHeaders('https://a.test/same', []), ...BLOCKED }),
    fr(3, 0, 'https://sub.a.test/xfo', { ...withHeaders('https://sub.a.test/xfo', [COEP, ['Cross-Origin-Resource-Policy', 'cross-origin'], ['X-Frame-Options', 'DENY']]), ...BLOCKED }),
  ]);

  test('cross-origin without CORP or COEP: blocked first in the summary, by both, with both headers to copy', () => {
    show(page, 1);
    expect(summary()[0]).toBe('✗ Blocked by Cross-Origin-Resource-Policy and COEP');
    expect(text('[data-testid=isolation-blocked-by]')).toBe('corp, coep');
    expect(text('[data-testid=isolation-load]')).toBe('blocked — net::ERR_BLOCKED_BY_RESPONSE');
    expect(rowsOf('isolation')['COEP of the embedder']).toBe('blocked: embedder require-corp, this document unsafe-none');
    expect(rowsOf('isolation')['CORP (navigation)']).toBe('blocked (not-same-origin, no CORP: same-origin assumed)');
    const f = $('[data-testid=finding-corp-blocked-frame]')!;
    expect($$('[data-testid=fix-snippet-text]', f).map((s) => s.textContent)).toEqual([
      'Cross-Origin-Resource-Policy: cross-origin\nCross-Origin-Embedder-Policy: require-corp',
    ]);
    expect($$('[data-testid=finding-spec]', f).map((a) => a.getAttribute('href'))).toEqual([...FINDINGS['corp-blocked-frame'].spec]);
    expect(text('[data-section=headers] .note')).toBe('The response had no header lines.');
  });

  test('same origin without COEP: blocked by COEP, the COEP header to copy', () => {
    show(page, 2);
    expect(summary()[0]).toBe('✗ Blocked by COEP');
    expect(text('[data-testid=isolation-blocked-by]')).toBe('coep');
    expect($$('[data-testid=finding-coep-blocked-frame] [data-testid=fix-snippet-text]').map((s) => s.textContent)).toEqual(['Cross-Origin-Embedder-Policy: require-corp']);
  });

  test('X-Frame-Options: DENY', () => {
    show(page, 3);
    expect(summary()[0]).toBe('✗ Blocked by X-Frame-Options');
    expect(rowsOf('isolation')['X-Frame-Options']).toBe('blocked (deny): DENY');
  });

  test('a page without COEP: the summary says how many subresources require-corp would block', () => {
    const p = pageOf([fr(0, -1, 'https://a.test/', withHeaders('https://a.test/', []))], {
      subresources: {
        r1: image('r1', 'https://b.test/no-corp.png'),
        r2: image('r2', 'https://b.test/corp.png', [['Cross-Origin-Resource-Policy', 'cross-origin']]),
        r3: image('r3', 'https://a.test/own.png'),
        r4: image('r4', 'https://b.test/also-no-corp.png'),
      },
    });
    show(p, 0);
    expect(summary()).toContain('ℹ require-corp would block 2 subresources');
    expect($$('[data-testid=subresources] tr[data-request]')).toHaveLength(4);
    expect($$('[data-testid=subresource-require-corp]').map((td) => td.textContent)).toEqual([
      'blocked: no CORP (same-origin assumed)', 'loads', 'loads', 'blocked: no CORP (same-origin assumed)',
    ]);
  });
});

// ── an opaque-origin frame ──────────────────────────────────────────────────────────────────────
describe('an opaque-origin frame', () => {
  const page = pageOf([
    fr(0, -1, 'https://a.test/', { embeds: [el(0, 1, { id: 'boxed', sandbox: '', src: '/s' }), el(1, 2, { id: 'data', src: 'data:text/html,hi' })] }),
    fr(1, 0, 'https://a.test/s'),
    fr(2, 0, 'data:text/html,hi'),
  ]);

  test('sandboxed: why it is opaque, the precursor, the relations, no registrable domain', () => {
    show(page, 1);
    expect(rowsOf('origin')).toEqual({
      URL: 'https://a.test/s',
      Origin: 'null (opaque)',
      'Why opaque': 'sandboxed without allow-same-origin',
      'How it was decided': 'The origin of its URL.The sandbox\'s origin flag replaces https://a.test with a new opaque origin.',
      'Precursor origin': 'https://a.test (the origin it would have without the sandbox)',
      'Relation to top': 'cross-site — an opaque origin is same site only with itself',
      'Relation to parent': 'cross-site — an opaque origin is same site only with itself',
      'Registrable domain': 'none (an opaque origin has no host)',
    });
    expect(summary()).toContain('ℹ Opaque origin (sandboxed without allow-same-origin; precursor https://a.test), cross-site to the top-level document');
    expect(summary()).toContain('ℹ Sandboxed: scripts blocked, origin opaque (19 flags: the sandbox attribute)');
    expect(text('[data-testid=isolation-document-domain]')).toBe('setting it throws: the sandbox sets the document.domain flag');
  });

  test('data: URL: opaque with no precursor, and not a secure context in Chromium', () => {
    show(page, 2);
    expect(text('[data-testid=origin-serialized]')).toBe('null (opaque)');
    expect(text('[data-testid=origin-opaque-reason]')).toBe('a data: URL always gets a new opaque origin');
    expect(text('[data-testid=origin-precursor]')).toBe('none — a data: URL always gets a new opaque origin');
    expect(summary()[0]).toBe('⚠ Not a secure context — its own origin null is not trustworthy');
    expect(text('[data-testid=isolation-document-domain]')).toBe('setting it throws: an opaque origin has no domain');
  });
});

// ── sections fold ───────────────────────────────────────────────────────────────────────────────
describe('sections fold, and stay folded across selections', () => {
  const page = pageOf([
    fr(0, -1, 'https://a.test/', { ...withHeaders('https://a.test/', [['X-Top', '1']]), embeds: [el(0, 1, { src: 'https://b.test/x' })] }),
    fr(1, 0, 'https://b.test/x', withHeaders('https://b.test/x', [['X-Child', '2']])),
  ]);
  const ORDER = ['summary', 'findings', 'origin', 'secureContext', 'sandbox', 'isolation', 'subresources', 'headers', 'document', 'observed', 'owner'];

  test('every section has a fold button; the summary comes first', () => {
    show(page, 0);
    expect($$('[data-section]').map((s) => s.getAttribute('data-section'))).toEqual(ORDER);
    expect($$('.section-toggle').map((b) => b.getAttribute('aria-expanded'))).toEqual(ORDER.map(() => 'true'));
    for (const b of $$('.section-toggle')) expect($(`#${b.getAttribute('aria-controls')}`)).not.toBeNull();
  });

  test('folding Headers hides it; selecting another frame keeps it folded; unfolding shows that frame\'s headers', () => {
    const sections = createSectionState();
    show(page, 0, sections);
    expect(text('[data-testid=detail-headers]')).toBe('X-Top1');
    act(() => toggle('headers').click());
    expect(toggle('headers').getAttribute('aria-expanded')).toBe('false');
    expect($('[data-testid=detail-headers]')).toBeNull();
    expect(($('#section-body-headers') as HTMLElement).hidden).toBe(true);

    show(page, 1, sections); // another selection, same panel state
    expect(toggle('headers').getAttribute('aria-expanded')).toBe('false');
    expect($('[data-testid=detail-headers]')).toBeNull();
    expect(toggle('origin').getAttribute('aria-expanded')).toBe('true');
    expect(text('[data-testid=origin-url]')).toBe('https://b.test/x');

    act(() => toggle('headers').click());
    expect(toggle('headers').getAttribute('aria-expanded')).toBe('true');
    expect(text('[data-testid=detail-headers]')).toBe('X-Child2');
  });

  test('the state is saved: a panel opened later starts with the same sections folded', () => {
    const saved = new Map<string, string>();
    const storage = { getItem: (k: string) => saved.get(k) ?? null, setItem: (k: string, v: string) => void saved.set(k, v) };
    const first = createSectionState({ storage });
    show(page, 0, first);
    act(() => toggle('sandbox').click());
    act(() => toggle('findings').click());
    render(null, container);
    show(page, 1, createSectionState({ storage }));
    expect($$('.section-toggle[aria-expanded=false]').map((b) => b.closest('[data-section]')!.getAttribute('data-section'))).toEqual(['findings', 'sandbox']);
  });

  test('a corrupt saved state is ignored', () => {
    const state = createSectionState({ storage: { getItem: () => '{not json', setItem: () => {} } });
    expect(state.isOpen('headers')).toBe(true);
  });
});

// ── copying a fix ───────────────────────────────────────────────────────────────────────────────
describe('copying a fix', () => {
  test.each([
    ['Add allow="cross-origin-isolated" to the <iframe> (at every level).', ['allow="cross-origin-isolated"']],
    ['Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp on the top-level document.',
      ['Cross-Origin-Opener-Policy: same-origin\nCross-Origin-Embedder-Policy: require-corp']],
    ['Send Cross-Origin-Embedder-Policy: require-corp (or credentialless) with the framed document, or load it in an <iframe credentialless>.',
      ['Cross-Origin-Embedder-Policy: require-corp']],
    ['Remove allow-same-origin: sandbox="allow-scripts" — or serve the framed content from a different origin.', ['sandbox="allow-scripts"']],
    ['Permissions-Policy: cross-origin-isolated=(self) — or remove the entry that excludes this origin.', ['Permissions-Policy: cross-origin-isolated=(self)']],
    ['List this origin in the parent\'s Permissions-Policy: cross-origin-isolated=(self "https://frame.example").',
      ['Permissions-Policy: cross-origin-isolated=(self "https://frame.example")']],
    // The header a server already sends is the problem, not the fix.
    ['https://b.test sends Cross-Origin-Resource-Policy: same-origin, which refuses https://a.test: it must send Cross-Origin-Resource-Policy: cross-origin (its owner decides), or load it from your own origin.',
      ['Cross-Origin-Resource-Policy: cross-origin']],
    // Alternatives are separate snippets.
    ['Have https://b.test send Cross-Origin-Resource-Policy: cross-origin with it, or use Cross-Origin-Embedder-Policy: credentialless (it then loads without cookies).',
      ['Cross-Origin-Resource-Policy: cross-origin', 'Cross-Origin-Embedder-Policy: credentialless']],
    // A directive without its source list is not a snippet.
    ["Remove X-Frame-Options from the framed document, or replace it with Content-Security-Policy: frame-ancestors listing this page's origin.", []],
    ['Use an <iframe>, or deliver the sandbox with a Content-Security-Policy: sandbox header on the framed document.', ['Content-Security-Policy: sandbox']],
    ['Serve the document over HTTPS (or from localhost while developing).', []],
  ])('%s', (fix, snippets) => {
    expect(fixSnippets(fix)).toEqual(snippets);
  });

  test('every catalog fix that names a header line or attribute yields a snippet', () => {
    const withSnippet = Object.entries(FINDINGS).filter(([, k]) => fixSnippets(k.fix).length > 0).map(([id]) => id).sort();
    expect(withSnippet).toEqual([
      'coep-blocked-frame', 'coep-blocked-subresource', 'coep-readiness', 'corp-blocked-frame', 'corp-blocked-subresource', 'isolation-incomplete',
      'isolation-permission-chromium-only', 'isolation-permission-missing', 'policy-header-invalid', 'popup-opener-cut', 'sandbox-on-frame-element',
    ]);
  });

  const page = pageOf([
    fr(0, -1, 'https://a.test/', { ...withHeaders('https://a.test/', [COOP, COEP]), embeds: [el(0, 1, { src: 'https://b.test/d' })] }),
    fr(1, 0, 'https://b.test/d', withHeaders('https://b.test/d', [COEP, ['Cross-Origin-Resource-Policy', 'cross-origin']])),
  ]);
  const copyButton = () => $('[data-testid=finding-isolation-permission-missing] [data-testid=copy-fix]') as HTMLButtonElement;
  const setClipboard = (clipboard: unknown) => Object.defineProperty(navigator, 'clipboard', { value: clipboard, configurable: true });
  const originalExec = document.execCommand;
  afterEach(() => {
    document.execCommand = originalExec;
  });

  test('the async clipboard: the snippet is copied and the button says "Copied"', async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    setClipboard({ writeText });
    show(page, 1);
    expect(copyButton().textContent).toBe('Copy');
    await act(async () => copyButton().click());
    expect(writeText).toHaveBeenCalledWith('allow="cross-origin-isolated"');
    await vi.waitFor(() => expect(copyButton().textContent).toBe('Copied'));
  });

  test('the clipboard denied (as in a DevTools panel): a hidden textarea and execCommand("copy")', async () => {
    setClipboard({ writeText: vi.fn().mockRejectedValue(new DOMException('denied', 'NotAllowedError')) });
    let copied: string | null = null;
    document.execCommand = vi.fn((command: string) => {
      const area = document.activeElement instanceof HTMLTextAreaElement ? document.activeElement : document.querySelector('textarea');
      copied = command === 'copy' ? area?.value ?? null : null;
      return true;
    });
    show(page, 1);
    await act(async () => copyButton().click());
    await vi.waitFor(() => expect(copyButton().textContent).toBe('Copied'));
    expect(copied).toBe('allow="cross-origin-isolated"');
    expect(document.querySelector('textarea')).toBeNull();
  });

  test('no clipboard at all: the button says the copy failed', async () => {
    setClipboard(undefined);
    document.execCommand = vi.fn(() => false);
    show(page, 1);
    await act(async () => copyButton().click());
    await vi.waitFor(() => expect($('[data-testid=finding-isolation-permission-missing] .copy-failed')).not.toBeNull());
    expect(text('[data-testid=finding-isolation-permission-missing] .copy-failed')).toBe('Copy failed: select the text and copy it');
    expect(copyButton().textContent).toBe('Copy');
    expect(await copyText('x')).toBe(false);
  });
});

// ── the browser disagrees ───────────────────────────────────────────────────────────────────────
describe('browser vs analysis', () => {
  test('a difference is a banner at the top with both values side by side, and a summary line', () => {
    const page = pageOf([
      fr(0, -1, 'http://a.test/', { ...withHeaders('http://a.test/', []), ...observed({ url: 'http://a.test/', origin: 'http://a.test', isSecureContext: true, originAgentCluster: false }) }),
    ]);
    show(page, 0);
    const banner = $('[data-testid=browser-differs]')!;
    expect($('[data-testid=frame-details]')!.firstElementChild).toBe(banner);
    expect(banner.getAttribute('role')).toBe('alert');
    expect($$('tbody tr', banner).map((tr) => [tr.getAttribute('data-property'), text('[data-testid=differs-browser]', tr), text('[data-testid=differs-analysis]', tr)]))
      .toEqual([['isSecureContext', 'true', 'false']]);
    expect(summary()).toContain('⚠ The browser reports something else than the analysis: isSecureContext');
    expect($('[data-testid=finding-analysis-differs-from-browser]')).not.toBeNull();
  });

  test('several properties: one row each', () => {
    const page = pageOf([
      fr(0, -1, 'https://a.test/', { embeds: [el(0, 1, { sandbox: 'allow-scripts', src: '/s' })] }),
      fr(1, 0, 'https://a.test/s', observed({ url: 'https://a.test/s', origin: 'https://a.test', crossOriginIsolated: true, originAgentCluster: true })),
    ]);
    show(page, 1);
    expect($$('[data-testid=browser-differs] tbody tr').map((tr) => tr.textContent)).toEqual([
      'self.originhttps://a.testnull',
      'crossOriginIsolatedtruefalse',
    ]);
  });

  test('agreement: no banner', () => {
    show(pageOf([fr(0, -1, 'https://a.test/', observed({ url: 'https://a.test/', origin: 'https://a.test', originAgentCluster: true }))]), 0);
    expect($('[data-testid=browser-differs]')).toBeNull();
  });
});

// ── a hostile page ──────────────────────────────────────────────────────────────────────────────
describe('a hostile page\'s text stays text', () => {
  const IMG = '<img src=x onerror=alert(1)>';
  const TD = '</td><script>alert(2)</script>';
  const TOP = `https://a.test/?q=${IMG}`;
  const CHILD = `https://b.test/${TD}`;
  const page = pageOf([
    fr(0, -1, TOP, {
      ...withHeaders(TOP, [['X-Evil', TD], ['Cross-Origin-Opener-Policy', IMG], ['Content-Security-Policy', `sandbox allow-scripts ${IMG}`]]),
      ...observed({ url: TOP, origin: IMG, documentDomain: TD }),
      embeds: [el(0, 1, { id: IMG, name: TD, sandbox: `allow-scripts ${TD}`, allow: IMG, src: CHILD, referrerPolicy: TD })],
    }),
    fr(1, 0, CHILD, { ...withHeaders(CHILD, [['Cross-Origin-Resource-Policy', TD]]), status: 'error', error: IMG }),
  ], {
    subresources: { r1: image('r1', `https://b.test/${IMG}.png`, [['Cross-Origin-Resource-Policy', TD]]) },
  });
  const specs = new Set<string>(Object.values(FINDINGS).flatMap((k) => [...k.spec]));

  test.each([0, 1])('frame %i: markup in URLs, ids, attributes and headers is shown as text, no element is created', (frameId) => {
    show(page, frameId);
    const all = container.textContent ?? '';
    expect(all).toContain(IMG);
    expect(all).toContain(TD);
    expect(container.querySelectorAll('img, script, iframe, object, embed')).toHaveLength(0);
    // The only links are the catalog's spec URLs.
    for (const a of $$('a')) expect(specs.has(a.getAttribute('href') ?? '')).toBe(true);
    expect(text('[data-testid=detail-url]')).toBe(frameId === 0 ? TOP : CHILD);
  });

  test('the top: the browser-reported origin, the header values and the CSP sandbox token', () => {
    show(page, 0);
    expect(text('[data-testid=browser-differs] [data-property="self.origin"] [data-testid=differs-browser]')).toBe(IMG);
    expect(text('[data-testid=detail-headers]')).toContain(`X-Evil${TD}`);
    expect(text('[data-testid=sandbox-csp]')).toBe(`sandbox allow-scripts ${IMG}`);
    expect(text('[data-testid=finding-unknown-sandbox-token]')).toContain('"<img"');
    expect(text('[data-testid=subresources]')).toContain(`https://b.test/${IMG}.png`);
  });

  test('the child: its element\'s id, name and sandbox as written', () => {
    show(page, 1);
    expect(text('[data-testid=detail-sandbox]')).toBe(`allow-scripts ${TD}`);
    expect(text('[data-testid=sandbox-attribute]')).toBe(`sandbox="allow-scripts ${TD}"`);
    expect(rowsOf('owner')).toMatchObject({ id: IMG, name: TD, allow: IMG, src: CHILD, referrerpolicy: TD });
    expect(text('[data-testid=isolation-allow]')).toBe(IMG);
  });
});
