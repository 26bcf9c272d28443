package dev.omniscope.indexer.emu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import dev.omniscope.trace.Registers;

/**
 * Instructions per second of the emulator on a realistic loop (loads, stores, arithmetic, calls),
 * with every trace table on (drained into Java arrays as the indexer would) and with tracing off.
 * A measurement, not a check: it runs only when asked, and asserts nothing about time.
 *
 * <pre>mvn -B -ntp -q -pl indexer -am test -Dtest=EmuThroughputTest -Domni.bench=true -Dsurefire.failIfNoSpecifiedTests=false</pre>
 */
@EnabledIfSystemProperty(named = "omni.bench", matches = "true")
class EmuThroughputTest {
    private static final long ITERATIONS = Long.getLong("omni.bench.iterations", 5_500_000);

    @Test
    void measure() {
        TestCode work = TestCode.c(EmuFixture.CODE, EmuTraceTest.WORK_C);
        run(work, 0, 100_000);  // warm-up: JIT of the drain path, page faults
        run(work, Emulator.TRACE_ALL, 100_000);
        long[] off = run(work, 0, ITERATIONS);
        long[] on = run(work, Emulator.TRACE_ALL, ITERATIONS);
        assertThat(on[0]).isEqualTo(off[0]);
        report("tracing off", off);
        report("tracing all", on);
    }

    private static void report(String what, long[] r) {
        System.out.printf("EmuThroughput %s: %,d instructions in %.2f s = %.1f M instructions/s, %,d rows, %d runs%n",
                what, r[0], r[1] / 1e9, r[0] * 1e3 / r[1], r[2], r[3]);
    }

    /** Steps, nanoseconds, rows drained, runs. */
    private static long[] run(TestCode work, int flags, long iterations) {
        try (Emulator emu = EmuFixture.load(work)) {
            emu.setReg(Registers.RIP, work.at("start"));
            emu.setReg(Registers.RSI, iterations);
            if (flags != 0) emu.traceEnable(flags, 1 << 20);
            long rows = 0, steps = 0, runs = 0;
            long t0 = System.nanoTime();
            Stop stop;
            do {
                stop = emu.run(0);
                runs++;
                steps += stop.steps();
                if (flags != 0) {
                    TraceBuffers.Batch b = emu.trace().drain();
                    rows += b.blocks().rows() + b.mem().rows() + b.regs().rows() + b.control().rows();
                }
            } while (stop.reason() == Stop.Reason.BUFFER_FULL);
            long ns = System.nanoTime() - t0;
            assertThat(stop.reason()).isEqualTo(Stop.Reason.SYSCALL);
            return new long[] {steps, ns, rows, runs};
        }
    }
}
