package dev.omniscope.recorder.ptrace;

import dev.omniscope.common.WaitStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.omniscope.common.NativeLibraries;

/** Starts a program under ptrace, stopped at its first instruction (native/record/spawn.c). */
public final class TraceeSpawner {
    /** A spawned tracee: stopped at PTRACE_EVENT_EXEC, ours to resume or kill. */
    public record Spawned(int pid, WaitStatus firstStop) {}

    /** How the program should run. */
    public record Options(boolean disableAslr, boolean trapTsc) {
        public static final Options RECORDING = new Options(true, true);
        int flags() {
            return (disableAslr ? RecordNative.OMNI_SPAWN_NO_ASLR : 0) | (trapTsc ? RecordNative.OMNI_SPAWN_TRAP_TSC : 0);
        }
    }

    private final RecordNative lib = NativeLibraries.load(RecordNative.class, "omnirecord");
    private final LibC libc = NativeLibraries.system(LibC.class, "c");

    /**
     * @param executable the program file (resolve it on PATH first, see {@link #resolveOnPath})
     * @param argv       argv[0] and the arguments
     * @param environment the complete environment of the program
     * @throws SpawnException when the program cannot be started; the message says why
     */
    public Spawned spawn(Path executable, List<String> argv, Map<String, String> environment, Options options) {
        String[] env = environment.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        int[] result = new int[3];
        int rc = lib.omni_spawn(executable.toString(), argv.toArray(String[]::new), env, options.flags(), result);
        if (rc < 0) {
            int errno = -rc;
            String why = libc.strerror(errno);
            if (result[2] != 0) throw new SpawnException("cannot execute " + executable + ": " + why, errno);
            throw new SpawnException("cannot start " + executable + " under ptrace: " + why, errno);
        }
        return new Spawned(result[0], new WaitStatus(result[1]));
    }

    /** The program a shell would run for {@code name}: a path as given, else the first match on PATH. */
    public static Path resolveOnPath(String name, String pathVariable) {
        if (name.contains("/")) return Path.of(name);
        if (pathVariable != null) {
            for (String dir : pathVariable.split(":")) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return candidate;
            }
        }
        throw new SpawnException(name + ": command not found", 2);
    }

    /** Why a program could not be started, with the errno that said so. */
    public static final class SpawnException extends RuntimeException {
        private final int errno;

        public SpawnException(String message, int errno) {
            super(message);
            this.errno = errno;
        }

        public int errno() {
            return errno;
        }
    }
}
