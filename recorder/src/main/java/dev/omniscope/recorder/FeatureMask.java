package dev.omniscope.recorder;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hides from the recorded program the CPU features the replay engine (Unicorn, QEMU's TCG) cannot
 * execute, through the switches the libraries that pick code by CPU feature honour: glibc's
 * hwcaps tunable and OpenSSL's capability vector. Only the fallback where CPUID faulting is
 * unavailable (see {@link RecordingEnvironment}): the CPUID the program sees is then the host's.
 */
final class FeatureMask {
    static final List<String> GLIBC_FEATURES = List.of("AVX512F", "AVX512VL", "AVX512BW", "AVX512DQ", "AVX2", "AVX",
            "FMA", "BMI2", "ERMS", "FSRM", "XSAVEC", "XSAVE",
            // A "preferred" flag, not a CPU feature: glibc picks AVX memcpy/memmove by it even with AVX masked.
            "AVX_Fast_Unaligned_Load");

    // OPENSSL_ia32cap: "~A:~B" clears bits of A = CPUID.1 (EDX | ECX << 32) and B = CPUID.7.0 (EBX | ECX << 32).
    private static final long OPENSSL_LEAF1 = (1L << (32 + 28)) | (1L << (32 + 12)) | (1L << (32 + 29)); // AVX, FMA, F16C
    private static final long OPENSSL_LEAF7 = bits(5, 8, 16, 17, 21, 26, 27, 28, 29, 30, 31)              // AVX2, BMI2, AVX-512*, SHA
            | bits(32 + 1, 32 + 6, 32 + 8, 32 + 9, 32 + 10, 32 + 11, 32 + 12, 32 + 14);                    // VBMI, VBMI2, GFNI, VAES, VPCLMULQDQ, VNNI, BITALG, VPOPCNTDQ

    private FeatureMask() {}

    private static long bits(int... positions) {
        long v = 0;
        for (int p : positions) v |= 1L << p;
        return v;
    }

    /** The variables to set in the program's environment, given the one it would have had. */
    static Map<String, String> variables(Map<String, String> environment) {
        Map<String, String> set = new LinkedHashMap<>();
        String hwcaps = "glibc.cpu.hwcaps=" + String.join(",", GLIBC_FEATURES.stream().map(f -> "-" + f).toList());
        String existing = environment.get("GLIBC_TUNABLES");
        set.put("GLIBC_TUNABLES", existing == null || existing.isBlank() ? hwcaps : mergeTunables(existing, hwcaps));
        set.put("OPENSSL_ia32cap", String.format("~0x%x:~0x%x", OPENSSL_LEAF1, OPENSSL_LEAF7));
        return set;
    }

    /** Adds our hwcaps to the user's tunables, extending a glibc.cpu.hwcaps they set rather than replacing it. */
    static String mergeTunables(String existing, String hwcaps) {
        String ours = hwcaps.substring("glibc.cpu.hwcaps=".length());
        StringBuilder out = new StringBuilder();
        boolean merged = false;
        for (String part : existing.split(":")) {
            if (part.isEmpty()) continue;
            if (out.length() > 0) out.append(':');
            if (part.startsWith("glibc.cpu.hwcaps=")) {
                out.append(part).append(',').append(ours);
                merged = true;
            } else {
                out.append(part);
            }
        }
        if (!merged) out.append(out.length() > 0 ? ":" : "").append(hwcaps);
        return out.toString();
    }
}
