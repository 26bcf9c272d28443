// Thin, errno-returning wrappers over what the record loop does at every stop: registers, signal
// info, memory of the tracee, and the two instructions the recorder itself must execute (rdtsc
// and cpuid) to stand in for the tracee.
#define _GNU_SOURCE
#include "omnirecord.h"

#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>
#include <x86intrin.h>

_Static_assert(sizeof(struct user_regs_struct) == OMNI_NREGS * 8, "user_regs_struct layout");
_Static_assert(sizeof(struct user_fpregs_struct) == OMNI_FPREGS_SIZE, "user_fpregs_struct layout");

int omni_get_regs(int tid, uint64_t regs[OMNI_NREGS]) {
    return ptrace(PTRACE_GETREGS, tid, 0, regs) < 0 ? -errno : 0;
}

int omni_set_regs(int tid, const uint64_t regs[OMNI_NREGS]) {
    return ptrace(PTRACE_SETREGS, tid, 0, regs) < 0 ? -errno : 0;
}

int omni_get_fpregs(int tid, uint8_t fpregs[OMNI_FPREGS_SIZE]) {
    return ptrace(PTRACE_GETFPREGS, tid, 0, fpregs) < 0 ? -errno : 0;
}

int omni_get_siginfo(int tid, uint8_t siginfo[OMNI_SIGINFO_SIZE]) {
    return ptrace(PTRACE_GETSIGINFO, tid, 0, siginfo) < 0 ? -errno : 0;
}

long omni_get_event_msg(int tid) {
    unsigned long msg = 0;
    if (ptrace(PTRACE_GETEVENTMSG, tid, 0, &msg) < 0) return -errno;
    return (long)msg;
}

long omni_wait(int pid, int *status, int options) {
    long rc;
    do {
        rc = waitpid(pid, status, options);
    } while (rc < 0 && errno == EINTR);
    return rc < 0 ? -errno : rc;
}

int omni_tgkill(int tgid, int tid, int sig) {
    return syscall(SYS_tgkill, tgid, tid, sig) < 0 ? -errno : 0;
}

long omni_read_mem(int pid, uint64_t addr, void *buf, uint64_t len) {
    // process_vm_readv stops at the first unreadable page: the result says how much was read.
    struct iovec local = {buf, len};
    struct iovec remote = {(void *)addr, len};
    ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
    return n < 0 ? -errno : n;
}

long omni_read_mem_forced(int pid, uint64_t addr, void *buf, uint64_t len) {
    // /proc/PID/mem reads what process_vm_readv refuses (mappings without PROT_READ).
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/mem", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    ssize_t n = pread(fd, buf, len, (off_t)addr);
    int err = errno;
    close(fd);
    return n < 0 ? -err : n;
}

long omni_write_mem(int pid, uint64_t addr, const void *buf, uint64_t len) {
    // Through /proc/PID/mem, which may write read-only pages (the vDSO's code, for instance).
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/mem", pid);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    ssize_t n = pwrite(fd, buf, len, (off_t)addr);
    int err = errno;
    close(fd);
    return n < 0 ? -err : n;
}

void omni_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t out[4]) {
    __cpuid_count(leaf, subleaf, out[0], out[1], out[2], out[3]);
}

uint64_t omni_rdtscp(uint32_t *aux) {
    return __rdtscp(aux);
}

uint64_t omni_xgetbv0(void) {
    uint32_t eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((uint64_t)edx << 32) | eax;
}

int omni_cpuid_faulting_probe(void) {
    pid_t pid = fork();
    if (pid < 0) return -errno;
    if (pid == 0) {
        long rc = syscall(SYS_arch_prctl, 0x1012 /* ARCH_SET_CPUID */, 0);
        _exit(rc < 0 ? (errno & 0xff) : 0);
    }
    int status;
    if (omni_wait(pid, &status, 0) < 0) return -ECHILD;
    return WIFEXITED(status) ? -WEXITSTATUS(status) : -ECHILD;
}
