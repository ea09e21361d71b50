// coep-blocked-subresource, corp-blocked-subresource, coep-report-only-would-block-subresource,
// coep-readiness: what an embedder policy does (or would do) to a document's subresource requests.
// One finding per frame and kind, listing the requests (the panel shows every one).
import { serializeOrigin } from '../origin.ts';
import type { SubresourceVerdict } from '../subresources.ts';
import { finding, type Evidence, type Finding, type FindingId } from './catalog.ts';
import type { Rule } from './rules.ts';

/** Requests named in a finding's evidence; the rest are counted. */
export const MAX_LISTED = 20;

function listed(list: readonly SubresourceVerdict[], describe: (v: SubresourceVerdict) => string): Evidence[] {
  const out: Evidence[] = list.slice(0, MAX_LISTED).map((v) => ({ label: `${v.record.type} ${v.record.method}`, value: `${v.record.url} — ${describe(v)}` }));
  if (list.length > MAX_LISTED) out.push({ label: 'and', value: `${list.length - MAX_LISTED} more (the panel lists every request)` });
  return out;
}

const corpText = (v: SubresourceVerdict) => {
  // A refusal under every policy is described by the response that refuses on its own.
  const o = v.unsafeNone.result === 'blocked' ? v.unsafeNone : v.requireCorp.result === 'blocked' ? v.requireCorp : v.now.result === 'blocked' ? v.now : null;
  if (!o) return '';
  const hop = o.hop < v.record.responses.length - 1 ? ` (redirect ${o.hop + 1}: ${o.url})` : '';
  return o.corpHeader === null ? `no Cross-Origin-Resource-Policy${hop}` : `Cross-Origin-Resource-Policy: ${o.corpHeader}${hop}`;
};

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export const subresources: Rule = (frame) => {
  const list = frame.subresources;
  if (list.length === 0) return [];
  const out: Finding[] = [];
  const origin = serializeOrigin(frame.origin);
  const policy = frame.policies.embedder;
  const make = (id: FindingId, items: SubresourceVerdict[], explanation: string, step: string, fix?: string) => {
    if (items.length === 0) return;
    out.push(finding(id, {
      frameId: frame.frameId,
      explanation,
      evidence: [{ label: 'requesting origin', value: origin }, ...listed(items, corpText)],
      step,
      fix: fix || undefined,
    }));
  };
  const single = (items: SubresourceVerdict[]) => (items.length === 1 && items[0]!.fix ? items[0]!.fix : undefined);

  const refused = list.filter((v) => v.blockedWithoutCoep);
  make('corp-blocked-subresource', refused,
    `${plural(refused.length, 'request')} from ${origin} ${refused.length === 1 ? 'is' : 'are'} refused by the resource's own Cross-Origin-Resource-Policy, whatever this document's embedder policy.`,
    'Fetch "cross-origin resource policy internal check": an explicit same-origin or same-site policy is checked for every no-cors response.',
    single(refused));

  const blockedNow = list.filter((v) => !v.blockedWithoutCoep && v.now.result === 'blocked');
  make('coep-blocked-subresource', blockedNow,
    `This document enforces Cross-Origin-Embedder-Policy: ${policy.value}; ${plural(blockedNow.length, 'no-cors request')} to another origin ${blockedNow.length === 1 ? 'has' : 'have'} no Cross-Origin-Resource-Policy that allows ${origin}, so the browser blocks ${blockedNow.length === 1 ? 'it' : 'them'}${policy.value === 'credentialless' ? ' (credentialless still checks responses to requests sent with credentials)' : ''}.`,
    'Fetch "cross-origin resource policy internal check": with require-corp a missing policy counts as same-origin.',
    single(blockedNow));

  if (policy.reportOnlyValue !== 'unsafe-none') {
    // Would-be violations: blocked under the report-only value, loaded under the enforced one.
    const would = list.filter((v) => !v.blockedWithoutCoep && v.reportOnly?.result === 'blocked' && v.now.result !== 'blocked');
    make('coep-report-only-would-block-subresource', would,
      `This document sends Cross-Origin-Embedder-Policy-Report-Only: ${policy.reportOnlyValue}${policy.value === 'unsafe-none' ? '' : ` (enforcing ${policy.value})`}; enforced, it would block ${plural(would.length, 'request')} (the browser reports ${would.length === 1 ? 'it' : 'them'} as violations and loads ${would.length === 1 ? 'it' : 'them'}).`,
      'Fetch "cross-origin resource policy check", report-only branch: a violation is queued, the response is allowed.',
      single(would));
  }

  if (policy.value === 'unsafe-none' && policy.reportOnlyValue === 'unsafe-none' && frame.secureContext.secure) {
    const would = list.filter((v) => !v.blockedWithoutCoep && v.requireCorp.result === 'blocked');
    const without = list.filter((v) => v.credentialless.result === 'loads' && v.credentialless.why === 'without-credentials' && v.requireCorp.result === 'blocked');
    const cookies = without.filter((v) => v.credentialless.result === 'loads' && v.credentialless.sentCookiesToday === true).length;
    make('coep-readiness', would,
      `This document has no embedder policy. Under require-corp, ${plural(would.length, 'request')} would be blocked; under credentialless, ${without.length === would.length ? 'all of them' : plural(without.length, 'request')} would load without credentials${cookies > 0 ? ` (${plural(cookies, 'request')} carried cookies today: check ${cookies === 1 ? 'it works' : 'they work'} without)` : ''}.`,
      'Fetch "cross-origin resource policy internal check" under require-corp and under credentialless, for each recorded response.',
      single(would));
  }
  return out;
};
