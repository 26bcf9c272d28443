package dev.omniscope.server.api;

import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The one scheduler for blocking work done for a request: JDBC, files (a trace's blobs, an upload
 * written to disk), bcrypt, polling a trace's row. Never on an event-loop thread, and not on
 * Reactor's bounded-elastic scheduler: a client that goes away cancels its request, and that
 * scheduler then interrupts the thread, and an interrupt closes any FileChannel the thread is
 * reading or writing (a trace's blobs, shared by every request on that trace). Work started here
 * finishes; its answer is dropped. (Indexing jobs are not requests: they run on
 * {@code jobs.IndexingJobs}' own pool, as many at once as {@code omni.indexing.concurrency}.)
 */
public final class Blocking {
    /** As many threads as bounded-elastic would allow (10 per core); further work queues. */
    private static final int THREADS = 10 * Runtime.getRuntime().availableProcessors();
    // a plain Executor (given an ExecutorService, fromExecutor would cancel its Futures with an
    // interrupt), trampolined: a worker runs its tasks in order, one at a time, as Reactor expects
    private static final Scheduler SCHEDULER = Schedulers.fromExecutor(executor()::execute, true);

    private Blocking() {}

    public static <T> Mono<T> call(Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(SCHEDULER);
    }

    /** For operators that move work onto it ({@code publishOn}, {@code subscribeOn}). */
    public static Scheduler scheduler() {
        return SCHEDULER;
    }

    public static Mono<Void> run(Runnable work) {
        return Mono.<Void>fromRunnable(work).subscribeOn(SCHEDULER);
    }

    private static ThreadPoolExecutor executor() {
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "omni-blocking-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
