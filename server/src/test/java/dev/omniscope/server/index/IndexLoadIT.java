package dev.omniscope.server.index;

import static dev.omniscope.testsupport.ServerTestSupport.awaitFinished;
import static dev.omniscope.testsupport.ServerTestSupport.count;
import static dev.omniscope.testsupport.ServerTestSupport.uploaded;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.omniscope.indexer.index.IndexTable;
import dev.omniscope.server.OmniServer;
import dev.omniscope.server.jobs.IndexingJobs;
import dev.omniscope.server.traces.TraceState;
import dev.omniscope.testsupport.ServerTestSupport;
import dev.omniscope.testsupport.TestPostgres;
import dev.omniscope.testsupport.TestTraces;
import dev.omniscope.trace.Trace;
import tools.jackson.databind.JsonNode;

/**
 * Loading into PostgreSQL: partitions appear all at once or not at all; a failed load leaves
 * nothing; a load again replaces the earlier one; deleting a trace drops its partitions; what a
 * replay that diverged indexed is loaded and answers queries.
 */
@SpringBootTest(classes = OmniServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT120S")
class IndexLoadIT {
    static final TestPostgres.Database DB = TestPostgres.freshDatabase();
    static final Path DATA = ServerTestSupport.dataDirectory();
    static final Consumer<HttpHeaders> NONE = h -> { };
    static final int TABLES = IndexTable.values().length;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ServerTestSupport.serverProperties(registry, DB, DATA, "no-auth.json");
    }

    @Autowired
    WebTestClient web;

    @Autowired
    IndexingJobs jobs;

    @Autowired
    IndexPartitions partitions;

    private JsonNode get(String uri) {
        String body = web.get().uri(uri).exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        return Trace.json().readTree(body);
    }

    private static long key(String id) throws Exception {
        return count(DB, "select trace_key from traces where id = '" + id + "'");
    }

    /** Partitions attached for the trace, over all index tables. */
    private static long partitions(long key) throws Exception {
        return count(DB, "select count(*) from pg_inherits i join pg_class c on c.oid = i.inhrelid "
                + "where pg_get_expr(c.relpartbound, c.oid) in ('FOR VALUES IN (" + key + ")', 'FOR VALUES IN (''" + key + "'')')");
    }

    /** IndexTable of index loads (attached or not). */
    private static long loadTables() throws Exception {
        StringBuilder names = new StringBuilder();
        for (IndexTable t : IndexTable.values()) names.append(names.length() == 0 ? "" : "|").append(t.tableName());
        return count(DB, "select count(*) from pg_class where relkind = 'r' and relname ~ '^(" + names + ")_l[0-9]+$'");
    }

    private String indexed(String program) throws Exception {
        String id = uploaded(web, TestTraces.packed(program), NONE);
        Map<String, Object> doc = awaitFinished(web, id, NONE, Duration.ofMinutes(3));
        assertThat(doc.get("status")).as("%s", doc.get("failureReason")).isEqualTo("indexed");
        return id;
    }

    @Test
    void everyTableIsLoadedWithItsRowsAsOnePartitionPerTrace() throws Exception {
        String id = indexed("counter");
        long key = key(id);
        assertThat(partitions(key)).isEqualTo(TABLES);
        JsonNode index = get("/api/traces/" + id).get("index");
        assertThat(index.get("complete").asBoolean()).isTrue();
        for (IndexTable t : IndexTable.values()) {
            long rows = index.get("rows").get(t.tableName()).asLong();
            String sum = t == IndexTable.REG_CHANGES ? "coalesce(sum(changes), 0)" : "count(*)";
            assertThat(count(DB, "select " + sum + " from " + t.tableName() + " where trace_key = " + key)).as(t.tableName()).isEqualTo(rows);
        }
        assertThat(index.get("rows").get("mem_writes").asLong()).isPositive();
        // mem_writes keeps the Arrow file's order in seq
        assertThat(count(DB, "select count(*) from (select seq, step, lag(step) over (order by seq) prev from mem_writes "
                + "where trace_key = " + key + ") s where step < prev")).isZero();
        assertThat(count(DB, "select count(distinct trace_key) from mem_writes")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aFailedLoadLeavesNothingVisibleAndTheTraceFailed() throws Exception {
        long before = loadTables();
        // sources is loaded last: every other table of the trace is loaded when its COPY fails. Traces
        // loaded before satisfy the constraint; the next trace's key is larger than any of theirs.
        long last = count(DB, "select coalesce(max(trace_key), 0) from traces");
        try (Connection c = DB.connect()) {
            c.createStatement().execute("alter table sources add constraint test_refuses_sources check (trace_key <= " + last + ")");
        }
        try {
            String id = uploaded(web, TestTraces.packed("counter"), NONE);
            Map<String, Object> doc = awaitFinished(web, id, NONE, Duration.ofMinutes(3));
            assertThat(doc.get("status")).isEqualTo("failed");
            assertThat((String) doc.get("failureReason")).startsWith("loading the index failed: ").contains("test_refuses_sources");
            assertThat(doc.get("index")).isNull();
            assertThat(partitions(key(id))).isZero();
            assertThat(loadTables()).isEqualTo(before);
            for (IndexTable t : IndexTable.values()) {
                assertThat(count(DB, "select count(*) from " + t.tableName() + " where trace_key = " + key(id))).isZero();
            }
            web.get().uri("/api/traces/" + id + "/memory/history?symbol=counter").exchange().expectStatus().isEqualTo(409);
            assertThat(count(DB, "select count(*) from traces where id = '" + id + "' and index_load is null")).isEqualTo(1);
        } finally {
            try (Connection c = DB.connect()) {
                c.createStatement().execute("alter table sources drop constraint test_refuses_sources");
            }
        }
    }

    @Test
    void indexingAgainReplacesTheLoadInOneStep() throws Exception {
        String id = indexed("counter");
        long key = key(id);
        long first = count(DB, "select index_load from traces where id = '" + id + "'");
        JsonNode history = get("/api/traces/" + id + "/memory/history?symbol=counter");
        // as a restarted server does with a job it interrupted
        try (Connection c = DB.connect()) {
            c.createStatement().execute("update traces set status = 'queued' where id = '" + id + "'");
        }
        jobs.open(id, new TraceState(id, "queued", 0, null));
        jobs.submit(id);
        Map<String, Object> doc = awaitFinished(web, id, NONE, Duration.ofMinutes(3));
        assertThat(doc.get("status")).isEqualTo("indexed");
        long second = count(DB, "select index_load from traces where id = '" + id + "'");
        assertThat(second).isGreaterThan(first);
        assertThat(partitions(key)).isEqualTo(TABLES);
        assertThat(count(DB, "select count(*) from pg_class where relname = 'mem_writes_l" + first + "'")).isZero();
        assertThat(get("/api/traces/" + id + "/memory/history?symbol=counter")).isEqualTo(history);
    }

    @Test
    void deletingATraceDropsItsPartitions() throws Exception {
        String id = indexed("counter");
        long key = key(id);
        long load = count(DB, "select index_load from traces where id = '" + id + "'");
        assertThat(partitions(key)).isEqualTo(TABLES);
        // queried just before: what the query API keeps of the trace goes with it
        web.get().uri("/api/traces/" + id + "/memory/history?symbol=counter").exchange().expectStatus().isOk();
        web.delete().uri("/api/traces/" + id).exchange().expectStatus().isNoContent();
        assertThat(partitions(key)).isZero();
        assertThat(count(DB, "select count(*) from pg_class where relname like '%\\_l" + load + "'")).isZero();
        assertThat(count(DB, "select count(*) from mem_writes where trace_key = " + key)).isZero();
        web.get().uri("/api/traces/" + id + "/memory/history?symbol=counter").exchange().expectStatus().isNotFound();
    }

    @Test
    void tablesOfAnInterruptedLoadAreDroppedAtStart() throws Exception {
        try (Connection c = DB.connect()) {
            c.createStatement().execute("create table blocks_l987654 (like blocks)");
            c.createStatement().execute("create table mem_writes_l987654 (like mem_writes)");
        }
        long attached = count(DB, "select count(*) from pg_inherits");
        partitions.dropAbandonedLoads();
        assertThat(count(DB, "select count(*) from pg_class where relname like '%\\_l987654'")).isZero();
        assertThat(count(DB, "select count(*) from pg_inherits")).isEqualTo(attached);
    }

    @Test
    void aDivergingReplayIsFailedAndWhatItIndexedAnswers() throws Exception {
        String id = uploaded(web, TestTraces.divergingRecording("counter"), NONE);
        Map<String, Object> doc = awaitFinished(web, id, NONE, Duration.ofMinutes(3));
        assertThat(doc.get("status")).isEqualTo("failed");
        assertThat((String) doc.get("failureReason")).startsWith("replay failed: divergence at step ");
        JsonNode index = get("/api/traces/" + id).get("index");
        assertThat(index.get("complete").asBoolean()).isFalse();
        assertThat(index.get("problem").get("kind").asString()).isEqualTo("divergence");
        long stopped = index.get("problem").get("step").asLong();
        assertThat(index.get("instructions").asLong()).isPositive();
        assertThat(partitions(key(id))).isEqualTo(TABLES);
        // the counter's ten increments ran before the program's first write(2)
        JsonNode history = get("/api/traces/" + id + "/memory/history?symbol=counter");
        assertThat(history.get("entries").size()).isEqualTo(10);
        for (JsonNode e : history.get("entries")) assertThat(e.get("step").asLong()).isLessThanOrEqualTo(stopped);
        assertThat(get("/api/traces/" + id + "/syscalls").get("syscalls").size()).isPositive();
    }
}
