package io.natrix.server.jetstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The markers' headers and recognition, and the TTL raise, as nats-server 2.12 has them. */
class SubjectDeleteMarkersTest {

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void markerHeadersAreNatsServers() {
        assertThat(text(SubjectDeleteMarkers.maxAgeHeaders(1)))
                .isEqualTo("NATS/1.0\r\nNats-Marker-Reason: MaxAge\r\nNats-TTL: 1s\r\nNats-Rollup: sub\r\n\r\n");
        assertThat(text(SubjectDeleteMarkers.maxAgeHeaders(900))).contains("Nats-TTL: 15m0s\r\n");
        assertThat(text(SubjectDeleteMarkers.maxAgeHeaders(86_400))).contains("Nats-TTL: 24h0m0s\r\n");
    }

    @Test
    void markersAreRecognisedByReasonOrKeyValuePurge() {
        assertThat(SubjectDeleteMarkers.isMarker(SubjectDeleteMarkers.maxAgeHeaders(5))).isTrue();
        assertThat(SubjectDeleteMarkers.isMarker(bytes("NATS/1.0\r\nNats-Marker-Reason: Remove\r\n\r\n"))).isTrue();
        assertThat(SubjectDeleteMarkers.isMarker(bytes("NATS/1.0\r\nKV-Operation: PURGE\r\n\r\n"))).isTrue();
        assertThat(SubjectDeleteMarkers.isMarker(bytes("NATS/1.0\r\nKV-Operation: DEL\r\n\r\n"))).isFalse();
        assertThat(SubjectDeleteMarkers.isMarker(bytes("NATS/1.0\r\nNats-Marker-Reason:\r\n\r\n"))).isFalse();
        assertThat(SubjectDeleteMarkers.isMarker(null)).isFalse();
    }

    @Test
    void shortTtlsAreRaisedUnlessOneMessagePerSubject() {
        assertThat(SubjectDeleteMarkers.effectiveTtl(2, 30, -1)).isEqualTo(30);
        assertThat(SubjectDeleteMarkers.effectiveTtl(2, 30, 1)).isEqualTo(2);
        assertThat(SubjectDeleteMarkers.effectiveTtl(60, 30, -1)).isEqualTo(60);
        assertThat(SubjectDeleteMarkers.effectiveTtl(-1, 30, -1)).isEqualTo(-1);
        assertThat(SubjectDeleteMarkers.effectiveTtl(0, 30, -1)).isZero();
        assertThat(SubjectDeleteMarkers.effectiveTtl(2, 0, -1)).isEqualTo(2);
    }

    @Test
    void raisingRewritesOnlyTheTtlHeader() {
        byte[] raised = SubjectDeleteMarkers.withTtl(
                bytes("NATS/1.0\r\nA: 1\r\nnats-ttl: 2s\r\nB: 2\r\nNats-TTL: 3\r\n\r\n"), 30);
        assertThat(text(raised)).isEqualTo("NATS/1.0\r\nA: 1\r\nB: 2\r\nNats-TTL: 30\r\n\r\n");
        assertThat(text(SubjectDeleteMarkers.withTtl(bytes("NATS/1.0\r\nNats-TTL: 2\r\n\r\n"), 9)))
                .isEqualTo("NATS/1.0\r\nNats-TTL: 9\r\n\r\n");
        assertThat(io.natrix.server.store.MessageTtl.ofHeaders(raised)).isEqualTo(30);
    }
}
