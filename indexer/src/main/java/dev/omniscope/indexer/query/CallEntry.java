package dev.omniscope.indexer.query;

import java.util.List;

/**
 * A call and its return: the document of {@code omni calls} and the server's calls endpoint.
 *
 * @param returnStep  the ret's step; null if it never returned (still open at the end, or the task ended)
 * @param unwound     closed by a longjmp or an exception's unwinding rather than a ret
 */
public record CallEntry(long callStep, Long returnStep, int pid, int tid, int depth, String callSite, String target,
                        String function, List<String> args, String returnValue, boolean unwound) {
}
