package dev.omniscope.server.database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.springframework.stereotype.Component;

/**
 * Migrations whose released text was corrected later, in comments only: Flyway records a
 * checksum of each migration's text and refuses to start on a database whose recorded checksum
 * differs from the file's. Before Flyway validates, a database migrated by an earlier build gets
 * the corrected text's checksum in place of the released one's, for exactly these migrations and
 * these checksums (any other mismatch still stops the server). A Spring bean: Spring Boot hands
 * it to Flyway with the migrations.
 */
@Component
public class CorrectedMigrations implements Callback {
    /** A migration's version, the checksum of its released text, and of its corrected text. */
    record Correction(String version, int released, int corrected, String why) {}

    static final List<Correction> CORRECTIONS = List.of(
            new Correction("3", -1892166016, -1135775970,
                    "its header comment named a class that never existed (IndexTablesMigration)"));

    @Override
    public boolean supports(Event event, Context context) {
        return event == Event.BEFORE_VALIDATE || event == Event.BEFORE_MIGRATE;
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return true;
    }

    @Override
    public void handle(Event event, Context context) {
        try {
            correct(context.getConnection());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot correct the recorded checksums of migrations: " + e.getMessage(), e);
        }
    }

    static void correct(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select to_regclass('flyway_schema_history') is not null")) {
            if (!rs.next() || !rs.getBoolean(1)) return; // a new database: nothing recorded yet
        }
        for (Correction k : CORRECTIONS) {
            try (PreparedStatement p = c.prepareStatement(
                    "update flyway_schema_history set checksum = ? where version = ? and checksum = ?")) {
                p.setInt(1, k.corrected());
                p.setString(2, k.version());
                p.setInt(3, k.released());
                p.executeUpdate();
            }
        }
    }

    @Override
    public String getCallbackName() {
        return "corrected migrations";
    }
}
