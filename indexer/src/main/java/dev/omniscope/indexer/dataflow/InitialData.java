package dev.omniscope.indexer.dataflow;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.omniscope.indexer.query.History;
import dev.omniscope.indexer.query.MemoryView;
import dev.omniscope.indexer.query.Symbolizer;
import dev.omniscope.trace.Registers;

/**
 * What bytes that nothing wrote since their mapping began were: the program's image (module,
 * symbol), a mapped file (path and offset), or, on the stack a process began with, which
 * argument, environment variable or auxiliary vector entry they are part of (read from the
 * stack's layout at exec: argc, argv[], NULL, envp[], NULL, auxv pairs).
 */
final class InitialData {
    private static final int MAX_STRING = 1 << 16, MAX_ENV = 8192, MAX_AUXV = 128, MAX_STACK = 8 << 20;
    private static final Map<Long, String> AUX_TYPES = Map.ofEntries(Map.entry(3L, "AT_PHDR"), Map.entry(4L, "AT_PHENT"),
            Map.entry(5L, "AT_PHNUM"), Map.entry(6L, "AT_PAGESZ"), Map.entry(7L, "AT_BASE"), Map.entry(8L, "AT_FLAGS"),
            Map.entry(9L, "AT_ENTRY"), Map.entry(11L, "AT_UID"), Map.entry(12L, "AT_EUID"), Map.entry(13L, "AT_GID"),
            Map.entry(14L, "AT_EGID"), Map.entry(15L, "AT_PLATFORM"), Map.entry(16L, "AT_HWCAP"), Map.entry(17L, "AT_CLKTCK"),
            Map.entry(23L, "AT_SECURE"), Map.entry(25L, "AT_RANDOM"), Map.entry(26L, "AT_HWCAP2"), Map.entry(31L, "AT_EXECFN"),
            Map.entry(33L, "AT_SYSINFO_EHDR"), Map.entry(51L, "AT_MINSIGSTKSZ"));

    /** A string of the initial stack: which list, its index, where it is, its text. */
    private record Str(String what, int index, long address, String text, String auxType, int length) {
        Str(String what, int index, long address, String text, String auxType) {
            this(what, index, address, text, auxType, text.getBytes(StandardCharsets.UTF_8).length + 1);
        }
    }

    /** The layout of one process's initial stack. */
    private record Layout(long argvAt, int argc, long envpAt, int envc, long auxvAt, int auxc, List<Str> strings) {}

    private final Machine machine;
    private final Symbolizer symbols;
    private final Map<String, Layout> layouts = java.util.Collections.synchronizedMap(new LinkedHashMap<>());

    InitialData(Machine machine, Symbolizer symbols) {
        this.machine = machine;
        this.symbols = symbols;
    }

    /** The initial leaf's details for [address, address + length) of a region whose content came from a blob. */
    Map<String, Object> describe(MemoryView.Region region, int pid, long address, int length) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        String path = region.path() == null ? "" : region.path();
        if (path.equals("[stack]")) {
            Map<String, Object> stack = stack(region, pid, address);
            if (stack != null) return stack;
        }
        boolean module = !path.isEmpty() && symbols.moduleInstances().stream().anyMatch(m -> m.path().equals(path));
        java.util.Optional<String> symbol = symbols.dataSymbolAt(address);
        if (module || symbol.isPresent()) {
            out.put("what", "image");
            out.put("module", path.isEmpty() ? null : path);
            symbol.ifPresent(s -> out.put("symbol", s));
            out.put("segment", (region.prot() & 2) != 0 ? "writable data" : (region.prot() & 4) != 0 ? "code" : "read-only data");
            if (!path.isEmpty()) out.put("file_offset", region.fileOffset() + (address - region.start()));
            return out;
        }
        out.put("what", "mapping");
        out.put("path", path.isEmpty() ? "anonymous memory, as it was at exec" : path);
        if (!path.isEmpty() && !path.startsWith("[")) out.put("offset", region.fileOffset() + (address - region.start()));
        return out;
    }

    /** argv, envp or auxv for an address on the stack a process started with; null when it is elsewhere on that stack. */
    private Map<String, Object> stack(MemoryView.Region region, int pid, long address) throws IOException {
        Layout l = layout(region, pid);
        if (l == null) return null;
        Map<String, Object> out = new LinkedHashMap<>();
        for (Str s : l.strings()) {
            if (address >= s.address() && address < s.address() + s.length()) {
                out.put("what", s.what());
                long offset = address - s.address();
                if (s.what().equals("auxv")) {
                    out.put("type", s.auxType());
                } else {
                    out.put("index", s.index());
                }
                if (s.what().equals("envp")) {
                    int eq = s.text().indexOf('=');
                    out.put("name", eq < 0 ? s.text() : s.text().substring(0, eq));
                }
                out.put("text", s.text());
                out.put("offset", offset);
                return out;
            }
        }
        if (address >= l.argvAt() && address < l.argvAt() + 8L * (l.argc() + 1)) return Map.of("what", "argv", "index", (int) ((address - l.argvAt()) / 8), "pointer", true);
        if (address >= l.envpAt() && address < l.envpAt() + 8L * (l.envc() + 1)) return Map.of("what", "envp", "index", (int) ((address - l.envpAt()) / 8), "pointer", true);
        if (address >= l.auxvAt() && address < l.auxvAt() + 16L * (l.auxc() + 1)) {
            long type = ByteBuffer.wrap(read(pid, l.auxvAt() + (address - l.auxvAt()) / 16 * 16, 8, region.contentStep() + 1))
                    .order(ByteOrder.LITTLE_ENDIAN).getLong();
            return Map.of("what", "auxv", "type", AUX_TYPES.getOrDefault(type, "AT_" + type));
        }
        if (address == l.argvAt() - 8) return Map.of("what", "argv", "argc", l.argc());
        return null;
    }

    private byte[] read(int pid, long address, int length, long step) throws IOException {
        Snapshot snap = stack.get();
        if (snap != null && address - snap.start() >= 0 && address + length - snap.start() <= snap.bytes().length) {
            int from = (int) (address - snap.start());
            return java.util.Arrays.copyOfRange(snap.bytes(), from, from + length);
        }
        return machine.memory().read(pid, address, length, step).data();
    }

    private Layout layout(MemoryView.Region region, int pid) throws IOException {
        String key = pid + ":" + region.contentStep();
        if (layouts.containsKey(key)) return layouts.get(key);
        Layout l = null;
        long at = region.contentStep() + 1;
        long rsp = machine.register(pid, at, Registers.RSP);
        if (rsp - region.start() >= 0 && region.end() - rsp > 0 && region.end() - rsp <= MAX_STACK) {
            // the whole initial stack above rsp in one read: argv, envp, auxv and their strings are all there
            stack.set(new Snapshot(rsp, read(pid, rsp, (int) (region.end() - rsp), at)));
            try {
                l = parse(pid, rsp, at);
            } finally {
                stack.remove();
            }
        }
        layouts.put(key, l);
        return l;
    }

    /** The initial stack's bytes while a layout is parsed. */
    private record Snapshot(long start, byte[] bytes) {}

    private final ThreadLocal<Snapshot> stack = new ThreadLocal<>();

    private Layout parse(int pid, long rsp, long step) throws IOException {
        ByteBuffer head = ByteBuffer.wrap(read(pid, rsp, 8, step)).order(ByteOrder.LITTLE_ENDIAN);
        long argc = head.getLong();
        if (argc < 0 || argc > MAX_ENV) return null;
        List<Str> strings = new ArrayList<>();
        long argvAt = rsp + 8;
        long[] argv = words(pid, argvAt, (int) argc, step);
        for (int i = 0; i < argv.length; i++) strings.add(new Str("argv", i, argv[i], string(pid, argv[i], step), null));
        long envpAt = argvAt + 8 * (argc + 1);
        List<Long> envp = new ArrayList<>();
        for (int i = 0; i < MAX_ENV; i++) {
            long p = words(pid, envpAt + 8L * i, 1, step)[0];
            if (p == 0) break;
            envp.add(p);
        }
        for (int i = 0; i < envp.size(); i++) strings.add(new Str("envp", i, envp.get(i), string(pid, envp.get(i), step), null));
        long auxvAt = envpAt + 8L * (envp.size() + 1);
        int auxc = 0;
        for (; auxc < MAX_AUXV; auxc++) {
            long[] pair = words(pid, auxvAt + 16L * auxc, 2, step);
            if (pair[0] == 0) break;
            if (pair[0] == 25) strings.add(new Str("auxv", auxc, pair[1], java.util.HexFormat.of().formatHex(read(pid, pair[1], 16, step)), "AT_RANDOM", 16));
            if (pair[0] == 31 || pair[0] == 15) strings.add(new Str("auxv", auxc, pair[1], string(pid, pair[1], step), AUX_TYPES.get(pair[0])));
        }
        return new Layout(argvAt, (int) argc, envpAt, envp.size(), auxvAt, auxc, strings);
    }

    private long[] words(int pid, long address, int n, long step) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(read(pid, address, 8 * n, step)).order(ByteOrder.LITTLE_ENDIAN);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) out[i] = b.getLong();
        return out;
    }

    private String string(int pid, long address, long step) throws IOException {
        StringBuilder sb = new StringBuilder();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int n = 0; n < MAX_STRING; n += 256) {
            Snapshot snap = stack.get();
            int chunk = snap != null && address + n - snap.start() >= 0 ? (int) Math.min(256, snap.start() + snap.bytes().length - (address + n)) : 256;
            if (chunk <= 0) break;
            byte[] b = read(pid, address + n, chunk, step);
            for (byte x : b) {
                if (x == 0) return bytes.toString(StandardCharsets.UTF_8);
                bytes.write(x);
            }
        }
        return sb.append(bytes.toString(StandardCharsets.UTF_8)).toString();
    }

    /** A hex address, for messages. */
    static String hex(long a) {
        return History.hex(a);
    }
}
