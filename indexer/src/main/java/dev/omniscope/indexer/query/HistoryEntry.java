package dev.omniscope.indexer.query;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One write to a watched range of memory: the document of {@code omni history --json} and of the
 * server's history endpoint. Addresses are "0x..." strings; bytes are lowercase hex in memory order.
 *
 * @param old    the bytes this write covered, before it
 * @param after  the whole watched range after this write
 * @param kernel written by the kernel (a system call's output, a signal frame), not an instruction
 */
public record HistoryEntry(long step, int pid, int tid, String rip, String function, String file, Integer line,
                           String addr, int size, String old, @JsonProperty("new") String new_, String after, boolean kernel) {
}
