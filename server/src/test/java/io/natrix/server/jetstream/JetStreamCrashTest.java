package io.natrix.server.jetstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.natrix.server.TestServer;
import io.natrix.server.store.FileStore;
import io.natrix.server.store.StoreLimits;
import io.natrix.server.store.StoredMessage;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JetStream server killed with SIGKILL in the middle of a publishing storm loses no acknowledged message.
 *
 * <p>The server runs in a child JVM ({@link ChildServer}) under each durability policy: the default (nats-server's
 * two-minute sync interval), {@code group} and {@code always} (see {@link JetStreamConfig}). Eight jnats publishers
 * send 100,000 messages in total to a file stream with asynchronous acked publishes (a window of outstanding acks
 * each). Once half are acknowledged the child is killed ({@link Process#destroyForcibly}); a new child on the same
 * store takes the rest, and is killed too when they are acknowledged. A third server must load the stream from that
 * store, and the store must hold every acknowledged message at the sequence its ack named, with its payload, each
 * publisher's messages in the order they were sent (read through the store directly: 100,000 API round trips would take
 * longer than the rest of the test).
 *
 * <p>What "acknowledged" guarantees: with any {@code sync_interval} the ack is sent after the message is written to
 * the operating system (the page cache), so it survives the death of the process — which is what this test checks.
 * With {@code group} or {@code always} it is sent after an fsync too, so it also survives the loss of the machine's
 * power (checked at the store level by {@code FileStoreSyncWritesTest}); with a duration (the default, as
 * nats-server's), a power loss may take what came after the last timed fsync.
 */
class JetStreamCrashTest {
    private static final int PUBLISHERS = 8;
    private static final int TOTAL = 100_000;
    private static final int PER_PUBLISHER = TOTAL / PUBLISHERS;
    private static final int WINDOW = 256;
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() {
        children.forEach(Process::destroyForcibly);
    }

    private ChildServer.Child startChild(String sync) throws Exception {
        return ChildServer.start(dir.resolve("store"), sync, children);
    }

    private static Connection connect(int port) throws Exception {
        // An ack slower than jnats' default 5 s on a saturated CI machine is not what this test is about: wait as
        // long as the rest of the test does, and report any publish that still fails (see failures).
        return Nats.connect(new Options.Builder().server("nats://127.0.0.1:" + port).maxReconnects(0)
                .connectionTimeout(TIMEOUT).requestCleanupInterval(TIMEOUT)
                .errorListener(new io.nats.client.ErrorListener() {
                }).build());
    }

    private static byte[] payload(int publisher, int i) {
        return (publisher + ":" + i + ":" + "x".repeat(i % 97)).getBytes(StandardCharsets.UTF_8);
    }

    /** Acknowledged sequences, per publisher and message index (0: not acknowledged). */
    private final AtomicLongArray[] acked = new AtomicLongArray[PUBLISHERS];
    private final AtomicLong ackCount = new AtomicLong();
    /** Why publishes of the running phase went unacknowledged, for the failure message. */
    private final java.util.Queue<String> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /**
     * Publishes each publisher's messages from its first unacknowledged one until they are all acknowledged or the
     * server dies; kills {@code victim} (when not null) as soon as {@code killAt} acks in total are in. Returns once
     * every outstanding publish has completed.
     */
    private void publish(int port, long killAt, Process victim) throws Exception {
        List<Thread> threads = new ArrayList<>();
        List<Connection> connections = new ArrayList<>();
        for (int p = 0; p < PUBLISHERS; p++) {
            int publisher = p;
            Connection nc = connect(port);
            connections.add(nc);
            Thread t = Thread.ofPlatform().name("publisher-" + p).start(() -> {
                JetStream js;
                try {
                    js = nc.jetStream();
                } catch (Exception e) {
                    return;
                }
                Semaphore window = new Semaphore(WINDOW);
                int start = 0;
                while (start < PER_PUBLISHER && acked[publisher].get(start) != 0) {
                    start++;
                }
                for (int i = start; i < PER_PUBLISHER; i++) {
                    try {
                        if (!acquire(window, 1, nc)) {
                            failures.add("publisher " + publisher + " message " + i + ": no ack window within "
                                    + TIMEOUT.toSeconds() + " s, connection " + nc.getStatus());
                            break;
                        }
                        int index = i;
                        CompletableFuture<PublishAck> f = js.publishAsync("crash." + publisher,
                                payload(publisher, i));
                        f.whenComplete((ack, error) -> {
                            if (error == null && !ack.hasError()) {
                                acked[publisher].set(index, ack.getSeqno());
                                if (ackCount.incrementAndGet() == killAt && victim != null) {
                                    victim.destroyForcibly();
                                }
                            } else {
                                failures.add("publisher " + publisher + " message " + index + ": "
                                        + (error != null ? error : ack.getError()));
                            }
                            // Last: once the publisher holds the whole window again, every ack is counted.
                            window.release();
                        });
                    } catch (Exception e) {
                        failures.add("publisher " + publisher + " message " + i + ": " + e);
                        break; // the server is gone
                    }
                }
                // Every outstanding publish is acknowledged, or the connection is gone and no ack can come any more
                // (jnats leaves those futures to time out, which need not be waited for).
                try {
                    acquire(window, WINDOW, nc);
                    nc.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join(TIMEOUT.toMillis() * 3);
            if (t.isAlive()) {
                failures.add(t.getName() + " still running after " + TIMEOUT.toSeconds() * 3 + " s");
            }
        }
        for (Connection nc : connections) {
            nc.close();
        }
    }

    /**
     * Takes {@code permits} of the ack window; false when they were not free within {@link #TIMEOUT} or the
     * connection closed (jnats fails the outstanding futures only when the connection is closed by the caller).
     */
    private static boolean acquire(Semaphore window, int permits, Connection nc) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!window.tryAcquire(permits, 50, TimeUnit.MILLISECONDS)) {
            if (System.nanoTime() > deadline || nc.getStatus() == Connection.Status.CLOSED) {
                return false;
            }
        }
        return true;
    }

    @ParameterizedTest(name = "sync_interval {0}")
    @ValueSource(strings = {"default", "group", "always"})
    void sigkillDuringAckedPublishingLosesNoAcknowledgedMessage(String policy) throws Exception {
        String sync = policy.equals("default") ? null : policy;
        for (int p = 0; p < PUBLISHERS; p++) {
            acked[p] = new AtomicLongArray(PER_PUBLISHER);
        }
        ChildServer.Child first = startChild(sync);
        try (Connection nc = connect(first.port())) {
            nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("CRASH").subjects("crash.>")
                    .storageType(StorageType.File).build());
        }
        // Kill the first server with publishes in flight, once half are acknowledged.
        long started = System.nanoTime();
        publish(first.port(), TOTAL / 2, first.process());
        assertThat(first.process().waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        long afterFirstKill = ackCount.get();
        assertThat(afterFirstKill).isBetween((long) TOTAL / 2, (long) TOTAL - 1);
        for (int p = 0; p < PUBLISHERS; p++) {
            // One connection's publishes are stored and acknowledged in order: the acknowledged ones are a prefix.
            int i = 0;
            while (i < PER_PUBLISHER && acked[p].get(i) != 0) {
                i++;
            }
            for (int j = i; j < PER_PUBLISHER; j++) {
                assertThat(acked[p].get(j)).as("publisher %d: %d acknowledged after %d was not", p, j, i).isZero();
            }
        }

        long firstPhase = System.nanoTime();
        // A second server on the same store takes the rest and is killed as well.
        ChildServer.Child second = startChild(sync);
        failures.clear();
        publish(second.port(), 0, null);
        long secondPhase = System.nanoTime();
        assertThat(ackCount.get()).as("every publish acknowledged by the second server; failed: %s; unacknowledged: %s",
                failures.stream().limit(10).toList(), unacknowledged()).isEqualTo(TOTAL);
        second.process().destroyForcibly();
        assertThat(second.process().waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        // A third server loads the stream; its store holds every acknowledged message where its ack said.
        try (TestServer server = TestServer.start(b -> {
            b.jetstream = true;
            b.storeDir = dir.resolve("store");
        }); Connection nc = connect(server.port())) {
            StreamInfo info = nc.jetStreamManagement().getStreamInfo("CRASH");
            assertThat(info.getStreamState().getMsgCount()).isGreaterThanOrEqualTo(TOTAL);
        }
        long loaded = System.nanoTime();
        verify(dir.resolve("store").resolve("jetstream").resolve("$G").resolve("streams").resolve("CRASH"));
        System.out.printf("JetStreamCrashTest (%s): %d of %d acknowledged before the first kill; phases %.1f s,"
                + " %.1f s, third start %.1f s, verification %.1f s%n", policy, afterFirstKill, TOTAL,
                (firstPhase - started) / 1e9, (secondPhase - firstPhase) / 1e9, (loaded - secondPhase) / 1e9,
                (System.nanoTime() - loaded) / 1e9);
    }

    /** The first few messages without an ack, as publisher:index. */
    private List<String> unacknowledged() {
        List<String> missing = new ArrayList<>();
        for (int p = 0; p < PUBLISHERS; p++) {
            for (int i = 0; i < PER_PUBLISHER && missing.size() < 10; i++) {
                if (acked[p].get(i) == 0) {
                    missing.add(p + ":" + i);
                }
            }
        }
        return missing;
    }

    /** Reads the stream's store (as the third server opened it) and checks it against the acks. */
    private void verify(Path streamDir) throws Exception {
        try (FileStore store = FileStore.open(FileStore.Config.of(streamDir), StoreLimits.NONE, 0)) {
            assertThat(store.state().lost()).as("nothing damaged").isNull();
            for (int p = 0; p < PUBLISHERS; p++) {
                long previous = 0;
                for (int i = 0; i < PER_PUBLISHER; i++) {
                    // Plain checks: 100,000 messages, so no assertion objects unless one fails.
                    long s = acked[p].get(i);
                    String where = "publisher " + p + " message " + i + " acknowledged at " + s;
                    if (s <= previous) {
                        fail(where + ": not acknowledged, or not after its predecessor at " + previous);
                    }
                    StoredMessage m = store.load(s);
                    if (m == null || !m.subject().equals("crash." + p) || !Arrays.equals(m.payload(), payload(p, i))) {
                        fail(where + ": the store holds " + (m == null ? "nothing" : m.subject() + " "
                                + new String(m.payload(), StandardCharsets.UTF_8)));
                    }
                    previous = s;
                }
            }
        }
    }
}
