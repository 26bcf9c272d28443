package dev.omniscope.server.index;

import java.sql.Statement;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.springframework.stereotype.Component;

/**
 * Flyway migration 6: blocks by (rip, step), for the executions of a code address (a source
 * line's, issue 12), on databases whose index tables were made before it was asked for.
 */
@Component
public class V6__Index_blocks_by_address extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        try (Statement s = context.getConnection().createStatement()) {
            PgSchema.createMissingIndexes(s);
        }
    }
}
