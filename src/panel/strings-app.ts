// User-facing text of the panel's frame: the toolbar, the export, the states and banners, the split.
// (The tree and the details pane keep theirs in strings.ts.)
import type { RestrictedKind } from './inspected.ts';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export const appStrings = {
  toolbar: {
    label: 'Frame Security toolbar',
    reload: 'Reload the inspected page',
    export: 'Export',
    exportTitle: 'Export the report of this page (the same report as `frame-security audit`)',
    saveJson: 'Save as JSON',
    copyJson: 'Copy as JSON',
    saveMarkdown: 'Save as Markdown',
    copyMarkdown: 'Copy as Markdown',
    reveal: 'Reveal in Elements',
    revealTitle: (label: string) => `Select ${label} in the Elements panel`,
    revealTop: 'The top-level document has no frame element to reveal',
    revealNoElement: 'The frame element of this frame is not known (its parent document was not observed, or the frame is not mapped to an element yet)',
    revealNoSelection: 'Select a frame to reveal its frame element',
    revealFirefoxNested: 'Firefox can reveal only elements of the top-level document (its inspectedWindow.eval has no frameURL option)',
    settings: 'Settings',
    settingsTitle: 'Open the settings: origins the analysis treats as trustworthy',
    trustworthy: (n: number) => plural(n, 'trustworthy origin', 'trustworthy origins'),
    trustworthyTitle: (list: readonly string[]) =>
      `The analysis treats these as potentially trustworthy (settings):\n${list.join('\n')}`,
  },
  status: {
    saved: (name: string) => `Saved ${name}`,
    copied: (what: string) => `Copied the ${what} report`,
    copyFailed: 'Copying was refused: use Save instead',
    saveFailed: (error: string) => `Could not save: ${error}`,
    nothingToExport: 'Nothing recorded to export yet',
    revealed: (label: string) => `Selected ${label} in the Elements panel`,
    revealMissing: 'The frame element is no longer in the page (it was removed, or the page changed): reload the page',
    revealChanged: 'The page\'s frame elements changed since they were recorded: reload the page, or wait for the record to catch up',
    revealNoFrame: 'DevTools does not know the parent document\'s frame (it navigated, or several frames share its URL)',
    revealFailed: (error: string) => `Could not reveal the element: ${error}`,
  },
  states: {
    connecting: 'Connecting to the extension…',
    nothingRecorded: 'Nothing recorded for this tab yet.',
    nothingRecordedWhy:
      'Frame Security records a page\'s frames, headers and attributes while the page loads, and records a tab only while DevTools is open on it (as the Network panel does), so a page loaded before DevTools opened has no record. Reload the page to record it. (The settings can turn on recording of every tab.)',
    nothingRecordedWhyAllTabs:
      'Frame Security records a page\'s frames, headers and attributes while the page loads, so a page that was already open when the extension started (or was installed), or when recording of every tab was turned on, has no record. Reload the page to record it.',
    reloadPage: 'Reload page',
    restrictedTitle: 'Extensions cannot run on this page',
    restricted: {
      'browser-page': 'This is a page of the browser itself. Browsers do not let extensions read or script their own pages, so there is nothing to record here.',
      'extension-page': 'This is a page of an extension. Extensions cannot run content scripts in the pages of other extensions, so there is nothing to record here.',
      store: 'This is the browser\'s extension store. Browsers do not let extensions run on their extension store, so there is nothing to record here.',
      'view-source': 'This is a view-source: page. Extensions cannot run in it; open the page itself to inspect its frames.',
      file: 'Extensions run on file: pages only when allowed: turn on "Allow access to file URLs" in this extension\'s details, then reload the page.',
      denied: 'The browser does not let extensions inspect this page (a browser page, the extension store, or a site blocked by policy).',
    } satisfies Record<RestrictedKind, string>,
    restrictedUrl: 'Page',
    unobserved: (n: number) => `${plural(n, 'frame', 'frames')} reported nothing from inside:`,
    unobservedParts: {
      error: (n: number) => `${plural(n, 'error page', 'error pages')} (blocked or failed to load: browsers run no extension code in error pages)`,
      restricted: (n: number) => `${plural(n, 'frame', 'frames')} where extensions may not run (browser, extension or store pages)`,
      silent: (n: number) => `${plural(n, 'loaded frame', 'loaded frames')} where the content script did not run (the frame may be restricted by policy, or was loaded before the extension started)`,
    },
    unobservedNote: 'Their verdicts come from the recorded headers and attributes only.',
    dropped: (n: number) => `${plural(n, 'more frame was', 'more frames were')} not recorded (the per-page limit is 2,000).`,
  },
  connection: {
    reconnecting: 'The connection to the extension dropped (its service worker restarted); reconnecting… The record is kept and comes back with the connection.',
    'version-mismatch': 'The extension was updated while DevTools was open, and this panel is the old version.',
    'extension-gone': 'The extension was reloaded, updated or removed while DevTools was open, and this panel lost its connection to it.',
    reloadDevTools: 'Reload DevTools',
    reloadDevToolsHint: 'If the panel stays empty, close DevTools and open it again.',
  },
  split: {
    label: 'Resize the frame tree',
    value: (px: number) => `${px} pixels wide`,
  },
} as const;
