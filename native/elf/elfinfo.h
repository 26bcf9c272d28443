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

// The PT_TLS program header: out[0] p_memsz (0 when the module has no thread-local storage),
// out[1] p_align, out[2] p_vaddr.
void omni_elf_tls(omni_elf *elf, uint64_t *out);

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

// Thread-local variables (DW_TAG_variable located by a constant and DW_OP_form_tls_address or
// DW_OP_GNU_push_tls_address): offset in the module's TLS block, name and scope (pool offsets, as
// omni_elf_variables), type DIE offset. Not in omni_elf_variables: they have no fixed address.
int64_t omni_elf_tls_variable_count(omni_elf *elf);
size_t omni_elf_tls_variables(omni_elf *elf, size_t cap, uint64_t *offset, uint32_t *name, uint32_t *scope, uint64_t *type);

// The type of each variable of omni_elf_variables, in the same order: the global (.debug_info)
// offset of its type DIE, 0 when unknown.
size_t omni_elf_variable_types(omni_elf *elf, size_t cap, uint64_t *type);

// --- Query results ------------------------------------------------------------------------------
//
// The queries below answer with nested records (scopes holding variables holding expressions), so
// each encodes its answer into the handle's result buffer, replacing the previous answer, and
// returns its size in bytes (-1 when out of memory); omni_elf_result_copy copies it out. Two calls
// per query. An ELF without DWARF gives empty answers. The encoding, little-endian throughout:
//
//   u8, u32, u64      integers of 1, 4 and 8 bytes (i64: a u64 read as two's complement)
//   str               u32 length and that many bytes of UTF-8, no NUL; length 0xffffffff is "none"
//   bytes             u32 length and the bytes
//   ops               a DWARF expression: u32 count, then per operation: u8 atom, u64 number,
//                     u64 number2, u64 offset (in its expression), bytes block, ops nested.
//                     What libdw leaves as pointers is copied: block holds DW_OP_implicit_value's
//                     bytes and DW_OP_const_type's constant (number2 is then 0), nested holds
//                     DW_OP_entry_value's (DW_OP_GNU_entry_value's) sub-expression. The type
//                     references of DW_OP_const_type, convert, reinterpret (number) and
//                     regval_type, deref_type, xderef_type (number2), and their GNU forms, and
//                     of DW_OP_GNU_parameter_ref, call2, call4 (number) are global DIE offsets (0
//                     stays 0, the generic type). DW_OP_addrx and DW_OP_constx (and the GNU
//                     index forms) arrive resolved through .debug_addr, as DW_OP_addr and
//                     DW_OP_const8u with the value in number.
//   location          u8 kind: OMNI_ELF_LOC_OPTIMIZED_OUT; OMNI_ELF_LOC_EXPRESSION then ops;
//                     OMNI_ELF_LOC_CONSTANT then bytes (DW_AT_const_value: a block's bytes, a
//                     string's with its NUL, a constant as 8 bytes, sign-extended when signed)
enum { OMNI_ELF_LOC_OPTIMIZED_OUT, OMNI_ELF_LOC_EXPRESSION, OMNI_ELF_LOC_CONSTANT };
enum { OMNI_ELF_SCOPE_FUNCTION, OMNI_ELF_SCOPE_INLINED, OMNI_ELF_SCOPE_BLOCK };
enum { OMNI_ELF_VAR_PARAMETER = 1, OMNI_ELF_VAR_ARTIFICIAL = 2, OMNI_ELF_VAR_EXTERNAL = 4 };
enum { OMNI_ELF_RULE_UNDEFINED, OMNI_ELF_RULE_SAME_VALUE, OMNI_ELF_RULE_EXPRESSION };

size_t omni_elf_result_copy(omni_elf *elf, char *buf, size_t cap);

// The scopes containing pc (link-time), outermost first: the function (DW_TAG_subprogram), then
// the lexical blocks and inlined functions nested in it. u32 count, then per scope:
//   u8 kind (OMNI_ELF_SCOPE_*), str name (an inlined function's from its abstract origin; "" for
//   a block), str linkage name ("" when none), str qualified name ("ns::Klass::method" in C++:
//   namespaces and classes of the declaration; the name in C), u64 DIE offset, u64 low pc (lowest
//   of its ranges), u64 entry pc (DW_AT_entry_pc, else the low pc), ops frame base at pc
//   (functions only, else empty), u64 return type DIE offset (0: void, or a block), str call file
//   (inlined functions: DW_AT_call_file as a path; else none), u32 call line, str declaring file
//   (none when unknown), u32 declaring line, u32 the unit's DW_AT_language, u32 variable count,
//   then per variable (the scope's own DW_TAG_formal_parameter and DW_TAG_variable children in
//   DIE order, abstract origins resolved; then those of the abstract origin the instance leaves
//   out): str name, u64 type DIE offset (0 unknown), u32 DW_AT_decl_line, location at pc (a
//   location list entry covering pc, else optimized out), u8 OMNI_ELF_VAR_* flags (external:
//   DW_AT_external or a DW_OP_addr location, a static local), u64 its DIE offset, u64 its
//   DW_AT_abstract_origin's DIE offset (0 none): what a DW_OP_implicit_pointer may name.
int64_t omni_elf_scopes_at(omni_elf *elf, uint64_t pc);

// The type DIE at a global .debug_info offset; an empty answer when the DIE is not a type. Fields:
//   u64 offset, u32 tag, str name ("" none), str qualified name (C++: with namespaces and
//   enclosing classes), i64 DW_AT_byte_size (-1 absent; 8 for pointers and references without
//   one, 16 for a pointer to member function), u32 DW_AT_encoding, u64 target (DW_AT_type's DIE
//   offset, 0 none), then
//   u32 count of members (DW_TAG_member, DW_TAG_inheritance, and DW_TAG_variable static members,
//     in DIE order): str name (a base class's: its type's name), u64 type, i64 byte offset
//     (DW_AT_data_member_location; a bit field without one: its bit offset / 8; -1 for static
//     members and virtual bases), u32 bit size (0 unless a bit field), i64 bit offset from the
//     start of the object, LSB first (DW_AT_data_bit_offset, or DWARF 2/3 DW_AT_bit_offset
//     converted; -1 unless a bit field), u8 flags: 1 inheritance, 2 static, 4 artificial,
//     8 virtual base, 16 a DW_AT_const_value follows (a static member without storage: the
//     value as a location's constant is encoded)
//   u32 count of enumerators: str name, i64 value
//   u32 count of array dimensions, outermost first: i64 element count (-1 unknown)
//   u32 count of subroutine type parameters: u64 type
//   u32 count of template parameters: str name, u64 type, u8 has value, i64 value
//   u8 flags: 1 DW_AT_declaration, 2 DW_AT_enum_class, 4 DW_AT_prototyped, 8 varargs
//   u32 the unit's DW_AT_language
int64_t omni_elf_type(omni_elf *elf, uint64_t offset);

// The DIE offset of a complete (not declaration-only) struct, class, union, enum, typedef or base
// type declared outside functions under this qualified name ("geo::Point", "item",
// "unsigned int"); the first in DIE order when several units define it; 0 when none.
uint64_t omni_elf_type_named(omni_elf *elf, const char *qualified_name);

// Every DW_TAG_subprogram with code (DW_AT_low_pc or DW_AT_ranges at a loaded address), C++
// methods defined outside their class and out-of-line instances of inline functions included,
// by address. u32 count, then per function: str name, str qualified name, str linkage name,
// u64 low pc, u64 high pc (end of its main range: low_pc/high_pc or its first range), u64 DIE
// offset, str declaring file (none when unknown), u32 declaring line, u8 DW_AT_external.
int64_t omni_elf_functions(omni_elf *elf);

// C++ namespace aliases (`namespace oi = outer::inner;`: DW_TAG_imported_declaration with a
// name, importing a namespace) at file level and in namespaces. u32 count, then per alias: str
// its qualified name ("oi", "a::oi"), str the qualified name of the namespace it names.
int64_t omni_elf_namespace_aliases(omni_elf *elf);

// The call frame information at pc, from .eh_frame (no DWARF needed) or else .debug_frame; an
// empty answer when none covers pc. u64 start, u64 end (the pcs the row covers), u32 the return
// address register, ops the CFA (an expression computing it: DW_OP_bregN offset for the usual
// rule), u32 count, then per DWARF register 0..16: u32 register, u8 OMNI_ELF_RULE_*, ops
// (EXPRESSION: a location expression in which DW_OP_call_frame_cfa is the CFA, computing where
// the caller's value is saved, or, ending in DW_OP_stack_value, the value itself).
int64_t omni_elf_cfi_at(omni_elf *elf, uint64_t pc);

#endif
