package dev.omniscope.values;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import dev.omniscope.debuginfo.DebugInfo;
import dev.omniscope.debuginfo.DebugScope;

/**
 * One frame of a thread at one moment, as the value code sees it: the frame's module (its DWARF
 * and load bias), the scopes at its pc, its registers (the innermost frame's as recorded, an outer
 * frame's as unwound), the process's memory at that moment, and how to find what lies outside the
 * frame (globals of every module, symbols). The query layer implements it over the index.
 */
public interface FrameContext {
    /** The DWARF of the module the frame's pc is in. */
    DebugInfo debugInfo();

    /** That module's load bias: run-time address = link-time address + bias. */
    long bias();

    /**
     * The scopes at the frame's pc (for an outer frame, at its return address - 1, as gdb looks
     * up), outermost first; for an inlined frame, the chain ends at its inlined scope.
     */
    List<DebugScope> scopes();

    /** A general register or the return address by DWARF number (0-16, 49 rflags), or empty when not known in this frame. */
    OptionalLong register(int dwarfRegister);

    /** xmm0-15 (DWARF 17-32) as 16 little-endian bytes, or empty when not known in this frame. */
    Optional<byte[]> vectorRegister(int dwarfRegister);

    /** The frame's canonical frame address (DW_OP_call_frame_cfa), or empty when its CFI is unknown. */
    OptionalLong cfa();

    /**
     * A register's value when the frame's function was entered, for DW_OP_entry_value: the
     * recorded state at the call. Empty when not known (the call is before the trace).
     */
    OptionalLong entryRegister(int dwarfRegister);

    /**
     * xmm0-15 (DWARF 17-32) when the frame's function was entered, as 16 little-endian bytes, for
     * {@code DW_OP_entry_value(DW_OP_regval_type XMMn)} (a float or double argument): the recorded
     * state at the call. Empty when not known. (The default knows nothing.)
     */
    default Optional<byte[]> entryVectorRegister(int dwarfRegister) {
        return Optional.empty();
    }

    /** {@code length} bytes of the process's memory at the moment; throws when any is unmapped. */
    byte[] read(long address, int length) throws UnreadableMemory;

    /** The fs base of the thread (TLS), or empty. */
    OptionalLong threadPointer();

    /**
     * The run-time address of this thread's TLS block of the frame's module (what
     * DW_OP_form_tls_address offsets are relative to): for the main executable under glibc's
     * variant II layout, the fs base minus the PT_TLS segment's memory size rounded up to its
     * alignment; for a shared library, its DTV entry. Empty when not known, which makes a
     * thread-local variable unavailable. (Added by the value code; the default knows nothing.)
     */
    default OptionalLong tlsBlock() {
        return OptionalLong.empty();
    }

    /** A global or static variable by name or qualified name, looked up in the frame's module first, then every other. */
    Optional<Global> global(String name);

    /**
     * A function by name or qualified name, looked up as {@link #global} (for {@code &f}, {@code f} in
     * expressions and for function pointers' targets).
     */
    Optional<Global> function(String name);

    /** The symbol an address is in, as gdb writes it inside {@code <>}: "counter", "table+16"; empty when none. */
    Optional<String> symbolAt(long address);

    /**
     * A variable or function at a fixed address in some module.
     *
     * @param address run-time address
     * @param type    its type's DIE offset in {@code debugInfo}
     */
    record Global(DebugInfo debugInfo, long bias, String qualifiedName, long address, long type) {}

    /** Memory that cannot be read at the moment: gdb's "Cannot access memory at address 0x...". */
    final class UnreadableMemory extends Exception {
        private final long address;

        public UnreadableMemory(long address) {
            super("Cannot access memory at address 0x" + Long.toHexString(address));
            this.address = address;
        }

        public long address() {
            return address;
        }
    }
}
