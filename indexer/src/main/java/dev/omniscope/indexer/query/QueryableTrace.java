package dev.omniscope.indexer.query;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.omniscope.indexer.index.IndexTable;
import dev.omniscope.trace.Trace;

/**
 * A trace and its index, answering every query: the history of a range of memory, memory and
 * registers at a step, the moment a step is, moves through time, calls, system calls, symbols,
 * sources, the timeline. The one implementation of what the answers mean, for the command line
 * (over {@link ArrowIndex}) and the server (over its PostgreSQL partitions); only the
 * {@link IndexStore}'s lookups differ. Parameters are checked here, so that both refuse the same
 * questions with the same words ({@link QueryException}).
 *
 * <p>What is per program rather than per instruction is read once when it opens: the symbolizer
 * (modules, symbols, lines, variables), the regions behind {@link MemoryView}, the tasks, the
 * carried sources. Thread-safe: the server shares one between concurrent requests.
 */
public final class QueryableTrace implements AutoCloseable {
    /** The longest range a history watches. */
    public static final int HISTORY_MAX_LENGTH = 4096;
    /** The most bytes one memory read returns. */
    public static final int MEMORY_MAX_LENGTH = 65536;
    /** The most buckets a timeline is summed into. */
    public static final int MAX_BUCKETS = Math.min(1024, Timeline.SLICES);
    private static final HexFormat HEX = HexFormat.of();

    /** A source file the trace carries. */
    private record Source(String path, String blob, long size) {}

    private final Trace trace;
    private final IndexStore store;
    private final Symbolizer symbols;
    private final MemoryView memory;
    private final List<Locator.Task> tasks;
    private final List<Integer> pids = new ArrayList<>(), tids = new ArrayList<>();
    private final Locator.Moments moments;
    private final Stepper stepper;
    private final Map<String, Source> sources = new LinkedHashMap<>();
    private final SourceValues values;

    /**
     * Opens the queries of {@code trace} (for blob contents: memory origins, source files, the
     * modules' DWARF) over its index in {@code store}; modules the trace does not carry are not
     * looked for on this machine (as a server).
     */
    public QueryableTrace(Trace trace, IndexStore store) throws IOException {
        this(trace, store, false);
    }

    /** As {@link #QueryableTrace(Trace, IndexStore)}; {@code modulesFromThisMachine}: a module the trace does not carry is read from its recorded path (the command line). */
    public QueryableTrace(Trace trace, IndexStore store, boolean modulesFromThisMachine) throws IOException {
        this.trace = trace;
        this.store = store;
        this.symbols = Symbolizer.load(store);
        this.memory = new MemoryView(store, trace::openBlob, store);
        this.tasks = Locator.tasks(store);
        for (Locator.Task t : tasks) {
            if (!pids.contains(t.pid())) pids.add(t.pid());
            if (!tids.contains(t.tid())) tids.add(t.tid());
        }
        this.moments = new StoreMoments();
        this.stepper = new Stepper(moments, memory, symbols);
        this.values = new SourceValues(new DebugModules(trace, modulesFromThisMachine), symbols, memory, store);
        store.scan(IndexTable.SOURCES, r -> {
            String path = r.string(r.column("path"));
            sources.put(path, new Source(path, r.string(r.column("blob")), r.i64(r.column("size"))));
            return true;
        });
    }

    public IndexStore store() {
        return store;
    }

    /** The recording: its header (command, working directory, environment) and blobs. */
    public Trace trace() {
        return trace;
    }

    public Symbolizer symbols() {
        return symbols;
    }

    public MemoryView memory() {
        return memory;
    }

    /** Steps in the index: it covers [0, instructions). */
    public long instructions() {
        return store.instructions();
    }

    /** The processes of the trace, in order of appearance. */
    public List<Integer> pids() {
        return pids;
    }

    public List<Integer> tids() {
        return tids;
    }

    /** The tasks table: each thread's lifetime per program it ran. */
    public List<Locator.Task> tasks() {
        return tasks;
    }

    /** The state of thread {@code tid} (null: the one running) at {@code step}; not found when there is none. */
    public Locator.TaskState taskAt(long step, Integer tid) throws IOException {
        return task(step, tid);
    }

    // ---- checks every query shares

    private void requirePid(Integer pid) {
        if (pid != null && !pids.contains(pid)) {
            throw QueryException.badRequest("pid " + pid + " is not a process of this trace (its processes: " + pids + ")");
        }
    }

    private void requireTid(Integer tid) {
        if (tid != null && !tids.contains(tid)) {
            throw QueryException.badRequest("tid " + tid + " is not a thread of this trace (its threads: " + tids + ")");
        }
    }

    /** A step of the trace, named {@code name} in messages: 0 to the last step, or to the end ({@link #instructions}) when {@code end}. */
    public long requireStep(String name, long step, boolean end) {
        long last = end ? instructions() : Math.max(0, instructions() - 1);
        if (step < 0 || step > last) {
            throw QueryException.badRequest(name + " " + step + " is outside the trace: its index covers steps 0 to " + last);
        }
        return step;
    }

    private void requireSteps(Long from, Long to) {
        if (from != null) requireStep("from", from, true);
        if (to != null) requireStep("to", to, true);
        if (from != null && to != null && from > to) throw QueryException.badRequest("from " + from + " is after to " + to);
    }

    /** A range [address, address + length) that does not wrap around the top of the address space. */
    private static void requireRange(long address, int length) {
        if (address < 0 && address + length > 0 && address + length != 0 || address >= 0 && address + length < 0) {
            throw QueryException.badRequest("the range " + History.hex(address) + " + " + length + " crosses 0x8000000000000000 or wraps around");
        }
    }

    private static int requireLength(String name, int length, int max) {
        if (length < 1 || length > max) throw QueryException.badRequest(name + " must be between 1 and " + max + ", not " + length);
        return length;
    }

    // ---- history

    /**
     * The variable named {@code name}: not found when there is none, a bad request when the name
     * is ambiguous (the message lists the candidates) or the variable has no size.
     */
    public Symbolizer.Variable variable(String name) {
        List<Symbolizer.Variable> found = symbols.variables(name);
        if (found.isEmpty()) throw QueryException.notFound("no variable or data symbol named '" + QueryException.quote(name) + "' in the recorded modules");
        if (found.size() > 1) {
            StringBuilder sb = new StringBuilder("'" + QueryException.quote(name) + "' names several variables; pick one by address and length:");
            for (Symbolizer.Variable v : found) {
                sb.append(String.format("%n  %s (%d bytes at %s in %s)", v.name(), v.size(), History.hex(v.address()), v.module()));
            }
            throw QueryException.badRequest(sb.toString());
        }
        if (found.get(0).size() <= 0) throw QueryException.badRequest("'" + QueryException.quote(name) + "' has no size; give an address and a length");
        return found.get(0);
    }

    /**
     * What a history watches and which writes it lists: the range (or the variable named
     * {@code symbol}, when it is not null), a process (null: all), steps from/to (inclusive, null:
     * open), a page of {@code limit} after {@code cursor} (the previous page's next), in step order
     * or the latest first.
     */
    public record HistoryQuery(String symbol, long address, int length, Integer pid, Long from, Long to, int limit, String cursor,
                               boolean descending) {}

    /** A page of "when did this value change". */
    public QueryDocuments.HistoryPage history(HistoryQuery q) throws IOException {
        List<HistoryEntry> entries = new ArrayList<>();
        HistoryRun run = history(q, entries::add);
        return new QueryDocuments.HistoryPage(History.hex(run.address()), run.length(), run.symbol(), entries, run.next());
    }

    /** What a history watched, and the cursor of its next page (null on the last). */
    public record HistoryRun(String symbol, long address, int length, String next) {}

    /** As {@link #history(HistoryQuery)}, each entry given to {@code out} as it is made (the command line lists all of them). */
    public HistoryRun history(HistoryQuery q, Consumer<HistoryEntry> out) throws IOException {
        long[] after = Cursors.decode(q.cursor(), q.descending() ? Cursors.HISTORY_DESCENDING : Cursors.HISTORY, 2);
        if (q.limit() < 1) throw QueryException.badRequest("limit must be at least 1, not " + q.limit());
        long address = q.address();
        int length = q.length();
        String name = null;
        if (q.symbol() != null) {
            Symbolizer.Variable v = variable(q.symbol());
            address = v.address();
            length = (int) Math.min(v.size(), HISTORY_MAX_LENGTH);
            name = v.name();
        } else {
            requireLength("len", length, HISTORY_MAX_LENGTH);
        }
        requirePid(q.pid());
        requireSteps(q.from(), q.to());
        requireRange(address, length);
        long[] last = History.page(store, memory, symbols,
                new IndexStore.WriteQuery(address, length, q.pid(), q.from(), q.to(), after, q.descending(), q.limit()), out);
        String next = last == null ? null : Cursors.encode(q.descending() ? Cursors.HISTORY_DESCENDING : Cursors.HISTORY, last);
        return new HistoryRun(name, address, length, next);
    }

    // ---- memory, registers, a moment, moves

    /**
     * Memory of process {@code pid}, or of thread {@code tid}'s process at the step (null and null:
     * the process running at the step, else the first) at {@code step}, before its instruction.
     */
    public QueryDocuments.Memory memory(long address, int length, long step, Integer pid, Integer tid) throws IOException {
        requireLength("len", length, MEMORY_MAX_LENGTH);
        requireRange(address, length);
        requireStep("step", step, true);
        requirePid(pid);
        requireTid(tid);
        int p;
        if (tid != null) {
            p = Locator.processAlive(tasks, tid, step);
            if (p < 0) throw QueryException.badRequest("tid " + tid + " is not alive at step " + step);
            if (pid != null && pid != p) throw QueryException.badRequest("tid " + tid + " is a thread of process " + p + " at step " + step + ", not of pid " + pid);
        } else if (pid != null) {
            p = pid;
        } else {
            Locator.Block running = step < instructions() ? store.blockAt(step) : null;
            p = running != null ? running.pid() : pids.isEmpty() ? 0 : pids.get(0);
        }
        MemoryView.Bytes bytes = memory.read(p, address, length, step);
        List<QueryDocuments.Unmapped> unmapped = new ArrayList<>();
        for (int i = 0; i < length; ) {
            if (bytes.mapped()[i]) {
                i++;
                continue;
            }
            int j = i;
            while (j < length && !bytes.mapped()[j]) j++;
            unmapped.add(new QueryDocuments.Unmapped(History.hex(address + i), j - i));
            i = j;
        }
        return new QueryDocuments.Memory(step, p, History.hex(address), length, HEX.formatHex(bytes.data()), unmapped);
    }

    /** The moment {@code step} is for thread {@code tid} (null: the one running then). */
    public Location location(long step, Integer tid) throws IOException {
        requireStep("step", step, false);
        requireTid(tid);
        try {
            return Locator.locate(moments, memory, symbols, step, tid);
        } catch (Locator.NotFound e) {
            throw QueryException.badRequest(e.getMessage());
        }
    }

    public QueryDocuments.Registers registers(long step, Integer tid) throws IOException {
        Location l = location(step, tid);
        return new QueryDocuments.Registers(l.step(), l.pid(), l.tid(), l.running(), l.registers());
    }

    /** Where a move from a moment goes; not found when there is no such moment (the thread ends, no open call...). */
    public Stepper.Moment move(long step, Integer tid, Stepper.Move move) throws IOException {
        Stepper.Answer a = move(step, tid, move, false);
        return new Stepper.Moment(a.step(), a.pid(), a.tid(), a.to());
    }

    /** As {@link #move(long, Integer, Stepper.Move)}; {@code lenient}: no such moment is an answer without a step, with the reason. */
    public Stepper.Answer move(long step, Integer tid, Stepper.Move move, boolean lenient) throws IOException {
        requireStep("step", step, false);
        requireTid(tid);
        try {
            return Stepper.Answer.of(stepper.move(step, tid, move));
        } catch (Locator.NotFound e) {
            throw QueryException.badRequest(e.getMessage());
        } catch (Stepper.NoMoment e) {
            if (lenient) return new Stepper.Answer(null, e.pid, e.tid, move.id, e.getMessage());
            throw QueryException.notFound(e.getMessage());
        }
    }

    // ---- source-level values: frames, variables, expressions, executions

    private Locator.TaskState task(long step, Integer tid) throws IOException {
        requireStep("step", step, false);
        if (tid != null && !tids.contains(tid)) throw QueryException.notFound("tid " + tid + " is not a thread of this trace (its threads: " + tids + ")");
        try {
            return Locator.state(moments, memory, step, tid);
        } catch (Locator.NotFound e) {
            throw QueryException.notFound(e.getMessage());
        }
    }

    private static String requireExpression(String expr) {
        if (expr == null || expr.isBlank()) throw QueryException.badRequest("expr is empty: give an expression such as acc->balance");
        if (expr.length() > 1000) throw QueryException.badRequest("expr is longer than 1000 characters");
        return expr;
    }

    /** A thread's frames at a moment, innermost first (gdb's numbering), each with its function, line and parameters. */
    public ValueDocuments.Frames frames(long step, Integer tid) throws IOException {
        Locator.TaskState t = task(step, tid);
        List<ValueDocuments.Frame> out = new ArrayList<>();
        List<Locator.OpenCall> open = store.openCalls(t.tid(), step);
        for (StackFrames.Frame f : values.frames(t)) out.add(values.describe(f, open));
        return new ValueDocuments.Frames(step, t.pid(), t.tid(), out);
    }

    /** A frame's parameters and locals at a moment, typed and formatted as gdb's {@code info args} and {@code info locals}. */
    public ValueDocuments.Variables variables(long step, Integer tid, int frame) throws IOException {
        Locator.TaskState t = task(step, tid);
        return values.variables(t, values.frame(t, frame));
    }

    /** An expression's value at a moment in a frame ({@code print}); a bad request naming the error's position when it cannot be evaluated. */
    public ValueDocuments.Printed print(long step, Integer tid, int frame, String expr) throws IOException {
        requireExpression(expr);
        Locator.TaskState t = task(step, tid);
        dev.omniscope.values.ShownValue v = values.evaluate(values.frame(t, frame), expr);
        return new ValueDocuments.Printed(expr, v.type(), v.value(), v.address(), v.size(), v.children(), step, t.tid(), frame);
    }

    /** A page of the members or elements of an expression's value ({@code limit} from {@code offset}). */
    public ValueDocuments.Children children(long step, Integer tid, int frame, String expr, long offset, int limit) throws IOException {
        requireExpression(expr);
        if (offset < 0) throw QueryException.badRequest("offset must be 0 or more, not " + offset);
        if (limit < 1) throw QueryException.badRequest("limit must be at least 1, not " + limit);
        Locator.TaskState t = task(step, tid);
        StackFrames.Frame f = values.frame(t, frame);
        dev.omniscope.values.ShownValue v = values.evaluate(f, expr);
        List<dev.omniscope.values.ShownValue> page = values.children(f, expr, offset, limit);
        Long next = offset + page.size() < v.children() ? offset + page.size() : null;
        return new ValueDocuments.Children(expr, offset, page, next);
    }

    /** The most calls one signatures query takes. */
    public static final int MAX_SIGNATURES = 200;

    /** The typed signatures of thread {@code tid}'s calls at {@code callSteps} (their call steps); calls without DWARF are left out. */
    public ValueDocuments.Signatures signatures(int tid, List<Long> callSteps) throws IOException {
        if (!tids.contains(tid)) throw QueryException.notFound("tid " + tid + " is not a thread of this trace (its threads: " + tids + ")");
        if (callSteps.isEmpty()) throw QueryException.badRequest("steps is empty: give the call steps of the calls");
        if (callSteps.size() > MAX_SIGNATURES) throw QueryException.badRequest("at most " + MAX_SIGNATURES + " calls at a time, not " + callSteps.size());
        return values.signatures(moments, tid, callSteps);
    }

    /** What an expression designates at a moment in a frame: the memory its history watches. */
    public record Designation(String expr, long address, int length) {}

    /** The address and size of the lvalue {@code expr} at a moment (for its history); a bad request when it is not in memory. */
    public Designation designate(long step, Integer tid, int frame, String expr) throws IOException {
        requireExpression(expr);
        Locator.TaskState t = task(step, tid);
        long[] range = values.designate(values.frame(t, frame), expr);
        return new Designation(expr, range[0], (int) Math.min(range[1], HISTORY_MAX_LENGTH));
    }

    /**
     * Which executions to list: of a source line ({@code line}, "FILE:LINE", where gdb's
     * {@code break FILE:LINE} would stop), of a code {@code address}, or of a {@code function}
     * (past its prologue, as {@code break FUNCTION}); with the values of {@code print}'s
     * expressions at each; those at or after step {@code from} (null: from the start); a page of
     * {@code limit} after {@code cursor}.
     */
    public record ExecutionsQuery(String line, Long address, String function, List<String> print, Long from, int limit, String cursor) {}

    /** The executions of a line, address or function, in the order they ran. */
    public ValueDocuments.ExecutionsPage executions(ExecutionsQuery q) throws IOException {
        int given = (q.line() != null ? 1 : 0) + (q.address() != null ? 1 : 0) + (q.function() != null ? 1 : 0);
        if (given != 1) throw QueryException.badRequest("give exactly one of line (FILE:LINE), address or function");
        if (q.limit() < 1) throw QueryException.badRequest("limit must be at least 1, not " + q.limit());
        List<String> prints = q.print() == null ? List.of() : q.print();
        if (prints.size() > SourceValues.MAX_PRINTS) throw QueryException.badRequest("at most " + SourceValues.MAX_PRINTS + " expressions to print");
        for (String e : prints) requireExpression(e);
        long[] after = Cursors.decode(q.cursor(), Cursors.EXECUTIONS, 1);
        if (q.from() != null) requireStep("from", q.from(), true);
        long afterStep = Math.max(after == null ? -1 : after[0], q.from() == null ? -1 : q.from() - 1);
        return values.executions(moments, q, prints, afterStep);
    }

    @Override
    public void close() throws IOException {
        values.close();
    }

    // ---- calls and system calls

    /**
     * Which calls to list, in (call_step, tid) order: those of {@code function} (its name, or a
     * C++ name with that name before its parameters), or the calls made directly by thread
     * {@code tid}'s call at step {@code parent}, or else every call (only the outermost, depth 0,
     * when {@code outermost}); of thread {@code tid} when it is not null; a page of {@code limit}
     * after {@code cursor}.
     */
    public record CallsQuery(String function, Long parent, Integer tid, boolean outermost, int limit, String cursor) {}

    public QueryDocuments.CallsPage calls(CallsQuery q) throws IOException {
        requireTid(q.tid());
        return Calls.page(store, q);
    }

    /** A page of system calls in (step, tid) order, from/to steps inclusive. */
    public QueryDocuments.SyscallsPage syscalls(Long from, Long to, int limit, String cursor) throws IOException {
        if (limit < 1) throw QueryException.badRequest("limit must be at least 1, not " + limit);
        long[] after = Cursors.decode(cursor, Cursors.SYSCALLS, 2);
        requireSteps(from, to);
        List<QueryDocuments.Syscall> found = store.syscalls(from, to, after, limit == Integer.MAX_VALUE ? limit : limit + 1);
        String next = null;
        if (found.size() > limit) {
            found = found.subList(0, limit);
            next = Cursors.encode(Cursors.SYSCALLS, found.get(limit - 1).step(), found.get(limit - 1).tid());
        }
        return new QueryDocuments.SyscallsPage(found, next);
    }

    // ---- symbols, sources, the timeline

    public QueryDocuments.Symbols symbols(String prefix, int limit) {
        return new QueryDocuments.Symbols(symbols.search(prefix == null ? "" : prefix, limit).stream()
                .map(s -> new QueryDocuments.Symbol(s.name(), s.kind(), History.hex(s.address()), s.size(), s.type(), s.module()))
                .toList());
    }

    /** A carried source file's text, by its path (a leading slash doubled or left out is forgiven); not found when not carried. */
    public String source(String path) throws IOException {
        Source s = sources.get(path);
        if (s == null && path.startsWith("//")) s = sources.get(path.substring(1));
        if (s == null && !path.startsWith("/")) s = sources.get("/" + path);
        if (s == null) throw QueryException.notFound("the trace carries no source file " + QueryException.quote(path));
        try (InputStream in = trace.openBlob(s.blob())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The timeline summed into {@code buckets} buckets (1 to {@link #MAX_BUCKETS}). */
    public QueryDocuments.Timeline timeline(int buckets) throws IOException {
        requireLength("buckets", buckets, MAX_BUCKETS);
        return store.timeline().buckets(buckets);
    }

    /** {@link Locator} and {@link Stepper}'s view: the store's lookups, and the tasks read once. */
    private final class StoreMoments implements Locator.Moments {
        @Override
        public long instructions() {
            return store.instructions();
        }

        @Override
        public Locator.Block blockAt(long step) throws IOException {
            return store.blockAt(step);
        }

        @Override
        public Map<Integer, long[]> registers(int tid, long step) throws IOException {
            return store.registers(tid, step);
        }

        @Override
        public int pidOf(int tid, long step) {
            return Locator.pidOf(tasks, tid, step);
        }

        @Override
        public List<Locator.OpenCall> openCalls(int tid, long step) throws IOException {
            return store.openCalls(tid, step);
        }

        @Override
        public List<Locator.Block> blocks(int tid, long step, boolean forward, int limit) throws IOException {
            return store.blocks(tid, step, forward, limit);
        }

        @Override
        public Locator.OpenCall call(int tid, int depth, long step, boolean forward) throws IOException {
            List<CallEntry> found = store.calls(new IndexStore.CallQuery(null, tid, depth, forward ? step : null, forward ? null : step,
                    null, !forward, 1));
            return found.isEmpty() ? null : Locator.openCall(found.get(0));
        }
    }
}
