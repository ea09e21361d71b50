// Origins: the URL Standard's origin of a URL, HTML's origin of a document in its context, same origin,
// same origin-domain and effective domain. Pure and total: any string in, an answer (with its reason) out.
import { parseURL, serializeHost, serializePath, type URLRecord } from 'whatwg-url';

export type HostKind = 'domain' | 'ipv4' | 'ipv6' | 'opaque' | 'empty';

/** A tuple origin, host serialized as the URL Standard serializes it (punycode, IPv6 in brackets). */
export interface TupleOrigin {
  type: 'tuple';
  scheme: string;
  host: string;
  hostKind: HostKind;
  /** null for the scheme's default port. */
  port: number | null;
  /** Set by `document.domain`; null otherwise. */
  domain: string | null;
}

/** Why an origin is opaque. Every opaque origin says why. */
export type OpaqueReason =
  | { kind: 'invalid-url'; url: string }
  | { kind: 'scheme'; scheme: string }
  | { kind: 'data-url' }
  | { kind: 'blob-inner'; inner: string }
  | { kind: 'sandboxed'; precursor: Origin }
  | { kind: 'no-creator'; url: string }
  | { kind: 'file-engine' };

export interface OpaqueOrigin {
  type: 'opaque';
  /** Opaque origins are equal only to themselves: the id stands for that identity. */
  id: string;
  reason: OpaqueReason;
}

export type Origin = TupleOrigin | OpaqueOrigin;

/** The engine whose choices the analysis predicts where the standards leave them open. */
export type Engine = 'chromium' | 'firefox';

let opaqueCounter = 0;
/** A new opaque origin (HTML "a new opaque origin"). `key` makes the id reproducible for one document. */
export function newOpaqueOrigin(reason: OpaqueReason, key?: string): OpaqueOrigin {
  return { type: 'opaque', id: key ?? `opaque-${++opaqueCounter}`, reason };
}

const SPECIAL_TUPLE_SCHEMES = new Set(['ftp', 'http', 'https', 'ws', 'wss']);

function hostKindOf(host: URLRecord['host']): HostKind {
  if (host === null || host === '') return 'empty';
  if (typeof host === 'number') return 'ipv4';
  if (Array.isArray(host)) return 'ipv6';
  return 'domain';
}

/** Longest authority (userinfo@host:port) parsed; see parseURLRecord. */
export const MAX_AUTHORITY = 2048;

/**
 * Parsed URLs, by input (and base): a page names the same URLs many times over (frames, responses,
 * subresources), and parsing dominated the evaluation's cost. Records are shared: never mutate one.
 */
const parsed = new Map<string, URLRecord | null>();
const parsedWithoutBase = new Map<string, URLRecord | null>();
const MAX_PARSED = 20_000;

/** Parses a URL with the URL Standard's parser; null on failure. The record is shared: read it only. */
export function parseURLRecord(input: string, base?: string): URLRecord | null {
  // Without a base (the usual case) by the input itself; with one, unambiguous for any input and base:
  // the base's length comes first.
  const cache = base === undefined ? parsedWithoutBase : parsed;
  const key = base === undefined ? input : `${base.length}:${base}${input}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const record = parseURLRecordUncached(input, base);
  if (cache.size >= MAX_PARSED) cache.clear();
  cache.set(key, record);
  return record;
}

function parseURLRecordUncached(input: string, base?: string): URLRecord | null {
  // Deviation: a host longer than any DNS name (253) cannot be a real site, and IDNA processing of a
  // huge non-ASCII host takes seconds (punycode is quadratic): a page must not stall the panel. An
  // authority over MAX_AUTHORITY characters is a parse failure here.
  const authority = /^[a-zA-Z][a-zA-Z0-9+.-]*:[/\\]{2}([^/\\?#]*)/.exec(input.trimStart());
  if (authority && authority[1]!.length > MAX_AUTHORITY) return null;
  try {
    const baseRecord = base === undefined ? undefined : parseURL(base);
    if (base !== undefined && baseRecord === null) return null;
    return parseURL(input, baseRecord ? { baseURL: baseRecord } : undefined);
  } catch {
    return null;
  }
}

/**
 * Tuple origins of http(s), ws(s) and ftp URLs, by URL: the same URLs come back for every frame, response
 * and check that names them. Origins are shared: never mutate one.
 */
const tupleOrigins = new Map<string, TupleOrigin>();
/** The same, by whole URL (of at most MAX_AUTHORITY characters). */
const tupleOriginsByURL = new Map<string, TupleOrigin>();
const NO_OPTIONS: { engine?: Engine; key?: string } = Object.freeze({});

/** "scheme://authority" of a URL whose (non-empty) authority has only lower-case letters, digits, . - _ ~ : [ ], followed by / ? # \ or the end. */
const PLAIN_AUTHORITY = /(?:https?|wss?|ftp):\/\/[a-z0-9.\-_~:[\]]+(?=[/?#\\]|$)/y;

/** Whether the URL starts with a plain http(s), ws(s) or ftp scheme and authority (see PLAIN_AUTHORITY). */
function hasPlainAuthority(input: string): boolean {
  PLAIN_AUTHORITY.lastIndex = 0;
  return PLAIN_AUTHORITY.test(input);
}

// https://url.spec.whatwg.org/#concept-url-origin
export function originOfURL(input: string | URLRecord, options: { engine?: Engine; key?: string } = NO_OPTIONS): Origin {
  if (typeof input === 'string') {
    // The same URL is asked about again and again (its frame, its responses, each policy's check).
    const known = tupleOriginsByURL.get(input);
    if (known) return known;
    // A plain http(s), ws(s) or ftp URL's origin is its scheme and authority's: the URL parser leaves the
    // authority at the first of / ? # \ and nothing after it can change the host or port, or fail. So
    // the origin is that of "scheme://authority/", parsed once for every URL that starts the same way
    // (a page's thousand subresources on a few hosts). Anything unusual in the authority (userinfo,
    // percent-escapes, whitespace, non-ASCII, upper case) takes the whole parse below.
    // (Sticky, from 0: test() leaves lastIndex at the match's end, with no match array to allocate.)
    PLAIN_AUTHORITY.lastIndex = 0;
    const plain = PLAIN_AUTHORITY.test(input);
    const key = plain ? input.slice(0, PLAIN_AUTHORITY.lastIndex) : input;
    let origin: Origin | undefined = tupleOrigins.get(key);
    if (!origin) {
      origin = originOfURLRecord(parseURLRecord(plain ? `${key}/` : input), input, options);
      // Only these schemes' origins depend on nothing but the URL (not on the engine, not on a key).
      if (origin.type !== 'tuple' || !SPECIAL_TUPLE_SCHEMES.has(origin.scheme)) return origin;
      if (tupleOrigins.size >= MAX_PARSED) tupleOrigins.clear();
      tupleOrigins.set(key, origin);
    }
    if (input.length <= MAX_AUTHORITY) {
      if (tupleOriginsByURL.size >= MAX_PARSED) tupleOriginsByURL.clear();
      tupleOriginsByURL.set(input, origin);
    }
    return origin;
  }
  return originOfURLRecord(input, input, options);
}

function originOfURLRecord(url: URLRecord | null, input: string | URLRecord, options: { engine?: Engine; key?: string }): Origin {
  if (url === null) return newOpaqueOrigin({ kind: 'invalid-url', url: String(input).slice(0, 200) }, options.key);
  switch (url.scheme) {
    case 'blob': {
      // 1. (A blob URL entry's environment origin is unknown here: the store is per browser session.)
      // 2. Let pathURL be the result of parsing the result of URL path serializing url.
      const path = serializePath(url);
      const pathURL = parseURLRecord(path);
      // 3. If pathURL is failure, return a new opaque origin.
      // 4. If pathURL's scheme is "http", "https", or "file", return pathURL's origin.
      if (pathURL !== null && (pathURL.scheme === 'http' || pathURL.scheme === 'https' || pathURL.scheme === 'file')) {
        return originOfURL(pathURL, options);
      }
      // 5. Return a new opaque origin.
      return newOpaqueOrigin({ kind: 'blob-inner', inner: path.slice(0, 200) }, options.key);
    }
    case 'ftp':
    case 'http':
    case 'https':
    case 'ws':
    case 'wss':
      return {
        type: 'tuple',
        scheme: url.scheme,
        host: url.host === null ? '' : serializeHost(url.host),
        hostKind: hostKindOf(url.host),
        port: url.port,
        domain: null,
      };
    case 'file':
      // Deviation: the URL Standard leaves file: origins "as an exercise to the reader" (opaque is the
      // safe choice). Browser: Chromium exposes them as the tuple ("file", "", null), serialized
      // "file://"; Firefox as an opaque origin ("null"). We predict the engine (decision 2).
      if ((options.engine ?? 'chromium') === 'firefox') return newOpaqueOrigin({ kind: 'file-engine' }, options.key);
      return { type: 'tuple', scheme: 'file', host: url.host === null ? '' : serializeHost(url.host), hostKind: hostKindOf(url.host), port: null, domain: null };
    default:
      if (url.scheme === 'data') return newOpaqueOrigin({ kind: 'data-url' }, options.key);
      return newOpaqueOrigin({ kind: 'scheme', scheme: url.scheme }, options.key);
  }
}

export { SPECIAL_TUPLE_SCHEMES };

/** Each engine's extension scheme: its pages have tuple origins there. */
export const EXTENSION_SCHEMES: Record<Engine, string> = { chromium: 'chrome-extension', firefox: 'moz-extension' };

/**
 * The origin a browser gives a document at this URL. Browser: the URL Standard makes extension URLs
 * opaque, but Chromium gives chrome-extension://ID pages the tuple origin ("chrome-extension", ID) and
 * Firefox does the same for moz-extension://UUID (self.origin is "chrome-extension://ID"). Everything
 * else is the URL Standard's origin.
 */
export function browserOriginOfURL(input: string | URLRecord, options: { engine?: Engine; key?: string } = NO_OPTIONS): Origin {
  // A plain http(s), ws(s) or ftp URL is no extension page: its origin, without a parse of the whole URL.
  if (typeof input === 'string' && hasPlainAuthority(input)) return originOfURL(input, options);
  const url = typeof input === 'string' ? parseURLRecord(input) : input;
  const engine = options.engine ?? 'chromium';
  if (url !== null && url.scheme === EXTENSION_SCHEMES[engine] && typeof url.host === 'string' && url.host !== '') {
    return { type: 'tuple', scheme: url.scheme, host: serializeHost(url.host), hostKind: 'opaque', port: url.port, domain: null };
  }
  return originOfURL(input, options);
}

// https://html.spec.whatwg.org/#ascii-serialisation-of-an-origin
export function serializeOrigin(origin: Origin): string {
  if (origin.type === 'opaque') return 'null';
  if (origin.scheme === 'file') return 'file://';
  // Tuple origins are shared (originOfURL): each is serialized once.
  let text = serialized.get(origin);
  if (text === undefined) serialized.set(origin, (text = `${origin.scheme}://${origin.host}${origin.port === null ? '' : `:${origin.port}`}`));
  return text;
}

const serialized = new WeakMap<TupleOrigin, string>();

// https://html.spec.whatwg.org/#concept-origin-effective-domain
export function effectiveDomain(origin: Origin): string | null {
  if (origin.type === 'opaque') return null;
  return origin.domain ?? origin.host;
}

/** Why two origins are not the same origin: the first component that differs, with both values. */
export type OriginDifference =
  | { part: 'opaque'; a: Origin; b: Origin }
  | { part: 'scheme'; a: string; b: string }
  | { part: 'host'; a: string; b: string }
  | { part: 'port'; a: number | null; b: number | null }
  | { part: 'domain'; a: string | null; b: string | null };

// https://html.spec.whatwg.org/#same-origin
export function isSameOrigin(a: Origin, b: Origin, trace?: OriginDifference[]): boolean {
  // 1. If A and B are the same opaque origin, then return true.
  if (a.type === 'opaque' || b.type === 'opaque') {
    const same = a.type === 'opaque' && b.type === 'opaque' && a.id === b.id;
    if (!same) trace?.push({ part: 'opaque', a, b });
    return same;
  }
  // 2. If A and B are both tuple origins and their schemes, hosts, and port are identical, then return true.
  if (a.scheme !== b.scheme) return fail(trace, { part: 'scheme', a: a.scheme, b: b.scheme });
  if (a.host !== b.host) return fail(trace, { part: 'host', a: a.host, b: b.host });
  if (a.port !== b.port) return fail(trace, { part: 'port', a: a.port, b: b.port });
  return true;
}

// https://html.spec.whatwg.org/#same-origin-domain
export function isSameOriginDomain(a: Origin, b: Origin, trace?: OriginDifference[]): boolean {
  // 1. If A and B are the same opaque origin, then return true.
  if (a.type === 'opaque' || b.type === 'opaque') return isSameOrigin(a, b, trace);
  // 2. If A and B are both tuple origins:
  // 2.1 If A and B's schemes are identical, and their domains are identical and non-null, then return true.
  if (a.scheme !== b.scheme) return fail(trace, { part: 'scheme', a: a.scheme, b: b.scheme });
  if (a.domain !== null || b.domain !== null) {
    if (a.domain === b.domain) return true;
    return fail(trace, { part: 'domain', a: a.domain, b: b.domain });
  }
  // 2.2 Otherwise, if A and B are same origin and their domains are both null, return true.
  return isSameOrigin(a, b, trace);
}

function fail(trace: OriginDifference[] | undefined, d: OriginDifference): false {
  trace?.push(d);
  return false;
}

// ── a document's origin in its context ──────────────────────────────────────────────────────────
/** How a document's origin was decided (HTML "determining the origin"). */
export type OriginStep =
  | { step: 'sandboxed'; precursor: Origin }
  | { step: 'srcdoc-inherits'; from: Origin }
  | { step: 'about-blank-inherits'; from: Origin }
  | { step: 'javascript-inherits'; from: Origin }
  | { step: 'origin-of-url' };

/** The step most documents take: one frozen object (a step is read, never changed). */
const ORIGIN_OF_URL: OriginStep = Object.freeze({ step: 'origin-of-url' });

export interface DocumentOriginInput {
  /** The document's URL (its creation URL). */
  url: string;
  /** The document's sandboxing flag set includes the sandboxed origin browsing context flag. */
  sandboxedOrigin: boolean;
  /** The origin of the document that created or navigated it (the parent for srcdoc/about:blank). */
  sourceOrigin: Origin | null;
  engine?: Engine;
  /** A stable key for the new opaque origin this document would get (e.g. its frame and document). */
  key?: string;
}

const matchesAboutBlank = (u: URLRecord | null) =>
  u !== null && u.scheme === 'about' && (typeof u.path === 'string' ? u.path : u.path.join('/')) === 'blank' &&
  u.username === '' && u.password === '' && u.host === null;
const matchesAboutSrcdoc = (u: URLRecord | null) =>
  u !== null && u.scheme === 'about' && (typeof u.path === 'string' ? u.path : u.path.join('/')) === 'srcdoc' &&
  u.query === null && u.username === '' && u.password === '' && u.host === null;

// https://html.spec.whatwg.org/#determining-the-origin
export function determineTheOrigin(input: DocumentOriginInput, trace?: OriginStep[]): Origin {
  // 1. If sandboxFlags has its sandboxed origin browsing context flag set, return a new opaque origin.
  if (input.sandboxedOrigin) {
    const precursor = originWithoutSandbox(input, trace);
    trace?.push({ step: 'sandboxed', precursor });
    return newOpaqueOrigin({ kind: 'sandboxed', precursor }, input.key);
  }
  return originWithoutSandbox(input, trace);
}

/** Steps 2–5 of "determining the origin": the origin the document has unless it is sandboxed. */
function originWithoutSandbox(input: DocumentOriginInput, trace: OriginStep[] | undefined): Origin {
  // A plain http(s), ws(s) or ftp URL is none of about:srcdoc, about:blank, javascript: or about: (steps 3–5
  // below): its origin, without a parse of the whole URL (a page has thousands of frame URLs).
  if (hasPlainAuthority(input.url)) {
    trace?.push(ORIGIN_OF_URL);
    // (Options only for a URL not known yet: they matter only when it turns out not to parse.)
    return tupleOriginsByURL.get(input.url) ?? originOfURL(input.url, input.key ? { engine: input.engine, key: input.key } : { engine: input.engine });
  }
  const url = parseURLRecord(input.url);
  // 3. If url is about:srcdoc, then return sourceOrigin (the parent's origin).
  if (matchesAboutSrcdoc(url) && input.sourceOrigin) {
    trace?.push({ step: 'srcdoc-inherits', from: input.sourceOrigin });
    return input.sourceOrigin;
  }
  // 4. If url matches about:blank and sourceOrigin is non-null, then return sourceOrigin.
  if (matchesAboutBlank(url) && input.sourceOrigin) {
    trace?.push({ step: 'about-blank-inherits', from: input.sourceOrigin });
    return input.sourceOrigin;
  }
  // A javascript: URL's result document keeps the origin of the document it replaced.
  if (url?.scheme === 'javascript' && input.sourceOrigin) {
    trace?.push({ step: 'javascript-inherits', from: input.sourceOrigin });
    return input.sourceOrigin;
  }
  // 5. Return url's origin.
  if (url !== null && url.scheme === 'about' && !input.sourceOrigin) {
    trace?.push(ORIGIN_OF_URL);
    return newOpaqueOrigin({ kind: 'no-creator', url: input.url.slice(0, 200) }, input.key);
  }
  trace?.push(ORIGIN_OF_URL);
  // (The URL is parsed again from its cache, which the tuple origin cache is keyed like.)
  return browserOriginOfURL(input.url, { engine: input.engine, key: input.key || undefined });
}
