// ELF symbols, program headers and DWARF line tables and variables of one module, read with
// elfutils (libelf, libdw). Called from Java through jnr-ffi
// (core/src/main/java/dev/omniscope/symbols/ElfNative.java mirrors this file), so the
// interface is a handle plus plain arrays: the caller asks for a table's row count, allocates one
// array per column and has them filled in one call. Strings are offsets into a string pool (NUL-
// terminated UTF-8, offset 0 is ""), copied out in one call as well.
//
// A handle is not thread-safe; it owns everything it returns until omni_elf_close.
#ifndef OMNI_ELFINFO_H
#define OMNI_ELFINFO_H

#include <stddef.h>
#include <stdint.h>

typedef struct omni_elf omni_elf;

// Opens the ELF file at path. Separate debug info is looked for when the file has no DWARF of its
// own: by build-id (<debug_root>/.build-id/xx/yyyy.debug) and by .gnu_debuglink (next to the file,
// in its .debug/ directory, and under <debug_root>/<its directory>/); debug_root NULL means
// /usr/lib/debug. Returns NULL on failure with a message in err (always NUL-terminated).
omni_elf *omni_elf_open(const char *path, const char *debug_root, char *err, size_t errlen);
void omni_elf_close(omni_elf *elf);

// omni_elf_header fills out[OMNI_ELF_HEADER_FIELDS] with these:
enum {
    OMNI_ELF_TYPE,          // e_type: 2 ET_EXEC, 3 ET_DYN (1 ET_REL, 4 ET_CORE)
    OMNI_ELF_MACHINE,       // e_machine: 62 EM_X86_64
    OMNI_ELF_CLASS,         // 32 or 64
    OMNI_ELF_ENTRY,         // e_entry
    OMNI_ELF_HAS_DWARF,     // 1 when DWARF was found (in the file or in separate debug info)
    OMNI_ELF_SEGMENT_COUNT, // number of PT_LOAD program headers
    OMNI_ELF_HEADER_FIELDS
};
void omni_elf_header(omni_elf *elf, int64_t *out);

const char *omni_elf_build_id(omni_elf *elf);   // lowercase hex of NT_GNU_BUILD_ID, "" when none
const char *omni_elf_debug_path(omni_elf *elf); // the separate debug file in use, "" when none
// Problems that did not stop reading (a compile unit whose line table is unreadable, say), one per
// line; "" when none. Grows as tables are loaded.
const char *omni_elf_warnings(omni_elf *elf);

// PT_LOAD program headers in file order; p_flags bits: 1 X, 2 W, 4 R. Each array holds
// cap entries; returns the number filled.
size_t omni_elf_segments(omni_elf *elf, size_t cap, uint64_t *vaddr, uint64_t *memsz,
                         uint64_t *offset, uint64_t *filesz, uint32_t *flags);

// String pools: symbol names (loads the symbols), and DWARF paths, names and types (loads DWARF).
enum { OMNI_ELF_POOL_SYMBOLS, OMNI_ELF_POOL_DWARF };
// Size in bytes of a pool, or -1 when its table could not be loaded (out of memory).
int64_t omni_elf_pool_size(omni_elf *elf, int pool);
// Copies min(cap, size) bytes of a pool into buf; returns the number copied.
size_t omni_elf_pool_copy(omni_elf *elf, int pool, char *buf, size_t cap);

// Symbols of .symtab (the file's and the debug file's) and .dynsym, deduplicated: one symbol per
// value, name (without an @VERSION suffix), definedness, binding and size, the first of those
// tables wins. (Versions of one .dynsym name, such as glibc's _sys_errlist, differ in size.)
// Sorted by value then name. Section and file symbols are left out.
enum { OMNI_ELF_SYM_OTHER, OMNI_ELF_SYM_FUNC, OMNI_ELF_SYM_OBJECT, OMNI_ELF_SYM_IFUNC,
       OMNI_ELF_SYM_TLS, OMNI_ELF_SYM_NOTYPE };
enum { OMNI_ELF_BIND_LOCAL, OMNI_ELF_BIND_GLOBAL, OMNI_ELF_BIND_WEAK, OMNI_ELF_BIND_UNIQUE,
       OMNI_ELF_BIND_OTHER };
// Number of symbols, or -1 when they could not be loaded (out of memory).
int64_t omni_elf_symbol_count(omni_elf *elf);
// name and demangled are offsets into the symbol pool; demangled equals name when the name is
// not a mangled C++ name. defined is 0 for undefined (SHN_UNDEF) symbols.
size_t omni_elf_symbols(omni_elf *elf, size_t cap, uint64_t *value, uint64_t *size,
                        uint32_t *name, uint32_t *demangled, uint8_t *kind, uint8_t *binding,
                        uint8_t *defined);

// Source files named by the line tables of every compile unit: absolute when the compile
// directory is known, normalised (no "." or ".." components, no repeated slashes), deduplicated.
int64_t omni_elf_file_count(omni_elf *elf);
size_t omni_elf_files(omni_elf *elf, size_t cap, uint32_t *path);

// Line table rows of every compile unit, sequence by sequence as libdw sorts them (each sequence
// ends with an end_sequence row). file is an index into the file list, -1 when unknown.
#define OMNI_ELF_LINE_STMT 1
#define OMNI_ELF_LINE_END_SEQUENCE 2
int64_t omni_elf_line_count(omni_elf *elf);
size_t omni_elf_lines(omni_elf *elf, size_t cap, uint64_t *address, int32_t *file,
                      uint32_t *line, uint32_t *column, uint8_t *flags);

// Variables with a static address (DW_TAG_variable whose location is DW_OP_addr or
// DW_OP_addrx): globals, file statics, function statics, C++ namespace members and static data
// members. name is the name as written; scope is the enclosing function, namespace or class
// ("ns::f"), "" at file level; type is its C/C++ spelling ("char[16]", "struct point",
// "int (*)(int)"); size is the type's byte size, 0 when unknown; file is an index into the file
// list or -1, line is 0 when unknown. Sorted by address.
int64_t omni_elf_variable_count(omni_elf *elf);
size_t omni_elf_variables(omni_elf *elf, size_t cap, uint64_t *address, uint64_t *size,
                          uint32_t *name, uint32_t *scope, uint32_t *type, int32_t *file,
                          uint32_t *line);

#endif
