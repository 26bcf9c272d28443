// The registers of the moment's thread, those the previous instruction changed marked; the vector
// and segment registers behind a toggle.
import { useState } from 'preact/hooks';
import { fetchRegisters } from '../api';
import { Panel } from '../components/Panel';
import { flowAttr } from '../dataflow';
import { useAsync } from '../hooks';
import type { FlowQuestion } from '../route';
import { type View } from './context';
import { askOrigin } from './DataFlow';
import { changedRegisters, isGeneral, registerOrder, setShowAllRegisters, showAllRegisters } from './registers';

export function RegistersPanel({ view }: { view: View }) {
  const m = view.moment;
  const { route } = view;
  const [all, setAll] = useState(showAllRegisters);
  // the same thread one step earlier: what the previous instruction changed
  const previous = useAsync(
    () => (m && m.step > 0 && m.running ? fetchRegisters(route.traceId, BigInt(m.step) - 1n, m.tid) : Promise.resolve(undefined)),
    [route.traceId, m?.step, m?.tid],
  );
  if (!m) return <Panel id="registers" title="Registers">{null}</Panel>;
  const changed = changedRegisters(m.registers, previous.data?.tid === m.tid ? previous.data.registers : undefined);
  const names = registerOrder(Object.keys(m.registers));
  const hidden = names.filter((n) => !isGeneral(n));
  const hiddenChanged = hidden.filter((n) => changed.has(n)).length;
  const toggle = () => {
    setShowAllRegisters(!all);
    setAll(!all);
  };
  return (
    <Panel
      id="registers"
      title={<>Registers <span class="muted">tid {m.tid}{m.running ? '' : ' (waiting)'}</span></>}
      tools={
        hidden.length > 0 && (
          <button
            class={all ? 'on' : ''}
            title={all ? 'Show the general registers only' : `Show the vector and segment registers too: ${hidden.join(', ')}`}
            onClick={toggle}
            data-testid="registers-all"
          >
            {all ? 'fewer' : `+${hidden.length}`}
            {!all && hiddenChanged > 0 && <span class="changed-count"> ({hiddenChanged} changed)</span>}
          </button>
        )
      }
    >
      <div class="registers" data-testid="registers">
        {names
          .filter((name) => all || isGeneral(name))
          .map((name) => {
            const q: FlowQuestion = { reg: name, step: BigInt(m.step), tid: m.tid };
            const value = m.registers[name];
            return (
              <div
                class={'reg' + (changed.has(name) ? ' changed' : '') + (value.length > 18 ? ' wide' : '')}
                key={name}
                data-testid={`reg-${name}`}
                data-changed={changed.has(name) || undefined}
                data-flow={flowAttr(q)}
              >
                <button class="name" title={`Where did ${name}'s value come from? (w)`} onClick={() => askOrigin(route, q)} data-testid="reg-origin">
                  {name}
                </button>
                <span class="mono value" title={value}>
                  {value}
                </span>
              </div>
            );
          })}
      </div>
    </Panel>
  );
}
