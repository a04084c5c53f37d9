package io.natrix.server.jetstream;

import static io.natrix.server.jetstream.JsTests.bytes;
import static io.natrix.server.jetstream.JsTests.connect;
import static io.natrix.server.jetstream.JsTests.jetStreamServer;
import static org.assertj.core.api.Assertions.assertThat;

import io.natrix.server.TestServer;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.PublishOptions;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Optimistic concurrency under contention (the reliability plan's A9): many publishers, each on its own connection,
 * race with the same expectation at the same moment, round after round; exactly one of them wins each round, every
 * other one gets nats-server's error, and the stream holds exactly the winners' messages. Covered: {@code
 * Nats-Expected-Last-Sequence}, {@code Nats-Expected-Last-Subject-Sequence}, a {@code Nats-Msg-Id} published by all
 * at once, and the key-value operations built on them (create and update at a revision).
 *
 * <p>The racers start each round together ({@link CyclicBarrier}); the server reads each connection on an event-loop
 * thread, so the publishes of one round are checked against the stream concurrently, not one connection at a time.
 */
class OptimisticConcurrencyTest {
    private static final int RACERS = 16;
    private static final int ROUNDS = 50;
    /** nats-server's JSStreamWrongLastSequenceErrF: the expectation did not hold. */
    private static final int WRONG_LAST_SEQUENCE = 10071;

    @TempDir
    Path dir;

    private TestServer server;
    private final List<Connection> connections = new ArrayList<>();
    private ExecutorService pool;

    @BeforeEach
    void start() throws Exception {
        server = jetStreamServer(dir);
        for (int i = 0; i < RACERS; i++) {
            connections.add(connect(server));
        }
        pool = Executors.newFixedThreadPool(RACERS);
        connections.get(0).jetStreamManagement().addStream(StreamConfiguration.builder().name("OCC")
                .subjects("occ.>").storageType(StorageType.File).build());
    }

    @AfterEach
    void stop() throws Exception {
        pool.shutdownNow();
        for (Connection nc : connections) {
            nc.close();
        }
        server.close();
    }

    /** What one racer did in one round: won (the ack's sequence) or lost with an API error code. */
    private record Outcome(long seq, int error) {
        boolean won() {
            return error == 0;
        }
    }

    /** One racer's attempt; returns its ack, or throws the API error that refused it. */
    @FunctionalInterface
    private interface Attempt {
        long run(int racer, Connection nc) throws Exception;
    }

    /** Runs one round: every racer attempts at once; returns the outcomes in racer order. */
    private List<Outcome> race(Attempt attempt) throws Exception {
        CyclicBarrier together = new CyclicBarrier(RACERS);
        List<Future<Outcome>> futures = new ArrayList<>();
        for (int r = 0; r < RACERS; r++) {
            int racer = r;
            Connection nc = connections.get(r);
            Callable<Outcome> task = () -> {
                together.await(10, TimeUnit.SECONDS);
                try {
                    return new Outcome(attempt.run(racer, nc), 0);
                } catch (JetStreamApiException e) {
                    return new Outcome(0, e.getApiErrorCode());
                }
            };
            futures.add(pool.submit(task));
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (Future<Outcome> f : futures) {
            outcomes.add(f.get(30, TimeUnit.SECONDS));
        }
        return outcomes;
    }

    private static void assertOneWinner(List<Outcome> outcomes, long expectedSeq, int round) {
        List<Outcome> winners = outcomes.stream().filter(Outcome::won).toList();
        assertThat(winners).as("round %d: winners", round).hasSize(1);
        assertThat(winners.get(0).seq()).as("round %d: the winner's sequence", round).isEqualTo(expectedSeq);
        assertThat(outcomes.stream().filter(o -> !o.won()).map(Outcome::error))
                .as("round %d: every loser is told its expectation failed", round)
                .hasSize(RACERS - 1).containsOnly(WRONG_LAST_SEQUENCE);
    }

    @Test
    void expectedLastSequenceLetsExactlyOnePublisherWinEachRound() throws Exception {
        for (int round = 1; round <= ROUNDS; round++) {
            long last = round - 1;
            int r = round;
            List<Outcome> outcomes = race((racer, nc) -> nc.jetStream().publish("occ.seq", bytes(r + ":" + racer),
                    PublishOptions.builder().expectedLastSequence(last).build()).getSeqno());
            assertOneWinner(outcomes, round, round);
        }
        assertThat(connections.get(0).jetStreamManagement().getStreamInfo("OCC").getStreamState().getMsgCount())
                .isEqualTo(ROUNDS);
        // The stream is the winners' log and nothing else: one message per round, in round order.
        for (long seq = 1; seq <= ROUNDS; seq++) {
            String data = new String(connections.get(0).jetStreamManagement().getMessage("OCC", seq).getData());
            assertThat(data).startsWith(seq + ":");
        }
    }

    @Test
    void expectedLastSubjectSequenceIsDecidedPerSubjectUnderContention() throws Exception {
        // Two subjects interleaved: a racer expects the last sequence of its own subject, which another subject's
        // messages move away from the stream's last sequence.
        long[] lastOf = new long[2];
        long streamSeq = 0;
        for (int round = 1; round <= ROUNDS; round++) {
            int subject = round % 2;
            long expected = lastOf[subject];
            int r = round;
            List<Outcome> outcomes = race((racer, nc) -> nc.jetStream().publish("occ.subj." + subject,
                    bytes(r + ":" + racer), PublishOptions.builder().expectedLastSubjectSequence(expected).build())
                    .getSeqno());
            streamSeq++;
            assertOneWinner(outcomes, streamSeq, round);
            lastOf[subject] = streamSeq;
        }
    }

    @Test
    void oneMessageIdPublishedByEveryoneAtOnceIsStoredOnce() throws Exception {
        for (int round = 1; round <= ROUNDS; round++) {
            String id = "id-" + round;
            List<PublishAck> acks = new ArrayList<>();
            List<Outcome> outcomes = race((racer, nc) -> {
                PublishAck ack = nc.jetStream().publish("occ.dedupe", bytes(id),
                        PublishOptions.builder().messageId(id).build());
                synchronized (acks) {
                    acks.add(ack);
                }
                return ack.getSeqno();
            });
            assertThat(outcomes).allMatch(Outcome::won);
            // Everyone is told the one sequence it was stored at; all but the first are told it was a duplicate.
            assertThat(acks).extracting(PublishAck::getSeqno).containsOnly((long) round);
            assertThat(acks.stream().filter(a -> !a.isDuplicate())).as("round %d: stored once", round).hasSize(1);
        }
        assertThat(connections.get(0).jetStreamManagement().getStreamInfo("OCC").getStreamState().getMsgCount())
                .isEqualTo(ROUNDS);
    }

    @Test
    void keyValueCreateAndUpdateAtARevisionHaveOneWinnerEach() throws Exception {
        connections.get(0).keyValueManagement().create(KeyValueConfiguration.builder().name("OCC_KV")
                .storageType(StorageType.File).maxHistoryPerKey(1).build());
        for (int round = 1; round <= ROUNDS; round++) {
            String key = "k" + round;
            List<Outcome> created = race((racer, nc) -> nc.keyValue("OCC_KV").create(key, bytes("c" + racer)));
            List<Outcome> winners = created.stream().filter(Outcome::won).toList();
            assertThat(winners).as("round %d: creators that won", round).hasSize(1);
            assertThat(created.stream().filter(o -> !o.won()).map(Outcome::error)).hasSize(RACERS - 1)
                    .containsOnly(WRONG_LAST_SEQUENCE);

            long revision = winners.get(0).seq();
            List<Outcome> updated = race((racer, nc) -> nc.keyValue("OCC_KV").update(key, bytes("u" + racer),
                    revision));
            assertThat(updated.stream().filter(Outcome::won)).as("round %d: updaters that won", round).hasSize(1);
            assertThat(updated.stream().filter(o -> !o.won()).map(Outcome::error)).hasSize(RACERS - 1)
                    .containsOnly(WRONG_LAST_SEQUENCE);
        }
        KeyValue kv = connections.get(0).keyValue("OCC_KV");
        assertThat(kv.keys()).hasSize(ROUNDS);
        for (int round = 1; round <= ROUNDS; round++) {
            assertThat(new String(kv.get("k" + round).getValue())).startsWith("u");
        }
    }
}
