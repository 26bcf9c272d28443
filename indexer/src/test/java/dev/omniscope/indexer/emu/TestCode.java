package dev.omniscope.indexer.emu;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Real x86-64 machine code for the tests, made at test time by the system's assembler and
 * compiler (binutils' as, gcc) and cut out of the object with objcopy.
 *
 * @param bytes  the .text section
 * @param base   the address the code is meant to run at
 * @param labels symbol name to absolute address
 */
record TestCode(byte[] bytes, long base, Map<String, Long> labels) {

    long at(String label) {
        Long a = labels.get(label);
        if (a == null) throw new IllegalArgumentException("no label " + label + " in " + labels.keySet());
        return a;
    }

    /** Assembles Intel-syntax source placed at base; labels are read back from the symbol table. */
    static TestCode asm(long base, String source) {
        String s = ".intel_syntax noprefix\n.text\n" + source;
        return build(base, "code.s", s, List.of("as", "--64", "-o", "code.o", "code.s"), "code.o", true);
    }

    /** Compiles C (no libc) linked to run at base; labels are its functions. */
    static TestCode c(long base, String source) {
        return build(base, "code.c", source, List.of("gcc", "-O1", "-fno-pie", "-no-pie", "-nostdlib", "-static",
                "-fno-asynchronous-unwind-tables", "-fcf-protection=none", "-Wl,-Ttext=" + Long.toHexString(base),
                "-Wl,--build-id=none", "-o", "code.elf", "code.c"), "code.elf", false);
    }

    private static TestCode build(long base, String name, String source, List<String> compile, String object, boolean relative) {
        try {
            Path dir = Files.createTempDirectory("omni-emu-test");
            try {
                Files.writeString(dir.resolve(name), source);
                run(dir, compile);
                run(dir, List.of("objcopy", "-O", "binary", "-j", ".text", object, "code.bin"));
                byte[] bytes = Files.readAllBytes(dir.resolve("code.bin"));
                Map<String, Long> labels = new HashMap<>();
                for (String line : run(dir, List.of("nm", object)).split("\n")) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length == 3 && (f[1].equals("T") || f[1].equals("t"))) {
                        long v = Long.parseUnsignedLong(f[0], 16);
                        labels.put(f[2], relative ? base + v : v);
                    }
                }
                return new TestCode(bytes, base, labels);
            } finally {
                try (var files = Files.list(dir)) {
                    for (Path p : files.toList()) Files.delete(p);
                }
                Files.delete(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String run(Path dir, List<String> command) throws IOException {
        Process p = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return out;
    }
}
