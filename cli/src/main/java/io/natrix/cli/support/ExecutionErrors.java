package io.natrix.cli.support;

import io.natrix.cli.Cli;
import io.natrix.cli.CliException;
import io.natrix.cli.CliRoot;
import io.natrix.cli.Globals;
import io.nats.client.JetStreamApiException;
import java.io.PrintWriter;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Turns a command's failure into one line, {@code natrix: error: WHAT}, and exit status 1. JetStream API errors
 * show the server's description and error code as natscli does; timeouts say what timed out. The stack trace is
 * printed only with {@code --trace}.
 */
public final class ExecutionErrors implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        err.println(Cli.programName() + ": error: " + describe(e));
        Object root = commandLine.getCommandSpec().root().userObject();
        if (root instanceof CliRoot cliRoot && cliRoot.globals().trace()) {
            e.printStackTrace(err);
        }
        err.flush();
        return Cli.EXIT_FAILURE;
    }

    /** The one-line description of a failure. */
    public static String describe(Throwable e) {
        if (e instanceof CliException) {
            return e.getMessage();
        }
        if (e instanceof JetStreamApiException api) {
            return api.getErrorDescription() + " (" + api.getApiErrorCode() + ")";
        }
        if (e instanceof TimeoutException) {
            return "timeout: " + (e.getMessage() == null ? "no response in time" : e.getMessage());
        }
        if (e instanceof InterruptedException) {
            return "interrupted";
        }
        return Globals.rootMessage(e);
    }
}
