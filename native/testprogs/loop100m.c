/* loop100m (-O1): at least 100 million instructions in a simple loop that stores to a global
 * every iteration. argv[1] = iterations (default 11500000; see README.md for the measured
 * instruction count). Prints the checksum.
 *
 * Watched global: sink, written once per iteration with the running checksum (11.5 million writes
 * by default: watch it only with a small argv[1]).
 */
#include <stdio.h>
#include <stdlib.h>

volatile long sink;

int main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 11500000L;
    long sum = 0;
    for (long i = 0; i < n; i++) {
        sum += (i * 7) ^ (i >> 3);
        sink = sum;
    }
    printf("iterations=%ld checksum=%ld\n", n, sink);
    return 0;
}
