import type { ComponentChildren } from 'preact';
import { isPlainClick, navigate } from '../router';

/** An in-app link: a real href (open in a new tab, copy) that navigates without reloading. */
export function Link(props: { href: string; children: ComponentChildren; class?: string; title?: string; testId?: string }) {
  return (
    <a
      href={props.href}
      class={props.class}
      title={props.title}
      data-testid={props.testId}
      onClick={(e) => {
        if (!isPlainClick(e)) return;
        e.preventDefault();
        navigate(props.href);
      }}
    >
      {props.children}
    </a>
  );
}
