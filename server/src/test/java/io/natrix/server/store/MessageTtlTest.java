package io.natrix.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code Nats-TTL} values read as nats-server 2.12's parseMessageTTL reads them, hostile ones included. */
class MessageTtlTest {

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource(delimiter = '|', value = {
        "1|1",
        "30|30",
        "00|0",
        "30s|30",
        "1h|3600",
        "1m30s|90",
        "1.5s|1",
        "1.s|1",
        "+5s|5",
        "1h0m0.999999999s|3600",
        "2562047h47m16.854775807s|9223372036",
        "9223372036854775807|9223372036854775807",
        "1000us1s|1",
        "1µs1s|1",
        "1.99999999999999999999999999h1h1h1h|18000",
        "never|-1",
        "NEVER|-1",
        "Never|-1",
    })
    void validValues(String value, long seconds) {
        assertThat(MessageTtl.parse(value)).isEqualTo(seconds);
    }

    @ParameterizedTest(name = "\"{0}\" is invalid")
    @CsvSource(delimiter = '|', value = {
        "0", "-0", "500ms", ".5s", "0s", "999999999ns",
        "-1", "-5", "-5s", "-1h",
        "abc", "1x", "1e3", "5 s", ".", "s", "+", "-", "1..5s", "never!", "nevers",
        "9223372036854775808", "99999999999999999999", "18446744073709551617",
        "2562048h", "9223372036854775808ns", "99999999999999999999h",
    })
    void invalidValues(String value) {
        assertThat(MessageTtl.parse(value)).isEqualTo(MessageTtl.INVALID);
    }

    @Test
    void absentOrEmptyMeansNone() {
        assertThat(MessageTtl.parse(null)).isEqualTo(MessageTtl.NONE);
        assertThat(MessageTtl.parse("")).isEqualTo(MessageTtl.NONE);
        assertThat(MessageTtl.ofHeaders(null)).isEqualTo(MessageTtl.NONE);
        assertThat(MessageTtl.ofHeaders(bytes("NATS/1.0\r\nOther: 5\r\n\r\n"))).isEqualTo(MessageTtl.NONE);
        assertThat(MessageTtl.ofHeaders(bytes("NATS/1.0\r\nNats-TTL:\r\n\r\n"))).isEqualTo(MessageTtl.NONE);
    }

    @Test
    void headerLookupMatchesTheStreamsReading() {
        assertThat(MessageTtl.ofHeaders(bytes("NATS/1.0\r\nA: b\r\nNats-TTL: 5m\r\n\r\n"))).isEqualTo(300);
        assertThat(MessageTtl.ofHeaders(bytes("NATS/1.0\r\nnats-ttl:  7 \r\nNats-TTL: 9\r\n\r\n"))).isEqualTo(7);
        assertThat(MessageTtl.ofHeaders(bytes("NATS/1.0\r\nX-Nats-TTL: 5\r\n\r\n"))).isEqualTo(MessageTtl.NONE);
        assertThat(MessageTtl.ofHeaders(bytes("NATS/1.0 404 Nats-TTL: 5\r\n\r\n"))).isEqualTo(MessageTtl.NONE);
        assertThat(MessageTtl.ofHeaders(bytes("NATS/1.0\r\nNats-TTL: never"))).isEqualTo(MessageTtl.NEVER);
        assertThat(MessageTtl.ofHeaders(bytes("NATS/1.0\r\nNats-TTL: abc\r\n\r\n"))).isEqualTo(MessageTtl.INVALID);
    }

    @Test
    void goDurationsAsGoParsesThem() {
        assertThat(MessageTtl.goDuration("0")).isZero();
        assertThat(MessageTtl.goDuration("1.5h")).isEqualTo(5_400_000_000_000L);
        assertThat(MessageTtl.goDuration("-1m")).isEqualTo(-60_000_000_000L);
        assertThat(MessageTtl.goDuration("1h2m3s4ms5us6ns")).isEqualTo(3_723_004_005_006L);
        assertThat(MessageTtl.goDuration("-9223372036854775808ns")).isEqualTo(Long.MIN_VALUE);
        assertThat(MessageTtl.goDuration("9223372036854775807ns")).isEqualTo(Long.MAX_VALUE);
        assertThat(MessageTtl.goDuration("")).isEqualTo(MessageTtl.INVALID);
        assertThat(MessageTtl.goDuration("5")).isEqualTo(MessageTtl.INVALID);
    }

    @Test
    void deadlinesSaturate() {
        assertThat(MessageTtl.expiresAt(1_000, 2)).isEqualTo(2_000_001_000L);
        assertThat(MessageTtl.expiresAt(Long.MAX_VALUE - 5, 1)).isEqualTo(Long.MAX_VALUE);
        assertThat(MessageTtl.expiresAt(0, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
        assertThat(MessageTtl.expiresAt(1_700_000_000_000_000_000L, 9_223_372_036L)).isEqualTo(Long.MAX_VALUE);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
