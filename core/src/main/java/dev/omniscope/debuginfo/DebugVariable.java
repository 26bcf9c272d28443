package dev.omniscope.debuginfo;

/**
 * A parameter or local variable of a scope (DW_TAG_formal_parameter, DW_TAG_variable), with its
 * abstract origin resolved (an inlined or out-of-line instance of an inline function names its
 * variables through DW_AT_abstract_origin).
 *
 * @param name       its name; "" for an unnamed parameter
 * @param parameter  a formal parameter (gdb's {@code info args}), else a local ({@code info locals})
 * @param type       global DIE offset of its type ({@link DebugType#offset()}), 0 when unknown
 * @param declLine   DW_AT_decl_line, 0 when unknown
 * @param location   where its value is at the pc the scope was asked for
 * @param artificial DW_AT_artificial ({@code this}, for example)
 * @param external   DW_AT_external or a static local (a location of DW_OP_addr): gdb lists static
 *                   locals among {@code info locals} too
 * @param dieOffset  global offset of its DIE, 0 when not known
 * @param originOffset global offset of its DW_AT_abstract_origin, 0 when none (a
 *                   DW_OP_implicit_pointer names the variable it points to by either)
 */
public record DebugVariable(String name, boolean parameter, long type, int declLine, VarLocation location, boolean artificial,
                            boolean external, long dieOffset, long originOffset) {
    /** A variable whose DIE is not known. */
    public DebugVariable(String name, boolean parameter, long type, int declLine, VarLocation location, boolean artificial,
                         boolean external) {
        this(name, parameter, type, declLine, location, artificial, external, 0, 0);
    }

    /** Whether a DW_OP_implicit_pointer naming DIE {@code offset} points to this variable. */
    public boolean isDie(long offset) {
        return offset != 0 && (offset == dieOffset || offset == originOffset);
    }
}
