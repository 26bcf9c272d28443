package dev.omniscope.indexer.index;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Function;

import dev.omniscope.indexer.emu.TraceBuffers;
import dev.omniscope.indexer.index.IndexTable.Col;
import dev.omniscope.trace.Registers;

/**
 * The execution tables: {@code blocks}, {@code mem_writes} and {@code reg_changes}, from the
 * emulator's batches (copied column by column, whole columns as bytes: the hot path of indexing),
 * the kernel's writes and the register states the replay reports.
 */
final class ExecutionWriter {
    /** Register ids of the reg_changes table beyond the user_regs_struct indexes. */

    /** The columns every execution table starts with: the row's step, and the task that ran. */
    private record Task(Col<Long> step, Col<Integer> pid, Col<Integer> tid) {
        Task(IndexTable t) {
            this(t.i64("step"), t.i32("pid"), t.i32("tid"));
        }

        /** Rows [at, at+n): steps [from, from+n) of a batch's column (as bytes), the task's ids throughout. */
        void fill(TableWriter w, int at, byte[] steps, int from, int n, int pidValue, int tidValue) {
            w.rawLongs(step, at, steps, from, n);
            w.constantInt(pid, at, pidValue, n);
            w.constantInt(tid, at, tidValue, n);
        }

        void set(TableWriter w, long stepValue, int pidValue, int tidValue) {
            w.setLong(step, stepValue);
            w.setInt(pid, pidValue);
            w.setInt(tid, tidValue);
        }
    }

    private static final class Blocks {
        static final IndexTable T = IndexTable.BLOCKS;
        static final Task TASK = new Task(T);
        static final Col<Long> RIP = T.i64("rip");
        static final Col<Integer> INSTRUCTIONS = T.i32("instructions");
    }

    private static final class MemWrites {
        static final IndexTable T = IndexTable.MEM_WRITES;
        static final Task TASK = new Task(T);
        static final Col<Long> RIP = T.i64("rip"), ADDR = T.i64("addr");
        static final Col<Integer> SIZE = T.i32("size");
        static final Col<byte[]> OLD = T.bytes("old"), NEW = T.bytes("new");
        static final Col<Boolean> KERNEL = T.bool("kernel");
    }

    private static final class RegChanges {
        static final IndexTable T = IndexTable.REG_CHANGES;
        static final Task TASK = new Task(T);
        static final Col<Long> VALUE = T.i64("value"), VALUE_HI = T.i64("value_hi");
        static final Col<Short> REG = T.i16("reg");
    }

    private final TableWriter blocks, memWrites, regChanges;

    ExecutionWriter(Function<IndexTable, TableWriter> tables) {
        this.blocks = tables.apply(Blocks.T);
        this.memWrites = tables.apply(MemWrites.T);
        this.regChanges = tables.apply(RegChanges.T);
    }

    /** The blocks, stores and register changes of one batch of task (pid, tid); its stores changed {@code memoryPid}'s memory. */
    void executed(int pid, int memoryPid, int tid, TraceBuffers.RawBatch b) {
        blocks.appendRuns(b.blocks(), (at, from, n) -> {
            Blocks.TASK.fill(blocks, at, b.blockStep(), from, n, pid, tid);
            blocks.rawLongs(Blocks.RIP, at, b.blockRip(), from, n);
            blocks.rawInts(Blocks.INSTRUCTIONS, at, b.blockInsns(), from, n);
        });
        memWrites.appendRuns(b.mem(), (at, from, n) -> {
            MemWrites.TASK.fill(memWrites, at, b.memStep(), from, n, memoryPid, tid);
            memWrites.rawLongs(MemWrites.RIP, at, b.memRip(), from, n);
            memWrites.rawLongs(MemWrites.ADDR, at, b.memAddr(), from, n);
            memWrites.unsignedBytesAsInts(MemWrites.SIZE, at, b.memSize(), from, n);
            memWrites.slottedBytes(MemWrites.OLD, at, b.memOld(), 16, b.memSize(), from, n);
            memWrites.slottedBytes(MemWrites.NEW, at, b.memNew(), 16, b.memSize(), from, n);
            memWrites.constantBool(MemWrites.KERNEL, at, false, n);
        });
        regChanges.appendRuns(b.regs(), (at, from, n) -> {
            RegChanges.TASK.fill(regChanges, at, b.regStep(), from, n, pid, tid);
            regChanges.unsignedBytesAsShorts(RegChanges.REG, at, b.regId(), from, n);
            regChanges.rawLongs(RegChanges.VALUE, at, b.regLo(), from, n);
            regChanges.rawLongs(RegChanges.VALUE_HI, at, b.regHi(), from, n);
        });
    }

    void kernelWrite(long step, int pid, int tid, long rip, long address, byte[] oldBytes, byte[] newBytes) {
        MemWrites.TASK.set(memWrites, step, pid, tid);
        memWrites.setLong(MemWrites.RIP, rip);
        memWrites.setLong(MemWrites.ADDR, address);
        memWrites.setInt(MemWrites.SIZE, newBytes.length);
        memWrites.setBytes(MemWrites.OLD, oldBytes, 0, oldBytes.length);
        memWrites.setBytes(MemWrites.NEW, newBytes, 0, newBytes.length);
        memWrites.setBool(MemWrites.KERNEL, true);
        memWrites.endRow();
    }

    /** The task's rip when it stops running. */
    void switchedOut(long step, int pid, int tid, long rip) {
        register(step, pid, tid, Registers.RIP, rip, 0);
    }

    /** The whole register state: rows at the moment a task (or its new program) begins. */
    void registers(long step, int pid, int tid, long[] regs, byte[] fpregs) {
        for (int r = 0; r < Registers.COUNT; r++) {
            if (r == Registers.ORIG_RAX || r == Registers.CS || r == Registers.SS
                    || (r >= Registers.DS && r <= Registers.GS)) continue;
            register(step, pid, tid, r, regs[r], 0);
        }
        ByteBuffer fx = ByteBuffer.wrap(fpregs).order(ByteOrder.LITTLE_ENDIAN);
        for (int x = 0; x < Registers.XMM_COUNT; x++) register(step, pid, tid, Registers.XMM0 + x, fx.getLong(160 + 16 * x), fx.getLong(168 + 16 * x));
        register(step, pid, tid, Registers.MXCSR, fx.getInt(24) & 0xFFFFFFFFL, 0);
    }

    private void register(long step, int pid, int tid, int reg, long value, long hi) {
        RegChanges.TASK.set(regChanges, step, pid, tid);
        regChanges.setShort(RegChanges.REG, reg);
        regChanges.setLong(RegChanges.VALUE, value);
        regChanges.setLong(RegChanges.VALUE_HI, hi);
        regChanges.endRow();
    }
}
