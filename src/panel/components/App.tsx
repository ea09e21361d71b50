// The panel: toolbar, state banners, and the frame tree beside the selected frame's details. Reads the
// store's signals; talks to DevTools only through the PanelHost. The evaluation is computed once per
// snapshot (the store's computed signal); the tree and the details are memoized, so a selection or
// a toolbar status re-renders only what changed.
import type { ReadonlySignal } from '@preact/signals';
import { memo } from 'preact/compat';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { evaluatePage } from '../../shared/evaluate.ts';
import type { Engine } from '../../shared/origin.ts';
import type { PageRecord } from '../../shared/snapshot.ts';
import type { Store } from '../store.ts';
import { restrictedKind, revealTargetOf, type InspectedPage, type PanelHost, type RestrictedKind, type RevealTarget } from '../inspected.ts';
import { exportReport, type ExportFormat } from '../export.ts';
import { appStrings } from '../strings-app.ts';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { FrameDetails } from './FrameDetails.tsx';
import { FrameTree } from './FrameTree.tsx';
import { SplitPane } from './SplitPane.tsx';
import { ConnectingState, ConnectionBanner, DroppedBanner, NothingRecorded, RestrictedState, UnobservedBanner } from './States.tsx';
import { Toolbar } from './Toolbar.tsx';

const MemoTree = memo(FrameTree);
const MemoDetails = memo(FrameDetails);

const STATUS_MS = 4000;

/** The URL without its fragment, to compare what the record and the inspected window say. */
const documentOf = (url: string) => url.split('#')[0];

/**
 * Whether the inspected page is one extensions cannot run on, and its URL when known: what DevTools
 * says (eval of location.href), else the record's page URL (the background records browser pages'
 * navigations too; DevTools refuses to evaluate there and gives no URL). A URL that looks restricted
 * but whose top document did report from inside (an about:blank popup, a file: page with file access
 * allowed) is not.
 */
export function restrictionOf(inspected: InspectedPage | null, page: PageRecord | null, engine: Engine): { kind: RestrictedKind; url: string | null } | null {
  const url = inspected?.url ?? page?.url ?? null;
  const kind = restrictedKind(url, engine, inspected?.denied ?? false);
  if (kind === null) return null;
  const top = page ? Object.values(page.frames).find((f) => f.parentFrameId === -1) : undefined;
  // A refusal while the recorded top document did report is passing (DevTools refuses extensions
  // until it knows the inspected URL); leaving for a browser page gives a new, unobserved record.
  if (kind === 'denied') return top?.observed ? null : { kind, url: null };
  const reported = top?.observed !== undefined && url !== null && documentOf(top.observed.url) === documentOf(url);
  return reported ? null : { kind, url };
}

export function App({ store, host, inspected }: { store: Store; host: PanelHost; inspected: ReadonlySignal<InspectedPage | null> }) {
  const snapshot = store.snapshot.value;
  const page = snapshot?.page ?? null;
  const conn = store.connection.value;
  const evaluation = store.evaluation.value;
  const selected = store.selected.value;
  const [status, setStatus] = useState('');
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => {
    if (timer.current !== null) clearTimeout(timer.current);
  }, []);
  const say = (text: string) => {
    setStatus(text);
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = setTimeout(() => setStatus(''), STATUS_MS);
  };

  // Stable handlers, so the memoized tree does not re-render for unrelated changes.
  const on = useMemo(() => ({
    select: (id: number) => (store.selectedFrameId.value = id),
    toggle: (id: number) => store.toggle(id),
  }), [store]);

  const onExport = async (format: ExportFormat, to: 'file' | 'clipboard') => {
    const ev = store.evaluation.value;
    if (!ev) return say(appStrings.status.nothingToExport);
    try {
      // The pages this tab opened, evaluated as the page is (the CLI's report includes them too).
      const options = { engine: ev.engine, trustworthyOrigins: store.settings.value.trustworthyOrigins };
      const popups = store.popupRecords.value.map((p) => evaluatePage(p.page, options));
      const meta = await host.reportMeta();
      const out = exportReport(ev, meta, popups, format);
      if (to === 'file') {
        host.save(out.fileName, out.text, out.mime);
        say(appStrings.status.saved(out.fileName));
      } else {
        const how = await host.copy(out.text);
        say(how === 'failed' ? appStrings.status.copyFailed : appStrings.status.copied(format === 'json' ? 'JSON' : 'Markdown'));
      }
    } catch (err) {
      say(appStrings.status.saveFailed(err instanceof Error ? err.message : String(err)));
    }
  };
  const onReveal = async (target: RevealTarget) => {
    const r = await host.reveal(target);
    if (r === 'ok') say(appStrings.status.revealed(target.label));
    else if (r === 'missing') say(appStrings.status.revealMissing);
    else if (r === 'changed') say(appStrings.status.revealChanged);
    else if (r === 'no-frame') say(appStrings.status.revealNoFrame);
    else say(appStrings.status.revealFailed(r.error));
  };

  const restricted = restrictionOf(inspected.value, page, host.engine);
  const reveal = revealTargetOf(selected, page, host.engine);

  let body;
  if (restricted) body = <RestrictedState kind={restricted.kind} url={restricted.url} />;
  else if (!snapshot) body = <ConnectingState />;
  else if (!page) body = <NothingRecorded onReload={host.reloadPage} allTabs={store.settings.value.recordAllTabs} />;
  else {
    body = (
      <SplitPane
        left={
          <MemoTree
            rows={store.rows.value}
            selectedFrameId={store.selectedFrameId.value}
            collapsed={store.collapsed.value}
            onSelect={on.select}
            onToggle={on.toggle}
            view={store.treeView}
          />
        }
        right={
          <ErrorBoundary resetKey={selected}>
            <MemoDetails
              node={selected}
              evaluation={selected ? evaluation?.byFrameId.get(selected.frame.frameId) ?? null : null}
              openerSurvives={evaluation?.openerSurvives ?? null}
              droppedSubresources={evaluation?.subresources.dropped ?? 0}
            />
          </ErrorBoundary>
        }
      />
    );
  }

  return (
    <div class="app">
      <Toolbar
        pageUrl={restricted ? restricted.url : page?.url ?? null}
        frameCount={page && !restricted ? Object.keys(page.frames).length : null}
        filter={store.filter.value}
        onFilter={(v) => (store.filter.value = v)}
        onReload={host.reloadPage}
        canExport={evaluation !== null && !restricted}
        onExport={(f, to) => void onExport(f, to)}
        reveal={restricted ? 'no-selection' : reveal}
        onReveal={(t) => void onReveal(t)}
        trustworthyOrigins={store.settings.value.trustworthyOrigins}
        onSettings={host.openOptions}
        status={status}
      />
      <ConnectionBanner state={conn} onReloadDevTools={host.reloadDevTools} />
      {page && !restricted && <DroppedBanner page={page} />}
      {page && !restricted && <UnobservedBanner page={page} engine={host.engine} />}
      {body}
    </div>
  );
}
