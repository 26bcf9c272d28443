package dev.omniscope.values;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.omniscope.debuginfo.DebugScope;
import dev.omniscope.debuginfo.DebugType;
import dev.omniscope.debuginfo.Dw;
import dev.omniscope.debuginfo.DwarfOp;

/** The DWARF expression evaluator's operations, one by one, on a hand-made frame. */
class LocationEvaluatorTest {
    private final Fixture f = Fixture.c();

    /** Ops with consecutive offsets as libdw numbers them (each op's size given by the caller). */
    private static List<DwarfOp> ops(long[][] spec) {
        List<DwarfOp> out = new ArrayList<>();
        long offset = 0;
        for (long[] s : spec) {
            out.add(DwarfOp.of((int) s[0], s.length > 1 ? s[1] : 0, s.length > 2 ? s[2] : 0, offset));
            offset += s.length > 3 ? s[3] : 1;
        }
        return out;
    }

    private Location eval(long[]... spec) {
        return new LocationEvaluator(LocationEvaluator.forFrame(f)).evaluate(ops(spec));
    }

    private long value(long[]... spec) {
        Location l = eval(spec);
        if (l instanceof Location.Memory m) return m.address();
        return LocationEvaluator.bytesToLong(((Location.Implicit) l).bytes());
    }

    @Test
    void stackMachine() {
        f.registers.put(Dw.REG_RBP, 0x1000L);
        f.registers.put(Dw.REG_RSP, 0x2000L);
        f.cfa = 0x3000L;
        f.scope(DebugScope.Kind.FUNCTION, "main");
        assertEquals(0x3000 - 20, value(new long[] {Dw.OP_FBREG, -20}));
        assertEquals(0x1000 - 8, value(new long[] {Dw.OP_BREG0 + 6, -8}));
        assertEquals(0x2010, value(new long[] {Dw.OP_BREGX, 7, 16}));
        assertEquals(0x3000, value(new long[] {Dw.OP_CALL_FRAME_CFA}));
        assertEquals(7, value(new long[] {Dw.OP_LIT0 + 3}, new long[] {Dw.OP_LIT0 + 4}, new long[] {Dw.OP_PLUS}));
        assertEquals(-1, value(new long[] {Dw.OP_LIT0 + 3}, new long[] {Dw.OP_LIT0 + 4}, new long[] {Dw.OP_MINUS}));
        assertEquals(12, value(new long[] {Dw.OP_CONST1U, 3}, new long[] {Dw.OP_CONST1S, 4}, new long[] {Dw.OP_MUL}));
        assertEquals(-2, value(new long[] {Dw.OP_CONSTS, -7}, new long[] {Dw.OP_LIT0 + 3}, new long[] {Dw.OP_DIV}));
        assertEquals(1, value(new long[] {Dw.OP_LIT0 + 7}, new long[] {Dw.OP_LIT0 + 3}, new long[] {Dw.OP_MOD}));
        assertEquals(5, value(new long[] {Dw.OP_LIT0 + 1}, new long[] {Dw.OP_LIT0 + 2}, new long[] {Dw.OP_SWAP}, new long[] {Dw.OP_SHL}, new long[] {Dw.OP_LIT0 + 1}, new long[] {Dw.OP_OR}));
        assertEquals(0, value(new long[] {Dw.OP_LIT0 + 1}, new long[] {Dw.OP_LIT0 + 2}, new long[] {Dw.OP_OVER}, new long[] {Dw.OP_LT}, new long[] {Dw.OP_SWAP}, new long[] {Dw.OP_DROP}));
        assertEquals(-1L >>> 4, value(new long[] {Dw.OP_CONSTS, -1}, new long[] {Dw.OP_LIT0 + 4}, new long[] {Dw.OP_SHR}));
        assertEquals(-1, value(new long[] {Dw.OP_CONSTS, -16}, new long[] {Dw.OP_LIT0 + 4}, new long[] {Dw.OP_SHRA}));
        assertEquals(5, value(new long[] {Dw.OP_CONSTS, -5}, new long[] {Dw.OP_ABS}));
        assertEquals(~5L, value(new long[] {Dw.OP_LIT0 + 5}, new long[] {Dw.OP_NOT}));
        assertEquals(0x1010, value(new long[] {Dw.OP_BREG0 + 6, 0}, new long[] {Dw.OP_PLUS_UCONST, 16}));
        // rot: a b c -> c a b
        assertEquals(3, value(new long[] {Dw.OP_LIT0 + 1}, new long[] {Dw.OP_LIT0 + 2}, new long[] {Dw.OP_LIT0 + 3}, new long[] {Dw.OP_ROT},
                new long[] {Dw.OP_DROP}, new long[] {Dw.OP_DROP}));
        assertEquals(2, value(new long[] {Dw.OP_LIT0 + 1}, new long[] {Dw.OP_LIT0 + 2}, new long[] {Dw.OP_PICK, 0}, new long[] {Dw.OP_MUL},
                new long[] {Dw.OP_SWAP}, new long[] {Dw.OP_DROP}, new long[] {Dw.OP_LIT0 + 2}, new long[] {Dw.OP_DIV}));
        // bra/skip: lit1; bra +1 (skips lit5's 1 byte); lit5; lit7 -> 7 on top
        assertEquals(7, value(new long[] {Dw.OP_LIT0 + 1}, new long[] {Dw.OP_BRA, 1, 0, 3}, new long[] {Dw.OP_LIT0 + 5}, new long[] {Dw.OP_LIT0 + 7}));
        // skip over lit5, then stack has lit9 only
        assertEquals(9, value(new long[] {Dw.OP_SKIP, 1, 0, 3}, new long[] {Dw.OP_LIT0 + 5}, new long[] {Dw.OP_LIT0 + 9}));
    }

    @Test
    void locationsOfEveryKind() {
        f.registers.put(Dw.REG_RBX, 0x1234L);
        f.map(0x5000, Fixture.le(8, 0x6000, 0x11223344));
        f.scope(DebugScope.Kind.FUNCTION, "main");
        assertEquals(new Location.Register(3), eval(new long[] {Dw.OP_REG0 + 3}));
        assertEquals(new Location.Register(17), eval(new long[] {Dw.OP_REGX, 17}));
        assertEquals(0x6000, value(new long[] {Dw.OP_ADDR, 0x5000}, new long[] {Dw.OP_DEREF}));
        assertEquals(0x44, value(new long[] {Dw.OP_ADDR, 0x5008}, new long[] {Dw.OP_DEREF_SIZE, 1}));
        Location sv = eval(new long[] {Dw.OP_BREG0 + 3, 1}, new long[] {Dw.OP_STACK_VALUE});
        assertArrayEquals(Fixture.le(8, 0x1235), ((Location.Implicit) sv).bytes());
        assertInstanceOf(Location.OptimizedOut.class, eval());
        assertInstanceOf(Location.OptimizedOut.class, eval(new long[] {Dw.OP_BREG0 + 12, 0}));     // r12 not known
        assertEquals(new Location.Unavailable("Cannot access memory at address 0x10"), eval(new long[] {Dw.OP_LIT0 + 16}, new long[] {Dw.OP_DEREF}));
        assertInstanceOf(Location.ImplicitPointer.class, new LocationEvaluator(LocationEvaluator.forFrame(f)).evaluate(
                List.of(DwarfOp.of(Dw.OP_IMPLICIT_POINTER, 0x99, 0, 0))));
        // pieces: low half in rbx, high half missing, as gcc emits for a partly optimized struct
        Location pieces = eval(new long[] {Dw.OP_REG0 + 3}, new long[] {Dw.OP_PIECE, 4, 0, 2}, new long[] {Dw.OP_PIECE, 4, 0, 2});
        Location.Pieces p = (Location.Pieces) pieces;
        assertEquals(new Location.Register(3), p.pieces().get(0).location());
        assertInstanceOf(Location.OptimizedOut.class, p.pieces().get(1).location());
        // entry values: the recorded value at the call, else optimized out
        f.entryRegisters.put(Dw.REG_RDI, 42L);
        DwarfOp entry = new DwarfOp(Dw.OP_GNU_ENTRY_VALUE, 0, 0, null, List.of(DwarfOp.of(Dw.OP_REG0 + 5, 0, 0, 0)), 0);
        Location ev = new LocationEvaluator(LocationEvaluator.forFrame(f)).evaluate(List.of(entry, DwarfOp.of(Dw.OP_STACK_VALUE, 0, 0, 3)));
        assertEquals(42, LocationEvaluator.bytesToLong(((Location.Implicit) ev).bytes()));
        DwarfOp noEntry = new DwarfOp(Dw.OP_ENTRY_VALUE, 0, 0, null, List.of(DwarfOp.of(Dw.OP_REG0 + 4, 0, 0, 0)), 0);
        assertInstanceOf(Location.OptimizedOut.class, new LocationEvaluator(LocationEvaluator.forFrame(f)).evaluate(
                List.of(noEntry, DwarfOp.of(Dw.OP_STACK_VALUE, 0, 0, 3))));
        // TLS: the block's address plus the offset, unavailable when the block is not known
        assertEquals(new Location.Unavailable("Cannot find thread-local storage: the TLS block of this thread is not known"),
                eval(new long[] {Dw.OP_CONST8U, 0x10}, new long[] {Dw.OP_GNU_PUSH_TLS_ADDRESS}));
        f.tls = 0x7ffff7dd2700L;
        assertEquals(0x7ffff7dd2710L, value(new long[] {Dw.OP_CONST8U, 0x10}, new long[] {Dw.OP_FORM_TLS_ADDRESS}));
        assertInstanceOf(Location.OptimizedOut.class, eval(new long[] {Dw.OP_GNU_PARAMETER_REF, 0x40}));
    }

    @Test
    void typedOperations() {
        DebugType flt = f.base("float", 4, Dw.ATE_FLOAT);
        DebugType dbl = f.base("double", 8, Dw.ATE_FLOAT);
        DebugType i32 = f.base("int", 4, Dw.ATE_SIGNED);
        f.vectors.put(Dw.REG_XMM0, Fixture.concat(Fixture.le(8, Double.doubleToLongBits(2.5)), new byte[8]));
        f.scope(DebugScope.Kind.FUNCTION, "main");
        // regval_type xmm0 <double>; convert <float>; stack_value: the float's 4 bytes
        List<DwarfOp> ops = List.of(DwarfOp.of(Dw.OP_REGVAL_TYPE, 17, dbl.offset(), 0), DwarfOp.of(Dw.OP_CONVERT, flt.offset(), 0, 3),
                DwarfOp.of(Dw.OP_STACK_VALUE, 0, 0, 5));
        Location l = new LocationEvaluator(LocationEvaluator.forFrame(f)).evaluate(ops);
        assertArrayEquals(Fixture.le(4, Float.floatToIntBits(2.5f)), ((Location.Implicit) l).bytes());
        // const_type <int> -3; convert <double>
        List<DwarfOp> c = List.of(new DwarfOp(Dw.OP_CONST_TYPE, i32.offset(), 0, Fixture.le(4, -3), null, 0),
                DwarfOp.of(Dw.OP_CONVERT, dbl.offset(), 0, 7), DwarfOp.of(Dw.OP_STACK_VALUE, 0, 0, 9));
        Location d = new LocationEvaluator(LocationEvaluator.forFrame(f)).evaluate(c);
        assertEquals(-3.0, Double.longBitsToDouble(LocationEvaluator.bytesToLong(((Location.Implicit) d).bytes())));
    }

    @Test
    void entryValuesOfVectorRegisters() {
        // gcc -O2, `double many(int a, ..., double d, ...)` once d's xmm0 is reused (values_opt.c):
        //   DW_OP_entry_value(DW_OP_regval_type XMM0 "double"), DW_OP_stack_value
        // gdb (13.1, `info args` at the mark) shows d = 4.5: xmm0 as the function was entered.
        DebugType dbl = f.base("double", 8, Dw.ATE_FLOAT);
        DebugType flt = f.base("float", 4, Dw.ATE_FLOAT);
        f.scope(DebugScope.Kind.FUNCTION, "many");
        f.entryVectors.put(Dw.REG_XMM0, Fixture.concat(Fixture.le(8, Double.doubleToLongBits(4.5)), new byte[8]));
        f.entryVectors.put(Dw.REG_XMM0 + 2, Fixture.concat(Fixture.le(4, Float.floatToIntBits(10.5f)), Fixture.le(4, 0x12345678), new byte[8]));
        DwarfOp d = new DwarfOp(Dw.OP_ENTRY_VALUE, 0, 0, null, List.of(DwarfOp.of(Dw.OP_REGVAL_TYPE, 17, dbl.offset(), 0)), 0);
        Location l = new LocationEvaluator(LocationEvaluator.forFrame(f)).evaluate(List.of(d, DwarfOp.of(Dw.OP_STACK_VALUE, 0, 0, 5)));
        assertEquals(4.5, Double.longBitsToDouble(LocationEvaluator.bytesToLong(((Location.Implicit) l).bytes())));
        // a float in xmm2: its 4 low bytes, whatever the rest of the register holds
        DwarfOp j = new DwarfOp(Dw.OP_GNU_ENTRY_VALUE, 0, 0, null, List.of(DwarfOp.of(Dw.OP_REGVAL_TYPE, 19, flt.offset(), 0)), 0);
        Location lj = new LocationEvaluator(LocationEvaluator.forFrame(f)).evaluate(List.of(j, DwarfOp.of(Dw.OP_STACK_VALUE, 0, 0, 5)));
        assertArrayEquals(Fixture.le(4, Float.floatToIntBits(10.5f)), ((Location.Implicit) lj).bytes());
        // DW_OP_entry_value(DW_OP_regx XMM1) not known: optimized out
        DwarfOp unknown = new DwarfOp(Dw.OP_ENTRY_VALUE, 0, 0, null, List.of(DwarfOp.of(Dw.OP_REGX, 18, 0, 0)), 0);
        assertInstanceOf(Location.OptimizedOut.class, new LocationEvaluator(LocationEvaluator.forFrame(f)).evaluate(
                List.of(unknown, DwarfOp.of(Dw.OP_STACK_VALUE, 0, 0, 3))));
    }

    @Test
    void variablesFromPiecesAndRegisters() {
        DebugType intT = f.intT();
        DebugType pair = f.struct("pair", 8, Fixture.field("a", intT, 0), Fixture.field("b", intT, 4));
        f.registers.put(Dw.REG_RBX, 5L);
        f.scope(DebugScope.Kind.FUNCTION, "main", Fixture.variable("pr", false, pair, DwarfOp.of(Dw.OP_REG0 + 3, 0, 0, 0),
                DwarfOp.of(Dw.OP_PIECE, 4, 0, 1), DwarfOp.of(Dw.OP_PIECE, 4, 0, 3)));
        // gdb prints a struct with a missing piece member by member
        assertEquals("{a = 5, b = <optimized out>}", FrameValues.locals(f).get(0).value());
    }
}
