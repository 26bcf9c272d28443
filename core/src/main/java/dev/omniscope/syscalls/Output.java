package dev.omniscope.syscalls;

import java.util.List;
import java.util.function.Predicate;

/**
 * Where a system call's kernel-written bytes are, as a rule over its arguments and result: the
 * building blocks of the syscall table's output declarations.
 */
@FunctionalInterface
public interface Output {
    /** A region of the caller's memory the kernel wrote. */
    record Region(long address, long length) {}

    /** Adds the regions this rule designates for {@code call} (only called when the call succeeded). */
    void collect(SyscallCall call, List<Region> regions);

    /** How many bytes, as a rule. */
    @FunctionalInterface
    interface Size {
        long of(SyscallCall call);
    }

    static Size result() {
        return SyscallCall::result;
    }

    static Size arg(int i) {
        return c -> c.arg(i);
    }

    static Size fixed(long n) {
        return c -> n;
    }

    /** The 32-bit value that argument {@code i} points to after the call (a socklen_t, say). */
    static Size pointedU32(int i) {
        return c -> c.arg(i) == 0 ? 0 : c.memory().u32(c.arg(i));
    }

    static Size times(Size size, long factor) {
        return c -> size.of(c) * factor;
    }

    /** {@code size} bytes at the address in argument {@code pointerArg}, if it is not NULL. */
    static Output buffer(int pointerArg, Size size) {
        return (call, regions) -> {
            long address = call.arg(pointerArg);
            long length = size.of(call);
            if (address != 0 && length > 0) regions.add(new Region(address, length));
        };
    }

    /** Only when {@code condition} holds (an ioctl request, a command...). */
    static Output when(Predicate<SyscallCall> condition, Output output) {
        return (call, regions) -> {
            if (condition.test(call)) output.collect(call, regions);
        };
    }

    static Predicate<SyscallCall> argIs(int i, long value) {
        return c -> c.arg(i) == value;
    }

    /**
     * An iovec array at argument {@code iovArg} with {@code countArg} entries, filled in order with
     * {@code total} bytes (readv: the result).
     */
    static Output iovecs(int iovArg, int countArg, Size total) {
        return (call, regions) -> scatter(call, call.arg(iovArg), call.arg(countArg), total.of(call), regions);
    }

    private static void scatter(SyscallCall call, long iov, long count, long total, List<Region> regions) {
        for (long i = 0; i < count && i < 1024 && total > 0; i++) {
            long base = call.memory().u64(iov + 16 * i);
            long len = call.memory().u64(iov + 16 * i + 8);
            long n = Math.min(len, total);
            if (n > 0) regions.add(new Region(base, n));
            total -= n;
        }
    }

    /** recvmsg: the msghdr's name, control and flags fields as updated, and the data scattered in its iovecs. */
    static Output msghdr(int msgArg, Size total) {
        return (call, regions) -> collectMsghdr(call, call.arg(msgArg), total.of(call), regions);
    }

    private static void collectMsghdr(SyscallCall call, long msg, long total, List<Region> regions) {
        // struct msghdr { void *name; socklen_t namelen; (pad) struct iovec *iov; size_t iovlen;
        //                 void *control; size_t controllen; int flags; }  (56 bytes)
        regions.add(new Region(msg, 56));
        long name = call.memory().u64(msg);
        long namelen = call.memory().u32(msg + 8);
        if (name != 0 && namelen > 0) regions.add(new Region(name, Math.min(namelen, 128)));
        scatter(call, call.memory().u64(msg + 16), call.memory().u64(msg + 24), total, regions);
        long control = call.memory().u64(msg + 32);
        long controllen = call.memory().u64(msg + 40);
        if (control != 0 && controllen > 0) regions.add(new Region(control, Math.min(controllen, 1 << 16)));
    }

    /** recvmmsg: the first {@code result} struct mmsghdr entries (64 bytes each) and what each received. */
    static Output mmsghdrs(int vecArg) {
        return (call, regions) -> {
            long vec = call.arg(vecArg);
            for (long i = 0; i < call.result() && i < 1024; i++) {
                long entry = vec + 64 * i;
                long received = call.memory().u32(entry + 56);
                collectMsghdr(call, entry, received, regions);
                regions.add(new Region(entry + 56, 4));
            }
        };
    }

    /** fd_set bitmaps of {@code nfds} descriptors at each of the given pointer arguments (select). */
    static Output fdSets(int nfdsArg, int... setArgs) {
        return (call, regions) -> {
            long bytes = (Math.max(0, call.arg(nfdsArg)) + 63) / 64 * 8;
            for (int a : setArgs) {
                if (call.arg(a) != 0 && bytes > 0) regions.add(new Region(call.arg(a), bytes));
            }
        };
    }
}
