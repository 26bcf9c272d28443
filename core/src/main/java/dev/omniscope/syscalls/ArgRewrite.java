package dev.omniscope.syscalls;

/**
 * An argument the recorder changes before the kernel sees the call: where the program passed
 * {@code from} as argument {@code arg}, the kernel gets {@code to}. The trace keeps the program's
 * arguments (the replay checks those); what the call did is what the rewritten ones do
 * ({@link Syscall#performedArgs}).
 */
public record ArgRewrite(int arg, long from, long to) {}
