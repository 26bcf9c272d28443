package dev.omniscope.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where Omniscope keeps its state: the embedded database, recorded traces, the unpacked native
 * libraries. {@code $OMNI_HOME} (or the system property {@code omni.home}), else {@code ~/.omniscope}.
 */
public final class OmniHome {
    private OmniHome() {}

    public static Path root() {
        String configured = System.getProperty("omni.home");
        if (configured == null || configured.isBlank()) configured = System.getenv("OMNI_HOME");
        if (configured != null && !configured.isBlank()) return Path.of(configured).toAbsolutePath().normalize();
        return Path.of(System.getProperty("user.home"), ".omniscope");
    }

    /** A directory under the root, created if missing. */
    public static Path dir(String name) {
        Path dir = root().resolve(name);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + " (set OMNI_HOME to a writable directory)", e);
        }
        return dir;
    }
}
