// loadedAnyway: after Firefox's remote agent failed a navigation that did load (its generic "Address
// rejected", seen in Firefox 153), the audit asks the page itself. It must say yes only for the URL asked,
// once its document is complete, and no for anything else (another document, an error page, no end).
import { describe, expect, test } from 'vitest';
import { loadedAnyway } from '../../src/cli/audit.ts';

/** A page whose evaluate answers [documentURI, readyState] from a script; a null step throws (document replaced). */
function pageAnswering(steps: (readonly [string, string] | null)[]) {
  let i = 0;
  return {
    asked: () => i,
    evaluate: (async () => {
      const s = steps[Math.min(i++, steps.length - 1)];
      if (s === null) throw new Error('Execution context was destroyed');
      return s;
    }) as never,
  };
}

const URL_ASKED = 'https://a.test/iso/both-credentialless.html';

describe('loadedAnyway', () => {
  test('the document asked, loading then complete (one answer lost while it is replaced): loaded', async () => {
    const page = pageAnswering([null, [URL_ASKED, 'loading'], [URL_ASKED, 'interactive'], [`${URL_ASKED}#part`, 'complete']]);
    await expect(loadedAnyway(page, URL_ASKED, Date.now() + 5_000)).resolves.toBe(true);
    expect(page.asked()).toBe(4);
  });

  test('an error page or another document: not loaded, at once', async () => {
    for (const other of ['about:neterror?e=connectionFailure&u=https%3A//a.test/', 'https://a.test/elsewhere.html', 'about:blank']) {
      const page = pageAnswering([[other, 'complete']]);
      await expect(loadedAnyway(page, URL_ASKED, Date.now() + 5_000)).resolves.toBe(false);
      expect(page.asked()).toBe(1);
    }
  });

  test('a document that never completes: not loaded once the deadline passes', async () => {
    const page = pageAnswering([[URL_ASKED, 'interactive']]);
    await expect(loadedAnyway(page, URL_ASKED, Date.now() + 300)).resolves.toBe(false);
    expect(page.asked()).toBeGreaterThan(1);
  });
});
