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
 *   sync_interval: "2m" | always  # how often file stores fsync; "always" after every write
 * }
 * }</pre>
 *
 * @param enabled      whether JetStream runs
 * @param storeDir     where file streams live ({@code <storeDir>/jetstream/<account>/streams/<stream>})
 * @param maxMemory    bytes all memory streams together may hold
 * @param maxFile      bytes all file streams together may hold
 * @param domain       the JetStream domain, or "" for none
 * @param syncInterval how often file stores flush to disk
 * @param syncAlways   whether file stores flush after every write
 */
public record JetStreamConfig(boolean enabled, Path storeDir, long maxMemory, long maxFile, String domain,
                              Duration syncInterval, boolean syncAlways) {
    /** nats-server's default sync interval. */
    public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofMinutes(2);
    /** nats-server's default for max_file_store when the disk size cannot be read: 1 TB. */
    public static final long DEFAULT_MAX_FILE = 1L << 40;

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
        Object sync = js.get("sync_interval");
        boolean always = sync instanceof String s && s.equalsIgnoreCase("always");
        Duration interval = DEFAULT_SYNC_INTERVAL;
        if (sync instanceof String s && !always) {
            interval = ConfigUnits.parseDuration(s);
        } else if (sync instanceof Long seconds) {
            interval = Duration.ofSeconds(seconds);
        }
        return new JetStreamConfig(options.jetstream(), options.storeDir(), memory, file,
                domain == null ? "" : domain.toString(), interval, always);
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
