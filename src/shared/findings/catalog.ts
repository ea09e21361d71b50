// Every kind of finding the analysis reports: static metadata in one place (model: Lighthouse's audit
// metadata). Rules in this folder produce per-frame results that point back here by id.
export type Severity = 'error' | 'warning' | 'info';

export interface FindingKind {
  title: string;
  /** Why it matters, in one or two sentences. */
  description: string;
  severity: Severity;
  spec: readonly string[];
  /** The general fix; each result states the concrete change for its frame. */
  fix: string;
}

const SC = 'https://w3c.github.io/webappsec-secure-contexts/';
const HTML_SANDBOX = 'https://html.spec.whatwg.org/#attr-iframe-sandbox';

export const FINDINGS = {
  'insecure-scheme': {
    title: 'Not a secure context: the document is not served from a trustworthy origin',
    description: 'Features restricted to secure contexts (service workers, crypto.subtle, clipboard, WebAuthn, …) are missing from this document.',
    severity: 'warning',
    spec: [`${SC}#is-origin-trustworthy`, `${SC}#is-settings-object-contextually-secure`],
    fix: 'Serve the document over HTTPS (or from localhost while developing).',
  },
  'insecure-ancestor': {
    title: 'Not a secure context: an ancestor frame is not trustworthy',
    description: 'A document is a secure context only if every document above it is too; an HTTPS frame inside an HTTP page loses every secure-context feature.',
    severity: 'warning',
    spec: [`${SC}#is-settings-object-contextually-secure`, `${SC}#examples-framed`],
    fix: 'Serve the ancestor named in the evidence over HTTPS.',
  },
  'escapable-sandbox': {
    title: 'The sandbox can be removed by the framed document',
    description: 'With allow-scripts and allow-same-origin, a same-origin framed document can reach its own <iframe> element, remove the sandbox attribute and reload itself unsandboxed: the sandbox protects nothing.',
    severity: 'error',
    spec: [HTML_SANDBOX],
    fix: 'Drop allow-same-origin (or allow-scripts), or serve the framed content from another origin.',
  },
  'conflicting-top-navigation': {
    title: 'allow-top-navigation and allow-top-navigation-by-user-activation together',
    description: 'HTML forbids both keywords together: allow-top-navigation wins, so top-level navigation is allowed even without a user click.',
    severity: 'warning',
    spec: [HTML_SANDBOX],
    fix: 'Keep only allow-top-navigation-by-user-activation (or only allow-top-navigation if navigation without a click is intended).',
  },
  'unknown-sandbox-token': {
    title: 'Unknown sandbox keyword',
    description: 'Browsers ignore sandbox tokens they do not know, so a misspelt keyword lifts nothing.',
    severity: 'warning',
    spec: ['https://html.spec.whatwg.org/#parse-a-sandboxing-directive'],
    fix: 'Correct or remove the token.',
  },
  'engine-specific-sandbox-token': {
    title: 'Engine-specific sandbox keyword',
    description: 'This keyword is not in HTML; only some browsers know it, and the others ignore it.',
    severity: 'info',
    spec: ['https://html.spec.whatwg.org/#parse-a-sandboxing-directive'],
    fix: 'Keep it only if the engines that know it are the ones you target.',
  },
  'sandbox-changed-after-load': {
    title: 'The sandbox attribute changed after the frame loaded',
    description: 'A frame keeps the sandboxing flags it navigated with; a changed sandbox attribute applies only from the frame\'s next navigation.',
    severity: 'warning',
    spec: ['https://html.spec.whatwg.org/#attr-iframe-sandbox', 'https://html.spec.whatwg.org/#determining-the-creation-sandboxing-flags'],
    fix: 'Set the sandbox attribute before setting src (or navigate the frame again after changing it).',
  },
  'popups-inherit-sandbox': {
    title: 'Popups from this frame inherit its sandbox',
    description: 'allow-popups without allow-popups-to-escape-sandbox opens every popup with this frame\'s sandbox: a sign-in, payment or help page opened from here runs without scripts, with an opaque origin, and so on.',
    severity: 'warning',
    spec: ['https://html.spec.whatwg.org/#sandbox-propagates-to-auxiliary-browsing-contexts-flag'],
    fix: 'Add allow-popups-to-escape-sandbox if the pages it opens are trusted to run unsandboxed.',
  },
  'csp-sandbox-report-only': {
    title: 'CSP sandbox in a report-only policy does nothing',
    description: 'Content-Security-Policy-Report-Only cannot sandbox a document: the sandbox directive is not enforced and nothing is reported for it.',
    severity: 'info',
    spec: ['https://html.spec.whatwg.org/#csp-derived-sandboxing-flags', 'https://w3c.github.io/webappsec-csp/#directive-sandbox'],
    fix: 'Move the sandbox directive to an enforced Content-Security-Policy header to apply it.',
  },
  'multiple-csp-sandbox': {
    title: 'Several CSP sandbox directives',
    description: 'The response carries several enforced sandbox directives. Browsers enforce every policy, so the flags of all of them apply (HTML\'s text reads only the last one).',
    severity: 'info',
    spec: ['https://html.spec.whatwg.org/#csp-derived-sandboxing-flags', 'https://w3c.github.io/webappsec-csp/#enforced'],
    fix: 'Merge them into one sandbox directive listing the keywords you mean.',
  },
  'sandbox-on-frame-element': {
    title: 'sandbox on a <frame> element has no effect',
    description: 'Only <iframe> has a sandbox attribute; on <frame> it is ignored.',
    severity: 'warning',
    spec: ['https://html.spec.whatwg.org/#frame'],
    fix: 'Use an <iframe>, or deliver the sandbox with a Content-Security-Policy: sandbox header on the framed document.',
  },
  'policy-header-invalid': {
    title: 'A policy header is not read as written',
    description: 'Browsers parse COOP, COEP, Origin-Agent-Cluster and Permissions-Policy as structured fields and fall back to the default when a value is malformed or unknown: the header silently does nothing.',
    severity: 'warning',
    spec: ['https://www.rfc-editor.org/rfc/rfc9651', 'https://html.spec.whatwg.org/#obtain-an-embedder-policy', 'https://html.spec.whatwg.org/#obtain-coop'],
    fix: 'Write the value as a structured token with no trailing ";", in lower case, e.g. Cross-Origin-Embedder-Policy: require-corp',
  },
  'policy-ignored-insecure-context': {
    title: 'COOP and COEP are ignored: not a secure context',
    description: 'Browsers apply Cross-Origin-Opener-Policy and Cross-Origin-Embedder-Policy only to documents in secure contexts.',
    severity: 'warning',
    spec: ['https://html.spec.whatwg.org/#obtain-coop', 'https://html.spec.whatwg.org/#obtain-an-embedder-policy'],
    fix: 'Serve the page (and every frame above it) over HTTPS.',
  },
  'coop-in-frame': {
    title: 'Cross-Origin-Opener-Policy on a frame does nothing',
    description: 'COOP applies to top-level documents (tabs and popups); in an iframe it is ignored.',
    severity: 'info',
    spec: ['https://html.spec.whatwg.org/#cross-origin-opener-policies'],
    fix: 'Set COOP on the top-level page instead.',
  },
  'isolation-incomplete': {
    title: 'The page asks for cross-origin isolation but is not isolated',
    description: 'crossOriginIsolated needs both Cross-Origin-Opener-Policy: same-origin and a Cross-Origin-Embedder-Policy of require-corp or credentialless on the top-level document, in a secure context.',
    severity: 'warning',
    spec: ['https://html.spec.whatwg.org/#concept-settings-object-cross-origin-isolated-capability', 'https://web.dev/articles/coop-coep'],
    fix: 'Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp on the top-level document.',
  },
  'isolation-permission-missing': {
    title: 'The page is isolated, but this frame is not',
    description: 'Inside an isolated page, a frame is crossOriginIsolated only if the cross-origin-isolated permission reaches it; its default allowlist is self, so a cross-origin frame needs it delegated.',
    severity: 'warning',
    spec: ['https://html.spec.whatwg.org/#concept-settings-object-cross-origin-isolated-capability', 'https://w3c.github.io/webappsec-permissions-policy/#algo-define-inherited-policy-in-container'],
    fix: 'Add allow="cross-origin-isolated" to the <iframe> (at every level).',
  },
  'isolation-permission-chromium-only': {
    title: 'Isolated in Firefox only: Chromium would not isolate this frame',
    description: 'Firefox does not enforce the cross-origin-isolated permission, so every document of an isolated page is crossOriginIsolated there; Chromium requires the permission, whose default allowlist is self, so this frame would not be isolated in Chromium.',
    severity: 'info',
    spec: ['https://html.spec.whatwg.org/#concept-settings-object-cross-origin-isolated-capability', 'https://w3c.github.io/webappsec-permissions-policy/#algo-define-inherited-policy-in-container'],
    fix: 'Add allow="cross-origin-isolated" to the <iframe> (at every level) so that Chromium isolates it too.',
  },
  'coep-blocked-frame': {
    title: 'Frame blocked: its document has no Cross-Origin-Embedder-Policy',
    description: 'Under an embedder policy, every framed document must opt in with its own COEP (require-corp or credentialless); the browser shows an error page instead.',
    severity: 'error',
    spec: ["https://html.spec.whatwg.org/#check-a-navigation-response's-adherence-to-its-embedder-policy"],
    fix: 'Send Cross-Origin-Embedder-Policy: require-corp (or credentialless) with the framed document, or load it in an <iframe credentialless>.',
  },
  'corp-blocked-frame': {
    title: 'Frame blocked by Cross-Origin-Resource-Policy',
    description: 'Under an embedder policy, a framed document from another origin must allow it with Cross-Origin-Resource-Policy (without it, same-origin is assumed).',
    severity: 'error',
    spec: ['https://fetch.spec.whatwg.org/#cross-origin-resource-policy-internal-check'],
    fix: 'Send Cross-Origin-Resource-Policy: cross-origin (or same-site) with the framed document, or load it in an <iframe credentialless>.',
  },
  'xfo-blocked-frame': {
    title: 'Frame blocked by X-Frame-Options',
    description: 'The framed document refuses to be framed here with X-Frame-Options.',
    severity: 'error',
    spec: ["https://html.spec.whatwg.org/#check-a-navigation-response's-adherence-to-x-frame-options"],
    fix: "Remove X-Frame-Options from the framed document, or replace it with Content-Security-Policy: frame-ancestors listing this page's origin.",
  },
  'frame-ancestors-blocked-frame': {
    title: 'Frame blocked by CSP frame-ancestors',
    description: "The framed document's Content-Security-Policy frame-ancestors does not list every ancestor of the frame.",
    severity: 'error',
    spec: ['https://w3c.github.io/webappsec-csp/#directive-frame-ancestors'],
    fix: "Add the embedding page's origin to the framed document's frame-ancestors directive.",
  },
  'coep-report-only-would-block': {
    title: 'The report-only COEP would block this frame',
    description: 'With Cross-Origin-Embedder-Policy-Report-Only the frame still loads, but enforcing that policy would block it.',
    severity: 'info',
    spec: ["https://html.spec.whatwg.org/#check-a-navigation-response's-adherence-to-its-embedder-policy"],
    fix: 'Before enforcing COEP, give this framed document its own COEP and CORP, or make its <iframe> credentialless.',
  },
  'coep-blocked-subresource': {
    title: 'Subresources blocked by this document\'s COEP',
    description: 'Under Cross-Origin-Embedder-Policy: require-corp, a no-cors response from another origin loads only with a Cross-Origin-Resource-Policy that allows this origin; the browser blocks the rest (images, scripts, styles go missing).',
    severity: 'error',
    spec: ['https://fetch.spec.whatwg.org/#cross-origin-resource-policy-check', 'https://html.spec.whatwg.org/#coep'],
    fix: 'Have each resource\'s server send Cross-Origin-Resource-Policy: cross-origin (or same-site), load it in CORS mode, or switch to Cross-Origin-Embedder-Policy: credentialless.',
  },
  'corp-blocked-subresource': {
    title: 'Subresources refused by their own Cross-Origin-Resource-Policy',
    description: 'The resource\'s server sends Cross-Origin-Resource-Policy: same-origin or same-site, which refuses this document\'s origin: it fails under every embedder policy, with or without COEP.',
    severity: 'warning',
    spec: ['https://fetch.spec.whatwg.org/#cross-origin-resource-policy-internal-check'],
    fix: 'Load it from an origin the policy allows, or have its owner send Cross-Origin-Resource-Policy: cross-origin.',
  },
  'coep-report-only-would-block-subresource': {
    title: 'The report-only COEP would block subresources',
    description: 'With Cross-Origin-Embedder-Policy-Report-Only these load, and the browser reports them; enforcing the policy would block them.',
    severity: 'warning',
    spec: ['https://fetch.spec.whatwg.org/#cross-origin-resource-policy-check', 'https://html.spec.whatwg.org/#coep-report-only'],
    fix: 'Before enforcing COEP, give each listed resource a Cross-Origin-Resource-Policy header (or CORS), or enforce credentialless instead.',
  },
  'coep-readiness': {
    title: 'Enabling COEP require-corp here would block subresources',
    description: 'This document has no embedder policy yet. Cross-origin isolation needs one in every frame: these are the resources require-corp would block, and credentialless would load them without cookies.',
    severity: 'info',
    spec: ['https://fetch.spec.whatwg.org/#cross-origin-resource-policy-check', 'https://web.dev/articles/coop-coep'],
    fix: 'Give each listed resource Cross-Origin-Resource-Policy: cross-origin (or CORS) before sending Cross-Origin-Embedder-Policy: require-corp, or use credentialless if they work without cookies.',
  },
  'popup-opener-cut': {
    title: 'This popup lost its opener (COOP)',
    description: "The popup's and its opener's Cross-Origin-Opener-Policy put them in different browsing context groups: window.opener is null in the popup and the opener's handle is closed.",
    severity: 'warning',
    spec: ['https://html.spec.whatwg.org/#check-if-coop-values-require-a-browsing-context-group-switch'],
    fix: 'For a popup that must talk to its opener (OAuth, payments): give the opener Cross-Origin-Opener-Policy: same-origin-allow-popups and the popup no COOP (unsafe-none).',
  },
  'analysis-differs-from-browser': {
    title: 'The browser reports something else than the analysis predicts',
    description: 'What the frame itself reports differs from the prediction: a browser flag or enterprise policy, an engine difference, a change since the page loaded — or a bug in this tool, to report.',
    severity: 'warning',
    spec: ['https://chromeenterprise.google/policies/', 'https://peter.sh/experiments/chromium-command-line-switches/'],
    fix: 'Check browser flags and policies (chrome://flags, chrome://policy); if none applies, report it with the exported snapshot.',
  },
} as const satisfies Record<string, FindingKind>;

export type FindingId = keyof typeof FINDINGS;

/** One piece of evidence: the header, attribute, URL or ancestor that decided. Values are page text. */
export interface Evidence {
  label: string;
  value: string;
}

export interface Finding {
  id: FindingId;
  severity: Severity;
  frameId: number;
  /** Why this frame, in a sentence or two. */
  explanation: string;
  evidence: Evidence[];
  /** The spec step (or browser behaviour) that decided, in words. */
  step: string;
  /** The concrete change for this frame. */
  fix: string;
  spec: readonly string[];
  /** The verdict differs between engines; the explanation says how. */
  engineSpecific?: boolean;
}

export function finding(id: FindingId, fields: Omit<Finding, 'id' | 'severity' | 'spec' | 'fix'> & { fix?: string; severity?: Severity }): Finding {
  const kind: FindingKind = FINDINGS[id];
  // (Field by field rather than with rest and spread: a page makes thousands of findings.)
  const f: Finding = {
    id, severity: fields.severity ?? kind.severity, spec: kind.spec, fix: fields.fix ?? kind.fix,
    frameId: fields.frameId, explanation: fields.explanation, evidence: fields.evidence, step: fields.step,
  };
  if (fields.engineSpecific !== undefined) f.engineSpecific = fields.engineSpecific;
  return f;
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
/** Worst first, then by id, so every view lists findings in the same order. */
export const byWorstFirst = (a: Finding, b: Finding) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.id.localeCompare(b.id);

/**
 * `list` in byWorstFirst's order, as a stable sort with it would give, in linear time: the findings are
 * bucketed by severity and id, the ids ranked by byWorstFirst's own comparison (a page has thousands of
 * findings and a few dozen ids).
 */
export function sortWorstFirst(list: readonly Finding[]): Finding[] {
  const ids = [...new Set(list.map((f) => f.id))].sort((a, b) => a.localeCompare(b));
  const rank = new Map<string, number>();
  ids.forEach((id, i) => rank.set(id, i > 0 && ids[i - 1]!.localeCompare(id) === 0 ? rank.get(ids[i - 1]!)! : i));
  const buckets: Finding[][] = Array.from({ length: 3 * Math.max(ids.length, 1) }, () => []);
  for (const f of list) {
    const bucket = buckets[SEVERITY_ORDER[f.severity] * ids.length + rank.get(f.id)!];
    if (!bucket) return [...list].sort(byWorstFirst); // a severity outside the three (not a Finding)
    bucket.push(f);
  }
  return buckets.flat();
}
