// Spawning a program as a seized ptrace tracee, stopped at its first instruction after execve.
//
// The child blocks on a pipe until the parent has seized it, so that the parent is the tracer
// before execve runs; the exec then reports PTRACE_EVENT_EXEC and the caller starts from a known
// state. Everything the child does between fork and execve is async-signal-safe: the parent is a
// multi-threaded JVM.
#define _GNU_SOURCE
#include "omnirecord.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PR_SET_TSC
#define PR_SET_TSC 26
#endif
#ifndef PR_TSC_SIGSEGV
#define PR_TSC_SIGSEGV 2
#endif

static void close_fds(unsigned lo, unsigned hi) {
    if (lo > hi) return;
    if (syscall(SYS_close_range, lo, hi, 0) == 0) return;
    for (unsigned fd = lo; fd <= hi && fd < 65536; fd++) close((int)fd);  // kernels before 5.9
}

static void close_inherited_fds(int keep_a, int keep_b) {
    // The JVM holds descriptors (jars, sockets) that the recorded program must not inherit.
    unsigned lo = (unsigned)(keep_a < keep_b ? keep_a : keep_b);
    unsigned hi = (unsigned)(keep_a < keep_b ? keep_b : keep_a);
    close_fds(3, lo - 1);
    close_fds(lo + 1, hi - 1);
    close_fds(hi + 1, ~0U);
}

static void reset_signals(void) {
    // fork keeps the JVM thread's signal mask and ignored dispositions; exec would keep them too.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < 65; sig++) {
        if (sig != SIGKILL && sig != SIGSTOP) sigaction(sig, &dfl, NULL);
    }
}

static void child_fail(int report_fd, int err) {
    (void)!write(report_fd, &err, sizeof err);
    _exit(127);
}

int omni_spawn(const char *path, char *const argv[], char *const envp[], int flags,
               struct omni_spawn_result *out) {
    memset(out, 0, sizeof *out);
    int go[2], report[2];
    if (pipe2(go, O_CLOEXEC) < 0) return -errno;
    if (pipe2(report, O_CLOEXEC) < 0) {
        int e = errno;
        close(go[0]);
        close(go[1]);
        return -e;
    }

    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(go[0]); close(go[1]); close(report[0]); close(report[1]);
        return -e;
    }

    if (pid == 0) {
        close(go[1]);
        close(report[0]);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        reset_signals();
        close_inherited_fds(go[0], report[1]);
        char token;
        if (read(go[0], &token, 1) != 1) _exit(127);  // the parent gave up
        close(go[0]);
        if ((flags & OMNI_SPAWN_NO_ASLR) && personality(ADDR_NO_RANDOMIZE) < 0) child_fail(report[1], errno);
        if ((flags & OMNI_SPAWN_TRAP_TSC) && prctl(PR_SET_TSC, PR_TSC_SIGSEGV, 0, 0, 0) < 0) child_fail(report[1], errno);
        execve(path, argv, envp);
        child_fail(report[1], errno);
    }

    close(go[0]);
    close(report[1]);
    out->pid = pid;

    long options = PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL | PTRACE_O_TRACESYSGOOD
                 | PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK;
    if (ptrace(PTRACE_SEIZE, pid, 0, (void *)options) < 0) {
        int e = errno;
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        close(go[1]);
        close(report[0]);
        return -e;
    }
    (void)!write(go[1], "g", 1);
    close(go[1]);

    int status;
    while (waitpid(pid, &status, __WALL) < 0) {
        if (errno != EINTR) {
            int e = errno;
            close(report[0]);
            return -e;
        }
    }
    out->first_stop = status;

    if (WIFSTOPPED(status) && (status >> 8) == (SIGTRAP | (PTRACE_EVENT_EXIT << 8))) {
        // execve failed in the child, which reported errno on the pipe and is now stopped at its
        // exit (PTRACE_O_TRACEEXIT): collect the errno, then let it go.
        int err = 0;
        ssize_t n = read(report[0], &err, sizeof err);
        close(report[0]);
        // A task stopped at its exit event is not woken by SIGKILL: resume it to finish exiting.
        ptrace(PTRACE_CONT, pid, 0, 0);
        while (waitpid(pid, &status, __WALL) < 0 && errno == EINTR) {
        }
        out->exec_errno = n == (ssize_t)sizeof err ? err : ECHILD;
        return -out->exec_errno;
    }
    if (WIFEXITED(status) || WIFSIGNALED(status)) {
        // execve failed in the child: it reported errno on the pipe before exiting.
        int err = 0;
        ssize_t n = read(report[0], &err, sizeof err);
        close(report[0]);
        out->exec_errno = n == (ssize_t)sizeof err ? err : ECHILD;
        return -out->exec_errno;
    }
    close(report[0]);
    return 0;
}

long omni_ptrace(int request, int pid, unsigned long addr, unsigned long data) {
    long rc = syscall(SYS_ptrace, request, pid, addr, data);
    return rc < 0 ? -errno : rc;
}
