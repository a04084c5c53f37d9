package io.natrix.bench;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Judges a soak against the reliability plan's D4 bars ("heap and fd slope about 0, p99 drift below 20%"). The
 * samples of the warm-up (the first {@code warmupFraction} of the run: JIT compilation, the stream and the bucket
 * filling up to their limits) are left out. What remains gives:
 * <ul>
 *   <li>a least-squares line through heap, RSS, open descriptors and threads over time, with its slope per hour
 *       and the slope's standard error. A slope counts as growth only when it is above its bar <em>and</em> more
 *       than three standard errors above zero, so the noise of a short run cannot fail it, and a real leak, which
 *       keeps climbing, does;</li>
 *   <li>the p99 drift of request/reply and of JetStream publish latency: the p99 of the last
 *       {@code driftWindowMillis} of the run against the p99 of the first as long after the warm-up, each window
 *       merging its samples' histograms, so one noisy sample of a shared machine does not decide alone.</li>
 * </ul>
 * RSS and a JVM's non-heap memory are reported without a bar: a JVM's resident set follows the heap's committed
 * size, not its use, and its code cache grows while the JIT works. Any error of
 * the load, and a server that died, fail the run too. Immutable.
 */
final class SoakAnalysis {
    /** How many standard errors above zero a slope must be to count as growth. */
    private static final double SIGNIFICANCE = 3;

    /** A fitted line: slope and its standard error per hour, and the mean of the values. */
    record Slope(double perHour, double stdErrorPerHour, double mean, int points) {
        boolean significant() {
            return perHour > SIGNIFICANCE * stdErrorPerHour;
        }
    }

    /**
     * The p99 of the first and the last window, in microseconds, with how many values each window held and how busy
     * other processes kept the server's and the driver's CPUs in each (mean shares, -1 when unknown): a drift that
     * comes with a change there is the machine's, not the server's.
     */
    record Drift(double firstP99Micros, double lastP99Micros, long firstCount, long lastCount,
                 double firstServerNoise, double firstDriverNoise, double lastServerNoise, double lastDriverNoise) {
        double percent() {
            return (lastP99Micros - firstP99Micros) / firstP99Micros * 100;
        }
    }

    /** One line of the verdict. */
    record Check(String name, String measured, String bar, boolean pass) {
    }

    private final Slope heap;
    private final Slope rss;
    private final Slope nonHeap;
    private final Slope fds;
    private final Slope threads;
    private final Drift requestDrift;
    private final Drift publishDrift;
    private final List<Check> checks = new ArrayList<>();
    private final int measuredSamples;

    private SoakAnalysis(List<SoakSample> samples, SoakConfig config, long errors, String failure) {
        double warmupSeconds = config.minutes() * 60 * config.warmupFraction();
        List<SoakSample> measured = samples.stream().filter(s -> s.seconds() >= warmupSeconds).toList();
        this.measuredSamples = measured.size();
        List<SoakSample> withHeap = measured.stream().filter(s -> s.heapBytes() >= 0).toList();
        this.heap = fit(withHeap, s -> s.heapBytes() / 1e6);
        this.rss = fit(measured, s -> s.rssBytes() / 1e6);
        this.nonHeap = fit(measured.stream().filter(s -> s.nonHeapBytes() >= 0).toList(), s -> s.nonHeapBytes() / 1e6);
        this.fds = fit(measured, SoakSample::fds);
        this.threads = fit(measured, SoakSample::threads);
        int window = (int) Math.max(1, Math.ceil(config.driftWindowMillis() / (double) config.samplePeriodMillis()));
        this.requestDrift = drift(measured, window, SoakSample::requestLatency);
        this.publishDrift = drift(measured, window, SoakSample::publishLatency);

        checks.add(failure == null
                ? new Check("run", "completed, server up to the end", "no failure", true)
                : new Check("run", failure, "no failure", false));
        checks.add(new Check("errors", Long.toString(errors), "0", errors == 0));
        checks.add(growthCheck("open descriptors", fds, config.fdSlopeMax(), "/h"));
        checks.add(growthCheck("threads", threads, config.threadSlopeMax(), "/h"));
        if (heap == null) {
            checks.add(new Check("heap", "not sampled", "slope ≤ " + fmt(config.heapSlopePercent()) + "% of mean/h",
                    false));
        } else {
            double bar = heap.mean() * config.heapSlopePercent() / 100;
            checks.add(growthCheck("heap after GC (MB)", heap, bar, " MB/h"));
        }
        checks.add(driftCheck("request/reply p99 drift", requestDrift, config.driftMaxPercent()));
        checks.add(driftCheck("JetStream publish p99 drift", publishDrift, config.driftMaxPercent()));
    }

    static SoakAnalysis of(List<SoakSample> samples, SoakConfig config, long errors, String failure) {
        return new SoakAnalysis(samples, config, errors, failure);
    }

    private static Check growthCheck(String name, Slope slope, double bar, String unit) {
        if (slope == null) {
            return new Check(name, "too few samples after the warm-up", "slope ≤ " + fmt(bar) + unit, false);
        }
        boolean grows = slope.perHour() > bar && slope.significant();
        return new Check(name, String.format(Locale.ROOT, "%+.2f ± %.2f%s (mean %.1f)", slope.perHour(),
                slope.stdErrorPerHour(), unit, slope.mean()),
                "≤ " + fmt(bar) + unit + " or within " + fmt(SIGNIFICANCE) + " s.e. of 0", !grows);
    }

    private static Check driftCheck(String name, Drift drift, double maxPercent) {
        if (drift == null) {
            return new Check(name, "no latencies (part not running)", "≤ " + fmt(maxPercent) + "%", true);
        }
        return new Check(name, String.format(Locale.ROOT, "%+.1f%% (p99 %.0f → %.0f µs; others on the server's / "
                        + "driver's CPU %s / %s → %s / %s)", drift.percent(), drift.firstP99Micros(),
                drift.lastP99Micros(), Soak.share(drift.firstServerNoise()), Soak.share(drift.firstDriverNoise()),
                Soak.share(drift.lastServerNoise()), Soak.share(drift.lastDriverNoise())),
                "≤ " + fmt(maxPercent) + "%",
                drift.percent() <= maxPercent);
    }

    /** Least squares of value over time (hours); null with fewer than three points. */
    static Slope fit(List<SoakSample> samples, ToDoubleFunction<SoakSample> value) {
        int n = samples.size();
        if (n < 3) {
            return null;
        }
        double meanT = 0;
        double meanY = 0;
        for (SoakSample s : samples) {
            meanT += s.seconds() / 3600;
            meanY += value.applyAsDouble(s);
        }
        meanT /= n;
        meanY /= n;
        double sxx = 0;
        double sxy = 0;
        for (SoakSample s : samples) {
            double dt = s.seconds() / 3600 - meanT;
            sxx += dt * dt;
            sxy += dt * (value.applyAsDouble(s) - meanY);
        }
        if (sxx == 0) {
            return null;
        }
        double slope = sxy / sxx;
        double residuals = 0;
        for (SoakSample s : samples) {
            double fitted = meanY + slope * (s.seconds() / 3600 - meanT);
            double r = value.applyAsDouble(s) - fitted;
            residuals += r * r;
        }
        double stdError = Math.sqrt(residuals / (n - 2) / sxx);
        return new Slope(slope, stdError, meanY, n);
    }

    private static Drift drift(List<SoakSample> measured, int window,
                               Function<SoakSample, Histogram> latencies) {
        if (measured.isEmpty()) {
            return null;
        }
        int size = Math.min(window, measured.size());
        List<SoakSample> firstWindow = measured.subList(0, size);
        List<SoakSample> lastWindow = measured.subList(measured.size() - size, measured.size());
        Histogram first = merge(firstWindow, latencies);
        Histogram last = merge(lastWindow, latencies);
        if (first.getTotalCount() == 0 || last.getTotalCount() == 0) {
            return null;
        }
        return new Drift(first.getValueAtPercentile(99) / 1e3, last.getValueAtPercentile(99) / 1e3,
                first.getTotalCount(), last.getTotalCount(),
                meanShare(firstWindow, SoakSample::otherCpuShare),
                meanShare(firstWindow, SoakSample::driverOtherCpuShare),
                meanShare(lastWindow, SoakSample::otherCpuShare),
                meanShare(lastWindow, SoakSample::driverOtherCpuShare));
    }

    /** The mean of a CPU share over a window, or -1 when any sample does not know it. */
    private static double meanShare(List<SoakSample> window, ToDoubleFunction<SoakSample> share) {
        double sum = 0;
        for (SoakSample s : window) {
            double value = share.applyAsDouble(s);
            if (value < 0) {
                return -1;
            }
            sum += value;
        }
        return sum / window.size();
    }

    private static Histogram merge(List<SoakSample> samples,
                                   Function<SoakSample, Histogram> latencies) {
        Histogram merged = new Histogram(3);
        for (SoakSample s : samples) {
            merged.add(latencies.apply(s));
        }
        return merged;
    }

    private static String fmt(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.2f", value);
    }

    boolean pass() {
        return checks.stream().allMatch(Check::pass);
    }

    List<Check> checks() {
        return List.copyOf(checks);
    }

    Slope heap() {
        return heap;
    }

    Slope rss() {
        return rss;
    }

    /** The runtime's memory outside the heap (JVM: metaspace, code cache), without a bar; null when not known. */
    Slope nonHeap() {
        return nonHeap;
    }

    Slope fds() {
        return fds;
    }

    Slope threads() {
        return threads;
    }

    Drift requestDrift() {
        return requestDrift;
    }

    Drift publishDrift() {
        return publishDrift;
    }

    int measuredSamples() {
        return measuredSamples;
    }
}
