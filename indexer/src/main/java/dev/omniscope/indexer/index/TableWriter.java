package dev.omniscope.indexer.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;

import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.message.IpcOption;

/**
 * Streams one table into an Arrow IPC file in record batches of {@link #BATCH_ROWS} rows
 * (zstd-compressed buffers), so that memory holds one batch whatever the trace's length. Columns
 * are addressed by {@link IndexTable.Col} handles of this table, never by position. A row is written
 * column by column, {@code set...(column, value)} for every column (setNull for a null), then
 * {@link #endRow()}; runs of rows column by column with {@link #appendRuns}. A row or run that
 * left a column out, or a handle of another table, fails at once, naming the column.
 * Row-ending methods throw {@link UncheckedIOException} when writing a batch fails (the replay's
 * listener, which calls them, cannot throw IOException).
 */
final class TableWriter implements AutoCloseable {
    static final int BATCH_ROWS = 1 << 16;

    /** Fills rows [at, at+n) of the batch column by column, from rows [from, from+n) of a source. */
    interface Run {
        void fill(int at, int from, int n);
    }

    private final IndexTable table;
    private final VectorSchemaRoot root;
    private final FieldVector[] vectors;
    private final ArrowFileWriter writer;
    private final FileChannel channel;
    /** A bit per column: all of them, and those filled for the row (or run) being written. */
    private final long allColumns;
    private long filled;
    private int row;
    private long rows;

    TableWriter(IndexTable table, Path directory, BufferAllocator allocator) throws IOException {
        if (table.columns().size() > Long.SIZE) throw new IllegalArgumentException(table.tableName() + ": too many columns");
        this.table = table;
        this.allColumns = -1L >>> (Long.SIZE - table.columns().size());
        this.root = VectorSchemaRoot.create(table.schema(), allocator);
        this.vectors = root.getFieldVectors().toArray(FieldVector[]::new);
        this.channel = FileChannel.open(directory.resolve(table.fileName()), StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        this.writer = new ArrowFileWriter(root, null, channel, Map.of("omniscope.table", table.tableName()), IpcOption.DEFAULT,
                CommonsCompressionFactory.INSTANCE, CompressionUtil.CodecType.ZSTD, Optional.of(1)); // level 1: most of the ratio, a fraction of the time
        writer.start();
        allocateBatch();
    }

    /** Every vector sized for a whole batch up front, so that fixed-width columns are set without checks. */
    private void allocateBatch() {
        for (FieldVector v : vectors) {
            if (v instanceof BaseVariableWidthVector var) {
                var.setInitialCapacity(BATCH_ROWS, 16);
            } else {
                v.setInitialCapacity(BATCH_ROWS);
            }
            v.allocateNew();
        }
    }

    /** The column's vector, once the handle is known to be this table's; the column counts as filled. */
    private FieldVector vector(IndexTable.Col<?> column) {
        if (column.table() != table) throw new IllegalArgumentException(column + " is not a column of " + table.tableName());
        filled |= 1L << column.index();
        return vectors[column.index()];
    }

    // Fixed-width columns hold BATCH_ROWS values (allocateBatch), and row < BATCH_ROWS: no checks needed.
    void setLong(IndexTable.Col<Long> column, long value) {
        ((BigIntVector) vector(column)).set(row, value);
    }

    void setInt(IndexTable.Col<Integer> column, int value) {
        ((IntVector) vector(column)).set(row, value);
    }

    void setShort(IndexTable.Col<Short> column, int value) {
        ((SmallIntVector) vector(column)).set(row, (short) value);
    }

    void setBool(IndexTable.Col<Boolean> column, boolean value) {
        ((BitVector) vector(column)).set(row, value ? 1 : 0);
    }

    void setBytes(IndexTable.Col<byte[]> column, byte[] value, int offset, int length) {
        ((VarBinaryVector) vector(column)).setSafe(row, value, offset, length);
    }

    void setString(IndexTable.Col<String> column, String value) {
        if (value == null) {
            setNull(column);
            return;
        }
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        ((VarCharVector) vector(column)).setSafe(row, b, 0, b.length);
    }

    /** A null in a nullable column. */
    void setNull(IndexTable.Col<?> column) {
        vector(column).setNull(row);
    }

    void setNullableLong(IndexTable.Col<Long> column, Long value) {
        if (value == null) setNull(column);
        else setLong(column, value);
    }

    void setNullableInt(IndexTable.Col<Integer> column, Integer value) {
        if (value == null) setNull(column);
        else setInt(column, value);
    }

    void endRow() {
        checkFilled();
        row++;
        rows++;
        if (row == BATCH_ROWS) flush();
    }

    /**
     * Appends {@code n} rows in runs that fit the current batch (a batch is written first when a
     * run would overflow it): for each run, {@code run.fill} fills every column with the fills below.
     */
    void appendRuns(int n, Run run) {
        for (int from = 0; from < n; ) {
            int count = Math.min(n - from, BATCH_ROWS);
            if (row + count > BATCH_ROWS) flush();
            run.fill(row, from, count);
            checkFilled();
            row += count;
            rows += count;
            if (row == BATCH_ROWS) flush();
            from += count;
        }
    }

    private void checkFilled() {
        if (filled != allColumns) {
            StringBuilder missing = new StringBuilder();
            for (int c = 0; c < vectors.length; c++) {
                if ((filled & 1L << c) == 0) missing.append(missing.length() == 0 ? "" : ", ").append(table.columns().get(c).name());
            }
            throw new IllegalStateException(table.tableName() + ": a row without " + missing);
        }
        filled = 0;
    }

    /** n longs copied as bytes (little-endian, as the vector stores them) into rows [at, at+n). */
    void rawLongs(IndexTable.Col<Long> column, int at, byte[] values, int from, int n) {
        raw(vector(column), at, values, Long.BYTES, from, n);
    }

    /** n ints copied as bytes (little-endian, as the vector stores them) into rows [at, at+n). */
    void rawInts(IndexTable.Col<Integer> column, int at, byte[] values, int from, int n) {
        raw(vector(column), at, values, Integer.BYTES, from, n);
    }

    private static void raw(FieldVector vector, int at, byte[] values, int width, int from, int n) {
        BaseFixedWidthVector v = (BaseFixedWidthVector) vector;
        v.getDataBuffer().setBytes((long) at * width, values, from * width, (long) n * width);
        markValid(v, at, n);
    }

    void constantInt(IndexTable.Col<Integer> column, int at, int value, int n) {
        BaseFixedWidthVector v = (BaseFixedWidthVector) vector(column);
        long address = v.getDataBuffer().memoryAddress() + 4L * at;
        for (int i = 0; i < n; i++) MemoryUtil.putInt(address + 4L * i, value);
        markValid(v, at, n);
    }

    /** Sets the validity bits of rows [at, at+n): whole bytes at once, the ragged ends bit by bit. */
    private static void markValid(FieldVector v, int at, int n) {
        setBits(v.getValidityBuffer(), at, n, true);
    }

    /** Sets (one) or clears bits [at, at+n) of buf: whole bytes at once, the ragged ends bit by bit. */
    private static void setBits(ArrowBuf buf, int at, int n, boolean one) {
        int i = at, end = at + n;
        for (; i < end && (i & 7) != 0; i++) {
            if (one) BitVectorHelper.setBit(buf, i);
            else BitVectorHelper.unsetBit(buf, i);
        }
        int wholeBytes = (end - i) >>> 3;
        if (wholeBytes > 0) {
            if (one) buf.setOne(i >>> 3, wholeBytes);
            else buf.setZero(i >>> 3, wholeBytes);
            i += wholeBytes << 3;
        }
        for (; i < end; i++) {
            if (one) BitVectorHelper.setBit(buf, i);
            else BitVectorHelper.unsetBit(buf, i);
        }
    }

    // The three below write what BitVector/SmallIntVector/IntVector.set would, row by row, but as
    // plain stores and whole bytes of validity bits (the index writer's hot path).

    void constantBool(IndexTable.Col<Boolean> column, int at, boolean value, int n) {
        BitVector v = (BitVector) vector(column);
        setBits(v.getDataBuffer(), at, n, value);
        markValid(v, at, n);
    }

    void unsignedBytesAsShorts(IndexTable.Col<Short> column, int at, byte[] values, int from, int n) {
        SmallIntVector v = (SmallIntVector) vector(column);
        long address = v.getDataBuffer().memoryAddress() + 2L * at;
        for (int i = 0; i < n; i++) MemoryUtil.putShort(address + 2L * i, (short) (values[from + i] & 0xFF));
        markValid(v, at, n);
    }

    void unsignedBytesAsInts(IndexTable.Col<Integer> column, int at, byte[] values, int from, int n) {
        IntVector v = (IntVector) vector(column);
        long address = v.getDataBuffer().memoryAddress() + 4L * at;
        for (int i = 0; i < n; i++) MemoryUtil.putInt(address + 4L * i, values[from + i] & 0xFF);
        markValid(v, at, n);
    }

    /** Variable-length values cut from fixed slots: value i is slots[slot*(from+i), +lengths[from+i]). */
    void slottedBytes(IndexTable.Col<byte[]> column, int at, byte[] slots, int slot, byte[] lengths, int from, int n) {
        VarBinaryVector v = (VarBinaryVector) vector(column);
        if (v.getLastSet() != at - 1 || at + n > v.getValueCapacity()) {
            // Rows before `at` left unset, or no room: Arrow's own path (fills holes, grows buffers).
            for (int i = 0; i < n; i++) v.setSafe(at + i, slots, slot * (from + i), lengths[from + i] & 0xFF);
            return;
        }
        // What setSafe does row by row (offsets, bytes, validity, lastSet), with the data buffer
        // grown once for all n values.
        long start = at == 0 ? 0 : v.getStartOffset(at), total = 0;
        for (int i = 0; i < n; i++) total += lengths[from + i] & 0xFF;
        while (v.getDataBuffer().capacity() < start + total) v.reallocDataBuffer(start + total);
        long data = v.getDataBuffer().memoryAddress(), offsets = v.getOffsetBuffer().memoryAddress();
        long end = start;
        for (int i = 0; i < n; i++) {
            int len = lengths[from + i] & 0xFF;
            MemoryUtil.copyToMemory(slots, (long) slot * (from + i), data + end, len);
            end += len;
            MemoryUtil.putInt(offsets + 4L * (at + i + 1), (int) end);
        }
        markValid(v, at, n);
        v.setLastSet(at + n - 1);
    }

    private void flush() {
        try {
            writeBatch();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeBatch() throws IOException {
        if (row == 0) return;
        root.setRowCount(row);
        writer.writeBatch();
        allocateBatch();
        row = 0;
    }

    long rows() {
        return rows;
    }

    IndexTable table() {
        return table;
    }

    @Override
    public void close() throws IOException {
        try {
            writeBatch();
            writer.end();
        } finally {
            writer.close();
            root.close();
            channel.close();
        }
    }
}
