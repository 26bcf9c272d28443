// The handle of elfinfo.h: opening a module (header, load segments, build-id, where its DWARF is),
// closing it, and what the other files share: growing arrays, the string pools, warnings. The
// tables themselves are loaded on first use by symbols.c and dwarf.c; elf_internal.h lists the
// files.
#define _GNU_SOURCE
#include "elf_internal.h"

#include <elfutils/libdwelf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

// --- memory -----------------------------------------------------------------------------------

// Makes room for need elements in *p (capacity *cap, doubling); false when out of memory.
bool grow(omni_elf *h, void **p, size_t *cap, size_t need, size_t elem) {
    if (need <= *cap) return true;
    size_t n = *cap ? *cap : 64;
    while (n < need) {
        if (n > SIZE_MAX / 4 / elem) {
            h->oom = true;
            return false;
        }
        n *= 2;
    }
    void *q = realloc(*p, n * elem);
    if (!q) {
        h->oom = true;
        return false;
    }
    *p = q;
    *cap = n;
    return true;
}

// Appends n bytes of s and a NUL to a pool; the offset of the copy (0, "", when out of memory:
// pools stay below 2 GiB because Java arrays are int-indexed).
uint32_t pool_add_len(omni_elf *h, struct strbuf *sb, const char *s, size_t n) {
    if (sb->len == 0 && !grow(h, (void **)&sb->data, &sb->cap, 1, 1)) return 0;
    if (sb->len == 0) sb->data[sb->len++] = 0; // offset 0 is the empty string
    if (n == 0) return 0;
    if (sb->len + n + 1 > INT32_MAX) {
        h->oom = true;
        return 0;
    }
    if (!grow(h, (void **)&sb->data, &sb->cap, sb->len + n + 1, 1)) return 0;
    uint32_t off = (uint32_t)sb->len;
    memcpy(sb->data + off, s, n);
    sb->data[off + n] = 0;
    sb->len += n + 1;
    return off;
}

uint32_t pool_add(omni_elf *h, struct strbuf *sb, const char *s) {
    return s ? pool_add_len(h, sb, s, strlen(s)) : 0;
}

void warn(omni_elf *h, const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    size_t len = strnlen(msg, sizeof msg - 1);
    struct strbuf *w = &h->warnings;
    if (!grow(h, (void **)&w->data, &w->cap, w->len + len + 2, 1)) return;
    memcpy(w->data + w->len, msg, len);
    w->len += len;
    w->data[w->len++] = '\n';
    w->data[w->len] = 0;
}

static void set_error(char *err, size_t errlen, const char *fmt, ...) {
    if (!err || errlen == 0) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

// --- opening ----------------------------------------------------------------------------------

static void read_segments(omni_elf *h) {
    size_t phnum;
    if (elf_getphdrnum(h->elf, &phnum) != 0) {
        warn(h, "program headers unreadable: %s", elf_errmsg(-1));
        return;
    }
    size_t cap = 0;
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(h->elf, (int)i, &ph)) {
            warn(h, "program header %zu unreadable: %s", i, elf_errmsg(-1));
            break;
        }
        if (ph.p_type != PT_LOAD) continue;
        struct segment *s = PUSH(h, h->segments, h->nsegments, cap);
        if (!s) return;
        *s = (struct segment){ph.p_vaddr, ph.p_memsz, ph.p_offset, ph.p_filesz, ph.p_flags};
    }
}

static void read_loaded_ranges(omni_elf *h) {
    size_t cap = 0;
    for (Elf_Scn *scn = elf_nextscn(h->elf, NULL); scn; scn = elf_nextscn(h->elf, scn)) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || !(sh.sh_flags & SHF_ALLOC) || sh.sh_size == 0) continue;
        struct range *r = PUSH(h, h->loaded, h->nloaded, cap);
        if (!r) return;
        *r = (struct range){sh.sh_addr, sh.sh_size};
    }
    for (size_t i = 0; h->nloaded == 0 && i < h->nsegments; i++) {
        struct range *r = PUSH(h, h->loaded, h->nloaded, cap);
        if (!r) return;
        *r = (struct range){h->segments[i].vaddr, h->segments[i].memsz};
    }
}

omni_elf *omni_elf_open(const char *path, const char *debug_root, char *err, size_t errlen) {
    if (err && errlen) err[0] = 0;
    if (!path || !*path) {
        set_error(err, errlen, "no path given");
        return NULL;
    }
    if (elf_version(EV_CURRENT) == EV_NONE) {
        set_error(err, errlen, "libelf is out of date: %s", elf_errmsg(-1));
        return NULL;
    }
    omni_elf *h = calloc(1, sizeof *h);
    if (!h) {
        set_error(err, errlen, "out of memory");
        return NULL;
    }
    h->debug_fd = -1;
    h->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (h->fd < 0) {
        set_error(err, errlen, "cannot open %s: %s", path, strerror(errno));
        goto fail;
    }
    struct stat st;
    if (fstat(h->fd, &st) != 0) {
        set_error(err, errlen, "cannot stat %s: %s", path, strerror(errno));
        goto fail;
    }
    if (!S_ISREG(st.st_mode)) {
        set_error(err, errlen, "%s is not a regular file", path);
        goto fail;
    }
    // Mapped rather than read: debug files can be large. The file must not shrink while open.
    h->elf = elf_begin(h->fd, ELF_C_READ_MMAP, NULL);
    if (!h->elf) {
        set_error(err, errlen, "cannot read %s: %s", path, elf_errmsg(-1));
        goto fail;
    }
    if (elf_kind(h->elf) != ELF_K_ELF) {
        set_error(err, errlen, "%s is not an ELF file%s", path,
                  elf_kind(h->elf) == ELF_K_AR ? " (it is an ar archive)" : "");
        goto fail;
    }
    GElf_Ehdr eh;
    if (!gelf_getehdr(h->elf, &eh)) {
        set_error(err, errlen, "%s has an invalid ELF header: %s", path, elf_errmsg(-1));
        goto fail;
    }
    h->header[OMNI_ELF_TYPE] = eh.e_type;
    h->header[OMNI_ELF_MACHINE] = eh.e_machine;
    h->header[OMNI_ELF_CLASS] = gelf_getclass(h->elf) == ELFCLASS32 ? 32 : 64;
    h->header[OMNI_ELF_ENTRY] = (int64_t)eh.e_entry;

    read_segments(h);
    h->header[OMNI_ELF_SEGMENT_COUNT] = (int64_t)h->nsegments;
    read_loaded_ranges(h);
    if (h->oom) {
        set_error(err, errlen, "out of memory");
        goto fail;
    }

    const void *id;
    ssize_t idlen = dwelf_elf_gnu_build_id(h->elf, &id);
    if (idlen > 0) {
        h->build_id = malloc((size_t)idlen);
        h->build_id_hex = malloc(2 * (size_t)idlen + 1);
        if (!h->build_id || !h->build_id_hex) {
            set_error(err, errlen, "out of memory");
            goto fail;
        }
        memcpy(h->build_id, id, (size_t)idlen);
        h->build_id_len = (size_t)idlen;
        for (ssize_t i = 0; i < idlen; i++) sprintf(h->build_id_hex + 2 * i, "%02x", h->build_id[i]);
    }

    if (has_debug_info(h->elf)) {
        h->dwarf = dwarf_begin_elf(h->elf, DWARF_C_READ, NULL);
        if (!h->dwarf) warn(h, "DWARF unreadable: %s", dwarf_errmsg(-1));
    } else {
        find_debug_file(h, path, debug_root ? debug_root : "/usr/lib/debug");
    }
    h->header[OMNI_ELF_HAS_DWARF] = h->dwarf != NULL;
    return h;
fail:
    omni_elf_close(h);
    return NULL;
}

void omni_elf_close(omni_elf *h) {
    if (!h) return;
    free_index(h);
    free_cfi(h);
    free(h->result.data);
    free_dwarf_tables(h);
    free(h->symbols);
    free(h->symbol_pool.data);
    free(h->segments);
    free(h->loaded);
    free(h->warnings.data);
    free(h->build_id);
    free(h->build_id_hex);
    free(h->debug_path);
    if (h->dwarf) dwarf_end(h->dwarf);
    if (h->debug_elf) elf_end(h->debug_elf);
    if (h->elf) elf_end(h->elf);
    if (h->debug_fd >= 0) close(h->debug_fd);
    if (h->fd >= 0) close(h->fd);
    free(h);
}

void omni_elf_header(omni_elf *h, int64_t *out) {
    memcpy(out, h->header, sizeof h->header);
}

const char *omni_elf_build_id(omni_elf *h) {
    return h->build_id_hex ? h->build_id_hex : "";
}

const char *omni_elf_debug_path(omni_elf *h) {
    return h->debug_path ? h->debug_path : "";
}

const char *omni_elf_warnings(omni_elf *h) {
    return h->warnings.data ? h->warnings.data : "";
}

size_t omni_elf_segments(omni_elf *h, size_t cap, uint64_t *vaddr, uint64_t *memsz,
                         uint64_t *offset, uint64_t *filesz, uint32_t *flags) {
    size_t n = cap < h->nsegments ? cap : h->nsegments;
    for (size_t i = 0; i < n; i++) {
        vaddr[i] = h->segments[i].vaddr;
        memsz[i] = h->segments[i].memsz;
        offset[i] = h->segments[i].offset;
        filesz[i] = h->segments[i].filesz;
        flags[i] = h->segments[i].flags;
    }
    return n;
}

// --- string pools -----------------------------------------------------------------------------

static struct strbuf *pool(omni_elf *h, int which) {
    if (which == OMNI_ELF_POOL_SYMBOLS) return load_symbols(h) < 0 ? NULL : &h->symbol_pool;
    if (which == OMNI_ELF_POOL_DWARF) return load_dwarf(h) < 0 ? NULL : &h->dwarf_pool;
    return NULL;
}

int64_t omni_elf_pool_size(omni_elf *h, int which) {
    struct strbuf *sb = pool(h, which);
    return sb ? (int64_t)sb->len : -1;
}

size_t omni_elf_pool_copy(omni_elf *h, int which, char *buf, size_t cap) {
    struct strbuf *sb = pool(h, which);
    if (!sb) return 0;
    size_t n = cap < sb->len ? cap : sb->len;
    memcpy(buf, sb->data, n);
    return n;
}
