package io.natrix.bench;

import java.util.Locale;

/**
 * One figure a case reports, with how to print it and which direction is better.
 *
 * @param key            the name a {@link Sample} stores the value under
 * @param label          what the table's metric column says
 * @param unit           how the value is formatted
 * @param higherIsBetter true for throughput, false for time, CPU and memory
 * @param payloadBytes   for message rates, the payload size, so the cell can also show MB/s; 0 otherwise
 * @param companionKey   a second value shown in parentheses in the same cell (the server's CPU utilisation next to
 *                       its CPU cost per message), or null
 */
record Metric(String key, String label, Unit unit, boolean higherIsBetter, int payloadBytes, String companionKey) {

    /** Sample keys the driver adds to every run against a shared server. */
    static final String SERVER_CPU = "server_cpu_us";
    static final String SERVER_BUSY = "server_busy";
    static final String OTHER_LOAD = "other_load";
    static final String CLIENT_BUSY = "client_busy";

    /** Units, each with its own formatting. */
    enum Unit {
        PER_SECOND,
        MICROS,
        CPU_MICROS,
        MILLIS,
        MEGABYTES,
        MEGABYTES_PER_SECOND
    }

    static Metric rate(String key, String label, int payloadBytes) {
        return new Metric(key, label, Unit.PER_SECOND, true, payloadBytes, null);
    }

    /** A data rate in MB/s (10^6 bytes), higher is better. */
    static Metric megabytesPerSecond(String key, String label) {
        return new Metric(key, label, Unit.MEGABYTES_PER_SECOND, true, 0, null);
    }

    static Metric lower(String key, String label, Unit unit) {
        return new Metric(key, label, unit, false, 0, null);
    }

    /** True for the units of a throughput, which the table holds to the 0.8× goal. */
    boolean isThroughput() {
        return higherIsBetter && (unit == Unit.PER_SECOND || unit == Unit.MEGABYTES_PER_SECOND);
    }

    /** The server's CPU time per message (or request), with how busy its CPU was during the run. */
    static Metric serverCpu(String per) {
        return new Metric(SERVER_CPU, "server CPU per " + per, Unit.CPU_MICROS, false, 0, SERVER_BUSY);
    }

    String format(double value) {
        return switch (unit) {
            case PER_SECOND -> {
                String rate = compact(value);
                yield payloadBytes > 0 ? rate + " (" + megabytes(value * payloadBytes / 1e6) + " MB/s)" : rate;
            }
            case MICROS -> String.format(Locale.ROOT, "%.0f µs", value);
            case CPU_MICROS -> value < 10 ? String.format(Locale.ROOT, "%.2f µs", value)
                    : String.format(Locale.ROOT, "%.1f µs", value);
            case MILLIS -> value < 100 ? String.format(Locale.ROOT, "%.1f ms", value)
                    : String.format(Locale.ROOT, "%.0f ms", value);
            case MEGABYTES -> String.format(Locale.ROOT, "%.1f MB", value);
            case MEGABYTES_PER_SECOND -> megabytes(value) + " MB/s";
        };
    }

    /** The companion value as the cell shows it, e.g. "97% busy". */
    static String formatCompanion(String key, double value) {
        return switch (key) {
            case SERVER_BUSY -> String.format(Locale.ROOT, "%.0f%% busy", value * 100);
            default -> String.format(Locale.ROOT, "%.3g", value);
        };
    }

    private static String compact(double value) {
        if (value >= 1e6) {
            return String.format(Locale.ROOT, "%.2f M", value / 1e6);
        }
        if (value >= 1e3) {
            return String.format(Locale.ROOT, "%.1f k", value / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", value);
    }

    private static String megabytes(double value) {
        return value >= 100 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.1f", value);
    }
}
