package dev.omniscope.server.database;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import dev.omniscope.common.UserError;

/** A PostgreSQL that someone else runs (OMNI_DB_URL). */
final class ExternalDatabase implements DatabaseSource {
    private final String url;
    private final HikariDataSource pool;

    ExternalDatabase(DatabaseProperties properties) {
        if (!properties.url().startsWith("jdbc:postgresql:")) {
            throw new UserError("OMNI_DB_URL must be a PostgreSQL JDBC URL (jdbc:postgresql://HOST:PORT/DATABASE), not " + properties.url());
        }
        this.url = Pools.withoutCredentials(properties.url());
        try {
            this.pool = Pools.open(properties.url(), properties.user(), properties.password());
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null) root = root.getCause();
            throw new UserError("cannot connect to the database at " + url + ": " + root.getMessage());
        }
    }

    @Override
    public DataSource dataSource() {
        return pool;
    }

    @Override
    public String kind() {
        return "external";
    }

    @Override
    public String url() {
        return url;
    }

    @Override
    public String description() {
        return "PostgreSQL at " + url;
    }

    @Override
    public void close() {
        pool.close();
    }
}
