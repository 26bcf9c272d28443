package dev.omniscope.recorder.ptrace;

import dev.omniscope.common.WaitStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.omniscope.common.NativeLibraries;

/** The Java-to-C path end to end: libomnirecord.so through jnr-ffi, a real child under ptrace. */
class TraceeSpawnerTest {
    private final TraceeSpawner spawner = new TraceeSpawner();
    private final LibC libc = NativeLibraries.system(LibC.class, "c");

    @Test
    void spawnedProgramStopsAtExecUnderPtraceAndRunsToCompletion() throws Exception {
        TraceeSpawner.Spawned tracee = spawner.spawn(Path.of("/bin/sh"), List.of("sh", "-c", "exit 7"),
                Map.of("PATH", "/usr/bin:/bin"), new TraceeSpawner.Options(true, false));

        assertThat(tracee.pid()).isPositive();
        assertThat(tracee.firstStop().stopped()).isTrue();
        assertThat(tracee.firstStop().stopSignal()).isEqualTo(WaitStatus.SIGTRAP);
        assertThat(tracee.firstStop().ptraceEvent()).isEqualTo(WaitStatus.PTRACE_EVENT_EXEC);
        // The kernel agrees that it is stopped and that its tracer is one of this JVM's threads.
        String status = Files.readString(Path.of("/proc/" + tracee.pid() + "/status"));
        assertThat(status).containsPattern("State:\\s+t \\(tracing stop\\)");
        Matcher tracer = Pattern.compile("TracerPid:\\s+(\\d+)").matcher(status);
        assertThat(tracer.find()).isTrue();
        assertThat(Path.of("/proc/self/task/" + tracer.group(1))).exists();

        // Resumed, it runs to its own end: it stops once more as it exits (PTRACE_O_TRACEEXIT), then its
        // exit status comes back through waitpid.
        RecordNative lib = NativeLibraries.load(RecordNative.class, "omnirecord");
        assertThat(lib.omni_ptrace(RecordNative.PTRACE_CONT, tracee.pid(), 0, 0)).isZero();
        int[] st = new int[1];
        assertThat(libc.waitpid(tracee.pid(), st, LibC.__WALL)).isEqualTo(tracee.pid());
        assertThat(new WaitStatus(st[0])).hasToString("stopped by signal 5 (ptrace event 6)");
        assertThat(lib.omni_ptrace(RecordNative.PTRACE_CONT, tracee.pid(), 0, 0)).isZero();
        assertThat(libc.waitpid(tracee.pid(), st, LibC.__WALL)).isEqualTo(tracee.pid());
        assertThat(new WaitStatus(st[0])).hasToString("exited with status 7");

    }

    @Test
    void withTscTrappingTheFirstRdtscRaisesSigsegvForTheRecorderToEmulate() {
        // ld.so reads the time stamp counter while it starts a dynamic program.
        TraceeSpawner.Spawned tracee = spawner.spawn(Path.of("/bin/sh"), List.of("sh", "-c", "exit 7"),
                Map.of(), TraceeSpawner.Options.RECORDING);
        RecordNative lib = NativeLibraries.load(RecordNative.class, "omnirecord");
        assertThat(lib.omni_ptrace(RecordNative.PTRACE_CONT, tracee.pid(), 0, 0)).isZero();
        int[] st = new int[1];
        assertThat(libc.waitpid(tracee.pid(), st, LibC.__WALL)).isEqualTo(tracee.pid());
        assertThat(new WaitStatus(st[0])).hasToString("stopped by signal 11");
        libc.kill(tracee.pid(), 9);
        libc.waitpid(tracee.pid(), st, LibC.__WALL);
    }

    @Test
    void missingProgramIsAClearErrorNotACrash() {
        assertThatThrownBy(() -> spawner.spawn(Path.of("/no/such/program"), List.of("x"), Map.of(), TraceeSpawner.Options.RECORDING))
                .isInstanceOf(TraceeSpawner.SpawnException.class)
                .hasMessage("cannot execute /no/such/program: No such file or directory");
    }

    @Test
    void commandsAreResolvedOnPathLikeAShellDoes() {
        assertThat(TraceeSpawner.resolveOnPath("sh", "/nonexistent:/bin")).isEqualTo(Path.of("/bin/sh"));
        assertThatThrownBy(() -> TraceeSpawner.resolveOnPath("no-such-command-xyz", "/bin"))
                .hasMessage("no-such-command-xyz: command not found");
    }
}
