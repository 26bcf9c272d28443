package dev.omniscope.indexer.replay;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The regions of one process's address space as the replay changes them (mmap, munmap,
 * mprotect, mremap, brk, exec, fork), mirroring the kernel's VMAs closely enough to say, for
 * every byte, where its content came from. Every change reports what was removed and added, which
 * the index turns into region lifetimes.
 */
public final class MemoryMap {
    /** What one operation did. */
    public record Change(List<Region> removed, List<Region> added) {
        static Change none() {
            return new Change(List.of(), List.of());
        }

        public boolean isEmpty() {
            return removed.isEmpty() && added.isEmpty();
        }
    }

    private final TreeMap<Long, Region> regions = new TreeMap<>();

    public Collection<Region> regions() {
        return regions.values();
    }

    public MemoryMap copy() {
        MemoryMap m = new MemoryMap();
        m.regions.putAll(regions);
        return m;
    }

    /** Regions overlapping [from, to), clipped to it. */
    public List<Region> overlapping(long from, long to) {
        List<Region> out = new ArrayList<>();
        Map.Entry<Long, Region> floor = regions.floorEntry(from);
        Long key = floor != null && floor.getValue().end() > from ? floor.getKey() : regions.ceilingKey(from);
        while (key != null && key < to) {
            Region r = regions.get(key);
            if (r.end() > from) out.add(r.slice(from, to));
            key = regions.higherKey(key);
        }
        return out;
    }

    public Region at(long address) {
        Map.Entry<Long, Region> e = regions.floorEntry(address);
        return e != null && e.getValue().end() > address ? e.getValue() : null;
    }

    /** A new mapping over [r.start, r.end): what overlapped is unmapped first (MAP_FIXED). */
    public Change map(Region r) {
        Change cut = unmap(r.start(), r.end());
        regions.put(r.start(), r);
        List<Region> added = new ArrayList<>(cut.added());
        added.add(r);
        return new Change(cut.removed(), added);
    }

    /** munmap: the removed regions, and the remnants of regions cut at the range's edges. */
    public Change unmap(long from, long to) {
        List<Region> removed = new ArrayList<>(), added = new ArrayList<>();
        for (Region r : overlappingWhole(from, to)) {
            regions.remove(r.start());
            removed.add(r);
            if (r.start() < from) {
                Region left = r.slice(r.start(), from);
                regions.put(left.start(), left);
                added.add(left);
            }
            if (r.end() > to) {
                Region right = r.slice(to, r.end());
                regions.put(right.start(), right);
                added.add(right);
            }
        }
        return new Change(removed, added);
    }

    /** mprotect: the protection changes, the content (and its origin) does not. */
    public Change protect(long from, long to, int prot) {
        List<Region> removed = new ArrayList<>(), added = new ArrayList<>();
        for (Region r : overlappingWhole(from, to)) {
            if (r.prot() == prot) continue;
            regions.remove(r.start());
            removed.add(r);
            for (Region piece : new Region[] {
                    r.start() < from ? r.slice(r.start(), from) : null,
                    r.slice(from, to).withProt(prot),
                    r.end() > to ? r.slice(to, r.end()) : null}) {
                if (piece != null && piece.length() > 0) {
                    regions.put(piece.start(), piece);
                    added.add(piece);
                }
            }
        }
        return new Change(removed, added);
    }

    private List<Region> overlappingWhole(long from, long to) {
        List<Region> out = new ArrayList<>();
        Map.Entry<Long, Region> floor = regions.floorEntry(from);
        Long key = floor != null && floor.getValue().end() > from ? floor.getKey() : regions.ceilingKey(from);
        while (key != null && key < to) {
            out.add(regions.get(key));
            key = regions.higherKey(key);
        }
        return out;
    }
}
