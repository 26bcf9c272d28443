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
//   dwarf_index.c      one walk of every unit on first use: qualified names of types and
//                      functions declared outside functions (for naming DIEs found any other
//                      way, and types by name), and the list of functions with code
//   dwarf_scopes.c     the scopes (function, blocks, inlined functions) containing a pc, with
//                      their variables and locations there
//   dwarf_types.c      a type DIE by offset: size, target, members, enumerators, dimensions...
//   dwarf_expr.c       DWARF expressions and locations made self-contained for the result buffer
//   dwarf_cfi.c        call frame information at a pc (.eh_frame, else .debug_frame)
//   result.c           the result buffer the structured queries above encode their answers in
//
// Everything read from the file is treated as hostile: libelf and libdw check offsets against the
// file, and the DIE walks (dwarf_variables.c, dwarf_index.c, dwarf_scopes.c, dwarf_types.c) bound
// their depth and insist that DIE offsets move forward.
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
    uint64_t type_offset; // global DIE offset of its type, 0 when unknown
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

struct named;    // dwarf_index.c
struct function; // dwarf_index.c

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

    int index_state; // dwarf_index.c: 0 not loaded, 1 loaded, -1 failed
    struct strbuf index_pool;
    struct named *named; // by offset
    size_t nnamed, capnamed;
    uint32_t *named_by_name; // indices of the named types, by qualified name
    size_t nnamed_by_name;
    struct function *functions; // by address
    size_t nfunctions, capfunctions;

    Dwarf_CFI *eh_cfi; // dwarf_cfi.c: .eh_frame, read on first use
    bool eh_cfi_tried;

    struct strbuf result; // result.c: the last structured query's answer
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
// Calls visit for every compile or partial unit, with the split unit of a skeleton.
void for_each_unit(omni_elf *h, void (*visit)(omni_elf *, Dwarf_CU *, Dwarf_Die *, Dwarf_Die *));

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
// Shared with the other DWARF readers: DW_AT_name (through DW_AT_specification and
// DW_AT_abstract_origin), NULL when none.
const char *die_name(Dwarf_Die *die);
// Moves to the next sibling; false at the end or when the sibling's offset does not grow.
bool next_sibling(Dwarf_Die *die);
// The declaring file (index into the global file list, -1 when unknown) and line (0) of a DIE,
// along DW_AT_specification and DW_AT_abstract_origin. Needs load_dwarf.
int32_t decl_file(omni_elf *h, Dwarf_Die *die, uint32_t *line);
// Whether a link-time address is in memory the module loads (0 is the linker's tombstone).
bool loaded_address(omni_elf *h, uint64_t address);
bool is_c_language(int lang);

// --- dwarf_index.c ----------------------------------------------------------------------------

// Loads the index once (and the DWARF tables before it): 1 loaded, -1 failed (out of memory).
int load_index(omni_elf *h);
void free_index(omni_elf *h);
// The qualified name the index gives a type or function DIE, or the DIE its
// DW_AT_abstract_origin/DW_AT_specification chain ends at; NULL when not indexed.
const char *indexed_name(omni_elf *h, Dwarf_Die *die);
// The offset of the DIE that a DIE's DW_AT_abstract_origin/DW_AT_specification chain ends at.
uint64_t final_origin(Dwarf_Die *die);
// A path of the global file list, NULL for -1 or out of range.
const char *file_path(omni_elf *h, int32_t file);

// --- dwarf_expr.c -----------------------------------------------------------------------------

#define MAX_RESULT_STRING 4096 // names longer than this are cut
// The offset of the unit holding a DIE (unit-relative references count from it).
uint64_t unit_start(Dwarf_Die *die);
// Encodes n operations (attr: the attribute they came from, for their blocks and sub-expressions,
// NULL for CFI; cu_start: its unit's offset).
void res_ops(omni_elf *h, Dwarf_Attribute *attr, uint64_t cu_start, const Dwarf_Op *ops, size_t n, int depth);
// Encodes where a variable's value is at pc; is_static (may be NULL) tells a DW_OP_addr location.
void res_location(omni_elf *h, Dwarf_Die *die, uint64_t pc, bool *is_static);
// A constant attribute as a signed integer; DW_FORM_data1/2/4 are sign-extended when owner's
// DW_AT_type is a signed type (owner may be NULL: zero-extended).
bool const_int(Dwarf_Die *owner, Dwarf_Attribute *attr, int64_t *out);

// --- dwarf_cfi.c ------------------------------------------------------------------------------

void free_cfi(omni_elf *h);

// --- result.c ---------------------------------------------------------------------------------

void res_reset(omni_elf *h);
void res_u8(omni_elf *h, uint8_t v);
void res_u32(omni_elf *h, uint32_t v);
void res_u64(omni_elf *h, uint64_t v);
void res_bytes(omni_elf *h, const void *p, size_t n); // u32 length, bytes
void res_str(omni_elf *h, const char *s);             // as res_bytes; NULL as length 0xffffffff
// Writes a u32 placeholder (a count not known yet) and returns where, for res_patch_u32.
size_t res_mark(omni_elf *h);
void res_patch_u32(omni_elf *h, size_t at, uint32_t v);
// The answer's size, or -1 (and an empty buffer) when memory ran out while encoding it.
int64_t res_done(omni_elf *h);

// A DW_AT_const_value into the result: a block's bytes, a string's with its NUL, a constant as 8
// bytes (dwarf_expr.c).
void put_const_value(omni_elf *h, Dwarf_Die *die, Dwarf_Attribute *attr);

#pragma GCC visibility pop

#endif
