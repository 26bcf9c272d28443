// The recorder's native helpers, called from Java through jnr-ffi
// (recorder/src/main/java/dev/omniscope/recorder/ptrace/RecordNative.java mirrors this file).
#ifndef OMNIRECORD_H
#define OMNIRECORD_H

#include <sys/types.h>

// omni_spawn flags
#define OMNI_SPAWN_NO_ASLR  1  // personality(ADDR_NO_RANDOMIZE): the same addresses on every run
#define OMNI_SPAWN_TRAP_TSC 2  // prctl(PR_SET_TSC, PR_TSC_SIGSEGV): rdtsc raises SIGSEGV to be emulated

struct omni_spawn_result {
    int pid;         // the tracee (also set when execve failed, already reaped then)
    int first_stop;  // raw waitpid status of the first stop: PTRACE_EVENT_EXEC on success
    int exec_errno;  // errno of a failed execve, else 0
};

// Forks, seizes the child with ptrace and execs path; returns 0 with the child stopped at
// PTRACE_EVENT_EXEC, or -errno (out->exec_errno says when execve itself failed).
int omni_spawn(const char *path, char *const argv[], char *const envp[], int flags,
               struct omni_spawn_result *out);

// ptrace(request, pid, addr, data) without glibc's variadic wrapper: the result, or -errno.
// Not for PTRACE_PEEK* (whose data could look like an error); memory is read otherwise.
long omni_ptrace(int request, int pid, unsigned long addr, unsigned long data);

#endif
