// The benchmarks' heavy page, served by startFixtureServer(heavyRoutes): a top-level document with many
// iframes spread round-robin over a.test, sub.a.test and b.test, each loading images, scripts and
// fetches from its own origin. /heavy.html?frames=N&per=M (defaults 210 frames × 10 subresources).
// Every subresource is small text (SVG, JS, JSON): the cost measured is the number of loads, not bytes.
import type { Route, Routes } from '../fixtures/site.ts';

export const HEAVY_FRAMES = 210;
export const HEAVY_PER_FRAME = 10;
const HOSTS = ['a.test', 'sub.a.test', 'b.test'];

/** How a frame's subresources are split: images and scripts delay the load event; fetches start before it. */
function mix(per: number): { images: number; scripts: number; fetches: number } {
  const fetches = Math.floor(per / 5);
  const scripts = Math.floor(per / 5);
  return { images: per - fetches - scripts, scripts, fetches };
}

const doc = (title: string, head: string, body: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>${head}</head><body>${body}</body></html>`;

const int = (url: URL, name: string, fallback: number, max: number) => {
  const n = Number(url.searchParams.get(name) ?? fallback);
  return Number.isInteger(n) && n >= 0 ? Math.min(n, max) : fallback;
};

/**
 * The top document. It counts the frames that finished their fetches (`window.__fetched`) and notes when
 * the last one did (`window.__fetchesDoneAt`, ms since navigation start), for a check besides the load
 * event, which fetches do not delay.
 */
function heavyTop(url: URL): Route {
  const frames = int(url, 'frames', HEAVY_FRAMES, 2000);
  const per = int(url, 'per', HEAVY_PER_FRAME, 100);
  const scheme = url.protocol === 'https:' ? 'https' : 'http';
  const iframes: string[] = [];
  for (let i = 0; i < frames; i++) {
    const host = HOSTS[i % HOSTS.length]!;
    iframes.push(`<iframe id="h${i}" width="24" height="16" src="{{${scheme}:${host}}}/heavy/frame.html?i=${i}&per=${per}"></iframe>`);
  }
  const counter = `<script>
window.__fetched = 0;
window.__fetchesExpected = ${mix(per).fetches > 0 ? frames : 0};
addEventListener('message', (e) => {
  if (e.data !== 'heavy-fetched') return;
  if (++window.__fetched === window.__fetchesExpected) window.__fetchesDoneAt = performance.now();
});
</script>`;
  return { body: doc(`heavy: ${frames} frames × ${per}`, counter, `<h1>${frames} frames</h1>${iframes.join('')}`) };
}

function heavyFrame(url: URL): Route {
  const i = int(url, 'i', 0, 100_000);
  const { images, scripts, fetches } = mix(int(url, 'per', HEAVY_PER_FRAME, 100));
  const parts: string[] = [];
  for (let k = 0; k < images; k++) parts.push(`<img width="4" height="4" alt="" src="/heavy/img.svg?f=${i}&k=${k}">`);
  for (let k = 0; k < scripts; k++) parts.push(`<script src="/heavy/s.js?f=${i}&k=${k}"></script>`);
  if (fetches > 0) {
    const urls = Array.from({ length: fetches }, (_, k) => `'/heavy/data.json?f=${i}&k=${k}'`).join(',');
    parts.push(`<script>Promise.allSettled([${urls}].map((u) => fetch(u).then((r) => r.text()))).then(() => parent.postMessage('heavy-fetched', '*'));</script>`);
  }
  return { body: doc(`frame ${i}`, '', `<p>${i}</p>${parts.join('')}`) };
}

export const heavyRoutes: Routes = {
  '/warmup.html': { body: doc('warm-up', '', '<p>warm-up</p>') },
  '/blank.html': { body: doc('blank', '', '') },
  '/heavy.html': heavyTop,
  '/heavy/frame.html': heavyFrame,
  '/heavy/img.svg': {
    type: 'image/svg+xml',
    headers: [['Cross-Origin-Resource-Policy', 'cross-origin']],
    body: '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4" fill="#4a8"/></svg>',
  },
  '/heavy/s.js': { type: 'text/javascript', body: 'window.__scripts = (window.__scripts || 0) + 1;' },
  '/heavy/data.json': { type: 'application/json', body: '{"ok":true}' },
};

/** The subresources one /heavy.html load requests (not counting the frames' own documents). */
export const heavySubresources = (frames = HEAVY_FRAMES, per = HEAVY_PER_FRAME) => frames * per;
