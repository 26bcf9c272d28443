/* spawns: the four ways programs start other programs without fork: vfork, posix_spawn (glibc
 * uses clone(CLONE_VM | CLONE_VFORK)), system() and popen() (both posix_spawn of /bin/sh).
 *
 * Watched global:
 *   vfork_marker  0 -> 11, written by the vfork child in the parent's memory (the child borrows
 *                 the parent's address space until it _exits), then read back by the parent.
 *
 * stdout:
 *   spawned
 *   results 0 49 0 3 11 0
 * (posix_spawn's /bin/true status, popen's output, pclose's status, system()'s exit code,
 *  vfork_marker, the vfork child's status)
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int vfork_marker;

int main(void)
{
    char *argv[] = {"/bin/true", NULL};
    pid_t pid;
    int status;
    if (posix_spawn(&pid, "/bin/true", NULL, NULL, argv, environ) != 0) return 1;
    if (waitpid(pid, &status, 0) != pid) return 1;
    int spawn_status = WEXITSTATUS(status);

    FILE *p = popen("echo 49", "r");
    if (!p) return 1;
    int echoed = 0;
    if (fscanf(p, "%d", &echoed) != 1) return 1;
    int pclose_status = pclose(p);

    int sys = system("exit 3");

    fflush(stdout);
    pid_t child = vfork();
    if (child < 0) return 1;
    if (child == 0) {
        vfork_marker = 11; /* the parent's memory: it is suspended until _exit */
        _exit(0);
    }
    if (waitpid(child, &status, 0) != child) return 1;

    printf("spawned\n");
    printf("results %d %d %d %d %d %d\n", spawn_status, echoed, pclose_status, WEXITSTATUS(sys),
           vfork_marker, WEXITSTATUS(status));
    return 0;
}
