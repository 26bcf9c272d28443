package dev.omniscope.recorder;

import dev.omniscope.recorder.ptrace.Ptrace;

/**
 * The time slice. When a task has held the slot for longer than {@link #SLICE_NANOS} while others
 * wait, it is sent SIGSTKFLT (a signal programs do not use): the record loop sees it arrive, takes
 * the task off the CPU and records where (a register fingerprint, since there is no instruction
 * counter on machines without performance counters). Without this a thread spinning on a lock
 * held by a stopped thread would spin forever.
 */
final class Preemption {
    static final long SLICE_NANOS = 10_000_000L;

    private final Ptrace ptrace;
    private volatile Task running;
    private volatile long since;
    private volatile boolean othersWaiting;
    private volatile boolean stopped;
    private Task signalled;
    private Thread thread;

    Preemption(Ptrace ptrace) {
        this.ptrace = ptrace;
    }

    /** Called by the record loop before it waits: who holds the slot, and whether anyone waits for it. */
    void update(Task holder, boolean waiting) {
        if (holder != running) {
            since = System.nanoTime();
            running = holder;
        }
        othersWaiting = waiting;
    }

    void start() {
        thread = new Thread(this::run, "omni-preemption");
        thread.setDaemon(true);
        thread.start();
    }

    void stop() {
        stopped = true;
        if (thread != null) thread.interrupt();
    }

    private void run() {
        while (!stopped) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                return;
            }
            Task t = running;
            if (t == null || !othersWaiting || System.nanoTime() - since < SLICE_NANOS) continue;
            if (signalled == t && t.preemptionsSent.get() > 0) continue; // one at a time
            signalled = t;
            t.preemptionsSent.incrementAndGet();
            ptrace.tgkill(t.pid, t.tid, Ptrace.SIGSTKFLT);
            since = System.nanoTime();
        }
    }
}
