package dev.omniscope.symbols;

/**
 * A symbol of .symtab or .dynsym.
 *
 * @param name      as in the file, with a version suffix where .symtab has one ("memcpy@@GLIBC_2.14")
 * @param demangled the C++ demangled name ("geo::area(int, int)"), else the same as name
 * @param value     link-time address (for TLS symbols, the offset in the TLS block)
 * @param defined   false for references to other modules (SHN_UNDEF)
 */
public record ElfSymbol(String name, String demangled, long value, long size, Kind kind, Binding binding,
        boolean defined) {

    /** STT_* folded to what Omniscope tells apart; the order is elfinfo.h's OMNI_ELF_SYM_*. */
    public enum Kind { OTHER, FUNC, OBJECT, IFUNC, TLS, NOTYPE }

    /** STB_*; the order is elfinfo.h's OMNI_ELF_BIND_*. */
    public enum Binding { LOCAL, GLOBAL, WEAK, UNIQUE, OTHER }

    /** Code: a function, or a GNU indirect function's resolver. */
    public boolean isFunction() {
        return kind == Kind.FUNC || kind == Kind.IFUNC;
    }
}
