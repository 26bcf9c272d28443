package dev.omniscope.debuginfo;

import java.util.List;

/**
 * One operation of a DWARF expression, as libdw decodes it ({@code Dwarf_Op}), made
 * self-contained: what libdw leaves as pointers into the file is copied here.
 *
 * @param atom    the opcode ({@code DW_OP_*}, see {@link Dw})
 * @param number  first operand (libdw's {@code number}); for the typed operations
 *                ({@code DW_OP_const_type}, {@code regval_type}, {@code deref_type}, {@code convert},
 *                {@code reinterpret}, and their GNU forms) the base type's global DIE offset
 *                (.debug_info offset, as {@link DebugType#offset()}), 0 for "generic"
 * @param number2 second operand (libdw's {@code number2}): {@code bregx}'s offset,
 *                {@code bit_piece}'s bit offset, {@code regval_type}'s register goes in number
 *                and its type in number2... as libdw gives it, except that type references are
 *                global DIE offsets
 * @param block   the bytes of {@code DW_OP_implicit_value} and of {@code DW_OP_const_type}'s
 *                constant; empty otherwise
 * @param nested  the sub-expression of {@code DW_OP_entry_value} ({@code DW_OP_GNU_entry_value});
 *                empty otherwise
 * @param offset  the operation's byte offset in its expression (branch targets of
 *                {@code DW_OP_skip} and {@code DW_OP_bra} are expression offsets)
 */
public record DwarfOp(int atom, long number, long number2, byte[] block, List<DwarfOp> nested, long offset) {
    public DwarfOp {
        block = block == null ? new byte[0] : block;
        nested = nested == null ? List.of() : List.copyOf(nested);
    }

    public static DwarfOp of(int atom, long number, long number2, long offset) {
        return new DwarfOp(atom, number, number2, null, null, offset);
    }
}
