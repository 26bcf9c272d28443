// Client-side navigation: the URL is the state; this keeps the two in step.
import { useEffect, useState } from 'preact/hooks';
import { parseRoute, type Route } from './route';

const NAVIGATE = 'omni:navigate';

const current = () => parseRoute(location.pathname, location.search);

/** Goes to a path of the app without reloading; `replace` for moves not worth a back-button stop. */
export function navigate(url: string, replace = false): void {
  if (url === location.pathname + location.search) return;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  dispatchEvent(new Event(NAVIGATE));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const update = () => setRoute(current());
    addEventListener('popstate', update);
    addEventListener(NAVIGATE, update);
    return () => {
      removeEventListener('popstate', update);
      removeEventListener(NAVIGATE, update);
    };
  }, []);
  return route;
}

/** A click that the app should handle itself (not a new tab, not a download). */
export function isPlainClick(e: MouseEvent): boolean {
  return e.button === 0 && !e.metaKey && !e.ctrlKey && !e.shiftKey && !e.altKey;
}
