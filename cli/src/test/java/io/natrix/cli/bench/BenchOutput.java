package io.natrix.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a benchmark's summary back: side lines, per-client message counts and rates, never their values. */
final class BenchOutput {

    private static final String RATES = "([\\d,]+) msgs/sec ~ (\\d+\\.\\d\\d) (B|KiB|MiB|GiB)/sec";

    private BenchOutput() {
    }

    /** Asserts that {@code side} ({@code Pub}, {@code Sub}) has a stats line with a parse-able rate; returns it. */
    static long sideRate(String out, String side) {
        Matcher m = Pattern.compile("(?m)^ ?" + side + " stats: " + RATES + "$").matcher(out);
        assertThat(m.find()).as("a '%s stats' line in:%n%s", side, out).isTrue();
        return Long.parseLong(m.group(1).replace(",", ""));
    }

    /** The message counts of the per-client lines of {@code side}, in order. */
    static List<Long> clientCounts(String out, String side) {
        List<Long> counts = new ArrayList<>();
        boolean inSide = false;
        Pattern client = Pattern.compile("^ {1,2}\\[(\\d+)] " + RATES + " \\((\\d+) msgs\\)$");
        for (String line : out.lines().toList()) {
            if (line.matches(" ?(Pub|Sub) stats: .*")) {
                inSide = line.strip().startsWith(side + " stats");
                continue;
            }
            Matcher m = client.matcher(line);
            if (inSide && m.matches()) {
                assertThat(Integer.parseInt(m.group(1))).isEqualTo(counts.size() + 1);
                counts.add(Long.parseLong(m.group(5)));
            }
        }
        return counts;
    }

    /** Asserts the client-rate spread line is there. */
    static void hasSpread(String out) {
        String n = "[\\d,]+";
        assertThat(out).containsPattern("(?m)^ {1,2}min " + n + " \\| avg " + n + " \\| max " + n + " \\| stddev " + n
                + " msgs$");
    }

    /** Asserts the latency line is there with all its figures. */
    static void hasLatencies(String out) {
        String us = "[\\d,]+(\\.\\d{1,2})?us";
        assertThat(out).containsPattern("(?m)^ {1,2}latencies per operation min " + us + " \\| avg " + us
                + " \\| max " + us + " \\| stddev " + us + " \\| P50 " + us + " \\| P90 " + us + " \\| P99 " + us
                + " \\| P99.9: " + us + "$");
    }
}
