// DWARF variables at a static address (DW_OP_addr, DW_OP_addrx), and thread-local ones (an offset
// in the module's TLS block), and the C/C++ spelling of their
// types, their scope (function, namespace, class) and where they are declared.
//
// Like everything read from the module, the DIEs are hostile input: the walks here bound their
// depth (MAX_SCOPE_DEPTH, MAX_TYPE_DEPTH), type names their size and the DIEs they visit
// (MAX_TYPE_NODES), and sibling offsets must move forward (next_sibling).
#define _GNU_SOURCE
#include "elf_internal.h"

#include <dwarf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef DW_LANG_C17
#define DW_LANG_C17 0x2c
#endif

#define MAX_TYPE_DEPTH 16  // typedef/pointer chains deeper than this are hostile or cyclic
#define MAX_TYPE_NODES 256 // DIEs visited to name one type: parameter lists could fan out
#define MAX_SCOPE_DEPTH 64 // nesting of namespaces, functions and blocks

// snprintf for names that may be cut short: a truncated type name is still a useful one.
static void format(char *out, size_t cap, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, cap, fmt, ap);
    va_end(ap);
}

const char *die_name(Dwarf_Die *die) {
    Dwarf_Attribute a;
    return dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &a));
}

static Dwarf_Die *die_type(Dwarf_Die *die, Dwarf_Die *type) {
    Dwarf_Attribute a;
    return dwarf_formref_die(dwarf_attr_integrate(die, DW_AT_type, &a), type);
}

bool next_sibling(Dwarf_Die *die) {
    Dwarf_Off before = dwarf_dieoffset(die);
    Dwarf_Die next;
    // Offsets must grow, or a hostile DW_AT_sibling could send the walk round in circles.
    if (dwarf_siblingof(die, &next) != 0 || dwarf_dieoffset(&next) <= before) return false;
    *die = next;
    return true;
}

static void append(char *buf, size_t cap, const char *s) {
    size_t len = strlen(buf);
    if (len < cap) format(buf + len, cap - len, "%s", s);
}

// The C/C++ spelling of a type (NULL: void) around declarator decl, as gdb prints types:
// "char[16]", "const char *", "char *const", "int (*)(int)". C spells "struct point" where C++
// says "point".
static void type_name(Dwarf_Die *type, const char *decl, bool c_lang, int depth, int *budget, char *out,
                      size_t outlen) {
    char inner[512], base[512];
    if (!type) {
        format(base, sizeof base, "void");
    } else if (depth > MAX_TYPE_DEPTH || --*budget < 0) {
        format(base, sizeof base, "?");
    } else {
        Dwarf_Die target_mem;
        Dwarf_Die *target = die_type(type, &target_mem);
        int target_tag = target ? dwarf_tag(target) : 0;
        bool target_is_pointer = target_tag == DW_TAG_pointer_type || target_tag == DW_TAG_reference_type ||
                                 target_tag == DW_TAG_rvalue_reference_type;
        int tag = dwarf_tag(type);
        switch (tag) {
        case DW_TAG_pointer_type:
        case DW_TAG_reference_type:
        case DW_TAG_rvalue_reference_type: {
            const char *op = tag == DW_TAG_pointer_type ? "*" : tag == DW_TAG_reference_type ? "&" : "&&";
            bool wrap = target_tag == DW_TAG_array_type || target_tag == DW_TAG_subroutine_type;
            format(inner, sizeof inner, wrap ? "(%s%s)" : "%s%s", op, decl);
            type_name(target, inner, c_lang, depth + 1, budget, out, outlen);
            return;
        }
        case DW_TAG_const_type:
        case DW_TAG_volatile_type:
        case DW_TAG_restrict_type:
        case DW_TAG_atomic_type: {
            const char *q = tag == DW_TAG_const_type      ? "const"
                            : tag == DW_TAG_volatile_type ? "volatile"
                            : tag == DW_TAG_restrict_type ? "restrict"
                                                          : "_Atomic";
            if (target_is_pointer) { // qualifies the pointer: "char *const"
                format(inner, sizeof inner, "%s%s%s", q, *decl ? " " : "", decl);
                type_name(target, inner, c_lang, depth + 1, budget, out, outlen);
            } else {
                type_name(target, decl, c_lang, depth + 1, budget, inner, sizeof inner);
                // const on an array qualifies its elements, which often say so themselves.
                size_t ql = strlen(q);
                bool already = strncmp(inner, q, ql) == 0 && inner[ql] == ' ';
                if (already) format(out, outlen, "%s", inner);
                else format(out, outlen, "%s %s", q, inner);
            }
            return;
        }
        case DW_TAG_array_type: {
            format(inner, sizeof inner, "%s", decl);
            Dwarf_Die sub;
            bool any = false;
            if (dwarf_child(type, &sub) == 0) {
                do {
                    if (dwarf_tag(&sub) != DW_TAG_subrange_type) continue;
                    Dwarf_Attribute a;
                    Dwarf_Word n;
                    char dim[32] = "[]"; // unknown or variable bound
                    if (dwarf_formudata(dwarf_attr(&sub, DW_AT_count, &a), &n) == 0)
                        format(dim, sizeof dim, "[%llu]", (unsigned long long)n);
                    else if (dwarf_formudata(dwarf_attr(&sub, DW_AT_upper_bound, &a), &n) == 0)
                        format(dim, sizeof dim, "[%llu]", (unsigned long long)n + 1);
                    append(inner, sizeof inner, dim);
                    any = true;
                } while (next_sibling(&sub));
            }
            if (!any) append(inner, sizeof inner, "[]");
            type_name(target, inner, c_lang, depth + 1, budget, out, outlen);
            return;
        }
        case DW_TAG_subroutine_type: {
            char params[512] = "", param[512];
            Dwarf_Die p;
            if (dwarf_child(type, &p) == 0) {
                do {
                    int ptag = dwarf_tag(&p);
                    if (ptag == DW_TAG_formal_parameter) {
                        Dwarf_Die pt_mem;
                        type_name(die_type(&p, &pt_mem), "", c_lang, depth + 1, budget, param, sizeof param);
                    } else if (ptag == DW_TAG_unspecified_parameters) {
                        format(param, sizeof param, "...");
                    } else {
                        continue;
                    }
                    if (*params) append(params, sizeof params, ", ");
                    append(params, sizeof params, param);
                } while (next_sibling(&p));
            }
            bool prototyped = false;
            Dwarf_Attribute a;
            dwarf_formflag(dwarf_attr(type, DW_AT_prototyped, &a), &prototyped);
            if (!*params && prototyped && c_lang) format(params, sizeof params, "void");
            format(inner, sizeof inner, "%s(%s)", decl, params);
            type_name(target, inner, c_lang, depth + 1, budget, out, outlen);
            return;
        }
        case DW_TAG_structure_type:
        case DW_TAG_class_type:
        case DW_TAG_union_type:
        case DW_TAG_enumeration_type: {
            const char *kw = tag == DW_TAG_structure_type ? "struct"
                             : tag == DW_TAG_class_type   ? "class"
                             : tag == DW_TAG_union_type   ? "union"
                                                          : "enum";
            const char *name = die_name(type);
            if (!name) format(base, sizeof base, "%s {...}", kw);
            else if (c_lang) format(base, sizeof base, "%s %s", kw, name);
            else format(base, sizeof base, "%s", name);
            break;
        }
        default: { // base types, typedefs, C++'s decltype(nullptr)
            const char *name = die_name(type);
            format(base, sizeof base, "%s", name ? name : "?");
        }
        }
    }
    if (!*decl) format(out, outlen, "%s", base);
    else format(out, outlen, decl[0] == '[' ? "%s%s" : "%s %s", base, decl);
}

// A C++ variable defined outside its class or namespace block (DW_AT_specification) is walked at
// file level; its qualified name, demangled from the linkage name, tells the real scope.
static bool scope_from_linkage_name(Dwarf_Die *die, const char *name, char *out, size_t outlen) {
    Dwarf_Attribute a;
    const char *linkage = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_linkage_name, &a));
    if (!linkage) linkage = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &a));
    if (!linkage || strncmp(linkage, "_Z", 2) != 0) return false;
    int status = 0;
    char *q = __cxa_demangle(linkage, NULL, NULL, &status);
    if (!q) return false;
    size_t ql = strlen(q), nl = strlen(name);
    bool found = ql > nl + 2 && strcmp(q + ql - nl, name) == 0 && q[ql - nl - 1] == ':' && q[ql - nl - 2] == ':';
    if (found) format(out, outlen, "%.*s", (int)(ql - nl - 2), q);
    free(q);
    return found;
}

// The scope of a definition's declaration (DW_AT_specification), found by walking its unit: for
// definitions without a linkage name, such as those in an anonymous namespace.
static bool scope_from_declaration(Dwarf_Die *die, char *out, size_t outlen) {
    Dwarf_Attribute a;
    Dwarf_Die decl;
    if (!dwarf_formref_die(dwarf_attr(die, DW_AT_specification, &a), &decl)) return false;
    Dwarf_Die *scopes;
    int n = dwarf_getscopes_die(&decl, &scopes);
    if (n <= 0) return false;
    out[0] = 0;
    for (int i = n - 1; i > 0; i--) { // scopes[0] is decl itself, scopes[n - 1] its unit
        int tag = dwarf_tag(&scopes[i]);
        if (tag != DW_TAG_namespace && tag != DW_TAG_structure_type && tag != DW_TAG_class_type &&
            tag != DW_TAG_union_type && tag != DW_TAG_subprogram)
            continue;
        const char *name = die_name(&scopes[i]);
        if (*out) append(out, outlen, "::");
        append(out, outlen, name ? name : tag == DW_TAG_namespace ? "(anonymous namespace)" : "?");
    }
    free(scopes);
    return *out != 0;
}

// The declaring file and line, each from the first DIE that has it along DW_AT_specification and
// DW_AT_abstract_origin: a C++ definition outside its class names its own line but leaves the
// file to its declaration when they are the same.
int32_t decl_file(omni_elf *h, Dwarf_Die *die, uint32_t *line) {
    Dwarf_Die d = *die;
    bool have_line = false;
    *line = 0;
    for (int i = 0; i < 8; i++) {
        Dwarf_Attribute a;
        Dwarf_Word value;
        if (!have_line && dwarf_formudata(dwarf_attr(&d, DW_AT_decl_line, &a), &value) == 0) {
            *line = value <= UINT32_MAX ? (uint32_t)value : 0;
            have_line = true;
        }
        if (dwarf_formudata(dwarf_attr(&d, DW_AT_decl_file, &a), &value) == 0) {
            struct cu_files *c = find_cu(h, &d); // the index is into the table of d's own unit
            return c && value < c->count ? c->global[value] : -1;
        }
        if (!dwarf_attr(&d, DW_AT_specification, &a) && !dwarf_attr(&d, DW_AT_abstract_origin, &a)) break;
        if (!dwarf_formref_die(&a, &d)) break;
    }
    return -1;
}

bool loaded_address(omni_elf *h, uint64_t address) {
    if (address == 0) return false; // the linker's tombstone for a discarded definition
    if (h->nloaded == 0) return true; // relocatable files: nothing to check against
    for (size_t i = 0; i < h->nloaded; i++) {
        if (address >= h->loaded[i].start && address - h->loaded[i].start < h->loaded[i].size) return true;
    }
    return false;
}

static void add_variable(omni_elf *h, Dwarf_Die *die, const char *scope, bool c_lang) {
    Dwarf_Attribute loc;
    Dwarf_Op *ops;
    size_t nops;
    if (!dwarf_attr(die, DW_AT_location, &loc) || dwarf_getlocation(&loc, &ops, &nops) != 0) return;
    Dwarf_Addr address;
    bool tls = nops == 2 && (ops[1].atom == DW_OP_form_tls_address || ops[1].atom == DW_OP_GNU_push_tls_address) &&
               (ops[0].atom == DW_OP_constu || (ops[0].atom >= DW_OP_const1u && ops[0].atom <= DW_OP_const8s) ||
                (ops[0].atom >= DW_OP_lit0 && ops[0].atom <= DW_OP_lit31));
    if (tls) {
        address = ops[0].atom >= DW_OP_lit0 && ops[0].atom <= DW_OP_lit31 ? (Dwarf_Addr)(ops[0].atom - DW_OP_lit0) : ops[0].number;
    } else if (nops != 1) {
        return;
    } else if (ops[0].atom == DW_OP_addr) {
        address = ops[0].number;
    } else if (ops[0].atom == DW_OP_addrx || ops[0].atom == DW_OP_GNU_addr_index) {
        Dwarf_Attribute a;
        if (dwarf_getlocation_attr(&loc, &ops[0], &a) != 0 || dwarf_formaddr(&a, &address) != 0) return;
    } else {
        return; // not at one fixed address
    }
    if (!tls && !loaded_address(h, address)) return; // a discarded definition, or in a section never loaded
    const char *name = die_name(die);
    if (!name) return;

    char qualified[512];
    if (!*scope && (scope_from_linkage_name(die, name, qualified, sizeof qualified) ||
                    scope_from_declaration(die, qualified, sizeof qualified)))
        scope = qualified;
    Dwarf_Die type_mem;
    Dwarf_Die *type = die_type(die, &type_mem);
    Dwarf_Word size = 0;
    if (!type || dwarf_aggregate_size(type, &size) != 0) size = 0;
    char type_str[512];
    int budget = MAX_TYPE_NODES;
    type_name(type, "", c_lang, 0, &budget, type_str, sizeof type_str);

    struct variable v = {.address = address, .size = size, .type_offset = type ? dwarf_dieoffset(type) : 0};
    v.file = decl_file(h, die, &v.line);
    v.name = pool_add(h, &h->dwarf_pool, name);
    v.scope = pool_add(h, &h->dwarf_pool, scope);
    v.type = pool_add(h, &h->dwarf_pool, type_str);
    struct variable *slot = tls ? PUSH(h, h->tls_variables, h->ntls_variables, h->captls_variables)
                                : PUSH(h, h->variables, h->nvariables, h->capvariables);
    if (slot) *slot = v;
}

static void walk_scope(omni_elf *h, Dwarf_Die *parent, const char *scope, bool c_lang, int depth) {
    Dwarf_Die child;
    if (depth > MAX_SCOPE_DEPTH || dwarf_child(parent, &child) != 0) return;
    do {
        int tag = dwarf_tag(&child);
        switch (tag) {
        case DW_TAG_variable:
            add_variable(h, &child, scope, c_lang);
            break;
        case DW_TAG_lexical_block:
            walk_scope(h, &child, scope, c_lang, depth + 1);
            break;
        case DW_TAG_namespace:
        case DW_TAG_subprogram: {
            const char *name = die_name(&child);
            if (!name) name = tag == DW_TAG_namespace ? "(anonymous namespace)" : "?";
            char inner[512];
            format(inner, sizeof inner, "%s%s%s", scope, *scope ? "::" : "", name);
            walk_scope(h, &child, inner, c_lang, depth + 1);
            break;
        }
        default:
            break; // types and inlined instances: their statics are declared elsewhere
        }
    } while (!h->oom && next_sibling(&child));
}

bool is_c_language(int lang) {
    return lang == DW_LANG_C89 || lang == DW_LANG_C || lang == DW_LANG_C99 || lang == DW_LANG_C11 ||
           lang == DW_LANG_C17;
}

int compare_variables(const void *a, const void *b, void *pool) {
    const struct variable *x = a, *y = b;
    if (x->address != y->address) return x->address < y->address ? -1 : 1;
    int c = strcmp((char *)pool + x->name, (char *)pool + y->name);
    return c ? c : strcmp((char *)pool + x->scope, (char *)pool + y->scope);
}

void visit_unit_variables(omni_elf *h, Dwarf_CU *cu, Dwarf_Die *cudie, Dwarf_Die *split) {
    (void)cu;
    Dwarf_Die *unit = split ? split : cudie;
    walk_scope(h, unit, "", is_c_language(dwarf_srclang(unit)), 0);
}

// The qualified name of a namespace DIE: its enclosing namespaces' names and its own.
static bool namespace_name(Dwarf_Die *ns, char *out, size_t outlen) {
    Dwarf_Die *scopes;
    int n = dwarf_getscopes_die(ns, &scopes);
    if (n <= 0) return false;
    out[0] = 0;
    for (int i = n - 1; i >= 0; i--) { // scopes[0] is the namespace itself, scopes[n - 1] its unit
        if (dwarf_tag(&scopes[i]) != DW_TAG_namespace) continue;
        const char *name = die_name(&scopes[i]);
        if (*out) append(out, outlen, "::");
        append(out, outlen, name ? name : "(anonymous namespace)");
    }
    free(scopes);
    return *out != 0;
}

static uint32_t walk_aliases(omni_elf *h, Dwarf_Die *parent, const char *scope, int depth) {
    Dwarf_Die child;
    uint32_t count = 0;
    if (depth > MAX_SCOPE_DEPTH || dwarf_child(parent, &child) != 0) return 0;
    do {
        int tag = dwarf_tag(&child);
        const char *name = die_name(&child);
        char inner[512];
        if (tag == DW_TAG_namespace) {
            format(inner, sizeof inner, "%s%s%s", scope, *scope ? "::" : "", name ? name : "(anonymous namespace)");
            count += walk_aliases(h, &child, inner, depth + 1);
        } else if (tag == DW_TAG_imported_declaration && name) {
            Dwarf_Attribute a;
            Dwarf_Die target;
            char target_name[512];
            if (dwarf_formref_die(dwarf_attr(&child, DW_AT_import, &a), &target) && dwarf_tag(&target) == DW_TAG_namespace &&
                namespace_name(&target, target_name, sizeof target_name)) {
                format(inner, sizeof inner, "%s%s%s", scope, *scope ? "::" : "", name);
                res_str(h, inner);
                res_str(h, target_name);
                count++;
            }
        }
    } while (!h->oom && next_sibling(&child));
    return count;
}

int64_t omni_elf_namespace_aliases(omni_elf *h) {
    res_reset(h);
    size_t count_at = res_mark(h);
    uint32_t count = 0;
    if (h->dwarf) {
        Dwarf_CU *cu = NULL;
        Dwarf_Half version;
        uint8_t type;
        Dwarf_Die cudie, sub;
        while (!h->oom && dwarf_get_units(h->dwarf, cu, &cu, &version, &type, &cudie, &sub) == 0) {
            Dwarf_Die *unit = type == DW_UT_skeleton && dwarf_tag(&sub) == DW_TAG_compile_unit ? &sub : &cudie;
            if (is_c_language(dwarf_srclang(unit))) continue;
            count += walk_aliases(h, unit, "", 0);
        }
    }
    res_patch_u32(h, count_at, count);
    return res_done(h);
}
