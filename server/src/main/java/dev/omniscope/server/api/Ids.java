package dev.omniscope.server.api;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/** Unguessable identifiers: 128 random bits from SecureRandom, base64url without padding (22 characters). */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{22}");

    private Ids() {}

    public static String random128() {
        return random(16);
    }

    public static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Whether {@code s} has the form of an id made by {@link #random128()}. */
    public static boolean wellFormed(String s) {
        return s != null && ID.matcher(s).matches();
    }
}
