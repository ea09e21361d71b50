// What the browser itself says inside a frame, read independently of the extension: through CDP, in
// an isolated world of that frame, so it works even where the page's own scripts are blocked.
import type { BrowserContext, CDPSession, Frame, Page } from '@playwright/test';
import { SECURE_CONTEXT_FEATURES } from '../../src/shared/secure-context.ts';

export interface FrameTruth {
  url: string;
  origin: string;
  isSecureContext: boolean;
  crossOriginIsolated: boolean;
  documentDomain: string | null;
  originAgentCluster: boolean | null;
  /** The fixture's marker script ran (page scripts are allowed), and the document has that script. */
  scriptRan: boolean;
  hasScript: boolean;
  /** Each SECURE_CONTEXT_FEATURES probe, by feature name: the API is exposed in this document. */
  features: Record<string, boolean>;
  /** Chromium's own verdicts for the frame (CDP Page.getFrameTree). */
  cdp: { secureContextType: string; crossOriginIsolatedContextType: string; gatedAPIFeatures: string[] };
}

interface CdpFrameTree {
  frame: {
    id: string; parentId?: string; url: string; urlFragment?: string; name?: string; unreachableUrl?: string;
    secureContextType: string; crossOriginIsolatedContextType: string; gatedAPIFeatures: string[];
  };
  childFrames?: CdpFrameTree[];
}

/** What both engines' oracles read: the values the content observer also reports. */
export type ObservedTruth = Pick<FrameTruth, 'url' | 'origin' | 'isSecureContext' | 'crossOriginIsolated' | 'documentDomain' | 'originAgentCluster'>;

const READ = `(() => {
  let documentDomain = null;
  try { documentDomain = document.domain; } catch {}
  return JSON.stringify({
    url: location.href,
    origin: self.origin,
    isSecureContext: self.isSecureContext,
    crossOriginIsolated: self.crossOriginIsolated === true,
    documentDomain,
    originAgentCluster: typeof self.originAgentCluster === 'boolean' ? self.originAgentCluster : null,
    scriptRan: document.documentElement.dataset.scriptRan === 'yes',
    hasScript: [...document.scripts].some((s) => s.textContent.includes('dataset.scriptRan')),
    features: {${SECURE_CONTEXT_FEATURES.filter((f) => f.probe).map((f) => `${JSON.stringify(f.name)}: (() => { try { return Boolean(${f.probe}); } catch { return false; } })()`).join(', ')}},
  });
})()`;

/** Sessions are cached per page or out-of-process frame. */
const sessions = new WeakMap<Page | Frame, Promise<CDPSession>>();
function sessionFor(context: BrowserContext, target: Page | Frame): Promise<CDPSession> {
  let s = sessions.get(target);
  if (!s) {
    s = context.newCDPSession(target);
    sessions.set(target, s);
  }
  return s;
}

/** Path from `root` down to `frame`: the index among its parent's children, at each level. */
function pathOf(frame: Frame, root: Frame): number[] {
  const path: number[] = [];
  for (let f: Frame | null = frame; f && f !== root && f.parentFrame(); f = f.parentFrame()) {
    path.unshift(f.parentFrame()!.childFrames().indexOf(f));
  }
  return path;
}

/**
 * Reads origin, secure context and isolation inside `frame`. Returns null for a frame that shows an
 * error page (nothing to read). A frame is reached through the CDP session of the nearest frame (itself
 * or an ancestor) that runs in its own process, or else the page's session.
 */
export async function readInFrame(context: BrowserContext, page: Page, frame: Frame): Promise<FrameTruth | null> {
  let session: CDPSession | null = null;
  let root: Frame = page.mainFrame();
  for (let f: Frame | null = frame; f && f !== page.mainFrame(); f = f.parentFrame()) {
    try {
      session = await sessionFor(context, f);
      root = f;
      break;
    } catch {
      sessions.delete(f); // an in-process frame: try its parent
    }
  }
  session ??= await sessionFor(context, page);
  const { frameTree } = (await session.send('Page.getFrameTree')) as { frameTree: CdpFrameTree };
  let node: CdpFrameTree | undefined = frameTree;
  if (root !== frame) {
    const all: CdpFrameTree[] = [];
    const walk = (n: CdpFrameTree) => {
      all.push(n);
      n.childFrames?.forEach(walk);
    };
    walk(frameTree);
    const same = all.filter((n) => n.frame.url + (n.frame.urlFragment ?? '') === frame.url() && (n.frame.name ?? '') === frame.name());
    if (same.length === 1) node = same[0];
    else for (const i of pathOf(frame, root)) node = node?.childFrames?.[i];
  }
  if (!node) throw new Error(`no CDP frame for ${frame.url()}`);
  if (node.frame.unreachableUrl || node.frame.url.startsWith('chrome-error:')) return null;
  const { executionContextId } = (await session.send('Page.createIsolatedWorld', {
    frameId: node.frame.id,
    worldName: 'frame-security-oracle',
  })) as { executionContextId: number };
  const { result } = (await session.send('Runtime.evaluate', { expression: READ, contextId: executionContextId, returnByValue: true })) as {
    result: { value: string };
  };
  const { secureContextType, crossOriginIsolatedContextType, gatedAPIFeatures } = node.frame;
  return { ...(JSON.parse(result.value) as Omit<FrameTruth, 'cdp'>), cdp: { secureContextType, crossOriginIsolatedContextType, gatedAPIFeatures } };
}
