package io.natrix.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Collects every sample by case, server and round, and renders the side-by-side table (medians of the successful
 * rounds, and the ratio Natrix / nats-server), the list of failures, and a CSV of the raw samples. Not thread-safe:
 * the driver's main thread owns it.
 */
final class Results {
    /** The product's throughput goal: Natrix at least this fraction of nats-server. */
    static final double THROUGHPUT_GOAL = 0.8;

    private final List<ServerKind> kinds;
    private final Map<BenchCase, Map<ServerKind, List<Recorded>>> byCase = new LinkedHashMap<>();

    private record Recorded(int round, Sample sample) {
    }

    Results(List<ServerKind> kinds) {
        this.kinds = List.copyOf(kinds);
    }

    /** Fixes the display order: cases appear in the order they were registered, whatever order they ran in. */
    void register(BenchCase benchCase) {
        byCase.computeIfAbsent(benchCase, c -> new EnumMap<>(ServerKind.class));
    }

    void add(BenchCase benchCase, ServerKind kind, int round, Sample sample) {
        register(benchCase);
        byCase.get(benchCase).computeIfAbsent(kind, k -> new ArrayList<>()).add(new Recorded(round, sample));
    }

    boolean anyFailure() {
        return byCase.values().stream().flatMap(m -> m.values().stream()).flatMap(List::stream)
                .anyMatch(r -> !r.sample().isOk());
    }

    /** The median of the successful samples for one metric, or NaN if there is none. */
    double median(BenchCase benchCase, ServerKind kind, String metricKey) {
        List<Recorded> recorded = byCase.getOrDefault(benchCase, Map.of()).getOrDefault(kind, List.of());
        double[] values = recorded.stream().map(Recorded::sample).filter(Sample::isOk)
                .map(s -> s.values().get(metricKey)).filter(v -> v != null && !v.isNaN())
                .mapToDouble(Double::doubleValue).toArray();
        if (values.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(values);
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("| scenario | metric | better |");
        for (ServerKind kind : ServerKind.values()) {
            out.append(' ').append(kind.label()).append(" |");
        }
        out.append(" Natrix / nats-server |\n|---|---|:-:|");
        out.append("---:|".repeat(ServerKind.values().length)).append("---:|\n");
        for (Map.Entry<BenchCase, Map<ServerKind, List<Recorded>>> entry : byCase.entrySet()) {
            BenchCase benchCase = entry.getKey();
            for (Metric metric : benchCase.metrics()) {
                out.append("| ").append(benchCase.title()).append(" | ").append(metric.label()).append(" | ")
                        .append(metric.higherIsBetter() ? "↑" : "↓").append(" |");
                for (ServerKind kind : ServerKind.values()) {
                    out.append(' ').append(cell(benchCase, kind, metric, entry.getValue().get(kind))).append(" |");
                }
                out.append(' ').append(ratio(benchCase, metric)).append(" |\n");
            }
        }
        return out.toString();
    }

    private String cell(BenchCase benchCase, ServerKind kind, Metric metric, List<Recorded> recorded) {
        if (!kinds.contains(kind) || recorded == null || recorded.isEmpty()) {
            return "—";
        }
        long failed = recorded.stream().filter(r -> !r.sample().isOk()).count();
        double median = median(benchCase, kind, metric.key());
        if (Double.isNaN(median)) {
            return "FAIL";
        }
        String text = metric.format(median);
        if (metric.companionKey() != null) {
            double companion = median(benchCase, kind, metric.companionKey());
            if (!Double.isNaN(companion)) {
                text += " (" + Metric.formatCompanion(metric.companionKey(), companion) + ")";
            }
        }
        return failed == 0 ? text : text + " (" + failed + "/" + recorded.size() + " runs failed)";
    }

    private String ratio(BenchCase benchCase, Metric metric) {
        double reference = median(benchCase, ServerKind.NATS_SERVER, metric.key());
        double natrix = median(benchCase, ServerKind.NATRIX, metric.key());
        if (Double.isNaN(reference) || Double.isNaN(natrix) || reference == 0) {
            return "—";
        }
        double ratio = natrix / reference;
        String text = String.format(Locale.ROOT, "%.2f", ratio);
        return metric.isThroughput() && ratio < THROUGHPUT_GOAL
                ? "**" + text + "**" : text;
    }

    /** One line per failed run, so a reader sees why a cell says FAIL or counts failed runs. */
    String failures() {
        StringBuilder out = new StringBuilder();
        byCase.forEach((benchCase, perKind) -> perKind.forEach((kind, recorded) -> recorded.forEach(r -> {
            if (!r.sample().isOk()) {
                out.append("- ").append(benchCase.title()).append(" on ").append(kind.label()).append(", round ")
                        .append(r.round()).append(": ").append(oneLine(r.sample().failure())).append('\n');
            }
        })));
        return out.toString();
    }

    /**
     * Every value of every sample: case, key, server, round, value, ok, failure. Keys are the metric keys plus the
     * bookkeeping values (count, seconds, server_busy, client_busy, other_load).
     */
    String csv() {
        StringBuilder out = new StringBuilder("scenario,key,server,round,value,ok,failure\n");
        byCase.forEach((benchCase, perKind) -> perKind.forEach((kind, recorded) -> recorded.forEach(r -> {
            List<String> keys = new ArrayList<>(r.sample().values().keySet());
            keys.sort(null);
            if (keys.isEmpty()) {
                keys.add("");
            }
            for (String key : keys) {
                Double value = r.sample().values().get(key);
                out.append(quote(benchCase.title())).append(',').append(key).append(',')
                        .append(kind.label()).append(',').append(r.round()).append(',')
                        .append(value == null ? "" : String.format(Locale.ROOT, "%.4f", value)).append(',')
                        .append(r.sample().isOk()).append(',')
                        .append(r.sample().isOk() ? "" : quote(oneLine(r.sample().failure()))).append('\n');
            }
        })));
        return out.toString();
    }

    /**
     * The median and the largest share of the server's CPU that other processes used during the runs against a
     * shared server, or null if none was measured. Near zero on a quiet machine; large values mean noisy figures.
     */
    String interference() {
        double[] shares = byCase.values().stream().flatMap(m -> m.values().stream()).flatMap(List::stream)
                .map(r -> r.sample().values().get(Metric.OTHER_LOAD)).filter(v -> v != null)
                .mapToDouble(Double::doubleValue).sorted().toArray();
        if (shares.length == 0) {
            return null;
        }
        return String.format(Locale.ROOT, "median %.0f%%, max %.0f%%", shares[shares.length / 2] * 100,
                shares[shares.length - 1] * 100);
    }

    /** A short per-run summary for the progress log. */
    static String summary(BenchCase benchCase, Sample sample) {
        Function<Metric, String> show = m -> {
            Double v = sample.values().get(m.key());
            Double companion = m.companionKey() == null ? null : sample.values().get(m.companionKey());
            return m.label() + " " + m.format(v)
                    + (companion == null ? "" : " (" + Metric.formatCompanion(m.companionKey(), companion) + ")");
        };
        String values = String.join(", ", benchCase.metrics().stream()
                .filter(m -> sample.values().containsKey(m.key())).map(show).toList());
        Double client = sample.values().get(Metric.CLIENT_BUSY);
        if (client != null) {
            values += String.format(Locale.ROOT, ", driver JVM %.0f%% busy", client * 100);
        }
        Double other = sample.values().get(Metric.OTHER_LOAD);
        if (other != null) {
            values += String.format(Locale.ROOT, ", other load on server CPU %.0f%%", other * 100);
        }
        if (sample.isOk()) {
            return values;
        }
        return "FAILED: " + oneLine(sample.failure()) + (values.isEmpty() ? "" : " [" + values + "]");
    }

    private static String oneLine(String text) {
        String flat = text == null ? "" : text.replace('\n', ' ').replace('\r', ' ');
        return flat.length() > 400 ? flat.substring(0, 400) + "…" : flat;
    }

    private static String quote(String text) {
        return "\"" + text.replace("\"", "\"\"") + "\"";
    }
}
