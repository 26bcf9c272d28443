// Internals shared by the files of libomnielf.so, which together implement elfinfo.h:
//
//   handle.c           the handle: opening and closing, header, segments, warnings, memory and
//                      the string pools
//   debug_file.c       separate debug info: by build-id and .gnu_debuglink (with its CRC)
//   symbols.c          symbols of .symtab and .dynsym, synthetic PLT names, C++ demangling
//   dwarf.c            loading the DWARF tables (every unit's lines, then its variables) and
//                      handing them out
//   dwarf_lines.c      the global file list and the line tables of every compile unit
//   dwarf_variables.c  variables at static addresses, with their C/C++ type names and scopes
//
// Everything read from the file is treated as hostile: libelf and libdw check offsets against the
// file, and the DIE walks (dwarf_variables.c) bound their depth and insist that DIE offsets move
// forward.
#ifndef OMNI_ELF_INTERNAL_H
#define OMNI_ELF_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <elfutils/libdw.h>
#include <gelf.h>

#include "elfinfo.h"

// The C++ ABI's demangler, from libstdc++ (linked in elf.mk); elfutils keeps its own private.
extern char *__cxa_demangle(const char *mangled, char *out, size_t *length, int *status);

// Everything declared here is internal to libomnielf.so: hidden, so that only elfinfo.h's
// functions are exported (as when all of this was one file of static functions).
#pragma GCC visibility push(hidden)

struct strbuf {
    char *data;
    size_t len, cap;
};

struct symbol {
    const char *raw; // in the ELF's string table while loading, interned afterwards
    uint64_t value, size;
    uint32_t name, demangled;
    uint8_t kind, binding, defined;
    uint32_t order; // source order, so that .symtab wins over .dynsym among duplicates
};

struct line {
    uint64_t address;
    int32_t file;
    uint32_t line, column;
    uint8_t flags;
};

struct variable {
    uint64_t address, size;
    uint32_t name, scope, type;
    int32_t file;
    uint32_t line;
};

struct segment {
    uint64_t vaddr, memsz, offset, filesz;
    uint32_t flags;
};

struct range {
    uint64_t start, size;
};

// A compile unit's file table mapped onto the global file list.
struct cu_files {
    Dwarf_Off offset;
    Dwarf_CU *cu;
    Dwarf_Files *files;
    size_t count;
    int32_t *global;
};

struct omni_elf {
    int fd, debug_fd;
    Elf *elf, *debug_elf;
    Dwarf *dwarf;
    int64_t header[OMNI_ELF_HEADER_FIELDS];
    unsigned char *build_id;
    size_t build_id_len;
    char *build_id_hex;
    char *debug_path;
    struct strbuf warnings;
    bool oom; // set by any failed allocation; the table being loaded is then given up

    struct segment *segments;
    size_t nsegments;
    // Where the program has memory: allocated sections (a segment can also cover sections that
    // are not loaded, such as glibc's .gnu.warning), or PT_LOAD segments without section headers.
    struct range *loaded;
    size_t nloaded;

    int symbols_state; // 0 not loaded, 1 loaded, -1 failed
    struct symbol *symbols;
    size_t nsymbols, capsymbols;
    struct strbuf symbol_pool;

    int dwarf_state;
    struct strbuf dwarf_pool;
    uint32_t *files;
    size_t nfiles, capfiles;
    int32_t *file_hash; // open addressing: global file index + 1, 0 for empty
    size_t hash_cap;
    struct cu_files *cus;
    size_t ncus, capcus;
    struct line *lines;
    size_t nlines, caplines;
    struct variable *variables;
    size_t nvariables, capvariables;
};

// --- handle.c: memory, string pools, warnings -------------------------------------------------

bool grow(omni_elf *h, void **p, size_t *cap, size_t need, size_t elem);

// Appends an element to arr (n used, cap allocated); its address, NULL when out of memory.
#define PUSH(h, arr, n, cap) \
    (grow((h), (void **)&(arr), &(cap), (n) + 1, sizeof *(arr)) ? &(arr)[(n)++] : NULL)

uint32_t pool_add_len(omni_elf *h, struct strbuf *sb, const char *s, size_t n);
uint32_t pool_add(omni_elf *h, struct strbuf *sb, const char *s);
// Adds a line to the handle's warnings (omni_elf_warnings).
void warn(omni_elf *h, const char *fmt, ...);

// --- debug_file.c -----------------------------------------------------------------------------

bool has_debug_info(Elf *elf);
// Looks for separate debug info (root: the debug root, /usr/lib/debug by default); when found, sets
// h->debug_path, h->debug_fd, h->debug_elf and h->dwarf.
void find_debug_file(omni_elf *h, const char *path, const char *root);

// --- symbols.c --------------------------------------------------------------------------------

// Loads the symbol table once: 1 loaded, -1 failed (out of memory).
int load_symbols(omni_elf *h);

// --- dwarf.c ----------------------------------------------------------------------------------

// Loads the files, lines and variables once: 1 loaded, -1 failed (out of memory).
int load_dwarf(omni_elf *h);
void free_dwarf_tables(omni_elf *h);

// --- dwarf_lines.c ----------------------------------------------------------------------------

// Visits one unit (for_each_unit): maps its file table and appends its line rows.
void read_cu_lines(omni_elf *h, Dwarf_CU *cu, Dwarf_Die *cudie, Dwarf_Die *split);
// Orders h->cus by unit offset, which find_cu needs.
int compare_cus(const void *a, const void *b);
// The file table of the unit a DIE belongs to, NULL when it has none.
struct cu_files *find_cu(omni_elf *h, Dwarf_Die *die);

// --- dwarf_variables.c ------------------------------------------------------------------------

// Visits one unit (for_each_unit): appends its variables with a static address.
void visit_unit_variables(omni_elf *h, Dwarf_CU *cu, Dwarf_Die *cudie, Dwarf_Die *split);
// Orders variables by address, name and scope (pool: the DWARF pool's data, for qsort_r).
int compare_variables(const void *a, const void *b, void *pool);

#pragma GCC visibility pop

#endif
