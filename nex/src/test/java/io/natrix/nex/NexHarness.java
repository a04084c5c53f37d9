package io.natrix.nex;

import io.natrix.cli.Cli;
import io.natrix.cli.CliRoot;
import io.natrix.cli.Globals;
import io.natrix.nex.cli.NexCommand;
import io.natrix.nex.node.NexNode;
import io.natrix.nex.node.NodeConfig;
import io.natrix.server.NatsServer;
import io.natrix.server.config.ServerOptions;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * An in-process Natrix server with JetStream (loopback, free port, store in a temp dir), Nex nodes started on it
 * in-process, and {@code natrix nex ...} command lines run in-process as the app runs them (the cli module's
 * {@link Cli#configure} under a root with {@link Globals}). Closing stops the nodes, their connections and the
 * server.
 */
public final class NexHarness implements AutoCloseable {

    /** What one command line did. */
    public record Result(int status, String out, String err) {
        @Override
        public String toString() {
            return "exit " + status + "\n--- out ---\n" + out + "--- err ---\n" + err;
        }
    }

    private final NatsServer server;
    private final Path dir;
    private final Map<String, String> env = new HashMap<>();
    private final List<AutoCloseable> closing = new ArrayList<>();

    private NexHarness(NatsServer server, Path dir) {
        this.server = server;
        this.dir = dir;
        env.put("NATS_URL", url());
        env.put("XDG_CONFIG_HOME", dir.resolve("config").toString());
        env.put("HOME", dir.toString());
        // The machines these tests share are busy: allow slow answers (tests that expect none pass --timeout).
        env.put("NATS_TIMEOUT", "20s");
    }

    public static NexHarness start(Path dir) {
        ServerOptions.Builder b = ServerOptions.builder();
        b.host = "127.0.0.1";
        b.port = ServerOptions.RANDOM_PORT;
        b.jetstream = true;
        b.storeDir = dir.resolve("store");
        NatsServer server = new NatsServer(b.build());
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(server::ready);
        return new NexHarness(server, dir);
    }

    public String url() {
        return "nats://127.0.0.1:" + server.port();
    }

    public Map<String, String> env() {
        return env;
    }

    /** A client connection closed with the harness. */
    public Connection connect() {
        try {
            Connection c = Nats.connect(new Options.Builder().server(url()).maxReconnects(0)
                    .connectionTimeout(Duration.ofSeconds(20)).build());
            closing.add(0, c);
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A node with default settings (short heartbeat and grace so tests stay quick), adjusted by {@code customize}. */
    public NexNode node(String name, Consumer<NodeConfig.Builder> customize) {
        NodeConfig.Builder b = NodeConfig.builder();
        b.nodeName = name;
        b.dataDir = dir.resolve("node-" + name);
        b.heartbeatInterval = Duration.ofSeconds(30);
        b.stopGrace = Duration.ofSeconds(2);
        // Generous: a function's first calls into host services (key-value and object buckets made on first use,
        // requests) can take seconds on a busy machine. Tests of the time limit set their own.
        b.functionTimeout = Duration.ofSeconds(20);
        customize.accept(b);
        try {
            Connection c = connect();
            NexNode node = NexNode.start(b.build(), c, c);
            closing.add(0, node);
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public NexNode node(String name) {
        return node(name, b -> { });
    }

    public Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        TestRoot root = new TestRoot();
        root.globals.environment(env).stdin(new ByteArrayInputStream(new byte[0])).terminal(false);
        CommandLine commandLine = new CommandLine(root);
        commandLine.addSubcommand(new NexCommand());
        Cli.configure(commandLine);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int status = commandLine.execute(args);
        return new Result(status, out.toString(), err.toString());
    }

    @Override
    public void close() {
        for (AutoCloseable c : closing) {
            try {
                c.close();
            } catch (Exception e) {
                // Keep closing the rest.
            }
        }
        server.close();
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
