package io.natrix.cli.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Go's duration syntax both ways, as natscli's flags and output use it. */
class GoDurationTest {

    @Test
    void parsesGoAndNatscliUnits() {
        assertThat(GoDuration.parse("1h2m3.5s")).isEqualTo(Duration.ofMillis(3_723_500));
        assertThat(GoDuration.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(GoDuration.parse("10us")).isEqualTo(Duration.ofNanos(10_000));
        assertThat(GoDuration.parse("2d")).isEqualTo(Duration.ofDays(2));
        assertThat(GoDuration.parse("1w")).isEqualTo(Duration.ofDays(7));
        assertThat(GoDuration.parse("1y")).isEqualTo(Duration.ofDays(365));
        assertThat(GoDuration.parse("30")).isEqualTo(Duration.ofSeconds(30));
        assertThat(GoDuration.parse("0")).isEqualTo(Duration.ZERO);
        assertThat(GoDuration.parse("-1s")).isEqualTo(Duration.ofSeconds(-1));
    }

    @Test
    void refusesWhatGoRefuses() {
        assertThatThrownBy(() -> GoDuration.parse("")).hasMessage("empty duration");
        assertThatThrownBy(() -> GoDuration.parse("5x")).hasMessage("unknown unit \"x\" in duration \"5x\"");
        assertThatThrownBy(() -> GoDuration.parse("ms")).hasMessage("invalid duration \"ms\"");
        assertThatThrownBy(() -> GoDuration.parse("1.2.3s")).hasMessage("invalid duration \"1.2.3s\"");
    }

    @Test
    void formatsAsGoPrints() {
        assertThat(GoDuration.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(GoDuration.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
        assertThat(GoDuration.format(Duration.ofMinutes(2))).isEqualTo("2m0s");
        assertThat(GoDuration.format(Duration.ofHours(1).plusSeconds(1))).isEqualTo("1h0m1s");
        assertThat(GoDuration.format(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(GoDuration.format(Duration.ofNanos(1500))).isEqualTo("1.5µs");
        assertThat(GoDuration.format(Duration.ofNanos(42))).isEqualTo("42ns");
    }
}
