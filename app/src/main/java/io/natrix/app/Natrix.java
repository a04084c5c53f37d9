package io.natrix.app;

import io.natrix.app.server.ServerCommand;
import io.natrix.cli.Cli;
import io.natrix.server.Version;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.Arrays;
import java.util.List;

/**
 * The entry point of the {@code natrix} executable. {@code natrix server ...} goes straight to
 * {@link ServerCommand}, which parses nats-server's flags by hand so a spawned server starts fast; every other
 * command line (the admin commands under {@code natrix server} included) goes to picocli through
 * {@link NatrixCommand}, the top-level command whose subcommands are the client commands.
 *
 * <p>{@link #main} is the only place that touches the process's standard streams and exit status; everything
 * below it writes to the {@link PrintWriter}s it is given and returns an exit status, so tests run command
 * lines in-process with {@link #run}.
 */
public final class Natrix {

    /** Exit status for command-line mistakes (unknown flag or command, missing argument), as Go's flag uses. */
    public static final int EXIT_USAGE = Cli.EXIT_USAGE;

    private Natrix() {
    }

    public static void main(String[] args) {
        // Netty 4.2 loads JDK Flight Recorder on the first connection to publish allocator events (~100 ms before
        // the first INFO); off unless asked for with -Dio.netty.jfr.enabled=true. Set before any Netty class loads.
        if (System.getProperty("io.netty.jfr.enabled") == null) {
            System.setProperty("io.netty.jfr.enabled", "false");
        }
        Charset charset = Charset.defaultCharset();
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, charset), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, charset), true);
        int status = run(args, out, err);
        out.flush();
        err.flush();
        // Exit explicitly: a stopped server may leave non-daemon threads (event loops) winding down.
        System.exit(status);
    }

    /** Runs one command line to completion and returns its exit status. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        if (args.length == 1 && args[0].equals(CliTraining.FLAG)) {
            return CliTraining.run(err);
        }
        if (args.length > 0 && args[0].equals("server") && !selectsAdminCommand(args)) {
            List<String> rest = Arrays.asList(args).subList(1, args.length);
            return ServerCommand.run(rest, out, err);
        }
        return NatrixCommand.commandLine(out, err, args).execute(args);
    }

    /**
     * Whether a {@code natrix server ...} command line names an admin command ({@code natrix server ls}): a bare
     * word right after {@code server}. Flags, or nothing, start a server.
     */
    static boolean selectsAdminCommand(String[] args) {
        return args.length > 1 && !args[1].isEmpty() && !args[1].startsWith("-");
    }

    /**
     * The name this program reports itself by in messages: {@code natrix}, or what the script that started it
     * set in {@code NATRIX_EXE_NAME} ({@code bin/nats-server} sets {@code nats-server}).
     */
    public static String programName() {
        return Cli.programName();
    }

    /** Natrix's version and the nats-server release whose behaviour it implements, as --version prints it. */
    public static String versionText() {
        return "v" + Version.NATRIX + " (implements nats-server " + Version.NATS_SERVER + ")";
    }
}
