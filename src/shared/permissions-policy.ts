// Permissions Policy, for the features this product explains (cross-origin-isolated, document-domain):
// the Permissions-Policy header (a structured dictionary), the <iframe allow> attribute, and "is
// feature enabled in document for origin" with the inherited policy of nested frames.
import { Token, type BareItem, type InnerList, type Item } from 'structured-headers';
import type { PolicyProblem } from './coep.ts';
import { bareItemKind, getStructuredDictionary } from './headers.ts';
import { isSameOrigin, originOfURL, serializeOrigin, type Origin } from './origin.ts';
import type { HeaderLine } from './snapshot.ts';

/** An allowlist: every origin, or 'self' (the document's origin) and/or listed origins. */
export interface Allowlist {
  all: boolean;
  self: boolean;
  /** 'src' (only in the allow attribute): the origin of the frame's src. */
  src: boolean;
  origins: string[];
}
const NONE: Allowlist = { all: false, self: false, src: false, origins: [] };

/** Default allowlists of the features we explain. */
export const DEFAULT_ALLOWLIST: Record<string, '*' | 'self'> = {
  'cross-origin-isolated': 'self',
  'document-domain': '*',
};

export const PERMISSIONS_POLICY = 'Permissions-Policy';

function allowlistOfMember(member: Item | InnerList): Allowlist | null {
  const items: BareItem[] = Array.isArray(member[0]) ? (member as InnerList)[0].map((i) => i[0]) : [(member as Item)[0]];
  const out: Allowlist = { ...NONE, origins: [] };
  for (const v of items) {
    if (v instanceof Token) {
      const t = v.toString();
      if (t === '*') out.all = true;
      else if (t === 'self') out.self = true;
      else return null;
    } else if (typeof v === 'string') {
      const o = originOfURL(v);
      if (o.type === 'tuple') out.origins.push(serializeOrigin(o));
    } else {
      return null;
    }
  }
  return out;
}

// https://w3c.github.io/webappsec-permissions-policy/#algo-parse-policy
/** The declared policy from the Permissions-Policy header: feature → allowlist. */
export function parsePermissionsPolicyHeader(headers: readonly HeaderLine[], problems?: PolicyProblem[]): Map<string, Allowlist> {
  const out = new Map<string, Allowlist>();
  const parsed = getStructuredDictionary(headers, PERMISSIONS_POLICY);
  if (parsed.state === 'absent') return out;
  if (parsed.state === 'invalid') {
    problems?.push({ header: PERMISSIONS_POLICY, raw: parsed.raw, reason: `not a valid structured dictionary (${parsed.error}); the whole header is ignored` });
    return out;
  }
  for (const [feature, member] of parsed.value) {
    const allowlist = allowlistOfMember(member);
    if (!allowlist) {
      const kinds = (Array.isArray(member[0]) ? (member as InnerList)[0].map((i) => bareItemKind(i[0])) : [bareItemKind((member as Item)[0])]).join(', ');
      problems?.push({ header: PERMISSIONS_POLICY, raw: parsed.raw, reason: `${feature}: an allowlist holds *, self or quoted origins, not ${kinds}; this feature's entry is ignored` });
      continue;
    }
    out.set(feature, allowlist);
  }
  return out;
}

const ASCII_WS = /[\t\n\f\r ]+/;

// https://w3c.github.io/webappsec-permissions-policy/#algo-parse-policy-directive
/** The container policy from an <iframe allow> attribute: feature → allowlist ('src' when none is given). */
export function parseAllowAttribute(value: string | null): Map<string, Allowlist> {
  const out = new Map<string, Allowlist>();
  if (value === null) return out;
  for (const serialized of value.split(';')) {
    const tokens = serialized.split(ASCII_WS).filter((t) => t !== '');
    const [feature, ...rest] = tokens;
    if (!feature || out.has(feature)) continue;
    const allowlist: Allowlist = { ...NONE, origins: [] };
    if (rest.length === 0) allowlist.src = true;
    for (const t of rest) {
      const lower = t.toLowerCase();
      if (t === '*') allowlist.all = true;
      else if (lower === "'self'") allowlist.self = true;
      else if (lower === "'src'") allowlist.src = true;
      else if (lower === "'none'") continue;
      else {
        const o = originOfURL(t);
        if (o.type === 'tuple') allowlist.origins.push(serializeOrigin(o));
      }
    }
    out.set(feature.toLowerCase(), allowlist);
  }
  return out;
}

// https://w3c.github.io/webappsec-permissions-policy/#matches
function matches(allowlist: Allowlist, origin: Origin, selfOrigin: Origin, srcOrigin: Origin | null): boolean {
  if (allowlist.all) return true;
  if (allowlist.self && isSameOrigin(origin, selfOrigin)) return true;
  if (allowlist.src && srcOrigin && isSameOrigin(origin, srcOrigin)) return true;
  return origin.type === 'tuple' && allowlist.origins.includes(serializeOrigin(origin));
}

/** One document's policy, as "is feature enabled" needs it. */
export interface DocumentPolicy {
  origin: Origin;
  declared: ReadonlyMap<string, Allowlist>;
  /** Whether each feature's inherited policy is Enabled. */
  inherited: (feature: string) => boolean;
}

/** Why a feature is or is not enabled: the first step that decided. */
export type FeatureStep =
  // The inheritance trace (inheritedPolicyInContainer) says why the inherited policy is Disabled.
  | { step: 'inherited-disabled' }
  | { step: 'declared'; allowed: boolean }
  | { step: 'default-all' }
  | { step: 'default-self'; allowed: boolean };

export type InheritStep =
  | { step: 'top-level' }
  | { step: 'parent-disabled-for-itself' }
  | { step: 'parent-disallows-origin' }
  | { step: 'container-policy'; allowed: boolean }
  | { step: 'default-all' }
  | { step: 'default-self'; allowed: boolean };

/** Every step, one frozen object each (a page traces thousands of documents; a step is read, never changed). */
const STEPS = {
  inheritedDisabled: Object.freeze({ step: 'inherited-disabled' }),
  declaredAllowed: Object.freeze({ step: 'declared', allowed: true }),
  declaredDenied: Object.freeze({ step: 'declared', allowed: false }),
  defaultAll: Object.freeze({ step: 'default-all' }),
  defaultSelfAllowed: Object.freeze({ step: 'default-self', allowed: true }),
  defaultSelfDenied: Object.freeze({ step: 'default-self', allowed: false }),
  topLevel: Object.freeze({ step: 'top-level' }),
  parentDisabled: Object.freeze({ step: 'parent-disabled-for-itself' }),
  parentDisallows: Object.freeze({ step: 'parent-disallows-origin' }),
  containerAllowed: Object.freeze({ step: 'container-policy', allowed: true }),
  containerDenied: Object.freeze({ step: 'container-policy', allowed: false }),
} as const;

// https://w3c.github.io/webappsec-permissions-policy/#is-feature-enabled
export function isFeatureEnabledInDocumentForOrigin(feature: string, doc: DocumentPolicy, origin: Origin, trace?: FeatureStep[]): boolean {
  // 2. If policy's inherited policy for feature is Disabled, return "Disabled".
  if (!doc.inherited(feature)) {
    trace?.push(STEPS.inheritedDisabled);
    return false;
  }
  // 3. If feature is present in policy's declared policy: return whether its allowlist matches origin.
  const declared = doc.declared.get(feature);
  if (declared) {
    const allowed = matches(declared, origin, doc.origin, null);
    trace?.push(allowed ? STEPS.declaredAllowed : STEPS.declaredDenied);
    return allowed;
  }
  // 4. If feature's default allowlist is *, return "Enabled".
  if (DEFAULT_ALLOWLIST[feature] === '*') {
    trace?.push(STEPS.defaultAll);
    return true;
  }
  // 5. If feature's default allowlist is 'self', and origin is same origin with document's origin, return "Enabled".
  const allowed = isSameOrigin(origin, doc.origin);
  trace?.push(allowed ? STEPS.defaultSelfAllowed : STEPS.defaultSelfDenied);
  return allowed;
}

// https://w3c.github.io/webappsec-permissions-policy/#algo-define-inherited-policy-in-container
export function inheritedPolicyInContainer(
  feature: string,
  parent: DocumentPolicy | null,
  container: { allow: Map<string, Allowlist>; srcOrigin: Origin | null } | null,
  origin: Origin,
  trace?: InheritStep[],
): boolean {
  // 1. If container is null, return "Enabled".
  if (!parent || !container) {
    trace?.push(STEPS.topLevel);
    return true;
  }
  // 2. If the result of executing "is feature enabled in document for origin" on feature, container's
  //    node document, and container's node document's origin is "Disabled", return "Disabled".
  if (!isFeatureEnabledInDocumentForOrigin(feature, parent, parent.origin)) {
    trace?.push(STEPS.parentDisabled);
    return false;
  }
  // 3. If feature is in the container's node document's declared policy (its Permissions-Policy
  //    header) and that allowlist does not match origin, return "Disabled". (Only a declared entry
  //    restricts delegation: the default allowlist does not — else allow="…" could never reach a
  //    cross-origin frame, which browsers and the spec's own examples contradict.)
  const parentDeclared = parent.declared.get(feature);
  if (parentDeclared && !matches(parentDeclared, origin, parent.origin, null)) {
    trace?.push(STEPS.parentDisallows);
    return false;
  }
  // 4–5. If feature is in the container policy, return whether its allowlist matches origin.
  const declared = container.allow.get(feature);
  if (declared) {
    const allowed = matches(declared, origin, parent.origin, container.srcOrigin);
    trace?.push(allowed ? STEPS.containerAllowed : STEPS.containerDenied);
    return allowed;
  }
  // 6. If feature's default allowlist is *, return "Enabled".
  if (DEFAULT_ALLOWLIST[feature] === '*') {
    trace?.push(STEPS.defaultAll);
    return true;
  }
  // 7. If feature's default allowlist is 'self', and origin is same origin with container's node
  //    document's origin, return "Enabled". 8. Otherwise return "Disabled".
  const allowed = isSameOrigin(origin, parent.origin);
  trace?.push(allowed ? STEPS.defaultSelfAllowed : STEPS.defaultSelfDenied);
  return allowed;
}
