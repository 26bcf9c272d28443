package dev.omniscope.server.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.security.crypto.bcrypt.BCrypt;
import org.springframework.stereotype.Component;

/**
 * Checks credentials against the configured users and tokens. The authentication file is read
 * again when it changes (so {@code omni auth add-user} takes effect without a restart); the
 * environment's entries are fixed at start.
 *
 * <p>bcrypt is slow on purpose (about 50-100 ms at cost 10), too slow to run on every request of
 * a browsing session, so a successful check is remembered for a few minutes, keyed by a SHA-256
 * of the name, the password and the stored hash (a changed password is checked afresh).
 */
@Component
public class Authenticator {
    private static final Logger log = LoggerFactory.getLogger(Authenticator.class);
    private static final long REMEMBER_NANOS = 5L * 60 * 1_000_000_000L;
    private static final int REMEMBER_MAX = 10_000;
    /** Checked against when the user does not exist, so that unknown names take as long as wrong passwords. */
    private static final String DUMMY_HASH = BCrypt.hashpw("dummy", BCrypt.gensalt(10));

    private final Path file;
    private final String usersValue;
    private final String tokensValue;
    private volatile Snapshot snapshot;
    private final Map<String, Long> remembered = new ConcurrentHashMap<>();

    private record Snapshot(FileTime modified, long size, Credentials credentials) {}

    @Autowired
    public Authenticator(Environment env) {
        this(resolveFile(env), env.getProperty("omni.auth.users", env.getProperty("OMNI_USERS", "")),
                env.getProperty("omni.auth.tokens", env.getProperty("OMNI_API_TOKENS", "")));
    }

    public Authenticator(Path file, String usersValue, String tokensValue) {
        this.file = file;
        this.usersValue = usersValue;
        this.tokensValue = tokensValue;
        this.snapshot = load();
        if (snapshot.credentials().configured()) {
            log.info("authentication is on: {} users, {} API tokens", snapshot.credentials().users().size(),
                    snapshot.credentials().tokens().size());
        }
    }

    private static Path resolveFile(Environment env) {
        String configured = env.getProperty("omni.auth.file");
        return configured != null && !configured.isBlank() ? Path.of(configured).toAbsolutePath() : AuthFile.defaultLocation();
    }

    /** Credentials from the environment and the default file, as {@code omni serve} will see them (before Spring starts). */
    public static Credentials fromEnvironment() {
        return Credentials.load(AuthFile.read(AuthFile.defaultLocation()), System.getenv("OMNI_USERS"), System.getenv("OMNI_API_TOKENS"));
    }

    private Snapshot load() {
        FileTime modified = null;
        long size = -1;
        try {
            if (Files.exists(file)) {
                modified = Files.getLastModifiedTime(file);
                size = Files.size(file);
            }
        } catch (IOException e) {
            // read below reports it
        }
        return new Snapshot(modified, size, Credentials.load(AuthFile.read(file), usersValue, tokensValue));
    }

    /** The current credentials, reloading the file if it changed since the last look. */
    public Credentials credentials() {
        Snapshot s = snapshot;
        try {
            FileTime modified = Files.exists(file) ? Files.getLastModifiedTime(file) : null;
            long size = modified == null ? -1 : Files.size(file);
            if (!Objects.equals(modified, s.modified()) || size != s.size()) {
                try {
                    s = load();
                    snapshot = s;
                    remembered.clear();
                    log.info("reloaded {}", file);
                } catch (RuntimeException e) {
                    log.warn("{} changed but cannot be read, keeping the previous credentials: {}", file, e.getMessage());
                }
            }
        } catch (IOException e) {
            log.warn("cannot look at {}: {}", file, e.getMessage());
        }
        return s.credentials();
    }

    public boolean enabled() {
        return credentials().configured();
    }

    /** The user named by a valid {@code Authorization} header value, or null. */
    public String authenticate(String authorization) {
        if (authorization == null) return null;
        Credentials c = credentials();
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = authorization.substring(7).trim();
            if (token.isEmpty()) return null;
            return c.tokens().get(Credentials.sha256Hex(token));
        }
        if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
            int colon = decoded.indexOf(':');
            if (colon <= 0) return null;
            String name = decoded.substring(0, colon), password = decoded.substring(colon + 1);
            return checkPassword(c, name, password) ? name : null;
        }
        return null;
    }

    private boolean checkPassword(Credentials c, String name, String password) {
        String hash = c.users().get(name);
        if (hash == null) {
            BCrypt.checkpw(password, DUMMY_HASH);
            return false;
        }
        String key = Credentials.sha256Hex(name + '\0' + password + '\0' + hash);
        Long until = remembered.get(key);
        long now = System.nanoTime();
        if (until != null && until - now > 0) return true;
        boolean ok;
        try {
            ok = BCrypt.checkpw(password, hash);
        } catch (IllegalArgumentException e) {
            ok = false;
        }
        if (ok) {
            if (remembered.size() >= REMEMBER_MAX) remembered.clear();
            remembered.put(key, now + REMEMBER_NANOS);
        }
        return ok;
    }
}
