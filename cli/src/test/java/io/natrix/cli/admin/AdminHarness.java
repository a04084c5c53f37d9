package io.natrix.cli.admin;

import io.natrix.cli.Cli;
import io.natrix.cli.CliHarness;
import io.natrix.cli.CliRoot;
import io.natrix.cli.Globals;
import io.natrix.server.config.ConfigLoader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Runs {@code natrix server ...} admin command lines in-process, as the app mounts them: {@link Cli#serverCommands()}
 * under a {@code server} command of a root that implements {@link CliRoot}. The server is a {@link CliHarness} one
 * configured with a system account ({@code SYS}, user {@code admin}/{@code s3cret}) and an application account
 * ({@code APP}, user {@code app}/{@code s3cret}); command lines run as the admin unless they say otherwise.
 */
public final class AdminHarness implements AutoCloseable {

    static final String CONFIG = """
            accounts {
              SYS { users = [ { user: admin, password: s3cret } ] }
              APP { users = [ { user: app, password: s3cret } ], jetstream: enabled }
            }
            system_account: SYS
            """;

    private final CliHarness cli;

    private AdminHarness(CliHarness cli) {
        this.cli = cli;
    }

    /** A server with the system account under {@code dir}, and command lines that connect as its admin. */
    public static AdminHarness start(Path dir) {
        Path file = dir.resolve("server.conf");
        try {
            Files.writeString(file, CONFIG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CliHarness cli = CliHarness.start(dir, b -> {
            ConfigLoader.load(file, b);
            b.host = "127.0.0.1";
            b.port = io.natrix.server.config.ServerOptions.RANDOM_PORT;
            // The test machine is shared and often loaded: a cold client may need longer than the 2 s default
            // to send CONNECT, and these tests are not about authentication timeouts.
            b.authTimeout = java.time.Duration.ofSeconds(30);
        });
        cli.env().put("NATS_USER", "admin");
        cli.env().put("NATS_PASSWORD", "s3cret");
        return new AdminHarness(cli);
    }

    /** The harness of the client commands, on this server, connecting as the admin. */
    public CliHarness cli() {
        return cli;
    }

    /** Runs {@code natrix server ARGS...}. */
    public CliHarness.Result server(String... args) {
        String[] full = new String[args.length + 1];
        full[0] = "server";
        System.arraycopy(args, 0, full, 1, args.length);
        return run(cli, full);
    }

    /** Runs a command line under a root that has the client commands and {@code server} with the admin commands. */
    static CliHarness.Result run(CliHarness cli, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Root root = new Root();
        root.globals.environment(cli.env()).stdin(new ByteArrayInputStream(new byte[0])).terminal(false);
        CommandLine commandLine = new CommandLine(root);
        CommandLine server = new CommandLine(new Server());
        for (Object admin : Cli.serverCommands()) {
            server.addSubcommand(admin);
        }
        commandLine.addSubcommand("server", server);
        Cli.configure(commandLine);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int status = commandLine.execute(args);
        return new CliHarness.Result(status, out.toString(), err.toString());
    }

    @Override
    public void close() {
        cli.close();
    }

    @Command(name = "natrix")
    static final class Root implements CliRoot, Runnable {
        @Mixin
        Globals globals = new Globals();

        @Override
        public Globals globals() {
            return globals;
        }

        @Override
        public void run() {
        }
    }

    @Command(name = "server")
    static final class Server implements Callable<Integer> {
        @Override
        public Integer call() {
            return Cli.EXIT_USAGE;
        }
    }
}
