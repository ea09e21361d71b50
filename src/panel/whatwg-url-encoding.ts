// whatwg-url's lib/encoding.js for the panel's bundle (vite.config.ts puts it in place of that file).
// whatwg-url UTF-8-encodes each code point of a URL's path, query and fragment on its own (one
// TextEncoder.encode per character). In Chromium's renderer each of those native calls costs about a
// microsecond, and URL parsing took two thirds of the panel's first render of a 1,000-frame page
// (npm run bench panel, BENCH_PROFILE). Same results: an ASCII string's bytes are its code units.
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** One shared one-byte array per ASCII character (whatwg-url only reads what utf8Encode returns). */
const ASCII: readonly Uint8Array[] = Array.from({ length: 0x80 }, (_, c) => Uint8Array.of(c));

/** Up to this length, an ASCII string is encoded here (a host name, decoded whole by the host parser). */
const SHORT = 256;

export function utf8Encode(string: string): Uint8Array {
  const n = string.length;
  if (n === 1) {
    const c = string.charCodeAt(0);
    if (c < 0x80) return ASCII[c]!;
  } else if (n <= SHORT) {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const c = string.charCodeAt(i);
      if (c >= 0x80) return encoder.encode(string);
      out[i] = c;
    }
    return out;
  }
  return encoder.encode(string);
}

export function utf8DecodeWithoutBOM(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
