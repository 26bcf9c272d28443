package dev.omniscope.server.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/** The connection pool every database source uses. */
final class Pools {
    private Pools() {}

    static HikariDataSource open(String url, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("omni");
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(16);
        config.setConnectionTimeout(10_000);
        // Fail in the pool's first connection, with the driver's message, rather than later.
        config.setInitializationFailTimeout(10_000);
        return new HikariDataSource(config);
    }

    /** A JDBC URL with its query string (where passwords may hide) removed. */
    static String withoutCredentials(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }
}
