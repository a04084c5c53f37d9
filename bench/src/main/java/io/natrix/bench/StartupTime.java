package io.natrix.bench;

import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Start-up time: from just before the process is created to the first accepted TCP connection, probing with a
 * connect attempt every millisecond; and to the first bytes of the INFO greeting on that connection (the server is
 * then really serving, not only listening). One run starts the server {@code --starts} times and reports the
 * medians of those starts. The probe connects to 127.0.0.1 only, to the fresh port given to that start.
 */
final class StartupTime implements BenchCase {
    private static final long POLL_NANOS = Duration.ofMillis(1).toNanos();

    @Override
    public String title() {
        return "start-up (median of starts)";
    }

    @Override
    public List<Metric> metrics() {
        return List.of(
                Metric.lower("accept", "exec → TCP accept", Metric.Unit.MILLIS),
                Metric.lower("info", "exec → INFO received", Metric.Unit.MILLIS));
    }

    @Override
    public boolean usesSharedServer() {
        return false;
    }

    @Override
    public Sample run(Context context) throws Exception {
        BenchConfig config = context.config();
        int starts = config.starts();
        double[] accept = new double[starts];
        double[] info = new double[starts];
        long timeoutNanos = Duration.ofMillis(config.startTimeoutMillis()).toNanos();
        // One unmeasured start first: it pays for whatever a first start does once (a launcher that rebuilds a
        // stale jar or its start-up cache, a cold page cache), which is not the start-up time users see each time.
        context.launcher().start(context.kind()).close();
        for (int i = 0; i < starts; i++) {
            try (ServerProcess server = context.launcher().spawn(context.kind())) {
                long begin = server.spawnNanos();
                Socket socket = null;
                while (socket == null) {
                    if (System.nanoTime() - begin > timeoutNanos) {
                        return Sample.failed("no connection accepted within " + config.startTimeoutMillis() + " ms");
                    }
                    if (!server.alive()) {
                        return Sample.failed("the server exited during start-up:\n" + server.tail());
                    }
                    socket = Probe.tryConnect(server.port());
                    if (socket == null) {
                        LockSupport.parkNanos(POLL_NANOS);
                    }
                }
                long accepted = System.nanoTime();
                try {
                    if (!Probe.readsInfo(socket, Duration.ofNanos(timeoutNanos))) {
                        return Sample.failed("the first connection did not receive INFO");
                    }
                } finally {
                    Probe.closeQuietly(socket);
                }
                long greeted = System.nanoTime();
                accept[i] = (accepted - begin) / 1e6;
                info[i] = (greeted - begin) / 1e6;
            }
        }
        return Sample.ok(Map.of("accept", median(accept), "info", median(info)));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
