package io.natrix.server.jetstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code Nats-Stream-Source} format (nats-server 2.11's) and the header edits copying makes. */
class SourceHeaderTest {

    private static StreamSource source(String json) throws JsApiException {
        return StreamConfigRequest.parse(("{\"name\":\"T\",\"sources\":[" + json + "]}")
                .getBytes(StandardCharsets.UTF_8)).config().sources().get(0);
    }

    private static byte[] h(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void sourceHeaderIndexNamesFollowNatsServer() throws JsApiException {
        assertThat(SourceHeader.indexName(source("{\"name\":\"O\"}"))).isEqualTo("O > >");
        assertThat(SourceHeader.indexName(source("{\"name\":\"O\",\"filter_subject\":\"a.*\"}")))
                .isEqualTo("O a.* >");
        assertThat(SourceHeader.indexName(source(
                "{\"name\":\"O\",\"subject_transforms\":[{\"src\":\"a.*\",\"dest\":\"b.$1\"},{\"src\":\"c\",\"dest\":\"\"}]}")))
                .isEqualTo("O a.*\fc b.$1\f>");
        String external = SourceHeader.indexName(source(
                "{\"name\":\"O\",\"external\":{\"api\":\"$JS.hub.API\",\"deliver\":\"\"}}"));
        assertThat(external).matches("O:[0-9A-Za-z]{8} > >");
        assertThat(external).isEqualTo("O:" + SourceHeader.hash("$JS.hub.API") + " > >");
        assertThat(SourceHeader.value("O a.* >", 42)).isEqualTo("O 42 a.* >");
    }

    @Test
    void sourceHeaderHashIsEightBase62DigitsOfSha256() {
        // sha256("") starts e3 b0 c4 42 98 fc 1c 14: each byte mod 62 picks a digit of 0-9A-Za-z.
        assertThat(SourceHeader.hash("")).isEqualTo("fqA4S4SK");
        assertThat(SourceHeader.hash("$JS.hub.API")).isEqualTo("bTMUkJQk");
    }

    @Test
    void sourceHeaderValuesOfEveryVersionAreRead() {
        assertThat(SourceHeader.parse("O 7 a.* >")).isEqualTo(new SourceHeader.Parsed("O", "O a.* >", 7));
        // Newer servers add the original subject and the origin's identity after the fourth field.
        assertThat(SourceHeader.parse("O 7 > > o.x abc")).isEqualTo(new SourceHeader.Parsed("O", "O > >", 7));
        assertThat(SourceHeader.parse("O 7")).isEqualTo(new SourceHeader.Parsed("O", null, 7));
        assertThat(SourceHeader.parse("$JS.ACK.O.consumer.1.7.3.1700000000.0"))
                .isEqualTo(new SourceHeader.Parsed("O", null, 7));
        for (String bad : List.of("", "O", "O x > >", "O 7 >", "$JS.ACK.O.c.1")) {
            assertThat(SourceHeader.parse(bad)).as(bad).isNull();
        }
        assertThat(SourceHeader.parse(null)).isNull();
    }

    @Test
    void sourceHeaderEditsKeepOtherHeadersAndDropEmptyBlocks() {
        byte[] block = h("NATS/1.0\r\nNats-Msg-Id: 1\r\nNats-Expected-Stream: O\r\nNats-Expected-Last-Sequence: 3\r\n"
                + "Nats-Stream-Source: P 1 > >\r\nx: y\r\n\r\n");
        byte[] copied = SourceHeader.withoutCopyExcluded(block);
        assertThat(s(copied)).isEqualTo("NATS/1.0\r\nNats-Msg-Id: 1\r\nNats-Stream-Source: P 1 > >\r\nx: y\r\n\r\n");
        byte[] replaced = SourceHeader.add(SourceHeader.remove(copied, SourceHeader.NAME, false), SourceHeader.NAME,
                "O 9 > >");
        assertThat(s(replaced)).isEqualTo("NATS/1.0\r\nNats-Msg-Id: 1\r\nx: y\r\nNats-Stream-Source: O 9 > >\r\n\r\n");
        // A name is matched whole: a longer name with the same start stays.
        assertThat(s(SourceHeader.remove(h("NATS/1.0\r\nNats-Stream-Sources: 1\r\n\r\n"), SourceHeader.NAME, false)))
                .isEqualTo("NATS/1.0\r\nNats-Stream-Sources: 1\r\n\r\n");
        assertThat(SourceHeader.withoutCopyExcluded(h("NATS/1.0\r\nNats-Expected-Stream: O\r\n\r\n"))).isNull();
        assertThat(SourceHeader.withoutCopyExcluded(null)).isNull();
        assertThat(s(SourceHeader.add(null, SourceHeader.NAME, "O 1 > >")))
                .isEqualTo("NATS/1.0\r\nNats-Stream-Source: O 1 > >\r\n\r\n");
        byte[] untouched = h("NATS/1.0\r\na: b\r\n\r\n");
        assertThat(SourceHeader.withoutCopyExcluded(untouched)).isSameAs(untouched);
    }
}
