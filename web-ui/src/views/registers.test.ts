import { describe, expect, it } from 'vitest';
import { changedRegisters, isGeneral, registerOrder } from './registers';

describe('registers', () => {
  it('lists the general registers first, in their usual order', () => {
    expect(registerOrder(['xmm0', 'rip', 'fs_base', 'rax', 'eflags', 'r8'])).toEqual(['rax', 'r8', 'rip', 'eflags', 'xmm0', 'fs_base']);
  });

  it('keeps the vector and segment registers behind the toggle', () => {
    expect(['rax', 'r15', 'rip', 'eflags'].every(isGeneral)).toBe(true);
    expect(['xmm0', 'xmm15', 'mxcsr', 'fs_base', 'gs_base', 'cs', 'ss'].some(isGeneral)).toBe(false);
  });

  it('marks the registers that changed', () => {
    expect([...changedRegisters({ rax: '0x1', rbx: '0x2' }, { rax: '0x1', rbx: '0x3' })]).toEqual(['rbx']);
    expect(changedRegisters({ rax: '0x1' }).size).toBe(0);
  });
});
