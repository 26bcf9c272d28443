/* dataflow_sources: values that enter the program from the kernel, the CPU and the environment,
 * for the "origin of a value" query (issue 13). README.md ("Data flow") gives the exact chains:
 *
 *   random_value = getrandom(&r, 8, 0)'s output, through the local r
 *   clock_nsec   = ts.tv_nsec of clock_gettime(CLOCK_MONOTONIC, &ts) (glibc's vDSO wrapper; the
 *                  recorder turns the vDSO call into a real system call)
 *   env_value    = atoi(getenv("DATAFLOW_SECRET")): bytes 16..19 of the environment string
 *                  "DATAFLOW_SECRET=1234", which is envp[env_index]
 *   tsc_value    = __rdtsc()
 *   page_size    = getauxval(AT_PAGESZ): the AT_PAGESZ entry of the auxiliary vector (4096)
 *
 * Run with DATAFLOW_SECRET=1234 in the environment (omni record --env DATAFLOW_SECRET=1234 -- ...).
 * stdout shows none of the nondeterministic values. Exit 0, or 2 without DATAFLOW_SECRET.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/random.h>
#include <time.h>
#include <x86intrin.h>

unsigned long random_value;
long clock_nsec;
int env_value;
int env_index = -1; /* which envp[] entry getenv's answer points into (not printed) */
unsigned long long tsc_value;
unsigned long page_size;

int main(int argc, char **argv, char **envp)
{
    (void)argc;
    (void)argv;

    unsigned long r;
    ssize_t got = getrandom(&r, sizeof r, 0); /* the kernel writes r's 8 bytes */
    random_value = r;

    struct timespec ts;
    int rc = clock_gettime(CLOCK_MONOTONIC, &ts);
    clock_nsec = ts.tv_nsec;

    const char *secret = getenv("DATAFLOW_SECRET"); /* points into the initial stack */
    if (secret == NULL) {
        fprintf(stderr, "dataflow_sources: set DATAFLOW_SECRET (the tests use 1234)\n");
        return 2;
    }
    env_value = atoi(secret);
    for (int i = 0; envp[i] != NULL; i++)
        if (envp[i] + strlen("DATAFLOW_SECRET=") == secret)
            env_index = i;

    tsc_value = __rdtsc();

    page_size = getauxval(AT_PAGESZ); /* glibc scans the auxv the kernel put on the stack */

    printf("getrandom: %zd bytes\n", got);
    printf("clock_gettime: %d\n", rc);
    printf("env_value=%d\n", env_value);
    printf("env_index found: %s\n", env_index >= 0 ? "yes" : "no");
    printf("page_size=%lu\n", page_size);
    return 0;
}
