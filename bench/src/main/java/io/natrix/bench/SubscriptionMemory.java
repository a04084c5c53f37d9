package io.natrix.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Many subscriptions: one raw protocol connection to a fresh server sends {@code --subscriptions} SUB lines on
 * distinct literal subjects ({@code bench.subs.<n>}) followed by PING. Reports the time until PONG (the server has
 * processed every SUB) and the growth of the server's resident set from before the first SUB.
 */
final class SubscriptionMemory implements BenchCase {
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(60);
    private static final int CHUNK_BYTES = 64 * 1024;

    private final int subscriptions;

    SubscriptionMemory(int subscriptions) {
        this.subscriptions = subscriptions;
    }

    @Override
    public String title() {
        return subscriptions + " subscriptions";
    }

    @Override
    public List<Metric> metrics() {
        return List.of(
                Metric.lower("time", "time to subscribe all", Metric.Unit.MILLIS),
                Metric.lower("delta", "server RSS growth", Metric.Unit.MEGABYTES));
    }

    @Override
    public boolean usesSharedServer() {
        return false;
    }

    @Override
    public Sample run(Context context) throws Exception {
        Duration settle = Duration.ofMillis(context.config().settleMillis());
        try (ServerProcess server = context.launcher().start(context.kind());
                RawNatsClient client = RawNatsClient.open(server.port(), CLIENT_TIMEOUT)) {
            long before = server.settledRssBytes(settle);
            long start = System.nanoTime();
            ByteArrayOutputStream chunk = new ByteArrayOutputStream(CHUNK_BYTES + 64);
            for (int i = 0; i < subscriptions; i++) {
                chunk.writeBytes(("SUB bench.subs." + i + " " + (i + 1) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                if (chunk.size() >= CHUNK_BYTES) {
                    client.write(chunk.toByteArray());
                    chunk.reset();
                }
            }
            client.write(chunk.toByteArray());
            client.ping();
            long elapsed = System.nanoTime() - start;
            long after = server.settledRssBytes(settle);
            if (!server.alive()) {
                return Sample.failed("the server exited");
            }
            return Sample.ok(Map.of("time", elapsed / 1e6, "delta", (after - before) / 1e6));
        }
    }
}
