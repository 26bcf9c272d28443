package dev.omniscope.values;

import java.util.List;

/**
 * Where a DWARF location expression says a value is: the result of {@link LocationEvaluator}.
 * gdb's terms: an lvalue in memory, a register, an implicit value (computed, not stored), pieces
 * of these, optimized out, a synthetic (implicit) pointer, or unavailable with a reason.
 */
public sealed interface Location {
    /** In memory at a run-time address. */
    record Memory(long address) implements Location {}

    /** In a register (DWARF number): the value's bytes are the register's low bytes. */
    record Register(int dwarfRegister) implements Location {}

    /** Computed: DW_OP_stack_value (the 8 bytes of the stack's top, or a typed entry's bytes) or DW_OP_implicit_value. */
    record Implicit(byte[] bytes) implements Location {}

    /** DW_OP_implicit_pointer: a pointer to a value that exists only in DWARF (gdb: {@code <synthetic pointer>}). */
    record ImplicitPointer(long dieOffset, long offset) implements Location {}

    /** DW_OP_piece/bit_piece: consecutive parts of the value, low bits first. */
    record Pieces(List<Piece> pieces) implements Location {
        public Pieces {
            pieces = List.copyOf(pieces);
        }
    }

    /**
     * One part of a composed value.
     *
     * @param bitSize   its size in bits
     * @param bitOffset DW_OP_bit_piece's offset within its location (0 for DW_OP_piece)
     * @param location  where it is; an {@link OptimizedOut} for a missing piece
     */
    record Piece(long bitSize, long bitOffset, Location location) {}

    /** No value here: gdb's {@code <optimized out>}. */
    record OptimizedOut() implements Location {}

    /** The value cannot be computed at this moment; gdb's error text ("Cannot access memory at address 0x10"). */
    record Unavailable(String message) implements Location {}
}
