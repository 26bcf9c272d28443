package dev.omniscope.syscalls;

import static dev.omniscope.syscalls.Output.arg;
import static dev.omniscope.syscalls.Output.argIs;
import static dev.omniscope.syscalls.Output.buffer;
import static dev.omniscope.syscalls.Output.fdSets;
import static dev.omniscope.syscalls.Output.fixed;
import static dev.omniscope.syscalls.Output.iovecs;
import static dev.omniscope.syscalls.Output.mmsghdrs;
import static dev.omniscope.syscalls.Output.msghdr;
import static dev.omniscope.syscalls.Output.pointedU32;
import static dev.omniscope.syscalls.Output.result;
import static dev.omniscope.syscalls.Output.times;
import static dev.omniscope.syscalls.Output.when;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The one table of x86-64 Linux system call semantics (as rr's syscalls.py is for rr): for each
 * call, the memory the kernel writes, whether it may block, what the replay does, and what the
 * recorder does to it (refuses it, rewrites an argument, notes a clear_child_tid address, reads the
 * clone arguments of a new task). Sizes are those of the x86-64 kernel ABI. Calls not declared
 * here are recorded conservatively (result only) and named in the trace's warnings.
 */
public final class SyscallTable {
    static final int ENOSYS = 38;
    static final int EPERM = 1;
    static final long MADV_DONTNEED = 4, MADV_FREE = 8, PR_SET_TSC = 26;

    // Kernel ABI sizes on x86-64.
    static final long STAT = 144, STATFS = 120, STATX = 256, TIMESPEC = 16, TIMEVAL = 16, TIMEZONE = 8, RUSAGE = 144,
            RLIMIT = 16, SYSINFO = 112, UTSNAME = 390, TMS = 32, ITIMERVAL = 32, ITIMERSPEC = 32, SIGACTION = 32,
            STACK_T = 24, SIGINFO = 128, POLLFD = 8, EPOLL_EVENT = 12, TIMEX = 208, FLOCK = 32, TERMIOS = 36,
            WINSIZE = 8, INT = 4, LONG = 8, SOCKADDR_MAX = 128;

    private static final Syscall[] TABLE = new Syscall[512];

    static final Predicate<SyscallCall> NEVER = c -> false;

    static {
        // Files and descriptors
        add(sys(0, "read", "fd, buf, count").out(buffer(1, result())).blocks());
        add(sys(1, "write", "fd, buf, count").blocks());
        add(sys(2, "open", "path, flags, mode").blocks());
        add(sys(3, "close", "fd"));
        add(sys(4, "stat", "path, statbuf").out(buffer(1, fixed(STAT))));
        add(sys(5, "fstat", "fd, statbuf").out(buffer(1, fixed(STAT))));
        add(sys(6, "lstat", "path, statbuf").out(buffer(1, fixed(STAT))));
        add(sys(7, "poll", "fds, nfds, timeout").out(buffer(0, times(arg(1), POLLFD))).blocks());
        add(sys(8, "lseek", "fd, offset, whence"));
        add(sys(16, "ioctl", "fd, request, arg").out(
                when(argIs(1, 0x5401), buffer(2, fixed(TERMIOS))),    // TCGETS
                when(argIs(1, 0x5413), buffer(2, fixed(WINSIZE))),    // TIOCGWINSZ
                when(argIs(1, 0x541B), buffer(2, fixed(INT))),        // FIONREAD
                when(argIs(1, 0x540F), buffer(2, fixed(INT))),        // TIOCGPGRP
                when(argIs(1, 0x5429), buffer(2, fixed(INT))),        // TIOCGSID
                when(argIs(1, 0x80045430L), buffer(2, fixed(INT)))    // TIOCGPTN
        ).blocksWhen(c -> c.arg(1) == 0x5403 || c.arg(1) == 0x5404)); // TCSETSW/TCSETSF drain output
        add(sys(17, "pread64", "fd, buf, count, offset").out(buffer(1, result())).blocks());
        add(sys(18, "pwrite64", "fd, buf, count, offset").blocks());
        add(sys(19, "readv", "fd, iov, iovcnt").out(iovecs(1, 2, result())).blocks());
        add(sys(20, "writev", "fd, iov, iovcnt").blocks());
        add(sys(21, "access", "path, mode"));
        add(sys(22, "pipe", "fds").out(buffer(0, fixed(2 * INT))));
        add(sys(23, "select", "nfds, readfds, writefds, exceptfds, timeout")
                .out(fdSets(0, 1, 2, 3), buffer(4, fixed(TIMEVAL))).blocks());
        add(sys(32, "dup", "fd"));
        add(sys(33, "dup2", "oldfd, newfd"));
        add(sys(40, "sendfile", "out_fd, in_fd, offset, count").out(buffer(2, fixed(LONG))).blocks());
        add(sys(72, "fcntl", "fd, cmd, arg").out(
                when(argIs(1, 5), buffer(2, fixed(FLOCK))),    // F_GETLK
                when(argIs(1, 36), buffer(2, fixed(FLOCK))),   // F_OFD_GETLK
                when(argIs(1, 16), buffer(2, fixed(8))))       // F_GETOWN_EX
                .blocksWhen(c -> c.arg(1) == 7 || c.arg(1) == 38)); // F_SETLKW, F_OFD_SETLKW
        add(sys(73, "flock", "fd, operation").blocks());
        add(sys(74, "fsync", "fd").blocks());
        add(sys(75, "fdatasync", "fd").blocks());
        add(sys(76, "truncate", "path, length"));
        add(sys(77, "ftruncate", "fd, length"));
        add(sys(78, "getdents", "fd, dirp, count").out(buffer(1, result())));
        add(sys(79, "getcwd", "buf, size").out(buffer(0, result())));
        add(sys(80, "chdir", "path"));
        add(sys(81, "fchdir", "fd"));
        add(sys(82, "rename", "oldpath, newpath"));
        add(sys(83, "mkdir", "path, mode"));
        add(sys(84, "rmdir", "path"));
        add(sys(85, "creat", "path, mode"));
        add(sys(86, "link", "oldpath, newpath"));
        add(sys(87, "unlink", "path"));
        add(sys(88, "symlink", "target, linkpath"));
        add(sys(89, "readlink", "path, buf, bufsiz").out(buffer(1, result())));
        add(sys(90, "chmod", "path, mode"));
        add(sys(91, "fchmod", "fd, mode"));
        add(sys(92, "chown", "path, owner, group"));
        add(sys(93, "fchown", "fd, owner, group"));
        add(sys(94, "lchown", "path, owner, group"));
        add(sys(95, "umask", "mask"));
        add(sys(132, "utime", "path, times"));
        add(sys(133, "mknod", "path, mode, dev"));
        add(sys(137, "statfs", "path, buf").out(buffer(1, fixed(STATFS))));
        add(sys(138, "fstatfs", "fd, buf").out(buffer(1, fixed(STATFS))));
        add(sys(161, "chroot", "path"));
        add(sys(162, "sync", ""));
        add(sys(187, "readahead", "fd, offset, count"));
        add(sys(188, "setxattr", "path, name, value, size, flags"));
        add(sys(189, "lsetxattr", "path, name, value, size, flags"));
        add(sys(190, "fsetxattr", "fd, name, value, size, flags"));
        add(sys(191, "getxattr", "path, name, value, size").out(buffer(2, result())));
        add(sys(192, "lgetxattr", "path, name, value, size").out(buffer(2, result())));
        add(sys(193, "fgetxattr", "fd, name, value, size").out(buffer(2, result())));
        add(sys(194, "listxattr", "path, list, size").out(buffer(1, result())));
        add(sys(195, "llistxattr", "path, list, size").out(buffer(1, result())));
        add(sys(196, "flistxattr", "fd, list, size").out(buffer(1, result())));
        add(sys(197, "removexattr", "path, name"));
        add(sys(198, "lremovexattr", "path, name"));
        add(sys(199, "fremovexattr", "fd, name"));
        add(sys(217, "getdents64", "fd, dirp, count").out(buffer(1, result())));
        add(sys(221, "fadvise64", "fd, offset, len, advice"));
        add(sys(235, "utimes", "path, times"));
        add(sys(253, "inotify_init", ""));
        add(sys(254, "inotify_add_watch", "fd, path, mask"));
        add(sys(255, "inotify_rm_watch", "fd, wd"));
        add(sys(257, "openat", "dirfd, path, flags, mode").blocks());
        add(sys(258, "mkdirat", "dirfd, path, mode"));
        add(sys(259, "mknodat", "dirfd, path, mode, dev"));
        add(sys(260, "fchownat", "dirfd, path, owner, group, flags"));
        add(sys(261, "futimesat", "dirfd, path, times"));
        add(sys(262, "newfstatat", "dirfd, path, statbuf, flags").out(buffer(2, fixed(STAT))));
        add(sys(263, "unlinkat", "dirfd, path, flags"));
        add(sys(264, "renameat", "olddirfd, oldpath, newdirfd, newpath"));
        add(sys(265, "linkat", "olddirfd, oldpath, newdirfd, newpath, flags"));
        add(sys(266, "symlinkat", "target, newdirfd, linkpath"));
        add(sys(267, "readlinkat", "dirfd, path, buf, bufsiz").out(buffer(2, result())));
        add(sys(268, "fchmodat", "dirfd, path, mode"));
        add(sys(269, "faccessat", "dirfd, path, mode"));
        add(sys(270, "pselect6", "nfds, readfds, writefds, exceptfds, timeout, sigmask")
                .out(fdSets(0, 1, 2, 3), buffer(4, fixed(TIMESPEC))).blocks());
        add(sys(271, "ppoll", "fds, nfds, timeout, sigmask, sigsetsize")
                .out(buffer(0, times(arg(1), POLLFD)), buffer(2, fixed(TIMESPEC))).blocks());
        add(sys(275, "splice", "fd_in, off_in, fd_out, off_out, len, flags")
                .out(buffer(1, fixed(LONG)), buffer(3, fixed(LONG))).blocks());
        add(sys(276, "tee", "fd_in, fd_out, len, flags").blocks());
        add(sys(277, "sync_file_range", "fd, offset, nbytes, flags"));
        add(sys(278, "vmsplice", "fd, iov, nr_segs, flags").blocks());
        add(sys(280, "utimensat", "dirfd, path, times, flags"));
        add(sys(282, "signalfd", "fd, mask, sizemask"));
        add(sys(283, "timerfd_create", "clockid, flags"));
        add(sys(284, "eventfd", "initval"));
        add(sys(285, "fallocate", "fd, mode, offset, len"));
        add(sys(286, "timerfd_settime", "fd, flags, new_value, old_value").out(buffer(3, fixed(ITIMERSPEC))));
        add(sys(287, "timerfd_gettime", "fd, curr_value").out(buffer(1, fixed(ITIMERSPEC))));
        add(sys(289, "signalfd4", "fd, mask, sizemask, flags"));
        add(sys(290, "eventfd2", "initval, flags"));
        add(sys(292, "dup3", "oldfd, newfd, flags"));
        add(sys(293, "pipe2", "fds, flags").out(buffer(0, fixed(2 * INT))));
        add(sys(294, "inotify_init1", "flags"));
        add(sys(295, "preadv", "fd, iov, iovcnt, pos_l, pos_h").out(iovecs(1, 2, result())).blocks());
        add(sys(296, "pwritev", "fd, iov, iovcnt, pos_l, pos_h").blocks());
        add(sys(303, "name_to_handle_at", "dirfd, path, handle, mount_id, flags")
                .out(buffer(2, c -> 8 + c.memory().u32(c.arg(2))), buffer(3, fixed(INT))));
        add(sys(304, "open_by_handle_at", "mount_fd, handle, flags"));
        add(sys(306, "syncfs", "fd"));
        add(sys(316, "renameat2", "olddirfd, oldpath, newdirfd, newpath, flags"));
        add(sys(319, "memfd_create", "name, flags"));
        add(sys(326, "copy_file_range", "fd_in, off_in, fd_out, off_out, len, flags")
                .out(buffer(1, fixed(LONG)), buffer(3, fixed(LONG))).blocks());
        add(sys(327, "preadv2", "fd, iov, iovcnt, pos_l, pos_h, flags").out(iovecs(1, 2, result())).blocks());
        add(sys(328, "pwritev2", "fd, iov, iovcnt, pos_l, pos_h, flags").blocks());
        add(sys(332, "statx", "dirfd, path, flags, mask, statxbuf").out(buffer(4, fixed(STATX))));
        add(sys(436, "close_range", "first, last, flags"));
        add(sys(437, "openat2", "dirfd, path, how, size").blocks());
        add(sys(439, "faccessat2", "dirfd, path, mode, flags"));
        add(sys(451, "cachestat", "fd, range, cstat, flags").out(buffer(2, fixed(32))));
        add(sys(452, "fchmodat2", "dirfd, path, mode, flags"));

        // Memory
        add(sys(9, "mmap", "addr, length, prot, flags, fd, offset").replay(ReplayAction.MMAP));
        add(sys(10, "mprotect", "addr, len, prot").replay(ReplayAction.MPROTECT));
        add(sys(11, "munmap", "addr, length").replay(ReplayAction.MUNMAP));
        add(sys(12, "brk", "addr").replay(ReplayAction.BRK));
        add(sys(25, "mremap", "old_address, old_size, new_size, flags, new_address").replay(ReplayAction.MREMAP));
        add(sys(26, "msync", "addr, length, flags"));
        add(sys(27, "mincore", "addr, length, vec").out(buffer(2, c -> (c.arg(1) + 4095) / 4096)));
        // MADV_FREE lets the kernel decide later whether pages read back as zero; DONTNEED decides now.
        add(sys(28, "madvise", "addr, length, advice").replay(ReplayAction.MADVISE).rewrite(2, MADV_FREE, MADV_DONTNEED));
        add(sys(149, "mlock", "addr, len"));
        add(sys(150, "munlock", "addr, len"));
        add(sys(151, "mlockall", "flags"));
        add(sys(152, "munlockall", ""));
        add(sys(237, "mbind", "addr, len, mode, nodemask, maxnode, flags"));
        add(sys(238, "set_mempolicy", "mode, nodemask, maxnode"));
        add(sys(239, "get_mempolicy", "mode, nodemask, maxnode, addr, flags")
                .out(buffer(0, fixed(INT)), buffer(1, c -> (c.arg(2) + 63) / 64 * 8)));
        add(sys(279, "move_pages", "pid, count, pages, nodes, status, flags").out(buffer(4, times(arg(1), INT))));
        add(sys(325, "mlock2", "addr, len, flags"));
        add(sys(329, "pkey_mprotect", "addr, len, prot, pkey").replay(ReplayAction.MPROTECT));
        add(sys(330, "pkey_alloc", "flags, access_rights"));
        add(sys(331, "pkey_free", "pkey"));
        add(sys(324, "membarrier", "cmd, flags, cpu_id"));
        add(sys(440, "process_madvise", "pidfd, iovec, vlen, advice, flags"));
        add(sys(450, "set_mempolicy_home_node", "start, len, home_node, flags"));
        add(sys(453, "map_shadow_stack", "addr, size, flags").refuse(ENOSYS));

        // System V IPC
        add(sys(29, "shmget", "key, size, shmflg"));
        add(sys(30, "shmat", "shmid, shmaddr, shmflg").replay(ReplayAction.SHMAT));
        add(sys(31, "shmctl", "shmid, cmd, buf").out(when(c -> c.arg(1) == 2 || c.arg(1) == 13 || c.arg(1) == 14, buffer(2, fixed(112)))));
        add(sys(67, "shmdt", "shmaddr").replay(ReplayAction.SHMDT));
        add(sys(64, "semget", "key, nsems, semflg"));
        add(sys(65, "semop", "semid, sops, nsops").blocks());
        add(sys(220, "semtimedop", "semid, sops, nsops, timeout").blocks());
        add(sys(68, "msgget", "key, msgflg"));
        add(sys(69, "msgsnd", "msqid, msgp, msgsz, msgflg").blocks());
        add(sys(70, "msgrcv", "msqid, msgp, msgsz, msgtyp, msgflg").out(buffer(1, c -> c.result() + LONG)).blocks());
        add(sys(71, "msgctl", "msqid, cmd, buf").out(when(c -> c.arg(1) == 2 || c.arg(1) == 11 || c.arg(1) == 12, buffer(2, fixed(120)))));

        // Signals
        add(sys(13, "rt_sigaction", "signum, act, oldact, sigsetsize").out(buffer(2, fixed(SIGACTION))));
        add(sys(14, "rt_sigprocmask", "how, set, oldset, sigsetsize").out(buffer(2, arg(3))));
        add(sys(15, "rt_sigreturn", "").replay(ReplayAction.RT_SIGRETURN));
        add(sys(34, "pause", "").blocks());
        add(sys(62, "kill", "pid, sig"));
        add(sys(127, "rt_sigpending", "set, sigsetsize").out(buffer(0, arg(1))));
        add(sys(128, "rt_sigtimedwait", "set, info, timeout, sigsetsize").out(buffer(1, fixed(SIGINFO))).blocks());
        add(sys(129, "rt_sigqueueinfo", "tgid, sig, info"));
        add(sys(130, "rt_sigsuspend", "mask, sigsetsize").blocks());
        add(sys(131, "sigaltstack", "ss, old_ss").out(buffer(1, fixed(STACK_T))));
        add(sys(200, "tkill", "tid, sig"));
        add(sys(234, "tgkill", "tgid, tid, sig"));
        add(sys(297, "rt_tgsigqueueinfo", "tgid, tid, sig, info"));
        add(sys(424, "pidfd_send_signal", "pidfd, sig, info, flags"));

        // Processes and threads
        add(sys(24, "sched_yield", "").blocks()); // a good moment to let another thread run
        add(sys(39, "getpid", ""));
        add(sys(56, "clone", "flags, stack, parent_tid, child_tid, tls").createsTask(CloneArgs::ofClone));
        add(sys(57, "fork", "").createsTask(c -> CloneArgs.FORK));
        add(sys(58, "vfork", "").createsTask(c -> CloneArgs.VFORK).blocks()); // the parent waits for the child's exec or exit
        add(sys(59, "execve", "path, argv, envp").replay(ReplayAction.EXECVE));
        add(sys(60, "exit", "status").replay(ReplayAction.EXIT));
        add(sys(61, "wait4", "pid, wstatus, options, rusage").out(buffer(1, fixed(INT)), buffer(3, fixed(RUSAGE))).blocks());
        add(sys(101, "ptrace", "request, pid, addr, data").refuse(EPERM)); // the recorder is the tracer
        add(sys(109, "setpgid", "pid, pgid"));
        add(sys(110, "getppid", ""));
        add(sys(111, "getpgrp", ""));
        add(sys(112, "setsid", ""));
        add(sys(121, "getpgid", "pid"));
        add(sys(124, "getsid", "pid"));
        add(sys(135, "personality", "persona"));
        add(sys(157, "prctl", "option, arg2, arg3, arg4, arg5").out(
                when(argIs(0, 16), buffer(1, fixed(16))),          // PR_GET_NAME
                when(argIs(0, 2), buffer(1, fixed(INT))),          // PR_GET_PDEATHSIG
                when(argIs(0, 25), buffer(1, fixed(INT))),         // PR_GET_TSC
                when(argIs(0, 37), buffer(1, fixed(INT))),         // PR_GET_CHILD_SUBREAPER
                when(argIs(0, 40), buffer(1, fixed(LONG))))        // PR_GET_TID_ADDRESS
                // rdtsc must keep trapping: the recorder reads the counter itself
                .refuse(new Refusal(argIs(0, PR_SET_TSC), EPERM, "tsc-mode",
                        "the program tried to change its time stamp counter mode; refused (EPERM)", false)));
        add(sys(158, "arch_prctl", "code, addr")
                .out(when(c -> c.arg(0) == 0x1003 || c.arg(0) == 0x1004, buffer(1, fixed(LONG))))  // ARCH_GET_FS/GS
                .replay(ReplayAction.ARCH_PRCTL));
        add(sys(186, "gettid", ""));
        add(sys(202, "futex", "uaddr, futex_op, val, timeout, uaddr2, val3")
                .out(when(c -> (c.arg(1) & 0x7f) == 5, buffer(4, fixed(INT))),                       // FUTEX_WAKE_OP
                     when(c -> isPiFutexOp(c.arg(1)), buffer(0, fixed(INT))))                        // PI ops set the owner
                .blocksWhen(c -> isWaitingFutexOp(c.arg(1))));
        add(sys(203, "sched_setaffinity", "pid, cpusetsize, mask"));
        add(sys(204, "sched_getaffinity", "pid, cpusetsize, mask").out(buffer(2, result())));
        add(sys(218, "set_tid_address", "tidptr").setsClearChildTid(0));
        add(sys(219, "restart_syscall", "").blocks());
        add(sys(231, "exit_group", "status").replay(ReplayAction.EXIT_GROUP));
        add(sys(247, "waitid", "idtype, id, infop, options, rusage").out(buffer(2, fixed(SIGINFO)), buffer(4, fixed(RUSAGE))).blocks());
        add(sys(272, "unshare", "flags"));
        add(sys(273, "set_robust_list", "head, len"));
        add(sys(274, "get_robust_list", "pid, head_ptr, len_ptr").out(buffer(1, fixed(LONG)), buffer(2, fixed(LONG))));
        add(sys(308, "setns", "fd, nstype"));
        add(sys(309, "getcpu", "cpu, node, tcache").out(buffer(0, fixed(INT)), buffer(1, fixed(INT))));
        add(sys(310, "process_vm_readv", "pid, local_iov, liovcnt, remote_iov, riovcnt, flags").out(iovecs(1, 2, result())));
        add(sys(311, "process_vm_writev", "pid, local_iov, liovcnt, remote_iov, riovcnt, flags"));
        add(sys(312, "kcmp", "pid1, pid2, type, idx1, idx2"));
        add(sys(317, "seccomp", "operation, flags, args"));
        add(sys(322, "execveat", "dirfd, path, argv, envp, flags").replay(ReplayAction.EXECVE));
        add(sys(334, "rseq", "rseq, rseq_len, flags, sig").refuse(ENOSYS)); // the kernel would write it asynchronously
        add(sys(434, "pidfd_open", "pid, flags"));
        add(sys(435, "clone3", "cl_args, size").createsTask(CloneArgs::ofClone3));
        add(sys(438, "pidfd_getfd", "pidfd, targetfd, flags"));
        add(sys(448, "process_mrelease", "pidfd, flags"));
        add(sys(449, "futex_waitv", "waiters, nr_futexes, flags, timeout, clockid").blocks());

        // Identity, limits, system information
        add(sys(63, "uname", "buf").out(buffer(0, fixed(UTSNAME))));
        add(sys(97, "getrlimit", "resource, rlim").out(buffer(1, fixed(RLIMIT))));
        add(sys(98, "getrusage", "who, usage").out(buffer(1, fixed(RUSAGE))));
        add(sys(99, "sysinfo", "info").out(buffer(0, fixed(SYSINFO))));
        add(sys(100, "times", "buf").out(buffer(0, fixed(TMS))));
        add(sys(102, "getuid", ""));
        add(sys(104, "getgid", ""));
        add(sys(105, "setuid", "uid"));
        add(sys(106, "setgid", "gid"));
        add(sys(107, "geteuid", ""));
        add(sys(108, "getegid", ""));
        add(sys(113, "setreuid", "ruid, euid"));
        add(sys(114, "setregid", "rgid, egid"));
        add(sys(115, "getgroups", "size, list").out(buffer(1, times(result(), INT))));
        add(sys(116, "setgroups", "size, list"));
        add(sys(117, "setresuid", "ruid, euid, suid"));
        add(sys(118, "getresuid", "ruid, euid, suid").out(buffer(0, fixed(INT)), buffer(1, fixed(INT)), buffer(2, fixed(INT))));
        add(sys(119, "setresgid", "rgid, egid, sgid"));
        add(sys(120, "getresgid", "rgid, egid, sgid").out(buffer(0, fixed(INT)), buffer(1, fixed(INT)), buffer(2, fixed(INT))));
        add(sys(122, "setfsuid", "fsuid"));
        add(sys(123, "setfsgid", "fsgid"));
        add(sys(125, "capget", "hdrp, datap").out(buffer(0, fixed(8)), buffer(1, fixed(24))));
        add(sys(126, "capset", "hdrp, datap"));
        add(sys(136, "ustat", "dev, ubuf").out(buffer(1, fixed(32))));
        add(sys(140, "getpriority", "which, who"));
        add(sys(141, "setpriority", "which, who, prio"));
        add(sys(142, "sched_setparam", "pid, param"));
        add(sys(143, "sched_getparam", "pid, param").out(buffer(1, fixed(INT))));
        add(sys(144, "sched_setscheduler", "pid, policy, param"));
        add(sys(145, "sched_getscheduler", "pid"));
        add(sys(146, "sched_get_priority_max", "policy"));
        add(sys(147, "sched_get_priority_min", "policy"));
        add(sys(148, "sched_rr_get_interval", "pid, tp").out(buffer(1, fixed(TIMESPEC))));
        add(sys(160, "setrlimit", "resource, rlim"));
        add(sys(170, "sethostname", "name, len"));
        add(sys(171, "setdomainname", "name, len"));
        add(sys(251, "ioprio_set", "which, who, ioprio"));
        add(sys(252, "ioprio_get", "which, who"));
        add(sys(302, "prlimit64", "pid, resource, new_limit, old_limit").out(buffer(3, fixed(RLIMIT))));
        add(sys(314, "sched_setattr", "pid, attr, flags"));
        add(sys(315, "sched_getattr", "pid, attr, size, flags").out(buffer(1, arg(2))));
        add(sys(318, "getrandom", "buf, buflen, flags").out(buffer(0, result())).blocks());
        add(sys(444, "landlock_create_ruleset", "attr, size, flags"));
        add(sys(445, "landlock_add_rule", "ruleset_fd, rule_type, rule_attr, flags"));
        add(sys(446, "landlock_restrict_self", "ruleset_fd, flags"));

        // Time
        add(sys(35, "nanosleep", "req, rem").out(buffer(1, fixed(TIMESPEC))).blocks());
        add(sys(36, "getitimer", "which, curr_value").out(buffer(1, fixed(ITIMERVAL))));
        add(sys(37, "alarm", "seconds"));
        add(sys(38, "setitimer", "which, new_value, old_value").out(buffer(2, fixed(ITIMERVAL))));
        add(sys(96, "gettimeofday", "tv, tz").out(buffer(0, fixed(TIMEVAL)), buffer(1, fixed(TIMEZONE))));
        add(sys(159, "adjtimex", "buf").out(buffer(0, fixed(TIMEX))));
        add(sys(201, "time", "tloc").out(buffer(0, fixed(LONG))));
        add(sys(222, "timer_create", "clockid, sevp, timerid").out(buffer(2, fixed(INT))));
        add(sys(223, "timer_settime", "timerid, flags, new_value, old_value").out(buffer(3, fixed(ITIMERSPEC))));
        add(sys(224, "timer_gettime", "timerid, curr_value").out(buffer(1, fixed(ITIMERSPEC))));
        add(sys(225, "timer_getoverrun", "timerid"));
        add(sys(226, "timer_delete", "timerid"));
        add(sys(228, "clock_gettime", "clockid, tp").out(buffer(1, fixed(TIMESPEC))));
        add(sys(229, "clock_getres", "clockid, res").out(buffer(1, fixed(TIMESPEC))));
        add(sys(230, "clock_nanosleep", "clockid, flags, request, remain").out(buffer(3, fixed(TIMESPEC))).blocks());
        add(sys(305, "clock_adjtime", "clockid, buf").out(buffer(1, fixed(TIMEX))));

        // Sockets
        add(sys(41, "socket", "domain, type, protocol"));
        add(sys(42, "connect", "sockfd, addr, addrlen").blocks());
        add(sys(43, "accept", "sockfd, addr, addrlen").out(buffer(1, pointedU32(2)), buffer(2, fixed(INT))).blocks());
        add(sys(44, "sendto", "sockfd, buf, len, flags, dest_addr, addrlen").blocks());
        add(sys(45, "recvfrom", "sockfd, buf, len, flags, src_addr, addrlen")
                .out(buffer(1, result()), buffer(4, pointedU32(5)), buffer(5, fixed(INT))).blocks());
        add(sys(46, "sendmsg", "sockfd, msg, flags").blocks());
        add(sys(47, "recvmsg", "sockfd, msg, flags").out(msghdr(1, result())).blocks());
        add(sys(48, "shutdown", "sockfd, how"));
        add(sys(49, "bind", "sockfd, addr, addrlen"));
        add(sys(50, "listen", "sockfd, backlog"));
        add(sys(51, "getsockname", "sockfd, addr, addrlen").out(buffer(1, pointedU32(2)), buffer(2, fixed(INT))));
        add(sys(52, "getpeername", "sockfd, addr, addrlen").out(buffer(1, pointedU32(2)), buffer(2, fixed(INT))));
        add(sys(53, "socketpair", "domain, type, protocol, sv").out(buffer(3, fixed(2 * INT))));
        add(sys(54, "setsockopt", "sockfd, level, optname, optval, optlen"));
        add(sys(55, "getsockopt", "sockfd, level, optname, optval, optlen").out(buffer(3, pointedU32(4)), buffer(4, fixed(INT))));
        add(sys(288, "accept4", "sockfd, addr, addrlen, flags").out(buffer(1, pointedU32(2)), buffer(2, fixed(INT))).blocks());
        add(sys(299, "recvmmsg", "sockfd, msgvec, vlen, flags, timeout").out(mmsghdrs(1), buffer(4, fixed(TIMESPEC))).blocks());
        add(sys(307, "sendmmsg", "sockfd, msgvec, vlen, flags").out(buffer(1, times(result(), 64))).blocks());

        // Event loops
        add(sys(213, "epoll_create", "size"));
        add(sys(232, "epoll_wait", "epfd, events, maxevents, timeout").out(buffer(1, times(result(), EPOLL_EVENT))).blocks());
        add(sys(233, "epoll_ctl", "epfd, op, fd, event"));
        add(sys(281, "epoll_pwait", "epfd, events, maxevents, timeout, sigmask, sigsetsize")
                .out(buffer(1, times(result(), EPOLL_EVENT))).blocks());
        add(sys(291, "epoll_create1", "flags"));
        add(sys(441, "epoll_pwait2", "epfd, events, maxevents, timeout, sigmask, sigsetsize")
                .out(buffer(1, times(result(), EPOLL_EVENT))).blocks());

        // Message queues
        add(sys(240, "mq_open", "name, oflag, mode, attr"));
        add(sys(241, "mq_unlink", "name"));
        add(sys(242, "mq_timedsend", "mqdes, msg_ptr, msg_len, msg_prio, abs_timeout").blocks());
        add(sys(243, "mq_timedreceive", "mqdes, msg_ptr, msg_len, msg_prio, abs_timeout")
                .out(buffer(1, result()), buffer(3, fixed(INT))).blocks());
        add(sys(244, "mq_notify", "mqdes, sevp"));
        add(sys(245, "mq_getsetattr", "mqdes, newattr, oldattr").out(buffer(2, fixed(64))));

        // Refused: the kernel would write into the program's memory on its own schedule.
        add(sys(206, "io_setup", "nr_events, ctx_idp").refuse(ENOSYS));
        add(sys(207, "io_destroy", "ctx_id").refuse(ENOSYS));
        add(sys(208, "io_getevents", "ctx_id, min_nr, nr, events, timeout").refuse(ENOSYS));
        add(sys(209, "io_submit", "ctx_id, nr, iocbpp").refuse(ENOSYS));
        add(sys(210, "io_cancel", "ctx_id, iocb, result").refuse(ENOSYS));
        add(sys(333, "io_pgetevents", "ctx_id, min_nr, nr, events, timeout, usig").refuse(ENOSYS));
        add(sys(425, "io_uring_setup", "entries, params").refuse(ENOSYS));
        add(sys(426, "io_uring_enter", "fd, to_submit, min_complete, flags, sig, sz").refuse(ENOSYS));
        add(sys(427, "io_uring_register", "fd, opcode, arg, nr_args").refuse(ENOSYS));
        add(sys(323, "userfaultfd", "flags").refuse(ENOSYS));
        add(sys(298, "perf_event_open", "attr, pid, cpu, group_fd, flags").refuse(ENOSYS));
    }

    private SyscallTable() {}

    /** The declared semantics of {@code number}; an unmodeled entry (conservative) when none is declared. */
    public static Syscall of(int number) {
        Syscall s = number >= 0 && number < TABLE.length ? TABLE[number] : null;
        if (s != null) return s;
        return new Syscall(number, name(number), List.of(), List.of(), NEVER, ReplayAction.EMULATE, null, List.of(), -1, null, false);
    }

    /** The kernel's name for a system call number, or syscall_N. */
    public static String name(int number) {
        String n = SyscallNames.of(number);
        return n != null ? n : "syscall_" + number;
    }

    /** Every declared call, by number (for documentation and tests). */
    public static List<Syscall> declared() {
        List<Syscall> all = new ArrayList<>();
        for (Syscall s : TABLE) if (s != null) all.add(s);
        return all;
    }

    static boolean isWaitingFutexOp(long op) {
        int cmd = (int) (op & 0x7f);
        return cmd == 0 || cmd == 9 || cmd == 6 || cmd == 11 || cmd == 13; // WAIT, WAIT_BITSET, LOCK_PI, WAIT_REQUEUE_PI, LOCK_PI2
    }

    static boolean isPiFutexOp(long op) {
        int cmd = (int) (op & 0x7f);
        return cmd == 6 || cmd == 7 || cmd == 8 || cmd == 12 || cmd == 13; // LOCK_PI, UNLOCK_PI, TRYLOCK_PI, CMP_REQUEUE_PI, LOCK_PI2
    }

    private static SyscallDeclaration sys(int number, String name, String args) {
        return new SyscallDeclaration(number, name, args);
    }

    private static void add(SyscallDeclaration b) {
        if (TABLE[b.number] != null) throw new IllegalStateException("syscall " + b.number + " declared twice");
        String known = SyscallNames.of(b.number);
        if (known != null && !known.equals(b.name)) {
            throw new IllegalStateException("syscall " + b.number + " is " + known + ", not " + b.name);
        }
        TABLE[b.number] = b.build();
    }
}
