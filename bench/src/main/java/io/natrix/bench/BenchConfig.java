package io.natrix.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The side-by-side driver's settings: every option sits here with its default and its flag, is validated once in
 * {@link #parse}, and is read-only afterwards.
 *
 * @param rounds             how many times each case runs on each server; the table shows medians
 * @param scenarios          which scenario families run (see {@link #ALL_SCENARIOS})
 * @param clients            which client libraries drive the messaging scenarios: {@code jnats}, {@code go}
 * @param servers            which servers are compared
 * @param sizes              payload sizes in bytes for the throughput scenarios
 * @param reqRepSizes        payload sizes in bytes for request/reply
 * @param durationMillis     how long each throughput or request/reply run publishes, when {@code msgs} is 0
 * @param msgs               a fixed message (or request) count per run instead of a duration; 0 means use duration
 * @param warmupMillis       per server, how long each messaging pattern runs once before anything is measured
 * @param windowBytes        per subscriber, the bytes (payload plus about 64 bytes of protocol per message) that may
 *                           be published and not yet received: flow control that keeps both servers clear of their
 *                           slow-consumer limits; 0 = unbounded
 * @param runTimeoutMillis   hard limit for one run; a run that exceeds it is reported as a failure
 * @param subscribers        subscribers in the fan-out and queue-group scenarios
 * @param connections        connections opened at once in the connection scenario
 * @param subscriptions      subscriptions created in the subscription-memory scenario
 * @param jsSizes            payload sizes in bytes for the JetStream publish and direct-get scenarios
 * @param jsInFlight         unacknowledged messages allowed in {@code js-pub-async} and while filling streams
 * @param jsDirectMsgs       messages stored in the stream {@code js-direct-get} reads from
 * @param jsRecoveryMb       MiB stored (1 KiB messages) before the restart in {@code js-recovery}
 * @param jsConsumeMsgs      messages stored in, and consumed from, the stream of each JetStream consumer scenario
 * @param kvKeys             keys in the bucket that kv-get reads, kv-watch watches and kv-keys lists; kv-put writes
 *                           over as many keys
 * @param objMb              size of the object (MiB) that obj-put stores and obj-get reads
 * @param starts             server starts per round in the start-up scenario
 * @param settleMillis       wait before reading RSS, so the server reaches a steady state
 * @param startTimeoutMillis how long a server may take to accept its first connection
 * @param natsServer         the nats-server executable
 * @param natrixCommand      the command that starts Natrix, before its {@code server …} arguments
 * @param natrixArgs         extra arguments for Natrix after the common ones (e.g. {@code -c FILE} with a
 *                           {@code jetstream { sync_interval: … }} to compare durability policies)
 * @param goBinary           the Go client driver binary, or null to skip the Go rows
 * @param pin                whether servers and the Go client are pinned with taskset
 * @param serverCpu          the CPU servers are pinned to
 * @param clientCpu          the CPU the Go client is pinned to (the JVM is pinned by bench/run.sh)
 * @param jnatsBufferBytes   jnats socket buffer size ({@code Options.bufferSize})
 * @param jnatsOutgoingQueue jnats outgoing queue capacity in messages
 * @param out                Markdown results file (a CSV of raw samples is written beside it), or null
 * @param logDir             where server output goes
 */
record BenchConfig(
        int rounds,
        Set<String> scenarios,
        Set<String> clients,
        List<ServerKind> servers,
        List<Integer> sizes,
        List<Integer> reqRepSizes,
        long durationMillis,
        long msgs,
        long warmupMillis,
        long windowBytes,
        long runTimeoutMillis,
        int subscribers,
        int connections,
        int subscriptions,
        List<Integer> jsSizes,
        int jsInFlight,
        int jsDirectMsgs,
        int jsRecoveryMb,
        int jsConsumeMsgs,
        int kvKeys,
        int objMb,
        int starts,
        long settleMillis,
        long startTimeoutMillis,
        String natsServer,
        List<String> natrixCommand,
        List<String> natrixArgs,
        Path goBinary,
        boolean pin,
        int serverCpu,
        int clientCpu,
        int jnatsBufferBytes,
        int jnatsOutgoingQueue,
        Path out,
        Path logDir) {

    private static final String DEFAULT_LOG_DIR =
            Path.of(System.getProperty("java.io.tmpdir"), "natrix-bench-logs").toString();

    /** Scenario families, in the order the table shows them. */
    static final List<String> ALL_SCENARIOS = List.of("pub", "pubsub", "fanout", "queue", "reqrep", "startup", "idle",
            "conns", "subs", "js-pub-sync", "js-pub-async", "js-direct-get", "js-recovery", "js-pull", "js-ordered",
            "js-push", "js-redeliver", "kv-put", "kv-get", "kv-watch", "kv-keys", "obj-put", "obj-get");

    static final String USAGE = """
            Usage: java -jar bench/target/natrix-bench.jar [options]   (run it under `taskset -c 1`; bench/run.sh does)

            Compares nats-server and Natrix side by side with the same client code. Each case runs --rounds times on
            each server, alternating which server goes first; the table shows medians and the ratio Natrix/nats-server.

              --scenarios LIST       pub,pubsub,fanout,queue,reqrep,startup,idle,conns,subs,
                                     js-pub-sync,js-pub-async,js-direct-get,js-recovery,
                                     js-pull,js-ordered,js-push,js-redeliver,
                                     kv-put,kv-get,kv-watch,kv-keys,obj-put,obj-get or 'all'               [all]
              --clients LIST         jnats,go (go needs --go-bin)                                   [jnats,go]
              --servers LIST         nats-server,natrix                                  [nats-server,natrix]
              --rounds N             runs per case and server; medians are reported                          [3]
              --sizes LIST           throughput payload sizes in bytes                         [16,128,1024,65536]
              --reqrep-sizes LIST    request/reply payload sizes in bytes                                  [128]
              --duration-ms N        publishing time per throughput / request-reply run                  [1000]
              --msgs N               fixed messages (requests) per run instead of --duration-ms             [0]
              --warmup-ms N          per server, each messaging pattern once before measuring            [1000]
              --window-bytes N       per subscriber, max bytes (payload + ~64 B protocol per message)
                                     published but not yet received; 0 = unbounded                  [33554432]
              --run-timeout-ms N     hard limit for one run                                             [60000]
              --subscribers N        subscribers for fan-out and queue group                                 [4]
              --connections N        concurrent connections in 'conns'                                    [1000]
              --subscriptions N      subscriptions in 'subs'                                             [10000]
              --js-sizes LIST        payload sizes of the JetStream scenarios (not js-recovery)       [128,1024]
              --js-inflight N        unacknowledged publishes in js-pub-async and when filling streams   [1000]
              --js-direct-msgs N     messages stored for js-direct-get                                  [10000]
              --js-recovery-mb N     MiB stored (1 KiB messages) before the restart in js-recovery
                                     (--quick: 64)                                                       [1024]
              --js-consume-msgs N    messages stored and consumed in js-pull, js-ordered, js-push,
                                     js-redeliver (--quick: 10000)                                     [100000]
              --kv-keys N            keys in the bucket of kv-get, kv-watch, kv-keys (--quick: 10000)   [100000]
              --obj-mb N             MiB in the object of obj-put and obj-get (--quick: 10)                [100]
              --starts N             server starts per round in 'startup'                                   [10]
              --settle-ms N          wait before reading a server's RSS                                   [1000]
              --start-timeout-ms N   max time for a server to accept its first connection               [120000]
              --nats-server PATH     nats-server executable                                 [/usr/sbin/nats-server]
              --natrix CMD           command starting Natrix, split on spaces                             [./natrix]
              --natrix-args ARGS     extra Natrix arguments, split on spaces (e.g. "-c sync.conf")              []
              --go-bin PATH          Go client driver (bench/go); 'none' to skip        [bench/go/target/natrix-gobench]
              --server-cpu N         CPU for the servers (taskset)                                           [0]
              --client-cpu N         CPU for the Go client (taskset); pin the JVM yourself                    [1]
              --no-pin               do not use taskset
              --jnats-buffer N       jnats Options.bufferSize                                           [262144]
              --jnats-queue N        jnats Options.maxMessagesInOutgoingQueue                           [65536]
              --out FILE             write the Markdown table there, and raw samples to FILE with .csv
              --log-dir DIR          server output                                      [<tmp>/natrix-bench-logs]
              --help
            """;

    /** Parses {@code --name value} or {@code --name=value} arguments; throws IllegalArgumentException when wrong. */
    static BenchConfig parse(String[] args) {
        LongOptions o = LongOptions.parse(args);
        Set<String> scenarios = o.names("scenarios", "all", ALL_SCENARIOS);
        Set<String> clients = o.names("clients", "jnats,go", List.of("jnats", "go"));
        List<ServerKind> servers = new ArrayList<>();
        for (String name : o.names("servers", "nats-server,natrix", List.of("nats-server", "natrix"))) {
            servers.add(ServerKind.fromOption(name));
        }
        String goBin = o.text("go-bin", "bench/go/target/natrix-gobench");
        String out = o.text("out", "");
        BenchConfig config = new BenchConfig(
                o.integer("rounds", 3, 1, 100),
                scenarios,
                clients,
                List.copyOf(servers),
                o.integers("sizes", "16,128,1024,65536", 0, 1 << 20),
                o.integers("reqrep-sizes", "128", 0, 1 << 20),
                o.number("duration-ms", 1000, 10, 600_000),
                o.number("msgs", 0, 0, 1_000_000_000),
                o.number("warmup-ms", 1000, 0, 600_000),
                o.number("window-bytes", 32L << 20, 0, 1L << 34),
                o.number("run-timeout-ms", 60_000, 1000, 3_600_000),
                o.integer("subscribers", 4, 1, 1000),
                o.integer("connections", 1000, 1, 60_000),
                o.integer("subscriptions", 10_000, 1, 10_000_000),
                o.integers("js-sizes", "128,1024", 0, 1 << 20),
                o.integer("js-inflight", 1000, 1, 1_000_000),
                o.integer("js-direct-msgs", 10_000, 1, 100_000_000),
                o.integer("js-recovery-mb", 1024, 1, 1 << 20),
                o.integer("js-consume-msgs", 100_000, 1, 100_000_000),
                o.integer("kv-keys", 100_000, 1, 100_000_000),
                o.integer("obj-mb", 100, 1, 1 << 20),
                o.integer("starts", 10, 1, 1000),
                o.number("settle-ms", 1000, 0, 60_000),
                o.number("start-timeout-ms", 120_000, 100, 3_600_000),
                o.text("nats-server", "/usr/sbin/nats-server"),
                List.of(o.text("natrix", "./natrix").trim().split("\\s+")),
                o.text("natrix-args", "").isBlank() ? List.of()
                        : List.of(o.text("natrix-args", "").trim().split("\\s+")),
                goBin.equals("none") ? null : Path.of(goBin),
                !o.has("no-pin"),
                o.integer("server-cpu", 0, 0, 4095),
                o.integer("client-cpu", 1, 0, 4095),
                o.integer("jnats-buffer", 256 * 1024, 4096, 64 << 20),
                o.integer("jnats-queue", 65_536, 16, 10_000_000),
                out.isEmpty() ? null : Path.of(out),
                Path.of(o.text("log-dir", DEFAULT_LOG_DIR)));
        o.rejectUnknown();
        return config;
    }

    boolean wants(String scenario) {
        return scenarios.contains(scenario);
    }

    @Override
    public String toString() {
        return "rounds=" + rounds + " scenarios=" + scenarios + " clients=" + clients + " servers=" + servers
                + " sizes=" + sizes + " reqrep-sizes=" + reqRepSizes
                + (msgs > 0 ? " msgs=" + msgs : " duration-ms=" + durationMillis)
                + " warmup-ms=" + warmupMillis + " window-bytes=" + windowBytes + " subscribers=" + subscribers
                + " connections=" + connections + " subscriptions=" + subscriptions + " js-sizes=" + jsSizes
                + " js-inflight=" + jsInFlight + " js-direct-msgs=" + jsDirectMsgs + " js-recovery-mb=" + jsRecoveryMb
                + " js-consume-msgs=" + jsConsumeMsgs + " kv-keys=" + kvKeys + " obj-mb=" + objMb
                + " starts=" + starts
                + " settle-ms=" + settleMillis
                + " pin=" + (pin ? "server cpu " + serverCpu + ", client cpu " + clientCpu : "off")
                + " jnats-buffer=" + jnatsBufferBytes + " jnats-queue=" + jnatsOutgoingQueue
                + " natrix=" + String.join(" ", natrixCommand) + " nats-server=" + natsServer
                + " go-bin=" + goBinary;
    }
}
