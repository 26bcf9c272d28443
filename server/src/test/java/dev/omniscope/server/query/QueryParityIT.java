package dev.omniscope.server.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;

import dev.omniscope.indexer.dataflow.DataFlow;
import dev.omniscope.indexer.dataflow.ProgramOutput;
import dev.omniscope.indexer.query.CallEntry;
import dev.omniscope.indexer.query.Location;
import dev.omniscope.indexer.query.Opening;
import dev.omniscope.indexer.query.Processes;
import dev.omniscope.indexer.query.QueryDocuments;
import dev.omniscope.indexer.query.QueryException;
import dev.omniscope.indexer.query.QueryableTrace;
import dev.omniscope.indexer.query.Stepper;
import dev.omniscope.indexer.query.ValueDocuments;
import dev.omniscope.indexer.testing.Indexed;
import dev.omniscope.server.OmniServer;
import dev.omniscope.testsupport.TestTraces;
import dev.omniscope.trace.Trace;
import tools.jackson.databind.JsonNode;

/**
 * One semantics, two stores: every query of the API asked of the server (its PostgreSQL
 * partitions) and of {@link QueryableTrace} over the command line's Arrow index of the same packed
 * trace gives the same document, or the same refusal (400 for a bad request, 404 for not found,
 * with the same words), on several recordings: one process, threads, fork and exec, calls; and
 * the moment a trace opens at, found by the server when it loads the index.
 */
@SpringBootTest(classes = OmniServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT120S")
class QueryParityIT extends QueryApiSupport {
    @org.springframework.boot.test.web.server.LocalServerPort
    int port;

    private int compared;

    /** The server's answer to {@code uri} (already encoded: sent as it is): status and document. */
    private Answer ask(String uri) {
        var result = web().get().uri(java.net.URI.create("http://127.0.0.1:" + port + uri)).exchange().expectBody(String.class).returnResult();
        return new Answer(result.getStatus().value(), Trace.json().readTree(result.getResponseBody()));
    }

    private record Answer(int status, JsonNode document) {}

    /** The server's answer to {@code uri} equals {@code arrow}'s document, or its refusal. */
    private void same(String uri, Callable<Object> arrow) {
        Object expected;
        Answer actual = ask(uri);
        try {
            expected = arrow.call();
        } catch (QueryException e) {
            assertThat(actual.status()).as("status of %s: %s", uri, actual.document()).isEqualTo(e.kind() == QueryException.Kind.NOT_FOUND ? 404 : 400);
            assertThat(actual.document().get("detail").asString()).as("refusal of %s", uri).isEqualTo(e.getMessage());
            compared++;
            return;
        } catch (Exception e) {
            throw new AssertionError("the Arrow index failed on " + uri, e);
        }
        JsonNode want = tree(expected);
        assertThat(actual.document()).as("%s: first difference at %s", uri, firstDifference(want, actual.document(), "$")).isEqualTo(want);
        compared++;
    }

    /** Where two documents first differ, as a JSON path with both values there (a long document's diff, short). */
    static String firstDifference(JsonNode want, JsonNode got, String path) {
        if (want.equals(got)) return null;
        if (want.isObject() && got.isObject()) {
            for (var names = want.propertyNames().iterator(); names.hasNext(); ) {
                String name = names.next();
                String d = firstDifference(want.path(name), got.path(name), path + "." + name);
                if (d != null) return d;
            }
        } else if (want.isArray() && got.isArray()) {
            for (int i = 0; i < Math.min(want.size(), got.size()); i++) {
                String d = firstDifference(want.get(i), got.get(i), path + "[" + i + "]");
                if (d != null) return d;
            }
            return path + ": " + want.size() + " elements expected, " + got.size() + " answered";
        }
        String w = want.toString(), g = got.toString();
        return path + ": expected " + w.substring(0, Math.min(w.length(), 300)) + ", answered " + g.substring(0, Math.min(g.length(), 300));
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"counter", "threads_mutex", "fork_exec_wait", "calls", "demo_bug"})
    void everyQueryAnswersAsTheArrowIndexDoes(String program) throws Exception {
        Path packed = TestTraces.packed(program);
        String t = "/api/traces/" + trace(program);
        try (Indexed.Queries arrow = Indexed.queries(packed, cliIndex(packed))) {
            QueryableTrace q = arrow.queries();
            long end = q.instructions();
            List<Long> steps = new ArrayList<>();
            for (int i = 0; i <= 20; i++) steps.add(Math.min(end - 1, end * i / 20));
            steps.addAll(List.of(0L, 1L, end - 1, end, end + 1, -1L));

            // the timeline and symbols
            for (int buckets : new int[] {1, 7, 100, 1024, 0, 1025}) {
                if (buckets < 1 || buckets > QueryableTrace.MAX_BUCKETS) continue; // refused while parsing, before any store
                same(t + "/timeline?buckets=" + buckets, () -> q.timeline(buckets));
            }
            for (String prefix : new String[] {"", "m", "coun", "ba", "__libc", "std::", "zzz"}) {
                same(t + "/symbols?limit=50&q=" + URLEncoder.encode(prefix, StandardCharsets.UTF_8), () -> q.symbols(prefix, 50));
            }

            // every carried source, and one that is not
            for (String path : arrow.index().summary().sources()) {
                String text = web().get().uri(java.net.URI.create("http://127.0.0.1:" + port + t + "/sources"
                                + path.replace(" ", "%20"))).exchange().expectStatus().isOk().expectBody(String.class).returnResult()
                        .getResponseBody();
                assertThat(text == null ? "" : text).as(path).isEqualTo(q.source(path));
                compared++;
            }
            same(t + "/sources/not/carried.c", () -> q.source("/not/carried.c"));

            // system calls: pages, a window, refusals
            pages(t + "/syscalls?limit=7", "syscalls", cursor -> q.syscalls(null, null, 7, cursor));
            long mid = end / 2;
            pages(t + "/syscalls?limit=3&from=" + mid + "&to=" + (end - 1), "syscalls", cursor -> q.syscalls(mid, end - 1, 3, cursor));
            same(t + "/syscalls?from=" + (end + 5), () -> q.syscalls(end + 5, null, 1000, null));

            // calls: the outermost (every thread, each thread), by function, children
            pages(t + "/calls?limit=5", "calls", cursor -> q.calls(new QueryableTrace.CallsQuery(null, null, null, true, 5, cursor)));
            for (int tid : q.tids()) {
                pages(t + "/calls?limit=4&tid=" + tid, "calls",
                        cursor -> q.calls(new QueryableTrace.CallsQuery(null, null, tid, true, 4, cursor)));
            }
            List<String> functions = q.store().functionNames();
            for (int i = 0; i < functions.size(); i += Math.max(1, functions.size() / 12)) {
                String name = functions.get(i);
                String plain = name.contains("(") ? name.substring(0, name.indexOf('(')) : name;
                pages(t + "/calls?limit=6&function=" + URLEncoder.encode(plain, StandardCharsets.UTF_8), "calls",
                        cursor -> q.calls(new QueryableTrace.CallsQuery(plain, null, null, false, 6, cursor)));
            }
            List<CallEntry> roots = q.calls(new QueryableTrace.CallsQuery(null, null, null, true, 20, null)).calls();
            for (CallEntry c : roots) {
                pages(t + "/calls?limit=9&parent=" + c.callStep() + "&tid=" + c.tid(), "calls",
                        cursor -> q.calls(new QueryableTrace.CallsQuery(null, c.callStep(), c.tid(), false, 9, cursor)));
                List<CallEntry> children = q.calls(new QueryableTrace.CallsQuery(null, c.callStep(), c.tid(), false, 3, null)).calls();
                for (CallEntry child : children) {
                    same(t + "/calls?parent=" + child.callStep() + "&tid=" + child.tid(),
                            () -> q.calls(new QueryableTrace.CallsQuery(null, child.callStep(), child.tid(), false, 1000, null)));
                }
            }
            same(t + "/calls?parent=1&tid=" + q.tids().get(0),
                    () -> q.calls(new QueryableTrace.CallsQuery(null, 1L, q.tids().get(0), false, 1000, null)));

            // moments, registers, moves and memory, at steps across the trace, for every thread
            for (int s = 0; s < steps.size(); s++) {
                long step = steps.get(s);
                // moves over the Arrow files rescan them for every block they decode: a few moments suffice
                // (MoveIT holds the moves to gdb's next, step and finish)
                boolean moves = s == 5 || s == 15;
                same(t + "/steps/" + step, () -> q.location(step, null));
                same(t + "/registers?step=" + step, () -> q.registers(step, null));
                for (int k = 0; k < q.tids().size(); k++) {
                    int tid = q.tids().get(k);
                    same(t + "/steps/" + step + "?tid=" + tid, () -> q.location(step, tid));
                    for (Stepper.Move move : moves && k < 2 ? Stepper.Move.values() : new Stepper.Move[0]) {
                        same(t + "/steps/" + step + "/move?to=" + move.id + "&tid=" + tid, () -> q.move(step, tid, move));
                    }
                }
                Location here;
                try {
                    here = q.location(step, null);
                } catch (QueryException e) {
                    continue;
                }
                long rsp = Long.decode(here.registers().get("rsp")), rip = Long.decode(here.rip());
                for (long[] r : new long[][] {{rsp - 256, 512}, {rip - 16, 64}, {0x1000, 32}}) {
                    for (Integer pid : new Integer[] {null, here.pid()}) {
                        same(t + "/memory?addr=" + hex(r[0]) + "&len=" + r[1] + "&step=" + step + (pid == null ? "" : "&pid=" + pid),
                                () -> q.memory(r[0], (int) r[1], step, pid, null));
                    }
                    for (int tid : q.tids()) {
                        same(t + "/memory?addr=" + hex(r[0]) + "&len=" + r[1] + "&step=" + step + "&tid=" + tid,
                                () -> q.memory(r[0], (int) r[1], step, null, tid));
                    }
                }
            }

            // source-level values (issue 12): frames, variables of each frame, expressions, executions of the lines met
            java.util.Set<String> lines = new java.util.LinkedHashSet<>();
            for (int s = 1; s < steps.size(); s += 5) { // the Arrow side rescans its files for every memory read: a few moments
                long step = steps.get(s);
                same(t + "/steps/" + step + "/frames", () -> q.frames(step, null));
                ValueDocuments.Frames frames;
                try {
                    frames = q.frames(step, null);
                } catch (QueryException e) {
                    continue;
                }
                for (ValueDocuments.Frame f : frames.frames().subList(0, Math.min(2, frames.frames().size()))) {
                    int k = f.index();
                    same(t + "/steps/" + step + "/variables?frame=" + k, () -> q.variables(step, null, k));
                    if (f.file() != null && f.line() != null && arrow.index().summary().sources().contains(f.file())) {
                        lines.add(f.file().substring(f.file().lastIndexOf('/') + 1) + ":" + f.line());
                    }
                    List<String> exprs = new ArrayList<>(List.of("1 + 2 * 3", "$rsp", "no_such_name_here", "1 +"));
                    for (var a : f.args()) exprs.add(a.expression());
                    for (String e : exprs) {
                        same(t + "/steps/" + step + "/print?frame=" + k + "&expr=" + URLEncoder.encode(e, StandardCharsets.UTF_8),
                                () -> q.print(step, null, k, e));
                    }
                }
                same(t + "/steps/" + step + "/variables?frame=" + frames.frames().size(), () -> q.variables(step, null, frames.frames().size()));
                // the history of what a parameter designates then
                for (var a : frames.frames().get(0).args()) {
                    if (a.address() == null) continue;
                    String e = a.expression();
                    same(t + "/memory/history?limit=3&step=" + step + "&expr=" + URLEncoder.encode(e, StandardCharsets.UTF_8), () -> {
                        QueryableTrace.Designation d = q.designate(step, null, 0, e);
                        QueryDocuments.HistoryPage page = q.history(new QueryableTrace.HistoryQuery(null, d.address(), d.length(), null, null,
                                null, 3, null, false));
                        return new QueryDocuments.HistoryPage(page.addr(), page.len(), e, page.entries(), page.next());
                    });
                    break;
                }
            }
            for (String line : lines.stream().limit(3).toList()) {
                String query = "line=" + URLEncoder.encode(line, StandardCharsets.UTF_8) + "&limit=3&print=" + URLEncoder.encode("$rsp", StandardCharsets.UTF_8);
                pages(t + "/executions?" + query, "executions",
                        cursor -> q.executions(new QueryableTrace.ExecutionsQuery(line, null, null, List.of("$rsp"), null, 3, cursor)), 3);
            }
            same(t + "/executions?line=nowhere.c:3", () -> q.executions(new QueryableTrace.ExecutionsQuery("nowhere.c:3", null, null, List.of(), null, 100, null)));
            same(t + "/executions?function=main&limit=2", () -> q.executions(new QueryableTrace.ExecutionsQuery(null, null, "main", List.of(), null, 2, null)));

            // histories of the program's own variables: pages both ways, windows, a process
            List<QueryDocuments.Symbol> variables = q.symbols("", 1000).symbols().stream()
                    .filter(s -> s.kind().equals("variable") && s.module() != null && s.module().endsWith("/" + program)).limit(6).toList();
            assertThat(variables).as("variables of %s", program).isNotEmpty();
            for (QueryDocuments.Symbol v : variables) {
                String name = v.name();
                String sym = "symbol=" + URLEncoder.encode(name, StandardCharsets.UTF_8);
                for (int limit : new int[] {1, 3, 1000}) {
                    history(t, sym + "&limit=" + limit, q, new QueryableTrace.HistoryQuery(name, 0, 0, null, null, null, limit, null, false));
                    history(t, sym + "&limit=" + limit + "&order=desc", q,
                            new QueryableTrace.HistoryQuery(name, 0, 0, null, null, null, limit, null, true));
                }
                history(t, sym + "&limit=2&from=" + mid, q, new QueryableTrace.HistoryQuery(name, 0, 0, null, mid, null, 2, null, false));
                history(t, sym + "&limit=2&order=desc&to=" + mid, q, new QueryableTrace.HistoryQuery(name, 0, 0, null, null, mid, 2, null, true));
                for (int pid : q.pids()) {
                    history(t, sym + "&limit=5&pid=" + pid, q, new QueryableTrace.HistoryQuery(name, 0, 0, pid, null, null, 5, null, false));
                }
                long a = Long.decode(v.addr());
                // a range around the variable: several (addr, size) pairs merged
                history(t, "addr=" + hex(a - 8) + "&len=32&limit=4", q, new QueryableTrace.HistoryQuery(null, a - 8, 32, null, null, null, 4, null, false));
                history(t, "addr=" + hex(a - 8) + "&len=32&limit=4&order=desc", q,
                        new QueryableTrace.HistoryQuery(null, a - 8, 32, null, null, null, 4, null, true));
            }
            // data flow: where the program's variables' values came from and went, registers, nodes, refusals
            DataFlow flow = DataFlow.of(q);
            for (QueryDocuments.Symbol v : variables.stream().limit(3).toList()) {
                long a = Long.decode(v.addr());
                int size = (int) Math.min(Math.max(1, v.size()), 16);
                for (long step : new long[] {mid, end - 1}) {
                    String value = "step=" + step + "&addr=" + hex(a) + "&len=" + size;
                    DataFlow.Question question = new DataFlow.Question(step, null, a, size, null, null, 0, null);
                    same(t + "/origin?depth=4&" + value, () -> flow.origin(question, 4));
                    same(t + "/uses?limit=5&" + value, () -> flow.uses(question, 5, null, null));
                    same(t + "/origin?depth=2&node=" + flow.origin(question, 0).node, () -> flow.origin(
                            new DataFlow.Question(null, null, null, null, null, null, 0, flow.origin(question, 0).node), 2));
                }
            }
            for (String reg : new String[] {"eax", "rsp", "xmm0", "eflags", "foo"}) {
                DataFlow.Question question = new DataFlow.Question(mid, null, null, null, reg, null, 0, null);
                same(t + "/origin?depth=3&step=" + mid + "&reg=" + reg, () -> flow.origin(question, 3));
                if (!reg.equals("foo")) {
                    // what the caches of earlier questions hold changes nothing: a fresh engine answers the same
                    assertThat(tree(DataFlow.of(q).origin(question, 3))).as("origin of %s at %d, fresh", reg, mid).isEqualTo(tree(flow.origin(question, 3)));
                }
            }
            same(t + "/uses?limit=3&step=" + mid + "&reg=rsp", () -> flow.uses(new DataFlow.Question(mid, null, null, null, "rsp", null, 0, null), 3, null, null));
            same(t + "/origin?node=m.1.zz.4.5", () -> flow.origin(new DataFlow.Question(null, null, null, null, null, null, 0, "m.1.zz.4.5"), 6));
            same(t + "/origin?step=" + mid + "&reg=eax&expr=x", () -> flow.origin(new DataFlow.Question(mid, null, null, null, "eax", "x", 0, null), 6));

            // the run as a whole (issue 14): output in pages of every size, by process, refusals; processes; lenient moves
            for (int limit : new int[] {1, 2, 200}) {
                pages(t + "/output?limit=" + limit, "chunks", cursor -> flow.output(null, limit, cursor));
                for (int pid : q.pids()) pages(t + "/output?limit=" + limit + "&pid=" + pid, "chunks", cursor -> flow.output(pid, limit, cursor));
            }
            same(t + "/output?pid=1", () -> flow.output(1, ProgramOutput.DEFAULT_LIMIT, null));
            same(t + "/output?cursor=bm9wZQ", () -> flow.output(null, ProgramOutput.DEFAULT_LIMIT, "bm9wZQ"));
            same(t + "/processes", () -> Processes.of(q));
            for (Stepper.Move move : new Stepper.Move[] {Stepper.Move.PREV_INSTRUCTION, Stepper.Move.OUT, Stepper.Move.NEXT_LINE}) {
                for (long step : new long[] {0, end - 1}) {
                    same(t + "/steps/" + step + "/move?lenient=true&to=" + move.id, () -> q.move(step, null, move, true));
                }
            }
            // the moment it opens at, found over the Arrow files when the server loaded them, is the command line's
            assertThat(get(t).get("index").get("opening")).isEqualTo(tree(Opening.of(q)));

            same(t + "/memory/history?symbol=no_such_variable_here",
                    () -> q.history(new QueryableTrace.HistoryQuery("no_such_variable_here", 0, 0, null, null, null, 10, null, false)));
        }
        assertThat(compared).isGreaterThan(200);
    }

    /** A page of a listing: the page for a cursor. */
    @FunctionalInterface
    private interface Page {
        Object at(String cursor) throws Exception;
    }

    /** Every page of a listing, following each side's own cursors, compared page by page. */
    private void pages(String uri, String field, Page arrow) throws Exception {
        pages(uri, field, arrow, 10_000);
    }

    /** The first {@code most} pages of a listing. */
    private void pages(String uri, String field, Page arrow, int most) throws Exception {
        String cursor = null;
        int n = 0;
        do {
            if (n >= most) return;
            String c = cursor;
            String pageUri = uri + (c == null ? "" : "&cursor=" + c);
            same(pageUri, () -> arrow.at(c));
            Answer answer = ask(pageUri);
            if (answer.status() != 200) return; // a refusal, the same from both
            JsonNode page = answer.document();
            assertThat(page.get(field)).isNotNull();
            cursor = page.get("next").isNull() ? null : page.get("next").asString();
            assertThat(++n).isLessThan(10_000);
        } while (cursor != null);
    }

    /** Every page of a history (a few at most), both ways. */
    private void history(String t, String query, QueryableTrace q, QueryableTrace.HistoryQuery first) throws Exception {
        String cursor = null;
        for (int n = 0; n < 4; n++) {
            String c = cursor;
            QueryableTrace.HistoryQuery page = new QueryableTrace.HistoryQuery(first.symbol(), first.address(), first.length(), first.pid(),
                    first.from(), first.to(), first.limit(), c, first.descending());
            String uri = t + "/memory/history?" + query + (c == null ? "" : "&cursor=" + c);
            same(uri, () -> q.history(page));
            JsonNode doc = ask(uri).document();
            cursor = doc.get("next").isNull() ? null : doc.get("next").asString();
            if (cursor == null) return;
        }
    }
}
