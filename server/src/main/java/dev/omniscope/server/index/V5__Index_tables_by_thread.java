package dev.omniscope.server.index;

import java.sql.Statement;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.springframework.stereotype.Component;

/**
 * Flyway migration 5: blocks by (tid, step), for moves through time, on databases whose index
 * tables V4 made before it was asked for. On a new database V4 has made them all and this changes
 * nothing. A later index is another migration like this one ({@link PgSchema#createMissingIndexes}).
 */
@Component
public class V5__Index_tables_by_thread extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        try (Statement s = context.getConnection().createStatement()) {
            PgSchema.createMissingIndexes(s);
        }
    }
}
