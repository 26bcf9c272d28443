package dev.omniscope.values;

import java.util.Optional;
import java.util.OptionalLong;

import dev.omniscope.debuginfo.CfiRow;
import dev.omniscope.debuginfo.Dw;
import dev.omniscope.values.FrameContext.UnreadableMemory;

/**
 * One step of CFI unwinding, as gdb's dwarf2 frame unwinder does it on x86-64: from a frame's
 * registers and the {@link CfiRow} at its pc, the frame's CFA and its caller's registers. The
 * caller's rsp is the CFA, its pc the return address; a register the row has no rule for keeps
 * its value (gdb treats "unspecified" as "same value" for every amd64 register); UNDEFINED makes
 * it unknown (gdb: {@code <not saved>}; a variable living there prints {@code <optimized out>}).
 */
public final class Unwinder {
    private Unwinder() {}

    /**
     * The registers libdw's x86-64 ABI rules leave UNDEFINED in every row (a frame's own CFI
     * rarely says so): rdx, rcx, rsi, rdi, r8-r11, the call-clobbered ones, and rbx, which is
     * callee-saved but which elfutils' initial rules (backends/x86_64_cfi.c: "same_value 0
     * %rbx") mark under number 0, rax, instead: rbx comes out UNDEFINED and rax same-value in
     * a frame that does not save rbx.
     */
    private static final java.util.Set<Integer> ABI_UNDEFINED = java.util.Set.of(1, 2, 3, 4, 5, 8, 9, 10, 11);

    /** The process's memory at the moment. */
    @FunctionalInterface
    public interface MemoryReader {
        byte[] read(long address, int length) throws UnreadableMemory;
    }

    /**
     * @param cfa    the callee's canonical frame address
     * @param caller the caller's registers; its pc (16) is the return address, unknown when the
     *               row leaves the return address undefined (the outermost frame)
     */
    public record Step(long cfa, FrameRegisters caller) {}

    /**
     * Unwinds one frame. Empty when the CFA cannot be computed (a register it needs is not known,
     * or memory it reads is unreadable).
     */
    public static Optional<Step> caller(FrameRegisters callee, CfiRow row, MemoryReader memory) {
        LocationEvaluator.Env cfaEnv = env(callee, memory, OptionalLong.empty());
        long cfa;
        try {
            cfa = new LocationEvaluator(cfaEnv).evaluateValue(row.cfa());
        } catch (LocationEvaluator.OptimizedOut | LocationEvaluator.Failure e) {
            return Optional.empty();
        }
        LocationEvaluator ruleEvaluator = new LocationEvaluator(env(callee, memory, OptionalLong.of(cfa)));
        FrameRegisters caller = new FrameRegisters();
        for (int r = 0; r < 16; r++) {
            final int reg = r;
            CfiRow.Rule rule = row.registers().get(r);
            // libdw folds the x86-64 ABI's initial rules into every row: the call-clobbered registers
            // (rdx, rcx, rsi, rdi, r8-r11) and rbx come out UNDEFINED (ABI_UNDEFINED). gdb does not
            // apply those: a register without a rule of the frame's own keeps its value, so a
            // caller's variable in r8, or in an rbx the callee never touched, reads the register
            // (gdb 13, amd64_init_reg). As gdb does, then; another undefined register is the FDE's
            // own word and stays unknown.
            if (rule != null && rule.kind() == CfiRow.Rule.Kind.UNDEFINED && ABI_UNDEFINED.contains(r)) rule = null;
            if (rule == null) {
                OptionalLong v = r == Dw.REG_RSP ? OptionalLong.of(cfa) : callee.get(r);
                v.ifPresent(x -> caller.set(reg, x));
            } else {
                apply(rule, r, callee, memory, ruleEvaluator).ifPresent(x -> caller.set(reg, x));
            }
        }
        // the caller's pc: the return address column's value (no rule: not known)
        CfiRow.Rule ra = row.registers().get(row.returnRegister());
        if (ra != null) apply(ra, row.returnRegister(), callee, memory, ruleEvaluator).ifPresent(x -> caller.set(16, x));
        return Optional.of(new Step(cfa, caller));
    }

    /** A register's value in the caller by its rule (UNDEFINED and unreadable saves: empty). */
    private static OptionalLong apply(CfiRow.Rule rule, int r, FrameRegisters callee, MemoryReader memory, LocationEvaluator evaluator) {
        return switch (rule.kind()) {
            case UNDEFINED -> OptionalLong.empty();
            case SAME_VALUE -> callee.get(r);
            case EXPRESSION -> {
                Location l = evaluator.evaluate(rule.ops());
                if (l instanceof Location.Memory m) {
                    try {
                        yield OptionalLong.of(LocationEvaluator.bytesToLong(memory.read(m.address(), 8)));
                    } catch (UnreadableMemory e) {
                        yield OptionalLong.empty();
                    }
                } else if (l instanceof Location.Implicit i) {
                    yield OptionalLong.of(LocationEvaluator.bytesToLong(i.bytes()));
                } else if (l instanceof Location.Register reg) {
                    // libdw's encoding of register(R): DW_OP_regx R, the value is in the callee's R
                    yield callee.get(reg.dwarfRegister());
                }
                yield OptionalLong.empty();
            }
        };
    }

    private static LocationEvaluator.Env env(FrameRegisters regs, MemoryReader memory, OptionalLong cfa) {
        return new LocationEvaluator.Env() {
            @Override
            public OptionalLong register(int r) {
                return regs.get(r);
            }

            @Override
            public OptionalLong cfa() {
                return cfa;
            }

            @Override
            public byte[] read(long address, int length) throws UnreadableMemory {
                return memory.read(address, length);
            }
        };
    }
}
