// The user's settings, as stored in the extension's storage.local under one key. Whatever is stored is
// read through parseSettings: a value written by an older version or by hand becomes valid settings.
export interface Settings {
  /**
   * Origins treated as potentially trustworthy (like Chromium's
   * --unsafely-treat-insecure-origin-as-secure): `http://intranet.test:8080` or `*.intranet.test`.
   */
  trustworthyOrigins: string[];
  /**
   * Record every tab, not only those with DevTools open: a page loaded before DevTools opened then has
   * its record, at a cost to every page load (README, Performance).
   */
  recordAllTabs: boolean;
}

export const SETTINGS_KEY = 'settings';
export const DEFAULT_SETTINGS: Settings = { trustworthyOrigins: [], recordAllTabs: false };
const MAX_ENTRIES = 200;
const MAX_ENTRY = 2048;

export function parseSettings(raw: unknown): Settings {
  if (typeof raw !== 'object' || raw === null) return { ...DEFAULT_SETTINGS };
  const list = (raw as { trustworthyOrigins?: unknown }).trustworthyOrigins;
  const trustworthyOrigins = Array.isArray(list)
    ? list.filter((x): x is string => typeof x === 'string' && x.trim() !== '' && x.length <= MAX_ENTRY).map((x) => x.trim()).slice(0, MAX_ENTRIES)
    : [];
  return { trustworthyOrigins, recordAllTabs: (raw as { recordAllTabs?: unknown }).recordAllTabs === true };
}

/** The textarea form of the list: one entry per line; blank lines and `#` comments ignored. */
export function parseOriginLines(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}
