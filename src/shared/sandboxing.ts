// Sandboxing flag sets: HTML's "parse a sandboxing directive", the CSP-derived flags of a response,
// and the flags a document ends up with. Pure and total.
import type { Engine } from './origin.ts';
import type { HeaderLine } from './snapshot.ts';

/** HTML's sandboxing flags, named as in the JSON report (kebab case, without "sandboxed … flag"). */
export const SANDBOX_FLAGS = [
  'navigation',
  'auxiliary-navigation',
  'top-level-navigation-without-user-activation',
  'top-level-navigation-with-user-activation',
  'plugins',
  'origin',
  'forms',
  'pointer-lock',
  'scripts',
  'automatic-features',
  'document-domain',
  'propagates-to-auxiliary-browsing-contexts',
  'modals',
  'orientation-lock',
  'presentation',
  'downloads',
  'custom-protocols-navigation',
] as const;
export type HtmlSandboxFlag = (typeof SANDBOX_FLAGS)[number];

/** Flags some engines add outside HTML (decision 4), each lifted by its own keyword. */
export const ENGINE_SANDBOX_FLAGS = {
  'storage-access-by-user-activation': { keyword: 'allow-storage-access-by-user-activation', engines: ['chromium', 'firefox'] },
  'same-site-none-cookies': { keyword: 'allow-same-site-none-cookies', engines: ['chromium'] },
} as const satisfies Record<string, { keyword: string; engines: readonly Engine[] }>;
export type EngineSandboxFlag = keyof typeof ENGINE_SANDBOX_FLAGS;
export type SandboxFlag = HtmlSandboxFlag | EngineSandboxFlag;

/** The keywords HTML defines for the sandbox attribute and the CSP sandbox directive. */
export const SANDBOX_KEYWORDS = [
  'allow-downloads',
  'allow-forms',
  'allow-modals',
  'allow-orientation-lock',
  'allow-pointer-lock',
  'allow-popups',
  'allow-popups-to-escape-sandbox',
  'allow-presentation',
  'allow-same-origin',
  'allow-scripts',
  'allow-top-navigation',
  'allow-top-navigation-by-user-activation',
  'allow-top-navigation-to-custom-protocols',
] as const;
export type SandboxKeyword = (typeof SANDBOX_KEYWORDS)[number];

/** Keywords some engines know outside HTML (decision 4): recognised, engine-specific, not "unknown". */
export const ENGINE_SPECIFIC_KEYWORDS: Record<string, string> = {
  'allow-storage-access-by-user-activation': 'Storage Access API (Chromium, Firefox, Safari; not in HTML)',
  'allow-same-site-none-cookies': 'Chromium only',
};

/** An unknown token, with the keyword it most likely meant. */
export interface UnknownToken {
  token: string;
  didYouMean: string | null;
}

export interface ParsedSandbox {
  flags: Set<SandboxFlag>;
  /** Recognised HTML keywords, lowercased, in first-seen order, without duplicates. */
  keywords: SandboxKeyword[];
  engineSpecific: string[];
  /** Tokens HTML ignores, as written (first occurrence of each), with a suggestion for near-misses. */
  unknown: UnknownToken[];
}

const ASCII_WHITESPACE = /[\t\n\f\r ]+/;
const asciiLowercase = (t: string) => (/[A-Z]/.test(t) ? t.replace(/[A-Z]/g, (c) => c.toLowerCase()) : t);

// https://html.spec.whatwg.org/#parse-a-sandboxing-directive
/**
 * With `engine`, the engine's own flags (ENGINE_SANDBOX_FLAGS) are set too, unless their keyword is
 * present; without it, the result is HTML's alone.
 */
export function parseASandboxingDirective(input: string, options: { engine?: Engine } = {}): ParsedSandbox {
  // 1. Split input on ASCII whitespace, to obtain tokens.
  const tokens = input.split(ASCII_WHITESPACE).filter((t) => t !== '');
  // Keywords are ASCII case-insensitive (the attribute is a set of ASCII case-insensitive tokens).
  const lower = new Set<string>();
  const keywords: SandboxKeyword[] = [];
  const engineSpecific: string[] = [];
  const unknown: UnknownToken[] = [];
  for (const t of tokens) {
    const k = asciiLowercase(t);
    if (lower.has(k)) continue;
    lower.add(k);
    if ((SANDBOX_KEYWORDS as readonly string[]).includes(k)) keywords.push(k as SandboxKeyword);
    else if (k in ENGINE_SPECIFIC_KEYWORDS) engineSpecific.push(k);
    // A suggestion costs an edit distance against every keyword: made for the first ones only (a
    // real attribute has a handful of tokens; a hostile one may have 100,000).
    else unknown.push({ token: t, didYouMean: unknown.length < MAX_SUGGESTIONS ? didYouMean(k) : null });
  }
  const has = (k: string) => lower.has(k);
  // 2. Let output be empty. 3. Add the following flags to output:
  const flags = new Set<SandboxFlag>();
  // The sandboxed navigation browsing context flag.
  flags.add('navigation');
  // The sandboxed auxiliary navigation browsing context flag, unless tokens contains allow-popups.
  if (!has('allow-popups')) flags.add('auxiliary-navigation');
  // The sandboxed top-level navigation without user activation browsing context flag, unless tokens
  // contains allow-top-navigation.
  if (!has('allow-top-navigation')) flags.add('top-level-navigation-without-user-activation');
  // The sandboxed top-level navigation with user activation browsing context flag, unless tokens
  // contains allow-top-navigation-by-user-activation or allow-top-navigation.
  if (!has('allow-top-navigation-by-user-activation') && !has('allow-top-navigation')) {
    flags.add('top-level-navigation-with-user-activation');
  }
  // The sandboxed plugins browsing context flag.
  flags.add('plugins');
  // The sandboxed origin browsing context flag, unless tokens contains allow-same-origin.
  if (!has('allow-same-origin')) flags.add('origin');
  // The sandboxed forms browsing context flag, unless tokens contains allow-forms.
  if (!has('allow-forms')) flags.add('forms');
  // The sandboxed pointer lock browsing context flag, unless tokens contains allow-pointer-lock.
  if (!has('allow-pointer-lock')) flags.add('pointer-lock');
  // The sandboxed scripts and automatic features browsing context flags, unless tokens contains allow-scripts.
  if (!has('allow-scripts')) {
    flags.add('scripts');
    flags.add('automatic-features');
  }
  // The sandboxed document.domain browsing context flag.
  flags.add('document-domain');
  // The sandbox propagates to auxiliary browsing contexts flag, unless allow-popups-to-escape-sandbox.
  if (!has('allow-popups-to-escape-sandbox')) flags.add('propagates-to-auxiliary-browsing-contexts');
  // The sandboxed modals flag, unless tokens contains allow-modals.
  if (!has('allow-modals')) flags.add('modals');
  // The sandboxed orientation lock browsing context flag, unless tokens contains allow-orientation-lock.
  if (!has('allow-orientation-lock')) flags.add('orientation-lock');
  // The sandboxed presentation browsing context flag, unless tokens contains allow-presentation.
  if (!has('allow-presentation')) flags.add('presentation');
  // The sandboxed downloads browsing context flag, unless tokens contains allow-downloads.
  if (!has('allow-downloads')) flags.add('downloads');
  // The sandboxed custom protocols navigation browsing context flag, unless tokens contains
  // allow-top-navigation-to-custom-protocols, allow-popups or allow-top-navigation.
  if (!has('allow-top-navigation-to-custom-protocols') && !has('allow-popups') && !has('allow-top-navigation')) {
    flags.add('custom-protocols-navigation');
  }
  // Browser: engines add flags of their own, lifted by their own keywords (decision 4).
  if (options.engine) {
    for (const [flag, info] of Object.entries(ENGINE_SANDBOX_FLAGS) as [EngineSandboxFlag, (typeof ENGINE_SANDBOX_FLAGS)[EngineSandboxFlag]][]) {
      if ((info.engines as readonly Engine[]).includes(options.engine) && !has(info.keyword)) flags.add(flag);
    }
  }
  return { flags, keywords, engineSpecific, unknown };
}

/**
 * Parsed directives by engine and value, for the evaluation: a page repeats the same few sandbox
 * attributes and CSP directives over and over. Results are shared: read them only.
 */
const parsedDirectives = new Map<string, ParsedSandbox>();

function parseASandboxingDirectiveShared(input: string, engine: Engine | undefined): ParsedSandbox {
  const key = `${engine ?? ''}\u0000${input}`;
  const hit = parsedDirectives.get(key);
  if (hit) return hit;
  const parsed = parseASandboxingDirective(input, engine ? { engine } : {});
  if (parsedDirectives.size >= 1_000) parsedDirectives.clear();
  parsedDirectives.set(key, parsed);
  return parsed;
}

/** Unknown tokens of one directive that get a "did you mean" suggestion; later ones get none. */
const MAX_SUGGESTIONS = 64;

/** The known keyword a mistyped token most likely meant, or null. */
export function didYouMean(token: string): string | null {
  const t = asciiLowercase(token).slice(0, 80);
  const known = [...SANDBOX_KEYWORDS, ...Object.keys(ENGINE_SPECIFIC_KEYWORDS)];
  // A keyword with stray punctuation (commas, quotes, semicolons) or without its "allow-" prefix.
  const stripped = t.replace(/^["'`]+|[,;"'`]+$/g, '');
  if (stripped !== t && known.includes(stripped)) return stripped;
  if (known.includes(`allow-${stripped}`)) return `allow-${stripped}`;
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(t, k, 3);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return bestDistance <= 3 && bestDistance < Math.max(2, t.length / 4) ? best : null;
}

/** Levenshtein distance, giving up (returning max + 1) once it must exceed `max`. */
function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/** What each flag blocks, in one sentence, and the keyword that lifts it (null: nothing lifts it). */
export const SANDBOX_FLAG_INFO: Record<SandboxFlag, { blocks: string; liftedBy: readonly string[]; spec: string }> = {
  navigation: {
    blocks: 'The frame cannot navigate other frames (only itself and its own descendants).',
    liftedBy: [], spec: 'https://html.spec.whatwg.org/#sandboxed-navigation-browsing-context-flag',
  },
  'auxiliary-navigation': {
    blocks: 'Popups are blocked: window.open() returns null and target="_blank" links do nothing.',
    liftedBy: ['allow-popups'], spec: 'https://html.spec.whatwg.org/#sandboxed-auxiliary-navigation-browsing-context-flag',
  },
  'top-level-navigation-without-user-activation': {
    blocks: 'The frame cannot navigate the top-level page (top.location = …) without a user click.',
    liftedBy: ['allow-top-navigation'], spec: 'https://html.spec.whatwg.org/#sandboxed-top-level-navigation-without-user-activation-browsing-context-flag',
  },
  'top-level-navigation-with-user-activation': {
    blocks: 'The frame cannot navigate the top-level page, even after a user click.',
    liftedBy: ['allow-top-navigation-by-user-activation', 'allow-top-navigation'],
    spec: 'https://html.spec.whatwg.org/#sandboxed-top-level-navigation-with-user-activation-browsing-context-flag',
  },
  'custom-protocols-navigation': {
    blocks: 'Navigations to non-fetch schemes (mailto:, tel:, registered protocol handlers) are blocked.',
    liftedBy: ['allow-top-navigation-to-custom-protocols', 'allow-popups', 'allow-top-navigation'],
    spec: 'https://html.spec.whatwg.org/#sandboxed-custom-protocols-navigation-browsing-context-flag',
  },
  plugins: {
    blocks: 'Plugins do not load (<embed> and <object> render no plugin content).',
    liftedBy: [], spec: 'https://html.spec.whatwg.org/#sandboxed-plugins-browsing-context-flag',
  },
  origin: {
    blocks: 'The document gets an opaque origin: self.origin is "null", so cookies, localStorage, IndexedDB, same-origin fetches and script access to other frames of its site fail.',
    liftedBy: ['allow-same-origin'], spec: 'https://html.spec.whatwg.org/#sandboxed-origin-browsing-context-flag',
  },
  forms: {
    blocks: 'Forms do not submit.',
    liftedBy: ['allow-forms'], spec: 'https://html.spec.whatwg.org/#sandboxed-forms-browsing-context-flag',
  },
  'pointer-lock': {
    blocks: 'requestPointerLock() is refused.',
    liftedBy: ['allow-pointer-lock'], spec: 'https://html.spec.whatwg.org/#sandboxed-pointer-lock-browsing-context-flag',
  },
  scripts: {
    blocks: 'Scripts do not run: no <script>, no event handler attributes, no javascript: URLs.',
    liftedBy: ['allow-scripts'], spec: 'https://html.spec.whatwg.org/#sandboxed-scripts-browsing-context-flag',
  },
  'automatic-features': {
    blocks: 'Features that start by themselves are off: autoplaying media and autofocus.',
    liftedBy: ['allow-scripts'], spec: 'https://html.spec.whatwg.org/#sandboxed-automatic-features-browsing-context-flag',
  },
  'document-domain': {
    blocks: 'Setting document.domain throws a SecurityError.',
    liftedBy: [], spec: 'https://html.spec.whatwg.org/#sandboxed-document.domain-browsing-context-flag',
  },
  'propagates-to-auxiliary-browsing-contexts': {
    blocks: 'Popups this frame opens inherit its sandbox (an OAuth or payment popup runs sandboxed too).',
    liftedBy: ['allow-popups-to-escape-sandbox'], spec: 'https://html.spec.whatwg.org/#sandbox-propagates-to-auxiliary-browsing-contexts-flag',
  },
  modals: {
    blocks: 'alert(), confirm(), prompt(), print() and beforeunload dialogs are ignored.',
    liftedBy: ['allow-modals'], spec: 'https://html.spec.whatwg.org/#sandboxed-modals-flag',
  },
  'orientation-lock': {
    blocks: 'screen.orientation.lock() is refused.',
    liftedBy: ['allow-orientation-lock'], spec: 'https://html.spec.whatwg.org/#sandboxed-orientation-lock-browsing-context-flag',
  },
  presentation: {
    blocks: 'The Presentation API cannot start a presentation.',
    liftedBy: ['allow-presentation'], spec: 'https://html.spec.whatwg.org/#sandboxed-presentation-browsing-context-flag',
  },
  downloads: {
    blocks: 'Downloads are blocked (<a download>, Content-Disposition: attachment, navigations to files).',
    liftedBy: ['allow-downloads'], spec: 'https://html.spec.whatwg.org/#sandboxed-downloads-browsing-context-flag',
  },
  'storage-access-by-user-activation': {
    blocks: 'document.requestStorageAccess() is refused (engine-specific flag).',
    liftedBy: ['allow-storage-access-by-user-activation'], spec: 'https://privacycg.github.io/storage-access/#sandboxed-storage-access-by-user-activation-flag',
  },
  'same-site-none-cookies': {
    blocks: 'SameSite=None cookies of the frame\'s own site are not sent from its opaque origin (Chromium-only flag).',
    liftedBy: ['allow-same-site-none-cookies'], spec: 'https://github.com/explainers-by-googlers/csp-sandbox-allow-same-site-none-cookies',
  },
};

/** One `sandbox` directive found in an enforced Content-Security-Policy header line. */
export interface CspSandboxDirective {
  /** Index of the header line among the response's lines. */
  line: number;
  value: string;
}

const ASCII_WHITESPACE_EDGES = /^[\t\n\f\r ]+|[\t\n\f\r ]+$/g;

const NO_CSP_DIRECTIVES: { enforced: CspSandboxDirective[]; reportOnly: CspSandboxDirective[] } = Object.freeze({ enforced: Object.freeze([]) as unknown as CspSandboxDirective[], reportOnly: Object.freeze([]) as unknown as CspSandboxDirective[] });
/** A Content-Security-Policy or Content-Security-Policy-Report-Only line (names are case-insensitive). */
const isCspLine = ([name]: HeaderLine) => name.length >= 23 && /^content-security-policy(?:-report-only)?$/i.test(name);

/**
 * The `sandbox` directives of every enforced policy in the response's Content-Security-Policy lines
 * (CSP3 "parse a serialized CSP list": policies split on ",", directives on ";", names
 * ASCII-lowercased, the first directive of a name wins within a policy). Report-only policies do not
 * sandbox; they are returned separately so the caller can say so.
 */
// https://w3c.github.io/webappsec-csp/#parse-serialized-policy
export function cspSandboxDirectives(headers: HeaderLine[]): { enforced: CspSandboxDirective[]; reportOnly: CspSandboxDirective[] } {
  // Most responses have no CSP at all: one shared empty result (read-only) instead of three new objects.
  if (!headers.some(isCspLine)) return NO_CSP_DIRECTIVES;
  const enforced: CspSandboxDirective[] = [];
  const reportOnly: CspSandboxDirective[] = [];
  headers.forEach(([name, value], line) => {
    const n = name.toLowerCase();
    const target = n === 'content-security-policy' ? enforced : n === 'content-security-policy-report-only' ? reportOnly : null;
    if (!target) return;
    for (const policy of value.split(',')) {
      const seen = new Set<string>();
      for (const token of policy.split(';')) {
        // 1. Strip leading and trailing ASCII whitespace from token.
        const t = token.replace(ASCII_WHITESPACE_EDGES, '');
        // 2. If token is an empty string, or if token is not an ASCII string, continue.
        // eslint-disable-next-line no-control-regex
        if (t === '' || /[^\u0000-\u007f]/.test(t)) continue;
        const m = /^([^\t\n\f\r ]+)(?:[\t\n\f\r ]+([\s\S]*))?$/.exec(t);
        if (!m) continue;
        const directive = m[1]!.toLowerCase();
        if (seen.has(directive)) continue;
        seen.add(directive);
        if (directive === 'sandbox') target.push({ line, value: m[2] ?? '' });
      }
    }
  });
  return { enforced, reportOnly };
}

/**
 * The CSP-derived sandboxing flags of a response.
 * Deviation: HTML uses only the last enforced sandbox directive; browsers enforce every policy, so
 * each enforced directive adds its flags (the union). The two differ only for several sandbox
 * policies on one response.
 */
// https://html.spec.whatwg.org/#csp-derived-sandboxing-flags
export function cspDerivedSandboxingFlags(headers: HeaderLine[], options: { engine?: Engine } = {}): { flags: Set<SandboxFlag>; directives: CspSandboxDirective[] } {
  const { enforced } = cspSandboxDirectives(headers);
  const flags = new Set<SandboxFlag>();
  for (const d of enforced) for (const f of parseASandboxingDirective(d.value, options).flags) flags.add(f);
  return { flags, directives: enforced };
}

// ── the flags a document ends up with, and where each came from ─────────────────────────────────
/** Where a sandboxing flag came from. A source whose frameId is not the frame's own is inherited. */
export type SandboxSource =
  | { kind: 'attribute'; frameId: number; value: string; element: { tag: 'iframe' | 'frame'; index: number; id: string | null; name: string | null } }
  | { kind: 'csp'; frameId: number; line: number; value: string }
  /** A popup's flags, inherited from the frame that opened it (in another tab), with that frame's sources. */
  | { kind: 'opener'; tabId: number; frameId: number; url: string; via: SandboxSource[] };

export type SandboxSources = Map<SandboxFlag, SandboxSource[]>;

export interface SandboxInput {
  frameId: number;
  /** The frame element's sandbox attribute as it was when this document's navigation started. */
  attribute: { value: string; element: Extract<SandboxSource, { kind: 'attribute' }>['element'] } | null;
  /** The embedding (parent) document's active flags and their sources; null for a top-level document. */
  parent: SandboxSources | null;
  /** For a popup: the opener's active flags, applied when they include the propagation flag. */
  opener: { tabId: number; frameId: number; url: string; flags: SandboxSources } | null;
  /** The document's response header lines (CSP `sandbox`). */
  headers: HeaderLine[];
  engine?: Engine;
}

export interface SandboxEvaluation {
  /** The attribute in effect (as written); null when none applies. */
  attribute: string | null;
  parsedAttribute: ParsedSandbox | null;
  /** Flags the document started with: its element's attribute ∪ the embedder's (or opener's) active flags. */
  creation: Set<SandboxFlag>;
  /** Flags from the response's enforced CSP `sandbox` directives. */
  csp: Set<SandboxFlag>;
  cspDirectives: { enforced: (CspSandboxDirective & { parsed: ParsedSandbox })[]; reportOnly: (CspSandboxDirective & { parsed: ParsedSandbox })[] };
  /** The document's active sandboxing flag set: creation ∪ CSP-derived. */
  active: Set<SandboxFlag>;
  /** Every active flag's sources, in the order: inherited, attribute, CSP. */
  sources: SandboxSources;
}

/** Shared, read-only: the evaluation of a response without CSP, and the CSP flags of a frame that has none. */
const NO_PARSED_CSP: SandboxEvaluation['cspDirectives'] = Object.freeze({ enforced: Object.freeze([]) as unknown as SandboxEvaluation['cspDirectives']['enforced'], reportOnly: Object.freeze([]) as unknown as SandboxEvaluation['cspDirectives']['reportOnly'] });
const NO_FLAGS: Set<SandboxFlag> = new Set();

/**
 * Appends `source` to the list of each of `flags` (a list made when the flag has none). Lists are never
 * changed once made, so they are shared: between flags (every flag a step extends from the same list
 * gets one new list) and with the parent's map (a flag this frame does not extend keeps the parent's).
 */
function appendSource(map: SandboxSources, flags: Iterable<SandboxFlag>, source: SandboxSource) {
  // The few distinct lists a step extends (usually one or two), each with its extension.
  const from: (SandboxSource[] | undefined)[] = [];
  const to: SandboxSource[][] = [];
  for (const flag of flags) {
    const old = map.get(flag);
    let i = from.indexOf(old);
    if (i < 0) {
      i = from.push(old) - 1;
      to.push(old ? [...old, source] : [source]);
    }
    map.set(flag, to[i]!);
  }
}

// Flag sets as bit masks while the flags are worked out, then one Set per mask, shared by every frame
// that has those flags (read them only). A Set lists its flags in ALL_FLAGS order.
const ALL_FLAGS: readonly SandboxFlag[] = [...SANDBOX_FLAGS, ...(Object.keys(ENGINE_SANDBOX_FLAGS) as EngineSandboxFlag[])];
const BIT = new Map<SandboxFlag, number>(ALL_FLAGS.map((f, i) => [f, 2 ** i]));
const flagSets = new Map<number, Set<SandboxFlag>>();

function flagSetOf(mask: number): Set<SandboxFlag> {
  if (mask === 0) return NO_FLAGS;
  let set = flagSets.get(mask);
  if (!set) {
    set = new Set();
    for (let i = 0; i < ALL_FLAGS.length; i++) if (mask & (2 ** i)) set.add(ALL_FLAGS[i]!);
    flagSets.set(mask, set);
  }
  return set;
}

/** The mask of some flags (of a parsed directive, of a sources map): remembered per object. */
const masks = new WeakMap<object, number>();
function maskOf(owner: object, flags: Iterable<SandboxFlag>): number {
  let mask = masks.get(owner);
  if (mask === undefined) {
    mask = 0;
    for (const f of flags) mask |= BIT.get(f) ?? 0;
    masks.set(owner, mask);
  }
  return mask;
}
const maskOfSources = (sources: SandboxSources) => maskOf(sources, sources.keys());
const maskOfParsed = (parsed: ParsedSandbox) => maskOf(parsed, parsed.flags);

// https://html.spec.whatwg.org/#determining-the-creation-sandboxing-flags
/**
 * The result shares what it can with its inputs and with other frames' results (the parent's sources
 * when the frame adds none, source lists no flag of this frame extends, parsed directives): every
 * part of it is read-only.
 */
export function determineSandboxingFlags(input: SandboxInput): SandboxEvaluation {
  const engine = input.engine;
  const fromOpener = input.opener !== null && input.opener.flags.has('propagates-to-auxiliary-browsing-contexts');
  const parsedAttribute = input.attribute ? parseASandboxingDirectiveShared(input.attribute.value, engine) : null;
  // The CSP-derived flags of the response (computed first: they decide whether anything is added).
  const all = cspSandboxDirectives(input.headers);
  const cspDirectives = all === NO_CSP_DIRECTIVES ? NO_PARSED_CSP : {
    enforced: all.enforced.map((d) => ({ ...d, parsed: parseASandboxingDirectiveShared(d.value, engine) })),
    reportOnly: all.reportOnly.map((d) => ({ ...d, parsed: parseASandboxingDirectiveShared(d.value, engine) })),
  };
  const enforced = cspDirectives.enforced;
  const attribute = input.attribute?.value ?? null;
  // A frame that adds no flag of its own has exactly its embedder's (the parent's sources, shared).
  if (!fromOpener && !parsedAttribute && enforced.length === 0) {
    const sources: SandboxSources = input.parent ?? new Map();
    const flags = flagSetOf(maskOfSources(sources));
    return { attribute, parsedAttribute, creation: flags, csp: NO_FLAGS, cspDirectives, active: flags, sources };
  }
  // Every list is read-only and shared where it can be (see appendSource).
  const sources: SandboxSources = new Map();
  let creationMask = 0;
  // For a top-level document (a popup): the flags of its popup sandboxing flag set, which the opener's
  // active flags filled when they had the "propagates to auxiliary browsing contexts" flag.
  if (fromOpener) {
    const { tabId, frameId, url } = input.opener!;
    input.opener!.flags.forEach((via, flag) => sources.set(flag, [{ kind: 'opener', tabId, frameId, url, via }]));
    creationMask |= maskOfSources(input.opener!.flags);
  }
  // For a child navigable: the union of its container's iframe sandboxing flag set and the container
  // node document's active sandboxing flag set.
  if (input.parent) {
    input.parent.forEach((list, flag) => {
      const before = sources.get(flag);
      sources.set(flag, before ? [...before, ...list] : list);
    });
    creationMask |= maskOfSources(input.parent);
  }
  if (input.attribute && parsedAttribute) {
    const source: SandboxSource = { kind: 'attribute', frameId: input.frameId, value: input.attribute.value, element: input.attribute.element };
    appendSource(sources, parsedAttribute.flags, source);
    creationMask |= maskOfParsed(parsedAttribute);
  }
  const creation = flagSetOf(creationMask);
  // The document's final flags: creation flags ∪ the CSP-derived flags of its response.
  let cspMask = 0;
  for (const d of enforced) {
    cspMask |= maskOfParsed(d.parsed);
    appendSource(sources, d.parsed.flags, { kind: 'csp', frameId: input.frameId, line: d.line, value: d.value });
  }
  masks.set(sources, creationMask | cspMask);
  const csp = flagSetOf(cspMask);
  return { attribute, parsedAttribute, creation, csp, cspDirectives, active: flagSetOf(creationMask | cspMask), sources };
}
