package io.natrix.server.jetstream;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.natrix.server.account.Account;
import io.natrix.server.client.ClientConnection;
import io.natrix.server.client.Router;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;

/**
 * The audit advisory nats-server publishes for every JetStream API request it answers:
 * {@code $JS.EVENT.ADVISORY.API} in the requester's account, type {@code io.nats.jetstream.advisory.v1.api_audit}
 * (server/jetstream_events.go {@code JSAPIAudit}, sent by {@code sendJetStreamAPIAuditAdvisory}).
 * <pre>{@code
 * {"type":"io.nats.jetstream.advisory.v1.api_audit","id":"<22-char id>","timestamp":"<RFC 3339, ns>",
 *  "server":"<server name>","client":{"acc":"A","rtt":291384601,"server":"<server name>"},
 *  "subject":"$JS.API.STREAM.CREATE.ORDERS","request":"<request body>","response":"<response body>",
 *  "domain":"<domain>"}
 * }</pre>
 * {@code request} is left out when the request had no body, {@code domain} when JetStream has none, {@code rtt}
 * before the requester's round trip is known. The client is described as nats-server describes a requester whose
 * request crossed the (unshared) import of the JetStream API into the system account: account, round trip and
 * this server.
 *
 * <p>Answers that are not API responses send none, as in nats-server: direct gets, pull requests, acks.
 *
 * <p>Costs nothing unless someone subscribes: {@link #answered} looks the subject up in the account's subject
 * index (a cache hit) before building anything.
 *
 * <p>Stateless; called on the JetStream thread.
 */
final class JsApiAudit {
    static final String SUBJECT = "$JS.EVENT.ADVISORY.API";
    static final String TYPE = "io.nats.jetstream.advisory.v1.api_audit";
    private static final char[] ID_ALPHABET =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The advisory's JSON (nats-server's {@code JSAPIAudit}). */
    @JsonPropertyOrder({"type", "id", "timestamp", "server", "client", "subject", "request", "response", "domain"})
    record Advisory(
            @JsonProperty("type") String type,
            @JsonProperty("id") String id,
            @JsonProperty("timestamp") Instant timestamp,
            @JsonProperty("server") String server,
            @JsonProperty("client") Client client,
            @JsonProperty("subject") String subject,
            @JsonProperty("request") @JsonInclude(Include.NON_EMPTY) String request,
            @JsonProperty("response") String response,
            @JsonProperty("domain") @JsonInclude(Include.NON_EMPTY) String domain) {
    }

    /** The requester: nats-server's {@code ClientInfo} as an unshared import into the system account fills it. */
    @JsonPropertyOrder({"acc", "rtt", "server"})
    record Client(
            @JsonProperty("acc") @JsonInclude(Include.NON_EMPTY) String account,
            @JsonProperty("rtt") @JsonInclude(Include.NON_DEFAULT) long rttNanos,
            @JsonProperty("server") @JsonInclude(Include.NON_EMPTY) String server) {
    }

    private JsApiAudit() {
    }

    /**
     * After {@code op} (the subject after {@code $JS.API.}) was answered in {@code account} with
     * {@code response}: publishes the advisory there when someone subscribes to it.
     *
     * @param requester the connection that asked (null: the server itself)
     */
    static void answered(JetStream js, Account account, String op, byte[] request, byte[] response,
                         ClientConnection requester) {
        if (account.index().match(SUBJECT).isEmpty()) {
            return;
        }
        String requesterAccount = requester == null || requester.account() == null ? account.name()
                : requester.account().name();
        Client client = new Client(requesterAccount, requester == null ? 0 : requester.rttNanos(),
                js.serverName());
        Advisory advisory = new Advisory(TYPE, id(), Instant.now(), js.serverName(), client, "$JS.API." + op,
                new String(request, StandardCharsets.UTF_8), new String(response, StandardCharsets.UTF_8),
                js.config().domain());
        Router.publish(account, SUBJECT, null, null, JsJson.write(advisory));
    }

    /** An event id like nats-server's NUIDs: 22 characters of base 62. */
    private static String id() {
        char[] c = new char[22];
        for (int i = 0; i < c.length; i++) {
            c[i] = ID_ALPHABET[RANDOM.nextInt(ID_ALPHABET.length)];
        }
        return new String(c);
    }
}
