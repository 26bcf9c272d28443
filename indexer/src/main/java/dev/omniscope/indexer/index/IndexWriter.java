package dev.omniscope.indexer.index;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import org.apache.arrow.memory.BufferAllocator;

import dev.omniscope.indexer.emu.TraceBuffers;
import dev.omniscope.indexer.modules.ModuleFiles;
import dev.omniscope.indexer.modules.ModuleMap;
import dev.omniscope.indexer.replay.MemoryMap;
import dev.omniscope.indexer.replay.ReplayListener;
import dev.omniscope.trace.TraceEvent;
import dev.omniscope.trace.TraceFiles;

/**
 * Turns what a replay reports into the index's tables (docs/index-format.md), each streamed into
 * its Arrow file by the writer of its group: {@link ExecutionWriter} (blocks, mem_writes,
 * reg_changes), {@link CallWriter} (calls), {@link EventWriter} (syscalls, signals, tasks),
 * {@link RegionWriter} (regions, module_regions) and {@link ProgramWriter} (modules, symbols,
 * lines, variables, sources). This class opens the tables, hands each event to the groups it
 * concerns and keeps the writer's own module map, updated in event order.
 */
final class IndexWriter implements ReplayListener, AutoCloseable {
    private final Map<IndexTable, TableWriter> tables = new EnumMap<>(IndexTable.class);
    private final ModuleMap modules;
    private final ExecutionWriter execution;
    private final CallWriter calls;
    private final EventWriter events;
    private final RegionWriter regions;
    private final ProgramWriter program;

    /** Modules are opened from {@code files}; the module instances met become the program tables' rows. */
    IndexWriter(Path directory, BufferAllocator allocator, ModuleFiles files) throws IOException {
        try {
            for (IndexTable t : IndexTable.values()) tables.put(t, new TableWriter(t, directory, allocator));
            // Each group takes its tables (resolving its column handles): every table exactly once.
            EnumSet<IndexTable> taken = EnumSet.noneOf(IndexTable.class);
            Function<IndexTable, TableWriter> take = t -> {
                if (!taken.add(t)) throw new IllegalStateException(t.tableName() + " has two writers");
                return tables.get(t);
            };
            execution = new ExecutionWriter(take);
            program = new ProgramWriter(take);
            modules = new ModuleMap(files, program::moduleLoaded);
            calls = new CallWriter(take, modules);
            events = new EventWriter(take);
            regions = new RegionWriter(take, modules);
            if (taken.size() != tables.size()) throw new IllegalStateException("no writer for " + EnumSet.complementOf(taken));
        } catch (IOException | RuntimeException | Error e) {
            try {
                closeTables();
            } catch (IOException | RuntimeException c) {
                e.addSuppressed(c);
            }
            throw e;
        }
    }

    /** Rows written so far, per table, in the order of {@link IndexTable}. */
    Map<String, Long> rowCounts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        tables.forEach((t, w) -> counts.put(t.tableName(), w.rows()));
        return counts;
    }

    void sources(TraceFiles.Sources sources) {
        program.sources(sources);
    }

    @Override
    public void executed(int pid, int memoryPid, int tid, TraceBuffers.RawBatch batch) {
        execution.executed(pid, memoryPid, tid, batch);
        calls.executed(pid, tid, batch.control());
    }

    @Override
    public void kernelWrite(long step, int pid, int tid, long rip, long address, byte[] oldBytes, byte[] newBytes) {
        execution.kernelWrite(step, pid, tid, rip, address, oldBytes, newBytes);
    }

    @Override
    public void switchedOut(long step, int pid, int tid, long rip) {
        execution.switchedOut(step, pid, tid, rip);
    }

    @Override
    public void taskState(long step, int pid, int tid, int parentTid, TraceEvent.TaskKind kind, long[] regs, byte[] fpregs) {
        execution.registers(step, pid, tid, regs, fpregs);
        boolean started = events.taskState(step, pid, tid, parentTid, kind);
        if (started && parentTid != 0 && kind != TraceEvent.TaskKind.THREAD) calls.fork(parentTid, tid, pid);
    }

    @Override
    public void exec(long step, int pid, int tid, TraceEvent.Exec exec) {
        events.exec(step, pid, tid, exec);
        calls.replaced(tid, step);
    }

    @Override
    public void taskEnded(long step, int pid, int tid, int waitStatus) {
        calls.end(tid);
        events.taskEnded(step, tid, waitStatus);
    }

    @Override
    public void syscall(long step, int pid, int tid, TraceEvent.SyscallEnter enter, TraceEvent.SyscallExit exit) {
        events.syscall(step, pid, tid, enter, exit);
    }

    @Override
    public void signal(long step, int pid, int tid, TraceEvent.Signal signal) {
        events.signal(step, pid, tid, signal);
    }

    @Override
    public void regionsChanged(long step, int pid, MemoryMap.Change change) {
        modules.regionsChanged(pid, change); // first: new modules' rows, and the names of the new regions' modules
        regions.regionsChanged(step, pid, change);
    }

    @Override
    public void close() throws IOException {
        // What is still open at the end lives to the end: null end steps.
        calls.finish();
        events.finish();
        regions.finish();
        closeTables();
    }

    private void closeTables() throws IOException {
        IOException failure = null;
        for (TableWriter w : tables.values()) {
            try {
                w.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        if (failure != null) throw failure;
    }
}
