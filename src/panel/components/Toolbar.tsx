// The panel's toolbar: reload, the filter, the page, export (JSON or Markdown, to a file or the
// clipboard), "Reveal in Elements" for the selected frame, and the settings with an indicator when
// trustworthy origins are configured. Plain props; the App wires them to the store and the host.
import { useEffect, useRef } from 'preact/hooks';
import type { RevealTarget, RevealUnavailable } from '../inspected.ts';
import type { ExportFormat } from '../export.ts';
import { strings } from '../strings.ts';
import { appStrings } from '../strings-app.ts';

const t = appStrings.toolbar;

export interface ToolbarProps {
  pageUrl: string | null;
  frameCount: number | null;
  filter: string;
  onFilter(value: string): void;
  onReload(): void;
  canExport: boolean;
  onExport(format: ExportFormat, to: 'file' | 'clipboard'): void;
  reveal: RevealTarget | RevealUnavailable;
  onReveal(target: RevealTarget): void;
  trustworthyOrigins: readonly string[];
  onSettings(): void;
  /** A short result of the last action ("Copied", "Saved …"), announced politely. */
  status: string;
}

const revealHint: Record<RevealUnavailable, string> = {
  'no-selection': t.revealNoSelection,
  top: t.revealTop,
  'no-element': t.revealNoElement,
  'firefox-nested': t.revealFirefoxNested,
};

export function Toolbar(p: ToolbarProps) {
  const menu = useRef<HTMLDetailsElement>(null);
  // Like a menu: a click elsewhere or Escape closes it.
  useEffect(() => {
    const close = (e: Event) => {
      const m = menu.current;
      if (!m?.open) return;
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !m.contains(e.target as Node)) {
        m.open = false;
        if (e instanceof KeyboardEvent) m.querySelector('summary')?.focus();
      }
    };
    document.addEventListener('pointerdown', close, true);
    document.addEventListener('keydown', close, true);
    return () => {
      document.removeEventListener('pointerdown', close, true);
      document.removeEventListener('keydown', close, true);
    };
  }, []);
  const run = (format: ExportFormat, to: 'file' | 'clipboard') => {
    if (menu.current) menu.current.open = false;
    p.onExport(format, to);
  };
  const target = typeof p.reveal === 'string' ? null : p.reveal;
  return (
    <header class="toolbar" role="toolbar" aria-label={t.label} data-testid="toolbar">
      <button type="button" class="tool" onClick={p.onReload} title={t.reload} aria-label={t.reload} data-testid="reload">⟳</button>
      <span class="tool-sep" aria-hidden="true" />
      <input
        type="search"
        placeholder={strings.filterPlaceholder}
        aria-label={strings.filterPlaceholder}
        value={p.filter}
        onInput={(e) => p.onFilter((e.target as HTMLInputElement).value)}
        data-testid="filter"
      />
      <span class="count" data-testid="frame-count">{p.frameCount === null ? '' : strings.framesCount(p.frameCount)}</span>
      <span class="page-url" title={p.pageUrl ?? undefined} data-testid="page-url">{p.pageUrl ?? ''}</span>
      <span class="tool-spacer" />
      <span class="tool-status" role="status" aria-live="polite" data-testid="toolbar-status">{p.status}</span>
      <button
        type="button"
        class="tool"
        disabled={!target}
        title={target ? t.revealTitle(target.label) : revealHint[p.reveal as RevealUnavailable]}
        onClick={() => target && p.onReveal(target)}
        data-testid="reveal"
      >
        {t.reveal}
      </button>
      <details class="menu" ref={menu} data-testid="export-menu">
        <summary
          class={`tool${p.canExport ? '' : ' disabled'}`}
          title={t.exportTitle}
          aria-disabled={!p.canExport}
          onClick={(e) => {
            if (!p.canExport) e.preventDefault();
          }}
          data-testid="export"
        >
          {t.export} ▾
        </summary>
        <div class="menu-items" role="menu">
          <button type="button" role="menuitem" onClick={() => run('json', 'file')} data-testid="export-json-file">{t.saveJson}</button>
          <button type="button" role="menuitem" onClick={() => run('json', 'clipboard')} data-testid="export-json-copy">{t.copyJson}</button>
          <button type="button" role="menuitem" onClick={() => run('markdown', 'file')} data-testid="export-markdown-file">{t.saveMarkdown}</button>
          <button type="button" role="menuitem" onClick={() => run('markdown', 'clipboard')} data-testid="export-markdown-copy">{t.copyMarkdown}</button>
        </div>
      </details>
      <span class="tool-sep" aria-hidden="true" />
      {p.trustworthyOrigins.length > 0 && (
        <span class="trustworthy-indicator" title={t.trustworthyTitle(p.trustworthyOrigins)} data-testid="trustworthy-indicator">
          {t.trustworthy(p.trustworthyOrigins.length)}
        </span>
      )}
      <button type="button" class="tool" onClick={p.onSettings} title={t.settingsTitle} aria-label={t.settings} data-testid="settings">⚙</button>
    </header>
  );
}
