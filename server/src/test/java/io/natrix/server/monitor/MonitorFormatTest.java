package io.natrix.server.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Times, durations and query values read and written as Go and nats-server do. */
class MonitorFormatTest {

    @Test
    void durationsPrintAsGoDoes() {
        assertThat(GoFormat.duration(0)).isEqualTo("0s");
        assertThat(GoFormat.duration(999)).isEqualTo("999ns");
        assertThat(GoFormat.duration(902_000)).isEqualTo("902µs");
        assertThat(GoFormat.duration(1_500)).isEqualTo("1.5µs");
        assertThat(GoFormat.duration(1_477_956)).isEqualTo("1.477956ms");
        assertThat(GoFormat.duration(2_000_000_000L)).isEqualTo("2s");
        assertThat(GoFormat.duration(Duration.ofMinutes(2))).isEqualTo("2m0s");
        assertThat(GoFormat.duration(Duration.ofHours(1))).isEqualTo("1h0m0s");
        assertThat(GoFormat.duration(Duration.ofSeconds(3723, 500_000_000))).isEqualTo("1h2m3.5s");
        assertThat(GoFormat.duration(-1_500_000)).isEqualTo("-1.5ms");
        assertThat(GoFormat.rtt(902_345)).as("truncated to µs below a millisecond").isEqualTo("902µs");
        assertThat(GoFormat.rtt(15_651_789)).isEqualTo("15.651789ms");
    }

    @Test
    void uptimesPrintAsNatsServerDoes() {
        assertThat(GoFormat.uptime(Duration.ofMillis(999))).isEqualTo("0s");
        assertThat(GoFormat.uptime(Duration.ofSeconds(75))).isEqualTo("1m15s");
        assertThat(GoFormat.uptime(Duration.ofSeconds(3600))).isEqualTo("1h0m0s");
        assertThat(GoFormat.uptime(Duration.ofDays(2).plusSeconds(5))).isEqualTo("2d0h0m5s");
        assertThat(GoFormat.uptime(Duration.ofDays(366))).isEqualTo("1y1d0h0m0s");
    }

    @Test
    void timesAreRfc3339WithoutTrailingZeros() {
        assertThat(GoFormat.time(Instant.parse("2024-05-01T10:00:00.123400Z"))).isEqualTo("2024-05-01T10:00:00.1234Z");
        assertThat(GoFormat.time(Instant.parse("2024-05-01T10:00:00Z"))).isEqualTo("2024-05-01T10:00:00Z");
    }

    @Test
    void queryValuesParseAsGoStrconvDoes() {
        Query q = new Query(Map.of("t", List.of("True"), "f", List.of("0"), "n", List.of("-12"),
                "big", List.of("9223372036854775807"), "u", List.of("18446744073709551615"),
                "twice", List.of("1", "x"), "empty", List.of("")));
        assertThat(q.bool("t")).isTrue();
        assertThat(q.bool("f")).isFalse();
        assertThat(q.bool("missing")).isFalse();
        assertThat(q.bool("empty")).isFalse();
        assertThat(q.bool("twice")).isTrue();
        assertThat(q.integer("n")).isEqualTo(-12);
        assertThat(q.integer("big")).as("clamped to Java's int").isEqualTo(Integer.MAX_VALUE);
        assertThat(q.unsigned("u")).isEqualTo(Long.MAX_VALUE);
        assertThatThrownBy(() -> new Query(Map.of("x", List.of("a\tb"))).integer("x"))
                .hasMessage("Error decoding int for 'x': strconv.Atoi: parsing \"a\\tb\": invalid syntax");
        assertThatThrownBy(() -> new Query(Map.of("x", List.of("-"))).integer("x"))
                .hasMessageContaining("invalid syntax");
    }
}
