package dev.omniscope.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** How CPU features are hidden: by CPUID faulting, else (a machine without it) by variables, with a warning. */
class RecordingEnvironmentTest {
    private static final Map<String, String> INHERITED = Map.of("PATH", "/usr/bin", "GLIBC_TUNABLES", "glibc.malloc.check=3");

    @Test
    void withCpuidFaultingNoVariableReachesTheProgram() {
        RecordingEnvironment env = RecordingEnvironment.prepare(INHERITED, Map.of("LANG", "C"), true, true, List.of("AVX2"));
        assertThat(env.faultCpuid()).isTrue();
        assertThat(env.environment()).containsEntry("GLIBC_TUNABLES", "glibc.malloc.check=3").doesNotContainKey("OPENSSL_ia32cap");
        assertThat(env.changes().set()).containsOnlyKeys("LANG");
        assertThat(env.masking().features()).containsExactly("AVX2");
        assertThat(env.cpuidWarning()).isNull();
    }

    @Test
    void withoutCpuidFaultingTheVariablesAreTheFallbackAndAWarningSaysSo() {
        RecordingEnvironment env = RecordingEnvironment.prepare(INHERITED, Map.of(), true, false, List.of("AVX2"));
        assertThat(env.faultCpuid()).isFalse();
        assertThat(env.environment().get("GLIBC_TUNABLES")).startsWith("glibc.malloc.check=3:glibc.cpu.hwcaps=-AVX512F");
        assertThat(env.environment()).containsKey("OPENSSL_ia32cap");
        assertThat(env.masking().variables()).containsKeys("GLIBC_TUNABLES", "OPENSSL_ia32cap");
        assertThat(env.cpuidWarning()).contains("CPUID faulting is not available");
    }

    @Test
    void noMaskHidesNothing() {
        RecordingEnvironment env = RecordingEnvironment.prepare(INHERITED, Map.of(), false, false, List.of("AVX2"));
        assertThat(env.masking().features()).isEmpty();
        assertThat(env.environment()).doesNotContainKey("OPENSSL_ia32cap");
        assertThat(env.cpuidWarning()).isNull();
    }
}
