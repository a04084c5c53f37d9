package io.natrix.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts nats-server or Natrix on a free loopback port, pinned to the server CPU with {@code taskset}, with its output
 * appended to a per-server log file. Both servers get the same listen arguments ({@code -a 127.0.0.1 -p PORT}), with
 * JetStream the same {@code -js -sd DIR}, and otherwise their defaults (plus {@code --natrix-args} for Natrix).
 * Thread-safe: it holds only configuration.
 */
final class ServerLauncher {
    private final BenchConfig config;

    ServerLauncher(BenchConfig config) throws IOException {
        this.config = config;
        Files.createDirectories(config.logDir());
    }

    /**
     * The full command for a server on a port, including the taskset prefix when pinning; with JetStream storing in
     * {@code storeDir} unless that is null.
     */
    List<String> command(ServerKind kind, int port, Path storeDir) {
        return command(kind, port, storeDir, List.of());
    }

    /** {@link #command(ServerKind, int, Path)} with {@code extraArgs} at the end (flags of that server only). */
    List<String> command(ServerKind kind, int port, Path storeDir, List<String> extraArgs) {
        List<String> command = new ArrayList<>();
        if (config.pin()) {
            command.addAll(List.of("taskset", "-c", Integer.toString(config.serverCpu())));
        }
        switch (kind) {
            case NATS_SERVER -> command.add(config.natsServer());
            case NATRIX -> {
                command.addAll(config.natrixCommand());
                command.add("server");
            }
        }
        command.addAll(List.of("-a", "127.0.0.1", "-p", Integer.toString(port)));
        if (storeDir != null) {
            command.addAll(List.of("-js", "-sd", storeDir.toString()));
        }
        if (kind == ServerKind.NATRIX) {
            command.addAll(config.natrixArgs());
        }
        command.addAll(extraArgs);
        return command;
    }

    /** Starts a server without waiting for it; see {@link ServerProcess#awaitReady}. */
    ServerProcess spawn(ServerKind kind) throws IOException {
        return spawn(kind, null);
    }

    /** Starts a server with JetStream storing in {@code storeDir} (null: without JetStream), without waiting. */
    ServerProcess spawn(ServerKind kind, Path storeDir) throws IOException {
        return spawn(kind, storeDir, List.of());
    }

    /** {@link #spawn(ServerKind, Path)} with {@code extraArgs} added to the server's command line. */
    ServerProcess spawn(ServerKind kind, Path storeDir, List<String> extraArgs) throws IOException {
        int port = freePort();
        Path log = config.logDir().resolve(kind.name().toLowerCase(java.util.Locale.ROOT) + ".log");
        ProcessBuilder builder = new ProcessBuilder(command(kind, port, storeDir, extraArgs))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        long spawnNanos = System.nanoTime();
        Process process = builder.start();
        ChildProcesses.register(process);
        return new ServerProcess(kind, port, process, log, spawnNanos);
    }

    /** Starts a server and waits until it greets a connection. */
    ServerProcess start(ServerKind kind) throws IOException {
        return start(kind, null);
    }

    /** Starts a server with JetStream storing in {@code storeDir} (null: without) and waits until it greets. */
    ServerProcess start(ServerKind kind, Path storeDir) throws IOException {
        return start(kind, storeDir, List.of());
    }

    /** {@link #start(ServerKind, Path)} with {@code extraArgs} added to the server's command line. */
    ServerProcess start(ServerKind kind, Path storeDir, List<String> extraArgs) throws IOException {
        ServerProcess server = spawn(kind, storeDir, extraArgs);
        try {
            server.awaitReady(Duration.ofMillis(config.startTimeoutMillis()));
            return server;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /**
     * A loopback port that was free a moment ago. Another program could take it before the server binds it; the
     * server then fails to start, which {@link ServerProcess#awaitReady} reports, so a run never silently measures
     * someone else's server on a fixed, well-known port.
     */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
