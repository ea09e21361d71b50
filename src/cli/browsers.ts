// Finding the browsers to drive: an explicit variable first, then the Debian paths, then (Chromium
// only) Playwright's own download. A missing browser is one line that names the install command.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export class MissingBrowserError extends Error {}

export function findChromium(explicit?: string): string {
  // A path the user gave is used as given: falling back to another browser would hide the mistake.
  if (explicit !== undefined && !existsSync(explicit)) throw new MissingBrowserError(`No Chromium at ${explicit} (the path given with --browser-path).`);
  const candidates = [explicit, process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/lib/chromium/chromium', '/usr/bin/chromium-browser'];
  for (const c of candidates) if (c && existsSync(c)) return c;
  throw new MissingBrowserError(
    'Chromium not found: install it with `sudo apt-get install -y chromium` (or set CHROMIUM_PATH to a Chromium binary).',
  );
}

export function findFirefox(explicit?: string): string {
  // As for Chromium: a path the user gave is used as given, or it is an error.
  if (explicit !== undefined && !existsSync(explicit)) throw new MissingBrowserError(`No Firefox at ${explicit} (the path given with --browser-path).`);
  const candidates = [explicit, process.env.FIREFOX_PATH, '/usr/bin/firefox-esr', '/usr/lib/firefox-esr/firefox-esr', '/usr/bin/firefox'];
  for (const c of candidates) if (c && existsSync(c)) return c;
  throw new MissingBrowserError(
    'Firefox not found: install it with `sudo apt-get install -y firefox-esr` (or set FIREFOX_PATH to a Firefox binary).',
  );
}

/** Flags every automated Chromium run needs on a closed network (see TESTING.md). */
export const CHROMIUM_BASE_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Browsers write into $HOME even with their own profile: point HOME and XDG_* into a throwaway directory. */
export function browserEnv(home: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_DATA_HOME: join(home, '.local'),
  };
}
