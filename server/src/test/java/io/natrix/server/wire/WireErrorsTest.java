package io.natrix.server.wire;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How nats-server 2.9.10 answers a client that breaks the protocol: which errors are fatal, which -ERR text goes
 * out first (if any), and which errors leave the connection open.
 */
class WireErrorsTest {

    private static final String QUIET = "{\"verbose\":false}";
    private static final String QUIET_HEADERS = "{\"verbose\":false,\"headers\":true}";

    @ParameterizedTest
    @ValueSource(strings = {"garbage\r\n", "garbage", "PUX\r\n", "MSG foo 1 1\r\nx\r\n", "UNSUB\r\n", "\r\n",
            "PUB foo 1\r\nabc", "PUB foo 1\r\na\n\n"})
    void errorsUnknownOperationIsRefusedAndClosed(String bytes) {
        try (WireServer server = WireServer.start();
             WireClient client = WireClient.connect(server, QUIET)) {
            client.send(bytes).expectClosedAfter("-ERR 'Unknown Protocol Operation'\r\n");
        }
    }

    static Stream<Arguments> malformedArguments() {
        return Stream.of(
                Arguments.of(QUIET, "PUB foo\r\n"),
                Arguments.of(QUIET, "PUB foo abc\r\n"),
                Arguments.of(QUIET, "PUB foo -1\r\n"),
                Arguments.of(QUIET, "PUB foo bar baz 1\r\n"),
                Arguments.of(QUIET, "SUB foo\r\n"),
                Arguments.of(QUIET, "SUB a b c d\r\n"),
                Arguments.of(QUIET, "UNSUB 1 2 3\r\n"),
                Arguments.of(QUIET, "HPUB foo 12 14\r\n"),
                Arguments.of(QUIET_HEADERS, "HPUB foo 5 2\r\n"),
                Arguments.of(QUIET_HEADERS, "HPUB foo 2\r\n"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("malformedArguments")
    void errorsMalformedArgumentsCloseWithoutAWord(String connect, String bytes) {
        try (WireServer server = WireServer.start();
             WireClient client = WireClient.connect(server, connect)) {
            client.send(bytes).expectClosed();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PUB foo 1048577\r\n", "PUB foo 999999999\r\n", "HPUB foo 12 1048577\r\n"})
    void errorsPayloadOverMaxPayloadIsRefusedAndClosed(String bytes) {
        try (WireServer server = WireServer.start();
             WireClient client = WireClient.connect(server, QUIET_HEADERS)) {
            client.send(bytes).expectClosedAfter("-ERR 'Maximum Payload Violation'\r\n");
        }
    }

    @Test
    void errorsPayloadOfExactlyMaxPayloadIsFine() {
        try (WireServer server = WireServer.start(s -> s.maxPayload = 64);
             WireClient client = WireClient.connect(server, QUIET)) {
            String payload = "p".repeat(64);
            client.send("SUB foo 1\r\nPUB foo 64\r\n" + payload + "\r\nPING\r\n")
                    .expect("MSG foo 1 64\r\n" + payload + "\r\nPONG\r\n");
            client.send("PUB foo 65\r\n").expectClosedAfter("-ERR 'Maximum Payload Violation'\r\n");
        }
    }

    static Stream<Arguments> controlLinesOverLimit() {
        String longSubject = "a".repeat(5000);
        return Stream.of(
                Arguments.of(4096, "PUB " + longSubject + " 1\r\n"),
                Arguments.of(4096, "SUB " + longSubject), // no line end: refused all the same
                Arguments.of(64, "SUB " + "b".repeat(100) + " 1\r\n"),
                Arguments.of(64, "CONNECT {\"name\":\"" + "c".repeat(100) + "\"}\r\n"));
    }

    @ParameterizedTest(name = "max_control_line {0}")
    @MethodSource("controlLinesOverLimit")
    void errorsControlLineOverLimitIsRefusedAndClosed(int maxControlLine, String bytes) {
        // nats-server's text for this one is lower case (ErrMaxControlLine), unlike most of its -ERR texts.
        try (WireServer server = WireServer.start(s -> s.maxControlLine = maxControlLine);
             WireClient client = WireClient.connect(server, QUIET)) {
            client.send(bytes).expectClosedAfter("-ERR 'maximum control line exceeded'\r\n");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"foo..x", ".foo", "foo."})
    void errorsInvalidPublishSubjectKeepsTheConnection(String subject) {
        try (WireServer server = WireServer.start();
             WireClient client = WireClient.connect(server, QUIET)) {
            client.send("PUB " + subject + " 1\r\na\r\n").expect("-ERR 'Invalid Publish Subject'\r\n");
            client.roundTrip();
            client.send("SUB ok 1\r\nPUB ok 1\r\nb\r\nPING\r\n").expect("MSG ok 1 1\r\nb\r\nPONG\r\n");
        }
    }

    @Test
    void wildcardPublishSubjectsAreDeliveredAndReportedOnlyToPedanticClients() {
        // nats-server reports a publish subject with wildcard tokens only to a pedantic client — and a client is
        // pedantic unless its CONNECT says "pedantic":false (as every client library does); either way the message
        // goes to the subscriptions matching its tokens taken literally.
        try (WireServer server = WireServer.start();
             WireClient client = WireClient.connect(server, "{\"verbose\":false,\"pedantic\":false}")) {
            client.send("SUB foo.> 1\r\nPUB foo.* 1\r\na\r\nPING\r\n").expect("MSG foo.* 1 1\r\na\r\nPONG\r\n");
        }
        for (String connect : new String[] {QUIET, "{\"verbose\":false,\"pedantic\":true}"}) {
            try (WireServer server = WireServer.start();
                 WireClient client = WireClient.connect(server, connect)) {
                client.send("SUB foo.> 1\r\nPUB foo.* 1\r\na\r\nPING\r\n")
                        .expect("-ERR 'Invalid Publish Subject'\r\nMSG foo.* 1 1\r\na\r\nPONG\r\n");
            }
        }
    }

    @Test
    void errorsInvalidPublishSubjectIsAMessageForNobody() {
        // A subject with an empty token matches no subscription: a request to it meets no responders, reported to a
        // pedantic client after the -ERR (and the verbose +OK), to anyone else without a word.
        try (WireServer server = WireServer.start();
             WireClient client = WireClient.connect(server,
                     "{\"verbose\":false,\"pedantic\":false,\"headers\":true,\"no_responders\":true}")) {
            client.send("SUB _INBOX.x 1\r\nSUB a.> 2\r\nPUB a..b _INBOX.x 1\r\nx\r\nPUB a.b. 1\r\ny\r\nPING\r\n")
                    .expect("HMSG _INBOX.x 1 16 16\r\nNATS/1.0 503\r\n\r\n\r\nPONG\r\n");
        }
        try (WireServer server = WireServer.start();
             WireClient client = WireClient.connect(server, "{\"headers\":true,\"no_responders\":true}")) {
            client.send("SUB _INBOX.x 1\r\nPUB a..b _INBOX.x 1\r\nx\r\nPING\r\n")
                    .expect("+OK\r\n-ERR 'Invalid Publish Subject'\r\n+OK\r\n"
                            + "HMSG _INBOX.x 1 16 16\r\nNATS/1.0 503\r\n\r\n\r\nPONG\r\n");
        }
    }

    @Test
    void errorsInvalidPublishSubjectIsStillAcknowledgedWhenVerbose() {
        // nats-server reports the subject while reading the PUB line and then handles the message as usual, so a
        // verbose client gets the -ERR followed by the message's +OK.
        try (WireServer server = WireServer.start();
             WireClient client = WireClient.connect(server, "{}")) {
            client.send("PUB foo..x 1\r\na\r\n").expect("-ERR 'Invalid Publish Subject'\r\n+OK\r\n");
            client.roundTrip();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"foo..bar", "foo.>.bar", ".foo", "foo."})
    void errorsInvalidSubscribeSubjectKeepsTheConnection(String subject) {
        // No +OK after the -ERR here, verbose or not.
        try (WireServer server = WireServer.start();
             WireClient client = WireClient.connect(server, "{}")) {
            client.send("SUB " + subject + " 1\r\n").expect("-ERR 'Invalid Subject'\r\n");
            client.roundTrip();
        }
    }

    @Test
    void errorsBadClientIsCutOffWithoutDisturbingOthers() {
        try (WireServer server = WireServer.start();
             WireClient good = WireClient.connect(server, QUIET);
             WireClient bad = WireClient.connect(server, QUIET)) {
            good.send("SUB foo 1\r\n").roundTrip();
            bad.send("SUB foo 2\r\nPUB foo 2\r\nhi\r\ngarbage\r\n");
            bad.expect("MSG foo 2 2\r\nhi\r\n");
            bad.expectClosedAfter("-ERR 'Unknown Protocol Operation'\r\n");
            good.expect("MSG foo 1 2\r\nhi\r\n");
            // The bad client's subscription went with it; the good one still publishes and receives.
            good.send("PUB foo 3\r\nabc\r\nPING\r\n").expect("MSG foo 1 3\r\nabc\r\nPONG\r\n");
            try (WireClient late = WireClient.connect(server, QUIET)) {
                late.send("PUB foo 1\r\nz\r\n").roundTrip();
            }
            good.expect("MSG foo 1 1\r\nz\r\n");
        }
    }
}
