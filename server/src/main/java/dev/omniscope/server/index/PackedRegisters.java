package dev.omniscope.server.index;

import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * reg_changes in PostgreSQL: runs of up to {@link #RUN} consecutive changes of one register of one
 * thread, one row each, {@code (pid, tid, reg, first_step, last_step, changes, step, value, value_hi)}.
 * {@code step} holds the steps as unsigned LEB128 deltas (the first from {@code first_step}, so 0);
 * {@code value} and {@code value_hi} the values as zig-zag LEB128 deltas from the previous value
 * (from 0 for the first); {@code value_hi} is null when every high half in the run is 0 (all but
 * xmm registers). Register values move by small steps (counters, pointers), so most take one or
 * two bytes. "The value of a register at step t" reads one run: the last that starts before t.
 */
public final class PackedRegisters {
    /** The columns a run is grouped by. */
    public static final List<String> GROUP = List.of("pid", "tid", "reg");
    /** Changes per run: small enough that a lookup decodes little, large enough to make few rows. */
    public static final int RUN = 256;

    private PackedRegisters() {}

    /** Builds one run. */
    static final class Run {
        final int pid, tid;
        final short reg;
        long firstStep, lastStep, lastValue, lastHi;
        int changes;
        boolean anyHi;
        final ByteArrayOutputStream steps = new ByteArrayOutputStream(RUN * 2);
        final ByteArrayOutputStream values = new ByteArrayOutputStream(RUN * 3);
        final ByteArrayOutputStream his = new ByteArrayOutputStream(RUN);

        Run(int pid, int tid, short reg) {
            this.pid = pid;
            this.tid = tid;
            this.reg = reg;
        }

        void add(long step, long value, long hi) {
            if (changes == 0) {
                firstStep = step;
                lastStep = step;
                lastValue = 0;
                lastHi = 0;
            }
            unsigned(steps, step - lastStep);
            signed(values, value - lastValue);
            signed(his, hi - lastHi);
            if (hi != 0) anyHi = true;
            lastStep = step;
            lastValue = value;
            lastHi = hi;
            changes++;
        }

        boolean full() {
            return changes >= RUN;
        }

        void reset() {
            changes = 0;
            anyHi = false;
            steps.reset();
            values.reset();
            his.reset();
        }
    }

    static void unsigned(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    static void signed(ByteArrayOutputStream out, long v) {
        unsigned(out, (v << 1) ^ (v >> 63));
    }

    /**
     * The value, high half and step of the last change in a run with step < {@code before}, or null
     * when the run's first change is not before it.
     */
    public static long[] lastBefore(long firstStep, byte[] steps, byte[] values, byte[] his, int changes, long before) {
        int[] sp = {0}, vp = {0}, hp = {0};
        long step = firstStep, value = 0, hi = 0;
        long[] found = null;
        for (int i = 0; i < changes; i++) {
            step += readUnsigned(steps, sp);
            if (step >= before) break;
            value += readSigned(values, vp);
            if (his != null) hi += readSigned(his, hp);
            found = new long[] {value, hi, step};
        }
        return found;
    }

    /** Receives the changes of a run. */
    @FunctionalInterface
    public interface Change {
        void at(long step, long value, long hi);
    }

    /** Every change of a run, in step order. */
    public static void decode(long firstStep, byte[] steps, byte[] values, byte[] his, int changes, Change out) {
        int[] sp = {0}, vp = {0}, hp = {0};
        long step = firstStep, value = 0, hi = 0;
        for (int i = 0; i < changes; i++) {
            step += readUnsigned(steps, sp);
            value += readSigned(values, vp);
            if (his != null) hi += readSigned(his, hp);
            out.at(step, value, hi);
        }
    }

    static long readUnsigned(byte[] b, int[] pos) {
        long v = 0;
        int shift = 0;
        while (true) {
            int x = b[pos[0]++] & 0xFF;
            v |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) return v;
            shift += 7;
        }
    }

    static long readSigned(byte[] b, int[] pos) {
        long u = readUnsigned(b, pos);
        return (u >>> 1) ^ -(u & 1);
    }
}
