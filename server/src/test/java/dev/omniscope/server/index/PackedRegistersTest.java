package dev.omniscope.server.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** Runs of register changes decode to what was encoded: the last change before any step. */
class PackedRegistersTest {
    @Test
    void theLastChangeBeforeAStepIsTheOneEncoded() {
        Random random = new Random(42);
        long[] steps = new long[PackedRegisters.RUN];
        long[] values = new long[steps.length];
        long[] his = new long[steps.length];
        long step = 1_000_000;
        for (int i = 0; i < steps.length; i++) {
            step += i % 7 == 0 ? 0 : 1 + random.nextInt(i % 3 == 0 ? 1_000_000 : 5); // equal steps too (a syscall's result)
            steps[i] = step;
            values[i] = switch (i % 4) {
                case 0 -> random.nextLong();                 // anything
                case 1 -> i;                                 // a counter
                case 2 -> -i;                                // negative
                default -> i % 8 == 3 ? Long.MIN_VALUE : Long.MAX_VALUE;  // the extremes
            };
            his[i] = i % 5 == 0 ? random.nextLong() : 0;
        }
        PackedRegisters.Run run = new PackedRegisters.Run(7, 8, (short) 32);
        for (int i = 0; i < steps.length; i++) run.add(steps[i], values[i], his[i]);
        assertThat(run.full()).isTrue();
        byte[] s = run.steps.toByteArray(), v = run.values.toByteArray(), h = run.his.toByteArray();
        assertThat(run.anyHi).isTrue();
        assertThat(PackedRegisters.lastBefore(run.firstStep, s, v, h, run.changes, steps[0])).isNull();
        for (int i = 0; i < steps.length; i++) {
            // the last change with a step below steps[i] + 1 is the last one at steps[i]
            int last = i;
            while (last + 1 < steps.length && steps[last + 1] == steps[i]) last++;
            long[] found = PackedRegisters.lastBefore(run.firstStep, s, v, h, run.changes, steps[i] + 1);
            assertThat(found).as("step %d", steps[i]).containsExactly(values[last], his[last], steps[last]);
        }
        assertThat(PackedRegisters.lastBefore(run.firstStep, s, v, null, run.changes, Long.MAX_VALUE))
                .containsExactly(values[steps.length - 1], 0L, steps[steps.length - 1]);
        run.reset();
        assertThat(run.changes).isZero();
    }
}
