/* compute (benchmark, -O2): compute-bound, no syscalls in its loop. argv[1] = iterations
 * (default 500000000, about 1 s natively). Prints the iteration count and a checksum. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define DEFAULT_ITERATIONS 500000000UL

int main(int argc, char **argv)
{
    unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : DEFAULT_ITERATIONS;
    uint64_t x = 88172645463325252ULL, acc = 0;
    for (unsigned long i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        acc += x * (i | 1);
        acc = (acc << 5) | (acc >> 59);
    }
    printf("iterations=%lu checksum=%016llx\n", n, (unsigned long long)acc);
    return 0;
}
