// many_mappings: thousands of mappings, as JVMs have. 8,400 anonymous pages whose protections
// alternate (even pages PROT_READ|PROT_WRITE, odd pages PROT_READ): the kernel keeps 8,400
// mappings, far more than the 4,096 memory sections QEMU (inside the replay's Unicorn) allows.
// Writes every writable page, reads every page, stores once into a read-only page (SIGSEGV,
// caught with sigsetjmp), unmaps 1,000 pages in the middle and prints checksums.
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGES 8400
#define PAGE 4096

int phase;                        // watchable: 0 → 1 (mapped) 2 (protected) 3 (written) 4 (fault) 5 (unmapped) 6 (done)
volatile uint64_t last_written;   // the value of the last store into the pages
static sigjmp_buf env;
static volatile void *fault_addr;

static void on_segv(int sig, siginfo_t *si, void *ctx) {
    (void)sig, (void)ctx;
    fault_addr = si->si_addr;
    siglongjmp(env, 1);
}

static uint64_t fnv(uint64_t h, uint64_t v) {
    for (int i = 0; i < 8; i++) h = (h ^ ((v >> (8 * i)) & 0xff)) * 0x100000001b3ULL;
    return h;
}

static uint64_t sum_pages(volatile uint64_t *base, int from, int to) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (int p = from; p < to; p++) h = fnv(h, base[(size_t)p * (PAGE / 8)] + base[(size_t)p * (PAGE / 8) + 7]);
    return h;
}

int main(void) {
    uint8_t *m = mmap(NULL, (size_t)PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) return perror("mmap"), 1;
    volatile uint64_t *q = (volatile uint64_t *)m;
    phase = 1;
    for (int p = 1; p < PAGES; p += 2)
        if (mprotect(m + (size_t)p * PAGE, PAGE, PROT_READ) != 0) return perror("mprotect"), 1;
    phase = 2;
    for (int p = 0; p < PAGES; p += 2) {
        last_written = (uint64_t)p * 2654435761u + 1;
        q[(size_t)p * (PAGE / 8)] = last_written;
        q[(size_t)p * (PAGE / 8) + 7] = (uint64_t)p;
    }
    phase = 3;
    printf("mapped %d pages, alternating protections: sum=%016llx\n", PAGES,
           (unsigned long long)sum_pages(q, 0, PAGES));

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    volatile uint64_t *ro = q + (size_t)4001 * (PAGE / 8);
    if (sigsetjmp(env, 1) == 0) {
        *ro = 42;
        printf("store to a read-only page: no fault\n");
    } else {
        printf("store to a read-only page: SIGSEGV at page %ld, value still %llu\n",
               (long)(((uint8_t *)fault_addr - m) / PAGE), (unsigned long long)*ro);
    }
    phase = 4;

    if (munmap(m + (size_t)3000 * PAGE, (size_t)1000 * PAGE) != 0) return perror("munmap"), 1;
    phase = 5;
    uint64_t before = sum_pages(q, 0, 3000), after = sum_pages(q, 4000, PAGES);
    q[(size_t)4002 * (PAGE / 8)] = last_written = 0x5eed;
    printf("unmapped 1000 in the middle: sum=%016llx %016llx, page 4002 now %llu\n", (unsigned long long)before,
           (unsigned long long)after, (unsigned long long)q[(size_t)4002 * (PAGE / 8)]);
    phase = 6;
    printf("many_mappings done\n");
    return 0;
}
