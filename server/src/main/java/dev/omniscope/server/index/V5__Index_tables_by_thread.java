package dev.omniscope.server.index;

import java.sql.Statement;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.springframework.stereotype.Component;

import dev.omniscope.indexer.index.IndexTable;

/**
 * Flyway migration 5: every index {@link PgSchema} asks for, on databases whose index tables
 * V4 made before it asked for them (blocks by (tid, step), for moves through time). Indexes of
 * a partitioned table reach its partitions, so traces loaded before are indexed too. On a new
 * database V4 has made them all and this changes nothing. A later index is another migration
 * like this one.
 */
@Component
public class V5__Index_tables_by_thread extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        try (Statement s = context.getConnection().createStatement()) {
            for (IndexTable t : IndexTable.values()) {
                for (PgSchema.Index index : PgSchema.indexes(t)) {
                    s.execute(PgSchema.createIndex(t.tableName(), index).replaceFirst("^create index ", "create index if not exists "));
                }
            }
        }
    }
}
