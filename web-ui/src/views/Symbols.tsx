// Variables and functions by name: a variable opens its history, a function its first call; an
// expression (`table.checksum`, `items[2]`, a local's name) opens its history as it designates
// memory at this moment. Enter picks the best match.
import { useState } from 'preact/hooks';
import { fetchCalls, fetchSymbols, type SymbolDoc } from '../api';
import { Panel, Status } from '../components/Panel';
import { message, useAsync, useDebounced } from '../hooks';
import { isExpression } from '../route';
import { go, select, type View } from './context';
import { frameAt } from './Variables';

/** What Enter picks: the symbol of that exact name, else an expression, else the first match. */
export function bestPick(q: string, symbols: SymbolDoc[]): SymbolDoc | 'expression' | undefined {
  const name = q.trim();
  if (!name) return undefined;
  const exact = symbols.filter((s) => s.name === name);
  if (exact.length) return exact.find((s) => s.kind === 'variable') ?? exact[0];
  if (isExpression(name)) return 'expression';
  return symbols[0] ?? 'expression';
}

export function SymbolsPanel({ view }: { view: View }) {
  const { route } = view;
  const [q, setQ] = useState('');
  const [error, setError] = useState<string>();
  const settled = useDebounced(q, 150);
  const symbols = useAsync(
    () => (isExpression(settled) ? Promise.resolve({ symbols: [] }) : fetchSymbols(route.traceId, settled)),
    [route.traceId, settled],
  );
  const expr = q.trim();
  const offerExpression = expr !== '' && (isExpression(expr) || !symbols.data?.symbols.some((s) => s.name === expr && s.kind === 'variable'));
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
  /** The expression's history, as it designates memory at this moment in the frame looked at. */
  const openExpression = () => {
    setError(undefined);
    const at = frameAt(view);
    select(route, { expr, at: route.step, frame: at?.frame ?? route.frame ?? 0, ...(route.tid !== undefined ? { tid: route.tid } : {}) });
  };
  const pickBest = async () => {
    const list = settled === q && symbols.data ? symbols.data.symbols : isExpression(expr) ? [] : (await fetchSymbols(route.traceId, expr)).symbols;
    const best = bestPick(q, list);
    if (best === 'expression') openExpression();
    else if (best) open(best);
  };
  return (
    <Panel id="symbols" title="Symbols">
      <form
        class="search-form"
        onSubmit={(e) => {
          e.preventDefault();
          pickBest().catch((err) => setError(message(err)));
        }}
      >
        <input
          id="symbol-search"
          class="search mono"
          placeholder="variable, function or expression ( / ), Enter"
          title="A variable opens its history, a function its first call; an expression (table.checksum, items[2]) its history from this moment. Enter picks the exact or first match."
          value={q}
          onInput={(e) => setQ((e.target as HTMLInputElement).value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') (e.currentTarget as HTMLInputElement).blur();
          }}
          data-testid="symbol-search"
        />
      </form>
      <Status error={error ?? symbols.error} loading={symbols.loading && !symbols.data} />
      <div class="symbols" data-testid="symbols">
        {offerExpression && (
          <button class="symbol" onClick={openExpression} data-testid="symbol-expression" title={`Every write to ${expr}, as it designates memory at step ${route.step}`}>
            <span class="kind variable">expr</span>
            <span class="mono">{expr}</span>
            <span class="muted">history from this moment</span>
            <span />
          </button>
        )}
        {!isExpression(settled) &&
          symbols.data?.symbols.map((s) => (
            <button class="symbol" key={s.name + s.addr} onClick={() => open(s)} data-testid="symbol" title={`${s.name}: ${s.type ?? s.kind}, ${s.size} bytes at ${s.addr} in ${s.module}`}>
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
