/* fork_global: two processes writing the same global, each its own copy.
 *
 * Watched global:
 *   shared_value  1 in the parent, before the fork and for the rest of its run;
 *                 in the child: 1 (inherited) -> 42.
 * The parent waits in wait4 while the child runs, then reads its own copy (still 1).
 *
 * stdout:
 *   child: shared_value = 42
 *   parent: shared_value = 1
 * stderr:
 *   parent: child exited with status 0
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int shared_value = 1;

static void child_work(void)
{
    shared_value = 42;
    printf("child: shared_value = %d\n", shared_value);
    fflush(stdout);
}

int main(void)
{
    fflush(stdout);
    pid_t child = fork();
    if (child < 0) {
        perror("fork");
        return 1;
    }
    if (child == 0) {
        child_work();
        _exit(0);
    }
    int status = 0;
    if (waitpid(child, &status, 0) != child) {
        perror("waitpid");
        return 1;
    }
    printf("parent: shared_value = %d\n", shared_value);
    fflush(stdout);
    fprintf(stderr, "parent: child exited with status %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return 0;
}
