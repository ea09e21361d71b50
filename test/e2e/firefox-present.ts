// Whether Firefox is installed, for the Firefox test files: without it they are skipped, loudly, except
// in CI (CI is set), where a missing Firefox fails the run instead.
import { test } from '@playwright/test';
import { findFirefox, MissingBrowserError } from '../../src/cli/browsers.ts';

let path: string | null = null;
let missing = '';
try {
  path = findFirefox();
} catch (err) {
  if (!(err instanceof MissingBrowserError)) throw err;
  missing = err.message;
}
const inCi = Boolean(process.env.CI);

/** The Firefox binary, or null. */
export const firefoxPath = path;

/** Says loudly, once per file, that `what` will be skipped (Firefox missing, outside CI). */
export function warnWithoutFirefox(what: string) {
  if (path === null && !inCi) {
    console.warn(
      `\n${'!'.repeat(100)}\n!! SKIPPING ${what}: ${missing}\n` +
        `!! Install it with: sudo apt-get install -y firefox-esr\n${'!'.repeat(100)}\n`,
    );
  }
}

/** Skips the file's tests (at file level) or the current test where Firefox is missing outside CI. */
export function skipWithoutFirefox() {
  test.skip(path === null && !inCi, `Firefox is not installed (sudo apt-get install -y firefox-esr): ${missing}`);
}

/** The Firefox binary; in CI without Firefox, an error that fails the test. */
export function requireFirefox(): string {
  if (path === null) throw new Error(`${missing}\nCI is set: a missing Firefox fails the run instead of skipping it.`);
  return path;
}
