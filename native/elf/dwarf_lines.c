// DWARF line tables: the global file list (paths joined to the compile directory, normalised and
// deduplicated through a hash) with each unit's file table mapped onto it, and the line rows of
// every compile unit.
#define _GNU_SOURCE
#include "elf_internal.h"

#include <dwarf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Removes "." components, repeated slashes and ".." with what precedes it, in place and without
// looking at the file system (the sources are usually not on this machine).
static void normalise_path(char *path) {
    bool absolute = path[0] == '/';
    char *base = path + absolute; // output components start here
    char *w = base;
    size_t removable = 0; // components in the output that a ".." may remove
    const char *r = path;
    while (*r) {
        while (*r == '/') r++;
        if (!*r) break;
        const char *end = strchrnul(r, '/');
        size_t n = (size_t)(end - r);
        if (n == 1 && r[0] == '.') {
            // nothing
        } else if (n == 2 && r[0] == '.' && r[1] == '.' && removable > 0) {
            while (w > base && w[-1] != '/') w--;
            if (w > base) w--; // the slash before the removed component
            removable--;
        } else if (n == 2 && r[0] == '.' && r[1] == '.' && absolute) {
            // "/.." is "/"
        } else {
            if (w > base) *w++ = '/';
            memmove(w, r, n); // the output never overtakes the input
            w += n;
            if (!(n == 2 && r[0] == '.' && r[1] == '.')) removable++;
        }
        r = end;
    }
    *w = 0;
    if (w == path) strcpy(path, ".");
}

static uint64_t hash_string(const char *s) {
    uint64_t h = 0xcbf29ce484222325u; // FNV-1a
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 0x100000001b3u;
    return h;
}

static bool rehash_files(omni_elf *h) {
    size_t cap = h->hash_cap ? h->hash_cap * 2 : 256;
    int32_t *table = calloc(cap, sizeof *table);
    if (!table) {
        h->oom = true;
        return false;
    }
    for (size_t i = 0; i < h->nfiles; i++) {
        size_t slot = hash_string(h->dwarf_pool.data + h->files[i]) & (cap - 1);
        while (table[slot]) slot = (slot + 1) & (cap - 1);
        table[slot] = (int32_t)i + 1;
    }
    free(h->file_hash);
    h->file_hash = table;
    h->hash_cap = cap;
    return true;
}

// Index of a normalised path in the global file list, added if new; -1 when out of memory.
static int32_t intern_file(omni_elf *h, const char *path) {
    if ((h->nfiles + 1) * 2 > h->hash_cap && !rehash_files(h)) return -1;
    size_t mask = h->hash_cap - 1;
    size_t slot = hash_string(path) & mask;
    for (; h->file_hash[slot]; slot = (slot + 1) & mask) {
        int32_t i = h->file_hash[slot] - 1;
        if (strcmp(h->dwarf_pool.data + h->files[i], path) == 0) return i;
    }
    uint32_t off = pool_add(h, &h->dwarf_pool, path);
    uint32_t *f = PUSH(h, h->files, h->nfiles, h->capfiles);
    if (h->oom || !f) return -1;
    *f = off;
    h->file_hash[slot] = (int32_t)h->nfiles;
    return (int32_t)h->nfiles - 1;
}

// The global index of a file named by a line table: joined to the compile directory when
// relative. -1 for libdw's "???" (an entry it could not name, such as DWARF 4's file 0).
static int32_t file_index(omni_elf *h, const char *name, const char *comp_dir) {
    if (!name || strcmp(name, "???") == 0) return -1;
    char *path;
    // libdw has joined the file's directory already; when that was directory 0, the compile
    // directory, a relative name starts with it (reproducible builds record "./csu", say).
    size_t cdlen = comp_dir ? strlen(comp_dir) : 0;
    bool joined = cdlen > 0 && strncmp(name, comp_dir, cdlen) == 0 && name[cdlen] == '/';
    if (name[0] != '/' && cdlen > 0 && !joined) {
        if (asprintf(&path, "%s/%s", comp_dir, name) < 0) path = NULL;
    } else {
        path = strdup(name);
    }
    if (!path) {
        h->oom = true;
        return -1;
    }
    normalise_path(path);
    int32_t i = intern_file(h, path);
    free(path);
    return i;
}

static const char *comp_dir_of(Dwarf_Die *cudie) {
    Dwarf_Attribute a;
    return dwarf_formstring(dwarf_attr(cudie, DW_AT_comp_dir, &a));
}

// Maps a unit's file table onto the global file list; false when out of memory.
static bool add_cu_files(omni_elf *h, Dwarf_CU *cu, Dwarf_Die *cudie, Dwarf_Files *files, size_t nfiles,
                         const char *comp_dir) {
    struct cu_files *c = PUSH(h, h->cus, h->ncus, h->capcus);
    if (!c) return false;
    *c = (struct cu_files){dwarf_dieoffset(cudie), cu, files, nfiles, malloc(nfiles * sizeof(int32_t) + 1)};
    if (!c->global) {
        h->oom = true;
        c->count = 0;
        return false;
    }
    for (size_t i = 0; i < nfiles; i++) c->global[i] = file_index(h, dwarf_filesrc(files, i, NULL, NULL), comp_dir);
    return !h->oom;
}

void read_cu_lines(omni_elf *h, Dwarf_CU *cu, Dwarf_Die *cudie, Dwarf_Die *split) {
    if (!dwarf_hasattr(cudie, DW_AT_stmt_list)) return;
    Dwarf_Files *files;
    size_t nfiles;
    Dwarf_Lines *lines;
    size_t nlines;
    if (dwarf_getsrcfiles(cudie, &files, &nfiles) != 0 || dwarf_getsrclines(cudie, &lines, &nlines) != 0) {
        warn(h, "compile unit at 0x%llx: line table unreadable: %s",
             (unsigned long long)dwarf_dieoffset(cudie), dwarf_errmsg(-1));
        return;
    }
    // The line table's directory 0 is the compile directory (DWARF 5 says so; for DWARF 4 libdw
    // puts DW_AT_comp_dir there).
    const char *const *dirs;
    size_t ndirs;
    const char *comp_dir = dwarf_getsrcdirs(files, &dirs, &ndirs) == 0 && ndirs > 0 && dirs[0] ? dirs[0]
                                                                                          : comp_dir_of(cudie);
    if (!add_cu_files(h, cu, cudie, files, nfiles, comp_dir)) return;
    const int32_t *global = h->cus[h->ncus - 1].global;
    // A split unit's DW_AT_decl_file numbers refer to its own copy of the file table.
    Dwarf_Files *split_files;
    size_t split_nfiles;
    if (split && dwarf_getsrcfiles(split, &split_files, &split_nfiles) == 0 &&
        !add_cu_files(h, split->cu, split, split_files, split_nfiles, comp_dir))
        return;

    for (size_t i = 0; i < nlines && !h->oom; i++) {
        Dwarf_Line *l = dwarf_onesrcline(lines, i);
        Dwarf_Addr address;
        int lineno = 0, column = 0;
        bool stmt = false, end = false;
        if (!l || dwarf_lineaddr(l, &address) != 0) continue;
        dwarf_lineno(l, &lineno);
        dwarf_linecol(l, &column);
        dwarf_linebeginstatement(l, &stmt);
        dwarf_lineendsequence(l, &end);
        Dwarf_Files *f;
        size_t idx;
        int32_t file = -1;
        if (dwarf_line_file(l, &f, &idx) == 0) {
            file = f == files && idx < nfiles ? global[idx]
                                              : file_index(h, dwarf_filesrc(f, idx, NULL, NULL), comp_dir);
        }
        struct line *row = PUSH(h, h->lines, h->nlines, h->caplines);
        if (!row) return;
        *row = (struct line){address, file, lineno > 0 ? (uint32_t)lineno : 0, column > 0 ? (uint32_t)column : 0,
                             (uint8_t)((stmt ? OMNI_ELF_LINE_STMT : 0) | (end ? OMNI_ELF_LINE_END_SEQUENCE : 0))};
    }
}

int compare_cus(const void *a, const void *b) {
    const struct cu_files *x = a, *y = b;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

struct cu_files *find_cu(omni_elf *h, Dwarf_Die *die) {
    Dwarf_Die cudie;
    if (!dwarf_diecu(die, &cudie, NULL, NULL)) return NULL;
    Dwarf_Off off = dwarf_dieoffset(&cudie);
    size_t lo = 0, hi = h->ncus;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (h->cus[mid].offset < off) lo = mid + 1;
        else hi = mid;
    }
    // The same offset in another file (a .dwo, a dwz alternate file) is another unit.
    for (; lo < h->ncus && h->cus[lo].offset == off; lo++) {
        if (h->cus[lo].cu == die->cu) return &h->cus[lo];
    }
    return NULL;
}
