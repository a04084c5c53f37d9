package io.natrix.server.imports;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The header block edits of {@link RequestInfo}, byte for byte as nats-server's setHeader makes them. */
class RequestInfoTest {
    private static String with(String headers, String value) {
        byte[] h = headers == null ? null : headers.getBytes(StandardCharsets.UTF_8);
        return new String(RequestInfo.withHeader(h, value.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    @Test
    void aMessageWithoutHeadersGetsABlockOfItsOwn() {
        assertThat(with(null, "{\"acc\":\"B\"}")).isEqualTo("NATS/1.0\r\nNats-Request-Info: {\"acc\":\"B\"}\r\n\r\n");
    }

    @Test
    void theHeaderGoesLastAndReplacesTheClientsOwn() {
        assertThat(with("NATS/1.0\r\nX-A: 1\r\nNats-Request-Info: {\"acc\":\"SPOOF\"}\r\nX-B: 2\r\n\r\n", "{}"))
                .isEqualTo("NATS/1.0\r\nX-A: 1\r\nX-B: 2\r\nNats-Request-Info: {}\r\n\r\n");
        assertThat(with("NATS/1.0\r\nNats-Request-Info: old\r\n\r\n", "{}"))
                .isEqualTo("NATS/1.0\r\nNats-Request-Info: {}\r\n\r\n");
    }

    @Test
    void aStatusLineIsKept() {
        assertThat(with("NATS/1.0 503\r\n\r\n", "{}")).isEqualTo("NATS/1.0 503\r\nNats-Request-Info: {}\r\n\r\n");
    }

    @Test
    void onlyAWholeHeaderNameCounts() {
        assertThat(with("NATS/1.0\r\nX-Nats-Request-Info: 1\r\n\r\n", "{}"))
                .isEqualTo("NATS/1.0\r\nX-Nats-Request-Info: 1\r\nNats-Request-Info: {}\r\n\r\n");
        assertThat(RequestInfo.value("NATS/1.0\r\nNats-Request-Infos: 1\r\n\r\n".getBytes(StandardCharsets.UTF_8)))
                .isNull();
        assertThat(RequestInfo.value("NATS/1.0\r\nNats-Request-Info: {\"acc\":\"A\"} \r\n\r\n"
                .getBytes(StandardCharsets.UTF_8))).isEqualTo("{\"acc\":\"A\"}");
    }

    @Test
    void timesAreWrittenAsGoWritesThem() {
        assertThat(RequestInfo.goTime(Instant.parse("2026-11-26T09:37:55.830085153Z")))
                .isEqualTo("2026-11-26T09:37:55.830085153Z");
        assertThat(RequestInfo.goTime(Instant.parse("2026-11-26T09:37:55.830Z"))).isEqualTo("2026-11-26T09:37:55.83Z");
        assertThat(RequestInfo.goTime(Instant.parse("2026-11-26T09:37:55Z"))).isEqualTo("2026-11-26T09:37:55Z");
    }
}
