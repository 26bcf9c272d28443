// ELF symbols and DWARF line tables and variables with elfutils; see elfinfo.h for the contract.
//
// Everything read from the file is treated as hostile: libelf and libdw check offsets against the
// file, and the walks here bound their depth and insist that DIE offsets move forward.
#define _GNU_SOURCE
#include "elfinfo.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

// The C++ ABI's demangler, from libstdc++ (linked in replay.mk); elfutils keeps its own private.
extern char *__cxa_demangle(const char *mangled, char *out, size_t *length, int *status);

#ifndef DW_LANG_C17
#define DW_LANG_C17 0x2c
#endif

#define MAX_TYPE_DEPTH 16  // typedef/pointer chains deeper than this are hostile or cyclic
#define MAX_TYPE_NODES 256 // DIEs visited to name one type: parameter lists could fan out
#define MAX_SCOPE_DEPTH 64 // nesting of namespaces, functions and blocks

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

// --- memory -----------------------------------------------------------------------------------

// Makes room for need elements in *p (capacity *cap, doubling); false when out of memory.
static bool grow(omni_elf *h, void **p, size_t *cap, size_t need, size_t elem) {
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

#define PUSH(h, arr, n, cap) \
    (grow((h), (void **)&(arr), &(cap), (n) + 1, sizeof *(arr)) ? &(arr)[(n)++] : NULL)

// Appends n bytes of s and a NUL to a pool; the offset of the copy (0, "", when out of memory:
// pools stay below 2 GiB because Java arrays are int-indexed).
static uint32_t pool_add_len(omni_elf *h, struct strbuf *sb, const char *s, size_t n) {
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

static uint32_t pool_add(omni_elf *h, struct strbuf *sb, const char *s) {
    return s ? pool_add_len(h, sb, s, strlen(s)) : 0;
}

static void warn(omni_elf *h, const char *fmt, ...) {
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

// True when the file carries DWARF debug info of its own (not just .eh_frame or a stray
// .debug_frame, which libdw would accept too).
static bool has_debug_info(Elf *elf) {
    size_t shstrndx;
    if (elf_getshdrstrndx(elf, &shstrndx) != 0) return false;
    for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS || sh.sh_size == 0) continue;
        const char *name = elf_strptr(elf, shstrndx, sh.sh_name);
        if (name && (strcmp(name, ".debug_info") == 0 || strcmp(name, ".zdebug_info") == 0)) return true;
    }
    return false;
}

// CRC-32 (IEEE, as in zlib) of a whole file: what .gnu_debuglink records.
static bool file_crc32(int fd, uint32_t *out) {
    uint32_t table[256]; // computed per call: cheaper than sharing it safely between threads
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    unsigned char buf[65536];
    uint32_t crc = 0xFFFFFFFFu;
    off_t pos = 0;
    for (;;) {
        ssize_t n = pread(fd, buf, sizeof buf, pos);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return false;
        if (n == 0) break;
        for (ssize_t i = 0; i < n; i++) crc = table[(crc ^ buf[i]) & 0xFF] ^ (crc >> 8);
        pos += n;
    }
    *out = crc ^ 0xFFFFFFFFu;
    return true;
}

// Uses candidate as the debug file if it is one and belongs to this module: same build-id when
// both have one, else the .gnu_debuglink CRC (crc NULL: a build-id path, which needs the build-id).
static bool try_debug_file(omni_elf *h, const char *candidate, const GElf_Word *crc) {
    int fd = open(candidate, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat st, self;
    Elf *elf = NULL;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) goto reject;
    if (fstat(h->fd, &self) == 0 && st.st_dev == self.st_dev && st.st_ino == self.st_ino) goto reject;
    elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
    if (!elf || elf_kind(elf) != ELF_K_ELF) goto reject;
    const void *id;
    ssize_t idlen = dwelf_elf_gnu_build_id(elf, &id);
    if (h->build_id_len > 0 && idlen > 0) {
        if ((size_t)idlen != h->build_id_len || memcmp(id, h->build_id, h->build_id_len) != 0) goto reject;
    } else {
        uint32_t actual;
        if (!crc || !file_crc32(fd, &actual) || actual != *crc) goto reject;
    }
    if (!has_debug_info(elf)) goto reject;
    Dwarf *dwarf = dwarf_begin_elf(elf, DWARF_C_READ, NULL);
    if (!dwarf) {
        warn(h, "debug file %s unreadable: %s", candidate, dwarf_errmsg(-1));
        goto reject;
    }
    h->debug_path = strdup(candidate);
    if (!h->debug_path) {
        dwarf_end(dwarf);
        goto reject;
    }
    h->debug_fd = fd;
    h->debug_elf = elf;
    h->dwarf = dwarf;
    return true;
reject:
    if (elf) elf_end(elf);
    close(fd);
    return false;
}

static void find_debug_file(omni_elf *h, const char *path, const char *root) {
    char candidate[PATH_MAX];
    if (h->build_id_len >= 2) {
        const char *hex = h->build_id_hex;
        int n = snprintf(candidate, sizeof candidate, "%s/.build-id/%.2s/%s.debug", root, hex, hex + 2);
        if (n > 0 && (size_t)n < sizeof candidate && try_debug_file(h, candidate, NULL)) return;
    }
    GElf_Word crc;
    const char *link = dwelf_elf_gnu_debuglink(h->elf, &crc);
    // A link is a file name; one with a slash would let the file point anywhere.
    if (!link || !*link || strchr(link, '/')) return;
    char *real = realpath(path, NULL);
    if (!real) return;
    char *slash = strrchr(real, '/');
    *slash = 0; // real is absolute, so there is one; real is now the directory
    const char *dirs[] = {"%s/%s", "%s/.debug/%s"};
    for (size_t i = 0; i < 2; i++) {
        int n = snprintf(candidate, sizeof candidate, dirs[i], real, link);
        if (n > 0 && (size_t)n < sizeof candidate && try_debug_file(h, candidate, &crc)) goto done;
    }
    int n = snprintf(candidate, sizeof candidate, "%s%s/%s", root, real, link);
    if (n > 0 && (size_t)n < sizeof candidate) try_debug_file(h, candidate, &crc);
done:
    free(real);
}

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

static void free_dwarf_tables(omni_elf *h) {
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

void omni_elf_close(omni_elf *h) {
    if (!h) return;
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

// --- symbols ----------------------------------------------------------------------------------

// Length of the name that identifies a symbol: .symtab names carry a version ("printf@GLIBC_2.2.5",
// "memcpy@@GLIBC_2.14") that .dynsym keeps in .gnu.version instead.
static size_t symbol_key_len(const struct symbol *s) {
    return strcspn(s->raw, "@");
}

static int compare_symbols(const void *a, const void *b) {
    const struct symbol *x = a, *y = b;
    if (x->value != y->value) return x->value < y->value ? -1 : 1;
    size_t xl = symbol_key_len(x), yl = symbol_key_len(y);
    int c = memcmp(x->raw, y->raw, xl < yl ? xl : yl);
    if (c) return c;
    if (xl != yl) return xl < yl ? -1 : 1;
    if (x->defined != y->defined) return x->defined < y->defined ? -1 : 1;
    if (x->binding != y->binding) return x->binding < y->binding ? -1 : 1;
    if (x->size != y->size) return x->size < y->size ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static uint8_t symbol_kind(int type) {
    switch (type) {
    case STT_FUNC: return OMNI_ELF_SYM_FUNC;
    case STT_OBJECT:
    case STT_COMMON: return OMNI_ELF_SYM_OBJECT;
    case STT_GNU_IFUNC: return OMNI_ELF_SYM_IFUNC;
    case STT_TLS: return OMNI_ELF_SYM_TLS;
    case STT_NOTYPE: return OMNI_ELF_SYM_NOTYPE;
    default: return OMNI_ELF_SYM_OTHER;
    }
}

static uint8_t symbol_binding(int bind) {
    switch (bind) {
    case STB_LOCAL: return OMNI_ELF_BIND_LOCAL;
    case STB_GLOBAL: return OMNI_ELF_BIND_GLOBAL;
    case STB_WEAK: return OMNI_ELF_BIND_WEAK;
    case STB_GNU_UNIQUE: return OMNI_ELF_BIND_UNIQUE;
    default: return OMNI_ELF_BIND_OTHER;
    }
}

static void read_symbol_tables(omni_elf *h, Elf *elf, Elf64_Word type) {
    for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != type) continue;
        Elf_Data *data = elf_getdata(scn, NULL);
        if (!data) {
            warn(h, "symbol table unreadable: %s", elf_errmsg(-1));
            continue;
        }
        size_t entsize = gelf_fsize(elf, ELF_T_SYM, 1, EV_CURRENT);
        size_t count = entsize ? data->d_size / entsize : 0;
        for (size_t i = 1; i < count; i++) { // entry 0 is the null symbol
            GElf_Sym sym;
            if (!gelf_getsym(data, (int)i, &sym)) break;
            int stt = GELF_ST_TYPE(sym.st_info);
            if (stt == STT_SECTION || stt == STT_FILE) continue;
            const char *name = elf_strptr(elf, sh.sh_link, sym.st_name);
            if (!name || !*name) continue;
            struct symbol *s = PUSH(h, h->symbols, h->nsymbols, h->capsymbols);
            if (!s) return;
            *s = (struct symbol){
                .raw = name,
                .value = sym.st_value,
                .size = sym.st_size,
                .kind = symbol_kind(stt),
                .binding = symbol_binding(GELF_ST_BIND(sym.st_info)),
                .defined = sym.st_shndx != SHN_UNDEF,
                .order = (uint32_t)h->nsymbols,
            };
        }
    }
}

// The demangled form of a C++ name (keeping a "@VERSION" suffix), or 0 (meaning: same as name).
static uint32_t demangle(omni_elf *h, const char *raw) {
    if (strncmp(raw, "_Z", 2) != 0) return 0;
    size_t keylen = strcspn(raw, "@");
    char *key = strndup(raw, keylen);
    if (!key) {
        h->oom = true;
        return 0;
    }
    int status = 0;
    char *out = __cxa_demangle(key, NULL, NULL, &status);
    free(key);
    if (status != 0 || !out) {
        free(out);
        return 0;
    }
    // Keep the version: "f(int)@GLIBCXX_3.4" names the same symbol as "_Z1fi@GLIBCXX_3.4".
    char *full = NULL;
    if (asprintf(&full, "%s%s", out, raw + keylen) < 0) {
        h->oom = true;
        full = NULL;
    }
    uint32_t off = full ? pool_add(h, &h->symbol_pool, full) : 0;
    free(full);
    free(out);
    return off;
}

static Elf_Scn *section_named(Elf *elf, const char *wanted, GElf_Shdr *out) {
    size_t shstrndx;
    if (elf_getshdrstrndx(elf, &shstrndx) != 0) return NULL;
    for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
        if (!gelf_getshdr(scn, out)) continue;
        const char *name = elf_strptr(elf, shstrndx, out->sh_name);
        if (name && strcmp(name, wanted) == 0) return scn;
    }
    return NULL;
}

// Synthetic "name@plt" symbols for the PLT stubs, as objdump and gdb show them: a call through the
// PLT lands on a stub that no symbol table names. Entry i of .rela.plt is PLT entry i (lazy
// binding pushes that index): in .plt.sec when the PLT has one (IBT), else after .plt's PLT0.
// The names are kept in plt_names until load_symbols has interned them.
static void add_plt_symbols(omni_elf *h, Elf *elf, char ***plt_names, size_t *nplt) {
    GElf_Shdr rela_sh, plt_sh, sec_sh, dynsym_sh;
    Elf_Scn *rela = section_named(elf, ".rela.plt", &rela_sh);
    if (!rela || rela_sh.sh_type != SHT_RELA) return;
    Elf_Scn *sec = section_named(elf, ".plt.sec", &sec_sh);
    Elf_Scn *plt = section_named(elf, ".plt", &plt_sh);
    if (!sec && !plt) return;
    uint64_t base = sec ? sec_sh.sh_addr : plt_sh.sh_addr + 16;
    uint64_t limit = sec ? sec_sh.sh_addr + sec_sh.sh_size : plt_sh.sh_addr + plt_sh.sh_size;
    Elf_Scn *dynsym = elf_getscn(elf, rela_sh.sh_link);
    if (!dynsym || !gelf_getshdr(dynsym, &dynsym_sh)) return;
    Elf_Data *relas = elf_getdata(rela, NULL), *syms = elf_getdata(dynsym, NULL);
    if (!relas || !syms) return;
    size_t entsize = gelf_fsize(elf, ELF_T_RELA, 1, EV_CURRENT);
    size_t count = entsize ? relas->d_size / entsize : 0;
    *plt_names = calloc(count ? count : 1, sizeof **plt_names);
    if (!*plt_names) {
        h->oom = true;
        return;
    }
    for (size_t i = 0; i < count; i++) {
        GElf_Rela r;
        GElf_Sym sym;
        uint64_t entry = base + 16 * i;
        if (entry + 16 > limit) break;
        if (!gelf_getrela(relas, (int)i, &r) || GELF_R_TYPE(r.r_info) != R_X86_64_JUMP_SLOT) continue;
        if (!gelf_getsym(syms, (int)GELF_R_SYM(r.r_info), &sym)) continue;
        const char *name = elf_strptr(elf, dynsym_sh.sh_link, sym.st_name);
        if (!name || !*name) continue;
        char *plt_name = NULL;
        if (asprintf(&plt_name, "%.*s@plt", (int)strcspn(name, "@"), name) < 0) {
            h->oom = true;
            return;
        }
        (*plt_names)[(*nplt)++] = plt_name;
        struct symbol *s = PUSH(h, h->symbols, h->nsymbols, h->capsymbols);
        if (!s) return;
        *s = (struct symbol){
            .raw = plt_name, .value = entry, .size = 16, .kind = OMNI_ELF_SYM_FUNC,
            .binding = OMNI_ELF_BIND_LOCAL, .defined = 1, .order = (uint32_t)h->nsymbols,
        };
    }
}

// .plt.got stubs ("__cxa_finalize@plt"): each is a `jmp *GOT(%rip)` (after an endbr64 and a bnd
// prefix when built for IBT) through a GOT slot that .rela.dyn binds to a symbol with GLOB_DAT.
static void add_plt_got_symbols(omni_elf *h, Elf *elf, char ***plt_names, size_t *nplt) {
    GElf_Shdr got_sh, rela_sh, dynsym_sh;
    Elf_Scn *got = section_named(elf, ".plt.got", &got_sh);
    Elf_Scn *rela = section_named(elf, ".rela.dyn", &rela_sh);
    if (!got || !rela || got_sh.sh_type != SHT_PROGBITS || rela_sh.sh_type != SHT_RELA) return;
    Elf_Data *code = elf_getdata(got, NULL), *relas = elf_getdata(rela, NULL);
    Elf_Scn *dynsym = elf_getscn(elf, rela_sh.sh_link);
    if (!code || !relas || !dynsym || !gelf_getshdr(dynsym, &dynsym_sh)) return;
    Elf_Data *syms = elf_getdata(dynsym, NULL);
    if (!syms) return;
    size_t entry_size = got_sh.sh_entsize == 16 ? 16 : 8;
    size_t relsize = gelf_fsize(elf, ELF_T_RELA, 1, EV_CURRENT);
    size_t nrela = relsize ? relas->d_size / relsize : 0;
    size_t nentries = code->d_size / entry_size;
    char **grown = realloc(*plt_names, (*nplt + nentries + 1) * sizeof **plt_names);
    if (!grown) {
        h->oom = true;
        return;
    }
    *plt_names = grown;
    for (size_t e = 0; e < nentries; e++) {
        const uint8_t *insn = (const uint8_t *)code->d_buf + e * entry_size;
        size_t at = 0;
        if (entry_size - at >= 4 && memcmp(insn, "\xf3\x0f\x1e\xfa", 4) == 0) at += 4;  // endbr64
        if (at < entry_size && insn[at] == 0xf2) at++;                                      // bnd
        if (at + 6 > entry_size || insn[at] != 0xff || insn[at + 1] != 0x25) continue;      // jmp *rel32(%rip)
        int32_t disp;
        memcpy(&disp, insn + at + 2, 4);
        uint64_t entry = got_sh.sh_addr + e * entry_size;
        uint64_t slot = entry + at + 6 + (int64_t)disp;
        for (size_t i = 0; i < nrela; i++) {
            GElf_Rela r;
            GElf_Sym sym;
            if (!gelf_getrela(relas, (int)i, &r) || r.r_offset != slot || GELF_R_TYPE(r.r_info) != R_X86_64_GLOB_DAT) continue;
            if (!gelf_getsym(syms, (int)GELF_R_SYM(r.r_info), &sym)) break;
            const char *name = elf_strptr(elf, dynsym_sh.sh_link, sym.st_name);
            if (!name || !*name) break;
            char *plt_name = NULL;
            if (asprintf(&plt_name, "%.*s@plt", (int)strcspn(name, "@"), name) < 0) {
                h->oom = true;
                return;
            }
            (*plt_names)[(*nplt)++] = plt_name;
            struct symbol *s = PUSH(h, h->symbols, h->nsymbols, h->capsymbols);
            if (!s) return;
            *s = (struct symbol){
                .raw = plt_name, .value = entry, .size = entry_size, .kind = OMNI_ELF_SYM_FUNC,
                .binding = OMNI_ELF_BIND_LOCAL, .defined = 1, .order = (uint32_t)h->nsymbols,
            };
            break;
        }
    }
}

static int load_symbols(omni_elf *h) {
    if (h->symbols_state) return h->symbols_state;
    pool_add_len(h, &h->symbol_pool, "", 0);
    read_symbol_tables(h, h->elf, SHT_SYMTAB);
    if (h->debug_elf) read_symbol_tables(h, h->debug_elf, SHT_SYMTAB);
    read_symbol_tables(h, h->elf, SHT_DYNSYM);
    char **plt_names = NULL;
    size_t nplt = 0;
    add_plt_symbols(h, h->elf, &plt_names, &nplt);
    if (!h->oom) add_plt_got_symbols(h, h->elf, &plt_names, &nplt);
    if (h->nsymbols) qsort(h->symbols, h->nsymbols, sizeof *h->symbols, compare_symbols);
    size_t kept = 0;
    for (size_t i = 0; i < h->nsymbols && !h->oom; i++) {
        struct symbol *s = &h->symbols[i];
        if (kept > 0) {
            struct symbol *prev = &h->symbols[kept - 1];
            size_t pl = symbol_key_len(prev), sl = symbol_key_len(s);
            if (prev->value == s->value && prev->defined == s->defined && prev->binding == s->binding &&
                prev->size == s->size && pl == sl &&
                memcmp(prev->raw, s->raw, sl) == 0)
                continue;
        }
        h->symbols[kept++] = *s;
    }
    h->nsymbols = kept;
    // Intern only now: the raw names compared above point into the ELF string tables.
    for (size_t i = 0; i < h->nsymbols && !h->oom; i++) {
        struct symbol *s = &h->symbols[i];
        s->name = pool_add(h, &h->symbol_pool, s->raw);
        uint32_t d = demangle(h, s->raw);
        s->demangled = d ? d : s->name;
    }
    for (size_t i = 0; i < nplt; i++) free(plt_names[i]);
    free(plt_names);
    if (h->oom) {
        free(h->symbols);
        free(h->symbol_pool.data);
        h->symbols = NULL;
        h->symbol_pool = (struct strbuf){0};
        h->nsymbols = h->capsymbols = 0;
        h->oom = false;
        return h->symbols_state = -1;
    }
    return h->symbols_state = 1;
}

int64_t omni_elf_symbol_count(omni_elf *h) {
    return load_symbols(h) < 0 ? -1 : (int64_t)h->nsymbols;
}

size_t omni_elf_symbols(omni_elf *h, size_t cap, uint64_t *value, uint64_t *size,
                        uint32_t *name, uint32_t *demangled, uint8_t *kind, uint8_t *binding,
                        uint8_t *defined) {
    if (load_symbols(h) < 0) return 0;
    size_t n = cap < h->nsymbols ? cap : h->nsymbols;
    for (size_t i = 0; i < n; i++) {
        const struct symbol *s = &h->symbols[i];
        value[i] = s->value;
        size[i] = s->size;
        name[i] = s->name;
        demangled[i] = s->demangled;
        kind[i] = s->kind;
        binding[i] = s->binding;
        defined[i] = s->defined;
    }
    return n;
}

// --- DWARF: files -----------------------------------------------------------------------------

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

static void read_cu_lines(omni_elf *h, Dwarf_CU *cu, Dwarf_Die *cudie, Dwarf_Die *split) {
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

static int compare_cus(const void *a, const void *b) {
    const struct cu_files *x = a, *y = b;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static struct cu_files *find_cu(omni_elf *h, Dwarf_Die *die) {
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

// snprintf for names that may be cut short: a truncated type name is still a useful one.
static void format(char *out, size_t cap, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, cap, fmt, ap);
    va_end(ap);
}

// --- DWARF: variables -------------------------------------------------------------------------

static const char *die_name(Dwarf_Die *die) {
    Dwarf_Attribute a;
    return dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &a));
}

static Dwarf_Die *die_type(Dwarf_Die *die, Dwarf_Die *type) {
    Dwarf_Attribute a;
    return dwarf_formref_die(dwarf_attr_integrate(die, DW_AT_type, &a), type);
}

static bool next_sibling(Dwarf_Die *die) {
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
static int32_t decl_file(omni_elf *h, Dwarf_Die *die, uint32_t *line) {
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

static bool loaded_address(omni_elf *h, uint64_t address) {
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
    if (!dwarf_attr(die, DW_AT_location, &loc) || dwarf_getlocation(&loc, &ops, &nops) != 0 || nops != 1) return;
    Dwarf_Addr address;
    if (ops[0].atom == DW_OP_addr) {
        address = ops[0].number;
    } else if (ops[0].atom == DW_OP_addrx || ops[0].atom == DW_OP_GNU_addr_index) {
        Dwarf_Attribute a;
        if (dwarf_getlocation_attr(&loc, &ops[0], &a) != 0 || dwarf_formaddr(&a, &address) != 0) return;
    } else {
        return; // thread-local, or not at one fixed address
    }
    if (!loaded_address(h, address)) return; // a discarded definition, or in a section never loaded
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

    struct variable v = {.address = address, .size = size};
    v.file = decl_file(h, die, &v.line);
    v.name = pool_add(h, &h->dwarf_pool, name);
    v.scope = pool_add(h, &h->dwarf_pool, scope);
    v.type = pool_add(h, &h->dwarf_pool, type_str);
    struct variable *slot = PUSH(h, h->variables, h->nvariables, h->capvariables);
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

static bool is_c_language(int lang) {
    return lang == DW_LANG_C89 || lang == DW_LANG_C || lang == DW_LANG_C99 || lang == DW_LANG_C11 ||
           lang == DW_LANG_C17;
}

static int compare_variables(const void *a, const void *b, void *pool) {
    const struct variable *x = a, *y = b;
    if (x->address != y->address) return x->address < y->address ? -1 : 1;
    int c = strcmp((char *)pool + x->name, (char *)pool + y->name);
    return c ? c : strcmp((char *)pool + x->scope, (char *)pool + y->scope);
}

// Calls visit for every compile or partial unit (type units hold no code or variables), with the
// split unit of a skeleton (-gsplit-dwarf: its DIEs are in a .dwo file) when libdw finds it.
static void for_each_unit(omni_elf *h, void (*visit)(omni_elf *, Dwarf_CU *, Dwarf_Die *, Dwarf_Die *)) {
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

static void visit_unit_variables(omni_elf *h, Dwarf_CU *cu, Dwarf_Die *cudie, Dwarf_Die *split) {
    (void)cu;
    Dwarf_Die *unit = split ? split : cudie;
    walk_scope(h, unit, "", is_c_language(dwarf_srclang(unit)), 0);
}

static int load_dwarf(omni_elf *h) {
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
