package dev.omniscope.recorder.cli;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.omniscope.common.OmniHome;

/** Where traces go by default: numbered directories under {@code $OMNI_HOME/traces}, e.g. {@code 7-counter}. */
final class TraceDirectories {
    private static final Pattern NUMBERED = Pattern.compile("(\\d+)-.*");

    private TraceDirectories() {}

    static Path next(String program) throws IOException {
        Path root = OmniHome.dir("traces");
        String name = Path.of(program).getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
        for (int attempt = 0; ; attempt++) {
            int n = highest(root) + 1 + attempt;
            Path dir = root.resolve(n + "-" + name);
            try {
                return Files.createDirectory(dir);
            } catch (FileAlreadyExistsException e) {
                // another recording took this number at the same moment
            }
        }
    }

    private static int highest(Path root) throws IOException {
        int max = 0;
        try (Stream<Path> entries = Files.list(root)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                Matcher m = NUMBERED.matcher(p.getFileName().toString());
                if (m.matches() && m.group(1).length() < 9) max = Math.max(max, Integer.parseInt(m.group(1)));
            }
        }
        return max;
    }
}
