package dev.omniscope.recorder.testing;

import dev.omniscope.trace.cli.InfoCommand;
import dev.omniscope.trace.cli.PackCommand;
import dev.omniscope.recorder.cli.RecordCommand;
import picocli.CommandLine;

/** `omni record|info|pack` without the server module, for tests that run them as a separate process. */
public final class RecordMain {
    private RecordMain() {}

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new Root())
                .addSubcommand(new RecordCommand()).addSubcommand(new InfoCommand()).addSubcommand(new PackCommand());
        cli.getSubcommands().get("record").setStopAtPositional(true);
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
