package dev.omniscope.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The last thing {@code omni test} prints: how many tests of each kind ran and failed, read from
 * the JUnit XML reports that every runner writes (surefire, failsafe, Vitest, Playwright).
 */
record TestSummary(Map<String, Counts> suites, List<String> failures) {
    record Counts(int tests, int failed, int skipped) {
        Counts plus(Counts o) {
            return new Counts(tests + o.tests, failed + o.failed, skipped + o.skipped);
        }
    }

    private static final Pattern SUITE = Pattern.compile("<testsuite\\b([^>]*)>");
    private static final Pattern CASE_FAILED = Pattern.compile(
            "<testcase\\b[^>]*?name=\"([^\"]*)\"[^>]*?classname=\"([^\"]*)\"[^>]*>\\s*<(failure|error)\\b"
            + "|<testcase\\b[^>]*?classname=\"([^\"]*)\"[^>]*?name=\"([^\"]*)\"[^>]*>\\s*<(failure|error)\\b");

    private static final List<String> MODULES = List.of("core", "recorder", "indexer", "server", "cli");

    private static final List<String> REPORT_DIRS = reportDirectories();

    private static List<String> reportDirectories() {
        List<String> dirs = new java.util.ArrayList<>();
        for (String runner : List.of("surefire-reports", "failsafe-reports")) {
            for (String module : MODULES) dirs.add(module + "/target/" + runner);
        }
        dirs.add("web-ui/test-results");
        return List.copyOf(dirs);
    }

    /** Reports of an earlier run must not be counted as this run's. */
    static void clearOldReports(Path source) throws IOException {
        for (String dir : REPORT_DIRS) {
            Path path = source.resolve(dir);
            if (!Files.isDirectory(path)) continue;
            try (Stream<Path> tree = Files.walk(path)) {
                for (Path p : tree.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
    }

    static TestSummary read(Path source) throws IOException {
        Map<String, Counts> suites = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        collect(source, "unit (JUnit)", "*/target/surefire-reports", suites, failures);
        collect(source, "integration (JUnit, PostgreSQL)", "*/target/failsafe-reports", suites, failures);
        collect(source, "web UI unit (Vitest)", "web-ui/test-results/unit", suites, failures);
        collect(source, "browser end-to-end (Playwright)", "web-ui/test-results/e2e", suites, failures);
        return new TestSummary(suites, failures);
    }

    private static void collect(Path source, String label, String dirGlob, Map<String, Counts> suites, List<String> failures)
            throws IOException {
        List<Path> dirs = new ArrayList<>();
        if (dirGlob.startsWith("*/")) {
            try (Stream<Path> modules = Files.list(source)) {
                modules.map(m -> m.resolve(dirGlob.substring(2))).filter(Files::isDirectory).forEach(dirs::add);
            }
        } else if (Files.isDirectory(source.resolve(dirGlob))) {
            dirs.add(source.resolve(dirGlob));
        }
        Counts total = new Counts(0, 0, 0);
        for (Path dir : dirs) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path xml : files.filter(f -> f.getFileName().toString().endsWith(".xml")).sorted().toList()) {
                    String text = Files.readString(xml);
                    Matcher suite = SUITE.matcher(text);
                    while (suite.find()) {
                        String attrs = suite.group(1);
                        total = total.plus(new Counts(attr(attrs, "tests"),
                                attr(attrs, "failures") + attr(attrs, "errors"), attr(attrs, "skipped")));
                    }
                    Matcher failed = CASE_FAILED.matcher(text);
                    while (failed.find()) {
                        String name = failed.group(1) != null ? failed.group(2) + "." + failed.group(1) : failed.group(4) + "." + failed.group(5);
                        failures.add(name);
                    }
                }
            }
        }
        if (total.tests > 0) suites.put(label, total);
    }

    private static int attr(String attrs, String name) {
        Matcher m = Pattern.compile("\\b" + name + "=\"(\\d+)\"").matcher(attrs);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    String render(int mavenExit) {
        StringBuilder out = new StringBuilder("omni test summary\n");
        int tests = 0, failed = 0;
        for (var e : suites.entrySet()) {
            Counts c = e.getValue();
            out.append(String.format("  %-34s %5d tests  %3d failed  %3d skipped%n", e.getKey(), c.tests, c.failed, c.skipped));
            tests += c.tests;
            failed += c.failed;
        }
        for (String f : failures) out.append("  FAILED ").append(f).append('\n');
        boolean ok = mavenExit == 0 && failed == 0;
        out.append(String.format("%s: %d tests, %d failed%s", ok ? "PASSED" : "FAILED", tests, failed,
                ok || failed > 0 ? "" : " (the build failed before or between test runs; see the Maven output above)"));
        return out.toString();
    }
}
