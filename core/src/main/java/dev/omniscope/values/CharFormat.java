package dev.omniscope.values;

import java.util.ArrayList;
import java.util.List;

/**
 * Characters and strings as gdb prints them with a UTF-8 target charset (gdb's default in a
 * UTF-8 locale): printable characters as themselves (the quote and backslash escaped),
 * {@code \a \b \f \n \r \t \v}, other bytes as three-digit octal escapes (wide units above 0777
 * as {@code \x} escapes); runs of more than 10 equal characters as {@code 'c' <repeats N times>};
 * at most 200 characters, then {@code ...}; one trailing NUL dropped (gdb's {@code generic_printstr}).
 */
final class CharFormat {
    static final int PRINT_MAX = 200;
    static final int REPEAT_THRESHOLD = 10;

    private CharFormat() {}

    /** One decoded character: a code point, or -1 for bytes that do not decode (printed as escapes); incomplete at the end. */
    private record Converted(int codePoint, long[] units, boolean incomplete) {
        boolean same(Converted o) {
            if (incomplete || o.incomplete) return false;
            if (codePoint >= 0 || o.codePoint >= 0) return codePoint == o.codePoint;
            return java.util.Arrays.equals(units, o.units);
        }
    }

    /** A single character literal: {@code 'A'}, {@code '\000'}, {@code '\310'}, {@code L'y'} (the prefix is the caller's). */
    static String charLiteral(long unit, int width) {
        StringBuilder b = new StringBuilder("'");
        long u = width >= 8 ? unit : unit & ((1L << (8 * width)) - 1);
        int cp = -1;
        if (width == 1) {
            if (u < 0x80) cp = (int) u;
        } else if (u <= Character.MAX_CODE_POINT && (u < 0xd800 || u > 0xdfff)) {
            cp = (int) u;
        }
        appendChar(b, cp, new long[] {u}, '\'');
        return b.append('\'').toString();
    }

    /**
     * A string of {@code length} units of {@code width} bytes from {@code data} (gdb's
     * {@code printstr}): the trailing NUL dropped unless {@code forceEllipses}, repeats collapsed,
     * 200 characters at most.
     */
    static String string(byte[] data, int length, int width, boolean forceEllipses, String prefix) {
        if (!forceEllipses && length > 0 && unit(data, length - 1, width) == 0) length--;
        if (length == 0) return prefix + "\"\"";
        List<Converted> chars = decode(data, length, width);
        // group into runs, stopping once 200 characters are counted (gdb's count_next_character loop)
        List<Converted> runChars = new ArrayList<>();
        List<Integer> runCounts = new ArrayList<>();
        int i = 0, printed = 0;
        boolean finished = false;
        while (true) {
            if (printed >= PRINT_MAX) {
                finished = i >= chars.size();
                break;
            }
            if (i >= chars.size()) {
                finished = true;
                break;
            }
            Converted c = chars.get(i);
            int n = 1;
            while (i + n < chars.size() && chars.get(i + n).same(c)) n++;
            runChars.add(c);
            runCounts.add(n);
            printed += n;
            i += n;
        }
        StringBuilder out = new StringBuilder();
        boolean inString = false;
        boolean first = true;
        for (int r = 0; r < runChars.size(); r++) {
            Converted c = runChars.get(r);
            int n = runCounts.get(r);
            if (c.incomplete()) {
                if (inString) out.append('"');
                if (!first) out.append(", ");
                out.append("<incomplete sequence ");
                appendChar(out, -1, c.units(), '"');
                out.append('>');
                inString = false;
                first = false;
                finished = true;
                break;
            }
            if (n > REPEAT_THRESHOLD) {
                if (inString) out.append('"');
                if (!first) out.append(", ");
                out.append('\'');
                appendChar(out, c.codePoint(), c.units(), '\'');
                out.append("' <repeats ").append(n).append(" times>");
                inString = false;
            } else {
                if (!inString) {
                    if (!first) out.append(", ");
                    out.append(prefix).append('"');
                    inString = true;
                }
                for (int k = 0; k < n; k++) appendChar(out, c.codePoint(), c.units(), '"');
            }
            first = false;
        }
        if (inString) out.append('"');
        if (forceEllipses || !finished) out.append("...");
        return out.toString();
    }

    static long unit(byte[] data, int index, int width) {
        long v = 0;
        for (int k = width - 1; k >= 0; k--) v = (v << 8) | (data[index * width + k] & 0xff);
        return v;
    }

    private static List<Converted> decode(byte[] data, int length, int width) {
        List<Converted> out = new ArrayList<>();
        if (width != 1) {
            for (int i = 0; i < length; i++) {
                long u = unit(data, i, width);
                boolean valid = u <= Character.MAX_CODE_POINT && (u < 0xd800 || u > 0xdfff);
                out.add(new Converted(valid ? (int) u : -1, new long[] {u}, false));
            }
            return out;
        }
        int i = 0;
        while (i < length) {
            int b = data[i] & 0xff;
            if (b < 0x80) {
                out.add(new Converted(b, new long[] {b}, false));
                i++;
                continue;
            }
            int n = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
            if (n == 0) {
                out.add(new Converted(-1, new long[] {b}, false));
                i++;
                continue;
            }
            int cp = b & (0x7f >> n);
            int k = 1;
            boolean bad = false;
            for (; k < n && i + k < length; k++) {
                int c = data[i + k] & 0xff;
                if ((c & 0xc0) != 0x80) {
                    bad = true;
                    break;
                }
                cp = cp << 6 | (c & 0x3f);
            }
            if (!bad && k < n) { // the string ends inside a sequence
                long[] units = new long[length - i];
                for (int j = 0; j < units.length; j++) units[j] = data[i + j] & 0xff;
                out.add(new Converted(-1, units, true));
                break;
            }
            boolean overlong = (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000);
            if (bad || overlong || cp > Character.MAX_CODE_POINT || (cp >= 0xd800 && cp <= 0xdfff)) {
                out.add(new Converted(-1, new long[] {b}, false));
                i++;
                continue;
            }
            long[] units = new long[n];
            for (int j = 0; j < n; j++) units[j] = data[i + j] & 0xff;
            out.add(new Converted(cp, units, false));
            i += n;
        }
        return out;
    }

    /** gdb's {@code print_wchar}: the character, escaped as needed. */
    private static void appendChar(StringBuilder out, int cp, long[] units, char quote) {
        switch (cp) {
            case 7 -> out.append("\\a");
            case 8 -> out.append("\\b");
            case 12 -> out.append("\\f");
            case 10 -> out.append("\\n");
            case 13 -> out.append("\\r");
            case 9 -> out.append("\\t");
            case 11 -> out.append("\\v");
            default -> {
                if (cp >= 0 && printable(cp)) {
                    if (cp == quote || cp == '\\') out.append('\\');
                    out.appendCodePoint(cp);
                } else {
                    for (long u : units) {
                        if (u <= 0777) out.append(String.format("\\%03o", u));
                        else out.append("\\x").append(Long.toHexString(u));
                    }
                }
            }
        }
    }

    private static boolean printable(int cp) {
        if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return false;
        int t = Character.getType(cp);
        return t != Character.UNASSIGNED && t != Character.CONTROL && t != Character.SURROGATE && t != Character.PRIVATE_USE
                && t != Character.LINE_SEPARATOR && t != Character.PARAGRAPH_SEPARATOR;
    }
}
