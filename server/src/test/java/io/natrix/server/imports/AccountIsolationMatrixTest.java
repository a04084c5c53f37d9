package io.natrix.server.imports;

import static io.natrix.server.imports.ImportFixture.TIMEOUT;
import static io.natrix.server.imports.ImportFixture.bytes;
import static io.natrix.server.imports.ImportFixture.nothingPending;
import static io.natrix.server.imports.ImportFixture.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.natrix.server.imports.ImportFixture.Seen;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who receives what across accounts: A exports, B imports, C and the global account {@code $G} import nothing, and
 * the system account SYS (with a user of its own) exports one stream to B. Every client publishes every subject
 * of the matrix (plain, under wildcard exports, {@code $SYS.>}, {@code _INBOX.>}, {@code _R_.>}) and every client
 * listens on {@code >}; a message must reach its own account, plus the importing side under the import's local
 * subject, and nothing else anywhere. The expected rows were checked against nats-server 2.9.10 with the same
 * configuration (its system events aside, which the tag filter ignores).
 */
class AccountIsolationMatrixTest {
    private static final String CONFIG = """
            accounts {
              A {
                users = [ { user: a, password: p }, { user: a2, password: p } ]
                exports = [
                  { stream: "pubs.>" }
                  { stream: "lims.>", accounts: [ B ] }
                  { service: "pubsvc.>" }
                  { service: "privsvc.>", accounts: [ B ] }
                ]
              }
              B {
                users = [ { user: b, password: p }, { user: b2, password: p } ]
                imports = [
                  { stream: { account: A, subject: "pubs.>" } }
                  { stream: { account: A, subject: "lims.>" }, prefix: "froma" }
                  { service: { account: A, subject: "pubsvc.>" } }
                  { service: { account: A, subject: "privsvc.>" }, to: "a.priv.>" }
                  { stream: { account: SYS, subject: "$SYS.pub.>" } }
                ]
              }
              C { users = [ { user: c, password: p } ] }
              SYS {
                users = [ { user: sys, password: p } ]
                exports = [ { stream: "$SYS.pub.>", accounts: [ B ] } ]
              }
            }
            system_account: SYS
            authorization { users = [ { user: g, password: p } ] }
            """;

    private static final String[] PARTICIPANTS = {"a", "b", "c", "sys", "g"};
    private static final String[] SUBJECTS = {
        "plain", "pubs.x", "lims.x", "froma.lims.x", "pubsvc.x", "privsvc.x", "a.priv.x",
        "$SYS.x", "$SYS.pub.x", "$SYS.REQ.SERVER.PING", "$SYS.REQ.ACCOUNT.A.CONNZ", "_INBOX.x", "_R_.x.y",
    };
    /** The reply a service import gives a request in the exporter: a response route of the exporter's. */
    private static final String ROUTED = "_R_\\.[0-9A-Za-z]+\\.[0-9A-Za-z]+";

    /** Crossings into another account: publisher, subject, receiver, subject received, reply received. */
    private record Crossing(String publisher, String subject, String receiver, String received, String reply) {
    }

    private static final List<Crossing> CROSSINGS = List.of(
            // public stream, imported by B without renaming; C could import it but did not
            new Crossing("a", "pubs.x", "b", "pubs.x", "same"),
            // stream limited to B, imported with a prefix
            new Crossing("a", "lims.x", "b", "froma.lims.x", "same"),
            // public service: the request reaches A with a reply of A's own
            new Crossing("b", "pubsvc.x", "a", "pubsvc.x", ROUTED),
            // private service, imported under another local subject
            new Crossing("b", "a.priv.x", "a", "privsvc.x", ROUTED),
            // the system account's $SYS subjects leave it only where it exports them
            new Crossing("sys", "$SYS.pub.x", "b", "$SYS.pub.x", "same"));

    @TempDir
    Path dir;

    @Test
    void everyMessageReachesItsAccountAndTheImporterOnly() throws Exception {
        try (ImportFixture f = ImportFixture.start(dir, CONFIG)) {
            for (String p : PARTICIPANTS) {
                f.connect(p);
            }
            f.tap(PARTICIPANTS);
            SoftAssertions softly = new SoftAssertions();
            int n = 0;
            for (String publisher : PARTICIPANTS) {
                for (String subject : SUBJECTS) {
                    String tag = "cell" + (n++) + ":";
                    Connection pc = f.client(publisher);
                    pc.publish(subject, "rep." + publisher, bytes(tag + publisher + " " + subject));
                    List<Seen> seen = f.settle(tag, pc);

                    List<Seen> expected = new ArrayList<>();
                    expected.add(new Seen(publisher, subject, Pattern.quote("rep." + publisher), null));
                    for (Crossing c : CROSSINGS) {
                        if (c.publisher.equals(publisher) && c.subject.equals(subject)) {
                            expected.add(new Seen(c.receiver, c.received,
                                    c.reply.equals("same") ? Pattern.quote("rep." + publisher) : c.reply, null));
                        }
                    }
                    String cell = publisher + " publishes " + subject;
                    softly.assertThat(seen).as(cell).hasSameSizeAs(expected);
                    for (Seen e : expected) {
                        softly.assertThat(seen).as(cell + ", expected " + e).anyMatch(s ->
                                s.receiver().equals(e.receiver()) && s.subject().equals(e.subject())
                                        && s.reply() != null && s.reply().matches(e.reply()));
                    }
                }
            }
            softly.assertAll();
        }
    }

    @Test
    void wildcardSubscribersOfTheImporterGetCrossedMessagesUnderTheLocalSubject() throws Exception {
        try (ImportFixture f = ImportFixture.start(dir, CONFIG)) {
            Connection a = f.connect("a");
            Connection b = f.connect("b");
            Connection c = f.connect("c");
            Subscription prefixed = b.subscribe("froma.*.*");
            Subscription pubs = b.subscribe("pubs.*");
            Subscription exported = b.subscribe("lims.*"); // the exporter's subject means nothing in B
            Subscription inC = c.subscribe(">");
            b.flush(TIMEOUT);
            c.flush(TIMEOUT);

            a.publish("lims.y", bytes("limited"));
            a.publish("pubs.y", bytes("public"));
            assertThat(prefixed.nextMessage(TIMEOUT).getSubject()).isEqualTo("froma.lims.y");
            assertThat(pubs.nextMessage(TIMEOUT).getSubject()).isEqualTo("pubs.y");
            assertThat(nothingPending(b, exported, a)).isTrue();
            assertThat(nothingPending(c, inC, a)).isTrue();
            assertThat(prefixed.getPendingMessageCount() + pubs.getPendingMessageCount()).isZero();
        }
    }

    @Test
    void connectCannotChooseItsAccount() throws Exception {
        try (ImportFixture f = ImportFixture.start(dir, CONFIG)) {
            // asking for an account is an Authorization Violation, as in nats-server, even for one's own account
            for (String connect : List.of(
                    "{\"user\":\"g\",\"pass\":\"p\",\"verbose\":false,\"account\":\"A\"}",
                    "{\"user\":\"g\",\"pass\":\"p\",\"verbose\":false,\"account\":\"SYS\"}",
                    "{\"user\":\"b\",\"pass\":\"p\",\"verbose\":false,\"account\":\"B\"}",
                    "{\"user\":\"b\",\"pass\":\"p\",\"verbose\":false,\"new_account\":true}")) {
                assertThat(RawClient.refused(f.port(), connect)).as(connect)
                        .isEqualTo("-ERR 'Authorization Violation'");
            }

            // other fields that sound like an account are ignored: the user decides the account
            try (RawClient asGlobal = RawClient.connect(f.port(),
                    "{\"user\":\"g\",\"pass\":\"p\",\"verbose\":false,\"acc\":\"A\",\"account_name\":\"A\"}");
                 RawClient asB = RawClient.connect(f.port(),
                         "{\"user\":\"b\",\"pass\":\"p\",\"verbose\":false,\"acc\":\"SYS\","
                                 + "\"system_account\":true}")) {
                Connection a = f.connect("a");
                Connection g = f.connect("g");
                Connection sys = f.connect("sys");
                Connection b2 = f.connect("b2");
                asGlobal.send("SUB > 1\r\n");
                asB.send("SUB > 1\r\n");
                asGlobal.sync();
                asB.sync();

                a.publish("plain", bytes("from A"));
                sys.publish("$SYS.x", bytes("from SYS"));
                g.publish("plain", bytes("from $G"));
                b2.publish("plain", bytes("from B"));
                for (Connection c : List.of(a, sys, g, b2)) {
                    c.flush(TIMEOUT);
                }
                assertThat(asGlobal.sync()).containsExactly("MSG plain 1 7", "from $G");
                assertThat(asB.sync()).containsExactly("MSG plain 1 6", "from B");
            }
        }
    }

    @Test
    void globalUsersCannotReachTheSystemAccount() throws Exception {
        try (ImportFixture f = ImportFixture.start(dir, CONFIG)) {
            Connection sys = f.connect("sys");
            Connection g = f.connect("g");
            Subscription sysAll = sys.subscribe("$SYS.>");
            Subscription sysRequests = sys.subscribe("$SYS.REQ.>");
            sys.flush(TIMEOUT);

            g.publish("$SYS.ACCOUNT.A.CONNECT", bytes("forged event"));
            g.publish("$SYS.REQ.SERVER.PING", bytes("ping"));
            // (nats-server imports $SYS.REQ.SERVER.PING.CONNZ and a few others into every account, answered for
            // that account only; Natrix has no such system imports.)
            CompletableFuture<Message> ping = g.request("$SYS.REQ.SERVER.PING", bytes("{}"));
            // nobody in $G answers $SYS requests: no responders, and the system account saw none of it
            assertThatThrownBy(() -> ping.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                    .isInstanceOf(CancellationException.class);
            assertThat(nothingPending(sys, sysAll, g)).isTrue();
            assertThat(nothingPending(sys, sysRequests, g)).isTrue();

            // while inside the system account the same subjects are ordinary subjects
            sys.publish("$SYS.REQ.SERVER.PING", bytes("ping"));
            assertThat(text(sysRequests.nextMessage(TIMEOUT))).isEqualTo("ping");
        }
    }

    @Test
    void responsesOfAServiceImportReturnOnlyToTheRequester() throws Exception {
        try (ImportFixture f = ImportFixture.start(dir, CONFIG)) {
            Connection a = f.connect("a");
            Connection b = f.connect("b");
            f.connect("a2", "a2");
            f.connect("b2", "b2");
            f.connect("c");
            f.connect("g");
            f.connect("sys");
            f.tap("a2", "b2", "c", "g", "sys");
            a.createDispatcher(m -> a.publish(m.getReplyTo(), bytes("answer:" + m.getSubject())))
                    .subscribe("pubsvc.>");
            a.flush(TIMEOUT);

            Message answer = b.request("pubsvc.time", bytes("answer?"), TIMEOUT);
            assertThat(text(answer)).isEqualTo("answer:pubsvc.time");

            List<Seen> seen = f.settle("answer", a, b);
            // Inside each account the request and its response are ordinary messages that its subscribers to >
            // see (as in nats-server): in A on the route subject, in B on the requester's inbox. No other account
            // sees either.
            assertThat(seen).extracting(Seen::receiver).containsExactly("a2", "a2", "b2", "b2");
            assertThat(seen.get(0).subject()).isEqualTo("pubsvc.time");
            assertThat(seen.get(0).reply()).matches(ROUTED);
            assertThat(seen.get(1).subject()).isEqualTo(seen.get(0).reply());
            assertThat(seen.get(2).subject()).isEqualTo("pubsvc.time");
            assertThat(seen.get(3).subject()).isEqualTo(seen.get(2).reply()).startsWith("_INBOX.");
            assertThat(seen.get(3).data()).isEqualTo("answer:pubsvc.time");
            if (f.natrix()) {
                assertThat(f.pendingResponses("A")).isZero();
            }
        }
    }

    @Test
    void responseRoutesCannotBeUsedFromAThirdAccount() throws Exception {
        try (ImportFixture f = ImportFixture.start(dir, CONFIG)) {
            Connection a = f.connect("a");
            Connection b = f.connect("b");
            Connection c = f.connect("c");
            Connection g = f.connect("g");
            BlockingQueue<String> replies = new LinkedBlockingQueue<>();
            a.createDispatcher(m -> replies.add(m.getReplyTo())).subscribe("privsvc.>");
            a.flush(TIMEOUT);
            Subscription inbox = b.subscribe("inbox.b");
            b.flush(TIMEOUT);

            b.publish("a.priv.hold", "inbox.b", bytes("request"));
            String route = replies.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(route).matches(ROUTED);

            // the route is a subject of A's: published anywhere else it is an ordinary subject
            c.publish(route, bytes("forged by C"));
            g.publish(route, bytes("forged by $G"));
            b.publish(route, bytes("forged by B"));
            assertThat(nothingPending(b, inbox, c, g, b)).isTrue();

            a.publish(route, bytes("genuine"));
            assertThat(text(inbox.nextMessage(TIMEOUT))).isEqualTo("genuine");
            a.publish(route, bytes("second")); // a singleton route is used up
            assertThat(nothingPending(b, inbox, a)).isTrue();
        }
    }

    @Test
    void responseRoutesCannotBeReachedThroughAServiceImportCoveringThem() throws Exception {
        String config = """
                accounts {
                  A {
                    users = [ { user: a, password: p } ]
                    exports = [ { service: "svc" }, { service: "*.*.*" } ]
                  }
                  B {
                    users = [ { user: b, password: p } ]
                    imports = [ { service: { account: A, subject: "svc" } } ]
                  }
                  C {
                    users = [ { user: c, password: p } ]
                    imports = [ { service: { account: A, subject: "*.*.*" } } ]
                  }
                }
                """;
        try (ImportFixture f = ImportFixture.start(dir, config)) {
            Connection a = f.connect("a");
            Connection b = f.connect("b");
            Connection c = f.connect("c");
            BlockingQueue<String> replies = new LinkedBlockingQueue<>();
            a.createDispatcher(m -> replies.add(m.getReplyTo())).subscribe("svc");
            Subscription aSees = a.subscribe("_R_.>");
            a.flush(TIMEOUT);
            Subscription inbox = b.subscribe("inbox.b");
            b.flush(TIMEOUT);

            b.publish("svc", "inbox.b", bytes("request"));
            String route = replies.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(route).matches(ROUTED);

            // C's import covers A's route subjects, so C could pose as A's responder to B. nats-server 2.9.10
            // lets it (the forged message reaches B); Natrix does not forward a request onto a route subject of
            // the exporter: C gets no responders, A and B see nothing.
            CompletableFuture<Message> forged = c.request(route, bytes("forged by C"));
            assertThatThrownBy(() -> forged.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                    .isInstanceOf(CancellationException.class);
            assertThat(nothingPending(a, aSees, c)).isTrue();
            assertThat(nothingPending(b, inbox, c)).isTrue();

            a.publish(route, bytes("genuine"));
            assertThat(text(inbox.nextMessage(TIMEOUT))).isEqualTo("genuine");
        }
    }

    /** A raw protocol client, to send a CONNECT that jnats would not (extra fields). */
    private static final class RawClient implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;
        private final OutputStream out;

        private RawClient(Socket socket) throws Exception {
            this.socket = socket;
            this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            this.out = socket.getOutputStream();
        }

        static RawClient connect(int port, String connectJson) throws Exception {
            Socket s = new Socket();
            s.setSoTimeout((int) TIMEOUT.toMillis());
            s.connect(new InetSocketAddress("127.0.0.1", port), (int) TIMEOUT.toMillis());
            RawClient c = new RawClient(s);
            assertThat(c.in.readLine()).startsWith("INFO ");
            c.send("CONNECT " + connectJson + "\r\nPING\r\n");
            assertThat(c.in.readLine()).as("answer to CONNECT").isEqualTo("PONG");
            return c;
        }

        /** The answer to a CONNECT that the server should refuse. */
        static String refused(int port, String connectJson) throws Exception {
            try (Socket s = new Socket()) {
                s.setSoTimeout((int) TIMEOUT.toMillis());
                s.connect(new InetSocketAddress("127.0.0.1", port), (int) TIMEOUT.toMillis());
                RawClient c = new RawClient(s);
                assertThat(c.in.readLine()).startsWith("INFO ");
                c.send("CONNECT " + connectJson + "\r\nPING\r\n");
                String answer = c.in.readLine();
                assertThat(c.in.readLine()).as("connection closed after " + answer).isNull();
                return answer;
            }
        }

        void send(String protocol) throws Exception {
            out.write(protocol.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** Sends PING and returns the lines received before the PONG. */
        List<String> sync() throws Exception {
            send("PING\r\n");
            List<String> lines = new ArrayList<>();
            for (String line = in.readLine(); !"PONG".equals(line); line = in.readLine()) {
                assertThat(line).as("connection still open").isNotNull();
                if (!line.equals("PING")) {
                    lines.add(line);
                } else {
                    send("PONG\r\n");
                }
            }
            return lines;
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }
}
