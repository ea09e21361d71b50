// Sandboxing flag sets: HTML's "parse a sandboxing directive", the CSP-derived flags of a response,
// and the flags a document ends up with. Pure and total.
import type { HeaderLine } from './snapshot.ts';

/** HTML's sandboxing flags, named as in the JSON report (kebab case, without "sandboxed … flag"). */
export const SANDBOX_FLAGS = [
  'navigation',
  'auxiliary-navigation',
  'top-level-navigation-without-user-activation',
  'top-level-navigation-with-user-activation',
  'plugins',
  'origin',
  'forms',
  'pointer-lock',
  'scripts',
  'automatic-features',
  'document-domain',
  'propagates-to-auxiliary-browsing-contexts',
  'modals',
  'orientation-lock',
  'presentation',
  'downloads',
  'custom-protocols-navigation',
] as const;
export type SandboxFlag = (typeof SANDBOX_FLAGS)[number];

/** The keywords HTML defines for the sandbox attribute and the CSP sandbox directive. */
export const SANDBOX_KEYWORDS = [
  'allow-downloads',
  'allow-forms',
  'allow-modals',
  'allow-orientation-lock',
  'allow-pointer-lock',
  'allow-popups',
  'allow-popups-to-escape-sandbox',
  'allow-presentation',
  'allow-same-origin',
  'allow-scripts',
  'allow-top-navigation',
  'allow-top-navigation-by-user-activation',
  'allow-top-navigation-to-custom-protocols',
] as const;

/** Keywords some engines know outside HTML (decision 4): recognised, engine-specific, not "unknown". */
export const ENGINE_SPECIFIC_KEYWORDS: Record<string, string> = {
  'allow-storage-access-by-user-activation': 'Storage Access API (Chromium, Firefox, Safari; not in HTML)',
  'allow-same-site-none-cookies': 'Chromium only',
};

export interface ParsedSandbox {
  flags: Set<SandboxFlag>;
  /** Recognised HTML keywords, lowercased, in first-seen order, without duplicates. */
  keywords: string[];
  engineSpecific: string[];
  unknown: string[];
}

const ASCII_WHITESPACE = /[\t\n\f\r ]+/;

// https://html.spec.whatwg.org/#parse-a-sandboxing-directive
export function parseASandboxingDirective(input: string): ParsedSandbox {
  // 1. Split input on ASCII whitespace, to obtain tokens.
  const tokens = input.split(ASCII_WHITESPACE).filter((t) => t !== '');
  // Keywords are ASCII case-insensitive (the attribute is a set of ASCII case-insensitive tokens).
  const lower = new Set<string>();
  const keywords: string[] = [];
  const engineSpecific: string[] = [];
  const unknown: string[] = [];
  for (const t of tokens) {
    const k = t.replace(/[A-Z]/g, (c) => c.toLowerCase());
    if (lower.has(k)) continue;
    lower.add(k);
    if ((SANDBOX_KEYWORDS as readonly string[]).includes(k)) keywords.push(k);
    else if (k in ENGINE_SPECIFIC_KEYWORDS) engineSpecific.push(k);
    else unknown.push(t);
  }
  const has = (k: string) => lower.has(k);
  // 2. Let output be empty. 3. Add the following flags to output:
  const flags = new Set<SandboxFlag>();
  flags.add('navigation');
  if (!has('allow-popups')) flags.add('auxiliary-navigation');
  if (!has('allow-top-navigation')) flags.add('top-level-navigation-without-user-activation');
  if (!has('allow-top-navigation-by-user-activation') && !has('allow-top-navigation')) {
    flags.add('top-level-navigation-with-user-activation');
  }
  flags.add('plugins');
  if (!has('allow-same-origin')) flags.add('origin');
  if (!has('allow-forms')) flags.add('forms');
  if (!has('allow-pointer-lock')) flags.add('pointer-lock');
  if (!has('allow-scripts')) {
    flags.add('scripts');
    flags.add('automatic-features');
  }
  flags.add('document-domain');
  if (!has('allow-popups-to-escape-sandbox')) flags.add('propagates-to-auxiliary-browsing-contexts');
  if (!has('allow-modals')) flags.add('modals');
  if (!has('allow-orientation-lock')) flags.add('orientation-lock');
  if (!has('allow-presentation')) flags.add('presentation');
  if (!has('allow-downloads')) flags.add('downloads');
  if (!has('allow-top-navigation-to-custom-protocols') && !has('allow-popups') && !has('allow-top-navigation')) {
    flags.add('custom-protocols-navigation');
  }
  return { flags, keywords, engineSpecific, unknown };
}

/** One `sandbox` directive found in an enforced Content-Security-Policy header line. */
export interface CspSandboxDirective {
  /** Index of the header line among the response's lines. */
  line: number;
  value: string;
}

const HTTP_WHITESPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g;

/**
 * The `sandbox` directives of every enforced policy in the response's Content-Security-Policy lines
 * (CSP3 "parse a serialized CSP list": policies split on ",", directives on ";", names
 * ASCII-lowercased, the first directive of a name wins within a policy). Report-only policies do not
 * sandbox; they are returned separately so the caller can say so.
 */
// https://w3c.github.io/webappsec-csp/#parse-serialized-policy
export function cspSandboxDirectives(headers: HeaderLine[]): { enforced: CspSandboxDirective[]; reportOnly: CspSandboxDirective[] } {
  const enforced: CspSandboxDirective[] = [];
  const reportOnly: CspSandboxDirective[] = [];
  headers.forEach(([name, value], line) => {
    const n = name.toLowerCase();
    const target = n === 'content-security-policy' ? enforced : n === 'content-security-policy-report-only' ? reportOnly : null;
    if (!target) return;
    for (const policy of value.split(',')) {
      const seen = new Set<string>();
      for (const token of policy.split(';')) {
        const t = token.replace(HTTP_WHITESPACE, '');
        if (t === '') continue;
        const m = /^([^\t\n\f\r ]+)(?:[\t\n\f\r ]+([\s\S]*))?$/.exec(t);
        if (!m) continue;
        const directive = m[1]!.toLowerCase();
        if (seen.has(directive)) continue;
        seen.add(directive);
        if (directive === 'sandbox') target.push({ line, value: m[2] ?? '' });
      }
    }
  });
  return { enforced, reportOnly };
}

/**
 * The CSP-derived sandboxing flags of a response.
 * Deviation: HTML uses only the last enforced sandbox directive; browsers enforce every policy, so
 * each enforced directive adds its flags (the union). The two differ only for several sandbox
 * policies on one response.
 */
// https://html.spec.whatwg.org/#csp-derived-sandboxing-flags
export function cspDerivedSandboxingFlags(headers: HeaderLine[]): { flags: Set<SandboxFlag>; directives: CspSandboxDirective[] } {
  const { enforced } = cspSandboxDirectives(headers);
  const flags = new Set<SandboxFlag>();
  for (const d of enforced) for (const f of parseASandboxingDirective(d.value).flags) flags.add(f);
  return { flags, directives: enforced };
}
