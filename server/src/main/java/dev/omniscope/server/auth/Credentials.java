package dev.omniscope.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import dev.omniscope.common.UserError;

/**
 * Who may call the API: users (name to bcrypt hash) and API tokens (SHA-256 of the token to the
 * user it acts as), merged from the authentication file and the environment
 * ({@code OMNI_USERS="alice:$2a$...,bob:$2a$..."}, {@code OMNI_API_TOKENS="name:sha256hex,..."}).
 * Empty means authentication is off.
 */
public record Credentials(Map<String, String> users, Map<String, String> tokens) {
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    /** The owner of every trace when authentication is off; no user may take this name. */
    public static final String LOCAL = "local";
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$\\d\\d\\$[./A-Za-z0-9]{53}");

    public boolean configured() {
        return !users.isEmpty() || !tokens.isEmpty();
    }

    /** From the file (if it exists) and the two environment values (either may be null). */
    public static Credentials load(AuthFile file, String usersValue, String tokensValue) {
        Map<String, String> users = new LinkedHashMap<>();
        Map<String, String> tokens = new LinkedHashMap<>();
        for (AuthFile.User u : file.users()) users.put(checkName(u.name(), "user"), u.passwordHash());
        for (AuthFile.Token t : file.tokens()) tokens.put(t.sha256(), checkName(t.user() != null ? t.user() : t.name(), "token user"));
        for (String entry : entries(usersValue)) {
            int colon = entry.indexOf(':');
            if (colon <= 0) throw new UserError("OMNI_USERS: '" + cut(entry) + "' is not NAME:BCRYPT_HASH");
            String name = checkName(entry.substring(0, colon), "OMNI_USERS user");
            String hash = entry.substring(colon + 1);
            checkBcrypt(hash, "OMNI_USERS: user " + name);
            users.put(name, hash);
        }
        for (String entry : entries(tokensValue)) {
            int colon = entry.indexOf(':');
            String hash = colon < 0 ? "" : entry.substring(colon + 1).toLowerCase();
            if (colon <= 0 || !hash.matches("[0-9a-f]{64}")) {
                throw new UserError("OMNI_API_TOKENS: '" + cut(entry) + "' is not NAME:SHA256_HEX (omni auth add-token NAME --env prints one)");
            }
            tokens.put(hash, checkName(entry.substring(0, colon), "OMNI_API_TOKENS name"));
        }
        return new Credentials(Map.copyOf(users), Map.copyOf(tokens));
    }

    private static String[] entries(String value) {
        if (value == null || value.isBlank()) return new String[0];
        return java.util.Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toArray(String[]::new);
    }

    public static String checkName(String name, String what) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new UserError(what + " name '" + cut(String.valueOf(name)) + "' is not allowed (1 to 64 of A-Z a-z 0-9 . _ @ -)");
        }
        if (name.equals(LOCAL)) throw new UserError(what + " name 'local' is reserved (it owns the traces uploaded without authentication)");
        return name;
    }

    static void checkBcrypt(String hash, String what) {
        if (!BCRYPT.matcher(hash).matches()) throw new UserError(what + ": the password hash is not a bcrypt hash ($2a$10$...)");
    }

    private static String cut(String s) {
        return s.length() > 20 ? s.substring(0, 20) + "..." : s;
    }

    public static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
