package dev.omniscope.trace;

import java.util.Arrays;
import java.util.List;

/**
 * General-purpose registers as the kernel's {@code struct user_regs_struct} lays them out: 27
 * 64-bit values, the form ptrace reads and the trace stores.
 */
public final class Registers {
    public static final int COUNT = 27;
    public static final int FP_SIZE = 512; // struct user_fpregs_struct (fxsave)

    public static final int R15 = 0, R14 = 1, R13 = 2, R12 = 3, RBP = 4, RBX = 5, R11 = 6, R10 = 7, R9 = 8, R8 = 9,
            RAX = 10, RCX = 11, RDX = 12, RSI = 13, RDI = 14, ORIG_RAX = 15, RIP = 16, CS = 17, EFLAGS = 18, RSP = 19,
            SS = 20, FS_BASE = 21, GS_BASE = 22, DS = 23, ES = 24, FS = 25, GS = 26;

    public static final List<String> NAMES = List.of("r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8",
            "rax", "rcx", "rdx", "rsi", "rdi", "orig_rax", "rip", "cs", "eflags", "rsp", "ss", "fs_base", "gs_base",
            "ds", "es", "fs", "gs");

    /** The integer argument registers of the System V ABI, in order (the syscall ABI uses r10 for the fourth). */
    public static final int[] CALL_ARGS = {RDI, RSI, RDX, RCX, R8, R9};
    public static final int[] SYSCALL_ARGS = {RDI, RSI, RDX, R10, R8, R9};

    private Registers() {}

    public static long[] syscallArgs(long[] regs) {
        long[] args = new long[6];
        for (int i = 0; i < 6; i++) args[i] = regs[SYSCALL_ARGS[i]];
        return args;
    }

    /**
     * Whether two register sets are the same moment for a fingerprint (see trace-format.md): rip
     * and every general register, rsp, fs/gs base. Not eflags: x86 leaves flags undefined after
     * many instructions, and an emulator need not agree with the recording CPU on them.
     */
    public static boolean sameFingerprint(long[] a, long[] b) {
        for (int i = 0; i < COUNT; i++) {
            switch (i) {
                case ORIG_RAX, CS, SS, DS, ES, FS, GS, EFLAGS -> { }
                default -> {
                    if (a[i] != b[i]) return false;
                }
            }
        }
        return true;
    }

    public static String describe(long[] regs) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < COUNT; i++) {
            if (i > 0) sb.append(' ');
            sb.append(NAMES.get(i)).append("=0x").append(Long.toHexString(regs[i]));
        }
        return sb.toString();
    }

    public static long[] copy(long[] regs) {
        return Arrays.copyOf(regs, COUNT);
    }
}
