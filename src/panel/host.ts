// The PanelHost over the real extension APIs: DevTools' inspected window, the options page, the
// manifest, downloads and the clipboard. Only main.tsx uses it.
import browser from 'webextension-polyfill';
import type { Engine } from '../shared/origin.ts';
import { browserInfo, copyText, saveText } from './export.ts';
import { evalInInspectedWindow, isPermissionDenied, revealExpression, type DevtoolsApi, type EvalException, type InspectedPage, type PanelHost } from './inspected.ts';

function describeEvalError(e: EvalException): string {
  if (e.isException) return e.value ?? 'exception';
  const details = Array.isArray(e.details) && e.details.length > 0 ? `: ${e.details.map(String).join(', ')}` : '';
  return `${e.code ?? 'error'}${e.description && e.description !== e.code ? ` (${e.description.replace(/:?\s*%s/g, '').trim()})` : ''}${details}`;
}

export function createPanelHost(devtools: DevtoolsApi | undefined, engine: Engine): PanelHost {
  return {
    engine,
    reloadPage: () => devtools?.inspectedWindow.reload({}),
    reloadDevTools: () => location.reload(),
    openOptions: () => void browser.runtime.openOptionsPage(),
    async reveal(target) {
      if (!devtools) return { error: 'not running in DevTools' };
      try {
        const [value, error] = await evalInInspectedWindow(devtools, revealExpression(target), target.frameURL === null ? {} : { frameURL: target.frameURL });
        if (error) return error.code === 'E_NOTFOUND' ? 'no-frame' : { error: describeEvalError(error) };
        return value === 'ok' || value === 'missing' || value === 'changed' ? value : { error: 'unexpected result' };
      } catch (err) {
        return { error: err instanceof Error ? err.message : String(err) };
      }
    },
    async reportMeta() {
      return {
        tool: { name: 'frame-security', version: browser.runtime.getManifest().version },
        browser: await browserInfo(navigator),
        generatedAt: new Date().toISOString(),
      };
    },
    save: saveText,
    copy: copyText,
  };
}

/**
 * Follows which page is inspected: now, on every navigation DevTools reports, and whenever `recheck`
 * is called (the panel calls it when the record changes page, and while it shows a restricted or
 * empty state: Chromium stops talking to extensions on restricted pages, navigation events included).
 */
export function watchInspectedPage(devtools: DevtoolsApi | undefined, tabId: number, onChange: (p: InspectedPage) => void): () => void {
  let seq = 0;
  const check = async () => {
    const mine = ++seq;
    let result: InspectedPage = { url: null, denied: false };
    if (devtools) {
      const [value, error] = await evalInInspectedWindow(devtools, 'location.href');
      result = typeof value === 'string' && !error ? { url: value, denied: false } : { url: null, denied: isPermissionDenied(error) };
    }
    if (result.url === null && Number.isInteger(tabId)) {
      try {
        // The tab's URL is given only where the extension has host permission; a hint where eval is refused.
        const tab = await browser.tabs.get(tabId);
        if (tab.url) result = { ...result, url: tab.url };
      } catch {
        // No such tab (a plain test page).
      }
    }
    if (mine === seq) onChange(result);
  };
  devtools?.network?.onNavigated?.addListener((url) => {
    seq++;
    onChange({ url, denied: false });
    void check();
  });
  void check();
  return () => void check();
}
