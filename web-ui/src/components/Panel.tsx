import type { ComponentChildren } from 'preact';

/** A titled box of the trace view's grid; its body scrolls on its own. */
export function Panel(props: {
  id: string;
  title: ComponentChildren;
  tools?: ComponentChildren;
  children: ComponentChildren;
  class?: string;
}) {
  return (
    <section class={'panel ' + (props.class ?? '')} data-testid={`panel-${props.id}`}>
      <header class="panel-head">
        <h2>{props.title}</h2>
        <div class="panel-tools">{props.tools}</div>
      </header>
      <div class="panel-body">{props.children}</div>
    </section>
  );
}

/** A failure with the server's explanation, or a loading note. */
export function Status(props: { error?: string; loading?: boolean; empty?: ComponentChildren }) {
  if (props.error)
    return (
      <div class="error" role="alert" data-testid="error">
        {props.error}
      </div>
    );
  if (props.loading) return <div class="muted loading">Loading…</div>;
  if (props.empty) return <div class="muted">{props.empty}</div>;
  return null;
}
