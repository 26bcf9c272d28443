import { useEffect, useState } from 'preact/hooks';
import { fetchHealth, useShareToken, type Health } from './api';
import { Link } from './components/Link';
import { useRoute } from './router';
import { TraceList } from './views/TraceList';
import { TraceView } from './views/TraceView';

export function App() {
  const route = useRoute();
  // a page opened from a share link reads its trace with the link's token
  useShareToken(route.kind === 'moment' ? route.share : undefined);
  useEffect(() => {
    document.title = route.kind === 'moment' ? `step ${route.step} · Omniscope` : 'Omniscope';
  }, [route]);
  return (
    <div class="shell">
      <header class="topbar">
        <Link class="brand" href="/">
          Omniscope
        </Link>
        {route.kind === 'moment' && <span class="muted mono">{route.traceId}</span>}
      </header>
      <main class="content">
        {route.kind === 'traces' && <TraceList />}
        {route.kind === 'moment' && <TraceView key={route.traceId} route={route} />}
        {route.kind === 'not-found' && (
          <section class="empty" data-testid="not-found">
            <h1>Nothing here</h1>
            <p>
              <code>{route.path}</code> is not a page of Omniscope.
            </p>
          </section>
        )}
      </main>
      <StatusBar />
    </div>
  );
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
      <span class="muted"> · press ? for keyboard shortcuts</span>
    </footer>
  );
}
