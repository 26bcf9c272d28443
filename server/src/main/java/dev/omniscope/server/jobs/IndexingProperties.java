package dev.omniscope.server.jobs;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * @param concurrency      how many traces are indexed at once (default 1: a replay keeps a core busy)
 * @param maxAttempts      how many times a job may be started before a job interrupted by server
 *                         restarts is marked failed instead of run again (default 3)
 * @param timeout          how long one replay (the child indexer process) may run before it is
 *                         stopped and its job failed (default 6 hours)
 * @param maxHeap          the child indexer's Java heap, and again its direct (off-heap) memory
 *                         (default 1 GB)
 * @param maxAddressSpace  the child indexer's virtual address space (RLIMIT_AS), the bound on its
 *                         native memory, the emulator's included (default 8 GB; 0: no limit). The
 *                         JVM and Unicorn reserve much more than they use: with a 512 MB heap the
 *                         indexer needs about 3.3 GB of address space to start replaying
 * @param childJvmOptions  more options for the child indexer's JVM (tests pass the test-only
 *                         {@code -Domni.test.*} triggers of {@code IndexChild} here)
 */
@ConfigurationProperties("omni.indexing")
public record IndexingProperties(Integer concurrency, Integer maxAttempts, Duration timeout, DataSize maxHeap,
                                 DataSize maxAddressSpace, List<String> childJvmOptions) {
    public IndexingProperties {
        if (concurrency == null) concurrency = 1;
        if (maxAttempts == null) maxAttempts = 3;
        if (timeout == null) timeout = Duration.ofHours(6);
        if (maxHeap == null) maxHeap = DataSize.ofGigabytes(1);
        if (maxAddressSpace == null) maxAddressSpace = DataSize.ofGigabytes(8);
        childJvmOptions = childJvmOptions == null ? List.of() : List.copyOf(childJvmOptions);
        if (concurrency < 1) throw new IllegalArgumentException("omni.indexing.concurrency must be at least 1");
        if (maxAttempts < 1) throw new IllegalArgumentException("omni.indexing.max-attempts must be at least 1");
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("omni.indexing.timeout must be positive");
        if (maxHeap.toMegabytes() < 64) throw new IllegalArgumentException("omni.indexing.max-heap must be at least 64MB");
        if (maxAddressSpace.isNegative()) throw new IllegalArgumentException("omni.indexing.max-address-space must not be negative");
    }

    /** The defaults, as a server without settings has them. */
    public static IndexingProperties defaults() {
        return new IndexingProperties(null, null, null, null, null, null);
    }
}
