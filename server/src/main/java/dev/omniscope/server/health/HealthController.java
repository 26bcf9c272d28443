package dev.omniscope.server.health;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.omniscope.common.OmniVersion;
import dev.omniscope.server.database.DatabaseSource;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** {@code GET /api/health}: UP when the database answers. */
@RestController
class HealthController {
    private final JdbcTemplate jdbc;
    private final DatabaseSource database;

    HealthController(JdbcTemplate jdbc, DatabaseSource database) {
        this.jdbc = jdbc;
        this.database = database;
    }

    @GetMapping("/api/health")
    Mono<ResponseEntity<Map<String, Object>>> health() {
        return Mono.fromCallable(this::probeDatabase)
                .subscribeOn(Schedulers.boundedElastic()) // JDBC blocks
                .timeout(Duration.ofSeconds(5))
                .onErrorResume(e -> Mono.just(databaseDown(e)))
                .map(db -> {
                    boolean up = "UP".equals(db.get("status"));
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("status", up ? "UP" : "DOWN");
                    body.put("version", OmniVersion.version());
                    body.put("database", db);
                    return ResponseEntity.status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).body(body);
                });
    }

    private Map<String, Object> probeDatabase() {
        Map<String, Object> db = base();
        db.put("status", "UP");
        db.put("product", jdbc.queryForObject("select version()", String.class));
        db.put("schemaVersion", jdbc.queryForObject(
                "select max(version) from flyway_schema_history where success", String.class));
        return db;
    }

    private Map<String, Object> databaseDown(Throwable e) {
        Map<String, Object> db = base();
        db.put("status", "DOWN");
        db.put("error", e.getMessage());
        return db;
    }

    private Map<String, Object> base() {
        Map<String, Object> db = new LinkedHashMap<>();
        db.put("kind", database.kind());
        db.put("url", database.url());
        return db;
    }
}
