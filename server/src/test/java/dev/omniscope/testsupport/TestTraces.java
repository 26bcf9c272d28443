package dev.omniscope.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;


import dev.omniscope.recorder.testing.Omni;
import dev.omniscope.trace.EventStreamReader;
import dev.omniscope.trace.EventStreamWriter;
import dev.omniscope.trace.PackedTrace;
import dev.omniscope.trace.Trace;
import dev.omniscope.trace.TraceEvent;

/**
 * Real traces for server tests, recorded once per test JVM by the real recorder in a child JVM
 * ({@code omni record -o DIR -- native/build/tests/PROGRAM}) and packed, and altered copies of
 * them for the failure cases.
 */
public final class TestTraces {
    private static final Path ROOT;

    static {
        try {
            ROOT = Files.createTempDirectory("omni-test-traces");
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private TestTraces() {}

    /** The trace directory of a recording of native/build/tests/{@code program}, recorded on first use. */
    public static synchronized Path recorded(String program) throws Exception {
        Path dir = ROOT.resolve(program);
        if (Files.isRegularFile(dir.resolve(Trace.HEADER))) return dir;
        Omni.Run run = Omni.record(dir, List.of(Omni.testProgram(program).toString()));
        if (!Files.isRegularFile(dir.resolve(Trace.HEADER))) {
            throw new IllegalStateException("omni record " + program + " exited " + run.exitCode() + ":\n" + run.stderr());
        }
        return dir;
    }

    /** The recording packed (as {@code omni pack} packs it), on first use. */
    public static synchronized Path packed(String program) throws Exception {
        Path file = ROOT.resolve(program + ".omnitrace");
        if (Files.isRegularFile(file)) return file;
        try (Trace t = Trace.open(recorded(program))) {
            PackedTrace.write(t.storage(), file);
        }
        return file;
    }

    /**
     * A copy of a recording whose event stream is cut inside its last chunk (a recorder killed while
     * writing), packed: a valid upload whose replay ends early.
     */
    public static synchronized Path truncatedRecording(String program) throws Exception {
        Path file = ROOT.resolve(program + "-truncated.omnitrace");
        if (Files.isRegularFile(file)) return file;
        Path copy = copyOf(program, program + "-truncated");
        Path events = copy.resolve(Trace.EVENTS);
        long size = Files.size(events);
        try (var channel = java.nio.channels.FileChannel.open(events, java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(size - 10);
        }
        try (Trace t = Trace.open(copy)) {
            PackedTrace.write(t.storage(), file);
        }
        return file;
    }

    /**
     * A copy of a recording whose first write(2) now claims file descriptor 42, packed: a valid
     * upload whose replay diverges at that call (after everything before it ran).
     */
    public static synchronized Path divergingRecording(String program) throws Exception {
        Path file = ROOT.resolve(program + "-diverging.omnitrace");
        if (Files.isRegularFile(file)) return file;
        Path copy = copyOf(program, program + "-diverging");
        Path events = copy.resolve(Trace.EVENTS);
        Path altered = ROOT.resolve(program + "-diverging.events");
        try (Trace t = Trace.open(copy); EventStreamReader in = t.events(); EventStreamWriter out = new EventStreamWriter(altered)) {
            boolean done = false;
            for (Iterator<TraceEvent> it = in; it.hasNext(); ) {
                TraceEvent e = it.next();
                if (!done && e instanceof TraceEvent.SyscallEnter enter && enter.number() == 1) {
                    long[] args = enter.args().clone();
                    args[0] = 42;
                    e = new TraceEvent.SyscallEnter(enter.tid(), enter.number(), args, enter.rip());
                    done = true;
                }
                out.append(e);
            }
        }
        Files.move(altered, events, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (Trace t = Trace.open(copy)) {
            PackedTrace.write(t.storage(), file);
        }
        return file;
    }

    private static Path copyOf(String program, String name) throws Exception {
        Path copy = ROOT.resolve(name);
        Path source = recorded(program);
        try (var walk = Files.walk(source)) {
            for (Path p : walk.toList()) {
                Path target = copy.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
        return copy;
    }
}
