package io.natrix.bench;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes one soak's results: a Markdown report (settings, verdict, totals, and one row per sample) and a CSV with
 * one row per sample, side by side under {@code --out-dir} as {@code soak-<stamp>-<server>.md} and {@code .csv}.
 * Stateless.
 */
final class SoakReport {
    private static final String CSV_HEADER = "seconds,rss_mb,fds,threads,heap_mb,heap_probe_ms,non_heap_mb,"
            + "server_cpu,other_cpu,driver_other_cpu,load1,req_count,req_p50_us,req_p99_us,pub_count,pub_p50_us,"
            + "pub_p99_us,"
            + "operations,errors";

    private SoakReport() {
    }

    /** What one soak on one server produced. */
    record Run(ServerKind kind, String stamp, String started, SoakConfig config, String serverCommand,
               String heapMethod, List<SoakSample> samples, SoakStats stats, SoakAnalysis analysis) {
    }

    /** Writes the two files and returns the Markdown one. */
    static Path write(Run run) throws IOException {
        Files.createDirectories(run.config().outDir());
        String base = "soak-" + run.stamp() + "-" + run.kind().name().toLowerCase(Locale.ROOT).replace('_', '-');
        Path md = run.config().outDir().resolve(base + ".md");
        Files.writeString(md, markdown(run), StandardCharsets.UTF_8);
        Files.writeString(run.config().outDir().resolve(base + ".csv"), csv(run.samples()), StandardCharsets.UTF_8);
        return md;
    }

    /** The verdict lines, for the console. */
    static String verdict(SoakAnalysis analysis) {
        StringBuilder out = new StringBuilder();
        out.append("| check | measured | bar | result |\n|---|---|---|---|\n");
        for (SoakAnalysis.Check check : analysis.checks()) {
            out.append("| ").append(check.name()).append(" | ").append(check.measured()).append(" | ")
                    .append(check.bar()).append(" | ").append(check.pass() ? "pass" : "**FAIL**").append(" |\n");
        }
        return out.toString();
    }

    private static String markdown(Run run) {
        SoakAnalysis analysis = run.analysis();
        StringBuilder out = new StringBuilder();
        out.append("# Soak of ").append(run.kind().label()).append(", ").append(fmt(run.config().minutes()))
                .append(" min (started ").append(run.started()).append(")\n\n");
        out.append("- Settings: ").append(run.config()).append('\n');
        out.append("- Server: `").append(run.serverCommand()).append("`\n");
        out.append("- Heap: ").append(run.heapMethod()).append('\n');
        out.append("- Driver: on CPU(s) ").append(ProcFs.allowedCpus()).append('\n');
        out.append("- Samples: ").append(run.samples().size()).append(", of which ").append(analysis.measuredSamples())
                .append(" after the warm-up\n\n");
        out.append("## Verdict: ").append(analysis.pass() ? "PASS" : "FAIL").append("\n\n");
        out.append(verdict(analysis));
        SoakAnalysis.Slope rss = analysis.rss();
        if (rss != null) {
            out.append(String.format(Locale.ROOT, "%nRSS (no bar): %+.2f ± %.2f MB/h, mean %.1f MB.%n",
                    rss.perHour(), rss.stdErrorPerHour(), rss.mean()));
        }
        SoakAnalysis.Slope nonHeap = analysis.nonHeap();
        if (nonHeap != null) {
            out.append(String.format(Locale.ROOT, "Non-heap (no bar): %+.2f ± %.2f MB/h, mean %.1f MB.%n",
                    nonHeap.perHour(), nonHeap.stdErrorPerHour(), nonHeap.mean()));
        }
        out.append("\n## Totals\n\n| part | operations | errors |\n|---|---:|---:|\n");
        Map<String, Long> errors = run.stats().errorsByPart();
        for (Map.Entry<String, Long> entry : run.stats().operationsByPart().entrySet()) {
            out.append("| ").append(entry.getKey()).append(" | ").append(entry.getValue()).append(" | ")
                    .append(errors.getOrDefault(entry.getKey(), 0L)).append(" |\n");
        }
        out.append("| all | ").append(run.stats().operations()).append(" | ").append(run.stats().errors())
                .append(" |\n");
        boolean anyError = false;
        for (String text : run.stats().errorTexts()) {
            if (!anyError) {
                out.append("\nErrors (first of each kind):\n\n");
                anyError = true;
            }
            out.append("- ").append(text).append('\n');
        }
        out.append("\n## Samples\n\n| s | RSS MB | fds | threads | heap MB | GC ms | non-heap MB | server CPU"
                + " | others on its CPU | others on the driver's CPU | load | req p50/p99 µs | pub p50/p99 µs"
                + " | ops/s |\n"
                + "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        SoakSample previous = null;
        for (SoakSample s : run.samples()) {
            double seconds = previous == null ? s.seconds() : s.seconds() - previous.seconds();
            long ops = s.operations() - (previous == null ? 0 : previous.operations());
            out.append(String.format(Locale.ROOT,
                    "| %.0f | %.1f | %d | %d | %s | %s | %s | %.0f%% | %s | %s | %.2f | %s | %s | %.0f |%n",
                    s.seconds(), s.rssBytes() / 1e6, s.fds(), s.threads(),
                    s.heapBytes() < 0 ? "?" : String.format(Locale.ROOT, "%.1f", s.heapBytes() / 1e6),
                    s.heapProbeMillis() < 0 ? "?" : Long.toString(s.heapProbeMillis()),
                    s.nonHeapBytes() < 0 ? "–" : String.format(Locale.ROOT, "%.1f", s.nonHeapBytes() / 1e6),
                    s.serverCpuShare() * 100,
                    Soak.share(s.otherCpuShare()), Soak.share(s.driverOtherCpuShare()),
                    s.loadAverage(), percentiles(s.requestLatency()), percentiles(s.publishLatency()),
                    seconds > 0 ? ops / seconds : 0));
            previous = s;
        }
        return out.toString();
    }

    private static String csv(List<SoakSample> samples) {
        StringBuilder out = new StringBuilder(CSV_HEADER).append('\n');
        for (SoakSample s : samples) {
            out.append(String.format(Locale.ROOT,
                    "%.1f,%.3f,%d,%d,%.3f,%d,%.3f,%.4f,%.4f,%.4f,%.2f,%d,%.1f,%.1f,%d,%.1f,%.1f,%d,%d%n",
                    s.seconds(), s.rssBytes() / 1e6, s.fds(), s.threads(),
                    s.heapBytes() < 0 ? -1.0 : s.heapBytes() / 1e6, s.heapProbeMillis(),
                    s.nonHeapBytes() < 0 ? -1.0 : s.nonHeapBytes() / 1e6, s.serverCpuShare(),
                    s.otherCpuShare(), s.driverOtherCpuShare(), s.loadAverage(),
                    s.requestLatency().getTotalCount(), micros(s.requestLatency(), 50), micros(s.requestLatency(), 99),
                    s.publishLatency().getTotalCount(), micros(s.publishLatency(), 50), micros(s.publishLatency(), 99),
                    s.operations(), s.errors()));
        }
        return out.toString();
    }

    /** "p50/p99" in microseconds, or "–" for an interval without values. */
    static String percentiles(Histogram latencies) {
        if (latencies.getTotalCount() == 0) {
            return "–";
        }
        return String.format(Locale.ROOT, "%.0f/%.0f", micros(latencies, 50), micros(latencies, 99));
    }

    private static double micros(Histogram latencies, double percentile) {
        return latencies.getTotalCount() == 0 ? 0 : latencies.getValueAtPercentile(percentile) / 1e3;
    }

    private static String fmt(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
