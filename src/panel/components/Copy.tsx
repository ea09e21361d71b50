// Copying a fix: the header or attribute snippets a fix's text names, and a button that copies one.
// DevTools panels may be denied the async clipboard (no clipboard-write permission in the panel's
// frame, or the panel not focused), so the button falls back to execCommand('copy') on a hidden textarea.
import { copyText as copyTextWith } from '../export.ts';
import { useEffect, useRef, useState } from 'preact/hooks';
import { strings } from '../strings.ts';

/** Response headers a fix may tell the user to send (longest first, so -Report-Only wins). */
const HEADER_NAMES = [
  'Cross-Origin-Opener-Policy-Report-Only',
  'Cross-Origin-Embedder-Policy-Report-Only',
  'Content-Security-Policy-Report-Only',
  'Cross-Origin-Opener-Policy',
  'Cross-Origin-Embedder-Policy',
  'Cross-Origin-Resource-Policy',
  'Content-Security-Policy',
  'Permissions-Policy',
  'X-Frame-Options',
  'Origin-Agent-Cluster',
  'Access-Control-Allow-Origin',
  'Access-Control-Allow-Credentials',
];
/** Frame element attributes a fix may tell the user to write. */
const ATTRIBUTES = ['sandbox', 'allow', 'referrerpolicy', 'crossorigin'];

const SNIPPET = new RegExp(`(?<![\\w-])(?:(${HEADER_NAMES.join('|')}): |(${ATTRIBUTES.join('|')})="([^"<>]*)")`, 'g');
/** Words that end a header value in a sentence: "…: require-corp with the framed document". */
const STOP_WORDS = new Set(['or', 'and', 'on', 'with', 'to', 'for', 'from', 'in', 'listing', 'which', 'if', 'before', 'instead', 'at', 'header', 'headers', '—', '-']);
/** CSP directives that are complete without a source list. */
const CSP_BARE_DIRECTIVES = new Set(['sandbox', 'upgrade-insecure-requests', 'block-all-mixed-content']);

/** The value of a header named in prose: up to the end of the sentence, a stop word, or " (". */
function readHeaderValue(text: string, start: number): { value: string; end: number } {
  let depth = 0;
  let quote = false;
  let i = start;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '"') quote = false;
      continue;
    }
    if (c === '"') quote = true;
    else if (c === '(') depth++;
    else if (c === ')' && depth > 0) depth--;
    else if (depth === 0) {
      const next = text[i + 1];
      if ((c === '.' || c === ',' || c === ';') && (next === undefined || next === ' ')) break;
      if (c === ' ') {
        const word = /^[^\s]+/.exec(text.slice(i + 1))?.[0] ?? '';
        if (next === '(' || STOP_WORDS.has(word.toLowerCase())) break;
      }
      if (c === ':' && next === ' ') break;
    }
  }
  return { value: text.slice(start, i).trim(), end: i };
}

function completeHeader(name: string, value: string): boolean {
  if (value === '' || value.includes('…')) return false;
  if (name.startsWith('Content-Security-Policy')) {
    const [directive, ...sources] = value.split(/\s+/);
    return CSP_BARE_DIRECTIVES.has((directive ?? '').toLowerCase()) || sources.length > 0;
  }
  return true;
}

/**
 * The snippets a fix's text tells the user to write: header lines (`Name: value`) and attributes
 * (`name="value"`). Snippets joined by "and" are one group (applied together, one per line); other
 * snippets are alternatives, each its own group. A header the text says a server already "sends" is
 * the current state, not the fix, and is skipped.
 */
export function fixSnippets(text: string): string[] {
  const found: { snippet: string; start: number; end: number }[] = [];
  SNIPPET.lastIndex = 0;
  for (let m = SNIPPET.exec(text); m; m = SNIPPET.exec(text)) {
    if (m[1]) {
      if (/\bsends $/.test(text.slice(Math.max(0, m.index - 6), m.index))) continue;
      const { value, end } = readHeaderValue(text, m.index + m[0].length);
      if (completeHeader(m[1], value)) found.push({ snippet: `${m[1]}: ${value}`, start: m.index, end });
      SNIPPET.lastIndex = Math.max(SNIPPET.lastIndex, end);
    } else if (m[2]) {
      found.push({ snippet: `${m[2]}="${m[3] ?? ''}"`, start: m.index, end: m.index + m[0].length });
    }
  }
  const groups: string[][] = [];
  let prevEnd = -1;
  for (const f of found) {
    const between = prevEnd < 0 ? null : text.slice(prevEnd, f.start);
    const last = groups.at(-1);
    if (last && between !== null && /^\s*(?:and|,|, and)\s*$/.test(between)) last.push(f.snippet);
    else groups.push([f.snippet]);
    prevEnd = f.end;
  }
  return [...new Set(groups.map((g) => [...new Set(g)].join('\n')))];
}

/** Copies text (export.ts: the async clipboard, else execCommand on a hidden textarea); true when it worked. */
export async function copyText(text: string): Promise<boolean> {
  return (await copyTextWith(text)) !== 'failed';
}

/** The snippet as text, with a button that copies it and says "Copied". */
export function CopySnippet({ snippet }: { snippet: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => {
    if (timer.current !== null) clearTimeout(timer.current);
  }, []);
  useEffect(() => setState('idle'), [snippet]);
  const onClick = async () => {
    const ok = await copyText(snippet);
    setState(ok ? 'copied' : 'failed');
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = setTimeout(() => setState('idle'), 2000);
  };
  return (
    <div class="snippet" data-testid="fix-snippet">
      <code class="mono" data-testid="fix-snippet-text">{snippet}</code>
      <button type="button" class="copy" title={strings.copy.title(snippet)} onClick={() => void onClick()} data-testid="copy-fix">
        {state === 'copied' ? strings.copy.copied : strings.copy.label}
      </button>
      {state === 'failed' && <span class="copy-failed" role="status">{strings.copy.failed}</span>}
    </div>
  );
}

/** A copy control for every snippet the fix names (nothing when it names none). */
export function FixSnippets({ fix }: { fix: string }) {
  const snippets = fixSnippets(fix);
  if (snippets.length === 0) return null;
  return <div class="snippets">{snippets.map((s) => <CopySnippet key={s} snippet={s} />)}</div>;
}
