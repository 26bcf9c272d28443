/* signals: asynchronous signals (SIGALRM from an interval timer, delivered wherever the main loop
 * happens to be) and a synchronous one (raise(SIGUSR1)). No SIGSEGV.
 *
 * Watched globals:
 *   ticks      0 -> 1 -> 2 -> 3 (the SIGALRM handler stops counting at 3, so a tick that arrives
 *              between the third and the timer being stopped cannot make it 4).
 *   usr1_seen  0 -> 1, set by the SIGUSR1 handler.
 *
 * How many loop iterations run between ticks depends on timing; nothing printed depends on it.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

volatile sig_atomic_t ticks;
volatile int usr1_seen;
volatile unsigned long work_sink;

static void on_alarm(int sig)
{
    (void)sig;
    if (ticks < 3)
        ticks++;
}

static void on_usr1(int sig)
{
    (void)sig;
    usr1_seen = 1;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    if (sigaction(SIGALRM, &sa, NULL) != 0) {
        perror("sigaction SIGALRM");
        return 1;
    }
    sa.sa_handler = on_usr1;
    if (sigaction(SIGUSR1, &sa, NULL) != 0) {
        perror("sigaction SIGUSR1");
        return 1;
    }

    struct itimerval every2ms = { { 0, 2000 }, { 0, 2000 } };
    if (setitimer(ITIMER_REAL, &every2ms, NULL) != 0) {
        perror("setitimer");
        return 1;
    }

    unsigned long x = 12345;
    while (ticks < 3) {
        for (int i = 0; i < 1000; i++)
            x = x * 6364136223846793005UL + 1442695040888963407UL;
        work_sink = x;
    }

    struct itimerval off = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &off, NULL);

    raise(SIGUSR1);

    printf("ticks=%d\n", (int)ticks);
    printf("usr1_seen=%d\n", usr1_seen);
    return 0;
}
