package io.natrix.cli.stream;

import io.natrix.cli.output.Columns;
import com.fasterxml.jackson.databind.JsonNode;
import io.natrix.cli.output.Human;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prints a stream's info (the API's {@code StreamInfo} JSON) the way natscli's {@code stream info} does:
 * "Information for Stream X created T", the configuration (options, limits, metadata, replication), then the
 * state. With {@code stateOnly} ({@code purge} shows it) the heading says "State for Stream" and only the state
 * follows.
 */
public final class StreamView {

    private StreamView() {
    }

    public static void print(PrintWriter out, JsonNode info, boolean stateOnly) {
        JsonNode cfg = info.path("config");
        String name = cfg.path("name").asText();
        String created = Columns.time(info.path("created").asText());
        Columns cols = new Columns((stateOnly ? "State for Stream " : "Information for Stream ") + name
                + " created " + created);
        if (!stateOnly) {
            config(cols, cfg);
        }
        sources(cols, info);
        state(cols, info);
        cols.print(out);
    }

    private static void config(Columns cols, JsonNode cfg) {
        cols.rowIfNotEmpty("Description", cfg.path("description").asText(""));
        cols.rowIf("Subjects", join(cfg.path("subjects")), cfg.path("subjects").size() > 0);
        cols.row("Replicas", cfg.path("num_replicas").asInt(1));
        cols.rowIf("Sealed", true, cfg.path("sealed").asBoolean());
        cols.row("Storage", capitalize(cfg.path("storage").asText("file")));
        String compression = cfg.path("compression").asText("none");
        cols.rowIf("Compression", "S2 Compression", compression.equals("s2"));
        long firstSeq = cfg.path("first_seq").asLong(0);
        if (firstSeq > 0) {
            cols.row("First Sequence", Human.count(firstSeq));
        }
        JsonNode placement = cfg.path("placement");
        cols.rowIfNotEmpty("Placement Cluster", placement.path("cluster").asText(""));
        cols.rowIf("Placement Tags", join(placement.path("tags")), placement.path("tags").size() > 0);

        cols.title("Options");
        JsonNode transform = cfg.path("subject_transform");
        if (!transform.path("dest").asText("").isEmpty()) {
            String src = transform.path("src").asText("");
            cols.row("Subject Transform", (src.isEmpty() ? ">" : src) + " to " + transform.path("dest").asText());
        }
        JsonNode republish = cfg.path("republish");
        if (republish.isObject()) {
            cols.row(republish.path("headers_only").asBoolean() ? "Republishing Headers" : "Republishing",
                    republish.path("src").asText() + " to " + republish.path("dest").asText());
        }
        cols.row("Retention", retention(cfg.path("retention").asText("limits")));
        cols.row("Acknowledgments", !cfg.path("no_ack").asBoolean());
        cols.row("Discard Policy", cfg.path("discard_new_per_subject").asBoolean() ? "New Per Subject"
                : capitalize(cfg.path("discard").asText("old")));
        cols.row("Duplicate Window", Columns.nanos(cfg.path("duplicate_window").asLong()));
        cols.rowIf("Direct Get", true, cfg.path("allow_direct").asBoolean());
        cols.rowIf("Mirror Direct Get", true, cfg.path("mirror_direct").asBoolean());
        cols.row("Allows Msg Delete", !cfg.path("deny_delete").asBoolean());
        cols.row("Allows Per-Message TTL", cfg.path("allow_msg_ttl").asBoolean());
        cols.row("Allows Purge", !cfg.path("deny_purge").asBoolean());
        long markers = cfg.path("subject_delete_marker_ttl").asLong(0);
        if (cfg.path("allow_msg_ttl").asBoolean() && markers > 0) {
            cols.row("Subject Delete Markers TTL", Columns.nanos(markers));
        }
        cols.row("Allows Rollups", cfg.path("allow_rollup_hdrs").asBoolean());

        cols.title("Limits");
        cols.row("Maximum Messages", unlimited(cfg.path("max_msgs").asLong(-1), v -> Human.count(v)));
        long perSubject = cfg.path("max_msgs_per_subject").asLong(-1);
        cols.row("Maximum Per Subject", perSubject <= 0 ? "unlimited" : Human.count(perSubject));
        cols.row("Maximum Bytes", unlimited(cfg.path("max_bytes").asLong(-1), Human::bytes));
        long maxAge = cfg.path("max_age").asLong(0);
        cols.row("Maximum Age", maxAge <= 0 ? "unlimited" : Columns.nanos(maxAge));
        cols.row("Maximum Message Size", unlimited(cfg.path("max_msg_size").asLong(-1), Human::bytes));
        cols.row("Maximum Consumers", unlimited(cfg.path("max_consumers").asLong(-1), v -> Human.count(v)));
        JsonNode limits = cfg.path("consumer_limits");
        long inactive = limits.path("inactive_threshold").asLong(0);
        cols.rowIf("Consumer Inactive Threshold", Columns.nanos(inactive), inactive > 0);
        long maxAckPending = limits.path("max_ack_pending").asLong(0);
        cols.rowIf("Consumer Max Ack Pending", Human.count(maxAckPending), maxAckPending > 0);

        Map<String, String> meta = userMetadata(cfg.path("metadata"));
        if (!meta.isEmpty()) {
            cols.title("Metadata");
            meta.forEach(cols::row);
        }
        JsonNode mirror = cfg.path("mirror");
        JsonNode sources = cfg.path("sources");
        if (mirror.isObject() || sources.size() > 0) {
            cols.title("Replication");
        }
        if (mirror.isObject()) {
            cols.row("Mirror", source(mirror));
        }
        List<JsonNode> sorted = new ArrayList<>();
        sources.forEach(sorted::add);
        sorted.sort((a, b) -> a.path("name").asText().compareTo(b.path("name").asText()));
        for (int i = 0; i < sorted.size(); i++) {
            cols.row(i == 0 ? "Sources" : "", source(sorted.get(i)));
        }
        cols.blank();
    }

    private static void sources(Columns cols, JsonNode info) {
        if (info.path("mirror").isObject()) {
            cols.title("Mirror Information");
            sourceInfo(cols, info.path("mirror"));
        }
        if (info.path("sources").size() > 0) {
            cols.title("Source Information");
            for (JsonNode s : info.path("sources")) {
                sourceInfo(cols, s);
                cols.blank();
            }
        }
    }

    private static void sourceInfo(Columns cols, JsonNode s) {
        cols.row("Stream Name", s.path("name").asText());
        if (!s.path("filter_subject").asText("").isEmpty()) {
            cols.row("Subject Filter", s.path("filter_subject").asText());
        }
        cols.row("Lag", Human.count(s.path("lag").asLong()));
        long active = s.path("active").asLong(-1);
        cols.row("Last Seen", active > 0 && active < Long.MAX_VALUE ? Columns.nanos(active) : "never");
        if (s.path("error").isObject()) {
            cols.row("Error", s.path("error").path("description").asText());
        }
    }

    private static void state(Columns cols, JsonNode info) {
        JsonNode st = info.path("state");
        cols.title("State");
        apiLevels(cols, info.path("config").path("metadata"));
        cols.row("Messages", Human.count(st.path("messages").asLong()));
        cols.row("Bytes", Human.bytes(st.path("bytes").asLong()));
        JsonNode lost = st.path("lost");
        if (lost.path("msgs").size() > 0) {
            cols.row("Lost Messages", Human.count(lost.path("msgs").size()) + " (" + Human.bytes(
                    lost.path("bytes").asLong()) + ")");
        }
        cols.row("First Sequence", sequence(st.path("first_seq").asLong(), st.path("first_ts").asText("")));
        cols.row("Last Sequence", sequence(st.path("last_seq").asLong(), st.path("last_ts").asText("")));
        long deleted = st.path("deleted").size() > 0 ? st.path("deleted").size() : st.path("num_deleted").asLong();
        cols.rowIf("Deleted Messages", Human.count(deleted), deleted > 0);
        cols.row("Active Consumers", Human.count(st.path("consumer_count").asLong()));
        long subjects = st.path("num_subjects").asLong();
        cols.rowIf("Number of Subjects", Human.count(subjects), subjects > 0);
    }

    /** The server version and API levels the server records in metadata, as natscli shows them. */
    public static void apiLevels(Columns cols, JsonNode metadata) {
        String version = metadata.path("_nats.ver").asText("");
        String level = metadata.path("_nats.level").asText("");
        String required = metadata.path("_nats.req.level").asText("");
        if (!version.isEmpty()) {
            cols.row("Host Version", version);
        }
        if (!level.isEmpty() || !required.isEmpty()) {
            cols.row("Required API Level", (required.isEmpty() ? "0" : required) + " hosted at level " + level);
        }
    }

    private static String sequence(long seq, String time) {
        String t = Columns.time(time);
        return t.isEmpty() || Columns.instant(time).getEpochSecond() == 0 ? Human.count(seq)
                : Human.count(seq) + " @ " + t;
    }

    private static String source(JsonNode s) {
        List<String> parts = new ArrayList<>();
        parts.add(s.path("name").asText());
        if (s.path("opt_start_seq").asLong() > 0) {
            parts.add("Start Seq: " + Human.count(s.path("opt_start_seq").asLong()));
        }
        if (!s.path("opt_start_time").asText("").isEmpty()) {
            parts.add("Start Time: " + s.path("opt_start_time").asText());
        }
        JsonNode external = s.path("external");
        if (!external.path("api").asText("").isEmpty()) {
            parts.add("API Prefix: " + external.path("api").asText());
        }
        if (!external.path("deliver").asText("").isEmpty()) {
            parts.add("Delivery Prefix: " + external.path("deliver").asText());
        }
        return String.join(", ", parts);
    }

    /** Metadata without the server's reserved {@code _nats.} keys, sorted. */
    public static Map<String, String> userMetadata(JsonNode metadata) {
        Map<String, String> out = new TreeMap<>();
        metadata.fields().forEachRemaining(e -> {
            if (!e.getKey().startsWith("_nats.")) {
                out.put(e.getKey(), e.getValue().asText());
            }
        });
        return out;
    }

    static String join(JsonNode array) {
        List<String> items = new ArrayList<>();
        array.forEach(n -> items.add(n.asText()));
        return String.join(", ", items);
    }

    public static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    static String retention(String s) {
        return switch (s) {
            case "workqueue" -> "WorkQueue";
            default -> capitalize(s);
        };
    }

    private static String unlimited(long value, java.util.function.LongFunction<String> format) {
        return value == -1 ? "unlimited" : format.apply(value);
    }
}
