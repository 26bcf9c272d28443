/* dataflow_fork_pipe: values whose origin crosses fork and a pipe, for the "origin of a value"
 * query (issue 13). README.md ("Data flow") gives the exact chains; in short:
 *
 *   parent, before fork: value     = factor_a * factor_b     (.data 6 and 7: 42, a local of main)
 *                        inherited = factor_a * 100 + factor_b (607, a global)
 *   child:  write(pipe, &value, 4), then seen = inherited; write(pipe, &seen, 4)
 *   parent: read(pipe, &got, 4); received = got;  read(pipe, &got2, 4); received_inherited = got2
 *
 * Args: none. Watched globals (parent): inherited 0 -> 607, received 0 -> 42,
 * received_inherited 0 -> 607.
 */
#include <stdio.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int factor_a = 6, factor_b = 7; /* .data: the leaves of both chains */
int inherited;                  /* set by the parent before fork, read by the child after it */
int received;                   /* parent: pipe stream bytes [0,4), the child's copy of value */
int received_inherited;         /* parent: pipe stream bytes [4,8), the child's copy of inherited */

int main(void)
{
    int fds[2];
    int value = factor_a * factor_b;          /* imul of two .data loads */
    inherited = factor_a * 100 + factor_b;    /* imul by the constant 100, add */

    if (pipe(fds) != 0) {
        perror("pipe");
        return 1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 1;
    }
    if (pid == 0) {
        /* The child: its memory is the parent's as of the fork, so value (main's stack frame) and
         * inherited (.bss) still hold what the parent computed. */
        close(fds[0]);
        int seen = inherited; /* the child's own load of the global */
        if (write(fds[1], &value, sizeof value) != sizeof value ||
            write(fds[1], &seen, sizeof seen) != sizeof seen)
            _exit(1);
        _exit(0);
    }

    /* Each write is 4 bytes (atomic, less than PIPE_BUF), so each read of 4 returns exactly 4. */
    close(fds[1]);
    int got, got2;
    if (read(fds[0], &got, sizeof got) != sizeof got) {
        fprintf(stderr, "short read of value\n");
        return 1;
    }
    received = got;
    if (read(fds[0], &got2, sizeof got2) != sizeof got2) {
        fprintf(stderr, "short read of inherited\n");
        return 1;
    }
    received_inherited = got2;
    close(fds[0]);

    int status;
    if (waitpid(pid, &status, 0) != pid) {
        perror("waitpid");
        return 1;
    }
    printf("received=%d\n", received);
    printf("received_inherited=%d\n", received_inherited);
    printf("child exit status: %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return 0;
}
