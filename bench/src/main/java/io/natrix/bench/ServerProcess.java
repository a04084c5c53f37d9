package io.natrix.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * One running server started by {@link ServerLauncher}: its port, its process (pinned with taskset), and the file its
 * output goes to. Closing it ends the process tree. Not thread-safe: one thread owns it.
 */
final class ServerProcess implements AutoCloseable {
    private final ServerKind kind;
    private final int port;
    private final Process process;
    private final Path log;
    private final long spawnNanos;

    ServerProcess(ServerKind kind, int port, Process process, Path log, long spawnNanos) {
        this.kind = kind;
        this.port = port;
        this.process = process;
        this.log = log;
        this.spawnNanos = spawnNanos;
    }

    /** {@link System#nanoTime()} just before the process was created: "exec" for the start-up figures. */
    long spawnNanos() {
        return spawnNanos;
    }

    ServerKind kind() {
        return kind;
    }

    int port() {
        return port;
    }

    String url() {
        return "nats://127.0.0.1:" + port;
    }

    boolean alive() {
        return process.isAlive();
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    /** The server's resident set in bytes (its whole process tree). */
    long rssBytes() {
        return ProcFs.rssOfTreeBytes(process.toHandle());
    }

    /**
     * Waits until the server greets a new connection with INFO, polling every few milliseconds, or fails with the
     * tail of the server's output if it exits or does not answer in time.
     */
    void awaitReady(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(kind.label() + " exited with status " + process.exitValue() + " before accepting"
                        + " connections; last output:\n" + tail());
            }
            if (Probe.greets(port, Duration.ofSeconds(2))) {
                return;
            }
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
        throw new IOException(kind.label() + " did not accept a connection on port " + port + " within " + timeout
                + "; last output:\n" + tail());
    }

    /** Waits the settle time (so allocation after the last request has landed), then reads the resident set. */
    long settledRssBytes(Duration settle) {
        LockSupport.parkNanos(settle.toNanos());
        return rssBytes();
    }

    /** The last lines the server wrote, for error messages. */
    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "(no output in " + log + ")";
        }
    }

    /**
     * Stops the server with SIGTERM and waits up to {@code grace} for a clean exit (a JetStream server writes its
     * state on the way out); returns false when it had to be killed.
     */
    boolean stop(Duration grace) {
        return ChildProcesses.end(process.toHandle(), grace);
    }

    @Override
    public void close() {
        ChildProcesses.end(process.toHandle());
    }

    @Override
    public String toString() {
        return kind.label() + " pid " + process.pid() + " port " + port;
    }
}
