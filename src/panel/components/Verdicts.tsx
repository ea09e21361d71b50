// The analysis of one frame: summary, findings, secure context, sandbox, isolation and subresources.
// Every value that comes from the page (URLs, attribute and header values) is rendered as text; the
// only links are the catalog's spec URLs.
import type { FrameEvaluation, PageEvaluation } from '../../shared/evaluate.ts';
import { ISOLATION_GATED_APIS } from '../../shared/isolation.ts';
import { FINDINGS, type Finding } from '../../shared/findings/catalog.ts';
import { describeElement } from '../../shared/findings/describe.ts';
import { serializeOrigin } from '../../shared/origin.ts';
import type { FeatureStep, InheritStep } from '../../shared/permissions-policy.ts';
import {
  ENGINE_SANDBOX_FLAGS,
  parseASandboxingDirective,
  SANDBOX_FLAG_INFO,
  SANDBOX_FLAGS,
  type EngineSandboxFlag,
  type SandboxFlag,
  type SandboxSource,
} from '../../shared/sandboxing.ts';
import { SECURE_CONTEXT_FEATURES } from '../../shared/secure-context.ts';
import type { PolicyOutcome, SubresourceVerdict } from '../../shared/subresources.ts';
import { strings } from '../strings.ts';
import { FixSnippets } from './Copy.tsx';
import { Section, type SectionState } from './Section.tsx';
import { summaryLines } from './summary.ts';

/** A key–value row; `prose` for sentences (proportional font, wrapped at words), else code-like text. */
function Row({ name, value, testid, cls, prose }: { name: string; value: string; testid?: string; cls?: string; prose?: boolean }) {
  return (
    <tr class={cls}>
      <th scope="row">{name}</th>
      <td data-testid={testid} class={prose ? 'prose' : undefined}>{value}</td>
    </tr>
  );
}

// ── browser vs analysis ─────────────────────────────────────────────────────────────────────────
/** What the browser reported and what the analysis predicts, for each property the finding names. */
export function browserDifferences(e: FrameEvaluation): { property: string; browser: string; analysis: string }[] {
  const finding = e.findings.find((f) => f.id === 'analysis-differs-from-browser');
  const o = e.node.frame.observed;
  if (!finding || !o) return [];
  const pairs: Record<string, [unknown, unknown]> = {
    'self.origin': [o.origin, e.serializedOrigin],
    isSecureContext: [o.isSecureContext, e.secureContext.secure],
    crossOriginIsolated: [o.crossOriginIsolated, e.predicted.crossOriginIsolated],
    originAgentCluster: [o.originAgentCluster, e.originKeyed.keyed],
  };
  return finding.evidence.map((ev) => {
    const pair = pairs[ev.label];
    return pair ? { property: ev.label, browser: String(pair[0]), analysis: String(pair[1]) } : { property: ev.label, browser: ev.value, analysis: '' };
  });
}

/** A banner at the top of the details when the frame itself reports something else than predicted. */
export function BrowserDiffersBanner({ e }: { e: FrameEvaluation }) {
  const rows = browserDifferences(e);
  if (rows.length === 0) return null;
  const d = strings.differs;
  return (
    <div class="differs" role="alert" data-testid="browser-differs">
      <strong>{d.title}</strong>
      <p>{d.explain}</p>
      <table class="flags">
        <thead>
          <tr>
            <th>{d.property}</th>
            <th>{d.browser}</th>
            <th>{d.analysis}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.property} data-property={r.property}>
              <td class="mono">{r.property}</td>
              <td class="mono" data-testid="differs-browser">{r.browser}</td>
              <td class="mono" data-testid="differs-analysis">{r.analysis}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

// ── summary ─────────────────────────────────────────────────────────────────────────────────────
export function SummarySection({ e, openerSurvives, sections }: { e: FrameEvaluation; openerSurvives: PageEvaluation['openerSurvives']; sections: SectionState }) {
  const lines = summaryLines(e, openerSurvives);
  return (
    <Section id="summary" title={strings.sections.summary} state={sections} testid="summary-section">
      <ul class="summary" data-testid="summary">
        {lines.map((l) => (
          <li key={l.area} class={`tone-${l.tone}`} data-area={l.area} data-tone={l.tone}>
            <span class="tone" aria-hidden="true">{strings.summary.tone[l.tone]}</span> {l.text}
          </li>
        ))}
      </ul>
    </Section>
  );
}

// ── findings ────────────────────────────────────────────────────────────────────────────────────
function FindingItem({ f }: { f: Finding }) {
  return (
    <li class={`finding finding-${f.severity}`} data-testid={`finding-${f.id}`}>
      <div class="finding-title">
        <span class={`badge badge-${f.severity}`}>{strings.severity[f.severity]}</span> {FINDINGS[f.id].title}
      </div>
      <p data-testid="finding-explanation">{f.explanation}</p>
      {f.evidence.length > 0 && (
        <table class="kv" data-testid="finding-evidence">
          <tbody>
            {f.evidence.map((ev, j) => <Row key={j} name={ev.label} value={ev.value} />)}
          </tbody>
        </table>
      )}
      <p class="step">{`${strings.findingStep}: ${f.step}`}</p>
      <div class="fix" data-testid="finding-fix">
        <strong>{strings.fix}</strong> {f.fix}
        <FixSnippets fix={f.fix} />
      </div>
      <p class="spec">
        {`${strings.specLinks}: `}
        {f.spec.map((s) => <a key={s} href={s} target="_blank" rel="noreferrer" data-testid="finding-spec">{s}</a>)}
      </p>
    </li>
  );
}

export function FindingsSection({ e, sections }: { e: FrameEvaluation; sections: SectionState }) {
  return (
    <Section id="findings" title={strings.sections.findings} state={sections} extra={e.findings.length > 0 ? String(e.findings.length) : undefined}>
      {e.findings.length === 0 ? (
        <p class="note" data-testid="no-findings">{strings.noFindings}</p>
      ) : (
        <ul class="findings" data-testid="findings">
          {e.findings.map((f, i) => <FindingItem key={`${f.id}-${i}`} f={f} />)}
        </ul>
      )}
    </Section>
  );
}

// ── secure context ──────────────────────────────────────────────────────────────────────────────
export function SecureContextSection({ e, sections }: { e: FrameEvaluation; sections: SectionState }) {
  const v = e.secureContext;
  const t = strings.secure;
  const chain = [{ check: v.self, self: true }, ...v.ancestors.map((a) => ({ check: a, self: false }))];
  return (
    <Section id="secureContext" title={strings.sections.secureContext} state={sections} testid="secure-context-section">
      <table class="kv">
        <tbody>
          <Row name={strings.verdict} value={`${v.secure ? 'secure' : 'not secure'} (${strings.secureCategory[v.category]})`} testid="secure-context-verdict" prose />
          <Row name={t.reason} value={`${v.self.judged} — ${strings.trustworthyStep[v.self.step]}; judged by ${t.judgedAs[v.self.judgedAs]}`} testid="secure-context-reason" prose />
          {v.brokenBy && <Row name={strings.brokenBy} value={`frame ${v.brokenBy.frameId}: ${v.brokenBy.url} (${v.brokenBy.judged})`} testid="secure-context-broken-by" />}
          <tr>
            <th scope="row">{t.chain}</th>
            <td class="prose">
              <ol class="chain" data-testid="secure-context-chain">
                {chain.map(({ check: a, self }) => {
                  const breaks = v.brokenBy !== null && a === v.brokenBy;
                  return (
                    <li key={`${a.frameId}-${self}`} class={`${a.trustworthy ? '' : 'broken'}${breaks ? ' breaks' : ''}`} data-frame-id={a.frameId} data-trustworthy={String(a.trustworthy)} data-breaks={breaks ? 'true' : undefined}>
                      {`${a.trustworthy ? '✓' : '✗'} ${a.judged} — ${self ? t.thisDocument : `frame ${a.frameId}`}: ${a.url}${breaks ? ` ${t.breaks}` : ''}`}
                    </li>
                  );
                })}
              </ol>
            </td>
          </tr>
          {v.engineSpecific && <Row name="" value={t.engineSpecific} cls="note" prose />}
          {!v.secure && (
            <tr>
              <th scope="row">{strings.loses}</th>
              <td class="prose">
                <ul class="loses" data-testid="secure-context-loses">
                  {SECURE_CONTEXT_FEATURES.map((f) => <li key={f.name}>{`${f.name} (${f.api})`}</li>)}
                </ul>
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </Section>
  );
}

// ── sandbox ─────────────────────────────────────────────────────────────────────────────────────
const ENGINE_FLAGS = Object.keys(ENGINE_SANDBOX_FLAGS) as EngineSandboxFlag[];

/** One source of a sandboxing flag, in words: its kind, the frame it came from, the attribute or header. */
export function sourceText(src: SandboxSource, self: number): string {
  const t = strings.sandbox;
  switch (src.kind) {
    case 'attribute': {
      const el = describeElement(src.element, 'sandbox', src.value);
      return src.frameId === self ? t.attributeSource(el) : t.inheritedAttribute(src.frameId, el);
    }
    case 'csp': {
      const value = `sandbox ${src.value}`.trimEnd();
      return src.frameId === self ? t.cspSource(src.line + 1, value) : t.inheritedCsp(src.frameId, value);
    }
    case 'opener':
      return [t.openerSource(src.frameId, src.tabId, src.url), ...src.via.map((v) => sourceText(v, src.frameId))].join('; ');
  }
}

/** Every sandboxing directive (attribute or CSP) behind the frame's flags, each once. */
function directivesOf(e: FrameEvaluation): Extract<SandboxSource, { kind: 'attribute' | 'csp' }>[] {
  const out = new Map<string, Extract<SandboxSource, { kind: 'attribute' | 'csp' }>>();
  const visit = (s: SandboxSource) => {
    if (s.kind === 'opener') s.via.forEach(visit);
    else out.set(JSON.stringify([s.kind, s.frameId, s.value, s.kind === 'csp' ? s.line : s.element.index]), s);
  };
  for (const list of e.sandbox.sources.values()) list.forEach(visit);
  return [...out.values()];
}

/** For a lifted flag: the lifting keywords found in the directives behind the frame's sandbox. */
function liftedWhere(flag: SandboxFlag, e: FrameEvaluation): string {
  const lifting = SANDBOX_FLAG_INFO[flag].liftedBy;
  const found: string[] = [];
  for (const d of directivesOf(e)) {
    const parsed = parseASandboxingDirective(d.value);
    for (const k of [...parsed.keywords, ...parsed.engineSpecific]) {
      if (lifting.includes(k)) found.push(strings.sandbox.liftedIn(k, sourceText(d, e.frameId)));
    }
  }
  return found.length > 0 ? found.join('; ') : strings.sandbox.notSetByAny;
}

export function SandboxSection({ e, sections }: { e: FrameEvaluation; sections: SectionState }) {
  const s = e.sandbox;
  const t = strings.sandbox;
  const mentioned = new Set([...(s.parsedAttribute?.engineSpecific ?? []), ...s.cspDirectives.enforced.flatMap((d) => d.parsed.engineSpecific)]);
  const flags: SandboxFlag[] = [...SANDBOX_FLAGS, ...ENGINE_FLAGS.filter((f) => s.active.has(f) || mentioned.has(ENGINE_SANDBOX_FLAGS[f].keyword))];
  const setCount = flags.filter((f) => s.active.has(f)).length;
  return (
    <Section id="sandbox" title={strings.sections.sandbox} state={sections} testid="sandbox-section">
      <table class="kv">
        <tbody>
          <Row name={t.attribute} value={s.attribute === null ? t.attributeAbsent : `sandbox="${s.attribute}"`} testid="sandbox-attribute" />
          {s.changedAfterLoad && <Row name={strings.sandboxAttributeNow} value={s.attributeNow === null ? strings.absent : `sandbox="${s.attributeNow}"`} />}
          {s.ignoredOnFrameElement !== null && <Row name={t.ignoredOnFrame} value={`sandbox="${s.ignoredOnFrameElement}"`} />}
          {s.cspDirectives.enforced.map((d) => <Row key={`csp-${d.line}-${d.value}`} name={strings.cspSandbox} value={`sandbox ${d.value}`.trimEnd()} testid="sandbox-csp" />)}
          {s.cspDirectives.reportOnly.map((d) => <Row key={`ro-${d.line}-${d.value}`} name={t.cspReportOnly} value={`sandbox ${d.value}`.trimEnd()} />)}
        </tbody>
      </table>
      {s.active.size === 0 ? (
        <p class="note" data-testid="sandbox-none">{strings.notSandboxed}</p>
      ) : (
        <>
          <p class="note" data-testid="sandbox-count">{t.count(setCount, flags.length - setCount)}</p>
          <table class="flags sandbox-flags" data-testid="sandbox-flags">
            <thead>
              <tr>
                <th>{t.columns.flag}</th>
                <th>{t.columns.state}</th>
                <th>{t.columns.source}</th>
                <th>{t.columns.consequence}</th>
                <th>{t.columns.liftedBy}</th>
              </tr>
            </thead>
            <tbody>
              {flags.map((flag) => {
                const set = s.active.has(flag);
                const info = SANDBOX_FLAG_INFO[flag];
                // Only set flags carry data-flag (the browser tests list the active flags with it).
                const attrs = set ? { 'data-flag': flag } : { 'data-flag-lifted': flag };
                return (
                  <tr key={flag} class={set ? 'flag-set' : 'flag-lifted'} data-state={set ? 'set' : 'lifted'} {...attrs}>
                    <td class="mono">{flag}</td>
                    <td data-testid="flag-state">{set ? t.set : t.lifted}</td>
                    <td data-testid="flag-source">
                      {set ? (s.sources.get(flag) ?? []).map((src, i) => <div key={i}>{sourceText(src, e.frameId)}</div>) : liftedWhere(flag, e)}
                    </td>
                    <td>{info.blocks}</td>
                    <td class="mono" data-testid="flag-lifted-by">{info.liftedBy.join(' or ') || t.cannotLift}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
    </Section>
  );
}

// ── isolation ───────────────────────────────────────────────────────────────────────────────────
function inheritText(s: InheritStep): string {
  const t = strings.inheritStep;
  switch (s.step) {
    case 'container-policy': return s.allowed ? t.containerAllowed : t.containerDenied;
    case 'default-self': return s.allowed ? t.defaultSelfAllowed : t.defaultSelfDenied;
    default: return t[s.step];
  }
}

function featureText(s: FeatureStep): string {
  const t = strings.featureStep;
  switch (s.step) {
    case 'declared': return s.allowed ? t.declaredAllowed : t.declaredDenied;
    case 'default-self': return s.allowed ? t.defaultSelfAllowed : t.defaultSelfDenied;
    default: return t[s.step];
  }
}

function documentDomainText(dd: FrameEvaluation['documentDomain']): string {
  const t = strings.documentDomain;
  switch (dd.works) {
    case 'yes': return t.yes(dd.value);
    case 'no-op': return t[dd.reason];
    case 'throws': return dd.reason === 'not-a-registrable-domain-suffix' ? t[dd.reason](dd.value, dd.effectiveDomain) : t[dd.reason];
  }
}

function PolicyCell({ value, endpoint, testid, note }: { value: string; endpoint: string | null; testid: string; note?: string }) {
  return (
    <td data-testid={testid}>
      <div class="mono">{value}</div>
      {endpoint !== null && <div class="muted mono">{strings.isolation.reportTo(endpoint)}</div>}
      {note && <div class="muted">{note}</div>}
    </td>
  );
}

export function IsolationSection({ e, openerSurvives, sections }: { e: FrameEvaluation; openerSurvives: PageEvaluation['openerSurvives']; sections: SectionState }) {
  const i = e.isolation;
  const p = e.policies;
  const t = strings.isolation;
  const emb = e.embedding;
  const allowed = (ok: boolean) => (ok ? t.allowed : t.blocked);
  const owner = e.node.owner;
  const ppHeader = e.node.frame.response?.headers.filter(([n]) => n.toLowerCase() === 'permissions-policy').map(([, v]) => v) ?? [];
  return (
    <Section id="isolation" title={strings.sections.isolation} state={sections} testid="isolation-section">
      <table class="kv">
        <tbody>
          <Row name="crossOriginIsolated" value={`${i.crossOriginIsolated} (${strings.isolationType[i.contextType]})`} testid="isolation-verdict" prose />
          {e.load.status !== 'loaded' && <Row name={strings.load} value={`${e.load.status}${e.load.error ? ` — ${e.load.error}` : ''}`} testid="isolation-load" prose />}
          {emb && emb.blockedBy.length > 0 && <Row name={strings.blockedBy} value={emb.blockedBy.join(', ')} testid="isolation-blocked-by" />}
        </tbody>
      </table>

      <h3>{t.checklistTitle}</h3>
      <ol class="checklist" data-testid="isolation-checklist">
        {i.checklist.map((s) => {
          const first = i.firstFailure?.id === s.id;
          return (
            <li key={s.id} class={`${s.ok ? 'ok' : 'fail'}${first ? ' first-fail' : ''}`} data-step={s.id} data-ok={String(s.ok)} data-first-failure={first ? 'true' : undefined}>
              {`${s.ok ? '✓' : '✗'} ${s.detail}`}
              {first && <span class="badge badge-error">{t.firstFailing}</span>}
              {!s.ok && s.fix && (
                <div class="fix">
                  <span class="mono">{s.fix}</span>
                  <FixSnippets fix={s.fix} />
                </div>
              )}
            </li>
          );
        })}
      </ol>

      <h3>{i.crossOriginIsolated ? t.gatedAvailable : t.gatedMissing}</h3>
      <ul class="gated" data-testid="isolation-gated">
        {ISOLATION_GATED_APIS.map((g) => <li key={g.api}><span class="mono">{g.api}</span>{` — ${g.what}`}</li>)}
      </ul>

      <h3>{t.permissionTitle}</h3>
      <ol class="steps" data-testid="isolation-permission">
        {i.permissionSteps.inherited.map((s, k) => <li key={`i${k}`} data-step={s.step}>{inheritText(s)}</li>)}
        {i.permissionSteps.feature.map((s, k) => <li key={`f${k}`} data-step={s.step}>{featureText(s)}</li>)}
      </ol>
      <table class="kv">
        <tbody>
          {owner && <Row name={t.allowAttribute} value={owner.allow ?? strings.absent} testid="isolation-allow" />}
          {ppHeader.length > 0 && <Row name={t.ppHeader} value={ppHeader.join(', ')} />}
        </tbody>
      </table>

      <h3>{t.policiesTitle}</h3>
      <table class="flags policies" data-testid="isolation-policies">
        <thead>
          <tr>
            <th>{t.columns.policy}</th>
            <th>{t.columns.enforced}</th>
            <th>{t.columns.reportOnly}</th>
          </tr>
        </thead>
        <tbody>
          <tr data-policy="coop">
            <td>Cross-Origin-Opener-Policy</td>
            {p.opener ? (
              <>
                <PolicyCell value={p.opener.value} endpoint={p.opener.reportingEndpoint} testid="isolation-coop-enforced" />
                <PolicyCell value={p.opener.reportOnlyValue} endpoint={p.opener.reportOnlyReportingEndpoint} testid="isolation-coop-report-only" />
              </>
            ) : (
              <>
                <td data-testid="isolation-coop-enforced">{t.coopFrame}</td>
                <td data-testid="isolation-coop-report-only">{t.coopFrame}</td>
              </>
            )}
          </tr>
          <tr data-policy="coep">
            <td>Cross-Origin-Embedder-Policy</td>
            <PolicyCell value={p.embedder.value} endpoint={p.embedder.reportingEndpoint} testid="isolation-coep-enforced" {...(p.embedderInherited ? { note: strings.inherited } : {})} />
            <PolicyCell value={p.embedder.reportOnlyValue} endpoint={p.embedder.reportOnlyReportingEndpoint} testid="isolation-coep-report-only" />
          </tr>
          <tr data-policy="corp">
            <td>Cross-Origin-Resource-Policy</td>
            <td class="mono" data-testid="isolation-corp">{p.corp ?? '—'}</td>
            <td class="muted">{t.noReportOnly}</td>
          </tr>
          <tr data-policy="oac">
            <td>{t.oac}</td>
            <td class="mono" data-testid="isolation-oac">{p.originAgentCluster.raw ?? '—'}</td>
            <td class="muted">{t.noReportOnly}</td>
          </tr>
        </tbody>
      </table>
      {p.problems.length > 0 && (
        <ul class="problems" data-testid="isolation-problems">
          {p.problems.map((x, k) => <li key={k}>{`${x.header}: ${x.raw} — ${x.reason}`}</li>)}
        </ul>
      )}

      <table class="kv">
        <tbody>
          <Row name={strings.agentCluster} value={`${e.originKeyed.keyed ? strings.originKeyed : strings.siteKeyed} — ${e.originKeyed.why}`} testid="isolation-agent-cluster" prose />
          <Row name="document.domain" value={documentDomainText(e.documentDomain)} testid="isolation-document-domain" prose />
          {openerSurvives && e.node.frame.parentFrameId === -1 && (
            <Row name={strings.opener} value={`${openerSurvives.kept ? strings.openerKept : strings.openerCut} (${openerSurvives.initialCOOP} → ${openerSurvives.responseCOOP}, ${openerSurvives.step})`} testid="isolation-opener" prose />
          )}
        </tbody>
      </table>

      {emb && (
        <>
          <h3>{t.embeddingTitle}</h3>
          <table class="kv" data-testid="isolation-embedding">
            <tbody>
              <Row name={t.xfo} value={`${allowed(emb.xfo.allowed)} (${emb.xfo.step})${emb.xfo.raw === null ? '' : `: ${emb.xfo.raw}`}`} prose />
              <Row
                name={t.frameAncestors}
                value={emb.frameAncestors.allowed
                  ? `${t.allowed}${emb.frameAncestors.directives.length > 0 ? `: ${emb.frameAncestors.directives.join(', ')}` : ''}`
                  : `${t.blocked}: "${emb.frameAncestors.directive}" does not match ${serializeOrigin(emb.frameAncestors.ancestor)}`}
                prose
              />
              <Row
                name={t.coepCheck}
                value={emb.coep === null ? t.notApplicable
                  : `${allowed(emb.coep.allowed)}: embedder ${emb.coep.parent}, this document ${emb.coep.child}${emb.coep.credentiallessIframe ? ' (credentialless iframe)' : ''}`}
                prose
              />
              <Row
                name={t.corpCheck}
                value={emb.corp === null ? t.notApplicable
                  : `${allowed(emb.corp.allowed)} (${emb.corp.step}${emb.corp.defaulted ? ', no CORP: same-origin assumed' : emb.corp.policy ? `, ${emb.corp.policy}` : ''})`}
                prose
              />
            </tbody>
          </table>
        </>
      )}
    </Section>
  );
}

// ── subresources ────────────────────────────────────────────────────────────────────────────────
function outcomeText(o: PolicyOutcome, v: SubresourceVerdict): string {
  const s = strings.subresources;
  if (o.result === 'unknown') return s.unknown;
  if (o.result === 'loads') {
    if (o.why === 'not-no-cors') return s.notChecked;
    if (o.why === 'without-credentials') return `${s.withoutCredentials}${o.sentCookiesToday ? ` (${s.cookiesToday})` : ''}`;
    return s.loads;
  }
  const where = o.hop < v.record.responses.length - 1 ? ` — ${s.hop(o.hop + 1)}` : '';
  return `${s.blocked}: ${o.corp.defaulted ? 'no CORP (same-origin assumed)' : `CORP ${o.corpHeader ?? o.corp.policy}`}${where}`;
}

/** The frame's subresource requests with what each embedder policy does to them, and the fix. */
export function SubresourcesSection({ e, dropped, sections }: { e: FrameEvaluation; dropped: number; sections: SectionState }) {
  const s = strings.subresources;
  const sum = e.subresourceSummary;
  const ro = e.policies.embedder.reportOnlyValue !== 'unsafe-none';
  return (
    <Section id="subresources" title={strings.sections.subresources} state={sections} extra={sum.requests > 0 ? String(sum.requests) : undefined}>
      {e.subresources.length === 0 ? (
        <p class="note" data-testid="subresources-none">{s.none}</p>
      ) : (
        <>
          <p data-testid="subresources-summary">{s.summary(sum.requests, sum.requireCorpWouldBlock + sum.blockedWithoutCoep, sum.credentiallessWithoutCredentials, sum.blockedWithoutCoep, sum.unknown)}</p>
          <table class="flags subresources" data-testid="subresources">
            <thead>
              <tr>
                <th>{s.columns.request}</th>
                <th>{s.columns.mode}</th>
                <th>{`${s.columns.now} (${e.policies.embedder.value}${ro ? `, ${s.reportOnly} ${e.policies.embedder.reportOnlyValue}` : ''})`}</th>
                <th>{s.columns.requireCorp}</th>
                <th>{s.columns.credentialless}</th>
              </tr>
            </thead>
            <tbody>
              {e.subresources.map((v) => (
                <tr key={v.record.requestId} data-request={v.record.requestId} class={v.requireCorp.result === 'blocked' ? 'would-block' : ''}>
                  <td class="mono">
                    <div>{`${v.record.type} ${v.record.url}${v.requestIds.length > 1 ? ` ${s.times(v.requestIds.length)}` : ''}`}</div>
                    {v.record.responses.length > 1 && <div class="muted">{v.record.responses.map((r) => `${r.statusCode} ${r.url}`).join(' → ')}</div>}
                    {v.fix && v.requireCorp.result === 'blocked' && <div class="fix">{v.fix}</div>}
                  </td>
                  <td>{v.mode.from === 'sec-fetch-mode' ? v.mode.mode : `${v.mode.mode} (${s.inferred})`}</td>
                  <td>{`${v.observed.error ?? v.observed.state}${v.reportOnly?.result === 'blocked' ? ` — ${s.reportOnly}: ${outcomeText(v.reportOnly, v)}` : ''}`}</td>
                  <td data-testid="subresource-require-corp">{outcomeText(v.requireCorp, v)}</td>
                  <td>{outcomeText(v.credentialless, v)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {dropped > 0 && <p class="note" data-testid="subresources-dropped">{s.dropped(dropped)}</p>}
    </Section>
  );
}
