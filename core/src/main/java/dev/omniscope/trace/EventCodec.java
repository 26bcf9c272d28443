package dev.omniscope.trace;

import java.util.ArrayList;
import java.util.List;

import dev.omniscope.trace.TraceEvent.Disposition;
import dev.omniscope.trace.TraceEvent.TaskKind;

/**
 * The binary form of each event kind (docs/trace-format.md, "Events"). A record is
 * {@code u8 kind, u32 length, payload}; readers skip kinds they do not know.
 */
public final class EventCodec {
    static final int EXEC = 1, SYSCALL_ENTER = 2, SYSCALL_EXIT = 3, SIGNAL = 4, RDTSC = 5, PREEMPT = 6,
            NEW_TASK = 7, TASK_EXIT = 8, WARNING = 9, END = 10;

    private static final int HAS_REGS = 1 << 16; // SyscallExit flag bit kept out of the public flags

    private EventCodec() {}

    /** Appends one framed record. */
    static void encode(TraceEvent event, Binary.Out out) {
        out.u8(kind(event));
        int lengthAt = out.position();
        out.u32(0);
        int start = out.position();
        if (event instanceof TraceEvent.Exec e) {
            out.u32(e.pid()).u32(e.tid()).string(e.executable());
            out.u32(e.argv().size());
            e.argv().forEach(out::string);
            out.longs(e.regs()).raw(e.fpregs()).bytes(e.auxv());
            out.u32(e.mappings().size());
            e.mappings().forEach(m -> mapping(m, out));
            out.u32(e.cpuid().size());
            for (CpuidEntry c : e.cpuid()) {
                out.u32(c.leaf()).u32(c.subleaf()).u32(c.subleafSignificant() ? 1 : 0)
                   .u32(c.eax()).u32(c.ebx()).u32(c.ecx()).u32(c.edx());
            }
            out.u64(e.xcr0());
            out.u32(e.patched().size());
            for (TraceEvent.PatchedFunction p : e.patched()) out.string(p.name()).u64(p.address()).u32(p.syscall());
        } else if (event instanceof TraceEvent.SyscallEnter e) {
            out.u32(e.tid()).u32(e.number()).longs(e.args()).u64(e.rip());
        } else if (event instanceof TraceEvent.SyscallExit e) {
            boolean regs = e.regsAfter() != null;
            out.u32(e.tid()).u32(e.number()).u64(e.result()).u32(e.flags() | (regs ? HAS_REGS : 0));
            writes(e.writes(), out);
            out.u32(e.mappings().size());
            e.mappings().forEach(m -> mapping(m, out));
            if (regs) out.longs(e.regsAfter()).raw(e.fpregsAfter());
        } else if (event instanceof TraceEvent.Signal e) {
            out.u32(e.tid()).u32(e.signo()).u8(e.disposition().ordinal()).raw(e.siginfo()).longs(e.deliveryRegs());
            if (e.disposition() == Disposition.HANDLER) {
                out.longs(e.handlerRegs()).raw(e.handlerFpregs());
                writes(e.frame(), out);
            }
            stack(e.stack(), out);
        } else if (event instanceof TraceEvent.Rdtsc e) {
            out.u32(e.tid()).u64(e.rip()).u64(e.tsc()).u32(e.aux()).u8(e.rdtscp() ? 1 : 0);
        } else if (event instanceof TraceEvent.Preempt e) {
            out.u32(e.tid()).longs(e.regs());
            stack(e.stack(), out);
        } else if (event instanceof TraceEvent.NewTask e) {
            out.u32(e.tid()).u32(e.pid()).u32(e.parentTid()).u8(e.kind().ordinal()).u64(e.cloneFlags())
               .longs(e.regs()).raw(e.fpregs());
            writes(e.writes(), out);
        } else if (event instanceof TraceEvent.TaskExit e) {
            out.u32(e.tid()).u32(e.pid()).u32(e.waitStatus()).u8(e.lastOfProcess() ? 1 : 0);
            writes(e.writes(), out);
        } else if (event instanceof TraceEvent.Warning e) {
            out.u32(e.tid()).string(e.code()).string(e.message());
        } else if (event instanceof TraceEvent.End e) {
            out.u32(e.waitStatus());
        }
        out.putU32At(lengthAt, out.position() - start);
    }

    private static int kind(TraceEvent event) {
        if (event instanceof TraceEvent.Exec) return EXEC;
        if (event instanceof TraceEvent.SyscallEnter) return SYSCALL_ENTER;
        if (event instanceof TraceEvent.SyscallExit) return SYSCALL_EXIT;
        if (event instanceof TraceEvent.Signal) return SIGNAL;
        if (event instanceof TraceEvent.Rdtsc) return RDTSC;
        if (event instanceof TraceEvent.Preempt) return PREEMPT;
        if (event instanceof TraceEvent.NewTask) return NEW_TASK;
        if (event instanceof TraceEvent.TaskExit) return TASK_EXIT;
        if (event instanceof TraceEvent.Warning) return WARNING;
        if (event instanceof TraceEvent.End) return END;
        throw new IllegalArgumentException("unknown event " + event);
    }

    /** A fingerprint's stack digest: a trailing u32 length and u64 hash, absent in older traces. */
    private static void stack(StackDigest stack, Binary.Out out) {
        if (stack != null) out.u32(stack.length()).u64(stack.hash());
    }

    private static StackDigest stack(Binary.In in) {
        if (!in.more()) return null;
        int length = in.u32();
        if (length < 0 || length > StackDigest.MAX_LENGTH) throw new TraceFormatException("implausible stack digest length " + length);
        return new StackDigest(length, in.u64());
    }

    /** Decodes one record's payload; null for a kind this version does not know. */
    static TraceEvent decode(int kind, Binary.In in) {
        TraceEvent event = switch (kind) {
            case EXEC -> {
                int pid = in.u32(), tid = in.u32();
                String exe = in.string();
                int argc = in.count(4);
                List<String> argv = new ArrayList<>(argc);
                for (int i = 0; i < argc; i++) argv.add(in.string());
                long[] regs = in.longs(Registers.COUNT);
                byte[] fp = in.raw(Registers.FP_SIZE);
                byte[] auxv = in.bytes();
                List<Mapping> maps = mappings(in);
                int n = in.count(28);
                List<CpuidEntry> cpuid = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    cpuid.add(new CpuidEntry(in.u32(), in.u32(), in.u32() != 0, in.u32(), in.u32(), in.u32(), in.u32()));
                }
                long xcr0 = in.u64();
                int p = in.count(16);
                List<TraceEvent.PatchedFunction> patched = new ArrayList<>(p);
                for (int i = 0; i < p; i++) patched.add(new TraceEvent.PatchedFunction(in.string(), in.u64(), in.u32()));
                yield new TraceEvent.Exec(pid, tid, exe, argv, regs, fp, auxv, maps, cpuid, xcr0, patched);
            }
            case SYSCALL_ENTER -> new TraceEvent.SyscallEnter(in.u32(), in.u32(), in.longs(6), in.u64());
            case SYSCALL_EXIT -> {
                int tid = in.u32(), nr = in.u32();
                long result = in.u64();
                int flags = in.u32();
                List<MemoryWrite> writes = writes(in);
                List<Mapping> maps = mappings(in);
                long[] regs = null;
                byte[] fp = null;
                if ((flags & HAS_REGS) != 0) {
                    regs = in.longs(Registers.COUNT);
                    fp = in.raw(Registers.FP_SIZE);
                }
                yield new TraceEvent.SyscallExit(tid, nr, result, flags & ~HAS_REGS, writes, maps, regs, fp);
            }
            case SIGNAL -> {
                int tid = in.u32(), signo = in.u32();
                Disposition d = enumValue(Disposition.values(), in.u8(), "signal disposition");
                byte[] info = in.raw(128);
                long[] delivery = in.longs(Registers.COUNT);
                if (d == Disposition.HANDLER) {
                    long[] handler = in.longs(Registers.COUNT);
                    byte[] fp = in.raw(Registers.FP_SIZE);
                    List<MemoryWrite> frame = writes(in);
                    yield new TraceEvent.Signal(tid, signo, d, info, delivery, handler, fp, frame, stack(in));
                }
                yield new TraceEvent.Signal(tid, signo, d, info, delivery, null, null, List.of(), stack(in));
            }
            case RDTSC -> new TraceEvent.Rdtsc(in.u32(), in.u64(), in.u64(), in.u32(), in.u8() != 0);
            case PREEMPT -> new TraceEvent.Preempt(in.u32(), in.longs(Registers.COUNT), stack(in));
            case NEW_TASK -> new TraceEvent.NewTask(in.u32(), in.u32(), in.u32(),
                    enumValue(TaskKind.values(), in.u8(), "task kind"), in.u64(), in.longs(Registers.COUNT),
                    in.raw(Registers.FP_SIZE), writes(in));
            case TASK_EXIT -> new TraceEvent.TaskExit(in.u32(), in.u32(), in.u32(), in.u8() != 0, writes(in));
            case WARNING -> new TraceEvent.Warning(in.u32(), in.string(), in.string());
            case END -> new TraceEvent.End(in.u32());
            default -> null;
        };
        if (event != null && !in.atEnd()) throw new TraceFormatException("record of kind " + kind + " has trailing bytes");
        return event;
    }

    private static <E> E enumValue(E[] values, int ordinal, String what) {
        if (ordinal >= values.length) throw new TraceFormatException("unknown " + what + " " + ordinal);
        return values[ordinal];
    }

    private static void writes(List<MemoryWrite> writes, Binary.Out out) {
        out.u32(writes.size());
        for (MemoryWrite w : writes) {
            out.u64(w.address());
            if (w.inline()) {
                out.u8(0).bytes(w.bytes());
            } else {
                out.u8(1).string(w.blob()).u64(w.blobLength());
            }
        }
    }

    private static List<MemoryWrite> writes(Binary.In in) {
        int n = in.count(13);
        List<MemoryWrite> writes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long address = in.u64();
            int form = in.u8();
            if (form == 0) {
                writes.add(new MemoryWrite(address, in.bytes()));
            } else if (form == 1) {
                writes.add(MemoryWrite.ofBlob(address, in.string(), in.u64()));
            } else {
                throw new TraceFormatException("unknown memory write form " + form);
            }
        }
        return writes;
    }

    private static void mapping(Mapping m, Binary.Out out) {
        out.u64(m.start()).u64(m.end()).u8(m.prot()).u8(m.flags()).u64(m.offset()).string(m.path()).u8(m.content().ordinal());
        if (m.content() == Mapping.Content.BLOB) out.string(m.blob()).u64(m.blobLength());
    }

    private static List<Mapping> mappings(Binary.In in) {
        int n = in.count(31); // the smallest mapping record: an anonymous one without a path
        List<Mapping> maps = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long start = in.u64(), end = in.u64();
            int prot = in.u8(), flags = in.u8();
            long offset = in.u64();
            String path = in.string();
            Mapping.Content content = enumValue(Mapping.Content.values(), in.u8(), "mapping content kind");
            String blob = null;
            long blobLength = 0;
            if (content == Mapping.Content.BLOB) {
                blob = in.string();
                blobLength = in.u64();
            }
            if (end < start || blobLength < 0 || blobLength > end - start) {
                throw new TraceFormatException("mapping 0x" + Long.toHexString(start) + "-0x" + Long.toHexString(end) + " is inconsistent");
            }
            maps.add(new Mapping(start, end, prot, flags, offset, path, content, blob, blobLength));
        }
        return maps;
    }
}
