// Reading response headers the way Fetch does: names case-insensitive, repeated lines combined with
// ", ", and structured fields (RFC 9651) parsed with `structured-headers` after trimming only SP and
// HTAB around each line (vectors §3.1: CR, LF, VT and FF are not trimmed, so they make the value invalid).
import { parseDictionary, parseItem, type Dictionary, type Item } from 'structured-headers';
import type { HeaderLine } from './snapshot.ts';

/** Header names in lower case, by name as asked for (a few dozen literals: kept, never cleared needlessly). */
const lowerNames = new Map<string, string>();
function lowerCaseName(name: string): string {
  let n = lowerNames.get(name);
  if (n === undefined) {
    n = name.toLowerCase();
    if (lowerNames.size >= 1_000) lowerNames.clear();
    lowerNames.set(name, n);
  }
  return n;
}

/** Whether the line's name is `name` (lowered: `n`), ASCII case-insensitively; the usual spellings compare without a copy. */
const nameIs = (k: string, name: string, n: string) => k.length === n.length && (k === name || k === n || k.toLowerCase() === n);

/** Every value of the header `name`, in order. */
export function headerValues(headers: readonly HeaderLine[], name: string): string[] {
  const n = lowerCaseName(name);
  const out: string[] = [];
  for (const [k, v] of headers) if (nameIs(k, name, n)) out.push(v);
  return out;
}

/** Every line of the header `name` as sent, joined with ", " (no trimming), or null when absent. */
export function headerLines(headers: readonly HeaderLine[], name: string): string | null {
  const n = lowerCaseName(name);
  let joined: string | null = null;
  for (const [k, v] of headers) if (nameIs(k, name, n)) joined = joined === null ? v : `${joined}, ${v}`;
  return joined;
}

const SP_HTAB_EDGES = /^[ \t]+|[ \t]+$/g;
const trimSpHtab = (v: string) => (v.length > 0 && (v.charCodeAt(0) <= 32 || v.charCodeAt(v.length - 1) <= 32) ? v.replace(SP_HTAB_EDGES, '') : v);

// https://fetch.spec.whatwg.org/#concept-header-list-get
/** The combined value (lines joined with ", "), or null when the header is absent. */
export function getHeader(headers: readonly HeaderLine[], name: string): string | null {
  const n = lowerCaseName(name);
  // One line is the usual case: no list for it.
  let first: string | null = null;
  let more: string[] | null = null;
  for (const [k, v] of headers) {
    if (!nameIs(k, name, n)) continue;
    if (first === null) first = trimSpHtab(v);
    else (more ??= [first]).push(trimSpHtab(v));
  }
  return more === null ? first : more.join(', ');
}

/** A structured header as read: absent, parsed, or invalid (with the parser's reason). */
export type Structured<T> =
  | { state: 'absent' }
  | { state: 'parsed'; raw: string; value: T }
  | { state: 'invalid'; raw: string; error: string };

const ABSENT: { state: 'absent' } = Object.freeze({ state: 'absent' });

/** Parsed structured values by parser and raw value (shared: read them only). */
const parsedFields = new Map<(s: string) => unknown, Map<string, Structured<unknown>>>();

function structured<T>(headers: readonly HeaderLine[], name: string, parse: (s: string) => T): Structured<T> {
  const raw = getHeader(headers, name);
  if (raw === null) return ABSENT;
  let byRaw = parsedFields.get(parse);
  if (!byRaw) parsedFields.set(parse, (byRaw = new Map()));
  const hit = byRaw.get(raw);
  if (hit) return hit as Structured<T>;
  let result: Structured<T>;
  try {
    result = { state: 'parsed', raw, value: parse(raw) };
  } catch (err) {
    result = { state: 'invalid', raw, error: err instanceof Error ? err.message : String(err) };
  }
  if (byRaw.size >= 5_000) byRaw.clear();
  byRaw.set(raw, result);
  return result;
}

// https://fetch.spec.whatwg.org/#concept-header-list-get-structured-header
export const getStructuredItem = (headers: readonly HeaderLine[], name: string): Structured<Item> => structured(headers, name, parseItem);
export const getStructuredDictionary = (headers: readonly HeaderLine[], name: string): Structured<Dictionary> =>
  structured(headers, name, parseDictionary);

/** A bare item as the user would write it, for explanations. */
export function showBareItem(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'boolean') return v ? '?1' : '?0';
  if (typeof v === 'number') return String(v);
  if (v instanceof ArrayBuffer) return ':…:';
  return String(v);
}

/** The kind of a bare item, for "is a token" checks and explanations. */
export function bareItemKind(v: unknown): 'token' | 'string' | 'boolean' | 'number' | 'byte sequence' | 'other' {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return 'number';
  if (v instanceof ArrayBuffer) return 'byte sequence';
  if (v !== null && typeof v === 'object' && v.constructor?.name === 'Token') return 'token';
  return 'other';
}
