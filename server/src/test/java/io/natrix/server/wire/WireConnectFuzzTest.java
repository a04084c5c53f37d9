package io.natrix.server.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.NKey;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

/**
 * A value-level fuzz of CONNECT's JSON (the reliability plan's C4, CONNECT half). Each case starts from a CONNECT
 * that the server accepts and replaces, adds, repeats or drops fields, with hostile values: wrong JSON types,
 * {@code null}, -1, 2^31, 2^63, 1e30, 0.5, strings of 3,000 bytes and of 1 MB, NUL, invalid UTF-8, nesting 1,500
 * deep, numbers of 1,500 digits, keys in another case, then sometimes flips or cuts bytes of the result. One case in
 * eight follows a valid CONNECT on the same connection, as a client may send CONNECT again. Every field of
 * nats-server's {@code ClientOpts} is hit, including {@code import} and {@code export}, which nats-server decodes for
 * routes and leaf nodes but also for clients.
 *
 * <p>Each case is one raw connection: INFO, the mutated CONNECT and a PING. The server must answer with lines of
 * nats-server's shapes ({@code +OK}, {@code PONG}, {@code -ERR '...'}) ending in PONG, or close; it must never hang
 * (10 s per case) and never log an exception. Afterwards no fuzzed connection remains and a jnats client with the
 * configuration's credentials is served. The cases run against four configurations, so the authentication paths see
 * the hostile values too: no authentication, a user and password, a token, and nkey users (where the valid body
 * signs the nonce of its own connection).
 *
 * <p>With {@code -Dnatrix.fuzz.reference=/usr/sbin/nats-server} every case also goes to nats-server, started with the
 * same configuration, and both answers must be the same: that is how most cases in {@link WireConnectValuesTest}
 * were found. The seed is fixed for the suite; {@code -Dnatrix.fuzz.seed} picks another
 * (it is printed), {@code -Dnatrix.fuzz.iterations} the number of cases per configuration.
 */
class WireConnectFuzzTest {
    private static final long SEED = Long.getLong("natrix.fuzz.seed", 20261127L);
    private static final int CASES = Integer.getInteger("natrix.fuzz.iterations", 400);
    private static final String REFERENCE = System.getProperty("natrix.fuzz.reference");
    private static final Duration CASE_WAIT = Duration.ofSeconds(10);
    private static final Pattern NONCE = Pattern.compile("\"nonce\":\"([^\"]+)\"");
    private static final Pattern LINE = Pattern.compile("\\+OK|PONG|-ERR '[^'\\r\\n]*'");
    private static final NKey USER_KEY = newUserKey();

    /** The server configurations; each knows the fields that authenticate against it. */
    enum Auth {
        NONE(""),
        USER("authorization { user: fuzz, password: \"s3cret\" }\n"),
        TOKEN("authorization { token: \"t0ken-fuzz\" }\n"),
        NKEY("authorization { users = [ { nkey: " + new String(publicKey(USER_KEY)) + " } ] }\n");

        final String conf;

        Auth(String conf) {
            this.conf = conf;
        }

        /** The authenticating fields of a valid CONNECT; {@code nonce} is the connection's, or null. */
        List<Field> credentials(String nonce) {
            return switch (this) {
                case NONE -> List.of();
                case USER -> List.of(Field.text("user", "fuzz"), Field.text("pass", "s3cret"));
                case TOKEN -> List.of(Field.text("auth_token", "t0ken-fuzz"));
                case NKEY -> List.of(Field.text("nkey", new String(publicKey(USER_KEY))),
                        Field.text("sig", signature(nonce)));
            };
        }

        Options.Builder jnats(Options.Builder b) {
            return switch (this) {
                case NONE -> b;
                case USER -> b.userInfo("fuzz", "s3cret");
                case TOKEN -> b.token("t0ken-fuzz".toCharArray());
                case NKEY -> b.authHandler(Nats.staticCredentials(publicKey(USER_KEY), seed(USER_KEY)));
            };
        }
    }

    /** One field of a CONNECT body as raw JSON bytes, so that a body may hold what no JSON writer would write. */
    record Field(String key, byte[] value) {
        static Field text(String key, String value) {
            return new Field(key, ('"' + value + '"').getBytes(StandardCharsets.UTF_8));
        }

        static Field raw(String key, String json) {
            return new Field(key, json.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** What came back for one case: the lines, and whether the connection was closed (or reset) by the server. */
    record Outcome(List<String> lines, boolean closed, boolean reset) {
        boolean answered() {
            return closed || (!lines.isEmpty() && lines.getLast().equals("PONG"));
        }

        /** The comparable part: a reset may have eaten the lines before it, so only the close counts then. */
        String comparable(boolean eitherReset) {
            return eitherReset ? "closed=" + closed : lines + (closed ? " <closed>" : "");
        }

        @Override
        public String toString() {
            return lines + (reset ? " <reset>" : closed ? " <closed>" : "");
        }
    }

    /**
     * A case: a description for the failure message, how it turns a valid body (per connection) into bytes, and
     * whether a valid CONNECT goes first (the mutated one then replaces it, as a client may send CONNECT again).
     */
    record Case(String what, Function<List<Field>, byte[]> apply, boolean second) {
        Case(String what, Function<List<Field>, byte[]> apply) {
            this(what, apply, false);
        }

        Case afterAValidConnect() {
            return new Case(what + " after a valid CONNECT", apply, true);
        }
    }

    private static final String[] FIELDS = {"verbose", "pedantic", "tls_required", "name", "lang", "version",
        "protocol", "echo", "headers", "no_responders", "user", "pass", "auth_token", "nkey", "sig", "jwt",
        "account", "new_account", "import", "export"};

    private static final String[] UNKNOWN_KEYS = {"Verbose", "VERBOSE", "User", "PASS", "Auth_Token", "NKEY", "Sig",
        "Protocol", "Headers", "No_Responders", "ECHO", "unknown", "", "\\u0000", "verbose ", "x.y"};

    @ParameterizedTest
    @EnumSource(Auth.class)
    void everyMutatedConnectIsAnsweredOrClosedAndTheServerCarriesOn(Auth auth) throws Exception {
        long seed = SEED + auth.ordinal();
        System.out.println("WireConnectFuzzTest " + auth + " seed " + seed + ", " + CASES + " cases"
                + (REFERENCE == null ? "" : ", compared with " + REFERENCE));
        Random random = new Random(seed);
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < CASES; i++) {
            Case c = mutation(random);
            cases.add(random.nextInt(8) == 0 ? c.afterAValidConnect() : c);
        }
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        root.addAppender(log);
        long started = System.nanoTime();
        long slowestNanos = 0;
        String slowest = "none";
        try (WireServer natrix = WireServer.natrixFromConfig(auth.conf);
             WireServer reference = REFERENCE == null ? null : WireServer.referenceFromConfig(REFERENCE, auth.conf)) {
            List<String> differences = new ArrayList<>();
            for (int i = 0; i < cases.size(); i++) {
                Case c = cases.get(i);
                long caseStarted = System.nanoTime();
                Outcome got = run(natrix.port(), auth, c);
                long caseNanos = System.nanoTime() - caseStarted;
                if (caseNanos > slowestNanos) {
                    slowestNanos = caseNanos;
                    slowest = i + " (" + c.what() + ")";
                }
                assertThat(got.answered()).as("case %d (%s): neither PONG nor a close within %s; got %s", i,
                        c.what(), CASE_WAIT, got).isTrue();
                for (String line : got.lines()) {
                    assertThat(LINE.matcher(line).matches())
                            .as("case %d (%s): a line of nats-server's shapes; got %s", i, c.what(), got).isTrue();
                }
                if (reference != null) {
                    Outcome want = run(reference.port(), auth, c);
                    boolean reset = got.reset() || want.reset();
                    if (!got.comparable(reset).equals(want.comparable(reset))) {
                        differences.add("case " + i + " (" + c.what() + "): natrix " + got + ", nats-server " + want);
                    }
                }
            }
            assertThat(differences).as("answers that differ from nats-server's").isEmpty();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(natrix.natrix().server().connections()).as("fuzzed connections left").isEmpty());
            try (Connection nc = Nats.connect(auth.jnats(new Options.Builder()
                    .server("nats://127.0.0.1:" + natrix.port()).connectionTimeout(Duration.ofSeconds(10))).build())) {
                Subscription sub = nc.subscribe("after.fuzz");
                nc.publish("after.fuzz", "still here".getBytes(StandardCharsets.UTF_8));
                Message m = sub.nextMessage(Duration.ofSeconds(10));
                assertThat(m).as("a jnats client is served after the fuzz").isNotNull();
            }
        } finally {
            root.detachAppender(log);
        }
        List<String> thrown = log.list.stream().filter(e -> e.getThrowableProxy() != null)
                .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage() + " / "
                        + e.getThrowableProxy().getClassName() + ": " + e.getThrowableProxy().getMessage())
                .toList();
        assertThat(thrown).as("exceptions in the server log").isEmpty();
        System.out.printf("WireConnectFuzzTest %s: %d cases in %d ms; the slowest took %d ms: case %s%n", auth,
                cases.size(), (System.nanoTime() - started) / 1_000_000, slowestNanos / 1_000_000, slowest);
    }

    // ---------------------------------------------------------------- cases

    private static Case mutation(Random r) {
        int kind = r.nextInt(10);
        if (kind < 5) {
            String key = pick(r, FIELDS);
            byte[] value = hostileValue(r);
            return new Case(key + " = " + show(value), body -> serialize(replace(body, key, value)));
        }
        if (kind == 5) {
            String key = pick(r, UNKNOWN_KEYS);
            byte[] value = r.nextBoolean() ? hostileValue(r) : pick(r, new String[] {"true", "false", "\"x\"", "0"})
                    .getBytes(StandardCharsets.UTF_8);
            boolean first = r.nextBoolean();
            return new Case("added \"" + key + "\" = " + show(value), body -> {
                List<Field> b = new ArrayList<>(body);
                b.add(first ? 0 : b.size(), new Field(key, value));
                return serialize(b);
            });
        }
        if (kind == 6) {
            String key = pick(r, FIELDS);
            byte[] value = hostileValue(r);
            boolean first = r.nextBoolean();
            return new Case("repeated " + key + " = " + show(value) + (first ? " before" : " after"), body -> {
                List<Field> b = new ArrayList<>(body);
                b.add(first ? 0 : b.size(), new Field(key, value));
                return serialize(b);
            });
        }
        if (kind == 7) {
            List<String> drop = List.of(pick(r, FIELDS), pick(r, FIELDS), pick(r, FIELDS)).subList(0, 1 + r.nextInt(3));
            return new Case("dropped " + drop, body -> serialize(body.stream()
                    .filter(f -> !drop.contains(f.key())).toList()));
        }
        if (kind == 8) {
            long bytesSeed = r.nextLong();
            boolean cut = r.nextInt(3) == 0;
            return new Case((cut ? "cut" : "bytes flipped") + " (" + bytesSeed + ")", body -> {
                byte[] b = serialize(body);
                Random br = new Random(bytesSeed);
                if (cut) {
                    return Arrays.copyOf(b, br.nextInt(b.length));
                }
                byte[] special = {0, '"', '{', '}', '[', ']', ':', ',', '\\', (byte) 0xff, (byte) 0xc3, ' ', '1'};
                for (int i = 1 + br.nextInt(3); i > 0; i--) {
                    b[br.nextInt(b.length)] = br.nextBoolean() ? special[br.nextInt(special.length)]
                            : (byte) br.nextInt(256);
                }
                return b;
            });
        }
        String whole = pick(r, new String[] {"null", "[]", "1", "\"x\"", "", " ", "{}", "{", "}", "true",
            "[{\"verbose\":false}]", "{\"verbose\":false} {}", "{\"verbose\":false}x", "{\"verbose\":false,}",
            "{'verbose':false}", "{\"verbose\":false /* */}", "{\"verbose\":NaN}", "{\"protocol\":01}",
            nested(40), nested(1500)});
        return new Case("whole body " + show(whole.getBytes(StandardCharsets.UTF_8)),
                body -> whole.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] hostileValue(Random r) {
        return switch (r.nextInt(8)) {
            case 0 -> utf8(pick(r, new String[] {"null", "true", "false", "\"true\"", "\"false\"", "\"\"", "\"1\""}));
            case 1 -> utf8(pick(r, new String[] {"0", "1", "-1", "2", "-0", "2147483648", "-2147483649",
                "9223372036854775807", "9223372036854775808", "-9223372036854775809", "1e30", "1E2", "0.5", "1.0",
                "-1e-7", "100000000000000000000000000000"}));
            case 2 -> utf8(pick(r, new String[] {"[]", "{}", "[1]", "[\"a\"]", "{\"a\":1}",
                "{\"allow\":[\"a\"],\"deny\":[\"b\"]}", "{\"allow\":5}", "{\"allow\":[5]}", "{\"deny\":\"x\"}",
                "{\"allow\":[null]}", "[null]"}));
            case 3 -> utf8(pick(r, new String[] {"\"\\u0000\"", "\"a\\u0000b\"", "\"\\ud800\"", "\"\\uDFFF\\ud800\"",
                "\"\\r\\n\"", "\"\\\"\"", "\"'\"", "\"\\/\"", "\"\\x\"", "\"é\"", "\"\\t\""}));
            case 4 -> new byte[] {'"', (byte) 0xff, (byte) 0xfe, 'a', (byte) 0xc3, '"'};
            case 5 -> utf8('"' + "x".repeat(3000) + '"');
            case 6 -> r.nextInt(4) == 0 ? utf8('"' + "y".repeat(1 << 20) + '"')
                    : utf8("1".repeat(1500));
            default -> utf8(nested(r.nextBoolean() ? 40 : 1500));
        };
    }

    /** Arrays and objects nested {@code depth} deep, alternating. */
    private static String nested(int depth) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            s.append(i % 2 == 0 ? "[" : "{\"a\":");
        }
        for (int i = depth - 1; i >= 0; i--) {
            s.append(i % 2 == 0 ? "]" : "}");
        }
        return s.toString();
    }

    /** The valid body for {@code auth} on a connection whose INFO gave {@code nonce}. */
    private static List<Field> validBody(Auth auth, String nonce) {
        List<Field> body = new ArrayList<>(List.of(Field.raw("verbose", "true"), Field.raw("pedantic", "false"),
                Field.raw("tls_required", "false"), Field.text("name", "fuzz"), Field.text("lang", "java"),
                Field.text("version", "2.20.5"), Field.raw("protocol", "1"), Field.raw("echo", "true"),
                Field.raw("headers", "true"), Field.raw("no_responders", "true")));
        body.addAll(auth.credentials(nonce));
        return body;
    }

    private static List<Field> replace(List<Field> body, String key, byte[] value) {
        List<Field> b = new ArrayList<>();
        boolean replaced = false;
        for (Field f : body) {
            if (f.key().equals(key)) {
                b.add(new Field(key, value));
                replaced = true;
            } else {
                b.add(f);
            }
        }
        if (!replaced) {
            b.add(new Field(key, value));
        }
        return b;
    }

    private static byte[] serialize(List<Field> body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write('{');
        for (int i = 0; i < body.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(utf8('"' + body.get(i).key() + "\":"));
            out.writeBytes(body.get(i).value());
        }
        out.write('}');
        return out.toByteArray();
    }

    // ---------------------------------------------------------------- one connection

    private static Outcome run(int port, Auth auth, Case c) throws IOException {
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(50);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            Reader reader = new Reader(in);
            String info = reader.line(CASE_WAIT);
            assertThat(info).as("INFO").startsWith("INFO ");
            Matcher nonce = NONCE.matcher(info);
            List<Field> valid = validBody(auth, nonce.find() ? nonce.group(1) : null);
            byte[] body = c.apply().apply(valid);
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            if (c.second()) {
                frame.writeBytes(utf8("CONNECT "));
                frame.writeBytes(serialize(valid));
                frame.writeBytes(utf8("\r\n"));
            }
            frame.writeBytes(utf8("CONNECT "));
            frame.writeBytes(body);
            frame.writeBytes(utf8("\r\nPING\r\n"));
            try {
                out.write(frame.toByteArray());
                out.flush();
            } catch (SocketException e) {
                // The server closed while a 1 MB CONNECT was still going out: read what it said before.
            }
            return reader.outcome(CASE_WAIT);
        }
    }

    /** Reads a server's lines until PONG, the end of the stream, or a deadline. */
    private static final class Reader {
        private final InputStream in;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private boolean closed;
        private boolean reset;

        Reader(InputStream in) {
            this.in = in;
        }

        String line(Duration wait) throws IOException {
            long deadline = System.nanoTime() + wait.toNanos();
            while (true) {
                String line = takeLine();
                if (line != null || closed || System.nanoTime() > deadline) {
                    return line;
                }
                readSome();
            }
        }

        Outcome outcome(Duration wait) throws IOException {
            long deadline = System.nanoTime() + wait.toNanos();
            List<String> lines = new ArrayList<>();
            while (System.nanoTime() < deadline) {
                String line = takeLine();
                if (line != null) {
                    lines.add(line);
                    if (line.equals("PONG")) {
                        break;
                    }
                    continue;
                }
                if (closed) {
                    if (pending.size() > 0) {
                        lines.add("<partial> " + pending.toString(StandardCharsets.UTF_8));
                    }
                    break;
                }
                readSome();
            }
            return new Outcome(lines, closed, reset);
        }

        private String takeLine() {
            byte[] b = pending.toByteArray();
            for (int i = 0; i + 1 < b.length; i++) {
                if (b[i] == '\r' && b[i + 1] == '\n') {
                    pending.reset();
                    pending.write(b, i + 2, b.length - i - 2);
                    return new String(b, 0, i, StandardCharsets.UTF_8);
                }
            }
            return null;
        }

        private void readSome() throws IOException {
            byte[] buf = new byte[4096];
            try {
                int n = in.read(buf);
                if (n < 0) {
                    closed = true;
                } else {
                    pending.write(buf, 0, n);
                }
            } catch (SocketTimeoutException e) {
                // Nothing yet; the caller checks its deadline.
            } catch (SocketException e) {
                closed = true;
                reset = true;
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private static NKey newUserKey() {
        try {
            return NKey.createUser(null);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static char[] publicKey(NKey key) {
        try {
            return key.getPublicKey();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static char[] seed(NKey key) {
        return key.getSeed();
    }

    private static String signature(String nonce) {
        try {
            byte[] sig = USER_KEY.sign((nonce == null ? "" : nonce).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
        } catch (IOException | GeneralSecurityException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }

    private static String pick(Random r, String[] from) {
        return from[r.nextInt(from.length)];
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String show(byte[] value) {
        String s = new String(value, StandardCharsets.UTF_8);
        return s.length() > 40 ? s.substring(0, 20) + "...(" + value.length + " bytes)" : s;
    }
}
