package dev.omniscope.values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.omniscope.debuginfo.CfiRow;
import dev.omniscope.debuginfo.Dw;
import dev.omniscope.debuginfo.DwarfOp;
import dev.omniscope.values.FrameContext.UnreadableMemory;

/**
 * CFI unwinding with rows as libdw gives them: the CFA as {@code DW_OP_bregx reg offset}
 * (dwarf_frame_cfa), offset(N) as {@code DW_OP_call_frame_cfa; DW_OP_plus_uconst N} (N as an
 * unsigned 64-bit number, so -16 wraps), val_offset(N) with {@code DW_OP_stack_value} appended,
 * register(R) as {@code DW_OP_regx R} (elfutils' frame_register.c).
 */
class UnwinderTest {
    private static final int R12 = 12;
    private final Map<Long, Long> stack = new HashMap<>();

    private final Unwinder.MemoryReader memory = (address, length) -> {
        Long v = stack.get(address);
        if (v == null) throw new UnreadableMemory(address);
        return java.util.Arrays.copyOf(Fixture.le(8, v), length);
    };

    private static List<DwarfOp> offsetRule(long n) {
        return List.of(DwarfOp.of(Dw.OP_CALL_FRAME_CFA, 0, 0, 0), DwarfOp.of(Dw.OP_PLUS_UCONST, n, 0, 1));
    }

    private static CfiRow row(List<DwarfOp> cfa, Map<Integer, CfiRow.Rule> rules) {
        return new CfiRow(0x401000, 0x401100, 16, cfa, rules);
    }

    private static CfiRow.Rule expr(List<DwarfOp> ops) {
        return new CfiRow.Rule(CfiRow.Rule.Kind.EXPRESSION, ops);
    }

    @Test
    void atEntry() {
        // push %rbp not yet done: CFA = rsp + 8, RA at CFA - 8
        stack.put(0x7fffffffe508L, 0x401234L);
        FrameRegisters callee = new FrameRegisters().set(Dw.REG_RSP, 0x7fffffffe508L).set(Dw.REG_RBP, 0x7fffffffe600L)
                .set(Dw.REG_RBX, 1).set(Dw.REG_RAX, 2).set(16, 0x401000);
        CfiRow r = row(List.of(DwarfOp.of(Dw.OP_BREGX, 7, 8, 0)), Map.of(16, expr(offsetRule(-8))));
        Unwinder.Step step = Unwinder.caller(callee, r, memory).orElseThrow();
        assertEquals(0x7fffffffe510L, step.cfa());
        assertEquals(0x401234L, step.caller().pc().getAsLong());
        assertEquals(0x7fffffffe510L, step.caller().get(Dw.REG_RSP).getAsLong());
        // no rule: gdb's amd64 "same value", for callee-saved and caller-saved registers alike
        assertEquals(0x7fffffffe600L, step.caller().get(Dw.REG_RBP).getAsLong());
        assertEquals(1, step.caller().get(Dw.REG_RBX).getAsLong());
        assertEquals(2, step.caller().get(Dw.REG_RAX).getAsLong());
    }

    @Test
    void afterPrologue() {
        // push %rbp; mov %rsp,%rbp; push %rbx: CFA = rbp + 16, rbp at CFA-16, rbx at CFA-24, RA at CFA-8
        long rbp = 0x7fffffffe500L;
        stack.put(rbp + 8, 0x401234L);
        stack.put(rbp, 0x7fffffffe600L);
        stack.put(rbp - 8, 0x55L);
        FrameRegisters callee = new FrameRegisters().set(Dw.REG_RSP, rbp - 32).set(Dw.REG_RBP, rbp).set(Dw.REG_RBX, 9).set(R12, 12);
        Map<Integer, CfiRow.Rule> rules = new HashMap<>();
        rules.put(16, expr(offsetRule(-8)));
        rules.put(Dw.REG_RBP, expr(offsetRule(-16)));
        rules.put(Dw.REG_RBX, expr(offsetRule(-24)));
        rules.put(R12, new CfiRow.Rule(CfiRow.Rule.Kind.UNDEFINED, null));
        rules.put(Dw.REG_R8 + 5, expr(List.of(DwarfOp.of(Dw.OP_REGX, R12, 0, 0))));                     // register(r12)
        rules.put(Dw.REG_R8 + 6, expr(List.of(DwarfOp.of(Dw.OP_CALL_FRAME_CFA, 0, 0, 0), DwarfOp.of(Dw.OP_PLUS_UCONST, 8, 0, 1),
                DwarfOp.of(Dw.OP_STACK_VALUE, 0, 0, 3))));                                                    // val_offset(8)
        rules.put(Dw.REG_R15, new CfiRow.Rule(CfiRow.Rule.Kind.SAME_VALUE, null));
        CfiRow r = row(List.of(DwarfOp.of(Dw.OP_BREG0 + 6, 16, 0, 0)), rules);
        Unwinder.Step step = Unwinder.caller(callee.set(Dw.REG_R15, 15), r, memory).orElseThrow();
        assertEquals(rbp + 16, step.cfa());
        FrameRegisters c = step.caller();
        assertEquals(0x401234L, c.pc().getAsLong());
        assertEquals(0x7fffffffe600L, c.get(Dw.REG_RBP).getAsLong());
        assertEquals(0x55L, c.get(Dw.REG_RBX).getAsLong());
        assertTrue(c.get(R12).isEmpty());
        assertEquals(12, c.get(Dw.REG_R8 + 5).getAsLong());
        assertEquals(rbp + 24, c.get(Dw.REG_R8 + 6).getAsLong());
        assertEquals(15, c.get(Dw.REG_R15).getAsLong());
        assertEquals(rbp + 16, c.get(Dw.REG_RSP).getAsLong());
    }

    @Test
    void callClobberedRegistersLeftUndefinedByTheAbiKeepTheirValueAsInGdb() {
        // libdw's row for any x86-64 pc: r8 UNDEFINED (the ABI's initial rule); gdb shows the callee's r8 in the caller
        Map<Integer, CfiRow.Rule> rules = new HashMap<>();
        rules.put(16, expr(offsetRule(-8)));
        rules.put(Dw.REG_R8, new CfiRow.Rule(CfiRow.Rule.Kind.UNDEFINED, null));
        long rsp = 0x7fffffffe500L;
        stack.put(rsp, 0x401000L);
        CfiRow r = row(List.of(DwarfOp.of(Dw.OP_BREG0 + Dw.REG_RSP, 8, 0, 0)), rules);
        Unwinder.Step step = Unwinder.caller(new FrameRegisters().set(Dw.REG_RSP, rsp).set(Dw.REG_R8, -50), r, memory).orElseThrow();
        assertEquals(-50, step.caller().get(Dw.REG_R8).getAsLong());
    }

    @Test
    void rbxLeftUndefinedByLibdwsAbiRulesKeepsItsValueAsInGdb() {
        // values_cpp2.cpp at -O2: main keeps `short s` in rbx across adjust(), which never saves rbx
        // (its FDE has no instructions). libdw's row there: rbx UNDEFINED (elfutils' x86-64 initial
        // rules name rbx 0), rax same-value. gdb 13.1, `frame 1` then `info locals`: s = 300.
        Map<Integer, CfiRow.Rule> rules = new HashMap<>();
        rules.put(16, expr(offsetRule(-8)));
        rules.put(Dw.REG_RBX, new CfiRow.Rule(CfiRow.Rule.Kind.UNDEFINED, null));
        rules.put(Dw.REG_RAX, new CfiRow.Rule(CfiRow.Rule.Kind.SAME_VALUE, null));
        long rsp = 0x7fffffffe500L;
        stack.put(rsp, 0x401000L);
        CfiRow r = row(List.of(DwarfOp.of(Dw.OP_BREG0 + Dw.REG_RSP, 8, 0, 0)), rules);
        Unwinder.Step step = Unwinder.caller(new FrameRegisters().set(Dw.REG_RSP, rsp).set(Dw.REG_RBX, 300).set(Dw.REG_RAX, 113), r, memory)
                .orElseThrow();
        assertEquals(300, step.caller().get(Dw.REG_RBX).getAsLong());
        assertEquals(113, step.caller().get(Dw.REG_RAX).getAsLong());
    }

    @Test
    void unknownCfaRegisterStops() {
        CfiRow r = row(List.of(DwarfOp.of(Dw.OP_BREG0 + 6, 16, 0, 0)), Map.of());
        assertTrue(Unwinder.caller(new FrameRegisters().set(Dw.REG_RSP, 0x1000), r, memory).isEmpty());
    }
}
