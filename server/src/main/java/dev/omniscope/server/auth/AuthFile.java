package dev.omniscope.server.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import dev.omniscope.common.OmniHome;
import dev.omniscope.common.UserError;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The authentication file ({@code $OMNI_AUTH_FILE}, else {@code $OMNI_HOME/auth.json}): users with
 * bcrypt password hashes and API tokens stored as the SHA-256 of the token. Written by
 * {@code omni auth}, read by {@code omni serve}. Mode 0600: the hashes are not secrets, but there is
 * no reason to show them.
 */
public record AuthFile(List<User> users, List<Token> tokens) {
    /** @param passwordHash bcrypt ($2a$/$2b$/$2y$) */
    public record User(String name, String passwordHash, String created) {}

    /** @param user whom the token acts as; @param sha256 hex SHA-256 of the token's UTF-8 bytes */
    public record Token(String name, String user, String sha256, String created) {}

    static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    public AuthFile {
        users = users == null ? new ArrayList<>() : new ArrayList<>(users);
        tokens = tokens == null ? new ArrayList<>() : new ArrayList<>(tokens);
    }

    /** Where the file is: OMNI_AUTH_FILE, else $OMNI_HOME/auth.json. */
    public static Path defaultLocation() {
        String configured = System.getenv("OMNI_AUTH_FILE");
        if (configured != null && !configured.isBlank()) return Path.of(configured).toAbsolutePath();
        return OmniHome.root().resolve("auth.json");
    }

    /** The file's content, or an empty one if there is no file. */
    public static AuthFile read(Path file) {
        if (!Files.exists(file)) return new AuthFile(null, null);
        try {
            AuthFile f = JSON.readValue(file.toFile(), AuthFile.class);
            if (f == null) return new AuthFile(null, null);
            for (User u : f.users()) {
                if (u.name() == null || u.passwordHash() == null) throw new UserError(file + ": every user needs a name and a passwordHash");
                Credentials.checkBcrypt(u.passwordHash(), file + ": user " + u.name());
            }
            for (Token t : f.tokens()) {
                if (t.name() == null || t.sha256() == null || !t.sha256().matches("[0-9a-f]{64}")) {
                    throw new UserError(file + ": every token needs a name and a sha256 (64 lower-case hex digits)");
                }
            }
            return f;
        } catch (JacksonException e) {
            throw new UserError(file + " is not a valid authentication file: " + e.getOriginalMessage());
        }
    }

    /** Writes atomically, mode 0600. */
    public void write(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path partial = Files.createTempFile(dir, ".auth", ".partial",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            JSON.writeValue(partial.toFile(), this);
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(partial);
        }
    }
}
