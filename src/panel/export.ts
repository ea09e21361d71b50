// Exporting the report from the panel: the same JSON and Markdown the CLI prints (buildReport and
// reportToMarkdown over the panel's evaluation), saved as a file (a Blob and an <a download>: an
// extension page may do that without the downloads permission) or copied to the clipboard.
import type { PageEvaluation } from '../shared/evaluate.ts';
import { buildReport, type Report, type ReportMeta } from '../shared/report.ts';
import { reportToMarkdown } from '../shared/report-markdown.ts';

export type ExportFormat = 'json' | 'markdown';

export interface ExportedReport {
  report: Report;
  text: string;
  fileName: string;
  mime: string;
}

/** The report as the CLI prints it: `frame-security audit --json` (2-space JSON and a newline) or `--markdown`. */
export function reportText(report: Report, format: ExportFormat): string {
  return format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : reportToMarkdown(report);
}

/** `frame-security-a.test-2026-11-22T08-00-00Z.json`: the page's host and the report's time, safe for any file system. */
export function reportFileName(report: Report, format: ExportFormat): string {
  let host = 'page';
  try {
    host = new URL(report.url).hostname || new URL(report.url).protocol.replace(/:$/, '') || 'page';
  } catch {
    // An unparsable URL: the generic name.
  }
  const safeHost = host.replace(/[^a-zA-Z0-9.-]+/g, '_').slice(0, 80) || 'page';
  const time = report.generatedAt.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  return `frame-security-${safeHost}-${time}.${format === 'json' ? 'json' : 'md'}`;
}

export function exportReport(evaluation: PageEvaluation, meta: ReportMeta, popups: readonly PageEvaluation[], format: ExportFormat): ExportedReport {
  const report = buildReport(evaluation, meta, popups);
  return {
    report,
    text: reportText(report, format),
    fileName: reportFileName(report, format),
    mime: format === 'json' ? 'application/json' : 'text/markdown',
  };
}

/** Saves text as a file through the browser's download (no permission needed from an extension page). */
export function saveText(fileName: string, text: string, mime: string, doc: Document = document): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${mime};charset=utf-8` }));
  const a = doc.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  doc.body.append(a);
  try {
    a.click();
  } finally {
    a.remove();
    // The download has started from the URL by now; keep it a little for slow starts, then free it.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
}

export type CopyResult = 'clipboard' | 'exec-command' | 'failed';

/**
 * Copies text: the async clipboard first, then (DevTools panels may be denied the async clipboard:
 * no clipboard-write permission in the panel's frame, or the panel not focused) execCommand('copy')
 * on a hidden textarea. Says which way worked.
 */
export async function copyText(text: string, doc: Document = document, nav: Navigator | undefined = globalThis.navigator): Promise<CopyResult> {
  try {
    if (nav?.clipboard?.writeText) {
      await nav.clipboard.writeText(text);
      return 'clipboard';
    }
  } catch {
    // Denied: fall back below.
  }
  const area = doc.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.setAttribute('aria-hidden', 'true');
  area.style.position = 'fixed';
  area.style.top = '0';
  area.style.left = '-9999px';
  area.style.opacity = '0';
  const focused = doc.activeElement as HTMLElement | null;
  doc.body.append(area);
  try {
    area.select();
    return typeof doc.execCommand === 'function' && doc.execCommand('copy') ? 'exec-command' : 'failed';
  } catch {
    return 'failed';
  } finally {
    area.remove();
    focused?.focus?.();
  }
}

/** Which browser runs the panel, by the names the CLI's report uses. */
export async function browserInfo(nav: Navigator): Promise<{ name: string; version: string }> {
  const ua = nav.userAgent;
  const firefox = /\bFirefox\/([\d.]+)/.exec(ua);
  if (firefox) return { name: 'Firefox', version: firefox[1]! };
  const data = (nav as Navigator & { userAgentData?: UADataLike }).userAgentData;
  if (data?.getHighEntropyValues) {
    try {
      const high = await data.getHighEntropyValues(['fullVersionList']);
      const brand = high.fullVersionList?.find((b) => b.brand === 'Chromium');
      if (brand) return { name: 'Chromium', version: brand.version };
    } catch {
      // Not granted: the low-entropy brands below.
    }
  }
  const brand = data?.brands?.find((b) => b.brand === 'Chromium');
  const fromUA = /\bChrom(?:e|ium)\/([\d.]+)/.exec(ua)?.[1];
  return { name: 'Chromium', version: fromUA ?? brand?.version ?? 'unknown' };
}
interface UADataLike {
  brands?: { brand: string; version: string }[];
  getHighEntropyValues?(hints: string[]): Promise<{ fullVersionList?: { brand: string; version: string }[] }>;
}
