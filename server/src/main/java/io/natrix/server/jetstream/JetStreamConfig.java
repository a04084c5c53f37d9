package io.natrix.server.jetstream;

import io.natrix.server.config.ConfigUnits;
import io.natrix.server.config.ServerOptions;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The server's JetStream settings, from {@code -js}/{@code -sd} and the {@code jetstream} block:
 * <pre>{@code
 * jetstream {
 *   store_dir: /data/js          # -sd; default ./data
 *   max_memory_store: 1G          # default 75% of the machine's memory
 *   max_file_store: 10G           # default 1 TB
 *   domain: hub                   # API also on $JS.hub.API.>
 *   sync_interval: "2m" | always | group   # when file streams fsync; see below
 * }
 * }</pre>
 *
 * <h2>sync_interval: when an acknowledged message is on disk</h2>
 * Every publish reaches the OS page cache before its acknowledgement, so a killed server loses nothing; what a power
 * loss (or kernel crash) may take depends on {@code sync_interval}:
 * <ul>
 *   <li>a duration ({@code "2m"}, nats-server's meaning; {@link SyncPolicy#INTERVAL}): file stores fsync on a
 *       timer, and a PubAck is sent at once. Up to one interval of acknowledged messages can be lost.</li>
 *   <li>{@code group} (a Natrix extension; {@link SyncPolicy#GROUP}): a PubAck of a file stream is sent only after
 *       an fsync covered the message. Messages are appended on the publisher's thread as always, and
 *       {@link GroupCommit}'s thread fsyncs each store with waiting acknowledgements once per batch, then sends the
 *       batch's acknowledgements in order; while one fsync runs the next batch gathers. The timer still runs (every
 *       2 minutes) for what publishes do not cover: removals, index files, the TTL index.</li>
 *   <li>{@code always} (nats-server's; {@link SyncPolicy#ALWAYS}): as {@code group} for publishes (an fsync per
 *       batch gives each acknowledged message the same guarantee as one per message, without blocking an event
 *       loop), and durable consumers' state is fsynced on every write. Unlike nats-server, a removal (an ack in a
 *       work-queue stream, expiry, a purge's tail) is not fsynced by itself: it is covered by the next publish
 *       batch of its stream or the timer, so after a power loss a removed message may come back (and be delivered
 *       again), never an acknowledged one go missing.</li>
 * </ul>
 * The default is {@link #DEFAULT_SYNC_POLICY} (nats-server's two-minute interval), chosen from the measurements in
 * docs/PERFORMANCE.md: group commit keeps up with the interval only while many acknowledgements are in flight; a
 * publisher that waits for each one (key-value puts, synchronous publishes) drops to the disk's fsync rate.
 *
 * @param enabled      whether JetStream runs
 * @param storeDir     where file streams live ({@code <storeDir>/jetstream/<account>/streams/<stream>})
 * @param maxMemory    bytes all memory streams together may hold
 * @param maxFile      bytes all file streams together may hold
 * @param domain       the JetStream domain, or "" for none
 * @param syncInterval how often file stores flush to disk on their timer
 * @param syncPolicy   when a publish is fsynced relative to its acknowledgement
 */
public record JetStreamConfig(boolean enabled, Path storeDir, long maxMemory, long maxFile, String domain,
                              Duration syncInterval, SyncPolicy syncPolicy) {
    /** nats-server's default sync interval. */
    public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofMinutes(2);
    /** The policy when {@code sync_interval} is not set (see the class doc and docs/PERFORMANCE.md). */
    public static final SyncPolicy DEFAULT_SYNC_POLICY = SyncPolicy.INTERVAL;
    /** nats-server's default for max_file_store when the disk size cannot be read: 1 TB. */
    public static final long DEFAULT_MAX_FILE = 1L << 40;

    /** When a file stream's publishes are fsynced (the {@code sync_interval} setting). */
    public enum SyncPolicy {
        /** On the store's timer only; PubAcks at once. */
        INTERVAL,
        /** Before the PubAck, one fsync per store per batch of acknowledgements (Natrix's {@code group}). */
        GROUP,
        /** As {@link #GROUP} for publishes; consumer state fsynced on every write (nats-server's {@code always}). */
        ALWAYS
    }

    /** Whether PubAcks of file streams wait for an fsync ({@link GroupCommit}). */
    public boolean acksAfterSync() {
        return syncPolicy != SyncPolicy.INTERVAL;
    }

    /** nats-server's {@code sync_always}: every write fsynced (here: before it is acknowledged). */
    public boolean syncAlways() {
        return syncPolicy == SyncPolicy.ALWAYS;
    }

    /** The settings in force for {@code options}. */
    public static JetStreamConfig of(ServerOptions options) {
        Object block = options.rawConfig().get("jetstream");
        Map<?, ?> js = block instanceof Map<?, ?> m ? m : Map.of();
        long memory = size(js.get("max_memory_store"), defaultMaxMemory());
        if (memory == -1) {
            memory = defaultMaxMemory();
        }
        long file = size(js.get("max_file_store"), DEFAULT_MAX_FILE);
        if (file == -1) {
            file = DEFAULT_MAX_FILE;
        }
        Object domain = js.get("domain");
        Object sync = js.containsKey("sync_interval") ? js.get("sync_interval") : js.get("sync");
        SyncPolicy policy = DEFAULT_SYNC_POLICY;
        Duration interval = DEFAULT_SYNC_INTERVAL;
        if (sync instanceof String s && s.equalsIgnoreCase("always")) {
            policy = SyncPolicy.ALWAYS;
        } else if (sync instanceof String s && s.equalsIgnoreCase("group")) {
            policy = SyncPolicy.GROUP;
        } else if (sync instanceof String s) {
            policy = SyncPolicy.INTERVAL;
            interval = ConfigUnits.parseDuration(s);
        } else if (sync instanceof Long seconds) {
            policy = SyncPolicy.INTERVAL;
            interval = Duration.ofSeconds(seconds);
        }
        return new JetStreamConfig(options.jetstream(), options.storeDir(), memory, file,
                domain == null ? "" : domain.toString(), interval, policy);
    }

    private static long size(Object value, long fallback) {
        if (value instanceof Long n) {
            return n;
        }
        if (value instanceof String s) {
            return ConfigUnits.parseStorageSize(s);
        }
        return fallback;
    }

    private static long defaultMaxMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize() / 4 * 3;
        }
        return Runtime.getRuntime().maxMemory();
    }

    /**
     * An account's JetStream limits from its {@code jetstream} setting in the {@code accounts} block:
     * {@code enabled} (no limits) or a map with nats-server's keys ({@code max_memory}/{@code max_mem},
     * {@code max_file}/{@code max_store}/{@code max_disk}, {@code max_streams}, {@code max_consumers},
     * {@code max_bytes_required}, {@code mem_max_stream_bytes}, {@code disk_max_stream_bytes},
     * {@code max_ack_pending}). Sizes take units ("1G"). Missing keys mean no limit.
     */
    public static JsAccountLimits accountLimits(Object setting) {
        if (!(setting instanceof Map<?, ?> m)) {
            return JsAccountLimits.UNLIMITED;
        }
        return new JsAccountLimits(
                size(first(m, "max_memory", "max_mem", "mem", "memory"), -1),
                size(first(m, "max_file", "max_store", "max_disk", "store", "disk"), -1),
                number(first(m, "max_streams", "streams")),
                number(first(m, "max_consumers", "consumers")),
                number(first(m, "max_ack_pending")),
                size(first(m, "mem_max_stream_bytes", "memory_max_stream_bytes"), -1),
                size(first(m, "disk_max_stream_bytes", "store_max_stream_bytes"), -1),
                Boolean.TRUE.equals(first(m, "max_bytes_required", "max_stream_bytes_required")));
    }

    private static Object first(Map<?, ?> m, String... keys) {
        for (String key : keys) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (String.valueOf(e.getKey()).equalsIgnoreCase(key)) {
                    return e.getValue();
                }
            }
        }
        return null;
    }

    private static long number(Object value) {
        return value instanceof Long n ? n : -1;
    }

    /** Where the streams of {@code account} live. */
    public Path accountDir(String account) {
        return storeDir.resolve("jetstream").resolve(account);
    }
}
