package io.natrix.server.wire;

import java.nio.charset.StandardCharsets;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/**
 * CONNECT values on which Natrix answered otherwise than nats-server 2.9.10, each pinned to nats-server's answer.
 * {@link WireConnectFuzzTest} found them comparing the two, except the repeated CONNECT, which reading nats-server's
 * {@code processConnect} for the fixes showed (the fuzz has covered it since). Nats-server unmarshals CONNECT with Go's
 * {@code encoding/json}: strict types, case-insensitive keys, {@code null} leaving a field as it was, one value and
 * nothing after it; then it checks credentials, account designation, the protocol version and no_responders, in
 * that order. All of these run against nats-server itself with {@code -Dnatrix.wire.reference}.
 */
class WireConnectValuesTest {

    @Test
    void connectValueOfTheWrongTypeClosesWithoutAWord() {
        // Jackson coerced all of these; Go refuses each, and the connection closes without -ERR.
        for (String body : new String[] {"{\"verbose\":\"false\"}", "{\"echo\":1}", "{\"user\":5}",
            "{\"name\":true}", "{\"protocol\":1.0}", "{\"protocol\":1e0}", "{\"protocol\":\"1\"}",
            "{\"account\":true}", "{\"headers\":\"\",\"no_responders\":true}"}) {
            try (WireServer server = WireServer.start();
                 WireClient client = WireClient.connect(server)) {
                client.send("CONNECT " + body + "\r\nPING\r\n").expectClosed();
            }
        }
    }

    @Test
    void connectKeysMatchInAnyCase() {
        try (WireServer server = WireServer.start();
             WireClient client = WireClient.connect(server)) {
            client.send("CONNECT {\"VERBOSE\":false}\r\nPING\r\n").expect("PONG\r\n");
        }
        try (WireServer server = WireServer.start();
             WireClient client = WireClient.connect(server)) {
            client.send("CONNECT {\"Verbose\":0}\r\n").expectClosed();
        }
    }

    @Test
    void connectNullLeavesTheDefaults() {
        try (WireServer server = WireServer.start();
             WireClient client = WireClient.connect(server)) {
            client.send("CONNECT {\"verbose\":null,\"user\":null,\"protocol\":null}\r\nPING\r\n")
                    .expect("+OK\r\nPONG\r\n");
        }
        // A top-level null is a CONNECT without fields: authentication then fails, where it was a parse error.
        try (WireServer server = WireServer.start(s -> {
            s.user = "u";
            s.password = "p";
        }); WireClient client = WireClient.connect(server)) {
            client.send("CONNECT null\r\n").expectClosedAfter("-ERR 'Authorization Violation'\r\n");
        }
    }

    @Test
    void connectWithAnythingAfterItsJsonCloses() {
        // Jackson stopped reading after the first value, and the client then failed authentication.
        for (String body : new String[] {"{\"verbose\":false} {}", "{\"verbose\":false}x"}) {
            try (WireServer server = WireServer.start(s -> s.token = "t");
                 WireClient client = WireClient.connect(server)) {
                client.send("CONNECT " + body + "\r\n").expectClosed();
            }
        }
    }

    @Test
    void connectWithAProtocolOtherThanZeroOrOneIsRefused() {
        // Natrix did not check the protocol at all.
        for (String protocol : new String[] {"2", "-1", "9223372036854775807"}) {
            try (WireServer server = WireServer.start();
                 WireClient client = WireClient.connect(server)) {
                client.send("CONNECT {\"protocol\":" + protocol + "}\r\nPING\r\n")
                        .expectClosedAfter("-ERR 'invalid client protocol'\r\n");
            }
        }
        // Beyond 64 bits the number does not even decode.
        try (WireServer server = WireServer.start();
             WireClient client = WireClient.connect(server)) {
            client.send("CONNECT {\"protocol\":9223372036854775808}\r\n").expectClosed();
        }
    }

    @Test
    void connectCredentialsAreCheckedBeforeTheProtocolAndNoResponders() {
        // Natrix checked no_responders before the credentials.
        try (WireServer server = WireServer.start(s -> {
            s.user = "u";
            s.password = "p";
        })) {
            for (String body : new String[] {"{\"user\":\"u\",\"pass\":\"x\",\"no_responders\":true}",
                "{\"user\":\"u\",\"pass\":\"x\",\"protocol\":5}"}) {
                try (WireClient client = WireClient.connect(server)) {
                    client.send("CONNECT " + body + "\r\n").expectClosedAfter("-ERR 'Authorization Violation'\r\n");
                }
            }
            try (WireClient client = WireClient.connect(server)) {
                client.send("CONNECT {\"user\":\"u\",\"pass\":\"p\",\"no_responders\":true,\"protocol\":5}\r\n")
                        .expectClosedAfter("-ERR 'invalid client protocol'\r\n");
            }
        }
    }

    @Test
    void connectStringsWithInvalidUtf8AreAccepted() {
        // Go decodes the bad bytes as U+FFFD; Jackson refused the whole CONNECT.
        ByteArrayOutputStream connect = new ByteArrayOutputStream();
        connect.writeBytes("CONNECT {\"verbose\":false,\"name\":\"a".getBytes(StandardCharsets.UTF_8));
        connect.writeBytes(new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0xc3});
        connect.writeBytes("\",\"lang\":\"\\ud800\"}\r\nPING\r\n".getBytes(StandardCharsets.UTF_8));
        try (WireServer server = WireServer.start();
             WireClient client = WireClient.connect(server)) {
            client.send(connect.toByteArray()).expect("PONG\r\n");
        }
    }

    @Test
    void connectImportAndExportMustBeSubjectPermissions() {
        // Route and leaf fields, but nats-server decodes them from clients too.
        for (String value : new String[] {"5", "\"a\"", "[]", "{\"allow\":5}", "{\"deny\":[1]}"}) {
            try (WireServer server = WireServer.start();
                 WireClient client = WireClient.connect(server)) {
                client.send("CONNECT {\"import\":" + value + "}\r\n").expectClosed();
            }
        }
        try (WireServer server = WireServer.start();
             WireClient client = WireClient.connect(server)) {
            client.send("CONNECT {\"verbose\":false,\"import\":{\"allow\":[\"a\",null],\"x\":1},\"export\":null}"
                    + "\r\nPING\r\n").expect("PONG\r\n");
        }
    }

    @Test
    void connectNestedDeeperOrWithLongerNumbersThanJacksonsDefaultsIsAccepted() {
        // Jackson stops at 1,000 levels and 1,000 digits by default; Go at 10,000 levels, beyond the control line,
        // and it only checks the syntax of numbers in fields it ignores.
        String nested = "[".repeat(1200) + "]".repeat(1200);
        try (WireServer server = WireServer.start();
             WireClient client = WireClient.connect(server)) {
            client.send("CONNECT {\"verbose\":false,\"x\":" + nested + ",\"n\":" + "9".repeat(1500) + "}\r\nPING\r\n")
                    .expect("PONG\r\n");
        }
    }

    @Test
    void connectAgainKeepsWhatTheNewOneLeavesOut() {
        // Go unmarshals the second CONNECT over the first one's options; Natrix started from the defaults.
        try (WireServer server = WireServer.start();
             WireClient client = WireClient.connect(server)) {
            client.send("CONNECT {\"verbose\":false}\r\nCONNECT {\"name\":\"again\"}\r\nPING\r\n").expect("PONG\r\n");
        }
    }
}
