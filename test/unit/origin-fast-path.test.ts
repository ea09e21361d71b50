// originOfURL's shortcut for plain http(s), ws(s) and ftp URLs (the origin of "scheme://authority/",
// shared by every URL that starts the same way) must give exactly the origin the URL Standard gives
// the whole URL: checked against whatwg-url's own parse and origin serialization of the whole input.
import fc from 'fast-check';
import { basicURLParse, serializeURLOrigin } from 'whatwg-url';
import { describe, expect, test } from 'vitest';
import { originOfURL, serializeOrigin } from '../../src/shared/origin.ts';
import { oddURL } from './arbitraries.ts';

/** The URL Standard's origin of the whole URL, serialized ("null" for an opaque origin or a failure). */
function reference(input: string): string {
  const url = basicURLParse(input);
  return url === null ? 'null' : serializeURLOrigin(url);
}

const pick = (chars: string) => fc.constantFrom(...chars.split(''));
const scheme = fc.constantFrom('http', 'https', 'ws', 'wss', 'ftp', 'HTTP', 'file', 'blob:https');
const authority = fc.oneof(
  fc.string({ unit: pick('abz09.-_~:[]'), maxLength: 12 }),
  fc.string({ unit: pick('aB.-:[]@%20 \t\n\\/ä'), maxLength: 10 }),
  fc.constantFrom('a.test', 'A.TEST', 'a.test:443', 'a.test:0443', 'a.test:99999', 'a.test:', '[::1]', '[::1]:80', '127.0.0.1', '0x7f.1', '1.2.3.4.5',
    'a.test.', 'a..test', 'xn--nxasmq6b.test', 'xn--zz', 'user@a.test', 'a.test%2e', '', '...', ':80', 'a_b.test', '~'),
);
const rest = fc.oneof(fc.constantFrom('', '/', '/x?y#z', '?q', '#f', '\\x', '//x', '/ä', '/%zz', ' ', '\t/'), fc.string({ maxLength: 8 }).map((s) => `/${s}`));
const url = fc.oneof(fc.tuple(scheme, fc.constantFrom('://', ':/', ':', ':///'), authority, rest).map(([a, b, c, d]) => a + b + c + d), oddURL);

describe('originOfURL', () => {
  test('gives the URL Standard\'s origin of the whole URL, through the shortcut or not', () => {
    fc.assert(fc.property(url, (input) => {
      const got = originOfURL(input);
      // blob: and the rest are the slow path's, tested elsewhere; here: special tuple schemes and failures.
      if (!/^(https?|wss?|ftp):/i.test(input.trimStart())) return;
      expect(got.type === 'opaque' ? 'null' : serializeOrigin(got), input).toBe(reference(input));
    }), { numRuns: 5000 });
  });

  test('the same origin for every URL that shares a plain authority, and no shortcut past it', () => {
    expect(serializeOrigin(originOfURL('https://a.test:443/one'))).toBe('https://a.test');
    expect(originOfURL('https://a.test/two?x')).toBe(originOfURL('https://a.test#three'));
    // After "https://" an empty authority skips slashes: the host is the next segment.
    expect(serializeOrigin(originOfURL('https:///b.test/x'))).toBe('https://b.test');
    expect(originOfURL('https://a.test:99999/x').type).toBe('opaque');
  });
});
