// Source at the current step with its line marked, and the disassembly around rip.
import { fetchSource } from '../api';
import { Panel, Status } from '../components/Panel';
import { VirtualList } from '../components/VirtualList';
import { shortPath } from '../format';
import { useAsync } from '../hooks';
import type { View } from './context';

export function SourcePanel({ view }: { view: View }) {
  const file = view.moment?.file ?? null;
  // The trace carries the sources its debug information names with a full path (the program's
  // own); a relative one (glibc's sysdeps/...) was built elsewhere and is not carried: not asked for.
  const carried = !!file && file.startsWith('/');
  const source = useAsync(() => (carried ? fetchSource(view.route.traceId, file).then((text) => ({ file, text })) : Promise.resolve(undefined)), [
    view.route.traceId,
    file,
  ]);
  const lines = source.data && source.data.file === file ? source.data.text.split('\n') : [];
  const current = (view.moment?.line ?? 0) - 1;
  return (
    <Panel id="source" title={<>Source {file && <span class="muted mono">{shortPath(file)}</span>}</>}>
      {!file && view.moment && <div class="muted">No source line for {view.moment.function ?? view.moment.rip} (no debug information).</div>}
      {file && !carried && <div class="muted">{file}:{view.moment?.line}: the trace does not carry this file.</div>}
      {carried && <Status error={source.error} loading={source.loading && lines.length === 0} />}
      {carried && lines.length > 0 && (
        <VirtualList
          count={lines.length}
          rowHeight={18}
          reveal={current}
          testId="source"
          class="code"
          renderRow={(i) => (
            <div class={'code-line' + (i === current ? ' current' : '')} data-testid={i === current ? 'current-line' : undefined}>
              <span class="lineno">{i + 1}</span>
              <span class="text">{lines[i]}</span>
            </div>
          )}
        />
      )}
    </Panel>
  );
}

export function DisassemblyPanel({ view }: { view: View }) {
  const m = view.moment;
  return (
    <Panel id="disasm" title={<>Disassembly {m && <span class="muted mono">{m.function}</span>}</>}>
      <div class="code" data-testid="disassembly">
        {m?.disassembly.map((d) => (
          <div class={'code-line' + (d.current ? ' current' : '')} key={d.address}>
            <span class="lineno mono">{d.address}</span>
            <span class="text">{d.text}</span>
          </div>
        ))}
      </div>
    </Panel>
  );
}
