package io.natrix.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The end-to-end side-by-side benchmark: runs the same client code against nats-server and Natrix on this machine,
 * in one run, and prints a table of medians with the ratio Natrix / nats-server.
 *
 * <p>How a run is arranged, and why:
 * <ul>
 *   <li>Each server is pinned to {@code --server-cpu} with taskset; the driver JVM should run under
 *       {@code taskset -c 1} (bench/run.sh does that) and the Go client is pinned to {@code --client-cpu}, so client
 *       and server never compete for a core.</li>
 *   <li>Cases that need a fresh server (start-up, idle memory, connections, subscriptions, JetStream recovery) start
 *       one per run. The messaging cases share one long-lived server of each kind, warmed up first, so that the JIT
 *       of a Java server is measured at steady state; an idle server costs the other nothing. The JetStream cases
 *       share another pair, started with JetStream on a fresh temporary store directory once the core cases are
 *       done (and deleted with it at the end). JetStream recovery, which writes the most, runs last.</li>
 *   <li>Every case runs {@code --rounds} times on each server, and which server goes first alternates by case and
 *       by round, so slow drift of the machine does not favour one side.</li>
 *   <li>Every loop is bounded by count and time, and every process started is ended on exit, also on Ctrl-C.</li>
 * </ul>
 * The process exits with 0 if every run succeeded, 1 if any run failed (lost messages, errors, a server that did not
 * start), 2 for bad arguments.
 */
public final class SideBySide {
    private static final int WARMUP_RUNS_MAX = 10;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z");

    private final BenchConfig config;
    private final ServerLauncher launcher;
    private final List<ServerKind> kinds;
    private final Results results;
    /** The long-lived servers of the group of cases running now (core, then JetStream). */
    private final Map<ServerKind, ServerProcess> shared = new EnumMap<>(ServerKind.class);
    private final Map<ServerKind, String> sharedUnavailable = new EnumMap<>(ServerKind.class);
    /** Store directories of the long-lived JetStream servers, deleted when those servers are closed. */
    private final Map<ServerKind, Path> sharedStoreDirs = new EnumMap<>(ServerKind.class);
    private boolean sharedJetStream;
    private int runsDone;
    private int runsTotal;

    private SideBySide(BenchConfig config, List<ServerKind> kinds) throws IOException {
        this.config = config;
        this.launcher = new ServerLauncher(config);
        this.kinds = kinds;
        this.results = new Results(kinds);
    }

    public static void main(String[] args) throws Exception {
        BenchConfig config;
        try {
            config = BenchConfig.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("natrix-bench: " + e.getMessage());
            System.err.print(BenchConfig.USAGE);
            System.exit(2);
            return;
        }
        if (List.of(args).contains("--help")) {
            System.out.print(BenchConfig.USAGE);
            return;
        }
        System.exit(run(config));
    }

    static int run(BenchConfig config) throws Exception {
        List<ServerKind> kinds = checkServers(config);
        if (kinds.isEmpty()) {
            System.err.println("natrix-bench: no server to run");
            return 1;
        }
        SideBySide driver = new SideBySide(config, kinds);
        return driver.runAll();
    }

    private int runAll() throws Exception {
        String header = header();
        System.out.print(header);
        List<BenchCase> cases = buildCases();
        cases.forEach(results::register);
        runsTotal = cases.size() * config.rounds() * kinds.size();

        // Fresh-server cases first, while nothing else is running on the server CPU; then the core messaging cases
        // and the JetStream ones, each group on its own pair of long-lived servers; JetStream recovery last, because
        // it writes gigabytes that the kernel goes on writing back for a while.
        runCases(cases.stream().filter(c -> !c.usesSharedServer() && !c.needsJetStream()).toList());
        runShared(cases.stream().filter(c -> c.usesSharedServer() && !c.needsJetStream()).toList(), false);
        runShared(cases.stream().filter(c -> c.usesSharedServer() && c.needsJetStream()).toList(), true);
        runCases(cases.stream().filter(c -> !c.usesSharedServer() && c.needsJetStream()).toList());

        String table = results.markdown();
        String failures = results.failures();
        StringBuilder report = new StringBuilder(header).append('\n').append(table);
        report.append("\nRatio: Natrix / nats-server (medians). ↑ higher is better, ↓ lower is better; a bold ratio "
                + "is a throughput below the ").append(Results.THROUGHPUT_GOAL).append(" goal.\n");
        report.append("\"server CPU per msg\" is the server's CPU time (user + system) divided by the messages "
                + "delivered (or published, for publish-only); \"busy\" is how much of its one CPU it used during "
                + "the run.\n");
        report.append("Load average at the end: ").append(loadAverage()).append('\n');
        String interference = results.interference();
        if (interference != null) {
            report.append("Share of the server CPU used by other processes during the messaging runs: ")
                    .append(interference).append(" (near 0% on a quiet machine; more means noisy figures)\n");
        }
        if (!failures.isEmpty()) {
            report.append("\nFailed runs (not included in the medians):\n").append(failures);
        }
        System.out.println();
        System.out.print(report.substring(header.length()));
        if (config.out() != null) {
            Path out = config.out().toAbsolutePath();
            if (out.getParent() != null) {
                Files.createDirectories(out.getParent());
            }
            Files.writeString(out, report.toString(), StandardCharsets.UTF_8);
            String name = out.getFileName().toString();
            String base = name.endsWith(".md") ? name.substring(0, name.length() - 3) : name;
            Path csv = out.resolveSibling(base + ".csv");
            Files.writeString(csv, results.csv(), StandardCharsets.UTF_8);
            System.out.println("\nWrote " + out + " and " + csv);
        }
        return results.anyFailure() ? 1 : 0;
    }

    /** The cases in display order; which run depends on --scenarios and --clients. */
    private List<BenchCase> buildCases() {
        List<BenchCase> cases = new ArrayList<>();
        Pattern[] patterns = Pattern.values();
        if (config.clients().contains("jnats")) {
            for (Pattern pattern : patterns) {
                if (config.wants(pattern.option())) {
                    for (int size : config.sizes()) {
                        cases.add(new JnatsThroughput(pattern, size, config.subscribers()));
                    }
                }
            }
            if (config.wants("reqrep")) {
                config.reqRepSizes().forEach(size -> cases.add(new JnatsRequestReply(size)));
            }
            // JetStream scenarios (streams, consumers, key-value, object store) are driven by jnats only.
            if (config.wants("js-pub-sync")) {
                config.jsSizes().forEach(size -> cases.add(JsPublish.sync(size)));
            }
            if (config.wants("js-pub-async")) {
                config.jsSizes().forEach(size -> cases.add(JsPublish.async(size, config.jsInFlight())));
            }
            if (config.wants("js-direct-get")) {
                config.jsSizes().forEach(size -> cases.add(new JsDirectGet(size, config.jsDirectMsgs())));
            }
            cases.addAll(JsConsume.cases(config));
            cases.addAll(JsKeyValue.cases(config));
            cases.addAll(JsObjectStore.cases(config));
            if (config.wants("js-recovery")) {
                cases.add(new JsRecovery(config.jsRecoveryMb(), config.jsInFlight()));
            }
        }
        boolean go = config.clients().contains("go");
        if (go && (config.goBinary() == null || !Files.isExecutable(config.goBinary()))) {
            System.out.println("!! the Go client driver " + config.goBinary()
                    + " is not built (bench/run.sh builds it); skipping the Go rows.");
            go = false;
        }
        if (go) {
            for (Pattern pattern : patterns) {
                if (config.wants(pattern.option())) {
                    for (int size : config.sizes()) {
                        cases.add(GoClientCase.throughput(config.goBinary(), pattern, size, config.subscribers()));
                    }
                }
            }
            if (config.wants("reqrep")) {
                config.reqRepSizes().forEach(size -> cases.add(GoClientCase.requestReply(config.goBinary(), size)));
            }
        }
        if (config.wants("startup")) {
            cases.add(new StartupTime());
        }
        if (config.wants("idle")) {
            cases.add(new IdleMemory());
        }
        if (config.wants("conns")) {
            cases.add(new ConnectionStorm(config.connections()));
        }
        if (config.wants("subs")) {
            cases.add(new SubscriptionMemory(config.subscriptions()));
        }
        return cases;
    }

    /**
     * Runs cases against long-lived servers: starts one of each kind (with JetStream on a fresh store directory when
     * {@code jetStream}), warms them up, runs the cases, and ends the servers (deleting their store directories).
     */
    private void runShared(List<BenchCase> cases, boolean jetStream) throws InterruptedException {
        if (cases.isEmpty()) {
            return;
        }
        sharedJetStream = jetStream;
        try {
            for (ServerKind kind : kinds) {
                startShared(kind);
            }
            runCases(cases);
        } finally {
            shared.values().forEach(ServerProcess::close);
            shared.clear();
            sharedUnavailable.clear();
            sharedStoreDirs.values().forEach(JsSupport::deleteStoreDir);
            sharedStoreDirs.clear();
        }
    }

    private void runCases(List<BenchCase> cases) throws InterruptedException {
        for (int index = 0; index < cases.size(); index++) {
            BenchCase benchCase = cases.get(index);
            for (int round = 1; round <= config.rounds(); round++) {
                for (ServerKind kind : order(index, round)) {
                    Sample sample = runOnce(benchCase, kind);
                    results.add(benchCase, kind, round, sample);
                    runsDone++;
                    System.out.printf("[%3d/%d] %-40s %-11s round %d: %s%n", runsDone, runsTotal, benchCase.title(),
                            kind.label(), round, Results.summary(benchCase, sample));
                }
            }
        }
    }

    /** Alternates which server goes first, by case and by round. */
    private List<ServerKind> order(int caseIndex, int round) {
        if (kinds.size() < 2 || (caseIndex + round) % 2 == 1) {
            return kinds;
        }
        return kinds.reversed();
    }

    private Sample runOnce(BenchCase benchCase, ServerKind kind) throws InterruptedException {
        ServerProcess server = null;
        if (benchCase.usesSharedServer()) {
            server = sharedServer(kind);
            if (server == null) {
                return Sample.failed(kind.label() + " is not running: " + sharedUnavailable.get(kind));
            }
        }
        try {
            BenchCase.Context context = new BenchCase.Context(kind, server, launcher, config);
            if (server == null) {
                return benchCase.run(context);
            }
            // Account for the server's CPU time and for whatever else ran on its CPU during the run.
            long serverCpuBefore = ProcFs.cpuNanosOfTree(server.handle());
            long coreBusyBefore = ProcFs.busyNanosOfCpu(config.serverCpu());
            long clientCpuBefore = ProcFs.cpuNanos(ProcessHandle.current().pid());
            long wallBefore = System.nanoTime();
            Sample sample = benchCase.run(context);
            long wall = System.nanoTime() - wallBefore;
            long serverCpu = ProcFs.cpuNanosOfTree(server.handle()) - serverCpuBefore;
            long coreBusy = ProcFs.busyNanosOfCpu(config.serverCpu()) - coreBusyBefore;
            long clientCpu = ProcFs.cpuNanos(ProcessHandle.current().pid()) - clientCpuBefore;
            return withServerCpu(sample, serverCpu, coreBusyBefore < 0 ? -1 : coreBusy, clientCpu, wall);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            return Sample.failed(e.getMessage() == null ? e.toString()
                    : e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /**
     * Adds the server's CPU cost per message, its CPU utilisation over the measured interval, the driver JVM's own
     * CPU utilisation, and the share of the server's CPU that other processes used (noise: it should be near zero on
     * a quiet machine).
     */
    private Sample withServerCpu(Sample sample, long serverCpuNanos, long coreBusyNanos, long clientCpuNanos,
            long wallNanos) {
        Map<String, Double> values = new HashMap<>(sample.values());
        Double count = values.get("count");
        Double seconds = values.get("seconds");
        // A case that measured the server's CPU over its own measured interval (JetStream: without creating and
        // deleting streams) keeps its figures.
        if (count != null && count > 0) {
            values.putIfAbsent(Metric.SERVER_CPU, serverCpuNanos / 1e3 / count);
        }
        if (seconds != null && seconds > 0) {
            values.putIfAbsent(Metric.SERVER_BUSY, Math.min(1.0, serverCpuNanos / 1e9 / seconds));
        }
        if (wallNanos > 0) {
            // The driver JVM's own CPU use: near 100% means jnats, not the server, set the pace.
            values.put(Metric.CLIENT_BUSY, Math.min(1.0, clientCpuNanos / (double) wallNanos));
        }
        if (config.pin() && coreBusyNanos >= 0 && wallNanos > 0) {
            values.put(Metric.OTHER_LOAD, Math.max(0.0, (coreBusyNanos - serverCpuNanos) / (double) wallNanos));
        }
        return new Sample(Map.copyOf(values), sample.failure());
    }

    /** The long-lived server of a kind, restarted (once per failure) if it died during an earlier case. */
    private ServerProcess sharedServer(ServerKind kind) throws InterruptedException {
        ServerProcess server = shared.get(kind);
        if (server != null && server.alive()) {
            return server;
        }
        if (sharedUnavailable.containsKey(kind) && server == null) {
            return null;
        }
        if (server != null) {
            System.out.println("!! " + kind.label() + " exited during the run; restarting it. Last output:\n"
                    + server.tail());
            server.close();
            shared.remove(kind);
        }
        startShared(kind);
        return shared.get(kind);
    }

    private void startShared(ServerKind kind) throws InterruptedException {
        try {
            Path storeDir = null;
            if (sharedJetStream) {
                // A restarted server starts on an empty store as well: nothing an earlier server wrote is measured.
                JsSupport.deleteStoreDir(sharedStoreDirs.remove(kind));
                storeDir = JsSupport.newStoreDir(kind);
                sharedStoreDirs.put(kind, storeDir);
            }
            ServerProcess server = launcher.start(kind, storeDir);
            shared.put(kind, server);
            sharedUnavailable.remove(kind);
            System.out.println("Started " + server + (sharedJetStream ? " with JetStream in " + storeDir
                    + " for the JetStream cases" : " for the messaging cases") + "; warming up in runs of "
                    + config.warmupMillis() + " ms until each pattern's rate is stable");
            warmUp(server);
        } catch (IOException e) {
            sharedUnavailable.put(kind, e.getMessage());
            System.out.println("!! could not start " + kind.label() + ": " + e.getMessage());
        }
    }

    /**
     * Runs each selected messaging pattern (or JetStream scenario, on a JetStream server) at 128 B until its rate is
     * stable (three runs within 10%), so both the server's and the client's JIT reach steady state before anything
     * is measured. Failures here are only reported; the measured runs judge.
     */
    private void warmUp(ServerProcess server) throws InterruptedException {
        if (config.warmupMillis() <= 0) {
            return;
        }
        List<BenchCase> warmups = new ArrayList<>();
        if (sharedJetStream) {
            if (config.wants("js-pub-sync")) {
                warmups.add(JsPublish.sync(128));
            }
            if (config.wants("js-pub-async")) {
                warmups.add(JsPublish.async(128, config.jsInFlight()));
            }
            if (config.wants("js-direct-get")) {
                warmups.add(new JsDirectGet(128, config.jsDirectMsgs()));
            }
            warmups.addAll(JsConsume.warmUps(config));
            warmups.addAll(JsKeyValue.warmUps(config));
            warmups.addAll(JsObjectStore.warmUps(config));
        } else {
            for (Pattern pattern : Pattern.values()) {
                if (config.wants(pattern.option())) {
                    warmups.add(new JnatsThroughput(pattern, 128, config.subscribers()));
                }
            }
            if (config.wants("reqrep")) {
                warmups.add(new JnatsRequestReply(128));
            }
        }
        for (BenchCase warmup : warmups) {
            // Repeat until three consecutive rates agree within 10% (at most WARMUP_RUNS_MAX runs): on one CPU the
            // JIT compiles in the background, and jnats' publish path takes about five seconds to reach full speed.
            double previous = Double.NaN;
            int stable = 0;
            for (int run = 1; run <= WARMUP_RUNS_MAX; run++) {
                Sample sample;
                try {
                    sample = ((BenchCase.WarmUp) warmup).warmUp(server, config, config.warmupMillis());
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    sample = Sample.failed(e.toString());
                }
                System.out.println("  warm-up " + run + " " + warmup.title() + " on " + server.kind().label() + ": "
                        + Results.summary(warmup, sample));
                if (!sample.isOk()) {
                    break;
                }
                double rate = sample.values().getOrDefault("rate", Double.NaN);
                stable = Math.abs(rate - previous) <= 0.1 * Math.max(rate, previous) ? stable + 1 : 0;
                if (stable >= 2) {
                    break;
                }
                previous = rate;
            }
        }
    }

    /** Keeps the servers that can be started; says why one cannot. */
    private static List<ServerKind> checkServers(BenchConfig config) {
        List<ServerKind> kinds = new ArrayList<>();
        for (ServerKind kind : config.servers()) {
            String executable = switch (kind) {
                case NATS_SERVER -> config.natsServer();
                case NATRIX -> config.natrixCommand().getFirst();
            };
            Path path = Path.of(executable);
            if (Files.isExecutable(path) || (!executable.contains("/") && onPath(executable))) {
                kinds.add(kind);
            } else {
                System.out.println("!! " + kind.label() + " is not available (" + executable
                        + " is not an executable file); its column stays empty.");
            }
        }
        if (config.pin() && !onPath("taskset")) {
            throw new IllegalStateException("taskset is not installed; install util-linux or pass --no-pin");
        }
        return kinds;
    }

    private static boolean onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return true;
            }
        }
        return false;
    }

    private String header() {
        StringBuilder out = new StringBuilder();
        out.append("# Natrix vs nats-server, side by side\n\n");
        out.append("- date: ").append(ZonedDateTime.now().format(STAMP)).append('\n');
        out.append("- machine: ").append(cpuModel()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" CPU(s) visible to the driver, ").append(memTotal()).append('\n');
        out.append("- driver JVM: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append(", pinned to CPU(s) ")
                .append(ProcFs.allowedCpus()).append('\n');
        out.append("- servers pinned to CPU ")
                .append(config.pin() ? Integer.toString(config.serverCpu()) : "(not pinned)")
                .append("; nats-server: ").append(natsServerVersion()).append("; Natrix: ")
                .append(String.join(" ", config.natrixCommand())).append('\n');
        out.append("- settings: ").append(config).append('\n');
        out.append("- load average at start: ").append(loadAverage()).append("; CPU busy over 1 s before the run: ")
                .append(cpuBusyNow()).append(" (anything else running on this machine disturbs the figures)\n");
        String allowed = ProcFs.allowedCpus();
        if (config.pin() && !allowed.equals(Integer.toString(config.clientCpu()))) {
            out.append("- WARNING: the driver JVM is not pinned to CPU ").append(config.clientCpu())
                    .append(" (allowed: ").append(allowed).append("); run it under `taskset -c ")
                    .append(config.clientCpu()).append("` (bench/run.sh does) or figures will be noisier\n");
        }
        return out.toString();
    }

    private String natsServerVersion() {
        try {
            Process process = new ProcessBuilder(config.natsServer(), "--version").redirectErrorStream(true).start();
            ChildProcesses.register(process);
            try {
                String text = new String(process.getInputStream().readNBytes(4096), StandardCharsets.UTF_8).trim();
                process.waitFor(5, TimeUnit.SECONDS);
                return text.isEmpty() ? "?" : text;
            } finally {
                ChildProcesses.end(process.toHandle());
            }
        } catch (IOException e) {
            return "? (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    /** How busy each CPU is right now, sampled over one second from /proc/stat. */
    private static String cpuBusyNow() {
        int cpus = Math.max(1, onlineCpus());
        long[] before = new long[cpus];
        for (int cpu = 0; cpu < cpus; cpu++) {
            before[cpu] = ProcFs.busyNanosOfCpu(cpu);
        }
        long start = System.nanoTime();
        LockSupport.parkNanos(1_000_000_000L);
        long wall = System.nanoTime() - start;
        List<String> parts = new ArrayList<>();
        for (int cpu = 0; cpu < cpus; cpu++) {
            long after = ProcFs.busyNanosOfCpu(cpu);
            parts.add(before[cpu] < 0 || after < 0 ? "cpu" + cpu + " ?"
                    : String.format(Locale.ROOT, "cpu%d %.0f%%", cpu, 100.0 * (after - before[cpu]) / wall));
        }
        return String.join(", ", parts);
    }

    private static int onlineCpus() {
        int count = 0;
        while (count < 4096 && ProcFs.busyNanosOfCpu(count) >= 0) {
            count++;
        }
        return count;
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            return "unknown CPU";
        }
        return "unknown CPU";
    }

    private static String memTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format(Locale.ROOT, "%.1f GiB RAM", kb / 1024.0 / 1024.0);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return "unknown RAM";
        }
        return "unknown RAM";
    }
}
