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
 */
public record DebugVariable(String name, boolean parameter, long type, int declLine, VarLocation location, boolean artificial,
                            boolean external) {}
