package dev.omniscope.indexer.index;

import java.util.ArrayList;
import java.util.List;

import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The index's tables: one Arrow IPC file each, {@code <name>.arrow} (docs/index-format.md is
 * their documentation; this class is their one definition, used by the writer, the readers and
 * the PostgreSQL loader). Steps are signed 64-bit (-1 is "before the first instruction");
 * addresses are 64-bit values stored signed; bytes are binary, in memory order.
 */
public enum IndexTable {
    BLOCKS("blocks",
            col("step", Type.I64), col("pid", Type.I32), col("tid", Type.I32), col("rip", Type.I64),
            col("instructions", Type.I32)),
    MEM_WRITES("mem_writes",
            col("step", Type.I64), col("pid", Type.I32), col("tid", Type.I32), col("rip", Type.I64),
            col("addr", Type.I64), col("size", Type.I32), col("old", Type.BYTES), col("new", Type.BYTES),
            col("kernel", Type.BOOL)),
    REG_CHANGES("reg_changes",
            col("step", Type.I64), col("pid", Type.I32), col("tid", Type.I32), col("reg", Type.I16),
            col("value", Type.I64), col("value_hi", Type.I64)),
    CALLS("calls",
            col("call_step", Type.I64), nullable("return_step", Type.I64), col("pid", Type.I32), col("tid", Type.I32),
            col("depth", Type.I32), col("call_site", Type.I64), col("target", Type.I64), nullable("function", Type.STRING),
            col("sp", Type.I64), col("arg0", Type.I64), col("arg1", Type.I64), col("arg2", Type.I64),
            col("arg3", Type.I64), col("arg4", Type.I64), col("arg5", Type.I64), nullable("return_value", Type.I64),
            col("unwound", Type.BOOL)),
    SYSCALLS("syscalls",
            col("step", Type.I64), col("pid", Type.I32), col("tid", Type.I32), col("number", Type.I32),
            col("name", Type.STRING), col("arg0", Type.I64), col("arg1", Type.I64), col("arg2", Type.I64),
            col("arg3", Type.I64), col("arg4", Type.I64), col("arg5", Type.I64), nullable("result", Type.I64),
            col("rip", Type.I64)),
    SIGNALS("signals",
            col("step", Type.I64), col("pid", Type.I32), col("tid", Type.I32), col("signo", Type.I32),
            col("disposition", Type.STRING), col("rip", Type.I64), nullable("handler", Type.I64)),
    TASKS("tasks",
            col("tid", Type.I32), col("pid", Type.I32), nullable("parent_tid", Type.I32), col("kind", Type.STRING),
            col("program", Type.STRING), col("start_step", Type.I64), nullable("end_step", Type.I64),
            nullable("wait_status", Type.I32)),
    REGIONS("regions",
            col("pid", Type.I32), col("start", Type.I64), col("end", Type.I64), col("prot", Type.I32),
            col("shared", Type.BOOL), col("path", Type.STRING), col("file_offset", Type.I64), col("origin", Type.STRING),
            nullable("blob", Type.STRING), col("blob_offset", Type.I64), col("blob_length", Type.I64),
            col("content_step", Type.I64), col("source_pid", Type.I32), col("from_step", Type.I64),
            nullable("to_step", Type.I64)),
    MODULES("modules",
            col("module_id", Type.I32), col("path", Type.STRING), col("bias", Type.I64), nullable("build_id", Type.STRING),
            col("has_debug_info", Type.BOOL)),
    MODULE_REGIONS("module_regions",
            col("pid", Type.I32), col("module_id", Type.I32), col("start", Type.I64), col("end", Type.I64),
            col("from_step", Type.I64), nullable("to_step", Type.I64)),
    SYMBOLS("symbols",
            col("module_id", Type.I32), col("name", Type.STRING), nullable("demangled", Type.STRING),
            col("kind", Type.STRING), col("start", Type.I64), col("size", Type.I64), col("binding", Type.STRING)),
    LINES("lines",
            col("module_id", Type.I32), col("address", Type.I64), col("file", Type.STRING), col("line", Type.I32),
            col("column", Type.I32), col("is_stmt", Type.BOOL), col("end_sequence", Type.BOOL)),
    VARIABLES("variables",
            col("module_id", Type.I32), col("name", Type.STRING), col("qualified_name", Type.STRING),
            col("address", Type.I64), col("size", Type.I64), col("type", Type.STRING), nullable("file", Type.STRING),
            col("line", Type.I32)),
    SOURCES("sources",
            col("path", Type.STRING), col("blob", Type.STRING), col("size", Type.I64));

    /** Column types, as few as the tables need. */
    public enum Type {
        I16(new ArrowType.Int(16, true)), I32(new ArrowType.Int(32, true)), I64(new ArrowType.Int(64, true)),
        BOOL(ArrowType.Bool.INSTANCE), STRING(ArrowType.Utf8.INSTANCE), BYTES(ArrowType.Binary.INSTANCE);

        final ArrowType arrow;

        Type(ArrowType arrow) {
            this.arrow = arrow;
        }
    }

    /** A column: its name, type and whether it may be null. */
    public record Column(String name, Type type, boolean nullable) {}

    private final String fileName;
    private final List<Column> columns;

    IndexTable(String name, Column... columns) {
        this.fileName = name;
        this.columns = List.of(columns);
    }

    private static Column col(String name, Type type) {
        return new Column(name, type, false);
    }

    private static Column nullable(String name, Type type) {
        return new Column(name, type, true);
    }

    /** The table's name: its file is {@code <name>.arrow}, its PostgreSQL table {@code <name>}. */
    public String tableName() {
        return fileName;
    }

    public String fileName() {
        return fileName + ".arrow";
    }

    public List<Column> columns() {
        return columns;
    }

    /** The position of a column, for readers (the writer addresses columns with {@link Col} handles). */
    public int column(String name) {
        for (int i = 0; i < columns.size(); i++) if (columns.get(i).name().equals(name)) return i;
        throw new IllegalArgumentException(fileName + " has no column " + name);
    }

    /**
     * A column as the writer addresses it: found by name and checked against the type the writer
     * puts in it, once (the writers' constants), so that a column moved in this definition is
     * followed and one retyped or renamed is refused, never written in another's place. {@code T}
     * is the Java type of its values (Long for I64, Integer for I32, Short for I16, Boolean, String,
     * byte[] for BYTES): the writer's setters take a handle of the matching type.
     */
    record Col<T>(IndexTable table, int index, Column column) {
        @Override
        public String toString() {
            return table.tableName() + "." + column.name();
        }
    }

    Col<Long> i64(String name) {
        return handle(name, Type.I64);
    }

    Col<Integer> i32(String name) {
        return handle(name, Type.I32);
    }

    Col<Short> i16(String name) {
        return handle(name, Type.I16);
    }

    Col<Boolean> bool(String name) {
        return handle(name, Type.BOOL);
    }

    Col<String> string(String name) {
        return handle(name, Type.STRING);
    }

    Col<byte[]> bytes(String name) {
        return handle(name, Type.BYTES);
    }

    /** I64 columns {@code <prefix>0} .. {@code <prefix>(n-1)}: the six arguments of calls and syscalls. */
    List<Col<Long>> i64s(String prefix, int n) {
        List<Col<Long>> handles = new ArrayList<>();
        for (int i = 0; i < n; i++) handles.add(i64(prefix + i));
        return List.copyOf(handles);
    }

    private <T> Col<T> handle(String name, Type type) {
        int index = column(name);
        Column c = columns.get(index);
        if (c.type() != type) throw new IllegalArgumentException(fileName + "." + name + " is " + c.type() + ", not " + type);
        return new Col<>(this, index, c);
    }

    public Schema schema() {
        List<Field> fields = new ArrayList<>();
        for (Column c : columns) fields.add(new Field(c.name(), new FieldType(c.nullable(), c.type().arrow, null), null));
        return new Schema(fields);
    }
}
