// The only panel module that touches extension storage: reads the user's settings and follows changes
// made in the options page (or another DevTools window).
import browser from 'webextension-polyfill';
import { DEFAULT_SETTINGS, SETTINGS_KEY, parseSettings, type Settings } from '../shared/settings.ts';

export async function loadSettings(): Promise<Settings> {
  try {
    return parseSettings((await browser.storage.local.get(SETTINGS_KEY))[SETTINGS_KEY]);
  } catch {
    return { ...DEFAULT_SETTINGS };
  }
}

export async function saveSettings(settings: Settings): Promise<void> {
  await browser.storage.local.set({ [SETTINGS_KEY]: parseSettings(settings) });
}

export function watchSettings(onChange: (s: Settings) => void): () => void {
  const listener = (changes: Record<string, { newValue?: unknown }>, area: string) => {
    if (area === 'local' && SETTINGS_KEY in changes) onChange(parseSettings(changes[SETTINGS_KEY]!.newValue));
  };
  browser.storage.onChanged.addListener(listener);
  return () => browser.storage.onChanged.removeListener(listener);
}

/** The engine the panel runs in, which the analysis predicts. */
export const currentEngine = (): 'chromium' | 'firefox' => (/\bFirefox\//.test(navigator.userAgent) ? 'firefox' : 'chromium');
