// The recorder's native helpers, called from Java through jnr-ffi
// (recorder/src/main/java/dev/omniscope/recorder/ptrace/RecordNative.java mirrors this file).
#ifndef OMNIRECORD_H
#define OMNIRECORD_H

#include <stdint.h>
#include <sys/types.h>

#define OMNI_NREGS 27          // struct user_regs_struct: r15 r14 ... fs_base gs_base ds es fs gs
#define OMNI_FPREGS_SIZE 512   // struct user_fpregs_struct (fxsave layout)
#define OMNI_SIGINFO_SIZE 128  // siginfo_t

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

// Registers and signal information of a stopped tracee (PTRACE_GETREGS and friends): 0 or -errno.
int omni_get_regs(int tid, uint64_t regs[OMNI_NREGS]);
int omni_set_regs(int tid, const uint64_t regs[OMNI_NREGS]);
int omni_get_fpregs(int tid, uint8_t fpregs[OMNI_FPREGS_SIZE]);
int omni_get_siginfo(int tid, uint8_t siginfo[OMNI_SIGINFO_SIZE]);
// PTRACE_GETEVENTMSG: the new task's id at a clone/fork event, the exit status at an exit event.
long omni_get_event_msg(int tid);

// waitpid, retried on EINTR: the pid, 0 (WNOHANG and nothing to report) or -errno.
long omni_wait(int pid, int *status, int options);
int omni_tgkill(int tgid, int tid, int sig);

// The tracee's memory: bytes transferred (possibly short at an unreadable page) or -errno.
long omni_read_mem(int pid, uint64_t addr, void *buf, uint64_t len);
long omni_read_mem_forced(int pid, uint64_t addr, void *buf, uint64_t len);
long omni_write_mem(int pid, uint64_t addr, const void *buf, uint64_t len);

// The recorder runs these on the tracee's behalf: CPUID to build the trace's table, RDTSCP to
// answer a trapped rdtsc/rdtscp.
void omni_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t out[4]);
uint64_t omni_rdtscp(uint32_t *aux);
// XCR0 (xgetbv with ecx = 0): which register state the OS enables; programs read it unrecorded.
uint64_t omni_xgetbv0(void);
// Whether arch_prctl(ARCH_SET_CPUID, 0) works here (CPUID faulting): tried in a short-lived child,
// never in the caller. 0 when it does, else the -errno the child got.
int omni_cpuid_faulting_probe(void);

#endif
