package io.natrix.cli;

import io.natrix.cli.bench.BenchCommand;
import io.natrix.cli.context.ContextCommand;
import io.natrix.cli.support.CommandLineErrors;
import io.natrix.cli.support.ExecutionErrors;
import java.util.List;
import picocli.CommandLine;

/**
 * The client commands as one set: what the {@code natrix} root command (in the app module, or a test's root)
 * adds to itself, and the parser settings they all share.
 *
 * <p>Every command here is a picocli command that reaches its connection settings, environment and streams
 * through the root's {@link Globals} (see {@link ClientCommand}); none touches {@code System.out},
 * {@code System.in} or {@code System.exit}, so tests run whole command lines in-process.
 */
public final class Cli {

    /** Exit status for command-line mistakes (unknown flag or command, missing argument), as Go's flag uses. */
    public static final int EXIT_USAGE = 2;

    /** Exit status for a command that ran and failed (server unreachable, API error, bad input file). */
    public static final int EXIT_FAILURE = 1;

    private Cli() {
    }

    /**
     * The top-level client commands, in the order the help lists them. Each is a fresh instance: picocli keeps
     * option values in the command objects, so one command line gets one set.
     */
    public static List<Object> commands() {
        return List.of(
                new ContextCommand(),
                new BenchCommand());
    }

    /**
     * The admin commands under {@code natrix server} ({@code ls}, {@code info}, {@code ping}, ...). A bare word
     * after {@code server} selects one of these; flags alone start a server.
     */
    public static List<Object> serverCommands() {
        return List.of();
    }

    /**
     * Sets up a root command line for Go-style flags as the NATS tools take them (no clustered short options, a
     * repeated flag's last value wins, no {@code @file} expansion), with one-line errors and exit statuses, and
     * adds the client commands to it.
     */
    public static CommandLine configure(CommandLine root) {
        for (Object command : commands()) {
            root.addSubcommand(command);
        }
        root.setPosixClusteredShortOptionsAllowed(false);
        root.setOverwrittenOptionsAllowed(true);
        root.setExpandAtFiles(false);
        root.setParameterExceptionHandler(new CommandLineErrors());
        root.setExecutionExceptionHandler(new ExecutionErrors());
        return root;
    }

    /**
     * The name this program reports itself by in messages: {@code natrix}, or what the script that started it
     * set in {@code NATRIX_EXE_NAME} ({@code bin/nats-server} sets {@code nats-server}).
     */
    public static String programName() {
        String name = System.getenv("NATRIX_EXE_NAME");
        return name == null || name.isBlank() ? "natrix" : name;
    }
}
