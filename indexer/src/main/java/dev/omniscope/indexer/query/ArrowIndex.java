package dev.omniscope.indexer.query;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.message.ArrowBlock;

import dev.omniscope.indexer.index.IndexSummary;
import dev.omniscope.indexer.index.Indexer;
import dev.omniscope.indexer.index.IndexTable;
import dev.omniscope.trace.Trace;
import dev.omniscope.trace.TraceFormatException;

/**
 * An index directory opened for reading: its summary and its Arrow files, scanned batch by batch
 * (one batch in memory at a time). The command line's {@link IndexStore}: every lookup is a scan
 * ({@link ArrowLookups}), which suits one question per process; the server loads the same files
 * into PostgreSQL for lookups by index.
 */
public final class ArrowIndex implements IndexStore, AutoCloseable {
    /** One row of a batch being scanned, with typed column access by name. */
    public static final class Row implements TableRow {
        private final IndexTable table;
        private VectorSchemaRoot root;
        private final FieldVector[] byColumn;
        int index;

        Row(IndexTable table) {
            this.table = table;
            this.byColumn = new FieldVector[table.columns().size()];
        }

        void bind(VectorSchemaRoot root) {
            this.root = root;
            for (int i = 0; i < byColumn.length; i++) byColumn[i] = root.getVector(table.columns().get(i).name());
        }

        /** The column's position, to look it up once and read many rows with the positional getters. */
        @Override
        public int column(String name) {
            return table.column(name);
        }

        @Override
        public long i64(int column) {
            return ((BigIntVector) byColumn[column]).get(index);
        }

        @Override
        public int i32(int column) {
            return ((IntVector) byColumn[column]).get(index);
        }

        @Override
        public int i16(int column) {
            return ((SmallIntVector) byColumn[column]).get(index);
        }

        @Override
        public boolean bool(int column) {
            return ((BitVector) byColumn[column]).get(index) != 0;
        }

        @Override
        public boolean isNull(int column) {
            return byColumn[column].isNull(index);
        }

        @Override
        public String string(int column) {
            if (isNull(column)) return null;
            return new String(((VarCharVector) byColumn[column]).get(index), StandardCharsets.UTF_8);
        }

        @Override
        public byte[] bytes(int column) {
            return ((VarBinaryVector) byColumn[column]).get(index);
        }

        /** For scans that read a column for every row of a batch (the hot filter). */
        public BigIntVector longVector(int column) {
            return (BigIntVector) byColumn[column];
        }

        public int batchRows() {
            return root.getRowCount();
        }
    }

    /** Visits rows; return false to stop the scan. */
    @FunctionalInterface
    public interface Visitor {
        boolean visit(Row row) throws IOException;
    }

    private final Path directory;
    private final IndexSummary summary;
    private final BufferAllocator allocator = new RootAllocator();

    private final ArrowLookups lookups = new ArrowLookups(this);

    private ArrowIndex(Path directory, IndexSummary summary) {
        this.directory = directory;
        this.summary = summary;
    }

    /** Opens an index directory; a missing or foreign one is a {@link TraceFormatException} saying so. */
    public static ArrowIndex open(Path directory) throws IOException {
        Path summaryFile = directory.resolve(Indexer.SUMMARY);
        if (!Files.isRegularFile(summaryFile)) {
            throw new TraceFormatException("no index at " + directory + " (run omni index first)");
        }
        IndexSummary summary;
        try (InputStream in = Files.newInputStream(summaryFile)) {
            summary = Trace.json().readValue(in, IndexSummary.class);
        } catch (RuntimeException e) {
            throw new TraceFormatException(summaryFile + " is not an index summary: " + e.getMessage());
        }
        if (!IndexSummary.FORMAT.equals(summary.format()) || summary.version() != IndexSummary.VERSION) {
            throw new TraceFormatException(directory + " is not an index this omni reads (format " + summary.format()
                    + " version " + summary.version() + "); index the trace again");
        }
        return new ArrowIndex(directory, summary);
    }

    public IndexSummary summary() {
        return summary;
    }

    public Path directory() {
        return directory;
    }

    /** Visits every row of a table in file order. */
    @Override
    public void scan(IndexTable table, TableSource.Visitor visitor) throws IOException {
        try (FileChannel channel = FileChannel.open(directory.resolve(table.fileName()), StandardOpenOption.READ);
             ArrowFileReader reader = new ArrowFileReader(channel, allocator, CommonsCompressionFactory.INSTANCE)) {
            Row row = new Row(table);
            for (ArrowBlock block : reader.getRecordBlocks()) {
                reader.loadRecordBatch(block);
                VectorSchemaRoot root = reader.getVectorSchemaRoot();
                row.bind(root);
                int n = root.getRowCount();
                for (row.index = 0; row.index < n; row.index++) {
                    if (!visitor.visit(row)) return;
                }
            }
        }
    }

    /** Like scan, a batch at a time: {@code visitor} is called with row.index = -1 and must loop over batchRows itself. */
    public void scanBatches(IndexTable table, Visitor visitor) throws IOException {
        scanBatches(table, 0, visitor);
    }

    /** As {@link #scanBatches(IndexTable, Visitor)}, from batch number {@code fromBatch} on. */
    public void scanBatches(IndexTable table, int fromBatch, Visitor visitor) throws IOException {
        try (FileChannel channel = FileChannel.open(directory.resolve(table.fileName()), StandardOpenOption.READ);
             ArrowFileReader reader = new ArrowFileReader(channel, allocator, CommonsCompressionFactory.INSTANCE)) {
            Row row = new Row(table);
            List<ArrowBlock> blocks = reader.getRecordBlocks();
            for (ArrowBlock block : blocks.subList(Math.min(Math.max(0, fromBatch), blocks.size()), blocks.size())) {
                reader.loadRecordBatch(block);
                row.bind(reader.getVectorSchemaRoot());
                row.index = -1;
                if (!visitor.visit(row)) return;
            }
        }
    }

    private volatile long[] blockBatchSteps;

    /**
     * The batch of the blocks table holding the last block that starts at or before {@code step}
     * (0 when none): where a scan for the blocks around a step starts. Blocks are in step order; the
     * first step of each batch is read once, by one pass over the file, and kept.
     */
    int blockBatch(long step) throws IOException {
        return blockBatch(step, true);
    }

    /**
     * As {@link #blockBatch(long)}; without {@code read}, 0 unless the batches' first steps are
     * already known (a single lookup scans from the start rather than pay a pass first).
     */
    int blockBatch(long step, boolean read) throws IOException {
        long[] firsts = blockBatchSteps;
        if (firsts == null && !read) return 0;
        if (firsts == null) {
            List<Long> found = new java.util.ArrayList<>();
            scanBatches(IndexTable.BLOCKS, row -> {
                if (row.batchRows() > 0) found.add(row.longVector(row.column("step")).get(0));
                else found.add(found.isEmpty() ? Long.MIN_VALUE : found.get(found.size() - 1));
                return true;
            });
            firsts = found.stream().mapToLong(Long::longValue).toArray();
            blockBatchSteps = firsts;
        }
        int lo = 0, hi = firsts.length - 1, at = 0;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (firsts[mid] <= step) {
                at = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return at;
    }

    /** Moves a batch visitor's row to index i. */
    public static void at(Row row, int i) {
        row.index = i;
    }

    @Override
    public long instructions() {
        return summary.instructions();
    }

    @Override
    public List<SeqWrite> writes(WriteQuery q) throws IOException {
        return lookups.writes(q);
    }

    @Override
    public void writes(int pid, long address, int length, long since, long before, MemoryView.WriteVisitor visitor) throws IOException {
        lookups.lastWrites(pid, address, length, since, before, visitor);
    }

    @Override
    public Locator.Block blockAt(long step) throws IOException {
        return lookups.blockAt(step);
    }

    @Override
    public List<Locator.Block> blocks(int tid, long step, boolean forward, int limit) throws IOException {
        return lookups.blocks(tid, step, forward, limit);
    }

    @Override
    public List<Locator.Block> blocksAt(long[] rips, long[] afterSteps, int limit) throws IOException {
        return lookups.blocksAt(rips, afterSteps, limit);
    }

    @Override
    public Map<Integer, long[]> registers(int tid, long step) throws IOException {
        return lookups.registers(tid, step);
    }

    @Override
    public List<BlockShape> blockShapes(int tid, long from, long to) throws IOException {
        return lookups.blockShapes(tid, from, to);
    }

    @Override
    public List<Locator.Block> blocksIn(int tid, long from, long to, long[] rips, int limit) throws IOException {
        return lookups.blocksIn(tid, from, to, rips, limit);
    }

    @Override
    public long[] register(int tid, int reg, long step) throws IOException {
        return lookups.registers(tid, step).get(reg);
    }

    @Override
    public void registerChanges(int tid, long from, long to, int[] regs, RegisterChangeVisitor visitor) throws IOException {
        lookups.registerChanges(tid, from, to, regs, visitor);
    }

    @Override
    public List<CallEntry> calls(CallQuery q) throws IOException {
        return lookups.calls(q);
    }

    @Override
    public List<Locator.OpenCall> openCalls(int tid, long step) throws IOException {
        return lookups.openCalls(tid, step);
    }

    @Override
    public List<String> functionNames() throws IOException {
        return lookups.functionNames();
    }

    @Override
    public List<QueryDocuments.Syscall> syscalls(Long from, Long to, long[] after, int limit) throws IOException {
        return lookups.syscalls(from, to, after, limit);
    }

    @Override
    public Timeline timeline() throws IOException {
        Timeline.Builder timeline = new Timeline.Builder(instructions());
        for (IndexTable t : Timeline.SOURCES) scan(t, row -> {
            timeline.row(t, row);
            return true;
        });
        return timeline.build();
    }

    @Override
    public void close() {
        allocator.close();
    }
}
