package io.natrix.server.protocol;

import static io.natrix.server.protocol.ParserFeed.bytes;
import static io.natrix.server.protocol.RecordingHandler.PING;
import static io.natrix.server.protocol.RecordingHandler.PONG;
import static io.natrix.server.protocol.RecordingHandler.connect;
import static io.natrix.server.protocol.RecordingHandler.hpub;
import static io.natrix.server.protocol.RecordingHandler.pub;
import static io.natrix.server.protocol.RecordingHandler.sub;
import static io.natrix.server.protocol.RecordingHandler.unsub;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.natrix.server.protocol.ParserFeed.Outcome;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client protocol parser against nats-server 2.9.10's parser (parser.go, client.go processPub/processSub/...).
 *
 * <p>Every input is fed whole, split into two chunks at every byte offset, and one byte at a time; all three must give
 * the same callbacks and the same result. Where an expectation was checked against the real nats-server, the case
 * says what nats-server does on the wire.
 */
class ClientParserTest {

    private static final String HEADERS_ON = "CONNECT {\"headers\":true}\r\n";
    private static final ParserFeed FEED = ParserFeed.defaults();

    private static Outcome ok(String... events) {
        return new Outcome(List.of(events), ParseResult.OK, 0);
    }

    private static Outcome error(ParseResult result, String... eventsBefore) {
        return new Outcome(List.of(eventsBefore), result, -1);
    }

    private static Arguments operation(String name, String input, Outcome expected) {
        return Arguments.of(name, input, expected);
    }

    // ---------------------------------------------------------------- well-formed operations

    static Stream<Arguments> operations() {
        String headersOn = connect("{\"headers\":true}");
        return Stream.of(
                operation("CONNECT", "CONNECT {\"verbose\":false,\"name\":\"a b\"}\r\n",
                        ok(connect("{\"verbose\":false,\"name\":\"a b\"}"))),
                operation("CONNECT padded with tabs and spaces", "CONNECT \t {}\t \r\n", ok(connect("{}"))),
                operation("PUB", "PUB foo 5\r\nhello\r\n", ok(pub("foo", null, "hello"))),
                operation("PUB with reply", "PUB foo _INBOX.1 5\r\nhello\r\n", ok(pub("foo", "_INBOX.1", "hello"))),
                operation("PUB zero-length", "PUB foo 0\r\n\r\n", ok(pub("foo", null, ""))),
                operation("PUB zero-length with reply", "PUB foo r 0\r\n\r\n", ok(pub("foo", "r", ""))),
                operation("PUB payload containing CRLF", "PUB foo 8\r\n\r\nPUB \r\n\r\n",
                        ok(pub("foo", null, "\r\nPUB \r\n"))),
                operation("PUB size with leading zeros", "PUB foo 005\r\nhello\r\n", ok(pub("foo", null, "hello"))),
                operation("HPUB", HEADERS_ON + "HPUB foo 18 20\r\nNATS/1.0\r\nA: b\r\n\r\nhi\r\n",
                        ok(headersOn, hpub("foo", null, "NATS/1.0\r\nA: b\r\n\r\n", "hi"))),
                operation("HPUB with reply", HEADERS_ON + "HPUB foo bar 12 14\r\nNATS/1.0\r\n\r\nhi\r\n",
                        ok(headersOn, hpub("foo", "bar", "NATS/1.0\r\n\r\n", "hi"))),
                operation("HPUB with empty payload", HEADERS_ON + "HPUB foo 12 12\r\nNATS/1.0\r\n\r\n\r\n",
                        ok(headersOn, hpub("foo", null, "NATS/1.0\r\n\r\n", ""))),
                operation("HPUB payload containing CRLF", HEADERS_ON + "HPUB foo 12 16\r\nNATS/1.0\r\n\r\n\r\n\r\n\r\n",
                        ok(headersOn, hpub("foo", null, "NATS/1.0\r\n\r\n", "\r\n\r\n"))),
                operation("SUB", "SUB foo.* 1\r\n", ok(sub("foo.*", null, "1"))),
                operation("SUB with queue", "SUB foo.> workers 22\r\n", ok(sub("foo.>", "workers", "22"))),
                operation("UNSUB", "UNSUB 1\r\n", ok(unsub("1", 0))),
                operation("UNSUB with max", "UNSUB 1 10\r\n", ok(unsub("1", 10))),
                operation("PING", "PING\r\n", ok(PING)),
                operation("PONG", "PONG\r\n", ok(PONG)),
                operation("PING with trailing spaces", "PING  \t\r\n", ok(PING)),
                operation("INFO is read and ignored", "INFO {\"server_id\":\"x\"}\r\n", ok()),
                operation("+OK is read and ignored", "+OK\r\n", ok()),
                operation("lowercase", "connect {}\r\nsub foo 1\r\npub foo 2\r\nhi\r\nunsub 1\r\nping\r\npong\r\n",
                        ok(connect("{}"), sub("foo", null, "1"), pub("foo", null, "hi"), unsub("1", 0), PING, PONG)),
                operation("mixed case", "CoNnEcT {\"headers\":true}\r\nSuB foo 1\r\nPuB foo 2\r\nhi\r\n"
                                + "hPuB foo 12 12\r\nNATS/1.0\r\n\r\n\r\nUnSuB 1 2\r\nPiNg\r\npOnG\r\n+ok\r\n",
                        ok(headersOn, sub("foo", null, "1"), pub("foo", null, "hi"),
                                hpub("foo", null, "NATS/1.0\r\n\r\n", ""), unsub("1", 2), PING, PONG)),
                operation("tabs and runs of spaces between arguments",
                        HEADERS_ON + "PUB\t foo \t bar\t\t2 \r\nhi\r\nSUB \tfoo\t \tq  1\t\r\nUNSUB\t1 \t 3\r\n"
                                + "HPUB  foo\tr \t12\t 12\r\nNATS/1.0\r\n\r\n\r\n",
                        ok(headersOn, pub("foo", "bar", "hi"), sub("foo", "q", "1"), unsub("1", 3),
                                hpub("foo", "r", "NATS/1.0\r\n\r\n", ""))),
                operation("LF-only line ends", HEADERS_ON + "PUB foo 2\nhi\r\nSUB foo 1\nUNSUB 1\nPING\nPONG\n"
                                + "HPUB foo 12 12\nNATS/1.0\r\n\r\n\r\nconnect {}\n",
                        ok(headersOn, pub("foo", null, "hi"), sub("foo", null, "1"), unsub("1", 0), PING, PONG,
                                hpub("foo", null, "NATS/1.0\r\n\r\n", ""), connect("{}"))),
                operation("payload of control-line lookalikes", "PUB foo 22\r\nPING\r\nPUB x 1\r\nUNSUB 1\r\nPING\r\n",
                        ok(pub("foo", null, "PING\r\nPUB x 1\r\nUNSUB 1"), PING)),
                operation("UTF-8 subject", "SUB föö.bär 1\r\nPUB föö.bär 1\r\nx\r\n",
                        ok(sub("föö.bär", null, "1"), pub("föö.bär", null, "x"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("operations")
    void parserOperationIsDecodedUnderEveryChunking(String name, String input, Outcome expected) {
        FEED.assertEveryChunking(bytes(input), expected);
    }

    @Test
    void parserLongMixedStreamIsDecodedUnderEveryChunking() {
        StringBuilder input = new StringBuilder(HEADERS_ON);
        List<String> expected = new ArrayList<>();
        expected.add(connect("{\"headers\":true}"));
        // Every well-formed operation, three times over, so that each lands at many different offsets.
        for (int round = 0; round < 3; round++) {
            for (Arguments args : operations().toList()) {
                input.append((String) args.get()[1]);
                expected.addAll(((Outcome) args.get()[2]).events());
            }
            // "connect {}" and "CONNECT {}" in the cases above turned headers off again.
            input.append(HEADERS_ON);
            expected.add(connect("{\"headers\":true}"));
            input.append("PUB big.payload ").append(round * 700).append("\r\n").append("z".repeat(round * 700))
                    .append("\r\n");
            expected.add(pub("big.payload", null, "z".repeat(round * 700)));
        }
        FEED.assertEveryChunking(bytes(input.toString()), new Outcome(expected, ParseResult.OK, 0));
    }

    @Test
    void parserIncompleteOperationWaitsForMoreBytes() {
        // Everything up to the last byte of a PUB's trailing CRLF is "not yet": no callback, no error.
        String pub = "PUB foo 5\r\nhello\r\n";
        for (int length = 1; length < pub.length(); length++) {
            String prefix = pub.substring(0, length);
            Outcome outcome = FEED.whole(bytes(prefix));
            assertThat(outcome).as("prefix %s", RecordingHandler.escape(prefix))
                    .isEqualTo(new Outcome(List.of(), ParseResult.OK, length));
        }
    }

    @Test
    void parserStopIgnoresTheRestOfTheBuffer() {
        ClientParser parser = new ClientParser(4096, 1024);
        List<String> seen = new ArrayList<>();
        RecordingHandler recorder = new RecordingHandler(parser) {
            @Override
            public void onPing() {
                seen.add("PING");
                parser.stop(); // as the connection does when a handler closes it
            }

            @Override
            public void onSubscribe(String subject, String queue, String sid) {
                seen.add("SUB");
            }
        };
        ByteBuf buf = Unpooled.copiedBuffer(bytes("SUB a 1\r\nPING\r\nSUB b 2\r\ngarbage\r\n"));
        try {
            assertThat(parser.parse(buf, recorder)).isEqualTo(ParseResult.OK);
            assertThat(parser.parse(buf, recorder)).isEqualTo(ParseResult.OK);
        } finally {
            buf.release();
        }
        assertThat(seen).containsExactly("SUB", "PING");
    }

    @Test
    void parserLimitsChangeAppliesToNextOperation() {
        ClientParser parser = new ClientParser(4096, 4);
        RecordingHandler handler = new RecordingHandler(parser);
        ByteBuf buf = Unpooled.buffer();
        try {
            buf.writeBytes(bytes("PUB foo 4\r\nabcd\r\n"));
            assertThat(parser.parse(buf, handler)).isEqualTo(ParseResult.OK);
            parser.limits(4096, 8);
            buf.writeBytes(bytes("PUB foo 8\r\nabcdefgh\r\n"));
            assertThat(parser.parse(buf, handler)).isEqualTo(ParseResult.OK);
            parser.limits(4096, 2);
            buf.writeBytes(bytes("PUB foo 3\r\nabc\r\n"));
            assertThat(parser.parse(buf, handler)).isEqualTo(ParseResult.MAX_PAYLOAD);
        } finally {
            buf.release();
        }
        assertThat(handler.events()).containsExactly(pub("foo", null, "abcd"), pub("foo", null, "abcdefgh"));
    }

    // ---------------------------------------------------------------- errors

    static Stream<Arguments> unknownOperations() {
        return Stream.of(
                // nats-server rejects at the first byte that cannot continue an operation, without a line end.
                operation("garbage without a line end", "garbage", error(ParseResult.UNKNOWN_OPERATION)),
                operation("garbage line", "garbage\r\n", error(ParseResult.UNKNOWN_OPERATION)),
                operation("PUX", "PUX\r\n", error(ParseResult.UNKNOWN_OPERATION)),
                operation("PUBX", "PUBX foo 1\r\n", error(ParseResult.UNKNOWN_OPERATION)),
                operation("MSG is server-to-client only", "MSG foo 1 1\r\nx\r\n", error(ParseResult.UNKNOWN_OPERATION)),
                operation("HMSG is server-to-client only", "HMSG foo 1 0 0\r\n\r\n",
                        error(ParseResult.UNKNOWN_OPERATION)),
                operation("route protocol from a client", "RS+ foo\r\n", error(ParseResult.UNKNOWN_OPERATION)),
                operation("leaf protocol from a client", "LS+ foo\r\n", error(ParseResult.UNKNOWN_OPERATION)),
                operation("empty line", "\r\n", error(ParseResult.UNKNOWN_OPERATION)),
                operation("leading space", " PING\r\n", error(ParseResult.UNKNOWN_OPERATION)),
                operation("UNSUB without arguments", "UNSUB\r\n", error(ParseResult.UNKNOWN_OPERATION)),
                operation("PUB without arguments", "PUB\r\n", error(ParseResult.UNKNOWN_OPERATION)),
                operation("SUB without arguments", "SUB\r\n", error(ParseResult.UNKNOWN_OPERATION)),
                operation("CONNECT without arguments", "CONNECT\r\n", error(ParseResult.UNKNOWN_OPERATION)),
                operation("operations before the bad one are handled", "PING\r\nSUB a 1\r\nPUX",
                        error(ParseResult.UNKNOWN_OPERATION, PING, sub("a", null, "1"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unknownOperations")
    void parserUnknownOperationIsRefused(String name, String input, Outcome expected) {
        FEED.assertEveryChunking(bytes(input), expected);
        assertThat(ParseResult.UNKNOWN_OPERATION.errText()).isEqualTo("Unknown Protocol Operation");
    }

    static Stream<Arguments> payloadNotFollowedByCrlf() {
        return Stream.of(
                operation("two bytes too many", "PUB foo 1\r\nabc\r\n", error(ParseResult.UNKNOWN_OPERATION)),
                operation("LF without CR", "PUB foo 1\r\na\n\n", error(ParseResult.UNKNOWN_OPERATION)),
                operation("CR then not LF", "PUB foo 1\r\na\rX", error(ParseResult.UNKNOWN_OPERATION)),
                operation("HPUB payload too long", HEADERS_ON + "HPUB foo 12 12\r\nNATS/1.0\r\n\r\nx\r\n",
                        error(ParseResult.UNKNOWN_OPERATION, connect("{\"headers\":true}"))),
                // nats-server fails at the first wrong byte after the payload ("b" where CR belongs), without
                // waiting for a second byte: 'PUB foo 1\r\nab' on the wire gets -ERR 'Unknown Protocol Operation'.
                operation("one wrong byte is enough", "PUB foo 1\r\nab", error(ParseResult.UNKNOWN_OPERATION)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("payloadNotFollowedByCrlf")
    void parserPayloadNotFollowedByCrlfIsRefused(String name, String input, Outcome expected) {
        FEED.assertEveryChunking(bytes(input), expected);
    }

    @Test
    void parserControlLineOverLimitIsRefused() {
        // Every chunking with a small limit (feeding 5 KB lines byte by byte at every offset would take seconds).
        ParserFeed small = new ParserFeed(64, 1024);
        String longSubject = "a".repeat(100);
        // With a line end: the whole line is there, and too long.
        small.assertEveryChunking(bytes("PUB " + longSubject + " 1\r\nx\r\n"), error(ParseResult.MAX_CONTROL_LINE));
        small.assertEveryChunking(bytes("SUB " + longSubject + " 1\r\n"), error(ParseResult.MAX_CONTROL_LINE));
        // Without one: the server must not buffer an endless control line waiting for its end.
        small.assertEveryChunking(bytes("PUB " + longSubject), error(ParseResult.MAX_CONTROL_LINE));
        small.assertEveryChunking(bytes("PING\r\nSUB " + longSubject), error(ParseResult.MAX_CONTROL_LINE, PING));
        // The default limit of 4096.
        String over = "b".repeat(5000);
        assertThat(FEED.whole(bytes("PUB " + over + " 1\r\nx\r\n"))).isEqualTo(error(ParseResult.MAX_CONTROL_LINE));
        assertThat(FEED.whole(bytes("SUB " + over))).isEqualTo(error(ParseResult.MAX_CONTROL_LINE));
        assertThat(FEED.splitAt(bytes("SUB " + over), 4000)).isEqualTo(error(ParseResult.MAX_CONTROL_LINE));
        String under = "c".repeat(4000);
        assertThat(FEED.whole(bytes("SUB " + under + " 1\r\n"))).isEqualTo(ok(sub(under, null, "1")));
    }

    @Test
    void parserConnectLongerThanControlLineIsRefused() {
        // nats-server 2.9.10 holds CONNECT to max_control_line like every other control line: with
        // max_control_line 64, a 100-byte CONNECT gets -ERR 'maximum control line exceeded' (WireErrorsTest pins it).
        ParserFeed small = new ParserFeed(64, 1024);
        small.assertEveryChunking(bytes("CONNECT {\"name\":\"" + "a".repeat(100) + "\"}\r\n"),
                error(ParseResult.MAX_CONTROL_LINE));
    }

    @Test
    void parserControlLineLimitCountsArgumentsOnly() {
        // nats-server (client.go overMaxControlLineLimit) compares the arguments - from the first byte after the
        // operation's blanks up to the CR - with max_control_line, and refuses only when they are longer.
        // Checked on nats-server 2.9.10 with max_control_line 16: "SUB abcdefghijklmn 1" (arguments of 16 bytes)
        // and "PUB    abcdefghijklmn 5" are accepted; "SUB abcdefghijklmno 1" (17) gets -ERR and is closed.
        ParserFeed small = new ParserFeed(16, 1024);
        small.assertEveryChunking(bytes("SUB abcdefghijklmn 1\r\n"), ok(sub("abcdefghijklmn", null, "1")));
        small.assertEveryChunking(bytes("PUB abcdefghijklmn 5\r\nhello\r\n"),
                ok(pub("abcdefghijklmn", null, "hello")));
        small.assertEveryChunking(bytes("PUB    abcdefghijklmn 5\r\nhello\r\n"),
                ok(pub("abcdefghijklmn", null, "hello")));
        small.assertEveryChunking(bytes("SUB abcdefghijklmno 1\r\n"), error(ParseResult.MAX_CONTROL_LINE));
        small.assertEveryChunking(bytes("PUB abcdefghijklm 5  \r\n"), error(ParseResult.MAX_CONTROL_LINE));
    }

    @Test
    void parserControlLineLimitNearIntegerMaxDoesNotOverflow() {
        // max_control_line: 2147483647 is a valid nats-server setting (checked: 2.9.10 answers PING with PONG).
        ParserFeed huge = new ParserFeed(Integer.MAX_VALUE, 1024);
        assertThat(huge.whole(bytes("PING\r\nSUB foo 1\r\n"))).isEqualTo(ok(PING, sub("foo", null, "1")));
    }

    @Test
    void parserPayloadOverMaxPayloadIsRefused() {
        ParserFeed feed = new ParserFeed(4096, 1024);
        feed.assertEveryChunking(bytes("PUB foo 1025\r\n"), error(ParseResult.MAX_PAYLOAD));
        feed.assertEveryChunking(bytes("PUB foo reply 999999999\r\n"), error(ParseResult.MAX_PAYLOAD));
        // For HPUB the limit applies to headers and payload together.
        feed.assertEveryChunking(bytes(HEADERS_ON + "HPUB foo 12 1025\r\n"),
                error(ParseResult.MAX_PAYLOAD, connect("{\"headers\":true}")));
        // Exactly max_payload is fine.
        String payload = "p".repeat(1024);
        feed.assertEveryChunking(bytes("PUB foo 1024\r\n" + payload + "\r\n"), ok(pub("foo", null, payload)));
        String headers = "NATS/1.0\r\n\r\n";
        String rest = "q".repeat(1024 - headers.length());
        feed.assertEveryChunking(bytes(HEADERS_ON + "HPUB foo 12 1024\r\n" + headers + rest + "\r\n"),
                ok(connect("{\"headers\":true}"), hpub("foo", null, headers, rest)));
        assertThat(ParseResult.MAX_PAYLOAD.errText()).isEqualTo("Maximum Payload Violation");
    }

    static Stream<Arguments> badArguments() {
        String headersOn = connect("{\"headers\":true}");
        return Stream.of(
                operation("PUB size not a number", "PUB foo abc\r\n", error(ParseResult.BAD_ARGUMENTS)),
                operation("PUB negative size", "PUB foo -1\r\n", error(ParseResult.BAD_ARGUMENTS)),
                operation("PUB size with a sign", "PUB foo +5\r\n", error(ParseResult.BAD_ARGUMENTS)),
                operation("PUB missing size", "PUB foo\r\n", error(ParseResult.BAD_ARGUMENTS)),
                operation("PUB 13-digit size", "PUB foo 1234567890123\r\n", error(ParseResult.BAD_ARGUMENTS)),
                // nats-server's parseSize reads at most 9 digits (maxParseSizeLen); a longer size is "Bad or
                // Missing Size" and the connection is closed without -ERR, not a Maximum Payload Violation.
                operation("PUB 10-digit size", "PUB foo 1234567890\r\n", error(ParseResult.BAD_ARGUMENTS)),
                operation("PUB too many arguments", "PUB foo bar baz 1\r\n", error(ParseResult.BAD_ARGUMENTS)),
                operation("PUB far too many arguments", "PUB a b c d e f g h 1\r\n", error(ParseResult.BAD_ARGUMENTS)),
                operation("SUB missing sid", "SUB foo\r\n", error(ParseResult.BAD_ARGUMENTS)),
                operation("SUB too many arguments", "SUB a b c d\r\n", error(ParseResult.BAD_ARGUMENTS)),
                operation("UNSUB blank arguments", "UNSUB \r\n", error(ParseResult.BAD_ARGUMENTS)),
                operation("UNSUB too many arguments", "UNSUB 1 2 3\r\n", error(ParseResult.BAD_ARGUMENTS)),
                operation("HPUB when headers were not announced", "HPUB foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\n",
                        error(ParseResult.BAD_ARGUMENTS)),
                operation("HPUB after CONNECT without headers",
                        "CONNECT {\"headers\":false}\r\nHPUB foo 12 12\r\nNATS/1.0\r\n\r\n\r\n",
                        error(ParseResult.BAD_ARGUMENTS, connect("{\"headers\":false}"))),
                operation("HPUB header size larger than total", HEADERS_ON + "HPUB foo 5 2\r\nab\r\n",
                        error(ParseResult.BAD_ARGUMENTS, headersOn)),
                operation("HPUB missing header size", HEADERS_ON + "HPUB foo 2\r\nab\r\n",
                        error(ParseResult.BAD_ARGUMENTS, headersOn)),
                operation("HPUB bad header size", HEADERS_ON + "HPUB foo x 2\r\nab\r\n",
                        error(ParseResult.BAD_ARGUMENTS, headersOn)),
                operation("HPUB bad total size", HEADERS_ON + "HPUB foo 2 x\r\nab\r\n",
                        error(ParseResult.BAD_ARGUMENTS, headersOn)),
                operation("HPUB too many arguments", HEADERS_ON + "HPUB foo a b 1 2\r\n",
                        error(ParseResult.BAD_ARGUMENTS, headersOn)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badArguments")
    void parserBadArgumentsCloseSilently(String name, String input, Outcome expected) {
        FEED.assertEveryChunking(bytes(input), expected);
        assertThat(ParseResult.BAD_ARGUMENTS.errText()).as("nats-server sends no -ERR for these").isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"UNSUB 1 x\r\n", "UNSUB 1 -1\r\n"})
    void parserUnsubWithUnreadableMaxUnsubscribesNow(String input) {
        // nats-server's processUnsub takes parseSize's -1 as "no maximum" and unsubscribes at once; checked on the
        // wire: SUB foo 1, UNSUB 1 x, PUB foo -> +OK for each, no MSG, and the connection stays.
        FEED.assertEveryChunking(bytes(input), ok(unsub("1", 0)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"PING foo\r\n", "PINGX\r\n", "PING\r\r\n"})
    void parserPingIgnoresBytesBeforeLineEnd(String input) {
        // nats-server's OP_PING state skips everything up to the LF; 2.9.10 answers each of these with PONG.
        FEED.assertEveryChunking(bytes(input), ok(PING));
    }

    @Test
    void parserErrFromClientClosesSilently() {
        // nats-server's processErr logs "Client Error" and closes a client that sends -ERR, without a reply.
        Outcome outcome = FEED.whole(bytes("-ERR 'boom'\r\nPING\r\n"));
        assertThat(outcome.events()).isEmpty();
        assertThat(outcome.result()).isNotEqualTo(ParseResult.OK);
        assertThat(outcome.result().errText()).isNull();
    }

    // ---------------------------------------------------------------- fuzz

    private static final byte[] DIGITS_AND_BLANKS = bytes("0123456789 \t\r\n");

    private static final byte[][] FUZZ_WORDS = Stream.of("PUB ", "HPUB ", "SUB ", "UNSUB ", "PING", "PONG",
            "CONNECT ", "INFO ", "+OK", "-ERR", "{\"headers\":true}", " ", "\t", "\r", "\n", "\r\n", "foo", "q", "0",
            "1", "2", "12", "14", "99", "NATS/1.0\r\n\r\n", "hi", "-1").map(ParserFeed::bytes).toArray(byte[][]::new);

    @Test
    void parserFuzzNeverThrowsNorSpinsAndIgnoresChunking() {
        long seed = Long.getLong("natrix.fuzz.seed", 20240611L);
        // The reliability plan's 1M inputs in the suite (about 10 s); -Dnatrix.fuzz.iterations=10000000 for its
        // nightly figure.
        int iterations = Integer.getInteger("natrix.fuzz.iterations", 1_000_000);
        ParserFeed feed = new ParserFeed(64, 128);
        byte[] valid = bytes(HEADERS_ON + operations().map(a -> (String) a.get()[1])
                .filter(s -> s.length() < 200).reduce("", String::concat));
        assertTimeoutPreemptively(Duration.ofSeconds(60).multipliedBy(Math.max(1, iterations / 100_000)), () -> {
            Random random = new Random(seed);
            for (int iteration = 0; iteration < iterations; iteration++) {
                byte[] input = switch (iteration % 3) {
                    case 0 -> randomBytes(random);
                    case 1 -> randomWords(random);
                    default -> mutate(valid, random);
                };
                Outcome whole = feed.whole(input);
                Outcome split = feed.cuts(input, randomCuts(random, input.length));
                assertThat(split).as("seed %d, iteration %d, input %s", seed, iteration,
                        RecordingHandler.escape(new String(input, java.nio.charset.StandardCharsets.ISO_8859_1)))
                        .isEqualTo(whole);
            }
        }, () -> "parser did not finish; seed " + seed);
    }

    private static byte[] randomBytes(Random random) {
        byte[] bytes = new byte[random.nextInt(200)];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] randomWords(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int words = random.nextInt(60);
        for (int i = 0; i < words; i++) {
            out.writeBytes(FUZZ_WORDS[random.nextInt(FUZZ_WORDS.length)]);
        }
        return out.toByteArray();
    }

    private static byte[] mutate(byte[] valid, Random random) {
        byte[] bytes = valid.clone();
        int mutations = 1 + random.nextInt(4);
        for (int i = 0; i < mutations; i++) {
            int at = random.nextInt(bytes.length);
            switch (random.nextInt(4)) {
                case 0 -> bytes[at] = (byte) random.nextInt(256);
                case 1 -> bytes[at] = DIGITS_AND_BLANKS[random.nextInt(DIGITS_AND_BLANKS.length)];
                case 2 -> bytes = concat(Arrays.copyOfRange(bytes, 0, at),
                        Arrays.copyOfRange(bytes, Math.min(bytes.length, at + 1 + random.nextInt(8)), bytes.length));
                default -> bytes = concat(Arrays.copyOfRange(bytes, 0, at), FUZZ_WORDS[random.nextInt(FUZZ_WORDS.length)],
                        Arrays.copyOfRange(bytes, at, bytes.length));
            }
            if (bytes.length == 0) {
                return bytes;
            }
        }
        return bytes;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static int[] randomCuts(Random random, int length) {
        return random.ints(random.nextInt(6), 0, length + 1).sorted().toArray();
    }
}
