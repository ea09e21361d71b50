// The panel's stand-in for whatwg-url's lib/encoding.js (swapped in by vite.config.ts) must give
// whatwg-url exactly what the original gives: the UTF-8 bytes of any string, and the decoding.
import fc from 'fast-check';
import { createRequire } from 'node:module';
import { describe, expect, test } from 'vitest';
import { utf8DecodeWithoutBOM, utf8Encode } from '../../src/panel/whatwg-url-encoding.ts';

const original = createRequire(import.meta.url)('../../node_modules/whatwg-url/lib/encoding.js') as {
  utf8Encode(s: string): Uint8Array;
  utf8DecodeWithoutBOM(b: Uint8Array): string;
};
const bytes = (a: Uint8Array) => [...a];

describe('the panel\'s whatwg-url encoding helpers equal the originals', () => {
  test('every single code unit and code point (the per-character calls of the URL parser)', () => {
    for (let c = 0; c <= 0xffff; c++) {
      const s = String.fromCharCode(c);
      expect(bytes(utf8Encode(s))).toEqual(bytes(original.utf8Encode(s)));
    }
    for (const cp of [0x10000, 0x1f600, 0x10ffff]) expect(bytes(utf8Encode(String.fromCodePoint(cp)))).toEqual(bytes(original.utf8Encode(String.fromCodePoint(cp))));
  });

  test('any string, and decoding (with a BOM, invalid bytes)', () => {
    const anyString = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 300 }),
      fc.tuple(fc.string({ maxLength: 255 }), fc.string({ unit: 'binary', minLength: 1, maxLength: 3 })).map(([a, b]) => a + b));
    fc.assert(fc.property(anyString, (s) => {
      expect(bytes(utf8Encode(s))).toEqual(bytes(original.utf8Encode(s)));
    }), { numRuns: 1000 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (b) => {
      expect(utf8DecodeWithoutBOM(Uint8Array.of(0xef, 0xbb, 0xbf, ...b))).toBe(original.utf8DecodeWithoutBOM(Uint8Array.of(0xef, 0xbb, 0xbf, ...b)));
    }), { numRuns: 500 });
  });
});
