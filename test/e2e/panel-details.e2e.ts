/// <reference types="chrome" />
// The details pane of the real DevTools panel (headless Chromium, the built extension) on fixture
// pages: frames selected with the keyboard and with the mouse, and every section compared with the
// core's evaluation of the page as the extension recorded it (read from its storage by the test).
// Also: folded sections stay folded across selections, and a fix's copy button copies in a panel.
import { expect, test, type Frame, type Page, type Worker } from '@playwright/test';
import { openPanel, REMOTE_DEBUGGING_ARG, type OpenPanel } from '../../src/cli/devtools.ts';
import { summaryLines } from '../../src/panel/components/summary.ts';
import { strings } from '../../src/panel/strings.ts';
import { evaluatePage, type FrameEvaluation, type PageEvaluation } from '../../src/shared/evaluate.ts';
import { serializeOrigin } from '../../src/shared/origin.ts';
import { ENGINE_SANDBOX_FLAGS, SANDBOX_FLAG_INFO, SANDBOX_FLAGS, type SandboxFlag } from '../../src/shared/sandboxing.ts';
import { registrableDomain } from '../../src/shared/site.ts';
import type { PageRecord } from '../../src/shared/snapshot.ts';
import { startFixtureServer, type FixtureServer } from '../fixtures/server.ts';
import { launchChromium, recordedFrameFor, settledPage, storedPage, tabIdOf, warmUp, type Launched } from './harness.ts';

let server: FixtureServer;
let browser: Launched;
let page: Page;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  server = await startFixtureServer();
  browser = await launchChromium(server, { args: [REMOTE_DEBUGGING_ARG, '--window-size=1280,900'] });
  page = await warmUp(browser, server);
});

test.afterAll(async () => {
  await browser?.close();
  await server?.close();
});

// ── what the panel shows ────────────────────────────────────────────────────────────────────────
/** Everything the details pane shows for the selected frame, read from its DOM. */
interface Shown {
  frameId: number;
  banner: { property: string; browser: string; analysis: string }[] | null;
  summary: { area: string; tone: string; text: string }[];
  findings: string[];
  origin: { serialized: string; opaqueReason: string | null; precursor: string | null; toTop: string; toParent: string | null; registrable: string };
  secure: { verdict: string; chain: { frameId: number; trustworthy: boolean; breaks: boolean }[]; loses: number };
  sandbox: { attribute: string; set: string[]; lifted: string[]; rows: Record<string, { sources: number; liftedBy: string }> };
  isolation: {
    verdict: string;
    blockedBy: string | null;
    checklist: { step: string; ok: boolean; first: boolean }[];
    permission: string[];
    coop: [string, string];
    coep: [string, string];
  };
  headers: [string, string][] | null;
}

function readDetails(panel: Frame): Promise<Shown | null> {
  return panel.evaluate(() => {
    const root = document.querySelector('[data-testid=frame-details]');
    if (!root) return null;
    const q = (sel: string) => root.querySelector(sel);
    const all = (sel: string) => [...root.querySelectorAll(sel)];
    const t = (sel: string) => q(sel)?.textContent ?? null;
    const cell = (sel: string) => [...(q(sel)?.childNodes ?? [])].map((n) => n.textContent).join(' | ');
    const banner = q('[data-testid=browser-differs]');
    const rows = all('[data-testid=sandbox-flags] tbody tr');
    return {
      frameId: Number(root.getAttribute('data-frame-id')),
      banner: banner ? [...banner.querySelectorAll('tbody tr')].map((tr) => ({
        property: tr.getAttribute('data-property') ?? '',
        browser: tr.querySelector('[data-testid=differs-browser]')?.textContent ?? '',
        analysis: tr.querySelector('[data-testid=differs-analysis]')?.textContent ?? '',
      })) : null,
      summary: all('[data-testid=summary] li').map((li) => ({
        area: li.getAttribute('data-area') ?? '', tone: li.getAttribute('data-tone') ?? '', text: (li.textContent ?? '').replace(/^\S+ /, ''),
      })),
      findings: all('[data-testid=findings] > li').map((li) => (li.getAttribute('data-testid') ?? '').replace(/^finding-/, '')),
      origin: {
        serialized: t('[data-testid=origin-serialized]') ?? '',
        opaqueReason: t('[data-testid=origin-opaque-reason]'),
        precursor: t('[data-testid=origin-precursor]'),
        toTop: q('[data-testid=origin-relation-top]')?.closest('tr')?.getAttribute('data-relation') ?? '',
        toParent: q('[data-testid=origin-relation-parent]')?.closest('tr')?.getAttribute('data-relation') ?? null,
        registrable: t('[data-testid=origin-registrable-domain]') ?? '',
      },
      secure: {
        verdict: t('[data-testid=secure-context-verdict]') ?? '',
        chain: all('[data-testid=secure-context-chain] li').map((li) => ({
          frameId: Number(li.getAttribute('data-frame-id')), trustworthy: li.getAttribute('data-trustworthy') === 'true', breaks: li.getAttribute('data-breaks') === 'true',
        })),
        loses: all('[data-testid=secure-context-loses] li').length,
      },
      sandbox: {
        attribute: t('[data-testid=sandbox-attribute]') ?? '',
        set: rows.filter((r) => r.hasAttribute('data-flag')).map((r) => r.getAttribute('data-flag') ?? ''),
        lifted: rows.filter((r) => r.hasAttribute('data-flag-lifted')).map((r) => r.getAttribute('data-flag-lifted') ?? ''),
        rows: Object.fromEntries(rows.map((r) => [r.querySelector('td')?.textContent ?? '', {
          sources: r.hasAttribute('data-flag') ? r.querySelector('[data-testid=flag-source]')?.childNodes.length ?? 0 : 0,
          liftedBy: r.querySelector('[data-testid=flag-lifted-by]')?.textContent ?? '',
        }])),
      },
      isolation: {
        verdict: t('[data-testid=isolation-verdict]') ?? '',
        blockedBy: t('[data-testid=isolation-blocked-by]'),
        checklist: all('[data-testid=isolation-checklist] > li').map((li) => ({
          step: li.getAttribute('data-step') ?? '', ok: li.getAttribute('data-ok') === 'true', first: li.getAttribute('data-first-failure') === 'true',
        })),
        permission: all('[data-testid=isolation-permission] li').map((li) => li.getAttribute('data-step') ?? ''),
        coop: [cell('[data-testid=isolation-coop-enforced]'), cell('[data-testid=isolation-coop-report-only]')],
        coep: [cell('[data-testid=isolation-coep-enforced]'), cell('[data-testid=isolation-coep-report-only]')],
      },
      headers: q('[data-testid=detail-headers]')
        ? all('[data-testid=detail-headers] tr').map((tr) => [tr.querySelector('th')?.textContent ?? '', tr.querySelector('td')?.textContent ?? ''] as [string, string])
        : null,
    };
  });
}

// ── what the core says the panel must show ──────────────────────────────────────────────────────
const policyCell = (value: string, endpoint: string | null, note?: string) =>
  [value, ...(endpoint === null ? [] : [strings.isolation.reportTo(endpoint)]), ...(note ? [note] : [])].join(' | ');

/** The same facts as Shown, derived from the core's evaluation of the recorded page. */
function expectedDetails(ev: PageEvaluation, e: FrameEvaluation): Shown {
  const o = e.node.frame.observed;
  const differs = e.findings.find((f) => f.id === 'analysis-differs-from-browser');
  const active = e.sandbox.active;
  const engineFlags = (Object.keys(ENGINE_SANDBOX_FLAGS) as SandboxFlag[]).filter((f) => active.has(f));
  const flags = active.size === 0 ? [] : [...SANDBOX_FLAGS, ...engineFlags];
  const host = e.origin.type === 'tuple' ? e.origin.host : null;
  return {
    frameId: e.frameId,
    banner: differs && o ? differs.evidence.map((d) => ({
      property: d.label,
      browser: String({ 'self.origin': o.origin, isSecureContext: o.isSecureContext, crossOriginIsolated: o.crossOriginIsolated, originAgentCluster: o.originAgentCluster }[d.label]),
      analysis: String({ 'self.origin': e.serializedOrigin, isSecureContext: e.secureContext.secure, crossOriginIsolated: e.predicted.crossOriginIsolated, originAgentCluster: e.originKeyed.keyed }[d.label]),
    })) : null,
    summary: summaryLines(e, ev.openerSurvives).map((l) => ({ area: l.area, tone: l.tone, text: l.text })),
    findings: e.findings.map((f) => f.id),
    origin: {
      serialized: e.origin.type === 'opaque' ? `${e.serializedOrigin} (opaque)` : e.serializedOrigin,
      opaqueReason: e.origin.type === 'opaque' ? expect.any(String) as unknown as string : null,
      precursor: e.origin.type === 'opaque'
        ? (e.precursor.type === 'tuple' ? `${serializeOrigin(e.precursor)} (the origin it would have without the sandbox)` : expect.stringMatching(/^none — /) as unknown as string)
        : null,
      toTop: e.relation.toTop?.relation ?? 'top',
      toParent: e.relation.toParent?.relation ?? null,
      registrable: (host && e.origin.type === 'tuple' && e.origin.hostKind === 'domain' && registrableDomain(host)) || expect.stringMatching(/^none \(/) as unknown as string,
    },
    secure: {
      verdict: expect.stringMatching(e.secureContext.secure ? /^secure \(/ : /^not secure \(/) as unknown as string,
      chain: [e.secureContext.self, ...e.secureContext.ancestors].map((c, i) => ({
        frameId: c.frameId, trustworthy: c.trustworthy, breaks: i > 0 && c === e.secureContext.brokenBy,
      })),
      loses: e.secureContext.secure ? 0 : expect.any(Number) as unknown as number,
    },
    sandbox: {
      attribute: e.sandbox.attribute === null ? 'absent' : `sandbox="${e.sandbox.attribute}"`,
      set: flags.filter((f) => active.has(f)),
      lifted: flags.filter((f) => !active.has(f)),
      rows: Object.fromEntries(flags.map((f) => [f, {
        sources: active.has(f) ? e.sandbox.sources.get(f)?.length ?? 0 : 0,
        liftedBy: SANDBOX_FLAG_INFO[f].liftedBy.join(' or ') || strings.sandbox.cannotLift,
      }])),
    },
    isolation: {
      verdict: `${e.isolation.crossOriginIsolated} (${strings.isolationType[e.isolation.contextType]})`,
      blockedBy: e.embedding && e.embedding.blockedBy.length > 0 ? e.embedding.blockedBy.join(', ') : null,
      checklist: e.isolation.checklist.map((s) => ({ step: s.id, ok: s.ok, first: s === e.isolation.firstFailure })),
      permission: [...e.isolation.permissionSteps.inherited, ...e.isolation.permissionSteps.feature].map((s) => s.step),
      coop: e.policies.opener
        ? [policyCell(e.policies.opener.value, e.policies.opener.reportingEndpoint), policyCell(e.policies.opener.reportOnlyValue, e.policies.opener.reportOnlyReportingEndpoint)]
        : [strings.isolation.coopFrame, strings.isolation.coopFrame],
      coep: [
        policyCell(e.policies.embedder.value, e.policies.embedder.reportingEndpoint, e.policies.embedderInherited ? strings.inherited : undefined),
        policyCell(e.policies.embedder.reportOnlyValue, e.policies.embedder.reportOnlyReportingEndpoint),
      ],
    },
    headers: e.node.frame.response ? e.node.frame.response.headers.map(([n, v]) => [n, v]) : null,
  };
}

/**
 * Polls until the panel shows, for the selected frame, what the core concludes from the page as
 * recorded now (DevTools itself may add requests while it opens), and returns that evaluation.
 */
async function expectPanelMatchesCore(panel: Frame, worker: Worker, tabId: number, frameId: number): Promise<{ e: FrameEvaluation; record: PageRecord }> {
  let last: { e: FrameEvaluation; record: PageRecord } | null = null;
  await expect.poll(async () => {
    const record = await storedPage(worker, tabId);
    if (!record) return 'no record';
    const ev = evaluatePage(record, { engine: 'chromium' });
    const e = ev.byFrameId.get(frameId);
    if (!e) return `frame ${frameId} not recorded`;
    last = { e, record };
    const shown = await readDetails(panel);
    try {
      expect(shown).toEqual(expectedDetails(ev, e));
      return 'match';
    } catch (err) {
      return String(err instanceof Error ? err.message : err).slice(0, 4000);
    }
  }, { message: `the details of frame ${frameId} equal the core's evaluation`, timeout: 20_000 }).toBe('match');
  return last!;
}

// ── selecting frames ────────────────────────────────────────────────────────────────────────────
const row = (panel: Frame, frameId: number) => panel.locator(`[data-testid=frame-row][data-frame-id="${frameId}"]`);
const selectedRow = (panel: Frame) => panel.locator('[data-testid=frame-row][aria-selected=true]');

async function selectByMouse(panel: Frame, frameId: number) {
  await row(panel, frameId).click();
  await expect(selectedRow(panel)).toHaveAttribute('data-frame-id', String(frameId));
  await expect(panel.locator('[data-testid=frame-details]')).toHaveAttribute('data-frame-id', String(frameId));
}

/** Home, then ArrowDown row by row (each step checked) until the frame is selected. */
async function selectByKeyboard(opened: OpenPanel, frameId: number) {
  const { panel, devtools } = opened;
  const order = await panel.locator('[data-testid=frame-row]').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-frame-id'))));
  const target = order.indexOf(frameId);
  expect(target, `frame ${frameId} is a row of the tree [${order.join(", ")}]`).toBeGreaterThanOrEqual(0);
  await panel.locator('[data-testid=frame-tree]').focus();
  await devtools.keyboard.press('Home');
  await expect(selectedRow(panel)).toHaveAttribute('data-frame-id', String(order[0]));
  for (let i = 1; i <= target; i++) {
    await devtools.keyboard.press('ArrowDown');
    await expect(selectedRow(panel), `ArrowDown selects row ${i}`).toHaveAttribute('data-frame-id', String(order[i]));
  }
  await expect(panel.locator('[data-testid=frame-details]')).toHaveAttribute('data-frame-id', String(frameId));
}

async function openOn(path: string, scheme: 'http' | 'https' = 'https') {
  const url = server.url(scheme, 'a.test', path);
  await page.goto(url);
  const worker = await browser.worker();
  const tabId = await tabIdOf(worker, url);
  const record = await settledPage(worker, tabId);
  const opened = await openPanel(browser, page);
  const errors: string[] = [];
  opened.devtools.on('pageerror', (err) => errors.push(err.message));
  await expect(opened.panel.locator('[data-testid=frame-row]')).toHaveCount(Object.keys(record.frames).length);
  return { url, worker, tabId, record, opened, errors };
}

const frameIdOf = (record: PageRecord, elementId: string) => {
  const f = recordedFrameFor(elementId, record)?.frame;
  if (!f) throw new Error(`no recorded frame for #${elementId}`);
  return f.frameId;
};

const summaryTexts = (panel: Frame) => panel.locator('[data-testid=summary] li').allTextContents();

// ── the tests ───────────────────────────────────────────────────────────────────────────────────
test('zoo: a secure, a sandboxed, an opaque-origin and a COEP-blocked frame, by keyboard and mouse', async () => {
  const { worker, tabId, record, opened, errors } = await openOn('/zoo.html');
  const { panel } = opened;
  try {
    // A secure same-origin frame, by keyboard.
    const sameOrigin = frameIdOf(record, 'same-origin');
    await selectByKeyboard(opened, sameOrigin);
    const secure = await expectPanelMatchesCore(panel, worker, tabId, sameOrigin);
    expect(secure.e.secureContext.secure).toBe(true);
    await expect(panel.locator('[data-testid=secure-context-verdict]')).toHaveText('secure (trustworthy origin and ancestors)');
    await expect(panel.locator('[data-testid=origin-relation-top]')).toHaveText('same origin');
    expect(await summaryTexts(panel)).toContain('✓ Secure context');

    // A sandboxed frame (allow-scripts), by mouse: every flag, set or lifted.
    const sandboxed = frameIdOf(record, 'sandbox-scripts');
    await selectByMouse(panel, sandboxed);
    const box = await expectPanelMatchesCore(panel, worker, tabId, sandboxed);
    expect(box.e.sandbox.active.has('scripts')).toBe(false);
    await expect(panel.locator('[data-testid=sandbox-flags] tr[data-flag-lifted=scripts] [data-testid=flag-source]'))
      .toHaveText('allow-scripts (attribute: <iframe id="sandbox-scripts" sandbox="allow-scripts">)');
    await expect(panel.locator('[data-testid=sandbox-flags] tr[data-flag=origin] [data-testid=flag-source]'))
      .toHaveText('attribute: <iframe id="sandbox-scripts" sandbox="allow-scripts">');
    await expect(panel.locator('[data-testid=sandbox-flags] tbody tr')).toHaveCount(SANDBOX_FLAGS.length + 2); // + Chromium's two flags
    await expect(panel.locator('[data-testid=origin-serialized]')).toHaveText('null (opaque)');
    await expect(panel.locator('[data-testid=origin-precursor]')).toHaveText(`${server.origin('https', 'a.test')} (the origin it would have without the sandbox)`);

    // The data: frame, by keyboard: opaque, not a secure context in Chromium.
    const dataUrl = frameIdOf(record, 'data-url');
    await selectByKeyboard(opened, dataUrl);
    await expectPanelMatchesCore(panel, worker, tabId, dataUrl);
    await expect(panel.locator('[data-testid=origin-opaque-reason]')).toHaveText('a data: URL always gets a new opaque origin');
    expect((await summaryTexts(panel))[0]).toBe('⚠ Not a secure context — its own origin null is not trustworthy');

    // The COEP-blocked frame, by mouse: blocked first, by CORP then COEP, with the fix to copy.
    const blocked = frameIdOf(record, 'coep-blocked');
    await selectByMouse(panel, blocked);
    const b = await expectPanelMatchesCore(panel, worker, tabId, blocked);
    expect(b.e.embedding?.blockedBy).toEqual(['corp', 'coep']);
    expect((await summaryTexts(panel))[0]).toBe('✗ Blocked by Cross-Origin-Resource-Policy and COEP');
    await expect(panel.locator('[data-testid=finding-corp-blocked-frame] [data-testid=fix-snippet-text]'))
      .toHaveText('Cross-Origin-Resource-Policy: cross-origin\nCross-Origin-Embedder-Policy: require-corp');
    expect(errors).toEqual([]);
  } finally {
    await opened.disconnect();
  }
});

test('iso/both.html: the isolated top and child side by side with the blocked ones', async () => {
  const { worker, tabId, record, opened, errors } = await openOn('/iso/both.html');
  const { panel } = opened;
  try {
    // The top: isolated, COOP and COEP in the enforced column.
    await selectByKeyboard(opened, 0);
    const top = await expectPanelMatchesCore(panel, worker, tabId, 0);
    expect(top.e.isolation.crossOriginIsolated).toBe(true);
    await expect(panel.locator('[data-testid=isolation-coop-enforced]')).toHaveText('same-origin-plus-COEP');
    await expect(panel.locator('[data-testid=isolation-coep-enforced]')).toHaveText('require-corp');
    await expect(panel.locator('[data-testid=isolation-coep-report-only]')).toHaveText('unsafe-none');

    // A delegated cross-origin child: isolated; the permission arrives through <iframe allow>.
    const allowed = frameIdOf(record, 'cross-corp-coep-allowed');
    await selectByMouse(panel, allowed);
    const iso = await expectPanelMatchesCore(panel, worker, tabId, allowed);
    expect(iso.e.isolation.crossOriginIsolated).toBe(true);
    await expect(panel.locator('[data-testid=isolation-verdict]')).toHaveText('true (isolated)');
    await expect(panel.locator('[data-testid=isolation-permission] li').first()).toHaveText('<iframe allow> lists this origin: Enabled.');
    expect(await summaryTexts(panel)).toContain('✓ Cross-origin isolated');

    // The same child without allow: the permission is the first failing step.
    const notAllowed = frameIdOf(record, 'cross-corp-coep');
    await selectByKeyboard(opened, notAllowed);
    await expectPanelMatchesCore(panel, worker, tabId, notAllowed);
    await expect(panel.locator('[data-testid=isolation-checklist] li[data-first-failure=true]')).toHaveAttribute('data-step', 'permission');

    // Blocked: by COEP and CORP, and by X-Frame-Options.
    const nothing = frameIdOf(record, 'cross-nothing');
    await selectByMouse(panel, nothing);
    await expectPanelMatchesCore(panel, worker, tabId, nothing);
    await expect(panel.locator('[data-testid=isolation-blocked-by]')).toHaveText('corp, coep');
    const xfo = frameIdOf(record, 'xfo-deny');
    await selectByKeyboard(opened, xfo);
    await expectPanelMatchesCore(panel, worker, tabId, xfo);
    expect((await summaryTexts(panel))[0]).toBe('✗ Blocked by X-Frame-Options');

    // A sandboxed child of an isolated page: opaque, and isolated-or-not as the core says.
    const sandboxed = frameIdOf(record, 'iso-sandboxed');
    await selectByMouse(panel, sandboxed);
    await expectPanelMatchesCore(panel, worker, tabId, sandboxed);
    expect(errors).toEqual([]);
  } finally {
    await opened.disconnect();
  }
});

test('secure/insecure-top.html: the insecure ancestor highlighted, the lost features listed', async () => {
  const { worker, tabId, record, opened, errors } = await openOn('/secure/insecure-top.html', 'http');
  const { panel } = opened;
  try {
    const grandchild = frameIdOf(record, 'https-grandchild');
    await selectByKeyboard(opened, grandchild);
    const { e } = await expectPanelMatchesCore(panel, worker, tabId, grandchild);
    expect(e.secureContext.category).toBe('insecure-ancestor');
    const httpTop = server.origin('http', 'a.test');
    expect((await summaryTexts(panel))[0]).toBe(`⚠ Not a secure context — insecure ancestor ${httpTop}`);
    await expect(panel.locator('[data-testid=secure-context-chain] li[data-breaks=true]')).toHaveAttribute('data-frame-id', '0');
    await expect(panel.locator('[data-testid=secure-context-loses] li').first()).toHaveText('Service workers (navigator.serviceWorker)');

    // The http top itself, by mouse: its own origin is not trustworthy.
    await selectByMouse(panel, 0);
    await expectPanelMatchesCore(panel, worker, tabId, 0);
    expect((await summaryTexts(panel))[0]).toBe(`⚠ Not a secure context — its own origin ${httpTop} is not trustworthy`);

    // A sandboxed https frame in the http page: judged by its URL's origin, still below an insecure top.
    const sandboxed = frameIdOf(record, 'sandboxed-https-in-http');
    await selectByKeyboard(opened, sandboxed);
    await expectPanelMatchesCore(panel, worker, tabId, sandboxed);
    await expect(panel.locator('[data-testid=secure-context-reason]')).toContainText('judged by the origin of its URL (it is sandboxed');
    expect(errors).toEqual([]);
  } finally {
    await opened.disconnect();
  }
});

test('folded sections stay folded when another frame is selected; a fix is copied in the panel', async () => {
  const { record, opened } = await openOn('/iso/both.html');
  const { panel } = opened;
  const toggle = (section: string) => panel.locator(`[data-section=${section}] .section-toggle`);
  try {
    await selectByMouse(panel, 0);
    await expect(panel.locator('[data-testid=detail-headers]')).toBeVisible();
    await toggle('headers').click();
    await expect(toggle('headers')).toHaveAttribute('aria-expanded', 'false');
    await expect(panel.locator('[data-testid=detail-headers]')).toHaveCount(0);

    const notAllowed = frameIdOf(record, 'cross-corp-coep');
    await selectByKeyboard(opened, notAllowed);
    await expect(toggle('headers')).toHaveAttribute('aria-expanded', 'false');
    await expect(panel.locator('[data-testid=detail-headers]')).toHaveCount(0);
    await expect(toggle('isolation')).toHaveAttribute('aria-expanded', 'true');

    // Its finding's fix: allow="cross-origin-isolated", copied (the async clipboard or the fallback).
    const copy = panel.locator('[data-testid=finding-isolation-permission-missing] [data-testid=copy-fix]');
    await expect(panel.locator('[data-testid=finding-isolation-permission-missing] [data-testid=fix-snippet-text]')).toHaveText('allow="cross-origin-isolated"');
    await copy.click();
    await expect(copy).toHaveText('Copied');

    await toggle('headers').click();
    await expect(panel.locator('[data-testid=detail-headers]')).toBeVisible();
  } finally {
    await opened.disconnect();
  }
});
