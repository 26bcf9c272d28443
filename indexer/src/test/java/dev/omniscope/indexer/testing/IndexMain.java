package dev.omniscope.indexer.testing;

import dev.omniscope.indexer.cli.AtCommand;
import dev.omniscope.indexer.cli.CallsCommand;
import dev.omniscope.indexer.cli.HistoryCommand;
import dev.omniscope.indexer.cli.IndexCommand;
import dev.omniscope.indexer.cli.ReplayCommand;
import picocli.CommandLine;

/** `omni replay|index|history|at|calls` without the server module, for tests that run them as a separate process. */
public final class IndexMain {
    private IndexMain() {}

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new Root()).addSubcommand(new ReplayCommand()).addSubcommand(new IndexCommand())
                .addSubcommand(new HistoryCommand()).addSubcommand(new AtCommand()).addSubcommand(new CallsCommand());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof dev.omniscope.common.UserError u) {
                cmd.getErr().println("omni: " + u.getMessage());
                cmd.getErr().flush();
                return u.exitCode();
            }
            throw e;
        });
        System.exit(cli.execute(args));
    }

    @CommandLine.Command(name = "omni")
    static final class Root {}
}
