package io.natrix.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The summary and CSV layouts, from samples with known figures. */
class ResultsTest {

    private static final long SECOND = 1_000_000_000L;

    private static Sample sample(long msgs, int size, long startNanos, long endNanos, Histogram latencies) {
        return new Sample(msgs, msgs * size, msgs + 3, msgs * (size + 20), startNanos, endNanos, latencies);
    }

    private static SampleGroup group(Sample... samples) {
        SampleGroup g = new SampleGroup();
        for (Sample s : samples) {
            g.add(s);
        }
        return g;
    }

    @Test
    void resultsSummarisePublishersPerClientAndTheirSpread() {
        SampleGroup pubs = group(sample(100_000, 128, 0, SECOND, null), sample(50_000, 128, 0, SECOND / 2, null));
        List<String> lines = new Results("NATS", "RUN", pubs, new SampleGroup()).report();
        assertThat(lines).containsExactly(
                "Pub stats: 150,000 msgs/sec ~ 18.31 MiB/sec",
                " [1] 100,000 msgs/sec ~ 12.21 MiB/sec (100000 msgs)",
                " [2] 100,000 msgs/sec ~ 12.21 MiB/sec (50000 msgs)",
                " min 100,000 | avg 100,000 | max 100,000 | stddev 0 msgs");
    }

    @Test
    void resultsOfBothSidesStartWithPubSubStatsAndIndent() {
        SampleGroup pubs = group(sample(1000, 10, 0, SECOND, null));
        SampleGroup subs = group(sample(1000, 10, 0, SECOND, null), sample(1000, 10, 0, 2 * SECOND, null));
        List<String> lines = new Results("NATS", "RUN", pubs, subs).report();
        assertThat(lines).containsExactly(
                "NATS Pub/Sub stats: 1,500 msgs/sec ~ 14.65 KiB/sec",
                " Pub stats: 1,000 msgs/sec ~ 9.77 KiB/sec",
                " Sub stats: 1,000 msgs/sec ~ 9.77 KiB/sec",
                "  [1] 1,000 msgs/sec ~ 9.77 KiB/sec (1000 msgs)",
                "  [2] 500 msgs/sec ~ 4.88 KiB/sec (1000 msgs)",
                "  min 500 | avg 750 | max 1,000 | stddev 250 msgs");
    }

    @Test
    void resultsShowLatencyPercentilesWhenOperationsWereTimed() {
        Histogram h = new Histogram(3);
        for (long us = 1; us <= 100; us++) {
            h.recordValue(us * 1000);
        }
        SampleGroup pubs = group(sample(100, 8, 0, SECOND, h));
        List<String> lines = new Results("NATS", "RUN", pubs, new SampleGroup()).report();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).startsWith(" latencies per operation min 1us | avg 50.5")
                .contains("| max 100.0").contains("| P50 50").contains("| P90 90").contains("| P99 99")
                .contains("| P99.9: 100").endsWith("us");
        String csv = new Results("NATS", "RUN", pubs, new SampleGroup()).csv();
        assertThat(csv.lines().toList().getFirst()).isEqualTo("#RunID,ClientID,MsgCount,MsgBytes,MsgsPerSec,"
                + "BytesPerSec,DurationSecs,MinLatencyMicroSecs,AvgLatencyMicroSecs,MaxLatencyMicroSecs,"
                + "P50LatencyMicroSecs,P90LatencyMicroSecs,P99LatencyMicroSecs,P99.9LatencyMicroSecs,"
                + "StdDevLatencyMicroSecs");
        assertThat(csv.lines().toList().get(1)).startsWith("RUN,P0,103,800,100,800.000000,1.000000,1.000000,50.5");
    }

    @Test
    void resultsCsvListsSubscribersBeforePublishers() {
        SampleGroup pubs = group(sample(10, 1, 0, SECOND, null));
        SampleGroup subs = group(sample(10, 1, 0, 2 * SECOND, null));
        assertThat(new Results("NATS", "ID", pubs, subs).csv()).isEqualTo(
                "#RunID,ClientID,MsgCount,MsgBytes,MsgsPerSec,BytesPerSec,DurationSecs\n"
                        + "ID,S0,13,10,5,5.000000,2.000000\n"
                        + "ID,P0,13,10,10,10.000000,1.000000\n");
    }

    @Test
    void resultsFormatMicrosAndBytesAsNatscli() {
        assertThat(Results.micros(1_234_567)).isEqualTo("1,234.56");
        assertThat(Results.micros(12_500)).isEqualTo("12.5");
        assertThat(Results.micros(7_000)).isEqualTo("7");
        assertThat(Results.bytes(512)).isEqualTo("512.00 B");
        assertThat(Results.bytes(150.7 * 1024 * 1024)).isEqualTo("150.70 MiB");
        assertThat(new Results("NATS", "R", new SampleGroup(), new SampleGroup()).report())
                .containsExactly("No publisher or subscribers. Nothing to report.");
    }
}
