package dev.omniscope.indexer.emu;

/**
 * Indexes into the register array of {@link Emulator#regs()}: {@code struct user_regs_struct}
 * order, as ptrace and the recorder use it. Register rows of the trace use the same numbers, plus
 * {@link #XMM0}{@code + n} and {@link #MXCSR}.
 */
public final class Reg {
    public static final int R15 = 0, R14 = 1, R13 = 2, R12 = 3, RBP = 4, RBX = 5, R11 = 6, R10 = 7,
            R9 = 8, R8 = 9, RAX = 10, RCX = 11, RDX = 12, RSI = 13, RDI = 14, ORIG_RAX = 15,
            RIP = 16, CS = 17, EFLAGS = 18, RSP = 19, SS = 20, FS_BASE = 21, GS_BASE = 22,
            DS = 23, ES = 24, FS = 25, GS = 26;
    public static final int COUNT = 27;
    public static final int XMM0 = EmuNative.OMNI_REG_XMM0;
    public static final int MXCSR = EmuNative.OMNI_REG_MXCSR;

    private static final String[] NAMES = {"r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8",
        "rax", "rcx", "rdx", "rsi", "rdi", "orig_rax", "rip", "cs", "eflags", "rsp", "ss", "fs_base", "gs_base",
        "ds", "es", "fs", "gs"};

    private Reg() {}

    /** The register's name: "rax", "eflags", "xmm3", "mxcsr". */
    public static String name(int id) {
        if (id >= 0 && id < COUNT) return NAMES[id];
        if (id >= XMM0 && id < XMM0 + 16) return "xmm" + (id - XMM0);
        if (id == MXCSR) return "mxcsr";
        throw new IllegalArgumentException("no register " + id);
    }
}
