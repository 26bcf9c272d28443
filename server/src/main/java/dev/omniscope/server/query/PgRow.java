package dev.omniscope.server.query;

import java.sql.ResultSet;
import java.sql.SQLException;

import dev.omniscope.indexer.index.IndexTable;
import dev.omniscope.indexer.query.TableRow;

/**
 * A result row whose first columns are an index table's columns in {@link IndexTable} order
 * ({@link #select}): the server's {@link TableRow}, so that the indexer's row-to-document code
 * ({@code Calls.entry}, {@code Locator.openCall}, {@code Symbolizer.load}) serves both.
 */
final class PgRow implements TableRow {
    private final IndexTable table;
    private final ResultSet rs;

    PgRow(IndexTable table, ResultSet rs) {
        this.table = table;
        this.rs = rs;
    }

    /** The select list of a table's columns, in order, qualified by {@code alias} (or not, if null). */
    static String select(IndexTable t, String alias) {
        StringBuilder sb = new StringBuilder();
        for (IndexTable.Column c : t.columns()) {
            if (sb.length() > 0) sb.append(", ");
            if (alias != null) sb.append(alias).append('.');
            sb.append('"').append(c.name()).append('"');
        }
        return sb.toString();
    }

    @Override
    public int column(String name) {
        return table.column(name);
    }

    private static RuntimeException wrap(SQLException e) {
        return new IllegalStateException(e.getMessage(), e);
    }

    @Override
    public long i64(int column) {
        try {
            return rs.getLong(column + 1);
        } catch (SQLException e) {
            throw wrap(e);
        }
    }

    @Override
    public int i32(int column) {
        try {
            return rs.getInt(column + 1);
        } catch (SQLException e) {
            throw wrap(e);
        }
    }

    @Override
    public int i16(int column) {
        try {
            return rs.getShort(column + 1);
        } catch (SQLException e) {
            throw wrap(e);
        }
    }

    @Override
    public boolean bool(int column) {
        try {
            return rs.getBoolean(column + 1);
        } catch (SQLException e) {
            throw wrap(e);
        }
    }

    @Override
    public boolean isNull(int column) {
        try {
            return rs.getObject(column + 1) == null;
        } catch (SQLException e) {
            throw wrap(e);
        }
    }

    @Override
    public String string(int column) {
        try {
            return rs.getString(column + 1);
        } catch (SQLException e) {
            throw wrap(e);
        }
    }

    @Override
    public byte[] bytes(int column) {
        try {
            return rs.getBytes(column + 1);
        } catch (SQLException e) {
            throw wrap(e);
        }
    }
}
