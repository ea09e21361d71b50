// The report as Markdown, for a bug report: the frame tree with each frame's verdicts, then the findings.
// Page-controlled text (URLs, ids, header values) goes into code spans, so it cannot become markup.
import type { Report, ReportFrame } from './report.ts';

/** A code span that holds any text: a backtick fence longer than any run inside, on one line. */
export function code(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  // A loop, not Math.max(...runs): spreading 100k+ runs into arguments overflows the stack.
  let longest = 0;
  for (const run of flat.match(/`+/g) ?? []) if (run.length > longest) longest = run.length;
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat.trim() === '' ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** Plain prose from the analysis (not page-controlled markup): escape what Markdown would read. */
const prose = (text: string) => text.replace(/[\\*_[\]<>|#]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, ' ');

function verdicts(f: ReportFrame): string[] {
  const out: string[] = [];
  out.push(f.secureContext.value ? 'secure context' : `**not a secure context** (${f.secureContext.reason})`);
  if (f.crossOriginIsolated.value) out.push('cross-origin isolated');
  if (f.sandbox.flags.length > 0) out.push(`sandboxed (${f.sandbox.flags.length} flags)`);
  if (f.origin === 'null') out.push(`opaque origin (${f.opaqueReason ?? 'opaque'})`);
  if (f.relation.toTop) out.push(f.relation.toTop);
  if (f.loadStatus === 'blocked') out.push(`**blocked**${f.blockedBy.length ? ` by ${f.blockedBy.join(', ')}` : ''}`);
  else if (f.loadStatus === 'error') out.push('**error**');
  return out;
}

export function reportToMarkdown(report: Report): string {
  const lines: string[] = [];
  const s = report.summary;
  lines.push(`# Frame Security report: ${code(report.url)}`);
  lines.push('');
  lines.push(`${report.tool.name} ${report.tool.version}, ${report.browser.name} ${report.browser.version}, ${report.generatedAt}.`);
  lines.push('');
  lines.push(`${s.frames} frames: ${s.findings.error} errors, ${s.findings.warning} warnings, ${s.findings.info} notes; ` +
    `${s.notSecure} not secure, ${s.crossOriginIsolated} cross-origin isolated, ${s.sandboxed} sandboxed, ${s.opaque} opaque, ${s.blocked} blocked; ` +
    `require-corp would block ${s.requireCorpWouldBlock} subresources.`);
  if (report.dropped.frames > 0 || report.dropped.subresources > 0) {
    lines.push('');
    lines.push(`Not recorded (over the caps): ${report.dropped.frames} frames, ${report.dropped.subresources} subresource requests.`);
  }
  if (report.openedBy) {
    lines.push('');
    lines.push(`Opened as a popup by frame ${report.openedBy.frameId} of tab ${report.openedBy.tabId} (${code(report.openedBy.url)}); ` +
      `opener ${report.openedBy.openerKept === null ? 'unknown' : report.openedBy.openerKept ? 'kept' : 'cut'}.`);
  }
  lines.push('');
  lines.push('## Frames');
  lines.push('');
  const depth = new Map<number, number>();
  for (const f of report.frames) {
    const d = f.parentFrameId === -1 ? 0 : (depth.get(f.parentFrameId) ?? -1) + 1;
    depth.set(f.frameId, d);
    const name = f.label ? `${code(f.label)} ` : '';
    lines.push(`${'  '.repeat(d)}- ${name}${code(f.url)} — origin ${code(f.origin)}; ${verdicts(f).join('; ')}`);
  }
  if (report.popups.length > 0) {
    lines.push('');
    lines.push('## Popups opened by this page');
    lines.push('');
    for (const p of report.popups) lines.push(`- tab ${p.tabId}: ${code(p.url)} — opener ${p.openerKept === null ? 'unknown' : p.openerKept ? 'kept' : 'cut'}${p.step ? ` (${p.step})` : ''}`);
  }
  lines.push('');
  lines.push('## Findings');
  const all = report.frames.flatMap((f) => f.findings.map((x) => ({ f, x })));
  if (all.length === 0) {
    lines.push('');
    lines.push('None.');
  }
  const order = { error: 0, warning: 1, info: 2 } as const;
  all.sort((a, b) => order[a.x.severity] - order[b.x.severity]);
  for (const { f, x } of all) {
    lines.push('');
    lines.push(`### ${x.severity}: ${x.id} — frame ${f.frameId}${f.label ? ` ${code(f.label)}` : ''}`);
    lines.push('');
    lines.push(prose(x.explanation));
    if (x.evidence.length > 0) {
      lines.push('');
      for (const ev of x.evidence) lines.push(`- ${prose(ev.label)}: ${code(ev.value)}`);
    }
    lines.push('');
    lines.push(`Decided by: ${prose(x.step)}`);
    lines.push('');
    lines.push(`Fix: ${prose(x.fix)}`);
    lines.push('');
    lines.push(`Spec: ${x.spec.map((u) => `<${u}>`).join(' ')}`);
  }
  lines.push('');
  return lines.join('\n');
}
