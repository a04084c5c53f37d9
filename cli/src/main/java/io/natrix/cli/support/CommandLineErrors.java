package io.natrix.cli.support;

import io.natrix.cli.Cli;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns a command-line mistake into one line on standard error and an exit status, the way Go programs such
 * as nats-server report them ({@code flag provided but not defined: -bogus}), with a pointer to the help.
 * Unknown flags, unknown commands and missing arguments exit with {@link Cli#EXIT_USAGE}; a value that does
 * not parse exits with 1.
 */
public final class CommandLineErrors implements CommandLine.IParameterExceptionHandler {

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine commandLine = e.getCommandLine();
        PrintWriter err = commandLine.getErr();
        String help = " (see '" + commandLine.getCommandSpec().qualifiedName() + " --help')";
        String prefix = Cli.programName() + ": ";
        if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            String arg = unmatched.getUnmatched().get(0);
            String what;
            if (arg.startsWith("-")) {
                what = "flag provided but not defined: " + arg;
            } else if (!commandLine.getSubcommands().isEmpty()) {
                what = "unknown command: " + arg;
            } else {
                what = "unexpected argument: " + arg;
            }
            err.println(prefix + what + help);
            return Cli.EXIT_USAGE;
        }
        if (e instanceof MissingParameterException missing && !missing.getMissing().isEmpty()) {
            err.println(prefix + "flag needs an argument: " + flagName(missing.getMissing().get(0)) + help);
            return Cli.EXIT_USAGE;
        }
        if (e.getArgSpec() instanceof OptionSpec option && e.getValue() != null) {
            err.println(prefix + "invalid value \"" + e.getValue() + "\" for flag " + flagName(option) + ": "
                    + reason(e));
            return 1;
        }
        err.println(prefix + e.getMessage() + help);
        return Cli.EXIT_USAGE;
    }

    private static String flagName(ArgSpec spec) {
        return spec instanceof OptionSpec option ? option.shortestName() : spec.paramLabel();
    }

    /** The converter's own words, without picocli's "Invalid value for option ..." preamble. */
    private static String reason(ParameterException e) {
        Throwable cause = e.getCause();
        if (cause instanceof CommandLine.TypeConversionException && cause.getMessage() != null) {
            return cause.getMessage();
        }
        String message = e.getMessage();
        int colon = message.indexOf("': ");
        return colon >= 0 ? message.substring(colon + 3) : message;
    }
}
