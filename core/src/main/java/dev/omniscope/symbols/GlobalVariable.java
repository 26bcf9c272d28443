package dev.omniscope.symbols;

/**
 * A variable at a fixed address, from DWARF: a global, a file or function static, a C++ namespace
 * member or static data member.
 *
 * @param name     the name as written in the source ("calls", not the symbol "calls.0")
 * @param address  link-time address
 * @param size     byte size of its type, 0 when unknown
 * @param typeName C/C++ spelling of its type: "int", "long int[8]", "struct point", "int (*)(int)"
 * @param file     the declaring source file, null when unknown
 * @param line     the declaring line, 0 when unknown
 * @param scope    the enclosing function, namespace or class ("bump", "geo", "Counter"), "" at file level
 */
public record GlobalVariable(String name, long address, long size, String typeName, String file, int line,
        String scope) {

    /** {@code scope::name}, or the name alone at file level. */
    public String qualifiedName() {
        return scope.isEmpty() ? name : scope + "::" + name;
    }
}
