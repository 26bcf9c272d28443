package dev.omniscope.cli;

import dev.omniscope.common.OmniVersion;
import dev.omniscope.indexer.cli.AtCommand;
import dev.omniscope.indexer.cli.CallsCommand;
import dev.omniscope.indexer.cli.ExecutionsCommand;
import dev.omniscope.indexer.cli.HistoryCommand;
import dev.omniscope.indexer.cli.LocalsCommand;
import dev.omniscope.indexer.cli.OriginCommand;
import dev.omniscope.indexer.cli.OutputCommand;
import dev.omniscope.indexer.cli.PrintCommand;
import dev.omniscope.indexer.cli.ProcessesCommand;
import dev.omniscope.indexer.cli.UsesCommand;
import dev.omniscope.indexer.cli.IndexCommand;
import dev.omniscope.indexer.cli.ReplayCommand;
import dev.omniscope.trace.cli.InfoCommand;
import dev.omniscope.trace.cli.PackCommand;
import dev.omniscope.recorder.cli.RecordCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code omni} command line. Every capability is a subcommand here; the {@code ./omni}
 * launcher at the repository root builds the jar when needed and runs this class.
 */
@Command(name = "omni",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        versionProvider = OmniVersion.class,
        description = "Omniscope: record a native Linux x86-64 program once, then explore the whole execution.",
        subcommands = {RecordCommand.class, InfoCommand.class, PackCommand.class, ReplayCommand.class, IndexCommand.class,
            HistoryCommand.class, AtCommand.class, CallsCommand.class, LocalsCommand.class, PrintCommand.class, OriginCommand.class, UsesCommand.class,
            ExecutionsCommand.class, OutputCommand.class, ProcessesCommand.class, ServeCommand.class, UploadCommand.class,
            AuthCommand.class, DemoCommand.class, TestCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Run 'omni help COMMAND' for a command's options."})
public final class Omni implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The whole command tree, with Omniscope's error reporting. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Omni())
                .setExecutionExceptionHandler(new ErrorReporter())
                .setCaseInsensitiveEnumValuesAllowed(true)
                // help wraps at the terminal's width (80 columns when it is not a terminal), every subcommand's too
                .setUsageHelpAutoWidth(true);
        // `omni record ./prog -v`: everything from the program on is the program's.
        cli.getSubcommands().get("record").setStopAtPositional(true);
        return cli;
    }
}
