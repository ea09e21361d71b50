import type { FrameEvaluation } from '../../shared/evaluate.ts';
import type { FrameNode } from '../../shared/frame-tree.ts';
import { strings } from '../strings.ts';
import type { PageEvaluation } from '../../shared/evaluate.ts';
import { FindingsSection, IsolationSection, SandboxSection, SecureContextSection, SubresourcesSection } from './Verdicts.tsx';

function Row({ name, value, testid }: { name: string; value: string | number | boolean | null | undefined; testid?: string }) {
  return (
    <tr>
      <th scope="row">{name}</th>
      <td data-testid={testid}>{value === undefined || value === null ? '—' : String(value)}</td>
    </tr>
  );
}

/** Everything recorded about one frame. Page-controlled values are rendered as text only. */
export function FrameDetails({ node, evaluation, openerSurvives = null, droppedSubresources = 0 }: {
  node: FrameNode | null;
  evaluation: FrameEvaluation | null;
  openerSurvives?: PageEvaluation['openerSurvives'];
  /** Requests of the page beyond the recording cap. */
  droppedSubresources?: number;
}) {
  if (!node) return <div class="empty">{strings.selectFrame}</div>;
  const f = node.frame;
  const o = f.observed;
  const el = node.owner;
  return (
    <div class="details" data-testid="frame-details">
      {evaluation && <FindingsSection e={evaluation} />}
      {evaluation && <SecureContextSection e={evaluation} />}
      {evaluation && <SandboxSection e={evaluation} />}
      {evaluation && <IsolationSection e={evaluation} openerSurvives={openerSurvives} />}
      {evaluation && <SubresourcesSection e={evaluation} dropped={droppedSubresources} />}
      <section>
        <h2>{strings.sections.document}</h2>
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
      </section>
      <section>
        <h2>{strings.sections.observed}</h2>
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
      </section>
      <section>
        <h2>{strings.sections.owner}</h2>
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
      </section>
      <section>
        <h2>{strings.sections.headers}</h2>
        {f.response ? (
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
        ) : (
          <p class="note">{strings.noResponse}</p>
        )}
      </section>
    </div>
  );
}
