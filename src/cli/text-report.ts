// The audit's readable report: the frame tree with each frame's verdicts, then the findings, worst
// first. Colour only when asked (the CLI asks on a TTY); page-controlled text is printed as is, with
// control characters made visible so a page cannot move the cursor or recolour the terminal.
import type { Report, ReportFrame } from '../shared/report.ts';

const ESC = {
  red: '\x1b[31m', yellow: '\x1b[33m', green: '\x1b[32m', dim: '\x1b[2m', bold: '\x1b[1m', reset: '\x1b[0m',
} as const;

/** Page text with C0/C1 controls (ESC included) shown as \xNN. */
export function visible(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function badges(f: ReportFrame): { text: string; tone: keyof typeof ESC | null }[] {
  const out: { text: string; tone: keyof typeof ESC | null }[] = [];
  out.push(f.secureContext.value ? { text: 'secure', tone: 'green' } : { text: `not secure (${f.secureContext.reason})`, tone: 'yellow' });
  if (f.crossOriginIsolated.value) out.push({ text: 'cross-origin isolated', tone: 'green' });
  if (f.sandbox.flags.length > 0) out.push({ text: `sandboxed (${f.sandbox.flags.length} flags)`, tone: null });
  if (f.origin === 'null') out.push({ text: 'opaque origin', tone: null });
  if (f.relation.toTop) out.push({ text: f.relation.toTop, tone: 'dim' });
  if (f.loadStatus === 'blocked') out.push({ text: `BLOCKED by ${f.blockedBy.join(', ') || 'a response header'}`, tone: 'red' });
  else if (f.loadStatus === 'error') out.push({ text: `error ${f.error ?? ''}`.trim(), tone: 'red' });
  return out;
}

export function renderReportText(report: Report, options: { color?: boolean } = {}): string {
  const paint = (text: string, tone: keyof typeof ESC | null) => (options.color && tone ? `${ESC[tone]}${text}${ESC.reset}` : text);
  const lines: string[] = [];
  const s = report.summary;
  lines.push(paint(`Frame Security audit of ${visible(report.url)}`, 'bold'));
  lines.push(paint(`${report.browser.name} ${report.browser.version} · ${report.tool.name} ${report.tool.version} · ${report.generatedAt}`, 'dim'));
  lines.push('');
  const depth = new Map<number, number>();
  for (const f of report.frames) {
    const d = f.parentFrameId === -1 ? 0 : (depth.get(f.parentFrameId) ?? -1) + 1;
    depth.set(f.frameId, d);
    const label = f.label ? `${visible(f.label)} ` : '';
    const worst = f.findings[0]?.severity;
    const mark = worst === 'error' ? paint('✖', 'red') : worst === 'warning' ? paint('▲', 'yellow') : worst === 'info' ? paint('ℹ', 'dim') : paint('✓', 'green');
    lines.push(`${'  '.repeat(d)}${mark} ${label}${visible(f.url)}`);
    lines.push(`${'  '.repeat(d)}  origin ${visible(f.origin)} · ${badges(f).map((b) => paint(b.text, b.tone)).join(' · ')}`);
  }
  if (report.popups.length > 0) {
    lines.push('');
    lines.push('Popups opened by this page:');
    for (const p of report.popups) lines.push(`  tab ${p.tabId} ${visible(p.url)}: opener ${p.openerKept === null ? 'unknown' : p.openerKept ? 'kept' : paint('cut', 'yellow')}${p.step ? ` (${p.step})` : ''}`);
  }
  const findings = report.frames.flatMap((f) => f.findings.map((x) => ({ f, x })));
  const order = { error: 0, warning: 1, info: 2 } as const;
  findings.sort((a, b) => order[a.x.severity] - order[b.x.severity]);
  lines.push('');
  lines.push(paint(`Findings: ${s.findings.error} errors, ${s.findings.warning} warnings, ${s.findings.info} notes`, 'bold'));
  for (const { f, x } of findings) {
    const tone = x.severity === 'error' ? 'red' : x.severity === 'warning' ? 'yellow' : 'dim';
    lines.push('');
    lines.push(`${paint(x.severity.toUpperCase(), tone)} ${x.id} — frame ${f.frameId}${f.label ? ` ${visible(f.label)}` : ''}`);
    lines.push(`  ${visible(x.explanation)}`);
    for (const ev of x.evidence) lines.push(`  ${paint(`${visible(ev.label)}:`, 'dim')} ${visible(ev.value)}`);
    lines.push(`  ${paint('fix:', 'bold')} ${visible(x.fix)}`);
    lines.push(`  ${paint(x.spec.join(' '), 'dim')}`);
  }
  if (report.dropped.frames > 0 || report.dropped.subresources > 0) {
    lines.push('');
    lines.push(`Not recorded (over the caps): ${report.dropped.frames} frames, ${report.dropped.subresources} subresource requests.`);
  }
  lines.push('');
  return lines.join('\n');
}
