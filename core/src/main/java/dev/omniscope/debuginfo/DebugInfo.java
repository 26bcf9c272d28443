package dev.omniscope.debuginfo;

import java.util.List;
import java.util.Optional;

/**
 * What a module's DWARF says about values: the scopes at a pc with their variables and
 * locations, types by DIE offset, call frame information, functions. Addresses are link-time
 * (subtract the module's load bias from a run's address). Implemented over libdw by
 * {@code dev.omniscope.symbols.ElfFile#debugInfo()}; evaluated by {@code dev.omniscope.values}.
 * Thread-safe.
 */
public interface DebugInfo {
    /**
     * The scopes containing {@code pc}, outermost first: the function, then lexical blocks and
     * inlined functions nested in it, down to the innermost. Empty when no function's DWARF
     * covers the pc. Each scope's variables have their locations at {@code pc}.
     */
    List<DebugScope> scopesAt(long pc);

    /** The type DIE at a global offset; empty for 0, an offset that is not a type, or a corrupt DIE. */
    Optional<DebugType> type(long offset);

    /**
     * A complete (not declaration-only) struct, class, union, enum or typedef named
     * {@code qualifiedName} ("geo::Point" or "item"), or a base type by name ("unsigned int").
     */
    Optional<DebugType> typeNamed(String qualifiedName);

    /** The call frame information at {@code pc}, from .eh_frame or else .debug_frame; empty when none covers it. */
    Optional<CfiRow> cfiAt(long pc);

    /** Every function with code, in address order. */
    List<DebugFunction> functions();

    /**
     * The global and static variables (as {@code ElfFile#globals()}), with their type's DIE
     * offset, for names in expressions; then the thread-local ones.
     */
    List<StaticVariable> staticVariables();

    /**
     * C++ namespace aliases ({@code namespace oi = outer::inner;}): the alias's qualified name to
     * the qualified name of the namespace it names. (The default knows none.)
     */
    default java.util.Map<String, String> namespaceAliases() {
        return java.util.Map.of();
    }

    /**
     * A variable at a fixed address, or a thread-local one.
     *
     * @param qualifiedName "ns::name", "Klass::member", "function::name" for a function's static
     * @param address       link-time address; for a thread-local variable, its offset in the
     *                      module's TLS block (each thread has its own block)
     * @param type          its type's global DIE offset
     * @param threadLocal   a thread-local variable ({@code __thread}, {@code thread_local})
     */
    record StaticVariable(String name, String qualifiedName, long address, long type, boolean threadLocal) {
        /** A variable at a fixed address. */
        public StaticVariable(String name, String qualifiedName, long address, long type) {
            this(name, qualifiedName, address, type, false);
        }
    }
}
