package io.natrix.app.server;

import io.natrix.app.Natrix;
import io.natrix.app.server.GoFlagSet.FlagException;
import io.natrix.server.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code natrix server [flags]}: runs the NATS server, checks a configuration ({@code -t}), or signals a running
 * server ({@code -sl}). The flags are nats-server's ({@link ServerFlags}); the help text is shaped like
 * nats-server's, because that is what its users know.
 *
 * <p>This path does not touch picocli: {@link io.natrix.app.Natrix} hands {@code server} command lines straight
 * here, so a spawned server starts without picocli's set-up cost. Admin subcommands for running servers
 * ({@code natrix server info}, {@code ping}, {@code check}) will be picocli commands that this class hands their
 * command lines to once the CLI exists.
 */
public final class ServerCommand {

    /** One line for the list of commands. */
    public static final String DESCRIPTION = "Run the NATS server (takes nats-server's flags; see natrix server -h)";

    private final ServerFlags flags;

    private ServerCommand(ServerFlags flags) {
        this.flags = flags;
    }

    /**
     * Runs {@code natrix server} with the arguments after {@code server} and returns the exit status: 0 after
     * a graceful stop or a successful check, 1 for a bad value or configuration, 2 for a command-line mistake.
     */
    public static int run(List<String> args, PrintWriter out, PrintWriter err) {
        String prefix = Natrix.programName() + ": ";
        ServerFlags flags;
        try {
            flags = ServerFlags.parse(args);
        } catch (FlagException e) {
            err.println(prefix + e.getMessage() + (e.usage() ? " (see 'natrix server --help')" : ""));
            err.flush();
            return e.usage() ? Natrix.EXIT_USAGE : 1;
        }
        int status = new ServerCommand(flags).call(out, err, prefix);
        out.flush();
        err.flush();
        return status;
    }

    private int call(PrintWriter out, PrintWriter err, String prefix) {
        if (ServerFlags.isTrue(flags.help)) {
            out.print(resource("usage.txt"));
            return 0;
        }
        if (ServerFlags.isTrue(flags.helpTls)) {
            out.print(resource("tls-usage.txt"));
            return 0;
        }
        if (ServerFlags.isTrue(flags.version)) {
            out.println(prefix + Natrix.versionText());
            return 0;
        }
        if (flags.signal != null) {
            return new SignalSender(err, prefix).send(flags.signal, flags);
        }
        if (ServerFlags.isTrue(flags.testConfig)) {
            return testConfig(err, prefix);
        }
        ServerFlags.Resolved resolved;
        try {
            resolved = flags.resolve();
        } catch (ConfigException | IllegalArgumentException e) {
            printProblems(err, prefix, e);
            return 1;
        }
        return new ServerRunner(flags, resolved, err, prefix).run();
    }

    /** {@code -t}: parse the file with the flags over it, say whether it is valid, and exit 0 or 1. */
    private int testConfig(PrintWriter err, String prefix) {
        if (flags.configFile == null) {
            err.println(prefix + "must specify [-c, --config] option to check configuration file syntax");
            return 1;
        }
        ServerFlags.Resolved resolved;
        try {
            resolved = flags.resolve();
        } catch (ConfigException | IllegalArgumentException e) {
            printProblems(err, prefix, e);
            return 1;
        }
        for (String warning : resolved.fileWarnings()) {
            err.println(prefix + "warning: " + warning);
        }
        err.println(prefix + "configuration file " + flags.configFile + " is valid");
        return 0;
    }

    /** One line per problem: the exception's, then any the configuration loader attached to it. */
    static void printProblems(PrintWriter err, String prefix, RuntimeException e) {
        err.println(prefix + e.getMessage());
        for (Throwable more : e.getSuppressed()) {
            err.println(prefix + more.getMessage());
        }
    }

    private static String resource(String name) {
        try (InputStream in = ServerCommand.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
