package dev.omniscope.server.query;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.omniscope.indexer.index.Tables;
import dev.omniscope.indexer.query.Locator;
import dev.omniscope.indexer.query.MemoryView;
import dev.omniscope.indexer.query.Stepper;
import dev.omniscope.indexer.query.Symbolizer;
import dev.omniscope.indexer.query.TableSource;
import dev.omniscope.server.index.IndexSchema;
import dev.omniscope.trace.Trace;

/**
 * One trace's loaded index, opened for queries: its partitions (by name), its packed file (for
 * blob contents: memory origins and source files), and what is per program rather than per
 * instruction, read once into memory: the symbolizer (modules, symbols, lines, variables), the
 * regions behind {@link MemoryView}, the tasks, the carried sources. Thread-safe; shared by
 * concurrent requests through {@link OpenTraces}.
 */
public final class TraceIndex {
    /** A source file the trace carries. */
    record Source(String path, String blob, long size) {}

    final String id;
    final long key;
    final long load;
    final long instructions;
    final Trace trace;
    final JdbcTemplate jdbc;
    final Symbolizer symbols;
    final MemoryView memory;
    final List<Locator.Task> tasks;
    final PgMoments moments;
    final Stepper stepper;
    final Map<String, Source> sources = new LinkedHashMap<>();
    private final AtomicInteger users = new AtomicInteger(1); // the cache's reference
    private volatile boolean closed;

    TraceIndex(String id, long key, long load, long instructions, Path packedTrace, JdbcTemplate jdbc) throws IOException {
        this.id = id;
        this.key = key;
        this.load = load;
        this.instructions = instructions;
        this.jdbc = jdbc;
        this.trace = Trace.open(packedTrace);
        try {
            TableSource tables = this::scan;
            this.symbols = Symbolizer.load(tables);
            this.memory = new MemoryView(tables, trace::openBlob, new PgWriteLog(jdbc, table(Tables.MEM_WRITES), this::pairsNear));
            this.tasks = Locator.tasks(tables);
            this.moments = new PgMoments(this);
            this.stepper = new Stepper(moments, memory, symbols);
            scan(Tables.SOURCES, r -> {
                sources.put(r.string(r.column("path")), new Source(r.string(r.column("path")), r.string(r.column("blob")),
                        r.i64(r.column("size"))));
                return true;
            });
        } catch (IOException | RuntimeException e) {
            trace.close();
            throw e;
        }
    }

    /** The quoted name of this trace's partition of {@code t}. */
    String table(Tables t) {
        return IndexSchema.q(IndexSchema.loadTable(t, load));
    }

    /** A whole table of this trace, in file order (for the small tables). */
    private void scan(Tables t, TableSource.Visitor visitor) {
        jdbc.query("select " + PgRow.select(t, null) + " from " + table(t) + " order by " + IndexSchema.fileOrder(t), rs -> {
            try {
                visitor.visit(new PgRow(t, rs));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** (lo, hi) to the (addr, size) pairs of mem_writes between: the index never changes, so they are kept. */
    private final Map<String, List<long[]>> pairs = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<long[]>> eldest) {
            return size() > 4096;
        }
    };

    /**
     * The distinct (addr, size) of writes that can overlap [address, address + length) (rows are
     * at most 64 bytes: they start in (address - 64, address + length) and must reach address).
     */
    List<long[]> pairsNear(long address, int length) {
        long lo = PgWriteLog.low(address), hi = PgWriteLog.high(address, length);
        String key = lo + ":" + hi;
        List<long[]> all;
        synchronized (pairs) {
            all = pairs.get(key);
        }
        if (all == null) {
            all = jdbc.query(PgWriteLog.pairs(table(Tables.MEM_WRITES)), (rs, n) -> new long[] {rs.getLong(1), rs.getInt(2)}, lo, hi, hi);
            synchronized (pairs) {
                pairs.put(key, all);
            }
        }
        List<long[]> near = new ArrayList<>();
        for (long[] p : all) if (p[0] + p[1] > address) near.add(p);
        return near;
    }

    private volatile List<String> functionNames;

    /** The distinct function names in calls (a walk of the (function, call_step) index), once. */
    List<String> functionNames() {
        List<String> names = functionNames;
        if (names == null) {
            String calls = table(Tables.CALLS);
            names = jdbc.queryForList("with recursive f(name) as ("
                    + "(select function from " + calls + " where function is not null order by function limit 1) "
                    + "union all select (select c.function from " + calls + " c where c.function > f.name order by c.function limit 1) "
                    + "from f where f.name is not null) select name from f where name is not null", String.class);
            functionNames = names;
        }
        return names;
    }

    /** The processes of the trace, in order of appearance. */
    List<Integer> pids() {
        List<Integer> pids = new ArrayList<>();
        for (Locator.Task t : tasks) if (!pids.contains(t.pid())) pids.add(t.pid());
        return pids;
    }

    List<Integer> tids() {
        List<Integer> tids = new ArrayList<>();
        for (Locator.Task t : tasks) if (!tids.contains(t.tid())) tids.add(t.tid());
        return tids;
    }



    boolean acquire() {
        while (true) {
            int n = users.get();
            if (n <= 0) return false;
            if (users.compareAndSet(n, n + 1)) return true;
        }
    }

    void release() {
        if (users.decrementAndGet() == 0) close();
    }

    private void close() {
        if (closed) return;
        closed = true;
        try {
            trace.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
