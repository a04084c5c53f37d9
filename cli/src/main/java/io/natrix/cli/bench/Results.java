package io.natrix.cli.bench;

import io.natrix.cli.output.Human;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * A finished benchmark's samples, publishers and subscribers apart, and the two ways natscli hands them back: the
 * summary people read, and the CSV file {@code --csv} writes.
 *
 * <p>The summary has natscli's long-standing layout: a {@code NATS Pub/Sub stats} line when both sides ran, then per
 * side {@code Pub stats: 1,234,567 msgs/sec ~ 150.70 MiB/sec}, and with more than one client a line per client
 * ({@code [1] 600,000 msgs/sec ~ 73.24 MiB/sec (100000 msgs)}) and the spread of their rates
 * ({@code min ... | avg ... | max ... | stddev ... msgs}). Benchmarks that time each operation add natscli's
 * {@code latencies per operation min ...us | avg ...us | ... | P99.9: ...us} line from the HdrHistogram of all the
 * side's operations.
 *
 * <p>The CSV has natscli's columns ({@code #RunID,ClientID,MsgCount,MsgBytes,MsgsPerSec,BytesPerSec,DurationSecs},
 * plus the latency columns in microseconds when operations were timed), one row per client, subscribers
 * ({@code S0}, {@code S1}, ...) before publishers ({@code P0}, ...). Not thread-safe: built once the clients are done.
 */
final class Results {

    private static final String[] IEC = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private final String name;
    private final String runId;
    private final SampleGroup pubs;
    private final SampleGroup subs;

    Results(String name, String runId, SampleGroup pubs, SampleGroup subs) {
        this.name = name;
        this.runId = runId;
        this.pubs = pubs;
        this.subs = subs;
    }

    /** The summary, one string per line. */
    List<String> report() {
        List<String> lines = new ArrayList<>();
        if (pubs.isEmpty() && subs.isEmpty()) {
            lines.add("No publisher or subscribers. Nothing to report.");
            return lines;
        }
        String indent = "";
        if (!pubs.isEmpty() && !subs.isEmpty()) {
            Sample p = pubs.total();
            Sample s = subs.total();
            Sample both = new Sample(p.jobMessages() + s.jobMessages(), p.messageBytes() + s.messageBytes(),
                    p.ioMessages() + s.ioMessages(), p.ioBytes() + s.ioBytes(),
                    Math.min(p.startNanos(), s.startNanos()), Math.max(p.endNanos(), s.endNanos()), null);
            lines.add(name + " Pub/Sub stats: " + rates(both));
            indent = " ";
        }
        side(lines, indent, "Pub", pubs);
        side(lines, indent, "Sub", subs);
        return lines;
    }

    private static void side(List<String> lines, String indent, String label, SampleGroup group) {
        if (group.isEmpty()) {
            return;
        }
        Sample total = group.total();
        lines.add(indent + label + " stats: " + rates(total));
        List<Sample> samples = group.samples();
        if (samples.size() > 1) {
            for (int i = 0; i < samples.size(); i++) {
                Sample s = samples.get(i);
                lines.add(indent + " [" + (i + 1) + "] " + rates(s) + " (" + s.jobMessages() + " msgs)");
            }
            lines.add(indent + " min " + Human.count(group.minRate()) + " | avg " + Human.count(group.avgRate())
                    + " | max " + Human.count(group.maxRate()) + " | stddev "
                    + Human.count((long) group.stdDevRate()) + " msgs");
        }
        if (total.hasLatencies()) {
            Histogram h = total.latencies();
            lines.add(indent + " latencies per operation min " + micros(h.getMinValue()) + "us | avg "
                    + micros(h.getMean()) + "us | max " + micros(h.getMaxValue()) + "us | stddev "
                    + micros(h.getStdDeviation()) + "us | P50 " + micros(h.getValueAtPercentile(50))
                    + "us | P90 " + micros(h.getValueAtPercentile(90)) + "us | P99 "
                    + micros(h.getValueAtPercentile(99)) + "us | P99.9: " + micros(h.getValueAtPercentile(99.9))
                    + "us");
        }
    }

    /** The CSV file's text: a header line and one line per client. */
    String csv() {
        boolean latencies = hasLatencies(pubs) || hasLatencies(subs);
        StringBuilder sb = new StringBuilder(
                "#RunID,ClientID,MsgCount,MsgBytes,MsgsPerSec,BytesPerSec,DurationSecs");
        if (latencies) {
            sb.append(",MinLatencyMicroSecs,AvgLatencyMicroSecs,MaxLatencyMicroSecs,P50LatencyMicroSecs,"
                    + "P90LatencyMicroSecs,P99LatencyMicroSecs,P99.9LatencyMicroSecs,StdDevLatencyMicroSecs");
        }
        sb.append('\n');
        rows(sb, "S", subs, latencies);
        rows(sb, "P", pubs, latencies);
        return sb.toString();
    }

    private void rows(StringBuilder sb, String prefix, SampleGroup group, boolean latencies) {
        List<Sample> samples = group.samples();
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            sb.append(runId).append(',').append(prefix).append(i).append(',').append(s.ioMessages()).append(',')
                    .append(s.messageBytes()).append(',').append(s.rate()).append(',')
                    .append(decimal(s.throughput())).append(',').append(decimal(s.durationNanos() / 1e9));
            if (latencies) {
                Histogram h = s.hasLatencies() ? s.latencies() : new Histogram(3);
                double[] values = {h.getMinValue(), h.getMean(), h.getMaxValue(), h.getValueAtPercentile(50),
                    h.getValueAtPercentile(90), h.getValueAtPercentile(99), h.getValueAtPercentile(99.9),
                    h.getStdDeviation()};
                for (double v : values) {
                    sb.append(',').append(decimal(v / 1e3));
                }
            }
            sb.append('\n');
        }
    }

    private static boolean hasLatencies(SampleGroup group) {
        return group.samples().stream().anyMatch(Sample::hasLatencies);
    }

    /** {@code 1,234 msgs/sec ~ 150.70 MiB/sec}. */
    static String rates(Sample s) {
        return Human.count(s.rate()) + " msgs/sec ~ " + bytes(s.throughput()) + "/sec";
    }

    /** Bytes in 1024-based units with two decimals, as natscli's bench prints throughput: {@code 150.70 MiB}. */
    static String bytes(double n) {
        double value = n;
        int unit = 0;
        while (value >= 1024 && unit < IEC.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.2f %s", value, IEC[unit]);
    }

    /**
     * Nanoseconds as microseconds the way natscli prints latencies: thousands separated, at most two decimals
     * (cut, not rounded), no trailing zeros: {@code 1,234.5}.
     */
    static String micros(double nanos) {
        long hundredths = (long) Math.floor(nanos / 10);
        String whole = Human.count(hundredths / 100);
        long fraction = hundredths % 100;
        if (fraction == 0) {
            return whole;
        }
        return fraction % 10 == 0 ? whole + "." + fraction / 10
                : String.format(Locale.ROOT, "%s.%02d", whole, fraction);
    }

    private static String decimal(double v) {
        return String.format(Locale.ROOT, "%f", v);
    }
}
