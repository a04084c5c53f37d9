package io.natrix.bench;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Connection churn: every {@code churnPeriodMillis} a short-lived client connects, lives about one and a half
 * periods, and leaves. The clients take turns at three ways of leaving:
 * <ol>
 *   <li>a jnats client subscribes to the fan-out subject, sends one request to the echo service when that part runs,
 *       and closes cleanly;</li>
 *   <li>a raw client subscribes to the fan-out subject, never reads what arrives, and drops the connection with a
 *       TCP reset while messages are still flowing to it;</li>
 *   <li>a raw client starts a PUB, sends part of its payload and drops the connection with a reset in the middle of
 *       the message.</li>
 * </ol>
 * Each client lives on a virtual thread of its own; the server must end up with none of their connections,
 * subscriptions or buffers.
 */
final class SoakChurn implements SoakPart {
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(30);

    private final SoakConfig config;
    private final String url;
    private final int port;
    private final SoakStats stats;
    private final Set<Thread> clients = ConcurrentHashMap.newKeySet();
    private final AtomicLong started = new AtomicLong();
    private SoakLoop spawner;

    SoakChurn(SoakConfig config, String url, int port, SoakStats stats) {
        this.config = config;
        this.url = url;
        this.port = port;
        this.stats = stats;
    }

    @Override
    public String name() {
        return "churn";
    }

    @Override
    public void start() {
        spawner = SoakLoop.start(name(), "churn", 1000.0 / config.churnPeriodMillis(), () -> {
            long n = started.getAndIncrement();
            Thread client = Thread.ofVirtual().name("soak-churn-" + n).unstarted(() -> {
                try {
                    switch ((int) (n % 3)) {
                        case 0 -> cleanClient(n);
                        case 1 -> abruptSubscriber();
                        default -> abruptPublisher();
                    }
                    stats.operations(name(), 1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Exception e) {
                    stats.error(name(), e);
                } finally {
                    clients.remove(Thread.currentThread());
                }
            });
            clients.add(client);
            client.start();
        }, stats);
    }

    private Duration lifetime() {
        return Duration.ofMillis(config.churnPeriodMillis() * 3 / 2);
    }

    private void cleanClient(long n) throws Exception {
        Connection connection = SoakConnections.connect(url, name(), "churn-" + n, stats);
        try {
            Dispatcher dispatcher = connection.createDispatcher(message -> { });
            dispatcher.subscribe(SoakFanOut.SUBJECT);
            if (config.runs("reqrep")
                    && connection.request(SoakRequestReply.SUBJECT, new byte[8], CLIENT_TIMEOUT) == null) {
                stats.error(name(), "a churning client's request timed out");
            }
            connection.flush(CLIENT_TIMEOUT);
            Thread.sleep(lifetime());
        } finally {
            SoakConnections.closeQuietly(connection);
        }
    }

    private void abruptSubscriber() throws Exception {
        RawNatsClient client = RawNatsClient.open(port, CLIENT_TIMEOUT);
        try {
            client.write(("SUB " + SoakFanOut.SUBJECT + " 1\r\n").getBytes(StandardCharsets.US_ASCII));
            client.ping();
            Thread.sleep(lifetime());
        } finally {
            client.abort();
        }
    }

    private void abruptPublisher() throws Exception {
        RawNatsClient client = RawNatsClient.open(port, CLIENT_TIMEOUT);
        try {
            Thread.sleep(lifetime().dividedBy(2));
            client.write("PUB soak.churn.partial 1000\r\n".getBytes(StandardCharsets.US_ASCII));
            client.write(JnatsSupport.payload(300));
            Thread.sleep(lifetime().dividedBy(2));
        } finally {
            client.abort();
        }
    }

    @Override
    public void stop() {
        if (spawner != null) {
            spawner.stop();
        }
        long deadline = System.nanoTime() + JOIN_TIMEOUT.toNanos();
        for (Thread client : Set.copyOf(clients)) {
            try {
                if (!client.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
                    client.interrupt();
                    stats.error(name(), "a churning client did not finish in time");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
