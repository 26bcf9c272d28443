package dev.omniscope.indexer.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Columns are addressed through {@link IndexTable}'s definitions, and a handle that does not fit fails loudly. */
class TableWriterTest {
    @TempDir
    Path dir;

    private final BufferAllocator allocator = new RootAllocator();

    @AfterEach
    void closeAllocator() {
        allocator.close();
    }

    @Test
    void aHandleOfTheWrongTypeIsRefused() {
        assertThatThrownBy(() -> IndexTable.BLOCKS.i32("step"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("blocks.step is I64, not I32");
        assertThatThrownBy(() -> IndexTable.CALLS.i64("function"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("calls.function is STRING, not I64");
        assertThatThrownBy(() -> IndexTable.BLOCKS.i64("steps"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("blocks has no column steps");
    }

    @Test
    void aHandleOfAnotherTableIsRefusedThoughItsPositionAndTypeMatch() throws Exception {
        // mem_writes.step is column 0 and I64, like blocks.step: by position it would land in blocks.
        IndexTable.Col<Long> otherStep = IndexTable.MEM_WRITES.i64("step");
        assertThat(otherStep.index()).isEqualTo(IndexTable.BLOCKS.i64("step").index());
        try (TableWriter blocks = new TableWriter(IndexTable.BLOCKS, dir, allocator)) {
            assertThatThrownBy(() -> blocks.setLong(otherStep, 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("mem_writes.step is not a column of blocks");
            assertThatThrownBy(() -> blocks.appendRuns(1, (at, from, n) -> blocks.constantInt(IndexTable.MEM_WRITES.i32("pid"), at, 7, n)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("mem_writes.pid is not a column of blocks");
        }
    }

    @Test
    void aRowThatLeavesAColumnOutIsRefused() throws Exception {
        try (TableWriter blocks = new TableWriter(IndexTable.BLOCKS, dir, allocator)) {
            blocks.setLong(IndexTable.BLOCKS.i64("step"), 1);
            blocks.setInt(IndexTable.BLOCKS.i32("pid"), 2);
            blocks.setInt(IndexTable.BLOCKS.i32("tid"), 2);
            assertThatThrownBy(blocks::endRow)
                    .isInstanceOf(IllegalStateException.class).hasMessage("blocks: a row without rip, instructions");
            assertThat(blocks.rows()).isZero();
        }
        try (TableWriter sources = new TableWriter(IndexTable.SOURCES, dir, allocator)) {
            assertThatThrownBy(() -> sources.appendRuns(3, (at, from, n) -> { }))
                    .isInstanceOf(IllegalStateException.class).hasMessage("sources: a row without path, blob, size");
        }
    }

    @Test
    void columnsLandWhereTheSchemaNamesThem() throws Exception {
        IndexTable.Col<Long> step = IndexTable.BLOCKS.i64("step"), rip = IndexTable.BLOCKS.i64("rip");
        IndexTable.Col<Integer> pid = IndexTable.BLOCKS.i32("pid"), tid = IndexTable.BLOCKS.i32("tid"), insns = IndexTable.BLOCKS.i32("instructions");
        int bulk = TableWriter.BATCH_ROWS + 5; // one row, then a run that spans into a second batch
        byte[] steps = littleEndianLongs(bulk, i -> 100 + i), rips = littleEndianLongs(bulk, i -> 0x400000 + 4 * i);
        byte[] counts = ByteBuffer.allocate(4 * bulk).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 3).array();
        try (TableWriter blocks = new TableWriter(IndexTable.BLOCKS, dir, allocator)) {
            // Set in another order than the table's: positions come from the handles.
            blocks.setInt(insns, 9);
            blocks.setLong(rip, 0x1234);
            blocks.setInt(tid, 43);
            blocks.setInt(pid, 42);
            blocks.setLong(step, 7);
            blocks.endRow();
            blocks.appendRuns(bulk, (at, from, n) -> {
                blocks.rawInts(insns, at, counts, from, n);
                blocks.rawLongs(step, at, steps, from, n);
                blocks.rawLongs(rip, at, rips, from, n);
                blocks.constantInt(tid, at, 5, n);
                blocks.constantInt(pid, at, 4, n);
            });
            assertThat(blocks.rows()).isEqualTo(1 + bulk);
        }
        List<long[]> rows = new ArrayList<>(); // step, pid, tid, rip, instructions
        List<Integer> batches = new ArrayList<>();
        try (FileChannel in = FileChannel.open(dir.resolve(IndexTable.BLOCKS.fileName()));
             ArrowFileReader reader = new ArrowFileReader(in, allocator, CommonsCompressionFactory.INSTANCE)) {
            for (ArrowBlock block : reader.getRecordBlocks()) {
                reader.loadRecordBatch(block);
                VectorSchemaRoot root = reader.getVectorSchemaRoot();
                batches.add(root.getRowCount());
                for (int r = 0; r < root.getRowCount(); r++) {
                    rows.add(new long[] {((BigIntVector) root.getVector("step")).get(r), ((IntVector) root.getVector("pid")).get(r),
                            ((IntVector) root.getVector("tid")).get(r), ((BigIntVector) root.getVector("rip")).get(r),
                            ((IntVector) root.getVector("instructions")).get(r)});
                }
            }
        }
        assertThat(batches).containsExactly(1, TableWriter.BATCH_ROWS, 5); // a run that does not fit the batch starts the next
        assertThat(rows.get(0)).containsExactly(7, 42, 43, 0x1234, 9);
        assertThat(rows.get(1)).containsExactly(100, 4, 5, 0x400000, 3);
        assertThat(rows.get(bulk)).containsExactly(100 + bulk - 1, 4, 5, 0x400000 + 4L * (bulk - 1), 0);
    }

    private static byte[] littleEndianLongs(int n, java.util.function.IntToLongFunction value) {
        ByteBuffer b = ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) b.putLong(8 * i, value.applyAsLong(i));
        return b.array();
    }
}
