package dev.omniscope.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * {@code omni ARGS...} in this JVM, its standard output and error captured: for tests that ask the
 * query commands hundreds of times (a JVM each would take minutes). One command at a time, since
 * it swaps System.out and System.err.
 */
final class InProcess {
    /** A command's exit status and what it printed. */
    record Result(int status, String out, String err) {}

    private InProcess() {}

    static synchronized Result omni(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out, oldErr = System.err;
        PrintStream newOut = new PrintStream(out, true, StandardCharsets.UTF_8), newErr = new PrintStream(err, true, StandardCharsets.UTF_8);
        int status;
        System.setOut(newOut);
        System.setErr(newErr);
        try {
            picocli.CommandLine cli = Omni.commandLine();
            cli.setOut(new PrintWriter(newOut, true));
            cli.setErr(new PrintWriter(newErr, true));
            status = cli.execute(args);
        } finally {
            newOut.flush();
            newErr.flush();
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
