/* crash_segv: a program killed by SIGSEGV (a store through a null pointer, no handler).
 *
 * Watched global:
 *   progress  0 -> 1 (in main, before the crash) -> 2 (in store_through, just before the store).
 *
 * stdout (flushed before the crash):
 *   about to store through a null pointer
 * It never returns: the kernel kills it with SIGSEGV (a shell reports status 139).
 */
#include <stdio.h>

int progress;
int *volatile target; /* null; volatile, so the store is not optimised into a trap */

static void __attribute__((noinline)) store_through(int *p, int value)
{
    progress = 2;
    *p = value; /* the faulting instruction */
}

int main(void)
{
    progress = 1;
    printf("about to store through a null pointer\n");
    fflush(stdout);
    store_through(target, 42);
    printf("not reached\n");
    return 0;
}
