package io.natrix.app;

import io.natrix.server.NatsServer;
import io.natrix.server.config.ServerOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The launcher's training run for client commands ({@code natrix --aot_training_cli}), after which the JVM writes
 * the start-up cache that {@code natrix pub}, {@code natrix stream ls} and the other client commands start with.
 * A client command spends most of its start loading and linking jnats, Jackson and its own classes; this run loads
 * them by playing the commands people use most against a server in this process (loopback, a free port, JetStream
 * in a temporary directory that is deleted afterwards), with their output discarded.
 *
 * <p>Contexts are read from the temporary directory, never the user's. A command that fails is reported and
 * otherwise ignored: a cache made from less training is still a cache. picocli's own classes, compiled for Java 5,
 * cannot enter the cache.
 */
final class CliTraining {

    /** The hidden argument that selects this run. */
    static final String FLAG = "--aot_training_cli";

    private CliTraining() {
    }

    /** Plays the session; returns 0, or 1 when the server could not start. */
    static int run(PrintWriter err) {
        Path dir;
        try {
            dir = Files.createTempDirectory("natrix-cli-training");
        } catch (IOException e) {
            err.println("natrix: cli training: " + e.getMessage());
            return 1;
        }
        ServerOptions.Builder b = ServerOptions.builder();
        b.host = "127.0.0.1";
        b.port = ServerOptions.RANDOM_PORT;
        b.jetstream = true;
        b.storeDir = dir.resolve("store");
        NatsServer server = new NatsServer(b.build());
        try {
            server.start();
            String url = "nats://127.0.0.1:" + server.port();
            Path file = Files.writeString(dir.resolve("object.txt"), "training object\n");
            for (String[] line : session(file, dir.resolve("got.txt"))) {
                String problem = play(url, dir, line);
                if (problem != null) {
                    err.println("natrix: cli training: '" + String.join(" ", line) + "' failed: " + problem);
                }
            }
            err.flush();
            return 0;
        } catch (IOException e) {
            err.println("natrix: cli training: " + e.getMessage());
            return 1;
        } finally {
            server.close();
            deleteTree(dir);
        }
    }

    /** The command lines played, in order: each later one finds what the earlier ones made. */
    private static List<String[]> session(Path file, Path got) {
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"--help"});
        lines.add(new String[] {"pub", "--help"});
        lines.add(new String[] {"context", "ls"});
        lines.add(new String[] {"pub", "training.core", "hello {{Count}}", "--count", "2"});
        lines.add(new String[] {"stream", "add", "TRAINING", "--subjects", "training.>", "--defaults"});
        lines.add(new String[] {"pub", "training.js", "hello", "-J", "-H", "A:B"});
        lines.add(new String[] {"stream", "ls"});
        lines.add(new String[] {"stream", "info", "TRAINING"});
        lines.add(new String[] {"stream", "info", "TRAINING", "--json"});
        lines.add(new String[] {"stream", "get", "TRAINING", "1"});
        lines.add(new String[] {"sub", "--stream", "TRAINING", "--all", "--count", "1"});
        lines.add(new String[] {"consumer", "add", "TRAINING", "C", "--pull", "--defaults"});
        lines.add(new String[] {"consumer", "next", "TRAINING", "C"});
        lines.add(new String[] {"consumer", "ls", "TRAINING"});
        lines.add(new String[] {"kv", "add", "TRAINING"});
        lines.add(new String[] {"kv", "put", "TRAINING", "key", "value"});
        lines.add(new String[] {"kv", "get", "TRAINING", "key"});
        lines.add(new String[] {"kv", "ls"});
        lines.add(new String[] {"object", "add", "TRAINING"});
        lines.add(new String[] {"object", "put", "TRAINING", file.toString(), "--name", "object.txt"});
        lines.add(new String[] {"object", "get", "TRAINING", "object.txt", "--output",
            got.toString()});
        lines.add(new String[] {"errors", "lookup", "10059"});
        lines.add(new String[] {"stream", "rm", "TRAINING", "--force"});
        return lines;
    }

    /** Runs one command line; returns what it said on standard error when it failed, else null. */
    private static String play(String url, Path dir, String[] line) {
        PrintWriter discard = new PrintWriter(Writer.nullWriter());
        java.io.StringWriter errors = new java.io.StringWriter();
        var commandLine = NatrixCommand.commandLine(discard, new PrintWriter(errors, true), line);
        ((NatrixCommand) commandLine.getCommand()).globals()
                .environment(Map.of("XDG_CONFIG_HOME", dir.toString(), "HOME", dir.toString(), "NATS_URL", url))
                .terminal(false);
        try {
            return commandLine.execute(line) == 0 ? null : errors.toString().strip();
        } catch (RuntimeException e) {
            return e.toString();
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
