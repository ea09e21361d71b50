// The analysis of one frame: findings, secure context, sandbox, isolation and subresources. Every value that comes from the
// page (URLs, attribute and header values) is rendered as text.
import type { FrameEvaluation, PageEvaluation } from '../../shared/evaluate.ts';
import { ISOLATION_GATED_APIS } from '../../shared/isolation.ts';
import { FINDINGS } from '../../shared/findings/catalog.ts';
import { describeSource } from '../../shared/findings/describe.ts';
import { SANDBOX_FLAG_INFO } from '../../shared/sandboxing.ts';
import { SECURE_CONTEXT_FEATURES } from '../../shared/secure-context.ts';
import type { PolicyOutcome, SubresourceVerdict } from '../../shared/subresources.ts';
import { strings } from '../strings.ts';

export function FindingsSection({ e }: { e: FrameEvaluation }) {
  return (
    <section>
      <h2>{strings.sections.findings}</h2>
      {e.findings.length === 0 ? (
        <p class="note" data-testid="no-findings">{strings.noFindings}</p>
      ) : (
        <ul class="findings" data-testid="findings">
          {e.findings.map((f, i) => (
            <li key={`${f.id}-${i}`} class={`finding finding-${f.severity}`} data-testid={`finding-${f.id}`}>
              <div class="finding-title">
                <span class={`badge badge-${f.severity}`}>{strings.severity[f.severity]}</span> {FINDINGS[f.id].title}
              </div>
              <p>{f.explanation}</p>
              {f.evidence.length > 0 && (
                <table class="kv">
                  <tbody>
                    {f.evidence.map((ev, j) => (
                      <tr key={j}>
                        <th scope="row">{ev.label}</th>
                        <td>{ev.value}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              <p class="step">{f.step}</p>
              <p class="fix"><strong>{strings.fix}</strong> {f.fix}</p>
              <p class="spec">{f.spec.map((s) => <a key={s} href={s} target="_blank" rel="noreferrer">{s}</a>)}</p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function SecureContextSection({ e }: { e: FrameEvaluation }) {
  const v = e.secureContext;
  return (
    <section>
      <h2>{strings.sections.secureContext}</h2>
      <table class="kv">
        <tbody>
          <tr>
            <th scope="row">{strings.verdict}</th>
            <td data-testid="secure-context-verdict">{`${v.secure ? 'secure' : 'not secure'} (${strings.secureCategory[v.category]})`}</td>
          </tr>
          <tr>
            <th scope="row">{strings.judged}</th>
            <td>{`${v.self.judged} — ${strings.trustworthyStep[v.self.step]}`}</td>
          </tr>
          {v.brokenBy && (
            <tr>
              <th scope="row">{strings.brokenBy}</th>
              <td data-testid="secure-context-broken-by">{`frame ${v.brokenBy.frameId}: ${v.brokenBy.url} (${v.brokenBy.judged})`}</td>
            </tr>
          )}
          {v.ancestors.length > 0 && (
            <tr>
              <th scope="row">{strings.ancestors}</th>
              <td>
                <ol class="chain">
                  {v.ancestors.map((a) => (
                    <li key={a.frameId} class={a.trustworthy ? '' : 'broken'}>{`${a.trustworthy ? '✓' : '✗'} ${a.judged} (frame ${a.frameId})`}</li>
                  ))}
                </ol>
              </td>
            </tr>
          )}
          {!v.secure && (
            <tr>
              <th scope="row">{strings.loses}</th>
              <td data-testid="secure-context-loses">{SECURE_CONTEXT_FEATURES.map((f) => f.name).join(', ')}</td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}

export function SandboxSection({ e }: { e: FrameEvaluation }) {
  const s = e.sandbox;
  const flags = [...s.active];
  return (
    <section>
      <h2>{strings.sections.sandbox}</h2>
      <table class="kv">
        <tbody>
          <tr>
            <th scope="row">{strings.sandboxAttribute}</th>
            <td>{s.attribute === null ? '—' : `sandbox="${s.attribute}"`}</td>
          </tr>
          {s.changedAfterLoad && (
            <tr>
              <th scope="row">{strings.sandboxAttributeNow}</th>
              <td>{s.attributeNow === null ? strings.absent : `sandbox="${s.attributeNow}"`}</td>
            </tr>
          )}
          {s.cspDirectives.enforced.map((d) => (
            <tr key={`csp-${d.line}-${d.value}`}>
              <th scope="row">{strings.cspSandbox}</th>
              <td>{`sandbox ${d.value}`.trimEnd()}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {flags.length === 0 ? (
        <p class="note" data-testid="sandbox-none">{strings.notSandboxed}</p>
      ) : (
        <table class="flags" data-testid="sandbox-flags">
          <thead>
            <tr>
              <th>{strings.flag}</th>
              <th>{strings.blocks}</th>
            </tr>
          </thead>
          <tbody>
            {flags.map((flag) => (
              <tr key={flag} data-flag={flag}>
                <td class="mono">{flag}</td>
                <td>
                  <div>{SANDBOX_FLAG_INFO[flag].blocks}</div>
                  <div class="muted">{`${strings.source}: ${(s.sources.get(flag) ?? []).map((src) => describeSource(src, e.frameId)).join('; ')}`}</div>
                  <div class="muted">{`${strings.liftedBy}: `}<span class="mono">{SANDBOX_FLAG_INFO[flag].liftedBy.join(' or ') || strings.cannotLift}</span></div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function IsolationSection({ e, openerSurvives }: { e: FrameEvaluation; openerSurvives: PageEvaluation['openerSurvives'] }) {
  const i = e.isolation;
  const p = e.policies;
  const dd = e.documentDomain;
  const row = (name: string, value: string, testid?: string) => (
    <tr>
      <th scope="row">{name}</th>
      <td data-testid={testid}>{value}</td>
    </tr>
  );
  return (
    <section>
      <h2>{strings.sections.isolation}</h2>
      <table class="kv">
        <tbody>
          {row('crossOriginIsolated', `${i.crossOriginIsolated} (${strings.isolationType[i.contextType]})`, 'isolation-verdict')}
          {e.load.status !== 'loaded' && row(strings.load, `${e.load.status}${e.load.error ? ` — ${e.load.error}` : ''}`)}
          {e.embedding && e.embedding.blockedBy.length > 0 && row(strings.blockedBy, e.embedding.blockedBy.join(', '), 'isolation-blocked-by')}
        </tbody>
      </table>
      <ol class="checklist" data-testid="isolation-checklist">
        {i.checklist.map((s) => (
          <li key={s.id} class={s.ok ? 'ok' : 'fail'} data-step={s.id}>
            {`${s.ok ? '✓' : '✗'} ${s.detail}`}
            {!s.ok && s.fix && <div class="fix mono">{s.fix}</div>}
          </li>
        ))}
      </ol>
      {!i.crossOriginIsolated && <p class="note">{`${strings.gated}: ${ISOLATION_GATED_APIS.map((g) => g.api).join(', ')}`}</p>}
      <table class="kv" data-testid="isolation-policies">
        <tbody>
          {p.opener && row('COOP', `${p.opener.value}${p.opener.reportingEndpoint ? ` (report-to ${p.opener.reportingEndpoint})` : ''}`)}
          {p.opener && row('COOP report-only', `${p.opener.reportOnlyValue}${p.opener.reportOnlyReportingEndpoint ? ` (report-to ${p.opener.reportOnlyReportingEndpoint})` : ''}`)}
          {row('COEP', `${p.embedder.value}${p.embedder.reportingEndpoint ? ` (report-to ${p.embedder.reportingEndpoint})` : ''}${p.embedderInherited ? ` ${strings.inherited}` : ''}`)}
          {row('COEP report-only', `${p.embedder.reportOnlyValue}${p.embedder.reportOnlyReportingEndpoint ? ` (report-to ${p.embedder.reportOnlyReportingEndpoint})` : ''}`)}
          {row('CORP', p.corp ?? '—')}
          {row(strings.agentCluster, `${e.originKeyed.keyed ? strings.originKeyed : strings.siteKeyed} — ${e.originKeyed.why}`)}
          {row('document.domain', dd.works === 'yes' ? strings.ddWorks : dd.works === 'no-op' ? `${strings.ddNoop} (${dd.reason})` : `${strings.ddThrows} (${dd.reason})`)}
          {openerSurvives && e.node.frame.parentFrameId === -1 && row(strings.opener, `${openerSurvives.kept ? strings.openerKept : strings.openerCut} (${openerSurvives.initialCOOP} → ${openerSurvives.responseCOOP}, ${openerSurvives.step})`, 'isolation-opener')}
        </tbody>
      </table>
      {p.problems.length > 0 && (
        <ul class="problems">
          {p.problems.map((x, k) => <li key={k}>{`${x.header}: ${x.raw} — ${x.reason}`}</li>)}
        </ul>
      )}
    </section>
  );
}

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
export function SubresourcesSection({ e, dropped }: { e: FrameEvaluation; dropped: number }) {
  const s = strings.subresources;
  const sum = e.subresourceSummary;
  const ro = e.policies.embedder.reportOnlyValue !== 'unsafe-none';
  return (
    <section>
      <h2>{strings.sections.subresources}</h2>
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
    </section>
  );
}
