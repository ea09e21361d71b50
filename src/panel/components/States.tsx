// The panel's states and banners: connecting, nothing recorded, a page extensions cannot run on, the
// connection dropped or outdated, frames that reported nothing from inside, frames over the cap.
// Page-controlled strings (URLs) are rendered as text.
import type { ConnectionState } from '../transport.ts';
import type { Engine } from '../../shared/origin.ts';
import type { PageRecord } from '../../shared/snapshot.ts';
import { restrictedKind, type RestrictedKind } from '../inspected.ts';
import { appStrings } from '../strings-app.ts';

const s = appStrings.states;

export function ConnectionBanner({ state, onReloadDevTools }: { state: ConnectionState; onReloadDevTools(): void }) {
  if (state === 'reconnecting') {
    return <div class="banner banner-reconnecting" role="status" data-testid="connection">{appStrings.connection.reconnecting}</div>;
  }
  if (state === 'version-mismatch' || state === 'extension-gone') {
    return (
      <div class={`banner banner-${state} banner-action`} role="alert" data-testid="connection" data-state={state}>
        <span data-testid="connection-text">{appStrings.connection[state]}</span>
        <button type="button" onClick={onReloadDevTools} data-testid="reload-devtools">{appStrings.connection.reloadDevTools}</button>
        <span class="muted">{appStrings.connection.reloadDevToolsHint}</span>
      </div>
    );
  }
  return null;
}

export interface UnobservedCounts {
  error: number;
  restricted: number;
  silent: number;
}

/**
 * The recorded frames with no report from inside (no `observed`), by why: error pages (no extension
 * code runs in them), frames whose URL extensions may not run in, and loaded frames where the content
 * script stayed silent. Frames still loading are not counted: their report may yet come.
 */
export function unobservedCounts(page: PageRecord, engine: Engine): UnobservedCounts {
  const out: UnobservedCounts = { error: 0, restricted: 0, silent: 0 };
  for (const f of Object.values(page.frames)) {
    if (f.observed) continue;
    const kind = /^about:(blank|srcdoc)\b/.test(f.url) ? null : restrictedKind(f.url, engine);
    if (f.status === 'error') out.error++;
    else if (kind !== null && kind !== 'file') out.restricted++;
    else if (f.status === 'loaded') out.silent++;
  }
  return out;
}

export function UnobservedBanner({ page, engine }: { page: PageRecord; engine: Engine }) {
  const c = unobservedCounts(page, engine);
  const total = c.error + c.restricted + c.silent;
  if (total === 0) return null;
  const parts = [
    c.error > 0 ? s.unobservedParts.error(c.error) : null,
    c.restricted > 0 ? s.unobservedParts.restricted(c.restricted) : null,
    c.silent > 0 ? s.unobservedParts.silent(c.silent) : null,
  ].filter((x): x is string => x !== null);
  return (
    <div class="banner banner-unobserved" role="status" data-testid="unobserved-banner" data-count={total}>
      <span>{s.unobserved(total)} </span>
      <span data-testid="unobserved-parts">{parts.join('; ')}.</span> <span class="muted">{s.unobservedNote}</span>
    </div>
  );
}

export function DroppedBanner({ page }: { page: PageRecord }) {
  if (page.dropped.frames <= 0) return null;
  return <div class="banner" role="status" data-testid="dropped-banner">{s.dropped(page.dropped.frames)}</div>;
}

export function ConnectingState() {
  return <div class="empty" data-testid="connecting"><p>{s.connecting}</p></div>;
}

export function NothingRecorded({ onReload, allTabs }: { onReload(): void; allTabs: boolean }) {
  return (
    <div class="empty" data-testid="no-page">
      <p class="empty-title">{s.nothingRecorded}</p>
      <p data-testid="no-page-why">{allTabs ? s.nothingRecordedWhyAllTabs : s.nothingRecordedWhy}</p>
      <button type="button" onClick={onReload} data-testid="reload-empty">{s.reloadPage}</button>
    </div>
  );
}

export function RestrictedState({ kind, url }: { kind: RestrictedKind; url: string | null }) {
  return (
    <div class="empty" data-testid="restricted" data-kind={kind}>
      <p class="empty-title">{s.restrictedTitle}</p>
      <p data-testid="restricted-text">{s.restricted[kind]}</p>
      {url !== null && (
        <p class="restricted-url">
          <span class="muted">{s.restrictedUrl}: </span>
          <span class="mono" data-testid="restricted-url">{url}</span>
        </p>
      )}
    </div>
  );
}
