package dev.omniscope.recorder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.omniscope.recorder.ptrace.Ptrace;
import dev.omniscope.trace.EmulatedCpu;
import dev.omniscope.trace.TraceHeader;

/**
 * The environment a recorded program gets: the caller's, with the user's {@code --env} settings,
 * and a record of every change for the trace header. CPU features the replay cannot execute are
 * hidden by CPUID faulting ({@code faultCpuid}: the program's CPUIDs are answered from
 * {@link EmulatedCpu}'s table, no variable is added); where the machine cannot fault CPUID, by
 * {@link FeatureMask}'s variables instead, with {@link #cpuidWarning} saying so.
 */
public record RecordingEnvironment(Map<String, String> environment, TraceHeader.EnvironmentChanges changes,
                                   TraceHeader.Masking masking, boolean faultCpuid) {

    public static final String NO_FAULTING_WARNING = "CPUID faulting is not available here (arch_prctl(ARCH_SET_CPUID) "
            + "failed): CPU features are hidden only from glibc and OpenSSL (GLIBC_TUNABLES, OPENSSL_ia32cap); "
            + "a program that executes CPUID itself may use instructions the replay cannot run";

    /** Set to 1 in omni's own environment, records as on a machine without CPUID faulting (to compare, to test). */
    public static final String NO_FAULTING_SWITCH = "OMNI_NO_CPUID_FAULTING";

    public static RecordingEnvironment prepare(Map<String, String> inherited, Map<String, String> userSet, boolean mask) {
        Ptrace ptrace = new Ptrace();
        boolean faulting = !"1".equals(System.getenv(NO_FAULTING_SWITCH)) && CpuidFaulting.available(ptrace);
        return prepare(inherited, userSet, mask, mask && faulting,
                EmulatedCpu.hidden(CpuidProbe.probe(ptrace)));
    }

    static RecordingEnvironment prepare(Map<String, String> inherited, Map<String, String> userSet, boolean mask,
                                        boolean faultCpuid, List<String> hiddenByFaulting) {
        Map<String, String> env = new TreeMap<>(inherited);
        Map<String, String> set = new LinkedHashMap<>(userSet);
        env.putAll(userSet);
        Map<String, String> maskVariables = mask && !faultCpuid ? FeatureMask.variables(env) : Map.of();
        env.putAll(maskVariables);
        set.putAll(maskVariables);
        List<String> hidden = !mask ? List.of() : faultCpuid ? hiddenByFaulting : FeatureMask.GLIBC_FEATURES;
        TraceHeader.Masking masking = new TraceHeader.Masking(mask, hidden, maskVariables);
        return new RecordingEnvironment(env, new TraceHeader.EnvironmentChanges(set, List.of()), masking, faultCpuid);
    }

    /** What to warn about the way features are hidden, or null. */
    public String cpuidWarning() {
        return masking.enabled() && !faultCpuid ? NO_FAULTING_WARNING : null;
    }

    public List<String> environmentList() {
        List<String> list = new ArrayList<>();
        environment.forEach((k, v) -> list.add(k + "=" + v));
        return list;
    }
}
