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

    /** Linux x86-64's signal names, by number (index 0 unused). */
    private static final String[] SIGNALS = {null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
        "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP",
        "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"};

    /** A signal's name: SIGSEGV, SIGRTMIN+2 (from 34), or "signal N" for a number without one. */
    public static String signalName(int signo) {
        if (signo > 0 && signo < SIGNALS.length) return SIGNALS[signo];
        if (signo >= 34 && signo <= 64) return signo == 34 ? "SIGRTMIN" : "SIGRTMIN+" + (signo - 34);
        return "signal " + signo;
    }

    /** "exited with status 0", "killed by SIGSEGV", "stopped by signal 19"... */
    @Override
    public String toString() {
        if (exited()) return "exited with status " + exitCode();
        if (killedBySignal()) return "killed by " + signalName(termSignal());
        if (stopped()) return "stopped by signal " + stopSignal() + (ptraceEvent() != 0 ? " (ptrace event " + ptraceEvent() + ")" : "");
        return "status 0x" + Integer.toHexString(raw);
    }
}
