// The extension's settings page (options_ui): the origins the analysis treats as trustworthy.
import './shared-array-buffer.ts'; // first: before whatwg-url loads (Firefox)
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { parseTrustworthyOrigins } from '../shared/secure-context.ts';
import { parseOriginLines } from '../shared/settings.ts';
import { loadSettings, saveSettings } from './settings.ts';
import { strings } from './strings.ts';
import './panel.css';

function Options() {
  const [text, setText] = useState<string | null>(null);
  const [recordAllTabs, setRecordAllTabs] = useState(false);
  const [status, setStatus] = useState('');
  useEffect(() => {
    void loadSettings().then((s) => {
      setText(s.trustworthyOrigins.join('\n'));
      setRecordAllTabs(s.recordAllTabs);
    });
  }, []);
  if (text === null) return <p class="empty">{strings.options.loading}</p>;
  const entries = parseOriginLines(text);
  const { patterns, errors } = parseTrustworthyOrigins(entries);
  const save = async () => {
    await saveSettings({ trustworthyOrigins: patterns.map((p) => p.source), recordAllTabs });
    setStatus(strings.options.saved(patterns.length));
  };
  return (
    <main class="options">
      <h1>{strings.options.title}</h1>
      <label for="trustworthy-origins">{strings.options.trustworthyLabel}</label>
      <p class="hint">{strings.options.trustworthyHint}</p>
      <textarea
        id="trustworthy-origins"
        data-testid="trustworthy-origins"
        rows={8}
        spellcheck={false}
        placeholder={'http://intranet.test:8080\n*.dev.test'}
        value={text}
        onInput={(e) => {
          setText((e.target as HTMLTextAreaElement).value);
          setStatus('');
        }}
      />
      {errors.length > 0 && (
        <ul class="errors" data-testid="errors">
          {errors.map((e) => <li key={e.source}>{`${e.source}: ${e.error}`}</li>)}
        </ul>
      )}
      <label class="check">
        <input
          type="checkbox"
          data-testid="record-all-tabs"
          checked={recordAllTabs}
          onChange={(e) => {
            setRecordAllTabs((e.target as HTMLInputElement).checked);
            setStatus('');
          }}
        />
        {strings.options.recordAllTabsLabel}
      </label>
      <p class="hint">{strings.options.recordAllTabsHint}</p>
      <div class="actions">
        <button type="button" data-testid="save" onClick={() => void save()}>{strings.options.save}</button>
        <span role="status" data-testid="status">{status}</span>
      </div>
    </main>
  );
}

render(<Options />, document.getElementById('app')!);
