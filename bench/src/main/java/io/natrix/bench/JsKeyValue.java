package io.natrix.bench;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.KeyValueOptions;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.api.StorageType;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The key-value store with jnats, on a fresh file bucket per run (jnats' defaults: history 1, direct gets allowed;
 * created before and deleted after the run, outside the measured interval), one connection:
 * <ul>
 *   <li><b>put</b> ({@code kv-put}): {@code KeyValue.put} one value at a time, each waiting for its acknowledgement,
 *       over {@code --kv-keys} keys in turn; puts per second and the round-trip latency p50/p99. Every put must
 *       return the next revision, and the bucket must then hold one value per key written.</li>
 *   <li><b>get</b> ({@code kv-get}): a bucket filled with {@code --kv-keys} keys (asynchronous publishes, before the
 *       clock starts); {@code KeyValue.get} of uniformly random keys, one at a time (jnats sends these to
 *       {@code $JS.API.DIRECT.GET.KV_<bucket>.$KV.<bucket>.<key>}, a direct get of the subject's last message); gets
 *       per second, latency p50/p99. Every answer must carry the key, the revision it was written at and the whole
 *       value.</li>
 *   <li><b>watch</b> ({@code kv-watch}): the same filled bucket ({@value #LIST_VALUE_BYTES} B values); the time from
 *       {@code KeyValue.watchAll} (which creates jnats' ordered push consumer, last value per key) until every key
 *       has been received once. jnats must then also report the end of the initial values.</li>
 *   <li><b>keys</b> ({@code kv-keys}): the same filled bucket; the time {@code KeyValue.keys()} takes (a
 *       headers-only push consumer, last value per key, read synchronously for as many messages as its info says
 *       are pending), which must list every key once.</li>
 * </ul>
 * The server's CPU time is counted over the measured interval only. Instances are immutable; a run uses its own
 * connection.
 */
final class JsKeyValue implements JetStreamCase {
    /** Value size in the buckets of the watch and keys scenarios. */
    static final int LIST_VALUE_BYTES = 128;
    /** Keys a warm-up run of the watch and keys scenarios uses (at most the configured count). */
    private static final int WARMUP_KEYS = 10_000;
    private static final long MAX_OPERATIONS = 100_000_000;

    /** The four scenarios; {@code option} is the {@code --scenarios} name. */
    enum Mode {
        PUT("kv-put", "put, sync"),
        GET("kv-get", "get (direct get)"),
        WATCH("kv-watch", "watch, initial values"),
        KEYS("kv-keys", "keys()");

        final String option;
        final String label;

        Mode(String option, String label) {
            this.option = option;
            this.label = label;
        }

        /** Put and get run for a time at each payload size; watch and keys do a fixed amount of work. */
        boolean timed() {
            return this == PUT || this == GET;
        }
    }

    private final Mode mode;
    private final int size;
    private final int keys;

    JsKeyValue(Mode mode, int size, int keys) {
        this.mode = mode;
        this.size = size;
        this.keys = keys;
    }

    /** The selected key-value cases: put and get at each {@code --js-sizes}, watch and keys once. */
    static List<BenchCase> cases(BenchConfig config) {
        List<BenchCase> cases = new ArrayList<>();
        for (Mode mode : Mode.values()) {
            if (!config.wants(mode.option)) {
                continue;
            }
            if (mode.timed()) {
                config.jsSizes().forEach(size -> cases.add(new JsKeyValue(mode, size, config.kvKeys())));
            } else {
                cases.add(new JsKeyValue(mode, LIST_VALUE_BYTES, config.kvKeys()));
            }
        }
        return cases;
    }

    /** Warm-ups for the selected scenarios: 128 B values, at most {@value #WARMUP_KEYS} keys for watch and keys. */
    static List<BenchCase> warmUps(BenchConfig config) {
        List<BenchCase> warmups = new ArrayList<>();
        for (Mode mode : Mode.values()) {
            if (config.wants(mode.option)) {
                warmups.add(new JsKeyValue(mode, 128,
                        mode.timed() ? config.kvKeys() : Math.min(WARMUP_KEYS, config.kvKeys())));
            }
        }
        return warmups;
    }

    @Override
    public String title() {
        return "jnats KV " + mode.label + ", "
                + (mode.timed() ? Sizes.label(size) : String.format(Locale.ROOT, "%,d keys", keys));
    }

    @Override
    public List<Metric> metrics() {
        return switch (mode) {
            case PUT -> List.of(Metric.rate("rate", "puts/s", size),
                    Metric.lower("p50", "latency p50", Metric.Unit.MICROS),
                    Metric.lower("p99", "latency p99", Metric.Unit.MICROS),
                    Metric.serverCpu("put"));
            case GET -> List.of(Metric.rate("rate", "gets/s", size),
                    Metric.lower("p50", "latency p50", Metric.Unit.MICROS),
                    Metric.lower("p99", "latency p99", Metric.Unit.MICROS),
                    Metric.serverCpu("get"));
            case WATCH -> List.of(Metric.lower("ms", "time to receive all", Metric.Unit.MILLIS),
                    Metric.serverCpu("key"));
            case KEYS -> List.of(Metric.lower("ms", "time to list all", Metric.Unit.MILLIS),
                    Metric.serverCpu("key"));
        };
    }

    static String key(long index) {
        return "k" + index;
    }

    @Override
    public Sample measure(ServerProcess server, BenchConfig config, long fixedCount, long durationMillis)
            throws Exception {
        JnatsSupport.ErrorLog errors = new JnatsSupport.ErrorLog();
        Connection connection = JnatsSupport.connect(server.url(), mode.option, config, errors);
        try {
            KeyValueOptions options = KeyValueOptions.builder(JsSupport.options()).build();
            JetStreamManagement jsm = connection.jetStreamManagement(JsSupport.options());
            KeyValueManagement kvm = connection.keyValueManagement(options);
            String bucket = JsSupport.uniqueStream(mode.option.replace("-", ""));
            kvm.create(KeyValueConfiguration.builder().name(bucket).storageType(StorageType.File).build());
            try {
                KeyValue kv = connection.keyValue(bucket, options);
                long deadline = System.nanoTime() + Duration.ofMillis(config.runTimeoutMillis()).toNanos();
                if (mode != Mode.PUT) {
                    JsSupport.fill(connection.jetStream(JsSupport.options()), i -> "$KV." + bucket + "." + key(i),
                            JnatsSupport.payload(size), keys, config.jsInFlight(), deadline);
                }
                Run run = new Run(server, kv, errors, deadline);
                Sample sample = switch (mode) {
                    case PUT -> run.put(fixedCount, durationMillis);
                    case GET -> run.get(fixedCount, durationMillis);
                    case WATCH -> run.watch();
                    case KEYS -> run.keys();
                };
                if (sample.isOk() && mode == Mode.PUT) {
                    // One value per key written (history 1): the bucket's stream holds exactly that many.
                    long written = Math.min(sample.values().get("count").longValue(), keys);
                    long held = jsm.getStreamInfo("KV_" + bucket).getStreamState().getMsgCount();
                    if (held != written) {
                        return Sample.failed("the bucket holds " + held + " values, " + written + " keys were written",
                                sample.values());
                    }
                }
                return sample;
            } finally {
                JsSupport.deleteQuietly(jsm, "KV_" + bucket);
            }
        } finally {
            JnatsSupport.closeQuietly(connection);
        }
    }

    /** One measured run against one bucket; used by one thread (a watcher's callbacks only touch a Tally). */
    private final class Run {
        private final ServerProcess server;
        private final KeyValue kv;
        private final JnatsSupport.ErrorLog errors;
        private final long deadline;
        private final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        private long cpuBefore;
        private long start;

        Run(ServerProcess server, KeyValue kv, JnatsSupport.ErrorLog errors, long deadline) {
            this.server = server;
            this.kv = kv;
            this.errors = errors;
            this.deadline = deadline;
        }

        private void startClock() {
            cpuBefore = ProcFs.cpuNanosOfTree(server.handle());
            start = System.nanoTime();
        }

        Sample put(long fixedCount, long durationMillis) {
            byte[] value = JnatsSupport.payload(size);
            startClock();
            TimedLoop loop = new TimedLoop(fixedCount, MAX_OPERATIONS, durationMillis, start, deadline);
            long puts = 0;
            String failure = null;
            while (loop.more(puts)) {
                long now = System.nanoTime();
                long revision;
                try {
                    revision = kv.put(key(puts % keys), value);
                } catch (IOException | JetStreamApiException e) {
                    failure = "put " + (puts + 1) + " failed: " + e.getMessage();
                    break;
                }
                histogram.recordValue(Math.min(System.nanoTime() - now, histogram.getHighestTrackableValue()));
                if (revision != puts + 1) {
                    failure = "put " + (puts + 1) + " returned revision " + revision;
                    break;
                }
                puts++;
            }
            if (failure == null && loop.timedOut()) {
                failure = "timed out";
            }
            return finish(puts, System.nanoTime() - start, failure);
        }

        Sample get(long fixedCount, long durationMillis) throws Exception {
            SplittableRandom random = new SplittableRandom(size * 31L + keys);
            // The first get also makes jnats look the bucket's stream up once.
            kv.get(key(0));
            startClock();
            TimedLoop loop = new TimedLoop(fixedCount, MAX_OPERATIONS, durationMillis, start, deadline);
            long gets = 0;
            String failure = null;
            while (loop.more(gets)) {
                long now = System.nanoTime();
                long index = random.nextLong(keys);
                KeyValueEntry entry;
                try {
                    entry = kv.get(key(index));
                } catch (IOException | JetStreamApiException e) {
                    failure = "get of " + key(index) + " failed: " + e.getMessage();
                    break;
                }
                histogram.recordValue(Math.min(System.nanoTime() - now, histogram.getHighestTrackableValue()));
                // The bucket was filled in key order from revision 1.
                if (entry == null || !entry.getKey().equals(key(index)) || entry.getRevision() != index + 1
                        || entry.getValue() == null || entry.getValue().length != size) {
                    failure = "get of " + key(index) + " answered " + entry;
                    break;
                }
                gets++;
            }
            if (failure == null && loop.timedOut()) {
                failure = "timed out";
            }
            return finish(gets, System.nanoTime() - start, failure);
        }

        Sample watch() throws Exception {
            Tally tally = new Tally();
            startClock();
            NatsKeyValueWatchSubscription watch = kv.watchAll(tally);
            long elapsed;
            try {
                boolean all = tally.received.await(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                elapsed = System.nanoTime() - start;
                if (!all) {
                    tally.fail("timed out with " + tally.count() + " of " + keys + " keys received");
                } else if (!tally.endOfData.await(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    tally.fail("every key came but jnats never saw the end of the initial values");
                }
            } finally {
                watch.unsubscribe();
            }
            return finish(tally.count(), elapsed, tally.failure());
        }

        Sample keys() throws Exception {
            startClock();
            List<String> listed = kv.keys();
            long elapsed = System.nanoTime() - start;
            String failure = null;
            if (listed.size() != keys || new HashSet<>(listed).size() != keys) {
                failure = "keys() listed " + listed.size() + " keys (" + new HashSet<>(listed).size()
                        + " distinct), expected " + keys;
            }
            return finish(listed.size(), elapsed, failure);
        }

        private Sample finish(long operations, long elapsed, String failure) {
            long cpuAfter = ProcFs.cpuNanosOfTree(server.handle());
            Map<String, Double> values = new HashMap<>(JsSupport.serverCpu(
                    cpuBefore < 0 || cpuAfter < 0 ? -1 : cpuAfter - cpuBefore, operations, elapsed));
            values.put("rate", operations * 1e9 / elapsed);
            values.put("count", (double) operations);
            values.put("seconds", elapsed / 1e9);
            if (mode.timed()) {
                if (histogram.getTotalCount() > 0) {
                    values.put("p50", histogram.getValueAtPercentile(50) / 1e3);
                    values.put("p99", histogram.getValueAtPercentile(99) / 1e3);
                }
            } else {
                values.put("ms", elapsed / 1e6);
            }
            if (failure != null) {
                return Sample.failed(failure + " (after " + operations + ")", values);
            }
            if (operations == 0) {
                return Sample.failed("nothing was done", values);
            }
            if (errors.first() != null) {
                return Sample.failed(errors.first(), values);
            }
            return Sample.ok(values);
        }
    }

    /**
     * What a watch received, checked as it comes: every key once, each with the whole value. Written by the watch's
     * dispatcher thread, read by the runner after a latch.
     */
    private final class Tally implements KeyValueWatcher {
        final CountDownLatch received = new CountDownLatch(1);
        final CountDownLatch endOfData = new CountDownLatch(1);
        private final BitSet seen = new BitSet(keys);
        private volatile long count;
        private volatile String failure;

        @Override
        public void watch(KeyValueEntry entry) {
            long index = -1;
            String key = entry.getKey();
            if (key.startsWith("k")) {
                try {
                    index = Long.parseLong(key, 1, key.length(), 10);
                } catch (NumberFormatException e) {
                    index = -1;
                }
            }
            if (index < 0 || index >= keys || seen.get((int) index)) {
                fail("unexpected or repeated key " + key);
            } else if (entry.getOperation() != KeyValueOperation.PUT || entry.getValue() == null
                    || entry.getValue().length != size) {
                fail("key " + key + ": " + entry);
            } else {
                seen.set((int) index);
            }
            count++;
            if (count == keys) {
                received.countDown();
            }
        }

        @Override
        public void endOfData() {
            endOfData.countDown();
        }

        long count() {
            return count;
        }

        void fail(String why) {
            if (failure == null) {
                failure = why;
            }
            received.countDown();
        }

        String failure() {
            return failure;
        }
    }
}
