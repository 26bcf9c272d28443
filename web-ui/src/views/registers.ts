// Which registers the Registers panel shows: the general ones always, the vector, x87 and segment
// ones (xmm0..15, mxcsr, fs_base, gs_base, cs, ds...) behind a toggle, kept in localStorage.

const GENERAL = ['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp', 'rsp', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15', 'rip', 'eflags'];

/** Register names in display order: the general ones first, then the rest as the server lists them. */
export function registerOrder(names: string[]): string[] {
  const rest = names.filter((n) => !GENERAL.includes(n));
  return [...GENERAL.filter((n) => names.includes(n)), ...rest];
}

/** The registers of the toggle's first state: the general-purpose ones, rip and eflags. */
export const isGeneral = (name: string) => GENERAL.includes(name);

/** The registers whose values differ between two snapshots. */
export function changedRegisters(now: Record<string, string>, before?: Record<string, string>): Set<string> {
  const changed = new Set<string>();
  if (!before) return changed;
  for (const [k, v] of Object.entries(now)) if (before[k] !== undefined && before[k] !== v) changed.add(k);
  return changed;
}

const KEY = 'omni.registers.all';

export function showAllRegisters(): boolean {
  try {
    return localStorage.getItem(KEY) === 'true';
  } catch {
    return false;
  }
}

export function setShowAllRegisters(all: boolean): void {
  try {
    localStorage.setItem(KEY, String(all));
  } catch {
    // the choice holds until the page is left
  }
}
