/* time_random: every usual source of time and randomness. stdout shows only properties; with
 * argv[1] the raw values are also written to that file (key=value lines, see README.md), so a
 * test can compare them with what the trace recorded and what the replay returns.
 *
 * Globals holding the raw values (nondeterministic, one write each):
 *   tsc_first, tsc_second (rdtsc), tscp_value, tscp_aux (rdtscp), random_bytes[16] (getrandom).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/time.h>
#include <time.h>
#include <x86intrin.h>

unsigned long long tsc_first, tsc_second, tscp_value;
unsigned int tscp_aux;
unsigned char random_bytes[16];

static long long ns(const struct timespec *t)
{
    return (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
}

int main(int argc, char **argv)
{
    struct timespec mono1, mono2, real, pause = { 0, 1000000 };
    struct timeval tv;

    clock_gettime(CLOCK_MONOTONIC, &mono1);
    tsc_first = __rdtsc();
    nanosleep(&pause, NULL);
    clock_gettime(CLOCK_REALTIME, &real);
    gettimeofday(&tv, NULL);
    time_t now = time(NULL);
    tsc_second = __rdtsc();
    tscp_value = __rdtscp(&tscp_aux);
    clock_gettime(CLOCK_MONOTONIC, &mono2);
    ssize_t got = getrandom(random_bytes, sizeof random_bytes, 0);

    long long real_ns = ns(&real);
    long long tv_ns = (long long)tv.tv_sec * 1000000000LL + tv.tv_usec * 1000LL;
    const long long y2020 = 1577836800LL; /* 2020-01-01T00:00:00Z */

    printf("monotonic clock advanced: %s\n", ns(&mono2) > ns(&mono1) ? "yes" : "no");
    printf("monotonic clock advanced by at least 1 ms across nanosleep: %s\n",
           ns(&mono2) - ns(&mono1) >= 1000000 ? "yes" : "no");
    printf("realtime clock after 2020: %s\n", real.tv_sec > y2020 ? "yes" : "no");
    printf("gettimeofday within 10 s of realtime: %s\n",
           tv_ns - real_ns < 10000000000LL && real_ns - tv_ns < 10000000000LL ? "yes" : "no");
    printf("time() within 10 s of realtime: %s\n",
           now - real.tv_sec < 10 && real.tv_sec - now < 10 ? "yes" : "no");
    printf("rdtsc advanced: %s\n", tsc_second > tsc_first ? "yes" : "no");
    printf("rdtscp not before rdtsc: %s\n", tscp_value >= tsc_second ? "yes" : "no");
    printf("getrandom: %zd bytes\n", got);

    if (argc > 1) {
        FILE *f = fopen(argv[1], "w");
        if (!f) {
            perror(argv[1]);
            return 1;
        }
        fprintf(f, "monotonic1=%ld.%09ld\n", (long)mono1.tv_sec, mono1.tv_nsec);
        fprintf(f, "monotonic2=%ld.%09ld\n", (long)mono2.tv_sec, mono2.tv_nsec);
        fprintf(f, "realtime=%ld.%09ld\n", (long)real.tv_sec, real.tv_nsec);
        fprintf(f, "gettimeofday=%ld.%06ld\n", (long)tv.tv_sec, (long)tv.tv_usec);
        fprintf(f, "time=%ld\n", (long)now);
        fprintf(f, "rdtsc1=%llu\n", tsc_first);
        fprintf(f, "rdtsc2=%llu\n", tsc_second);
        fprintf(f, "rdtscp=%llu\n", tscp_value);
        fprintf(f, "rdtscp_aux=%u\n", tscp_aux);
        fprintf(f, "getrandom=");
        for (size_t i = 0; i < sizeof random_bytes; i++)
            fprintf(f, "%02x", random_bytes[i]);
        fprintf(f, "\n");
        if (fclose(f) != 0) {
            perror(argv[1]);
            return 1;
        }
    }
    return 0;
}
