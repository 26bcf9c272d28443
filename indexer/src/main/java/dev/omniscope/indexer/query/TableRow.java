package dev.omniscope.indexer.query;

/**
 * One row of an index table, read by column position ({@link #column} looks a name up once): the
 * storage-independent view the queries use, whether the row comes from an Arrow file
 * ({@link ArrowIndex}) or from PostgreSQL (the server). Positions are those of
 * {@link dev.omniscope.indexer.index.IndexTable#columns()}.
 */
public interface TableRow {
    /** The position of a column of this row's table. */
    int column(String name);

    long i64(int column);

    int i32(int column);

    int i16(int column);

    boolean bool(int column);

    boolean isNull(int column);

    /** Null for a null string column. */
    String string(int column);

    byte[] bytes(int column);

    default Long nullableI64(int column) {
        return isNull(column) ? null : i64(column);
    }

    default Integer nullableI32(int column) {
        return isNull(column) ? null : i32(column);
    }
}
