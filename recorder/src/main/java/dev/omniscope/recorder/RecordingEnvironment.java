package dev.omniscope.recorder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.omniscope.trace.TraceHeader;

/**
 * The environment a recorded program gets: the caller's, with the user's {@code --env} settings
 * and the CPU feature masks, and a record of every change for the trace header.
 */
public record RecordingEnvironment(Map<String, String> environment, TraceHeader.EnvironmentChanges changes,
                                   TraceHeader.Masking masking) {

    public static RecordingEnvironment prepare(Map<String, String> inherited, Map<String, String> userSet, boolean mask) {
        Map<String, String> env = new TreeMap<>(inherited);
        Map<String, String> set = new LinkedHashMap<>(userSet);
        env.putAll(userSet);
        Map<String, String> maskVariables = mask ? FeatureMask.variables(env) : Map.of();
        env.putAll(maskVariables);
        set.putAll(maskVariables);
        TraceHeader.Masking masking = new TraceHeader.Masking(mask, mask ? FeatureMask.GLIBC_FEATURES : List.of(), maskVariables);
        return new RecordingEnvironment(env, new TraceHeader.EnvironmentChanges(set, List.of()), masking);
    }

    public List<String> environmentList() {
        List<String> list = new ArrayList<>();
        environment.forEach((k, v) -> list.add(k + "=" + v));
        return list;
    }
}
