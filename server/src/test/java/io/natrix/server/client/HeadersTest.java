package io.natrix.server.client;

import static io.natrix.server.client.Jnats.TIMEOUT;
import static io.natrix.server.client.Jnats.bytes;
import static io.natrix.server.client.Jnats.flush;
import static io.natrix.server.client.Jnats.next;
import static io.natrix.server.client.Jnats.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.natrix.server.TestServer;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Message headers (HPUB/HMSG) as jnats sends and receives them. */
class HeadersTest {

    /** jnats waits out its connection timeout after the server's -ERR and close; keep that wait short. */
    private static final Duration REFUSED_CONNECT_TIMEOUT = Duration.ofMillis(1500);

    @Test
    void headersRoundTripWithMultipleValuesAndCaseKept() throws Exception {
        try (TestServer server = TestServer.start();
             Connection sub = Jnats.connect(server);
             Connection pub = Jnats.connect(server)) {
            Subscription s = sub.subscribe("hdr.>");
            flush(sub);
            Headers h = new Headers()
                    .add("X-Multi", "one", "two", "three")
                    .put("Mixed-Case-Key", "Value With Spaces")
                    .put("lower", "v:with:colons");

            pub.publish(NatsMessage.builder().subject("hdr.a").replyTo("hdr.reply").headers(h)
                    .data(bytes("body")).build());

            Message m = next(s);
            assertThat(m.getSubject()).isEqualTo("hdr.a");
            assertThat(m.getReplyTo()).isEqualTo("hdr.reply");
            assertThat(text(m)).isEqualTo("body");
            assertThat(m.hasHeaders()).isTrue();
            Headers got = m.getHeaders();
            assertThat(got.keySet()).containsExactlyInAnyOrder("X-Multi", "Mixed-Case-Key", "lower");
            assertThat(got.get("X-Multi")).containsExactly("one", "two", "three");
            assertThat(got.get("Mixed-Case-Key")).containsExactly("Value With Spaces");
            assertThat(got.get("mixed-case-key")).isNull();
            assertThat(got.get("lower")).containsExactly("v:with:colons");
        }
    }

    @Test
    void headersWithEmptyPayloadAndPlainMessagesInterleaveInOrder() throws Exception {
        try (TestServer server = TestServer.start();
             Connection nc = Jnats.connect(server)) {
            Subscription s = nc.subscribe("hdr.mix");
            flush(nc);
            nc.publish("hdr.mix", new Headers().put("K", "1"), new byte[0]);
            nc.publish("hdr.mix", bytes("plain"));
            nc.publish("hdr.mix", new Headers().put("K", "3"), bytes("third"));

            Message first = next(s);
            assertThat(first.getHeaders().getFirst("K")).isEqualTo("1");
            assertThat(first.getData()).isEmpty();
            Message second = next(s);
            assertThat(second.hasHeaders()).isFalse();
            assertThat(text(second)).isEqualTo("plain");
            Message third = next(s);
            assertThat(third.getHeaders().getFirst("K")).isEqualTo("3");
            assertThat(text(third)).isEqualTo("third");
        }
    }

    @Test
    void headersStrippedForSubscriberThatDoesNotSupportThem() throws Exception {
        try (TestServer server = TestServer.start();
             Connection plain = Jnats.connect(Jnats.options(server).noHeaders().noNoResponders());
             Connection pub = Jnats.connect(server)) {
            Subscription s = plain.subscribe("hdr.strip");
            flush(plain);
            pub.publish("hdr.strip", new Headers().put("Secret", "x"), bytes("payload only"));

            Message m = next(s);
            assertThat(m.hasHeaders()).isFalse();
            assertThat(text(m)).isEqualTo("payload only");
            assertThat(Jnats.serverSide(server, plain).connectOptions().headers).isFalse();
        }
    }

    /** Connects and expects nats-server's refusal of no_responders without headers, seen by jnats as -ERR. */
    private static void assertRefusedForNoRespondersWithoutHeaders(TestServer server, Options.Builder options) {
        List<String> errors = new CopyOnWriteArrayList<>();
        options.connectionTimeout(REFUSED_CONNECT_TIMEOUT).errorListener(new ErrorListener() {
            @Override
            public void errorOccurred(Connection conn, String error) {
                errors.add(error);
            }
        });
        assertThatThrownBy(() -> Jnats.connect(options).close()).isInstanceOf(IOException.class);
        await().atMost(TIMEOUT).until(() -> errors.contains("no responders requires headers support"));
        await().atMost(TIMEOUT).until(() -> server.server().connections().isEmpty());
    }

    @Test
    void headersOffWithNoRespondersOnIsRefusedAtConnect() {
        // jnats's noHeaders() alone still asks for no_responders; nats-server refuses that combination.
        try (TestServer server = TestServer.start()) {
            assertRefusedForNoRespondersWithoutHeaders(server, Jnats.options(server).noHeaders());
        }
    }

    @Test
    void headersOffOnServerRefusesClientAskingForNoResponders() {
        // nats-server grants headers only when both sides support them (c.headers = supportsHeaders &&
        // opts.Headers), so a client asking for no_responders gets -ERR 'no responders requires headers support'
        // and is closed when the server runs with no_header_support, even though the client sent headers:true.
        try (TestServer server = TestServer.start(b -> b.noHeaderSupport = true)) {
            assertRefusedForNoRespondersWithoutHeaders(server, Jnats.options(server));
        }
    }

    @Test
    void headersOffOnServerStillCarriesPlainMessages() throws Exception {
        try (TestServer server = TestServer.start(b -> b.noHeaderSupport = true);
             Connection nc = Jnats.connect(Jnats.options(server).noNoResponders())) {
            assertThat(nc.getServerInfo().isHeadersSupported()).isFalse();
            Subscription s = nc.subscribe("plain");
            flush(nc);
            nc.publish("plain", bytes("works"));
            assertThat(text(next(s))).isEqualTo("works");
        }
    }
}
