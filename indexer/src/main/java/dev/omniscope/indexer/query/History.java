package dev.omniscope.indexer.query;

import java.io.IOException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Consumer;

import dev.omniscope.indexer.index.Tables;

/**
 * "When did this value change": every write overlapping a range of memory, in step order, with
 * where it happened and the whole range after it. One scan of mem_writes; the range's content
 * before the first write of each process comes from {@link MemoryView}.
 */
public final class History {
    private static final HexFormat HEX = HexFormat.of();

    /** What to watch. {@code pid} null: every process; steps inclusive, null for open ends. */
    public record Query(long address, int length, Integer pid, Long from, Long to) {}

    private History() {}

    public static void run(IndexTables index, MemoryView memory, Symbolizer symbols, Query q, Consumer<HistoryEntry> out)
            throws IOException {
        long start = q.address(), end = q.address() + q.length();
        Map<Integer, byte[]> ranges = new HashMap<>();
        Map<Integer, Long> lastStep = new HashMap<>();
        index.scanBatches(Tables.MEM_WRITES, row -> {
            int cStep = row.column("step"), cPid = row.column("pid"), cTid = row.column("tid"), cRip = row.column("rip"),
                    cAddr = row.column("addr"), cSize = row.column("size"), cOld = row.column("old"), cNew = row.column("new"),
                    cKernel = row.column("kernel");
            var steps = row.longVector(cStep);
            var addrs = row.longVector(cAddr);
            int n = row.batchRows();
            for (int i = 0; i < n; i++) {
                long a = addrs.get(i);
                // Rows are at most 64 bytes: cheap rejection on the address column alone.
                if (Long.compareUnsigned(a, end) >= 0 || Long.compareUnsigned(a + 64, start) <= 0) continue;
                IndexTables.at(row, i);
                int size = row.i32(cSize);
                if (Long.compareUnsigned(a + size, start) <= 0) continue;
                long step = steps.get(i);
                if (q.to() != null && step > q.to()) return false;
                int pid = row.i32(cPid);
                if (q.pid() != null && pid != q.pid()) continue;
                byte[] range = ranges.get(pid);
                Long previous = lastStep.get(pid);
                if (range == null || memory.contentRestartedBetween(pid, start, previous, step)) {
                    range = memory.read(pid, start, q.length(), step).data(); // the range just before this write
                    ranges.put(pid, range);
                }
                byte[] written = row.bytes(cNew);
                for (int k = 0; k < written.length; k++) {
                    long at = a + k - start;
                    if (at >= 0 && at < q.length()) range[(int) at] = written[k];
                }
                lastStep.put(pid, step);
                if (q.from() != null && step < q.from()) continue;
                long rip = row.i64(cRip);
                Symbolizer.Place place = symbols.place(pid, rip, step);
                out.accept(new HistoryEntry(step, pid, row.i32(cTid), hex(rip), place.function(), place.file(), place.line(),
                        hex(a), size, HEX.formatHex(row.bytes(cOld)), HEX.formatHex(written), HEX.formatHex(range),
                        row.bool(cKernel)));
            }
            return true;
        });
    }

    public static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }
}
