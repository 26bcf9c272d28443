package dev.omniscope.testsupport;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * gdb's texts of values (native/testprogs/values-oracle.sh) against omni's: the normaliser and the
 * tally of {@code ValuesOracleIT}. The normaliser changes only what differs between a native run
 * and a recorded one: stack addresses (any {@code 0x7ff...}, which the recorder's environment
 * shifts; the mappings near the stack, thread stacks and libraries, share the prefix), gdb's
 * {@code <symbol+offset>} annotations after an address, and the leading {@code (type) } that
 * {@code print} puts before a pointer or reference.
 */
public final class GdbValues {
    public static final String OPTIMIZED_OUT = "<optimized out>";
    private static final Pattern STACK = Pattern.compile("\\b0x7ff[0-9a-f]*\\b");
    private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-f]+ <");
    private static final Pattern NOT_A_SYMBOL = Pattern.compile("repeats \\d+ times|optimized out|synthetic pointer|unavailable|error.*");

    private GdbValues() {}

    /** A value as {@code info args} / {@code info locals} print it, normalised. */
    public static String normalise(String text) {
        String t = removeSymbols(text.strip());
        return STACK.matcher(t).replaceAll("<stack>");
    }

    /** A value as {@code print} prints it (after {@code $N = }), normalised: also without its leading {@code (type) }. */
    public static String normalisePrint(String text) {
        return normalise(stripCast(text.strip()));
    }

    /** {@code (int *) 0x...} and {@code (int &) @0x...: 5} lose their cast; anything else is left alone. */
    static String stripCast(String t) {
        if (!t.startsWith("(")) return t;
        int depth = 0;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '(') depth++;
            else if (c == ')' && --depth == 0) {
                String rest = t.substring(i + 1);
                if (rest.startsWith(" 0x") || rest.startsWith(" @0x")) return rest.substring(1);
                return t;
            }
        }
        return t;
    }

    /** Removes {@code  <symbol>} and {@code  <symbol+offset>} after addresses (nested {@code <>} of C++ names included). */
    static String removeSymbols(String t) {
        StringBuilder out = new StringBuilder();
        int from = 0;
        Matcher m = ADDRESS.matcher(t);
        while (m.find(from)) {
            int open = m.end() - 1;
            int close = matching(t, open);
            if (close < 0 || NOT_A_SYMBOL.matcher(t.substring(open + 1, close)).matches()) {
                out.append(t, from, m.end());
                from = m.end();
                continue;
            }
            out.append(t, from, open - 1); // the address, without the space before '<'
            from = close + 1;
        }
        return out.append(t.substring(from)).toString();
    }

    private static int matching(String t, int open) {
        int depth = 0;
        for (int i = open; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '<') depth++;
            else if (c == '>' && --depth == 0) return i;
            else if (c == '"' || c == '{' || c == '}') return -1; // not a symbol name any more
        }
        return -1;
    }

    /** Does {@code omni} say less than {@code gdb} and nothing else: gdb's text with some parts {@code <optimized out>}? */
    static boolean lessInformative(String omni, String gdb) {
        if (!omni.contains(OPTIMIZED_OUT)) return false;
        StringBuilder regex = new StringBuilder();
        String[] parts = omni.split(Pattern.quote(OPTIMIZED_OUT), -1);
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) regex.append(".*?");
            regex.append(Pattern.quote(parts[i]));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(gdb).matches();
    }

    /** One named value (an argument, a local or a printed expression), as text. */
    public record Variable(String name, String value) {}

    /** How a value of gdb's compared with omni's. */
    public enum Outcome {
        /** the same text */
        EQUAL,
        /** gdb shows a value; omni shows none, or less ({@code <optimized out>} parts), or fails */
        MISSING,
        /** both show a value and they differ, or omni shows one where gdb has nothing to show (no such symbol, no such frame) */
        DIFFERENT,
        /** omni lists a variable that gdb does not */
        EXTRA,
        /** the list of variables differs in order, or omni leaves out one that gdb shows as {@code <optimized out>} */
        LISTING,
        /** gdb cannot show it ({@code <optimized out>}) and omni says the same */
        NOT_SHOWN,
        /** gdb cannot show it and omni shows a value: not checkable */
        OMNI_ONLY,
        /** both refuse (an expression with no meaning there, a frame that does not exist) */
        BOTH_REFUSE,
    }

    /** One comparison that was not {@link Outcome#EQUAL}. */
    public record Difference(Outcome outcome, String where, String name, String gdb, String omni) {
        @Override
        public String toString() {
            return String.format("%-11s %s: %s%n              gdb:  %s%n              omni: %s", outcome, where, name, gdb, omni);
        }
    }

    /** The counts of one program's comparison and its differences. */
    public static final class Tally {
        private final Map<Outcome, Integer> counts = new HashMap<>();
        private final List<Difference> differences = new ArrayList<>();

        public int count(Outcome o) {
            return counts.getOrDefault(o, 0);
        }

        public List<Difference> differences() {
            return differences;
        }

        /** Values gdb shows, which omni must show too. */
        public int shown() {
            return count(Outcome.EQUAL) + count(Outcome.MISSING) + count(Outcome.DIFFERENT);
        }

        private void add(Outcome o, String where, String name, String gdb, String omni) {
            counts.merge(o, 1, Integer::sum);
            if (o != Outcome.EQUAL && o != Outcome.NOT_SHOWN && o != Outcome.BOTH_REFUSE) {
                differences.add(new Difference(o, where, name, gdb, omni));
            }
        }

        /** A failure that is not about one value (a count of executions, a command that failed). */
        public void problem(String where, String what, String gdb, String omni) {
            add(Outcome.DIFFERENT, where, what, gdb, omni);
        }

        /** Normalised texts; {@code omni} null when omni has no such value (and {@code omniNote} says why, if it said). */
        public void value(String where, String name, String gdb, String omni, String omniNote) {
            if (omni == null) {
                add(gdb.equals(OPTIMIZED_OUT) ? Outcome.LISTING : Outcome.MISSING, where, name, gdb,
                        omniNote != null ? "(" + omniNote + ")" : "(absent)");
            } else if (gdb.equals(OPTIMIZED_OUT)) {
                add(omni.equals(gdb) ? Outcome.NOT_SHOWN : Outcome.OMNI_ONLY, where, name, gdb, omni);
            } else if (gdb.equals(omni)) {
                add(Outcome.EQUAL, where, name, gdb, omni);
            } else {
                add(lessInformative(omni, gdb) ? Outcome.MISSING : Outcome.DIFFERENT, where, name, gdb, omni);
            }
        }

        /** {@code info args} or {@code info locals} (raw texts): matched by name and, for shadowed names, by occurrence. */
        public void variables(String where, String kind, List<Variable> gdb, List<Variable> omni) {
            Map<String, List<Variable>> byName = new HashMap<>();
            for (Variable v : omni) byName.computeIfAbsent(v.name(), n -> new ArrayList<>()).add(v);
            Map<String, Integer> seen = new HashMap<>();
            for (Variable g : gdb) {
                int k = seen.merge(g.name(), 1, Integer::sum) - 1;
                List<Variable> same = byName.getOrDefault(g.name(), List.of());
                String label = kind + " " + g.name() + (k > 0 ? " (#" + (k + 1) + ")" : "");
                value(where, label, normalise(g.value()), k < same.size() ? normalise(same.get(k).value()) : null, null);
            }
            Map<String, Integer> gdbCounts = new HashMap<>();
            for (Variable g : gdb) gdbCounts.merge(g.name(), 1, Integer::sum);
            Map<String, Integer> omniSeen = new HashMap<>();
            for (Variable o : omni) {
                if (omniSeen.merge(o.name(), 1, Integer::sum) > gdbCounts.getOrDefault(o.name(), 0)) {
                    add(Outcome.EXTRA, where, kind + " " + o.name(), "(absent)", o.value());
                }
            }
            List<String> gdbNames = gdb.stream().map(Variable::name).toList();
            List<String> omniNames = omni.stream().map(Variable::name).toList();
            if (!gdbNames.equals(omniNames) && gdbNames.size() == omniNames.size()
                    && new java.util.HashSet<>(gdbNames).equals(new java.util.HashSet<>(omniNames))) {
                add(Outcome.LISTING, where, kind + " order", gdbNames.toString(), omniNames.toString());
            }
        }

        /**
         * {@code print EXPR}: gdb's value or error, omni's value or error (raw texts). An expression gdb
         * cannot evaluate because a value is optimised out may have a value in omni (not checkable);
         * any other error of gdb's (no such symbol) must be omni's too.
         */
        public void print(String where, String expr, String gdbValue, String gdbError, String omniValue, String omniError) {
            String name = "print " + expr;
            if (gdbValue != null) {
                value(where, name, normalisePrint(gdbValue), omniValue != null ? normalisePrint(omniValue) : null, omniError);
            } else if (omniValue == null) {
                add(Outcome.BOTH_REFUSE, where, name, gdbError, omniError);
            } else if (gdbError != null && gdbError.contains("optimized out")) {
                add(Outcome.OMNI_ONLY, where, name, "(" + gdbError + ")", omniValue);
            } else {
                add(Outcome.DIFFERENT, where, name, "(" + gdbError + ")", omniValue);
            }
        }

        /** A frame gdb does not have ({@code frame K} failed): omni must refuse it too. */
        public void noFrame(String where, String gdbError, boolean omniRefused, String omniText) {
            add(omniRefused ? Outcome.BOTH_REFUSE : Outcome.DIFFERENT, where, "frame", gdbError, omniText);
        }

        /** Every value equal (unoptimised code): nothing missing, different, extra, listed differently or unverifiable. */
        public boolean allEqual() {
            return shown() == count(Outcome.EQUAL) && count(Outcome.EXTRA) == 0 && count(Outcome.LISTING) == 0
                    && count(Outcome.OMNI_ONLY) == 0;
        }

        /** Optimised code: no wrong value anywhere, and at least {@code fraction} of the values gdb shows. */
        public boolean goodEnough(double fraction) {
            return count(Outcome.DIFFERENT) == 0 && count(Outcome.EXTRA) == 0 && count(Outcome.EQUAL) >= fraction * shown();
        }

        public String summary() {
            return String.format("%d values gdb shows: %d equal, %d missing in omni, %d different; %d extra in omni, "
                            + "%d listed differently; %d optimized out in both, %d shown only by omni, %d refused by both",
                    shown(), count(Outcome.EQUAL), count(Outcome.MISSING), count(Outcome.DIFFERENT), count(Outcome.EXTRA),
                    count(Outcome.LISTING), count(Outcome.NOT_SHOWN), count(Outcome.OMNI_ONLY), count(Outcome.BOTH_REFUSE));
        }

        /** The summary and the differences, at most {@code limit} of them. */
        public String report(int limit) {
            StringBuilder s = new StringBuilder(summary()).append('\n');
            differences.stream().limit(limit).forEach(d -> s.append(d).append('\n'));
            if (differences.size() > limit) s.append("... and ").append(differences.size() - limit).append(" more\n");
            return s.toString();
        }
    }
}
