package dev.omniscope.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The one place tests get PostgreSQL from: {@code OMNI_TEST_DB_URL} (with {@code OMNI_TEST_DB_USER}
 * and {@code OMNI_TEST_DB_PASSWORD}) if set, else a postgres:17 container when Docker is available,
 * else an embedded PostgreSQL 17. Always a real server; each caller gets a fresh database in it.
 */
public final class TestPostgres {
    /** Connection details of one database. */
    public record Database(String url, String user, String password) {
        public Connection connect() throws SQLException {
            return DriverManager.getConnection(url, user, password);
        }
    }

    private static Database server;

    private TestPostgres() {}

    /** A new, empty database on the shared test server. */
    public static synchronized Database freshDatabase() {
        Database admin = server();
        String name = "omni_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = admin.connect(); Statement s = c.createStatement()) {
            s.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test database on " + admin.url(), e);
        }
        String url = admin.url().replaceFirst("/[^/?]*(\\?|$)", "/" + name + "$1");
        return new Database(url, admin.user(), admin.password());
    }

    /** Which kind of server the tests are using, for messages. */
    public static synchronized String describe() {
        return server().url();
    }

    private static Database server() {
        if (server != null) return server;
        String url = System.getenv("OMNI_TEST_DB_URL");
        if (url != null && !url.isBlank()) {
            server = new Database(url, System.getenv("OMNI_TEST_DB_USER"), System.getenv("OMNI_TEST_DB_PASSWORD"));
        } else if (dockerAvailable()) {
            PostgreSQLContainer container = new PostgreSQLContainer("postgres:17");
            container.start();
            server = new Database(container.getJdbcUrl(), container.getUsername(), container.getPassword());
        } else {
            server = embedded();
        }
        return server;
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Database embedded() {
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(Files.createTempDirectory("omni-test-pg"))
                    .setCleanDataDirectory(true)
                    .start();
            // Stopped by zonky's own shutdown hook when the test JVM exits.
            return new Database(postgres.getJdbcUrl("postgres", "postgres").replaceAll("\\?.*", ""), "postgres", "");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL for tests", e);
        }
    }
}
