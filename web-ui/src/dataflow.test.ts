import { describe, expect, it } from 'vitest';
import type { HistoryEntry, OriginNode } from './api';
import { DEFAULT_PANELS, type Moment } from './route';
import {
  copyLabel,
  flowAttr,
  flowParams,
  initialText,
  nodeDetail,
  nodeLine,
  nodeMoment,
  nodeWhat,
  parseToken,
  questionLabel,
  questionPlace,
  questionStep,
  readFlowAttr,
  selectionQuestion,
  writtenQuestion,
  shortLocation,
  syscallText,
  treeKey,
  treeRows,
  viaSummary,
  type Loaded,
} from './dataflow';

const node = (n: Partial<OriginNode> & { kind: OriginNode['kind'] }): OriginNode => ({ inputs: [], via: [], ...n });

// The demo's answer at the step after strcpy wrote balance's low byte (trimmed): one byte from the
// string literal by strcpy in set_owner, the others computed by deposit's add.
const strcpy = node({
  kind: 'copy',
  step: 124689,
  tid: 7,
  function: 'set_owner',
  file: '/src/demo_bug.c',
  line: 37,
  disassembly: 'call strcpy',
  location: 'balance (0x555555558038, 1 byte)',
  value: '0x0',
  routine: 'strcpy',
  caller: 'set_owner',
  node: 'm.7.555555558038.1.124754',
});
const literal = node({
  kind: 'initial',
  step: -1,
  pid: 7,
  location: '0x555555556016 (1 byte)',
  value: '0x0',
  initial: { what: 'image', module: '/work/native/build/tests/demo_bug', segment: 'read-only data', file_offset: 8214, length: 1 },
  node: 'm.7.555555556016.1.124689',
  via: [strcpy],
});
const movs = ['mov eax, dword ptr [rbp - 4]', 'mov dword ptr [rbp - 4], edi', 'mov edi, eax', 'mov eax, dword ptr [rax + 0x10]'].map((d, i) =>
  node({ kind: 'copy', step: 123676 - i, tid: 7, function: i < 2 ? 'deposit' : 'main', disassembly: d, location: 'eax', value: '0x28' }),
);
const amount = node({ kind: 'initial', step: -1, operand: 'eax', location: 'day+112 (0x555555557d90, 4 bytes)', value: '0x28', initial: { what: 'image', module: '/p/demo_bug', symbol: 'day+112', segment: 'read-only data', file_offset: 11664 }, via: movs });
const older = node({ kind: 'compute', step: 122663, tid: 7, operand: 'edx', function: 'withdraw', disassembly: 'sub eax, dword ptr [rbp - 4]', location: 'eax', value: '0x276', node: 'r.7.10.0.4.122664', expand: true });
const add = node({
  kind: 'compute',
  step: 123677,
  tid: 7,
  function: 'deposit',
  file: '/src/demo_bug.c',
  line: 43,
  disassembly: 'add eax, edx',
  location: 'rax bytes 1-3',
  value: '0x2',
  node: 'r.7.10.1.3.123678',
  inputs: [amount, older],
});
const root = node({ kind: 'copy', step: 124754, pid: 7, location: 'balance (0x555555558038, 4 bytes)', value: '0x200', note: 'its bytes come from 2 places', node: 'm.7.555555558038.4.124754', inputs: [literal, add] });

describe('a node in one row', () => {
  it('names a place by its symbol and size, an address with its size, a register as it is', () => {
    expect(shortLocation('balance (0x555555558038, 4 bytes)')).toBe('balance (4 B)');
    expect(shortLocation('balance+1 (0x555555558039, 3 bytes)')).toBe('balance+1 (3 B)');
    expect(shortLocation('0x555555556016 (1 byte)')).toBe('0x555555556016 (1 B)');
    expect(shortLocation('rax bytes 1-3')).toBe('rax bytes 1-3');
    expect(nodeWhat(root)).toBe('balance (4 B) = 0x200');
    expect(nodeWhat(root, false)).toBe('balance (0x555555558038, 4 bytes) = 0x200');
    expect(nodeWhat({ location: 'eax' })).toBe('eax');
  });

  it('says what a leaf is: the image, argv, the environment, a file read', () => {
    expect(nodeDetail(literal)).toBe('image: .../demo_bug read-only data (file offset 8214)');
    expect(nodeDetail(amount)).toBe('image: .../demo_bug day+112 in read-only data (file offset 11664)');
    expect(initialText({ what: 'argv', index: 2, text: '7', offset: 0 })).toBe('argv[2] "7"');
    expect(initialText({ what: 'envp', index: 5, name: 'DATAFLOW_SECRET', text: 'DATAFLOW_SECRET=x' })).toBe('environment DATAFLOW_SECRET');
    expect(initialText({ what: 'argv', index: 1, pointer: true })).toBe('the pointer argv[1]');
    expect(initialText({ what: 'argv', argc: 3 })).toBe('argc (3)');
    expect(initialText({ what: 'auxv', type: 'AT_RANDOM' })).toBe('auxiliary vector AT_RANDOM');
    expect(initialText({ what: 'mapping', path: '/data/in.bin', offset: 4096 })).toBe('mapping of /data/in.bin at offset 4096');
    expect(initialText({ what: 'mapping', path: 'anonymous memory, as it was at exec' })).toBe('anonymous memory, as it was at exec');
    expect(syscallText({ name: 'read', fd: 3, path: '/path/file', offset: 16, length: 4, result: 4 })).toBe('read of /path/file at offset 16 (4 bytes)');
    expect(syscallText({ name: 'read', fd: 0, path: null, offset: null, length: 1 })).toBe('read from fd 0 (1 byte)');
    expect(syscallText({ name: 'rdtsc' })).toBe('rdtsc');
    expect(syscallText({ name: 'getpid', result: 42 })).toBe('getpid returned 42');
    expect(nodeDetail(node({ kind: 'syscall', disassembly: 'syscall', syscall: { name: 'read', fd: 3, path: '/in', offset: 0, length: 2 } }))).toBe('read of /in at offset 0 (2 bytes)');
    // a long path is cut to its end in the row, whole in its tooltip
    const read = node({ kind: 'syscall', function: 'read', step: 5, syscall: { name: 'read', fd: 3, path: '/work/ui/native/testprogs/dataflow_input.bin', offset: 16, length: 4 } });
    expect(nodeDetail(read)).toBe('read of .../dataflow_input.bin at offset 16 (4 bytes)');
    expect(nodeLine(read)).toContain('read of /work/ui/native/testprogs/dataflow_input.bin at offset 16 (4 bytes)');
  });

  it('shows the instruction of a computation, the routine of a copy, the note of a constant', () => {
    expect(nodeDetail(add)).toBe('add eax, edx');
    expect(nodeDetail(strcpy)).toBe('strcpy in set_owner');
    expect(nodeDetail(root)).toBe('its bytes come from 2 places');
    expect(nodeDetail(node({ kind: 'constant', disassembly: 'xor esi, esi', note: '0 (xor esi, esi)' }))).toBe('0 (xor esi, esi)');
    expect(nodeDetail(node({ kind: 'unknown', note: 'the index does not keep fs_base' }))).toBe('the index does not keep fs_base');
  });

  it('links a node to its moment, but not what was there from the start', () => {
    expect(nodeMoment(add)).toEqual({ step: 123677n, tid: 7 });
    expect(nodeMoment(literal)).toBeUndefined();
    expect(nodeMoment(root)).toEqual({ step: 124754n });
    // the server writes unknown fields as null
    expect(nodeMoment({ step: 5, tid: null })).toEqual({ step: 5n });
    expect(nodeMoment({ step: null, tid: 3 })).toBeUndefined();
    expect(nodeWhat({ location: 'eax', value: null })).toBe('eax');
    expect(nodeDetail(node({ kind: 'initial', step: null, tid: null, function: null, file: null, line: null, initial: { what: 'argv', argc: null, index: 1, text: 'x' } }))).toBe('argv[1] "x"');
    expect(nodeLine(add)).toBe('compute · rax bytes 1-3 = 0x2 · deposit src/demo_bug.c:43 · add eax, edx · step 123\u2009677');
    expect(nodeLine(literal)).toContain('from the start');
  });
});

describe('copy chains', () => {
  it('fold into one line: a routine by its caller, instructions by their text, with the count', () => {
    expect(viaSummary([])).toBeUndefined();
    expect(viaSummary([strcpy])).toBe('via strcpy in set_owner');
    expect(viaSummary(movs)).toBe('copied 4 times: mov eax, dword ptr [rbp - 4] · mov dword ptr [rbp - 4], edi · mov edi, eax · mov eax, dword ptr [rax + 0x10]');
    expect(viaSummary([movs[0], node({ kind: 'copy', routine: 'memcpy', function: 'memcpy', caller: 'main' })])).toBe('copied 2 times: mov eax, dword ptr [rbp - 4] · memcpy in main');
    expect(copyLabel(node({ kind: 'copy', location: 'eax' }))).toBe('eax');
  });
});

describe('the tree as shown', () => {
  const none = new Map<string, boolean>();
  const nothing = new Map<string, Loaded>();

  it('opens the first levels, folds copy chains under their node, and leaves lazy nodes closed', () => {
    const rows = treeRows(root, none, nothing);
    expect(rows.map((r) => `${r.type} ${r.path} ${r.depth}`)).toEqual([
      'node r 0',
      'node r.0 1',
      'via r.0~ 2',
      'node r.1 1',
      'node r.1.0 2',
      'via r.1.0~ 3',
      'node r.1.1 2',
    ]);
    const lazy = rows.find((r) => r.path === 'r.1.1')!;
    expect(lazy).toMatchObject({ type: 'node', expandable: true, open: false });
    expect(rows.find((r) => r.path === 'r.0')).toMatchObject({ expandable: false, parent: 'r' });
  });

  it('lists each copy of an opened chain, and hides the inputs of a closed node', () => {
    const rows = treeRows(root, new Map([['r.1.0~', true], ['r.1', false]]), nothing);
    expect(rows.map((r) => r.path)).toEqual(['r', 'r.0', 'r.0~', 'r.1']);
    const open = treeRows(root, new Map([['r.1.0~', true]]), nothing);
    const copies = open.filter((r) => r.type === 'copy');
    expect(copies.map((r) => r.path)).toEqual(['r.1.0~0', 'r.1.0~1', 'r.1.0~2', 'r.1.0~3']);
    expect(copies[0]).toMatchObject({ depth: 4, parent: 'r.1.0~' });
  });

  it('shows a lazy node loading, failed, or with the inputs it was given', () => {
    const opened = new Map([['r.1.1', true]]);
    expect(treeRows(root, opened, new Map([['r.1.1', { loading: true }]])).at(-1)).toMatchObject({ type: 'status', loading: true, parent: 'r.1.1' });
    expect(treeRows(root, opened, new Map([['r.1.1', { error: 'no such node' }]])).at(-1)).toMatchObject({ type: 'status', error: 'no such node' });
    expect(treeRows(root, opened, new Map([['r.1.1', { inputs: [] }]])).at(-1)).toMatchObject({ type: 'status', empty: true });
    const loaded = treeRows(root, opened, new Map([['r.1.1', { inputs: [literal] }]]));
    expect(loaded.slice(-2).map((r) => `${r.type} ${r.path}`)).toEqual(['node r.1.1.0', 'via r.1.1.0~']);
    // once loaded, the node opens by default like the others
    expect(treeRows(root, none, new Map([['r.1.1', { inputs: [literal] }]])).some((r) => r.path === 'r.1.1.0')).toBe(true);
  });

  it('moves with the keys of a tree', () => {
    const rows = treeRows(root, none, nothing);
    expect(treeKey(rows, 0, 'ArrowDown')).toEqual({ focus: 1 });
    expect(treeKey(rows, 0, 'ArrowUp')).toEqual({ focus: 0 });
    expect(treeKey(rows, 3, 'End')).toEqual({ focus: rows.length - 1 });
    expect(treeKey(rows, 3, 'Home')).toEqual({ focus: 0 });
    // an open node: → goes to its first child, ← closes it
    expect(treeKey(rows, 3, 'ArrowRight')).toEqual({ focus: 4 });
    expect(treeKey(rows, 3, 'ArrowLeft')).toEqual({ toggle: { path: 'r.1', open: false } });
    // a closed one: → opens it; a leaf: ← goes to its parent
    expect(treeKey(rows, 6, 'ArrowRight')).toEqual({ toggle: { path: 'r.1.1', open: true } });
    expect(treeKey(rows, 1, 'ArrowLeft')).toEqual({ focus: 0 });
    expect(treeKey(rows, 2, 'ArrowRight')).toEqual({ toggle: { path: 'r.0~', open: true } });
    expect(treeKey(rows, 1, 'x')).toBeUndefined();
  });
});

describe('questions', () => {
  it('become the API parameters', () => {
    expect(flowParams({ expr: 'balance', step: 5n, frame: 1 })).toEqual({ step: 5n, expr: 'balance', frame: 1 });
    expect(flowParams({ reg: 'eax', step: 5n, tid: 3 })).toEqual({ step: 5n, tid: 3, reg: 'eax' });
    expect(flowParams({ addr: 0x555555558038n, len: 4, step: 9n })).toEqual({ step: 9n, addr: '0x555555558038', len: 4 });
    expect(flowParams({ node: 'm.7.10.4.9' })).toEqual({ node: 'm.7.10.4.9' });
  });

  it('read their step and place from node tokens', () => {
    expect(parseToken('m.18440.555555558038.4.124754')).toEqual({ step: 124754n, memory: { pid: 18440, addr: 0x555555558038n, len: 4 } });
    expect(parseToken('r.18440.10.1.3.123678')).toEqual({ step: 123678n, tid: 18440 });
    expect(parseToken('nonsense')).toBeUndefined();
    expect(questionStep({ node: 'r.18440.10.1.3.123678' })).toBe(123678n);
    expect(questionStep({ reg: 'al', step: 3n })).toBe(3n);
    expect(questionLabel({ node: 'm.1.10.4.9' })).toBe('0x10 (4 bytes)');
    expect(questionLabel({ addr: 16n, len: 1, step: 0n })).toBe('0x10 (1 byte)');
    expect(questionLabel({ expr: 'acc->balance', step: 0n, frame: 0 })).toBe('acc->balance');
    // the answer names the place asked about: where the nearest copy put it, else the root's
    expect(questionPlace(root)).toBe('balance (0x555555558038, 4 bytes)');
    expect(questionPlace(literal)).toBe('balance (0x555555558038, 1 byte)');
    expect(questionPlace(amount)).toBe('eax');
  });

  it('round-trip through a row\'s data attribute', () => {
    for (const q of [
      { node: 'm.7.555555558038.4.124754' },
      { expr: 'acc->items[2].name', step: 120931n, frame: 1, tid: 4 },
      { expr: 'x', step: 0n, frame: 0 },
      { reg: 'xmm0', step: 77n, tid: 12 },
      { addr: 0x7ffd1000n, len: 4096, step: 18446744073709551615n },
    ]) {
      expect(readFlowAttr(flowAttr(q))).toEqual(q);
    }
    expect(readFlowAttr(null)).toBeUndefined();
    expect(readFlowAttr('origin=bogus:1')).toBeUndefined();
  });
});

describe('what the panels ask', () => {
  const at = (change: Partial<Moment>): Moment => ({ kind: 'moment', traceId: 't', step: 50n, panels: DEFAULT_PANELS, ...change });

  it('w asks about the selection at the moment: a symbol or an expression by name, a range by its bytes', () => {
    expect(selectionQuestion({ route: at({}) })).toBeUndefined();
    expect(selectionQuestion({ route: at({ selection: { symbol: 'balance' } }), frame: { index: 1 } })).toEqual({ expr: 'balance', frame: 1, step: 50n });
    expect(selectionQuestion({ route: at({ tid: 3, selection: { addr: 16n, len: 4 } }) })).toEqual({ addr: 16n, len: 4, step: 50n, tid: 3 });
    expect(selectionQuestion({ route: at({ selection: { expr: 'acc->balance', at: 50n, frame: 2 } }) })).toEqual({ expr: 'acc->balance', frame: 2, step: 50n });
    // an expression picked at another moment may designate something else now: its bytes, once known
    const elsewhere = at({ selection: { expr: 'acc->balance', at: 40n, frame: 2 } });
    expect(selectionQuestion({ route: elsewhere })).toBeUndefined();
    expect(selectionQuestion({ route: elsewhere, selected: { addr: 32n, len: 8 } })).toEqual({ addr: 32n, len: 8, step: 50n });
  });

  it('a history row asks about the bytes its write wrote, just after it, in its thread', () => {
    const e = { step: 124753, tid: 9, addr: '0x555555558038', size: 1 } as HistoryEntry;
    expect(writtenQuestion(e)).toEqual({ addr: 0x555555558038n, len: 1, step: 124754n, tid: 9 });
  });
});
