package dev.omniscope.indexer.replay;

/**
 * Why a replay stopped before the end of its trace: what was expected and what happened, where.
 *
 * @param function the function at {@code rip} (name+offset), or null if unknown
 * @param detail   for a divergence: expected versus actual; for an instruction: its disassembly
 */
public record ReplayProblem(Kind kind, long step, int pid, int tid, long rip, String function, String detail) {
    public enum Kind {
        /** The program did something other than what the recording says it did. */
        DIVERGENCE,
        /** An instruction the emulator cannot execute (AVX, say). */
        UNSUPPORTED_INSTRUCTION,
        /** The trace ends early (a truncated recording). */
        TRUNCATED_TRACE,
        /** The emulator cannot hold what the program did (more separate mappings than it allows, say). */
        EMULATOR_LIMIT
    }

    /** One line for people. */
    public String describe() {
        String where = String.format("step %,d, pid %d, tid %d, rip 0x%x%s", step, pid, tid, rip,
                function != null ? " in " + function : "");
        return switch (kind) {
            case DIVERGENCE -> "divergence at " + where + ": " + detail;
            case UNSUPPORTED_INSTRUCTION -> "the emulator cannot execute " + detail + " at " + where;
            case TRUNCATED_TRACE -> "the trace ends early at " + where + ": " + detail;
            case EMULATOR_LIMIT -> "the emulator cannot go on at " + where + ": " + detail;
        };
    }
}
