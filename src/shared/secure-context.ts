// Secure contexts: "is origin potentially trustworthy", "is URL potentially trustworthy" and whether a
// document is a secure context, walking its ancestors (vectors decision 1: the Secure Contexts model
// that browsers ship — the document itself and every ancestor must be potentially trustworthy).
// Pure and total; each verdict says which step decided it.
import { browserOriginOfURL, originOfURL, parseURLRecord, serializeOrigin, type Engine, type Origin, type TupleOrigin } from './origin.ts';
import { publicSuffix } from './site.ts';

// ── user-configured trustworthy origins ──────────────────────────────────────────────────────────
/**
 * An entry of the user's trustworthy origins, with the syntax of Chromium's
 * `--unsafely-treat-insecure-origin-as-secure`: an origin (`http://intranet.test:8080`, matched
 * exactly), or a host pattern with `*` wildcards (`*.intranet.test`, matching any scheme and port of
 * every host it matches; `*` never in the registrable domain, so `*.test` or `*.com` are refused).
 */
export type TrustworthyOriginPattern =
  | { kind: 'origin'; source: string; origin: string }
  | { kind: 'host-pattern'; source: string; pattern: string; regex: RegExp };

export type PatternParse = { ok: true; pattern: TrustworthyOriginPattern } | { ok: false; source: string; error: string };

const MAX_PATTERNS = 200;

/** Parses one configured entry; every rejected entry says why, so the settings UI can show it. */
// Browser: Chromium's network::ParseSecureOriginAllowlist (IsValidWildcardPattern, CanonicalizeAllowlist).
export function parseTrustworthyOriginPattern(input: string): PatternParse {
  const source = input.trim().slice(0, 2048);
  if (source === '') return { ok: false, source, error: 'empty entry' };
  if (source.includes('*')) {
    const pattern = source.toLowerCase();
    if (/[/:]/.test(pattern)) {
      return { ok: false, source, error: 'a wildcard entry is a host pattern without scheme or port, e.g. *.intranet.test' };
    }
    // A host matching the pattern must be a valid host…
    const sample = pattern.replace(/\*/g, 'a');
    const url = parseURLRecord(`http://${sample}:80/`);
    if (url === null || typeof url.host !== 'string' || url.host === '') return { ok: false, source, error: 'not a valid host pattern' };
    // …and the wildcard may only appear beyond the registrable domain (*.example.com, not *.com).
    const suffix = publicSuffix(sample);
    if (suffix === null || suffix === sample) return { ok: false, source, error: 'a wildcard must leave a registrable domain, e.g. *.example.com rather than *.com' };
    const before = pattern.slice(0, pattern.length - suffix.length).split('.').filter((c) => c !== '');
    if (before.length === 0 || before.at(-1)!.includes('*')) {
      return { ok: false, source, error: 'a wildcard must leave a registrable domain, e.g. *.example.com rather than *.com' };
    }
    const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    return { ok: true, pattern: { kind: 'host-pattern', source, pattern, regex } };
  }
  const url = parseURLRecord(source);
  if (url === null) return { ok: false, source, error: 'not a URL (write an origin such as http://intranet.test:8080)' };
  const origin = originOfURL(url);
  if (origin.type === 'opaque') {
    return { ok: false, source, error: `a ${url.scheme}: URL has an opaque origin; only http(s), ws(s) and ftp origins can be listed` };
  }
  return { ok: true, pattern: { kind: 'origin', source, origin: serializeOrigin(origin) } };
}

/** Parses the configured list (duplicates and entries beyond 200 dropped; blank entries skipped). */
export function parseTrustworthyOrigins(entries: readonly string[]): { patterns: TrustworthyOriginPattern[]; errors: { source: string; error: string }[] } {
  const patterns: TrustworthyOriginPattern[] = [];
  const errors: { source: string; error: string }[] = [];
  const seen = new Set<string>();
  for (const entry of entries.slice(0, MAX_PATTERNS)) {
    const r = parseTrustworthyOriginPattern(entry);
    if (!r.ok) {
      if (r.source !== '') errors.push({ source: r.source, error: r.error });
      continue;
    }
    const key = r.pattern.kind === 'origin' ? r.pattern.origin : `*${r.pattern.pattern}`;
    if (seen.has(key)) continue;
    seen.add(key);
    patterns.push(r.pattern);
  }
  if (entries.length > MAX_PATTERNS) errors.push({ source: `(${entries.length - MAX_PATTERNS} more)`, error: `only the first ${MAX_PATTERNS} entries are used` });
  return { patterns, errors };
}

function matchesPattern(origin: TupleOrigin, p: TrustworthyOriginPattern): boolean {
  return p.kind === 'origin' ? serializeOrigin(origin) === p.origin : p.regex.test(origin.host);
}

// ── is origin potentially trustworthy ────────────────────────────────────────────────────────────
/** The step of "is origin potentially trustworthy" that decided. */
export type TrustworthyStep =
  | 'opaque'
  | 'secure-scheme'
  | 'loopback-ip'
  | 'localhost'
  | 'file'
  | 'extension-scheme'
  | 'user-allowlist'
  | 'not-trustworthy'
  // "is URL potentially trustworthy" only:
  | 'about-blank-or-srcdoc'
  | 'data-url'
  | 'about-url-engine'
  | 'blob-inner-url-engine';

export interface TrustworthyOptions {
  trustworthyOrigins?: readonly TrustworthyOriginPattern[];
  engine?: Engine;
}

/** Schemes the browsers treat as authenticated (Secure Contexts step 7): their own extension pages. */
export const AUTHENTICATED_SCHEMES = ['chrome-extension', 'moz-extension'] as const;

/** 127.0.0.0/8, for a host the URL parser serialized as dotted IPv4. */
const isLoopbackIPv4 = (host: string) => /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);

/** `localhost`, `localhost.`, or a name ending in `.localhost` / `.localhost.` (hosts are lowercased). */
const isLocalhostName = (host: string) => {
  const h = host.endsWith('.') ? host.slice(0, -1) : host;
  return h === 'localhost' || h.endsWith('.localhost');
};

/** Whether a tuple origin's host is a loopback address or a localhost name (CDP's "SecureLocalhost"). */
export function isLocalhostOrigin(origin: Origin): boolean {
  if (origin.type === 'opaque') return false;
  return (origin.hostKind === 'ipv4' && isLoopbackIPv4(origin.host)) || (origin.hostKind === 'ipv6' && origin.host === '[::1]') ||
    (origin.hostKind === 'domain' && isLocalhostName(origin.host));
}

// https://w3c.github.io/webappsec-secure-contexts/#is-origin-trustworthy
export function isOriginPotentiallyTrustworthy(origin: Origin, options: TrustworthyOptions = {}, trace?: TrustworthyStep[]): boolean {
  const decide = (step: TrustworthyStep, value: boolean) => {
    trace?.push(step);
    return value;
  };
  // 1. If origin is an opaque origin, return "Not Trustworthy".
  if (origin.type === 'opaque') return decide('opaque', false);
  // 2. Assert: origin is a tuple origin.
  // 3. If origin's scheme is either "https" or "wss", return "Potentially Trustworthy".
  if (origin.scheme === 'https' || origin.scheme === 'wss') return decide('secure-scheme', true);
  // 4. If origin's host matches one of the CIDR notations 127.0.0.0/8 or ::1/128, return "Potentially Trustworthy".
  if ((origin.hostKind === 'ipv4' && isLoopbackIPv4(origin.host)) || (origin.hostKind === 'ipv6' && origin.host === '[::1]')) {
    return decide('loopback-ip', true);
  }
  // 5. If the user agent conforms to "let localhost be localhost" and origin's host is "localhost" or
  //    "localhost.", or ends with ".localhost" or ".localhost.", return "Potentially Trustworthy".
  if (origin.hostKind === 'domain' && isLocalhostName(origin.host)) return decide('localhost', true);
  // 6. If origin's scheme is "file", return "Potentially Trustworthy".
  if (origin.scheme === 'file') return decide('file', true);
  // 7. If origin's scheme component is one which the user agent considers to be authenticated, return
  //    "Potentially Trustworthy".
  if ((AUTHENTICATED_SCHEMES as readonly string[]).includes(origin.scheme)) return decide('extension-scheme', true);
  // 8. If origin has been configured as a trustworthy origin, return "Potentially Trustworthy".
  if (options.trustworthyOrigins?.some((p) => matchesPattern(origin, p))) return decide('user-allowlist', true);
  // 9. Return "Not Trustworthy".
  return decide('not-trustworthy', false);
}

// https://w3c.github.io/webappsec-secure-contexts/#is-url-trustworthy
export function isURLPotentiallyTrustworthy(input: string, options: TrustworthyOptions = {}, trace?: TrustworthyStep[]): boolean {
  const url = parseURLRecord(input);
  const engine = options.engine ?? 'chromium';
  if (url !== null && url.scheme === 'about') {
    const path = typeof url.path === 'string' ? url.path : url.path.join('/');
    // 1. If url is "about:blank" or "about:srcdoc", return "Potentially Trustworthy". (Query and
    //    fragment do not matter: HTML's "matches about:blank" ignores them; Chromium ignores both for srcdoc too.)
    if (path === 'blank' || path === 'srcdoc') {
      trace?.push('about-blank-or-srcdoc');
      return true;
    }
    // Browser: Chromium treats every about: URL as trustworthy ("not covered by the spec"); the spec
    // gives about:mumble an opaque origin, so not trustworthy.
    if (engine === 'chromium') {
      trace?.push('about-url-engine');
      return true;
    }
  }
  // 2. If url's scheme is "data", return "Potentially Trustworthy".
  if (url !== null && url.scheme === 'data') {
    trace?.push('data-url');
    return true;
  }
  // Browser: Chromium judges blob: and filesystem: URLs by their inner URL, so blob:ftp://127.0.0.1/…
  // is trustworthy there; the URL Standard gives such a blob: URL an opaque origin.
  if (url !== null && url.scheme === 'blob' && engine === 'chromium') {
    const inner = parseURLRecord(input.slice(input.indexOf(':') + 1));
    if (inner !== null && inner.scheme !== 'blob' && inner.scheme !== 'data' && inner.scheme !== 'about') {
      const verdict = isOriginPotentiallyTrustworthy(originOfURL(inner, { engine }), options, trace);
      if (verdict && originOfURL(url, { engine }).type === 'opaque') trace?.push('blob-inner-url-engine');
      return verdict;
    }
  }
  // 3. Return the result of executing "is origin potentially trustworthy" on url's origin (as the
  //    browser gives it: its own extension pages have tuple origins).
  return isOriginPotentiallyTrustworthy(browserOriginOfURL(url ?? input, { engine }), options, trace);
}

// ── is a document a secure context ───────────────────────────────────────────────────────────────
/** One document in the chain from a frame up to its top-level document, as the algorithm needs it. */
export interface ContextDocument {
  frameId: number;
  url: string;
  /** The document's origin (HTML "determining the origin"). */
  origin: Origin;
  /** The document is an about:srcdoc document (skipped as an ancestor: its origin is its parent's). */
  srcdoc: boolean;
  /** The document's active sandboxing flags include the sandboxed origin browsing context flag. */
  sandboxedOrigin: boolean;
  /**
   * The origin a sandboxed document would have had without the sandbox (its creation URL's origin,
   * or the inherited origin for about:blank/srcdoc); for a data: document, its creator's origin.
   */
  precursor: Origin | null;
}

/** How the origin that was judged for one document was chosen. */
export type JudgedAs =
  | 'origin'
  | 'sandboxed-precursor'
  | 'data-url-opaque'
  | 'data-url-creator'
  | 'file-engine';

export interface ContextCheck {
  frameId: number;
  url: string;
  /** The origin that was judged (serialized), and how it was chosen. */
  judged: string;
  judgedAs: JudgedAs;
  trustworthy: boolean;
  step: TrustworthyStep;
}

/** Categories as Chromium's DevTools names them (CDP Page.SecureContextType). */
export type SecureContextCategory = 'secure' | 'secure-localhost' | 'insecure-scheme' | 'insecure-ancestor';

export interface SecureContextVerdict {
  secure: boolean;
  category: SecureContextCategory;
  /** The document's own check. */
  self: ContextCheck;
  /** Every ancestor that was judged, nearest first (srcdoc documents skipped). */
  ancestors: ContextCheck[];
  /** The nearest ancestor whose origin is not potentially trustworthy (null when none). */
  brokenBy: ContextCheck | null;
  /** The verdict depends on the engine (e.g. data: frames): the explanation must say so. */
  engineSpecific: boolean;
}

const JUDGE_TRACE: TrustworthyStep[] = [];

function judge(doc: ContextDocument, options: TrustworthyOptions): JudgedDocument {
  const engine = options.engine ?? 'chromium';
  let judgedOrigin: Origin = doc.origin;
  let judgedAs: JudgedAs = 'origin';
  let engineSpecific = false;
  if (doc.origin.type === 'opaque') {
    const reason = doc.origin.reason;
    if (doc.sandboxedOrigin || reason.kind === 'sandboxed') {
      // [SC-CR] §3.1: a sandboxed document is judged by the origin of its creation URL.
      judgedOrigin = reason.kind === 'sandboxed' ? reason.precursor : doc.precursor ?? doc.origin;
      judgedAs = 'sandboxed-precursor';
    } else if (reason.kind === 'data-url') {
      engineSpecific = true;
      // Browser: Chromium judges a data: document by its own opaque origin (not trustworthy); Firefox
      // by the origin of the document that created it. The spec's URL check says trustworthy.
      if (engine === 'firefox' && doc.precursor) {
        judgedOrigin = doc.precursor;
        judgedAs = 'data-url-creator';
      } else {
        judgedAs = 'data-url-opaque';
      }
    } else if (reason.kind === 'file-engine') {
      // Browser: Firefox's file: origins are opaque yet trustworthy (decision 2).
      return { check: { frameId: doc.frameId, url: doc.url, judged: 'null', judgedAs: 'file-engine', trustworthy: true, step: 'file' }, engineSpecific: true, localhost: false };
    }
  }
  // (One list for every judgement, emptied each time: only its first step is kept.)
  const trace = JUDGE_TRACE;
  trace.length = 0;
  const trustworthy = isOriginPotentiallyTrustworthy(judgedOrigin, options, trace);
  const step = trace[0] ?? 'not-trustworthy';
  trace.length = 0;
  return {
    check: { frameId: doc.frameId, url: doc.url, judged: serializeOrigin(judgedOrigin), judgedAs, trustworthy, step },
    engineSpecific,
    // Browser: Chromium's SecureLocalhost looks at the document's own origin (an opaque one is never
    // localhost), whatever its scheme: https://localhost is SecureLocalhost too.
    localhost: judgedAs === 'origin' && isLocalhostOrigin(judgedOrigin),
  };
}

function judgeOnce(doc: ContextDocument, options: TrustworthyOptions, judged: Map<ContextDocument, JudgedDocument> | undefined): JudgedDocument {
  const hit = judged?.get(doc);
  if (hit) return hit;
  const j = judge(doc, options);
  judged?.set(doc, j);
  return j;
}

/** A document's own check, with what the verdict needs besides it. */
export interface JudgedDocument {
  check: ContextCheck;
  engineSpecific: boolean;
  localhost: boolean;
}

/**
 * Whether a document is a secure context. `chain` is the document first, then its ancestors up to its
 * top-level document; a popup's chain is the popup alone (judged on its own merits). `judged`
 * remembers each document's check (under the same options) for the next chain that holds it: a
 * page's chains share their ancestors, and the verdicts then share those checks (read them only).
 */
// https://w3c.github.io/webappsec-secure-contexts/#is-settings-object-contextually-secure
export function isASecureContext(chain: readonly ContextDocument[], options: TrustworthyOptions = {}, judged?: Map<ContextDocument, JudgedDocument>): SecureContextVerdict {
  const doc = chain[0];
  if (!doc) throw new Error('isASecureContext: empty chain');
  // The document's own origin (or, sandboxed, its creation URL's origin) must be potentially trustworthy.
  const { check: self, engineSpecific: selfEngine, localhost } = judgeOnce(doc, options, judged);
  let engineSpecific = selfEngine;
  // Every ancestor's too, skipping srcdoc documents, up to the top-level browsing context.
  let ancestors: ContextCheck[] = [];
  for (let i = 1; i < chain.length; i++) {
    const a = chain[i]!;
    if (a.srcdoc) continue;
    const j = judgeOnce(a, options, judged);
    engineSpecific ||= j.engineSpecific;
    ancestors.push(j.check);
  }
  if (ancestors.length > 0) ancestors = ancestors.slice(); // (kept: copied to its length, without push's spare room)
  const brokenBy = ancestors.find((a) => !a.trustworthy) ?? null;
  // Browser: Chromium reports the document's own failure first (InsecureScheme), then an ancestor's
  // (InsecureAncestor), then SecureLocalhost for a loopback or localhost origin.
  let category: SecureContextCategory;
  if (!self.trustworthy) category = 'insecure-scheme';
  else if (brokenBy) category = 'insecure-ancestor';
  else if (localhost) category = 'secure-localhost';
  else category = 'secure';
  return { secure: self.trustworthy && brokenBy === null, category, self, ancestors, brokenBy, engineSpecific };
}

// ── what a non-secure context loses ──────────────────────────────────────────────────────────────
export interface SecureContextFeature {
  /** What the user knows it by. */
  name: string;
  /** The API a page calls. */
  api: string;
  spec: string;
  /**
   * A side-effect-free expression, evaluated in a frame, that is true when the API is exposed. Only for
   * APIs that both engines hide from non-secure contexts; browser tests check these. (Chromium exposes
   * Notification and PushManager everywhere and refuses their permission instead: no probe.)
   */
  probe?: string;
}

/** Features restricted to secure contexts. Data, shown to the user and checked in browser tests. */
export const SECURE_CONTEXT_FEATURES: readonly SecureContextFeature[] = [
  { name: 'Service workers', api: 'navigator.serviceWorker', spec: 'https://w3c.github.io/ServiceWorker/#navigator-serviceworker', probe: "'serviceWorker' in navigator" },
  { name: 'Web Crypto', api: 'crypto.subtle', spec: 'https://w3c.github.io/webcrypto/#crypto-interface', probe: "typeof crypto.subtle === 'object' && crypto.subtle !== null" },
  { name: 'Random UUIDs', api: 'crypto.randomUUID()', spec: 'https://w3c.github.io/webcrypto/#Crypto-method-randomUUID', probe: "typeof crypto.randomUUID === 'function'" },
  { name: 'Async Clipboard', api: 'navigator.clipboard', spec: 'https://w3c.github.io/clipboard-apis/#navigator-clipboard', probe: "'clipboard' in navigator" },
  { name: 'Geolocation', api: 'navigator.geolocation', spec: 'https://w3c.github.io/geolocation/#privacy' },
  { name: 'Camera and microphone', api: 'navigator.mediaDevices.getUserMedia()', spec: 'https://w3c.github.io/mediacapture-main/#dom-navigator-mediadevices', probe: "'mediaDevices' in navigator" },
  { name: 'Credential Management and WebAuthn', api: 'navigator.credentials', spec: 'https://w3c.github.io/webappsec-credential-management/#framework-credential-management', probe: "'credentials' in navigator" },
  { name: 'Storage manager (persist, estimate)', api: 'navigator.storage', spec: 'https://storage.spec.whatwg.org/#api', probe: "'storage' in navigator" },
  { name: 'Cache storage', api: 'caches', spec: 'https://w3c.github.io/ServiceWorker/#self-caches', probe: "'caches' in self" },
  { name: 'Web Locks', api: 'navigator.locks', spec: 'https://w3c.github.io/web-locks/#navigator-mixins', probe: "'locks' in navigator" },
  { name: 'Notifications', api: 'Notification.requestPermission()', spec: 'https://notifications.spec.whatwg.org/#notifications' },
  { name: 'Push', api: 'PushManager', spec: 'https://w3c.github.io/push-api/#pushmanager-interface' },
  { name: 'Payment Request', api: 'PaymentRequest', spec: 'https://w3c.github.io/payment-request/#paymentrequest-interface' },
  { name: 'Web Share', api: 'navigator.share()', spec: 'https://w3c.github.io/web-share/#share-method' },
  { name: 'WebUSB', api: 'navigator.usb', spec: 'https://wicg.github.io/webusb/#enumeration' },
  { name: 'Web Bluetooth', api: 'navigator.bluetooth', spec: 'https://webbluetoothcg.github.io/web-bluetooth/#navigator-extensions' },
  { name: 'WebHID', api: 'navigator.hid', spec: 'https://wicg.github.io/webhid/#extensions-to-the-navigator-interface' },
  { name: 'Web Serial', api: 'navigator.serial', spec: 'https://wicg.github.io/serial/#extensions-to-the-navigator-interface' },
  { name: 'Web MIDI', api: 'navigator.requestMIDIAccess()', spec: 'https://webaudio.github.io/web-midi-api/#extensions-to-the-navigator-interface' },
  { name: 'Encrypted Media Extensions', api: 'navigator.requestMediaKeySystemAccess()', spec: 'https://w3c.github.io/encrypted-media/#navigator-extension-requestmediakeysystemaccess' },
  { name: 'Screen Wake Lock', api: 'navigator.wakeLock', spec: 'https://w3c.github.io/screen-wake-lock/#extensions-to-the-navigator-interface' },
  { name: 'File System Access and origin private file system', api: 'navigator.storage.getDirectory()', spec: 'https://fs.spec.whatwg.org/#dom-storagemanager-getdirectory' },
  { name: 'WebGPU', api: 'navigator.gpu', spec: 'https://gpuweb.github.io/gpuweb/#navigator-gpu' },
  { name: 'WebTransport', api: 'WebTransport', spec: 'https://w3c.github.io/webtransport/#webtransport' },
  { name: 'Cross-origin isolation (SharedArrayBuffer)', api: 'self.crossOriginIsolated', spec: 'https://html.spec.whatwg.org/#concept-settings-object-cross-origin-isolated-capability' },
];
