package dev.omniscope.indexer.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import dev.omniscope.recorder.testing.Omni;

/** The oracle: gdb running the program natively, with a hardware watchpoint or a breakpoint. */
public final class Gdb {
    private Gdb() {}

    /** The values `watch -l VAR` reports, in gdb's format (native/testprogs/check-watch.sh). */
    public static List<String> watch(Path program, String variable) throws Exception {
        Path script = Path.of(System.getProperty("omni.native.dir")).resolveSibling("testprogs").resolve("check-watch.sh");
        Omni.Run run = Omni.run(List.of(script.toString(), program.toString(), variable), Map.of(), null);
        if (run.exitCode() != 0) throw new AssertionError("gdb watch of " + variable + " failed: " + run.stderr());
        return run.stdout().isBlank() ? List.of() : Arrays.asList(run.stdout().strip().split("\n"));
    }

    /** How many times a breakpoint on {@code function} is hit in a native run. */
    public static int hits(Path program, String function) throws Exception {
        Path commands = Files.createTempFile("gdb-hits", ".gdb");
        try {
            Files.writeString(commands, String.join("\n",
                    "set pagination off", "set confirm off", "set startup-with-shell off", "set $hits = 0",
                    "break " + function, "commands", "silent", "set $hits = $hits + 1", "continue", "end",
                    "run", "printf \"HITS=%d\\n\", $hits", ""));
            Omni.Run run = Omni.run(List.of("gdb", "-nx", "-nh", "-batch", "-x", commands.toString(), program.toString()),
                    Map.of(), null);
            for (String line : run.stdout().split("\n")) {
                if (line.startsWith("HITS=")) return Integer.parseInt(line.substring(5).trim());
            }
            throw new AssertionError("gdb did not report hits for " + function + ": " + run.stdout() + run.stderr());
        } finally {
            Files.deleteIfExists(commands);
        }
    }

    /**
     * gdb's transcript of a native run stepped by hand: {@code tbreak BREAKPOINT} (a recursive function stops once), {@code run}, then
     * {@code command} (next, step, finish...) {@code times} times. Libraries' separate debug
     * information is off, so that only the program's own code has source lines (as in a trace,
     * which carries only the program's sources).
     */
    public static String session(Path program, String breakpoint, String command, int times) throws Exception {
        Path commands = Files.createTempFile("gdb-session", ".gdb");
        try {
            List<String> lines = new ArrayList<>(List.of("set pagination off", "set confirm off", "set startup-with-shell off",
                    "set debuginfod enabled off", "set debug-file-directory /nonexistent", "tbreak " + breakpoint, "run"));
            for (int i = 0; i < times; i++) lines.add(command);
            Files.writeString(commands, String.join("\n", lines) + "\n");
            Omni.Run run = Omni.run(List.of("gdb", "-nx", "-nh", "-batch", "-x", commands.toString(), program.toString()), Map.of(), null);
            return run.stdout();
        } finally {
            Files.deleteIfExists(commands);
        }
    }

    /** The source line numbers a gdb transcript shows (its "NN<tab>text" lines: the breakpoint's, then each stop's), in order. */
    public static List<Integer> lines(String transcript) {
        List<Integer> found = new ArrayList<>();
        for (String line : transcript.split("\n")) {
            var m = java.util.regex.Pattern.compile("^(\\d+)\t").matcher(line);
            if (m.find()) found.add(Integer.parseInt(m.group(1)));
        }
        return found;
    }

    /** Values as gdb prints them, decoded from little-endian bytes: a signed integer, or {a, b, ...} of 32-bit ints. */
    public static String format(byte[] bytes, boolean array) {
        if (array) {
            List<String> items = new ArrayList<>();
            for (int i = 0; i + 4 <= bytes.length; i += 4) items.add(Long.toString(signed(bytes, i, 4)));
            return "{" + String.join(", ", items) + "}";
        }
        return Long.toString(signed(bytes, 0, bytes.length));
    }

    private static long signed(byte[] b, int from, int size) {
        long v = 0;
        for (int i = size - 1; i >= 0; i--) v = (v << 8) | (b[from + i] & 0xFF);
        int shift = 64 - 8 * size;
        return shift == 0 ? v : (v << shift) >> shift;
    }
}
