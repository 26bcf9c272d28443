package dev.omniscope.common;

/**
 * A decoded waitpid status (the macros of sys/wait.h, plus the ptrace event in bits 16..23).
 */
public record WaitStatus(int raw) {
    public static final int SIGTRAP = 5;
    public static final int PTRACE_EVENT_FORK = 1;
    public static final int PTRACE_EVENT_VFORK = 2;
    public static final int PTRACE_EVENT_CLONE = 3;
    public static final int PTRACE_EVENT_EXEC = 4;
    public static final int PTRACE_EVENT_EXIT = 6;
    public static final int PTRACE_EVENT_STOP = 128;

    public boolean exited() { return (raw & 0x7f) == 0; }
    public int exitCode() { return (raw >> 8) & 0xff; }
    public boolean killedBySignal() { return ((raw & 0x7f) + 1) >> 1 > 0 && (raw & 0xff) != 0x7f; }
    public int termSignal() { return raw & 0x7f; }
    public boolean stopped() { return (raw & 0xff) == 0x7f; }
    public int stopSignal() { return (raw >> 8) & 0xff; }
    /** The PTRACE_EVENT_* of a ptrace event stop, else 0. */
    public int ptraceEvent() { return stopped() ? (raw >> 16) & 0xff : 0; }

    @Override
    public String toString() {
        if (exited()) return "exited with status " + exitCode();
        if (killedBySignal()) return "killed by signal " + termSignal();
        if (stopped()) return "stopped by signal " + stopSignal() + (ptraceEvent() != 0 ? " (ptrace event " + ptraceEvent() + ")" : "");
        return "status 0x" + Integer.toHexString(raw);
    }
}
