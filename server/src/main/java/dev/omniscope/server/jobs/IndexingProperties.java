package dev.omniscope.server.jobs;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param concurrency how many traces are indexed at once (default 1: a replay keeps a core busy)
 * @param maxAttempts how many times a job may be started before a job interrupted by server
 *                    restarts is marked failed instead of run again (default 3)
 */
@ConfigurationProperties("omni.indexing")
public record IndexingProperties(Integer concurrency, Integer maxAttempts) {
    public IndexingProperties {
        if (concurrency == null) concurrency = 1;
        if (maxAttempts == null) maxAttempts = 3;
        if (concurrency < 1) throw new IllegalArgumentException("omni.indexing.concurrency must be at least 1");
        if (maxAttempts < 1) throw new IllegalArgumentException("omni.indexing.max-attempts must be at least 1");
    }
}
