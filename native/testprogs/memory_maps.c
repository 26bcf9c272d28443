/* memory_maps: address-space syscalls. A file mapped MAP_PRIVATE read-only; an anonymous mapping
 * grown with mremap (MREMAP_MAYMOVE) and partly discarded with madvise(MADV_DONTNEED); a 64 MiB
 * malloc (served by mmap) touched every 4 KiB; a page made read-only with mprotect and back.
 * Every printed number is a checksum of deterministic content; no address is printed.
 *
 * Watched global:
 *   phase  0 -> 1 (file mapping) -> 2 (anonymous + mremap) -> 3 (malloc 64 MiB) -> 4 (mprotect) -> 5 (done)
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define FILE_SIZE (64 * 1024)
#define MIB (1024 * 1024)

int phase;

static uint64_t fnv1a(const unsigned char *p, size_t n)
{
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static int file_mapping(void)
{
    char path[] = "/tmp/omni-memory-maps-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        perror("mkstemp");
        return 1;
    }
    static unsigned char content[FILE_SIZE];
    for (int i = 0; i < FILE_SIZE; i++)
        content[i] = (unsigned char)(i * 131 + 7);
    if (write(fd, content, FILE_SIZE) != FILE_SIZE) {
        perror("write");
        return 1;
    }
    unsigned char *m = mmap(NULL, FILE_SIZE, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m == MAP_FAILED) {
        perror("mmap file");
        return 1;
    }
    uint64_t sum = 0;
    for (int i = 0; i < FILE_SIZE; i++)
        sum += m[i];
    printf("file mapping: %d bytes, sum=%llu, fnv=%016llx\n", FILE_SIZE,
           (unsigned long long)sum, (unsigned long long)fnv1a(m, FILE_SIZE));
    munmap(m, FILE_SIZE);
    close(fd);
    unlink(path);
    return 0;
}

/* A 64-bit word at a time: the replay runs this at -O0, so keep the instruction count modest. */
static uint64_t hash_words(const uint64_t *w, size_t nwords)
{
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < nwords; i++)
        h = (h ^ w[i]) * 1099511628211ULL;
    return h;
}

#define WORDS(bytes) ((bytes) / sizeof(uint64_t))

static int anon_and_mremap(void)
{
    uint64_t *a = mmap(NULL, MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (a == MAP_FAILED) {
        perror("mmap anon");
        return 1;
    }
    for (size_t i = 0; i < WORDS(MIB); i++)
        a[i] = i * 0x9e3779b97f4a7c15ULL;
    uint64_t before = hash_words(a, WORDS(MIB));

    uint64_t *b = mremap(a, MIB, 4 * MIB, MREMAP_MAYMOVE);
    if (b == MAP_FAILED) {
        perror("mremap");
        return 1;
    }
    int survived = 1;
    for (size_t i = 0; i < WORDS(MIB); i++)
        if (b[i] != i * 0x9e3779b97f4a7c15ULL)
            survived = 0;
    int grown_zero = 1;
    for (size_t i = WORDS(MIB); i < WORDS(4 * MIB); i++)
        if (b[i] != 0)
            grown_zero = 0;
    for (size_t i = WORDS(MIB); i < WORDS(4 * MIB); i++)
        b[i] = i ^ 0x5a5a5a5a5a5a5a5aULL;
    uint64_t after = hash_words(b, WORDS(4 * MIB));

    /* Discard the last MiB: it must read back as zeros. */
    madvise((char *)b + 3 * MIB, MIB, MADV_DONTNEED);
    int discarded_zero = 1;
    for (size_t i = WORDS(3 * MIB); i < WORDS(4 * MIB); i++)
        if (b[i] != 0)
            discarded_zero = 0;

    printf("anonymous 1 MiB: hash=%016llx\n", (unsigned long long)before);
    printf("mremap to 4 MiB: pattern survived: %s, new part zero: %s, hash=%016llx\n",
           survived ? "yes" : "no", grown_zero ? "yes" : "no", (unsigned long long)after);
    printf("madvise DONTNEED last MiB: reads zero: %s\n", discarded_zero ? "yes" : "no");
    munmap(b, 4 * MIB);
    return !(survived && grown_zero && discarded_zero);
}

static int big_malloc(void)
{
    size_t size = 64 * (size_t)MIB;
    unsigned char *p = malloc(size);
    if (!p) {
        perror("malloc");
        return 1;
    }
    for (size_t off = 0; off < size; off += 4096)
        p[off] = (unsigned char)(off / 4096 * 3 + 1);
    uint64_t sum = 0;
    for (size_t off = 0; off < size; off += 4096)
        sum += p[off];
    printf("malloc 64 MiB: touched %zu pages, sum=%llu\n", size / 4096, (unsigned long long)sum);
    free(p);
    return 0;
}

static int protect_page(void)
{
    long pagesize = sysconf(_SC_PAGESIZE);
    char *page = mmap(NULL, pagesize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) {
        perror("mmap page");
        return 1;
    }
    strcpy(page, "written before mprotect");
    if (mprotect(page, pagesize, PROT_READ) != 0) {
        perror("mprotect read-only");
        return 1;
    }
    uint64_t h1 = fnv1a((unsigned char *)page, pagesize);
    if (mprotect(page, pagesize, PROT_READ | PROT_WRITE) != 0) {
        perror("mprotect read-write");
        return 1;
    }
    strcpy(page, "written after mprotect");
    uint64_t h2 = fnv1a((unsigned char *)page, pagesize);
    printf("mprotect: read-only fnv=%016llx, writable again fnv=%016llx, text=\"%s\"\n",
           (unsigned long long)h1, (unsigned long long)h2, page);
    munmap(page, pagesize);
    return 0;
}

int main(void)
{
    phase = 1;
    if (file_mapping())
        return 1;
    phase = 2;
    if (anon_and_mremap())
        return 1;
    phase = 3;
    if (big_malloc())
        return 1;
    phase = 4;
    if (protect_page())
        return 1;
    phase = 5;
    printf("memory_maps done\n");
    return 0;
}
