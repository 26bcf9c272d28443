import { describe, expect, it } from 'vitest';
import type { ProcessInfo } from './api';
import { exitLabel, laneLayout, processColour, processOfThread, processTree, programName, rowAt, threadAlive, PROCESS_COLOURS } from './processes';

const proc = (pid: number, parent: number | null, extra: Partial<ProcessInfo> = {}): ProcessInfo => ({
  pid,
  parent,
  forkStep: parent === null ? null : 100,
  forkTid: parent,
  start: parent === null ? 0 : 101,
  end: 1000,
  exit: 'exited with status 0',
  exitCode: 0,
  signal: null,
  programs: [{ path: '/work/native/build/tests/fork_exec_wait', argv: ['fork_exec_wait'], step: 0 }],
  threads: [{ tid: pid, start: parent === null ? 0 : 101, end: 1000 }],
  ...extra,
});

// fork_exec_wait: the parent, a child that execs /bin/echo at step 300, a second child that exits 7
const parent = proc(10, null, { threads: [{ tid: 10, start: 0, end: 1000 }, { tid: 13, start: 50, end: 60 }] });
const echo = proc(11, 10, {
  end: 400,
  programs: [
    { path: '/work/native/build/tests/fork_exec_wait', argv: ['fork_exec_wait'], step: 101 },
    { path: '/usr/bin/echo', argv: ['echo', 'child says hi'], step: 300 },
  ],
});
const second = proc(12, 10, { exitCode: 7, exit: 'exited with status 7', forkStep: 500, start: 501, threads: [{ tid: 12, start: 501, end: 520 }] });
const all = [parent, echo, second];

describe('processes', () => {
  it('have a colour each, by order of appearance', () => {
    expect(processColour(11, [10, 11, 12])).toBe(PROCESS_COLOURS[1]);
    expect(processColour(10, [10, 11, 12])).not.toBe(processColour(11, [10, 11, 12]));
    expect(PROCESS_COLOURS).toContain(processColour(4242));
  });

  it('run a program at each step: the one exec started last', () => {
    expect(programName(echo, 200)).toBe('fork_exec_wait');
    expect(programName(echo, 300)).toBe('echo');
    expect(programName(echo)).toBe('echo');
  });

  it('own their threads, alive from their start to their end', () => {
    expect(processOfThread(all, 13)?.pid).toBe(10);
    expect(processOfThread(all, 12)?.pid).toBe(12);
    expect(threadAlive(all, 12, 500)).toBe(false);
    expect(threadAlive(all, 12, 501)).toBe(true);
    expect(threadAlive(all, 12, 521)).toBe(false);
    expect(threadAlive(all, 99, 5)).toBe(true);
    expect(threadAlive(undefined, 12, 5)).toBe(true);
  });

  it('make a tree of forks, children under their parent in order', () => {
    const grandchild = proc(14, 11, { forkStep: 250 });
    const tree = processTree([parent, echo, second, grandchild]);
    expect(tree.map((n) => [n.process.pid, n.depth])).toEqual([
      [10, 0],
      [11, 1],
      [14, 2],
      [12, 1],
    ]);
    expect(tree[0].children.map((c) => c.process.pid)).toEqual([11, 12]);
    // a parent the trace does not have (the recording started under a shell): a root
    expect(processTree([proc(20, 1)]).map((n) => n.depth)).toEqual([0]);
  });

  it('say how they ended', () => {
    expect(exitLabel(second)).toBe('exit 7');
    expect(exitLabel(proc(5, null, { exitCode: null, signal: 'SIGSEGV', exit: 'killed by SIGSEGV' }))).toBe('SIGSEGV');
    expect(exitLabel(proc(5, null, { exitCode: null, exit: null, end: null }))).toBe('alive at the end');
  });
});

describe('the timeline\'s lanes', () => {
  it('are a band per process with a lane per thread inside, in order of appearance', () => {
    const rows = laneLayout(all, [{ pid: 10, tid: 10 }], 14, 12);
    expect(rows.map((r) => (r.kind === 'process' ? `p${r.pid}@${r.top}` : `t${r.tid}@${r.top}`))).toEqual([
      'p10@0',
      't10@14',
      't13@26',
      'p11@38',
      't11@52',
      'p12@64',
      't12@78',
    ]);
    expect(rowAt(rows, 30)).toMatchObject({ kind: 'thread', tid: 13 });
    expect(rowAt(rows, 40)).toMatchObject({ kind: 'process', pid: 11 });
    expect(rowAt(rows, 90)).toBeUndefined();
  });

  it('come from the timeline\'s tasks alone without a processes document, and add threads only the tasks know of', () => {
    const rows = laneLayout(undefined, [{ pid: 7, tid: 8 }, { pid: 7, tid: 7 }, { pid: 9, tid: 9 }], 14, 12);
    expect(rows.map((r) => (r.kind === 'process' ? `p${r.pid}` : `t${r.tid}`))).toEqual(['p7', 't7', 't8', 'p9', 't9']);
    const more = laneLayout([parent], [{ pid: 10, tid: 15 }], 14, 12);
    expect(more.filter((r) => r.kind === 'thread').map((r) => (r as { tid: number }).tid)).toEqual([10, 13, 15]);
  });
});

describe('argv', () => {
  it('reads as a shell command', async () => {
    const { shellWords } = await import('./processes');
    expect(shellWords(['echo', 'child says hi'])).toBe("echo 'child says hi'");
    expect(shellWords(['a', "it's", ''])).toBe("a 'it'\\''s' ''");
  });
});
