package io.natrix.server.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@link ConnectJson} decodes as Go's {@code encoding/json} does into nats-server's {@code ClientOpts}: the values
 * that reach the options (the wire tests in {@code WireConnectValuesTest} show the answers a client gets).
 */
class ConnectJsonTest {

    private static ConnectOptions decode(String json) throws IOException {
        return ConnectJson.decode(json.getBytes(StandardCharsets.UTF_8), new ConnectOptions());
    }

    @Test
    void keysFoldAsGoFoldsThemAndNoFurther() throws IOException {
        // The Kelvin sign folds to k and the long s to s in Go; Java's equalsIgnoreCase also folds the dotless i.
        assertThat(decode("{\"N\u212aEY\":\"a\",\"\u017fig\":\"b\",\"USER\":\"c\"}"))
                .extracting(o -> o.nkey, o -> o.sig, o -> o.user).containsExactly("a", "b", "c");
        assertThat(decode("{\"p\u0131ng\":1,\"l\u0130ng\":\"x\",\"lang\":\"java\"}").lang).isEqualTo("java");
        assertThat(decode("{\"\\u0076erbose\":false}").verbose).isFalse();
    }

    @Test
    void theLastOfRepeatedKeysWinsAndNullChangesNothing() throws IOException {
        ConnectOptions o = decode("{\"verbose\":false,\"VERBOSE\":true,\"name\":\"a\",\"name\":null,\"echo\":null}");
        assertThat(o.verbose).isTrue();
        assertThat(o.name).isEqualTo("a");
        assertThat(o.echo).isTrue();
    }

    @Test
    void stringsKeepTheirTextWithBrokenPartsReplaced() throws IOException {
        byte[] json = {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', 'a', (byte) 0xff, 'b', '"', '}'};
        assertThat(ConnectJson.decode(json, new ConnectOptions()).name).isEqualTo("a\ufffdb");
        assertThat(decode("{\"name\":\"\\ud800x\\ud83d\\ude00\"}").name).isEqualTo("\ufffdx\ud83d\ude00");
    }

    @Test
    void protocolIsASixtyFourBitIntegerKeptAsTheNearestInt() throws IOException {
        assertThat(decode("{\"protocol\":-0}").protocol).isZero();
        assertThat(decode("{\"protocol\":9223372036854775807}").protocol).isEqualTo(Integer.MAX_VALUE);
        assertThat(decode("{\"protocol\":-9223372036854775808}").protocol).isEqualTo(Integer.MIN_VALUE);
        assertThatThrownBy(() -> decode("{\"protocol\":9223372036854775808}"))
                .isInstanceOf(ConnectJson.InvalidConnectException.class).hasMessageContaining("protocol");
    }

    @Test
    void aSyntaxErrorAfterATypeErrorIsStillAnError() {
        assertThatThrownBy(() -> decode("{\"verbose\":1,")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> decode("")).hasMessage("unexpected end of JSON input");
        assertThatThrownBy(() -> decode("[]")).hasMessageContaining("Go value of type server.ClientOpts");
    }

    @Test
    void aLaterConnectDecodesOverTheEarlierOne() throws IOException {
        ConnectOptions first = decode("{\"verbose\":false,\"name\":\"one\",\"headers\":true}");
        ConnectOptions second = ConnectJson.decode("{\"name\":\"two\"}".getBytes(StandardCharsets.UTF_8), first);
        assertThat(second.verbose).isFalse();
        assertThat(second.headers).isTrue();
        assertThat(second.name).isEqualTo("two");
        assertThat(first.name).as("the earlier options stay as they were").isEqualTo("one");
    }
}
