package dev.omniscope.server.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.internal.resolver.ChecksumCalculator;
import org.flywaydb.core.internal.resource.classpath.ClassPathResource;
import org.junit.jupiter.api.Test;

import dev.omniscope.server.index.V4__Index_tables;
import dev.omniscope.server.index.V5__Index_tables_by_thread;
import dev.omniscope.server.index.V6__Index_blocks_by_address;
import dev.omniscope.testsupport.TestPostgres;

/**
 * A database migrated by a build whose V3 still had its released text starts with this build: the
 * recorded checksum is corrected before Flyway validates; any other mismatch still stops it.
 */
class CorrectedMigrationsIT {
    private static Flyway flyway(TestPostgres.Database db, boolean corrections) {
        var config = Flyway.configure().dataSource(db.url(), db.user(), db.password()).locations("classpath:db/migration")
                .javaMigrations(new V4__Index_tables(), new V5__Index_tables_by_thread(), new V6__Index_blocks_by_address());
        if (corrections) config.callbacks(new CorrectedMigrations());
        return config.load();
    }

    private static int checksum(TestPostgres.Database db, String version) throws Exception {
        try (Connection c = db.connect(); ResultSet rs = c.createStatement()
                .executeQuery("select checksum from flyway_schema_history where version = '" + version + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void record(TestPostgres.Database db, String version, int checksum) throws Exception {
        try (Connection c = db.connect()) {
            c.createStatement().execute("update flyway_schema_history set checksum = " + checksum + " where version = '" + version + "'");
        }
    }

    @Test
    void theCorrectedTextIsTheOneInTheBuild() {
        for (CorrectedMigrations.Correction k : CorrectedMigrations.CORRECTIONS) {
            var resource = new ClassPathResource(null, "db/migration/V" + k.version() + "__index_loading.sql",
                    getClass().getClassLoader(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(ChecksumCalculator.calculate(resource)).as("V%s", k.version()).isEqualTo(k.corrected());
        }
    }

    @Test
    void aDatabaseMigratedWithTheReleasedTextValidates() throws Exception {
        TestPostgres.Database db = TestPostgres.freshDatabase();
        flyway(db, true).migrate();
        CorrectedMigrations.Correction v3 = CorrectedMigrations.CORRECTIONS.get(0);
        assertThat(checksum(db, "3")).isEqualTo(v3.corrected());

        // as a database migrated before the correction has it: without the correction Flyway refuses it
        record(db, "3", v3.released());
        assertThatThrownBy(() -> flyway(db, false).validate()).isInstanceOf(FlywayException.class).hasMessageContaining("checksum");
        flyway(db, true).validate();
        flyway(db, true).migrate();
        assertThat(checksum(db, "3")).isEqualTo(v3.corrected());

        // any other mismatch still stops it
        record(db, "3", 12345);
        assertThatThrownBy(() -> flyway(db, true).validate()).isInstanceOf(FlywayException.class).hasMessageContaining("checksum");
    }
}
