package dev.omniscope.recorder;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.omniscope.recorder.ptrace.Ptrace;
import dev.omniscope.trace.TraceEvent.PatchedFunction;

/**
 * Rewrites the vDSO's time functions into real system calls ({@code mov eax, NR; syscall; ret}),
 * as rr does. The vDSO reads the time from a page the kernel updates behind the program's back;
 * as system calls, their results are recorded like any other.
 */
final class VdsoPatcher {
    /** vDSO function (without the __vdso_ prefix) to the system call that does the same. */
    private static final Map<String, Integer> FUNCTIONS = Map.of(
            "clock_gettime", 228, "gettimeofday", 96, "time", 201, "getcpu", 309, "clock_getres", 229);
    private static final int STUB_SIZE = 8;

    private VdsoPatcher() {}

    /** Patches the vDSO mapped at [start, end) in {@code pid}; what it patched, by address. */
    static List<PatchedFunction> patch(Ptrace ptrace, int pid, long start, long end) {
        byte[] image = ptrace.read(pid, start, (int) (end - start));
        Map<Long, PatchedFunction> byAddress = new LinkedHashMap<>();
        for (Symbol s : dynamicSymbols(image)) {
            String name = s.name.startsWith("__vdso_") ? s.name.substring(7) : s.name;
            Integer nr = FUNCTIONS.get(name);
            if (nr == null || s.value == 0 || (s.size != 0 && s.size < STUB_SIZE)) continue;
            long address = start + s.value;
            if (address + STUB_SIZE > end) continue;
            byAddress.putIfAbsent(address, new PatchedFunction(s.name, address, nr));
        }
        for (PatchedFunction f : byAddress.values()) {
            byte[] stub = ByteBuffer.allocate(STUB_SIZE).order(ByteOrder.LITTLE_ENDIAN)
                    .put((byte) 0xB8).putInt(f.syscall())       // mov eax, NR
                    .put((byte) 0x0F).put((byte) 0x05)          // syscall
                    .put((byte) 0xC3).array();                  // ret
            ptrace.write(pid, f.address(), stub);
        }
        return new ArrayList<>(byAddress.values());
    }

    private record Symbol(String name, long value, long size) {}

    /** The .dynsym entries of an in-memory ELF64 image, values relative to where the image starts. */
    static List<Symbol> dynamicSymbols(byte[] image) {
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        List<Symbol> out = new ArrayList<>();
        if (image.length < 64 || b.getInt(0) != 0x464C457F) return out; // "\177ELF"
        long bias = 0;
        long phoff = b.getLong(0x20);
        int phentsize = Short.toUnsignedInt(b.getShort(0x36)), phnum = Short.toUnsignedInt(b.getShort(0x38));
        for (int i = 0; i < phnum; i++) {
            int ph = (int) (phoff + (long) i * phentsize);
            if (ph + 56 > image.length) break;
            if (b.getInt(ph) == 1 && b.getLong(ph + 8) == 0) { // the PT_LOAD at file offset 0
                bias = b.getLong(ph + 16);
                break;
            }
        }
        long shoff = b.getLong(0x28);
        int shentsize = Short.toUnsignedInt(b.getShort(0x3A)), shnum = Short.toUnsignedInt(b.getShort(0x3C));
        for (int i = 0; i < shnum; i++) {
            int sh = (int) (shoff + (long) i * shentsize);
            if (sh + 64 > image.length || b.getInt(sh + 4) != 11) continue; // SHT_DYNSYM
            long symOff = b.getLong(sh + 24), symSize = b.getLong(sh + 32);
            int strIndex = b.getInt(sh + 40);
            int strSh = (int) (shoff + (long) strIndex * shentsize);
            if (strSh + 64 > image.length) continue;
            long strOff = b.getLong(strSh + 24);
            for (long s = symOff; s + 24 <= symOff + symSize && s + 24 <= image.length; s += 24) {
                int nameOff = b.getInt((int) s);
                long value = b.getLong((int) s + 8), size = b.getLong((int) s + 16);
                out.add(new Symbol(cString(image, (int) (strOff + nameOff)), value - bias, size));
            }
        }
        return out;
    }

    private static String cString(byte[] image, int at) {
        int end = at;
        while (end >= 0 && end < image.length && image[end] != 0) end++;
        return at < 0 || at >= image.length ? "" : new String(image, at, end - at, StandardCharsets.US_ASCII);
    }
}
