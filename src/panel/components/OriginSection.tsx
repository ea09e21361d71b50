// The Origin section: the frame's URL and origin, why an opaque origin is opaque and what it would
// have been (the precursor), its relation to the top-level document and to its parent with the part
// that decided, and its registrable domain by the Public Suffix List. Page-controlled values are text.
import type { FrameEvaluation } from '../../shared/evaluate.ts';
import { serializeOrigin, type Origin, type OriginStep } from '../../shared/origin.ts';
import { PSL_METADATA, publicSuffix, registrableDomain, type OriginRelation } from '../../shared/site.ts';
import { strings } from '../strings.ts';
import { Section, type SectionState } from './Section.tsx';
import { opaqueReasonText } from './summary.ts';

const t = strings.origin;

function stepText(s: OriginStep): string {
  const o = strings.originStep;
  switch (s.step) {
    case 'sandboxed': return o.sandboxed(serializeOrigin(s.precursor));
    case 'srcdoc-inherits': return o['srcdoc-inherits'](serializeOrigin(s.from));
    case 'about-blank-inherits': return o['about-blank-inherits'](serializeOrigin(s.from));
    case 'javascript-inherits': return o['javascript-inherits'](serializeOrigin(s.from));
    case 'origin-of-url': return o['origin-of-url'];
  }
}

const showPort = (p: number | null) => (p === null ? strings.relation.defaultPort : String(p));
const showValue = (v: unknown) => (v === null ? strings.relation.defaultPort : String(v));

/** "same site — shared registrable domain a.test; host sub.a.test ≠ a.test" and the like. */
export function relationText(r: OriginRelation, a: Origin): string {
  const rel = strings.relation;
  const name = rel[r.relation];
  if (r.relation === 'same-origin') return name;
  if (r.relation === 'same-site') {
    const host = a.type === 'tuple' ? a.host : '';
    const domain = registrableDomain(host);
    const via = domain === null ? rel.sameSiteHost(host) : rel.sameSiteVia(domain);
    const d = r.reason;
    const diff = d.part === 'port' ? rel.differs('port', showPort(d.a), showPort(d.b))
      : d.part === 'opaque' ? rel.opaque
      : rel.differs(d.part, showValue(d.a), showValue(d.b));
    return `${name} — ${via}; ${diff}`;
  }
  const d = r.reason;
  switch (d.part) {
    case 'opaque': return `${name} — ${rel.opaque}`;
    case 'scheme': return `${name} — ${rel.differs('scheme', d.a, d.b)}`;
    case 'host': return `${name} — ${rel.differs('host', d.a, d.b)}`;
    case 'registrable-domain':
      return `${name} — ${rel.registrable(d.a ?? rel.noRegistrable(d.hostA), d.b ?? rel.noRegistrable(d.hostB))}`;
  }
}

function registrableText(o: Origin): { domain: string; suffix: string | null } {
  if (o.type === 'opaque') return { domain: t.noRegistrableOpaque, suffix: null };
  if (o.hostKind === 'ipv4' || o.hostKind === 'ipv6') return { domain: t.noRegistrableIp(o.host), suffix: null };
  if (o.hostKind !== 'domain') return { domain: t.noRegistrableHost(o.host), suffix: null };
  const domain = registrableDomain(o.host);
  return { domain: domain ?? t.noRegistrableSuffix(o.host), suffix: publicSuffix(o.host) };
}

/** A key–value row; `prose` for sentences (proportional font, wrapped at words), else code-like text. */
function Row({ name, value, testid, attrs, prose }: { name: string; value: string; testid?: string; attrs?: Record<string, string>; prose?: boolean }) {
  return (
    <tr {...attrs}>
      <th scope="row">{name}</th>
      <td data-testid={testid} class={prose ? 'prose' : undefined}>{value}</td>
    </tr>
  );
}

export function OriginSection({ e, sections }: { e: FrameEvaluation; sections: SectionState }) {
  const opaque = e.origin.type === 'opaque';
  const reg = registrableText(e.origin);
  const precursor = e.precursor.type === 'tuple' ? `${serializeOrigin(e.precursor)} (${t.precursorNote})` : t.precursorNone(opaqueReasonText(e.precursor));
  const { toTop, toParent } = e.relation;
  return (
    <Section id="origin" title={strings.sections.origin} state={sections} testid="origin-section">
      <table class="kv">
        <tbody>
          <Row name={t.url} value={e.node.frame.url} testid="origin-url" />
          <Row name={t.origin} value={opaque ? `${e.serializedOrigin} ${t.opaque}` : e.serializedOrigin} testid="origin-serialized" />
          {opaque && <Row name={t.whyOpaque} value={opaqueReasonText(e.origin)} testid="origin-opaque-reason" prose />}
          <tr>
            <th scope="row">{t.decided}</th>
            <td class="prose" data-testid="origin-steps">
              {e.originSteps.map((s, i) => <div key={i}>{stepText(s)}</div>)}
            </td>
          </tr>
          {opaque && <Row name={t.precursor} value={precursor} testid="origin-precursor" prose />}
          <Row name={t.toTop} value={toTop ? relationText(toTop, e.origin) : t.isTop} testid="origin-relation-top" attrs={{ 'data-relation': toTop?.relation ?? 'top' }} prose />
          {toParent && <Row name={t.toParent} value={relationText(toParent, e.origin)} testid="origin-relation-parent" attrs={{ 'data-relation': toParent.relation }} prose />}
          <Row name={t.registrableDomain} value={reg.domain} testid="origin-registrable-domain" />
          {reg.suffix !== null && <Row name={t.publicSuffix} value={reg.suffix} testid="origin-public-suffix" />}
        </tbody>
      </table>
      <p class="note">{t.pslVersion(PSL_METADATA.library, PSL_METADATA.version, PSL_METADATA.published)}</p>
    </Section>
  );
}
