package dev.omniscope.server.index;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.omniscope.indexer.index.IndexTable;
import jakarta.annotation.PostConstruct;

/**
 * At start, after the migrations: the index tables in the database have the columns this build's
 * {@link PgSchema} derives from {@link IndexTable}, in order and with their types. A build whose
 * index format changed without a migration refuses to start, naming the table, rather than
 * failing its first load with a COPY error.
 */
@Component
@DependsOnDatabaseInitialization
class PgSchemaCheck {
    private final JdbcTemplate jdbc;

    PgSchemaCheck(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @PostConstruct
    void check() {
        for (IndexTable t : IndexTable.values()) {
            List<String> actual = jdbc.query("select column_name, data_type, is_nullable from information_schema.columns "
                            + "where table_schema = current_schema() and table_name = ? order by ordinal_position",
                    (rs, n) -> rs.getString(1) + " " + rs.getString(2) + ("YES".equals(rs.getString(3)) ? "" : " not null"),
                    t.tableName());
            List<String> expected = new ArrayList<>();
            for (PgSchema.Column c : PgSchema.columns(t)) expected.add(c.name() + " " + c.type() + (c.nullable() ? "" : " not null"));
            if (!actual.equals(expected)) {
                throw new IllegalStateException("the database's index table " + t.tableName() + " has columns " + actual
                        + " but this omni's index format needs " + expected + ": a migration is missing (db/migrations)");
            }
        }
    }
}
