package dev.omniscope.server.query;

import java.math.BigInteger;

import dev.omniscope.server.api.Problems;

/** Parsing of the query API's parameters: every mistake is a 400 problem naming the parameter. */
final class Params {
    private Params() {}

    /** An address: "0x" and hexadecimal digits, or decimal digits; below 2^64. Stored as its two's complement. */
    static long address(String name, String text) {
        if (text == null || text.isBlank()) throw Problems.badRequest(name + " is required (an address: 0x and hex digits)");
        String t = text.trim();
        try {
            BigInteger v = t.startsWith("0x") || t.startsWith("0X") ? new BigInteger(t.substring(2), 16) : new BigInteger(t, 10);
            if (v.signum() < 0 || v.bitLength() > 64) throw new NumberFormatException();
            return v.longValue();
        } catch (NumberFormatException e) {
            throw Problems.badRequest(name + " is not an address (0x and up to 16 hex digits, or decimal below 2^64): '"
                    + Problems.printable(t) + "'");
        }
    }

    static long number(String name, String text, long min, long max) {
        try {
            long v = Long.parseLong(text.trim());
            if (v < min || v > max) {
                throw Problems.badRequest(name + " must be between " + min + " and " + max + ", not " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw Problems.badRequest(name + " is not a whole number: '" + Problems.printable(text) + "'");
        }
    }

    static Long optionalNumber(String name, String text, long min, long max) {
        return text == null ? null : number(name, text, min, max);
    }

    static Integer optionalId(String name, String text) {
        return text == null ? null : (int) number(name, text, 1, Integer.MAX_VALUE);
    }

    /** A yes-or-no parameter: true or false (absent: false). */
    static boolean flag(String name, String text) {
        if (text == null) return false;
        return switch (text.trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw Problems.badRequest(name + " must be true or false, not '" + Problems.printable(text) + "'");
        };
    }

    /** A page size: 1 to max, default {@code byDefault}. */
    static int limit(String text, int byDefault, int max) {
        return text == null ? byDefault : (int) number("limit", text, 1, max);
    }
}
