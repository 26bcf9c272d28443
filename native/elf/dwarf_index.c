// The module's named DIEs and functions, from one walk of every unit on first use: types and
// functions declared at file, namespace or class level with their C++ qualified names
// ("geo::Point", "Counter::bump"), which names types and functions found any other way (a
// definition outside its class names its declaration through DW_AT_specification, an inlined
// instance its abstract origin); and every function with code, for the function list.
//
// The walk does not enter functions (their local types keep their plain names), bounds its depth
// by MAX_INDEX_DEPTH and moves forward only (next_sibling).
#define _GNU_SOURCE
#include "elf_internal.h"

#include <dwarf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_INDEX_DEPTH 64
#define MAX_ORIGIN_HOPS 8

struct named {
    uint64_t offset;
    uint32_t qname;
    uint8_t tag, declaration;
};

struct function {
    uint64_t low, high, die, target;
    uint32_t name, qname, linkage;
    int32_t file;
    uint32_t line;
    uint8_t external;
};

uint64_t final_origin(Dwarf_Die *die) {
    Dwarf_Die d = *die;
    for (int i = 0; i < MAX_ORIGIN_HOPS; i++) {
        Dwarf_Attribute a;
        Dwarf_Die next;
        if (!dwarf_attr(&d, DW_AT_abstract_origin, &a) && !dwarf_attr(&d, DW_AT_specification, &a)) break;
        if (!dwarf_formref_die(&a, &next)) break;
        d = next;
    }
    return dwarf_dieoffset(&d);
}

static bool is_indexed_type(int tag) {
    return tag == DW_TAG_structure_type || tag == DW_TAG_class_type || tag == DW_TAG_union_type ||
           tag == DW_TAG_enumeration_type || tag == DW_TAG_typedef || tag == DW_TAG_base_type ||
           tag == DW_TAG_unspecified_type;
}

static uint32_t add_qualified(omni_elf *h, const char *prefix, const char *name) {
    char buf[1024];
    snprintf(buf, sizeof buf, "%s%s%s", prefix, *prefix ? "::" : "", name);
    return pool_add(h, &h->index_pool, buf);
}

static void add_named(omni_elf *h, Dwarf_Die *die, int tag, uint32_t qname) {
    Dwarf_Attribute a;
    bool decl = false;
    dwarf_formflag(dwarf_attr(die, DW_AT_declaration, &a), &decl);
    struct named *n = PUSH(h, h->named, h->nnamed, h->capnamed);
    if (n) *n = (struct named){dwarf_dieoffset(die), qname, (uint8_t)tag, decl};
}

// The main range of a function: its low_pc and high_pc, or the first of its ranges.
bool function_range(Dwarf_Die *die, uint64_t *low, uint64_t *high) {
    Dwarf_Addr lo, hi, base;
    if (dwarf_lowpc(die, &lo) == 0) {
        if (dwarf_highpc(die, &hi) != 0 || hi < lo) hi = lo;
    } else if (dwarf_ranges(die, 0, &base, &lo, &hi) <= 0) {
        return false;
    }
    *low = lo;
    *high = hi;
    return true;
}

static void add_function(omni_elf *h, Dwarf_Die *die, uint32_t qname) {
    uint64_t low, high;
    if (!function_range(die, &low, &high) || !loaded_address(h, low)) return;
    Dwarf_Attribute a;
    const char *linkage = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_linkage_name, &a));
    if (!linkage) linkage = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &a));
    bool external = false;
    dwarf_formflag(dwarf_attr_integrate(die, DW_AT_external, &a), &external);
    struct function f = {.low = low, .high = high, .die = dwarf_dieoffset(die), .target = final_origin(die),
                         .name = pool_add(h, &h->index_pool, die_name(die)), .qname = qname,
                         .linkage = pool_add(h, &h->index_pool, linkage), .external = external};
    f.file = decl_file(h, die, &f.line);
    struct function *slot = PUSH(h, h->functions, h->nfunctions, h->capfunctions);
    if (slot) *slot = f;
}

static void walk_index(omni_elf *h, Dwarf_Die *parent, const char *prefix, bool cxx, int depth) {
    Dwarf_Die child;
    if (depth > MAX_INDEX_DEPTH || dwarf_child(parent, &child) != 0) return;
    do {
        int tag = dwarf_tag(&child);
        const char *name = die_name(&child);
        if (tag == DW_TAG_namespace) {
            char inner[1024];
            snprintf(inner, sizeof inner, "%s%s%s", prefix, *prefix ? "::" : "", name ? name : "(anonymous namespace)");
            walk_index(h, &child, inner, cxx, depth + 1);
        } else if (is_indexed_type(tag)) {
            if (!name) continue;
            uint32_t q = add_qualified(h, prefix, name);
            add_named(h, &child, tag, q);
            if (cxx && tag != DW_TAG_typedef && tag != DW_TAG_base_type) {
                char inner[1024]; // a copy: the pool moves as it grows
                snprintf(inner, sizeof inner, "%s", h->index_pool.data + q);
                walk_index(h, &child, inner, cxx, depth + 1);
            }
        } else if (tag == DW_TAG_subprogram) {
            uint32_t q = add_qualified(h, prefix, name ? name : "");
            if (name) add_named(h, &child, tag, q);
            add_function(h, &child, q);
        }
    } while (!h->oom && next_sibling(&child));
}

static void visit_unit_index(omni_elf *h, Dwarf_CU *cu, Dwarf_Die *cudie, Dwarf_Die *split) {
    (void)cu;
    Dwarf_Die *unit = split ? split : cudie;
    walk_index(h, unit, "", !is_c_language(dwarf_srclang(unit)), 0);
}

static int by_offset(const void *a, const void *b) {
    const struct named *x = a, *y = b;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static int by_name(const void *a, const void *b, void *ctx) {
    omni_elf *h = ctx;
    const struct named *x = &h->named[*(const uint32_t *)a], *y = &h->named[*(const uint32_t *)b];
    int c = strcmp(h->index_pool.data + x->qname, h->index_pool.data + y->qname);
    if (c) return c;
    if (x->declaration != y->declaration) return x->declaration - y->declaration; // complete types first
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static int by_address(const void *a, const void *b, void *pool) {
    const struct function *x = a, *y = b;
    if (x->low != y->low) return x->low < y->low ? -1 : 1;
    int c = strcmp((char *)pool + x->qname, (char *)pool + y->qname);
    return c ? c : (x->die < y->die ? -1 : x->die > y->die);
}

static const struct named *find_named(omni_elf *h, uint64_t offset) {
    struct named key = {.offset = offset};
    if (!h->nnamed) return NULL;
    return bsearch(&key, h->named, h->nnamed, sizeof *h->named, by_offset);
}

void free_index(omni_elf *h) {
    free(h->named);
    free(h->named_by_name);
    free(h->functions);
    free(h->index_pool.data);
    h->named = NULL;
    h->named_by_name = NULL;
    h->functions = NULL;
    h->index_pool = (struct strbuf){0};
    h->nnamed = h->capnamed = h->nfunctions = h->capfunctions = 0;
}

int load_index(omni_elf *h) {
    if (h->index_state) return h->index_state;
    if (load_dwarf(h) < 0) return h->index_state = -1;
    pool_add_len(h, &h->index_pool, "", 0);
    if (h->dwarf) for_each_unit(h, visit_unit_index);
    if (!h->oom && h->nnamed) {
        qsort(h->named, h->nnamed, sizeof *h->named, by_offset);
        h->named_by_name = malloc(h->nnamed * sizeof *h->named_by_name);
        if (!h->named_by_name) h->oom = true;
        else {
            size_t n = 0;
            for (size_t i = 0; i < h->nnamed; i++) {
                if (h->named[i].tag != DW_TAG_subprogram) h->named_by_name[n++] = (uint32_t)i;
            }
            h->nnamed_by_name = n;
            qsort_r(h->named_by_name, n, sizeof *h->named_by_name, by_name, h);
        }
    }
    if (!h->oom) {
        // A definition outside its class or namespace, or an instance of an inline function, takes
        // the qualified name of the declaration it completes.
        for (size_t i = 0; i < h->nfunctions; i++) {
            struct function *f = &h->functions[i];
            const struct named *n = f->target != f->die ? find_named(h, f->target) : NULL;
            if (n) f->qname = n->qname;
            if (!f->name && n) { // a name only the declaration has: take its last component
                const char *q = h->index_pool.data + n->qname, *last = strrchr(q, ':');
                f->name = (uint32_t)((last ? last + 1 : q) - h->index_pool.data);
            }
        }
        if (h->nfunctions) qsort_r(h->functions, h->nfunctions, sizeof *h->functions, by_address, h->index_pool.data);
    }
    if (h->oom) {
        free_index(h);
        h->oom = false;
        return h->index_state = -1;
    }
    return h->index_state = 1;
}

const char *indexed_name(omni_elf *h, Dwarf_Die *die) {
    if (load_index(h) < 0) return NULL;
    // The declaration a definition completes first: the definition itself may sit at file level.
    const struct named *n = find_named(h, final_origin(die));
    if (!n) n = find_named(h, dwarf_dieoffset(die));
    return n ? h->index_pool.data + n->qname : NULL;
}

const char *file_path(omni_elf *h, int32_t file) {
    return file >= 0 && (size_t)file < h->nfiles ? h->dwarf_pool.data + h->files[file] : NULL;
}

int64_t omni_elf_functions(omni_elf *h) {
    res_reset(h);
    if (load_index(h) < 0) return -1;
    res_u32(h, (uint32_t)h->nfunctions);
    const char *pool = h->index_pool.data;
    for (size_t i = 0; i < h->nfunctions && !h->oom; i++) {
        const struct function *f = &h->functions[i];
        res_str(h, pool + f->name);
        res_str(h, pool + f->qname);
        res_str(h, pool + f->linkage);
        res_u64(h, f->low);
        res_u64(h, f->high);
        res_u64(h, f->die);
        res_str(h, file_path(h, f->file));
        res_u32(h, f->line);
        res_u8(h, f->external);
    }
    return res_done(h);
}

uint64_t omni_elf_type_named(omni_elf *h, const char *qualified_name) {
    if (!qualified_name || load_index(h) < 0) return 0;
    size_t lo = 0, hi = h->nnamed_by_name;
    while (lo < hi) { // the first entry with this name: a complete type when there is one
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(h->index_pool.data + h->named[h->named_by_name[mid]].qname, qualified_name) < 0) lo = mid + 1;
        else hi = mid;
    }
    if (lo == h->nnamed_by_name) return 0;
    const struct named *n = &h->named[h->named_by_name[lo]];
    return strcmp(h->index_pool.data + n->qname, qualified_name) == 0 && !n->declaration ? n->offset : 0;
}
