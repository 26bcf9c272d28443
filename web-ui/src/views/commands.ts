// What the trace view's keys and buttons do: moves, the previous and next write, frames up and
// down, data flow questions, dialogs. Their outcomes that are not a new moment (nowhere to go, a
// hint, a failure) come back as notices.
import { useEffect, useRef, useState } from 'preact/hooks';
import { fetchMove, type HistoryEntry, type MoveKind } from '../api';
import { readFlowAttr, selectionQuestion } from '../dataflow';
import { message } from '../hooks';
import type { Rows } from '../paging';
import { go, type View } from './context';
import { askOrigin, askUses } from './DataFlow';
import { adjacentWrite } from './History';
import { moveFor, typing } from './keys';
import { focusStepBox } from './NowBar';

export interface Notice {
  text: string;
  /** info: a hint or why nothing happened; error: a request failed. */
  kind: 'info' | 'error';
}

export function useCommands(view: View, history: { current?: Rows<HistoryEntry> }, dialogs: { help: () => void; share: () => void }) {
  const { route } = view;
  const [notice, setNotice] = useState<Notice>();
  const [busy, setBusy] = useState(false);
  const info = (text: string) => setNotice({ text, kind: 'info' });
  const failed = (e: unknown) => setNotice({ text: message(e), kind: 'error' });
  useEffect(() => setNotice(undefined), [route.step, route.traceId]);

  const moving = useRef(false);
  const move = (to: MoveKind) => {
    if (moving.current) return; // a key held down: one move at a time, each from where the last one landed
    moving.current = true;
    setBusy(true);
    fetchMove(route.traceId, route.step, to, route.tid).then(
      (m) => {
        moving.current = false;
        setBusy(false);
        if (m.step === null) return info(m.reason ?? 'There is no such moment from here.');
        go(route, { step: BigInt(m.step), tid: route.tid === undefined ? undefined : m.tid });
      },
      (e) => {
        moving.current = false;
        setBusy(false);
        failed(e);
      },
    );
  };
  const write = (direction: -1 | 1) => {
    if (!route.selection) return info('Nothing is selected: pick a variable (Variables: history, or Symbols) or select bytes in Memory; then [ and ] go to its previous and next write.');
    adjacentWrite(route.traceId, history.current, route.selection, route.step, direction, route.historyPid).then(
      (e) => (e ? go(route, { step: BigInt(e.step), tid: route.tid === undefined ? undefined : e.tid }) : info(direction < 0 ? 'No earlier write.' : 'No later write.')),
      failed,
    );
  };
  /** gdb's up (+1: the caller) and down (-1): selects the next frame out or in, keeping the moment. */
  const upDown = (direction: -1 | 1) => {
    const list = view.frames?.frames;
    if (!list || !view.frame) return;
    const i = list.findIndex((f) => f.index === view.frame!.index) + direction;
    if (i < 0 || i >= list.length) return info(direction > 0 ? 'This is the outermost frame.' : 'This is the innermost frame.');
    setNotice(undefined);
    go(route, { frame: list[i].index });
  };
  /** `w` (where from) and `W` (where to): the focused row's value, else the selection at this moment. */
  const flow = (direction: 'origin' | 'uses') => {
    const focused = (document.activeElement as HTMLElement | null)?.closest('[data-flow]');
    const q = readFlowAttr(focused?.getAttribute('data-flow')) ?? selectionQuestion(view);
    if (!q) return info("Select a value first (a variable's history, bytes in memory, a row of a panel): then w asks where it came from, W where it went.");
    setNotice(undefined);
    (direction === 'origin' ? askOrigin : askUses)(route, q);
  };
  const latest = useRef({ move, write, upDown, flow, dialogs });
  latest.current = { move, write, upDown, flow, dialogs };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (typing(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      const to = moveFor(e.key);
      if (to) {
        e.preventDefault();
        return latest.current.move(to);
      }
      switch (e.key) {
        case '[':
          return latest.current.write(-1);
        case ']':
          return latest.current.write(1);
        case 'u':
          return latest.current.upDown(1);
        case 'd':
          return latest.current.upDown(-1);
        case 'w':
          return latest.current.flow('origin');
        case 'W':
          return latest.current.flow('uses');
        case '?':
          return latest.current.dialogs.help();
        case 's':
          return latest.current.dialogs.share();
        case '/':
          e.preventDefault();
          return document.getElementById('symbol-search')?.focus();
        case 'g':
          e.preventDefault();
          return focusStepBox();
      }
    };
    const onWrite = (e: Event) => latest.current.write((e as CustomEvent).detail);
    addEventListener('keydown', onKey);
    addEventListener('omni:write', onWrite);
    return () => {
      removeEventListener('keydown', onKey);
      removeEventListener('omni:write', onWrite);
    };
  }, []);

  return { notice, setNotice, busy, move };
}
