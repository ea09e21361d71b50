// Navigation errors that mean a response header blocked the document (COEP, CORP, X-Frame-Options,
// CSP frame-ancestors): the document's response arrived and is the evidence. Chromium reports all of
// them as net::ERR_BLOCKED_BY_RESPONSE; Firefox as numeric nsresult codes, named here.

const BLOCKED_BY_RESPONSE = new Map<string, string | null>([
  ['net::ERR_BLOCKED_BY_RESPONSE', null],
  ['Error code 2152924176', 'NS_ERROR_DOM_COEP_FAILED'], // 0x80530410
  ['Error code 2152924172', 'NS_ERROR_DOM_CORP_FAILED'], // 0x8053040C
  ['Error code 2153578502', 'NS_ERROR_XFO_VIOLATION'], // 0x805D0006, Firefox 153
  ['Error code 2153578503', 'NS_ERROR_CSP_FRAME_ANCESTOR_VIOLATION'], // 0x805D0007, Firefox 153
  ['Error code 2153381984', 'NS_ERROR_XFO_VIOLATION'], // 0x805A0060, Firefox ESR 140
  ['Error code 2153381986', 'NS_ERROR_CSP_FRAME_ANCESTOR_VIOLATION'], // 0x805A0062, Firefox ESR 140
]);

/** The browser blocked the document because of a header of its response. */
export function isBlockedByResponse(error: string | undefined | null): boolean {
  return typeof error === 'string' && BLOCKED_BY_RESPONSE.has(error);
}

/** A browser's load error as shown to people: Firefox's numeric codes get their name. */
export function describeLoadError(error: string): string {
  const name = BLOCKED_BY_RESPONSE.get(error);
  return name ? `${name}, ${error}` : error;
}
