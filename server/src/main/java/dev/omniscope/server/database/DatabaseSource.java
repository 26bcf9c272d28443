package dev.omniscope.server.database;

import javax.sql.DataSource;

/** Where the server's PostgreSQL comes from: embedded and owned by this process, or external. */
public interface DatabaseSource extends AutoCloseable {
    DataSource dataSource();

    /** "embedded" or "external". */
    String kind();

    /** The JDBC URL without credentials. */
    String url();

    /** One line for people, e.g. "embedded PostgreSQL in ~/.omniscope/db". */
    String description();

    @Override
    void close();
}
