package io.natrix.server.jetstream;

import io.natrix.server.NatsServer;
import io.natrix.server.config.ConfigLoader;
import io.natrix.server.config.ServerOptions;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A server with JetStream for tests that need it in a process of its own, to kill it: {@code java -cp <test class
 * path> io.natrix.server.jetstream.ChildServer <store dir>}. Listens on 127.0.0.1 and a random port, prints
 * {@code READY <port>} on standard output once clients can connect, and runs until it is killed or its parent
 * goes away. The store uses the default durability settings unless a {@code sync_interval} is given.
 *
 * <p>Before it starts the server it loads all of Natrix's classes and opens every jar of the class path, as the
 * {@code natrix} executable has them (one open jar and its start-up cache): a class read from a directory costs a
 * file descriptor, and a class that failed to load once never loads (its references stay unresolved), so a test that
 * takes the server's descriptors away would otherwise test the class path instead of the server.
 */
public final class ChildServer {
    private ChildServer() {
    }

    /** A running child server, the port it listens on and what it has printed so far (its log). */
    public record Child(Process process, int port, Queue<String> output) {
    }

    /**
     * Starts a child server on {@code storeDir} (registered in {@code children} so the test can kill whatever is
     * left); returns once it accepts clients.
     */
    public static Child start(Path storeDir, List<Process> children) throws Exception {
        return start(storeDir, null, children);
    }

    /**
     * Starts a child server on {@code storeDir} with JetStream's {@code sync_interval} set to {@code sync} (a
     * duration, {@code group} or {@code always}; null: the default).
     */
    public static Child start(Path storeDir, String sync, List<Process> children) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-cp",
                System.getProperty("java.class.path"), ChildServer.class.getName(), storeDir.toString()));
        if (sync != null) {
            command.add(sync);
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Process p = pb.start();
        children.add(p);
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Queue<String> output = new ConcurrentLinkedQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.startsWith("READY ")) {
                        port.complete(Integer.parseInt(line.substring(6).trim()));
                    } else {
                        output.add(line);
                        System.out.println("[child " + p.pid() + "] " + line); // its log, in the test's report
                    }
                }
            } catch (Exception e) {
                port.completeExceptionally(e);
            }
            port.completeExceptionally(new IllegalStateException("child server exited before it was ready"));
        }, "child-output");
        reader.setDaemon(true);
        reader.start();
        return new Child(p, port.get(60, TimeUnit.SECONDS), output);
    }

    /** {@code <store dir> [<sync_interval>]}. */
    public static void main(String[] args) throws IOException {
        loadAllClasses();
        Path store = Path.of(args[0]);
        Files.createDirectories(store);
        // The store's settings as a configuration file states them, next to the store (the parser takes them).
        Path config = store.resolveSibling(store.getFileName() + ".conf");
        String path = store.toAbsolutePath().toString().replace("\\", "/");
        Files.writeString(config, "jetstream { store_dir: \"" + path + "\""
                + (args.length > 1 ? ", sync_interval: " + args[1] : "") + " }\n");
        ServerOptions.Builder b = ConfigLoader.load(config);
        b.host = "127.0.0.1";
        b.port = ServerOptions.RANDOM_PORT;
        NatsServer server = new NatsServer(b.build());
        server.start();
        System.out.println("READY " + server.port());
        System.out.flush();
        // Runs until killed, or until the test's JVM is gone (its end of standard input closes): a test JVM that
        // dies itself must not leave this server behind.
        while (System.in.read() >= 0) {
            // nothing is sent on standard input
        }
        Runtime.getRuntime().halt(0);
    }

    private static void loadAllClasses() throws IOException {
        ClassLoader loader = ChildServer.class.getClassLoader();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path root = Path.of(entry);
            if (!Files.isDirectory(root)) {
                continue;
            }
            List<String> names;
            try (Stream<Path> files = Files.walk(root)) {
                names = files.map(f -> root.relativize(f).toString())
                        .filter(f -> f.endsWith(".class") && f.startsWith("io" + File.separator + "natrix"))
                        .map(f -> f.substring(0, f.length() - ".class".length()).replace(File.separatorChar, '.'))
                        .toList();
            }
            for (String name : names) {
                try {
                    Class.forName(name, false, loader);
                } catch (ClassNotFoundException | LinkageError e) {
                    // a test class whose dependencies are not all here: the server never needs it
                }
            }
        }
        loader.getResource("natrix/no-such-resource"); // looked for in every jar: all of them are open now
    }
}
