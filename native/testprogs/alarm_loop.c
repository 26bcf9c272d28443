/* alarm_loop: a loop that a signal ends, as `openssl speed` runs its benchmarks. Every iteration
 * hashes the same buffer: the same registers at the same instructions each time, and only the
 * count, kept in the loop's stack frame (-O0), tells the iterations apart. A one-shot 20 ms
 * ITIMER_REAL raises SIGALRM, whose handler clears `run`.
 *
 * Watched global:
 *   iterations  0 -> the number of iterations, written once after the loop (and printed).
 *
 * stdout: "iterations=N\n" (N depends on the machine's speed), then "stopped by SIGALRM\n".
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

static volatile sig_atomic_t run = 1;
long iterations;
static unsigned char buffer[256];

static void on_alarm(int sig)
{
    (void)sig;
    run = 0;
}

static unsigned long __attribute__((noinline)) digest(const unsigned char *p, unsigned long n)
{
    unsigned long h = 0xcbf29ce484222325UL;
    for (unsigned long i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3UL;
    return h;
}

static long __attribute__((noinline)) loop(void)
{
    long count;
    unsigned long sink = 0;
    for (count = 0; run; count++) sink ^= digest(buffer, sizeof buffer);
    return sink == 1 ? -1 : count; /* sink is never 1: keeps the digests */
}

int main(void)
{
    memset(buffer, 'x', sizeof buffer);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval once = {.it_value = {.tv_sec = 0, .tv_usec = 20000}};
    setitimer(ITIMER_REAL, &once, NULL);
    iterations = loop();
    printf("iterations=%ld\n", iterations);
    printf("stopped by SIGALRM\n");
    return 0;
}
