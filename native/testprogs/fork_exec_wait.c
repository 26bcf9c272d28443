/* fork_exec_wait: fork, exec in the child, waitpid in the parent; a second child that _exits.
 *
 * Watched global:
 *   stage  in the parent: 0 -> 1 (before the first fork) -> 3 (after the first waitpid).
 *          in the first child: 1 -> 2, then it execs /bin/echo.
 *          the second child does not touch it.
 *
 * stdout (the child's echo comes first because the parent waits before printing):
 *   child says hi
 *   first child exit status: 0
 *   second child exit status: 7
 *   parent done
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int stage;

int main(void)
{
    stage = 1;
    fflush(stdout);
    pid_t child = fork();
    if (child < 0) {
        perror("fork");
        return 1;
    }
    if (child == 0) {
        stage = 2;
        execl("/bin/echo", "echo", "child says hi", (char *)NULL);
        _exit(127); /* exec failed */
    }
    int status = 0;
    if (waitpid(child, &status, 0) != child) {
        perror("waitpid");
        return 1;
    }
    stage = 3;
    printf("first child exit status: %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    fflush(stdout);

    pid_t second = fork();
    if (second < 0) {
        perror("fork");
        return 1;
    }
    if (second == 0)
        _exit(7);
    if (waitpid(second, &status, 0) != second) {
        perror("waitpid");
        return 1;
    }
    printf("second child exit status: %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    printf("parent done\n");
    return 0;
}
