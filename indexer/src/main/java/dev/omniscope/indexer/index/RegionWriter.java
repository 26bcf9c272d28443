package dev.omniscope.indexer.index;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import dev.omniscope.indexer.index.IndexTable.Col;
import dev.omniscope.indexer.modules.ModuleMap;
import dev.omniscope.indexer.replay.MemoryMap;
import dev.omniscope.indexer.replay.Region;

/**
 * The address-space tables: {@code regions} (the lifetime of each piece of an address space) and
 * {@code module_regions} (the lifetime of each executable region the module map places a module
 * in). A row is written when its region is removed, or at the end of the replay.
 */
final class RegionWriter {
    private static final class Regions {
        static final IndexTable T = IndexTable.REGIONS;
        static final Col<Integer> PID = T.i32("pid"), PROT = T.i32("prot"), SOURCE_PID = T.i32("source_pid");
        static final Col<Long> START = T.i64("start"), END = T.i64("end"), FILE_OFFSET = T.i64("file_offset"),
                BLOB_OFFSET = T.i64("blob_offset"), BLOB_LENGTH = T.i64("blob_length"),
                CONTENT_STEP = T.i64("content_step"), FROM_STEP = T.i64("from_step"), TO_STEP = T.i64("to_step");
        static final Col<Boolean> SHARED = T.bool("shared");
        static final Col<String> PATH = T.string("path"), ORIGIN = T.string("origin"), BLOB = T.string("blob");
    }

    private static final class ModuleRegions {
        static final IndexTable T = IndexTable.MODULE_REGIONS;
        static final Col<Integer> PID = T.i32("pid"), MODULE_ID = T.i32("module_id");
        static final Col<Long> START = T.i64("start"), END = T.i64("end"), FROM_STEP = T.i64("from_step"),
                TO_STEP = T.i64("to_step");
    }

    private record Open<T>(T value, long end, long fromStep) {}

    private final TableWriter regions, moduleRegions;
    private final ModuleMap modules;
    /** Open lifetimes: regions by (pid, start), module placements likewise. */
    // Sorted maps: what is still open at the end is written in a stable order (identical tables every time).
    private final Map<Long, Map<Long, Open<Region>>> openRegions = new TreeMap<>();
    private final Map<Long, Map<Long, Open<Integer>>> openModules = new TreeMap<>();

    /** {@code modules} must have seen each change before this writer does: it names the new regions' modules. */
    RegionWriter(Function<IndexTable, TableWriter> tables, ModuleMap modules) {
        this.regions = tables.apply(Regions.T);
        this.moduleRegions = tables.apply(ModuleRegions.T);
        this.modules = modules;
    }

    void regionsChanged(long step, int pid, MemoryMap.Change change) {
        Map<Long, Open<Region>> live = openRegions.computeIfAbsent((long) pid, p -> new TreeMap<>());
        Map<Long, Open<Integer>> placed = openModules.computeIfAbsent((long) pid, p -> new TreeMap<>());
        for (Region r : change.removed()) {
            Open<Region> open = live.remove(r.start());
            if (open != null) writeRegion(pid, open, step);
            Open<Integer> module = placed.remove(r.start());
            if (module != null) writeModuleRegion(pid, r.start(), module, step);
        }
        for (Region r : change.added()) {
            live.put(r.start(), new Open<>(r, r.end(), step));
            if ((r.prot() & 4) != 0) {
                modules.moduleAt(pid, r.start()).ifPresent(m -> placed.put(r.start(), new Open<>(m.id(), r.end(), step)));
            }
        }
    }

    /** The end of the replay: what is still mapped lives to the end (null end steps). */
    void finish() {
        for (Map.Entry<Long, Map<Long, Open<Region>>> e : openRegions.entrySet()) {
            for (Open<Region> open : e.getValue().values()) writeRegion(e.getKey().intValue(), open, null);
        }
        for (Map.Entry<Long, Map<Long, Open<Integer>>> e : openModules.entrySet()) {
            for (Map.Entry<Long, Open<Integer>> m : e.getValue().entrySet()) writeModuleRegion(e.getKey().intValue(), m.getKey(), m.getValue(), null);
        }
    }

    private void writeRegion(int pid, Open<Region> open, Long toStep) {
        Region r = open.value();
        regions.setInt(Regions.PID, pid);
        regions.setLong(Regions.START, r.start());
        regions.setLong(Regions.END, r.end());
        regions.setInt(Regions.PROT, r.prot());
        regions.setBool(Regions.SHARED, r.shared());
        regions.setString(Regions.PATH, r.path());
        regions.setLong(Regions.FILE_OFFSET, r.fileOffset());
        regions.setString(Regions.ORIGIN, r.origin().name().toLowerCase());
        regions.setString(Regions.BLOB, r.blob());
        regions.setLong(Regions.BLOB_OFFSET, r.blobOffset());
        regions.setLong(Regions.BLOB_LENGTH, r.blobLength());
        regions.setLong(Regions.CONTENT_STEP, r.contentStep());
        regions.setInt(Regions.SOURCE_PID, r.sourcePid());
        regions.setLong(Regions.FROM_STEP, open.fromStep());
        regions.setNullableLong(Regions.TO_STEP, toStep);
        regions.endRow();
    }

    private void writeModuleRegion(int pid, long start, Open<Integer> open, Long toStep) {
        moduleRegions.setInt(ModuleRegions.PID, pid);
        moduleRegions.setInt(ModuleRegions.MODULE_ID, open.value());
        moduleRegions.setLong(ModuleRegions.START, start);
        moduleRegions.setLong(ModuleRegions.END, open.end());
        moduleRegions.setLong(ModuleRegions.FROM_STEP, open.fromStep());
        moduleRegions.setNullableLong(ModuleRegions.TO_STEP, toStep);
        moduleRegions.endRow();
    }
}
