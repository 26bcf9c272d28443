package dev.omniscope.indexer.index;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import dev.omniscope.indexer.emu.TraceBuffers;
import dev.omniscope.indexer.replay.MemoryMap;
import dev.omniscope.indexer.replay.ReplayListener;
import dev.omniscope.indexer.replay.ReplayProblem;
import dev.omniscope.trace.TraceEvent;

/**
 * Runs a listener on its own thread, in order, so that writing the tables (filling columns,
 * compressing) overlaps with emulation on a machine's second core. The queue is bounded: the
 * replay waits when the writer falls behind, so memory stays bounded. Arguments are copied where
 * the replay may reuse them (batches are fresh arrays already).
 */
final class AsyncListener implements ReplayListener, AutoCloseable {
    private static final int QUEUE = 64;
    private static final Runnable END = () -> { };

    private final ReplayListener target;
    private final BlockingQueue<Runnable> queue = new ArrayBlockingQueue<>(QUEUE);
    private final Thread thread;
    private volatile Throwable failure;
    private boolean failureThrown; // the producer has seen it already: close() does not throw it again

    AsyncListener(ReplayListener target) {
        this.target = target;
        this.thread = new Thread(this::drain, "omni-index-writer");
        thread.start();
    }

    private void drain() {
        try {
            while (true) {
                Runnable r = queue.take();
                if (r == END) return;
                if (failure == null) r.run();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure = t;
            queue.clear(); // unblock the producer; it sees the failure on its next call
        }
    }

    private void submit(Runnable r) {
        if (failure != null) rethrow();
        try {
            queue.put(r);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while indexing", e);
        }
    }

    private void rethrow() {
        failureThrown = true;
        Throwable t = failure;
        if (t instanceof RuntimeException r) throw r;
        if (t instanceof Error e) throw e;
        throw new IllegalStateException("writing the index failed: " + t, t);
    }

    @Override
    public void exec(long step, int pid, int tid, TraceEvent.Exec exec) {
        submit(() -> target.exec(step, pid, tid, exec));
    }

    @Override
    public void taskState(long step, int pid, int tid, int parentTid, TraceEvent.TaskKind kind, long[] regs, byte[] fpregs) {
        long[] r = regs.clone();
        byte[] f = fpregs.clone();
        submit(() -> target.taskState(step, pid, tid, parentTid, kind, r, f));
    }

    @Override
    public void taskEnded(long step, int pid, int tid, int waitStatus) {
        submit(() -> target.taskEnded(step, pid, tid, waitStatus));
    }

    @Override
    public void executed(int pid, int memoryPid, int tid, TraceBuffers.RawBatch batch) {
        submit(() -> target.executed(pid, memoryPid, tid, batch));
    }

    @Override
    public void kernelWrite(long step, int pid, int tid, long rip, long address, byte[] oldBytes, byte[] newBytes) {
        byte[] o = oldBytes.clone(), n = newBytes.clone();
        submit(() -> target.kernelWrite(step, pid, tid, rip, address, o, n));
    }

    @Override
    public void switchedOut(long step, int pid, int tid, long rip) {
        submit(() -> target.switchedOut(step, pid, tid, rip));
    }

    @Override
    public void syscall(long step, int pid, int tid, TraceEvent.SyscallEnter enter, TraceEvent.SyscallExit exit) {
        submit(() -> target.syscall(step, pid, tid, enter, exit));
    }

    @Override
    public void signal(long step, int pid, int tid, TraceEvent.Signal signal) {
        submit(() -> target.signal(step, pid, tid, signal));
    }

    @Override
    public void regionsChanged(long step, int pid, MemoryMap.Change change) {
        submit(() -> target.regionsChanged(step, pid, change));
    }

    @Override
    public void stopped(ReplayProblem problem) {
        submit(() -> target.stopped(problem));
    }

    /** Waits for the writer to finish everything submitted. */
    @Override
    public void close() {
        try {
            if (failure == null) queue.put(END);
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failure != null && !failureThrown) rethrow();
    }
}
