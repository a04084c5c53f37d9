package io.natrix.cli;

import io.natrix.server.NatsServer;
import io.natrix.server.config.ServerOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Runs client command lines in-process against an in-process Natrix (loopback, free port, JetStream in a
 * temporary directory), the way {@code natrix} runs them: the same {@link Cli#configure} set-up under a root
 * that implements {@link CliRoot}. Its environment holds only {@code NATS_URL} (this server) and
 * {@code XDG_CONFIG_HOME} (a private context directory), so no test sees the machine's real contexts.
 */
public final class CliHarness implements AutoCloseable {

    /** What one command line did. */
    public record Result(int status, String out, String err) {
        /** Standard output and error together, for failure messages. */
        @Override
        public String toString() {
            return "exit " + status + "\n--- out ---\n" + out + "--- err ---\n" + err;
        }
    }

    private final NatsServer server;
    private final Map<String, String> env = new HashMap<>();

    private CliHarness(NatsServer server, Path home) {
        this.server = server;
        if (server != null) {
            env.put("NATS_URL", url());
        }
        env.put("XDG_CONFIG_HOME", home.resolve("config").toString());
        env.put("HOME", home.toString());
    }

    /** A server with JetStream storing under {@code dir}, and a harness pointed at it. */
    public static CliHarness start(Path dir) {
        return start(dir, b -> { });
    }

    /** A server adjusted by {@code customize} (JetStream on, store under {@code dir} unless it changes that). */
    public static CliHarness start(Path dir, Consumer<ServerOptions.Builder> customize) {
        ServerOptions.Builder b = ServerOptions.builder();
        b.host = "127.0.0.1";
        b.port = ServerOptions.RANDOM_PORT;
        b.jetstream = true;
        b.storeDir = dir.resolve("store");
        customize.accept(b);
        return started(b, dir);
    }

    private static CliHarness started(ServerOptions.Builder b, Path dir) {
        NatsServer server = new NatsServer(b.build());
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new CliHarness(server, dir);
    }

    /**
     * A server from configuration text (nats-server's format, written to {@code dir/server.conf}), on a free
     * loopback port with JetStream storing under {@code dir}.
     */
    public static CliHarness fromConfig(Path dir, String config) {
        Path file = dir.resolve("server.conf");
        try {
            java.nio.file.Files.writeString(file, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ServerOptions.Builder b = io.natrix.server.config.ConfigLoader.load(file);
        b.host = "127.0.0.1";
        b.port = ServerOptions.RANDOM_PORT;
        b.jetstream = true;
        b.storeDir = dir.resolve("store");
        return started(b, dir);
    }

    /** A harness without a server (for commands that need none, and for unreachable-server errors). */
    public static CliHarness withoutServer(Path dir) {
        return new CliHarness(null, dir);
    }

    public NatsServer server() {
        return server;
    }

    public String url() {
        return "nats://127.0.0.1:" + server.port();
    }

    /** The environment command lines see; tests may add to it. */
    public Map<String, String> env() {
        return env;
    }

    /** Runs one command line with empty standard input. */
    public Result run(String... args) {
        return runWithInput("", args);
    }

    /** Runs one command line with the given standard input. */
    public Result runWithInput(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        TestRoot root = new TestRoot();
        root.globals.environment(env)
                .stdin(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)))
                .terminal(false);
        CommandLine commandLine = Cli.configure(new CommandLine(root));
        commandLine.setOut(new PrintWriter(out, true));
        PrintWriter errWriter = new PrintWriter(err, true);
        commandLine.setErr(errWriter);
        root.globals.traceTo(errWriter);
        int status = commandLine.execute(args);
        return new Result(status, out.toString(), err.toString());
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }

    /** The root command of a test's command line, as {@code natrix} is in the app. */
    @Command(name = "natrix")
    static final class TestRoot implements CliRoot, Runnable {
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
}
