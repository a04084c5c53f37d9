package io.natrix.server.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/**
 * MSG_PAYLOAD texts as nats-server writes them. The expected quotings were printed by Go's {@code fmt.Printf("%q")}
 * (Go 1.19) for the same bytes.
 */
class TracedPayloadTest {

    private static String text(String latin1Bytes, int max) {
        byte[] bytes = latin1Bytes.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        ByteBuf buf = Unpooled.wrappedBuffer(new byte[3], bytes); // the body sits at an offset, as in a read buffer
        return TracedPayload.text(buf, 3, bytes.length, max);
    }

    @Test
    void aBodyIsQuotedWhole() {
        assertThat(text("hello", 0)).isEqualTo("[\"hello\"]");
        assertThat(text("hello\u0001world", 0)).isEqualTo("[\"hello\\x01world\"]");
        assertThat(text("NATS/1.0\r\nA: b\r\n\r\nhi", 0)).isEqualTo("[\"NATS/1.0\\r\\nA: b\\r\\n\\r\\nhi\"]");
    }

    @Test
    void aBodyLongerThanTheLimitIsCutAtThatManyBytes() {
        assertThat(text("hello", 4)).isEqualTo("[\"hell...\"]");
        assertThat(text("hello", 5)).isEqualTo("[\"hello\"]");
        // The cut splits é's two bytes; the lone first byte is quoted as an invalid one, as nats-server 2.12 does.
        assertThat(text("\u00c3\u00a9t\u00c3\u00a9\"\\", 4)).isEqualTo("[\"\u00e9t\\xc3...\"]");
    }

    @Test
    void anEmptyBodyIsNotTraced() {
        assertThat(text("", 0)).isNull();
        assertThat(text("", 4)).isNull();
    }

    @Test
    void quotingFollowsGo() {
        assertThat(quote("\u00c3\u00a9t\u00c3\u00a9\"\\")).isEqualTo("\u00e9t\u00e9\\\"\\\\");
        assertThat(quote("\u0000\u0007\b\f\n\r\t\u000b\u007f")).isEqualTo("\\x00\\a\\b\\f\\n\\r\\t\\v\\x7f");
        // U+0080, no-break space, soft hyphen, zero-width space, line separator: not printable in Go.
        assertThat(quote("\u00c2\u0080\u00c2\u00a0\u00c2\u00ad\u00e2\u0080\u008b\u00e2\u0080\u00a8"))
                .isEqualTo("\\u0080\\u00a0\\u00ad\\u200b\\u2028");
        // A surrogate, an overlong form, a code point past U+10FFFF, and bytes that never start UTF-8.
        assertThat(quote("\u00ed\u00a0\u0080\u00e0\u0080\u00af\u00f4\u0090\u0080\u0080\u00ff\u00fe"))
                .isEqualTo("\\xed\\xa0\\x80\\xe0\\x80\\xaf\\xf4\\x90\\x80\\x80\\xff\\xfe");
        // An emoji stays; a tag character and a private-use one are escaped; U+FFFD itself is printable.
        assertThat(quote("\u00f0\u009f\u0098\u0080\u00f3\u00a0\u0080\u0081\u00ef\u00bf\u00bd\u00ee\u0080\u0080"))
                .isEqualTo("\ud83d\ude00\\U000e0001\ufffd\\ue000");
        assertThat(quote("\u00e6\u0097\u00a5 <tag>&")).isEqualTo("\u65e5 <tag>&");
    }

    private static String quote(String latin1Bytes) {
        StringBuilder s = new StringBuilder();
        TracedPayload.quote(latin1Bytes.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), s);
        return s.toString();
    }
}
