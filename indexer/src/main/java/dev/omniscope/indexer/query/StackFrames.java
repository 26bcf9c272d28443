package dev.omniscope.indexer.query;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.omniscope.debuginfo.CfiRow;
import dev.omniscope.debuginfo.DebugInfo;
import dev.omniscope.debuginfo.DebugScope;
import dev.omniscope.debuginfo.Dw;
import dev.omniscope.trace.Registers;
import dev.omniscope.values.FrameContext;
import dev.omniscope.values.FrameRegisters;
import dev.omniscope.values.Unwinder;

/**
 * A thread's call stack at a moment as a debugger sees it: frames unwound from the recorded
 * registers with the modules' call frame information (.eh_frame, .debug_frame), as gdb unwinds,
 * so that an outer frame's callee-saved registers are the values its code will see again; a
 * function inlined at a frame's pc is a frame of its own (gdb's inline frames). Where a module has
 * no CFI the calls table stands in (the return address and the stack pointer at the call).
 */
final class StackFrames {
    /** The most frames unwound (a corrupt stack must not loop). */
    static final int MAX_FRAMES = 256;

    /**
     * One frame: its registers (DWARF numbering; an absent register is unknown in this frame), its
     * module, the scopes it shows (outermost first; an inlined frame's end at its inlined scope).
     *
     * @param realIndex    the index of the machine frame it belongs to (inlined frames share one)
     * @param lookupPc     the pc used to look up scopes and lines: pc, or pc - 1 in an outer frame (the call, not the return address)
     */
    record Frame(int index, int realIndex, int pid, int tid, long step, long pc, long lookupPc, Map<Integer, Long> registers,
                 Map<Integer, byte[]> vectors, Long cfa, Symbolizer.ModuleInstance module, DebugInfo debug, List<DebugScope> scopes,
                 boolean inlined, Integer callLine, String callFile) {
        /** The innermost scope that is a function (inlined or not), or null when the frame has no DWARF. */
        DebugScope function() {
            for (int i = scopes.size() - 1; i >= 0; i--) if (scopes.get(i).kind() != DebugScope.Kind.BLOCK) return scopes.get(i);
            return null;
        }
    }

    /** DWARF register number to the index's register id (user_regs_struct order), for the general registers. */
    private static final int[] DWARF_TO_ROW = {Registers.RAX, Registers.RDX, Registers.RCX, Registers.RBX, Registers.RSI, Registers.RDI,
            Registers.RBP, Registers.RSP, Registers.R8, Registers.R9, Registers.R10, Registers.R11, Registers.R12, Registers.R13,
            Registers.R14, Registers.R15, Registers.RIP};

    private final Symbolizer symbols;
    private final DebugModules modules;
    private final MemoryView memory;
    private final IndexStore store;

    StackFrames(Symbolizer symbols, DebugModules modules, MemoryView memory, IndexStore store) {
        this.symbols = symbols;
        this.modules = modules;
        this.memory = memory;
        this.store = store;
    }

    /** The recorded registers (index ids, [value, high]) as DWARF registers. */
    static Map<Integer, Long> dwarfRegisters(Map<Integer, long[]> recorded, long rip) {
        Map<Integer, Long> regs = new HashMap<>();
        for (int d = 0; d < DWARF_TO_ROW.length; d++) {
            long[] v = recorded.get(DWARF_TO_ROW[d]);
            if (v != null) regs.put(d, v[0]);
        }
        regs.put(Dw.REG_RA, rip);
        long[] flags = recorded.get(Registers.EFLAGS);
        if (flags != null) regs.put(Dw.REG_RFLAGS, flags[0]);
        long[] fs = recorded.get(Registers.FS_BASE);
        if (fs != null) regs.put(Dw.REG_FS_BASE, fs[0]);
        long[] gs = recorded.get(Registers.GS_BASE);
        if (gs != null) regs.put(Dw.REG_GS_BASE, gs[0]);
        return regs;
    }

    static Map<Integer, byte[]> vectorRegisters(Map<Integer, long[]> recorded) {
        Map<Integer, byte[]> out = new HashMap<>();
        for (int x = 0; x < Registers.XMM_COUNT; x++) {
            long[] v = recorded.get(Registers.XMM0 + x);
            if (v == null) continue;
            byte[] b = new byte[16];
            for (int i = 0; i < 8; i++) {
                b[i] = (byte) (v[0] >>> (8 * i));
                b[8 + i] = (byte) (v[1] >>> (8 * i));
            }
            out.put(Dw.REG_XMM0 + x, b);
        }
        return out;
    }

    /**
     * The frames of thread {@code tid} (process {@code pid}) at {@code step}, innermost first,
     * from its registers then ({@code rip}: where it is). Stops after main (gdb's default), at a
     * frame whose return address is unknown or zero, or after {@link #MAX_FRAMES}.
     */
    List<Frame> unwind(int pid, int tid, long step, long rip, Map<Integer, long[]> recorded) throws IOException {
        List<Frame> frames = new ArrayList<>();
        Map<Integer, Long> regs = dwarfRegisters(recorded, rip);
        Map<Integer, byte[]> vectors = vectorRegisters(recorded);
        List<Locator.OpenCall> calls = null;
        long pc = rip;
        for (int real = 0; real < MAX_FRAMES && frames.size() < MAX_FRAMES; real++) {
            long lookup = real == 0 ? pc : pc - 1;
            Symbolizer.ModuleInstance module = symbols.moduleInstance(pid, lookup, step);
            DebugInfo debug = module == null ? null : modules.debugInfo(module.path()).orElse(null);
            List<DebugScope> scopes = debug == null ? List.of() : debug.scopesAt(lookup - module.bias());
            Optional<CfiRow> cfi = debug == null ? Optional.empty() : debug.cfiAt(lookup - module.bias());
            Unwinder.Step caller = cfi.isPresent() ? Unwinder.caller(frameRegisters(regs), cfi.get(), memoryAt(pid, step)).orElse(null) : null;
            Long cfa = caller == null ? null : caller.cfa();
            // inline frames: the innermost inlined function first, then the functions it is inlined into
            List<Integer> inlinedAt = new ArrayList<>();
            for (int i = 0; i < scopes.size(); i++) if (scopes.get(i).kind() == DebugScope.Kind.INLINED) inlinedAt.add(i);
            int end = scopes.size();
            Integer callLine = null;
            String callFile = null;
            for (int k = inlinedAt.size() - 1; k >= -1; k--) {
                List<DebugScope> chain = scopes.subList(0, end);
                boolean inlined = k >= 0;
                frames.add(new Frame(frames.size(), real, pid, tid, step, pc, lookup, regs, real == 0 ? vectors : Map.of(), cfa, module,
                        debug, List.copyOf(chain), inlined, callLine, callFile));
                if (k >= 0) {
                    DebugScope in = scopes.get(inlinedAt.get(k));
                    callLine = in.callLine();
                    callFile = in.callFile();
                    end = inlinedAt.get(k);
                }
            }
            if (isMain(scopes, module, lookup, step, pid)) break;
            final Map<Integer, Long> next;
            if (caller != null) {
                next = new HashMap<>();
                for (int d = 0; d < FrameRegisters.COUNT; d++) {
                    int r = d;
                    caller.caller().get(d).ifPresent(v -> next.put(r, v));
                }
                for (int other : new int[] {Dw.REG_FS_BASE, Dw.REG_GS_BASE}) if (regs.containsKey(other)) next.put(other, regs.get(other));
            } else {
                // no CFI: the calls table's innermost open call below this frame gives its return address
                if (calls == null) calls = store.openCalls(tid, step);
                next = fromCalls(regs, calls, pid, step);
                if (next == null) break;
            }
            Long ra = next.get(Dw.REG_RA);
            Long sp = next.get(Dw.REG_RSP);
            Long oldSp = regs.get(Dw.REG_RSP);
            if (ra == null || ra == 0 || sp == null || oldSp != null && Long.compareUnsigned(sp, oldSp) <= 0 && real > 0) break;
            regs = next;
            pc = ra;
        }
        return frames;
    }

    private boolean isMain(List<DebugScope> scopes, Symbolizer.ModuleInstance module, long lookup, long step, int pid) {
        if (!scopes.isEmpty()) return "main".equals(scopes.get(0).name());
        String f = module == null ? null : symbols.functionName(pid, lookup, step);
        return "main".equals(f);
    }

    /** The caller's registers from the calls table: the open call whose stack pointer is the lowest at or above this frame's. */
    private Map<Integer, Long> fromCalls(Map<Integer, Long> regs, List<Locator.OpenCall> calls, int pid, long step) throws IOException {
        Long rsp = regs.get(Dw.REG_RSP);
        if (rsp == null) return null;
        Locator.OpenCall best = null;
        long bestSp = 0;
        for (Locator.OpenCall c : calls) {
            Long sp = c.sp();
            if (sp == null || Long.compareUnsigned(sp, rsp) < 0) continue;
            if (best == null || Long.compareUnsigned(sp, bestSp) < 0) {
                best = c;
                bestSp = sp;
            }
        }
        if (best == null) return null;
        byte[] ra = read(pid, bestSp, 8, step);
        if (ra == null) return null;
        Map<Integer, Long> next = new HashMap<>(regs);
        next.put(Dw.REG_RA, java.nio.ByteBuffer.wrap(ra).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong());
        next.put(Dw.REG_RSP, bestSp + 8);
        for (int scratch : new int[] {Dw.REG_RAX, Dw.REG_RDX, Dw.REG_RCX, Dw.REG_RSI, Dw.REG_RDI, 8, 9, 10, 11}) next.remove(scratch);
        return next;
    }

    static FrameRegisters frameRegisters(Map<Integer, Long> regs) {
        FrameRegisters r = new FrameRegisters();
        for (int d = 0; d < FrameRegisters.COUNT; d++) {
            Long v = regs.get(d);
            if (v != null) r.set(d, v);
        }
        return r;
    }

    /** The process's memory at the moment, as the unwinder reads it. */
    Unwinder.MemoryReader memoryAt(int pid, long step) {
        return (address, length) -> {
            byte[] b;
            try {
                b = read(pid, address, length, step);
            } catch (IOException e) {
                b = null;
            }
            if (b == null) throw new FrameContext.UnreadableMemory(address);
            return b;
        };
    }

    /** Memory of the process at the moment; null when any byte is unmapped. */
    byte[] read(int pid, long address, int length, long step) throws IOException {
        MemoryView.Bytes b = memory.read(pid, address, length, step);
        for (boolean mapped : b.mapped()) if (!mapped) return null;
        return b.data();
    }

    /** The call of {@code tid} that entered a frame whose CFA is {@code cfa} (its stack pointer after the call is cfa - 8), or null. */
    Locator.OpenCall callOf(int tid, long step, long cfa) throws IOException {
        for (Locator.OpenCall c : store.openCalls(tid, step)) {
            if (c.sp() != null && c.sp() == cfa - 8) return c;
        }
        return null;
    }
}
