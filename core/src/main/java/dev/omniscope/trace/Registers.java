package dev.omniscope.trace;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The one list of register ids. General-purpose registers as the kernel's {@code struct
 * user_regs_struct} lays them out: 27 64-bit values, the form ptrace reads, the trace stores and
 * the emulator takes (native/replay/emu.h, {@code OMNI_R15...}). Register rows (the emulator's
 * trace, the index's {@code reg_changes}) use the same ids plus {@link #XMM0}{@code + n} for xmm
 * n and {@link #MXCSR}. RegisterListTest (indexer) checks all of it against emu.h.
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

    /** Register-row ids beyond the 27: xmm n is {@code XMM0 + n} (n below {@link #XMM_COUNT}), and mxcsr. */
    public static final int XMM0 = 32, XMM_COUNT = 16, MXCSR = 48;

    private static final int[] ROW_IDS = IntStream.rangeClosed(0, MXCSR).filter(Registers::isRow).toArray();

    /** The integer argument registers of the System V ABI, in order (the syscall ABI uses r10 for the fourth). */
    public static final int[] CALL_ARGS = {RDI, RSI, RDX, RCX, R8, R9};
    public static final int[] SYSCALL_ARGS = {RDI, RSI, RDX, R10, R8, R9};

    private Registers() {}

    /** The name of a register id: "rax", "eflags", "orig_rax" (0..26), "xmm3", "mxcsr". */
    public static String name(int id) {
        if (id >= 0 && id < COUNT) return NAMES.get(id);
        if (id >= XMM0 && id < XMM0 + XMM_COUNT) return "xmm" + (id - XMM0);
        if (id == MXCSR) return "mxcsr";
        throw new IllegalArgumentException("no register " + id);
    }

    /**
     * Whether a register row can hold this id (docs/index-format.md): a general register but
     * orig_rax and the segment selectors (rip included: the index records it where the blocks do
     * not imply it), xmm0..15 or mxcsr.
     */
    public static boolean isRow(int id) {
        return switch (id) {
            case ORIG_RAX, CS, SS, DS, ES, FS, GS -> false;
            default -> id >= 0 && id < COUNT || id >= XMM0 && id < XMM0 + XMM_COUNT || id == MXCSR;
        };
    }

    /** Every register-row id ({@link #isRow}), ascending; a fresh array. */
    public static int[] rowIds() {
        return ROW_IDS.clone();
    }

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
