// Variables and functions by name: a variable opens its history, a function its first call.
import { useState } from 'preact/hooks';
import { fetchCalls, fetchSymbols, type SymbolDoc } from '../api';
import { Panel, Status } from '../components/Panel';
import { useAsync, useDebounced, message } from '../hooks';
import { go, select, type View } from './context';

export function SymbolsPanel({ view }: { view: View }) {
  const { route } = view;
  const [q, setQ] = useState('');
  const [error, setError] = useState<string>();
  const settled = useDebounced(q, 150);
  const symbols = useAsync(() => fetchSymbols(route.traceId, settled), [route.traceId, settled]);
  const open = (s: SymbolDoc) => {
    setError(undefined);
    if (s.kind === 'variable') {
      select(route, { symbol: s.name });
    } else {
      fetchCalls(route.traceId, { function: s.name, limit: 1 }).then(
        (page) => (page.items[0] ? go(route, { step: BigInt(page.items[0].callStep), tid: undefined }) : setError(`${s.name} was never called`)),
        (e) => setError(message(e)),
      );
    }
  };
  return (
    <Panel id="symbols" title="Symbols">
      <input
        id="symbol-search"
        class="search mono"
        placeholder="variable or function name ( / )"
        value={q}
        onInput={(e) => setQ((e.target as HTMLInputElement).value)}
        data-testid="symbol-search"
      />
      <Status error={error ?? symbols.error} loading={symbols.loading && !symbols.data} />
      <div class="symbols" data-testid="symbols">
        {symbols.data?.symbols.map((s) => (
          <button class="symbol" key={s.name + s.addr} onClick={() => open(s)} data-testid="symbol" title={`${s.module} ${s.addr}`}>
            <span class={'kind ' + s.kind}>{s.kind === 'variable' ? 'var' : 'fn'}</span>
            <span class="mono">{s.name}</span>
            <span class="muted">{s.type ?? ''}</span>
            <span class="muted mono">{s.size} B</span>
          </button>
        ))}
      </div>
    </Panel>
  );
}
