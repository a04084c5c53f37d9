package io.natrix.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The soak driver's settings ({@link Soak}): every option with its flag and default, validated once in
 * {@link #parse} and read-only afterwards. The load figures are rates, not "as fast as possible": a soak looks for
 * what grows over time under a steady load, and a saturated machine would measure its own queueing instead.
 *
 * @param minutes            how long the load runs on each server
 * @param servers            which servers are soaked, one after the other
 * @param parts              which parts of the load run ({@link #ALL_PARTS}); fewer parts bisect a leak
 * @param samplePeriodMillis how often the server's vitals and the latency percentiles are sampled
 * @param warmupFraction     the share of the run at the start that the slopes and the drift leave out
 * @param driftWindowMillis  the latency windows compared for the p99 drift: the first this long after the warm-up
 *                           against the last this long of the run
 * @param fanoutRate         core messages published per second, each delivered to {@code fanoutSubscribers}
 * @param fanoutSubscribers  subscriber connections of the fan-out
 * @param requestRate        requests per second to the echo service
 * @param jsPublishRate      JetStream publishes per second (synchronous: each waits for its acknowledgement)
 * @param jsMaxMsgs          the limits stream's max_msgs (the oldest messages are dropped beyond it)
 * @param jsMaxBytes         the limits stream's max_bytes
 * @param kvPutRate          key-value puts per second (gets run at the same rate)
 * @param kvKeys             distinct keys the puts and gets pick from
 * @param kvHistory          the bucket's history per key
 * @param churnPeriodMillis  how often a short-lived client connects
 * @param payloadBytes       payload size of every message, request, publish and value
 * @param fdSlopeMax         the highest open-descriptor slope per hour that passes
 * @param threadSlopeMax     the highest thread-count slope per hour that passes
 * @param heapSlopePercent   the highest heap slope per hour that passes, as a percentage of the mean heap
 * @param driftMaxPercent    the highest p99 growth (percent) from the first window to the last that passes
 * @param natsServer         the nats-server executable
 * @param natrixCommand      the command that starts Natrix, before {@code server …}
 * @param pin                whether the server is pinned to {@code serverCpu} with taskset
 * @param serverCpu          the CPU the server runs on
 * @param outDir             where the report ({@code .md}) and the samples ({@code .csv}) go
 * @param logDir             where the server's output goes
 */
record SoakConfig(
        double minutes,
        List<ServerKind> servers,
        Set<String> parts,
        long samplePeriodMillis,
        double warmupFraction,
        long driftWindowMillis,
        int fanoutRate,
        int fanoutSubscribers,
        int requestRate,
        int jsPublishRate,
        long jsMaxMsgs,
        long jsMaxBytes,
        int kvPutRate,
        int kvKeys,
        int kvHistory,
        long churnPeriodMillis,
        int payloadBytes,
        double fdSlopeMax,
        double threadSlopeMax,
        double heapSlopePercent,
        double driftMaxPercent,
        String natsServer,
        String natrixCommand,
        boolean pin,
        int serverCpu,
        Path outDir,
        Path logDir) {

    /** The load's parts, each a class of its own: see {@link SoakLoad}. */
    static final List<String> ALL_PARTS = List.of("fanout", "reqrep", "js", "kv", "churn");

    static final String USAGE = """
            Usage: java -cp bench/target/natrix-bench.jar io.natrix.bench.Soak [options]   (bench/soak.sh runs it)

            Starts each server with JetStream on a fresh temporary store, runs a steady mixed load through jnats for
            --minutes, samples the server every --sample-s seconds, and judges the run against the reliability
            plan's D4 bars. Exit status: 0 when every bar is met, 1 when one is missed or the run failed, 2 for bad
            options.

              --minutes N            length of the load on each server (fractions allowed)                   [20]
              --server LIST          natrix, nats-server or both (both: nats-server first)              [natrix]
              --parts LIST           fanout,reqrep,js,kv,churn: the parts of the load that run              [all]
              --sample-s N           seconds between samples                                               [10]
              --warmup-percent N     share of the run left out of slopes and drift                          [20]
              --drift-window-s N     length of the first and last latency windows compared                 [60]
              --fanout-rate N        core messages per second, each to every fan-out subscriber           [1000]
              --fanout-subscribers N fan-out subscriber connections                                          [4]
              --request-rate N       requests per second to the echo service                               [200]
              --js-rate N            synchronous JetStream publishes per second                            [200]
              --js-max-msgs N        the stream's max_msgs                                               [20000]
              --js-max-bytes N       the stream's max_bytes                                           [16777216]
              --kv-rate N            key-value puts per second (and as many gets)                          [100]
              --kv-keys N            distinct keys                                                         [500]
              --kv-history N         history kept per key                                                    [5]
              --churn-ms N           a short-lived client connects this often                             [2000]
              --payload N            bytes of every message, request, publish and value                    [128]
              --fd-slope-max N       open descriptors per hour that still pass                               [2]
              --thread-slope-max N   threads per hour that still pass                                        [2]
              --heap-slope-percent N heap growth per hour, percent of the mean heap, that still passes        [5]
              --drift-max-percent N  p99 growth from the first latency window to the last that passes       [20]
              --nats-server PATH     nats-server executable                                 [/usr/sbin/nats-server]
              --natrix CMD           command starting Natrix, split on spaces                             [./natrix]
              --server-cpu N         CPU the server is pinned to with taskset                                 [0]
              --no-pin               do not pin the server
              --out-dir DIR          where the report and the samples go                          [bench/results]
              --log-dir DIR          server output                                         [<out-dir>/soak-logs]
              --help
            """;

    /** Parses {@code --name value} or {@code --name=value}; throws IllegalArgumentException when something is wrong. */
    static SoakConfig parse(String[] args) {
        LongOptions o = LongOptions.parse(args);
        Path outDir = Path.of(o.text("out-dir", "bench/results"));
        String logDir = o.text("log-dir", "");
        SoakConfig config = new SoakConfig(
                o.decimal("minutes", 20, 0.1, 24 * 60),
                servers(o.text("server", "natrix")),
                parts(o.names("parts", "all", ALL_PARTS)),
                (long) (o.decimal("sample-s", 10, 1, 600) * 1000),
                o.decimal("warmup-percent", 20, 0, 90) / 100,
                (long) (o.decimal("drift-window-s", 60, 1, 3600) * 1000),
                (int) o.decimal("fanout-rate", 1000, 1, 1_000_000),
                (int) o.decimal("fanout-subscribers", 4, 1, 100),
                (int) o.decimal("request-rate", 200, 1, 100_000),
                (int) o.decimal("js-rate", 200, 1, 100_000),
                (long) o.decimal("js-max-msgs", 20_000, 1, 1e9),
                (long) o.decimal("js-max-bytes", 16 << 20, 1024, 1e12),
                (int) o.decimal("kv-rate", 100, 1, 100_000),
                (int) o.decimal("kv-keys", 500, 1, 1_000_000),
                (int) o.decimal("kv-history", 5, 1, 64),
                (long) o.decimal("churn-ms", 2000, 10, 600_000),
                (int) o.decimal("payload", 128, 0, 1 << 20),
                o.decimal("fd-slope-max", 2, 0, 1e6),
                o.decimal("thread-slope-max", 2, 0, 1e6),
                o.decimal("heap-slope-percent", 5, 0, 1e6),
                o.decimal("drift-max-percent", 20, 0, 1e6),
                o.text("nats-server", "/usr/sbin/nats-server"),
                o.text("natrix", "./natrix"),
                !o.has("no-pin"),
                (int) o.decimal("server-cpu", 0, 0, 4095),
                outDir,
                logDir.isEmpty() ? outDir.resolve("soak-logs") : Path.of(logDir));
        o.rejectUnknown();
        return config;
    }

    /** The run's length in nanoseconds. */
    long durationNanos() {
        return (long) (minutes * 60e9);
    }

    /**
     * The settings {@link ServerLauncher} needs, in the side-by-side driver's terms, so that the soak starts its
     * servers exactly as the benchmark does.
     */
    BenchConfig launcherConfig() {
        List<String> args = new ArrayList<>(List.of(
                "--natrix", natrixCommand,
                "--nats-server", natsServer,
                "--server-cpu", Integer.toString(serverCpu),
                "--log-dir", logDir.toString(),
                "--go-bin", "none"));
        if (!pin) {
            args.add("--no-pin");
        }
        return BenchConfig.parse(args.toArray(String[]::new));
    }

    private static List<ServerKind> servers(String raw) {
        return switch (raw.toLowerCase(Locale.ROOT)) {
            case "natrix" -> List.of(ServerKind.NATRIX);
            case "nats-server" -> List.of(ServerKind.NATS_SERVER);
            case "both" -> List.of(ServerKind.NATS_SERVER, ServerKind.NATRIX);
            default -> throw new IllegalArgumentException(
                    "--server: expected natrix, nats-server or both, got '" + raw + "'");
        };
    }

    private static Set<String> parts(Set<String> chosen) {
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("--parts: at least one part must run");
        }
        return chosen;
    }

    boolean runs(String part) {
        return parts.contains(part);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "minutes=%s servers=%s parts=%s sample=%ds warm-up=%.0f%% "
                        + "drift-window=%ds fanout=%d msg/s x %d subs, requests=%d/s, js=%d/s (max_msgs %d, max_bytes "
                        + "%d), kv=%d puts/s over %d keys (history %d), churn every %d ms, payload %d B, pin=%s",
                minutes, servers, parts, samplePeriodMillis / 1000, warmupFraction * 100, driftWindowMillis / 1000,
                fanoutRate, fanoutSubscribers, requestRate, jsPublishRate, jsMaxMsgs, jsMaxBytes, kvPutRate, kvKeys,
                kvHistory, churnPeriodMillis, payloadBytes, pin ? "server cpu " + serverCpu : "off");
    }
}
