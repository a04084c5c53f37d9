package io.natrix.server.imports;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.natrix.server.client.ClientConnection;
import io.natrix.server.client.ConnectOptions;
import io.natrix.server.client.Message;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The {@code Nats-Request-Info} header that nats-server puts on every request crossing a service import, telling the
 * exporter who asks (server/client.go processServiceImport, ClientInfo in server/events.go):
 * <pre>{@code
 *   Nats-Request-Info: {"acc":"B","rtt":925762}                              // by default
 *   Nats-Request-Info: {"start":"...","host":"127.0.0.1","id":8,"acc":"B","user":"b","lang":"java",
 *                       "ver":"2.24.1","rtt":925762,"server":"NAUHVF...","kind":"Client","client_type":"nats"}
 *                                                                            // when the import says share: true
 * }</pre>
 * A header of that name from the client is replaced, so requesters cannot pose as another account. When a request
 * crosses a second service import (chains), the header of the first crossing is kept and names the intermediate
 * account as {@code svc}; details of the server are added if this import shares and the previous did not.
 *
 * <p>Not included, where nats-server has them: the JWT fields of operator mode (jwt, issuer_key, name_tag, tags),
 * cluster and MQTT fields, and the server details nats-server adds to imports from the system account.
 *
 * <p>Stateless and thread-safe.
 */
final class RequestInfo {
    static final String HEADER = "Nats-Request-Info";
    private static final byte[] HEADER_LINE = "NATS/1.0\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    /** nats-server's ClientInfo, the fields in its order, empty ones left out ({@code acc} always there). */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonPropertyOrder({"start", "host", "id", "acc", "svc", "user", "name", "lang", "ver", "rtt", "server",
        "cluster", "alts", "stop", "jwt", "issuer_key", "name_tag", "tags", "kind", "client_type", "client_id"})
    static final class ClientInfo {
        @JsonProperty("start") public String start;
        @JsonProperty("host") public String host;
        @JsonProperty("id") public Long id;
        @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("acc") public String account = "";
        @JsonProperty("svc") public String service;
        @JsonProperty("user") public String user;
        @JsonProperty("name") public String name;
        @JsonProperty("lang") public String lang;
        @JsonProperty("ver") public String version;
        @JsonProperty("rtt") public Long rtt;
        @JsonProperty("server") public String server;
        @JsonProperty("cluster") public String cluster;
        @JsonProperty("alts") public List<String> alternates;
        @JsonProperty("stop") public String stop;
        @JsonProperty("jwt") public String jwt;
        @JsonProperty("issuer_key") public String issuerKey;
        @JsonProperty("name_tag") public String nameTag;
        @JsonProperty("tags") public List<String> tags;
        @JsonProperty("kind") public String kind;
        @JsonProperty("client_type") public String clientType;
        @JsonProperty("client_id") public String mqttClient;
    }

    private RequestInfo() {
    }

    /**
     * The header block {@code message} crosses {@code link} with, or null to cross with its own (a request from
     * the server itself, or a chained request whose header cannot be read).
     *
     * @param previousShare the share flag of the service import the message crossed before, null if none
     * @param serverName    this server's name, for shared details
     */
    static byte[] headersFor(Message message, Boolean previousShare, boolean share, String serverName) {
        ClientInfo info;
        if (previousShare != null) {
            byte[] headers = message.headers();
            String value = headers == null ? null : value(headers);
            if (value == null) {
                return null;
            }
            try {
                info = JSON.readValue(value, ClientInfo.class);
            } catch (IOException e) {
                return null;
            }
            info.service = message.account().name();
            if (!previousShare && share) {
                info.server = serverName;
            }
        } else {
            ClientConnection client = message.publisher();
            if (client == null) {
                return null;
            }
            info = of(client, share, serverName);
        }
        try {
            return withHeader(message.headers(), JSON.writeValueAsBytes(info));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + HEADER, e);
        }
    }

    private static ClientInfo of(ClientConnection client, boolean detailed, String serverName) {
        ClientInfo info = new ClientInfo();
        info.account = client.account() == null ? "" : client.account().name();
        long rtt = client.rttNanos();
        info.rtt = rtt > 0 ? rtt : null;
        if (detailed) {
            info.server = serverName;
            info.start = goTime(client.started());
            info.host = client.remoteHost();
            info.id = client.cid() == 0 ? null : client.cid();
            info.user = client.user();
            ConnectOptions connect = client.connectOptions();
            if (connect != null) {
                info.name = connect.name;
                info.lang = connect.lang;
                info.version = connect.version;
            }
            info.kind = "Client";
            info.clientType = "nats";
        }
        return info;
    }

    /** A time as Go's encoding/json writes it (RFC 3339 with as many fraction digits as needed), in UTC. */
    static String goTime(Instant t) {
        if (t == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder(SECONDS.format(t));
        int nanos = t.getNano();
        if (nanos != 0) {
            String fraction = String.format("%09d", nanos);
            int end = fraction.length();
            while (fraction.charAt(end - 1) == '0') {
                end--;
            }
            sb.append('.').append(fraction, 0, end);
        }
        return sb.append('Z').toString();
    }

    /** The value of the first {@value #HEADER} line of a header block, or null. */
    static String value(byte[] headers) {
        String block = new String(headers, StandardCharsets.UTF_8);
        int at = lineStart(block);
        if (at < 0) {
            return null;
        }
        int end = block.indexOf("\r\n", at);
        return end < 0 ? null : block.substring(at + HEADER.length() + 1, end).trim();
    }

    /**
     * {@code headers} (null: none) with its {@value #HEADER} line replaced by one with {@code value}, put last, as
     * nats-server's setHeader does.
     */
    static byte[] withHeader(byte[] headers, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(
                (headers == null ? HEADER_LINE.length : headers.length) + HEADER.length() + value.length + 6);
        byte[] kept = headers == null || headers.length <= 2 ? null : without(headers);
        if (kept == null) {
            out.writeBytes(HEADER_LINE);
        } else {
            out.writeBytes(kept);
        }
        out.writeBytes(HEADER.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[] {':', ' '});
        out.writeBytes(value);
        out.writeBytes(new byte[] {'\r', '\n', '\r', '\n'});
        return out.toByteArray();
    }

    /** The header block without its final CRLF and without its first {@value #HEADER} line; null if only the status line is left. */
    private static byte[] without(byte[] headers) {
        // ISO-8859-1 keeps one char per byte, so indexes are byte offsets
        String block = new String(headers, 0, headers.length - 2, StandardCharsets.ISO_8859_1);
        int at = lineStart(block);
        if (at >= 0) {
            int end = block.indexOf("\r\n", at);
            if (end >= 0) {
                block = block.substring(0, at) + block.substring(end + 2);
            }
        }
        if (block.length() <= HEADER_LINE.length) {
            return null;
        }
        return block.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Where the first {@value #HEADER} line starts (after a line feed, followed by a colon), or -1. */
    private static int lineStart(String block) {
        int at = block.indexOf(HEADER);
        if (at < 1 || block.charAt(at - 1) != '\n') {
            return -1; // nats-server looks at the first occurrence only
        }
        int colon = at + HEADER.length();
        return colon < block.length() && block.charAt(colon) == ':' ? at : -1;
    }
}
