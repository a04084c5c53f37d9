package io.natrix.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Many concurrent connections: {@code --connections} raw protocol clients (see {@link RawNatsClient}) connect at once
 * from virtual threads to a fresh server; each reads INFO, sends CONNECT and PING, and counts once the PONG arrives.
 * Reports the time until every client had its PONG, and the server's resident set while they are all connected
 * (and its growth over the idle figure).
 */
final class ConnectionStorm implements BenchCase {
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);

    private final int connections;

    ConnectionStorm(int connections) {
        this.connections = connections;
    }

    @Override
    public String title() {
        return connections + " concurrent connections";
    }

    @Override
    public List<Metric> metrics() {
        return List.of(
                Metric.lower("connect", "time to connect all", Metric.Unit.MILLIS),
                Metric.lower("rss", "server RSS, all connected", Metric.Unit.MEGABYTES),
                Metric.lower("delta", "RSS growth over idle", Metric.Unit.MEGABYTES));
    }

    @Override
    public boolean usesSharedServer() {
        return false;
    }

    @Override
    public Sample run(Context context) throws Exception {
        Duration settle = Duration.ofMillis(context.config().settleMillis());
        List<RawNatsClient> clients = new ArrayList<>(connections);
        try (ServerProcess server = context.launcher().start(context.kind());
                ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            long idle = server.settledRssBytes(settle);
            int port = server.port();
            long start = System.nanoTime();
            List<Future<RawNatsClient>> pending = new ArrayList<>(connections);
            for (int i = 0; i < connections; i++) {
                pending.add(executor.submit(() -> RawNatsClient.open(port, CLIENT_TIMEOUT)));
            }
            int failed = 0;
            String firstFailure = null;
            for (Future<RawNatsClient> future : pending) {
                try {
                    clients.add(future.get(CLIENT_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS));
                } catch (ExecutionException | TimeoutException e) {
                    failed++;
                    if (firstFailure == null) {
                        firstFailure = String.valueOf(e.getCause() != null ? e.getCause() : e);
                    }
                }
            }
            long elapsed = System.nanoTime() - start;
            long rss = server.settledRssBytes(settle);
            Map<String, Double> values = Map.of(
                    "connect", elapsed / 1e6, "rss", rss / 1e6, "delta", (rss - idle) / 1e6);
            if (failed > 0) {
                return Sample.failed(failed + " of " + connections + " connections failed, first: " + firstFailure,
                        values);
            }
            return Sample.ok(values);
        } finally {
            clients.forEach(RawNatsClient::close);
        }
    }
}
