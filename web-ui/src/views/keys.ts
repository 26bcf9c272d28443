import type { MoveKind } from '../api';

/** The keyboard shortcuts of the trace view, as the help overlay lists them. */
export const MOVES: { key: string; label: string; to: MoveKind; keys: string[] }[] = [
  { key: '→', label: 'next instruction', to: 'next-instruction', keys: ['ArrowRight'] },
  { key: '←', label: 'previous instruction', to: 'prev-instruction', keys: ['ArrowLeft'] },
  { key: '↓', label: 'next line', to: 'next-line', keys: ['ArrowDown'] },
  { key: '↑', label: 'previous line', to: 'prev-line', keys: ['ArrowUp'] },
  { key: 'i', label: 'step into the call', to: 'step-in', keys: ['i'] },
  { key: 'o', label: 'out of the current call', to: 'out', keys: ['o'] },
  { key: 'a', label: 'to the start of the current call', to: 'call-start', keys: ['a'] },
];

export const OTHER_KEYS: { key: string; label: string }[] = [
  { key: '[', label: 'previous write of the selected value' },
  { key: ']', label: 'next write of the selected value' },
  { key: 'u', label: 'up: select the calling frame (the moment stays)' },
  { key: 'd', label: 'down: select the called frame' },
  { key: 'w', label: 'where did it come from: the origin of the focused row\'s value, else the selected value' },
  { key: 'W', label: 'where did it go: the instructions that read it' },
  { key: 'Enter', label: 'in the Origin tree: go to the focused node\'s moment (↑ ↓ move in the tree, → ← open and close)' },
  { key: 'g', label: 'go to a step: type it, Enter goes, Esc gives up' },
  { key: '/', label: 'search variables, functions or an expression (Enter picks the exact or first match)' },
  { key: 's', label: 'share this moment, bookmarks' },
  { key: '?', label: 'this help' },
  { key: 'Esc', label: 'close a dialog' },
];

/** The move a key press asks for, if any. */
export function moveFor(key: string): MoveKind | undefined {
  return MOVES.find((m) => m.keys.includes(key))?.to;
}

/** Whether a key press belongs to a text field rather than to the shortcuts. */
export function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}
