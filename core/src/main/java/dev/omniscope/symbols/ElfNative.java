package dev.omniscope.symbols;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.size_t;

/**
 * jnr-ffi binding of native/elf/elfinfo.h; see that file for the contracts. Unsigned C
 * integers arrive as Java's signed ones of the same width; string columns are offsets into a
 * string pool.
 */
public interface ElfNative {
    // omni_elf_header indices
    int TYPE = 0;
    int MACHINE = 1;
    int CLASS = 2;
    int ENTRY = 3;
    int HAS_DWARF = 4;
    int SEGMENT_COUNT = 5;
    int HEADER_FIELDS = 6;

    int POOL_SYMBOLS = 0;
    int POOL_DWARF = 1;

    int LINE_STMT = 1;
    int LINE_END_SEQUENCE = 2;

    Pointer omni_elf_open(@In String path, @In String debugRoot, @Out byte[] err, @size_t long errlen);

    void omni_elf_close(Pointer elf);

    void omni_elf_header(Pointer elf, @Out long[] out);

    String omni_elf_build_id(Pointer elf);

    String omni_elf_debug_path(Pointer elf);

    String omni_elf_warnings(Pointer elf);

    void omni_elf_tls(Pointer elf, @Out long[] out);

    @size_t long omni_elf_segments(Pointer elf, @size_t long cap, @Out long[] vaddr, @Out long[] memsz,
            @Out long[] offset, @Out long[] filesz, @Out int[] flags);

    long omni_elf_pool_size(Pointer elf, int pool);

    @size_t long omni_elf_pool_copy(Pointer elf, int pool, @Out byte[] buf, @size_t long cap);

    long omni_elf_symbol_count(Pointer elf);

    @size_t long omni_elf_symbols(Pointer elf, @size_t long cap, @Out long[] value, @Out long[] size,
            @Out int[] name, @Out int[] demangled, @Out byte[] kind, @Out byte[] binding, @Out byte[] defined);

    long omni_elf_file_count(Pointer elf);

    @size_t long omni_elf_files(Pointer elf, @size_t long cap, @Out int[] path);

    long omni_elf_line_count(Pointer elf);

    @size_t long omni_elf_lines(Pointer elf, @size_t long cap, @Out long[] address, @Out int[] file,
            @Out int[] line, @Out int[] column, @Out byte[] flags);

    long omni_elf_variable_count(Pointer elf);

    @size_t long omni_elf_variables(Pointer elf, @size_t long cap, @Out long[] address, @Out long[] size,
            @Out int[] name, @Out int[] scope, @Out int[] type, @Out int[] file, @Out int[] line);

    @size_t long omni_elf_variable_types(Pointer elf, @size_t long cap, @Out long[] type);

    long omni_elf_tls_variable_count(Pointer elf);

    @size_t long omni_elf_tls_variables(Pointer elf, @size_t long cap, @Out long[] offset, @Out int[] name, @Out int[] scope,
                                        @Out long[] type);

    // Query results (elfinfo.h): each query encodes its answer into the handle's result buffer and
    // returns its size (-1: out of memory); omni_elf_result_copy copies it out.
    int LOC_OPTIMIZED_OUT = 0;
    int LOC_EXPRESSION = 1;
    int LOC_CONSTANT = 2;
    int SCOPE_FUNCTION = 0;
    int SCOPE_INLINED = 1;
    int SCOPE_BLOCK = 2;
    int VAR_PARAMETER = 1;
    int VAR_ARTIFICIAL = 2;
    int VAR_EXTERNAL = 4;
    int RULE_UNDEFINED = 0;
    int RULE_SAME_VALUE = 1;
    int RULE_EXPRESSION = 2;

    @size_t long omni_elf_result_copy(Pointer elf, @Out byte[] buf, @size_t long cap);

    long omni_elf_scopes_at(Pointer elf, long pc);

    long omni_elf_type(Pointer elf, long offset);

    long omni_elf_type_named(Pointer elf, @In String qualifiedName);

    long omni_elf_functions(Pointer elf);

    long omni_elf_namespace_aliases(Pointer elf);

    long omni_elf_cfi_at(Pointer elf, long pc);
}
