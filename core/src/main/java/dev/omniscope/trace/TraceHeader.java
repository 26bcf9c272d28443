package dev.omniscope.trace;

import java.util.List;
import java.util.Map;

/**
 * trace.json: what was recorded, how, and on what. Written once when recording starts; the event
 * stream's End record says whether the recording finished.
 *
 * @param format       always "omniscope-trace"
 * @param version      the trace format version (this code writes and reads {@link #VERSION})
 * @param recorder     the omni version that recorded
 * @param created      ISO-8601 time the recording started
 * @param command      the command line as given (argv[0] first)
 * @param executable   the program file that was executed
 * @param cwd          the working directory
 * @param environment  the program's whole environment (K=V)
 * @param environmentChanges what omni changed in the environment it was given: set and unset
 * @param masking      the CPU features hidden from the program so that the replay can execute it
 * @param host         kernel and CPU of the recording machine, for reports
 */
public record TraceHeader(String format, int version, String recorder, String created, List<String> command,
                          String executable, String cwd, List<String> environment, EnvironmentChanges environmentChanges,
                          Masking masking, Map<String, String> host) {
    public static final String FORMAT = "omniscope-trace";
    public static final int VERSION = 1;

    public record EnvironmentChanges(Map<String, String> set, List<String> unset) {}

    /** @param enabled false with --no-mask */
    public record Masking(boolean enabled, List<String> features, Map<String, String> variables) {}
}
