package dev.omniscope.recorder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;

/** What a signal will do to a process, from its dispositions in /proc/PID/status. */
final class Signals {
    enum Disposition { HANDLER, IGNORED, TERMINATE, CORE, STOP }

    private Signals() {}

    static Disposition disposition(int pid, int sig) {
        String status;
        try {
            status = Files.readString(Path.of("/proc/" + pid + "/status"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the signal dispositions of process " + pid, e);
        }
        if (bit(status, "SigCgt:", sig)) return Disposition.HANDLER;
        if (bit(status, "SigIgn:", sig)) return Disposition.IGNORED;
        return defaultAction(sig);
    }

    static Disposition defaultAction(int sig) {
        return switch (sig) {
            case 17, 18, 23, 28 -> Disposition.IGNORED;           // SIGCHLD, SIGCONT, SIGURG, SIGWINCH
            case 19, 20, 21, 22 -> Disposition.STOP;              // SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU
            case 3, 4, 5, 6, 7, 8, 11, 24, 25, 31 -> Disposition.CORE;
            default -> Disposition.TERMINATE;
        };
    }

    private static boolean bit(String status, String field, int sig) {
        int at = status.indexOf(field);
        if (at < 0) return false;
        int end = status.indexOf('\n', at);
        String hex = status.substring(at + field.length(), end < 0 ? status.length() : end).trim();
        return new BigInteger(hex, 16).testBit(sig - 1);
    }
}
