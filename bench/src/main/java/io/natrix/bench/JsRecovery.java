package io.natrix.bench;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.StreamInfo;

import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * JetStream recovery ({@code js-recovery}): how long a restarted server takes to serve a stream with a lot stored.
 * Each run starts a fresh server with JetStream on an empty temporary store directory, creates a file stream and
 * fills it with {@code --js-recovery-mb} MiB of 1 KiB messages (asynchronous publishes, {@code --js-inflight} in
 * flight), stops the server with SIGTERM (a clean shutdown: both servers write their index state then), and starts it
 * again on the same directory. Measured from just before the process is created: until a jnats client is connected
 * (INFO received: the server is up), and until {@code $JS.API.STREAM.INFO.<stream>} is answered with the stream and
 * every message in it (asked every millisecond; "no responders", errors and incomplete answers mean "not yet").
 *
 * <p>The stored data was just written, so the page cache is warm for both servers: this measures recovery work
 * (reading index or block files, rebuilding state), not the disk. The fill rate is reported too: it is sustained
 * asynchronous publishing of 1 KiB messages into a growing stream.
 */
final class JsRecovery implements BenchCase {
    static final int MESSAGE_BYTES = 1024;
    private static final String STREAM = "BENCH_RECOVERY";
    private static final long POLL_NANOS = Duration.ofMillis(1).toNanos();
    /** A clean shutdown of a server with a large store may take a while; after this it is killed (a failed run). */
    private static final Duration STOP_GRACE = Duration.ofSeconds(60);
    /** Filling 1 GiB on a busy machine can take minutes; the run timeout alone would be too short. */
    private static final Duration FILL_TIMEOUT_MIN = Duration.ofMinutes(10);

    private final int megabytes;
    private final int inFlight;

    JsRecovery(int megabytes, int inFlight) {
        this.megabytes = megabytes;
        this.inFlight = inFlight;
    }

    @Override
    public String title() {
        return "JetStream recovery, " + megabytes + " MiB stored (1 KiB messages)";
    }

    @Override
    public List<Metric> metrics() {
        return List.of(
                Metric.lower("connected", "exec → client connected", Metric.Unit.MILLIS),
                Metric.lower("info", "exec → STREAM.INFO answered", Metric.Unit.MILLIS),
                Metric.rate("fill", "fill: async publish msg/s", MESSAGE_BYTES));
    }

    @Override
    public boolean usesSharedServer() {
        return false;
    }

    @Override
    public boolean needsJetStream() {
        return true;
    }

    @Override
    public Sample run(Context context) throws Exception {
        BenchConfig config = context.config();
        long messages = Math.max(1, (long) megabytes * 1024 * 1024 / MESSAGE_BYTES);
        Path storeDir = JsSupport.newStoreDir(context.kind());
        try {
            double fillRate;
            try (ServerProcess first = context.launcher().start(context.kind(), storeDir)) {
                long filled = System.nanoTime();
                String failure = fill(first, config, messages);
                if (failure != null) {
                    return Sample.failed(failure);
                }
                fillRate = messages * 1e9 / (System.nanoTime() - filled);
                if (!first.stop(STOP_GRACE)) {
                    return Sample.failed("the server did not stop within " + STOP_GRACE.toSeconds()
                            + " s of SIGTERM and was killed");
                }
            }
            try (ServerProcess restarted = context.launcher().spawn(context.kind(), storeDir)) {
                return measureRestart(restarted, config, messages, fillRate);
            }
        } finally {
            JsSupport.deleteStoreDir(storeDir);
        }
    }

    /** Creates the stream and stores {@code messages}; returns why it could not, or null. */
    private String fill(ServerProcess server, BenchConfig config, long messages) throws Exception {
        JnatsSupport.ErrorLog errors = new JnatsSupport.ErrorLog();
        Connection connection = JnatsSupport.connect(server.url(), "js-recovery-fill", config, errors);
        try {
            JetStreamManagement jsm = connection.jetStreamManagement(JsSupport.options());
            JetStream js = connection.jetStream(JsSupport.options());
            JsSupport.createStream(jsm, STREAM, false);
            Duration timeout = Duration.ofMillis(config.runTimeoutMillis());
            long deadline = System.nanoTime() + (timeout.compareTo(FILL_TIMEOUT_MIN) > 0 ? timeout
                    : FILL_TIMEOUT_MIN).toNanos();
            JsSupport.fill(js, JsSupport.subjectOf(STREAM), JnatsSupport.payload(MESSAGE_BYTES), messages, inFlight,
                    deadline);
            long stored = jsm.getStreamInfo(STREAM).getStreamState().getMsgCount();
            if (stored != messages) {
                return "after filling, the stream holds " + stored + " of " + messages + " messages";
            }
            return errors.first();
        } finally {
            JnatsSupport.closeQuietly(connection);
        }
    }

    private Sample measureRestart(ServerProcess server, BenchConfig config, long messages, double fillRate)
            throws Exception {
        long begin = server.spawnNanos();
        long deadline = begin + Duration.ofMillis(config.startTimeoutMillis()).toNanos();
        // Wait for the port first: jnats would otherwise spend its connection timeout on a refused connect.
        Socket probe = null;
        while (probe == null) {
            if (System.nanoTime() - deadline > 0) {
                return Sample.failed("no connection accepted within " + config.startTimeoutMillis() + " ms");
            }
            if (!server.alive()) {
                return Sample.failed("the server exited while recovering:\n" + server.tail());
            }
            probe = Probe.tryConnect(server.port());
            if (probe == null) {
                LockSupport.parkNanos(POLL_NANOS);
            }
        }
        Probe.closeQuietly(probe);

        Options options = Options.builder()
                .server(server.url())
                .connectionName("js-recovery-probe")
                .noReconnect()
                .connectionTimeout(Duration.ofMillis(config.startTimeoutMillis()))
                .build();
        Connection connection = Nats.connect(options);
        try {
            long connected = System.nanoTime();
            String subject = "$JS.API.STREAM.INFO." + STREAM;
            String last = "no answer";
            while (System.nanoTime() - deadline < 0) {
                Message reply;
                try {
                    reply = connection.request(subject, null, Duration.ofSeconds(1));
                } catch (RuntimeException e) {
                    reply = null; // no responders yet: JetStream is not up
                    last = e.toString();
                }
                if (reply != null) {
                    StreamInfo info = new StreamInfo(reply);
                    if (!info.hasError() && info.getStreamState().getMsgCount() == messages) {
                        long answered = System.nanoTime();
                        return Sample.ok(Map.of(
                                "connected", (connected - begin) / 1e6,
                                "info", (answered - begin) / 1e6,
                                "fill", fillRate));
                    }
                    last = info.hasError() ? info.getError().toString()
                            : info.getStreamState().getMsgCount() + " of " + messages + " messages";
                }
                LockSupport.parkNanos(POLL_NANOS);
            }
            return Sample.failed("STREAM.INFO not answered completely within " + config.startTimeoutMillis()
                    + " ms; last: " + last);
        } finally {
            JnatsSupport.closeQuietly(connection);
        }
    }
}
