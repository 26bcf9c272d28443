// The scopes containing a pc, outermost first: the function, then the lexical blocks and inlined
// functions nested in it, each with its own parameters and locals and their locations at the pc
// (dwarf_expr.c). Variables an inlined or out-of-line instance does not describe, because the
// compiler dropped them, are taken from the abstract origin, as gdb does (optimized out, unless
// the origin has a constant or static location).
//
// The walk descends only into DIEs whose ranges contain the pc (and namespaces), bounded by
// MAX_SCOPES; sibling offsets must grow (next_sibling).
#define _GNU_SOURCE
#include "elf_internal.h"

#include <dwarf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SCOPES 64
#define MAX_ORIGINS 4096 // abstract origins one scope's variables name

struct scope {
    Dwarf_Die die;
    uint8_t kind;
    char prefix[512]; // enclosing namespaces of a function
};

struct chain {
    struct scope scopes[MAX_SCOPES];
    int n;
};

// Finds the unit whose ranges contain pc (the split unit of a skeleton).
static bool find_unit(omni_elf *h, uint64_t pc, Dwarf_Die *unit) {
    Dwarf_Die cudie;
    if (dwarf_addrdie(h->dwarf, pc, &cudie) && dwarf_haspc(&cudie, pc) == 1) {
        Dwarf_Die sub;
        uint8_t type;
        if (dwarf_cu_info(cudie.cu, NULL, &type, NULL, &sub, NULL, NULL, NULL) == 0 && type == DW_UT_skeleton &&
            dwarf_tag(&sub) == DW_TAG_compile_unit)
            cudie = sub;
        *unit = cudie;
        return true;
    }
    // No .debug_aranges, or one that leaves the unit out: ask every unit.
    Dwarf_CU *cu = NULL;
    Dwarf_Half version;
    uint8_t type;
    Dwarf_Die sub;
    while (dwarf_get_units(h->dwarf, cu, &cu, &version, &type, &cudie, &sub) == 0) {
        Dwarf_Die *d = type == DW_UT_skeleton && dwarf_tag(&sub) == DW_TAG_compile_unit ? &sub : &cudie;
        if ((type == DW_UT_compile || type == DW_UT_partial || type == DW_UT_skeleton) && dwarf_haspc(d, pc) == 1) {
            *unit = *d;
            return true;
        }
    }
    return false;
}

static void collect(omni_elf *h, Dwarf_Die *parent, uint64_t pc, const char *prefix, bool cxx, struct chain *c,
                    int depth) {
    Dwarf_Die child;
    if (depth > MAX_SCOPES || c->n >= MAX_SCOPES || dwarf_child(parent, &child) != 0) return;
    do {
        int tag = dwarf_tag(&child);
        if (tag == DW_TAG_namespace && c->n == 0) {
            const char *name = die_name(&child);
            char inner[512];
            snprintf(inner, sizeof inner, "%s%s%s", prefix, *prefix ? "::" : "", name ? name : "(anonymous namespace)");
            collect(h, &child, pc, inner, cxx, c, depth + 1);
            if (c->n) return;
            continue;
        }
        uint8_t kind;
        if (tag == DW_TAG_subprogram) kind = OMNI_ELF_SCOPE_FUNCTION;
        else if (tag == DW_TAG_inlined_subroutine && c->n) kind = OMNI_ELF_SCOPE_INLINED;
        else if (tag == DW_TAG_lexical_block && c->n) kind = OMNI_ELF_SCOPE_BLOCK;
        else continue;
        if (dwarf_haspc(&child, pc) != 1) continue;
        struct scope *s = &c->scopes[c->n++];
        s->die = child;
        s->kind = kind;
        snprintf(s->prefix, sizeof s->prefix, "%s", cxx ? prefix : "");
        collect(h, &child, pc, prefix, cxx, c, depth + 1);
        return; // scopes do not overlap
    } while (next_sibling(&child));
}

// Functions whose DIE lies inside another DIE that does not contain the pc: the member functions of
// a local class (a lambda's operator() sits in its closure type, inside the enclosing function's
// DIE), nested functions. gdb finds them by their own ranges. Their prefix is the enclosing class's
// name, none for an anonymous class (a lambda's closure) and none past a function (gdb's
// determine_prefix). Only asked when the unit's top level has no function at the pc.
static void collect_nested(omni_elf *h, Dwarf_Die *parent, uint64_t pc, const char *prefix, bool cxx, struct chain *c,
                           int depth) {
    Dwarf_Die child;
    if (depth > MAX_SCOPES || c->n || dwarf_child(parent, &child) != 0) return;
    do {
        int tag = dwarf_tag(&child);
        if (tag == DW_TAG_subprogram && dwarf_haspc(&child, pc) == 1) {
            struct scope *s = &c->scopes[c->n++];
            s->die = child;
            s->kind = OMNI_ELF_SCOPE_FUNCTION;
            snprintf(s->prefix, sizeof s->prefix, "%s", cxx ? prefix : "");
            collect(h, &child, pc, prefix, cxx, c, depth + 1);
            return;
        }
        char inner[512];
        if (tag == DW_TAG_subprogram || tag == DW_TAG_lexical_block) {
            collect_nested(h, &child, pc, "", cxx, c, depth + 1);
        } else if (tag == DW_TAG_structure_type || tag == DW_TAG_class_type || tag == DW_TAG_union_type ||
                   tag == DW_TAG_namespace) {
            const char *name = die_name(&child);
            if (name) snprintf(inner, sizeof inner, "%s%s%s", prefix, *prefix ? "::" : "", name);
            else if (tag == DW_TAG_namespace) snprintf(inner, sizeof inner, "%s%s(anonymous namespace)", prefix, *prefix ? "::" : "");
            else inner[0] = 0;
            collect_nested(h, &child, pc, inner, cxx, c, depth + 1);
        }
        if (c->n) return;
    } while (next_sibling(&child));
}

// The lowest address of a DIE's ranges.
static bool lowest_pc(Dwarf_Die *die, uint64_t *out) {
    Dwarf_Addr base, start, end, low = UINT64_MAX;
    ptrdiff_t off = 0;
    for (int i = 0; i < 4096 && (off = dwarf_ranges(die, off, &base, &start, &end)) > 0; i++) {
        if (start < low) low = start;
    }
    if (low == UINT64_MAX) return false;
    *out = low;
    return true;
}

static uint64_t entry_pc(Dwarf_Die *die, uint64_t low) {
    Dwarf_Attribute a;
    Dwarf_Addr addr;
    Dwarf_Word offset;
    if (!dwarf_attr(die, DW_AT_entry_pc, &a)) return low;
    if (dwarf_formaddr(&a, &addr) == 0) return addr;
    // DWARF 5: a constant is an offset from the function's base address.
    Dwarf_Addr base;
    if (dwarf_formudata(&a, &offset) == 0) return (dwarf_lowpc(die, &base) == 0 ? base : low) + offset;
    return low;
}

static uint64_t type_of(Dwarf_Die *die) {
    Dwarf_Attribute a;
    Dwarf_Die t;
    return dwarf_formref_die(dwarf_attr_integrate(die, DW_AT_type, &a), &t) ? dwarf_dieoffset(&t) : 0;
}

static bool flag(Dwarf_Die *die, int name, bool integrate) {
    Dwarf_Attribute a;
    bool v = false;
    dwarf_formflag(integrate ? dwarf_attr_integrate(die, name, &a) : dwarf_attr(die, name, &a), &v);
    return v;
}

static void put_variable(omni_elf *h, Dwarf_Die *var, uint64_t pc) {
    const char *name = die_name(var);
    res_str(h, name ? name : "");
    res_u64(h, type_of(var));
    Dwarf_Attribute a;
    Dwarf_Word line = 0;
    dwarf_formudata(dwarf_attr_integrate(var, DW_AT_decl_line, &a), &line);
    res_u32(h, line <= UINT32_MAX ? (uint32_t)line : 0);
    bool is_static = false;
    res_location(h, var, pc, &is_static);
    uint8_t flags = 0;
    if (dwarf_tag(var) == DW_TAG_formal_parameter) flags |= OMNI_ELF_VAR_PARAMETER;
    if (flag(var, DW_AT_artificial, true)) flags |= OMNI_ELF_VAR_ARTIFICIAL;
    if (is_static || flag(var, DW_AT_external, true)) flags |= OMNI_ELF_VAR_EXTERNAL;
    res_u8(h, flags);
    // the DIE and its abstract origin: what a DW_OP_implicit_pointer elsewhere may name
    res_u64(h, dwarf_dieoffset(var));
    Dwarf_Attribute oa;
    Dwarf_Die origin;
    res_u64(h, dwarf_formref_die(dwarf_attr(var, DW_AT_abstract_origin, &oa), &origin) ? dwarf_dieoffset(&origin) : 0);
}

static bool is_variable(Dwarf_Die *die) {
    int tag = dwarf_tag(die);
    return (tag == DW_TAG_formal_parameter || tag == DW_TAG_variable) && !flag(die, DW_AT_declaration, false);
}

static int compare_offsets(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void put_variables(omni_elf *h, Dwarf_Die *scope, uint64_t pc) {
    size_t count_at = res_mark(h);
    uint32_t count = 0;
    uint64_t *origins = malloc(MAX_ORIGINS * sizeof *origins);
    size_t norigins = 0;
    if (!origins) {
        h->oom = true;
        return;
    }
    Dwarf_Die child;
    if (dwarf_child(scope, &child) == 0) {
        do {
            if (!is_variable(&child)) continue;
            put_variable(h, &child, pc);
            count++;
            Dwarf_Attribute a;
            Dwarf_Die origin;
            if (norigins < MAX_ORIGINS && dwarf_formref_die(dwarf_attr(&child, DW_AT_abstract_origin, &a), &origin))
                origins[norigins++] = dwarf_dieoffset(&origin);
        } while (!h->oom && next_sibling(&child));
    }
    // What the abstract origin declares and this instance leaves out.
    Dwarf_Attribute a;
    Dwarf_Die origin;
    if (dwarf_formref_die(dwarf_attr(scope, DW_AT_abstract_origin, &a), &origin) && dwarf_child(&origin, &child) == 0) {
        qsort(origins, norigins, sizeof *origins, compare_offsets);
        do {
            uint64_t off = dwarf_dieoffset(&child);
            if (!is_variable(&child) || bsearch(&off, origins, norigins, sizeof *origins, compare_offsets)) continue;
            put_variable(h, &child, pc);
            count++;
        } while (!h->oom && next_sibling(&child));
    }
    free(origins);
    res_patch_u32(h, count_at, count);
}

static void put_scope(omni_elf *h, struct scope *s, uint64_t pc, int language) {
    Dwarf_Die *die = &s->die;
    res_u8(h, s->kind);
    if (s->kind == OMNI_ELF_SCOPE_BLOCK) {
        res_str(h, "");
        res_str(h, "");
        res_str(h, "");
    } else {
        const char *name = die_name(die);
        Dwarf_Attribute a;
        const char *linkage = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_linkage_name, &a));
        if (!linkage) linkage = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &a));
        const char *q = indexed_name(h, die);
        char qualified[1024];
        if (!q) {
            snprintf(qualified, sizeof qualified, "%s%s%s", s->prefix, *s->prefix ? "::" : "", name ? name : "");
            q = qualified;
        }
        res_str(h, name ? name : "");
        res_str(h, linkage ? linkage : "");
        res_str(h, q);
    }
    res_u64(h, dwarf_dieoffset(die));
    uint64_t low = 0;
    lowest_pc(die, &low);
    res_u64(h, low);
    res_u64(h, entry_pc(die, low));
    Dwarf_Attribute fb;
    Dwarf_Op *expr;
    size_t len;
    if (s->kind == OMNI_ELF_SCOPE_FUNCTION && dwarf_attr(die, DW_AT_frame_base, &fb) &&
        dwarf_getlocation_addr(&fb, pc, &expr, &len, 1) > 0)
        res_ops(h, &fb, unit_start(die), expr, len, 0);
    else res_u32(h, 0);
    res_u64(h, s->kind == OMNI_ELF_SCOPE_BLOCK ? 0 : type_of(die));
    if (s->kind == OMNI_ELF_SCOPE_INLINED) {
        Dwarf_Attribute a;
        Dwarf_Word file, line = 0;
        const char *path = NULL;
        struct cu_files *c = find_cu(h, die);
        if (c && dwarf_formudata(dwarf_attr(die, DW_AT_call_file, &a), &file) == 0 && file < c->count)
            path = file_path(h, c->global[file]);
        dwarf_formudata(dwarf_attr(die, DW_AT_call_line, &a), &line);
        res_str(h, path);
        res_u32(h, line <= UINT32_MAX ? (uint32_t)line : 0);
    } else {
        res_str(h, NULL);
        res_u32(h, 0);
    }
    uint32_t decl_line = 0;
    int32_t file = s->kind == OMNI_ELF_SCOPE_BLOCK ? -1 : decl_file(h, die, &decl_line);
    res_str(h, file_path(h, file));
    res_u32(h, s->kind == OMNI_ELF_SCOPE_BLOCK ? 0 : decl_line);
    res_u32(h, (uint32_t)language);
    put_variables(h, die, pc);
}

int64_t omni_elf_scopes_at(omni_elf *h, uint64_t pc) {
    res_reset(h);
    if (load_index(h) < 0) return -1;
    Dwarf_Die unit;
    struct chain *c = calloc(1, sizeof *c);
    if (!c) return -1;
    int language = 0;
    if (h->dwarf && find_unit(h, pc, &unit)) {
        language = dwarf_srclang(&unit);
        collect(h, &unit, pc, "", !is_c_language(language), c, 0);
        if (c->n == 0) collect_nested(h, &unit, pc, "", !is_c_language(language), c, 0);
    }
    res_u32(h, (uint32_t)c->n);
    for (int i = 0; i < c->n && !h->oom; i++) put_scope(h, &c->scopes[i], pc, language < 0 ? 0 : language);
    free(c);
    return res_done(h);
}
