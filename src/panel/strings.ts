// User-facing text of the panel in one place.
export const strings = {
  title: 'Frame Security',
  filterPlaceholder: 'Filter by URL, origin or error',
  noPage: 'Nothing recorded for this tab yet. Reload the page to record its frames.',
  reload: 'Reload page',
  selectFrame: 'Select a frame to see its details.',
  connection: {
    connecting: 'Connecting…',
    connected: '',
    reconnecting: 'Connection to the extension dropped; reconnecting…',
    'version-mismatch': 'The extension was updated. Reload DevTools to use the new version.',
    'extension-gone': 'The extension was reloaded or removed. Reload DevTools.',
  },
  framesCount: (n: number) => (n === 1 ? '1 frame' : `${n} frames`),
  droppedFrames: (n: number) => `${n} more frames were not recorded (per-page limit).`,
  noOrigin: 'not observed',
  notObservedWhy: 'No content script ran in this document (an error page, or a page extensions may not access).',
  sections: {
    document: 'Document',
    observed: 'What the browser reports in this frame',
    owner: 'Frame element',
    headers: 'Response headers',
  },
  noResponse: 'No network response: this document was not fetched (about:blank, srcdoc, data:, or served from memory).',
  noOwner: 'No element recorded (the top frame, or the parent document could not be observed).',
} as const;
