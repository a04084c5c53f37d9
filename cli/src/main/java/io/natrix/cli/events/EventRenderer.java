package io.natrix.cli.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.natrix.cli.admin.Fmt;
import io.natrix.cli.output.Human;
import io.natrix.cli.support.GoDuration;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Turns NATS events (server advisories and JetStream advisories and metrics, each a JSON document with a
 * {@code type} such as {@code io.nats.server.advisory.v1.client_connect}) into text as natscli's {@code events}
 * shows them: a compact one-line form ({@code --short}) and an extended multi-line form (the default).
 *
 * <p>Connection, disconnection, stream, consumer and API audit events have natscli's extended layout; the other
 * known types show their one-line form under the extended heading. A type it does not know yields null, and the
 * caller prints the raw event. Stateless.
 */
final class EventRenderer {

    private static final DateTimeFormatter SHORT_TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private EventRenderer() {
    }

    /** The one-line form, or null for an unknown type. */
    static String compact(JsonNode e) {
        String time = shortTime(e);
        String type = e.path("type").asText();
        JsonNode c = e.path("client");
        return switch (type) {
            case "io.nats.server.advisory.v1.client_connect" -> time + " [Connection] " + user(c) + "cid: "
                    + c.path("id").asLong() + " in account " + c.path("acc").asText();
            case "io.nats.server.advisory.v1.client_disconnect" -> time + " [Disconnection] " + user(c) + "cid: "
                    + c.path("id").asLong() + " in account " + c.path("acc").asText() + ": "
                    + e.path("reason").asText();
            case "io.nats.server.advisory.v1.account_connections" -> time + " [Account] " + e.path("acc").asText()
                    + " Server: " + e.path("server").path("name").asText() + " Connections: "
                    + e.path("conns").asLong() + " Leaf Nodes: " + e.path("leafnodes").asLong();
            case "io.nats.jetstream.advisory.v1.api_audit" -> time + " [JS API] " + e.path("subject").asText()
                    + (c.path("user").asText().isEmpty() ? "" : " " + c.path("user").asText() + " @")
                    + (c.path("acc").asText().isEmpty() ? "" : " " + c.path("acc").asText());
            case "io.nats.jetstream.advisory.v1.stream_action" -> time + " [Stream " + title(e.path("action").asText())
                    + "] " + e.path("stream").asText();
            case "io.nats.jetstream.advisory.v1.consumer_action" -> time + " [Consumer "
                    + title(e.path("action").asText()) + "] " + e.path("stream").asText() + " > "
                    + e.path("consumer").asText();
            case "io.nats.jetstream.advisory.v1.max_deliver" -> time + " [JS Max Deliveries] " + delivery(e);
            case "io.nats.jetstream.advisory.v1.nak" -> time + " [JS Delivery NAKed] " + delivery(e);
            case "io.nats.jetstream.advisory.v1.terminated" -> time + " [JS Delivery Terminated] " + delivery(e)
                    + (e.path("reason").asText().isEmpty() ? "" : ": " + e.path("reason").asText());
            case "io.nats.jetstream.advisory.v1.consumer_pause" -> time + " [Consumer Pause] Consumer: "
                    + e.path("stream").asText() + " > " + e.path("consumer").asText() + " Paused: "
                    + e.path("paused").asBoolean()
                    + (e.path("paused").asBoolean() ? " until " + e.path("pause_until").asText() : "");
            case "io.nats.jetstream.advisory.v1.consumer_group_pinned" -> time + " [PINNED] Consumer "
                    + e.path("stream").asText() + " > " + e.path("consumer").asText() + " pinned client "
                    + e.path("client_id").asText() + " for group " + e.path("group").asText();
            case "io.nats.jetstream.advisory.v1.consumer_group_unpinned" -> time + " [UNPINNED] Consumer "
                    + e.path("stream").asText() + " > " + e.path("consumer").asText()
                    + " unpinned client for group " + e.path("group").asText() + ": " + e.path("reason").asText();
            case "io.nats.jetstream.advisory.v1.snapshot_create" -> time + " [Snapshot Create] "
                    + e.path("stream").asText() + " " + Fmt.count(e.path("blocks").asLong()) + " blocks of "
                    + Human.bytes(e.path("block_size").asLong());
            case "io.nats.jetstream.advisory.v1.snapshot_complete" -> time + " [Snapshot Complete] "
                    + e.path("stream").asText() + " started " + clock(e.path("start").asText()) + " ended "
                    + clock(e.path("end").asText());
            case "io.nats.jetstream.advisory.v1.restore_create" -> time + " [Restore Create] "
                    + e.path("stream").asText();
            case "io.nats.jetstream.advisory.v1.restore_complete" -> time + " [Restore Complete] "
                    + e.path("stream").asText() + " restored " + Human.bytes(e.path("bytes").asLong())
                    + " bytes started " + clock(e.path("start").asText()) + " ended " + clock(e.path("end").asText());
            case "io.nats.jetstream.metric.v1.consumer_ack" -> time + " [JS Ack] " + e.path("stream").asText() + " ("
                    + e.path("stream_seq").asLong() + ") > " + e.path("consumer").asText() + " ("
                    + e.path("consumer_seq").asLong() + "): " + e.path("deliveries").asLong() + " deliveries in "
                    + GoDuration.format(Duration.ofNanos(e.path("ack_time").asLong()));
            default -> null;
        };
    }

    /** The multi-line form (beginning with an empty line, as natscli's templates do), or null for an unknown type. */
    static String extended(JsonNode e) {
        String type = e.path("type").asText();
        String heading = "\n[" + shortTime(e) + "] [" + e.path("id").asText() + "] ";
        StringBuilder sb = new StringBuilder();
        switch (type) {
            case "io.nats.server.advisory.v1.client_connect" -> {
                sb.append(heading).append("Client Connection\n\n");
                sb.append("   Server: ").append(e.path("server").path("name").asText()).append('\n');
                cluster(sb, e, "  Cluster: ");
                sb.append('\n');
                client(sb, e.path("client"));
            }
            case "io.nats.server.advisory.v1.client_disconnect" -> {
                sb.append(heading).append("Client Disconnection\n");
                if (!e.path("reason").asText().isEmpty()) {
                    sb.append("\n    Reason: ").append(e.path("reason").asText());
                }
                sb.append("\n    Server: ").append(e.path("server").path("name").asText()).append('\n');
                cluster(sb, e, "   Cluster: ");
                sb.append('\n');
                client(sb, e.path("client"));
                sb.append("\n   Stats:\n");
                sb.append("                  RTT: ")
                        .append(GoDuration.format(Duration.ofNanos(e.path("client").path("rtt").asLong())))
                        .append('\n');
                sb.append("      Client Received: ").append(e.path("received").path("msgs").asLong())
                        .append(" messages (").append(Human.bytes(e.path("received").path("bytes").asLong()))
                        .append(")\n");
                sb.append("     Client Published: ").append(e.path("sent").path("msgs").asLong())
                        .append(" messages (").append(Human.bytes(e.path("sent").path("bytes").asLong())).append(')');
            }
            case "io.nats.jetstream.advisory.v1.stream_action" -> {
                sb.append(heading).append("Stream ").append(title(e.path("action").asText())).append(" Action\n\n");
                sb.append("        Stream: ").append(e.path("stream").asText());
            }
            case "io.nats.jetstream.advisory.v1.consumer_action" -> {
                sb.append(heading).append("Consumer ").append(title(e.path("action").asText())).append(" Action\n\n");
                sb.append("        Stream: ").append(e.path("stream").asText()).append('\n');
                sb.append("      Consumer: ").append(e.path("consumer").asText());
            }
            case "io.nats.jetstream.advisory.v1.api_audit" -> {
                JsonNode c = e.path("client");
                sb.append(heading).append("JetStream API Access\n\n");
                sb.append("      Server: ").append(e.path("server").asText()).append('\n');
                sb.append("     Subject: ").append(e.path("subject").asText()).append('\n');
                sb.append("      Client:\n");
                if (!c.path("user").asText().isEmpty()) {
                    sb.append("                      User: ").append(c.path("user").asText()).append(" Account: ")
                            .append(c.path("acc").asText()).append('\n');
                }
                sb.append("                      Host: ").append(c.path("host").asText()).append('\n');
                sb.append("                        ID: ").append(c.path("id").asLong()).append('\n');
                if (!c.path("name").asText().isEmpty()) {
                    sb.append("                      Name: ").append(c.path("name").asText()).append('\n');
                }
                sb.append("           Library Version: ").append(c.path("ver").asText()).append("  Language: ")
                        .append(c.path("lang").asText("").isEmpty() ? "Unknown" : c.path("lang").asText())
                        .append("\n\n");
                sb.append("    Request:\n\n");
                String request = e.path("request").asText();
                sb.append(request.isEmpty() ? "          Empty Request" : pad(request, 10)).append("\n\n");
                sb.append("    Response:\n\n").append(pad(e.path("response").asText(), 10));
            }
            default -> {
                String line = compact(e);
                if (line == null) {
                    return null;
                }
                // Other known types: natscli's one-line text under the extended heading.
                sb.append(heading).append(line.substring(line.indexOf(' ') + 1));
            }
        }
        return sb.toString();
    }

    private static void client(StringBuilder sb, JsonNode c) {
        sb.append("   Client:\n");
        sb.append("                 ID: ").append(c.path("id").asLong()).append('\n');
        optional(sb, "               User: ", c.path("user").asText());
        optional(sb, "               Name: ", c.path("name").asText());
        sb.append("            Account: ").append(c.path("acc").asText()).append('\n');
        sb.append("    Library Version: ").append(c.path("ver").asText()).append("  Language: ")
                .append(c.path("lang").asText("").isEmpty() ? "Unknown" : c.path("lang").asText()).append('\n');
        optional(sb, "               Host: ", c.path("host").asText());
        optional(sb, "        Client Kind: ", c.path("kind").asText());
        optional(sb, "        Client Type: ", c.path("client_type").asText());
    }

    private static void cluster(StringBuilder sb, JsonNode e, String label) {
        optional(sb, label, e.path("server").path("cluster").asText());
    }

    private static void optional(StringBuilder sb, String label, String value) {
        if (value != null && !value.isEmpty()) {
            sb.append(label).append(value).append('\n');
        }
    }

    private static String user(JsonNode client) {
        String user = client.path("user").asText();
        return user.isEmpty() ? "" : "user: " + user + " ";
    }

    private static String delivery(JsonNode e) {
        return e.path("stream").asText() + " (" + e.path("stream_seq").asLong() + ") > " + e.path("consumer").asText()
                + ": " + e.path("deliveries").asLong() + " deliveries";
    }

    private static String title(String word) {
        return word.isEmpty() ? word : word.substring(0, 1).toUpperCase(Locale.ROOT)
                + word.substring(1).toLowerCase(Locale.ROOT);
    }

    private static String shortTime(JsonNode e) {
        return clock(e.path("timestamp").asText());
    }

    private static String clock(String rfc3339) {
        ZonedDateTime t = Fmt.time(rfc3339);
        LocalTime local = t == null ? LocalTime.now() : t.withZoneSameInstant(ZoneId.systemDefault()).toLocalTime();
        return SHORT_TIME.format(local);
    }

    /** Every line of {@code text} indented by {@code width} spaces. */
    static String pad(String text, int width) {
        String indent = " ".repeat(width);
        return indent + text.replace("\n", "\n" + indent);
    }
}
