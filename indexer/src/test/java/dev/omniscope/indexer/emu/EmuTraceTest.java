package dev.omniscope.indexer.emu;

import static dev.omniscope.indexer.emu.EmuFixture.CODE;
import static dev.omniscope.indexer.emu.EmuFixture.DATA;
import static dev.omniscope.indexer.emu.EmuFixture.STACK_TOP;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.omniscope.indexer.emu.TraceBuffers.Batch;
import dev.omniscope.indexer.emu.TraceBuffers.Control;
import dev.omniscope.indexer.emu.TraceBuffers.Mem;
import dev.omniscope.indexer.emu.TraceBuffers.Regs;
import dev.omniscope.trace.Registers;

class EmuTraceTest {
    private static final long SP = STACK_TOP - 0x100;

    /** A loop with loads, stores, arithmetic and calls, compiled from C. */
    static final String WORK_C = """
            __attribute__((noinline)) long f(long a, long b) { return a * 3 + (b ^ a); }
            __attribute__((noinline)) long work(long *buf, long n) {
                long s = 0;
                for (long i = 0; i < n; i++) {
                    s += f(buf[i & 255], i);
                    buf[(i * 7) & 255] = s;
                    buf[256 + (i & 63)] ^= s;
                }
                return s;
            }
            void start(long *buf, long n) {
                long s = work(buf, n);
                __asm__ volatile("syscall" :: "a"(s));
                __builtin_unreachable();
            }
            """;

    private static byte[] pattern(int len) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) b[i] = (byte) (0x40 + i);
        return b;
    }

    private static byte[] le(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    private static byte[] range(byte[] b, int from, int len) {
        return Arrays.copyOfRange(b, from, from + len);
    }

    private static String memRow(Mem m, int i) {
        return String.format("step %d rip %#x addr %#x size %d", m.step()[i], m.rip()[i], m.addr()[i], m.sizes()[i]);
    }

    @Test
    void storesBecomeRowsWithOldAndNewBytes() {
        TestCode code = EmuFixture.asm("""
                mov rax, 0x1122334455667788
                mov_store:
                mov qword ptr [rdi], rax
                sse_store:
                movups xmmword ptr [rdi + 16], xmm0
                mov rbx, 0x0102030405060708
                push_store:
                push rbx
                mov ecx, 40
                mov al, 0xab
                lea rdi, [rdi + 64]
                rep_store:
                rep stosb
                byte_store:
                mov byte ptr [rdi], 1
                syscall
                """);
        try (Emulator emu = EmuFixture.load(code)) {
            byte[] before = pattern(256);
            emu.write(DATA, before);
            byte[] fx = emu.fpregs();
            for (int i = 0; i < 16; i++) fx[160 + i] = (byte) (0xc0 + i);
            emu.setFpregs(fx);
            emu.traceEnable(Emulator.TRACE_MEM, 4096);

            EmuFixture.runTo(emu, Stop.Reason.SYSCALL);
            Mem m = emu.trace().drain().mem();
            List<String> rows = new ArrayList<>();
            for (int i = 0; i < m.rows(); i++) rows.add(memRow(m, i));
            assertThat(rows).containsExactly(
                    String.format("step 1 rip %#x addr %#x size 8", code.at("mov_store"), DATA),
                    String.format("step 2 rip %#x addr %#x size 16", code.at("sse_store"), DATA + 16),
                    String.format("step 4 rip %#x addr %#x size 8", code.at("push_store"), SP - 8),
                    String.format("step 8 rip %#x addr %#x size 16", code.at("rep_store"), DATA + 64),
                    String.format("step 8 rip %#x addr %#x size 16", code.at("rep_store"), DATA + 80),
                    String.format("step 8 rip %#x addr %#x size 8", code.at("rep_store"), DATA + 96),
                    String.format("step 9 rip %#x addr %#x size 1", code.at("byte_store"), DATA + 104));

            assertThat(m.oldBytes(0)).isEqualTo(range(before, 0, 8));
            assertThat(m.newBytes(0)).isEqualTo(le(0x1122334455667788L));
            assertThat(m.oldBytes(1)).isEqualTo(range(before, 16, 16));
            assertThat(m.newBytes(1)).isEqualTo(range(fx, 160, 16));
            assertThat(m.oldBytes(2)).containsOnly(0);
            assertThat(m.newBytes(2)).isEqualTo(le(0x0102030405060708L));
            assertThat(m.oldBytes(3)).isEqualTo(range(before, 64, 16));
            assertThat(m.newBytes(3)).containsOnly(0xab);
            assertThat(m.oldBytes(5)).isEqualTo(range(before, 96, 8));
            assertThat(m.oldBytes(6)).isEqualTo(range(before, 104, 1));
            assertThat(m.newBytes(6)).containsExactly(1);
            assertThat(emu.read(DATA + 64, 40)).containsOnly(0xab);
            assertThat(emu.trace().lost()).isZero();
        }
    }

    @Test
    void registerChangesAreRowsWithoutRipAndWithoutUnchangedValues() {
        TestCode code = EmuFixture.asm("""
                mov rax, 5
                mov rbx, 7
                mov rax, 5
                add rax, rbx
                movq xmm1, rax
                ldmxcsr dword ptr [rdi]
                sys:
                syscall
                """);
        try (Emulator emu = EmuFixture.load(code)) {
            emu.write(DATA, new byte[] {(byte) 0x80, (byte) 0x9f, 0, 0});
            emu.traceEnable(Emulator.TRACE_REGS, 4096);
            EmuFixture.runTo(emu, Stop.Reason.SYSCALL);
            long eflags = emu.reg(Registers.EFLAGS);
            long after = code.at("sys") + 2;
            assertThat(regRows(emu.trace().drain().regs())).containsExactly(
                    "0 rax=0x5", "1 rbx=0x7", "3 rax=0xc", "3 eflags=0x6", "4 xmm1=0xc:0x0", "5 mxcsr=0x9f80",
                    "6 r11=" + hex(eflags), "6 rcx=" + hex(after));
            assertThat(eflags).isEqualTo(0x6);
            assertThat(emu.trace().resyncs()).isZero();

            // The driver's syscall result and kernel writes, recorded at the syscall's step.
            long[] r = emu.regs();
            r[Registers.RAX] = -14;
            emu.setRegsAt(r, 6);
            emu.traceEnable(Emulator.TRACE_REGS | Emulator.TRACE_MEM, 0);
            emu.writeAt(DATA + 0x200, pattern(20), 6, code.at("sys"));
            Batch b = emu.trace().drain();
            assertThat(regRows(b.regs())).containsExactly("6 rax=" + hex(-14));
            assertThat(b.mem().rows()).isEqualTo(2);
            assertThat(b.mem().sizes()).containsExactly(16, 4);
            assertThat(b.mem().step()).containsExactly(6, 6);
            assertThat(b.mem().newBytes(1)).isEqualTo(range(pattern(20), 16, 4));
            assertThat(emu.read(DATA + 0x200, 20)).isEqualTo(pattern(20));
        }
    }

    @Test
    void largeStoresSplitIntoRowsOfAtMost16Bytes() {
        TestCode code = EmuFixture.asm("""
                fxsave64 [rdi]
                syscall
                """);
        try (Emulator emu = EmuFixture.load(code)) {
            emu.traceEnable(Emulator.TRACE_MEM, 4096);
            EmuFixture.runTo(emu, Stop.Reason.SYSCALL);
            Mem m = emu.trace().drain().mem();
            assertThat(m.rows()).isGreaterThanOrEqualTo(26);  // at least the 416 bytes of state
            byte[] area = emu.read(DATA, 512);
            for (int i = 0; i < m.rows(); i++) {
                assertThat(m.sizes()[i]).isBetween((byte) 1, (byte) 16);
                int off = (int) (m.addr()[i] - DATA);
                assertThat(off).isBetween(0, 512 - m.sizes()[i]);
                assertThat(m.newBytes(i)).isEqualTo(range(area, off, m.sizes()[i]));
                assertThat(m.step()[i]).isZero();
            }
        }
    }

    @Test
    void codeRewrittenByAStoreRunsAndTracesAsTheNewCode() {
        TestCode code = EmuFixture.asm("""
                again:
                target:
                mov eax, 1
                cmp ebx, 1
                je done
                mov ebx, 1
                lea rdx, [rip + target]
                mov dword ptr [rdx + 1], 2
                jmp again
                done:
                syscall
                """);
        try (Emulator emu = EmuFixture.load(code)) {
            emu.protect(EmuFixture.CODE, 0x10000, Emulator.PROT_READ | Emulator.PROT_WRITE | Emulator.PROT_EXEC);
            emu.traceEnable(Emulator.TRACE_REGS, 4096);
            EmuFixture.runTo(emu, Stop.Reason.SYSCALL);
            assertThat(emu.reg(Registers.RAX)).isEqualTo(2);
            assertThat(regRows(emu.trace().drain().regs())).contains("0 rax=0x1", "7 rax=0x2");
            assertThat(emu.trace().resyncs()).isZero();
        }
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    private static List<String> regRows(Regs r) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < r.rows(); i++) {
            int id = r.id()[i] & 0xff;
            boolean xmm = id >= Registers.XMM0 && id < Registers.XMM0 + Registers.XMM_COUNT;
            String value = hex(r.lo()[i]) + (xmm ? ":" + hex(r.hi()[i]) : "");
            out.add(r.step()[i] + " " + Registers.name(id) + "=" + value);
        }
        return out;
    }

    @Test
    void callsAndReturnsAreRowsWithArgumentsAndResult() {
        TestCode code = EmuFixture.asm("""
                mov edi, 1
                mov esi, 2
                mov edx, 3
                mov ecx, 4
                mov r8d, 5
                mov r9d, 6
                call_site:
                call callee
                after:
                syscall
                callee:
                lea rax, [rdi + rsi]
                ret_site:
                ret
                """);
        try (Emulator emu = EmuFixture.load(code)) {
            emu.traceEnable(Emulator.TRACE_CONTROL, 4096);
            EmuFixture.runTo(emu, Stop.Reason.SYSCALL);
            Control c = emu.trace().drain().control();
            assertThat(c.rows()).isEqualTo(2);
            assertThat(c.kind()).containsExactly(Control.CALL, Control.RET);
            assertThat(c.step()).containsExactly(6, 8);
            assertThat(c.rip()).containsExactly(code.at("call_site"), code.at("ret_site"));
            assertThat(c.target()).containsExactly(code.at("callee"), code.at("after"));
            assertThat(c.sp()).containsExactly(SP - 8, SP);
            assertThat(Arrays.copyOfRange(c.args(), 0, 6)).containsExactly(1, 2, 3, 4, 5, 6);
            assertThat(c.ret()[1]).isEqualTo(3);
        }
    }

    @Test
    void recursiveCallsOfCompiledCodePairUpWithTheirResults() {
        TestCode code = TestCode.c(CODE, """
                __attribute__((noinline)) long fib(long n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
                void start(void) {
                    long r = fib(12);
                    __asm__ volatile("syscall" :: "a"(r));
                    __builtin_unreachable();
                }
                """);
        try (Emulator emu = EmuFixture.load(code)) {
            emu.setReg(Registers.RIP, code.at("start"));
            emu.traceEnable(Emulator.TRACE_ALL, 1 << 16);
            EmuFixture.runTo(emu, Stop.Reason.SYSCALL);
            assertThat(emu.reg(Registers.RAX)).isEqualTo(144);
            Control c = emu.trace().drain().control();
            Deque<Long> open = new ArrayDeque<>();
            int calls = 0;
            for (int i = 0; i < c.rows(); i++) {
                if (c.kind()[i] == Control.CALL) {
                    assertThat(c.target()[i]).isEqualTo(code.at("fib"));
                    open.push(c.arg(i, 0));
                    calls++;
                } else {
                    long n = open.pop();
                    assertThat(c.ret()[i]).as("fib(%d)", n).isEqualTo(fib(n));
                }
            }
            assertThat(open).isEmpty();
            assertThat(calls).isEqualTo(465);  // calls of fib(12), counting the first
            assertThat(emu.trace().resyncs()).isZero();
        }
    }

    private static long fib(long n) {
        return n < 2 ? n : fib(n - 1) + fib(n - 2);
    }

    @Test
    void blocksAreStraightLineRunsEndingAtBranches() {
        TestCode code = EmuFixture.asm("""
                xor ecx, ecx
                loop:
                add rcx, 1
                cmp rcx, 3
                jne loop
                sys:
                syscall
                """);
        try (Emulator emu = EmuFixture.load(code)) {
            emu.traceEnable(Emulator.TRACE_BLOCKS, 4096);
            EmuFixture.runTo(emu, Stop.Reason.SYSCALL);
            TraceBuffers.Blocks b = emu.trace().drain().blocks();
            assertThat(b.step()).containsExactly(0, 4, 7, 10);
            assertThat(b.rip()).containsExactly(CODE, code.at("loop"), code.at("loop"), code.at("sys"));
            assertThat(b.insns()).containsExactly(4, 3, 3, 1);
        }
    }

    /** All rows of a run to the syscall, draining whenever a table fills up. */
    private static Batch runDraining(Emulator emu, List<Stop> stops) {
        List<Batch> parts = new ArrayList<>();
        Stop stop;
        while ((stop = emu.run(0)).reason() == Stop.Reason.BUFFER_FULL) {
            stops.add(stop);
            parts.add(emu.trace().drain());
        }
        assertThat(stop.reason()).isEqualTo(Stop.Reason.SYSCALL);
        stops.add(stop);
        emu.trace().flush();
        parts.add(emu.trace().drain());
        return concat(parts);
    }

    @Test
    void fullBuffersStopTheRunWithoutLosingRows() {
        TestCode work = TestCode.c(CODE, WORK_C);
        Batch whole, pieces;
        List<Stop> stops = new ArrayList<>();
        long[] endRegs;
        try (Emulator emu = EmuFixture.load(work)) {
            emu.setReg(Registers.RIP, work.at("start"));
            emu.setReg(Registers.RSI, 3000);
            emu.traceEnable(Emulator.TRACE_ALL, 1 << 20);
            whole = runDraining(emu, new ArrayList<>());
            endRegs = emu.regs();
        }
        try (Emulator emu = EmuFixture.load(work)) {
            emu.setReg(Registers.RIP, work.at("start"));
            emu.setReg(Registers.RSI, 3000);
            emu.traceEnable(Emulator.TRACE_ALL, EmuNative.OMNI_TRACE_MIN_CAPACITY);
            pieces = runDraining(emu, stops);
            assertThat(emu.regs()).containsExactly(endRegs);
            assertThat(emu.trace().lost()).isZero();
            assertThat(emu.trace().resyncs()).isZero();
        }
        assertThat(stops.size()).isGreaterThan(10);
        assertThat(stops.get(0).detail() & Emulator.TRACE_REGS).isNotZero();
        assertThat(whole.mem().rows()).isGreaterThan(6000);
        assertSameRows(pieces, whole);
    }

    @Test
    void aFullBufferInTheMiddleOfARepInstructionKeepsItOneStep() {
        TestCode code = EmuFixture.asm("""
                mov ecx, 20000
                mov al, 0x5a
                rep stosb
                syscall
                """);
        Batch whole, pieces;
        List<Stop> stops = new ArrayList<>();
        try (Emulator emu = EmuFixture.load(code)) {
            emu.traceEnable(Emulator.TRACE_ALL, 1 << 16);
            whole = runDraining(emu, new ArrayList<>());
        }
        try (Emulator emu = EmuFixture.load(code)) {
            emu.traceEnable(Emulator.TRACE_ALL, EmuNative.OMNI_TRACE_MIN_CAPACITY);
            pieces = runDraining(emu, stops);
            assertThat(emu.step()).isEqualTo(4);
            assertThat(emu.read(DATA, 20000)).containsOnly(0x5a);
        }
        assertThat(stops.get(0).reason()).isEqualTo(Stop.Reason.BUFFER_FULL);
        assertThat(stops.get(0).detail()).isEqualTo(Emulator.TRACE_MEM);
        assertThat(stops.get(0).rip()).isEqualTo(CODE + 7);
        assertThat(whole.mem().rows()).isEqualTo(1250);
        assertThat(whole.mem().step()).containsOnly(2);
        assertSameRows(pieces, whole);
    }

    /** General, SSE and mxcsr registers written by compiled code and by hand. */
    static final String REGS_C = """
            __attribute__((noinline)) double g(double x, long i) { return x * 1.5 + (double)i; }
            __attribute__((noinline)) long f(long a, long b) { return a * 3 + (b ^ a); }
            void start(long *buf, long n) {
                double acc = 0;
                long s = 0;
                for (long i = 0; i < n; i++) {
                    acc = g(acc, i) / 3.0;
                    s += f(buf[i & 255], i);
                    buf[i & 255] = s ^ (long)acc;
                    unsigned m = 0x1f80 | ((i & 3) << 13);
                    __asm__ volatile("ldmxcsr %0" :: "m"(m));
                    __asm__ volatile("movq %0, %%xmm9; paddq %%xmm9, %%xmm15; pxor %%xmm8, %%xmm8; "
                                     "movdqa %%xmm15, %%xmm12" :: "r"(s) : "xmm8", "xmm9", "xmm12", "xmm15");
                }
                __asm__ volatile("syscall" :: "a"(s));
                __builtin_unreachable();
            }
            """;

    @Test
    void directRegisterReadsGiveTheRowsOfUnicornsOwnReads() {
        TestCode code = TestCode.c(CODE, REGS_C);
        Batch direct, viaApi;
        long[] endRegs;
        byte[] endFp;
        try (Emulator emu = EmuFixture.load(code)) {
            assertThat(emu.directRegisters()).as("registers read straight from Unicorn's CPU state "
                    + "(fewer: this Unicorn keeps them elsewhere, and reads fall back to uc_reg_read)").isEqualTo(36);
            emu.setReg(Registers.RIP, code.at("start"));
            emu.setReg(Registers.RSI, 500);
            emu.traceEnable(Emulator.TRACE_ALL, EmuNative.OMNI_TRACE_MIN_CAPACITY);
            direct = runDraining(emu, new ArrayList<>());
            endRegs = emu.regs();
            endFp = emu.fpregs();
            assertThat(emu.trace().resyncs()).isZero();
        }
        try (Emulator emu = EmuFixture.load(code)) {
            emu.useDirectRegisters(false);
            assertThat(emu.directRegisters()).isZero();
            emu.setReg(Registers.RIP, code.at("start"));
            emu.setReg(Registers.RSI, 500);
            emu.traceEnable(Emulator.TRACE_ALL, EmuNative.OMNI_TRACE_MIN_CAPACITY);
            viaApi = runDraining(emu, new ArrayList<>());
            assertThat(emu.regs()).containsExactly(endRegs);
            assertThat(emu.fpregs()).containsExactly(endFp);
            assertThat(emu.trace().resyncs()).isZero();
        }
        byte[] ids = direct.regs().id();
        assertThat(ids).contains((byte) Registers.MXCSR, (byte) (Registers.XMM0 + 15),
                (byte) (Registers.XMM0 + 12), (byte) Registers.RAX, (byte) Registers.EFLAGS, (byte) Registers.RSP);
        assertSameRows(direct, viaApi);
        same("regs.hi", direct.regs().hi(), viaApi.regs().hi());
        same("control.sp", direct.control().sp(), viaApi.control().sp());
        same("control.ret", direct.control().ret(), viaApi.control().ret());
    }

    private static void assertSameRows(Batch actual, Batch expected) {
        same("blocks.step", actual.blocks().step(), expected.blocks().step());
        same("blocks.rip", actual.blocks().rip(), expected.blocks().rip());
        same("blocks.insns", actual.blocks().insns(), expected.blocks().insns());
        same("mem.step", actual.mem().step(), expected.mem().step());
        same("mem.addr", actual.mem().addr(), expected.mem().addr());
        same("mem.sizes", actual.mem().sizes(), expected.mem().sizes());
        same("mem.old", actual.mem().oldBytes(), expected.mem().oldBytes());
        same("mem.new", actual.mem().newBytes(), expected.mem().newBytes());
        same("regs.step", actual.regs().step(), expected.regs().step());
        same("regs.id", actual.regs().id(), expected.regs().id());
        same("regs.lo", actual.regs().lo(), expected.regs().lo());
        same("control.step", actual.control().step(), expected.control().step());
        same("control.target", actual.control().target(), expected.control().target());
        same("control.args", actual.control().args(), expected.control().args());
    }

    /** Compares columns without printing them (they have thousands of rows). */
    private static void same(String column, Object actual, Object expected) {
        assertThat(java.lang.reflect.Array.getLength(actual)).as(column + " rows").isEqualTo(java.lang.reflect.Array.getLength(expected));
        assertThat(java.util.Objects.deepEquals(actual, expected)).as(column + " contents").isTrue();
    }

    private static Batch concat(List<Batch> parts) {
        return new Batch(
                new TraceBuffers.Blocks(longs(parts, b -> b.blocks().step()), longs(parts, b -> b.blocks().rip()),
                        ints(parts, b -> b.blocks().insns())),
                new Mem(longs(parts, b -> b.mem().step()), longs(parts, b -> b.mem().rip()),
                        longs(parts, b -> b.mem().addr()), bytes(parts, b -> b.mem().sizes()),
                        bytes(parts, b -> b.mem().oldBytes()), bytes(parts, b -> b.mem().newBytes())),
                new Regs(longs(parts, b -> b.regs().step()), bytes(parts, b -> b.regs().id()),
                        longs(parts, b -> b.regs().lo()), longs(parts, b -> b.regs().hi())),
                new Control(longs(parts, b -> b.control().step()), bytes(parts, b -> b.control().kind()),
                        longs(parts, b -> b.control().rip()), longs(parts, b -> b.control().target()),
                        longs(parts, b -> b.control().sp()), longs(parts, b -> b.control().args()),
                        longs(parts, b -> b.control().ret())));
    }

    private static long[] longs(List<Batch> parts, java.util.function.Function<Batch, long[]> f) {
        return parts.stream().map(f).flatMapToLong(Arrays::stream).toArray();
    }

    private static int[] ints(List<Batch> parts, java.util.function.Function<Batch, int[]> f) {
        return parts.stream().map(f).flatMapToInt(Arrays::stream).toArray();
    }

    private static byte[] bytes(List<Batch> parts, java.util.function.Function<Batch, byte[]> f) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (Batch b : parts) out.writeBytes(f.apply(b));
        return out.toByteArray();
    }
}
