// Loading a module's DWARF: every unit's file table and line rows (dwarf_lines.c), then its
// variables (dwarf_variables.c), on the first call that needs any of them; and the column arrays
// of files, lines and variables handed out to the caller.
#define _GNU_SOURCE
#include "elf_internal.h"

#include <dwarf.h>
#include <stdlib.h>
#include <string.h>

// Calls visit for every compile or partial unit (type units hold no code or variables), with the
// split unit of a skeleton (-gsplit-dwarf: its DIEs are in a .dwo file) when libdw finds it.
void for_each_unit(omni_elf *h, void (*visit)(omni_elf *, Dwarf_CU *, Dwarf_Die *, Dwarf_Die *)) {
    Dwarf_CU *cu = NULL;
    Dwarf_Half version;
    uint8_t unit_type;
    Dwarf_Die cudie, subdie;
    int rc;
    while (!h->oom && (rc = dwarf_get_units(h->dwarf, cu, &cu, &version, &unit_type, &cudie, &subdie)) == 0) {
        if (unit_type == DW_UT_compile || unit_type == DW_UT_partial) {
            visit(h, cu, &cudie, NULL);
        } else if (unit_type == DW_UT_skeleton) {
            visit(h, cu, &cudie, dwarf_tag(&subdie) == DW_TAG_compile_unit ? &subdie : NULL);
        }
    }
    if (rc < 0) warn(h, "DWARF units unreadable: %s", dwarf_errmsg(-1));
}

void free_dwarf_tables(omni_elf *h) {
    for (size_t i = 0; i < h->ncus; i++) free(h->cus[i].global);
    free(h->cus);
    free(h->files);
    free(h->file_hash);
    free(h->lines);
    free(h->variables);
    free(h->dwarf_pool.data);
    h->cus = NULL;
    h->files = NULL;
    h->file_hash = NULL;
    h->lines = NULL;
    h->variables = NULL;
    h->dwarf_pool = (struct strbuf){0};
    h->ncus = h->capcus = h->nfiles = h->capfiles = h->hash_cap = 0;
    h->nlines = h->caplines = h->nvariables = h->capvariables = 0;
}

int load_dwarf(omni_elf *h) {
    if (h->dwarf_state) return h->dwarf_state;
    pool_add_len(h, &h->dwarf_pool, "", 0);
    if (h->dwarf) {
        // Files and lines first: variables name their files through every unit's file table.
        for_each_unit(h, read_cu_lines);
        if (h->ncus) qsort(h->cus, h->ncus, sizeof *h->cus, compare_cus);
        for_each_unit(h, visit_unit_variables);
    }
    if (h->nvariables && !h->oom) {
        // The same variable can be described by more than one unit (C++ inline variables).
        qsort_r(h->variables, h->nvariables, sizeof *h->variables, compare_variables, h->dwarf_pool.data);
        size_t kept = 0;
        for (size_t i = 0; i < h->nvariables; i++) {
            if (kept > 0 && compare_variables(&h->variables[kept - 1], &h->variables[i], h->dwarf_pool.data) == 0)
                continue;
            h->variables[kept++] = h->variables[i];
        }
        h->nvariables = kept;
    }
    if (h->oom) {
        free_dwarf_tables(h);
        h->oom = false;
        return h->dwarf_state = -1;
    }
    return h->dwarf_state = 1;
}

int64_t omni_elf_file_count(omni_elf *h) {
    return load_dwarf(h) < 0 ? -1 : (int64_t)h->nfiles;
}

size_t omni_elf_files(omni_elf *h, size_t cap, uint32_t *path) {
    if (load_dwarf(h) < 0) return 0;
    size_t n = cap < h->nfiles ? cap : h->nfiles;
    memcpy(path, h->files, n * sizeof *path);
    return n;
}

int64_t omni_elf_line_count(omni_elf *h) {
    return load_dwarf(h) < 0 ? -1 : (int64_t)h->nlines;
}

size_t omni_elf_lines(omni_elf *h, size_t cap, uint64_t *address, int32_t *file, uint32_t *line,
                      uint32_t *column, uint8_t *flags) {
    if (load_dwarf(h) < 0) return 0;
    size_t n = cap < h->nlines ? cap : h->nlines;
    for (size_t i = 0; i < n; i++) {
        const struct line *l = &h->lines[i];
        address[i] = l->address;
        file[i] = l->file;
        line[i] = l->line;
        column[i] = l->column;
        flags[i] = l->flags;
    }
    return n;
}

int64_t omni_elf_variable_count(omni_elf *h) {
    return load_dwarf(h) < 0 ? -1 : (int64_t)h->nvariables;
}

size_t omni_elf_variable_types(omni_elf *h, size_t cap, uint64_t *type) {
    if (load_dwarf(h) < 0) return 0;
    size_t n = cap < h->nvariables ? cap : h->nvariables;
    for (size_t i = 0; i < n; i++) type[i] = h->variables[i].type_offset;
    return n;
}

size_t omni_elf_variables(omni_elf *h, size_t cap, uint64_t *address, uint64_t *size, uint32_t *name,
                          uint32_t *scope, uint32_t *type, int32_t *file, uint32_t *line) {
    if (load_dwarf(h) < 0) return 0;
    size_t n = cap < h->nvariables ? cap : h->nvariables;
    for (size_t i = 0; i < n; i++) {
        const struct variable *v = &h->variables[i];
        address[i] = v->address;
        size[i] = v->size;
        name[i] = v->name;
        scope[i] = v->scope;
        type[i] = v->type;
        file[i] = v->file;
        line[i] = v->line;
    }
    return n;
}
