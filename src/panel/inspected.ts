// The inspected window as the panel sees it, without touching any extension API: the part of
// chrome.devtools the panel uses, DevTools' theme, pages where extensions cannot run, "Reveal in
// Elements" (which element, and the expression that selects it), and the PanelHost that components
// talk to (host.ts implements it over the real APIs; tests pass a fake one).
import type { FrameNode } from '../shared/frame-tree.ts';
import type { Engine } from '../shared/origin.ts';
import { MAX_TEXT } from '../shared/protocol.ts';
import type { ReportMeta } from '../shared/report.ts';
import type { PageRecord } from '../shared/snapshot.ts';
import type { CopyResult } from './export.ts';

// ── the part of chrome.devtools the panel uses ──────────────────────────────────────────────────
export interface EvalException {
  isError?: boolean;
  code?: string;
  description?: string;
  details?: unknown[];
  isException?: boolean;
  value?: string;
}
export interface DevtoolsApi {
  inspectedWindow: {
    tabId: number;
    reload(options?: object): void;
    /**
     * The callback form: the same in Chromium and Firefox (Chromium's promise form resolves with the
     * result only, Firefox's with [result, exceptionInfo]).
     */
    eval(expression: string, options: { frameURL?: string }, callback: (result: unknown, exceptionInfo?: EvalException) => void): void;
  };
  panels: {
    themeName?: string;
    /** Chromium. */
    setThemeChangeHandler?(callback?: (themeName: string) => void): void;
    /** Firefox. */
    onThemeChanged?: { addListener(cb: (themeName: string) => void): void };
  };
  network?: { onNavigated?: { addListener(cb: (url: string) => void): void } };
}

/** eval as a promise of [result, exceptionInfo]; a throw (no such API, bad options) becomes an error. */
export function evalInInspectedWindow(devtools: DevtoolsApi, expression: string, options: { frameURL?: string } = {}): Promise<[unknown, EvalException | undefined]> {
  return new Promise((resolve) => {
    try {
      devtools.inspectedWindow.eval(expression, options, (result, exceptionInfo) => resolve([result, exceptionInfo ?? undefined]));
    } catch (err) {
      resolve([undefined, { isError: true, code: 'E_THROWN', description: err instanceof Error ? err.message : String(err) }]);
    }
  });
}

/** Chromium's refusal on pages extensions may not inspect: E_FAILED "Permission denied" (Firefox: an error for privileged pages). */
export function isPermissionDenied(e: EvalException | undefined): boolean {
  if (!e || e.isException || e.code === 'E_NOTFOUND' || e.code === 'E_THROWN') return false;
  const text = `${e.description ?? ''} ${(e.details ?? []).map(String).join(' ')}`;
  if (/no execution context/i.test(text)) return false;
  return true;
}

// ── theme ───────────────────────────────────────────────────────────────────────────────────────
export type Theme = 'light' | 'dark';
/** DevTools' theme names: Chromium says "default" or "dark", Firefox "light" or "dark". */
export const themeOf = (name: string | undefined): Theme => (name === 'dark' ? 'dark' : 'light');

export function applyTheme(root: HTMLElement, name: string | undefined): Theme {
  const theme = themeOf(name);
  root.dataset.theme = theme;
  return theme;
}

/** Follows DevTools' theme: Chromium's panels.setThemeChangeHandler, Firefox's panels.onThemeChanged. */
export function watchTheme(panels: DevtoolsApi['panels'] | undefined, onChange: (name: string) => void): boolean {
  if (!panels) return false;
  if (typeof panels.setThemeChangeHandler === 'function') {
    panels.setThemeChangeHandler(onChange);
    return true;
  }
  if (panels.onThemeChanged && typeof panels.onThemeChanged.addListener === 'function') {
    panels.onThemeChanged.addListener(onChange);
    return true;
  }
  return false;
}

// ── pages where extensions cannot run ─────────────────────────────────────────────────────────────
export type RestrictedKind = 'browser-page' | 'extension-page' | 'store' | 'view-source' | 'file' | 'denied';

const BROWSER_SCHEMES = new Set([
  'chrome:', 'chrome-untrusted:', 'chrome-search:', 'chrome-error:', 'devtools:', 'edge:', 'brave:', 'opera:', 'vivaldi:',
  'about:', 'resource:', 'jar:',
]);
const EXTENSION_SCHEMES = new Set(['chrome-extension:', 'moz-extension:', 'extension:', 'safari-web-extension:']);
/**
 * Browser: Firefox's default `extensions.webextensions.restrictedDomains` (no extension runs there);
 * Chromium blocks only its own store (chromewebstore.google.com and chrome.google.com/webstore).
 */
const FIREFOX_RESTRICTED_HOSTS = new Set([
  'accounts-static.cdn.mozilla.net', 'accounts.firefox.com', 'addons.cdn.mozilla.net', 'addons.mozilla.org',
  'api.accounts.firefox.com', 'content.cdn.mozilla.net', 'discovery.addons.mozilla.org', 'install.mozilla.org',
  'oauth.accounts.firefox.com', 'profile.accounts.firefox.com', 'support.mozilla.org', 'sync.services.mozilla.com',
]);

/**
 * Why extensions cannot run on the inspected page at `url`, or null when they can. `denied`: the browser
 * refused to evaluate in the page and gave no URL. `file:` is restricted unless the user allowed it,
 * so the caller asks only when no content script reported from the page.
 */
export function restrictedKind(url: string | null, engine: Engine, denied = false): RestrictedKind | null {
  if (url === null || url === '') return denied ? 'denied' : null;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return denied ? 'denied' : null;
  }
  if (u.protocol === 'view-source:') return 'view-source';
  if (EXTENSION_SCHEMES.has(u.protocol)) return 'extension-page';
  if (BROWSER_SCHEMES.has(u.protocol)) return 'browser-page';
  if (u.protocol === 'file:') return 'file';
  if (u.protocol === 'http:' || u.protocol === 'https:') {
    const host = u.hostname.replace(/\.$/, '').toLowerCase();
    if (host === 'chromewebstore.google.com' || (host === 'chrome.google.com' && u.pathname.startsWith('/webstore'))) return 'store';
    if (engine === 'firefox' && FIREFOX_RESTRICTED_HOSTS.has(host)) return host.includes('addons') ? 'store' : 'browser-page';
  }
  return denied ? 'denied' : null;
}

/** What the panel knows about the inspected page's URL: from eval('location.href'), navigation events or the tab. */
export interface InspectedPage {
  url: string | null;
  /** The browser refused to evaluate in the page. */
  denied: boolean;
}

// ── "Reveal in Elements" ────────────────────────────────────────────────────────────────────────
/** A frame element, as recorded, and the document that holds it. */
export interface RevealTarget {
  /** Its position among the parent document's frame elements (EmbedElement.index). */
  index: number;
  tag: 'iframe' | 'frame';
  id: string | null;
  name: string | null;
  src: string | null;
  /** The parent document's URL for eval's frameURL; null when the parent is the top-level document. */
  frameURL: string | null;
  /** For messages. */
  label: string;
}

export type RevealUnavailable = 'no-selection' | 'top' | 'no-element' | 'firefox-nested';

/** DevTools knows a frame by its URL without the fragment (CDP's Frame.url). */
const withoutFragment = (url: string) => {
  const i = url.indexOf('#');
  return i < 0 ? url : url.slice(0, i);
};

/** The element to reveal for the selected frame, or why there is none. */
export function revealTargetOf(node: FrameNode | null, page: PageRecord | null, engine: Engine): RevealTarget | RevealUnavailable {
  if (!node || !page) return 'no-selection';
  const f = node.frame;
  if (f.parentFrameId === -1) return 'top';
  const owner = node.owner;
  const parent = page.frames[String(f.parentFrameId)];
  if (!owner || !parent) return 'no-element';
  const parentIsTop = parent.parentFrameId === -1;
  if (!parentIsTop && engine === 'firefox') return 'firefox-nested';
  const label = owner.id ? `${owner.tag}#${owner.id}` : owner.name ? `${owner.tag}[name=${owner.name}]` : `<${owner.tag}> ${owner.index + 1}`;
  return {
    index: owner.index, tag: owner.tag, id: owner.id, name: owner.name, src: owner.src,
    frameURL: parentIsTop ? null : withoutFragment(parent.observed?.url ?? parent.url),
    label,
  };
}

/**
 * The expression that selects the element in the Elements panel. It lists the document's frame
 * elements exactly as the content script does when it computes EmbedElement.index (src/content:
 * frameElements — `querySelectorAll('iframe, frame')` in document order, then those of each open
 * shadow root, depth first), checks that the element at `index` still has the recorded tag, id, name
 * and src (clipped as the recorder clips them), and only then calls the console's inspect().
 * Returns 'ok', 'missing' or 'changed'. The page could tamper with the DOM methods it calls; the
 * result is only compared with these three strings.
 */
export function revealExpression(t: RevealTarget): string {
  const expected = JSON.stringify({ index: t.index, tag: t.tag, id: t.id, name: t.name, src: t.src, max: MAX_TEXT });
  return `(() => {
  const t = ${expected};
  const list = [];
  const visit = (root) => {
    for (const el of root.querySelectorAll('iframe, frame')) list.push(el);
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) if (n.shadowRoot) visit(n.shadowRoot);
  };
  visit(document);
  const el = list[t.index];
  if (!el) return 'missing';
  const clip = (s) => s === null || s.length <= t.max ? s : s.slice(0, t.max) + '\\u2026[' + (s.length - t.max) + ' more characters]';
  const tag = el.localName === 'frame' ? 'frame' : 'iframe';
  if (tag !== t.tag || clip(el.getAttribute('id')) !== t.id || clip(el.getAttribute('name')) !== t.name || clip(el.getAttribute('src')) !== t.src) return 'changed';
  inspect(el);
  return 'ok';
})()`;
}

export type RevealOutcome = 'ok' | 'missing' | 'changed' | 'no-frame' | { error: string };

// ── what components ask of DevTools and the extension ──────────────────────────────────────────
export interface PanelHost {
  engine: Engine;
  reloadPage(): void;
  reloadDevTools(): void;
  openOptions(): void;
  reveal(target: RevealTarget): Promise<RevealOutcome>;
  reportMeta(): Promise<ReportMeta>;
  save(fileName: string, text: string, mime: string): void;
  copy(text: string): Promise<CopyResult>;
}
