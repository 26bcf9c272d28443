package dev.omniscope.indexer.dataflow;

import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.omniscope.indexer.query.Locator;
import dev.omniscope.trace.Registers;

/**
 * The C library's copying routines (memcpy, memmove, mempcpy, strcpy, stpcpy, strncpy, strcat,
 * memset and their _chk and CPU-specific variants such as {@code __memmove_sse2_unaligned_erms}):
 * a byte such a call wrote is followed to the byte it copied, from the call's arguments, whatever
 * vector path the routine took inside.
 */
final class CopyRoutines {
    /** What the call copied into [dst, dst + length): from [src, ...) or, for memset, the byte in the caller's esi. */
    record Span(String routine, long dst, long length, long src, boolean fill) {}

    private static final Pattern NAME = Pattern.compile(
            "^_*(memcpy|memmove|mempcpy|wmemcpy|wmemmove|strcpy|stpcpy|strncpy|stpncpy|strcat|strncat|memset|bcopy)(_chk)?(_[a-z0-9_]+)?(@plt)?$");
    private static final int MAX_STRING = 1 << 20;

    private CopyRoutines() {}

    /** The routine a function name is (memcpy for __memcpy_chk, memmove for __memmove_sse2_unaligned_erms), or null. */
    static String routine(String function) {
        if (function == null) return null;
        Matcher m = NAME.matcher(function);
        return m.matches() ? m.group(1) : null;
    }

    /** The innermost open call of a copying routine at {@code step}, or null. */
    static Locator.OpenCall innermost(List<Locator.OpenCall> open) {
        Locator.OpenCall best = null;
        for (Locator.OpenCall c : open) {
            if (routine(c.function()) != null && (best == null || c.depth() > best.depth())) best = c;
        }
        return best;
    }

    /** What a call of a copying routine copied (its arguments, and the strings at the call), or null when not known. */
    static Span span(Machine machine, int pid, int tid, Locator.OpenCall call) throws IOException {
        String routine = routine(call.function());
        long[] a = new long[3];
        for (int k = 0; k < 3; k++) a[k] = machine.register(tid, call.callStep(), Registers.CALL_ARGS[k]);
        long at = call.callStep();
        return switch (routine) {
            case "memcpy", "memmove", "mempcpy" -> new Span(routine, a[0], a[2], a[1], false);
            case "wmemcpy", "wmemmove" -> new Span(routine, a[0], a[2] * 4, a[1], false);
            case "bcopy" -> new Span(routine, a[1], a[2], a[0], false);
            case "memset" -> new Span(routine, a[0], a[2], 0, true);
            case "strcpy", "stpcpy" -> new Span(routine, a[0], strlen(machine, pid, a[1], at) + 1, a[1], false);
            case "strncpy", "stpncpy" -> new Span(routine, a[0], Math.min(strlen(machine, pid, a[1], at) + 1, a[2]), a[1], false);
            case "strcat" -> new Span(routine, a[0] + strlen(machine, pid, a[0], at), strlen(machine, pid, a[1], at) + 1, a[1], false);
            case "strncat" -> new Span(routine, a[0] + strlen(machine, pid, a[0], at), Math.min(strlen(machine, pid, a[1], at), a[2]), a[1], false);
            default -> null;
        };
    }

    private static long strlen(Machine machine, int pid, long address, long step) throws IOException {
        for (long n = 0; n < MAX_STRING; n += 256) {
            byte[] b = machine.memory().read(pid, address + n, 256, step).data();
            for (int i = 0; i < b.length; i++) if (b[i] == 0) return n + i;
        }
        return MAX_STRING;
    }
}
