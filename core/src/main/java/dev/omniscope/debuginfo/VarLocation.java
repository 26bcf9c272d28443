package dev.omniscope.debuginfo;

import java.util.List;

/** Where a variable's value is at one pc: what its DW_AT_location or DW_AT_const_value says there. */
public sealed interface VarLocation {
    /** A location expression (the entry of a location list that covers the pc, or the single expression). */
    record Expression(List<DwarfOp> ops) implements VarLocation {
        public Expression {
            ops = List.copyOf(ops);
        }
    }

    /** DW_AT_const_value: the value's bytes, little-endian (a constant form gives 8 bytes, a block its own). */
    record Constant(byte[] bytes) implements VarLocation {}

    /**
     * No location at this pc: no DW_AT_location at all, or a location list with no entry covering
     * the pc, or an empty expression. gdb says {@code <optimized out>}.
     */
    record OptimizedOut() implements VarLocation {}
}
