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
}
