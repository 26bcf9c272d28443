package dev.omniscope.indexer.modules;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

import dev.omniscope.indexer.replay.AddressNames;
import dev.omniscope.indexer.replay.MemoryMap;
import dev.omniscope.indexer.replay.Region;
import dev.omniscope.symbols.ElfFile;
import dev.omniscope.symbols.LineLookup;
import dev.omniscope.symbols.SymbolLookup;

/**
 * Which module is mapped where in each process, as the replay goes, to name addresses: a
 * function and offset, a file and line. A module instance is one ELF file at one load bias;
 * processes that map the same file at the same place (a fork) share the instance. The replay sees
 * it as its {@link AddressNames}.
 */
public final class ModuleMap implements AddressNames {
    /** One ELF file loaded at one bias. */
    public record Instance(int id, String path, long bias, ElfFile elf, SymbolLookup symbols, LineLookup lines) {}

    private record Key(String path, long bias) {}

    private final ModuleFiles files;
    private final Consumer<Instance> onNewInstance;
    private final Map<Key, Instance> instances = new LinkedHashMap<>();
    /** pid -> executable region start -> (end, instance) */
    private final Map<Integer, TreeMap<Long, Placed>> byProcess = new HashMap<>();

    private record Placed(long end, Instance instance) {}

    public ModuleMap(ModuleFiles files, Consumer<Instance> onNewInstance) {
        this.files = files;
        this.onNewInstance = onNewInstance;
    }

    @Override
    public void regionsChanged(int pid, MemoryMap.Change change) {
        TreeMap<Long, Placed> placed = byProcess.computeIfAbsent(pid, p -> new TreeMap<>());
        for (Region r : change.removed()) placed.remove(r.start());
        for (Region r : change.added()) {
            if ((r.prot() & 4) == 0 || !r.path().startsWith("/")) continue;
            instance(r).ifPresent(i -> placed.put(r.start(), new Placed(r.end(), i)));
        }
    }

    private Optional<Instance> instance(Region r) {
        Optional<ElfFile> elf = files.open(r.path());
        if (elf.isEmpty()) return Optional.empty();
        long bias;
        try {
            bias = elf.get().loadBias(r.start(), r.fileOffset());
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // mapped at an offset that is no segment's: not code we can name
        }
        Key key = new Key(r.path(), bias);
        Instance existing = instances.get(key);
        if (existing != null) return Optional.of(existing);
        Instance created = new Instance(instances.size() + 1, r.path(), bias, elf.get(),
                SymbolLookup.of(elf.get(), bias), LineLookup.of(elf.get(), bias));
        instances.put(key, created);
        onNewInstance.accept(created);
        return Optional.of(created);
    }

    /** A forked child starts with its parent's modules. */
    @Override
    public void fork(int parentPid, int childPid) {
        byProcess.put(childPid, new TreeMap<>(byProcess.getOrDefault(parentPid, new TreeMap<>())));
    }

    @Override
    public void exec(int pid) {
        byProcess.put(pid, new TreeMap<>());
    }

    public Optional<Instance> moduleAt(int pid, long address) {
        TreeMap<Long, Placed> placed = byProcess.get(pid);
        if (placed == null) return Optional.empty();
        Map.Entry<Long, Placed> e = placed.floorEntry(address);
        return e != null && address < e.getValue().end() ? Optional.of(e.getValue().instance()) : Optional.empty();
    }

    /** "function+0x1f", or the module and offset when no symbol covers it, or null outside any module. */
    @Override
    public String name(int pid, long address) {
        Optional<Instance> m = moduleAt(pid, address);
        if (m.isEmpty()) return null;
        Optional<SymbolLookup.Hit> hit = m.get().symbols().find(address);
        if (hit.isPresent()) return hit.get().toString();
        String path = m.get().path();
        return path.substring(path.lastIndexOf('/') + 1) + "+0x" + Long.toHexString(address - m.get().bias());
    }

    /** The name of the function containing the address (demangled when it has a C++ name), or null. */
    public String function(int pid, long address) {
        return moduleAt(pid, address).flatMap(m -> m.symbols().find(address))
                .map(h -> {
                    String name = h.symbol().demangled() != null ? h.symbol().demangled() : h.symbol().name();
                    // "memcpy@@GLIBC_2.14", and "malloc@plt": a call through the PLT is a call of malloc
                    int version = name.indexOf('@');
                    return version > 0 ? name.substring(0, version) : name;
                }).orElse(null);
    }

    public Optional<LineLookup.SourceLine> line(int pid, long address) {
        return moduleAt(pid, address).flatMap(m -> m.lines().find(address));
    }
}
