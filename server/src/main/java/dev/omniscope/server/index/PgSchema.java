package dev.omniscope.server.index;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import dev.omniscope.indexer.index.IndexTable;

/**
 * The index tables in PostgreSQL, derived from {@link IndexTable} (the one definition of their
 * columns): one table per index table, partitioned by LIST on {@code trace_key} (first column of
 * every table and the partition key, as Citus would distribute them), with the indexes the query
 * API needs. Each trace's rows live in one partition per table, named {@code <table>_l<load>}.
 *
 * <p>Every index table keeps its Arrow columns as columns, with their names and types, except
 * {@code reg_changes}: it is stored <em>packed</em>, one row per run of up to
 * {@link PackedRegisters#RUN} consecutive changes of one register of one thread, its {@code step},
 * {@code value} and {@code value_hi} columns becoming byte arrays ({@link PackedRegisters}). A
 * 100-million-instruction trace makes over 100 million register changes: as rows they would cost
 * about 8 GB and minutes to load; packed, a few hundred thousand rows.
 *
 * <p>IndexTable whose order matters and is not their step order get one more column, {@code seq}: the
 * row's position in its Arrow file. In {@code mem_writes} it orders the writes of one step as the
 * indexer wrote them (the CLI's order); in the small tables it keeps the order that lookups
 * depend on (the last tasks row of a thread, line rows at one address).
 */
public final class PgSchema {
    /** The partition key: {@code traces.trace_key}. */
    public static final String KEY = "trace_key";
    public static final String SEQ = "seq";

    /** A B-tree index on a table: its name suffix, key columns and optional predicate. */
    public record Index(String suffix, List<String> columns, String where) {}

    private PgSchema() {}

    public static String sqlType(IndexTable.Type type) {
        return switch (type) {
            case I16 -> "smallint";
            case I32 -> "integer";
            case I64 -> "bigint";
            case BOOL -> "boolean";
            case STRING -> "text";
            case BYTES -> "bytea";
        };
    }

    /** A quoted identifier (index tables have columns named end, column, type...). */
    public static String q(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    public static boolean packed(IndexTable t) {
        return t == IndexTable.REG_CHANGES;
    }

    /** Columns of the PostgreSQL table in order, as (name, SQL type, nullable). */
    public record Column(String name, String type, boolean nullable) {
        String ddl() {
            return q(name) + " " + type + (nullable ? "" : " not null");
        }
    }

    public static List<Column> columns(IndexTable t) {
        List<Column> out = new ArrayList<>();
        out.add(new Column(KEY, "bigint", false));
        if (packed(t)) {
            for (String group : PackedRegisters.GROUP) {
                IndexTable.Column c = t.columns().get(t.column(group));
                out.add(new Column(c.name(), sqlType(c.type()), c.nullable()));
            }
            out.add(new Column("first_step", "bigint", false));
            out.add(new Column("last_step", "bigint", false));
            out.add(new Column("changes", "integer", false));
            for (IndexTable.Column c : t.columns()) {
                if (PackedRegisters.GROUP.contains(c.name())) continue;
                out.add(new Column(c.name(), "bytea", c.name().equals("value_hi")));
            }
            return out;
        }
        for (IndexTable.Column c : t.columns()) out.add(new Column(c.name(), sqlType(c.type()), c.nullable()));
        if (hasSeq(t)) out.add(new Column(SEQ, "bigint", false));
        return out;
    }

    /** Whether the table has {@code seq}: all but those in step order (blocks, syscalls, signals), calls and reg_changes. */
    public static boolean hasSeq(IndexTable t) {
        return switch (t) {
            case BLOCKS, SYSCALLS, SIGNALS, CALLS, REG_CHANGES -> false;
            default -> true;
        };
    }

    /** How to read a table's rows in the order of its Arrow file (calls: by call step, the order queries want). */
    public static String fileOrder(IndexTable t) {
        if (hasSeq(t)) return SEQ;
        return switch (t) {
            case CALLS -> "call_step, tid";
            case REG_CHANGES -> "tid, reg, first_step";
            default -> "step";
        };
    }

    /** The columns a COPY of a loaded table names (all but the key, which the fresh table's default fills). */
    public static List<Column> copyColumns(IndexTable t) {
        return columns(t).subList(1, columns(t).size());
    }

    public static String copyColumnList(IndexTable t) {
        return copyColumns(t).stream().map(c -> q(c.name())).collect(Collectors.joining(", "));
    }

    /** The parent table, partitioned by trace. */
    public static String createParent(IndexTable t) {
        return "create table " + q(t.tableName()) + " ("
                + columns(t).stream().map(Column::ddl).collect(Collectors.joining(", "))
                + ") partition by list (" + KEY + ")";
    }

    /**
     * The indexes that serve the query API (docs/architecture.md, "The index in PostgreSQL").
     * Small tables (per program, not per instruction) have none: the server reads them whole
     * into memory, once per trace.
     */
    public static List<Index> indexes(IndexTable t) {
        return switch (t) {
            // the block containing a step: the last block starting at or before it; a thread's blocks in order (moves);
            // the executions of an address (of a source line), in step order
            case BLOCKS -> List.of(new Index("step", List.of("step"), null), new Index("tid", List.of("tid", "step"), null),
                    new Index("rip", List.of("rip", "step"), null));
            // history and memory at a step: one B-tree descent per distinct (addr, size) near the range, then steps in order
            case MEM_WRITES -> List.of(new Index("addr", List.of("addr", "size", "step"), null));
            // registers at a step: the last run of each register of a thread starting before it
            case REG_CHANGES -> List.of(new Index("reg", List.of("tid", "reg", "first_step"), null));
            case CALLS -> List.of(
                    new Index("call", List.of("tid", "call_step"), null),                   // one call
                    new Index("depth", List.of("tid", "depth", "call_step"), null),           // a call's children; the call stack
                    new Index("function", List.of("function", "call_step"), null),          // calls of a function, in order
                    new Index("open", List.of("tid", "call_step"), "return_step is null"));  // calls that never returned
            case SYSCALLS, SIGNALS -> List.of(new Index("step", List.of("step"), null));
            default -> List.of();
        };
    }

    /**
     * Creates every index {@link #indexes} asks for that a database does not have yet: what a
     * migration adding an index runs (indexes of a partitioned table reach its partitions, so
     * traces loaded before are indexed too).
     */
    public static void createMissingIndexes(java.sql.Statement s) throws java.sql.SQLException {
        for (IndexTable t : IndexTable.values()) {
            for (Index index : indexes(t)) {
                s.execute(createIndex(t.tableName(), index).replaceFirst("^create index ", "create index if not exists "));
            }
        }
    }

    /** The name of a load's table of {@code t}: it becomes the trace's partition when attached. */
    public static String loadTable(IndexTable t, long load) {
        return t.tableName() + "_l" + load;
    }

    public static String createIndex(String table, Index index) {
        return "create index " + q(table + "_" + index.suffix()) + " on " + q(table) + " (" + index.columns().stream().map(PgSchema::q).collect(Collectors.joining(", ")) + ")"
                + (index.where() == null ? "" : " where " + index.where());
    }
}
