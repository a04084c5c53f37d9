package io.natrix.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The -ERR texts and their Go-style quoting. Every expected text below is what nats-server 2.9.10 sent on loopback
 * for the same subject bytes (a user denied everything publishing to them).
 */
class PermissionsViolationTest {

    @Test
    void textsAreNatsServers() {
        assertThat(PermissionsViolation.publish("secret.x"))
                .isEqualTo("Permissions Violation for Publish to \"secret.x\"");
        assertThat(PermissionsViolation.subscribe("foo.bar", null))
                .isEqualTo("Permissions Violation for Subscription to \"foo.bar\"");
        assertThat(PermissionsViolation.subscribe("q.x", "q1"))
                .isEqualTo("Permissions Violation for Subscription to \"q.x\" using queue \"q1\"");
        assertThat(PermissionsViolation.publishWithReply("_R_.x"))
                .isEqualTo("Permissions Violation for Publish with Reply of \"_R_.x\"");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        // subject bytes in hex | quoted as nats-server 2.9.10 quoted them
        "61 22 62          | `\"a\\\"b\"`",
        "61 5c 62          | `\"a\\\\b\"`",
        "c3 a9             | `\"\u00e9\"`",
        "01                | `\"\\x01\"`",
        "ff                | `\"\\xff\"`",
        "7f                | `\"\\x7f\"`",
        "61 c2 a0 62       | `\"a\\u00a0b\"`",
        "e2 80 8b          | `\"\\u200b\"`",
        "f0 9f 98 80       | `\"\uD83D\uDE00\"`",
    })
    void subjectsAreQuotedAsGoQuotesThem(String hex, String quoted) {
        byte[] bytes = bytes(hex);
        assertThat(PermissionsViolation.quote(bytes, 0, bytes.length)).isEqualTo(quoted);
        assertThat(PermissionsViolation.publish(bytes, 0, bytes.length))
                .isEqualTo("Permissions Violation for Publish to " + quoted);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        // Short escapes, surrogates, overlong, truncated and too-large forms, invisible characters: also as
        // nats-server 2.9.10 sent them, except \n, \r and \t, which cannot reach it inside a PUB subject.
        "07 08 0c 0a 0d 09 0b | `\"\\a\\b\\f\\n\\r\\t\\v\"`",
        "ed a0 80             | `\"\\xed\\xa0\\x80\"`",
        "c0 af                | `\"\\xc0\\xaf\"`",
        "e2 82                | `\"\\xe2\\x82\"`",
        "f4 90 80 80          | `\"\\xf4\\x90\\x80\\x80\"`",
        "e2 80 a8             | `\"\\u2028\"`",
        "f3 a0 80 81          | `\"\\U000e0001\"`",
        "c2 ad                | `\"\\u00ad\"`",
        "20 7e                | `\" ~\"`",
    })
    void goQuotingEdgeCases(String hex, String quoted) {
        byte[] bytes = bytes(hex);
        assertThat(PermissionsViolation.quote(bytes, 0, bytes.length)).isEqualTo(quoted);
    }

    @Test
    void stringsAreQuotedByTheirUtf8Bytes() {
        assertThat(PermissionsViolation.quote("caf\u00e9.\u0001")).isEqualTo("\"caf\u00e9.\\x01\"");
        assertThat(PermissionsViolation.subscribe("a\"b", "q\\")).isEqualTo(
                "Permissions Violation for Subscription to \"a\\\"b\" using queue \"q\\\\\"");
        byte[] line = "PUB foo.bar 0".getBytes(StandardCharsets.US_ASCII);
        assertThat(PermissionsViolation.publish(line, 4, 7))
                .isEqualTo("Permissions Violation for Publish to \"foo.bar\"");
    }

    private static byte[] bytes(String hex) {
        String[] parts = hex.trim().split("\\s+");
        byte[] out = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return out;
    }
}
