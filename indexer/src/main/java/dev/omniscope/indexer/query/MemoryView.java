package dev.omniscope.indexer.query;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.omniscope.indexer.index.IndexTable;

/**
 * A process's memory at any step, from the index: for each byte, the region live at that step
 * gives where its content began (a blob of the trace, zeros, or the parent's memory at a fork),
 * and the last write since then (by an instruction or the kernel) before the step gives its value.
 *
 * <p>The writes come from a {@link WriteLog}, the {@link IndexStore}: a scan of mem_writes in its
 * Arrow file, or the last write of each (address, size) from PostgreSQL. Everything else
 * (regions, origins, which writes count) is this class, for both. Thread-safe once built.
 */
public final class MemoryView {
    /** Bytes read, and which of them were mapped at that step. */
    public record Bytes(byte[] data, boolean[] mapped) {
        public boolean allMapped() {
            for (boolean m : mapped) if (!m) return false;
            return true;
        }
    }

    /** A region's lifetime, as the regions table has it. */
    public record Region(int pid, long start, long end, int prot, String path, long fileOffset, String origin, String blob, long blobOffset,
                  long blobLength, long contentStep, int sourcePid, long fromStep, long toStep) {
        public boolean liveAt(long step) {
            return fromStep < step && step <= toStep;
        }
    }

    /** Receives writes, in the order they were made. */
    @FunctionalInterface
    public interface WriteVisitor {
        void write(long step, long address, byte[] bytes);
    }

    /** Where the writes to memory come from. */
    @FunctionalInterface
    public interface WriteLog {
        /**
         * Visits, in the order they were made (step, then table order), writes of {@code pid}
         * overlapping [address, address + length) with {@code since} ≤ step < {@code before}: at
         * least, for every byte, the last such write covering it (earlier ones may be left out).
         */
        void writes(int pid, long address, int length, long since, long before, WriteVisitor visitor) throws IOException;
    }

    /** Where blob contents come from: the trace. */
    @FunctionalInterface
    public interface Blobs {
        InputStream open(String hash) throws IOException;
    }

    private final WriteLog writes;
    private final Blobs blobs;
    private final List<Region> regions = new ArrayList<>();
    private final Map<String, byte[]> blobCache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
            return size() > 16;
        }
    };

    /** Regions from {@code tables}, writes from {@code writes}, blobs from {@code blobs}. */
    public MemoryView(TableSource tables, Blobs blobs, WriteLog writes) throws IOException {
        this.writes = writes;
        this.blobs = blobs;
        tables.scan(IndexTable.REGIONS, r -> {
            Long to = r.nullableI64(r.column("to_step"));
            regions.add(new Region(r.i32(r.column("pid")), r.i64(r.column("start")), r.i64(r.column("end")), r.i32(r.column("prot")),
                    r.string(r.column("path")), r.i64(r.column("file_offset")), r.string(r.column("origin")), r.string(r.column("blob")), r.i64(r.column("blob_offset")),
                    r.i64(r.column("blob_length")), r.i64(r.column("content_step")), r.i32(r.column("source_pid")),
                    r.i64(r.column("from_step")), to == null ? Long.MAX_VALUE : to));
            return true;
        });
    }

    /** The region of {@code pid} live at {@code step} covering {@code address}, or null. */
    public Region regionAt(int pid, long address, long step) {
        for (Region r : regions) {
            if (r.pid() == pid && r.liveAt(step) && Long.compareUnsigned(address, r.start()) >= 0
                    && Long.compareUnsigned(address, r.end()) < 0) return r;
        }
        return null;
    }

    /** {@code length} bytes at {@code address} in {@code pid}, as they were at {@code step} (before its instruction ran). */
    public Bytes read(int pid, long address, int length, long step) throws IOException {
        byte[] data = new byte[length];
        boolean[] mapped = new boolean[length];
        long[] since = new long[length];
        base(pid, address, length, step, data, mapped, since);
        long from = Long.MAX_VALUE;
        for (int i = 0; i < length; i++) if (mapped[i]) from = Math.min(from, since[i]);
        if (from == Long.MAX_VALUE) return new Bytes(data, mapped); // nothing mapped
        writes.writes(pid, address, length, from, step, (s, a, bytes) -> {
            for (int k = 0; k < bytes.length; k++) {
                long at = a + k - address;
                if (at >= 0 && at < length && mapped[(int) at] && s >= since[(int) at]) data[(int) at] = bytes[k];
            }
        });
        return new Bytes(data, mapped);
    }

    /** The bytes each region had when its content began, and from which step writes count. */
    private void base(int pid, long address, int length, long step, byte[] data, boolean[] mapped, long[] since) throws IOException {
        for (int i = 0; i < length; ) {
            long a = address + i;
            Region r = regionAt(pid, a, step);
            if (r == null) {
                i++;
                continue;
            }
            int n = (int) Math.min(length - i, r.end() - a);
            switch (r.origin()) {
                case "blob" -> {
                    byte[] blob = blob(r.blob());
                    for (int k = 0; k < n; k++) {
                        long off = r.blobOffset() + (a - r.start()) + k;
                        data[i + k] = off < Math.min(r.blobLength(), blob.length) ? blob[(int) off] : 0;
                    }
                }
                case "inherited" -> {
                    // A forked child's memory: the parent's as of the fork.
                    Bytes parent = read(r.sourcePid(), a, n, r.contentStep() + 1);
                    System.arraycopy(parent.data(), 0, data, i, n);
                }
                case "borrowed" -> {
                    // A vfork child's memory is its lender's, now: the child's own writes are the lender's rows.
                    Bytes lender = read(r.sourcePid(), a, n, step);
                    System.arraycopy(lender.data(), 0, data, i, n);
                }
                default -> { } // zero
            }
            long writesFrom = "borrowed".equals(r.origin()) ? Long.MAX_VALUE : r.contentStep();
            for (int k = 0; k < n; k++) {
                mapped[i + k] = true;
                since[i + k] = writesFrom;
            }
            i += n;
        }
    }

    private byte[] blob(String hash) throws IOException {
        synchronized (blobCache) {
            byte[] cached = blobCache.get(hash);
            if (cached != null) return cached;
            try (InputStream in = blobs.open(hash)) {
                byte[] all = in.readAllBytes();
                blobCache.put(hash, all);
                return all;
            }
        }
    }

    /** Whether the region content covering [address, address+length) of pid began after {@code afterStep} and before {@code step}. */
    boolean contentRestartedBetween(int pid, long address, long afterStep, long step) {
        Region r = regionAt(pid, address, step);
        return r != null && r.contentStep() >= afterStep && r.contentStep() < step && !"inherited".equals(r.origin())
                && !"borrowed".equals(r.origin());
    }
}
