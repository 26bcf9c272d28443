package dev.omniscope.indexer.index;

import java.io.IOException;
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
 * (zstd-compressed buffers), so that memory holds one batch whatever the trace's length. Rows are
 * written column by column: {@code set...(column, value)} for each column, then {@link #endRow()}.
 */
final class TableWriter implements AutoCloseable {
    static final int BATCH_ROWS = 1 << 16;

    private final Tables table;
    private final VectorSchemaRoot root;
    private final FieldVector[] vectors;
    private final ArrowFileWriter writer;
    private final FileChannel channel;
    private int row;
    private long rows;

    TableWriter(Tables table, Path directory, BufferAllocator allocator) throws IOException {
        this.table = table;
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

    // Fixed-width columns hold BATCH_ROWS values (allocateBatch), and row < BATCH_ROWS: no checks needed.
    void setLong(int column, long value) {
        ((BigIntVector) vectors[column]).set(row, value);
    }

    void setInt(int column, int value) {
        ((IntVector) vectors[column]).set(row, value);
    }

    void setShort(int column, int value) {
        ((SmallIntVector) vectors[column]).set(row, (short) value);
    }

    void setBool(int column, boolean value) {
        ((BitVector) vectors[column]).set(row, value ? 1 : 0);
    }

    void setBytes(int column, byte[] value, int offset, int length) {
        ((VarBinaryVector) vectors[column]).setSafe(row, value, offset, length);
    }

    void setString(int column, String value) {
        if (value == null) {
            setNull(column);
            return;
        }
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        ((VarCharVector) vectors[column]).setSafe(row, b, 0, b.length);
    }

    /** A null in a nullable column (a nullable column left unset is null too). */
    void setNull(int column) {
        vectors[column].setNull(row);
    }

    void setNullableLong(int column, Long value) {
        if (value == null) setNull(column);
        else setLong(column, value);
    }

    void setNullableInt(int column, Integer value) {
        if (value == null) setNull(column);
        else setInt(column, value);
    }

    /**
     * Room for {@code n} more rows in the current batch (writing it first if needed, n must be at
     * most BATCH_ROWS): returns the first row's index for the column fills below, then
     * {@link #commit(int)}.
     */
    int reserve(int n) throws IOException {
        if (row + n > BATCH_ROWS) flush();
        return row;
    }

    /** n fixed-width values copied as bytes (little-endian, as the vector stores them) into rows [at, at+n). */
    void raw(int column, int at, byte[] values, int width, int from, int n) {
        BaseFixedWidthVector v = (BaseFixedWidthVector) vectors[column];
        v.getDataBuffer().setBytes((long) at * width, values, from * width, (long) n * width);
        markValid(v, at, n);
    }

    void constantIntFast(int column, int at, int value, int n) {
        BaseFixedWidthVector v = (BaseFixedWidthVector) vectors[column];
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

    void longs(int column, int at, long[] values, int from, int n) {
        BigIntVector v = (BigIntVector) vectors[column];
        for (int i = 0; i < n; i++) v.set(at + i, values[from + i]);
    }

    void ints(int column, int at, int[] values, int from, int n) {
        IntVector v = (IntVector) vectors[column];
        for (int i = 0; i < n; i++) v.set(at + i, values[from + i]);
    }

    void constantInt(int column, int at, int value, int n) {
        IntVector v = (IntVector) vectors[column];
        for (int i = 0; i < n; i++) v.set(at + i, value);
    }

    // The three below write what BitVector/SmallIntVector/IntVector.set would, row by row, but as
    // plain stores and whole bytes of validity bits (the index writer's hot path).

    void constantBool(int column, int at, boolean value, int n) {
        BitVector v = (BitVector) vectors[column];
        setBits(v.getDataBuffer(), at, n, value);
        markValid(v, at, n);
    }

    void unsignedBytesAsShorts(int column, int at, byte[] values, int from, int n) {
        SmallIntVector v = (SmallIntVector) vectors[column];
        long address = v.getDataBuffer().memoryAddress() + 2L * at;
        for (int i = 0; i < n; i++) MemoryUtil.putShort(address + 2L * i, (short) (values[from + i] & 0xFF));
        markValid(v, at, n);
    }

    void unsignedBytesAsInts(int column, int at, byte[] values, int from, int n) {
        IntVector v = (IntVector) vectors[column];
        long address = v.getDataBuffer().memoryAddress() + 4L * at;
        for (int i = 0; i < n; i++) MemoryUtil.putInt(address + 4L * i, values[from + i] & 0xFF);
        markValid(v, at, n);
    }

    /** Variable-length values cut from fixed slots: value i is slots[slot*(from+i), +lengths[from+i]). */
    void slottedBytes(int column, int at, byte[] slots, int slot, byte[] lengths, int from, int n) {
        VarBinaryVector v = (VarBinaryVector) vectors[column];
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

    void commit(int n) throws IOException {
        row += n;
        rows += n;
        if (row == BATCH_ROWS) flush();
    }

    void endRow() throws IOException {
        row++;
        rows++;
        if (row == BATCH_ROWS) flush();
    }

    private void flush() throws IOException {
        if (row == 0) return;
        root.setRowCount(row);
        writer.writeBatch();
        allocateBatch();
        row = 0;
    }

    long rows() {
        return rows;
    }

    Tables table() {
        return table;
    }

    @Override
    public void close() throws IOException {
        try {
            flush();
            writer.end();
        } finally {
            writer.close();
            root.close();
            channel.close();
        }
    }
}
