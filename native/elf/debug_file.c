// Separate debug info, found as gdb finds it: by build-id (<root>/.build-id/xx/yyyy.debug), then
// by .gnu_debuglink next to the file, in its .debug/ directory and under <root>/<its directory>/.
// A candidate must be another file that belongs to this module: the same build-id, or the
// debuglink's CRC-32 of the whole file when either has no build-id.
#define _GNU_SOURCE
#include "elf_internal.h"

#include <elfutils/libdwelf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

// True when the file carries DWARF debug info of its own (not just .eh_frame or a stray
// .debug_frame, which libdw would accept too).
bool has_debug_info(Elf *elf) {
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

void find_debug_file(omni_elf *h, const char *path, const char *root) {
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
