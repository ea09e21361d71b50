// Synthetic snapshots for the benchmarks: a page of N frames in a realistic mix (same-origin, same-site,
// cross-site, sandboxed, srcdoc, CSP sandbox, COEP/CORP headers, subresources), nested up to 6 deep.
import { LIMITS } from '../../src/background/recorder.ts';
import type { EmbedElement, FrameRecord, HeaderLine, PageRecord, SubresourceRecord } from '../../src/shared/snapshot.ts';

const HOSTS = ['https://a.test', 'https://sub.a.test', 'https://b.test', 'https://c.example'];

function element(index: number, frameId: number, kind: number): EmbedElement {
  return {
    tag: 'iframe', index, frameId, mappedBy: 'getFrameId', id: `f${frameId}`, name: null,
    src: kind === 3 ? null : `/frame/${frameId}`, srcdoc: kind === 3,
    sandbox: kind === 1 ? 'allow-scripts' : kind === 4 ? 'allow-scripts allow-same-origin allow-popups' : null,
    allow: kind === 2 ? 'cross-origin-isolated' : null, referrerPolicy: null, loading: null,
    credentialless: { attribute: kind === 5, property: kind === 5 ? true : null },
  };
}

function headersFor(kind: number): HeaderLine[] {
  const h: HeaderLine[] = [['Content-Type', 'text/html'], ['Cache-Control', 'no-store']];
  if (kind % 2 === 0) h.push(['Cross-Origin-Embedder-Policy', 'require-corp'], ['Cross-Origin-Resource-Policy', 'cross-origin']);
  if (kind === 6) h.push(['Content-Security-Policy', "sandbox allow-scripts; frame-ancestors 'self' https://a.test"]);
  if (kind === 7) h.push(['Permissions-Policy', 'cross-origin-isolated=(self "https://b.test")'], ['X-Frame-Options', 'SAMEORIGIN']);
  return h;
}

/**
 * A page of `count` frames (including the top), with `requestsPerFrame` subresources each, up to the
 * recorder's per-page cap (LIMITS.subresourcesPerPage): a real record never holds more.
 */
export function syntheticPage(count: number, requestsPerFrame = 2, maxRequests = LIMITS.subresourcesPerPage): PageRecord {
  const frames: Record<string, FrameRecord> = {};
  const subresources: Record<string, SubresourceRecord> = {};
  const topHeaders: HeaderLine[] = [['Cross-Origin-Opener-Policy', 'same-origin'], ['Cross-Origin-Embedder-Policy', 'require-corp']];
  frames['0'] = {
    frameId: 0, parentFrameId: -1, url: 'https://a.test/', status: 'loaded', updatedAt: 1, documentId: 'D0', committedAt: 1,
    response: { url: 'https://a.test/', statusCode: 200, statusLine: 'HTTP/1.1 200 OK', headers: topHeaders, fromCache: false, timeStamp: 1 },
    observed: { url: 'https://a.test/', origin: 'https://a.test', isSecureContext: true, crossOriginIsolated: true, documentDomain: 'a.test', originAgentCluster: true, observedAt: 1 },
    embeds: [],
  };
  // Breadth-first: each frame embeds up to 8 children, at most 6 levels deep.
  const queue: { id: number; depth: number }[] = [{ id: 0, depth: 0 }];
  let next = 1;
  while (next < count && queue.length > 0) {
    const parent = queue.shift()!;
    const p = frames[String(parent.id)]!;
    for (let i = 0; i < 8 && next < count; i++) {
      const id = next++;
      const kind = id % 8;
      const host = HOSTS[id % HOSTS.length]!;
      const url = kind === 3 ? 'about:srcdoc' : `${host}/frame/${id}`;
      p.embeds!.push(element(i, id, kind));
      frames[String(id)] = {
        frameId: id, parentFrameId: parent.id, url, status: 'loaded', updatedAt: 1, documentId: `D${id}`, committedAt: 1,
        ...(kind === 3 ? {} : { response: { url, statusCode: 200, statusLine: 'HTTP/1.1 200 OK', headers: headersFor(kind), fromCache: false, timeStamp: 1 } }),
        observed: { url, origin: kind === 1 ? 'null' : host, isSecureContext: true, crossOriginIsolated: false, documentDomain: null, originAgentCluster: true, observedAt: 1 },
        embeds: [],
      };
      if (parent.depth + 1 < 6) queue.push({ id, depth: parent.depth + 1 });
    }
  }
  let r = 0;
  for (const f of Object.values(frames)) {
    for (let i = 0; i < requestsPerFrame && r < maxRequests; i++) {
      const url = `${HOSTS[(f.frameId + i) % HOSTS.length]}/r/${f.frameId}/${i}.png`;
      const requestId = String(r++);
      subresources[requestId] = {
        requestId, frameId: f.frameId, documentId: f.documentId!, type: 'image', method: 'GET', url, fetchMode: 'no-cors', fetchDest: 'image',
        responses: [{ url, statusCode: 200, fromCache: false, headers: i % 2 ? [['Cross-Origin-Resource-Policy', 'cross-origin']] : [] }],
        state: 'complete', startedAt: 2,
      };
    }
  }
  return { pageId: 'bench', tabId: 1, url: 'https://a.test/', startedAt: 1, lifecycle: 'active', frames, dropped: { frames: 0 }, subresources };
}
