package io.natrix.cli.consumer;

import com.fasterxml.jackson.databind.JsonNode;
import io.natrix.cli.output.Human;
import io.natrix.cli.output.Columns;
import io.natrix.cli.stream.StreamView;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Prints a consumer's info (the API's {@code ConsumerInfo} JSON) the way natscli's {@code consumer info} does:
 * "Information for Consumer S &gt; C created T", a Configuration section and a State section.
 */
final class ConsumerView {

    private ConsumerView() {
    }

    static void print(PrintWriter out, JsonNode info) {
        JsonNode cfg = info.path("config");
        Columns cols = new Columns("Information for Consumer " + info.path("stream_name").asText() + " > "
                + info.path("name").asText() + " created " + Columns.time(info.path("created").asText()));
        cols.title("Configuration");
        String name = cfg.path("name").asText("");
        String durable = cfg.path("durable_name").asText("");
        cols.rowIfNotEmpty("Name", name);
        cols.rowIf("Durable Name", durable, !durable.isEmpty() && !durable.equals(name));
        cols.rowIfNotEmpty("Description", cfg.path("description").asText(""));
        String deliverSubject = cfg.path("deliver_subject").asText("");
        if (deliverSubject.isEmpty()) {
            cols.row("Pull Mode", true);
        } else {
            cols.row("Delivery Subject", deliverSubject);
        }
        if (!cfg.path("filter_subject").asText("").isEmpty()) {
            cols.row("Filter Subject", cfg.path("filter_subject").asText());
        } else if (cfg.path("filter_subjects").size() > 0) {
            List<String> filters = new ArrayList<>();
            cfg.path("filter_subjects").forEach(f -> filters.add(f.asText()));
            cols.row("Filter Subjects", String.join(", ", filters));
        }
        switch (cfg.path("deliver_policy").asText("all")) {
            case "all" -> cols.row("Deliver Policy", "All");
            case "last" -> cols.row("Deliver Policy", "Last");
            case "new" -> cols.row("Deliver Policy", "New");
            case "last_per_subject" -> cols.row("Deliver Policy", "Last Per Subject");
            case "by_start_time" -> cols.row("Deliver Policy", "Since " + Columns.time(cfg.path("opt_start_time").asText()));
            case "by_start_sequence" -> cols.row("Deliver Policy", "From Sequence " + cfg.path("opt_start_seq").asLong());
            default -> cols.row("Deliver Policy", cfg.path("deliver_policy").asText());
        }
        String group = cfg.path("deliver_group").asText("");
        cols.rowIf("Deliver Queue Group", group, !group.isEmpty() && !deliverSubject.isEmpty());
        String ack = cfg.path("ack_policy").asText("none");
        cols.row("Ack Policy", StreamView.capitalize(ack));
        cols.rowIf("Ack Wait", Columns.nanos(cfg.path("ack_wait").asLong()), !ack.equals("none"));
        cols.row("Replay Policy", StreamView.capitalize(cfg.path("replay_policy").asText("instant")));
        long maxDeliver = cfg.path("max_deliver").asLong(-1);
        cols.rowIf("Maximum Deliveries", Human.count(maxDeliver), maxDeliver != -1);
        cols.rowIfNotEmpty("Sampling Rate", cfg.path("sample_freq").asText(""));
        long bps = cfg.path("rate_limit_bps").asLong(0);
        cols.rowIf("Rate Limit", Human.bytes(bps / 8) + " / second", bps > 0);
        long maxAckPending = cfg.path("max_ack_pending").asLong(0);
        cols.rowIf("Max Ack Pending", Human.count(maxAckPending), maxAckPending > 0);
        long maxWaiting = cfg.path("max_waiting").asLong(0);
        cols.rowIf("Max Waiting Pulls", Human.count(maxWaiting), maxWaiting > 0);
        long heartbeat = cfg.path("idle_heartbeat").asLong(0);
        cols.rowIf("Idle Heartbeat", Columns.nanos(heartbeat), heartbeat > 0);
        cols.rowIf("Flow Control", cfg.path("flow_control").asBoolean(), !deliverSubject.isEmpty());
        cols.rowIf("Headers Only", true, cfg.path("headers_only").asBoolean());
        long inactive = cfg.path("inactive_threshold").asLong(0);
        cols.rowIf("Inactive Threshold", Columns.nanos(inactive), inactive > 0 && deliverSubject.isEmpty());
        long maxExpires = cfg.path("max_expires").asLong(0);
        cols.rowIf("Max Pull Expire", Columns.nanos(maxExpires), maxExpires > 0);
        long maxBatch = cfg.path("max_batch").asLong(0);
        cols.rowIf("Max Pull Batch", Human.count(maxBatch), maxBatch > 0);
        long maxBytes = cfg.path("max_bytes").asLong(0);
        cols.rowIf("Max Pull MaxBytes", Human.count(maxBytes), maxBytes > 0);
        cols.rowIf("Backoff", backoff(cfg.path("backoff")), cfg.path("backoff").size() > 0);
        long replicas = cfg.path("num_replicas").asLong(0);
        cols.rowIf("Replicas", Human.count(replicas), replicas > 0);
        cols.rowIf("Memory Storage", true, cfg.path("mem_storage").asBoolean());
        Instant pauseUntil = Columns.instant(cfg.path("pause_until").asText(""));
        if (info.path("paused").asBoolean()) {
            cols.row("Paused Until Deadline", Columns.time(cfg.path("pause_until").asText()) + " (" + remaining(info)
                    + " remaining)");
        } else if (pauseUntil != null) {
            cols.row("Paused Until Deadline", Columns.time(cfg.path("pause_until").asText()) + " (passed)");
        }
        Map<String, String> meta = StreamView.userMetadata(cfg.path("metadata"));
        if (!meta.isEmpty()) {
            cols.title("Metadata");
            meta.forEach(cols::row);
        }

        cols.title("State");
        StreamView.apiLevels(cols, cfg.path("metadata"));
        String ts = info.path("ts").asText("");
        cols.row("Last Delivered Message", position(info.path("delivered"), ts, "Last delivery"));
        if (!ack.equals("none")) {
            cols.row("Acknowledgment Floor", position(info.path("ack_floor"), ts, "Last Ack"));
            long pending = info.path("num_ack_pending").asLong();
            cols.row("Outstanding Acks", maxAckPending > 0 ? Human.count(pending) + " out of maximum "
                    + Human.count(maxAckPending) : Human.count(pending));
            cols.row("Redelivered Messages", Human.count(info.path("num_redelivered").asLong()));
        }
        cols.row("Unprocessed Messages", Human.count(info.path("num_pending").asLong()));
        if (deliverSubject.isEmpty()) {
            long waiting = info.path("num_waiting").asLong();
            cols.row("Waiting Pulls", Human.count(waiting) + " of " + (maxWaiting > 0 ? "maximum "
                    + Human.count(maxWaiting) : "unlimited"));
        } else if (info.path("push_bound").asBoolean()) {
            cols.row("Active Interest", group.isEmpty() ? "Active" : "Active using Queue Group " + group);
        } else {
            cols.row("Active Interest", "No interest");
        }
        if (info.path("paused").asBoolean()) {
            Instant ref = Columns.instant(ts);
            Instant until = (ref == null ? Instant.now() : ref).plusNanos(info.path("pause_remaining").asLong());
            cols.row("Paused Until", Human.time(until.atZone(java.time.ZoneId.systemDefault())) + " ("
                    + remaining(info) + " remaining)");
        }
        cols.print(out);
    }

    /** The pause remaining, rounded to seconds as natscli prints it ({@code 59m59s}, {@code 1h0m0s}). */
    static String remaining(JsonNode info) {
        long seconds = Math.round(info.path("pause_remaining").asLong() / 1e9);
        return io.natrix.cli.support.GoDuration.format(Duration.ofSeconds(seconds));
    }

    private static String position(JsonNode p, String ts, String lastLabel) {
        String text = "Consumer sequence: " + Human.count(p.path("consumer_seq").asLong()) + " Stream sequence: "
                + Human.count(p.path("stream_seq").asLong());
        Instant last = Columns.instant(p.path("last_active").asText(""));
        if (last == null) {
            return text;
        }
        Instant ref = Columns.instant(ts);
        return text + " " + lastLabel + ": " + Columns.duration(Duration.between(last, ref == null ? Instant.now()
                : ref)) + " ago";
    }

    private static String backoff(JsonNode periods) {
        List<String> times = new ArrayList<>();
        int n = periods.size();
        for (int i = 0; i < n; i++) {
            if (n > 15 && i == 5) {
                times.add("...");
                i = n - 5;
            }
            times.add(io.natrix.cli.support.GoDuration.format(Duration.ofNanos(periods.get(i).asLong())));
        }
        return n > 15 ? String.join(", ", times) + " (" + n + " total)" : String.join(", ", times);
    }
}
