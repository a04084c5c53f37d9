package io.natrix.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * The soak job (reliability plan, D4: "1 h nightly, 8 h weekly; heap and fd slope about 0; p99 drift below 20%"):
 * starts a server with JetStream on a fresh temporary store, runs the steady mixed load of {@link SoakLoad} through
 * jnats for {@code --minutes}, samples the server every {@code --sample-s} seconds (resident set, open descriptors
 * and threads from /proc, heap after a full collection through a {@link HeapProbe}, the server's CPU, and the
 * interval's request/reply and JetStream publish latencies), then judges the run ({@link SoakAnalysis}) and writes
 * the report ({@link SoakReport}).
 *
 * <p>Not a test: it runs for as long as it is told and is started by {@code bench/soak.sh}, never by Maven or CI.
 * Exit status: 0 when every server met every bar, 1 when one did not (or a server failed to start or died), 2 for
 * bad options.
 */
public final class Soak {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final DateTimeFormatter STARTED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'");
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private final SoakConfig config;
    private final ServerLauncher launcher;

    private Soak(SoakConfig config, ServerLauncher launcher) {
        this.config = config;
        this.launcher = launcher;
    }

    public static void main(String[] args) throws Exception {
        if (Arrays.asList(args).contains("--help")) {
            System.out.print(SoakConfig.USAGE);
            return;
        }
        SoakConfig config;
        try {
            config = SoakConfig.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("soak: " + e.getMessage());
            System.err.print(SoakConfig.USAGE);
            System.exit(2);
            return;
        }
        System.out.println("soak: " + config);
        Soak soak = new Soak(config, new ServerLauncher(config.launcherConfig()));
        boolean pass = true;
        for (ServerKind kind : config.servers()) {
            pass &= soak.run(kind);
        }
        System.out.println("soak: " + (pass ? "PASS" : "FAIL"));
        System.exit(pass ? 0 : 1);
    }

    /** Soaks one server; returns whether it met every bar. */
    private boolean run(ServerKind kind) throws IOException {
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        String stamp = now.format(STAMP);
        Path store = JsSupport.newStoreDir(kind);
        List<String> extra = new ArrayList<>();
        int profilePort = -1;
        if (kind == ServerKind.NATS_SERVER) {
            profilePort = ServerLauncher.freePort();
            extra.addAll(List.of("--profile", Integer.toString(profilePort)));
        }
        SoakStats stats = new SoakStats();
        List<SoakSample> samples = new ArrayList<>();
        String failure = null;
        String heapMethod = "not sampled";
        System.out.println("soak: " + kind.label() + " for " + config.minutes() + " min, store " + store);
        ServerProcess server;
        try {
            server = launcher.start(kind, store, extra);
        } catch (IOException | RuntimeException e) {
            System.out.println("soak: " + kind.label() + " did not start: " + e.getMessage());
            JsSupport.deleteStoreDir(store);
            return false;
        }
        String command = String.join(" ", launcher.command(kind, server.port(), store, extra));
        Optional<HeapProbe> heap = kind == ServerKind.NATRIX ? JvmHeapProbe.attach(server)
                : Optional.of(new GoHeapProbe(profilePort));
        try {
            if (heap.isPresent()) {
                heapMethod = heap.get().method();
            }
            SoakLoad load = new SoakLoad(config, server, stats);
            try {
                load.start();
                failure = sample(server, heap, stats, samples);
            } catch (Exception e) {
                failure = "the load failed: " + e.getMessage();
            } finally {
                load.stop();
            }
            if (failure == null && !server.alive()) {
                failure = kind.label() + " exited at the end of the load";
            }
        } finally {
            heap.ifPresent(HeapProbe::close);
            if (!server.stop(STOP_GRACE)) {
                System.out.println("soak: " + kind.label() + " had to be killed after " + STOP_GRACE.toSeconds()
                        + " s");
            }
            JsSupport.deleteStoreDir(store);
        }
        SoakAnalysis analysis = SoakAnalysis.of(samples, config, stats.errors(), failure);
        Path report = SoakReport.write(new SoakReport.Run(kind, stamp, now.format(STARTED), config, command,
                heapMethod, samples, stats, analysis));
        System.out.println();
        System.out.print(SoakReport.verdict(analysis));
        System.out.println("soak: " + kind.label() + " " + (analysis.pass() ? "PASS" : "FAIL") + ", "
                + stats.operations() + " operations, " + stats.errors() + " errors; report " + report);
        return analysis.pass();
    }

    /**
     * Samples every period until the run's time is up; returns a failure (the server died) or null. The first
     * sample's interval starts when the load has started.
     */
    private String sample(ServerProcess server, Optional<HeapProbe> heap, SoakStats stats, List<SoakSample> samples) {
        long start = System.nanoTime();
        long end = start + config.durationNanos();
        long periodNanos = config.samplePeriodMillis() * 1_000_000;
        long lastNanos = start;
        long lastCpu = ProcFs.cpuNanosOfTree(server.handle());
        CpuNoise serverCpuNoise = config.pin()
                ? new CpuNoise(config.serverCpu(), () -> ProcFs.cpuNanosOfTree(server.handle())) : null;
        int driverCpu = CpuNoise.pinnedCpuOfThisProcess();
        long driverPid = ProcessHandle.current().pid();
        CpuNoise driverCpuNoise = driverCpu < 0 ? null : new CpuNoise(driverCpu, () -> ProcFs.cpuNanos(driverPid));
        stats.takeRequestLatency();
        stats.takePublishLatency();
        for (long next = start + periodNanos; next - end <= 0; next += periodNanos) {
            LockSupport.parkNanos(next - System.nanoTime());
            if (!server.alive()) {
                return server.kind().label() + " exited after " + (System.nanoTime() - start) / 1_000_000_000
                        + " s; last output:\n" + server.tail();
            }
            long nowNanos = System.nanoTime();
            long cpu = ProcFs.cpuNanosOfTree(server.handle());
            double elapsed = nowNanos - lastNanos;
            double serverShare = (cpu - lastCpu) / elapsed;
            double otherShare = serverCpuNoise == null ? -1 : serverCpuNoise.next();
            double driverOtherShare = driverCpuNoise == null ? -1 : driverCpuNoise.next();
            // Latencies first, so they cover exactly the interval; the forced collection comes after them.
            var requests = stats.takeRequestLatency();
            var publishes = stats.takePublishLatency();
            long rss = server.rssBytes();
            long fds = ProcFs.openFdsOfTree(server.handle());
            long threads = ProcFs.threadsOfTree(server.handle());
            HeapProbe.Reading reading = heap.map(HeapProbe::read).orElse(HeapProbe.Reading.NONE);
            SoakSample sample = new SoakSample((nowNanos - start) / 1e9, rss, fds, threads, reading.bytes(),
                    reading.millis(), reading.nonHeapBytes(), serverShare, otherShare, driverOtherShare,
                    loadAverage(), requests,
                    publishes, stats.operations(), stats.errors());
            samples.add(sample);
            System.out.println(progress(sample));
            lastNanos = nowNanos;
            lastCpu = cpu;
        }
        return null;
    }

    private static String progress(SoakSample s) {
        return String.format(Locale.ROOT, "  %5.0f s  rss %6.1f MB  fds %4d  threads %3d  heap %s  cpu %3.0f%%"
                        + " (others %s, on the driver's CPU %s)  load %.2f  req p50/p99 %s µs  pub p50/p99 %s µs"
                        + "  ops %d  errors %d",
                s.seconds(), s.rssBytes() / 1e6, s.fds(), s.threads(),
                s.heapBytes() < 0 ? "?" : String.format(Locale.ROOT, "%6.1f MB (%d ms)%s", s.heapBytes() / 1e6,
                        s.heapProbeMillis(), s.nonHeapBytes() < 0 ? ""
                                : String.format(Locale.ROOT, " non-heap %.1f MB", s.nonHeapBytes() / 1e6)),
                s.serverCpuShare() * 100,
                share(s.otherCpuShare()), share(s.driverOtherCpuShare()),
                s.loadAverage(), SoakReport.percentiles(s.requestLatency()),
                SoakReport.percentiles(s.publishLatency()), s.operations(), s.errors());
    }

    /** A CPU share as a percentage, or "?" when unknown. */
    static String share(double share) {
        return share < 0 ? "?" : String.format(Locale.ROOT, "%.0f%%", share * 100);
    }

    private static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
