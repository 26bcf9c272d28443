import { describe, expect, it } from 'vitest';
import { commandLine, formatWhen, shortExit } from './TraceRow';

describe('trace list rows', () => {
  it('names the program and quotes its arguments as a shell takes them', () => {
    expect(commandLine({ id: 'x', command: '', executable: '/usr/bin/grep', arguments: ['grep', '-n', 'two words', "it's"] })).toEqual({
      program: 'grep',
      args: `-n 'two words' 'it'\\''s'`,
    });
  });

  it('falls back to the command line when the server gives no arguments', () => {
    expect(commandLine({ id: 'x', command: '/b/demo_bug -v 3', executable: '/b/demo_bug' })).toEqual({ program: 'demo_bug', args: '-v 3' });
    expect(commandLine({ id: 'abc', command: '', executable: '' })).toEqual({ program: 'abc', args: '' });
  });

  it('says how the program ended, briefly', () => {
    expect(shortExit('exited with status 0')).toBe('0');
    expect(shortExit('exited with status 3')).toBe('3');
    expect(shortExit('killed by SIGSEGV')).toBe('SIGSEGV');
    expect(shortExit(null)).toBe('unfinished');
    expect(shortExit(undefined)).toBe('—');
  });

  it('writes today\'s uploads by their time, older ones with their date', () => {
    const now = new Date(2026, 11, 8, 15, 0, 0);
    expect(formatWhen(new Date(2026, 11, 8, 9, 5, 7), now)).toBe('today 09:05:07');
    expect(formatWhen(new Date(2026, 10, 30, 23, 59, 1), now)).toBe('2026-11-30 23:59:01');
  });
});
