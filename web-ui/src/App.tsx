import { useEffect, useState } from 'preact/hooks';
import { fetchHealth, type Health } from './api';
import { formatRoute, parseRoute, type Route } from './route';

/** Client-side navigation: the URL is the state; this keeps the two in step. */
function useRoute(): [Route, (route: Route) => void] {
  const [route, setRoute] = useState(() => parseRoute(location.pathname));
  useEffect(() => {
    const onPop = () => setRoute(parseRoute(location.pathname));
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  const navigate = (next: Route) => {
    history.pushState(null, '', formatRoute(next));
    setRoute(next);
  };
  return [route, navigate];
}

export function App() {
  const [route, navigate] = useRoute();
  return (
    <div class="shell">
      <header class="topbar">
        <a
          class="brand"
          href="/"
          onClick={(e) => {
            e.preventDefault();
            navigate({ kind: 'traces' });
          }}
        >
          Omniscope
        </a>
      </header>
      <main class="content">
        <RouteView route={route} />
      </main>
      <StatusBar />
    </div>
  );
}

function RouteView({ route }: { route: Route }) {
  switch (route.kind) {
    case 'traces':
      return (
        <section class="empty" data-testid="traces">
          <h1>Recordings</h1>
          <p>Record a program, then explore every moment of its execution here:</p>
          <pre>omni record -- ./your-program args</pre>
        </section>
      );
    case 'moment':
      return (
        <section data-testid="moment">
          <h1>
            Trace <code>{route.traceId}</code> at step <code data-testid="step">{route.step.toString()}</code>
          </h1>
        </section>
      );
    case 'not-found':
      return (
        <section class="empty" data-testid="not-found">
          <h1>Nothing here</h1>
          <p>
            <code>{route.path}</code> is not a page of Omniscope.
          </p>
        </section>
      );
  }
}

function StatusBar() {
  const [health, setHealth] = useState<Health | { error: string }>();
  useEffect(() => {
    fetchHealth().then(setHealth, (e: Error) => setHealth({ error: e.message }));
  }, []);
  let text = 'connecting…';
  let state = 'pending';
  if (health && 'error' in health) {
    text = `server unreachable: ${health.error}`;
    state = 'down';
  } else if (health) {
    text = `omni ${health.version} · database ${health.database.status} (${health.database.kind})`;
    state = health.status === 'UP' ? 'up' : 'down';
  }
  return (
    <footer class="statusbar" data-testid="status" data-state={state}>
      {text}
    </footer>
  );
}
