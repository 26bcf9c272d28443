/* ptrace-floor: the least a ptrace recorder can pay per system call, for scripts/bench-record.sh.
 *
 * Usage: ptrace-floor PROGRAM [ARGS...]
 *
 * Runs PROGRAM (single-threaded; children are not followed) stopping at every system call entry
 * and exit (PTRACE_SYSCALL), reads the registers at each stop (PTRACE_GETREGS) and, at the exit
 * of a successful read(2), the bytes the kernel wrote (process_vm_readv): the requests omni's
 * record loop makes for a read/write program, with nothing recorded, encoded or written.
 * Exits with PROGRAM's status; prints the number of stops and bytes read on stderr.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: ptrace-floor PROGRAM [ARGS...]\n");
        return 2;
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 1;
    }
    if (pid == 0) {
        ptrace(PTRACE_TRACEME, 0, 0, 0);
        raise(SIGSTOP);
        execvp(argv[1], argv + 1);
        perror(argv[1]);
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) < 0 || !WIFSTOPPED(status)) {
        fprintf(stderr, "ptrace-floor: the child did not stop\n");
        return 1;
    }
    ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL);

    static char buf[1 << 16];
    long stops = 0, bytes = 0;
    int at_entry = 1, deliver = 0;
    struct user_regs_struct regs;
    for (;;) {
        if (ptrace(PTRACE_SYSCALL, pid, 0, deliver) < 0) {
            perror("PTRACE_SYSCALL");
            return 1;
        }
        deliver = 0;
        if (waitpid(pid, &status, 0) < 0) {
            perror("waitpid");
            return 1;
        }
        if (WIFEXITED(status) || WIFSIGNALED(status)) break;
        int sig = WSTOPSIG(status);
        if (sig != (SIGTRAP | 0x80)) {
            if (sig != SIGTRAP) deliver = sig; // the exec's SIGTRAP is ours; other signals are the program's
            continue;
        }
        stops++;
        ptrace(PTRACE_GETREGS, pid, 0, &regs);
        if (!at_entry && regs.orig_rax == SYS_read && (long)regs.rax > 0) {
            for (unsigned long done = 0; done < regs.rax;) {
                size_t n = regs.rax - done < sizeof buf ? regs.rax - done : sizeof buf;
                struct iovec local = {buf, n}, remote = {(void *)(regs.rsi + done), n};
                ssize_t got = process_vm_readv(pid, &local, 1, &remote, 1, 0);
                if (got <= 0) break;
                bytes += got;
                done += (unsigned long)got;
            }
        }
        at_entry = !at_entry;
    }
    fprintf(stderr, "ptrace-floor: %ld system call stops, %ld bytes read from the tracee\n", stops, bytes);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
