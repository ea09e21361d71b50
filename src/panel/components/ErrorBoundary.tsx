// A last line of defence: if rendering a part of the panel throws (a bug, or a record the analysis did
// not foresee), that part says so — with the message, to report — and the rest of the panel keeps working.
import { Component, type ComponentChildren } from 'preact';
import { strings } from '../strings.ts';

export class ErrorBoundary extends Component<{ children: ComponentChildren; resetKey: unknown }, { error: string | null; key: unknown }> {
  override state = { error: null as string | null, key: undefined as unknown };

  static override getDerivedStateFromProps(props: { resetKey: unknown }, state: { error: string | null; key: unknown }) {
    // A new selection or snapshot gets a fresh try.
    return props.resetKey === state.key ? null : { error: null, key: props.resetKey };
  }

  override componentDidCatch(error: unknown) {
    this.setState({ error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  }

  override render() {
    if (this.state.error !== null) {
      return <div class="banner" role="alert" data-testid="panel-error">{`${strings.renderFailed} ${this.state.error}`}</div>;
    }
    return this.props.children;
  }
}
