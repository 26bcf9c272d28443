package dev.omniscope.cli;

import dev.omniscope.common.UserError;
import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns exceptions into messages: {@code omni: <what went wrong>}. Stack traces only for bugs,
 * or for everything with {@code OMNI_DEBUG=1}.
 */
final class ErrorReporter implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        boolean debug = System.getenv("OMNI_DEBUG") != null;
        if (e instanceof UserError user) {
            err.println("omni: " + user.getMessage());
            if (debug) e.printStackTrace(err);
            err.flush();
            return user.exitCode();
        }
        if (e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException) {
            // The machine's problem (a full disk, a permission), not a bug: say what failed.
            err.println("omni: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            if (debug) e.printStackTrace(err);
            err.flush();
            return 74; // EX_IOERR
        }
        err.println("omni: internal error: " + e);
        if (debug) {
            e.printStackTrace(err);
        } else {
            err.println("(this is a bug in omni; run again with OMNI_DEBUG=1 for the stack trace)");
        }
        err.flush();
        return 70; // EX_SOFTWARE
    }
}
