package dev.omniscope.symbols;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The system's compilers and binutils, which the ELF tests build programs with and check the
 * readers against.
 */
final class Toolchain {
    private Toolchain() {}

    /** Runs a command in dir and returns its standard output; a failure or a timeout fails the test. */
    static String run(Path dir, List<String> command) {
        try {
            Path stderr = Files.createTempFile(dir, "stderr", ".txt");
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectError(stderr.toFile()).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(command + " timed out");
            }
            String err = Files.readString(stderr);
            Files.delete(stderr);
            if (p.exitValue() != 0) throw new AssertionError(command + " exited with " + p.exitValue() + ":\n" + err);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static String run(Path dir, String... command) {
        return run(dir, Arrays.asList(command));
    }

    /** Copies test sources from the resources' elf/ directory: prog.c to src/, util.h to include/, shapes.cpp. */
    static void copySources(Path dir) {
        copy("prog.c", dir.resolve("src/prog.c"));
        copy("include/util.h", dir.resolve("include/util.h"));
        copy("shapes.cpp", dir.resolve("shapes.cpp"));
    }

    private static void copy(String resource, Path target) {
        try (InputStream in = Toolchain.class.getResourceAsStream("/elf/" + resource)) {
            if (in == null) throw new IllegalStateException("missing test resource elf/" + resource);
            Files.createDirectories(target.getParent());
            Files.write(target, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The 1-based line of a test source that carries the comment marker "@name". */
    static int lineOf(String resource, String marker) {
        try (InputStream in = Toolchain.class.getResourceAsStream("/elf/" + resource)) {
            String[] lines = new String(in.readAllBytes(), UTF_8).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].matches(".*//.*@" + Pattern.quote(marker) + "(\\s.*)?")) return i + 1;
            }
            throw new IllegalArgumentException("no @" + marker + " in " + resource);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A line of nm's output: address, size when nm knows it (-S), type letter, name. */
    record NmSymbol(long value, long size, char type, String name) {}

    /** nm with the given options (add -S for sizes), defined symbols only. */
    static List<NmSymbol> nm(Path binary, String... options) {
        List<String> command = new ArrayList<>(List.of("nm", "--defined-only", "-S"));
        command.addAll(List.of(options));
        command.add(binary.toString());
        List<NmSymbol> out = new ArrayList<>();
        for (String line : run(binary.getParent(), command).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 4) out.add(new NmSymbol(Long.parseUnsignedLong(f[0], 16), Long.parseUnsignedLong(f[1], 16), f[2].charAt(0), f[3]));
            else if (f.length == 3) out.add(new NmSymbol(Long.parseUnsignedLong(f[0], 16), 0, f[1].charAt(0), f[2]));
        }
        return out;
    }

    /** What addr2line says of each address: "file:line" with any discriminator dropped. */
    static List<String> addr2line(Path binary, List<Long> addresses) {
        List<String> command = new ArrayList<>(List.of("addr2line", "-e", binary.toString()));
        for (long a : addresses) command.add("0x" + Long.toHexString(a));
        List<String> out = new ArrayList<>();
        for (String line : run(binary.getParent(), command).split("\n")) out.add(line.replaceFirst(" \\(discriminator \\d+\\)$", ""));
        return out;
    }
}
