package dev.omniscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layout docs/architecture.md describes, checked on the main sources of every module: which
 * module may use which, no package that imports a package importing it back, and no source file
 * grown into a second job.
 */
class ArchitectureTest {
    private static final List<String> MODULES = List.of("core", "recorder", "indexer", "server", "cli");
    /** What each module's main code may use besides itself (docs/architecture.md, "Modules and packages"). */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "core", Set.of(),
            "recorder", Set.of("core"),
            "indexer", Set.of("core"),
            "server", Set.of("core", "indexer"),
            "cli", Set.of("core", "recorder", "indexer", "server"));
    /** Files allowed past the size limit: data tables. */
    private static final Set<String> DATA_TABLES = Set.of("SyscallTable.java");
    private static final int MAX_LINES = 500;
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.omniscope\\.((?:[a-z][a-z0-9_]*\\.)*)[A-Z]");

    /** A main source file: its module, package, and the packages it names. */
    private record Source(Path file, String module, String pkg, Set<String> uses, int lines) {}

    private static final List<Source> SOURCES = new ArrayList<>();

    @BeforeAll
    static void read() throws IOException {
        Path root = Path.of(System.getProperty("omni.native.dir")).toAbsolutePath().getParent().getParent();
        for (String module : MODULES) {
            Path main = root.resolve(module).resolve("src/main/java");
            try (Stream<Path> files = Files.walk(main)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    List<String> lines = Files.readAllLines(f);
                    String text = String.join("\n", lines).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
                    String pkg = main.relativize(f.getParent()).toString().replace('/', '.');
                    Set<String> uses = new TreeSet<>();
                    Matcher m = REFERENCE.matcher(text);
                    while (m.find()) {
                        String used = "dev.omniscope." + m.group(1);
                        used = used.substring(0, used.length() - 1);
                        if (!used.equals(pkg)) uses.add(used);
                    }
                    SOURCES.add(new Source(f, module, pkg, uses, lines.size()));
                }
            }
        }
        assertThat(SOURCES).as("main sources found").hasSizeGreaterThan(100);
    }

    private static Map<String, String> moduleOfPackage() {
        Map<String, String> owner = new HashMap<>();
        for (Source s : SOURCES) owner.put(s.pkg(), s.module());
        return owner;
    }

    @Test
    void modulesUseOnlyWhatTheyDependOn() {
        Map<String, String> owner = moduleOfPackage();
        List<String> wrong = new ArrayList<>();
        for (Source s : SOURCES) {
            for (String used : s.uses()) {
                String module = owner.get(used);
                if (module != null && !module.equals(s.module()) && !ALLOWED.get(s.module()).contains(module)) {
                    wrong.add(s.file().getFileName() + " (" + s.module() + ") uses " + used + " (" + module + ")");
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void noPackageImportsAPackageThatImportsItBack() {
        Map<String, Set<String>> graph = new TreeMap<>();
        Set<String> known = moduleOfPackage().keySet();
        for (Source s : SOURCES) {
            Set<String> edges = graph.computeIfAbsent(s.pkg(), k -> new TreeSet<>());
            for (String used : s.uses()) if (known.contains(used)) edges.add(used);
        }
        List<List<String>> cycles = stronglyConnected(graph).stream().filter(c -> c.size() > 1).toList();
        assertThat(cycles).as("package cycles").isEmpty();
    }

    @Test
    void noMainSourceFileGrowsPastAboutFiveHundredLines() throws IOException {
        Path root = Path.of(System.getProperty("omni.native.dir")).toAbsolutePath().getParent().getParent();
        List<String> large = new ArrayList<>();
        for (Source s : SOURCES) {
            if (s.lines() > MAX_LINES && !DATA_TABLES.contains(s.file().getFileName().toString())) large.add(s.file() + ": " + s.lines());
        }
        try (Stream<Path> files = Files.walk(root.resolve("native"))) {
            for (Path f : files.filter(p -> !p.toString().contains("/build/") && !p.toString().contains("/testprogs/")
                    && (p.toString().endsWith(".c") || p.toString().endsWith(".h"))).toList()) {
                int n = Files.readAllLines(f).size();
                if (n > MAX_LINES) large.add(f + ": " + n);
            }
        }
        assertThat(large).isEmpty();
    }

    /** Tarjan's strongly connected components, iteratively. */
    private static List<List<String>> stronglyConnected(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>(), low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<List<String>> components = new ArrayList<>();
        int[] counter = {0};
        for (String start : graph.keySet()) {
            if (index.containsKey(start)) continue;
            Deque<Object[]> work = new ArrayDeque<>();
            work.push(new Object[] {start, new ArrayList<>(graph.getOrDefault(start, Set.of())).iterator()});
            index.put(start, counter[0]);
            low.put(start, counter[0]++);
            stack.push(start);
            onStack.add(start);
            while (!work.isEmpty()) {
                Object[] frame = work.peek();
                String v = (String) frame[0];
                @SuppressWarnings("unchecked")
                java.util.Iterator<String> next = (java.util.Iterator<String>) frame[1];
                if (next.hasNext()) {
                    String w = next.next();
                    if (!index.containsKey(w)) {
                        index.put(w, counter[0]);
                        low.put(w, counter[0]++);
                        stack.push(w);
                        onStack.add(w);
                        work.push(new Object[] {w, new ArrayList<>(graph.getOrDefault(w, Set.of())).iterator()});
                    } else if (onStack.contains(w)) {
                        low.put(v, Math.min(low.get(v), index.get(w)));
                    }
                    continue;
                }
                work.pop();
                if (!work.isEmpty()) {
                    String parent = (String) work.peek()[0];
                    low.put(parent, Math.min(low.get(parent), low.get(v)));
                }
                if (low.get(v).equals(index.get(v))) {
                    List<String> component = new ArrayList<>();
                    String w;
                    do {
                        w = stack.pop();
                        onStack.remove(w);
                        component.add(w);
                    } while (!w.equals(v));
                    components.add(component);
                }
            }
        }
        return components;
    }
}
