package io.natrix.bench;

import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongFunction;

/**
 * What every JetStream case shares: a fresh file stream per run (a unique name and subject, deleted afterwards so the
 * store directory does not grow from run to run), the JetStream options (the same for both servers), filling a stream
 * with asynchronous publishes, the server's CPU time over just the measured interval, and the temporary store
 * directories the servers are started with. Stateless and thread-safe.
 */
final class JsSupport {
    /** How long jnats waits for an API answer or a publish acknowledgement before calling it lost. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private JsSupport() {
    }

    static JetStreamOptions options() {
        return JetStreamOptions.builder().requestTimeout(REQUEST_TIMEOUT).build();
    }

    /** A stream name no other run uses: {@code BENCH_<scenario>_<hex>}; its subject is {@link #subjectOf}. */
    static String uniqueStream(String scenario) {
        return ("BENCH_" + scenario + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong()))
                .toUpperCase(Locale.ROOT).replace('-', '_');
    }

    static String subjectOf(String stream) {
        return "bench.js." + stream.toLowerCase(Locale.ROOT);
    }

    /** Creates a file stream on {@link #subjectOf} its name, with the servers' defaults otherwise. */
    static void createStream(JetStreamManagement jsm, String stream, boolean allowDirect)
            throws IOException, JetStreamApiException {
        jsm.addStream(StreamConfiguration.builder()
                .name(stream)
                .subjects(subjectOf(stream))
                .storageType(StorageType.File)
                .allowDirect(allowDirect)
                .build());
    }

    /** Deletes a stream after a run; a failure here cannot change the run's figures, so it is only reported. */
    static void deleteQuietly(JetStreamManagement jsm, String stream) {
        try {
            jsm.deleteStream(stream);
        } catch (IOException | JetStreamApiException e) {
            System.out.println("  (could not delete stream " + stream + ": " + e.getMessage() + ")");
        }
    }

    /**
     * Publishes {@code count} messages asynchronously with at most {@code inFlight} unacknowledged, and waits for the
     * last acknowledgement. Throws when an acknowledgement is an error, does not come, or {@code deadlineNanos}
     * ({@link System#nanoTime()}) passes.
     */
    static void fill(JetStream js, String subject, byte[] payload, long count, int inFlight, long deadlineNanos)
            throws IOException, InterruptedException {
        fill(js, i -> subject, payload, count, inFlight, deadlineNanos);
    }

    /**
     * {@link #fill(JetStream, String, byte[], long, int, long)} with the {@code i}-th message (from 0) published to
     * {@code subjects.apply(i)}: a key-value bucket filled with distinct keys.
     */
    static void fill(JetStream js, LongFunction<String> subjects, byte[] payload, long count, int inFlight,
                     long deadlineNanos) throws IOException, InterruptedException {
        ArrayDeque<CompletableFuture<PublishAck>> pending = new ArrayDeque<>(inFlight);
        for (long sent = 0; sent < count; sent++) {
            if (pending.size() >= inFlight) {
                awaitAck(pending.poll(), deadlineNanos);
            }
            pending.add(js.publishAsync(subjects.apply(sent), payload));
        }
        while (!pending.isEmpty()) {
            awaitAck(pending.poll(), deadlineNanos);
        }
    }

    /** Waits for one acknowledgement until {@code deadlineNanos}; an error or a timeout is thrown as IOException. */
    static PublishAck awaitAck(CompletableFuture<PublishAck> ack, long deadlineNanos)
            throws IOException, InterruptedException {
        try {
            return ack.get(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IOException("publish not acknowledged: " + cause, cause);
        } catch (TimeoutException e) {
            throw new IOException("timed out waiting for a publish acknowledgement");
        }
    }

    /**
     * The server's CPU time per operation over a measured interval, and how busy its CPU was, under the keys the
     * driver prints ({@link Metric#SERVER_CPU}, {@link Metric#SERVER_BUSY}). The driver's own accounting covers the
     * whole run, stream creation and deletion included; this keeps only the interval that is measured.
     */
    static Map<String, Double> serverCpu(long cpuNanos, long operations, long elapsedNanos) {
        Map<String, Double> values = new HashMap<>();
        if (cpuNanos >= 0 && operations > 0) {
            values.put(Metric.SERVER_CPU, cpuNanos / 1e3 / operations);
        }
        if (cpuNanos >= 0 && elapsedNanos > 0) {
            values.put(Metric.SERVER_BUSY, Math.min(1.0, cpuNanos / (double) elapsedNanos));
        }
        return values;
    }

    /** A fresh, empty store directory for one server: {@code <tmp>/natrix-bench-js-<kind>-<random>}. */
    static Path newStoreDir(ServerKind kind) throws IOException {
        return Files.createTempDirectory("natrix-bench-js-" + kind.name().toLowerCase(Locale.ROOT) + "-");
    }

    /** Deletes a store directory and everything in it; a directory that is already gone is fine. */
    static void deleteStoreDir(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    if (e != null) {
                        throw e;
                    }
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the store directory " + dir, e);
        }
    }
}
