package io.natrix.server.jetstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A durable consumer keeps its word across SIGKILL: workers fetch and acknowledge with a confirmation (double ack)
 * while the server, a child process ({@link ChildServer}), is killed. After a restart on the same store no message
 * whose ack was confirmed is delivered again, and every message never acknowledged is delivered (again); one whose
 * ack went out just before the kill without a confirmation may be either.
 *
 * <p>The stream keeps its messages (limits retention), so only the consumer's own stored state can keep confirmed
 * messages from coming back. Runs under each of the store's sync policies ({@code sync_interval} default,
 * {@code group}, {@code always}): a confirmed ack is written before it is confirmed under all three.
 */
class ConsumerCrashTest {
    private static final int TOTAL = 3000;
    private static final int WORKERS = 3;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() {
        children.forEach(Process::destroyForcibly);
    }

    private static Connection connect(int port) throws Exception {
        return Nats.connect(new Options.Builder().server("nats://127.0.0.1:" + port).maxReconnects(0)
                .connectionTimeout(TIMEOUT).errorListener(new io.nats.client.ErrorListener() {
                }).build());
    }

    /** Stream sequences whose ack the server confirmed. */
    private final Set<Long> confirmed = ConcurrentHashMap.newKeySet();
    /**
     * Stream sequences acknowledged before the kill whose confirmation never came: the server may have recorded the
     * ack (then it never redelivers them) or not (then it does); either is right.
     */
    private final Set<Long> uncertain = ConcurrentHashMap.newKeySet();
    /** Sequences an ack was sent for. */
    private final Set<Long> attempted = ConcurrentHashMap.newKeySet();

    /** Whether every message is confirmed, or was acknowledged before the kill with the outcome unknown. */
    private boolean allSettled() {
        Set<Long> settled = new java.util.HashSet<>(confirmed);
        settled.addAll(uncertain);
        return settled.size() >= TOTAL;
    }

    /**
     * Runs workers until {@code stopAfter} messages are confirmed in all, or the server is gone; {@code victim} (when
     * not null) is killed as soon as {@code killAt} confirmations are in. Returns the sequences delivered.
     */
    private Set<Long> work(int port, int killAt, Process victim, int stopAfter) throws Exception {
        Set<Long> delivered = ConcurrentHashMap.newKeySet();
        AtomicBoolean killed = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        List<Connection> connections = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            Connection nc = connect(port);
            connections.add(nc);
            threads.add(Thread.ofPlatform().name("worker-" + w).start(() -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                try {
                    JetStreamSubscription sub = nc.jetStream().subscribe(null, PullSubscribeOptions.bind("JOBS", "w"));
                    while ((victim != null ? confirmed.size() < stopAfter : !allSettled()) && System.nanoTime() < deadline
                            && nc.getStatus() == Connection.Status.CONNECTED) {
                        List<Message> batch;
                        try {
                            batch = sub.fetch(25, Duration.ofSeconds(1));
                        } catch (RuntimeException e) {
                            continue; // a slow answer on a busy machine: fetch again
                        }
                        for (Message m : batch) {
                            long seq = m.metaData().streamSequence();
                            delivered.add(seq);
                            attempted.add(seq);
                            try {
                                m.ackSync(TIMEOUT); // throws when the server is gone: then it is not confirmed
                            } catch (java.util.concurrent.TimeoutException | RuntimeException e) {
                                continue; // not confirmed: it comes back after the ack wait
                            }
                            confirmed.add(seq);
                            if (victim != null && confirmed.size() >= killAt && killed.compareAndSet(false, true)) {
                                victim.destroyForcibly();
                            }
                        }
                    }
                } catch (Exception e) {
                    // the server was killed
                }
            }));
        }
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(120));
        }
        for (Connection nc : connections) {
            nc.close();
        }
        return delivered;
    }

    @ParameterizedTest(name = "sync_interval {0}")
    @ValueSource(strings = {"default", "group", "always"})
    void confirmedAcksAreNeverRedeliveredAndTheRestAreAfterSigkill(String policy) throws Exception {
        String sync = policy.equals("default") ? null : policy;
        Path store = dir.resolve("store");
        ChildServer.Child first = ChildServer.start(store, sync, children);
        try (Connection nc = connect(first.port())) {
            nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("JOBS").subjects("jobs")
                    .storageType(StorageType.File).build());
            for (int i = 0; i < TOTAL; i++) {
                nc.jetStream().publishAsync("jobs", new byte[16]);
            }
            nc.flush(TIMEOUT);
            nc.jetStreamManagement().addOrUpdateConsumer("JOBS", ConsumerConfiguration.builder().durable("w")
                    .ackPolicy(AckPolicy.Explicit).ackWait(Duration.ofSeconds(2)).maxAckPending(200).build());
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (nc.jetStreamManagement().getStreamInfo("JOBS").getStreamState().getMsgCount() < TOTAL) {
                assertThat(System.nanoTime()).as("all published").isLessThan(deadline);
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
        }
        work(first.port(), TOTAL / 2, first.process(), TOTAL);
        assertThat(first.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        Set<Long> beforeKill = Set.copyOf(confirmed);
        assertThat(beforeKill.size()).isBetween(TOTAL / 2, TOTAL - 1);
        uncertain.addAll(attempted);
        uncertain.removeAll(beforeKill);

        ChildServer.Child second = ChildServer.start(store, sync, children);
        Set<Long> after = work(second.port(), 0, null, TOTAL);
        second.process().destroyForcibly();

        Set<Long> again = new java.util.TreeSet<>(after);
        again.retainAll(beforeKill);
        assertThat(again).as("confirmed before the kill, delivered after it").isEmpty();
        Set<Long> missing = new java.util.TreeSet<>();
        for (long s = 1; s <= TOTAL; s++) {
            if (!confirmed.contains(s) && !uncertain.contains(s)) {
                missing.add(s);
            }
        }
        assertThat(missing).as("never acknowledged, and not delivered again after the restart").isEmpty();
    }
}
