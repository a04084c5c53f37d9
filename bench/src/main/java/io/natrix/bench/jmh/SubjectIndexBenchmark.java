package io.natrix.bench.jmh;

import io.natrix.server.subject.LookupKey;
import io.natrix.server.subject.MatchResult;
import io.natrix.server.subject.SubjectIndex;
import io.natrix.server.subject.Subscription;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The subscription index on the publish path and under churn. The index holds {@code subscriptions} literal
 * {@code svc.<n>.rpc} subscriptions (every 50th in a queue group), plus two wildcard monitors, {@code svc.*.rpc} and
 * {@code svc.>}, so every lookup walks literal, {@code *} and {@code >} branches and returns three or four entries.
 *
 * <ul>
 *   <li>{@code matchCached}: a publisher's lookup by the bytes in its input buffer, answered by the match cache (the
 *       steady state of a busy subject).</li>
 *   <li>{@code matchUncached}: the same lookups with the cache off, so every call walks the trie.</li>
 *   <li>{@code subscribeUnsubscribe}: insert and remove one subscription (what connection churn costs, including
 *       cache invalidation).</li>
 * </ul>
 *
 * <p>Run: {@code taskset -c 1 java -cp bench/target/natrix-bench.jar org.openjdk.jmh.Main SubjectIndexBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SubjectIndexBenchmark {
    private static final int LOOKUP_SUBJECTS = 1024;
    /** Distinct ack subjects cycled through by {@link #matchAckSubjects}: more than the cache and its filter hold. */
    private static final int ACK_SUBJECTS = 1 << 16;

    @Param({"100", "10000"})
    public int subscriptions;

    private SubjectIndex cached;
    private SubjectIndex uncached;
    private byte[] subjects;
    private int[] offsets;
    private int[] lengths;
    private final LookupKey key = new LookupKey();
    private int next;
    private int churn;
    private byte[] acks;
    private int[] ackOffsets;
    private int[] ackLengths;
    private int nextAck;

    /** The index only needs subject and queue; a benchmark subscription carries nothing else. */
    static final class BenchSubscription extends Subscription {
        BenchSubscription(String subject, String queue) {
            super(subject, queue);
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        cached = new SubjectIndex(true);
        uncached = new SubjectIndex(false);
        for (int i = 0; i < subscriptions; i++) {
            String subject = "svc." + i + ".rpc";
            String queue = i % 50 == 0 ? "workers" : null;
            cached.insert(new BenchSubscription(subject, queue));
            uncached.insert(new BenchSubscription(subject, queue));
        }
        for (String monitor : new String[] {"svc.*.rpc", "svc.>"}) {
            cached.insert(new BenchSubscription(monitor, null));
            uncached.insert(new BenchSubscription(monitor, null));
        }
        // Publish subjects laid out in one array, as a connection's input buffer would hold them.
        SplittableRandom random = new SplittableRandom(42);
        java.io.ByteArrayOutputStream laidOut = new java.io.ByteArrayOutputStream(LOOKUP_SUBJECTS * 24);
        offsets = new int[LOOKUP_SUBJECTS];
        lengths = new int[LOOKUP_SUBJECTS];
        for (int i = 0; i < LOOKUP_SUBJECTS; i++) {
            byte[] subject = ("svc." + random.nextInt(subscriptions) + ".rpc").getBytes(StandardCharsets.US_ASCII);
            offsets[i] = laidOut.size();
            lengths[i] = subject.length;
            laidOut.writeBytes(subject);
        }
        subjects = laidOut.toByteArray();
        for (int pass = 0; pass < 2; pass++) { // the cache admits a subject on its second miss
            for (int i = 0; i < LOOKUP_SUBJECTS; i++) {
                cached.match(subjects, offsets[i], lengths[i], key);
            }
        }
        // JetStream's ack subjects: each one seen once, matched by the server's $JS.ACK.> subscription.
        cached.insert(new BenchSubscription("$JS.ACK.>", null));
        java.io.ByteArrayOutputStream ackSubjects = new java.io.ByteArrayOutputStream(ACK_SUBJECTS * 48);
        ackOffsets = new int[ACK_SUBJECTS];
        ackLengths = new int[ACK_SUBJECTS];
        for (int i = 0; i < ACK_SUBJECTS; i++) {
            byte[] subject = ("$JS.ACK.ORDERS.worker.1." + (1000 + i) + "." + (1000 + i) + ".1764170000000000000."
                    + (ACK_SUBJECTS - i)).getBytes(StandardCharsets.US_ASCII);
            ackOffsets[i] = ackSubjects.size();
            ackLengths[i] = subject.length;
            ackSubjects.writeBytes(subject);
        }
        acks = ackSubjects.toByteArray();
    }

    @Benchmark
    public MatchResult matchCached() {
        int i = next++ & (LOOKUP_SUBJECTS - 1);
        return cached.match(subjects, offsets[i], lengths[i], key);
    }

    /** A subject seen once (an ack), with the cache on: what every acknowledged JetStream message costs. */
    @Benchmark
    public MatchResult matchAckSubjects() {
        int i = nextAck++ & (ACK_SUBJECTS - 1);
        return cached.match(acks, ackOffsets[i], ackLengths[i], key);
    }

    @Benchmark
    public MatchResult matchUncached() {
        int i = next++ & (LOOKUP_SUBJECTS - 1);
        return uncached.match(subjects, offsets[i], lengths[i], key);
    }

    @Benchmark
    public boolean subscribeUnsubscribe() {
        Subscription sub = new BenchSubscription("svc." + (churn++ % subscriptions) + ".events", null);
        cached.insert(sub);
        return cached.remove(sub);
    }
}
