import type { Store } from '../store.ts';
import { strings } from '../strings.ts';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { FrameDetails } from './FrameDetails.tsx';
import { FrameTree } from './FrameTree.tsx';

export function App({ store, onReload }: { store: Store; onReload(): void }) {
  const page = store.snapshot.value?.page ?? null;
  const conn = store.connection.value;
  const notice = strings.connection[conn];
  return (
    <div class="app">
      <header class="toolbar">
        <button type="button" onClick={onReload} title={strings.reload} data-testid="reload">⟳</button>
        <input
          type="search"
          placeholder={strings.filterPlaceholder}
          value={store.filter.value}
          onInput={(e) => (store.filter.value = (e.target as HTMLInputElement).value)}
          data-testid="filter"
        />
        <span class="count" data-testid="frame-count">{page ? strings.framesCount(Object.keys(page.frames).length) : ''}</span>
        <span class="page-url" title={page?.url}>{page?.url}</span>
      </header>
      {notice && <div class={`banner banner-${conn}`} role="status" data-testid="connection">{notice}</div>}
      {page && page.dropped.frames > 0 && <div class="banner">{strings.droppedFrames(page.dropped.frames)}</div>}
      {!page ? (
        <div class="empty" data-testid="no-page">
          <p>{strings.noPage}</p>
          <button type="button" onClick={onReload}>{strings.reload}</button>
        </div>
      ) : (
        <main class="split">
          <div class="pane tree-pane">
            <FrameTree
              rows={store.rows.value}
              selectedFrameId={store.selectedFrameId.value}
              collapsed={store.collapsed.value}
              onSelect={(id) => (store.selectedFrameId.value = id)}
              onToggle={(id) => store.toggle(id)}
            />
          </div>
          <div class="pane details-pane">
            <ErrorBoundary resetKey={store.selected.value}>
              <FrameDetails
                node={store.selected.value}
                evaluation={store.selected.value ? store.evaluation.value?.byFrameId.get(store.selected.value.frame.frameId) ?? null : null}
                openerSurvives={store.evaluation.value?.openerSurvives ?? null}
                droppedSubresources={store.evaluation.value?.subresources.dropped ?? 0}
              />
            </ErrorBoundary>
          </div>
        </main>
      )}
    </div>
  );
}
