package dev.omniscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code omni --help} and every subcommand's help: descriptions are whole sentences (a command
 * list shows only a description's first line, so a sentence split over two lines was cut there),
 * wrapped at the width asked for, never cut; the width follows the terminal's.
 */
class HelpTextTest {
    /** Every command of the tree, the root first. */
    private static List<CommandLine> commands(CommandLine root) {
        List<CommandLine> all = new ArrayList<>(List.of(root));
        for (CommandLine sub : root.getSubcommands().values()) {
            if (!all.contains(sub)) all.addAll(commands(sub));
        }
        return all;
    }

    /** The text without its white space and line breaks (picocli wraps at spaces and after some punctuation, FILE:LINE). */
    private static String words(String text) {
        return text.replace("%n", "").replaceAll("\\s+", "");
    }

    private static boolean sentenceEnd(String text) {
        String t = text.replace("%n", "").trim();
        return t.isEmpty() || t.endsWith(".") || t.endsWith(")") || t.endsWith(":") || t.endsWith("?") || t.endsWith("!");
    }

    @Test
    void everyDescriptionLineIsWholeSentences() {
        for (CommandLine c : commands(Omni.commandLine())) {
            CommandSpec spec = c.getCommandSpec();
            for (String line : spec.usageMessage().description()) {
                assertThat(sentenceEnd(line)).as("%s: a description line that stops mid-sentence: %s", spec.qualifiedName(), line).isTrue();
            }
        }
    }

    @Test
    void helpWrapsAtTheWidthAskedForAndLeavesNothingOut() {
        for (int width : new int[] {60, 80, 160}) {
            for (CommandLine c : commands(Omni.commandLine())) {
                CommandSpec spec = c.getCommandSpec();
                spec.usageMessage().width(width);
                String usage = c.getUsageMessage(CommandLine.Help.Ansi.OFF);
                for (String line : usage.split("\n")) {
                    assertThat(line.length()).as("%s at %d columns: %s", spec.qualifiedName(), width, line).isLessThanOrEqualTo(width);
                }
                String all = words(usage);
                for (String line : spec.usageMessage().description()) assertThat(all).as(spec.qualifiedName()).contains(words(line));
                for (OptionSpec o : spec.options()) {
                    for (String d : o.description()) {
                        if (!d.contains("${")) assertThat(all).as("%s %s", spec.qualifiedName(), o.longestName()).contains(words(d));
                    }
                }
                // a command list shows each subcommand's first header line, or else its first description line, whole
                for (CommandLine sub : c.getSubcommands().values()) {
                    String[] h = sub.getCommandSpec().usageMessage().header();
                    String[] d = h.length > 0 ? h : sub.getCommandSpec().usageMessage().description();
                    if (d.length > 0) assertThat(all).as("%s lists %s", spec.qualifiedName(), sub.getCommandName()).contains(words(d[0]));
                }
            }
        }
    }

    @Test
    void theWidthFollowsTheTerminal() {
        for (CommandLine c : commands(Omni.commandLine())) {
            assertThat(c.getCommandSpec().usageMessage().autoWidth()).as(c.getCommandSpec().qualifiedName()).isTrue();
        }
    }
}
