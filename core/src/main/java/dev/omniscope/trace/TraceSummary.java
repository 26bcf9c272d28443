package dev.omniscope.trace;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.omniscope.syscalls.SyscallTable;

/**
 * What is in a trace, read in one pass over its events (what {@code omni info} prints and the
 * server shows): processes and threads, counts, sizes, warnings, and whether it is complete.
 */
public record TraceSummary(TraceHeader header, boolean complete, String incompleteReason, Integer exitStatus,
                           List<Process> processes, Map<String, Long> eventCounts, Map<String, Long> syscalls,
                           long snapshotBytes, long blobs, long blobBytes, long eventStreamBytes, long totalBytes,
                           List<String> modules, int sources, List<String> warnings) {

    /** A process of the recording: every program it ran, its threads, how it ended. */
    public record Process(int pid, Integer parentPid, List<String> programs, List<Integer> threads, Integer waitStatus) {}

    public static TraceSummary of(Trace trace) throws IOException {
        Map<String, Long> counts = new LinkedHashMap<>();
        Map<String, Long> syscalls = new TreeMap<>();
        Map<Integer, Process> processes = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        long snapshotBytes = 0;
        Integer exitStatus = null;
        boolean truncated;
        String damage = null;
        try (EventStreamReader events = trace.events()) {
            try {
                for (Iterator<TraceEvent> it = events; it.hasNext(); ) {
                    TraceEvent e = it.next();
                    counts.merge(kindName(e), 1L, Long::sum);
                    if (e instanceof TraceEvent.Exec x) {
                        Process p = processes.computeIfAbsent(x.pid(), pid -> new Process(pid, null, new ArrayList<>(), new ArrayList<>(), null));
                        p.programs().add(x.executable());
                        if (!p.threads().contains(x.tid())) p.threads().add(x.tid());
                        for (Mapping m : x.mappings()) if (m.content() == Mapping.Content.BLOB) snapshotBytes += m.blobLength();
                    } else if (e instanceof TraceEvent.SyscallEnter s) {
                        syscalls.merge(SyscallTable.name(s.number()), 1L, Long::sum);
                    } else if (e instanceof TraceEvent.NewTask n) {
                        Process parent = processOf(processes, n.parentTid());
                        if (n.kind() == TraceEvent.TaskKind.THREAD) {
                            processes.computeIfAbsent(n.pid(), pid -> new Process(pid, null, new ArrayList<>(), new ArrayList<>(), null))
                                    .threads().add(n.tid());
                        } else {
                            List<String> programs = new ArrayList<>();
                            if (parent != null && !parent.programs().isEmpty()) programs.add(parent.programs().get(parent.programs().size() - 1));
                            List<Integer> threads = new ArrayList<>(List.of(n.tid()));
                            processes.put(n.pid(), new Process(n.pid(), parent == null ? null : parent.pid(), programs, threads, null));
                        }
                    } else if (e instanceof TraceEvent.TaskExit x && x.lastOfProcess()) {
                        Process p = processes.get(x.pid());
                        if (p != null) processes.put(x.pid(), new Process(p.pid(), p.parentPid(), p.programs(), p.threads(), x.waitStatus()));
                    } else if (e instanceof TraceEvent.Warning w) {
                        warnings.add(w.code() + ": " + w.message() + (w.tid() != 0 ? " (task " + w.tid() + ")" : ""));
                    } else if (e instanceof TraceEvent.End end) {
                        exitStatus = end.waitStatus();
                    }
                }
            } catch (TraceFormatException e) {
                damage = e.getMessage();
            }
            truncated = events.truncated();
        }
        long blobs = 0, blobBytes = 0, total = 0;
        for (String entry : trace.storage().entries()) {
            long size = trace.storage().size(entry);
            total += size;
            if (entry.startsWith("blobs/")) {
                blobs++;
                blobBytes += size;
            }
        }
        long eventBytes = trace.storage().has(Trace.EVENTS) ? trace.storage().size(Trace.EVENTS) : 0;
        boolean complete = exitStatus != null && damage == null;
        String reason = complete ? null
                : damage != null ? "damaged: " + damage
                : truncated ? "truncated: the recording stopped inside a chunk (the recorder was killed?)"
                : "truncated: the recording did not finish (no end record)";
        List<String> modules = new ArrayList<>();
        int sources = 0;
        if (trace.storage().has(TraceFiles.MODULES)) {
            try (var in = trace.storage().open(TraceFiles.MODULES)) {
                for (TraceFiles.Module m : Trace.json().readValue(in, TraceFiles.Modules.class).modules()) {
                    modules.add(m.path() + (m.debugBlob() != null ? " (with debug file)" : ""));
                }
            }
        }
        if (trace.storage().has(TraceFiles.SOURCES)) {
            try (var in = trace.storage().open(TraceFiles.SOURCES)) {
                sources = Trace.json().readValue(in, TraceFiles.Sources.class).sources().size();
            }
        }
        return new TraceSummary(trace.header(), complete, reason, exitStatus, new ArrayList<>(processes.values()), counts,
                syscalls, snapshotBytes, blobs, blobBytes, eventBytes, total, modules, sources, warnings);
    }

    private static Process processOf(Map<Integer, Process> processes, int tid) {
        for (Process p : processes.values()) if (p.threads().contains(tid)) return p;
        return null;
    }

    static String kindName(TraceEvent e) {
        String n = e.getClass().getSimpleName();
        StringBuilder sb = new StringBuilder();
        for (char c : n.toCharArray()) {
            if (Character.isUpperCase(c) && sb.length() > 0) sb.append('_');
            sb.append(Character.toLowerCase(c));
        }
        return sb.toString();
    }
}
