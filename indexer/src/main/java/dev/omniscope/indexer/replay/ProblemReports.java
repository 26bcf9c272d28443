package dev.omniscope.indexer.replay;

import dev.omniscope.indexer.emu.EmuException;
import dev.omniscope.indexer.emu.Emulator;
import dev.omniscope.indexer.emu.Stop;
import dev.omniscope.syscalls.SyscallTable;
import dev.omniscope.trace.Registers;
import dev.omniscope.trace.TraceEvent;

/**
 * The replay's problem reports: where it stopped (step, task, rip and the function there) and why,
 * in words: what the recording expected and what the program did instead (a system call, an
 * instruction, a fault), which registers never matched a recorded switch point, the instruction
 * the emulator cannot execute.
 */
final class ProblemReports {
    /** Ends the replay early with a problem. */
    static final class Stopped extends RuntimeException {
        final ReplayProblem problem;

        Stopped(ReplayProblem problem) {
            super(problem.describe(), null, false, false);
            this.problem = problem;
        }
    }

    private final AddressNames names;

    /** @param names names the function at a problem's rip; may be null */
    ProblemReports(AddressNames names) {
        this.names = names;
    }

    /** A problem at {@code rip} of task {@code t} (null when no task runs yet). */
    ReplayProblem problem(ReplayProblem.Kind kind, long step, EmulatedTask t, long rip, String detail) {
        int pid = t != null ? t.process.pid : 0, tid = t != null ? t.tid : 0;
        String function = names != null && t != null ? names.name(pid, rip) : null;
        return new ReplayProblem(kind, step, pid, tid, rip, function, detail);
    }

    Stopped divergence(long step, EmulatedTask t, long rip, String detail) {
        return new Stopped(problem(ReplayProblem.Kind.DIVERGENCE, step, t, rip, detail));
    }

    Stopped unknownTask(long step, int tid) {
        return new Stopped(new ReplayProblem(ReplayProblem.Kind.DIVERGENCE, step, 0, tid, 0, null,
                "the trace names task " + tid + ", which the replay does not know"));
    }

    /** The emulator stopped for something other than what the recording expected next. */
    Stopped unexpectedStop(long step, EmulatedTask t, Stop stop, String expected) {
        return divergence(step, t, stop.rip(), "expected " + expected + ", the program " + describeStop(t.process.emu, stop));
    }

    /** A recorded switch point's rip ran {@code hits} times, never with its registers. */
    Stopped neverMatched(long step, EmulatedTask t, Stop stop, String expected, long hits, long[] fingerprint) {
        return divergence(step, t, stop.rip(), "expected " + expected + ", but 0x" + Long.toHexString(stop.rip()) + " ran "
                + hits + " times without the recorded registers (at the last time: "
                + differences(t.process.emu.regs(), fingerprint) + ")");
    }

    Stopped emulatorFailed(long step, EmulatedTask t, Stop stop, String expected) {
        return divergence(step, t, stop.rip(), "the emulator stopped (" + stop.reason() + ", unicorn error " + stop.ucErr()
                + ") before " + expected);
    }

    Stopped unsupportedInstruction(long step, EmulatedTask t, long rip) {
        return new Stopped(problem(ReplayProblem.Kind.UNSUPPORTED_INSTRUCTION, step, t, rip, disassemble(t.process.emu, rip)));
    }

    /** The program made another system call than the recorded one, or from elsewhere; {@code regs} are at its syscall instruction. */
    Stopped otherSyscall(long step, EmulatedTask t, long rip, TraceEvent.SyscallEnter expected, long[] regs) {
        long[] made = Registers.syscallArgs(regs);
        StringBuilder raw = new StringBuilder(); // what the descriptions do not show: argument registers the call ignores
        for (int i = 0; i < made.length; i++) {
            if (made[i] != expected.args()[i]) {
                raw.append(raw.length() == 0 ? " (" : ", ").append(String.format("argument %d: recorded 0x%x, replayed 0x%x", i + 1,
                        expected.args()[i], made[i]));
            }
        }
        if (raw.length() > 0) raw.append(')');
        return divergence(step, t, rip, "expected system call " + SyscallTable.of(expected.number()).describe(expected.args())
                + " at 0x" + Long.toHexString(expected.rip()) + ", the program made "
                + SyscallTable.of((int) regs[Registers.RAX]).describe(made) + " at 0x" + Long.toHexString(rip) + raw);
    }

    Stopped exitNotEntered(long step, EmulatedTask t, int number) {
        return divergence(step, t, 0, "the trace returns from " + SyscallTable.name(number) + " that task " + t.tid + " did not enter");
    }

    Stopped unmappedKernelWrite(long step, EmulatedTask t, long rip, long address, int length) {
        return divergence(step, t, rip, String.format("the kernel wrote %d bytes at 0x%x, which the replay has not mapped", length, address));
    }

    private static String describeStop(Emulator emu, Stop stop) {
        return switch (stop.reason()) {
            case SYSCALL -> {
                long[] r = emu.regs();
                yield "made system call " + SyscallTable.of((int) r[Registers.RAX]).describe(Registers.syscallArgs(r))
                        + " at 0x" + Long.toHexString(stop.rip());
            }
            case NONDET -> "executed " + disassemble(emu, stop.rip()) + " at 0x" + Long.toHexString(stop.rip());
            case FINGERPRINT -> "reached the recorded switch point";
            case MEM_FAULT -> String.format("faulted (%s of 0x%x%s) at 0x%x", switch (stop.faultKind()) {
                case Stop.FAULT_READ -> "read";
                case Stop.FAULT_WRITE -> "write";
                default -> "fetch";
            }, stop.faultAddr(), stop.protectionFault() ? ", not permitted" : ", unmapped", stop.rip());
            case INTERRUPT -> "raised interrupt " + stop.detail() + " at 0x" + Long.toHexString(stop.rip());
            default -> stop.reason().toString();
        };
    }

    private static String disassemble(Emulator emu, long rip) {
        try {
            Emulator.Disassembly d = Emulator.disasm(emu.read(rip, 16), rip);
            return d != null && d.length() > 0 ? "'" + d.text() + "'" : "an undecodable instruction";
        } catch (EmuException e) {
            return "an instruction at unreadable memory";
        }
    }

    /** The fingerprint registers that differ, "rax 0x1 (recorded 0x2), ...". */
    private static String differences(long[] actual, long[] recorded) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Registers.COUNT; i++) {
            if (i == Registers.ORIG_RAX || i == Registers.EFLAGS || i == Registers.CS || i == Registers.SS || i >= Registers.DS) continue;
            if (actual[i] == recorded[i]) continue;
            if (sb.length() > 0) sb.append(", ");
            sb.append(Registers.NAMES.get(i)).append(" 0x").append(Long.toHexString(actual[i]))
                    .append(" (recorded 0x").append(Long.toHexString(recorded[i])).append(')');
        }
        return sb.length() == 0 ? "none" : sb.toString();
    }
}
