package dev.omniscope.indexer.dataflow;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import dev.omniscope.trace.Registers;

/**
 * Names of registers and their parts, as an x86-64 assembler writes them (rax, eax, ax, al, ah,
 * r8d, sil, xmm3), over the index's register ids ({@link Registers}): a name to the bytes it
 * covers, and bytes back to a name.
 */
final class RegisterNames {
    /** A named part: register row id, first byte, size. */
    record Part(int id, int offset, int length) {}

    private static final Map<String, Part> BY_NAME = new HashMap<>();
    private static final Map<Part, String> BY_PART = new HashMap<>();

    static {
        String[][] legacy = {{"rax", "eax", "ax", "al", "ah"}, {"rbx", "ebx", "bx", "bl", "bh"}, {"rcx", "ecx", "cx", "cl", "ch"},
                {"rdx", "edx", "dx", "dl", "dh"}, {"rsi", "esi", "si", "sil", null}, {"rdi", "edi", "di", "dil", null},
                {"rbp", "ebp", "bp", "bpl", null}, {"rsp", "esp", "sp", "spl", null}};
        int[] ids = {Registers.RAX, Registers.RBX, Registers.RCX, Registers.RDX, Registers.RSI, Registers.RDI, Registers.RBP, Registers.RSP};
        for (int i = 0; i < legacy.length; i++) {
            add(legacy[i][0], ids[i], 0, 8);
            add(legacy[i][1], ids[i], 0, 4);
            add(legacy[i][2], ids[i], 0, 2);
            add(legacy[i][3], ids[i], 0, 1);
            if (legacy[i][4] != null) add(legacy[i][4], ids[i], 1, 1);
        }
        int[] numbered = {Registers.R8, Registers.R9, Registers.R10, Registers.R11, Registers.R12, Registers.R13, Registers.R14, Registers.R15};
        for (int n = 8; n <= 15; n++) {
            int id = numbered[n - 8];
            add("r" + n, id, 0, 8);
            add("r" + n + "d", id, 0, 4);
            add("r" + n + "w", id, 0, 2);
            add("r" + n + "b", id, 0, 1);
        }
        for (int x = 0; x < Registers.XMM_COUNT; x++) add("xmm" + x, Registers.XMM0 + x, 0, 16);
        add("rip", Registers.RIP, 0, 8);
        add("eflags", Registers.EFLAGS, 0, 8);
        BY_NAME.put("rflags", new Part(Registers.EFLAGS, 0, 8));
        add("fs_base", Registers.FS_BASE, 0, 8);
        add("gs_base", Registers.GS_BASE, 0, 8);
        add("mxcsr", Registers.MXCSR, 0, 4);
    }

    private RegisterNames() {}

    private static void add(String name, int id, int offset, int length) {
        Part p = new Part(id, offset, length);
        BY_NAME.put(name, p);
        BY_PART.put(p, name);
    }

    /** The part a name (any case) names, or null. */
    static Part parse(String name) {
        return name == null ? null : BY_NAME.get(name.trim().toLowerCase(Locale.ROOT));
    }

    /** The assembler's name of bytes [offset, offset + length) of register {@code id}, or "rax bytes 2-3". */
    static String name(int id, int offset, int length) {
        String n = BY_PART.get(new Part(id, offset, length));
        if (n != null) return n;
        String whole = BY_PART.getOrDefault(new Part(id, 0, id >= Registers.XMM0 && id < Registers.XMM0 + Registers.XMM_COUNT ? 16 : 8),
                Registers.name(id));
        return length == 1 ? whole + " byte " + offset : whole + " bytes " + offset + "-" + (offset + length - 1);
    }
}
