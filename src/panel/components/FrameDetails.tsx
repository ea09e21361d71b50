import type { FrameEvaluation, PageEvaluation } from '../../shared/evaluate.ts';
import type { FrameNode } from '../../shared/frame-tree.ts';
import { strings } from '../strings.ts';
import { OriginSection } from './OriginSection.tsx';
import { panelSections, Section, type SectionState } from './Section.tsx';
import {
  BrowserDiffersBanner,
  FindingsSection,
  IsolationSection,
  SandboxSection,
  SecureContextSection,
  SubresourcesSection,
  SummarySection,
} from './Verdicts.tsx';

function Row({ name, value, testid }: { name: string; value: string | number | boolean | null | undefined; testid?: string }) {
  return (
    <tr>
      <th scope="row">{name}</th>
      <td data-testid={testid}>{value === undefined || value === null ? '—' : String(value)}</td>
    </tr>
  );
}

/**
 * Everything recorded and concluded about one frame, in sections that fold (their state outlives the
 * selection). A disagreement between the browser and the analysis comes first, then the summary
 * (worst first) and the findings with their fixes, then each verdict in detail, then the raw facts.
 * Page-controlled values are rendered as text only.
 */
export function FrameDetails({ node, evaluation, openerSurvives = null, droppedSubresources = 0, sections = panelSections }: {
  node: FrameNode | null;
  evaluation: FrameEvaluation | null;
  openerSurvives?: PageEvaluation['openerSurvives'];
  /** Requests of the page beyond the recording cap. */
  droppedSubresources?: number;
  /** Which sections are folded; the panel's own state unless given. */
  sections?: SectionState;
}) {
  if (!node) return <div class="empty">{strings.selectFrame}</div>;
  const f = node.frame;
  const o = f.observed;
  const el = node.owner;
  const e = evaluation;
  return (
    <div class="details" data-testid="frame-details" data-frame-id={f.frameId}>
      {e && <BrowserDiffersBanner e={e} />}
      {e && <SummarySection e={e} openerSurvives={openerSurvives} sections={sections} />}
      {e && <FindingsSection e={e} sections={sections} />}
      {e && <OriginSection e={e} sections={sections} />}
      {e && <SecureContextSection e={e} sections={sections} />}
      {e && <SandboxSection e={e} sections={sections} />}
      {e && <IsolationSection e={e} openerSurvives={openerSurvives} sections={sections} />}
      {e && <SubresourcesSection e={e} dropped={droppedSubresources} sections={sections} />}
      <Section id="headers" title={strings.sections.headers} state={sections}>
        {f.response ? (
          <>
            <table class="headers" data-testid="detail-headers">
              <tbody>
                {f.response.headers.map(([name, value], i) => (
                  <tr key={i}>
                    <th scope="row">{name}</th>
                    <td>{value}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {f.response.headers.length === 0 && <p class="note">{strings.noHeaderLines}</p>}
            {(f.response.droppedHeaderLines ?? 0) > 0 && <p class="note">{strings.droppedHeaderLines(f.response.droppedHeaderLines!)}</p>}
          </>
        ) : (
          <p class="note">{strings.noResponse}</p>
        )}
      </Section>
      <Section id="document" title={strings.sections.document} state={sections}>
        <table class="kv">
          <tbody>
            <Row name="URL" value={f.url} testid="detail-url" />
            <Row name="Frame id" value={f.frameId} />
            <Row name="Parent frame id" value={f.parentFrameId} />
            <Row name="Document id" value={f.documentId} />
            <Row name="Status" value={f.status} testid="detail-status" />
            {f.error && <Row name="Error" value={f.error} testid="detail-error" />}
            {f.response && <Row name="HTTP status" value={`${f.response.statusCode} ${f.response.statusLine}`} />}
          </tbody>
        </table>
      </Section>
      <Section id="observed" title={strings.sections.observed} state={sections}>
        {o ? (
          <table class="kv">
            <tbody>
              <Row name="self.origin" value={o.origin} testid="detail-origin" />
              <Row name="isSecureContext" value={o.isSecureContext} />
              <Row name="crossOriginIsolated" value={o.crossOriginIsolated} />
              <Row name="document.domain" value={o.documentDomain} />
              <Row name="originAgentCluster" value={o.originAgentCluster} />
            </tbody>
          </table>
        ) : (
          <p class="note">{strings.notObservedWhy}</p>
        )}
      </Section>
      <Section id="owner" title={strings.sections.owner} state={sections}>
        {el ? (
          <table class="kv">
            <tbody>
              <Row name="Element" value={`<${el.tag}>`} />
              <Row name="id" value={el.id} />
              <Row name="name" value={el.name} />
              <Row name="src" value={el.src} />
              <Row name="srcdoc" value={el.srcdoc ? 'present' : 'absent'} />
              <Row name="sandbox" value={el.sandbox} testid="detail-sandbox" />
              <Row name="allow" value={el.allow} />
              <Row name="credentialless" value={el.credentialless.attribute ? `attribute set (property ${String(el.credentialless.property)})` : 'absent'} />
              <Row name="referrerpolicy" value={el.referrerPolicy} />
              <Row name="loading" value={el.loading} />
            </tbody>
          </table>
        ) : (
          <p class="note">{strings.noOwner}</p>
        )}
      </Section>
    </div>
  );
}
