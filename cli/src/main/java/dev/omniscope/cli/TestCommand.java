package dev.omniscope.cli;

import dev.omniscope.common.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "test",
        mixinStandardHelpOptions = true,
        description = {
            "Run the whole test suite (unit, PostgreSQL, web UI, browser) from a source checkout.",
            "Runs mvn verify at the repository root, then prints a summary of every test runner's results."
        })
final class TestCommand implements Callable<Integer> {
    @Option(names = "--maven-args", split = " ", paramLabel = "ARGS",
            description = "extra Maven arguments, e.g. --maven-args='-Dtest=TraceeSpawnerTest -Dsurefire.failIfNoSpecifiedTests=false'")
    List<String> mavenArgs = new ArrayList<>();

    @Parameters(arity = "0", hidden = true)
    List<String> ignored;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path source = sourceTree("test");
        TestSummary.clearOldReports(source);
        List<String> command = new ArrayList<>(List.of("mvn", "-B", "-ntp", "verify"));
        command.addAll(mavenArgs);
        Process mvn = new ProcessBuilder(command).directory(source.toFile()).inheritIO().start();
        int exit = mvn.waitFor();
        System.out.println();
        System.out.println(TestSummary.read(source).render(exit));
        return exit == 0 ? 0 : 1;
    }

    /** The checkout the launcher runs from, which {@code omni COMMAND} needs. */
    static Path sourceTree(String command) {
        String configured = System.getProperty("omni.source");
        if (configured == null || !Files.isRegularFile(Path.of(configured, "pom.xml"))) {
            throw new UserError("'omni " + command + "' runs from a source checkout: use ./omni " + command + " at the repository root");
        }
        return Path.of(configured);
    }
}
