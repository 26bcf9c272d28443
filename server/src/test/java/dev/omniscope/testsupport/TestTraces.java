package dev.omniscope.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;


import dev.omniscope.trace.EventStreamReader;
import dev.omniscope.trace.EventStreamWriter;
import dev.omniscope.trace.PackedTrace;
import dev.omniscope.trace.Trace;
import dev.omniscope.trace.TraceEvent;

/**
 * Real traces for server tests, recorded once per test JVM with the built jar
 * ({@code omni record -o DIR -- native/build/tests/PROGRAM}, then {@code omni pack}), and hand-made
 * archives for the refusal cases.
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
        Path exe = Path.of(System.getProperty("omni.native.dir"), "tests", program);
        if (!Files.isExecutable(exe)) throw new IllegalStateException(exe + " is not built (make -C native)");
        try (OmniProcess omni = OmniProcess.start(ROOT.resolve("home"), Map.of(), "record", "-o", dir.toString(), "--", exe.toString())) {
            int status = omni.awaitExit(Duration.ofMinutes(3));
            if (status != 0) throw new IllegalStateException("omni record " + program + " exited " + status + ":\n" + omni.output());
        }
        return dir;
    }

    /** The recording packed by {@code omni pack}, on first use. */
    public static synchronized Path packed(String program) throws Exception {
        Path file = ROOT.resolve(program + ".omnitrace");
        if (Files.isRegularFile(file)) return file;
        Path dir = recorded(program);
        try (OmniProcess omni = OmniProcess.start(ROOT.resolve("home"), Map.of(), "pack", dir.toString(), "-o", file.toString())) {
            int status = omni.awaitExit(Duration.ofMinutes(2));
            if (status != 0) throw new IllegalStateException("omni pack exited " + status + ":\n" + omni.output());
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

    /** Writes a ustar archive: entries are (name, type flag, content bytes or string). */
    public static Path tar(Path file, Object... entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < entries.length; i += 3) {
            String name = (String) entries[i];
            char type = (Character) entries[i + 1];
            byte[] data = entries[i + 2] instanceof byte[] b ? b : ((String) entries[i + 2]).getBytes(StandardCharsets.UTF_8);
            byte[] h = new byte[512];
            put(h, 0, name);
            put(h, 100, "0000644");
            put(h, 124, String.format("%011o", data.length));
            put(h, 136, "00000000000");
            h[156] = (byte) type;
            put(h, 257, "ustar");
            put(h, 263, "00");
            long sum = 0;
            for (int j = 0; j < 512; j++) sum += (j >= 148 && j < 156) ? ' ' : (h[j] & 0xff);
            put(h, 148, String.format("%06o", sum));
            h[155] = ' ';
            out.write(h);
            out.write(data);
            out.write(new byte[(512 - data.length % 512) % 512]);
        }
        out.write(new byte[1024]);
        return Files.write(file, out.toByteArray());
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, b.length);
    }
}
