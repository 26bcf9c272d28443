package dev.omniscope.debuginfo;

import java.util.List;
import java.util.Map;

/**
 * The call frame information at one pc (from .eh_frame or .debug_frame): how to find the
 * caller's registers. libdw's {@code dwarf_cfi_addrframe}, {@code dwarf_frame_cfa} and
 * {@code dwarf_frame_register}, in its terms.
 *
 * @param start       first pc this row covers (link-time)
 * @param end         end of the pcs it covers (exclusive)
 * @param returnRegister the DWARF register holding the return address (16 on x86-64)
 * @param cfa         the CFA as a DWARF expression computing its value (libdw turns the
 *                    register+offset rule into {@code DW_OP_bregN offset})
 * @param registers   the rule of each DWARF register number the row says anything about
 *                    (0-16 at least: rax rdx rcx rbx rsi rdi rbp rsp r8-r15 and the return address)
 */
public record CfiRow(long start, long end, int returnRegister, List<DwarfOp> cfa, Map<Integer, Rule> registers) {
    public CfiRow {
        cfa = List.copyOf(cfa);
        registers = Map.copyOf(registers);
    }

    /**
     * A register's rule in the caller's frame.
     *
     * @param kind UNDEFINED (the caller's value is lost), SAME_VALUE (unchanged), or EXPRESSION:
     *             {@code ops} is a DWARF location expression in which DW_OP_call_frame_cfa is the
     *             CFA: it computes the address where the caller's value is saved, or, ending in
     *             DW_OP_stack_value, the value itself (libdw's encoding of offset(N),
     *             val_offset(N), register(R), expression and val_expression rules)
     */
    public record Rule(Kind kind, List<DwarfOp> ops) {
        public enum Kind { UNDEFINED, SAME_VALUE, EXPRESSION }

        public Rule {
            ops = ops == null ? List.of() : List.copyOf(ops);
        }
    }
}
