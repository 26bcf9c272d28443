package dev.omniscope.indexer.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

import org.apache.arrow.memory.BufferAllocator;

import dev.omniscope.indexer.emu.TraceBuffers;
import dev.omniscope.indexer.modules.ModuleMap;
import dev.omniscope.indexer.replay.MemoryMap;
import dev.omniscope.indexer.replay.Region;
import dev.omniscope.indexer.replay.ReplayListener;
import dev.omniscope.indexer.replay.ReplayProblem;
import dev.omniscope.symbols.ElfSymbol;
import dev.omniscope.symbols.GlobalVariable;
import dev.omniscope.symbols.LineRow;
import dev.omniscope.syscalls.SyscallTable;
import dev.omniscope.trace.Registers;
import dev.omniscope.trace.TraceEvent;
import dev.omniscope.trace.TraceFiles;

/**
 * Turns what a replay reports into the index's tables (docs/index-format.md), streaming each into
 * its Arrow file. Module instances arrive from the {@link ModuleMap} (call {@link #moduleLoaded}
 * for each) and become the modules, symbols, lines and variables tables.
 */
final class IndexWriter implements ReplayListener, AutoCloseable {
    /** Register ids of the reg_changes table beyond the user_regs_struct indexes. */
    static final int XMM0 = 32, MXCSR = 48;

    private final Map<Tables, TableWriter> writers = new EnumMap<>(Tables.class);
    private final CallStacks calls;
    private ModuleMap modules;
    /** Open lifetimes: regions by (pid, start), module placements likewise, tasks by tid. */
    // Sorted maps: what is still open at the end is written in a stable order (identical tables every time).
    private final Map<Long, Map<Long, Open<Region>>> openRegions = new TreeMap<>();
    private final Map<Long, Map<Long, Open<Integer>>> openModules = new TreeMap<>();
    private final Map<Integer, OpenTask> openTasks = new TreeMap<>();
    private ReplayProblem problem;

    private record Open<T>(T value, long end, long fromStep) {}

    private static final class OpenTask {
        final int pid;
        final Integer parent;
        final String kind;
        String program;
        final long start;

        OpenTask(int pid, Integer parent, String kind, String program, long start) {
            this.pid = pid;
            this.parent = parent;
            this.kind = kind;
            this.program = program;
            this.start = start;
        }
    }

    IndexWriter(Path directory, BufferAllocator allocator) throws IOException {
        for (Tables t : Tables.values()) writers.put(t, new TableWriter(t, directory, allocator));
        calls = new CallStacks(this::writeCall);
    }

    /** The writer's own module map (updated here, in event order), whose new instances it writes. */
    void setModules(ModuleMap modules) {
        this.modules = modules;
    }

    private TableWriter w(Tables t) {
        return writers.get(t);
    }

    /** Rows written so far, per table. */
    Map<String, Long> rowCounts() {
        Map<String, Long> counts = new java.util.LinkedHashMap<>();
        writers.forEach((t, w) -> counts.put(t.tableName(), w.rows()));
        return counts;
    }

    ReplayProblem problem() {
        return problem;
    }

    // ---- what ran

    @Override
    public void executed(int pid, int tid, TraceBuffers.RawBatch b) {
        try {
            // Column by column, whole columns copied as bytes: the hot path of indexing.
            TableWriter bw = w(Tables.BLOCKS);
            for (int from = 0; from < b.blocks(); ) {
                int n = Math.min(b.blocks() - from, TableWriter.BATCH_ROWS);
                int at = bw.reserve(n);
                bw.raw(0, at, b.blockStep(), 8, from, n);
                bw.constantIntFast(1, at, pid, n);
                bw.constantIntFast(2, at, tid, n);
                bw.raw(3, at, b.blockRip(), 8, from, n);
                bw.raw(4, at, b.blockInsns(), 4, from, n);
                bw.commit(n);
                from += n;
            }
            TableWriter mw = w(Tables.MEM_WRITES);
            for (int from = 0; from < b.mem(); ) {
                int n = Math.min(b.mem() - from, TableWriter.BATCH_ROWS);
                int at = mw.reserve(n);
                mw.raw(0, at, b.memStep(), 8, from, n);
                mw.constantIntFast(1, at, pid, n);
                mw.constantIntFast(2, at, tid, n);
                mw.raw(3, at, b.memRip(), 8, from, n);
                mw.raw(4, at, b.memAddr(), 8, from, n);
                mw.unsignedBytesAsInts(5, at, b.memSize(), from, n);
                mw.slottedBytes(6, at, b.memOld(), 16, b.memSize(), from, n);
                mw.slottedBytes(7, at, b.memNew(), 16, b.memSize(), from, n);
                mw.constantBool(8, at, false, n);
                mw.commit(n);
                from += n;
            }
            TableWriter rw = w(Tables.REG_CHANGES);
            for (int from = 0; from < b.regs(); ) {
                int n = Math.min(b.regs() - from, TableWriter.BATCH_ROWS);
                int at = rw.reserve(n);
                rw.raw(0, at, b.regStep(), 8, from, n);
                rw.constantIntFast(1, at, pid, n);
                rw.constantIntFast(2, at, tid, n);
                rw.unsignedBytesAsShorts(3, at, b.regId(), from, n);
                rw.raw(4, at, b.regLo(), 8, from, n);
                rw.raw(5, at, b.regHi(), 8, from, n);
                rw.commit(n);
                from += n;
            }
            TraceBuffers.Control ctl = b.control();
            for (int i = 0; i < ctl.rows(); i++) {
                if (ctl.kind()[i] == TraceBuffers.Control.CALL) {
                    long[] args = new long[6];
                    for (int a = 0; a < 6; a++) args[a] = ctl.arg(i, a);
                    calls.call(pid, tid, ctl.step()[i], ctl.rip()[i], ctl.target()[i], ctl.sp()[i], args);
                } else {
                    calls.ret(tid, ctl.step()[i], ctl.sp()[i], ctl.ret()[i]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeCall(CallStacks.Frame f, Long returnStep, Long returnValue, boolean unwound) {
        try {
            TableWriter cw = w(Tables.CALLS);
            cw.setLong(0, f.callStep());
            cw.setNullableLong(1, returnStep);
            cw.setInt(2, f.pid());
            cw.setInt(3, f.tid());
            cw.setInt(4, f.depth());
            cw.setLong(5, f.site());
            cw.setLong(6, f.target());
            cw.setString(7, modules != null ? modules.function(f.pid(), f.target()) : null);
            cw.setLong(8, f.sp());
            for (int a = 0; a < 6; a++) cw.setLong(9 + a, f.args()[a]);
            cw.setNullableLong(15, returnValue);
            cw.setBool(16, unwound);
            cw.endRow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void kernelWrite(long step, int pid, int tid, long rip, long address, byte[] oldBytes, byte[] newBytes) {
        try {
            TableWriter mw = w(Tables.MEM_WRITES);
            mw.setLong(0, step);
            mw.setInt(1, pid);
            mw.setInt(2, tid);
            mw.setLong(3, rip);
            mw.setLong(4, address);
            mw.setInt(5, newBytes.length);
            mw.setBytes(6, oldBytes, 0, oldBytes.length);
            mw.setBytes(7, newBytes, 0, newBytes.length);
            mw.setBool(8, true);
            mw.endRow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void regRow(long step, int pid, int tid, int reg, long value, long hi) throws IOException {
        TableWriter rw = w(Tables.REG_CHANGES);
        rw.setLong(0, step);
        rw.setInt(1, pid);
        rw.setInt(2, tid);
        rw.setShort(3, reg);
        rw.setLong(4, value);
        rw.setLong(5, hi);
        rw.endRow();
    }

    @Override
    public void switchedOut(long step, int pid, int tid, long rip) {
        try {
            regRow(step, pid, tid, Registers.RIP, rip, 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- tasks

    @Override
    public void taskState(long step, int pid, int tid, int parentTid, TraceEvent.TaskKind kind, long[] regs, byte[] fpregs) {
        try {
            // The whole register state: rows at the moment the task (or its new program) begins.
            for (int r = 0; r < Registers.COUNT; r++) {
                if (r == Registers.ORIG_RAX || r == Registers.CS || r == Registers.SS
                        || (r >= Registers.DS && r <= Registers.GS)) continue;
                regRow(step, pid, tid, r, regs[r], 0);
            }
            ByteBuffer fx = ByteBuffer.wrap(fpregs).order(ByteOrder.LITTLE_ENDIAN);
            for (int x = 0; x < 16; x++) regRow(step, pid, tid, XMM0 + x, fx.getLong(160 + 16 * x), fx.getLong(168 + 16 * x));
            regRow(step, pid, tid, MXCSR, fx.getInt(24) & 0xFFFFFFFFL, 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        OpenTask existing = openTasks.get(tid);
        if (existing != null) return; // an exec: exec() below records the new program
        Integer parent = parentTid == 0 ? null : parentTid;
        String program = parent != null && openTasks.containsKey(parentTid) ? openTasks.get(parentTid).program : "";
        if (parent != null && kind != TraceEvent.TaskKind.THREAD) calls.fork(parentTid, tid, pid);
        openTasks.put(tid, new OpenTask(pid, parent, kind.name().toLowerCase(), program, step));
    }

    @Override
    public void exec(long step, int pid, int tid, TraceEvent.Exec exec) {
        OpenTask t = openTasks.get(tid);
        if (t != null) {
            // One row per program a task ran: close the old image's row, open the new one.
            writeTask(tid, t, step, null);
            openTasks.put(tid, new OpenTask(pid, t.parent, t.kind, exec.executable(), step));
        } else {
            openTasks.put(tid, new OpenTask(pid, null, "process", exec.executable(), step));
        }
        calls.end(tid);
    }

    @Override
    public void taskEnded(long step, int pid, int tid, int waitStatus) {
        calls.end(tid);
        OpenTask t = openTasks.remove(tid);
        if (t != null) writeTask(tid, t, step, waitStatus);
    }

    private void writeTask(int tid, OpenTask t, Long endStep, Integer waitStatus) {
        try {
            TableWriter tw = w(Tables.TASKS);
            tw.setInt(0, tid);
            tw.setInt(1, t.pid);
            tw.setNullableInt(2, t.parent);
            tw.setString(3, t.kind);
            tw.setString(4, t.program);
            tw.setLong(5, t.start);
            tw.setNullableLong(6, endStep);
            tw.setNullableInt(7, waitStatus);
            tw.endRow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- system calls and signals

    @Override
    public void syscall(long step, int pid, int tid, TraceEvent.SyscallEnter enter, TraceEvent.SyscallExit exit) {
        try {
            TableWriter sw = w(Tables.SYSCALLS);
            sw.setLong(0, step);
            sw.setInt(1, pid);
            sw.setInt(2, tid);
            sw.setInt(3, enter.number());
            sw.setString(4, SyscallTable.name(enter.number()));
            for (int a = 0; a < 6; a++) sw.setLong(5 + a, enter.args()[a]);
            sw.setNullableLong(11, exit == null ? null : exit.result());
            sw.setLong(12, enter.rip());
            sw.endRow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void signal(long step, int pid, int tid, TraceEvent.Signal signal) {
        try {
            TableWriter sw = w(Tables.SIGNALS);
            sw.setLong(0, step);
            sw.setInt(1, pid);
            sw.setInt(2, tid);
            sw.setInt(3, signal.signo());
            sw.setString(4, signal.disposition().name().toLowerCase());
            sw.setLong(5, signal.deliveryRegs()[Registers.RIP]);
            sw.setNullableLong(6, signal.handlerRegs() == null ? null : signal.handlerRegs()[Registers.RIP]);
            sw.endRow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- address spaces and modules

    @Override
    public void regionsChanged(long step, int pid, MemoryMap.Change change) {
        if (modules != null) modules.regionsChanged(pid, change);
        Map<Long, Open<Region>> regions = openRegions.computeIfAbsent((long) pid, p -> new TreeMap<>());
        Map<Long, Open<Integer>> placed = openModules.computeIfAbsent((long) pid, p -> new TreeMap<>());
        try {
            for (Region r : change.removed()) {
                Open<Region> open = regions.remove(r.start());
                if (open != null) writeRegion(pid, open, step);
                Open<Integer> module = placed.remove(r.start());
                if (module != null) writeModuleRegion(pid, r.start(), module, step);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Region r : change.added()) {
            regions.put(r.start(), new Open<>(r, r.end(), step));
            if (modules != null && (r.prot() & 4) != 0) {
                modules.moduleAt(pid, r.start()).ifPresent(m -> placed.put(r.start(), new Open<>(m.id(), r.end(), step)));
            }
        }
    }

    private void writeRegion(int pid, Open<Region> open, Long toStep) throws IOException {
        Region r = open.value();
        TableWriter rw = w(Tables.REGIONS);
        rw.setInt(0, pid);
        rw.setLong(1, r.start());
        rw.setLong(2, r.end());
        rw.setInt(3, r.prot());
        rw.setBool(4, r.shared());
        rw.setString(5, r.path());
        rw.setLong(6, r.fileOffset());
        rw.setString(7, r.origin().name().toLowerCase());
        rw.setString(8, r.blob());
        rw.setLong(9, r.blobOffset());
        rw.setLong(10, r.blobLength());
        rw.setLong(11, r.contentStep());
        rw.setInt(12, r.sourcePid());
        rw.setLong(13, open.fromStep());
        rw.setNullableLong(14, toStep);
        rw.endRow();
    }

    private void writeModuleRegion(int pid, long start, Open<Integer> open, Long toStep) throws IOException {
        TableWriter mw = w(Tables.MODULE_REGIONS);
        mw.setInt(0, pid);
        mw.setInt(1, open.value());
        mw.setLong(2, start);
        mw.setLong(3, open.end());
        mw.setLong(4, open.fromStep());
        mw.setNullableLong(5, toStep);
        mw.endRow();
    }

    /** A module instance appeared: its symbols, lines and variables at their run-time addresses. */
    void moduleLoaded(ModuleMap.Instance m) {
        try {
            TableWriter mw = w(Tables.MODULES);
            mw.setInt(0, m.id());
            mw.setString(1, m.path());
            mw.setLong(2, m.bias());
            mw.setString(3, m.elf().buildId().orElse(null));
            mw.setBool(4, m.elf().hasDwarf());
            mw.endRow();
            TableWriter sw = w(Tables.SYMBOLS);
            for (ElfSymbol s : m.elf().symbols()) {
                if (!s.defined() || s.value() == 0) continue;
                sw.setInt(0, m.id());
                sw.setString(1, s.name());
                sw.setString(2, s.demangled());
                sw.setString(3, s.kind().name().toLowerCase());
                sw.setLong(4, s.value() + m.bias());
                sw.setLong(5, s.size());
                sw.setString(6, s.binding().name().toLowerCase());
                sw.endRow();
            }
            TableWriter lw = w(Tables.LINES);
            var files = m.elf().sourceFiles();
            for (LineRow l : m.elf().lineRows()) {
                lw.setInt(0, m.id());
                lw.setLong(1, l.address() + m.bias());
                lw.setString(2, l.fileIndex() >= 0 && l.fileIndex() < files.size() ? files.get(l.fileIndex()) : "");
                lw.setInt(3, l.line());
                lw.setInt(4, l.column());
                lw.setBool(5, l.isStmt());
                lw.setBool(6, l.endSequence());
                lw.endRow();
            }
            TableWriter vw = w(Tables.VARIABLES);
            for (GlobalVariable v : m.elf().globals()) {
                vw.setInt(0, m.id());
                vw.setString(1, v.name());
                vw.setString(2, v.qualifiedName());
                vw.setLong(3, v.address() + m.bias());
                vw.setLong(4, v.size());
                vw.setString(5, v.typeName());
                vw.setString(6, v.file());
                vw.setInt(7, v.line());
                vw.endRow();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void sources(TraceFiles.Sources sources) throws IOException {
        TableWriter sw = w(Tables.SOURCES);
        for (TraceFiles.Source s : sources.sources()) {
            sw.setString(0, s.path());
            sw.setString(1, s.blob());
            sw.setLong(2, s.size());
            sw.endRow();
        }
    }

    @Override
    public void stopped(ReplayProblem problem) {
        this.problem = problem;
    }

    @Override
    public void close() throws IOException {
        // What is still open at the end lives to the end: null end steps.
        calls.endAll();
        for (Map.Entry<Integer, OpenTask> e : openTasks.entrySet()) writeTask(e.getKey(), e.getValue(), null, null);
        openTasks.clear();
        for (Map.Entry<Long, Map<Long, Open<Region>>> e : openRegions.entrySet()) {
            for (Open<Region> open : e.getValue().values()) writeRegion(e.getKey().intValue(), open, null);
        }
        for (Map.Entry<Long, Map<Long, Open<Integer>>> e : openModules.entrySet()) {
            for (Map.Entry<Long, Open<Integer>> m : e.getValue().entrySet()) writeModuleRegion(e.getKey().intValue(), m.getKey(), m.getValue(), null);
        }
        IOException failure = null;
        for (TableWriter w : writers.values()) {
            try {
                w.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        if (failure != null) throw failure;
    }
}
