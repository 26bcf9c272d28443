package dev.omniscope.debuginfo;

import java.util.List;

/**
 * A DWARF scope containing a pc: a function (DW_TAG_subprogram), a function inlined into it
 * (DW_TAG_inlined_subroutine) or a lexical block. {@link DebugInfo#scopesAt} gives the chain
 * from the function outward-in.
 *
 * @param kind        which of the three
 * @param name        the function's name (for an inlined one, its abstract origin's); "" for a block
 * @param linkageName DW_AT_linkage_name (a C++ mangled name), "" when none
 * @param qualifiedName the C++ qualified name as gdb shows it in a backtrace ("ns::Klass::method"), the name for C
 * @param dieOffset   global DIE offset of the scope
 * @param lowPc       the lowest address of its ranges (link-time)
 * @param entryPc     DW_AT_entry_pc when present, else lowPc
 * @param frameBase   DW_AT_frame_base at the pc (functions only; empty when none)
 * @param returnType  global DIE offset of its return type, 0 for void (functions and inlined)
 * @param callFile    for an inlined function: DW_AT_call_file, as a path; else null
 * @param callLine    for an inlined function: DW_AT_call_line; else 0
 * @param declFile    the function's declaring file, null when unknown
 * @param declLine    the function's declaring line, 0 when unknown
 * @param language    DW_AT_language of the compile unit (DW_LANG_C99 = 0x0c, C_plus_plus = 0x04, Rust = 0x1c...)
 * @param variables   its own parameters and locals, in DIE order (not its nested blocks')
 */
public record DebugScope(Kind kind, String name, String linkageName, String qualifiedName, long dieOffset, long lowPc, long entryPc,
                         List<DwarfOp> frameBase, long returnType, String callFile, int callLine, String declFile, int declLine,
                         int language, List<DebugVariable> variables) {
    public enum Kind { FUNCTION, INLINED, BLOCK }

    public DebugScope {
        frameBase = List.copyOf(frameBase);
        variables = List.copyOf(variables);
    }
}
