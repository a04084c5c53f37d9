package io.natrix.cli.consumer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.cli.CliException;
import io.natrix.cli.output.Json;
import io.natrix.cli.stream.Prompter;
import io.natrix.cli.stream.StreamFlags;
import io.natrix.cli.support.GoDuration;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The consumer configuration flags {@code consumer add} and {@code edit} share (natscli's {@code addCreateFlags}),
 * and how they become the API's {@code ConsumerConfig} JSON: {@link #newConfig} for a new consumer (flags, then
 * {@code --defaults}, then prompts on a terminal, else an error naming the flag), {@link #applyTo} for an edit.
 */
final class ConsumerFlags {

    @Option(names = "--backoff", paramLabel = "MODE",
            description = "Creates a consumer backoff policy using a specific pre-written algorithm (none, linear)")
    String backoff;

    @Option(names = "--backoff-steps", paramLabel = "N", defaultValue = "10",
            description = "Number of steps to use when creating the backoff policy (default 10)")
    int backoffSteps;

    @Option(names = "--backoff-min", paramLabel = "DURATION", defaultValue = "1m",
            description = "The shortest backoff period that will be generated (default 1m)")
    String backoffMin;

    @Option(names = "--backoff-max", paramLabel = "DURATION", defaultValue = "20m",
            description = "The longest backoff period that will be generated (default 20m)")
    String backoffMax;

    @Option(names = "--description", paramLabel = "TEXT", description = "Sets a contextual description for the consumer")
    String description;

    @Option(names = "--filter", paramLabel = "SUBJECTS", description = "Filter Stream by subjects (repeatable)")
    List<String> filters = new ArrayList<>();

    @Option(names = "--headers-only", negatable = true, description = "Deliver only headers and no bodies")
    Boolean headersOnly;

    @Option(names = "--max-deliver", paramLabel = "TRIES", description = "Maximum amount of times a message will be delivered")
    Integer maxDeliver;

    @Option(names = "--max-pending", paramLabel = "N", description = "Maximum pending Acks before consumers are paused")
    Integer maxAckPending;

    @Option(names = "--max-pull-batch", paramLabel = "BATCH_SIZE", description = "Maximum size batch size for a pull request to accept")
    int maxPullBatch;

    @Option(names = "--max-pull-expire", paramLabel = "EXPIRES", description = "Maximum expire duration for a pull request to accept")
    String maxPullExpire;

    @Option(names = "--max-pull-bytes", paramLabel = "BYTES", description = "Maximum max bytes for a pull request to accept")
    int maxPullBytes;

    @Option(names = "--sample", paramLabel = "PERCENT", description = "Percentage of requests to sample for monitoring purposes")
    Integer samplePercent;

    @Option(names = "--target", paramLabel = "SUBJECT", description = "Push based delivery target subject")
    String target;

    @Option(names = "--wait", paramLabel = "DURATION", description = "Acknowledgment waiting time")
    String ackWait;

    @Option(names = "--inactive-threshold", paramLabel = "THRESHOLD",
            description = "How long to allow an ephemeral consumer to be idle before removing it")
    String inactiveThreshold;

    @Option(names = "--replicas", paramLabel = "N", description = "Sets a custom replica count rather than inherit from the stream")
    int replicas;

    @Option(names = "--metadata", paramLabel = "KEY=VALUE", description = "Adds metadata to the consumer (repeatable)")
    Map<String, String> metadata;

    /** The flags only a new consumer takes. */
    static final class Create {
        @Option(names = "--ack", paramLabel = "POLICY", description = "Acknowledgment policy (none, all, explicit)")
        String ackPolicy;

        @Option(names = "--bps", paramLabel = "BPS", description = "Restrict message delivery to a certain bit per second")
        long bps;

        @Option(names = "--deliver", paramLabel = "POLICY",
                description = "Start policy (all, new, last, subject, 1h, msg sequence)")
        String deliver;

        @Option(names = "--deliver-group", paramLabel = "GROUP",
                description = "Delivers push messages only to subscriptions matching this group")
        String deliverGroup;

        @Option(names = "--ephemeral", description = "Create an ephemeral consumer")
        boolean ephemeral;

        @Option(names = "--flow-control", negatable = true, description = "Enable Push consumer flow control")
        Boolean flowControl;

        @Option(names = "--heartbeat", paramLabel = "DURATION", description = "Enable idle Push consumer heartbeats (-1 disable)")
        String heartbeat;

        @Option(names = "--max-waiting", paramLabel = "PULLS", description = "Maximum number of outstanding pulls allowed")
        int maxWaiting;

        @Option(names = "--pull", description = "Deliver messages in 'pull' mode")
        boolean pull;

        @Option(names = "--replay", paramLabel = "POLICY", description = "Replay Policy (instant, original)")
        String replay;

        @Option(names = "--memory", description = "Force the consumer state to be stored in memory rather than inherit from the stream")
        boolean memory;

        @Option(names = "--pause", paramLabel = "TIME",
                description = "Pause the consumer for a duration after start or until a specific timestamp")
        String pause;
    }

    /** A new consumer's configuration (natscli's {@code prepareConfig}); {@code name} may be null for ephemerals. */
    ObjectNode newConfig(String name, Create create, Prompter prompter, boolean acceptDefaults) {
        ObjectNode cfg = Json.MAPPER.createObjectNode();
        if (description != null) {
            cfg.put("description", description);
        }
        String consumer = name;
        if (consumer == null && !create.ephemeral) {
            consumer = prompter.ask("Consumer name", null, "the CONSUMER argument");
        }
        if (consumer != null) {
            if (consumer.matches(".*[.*>].*")) {
                throw new CliException("durable name can not contain '.', '*', '>'");
            }
            cfg.put("name", consumer);
            if (!create.ephemeral) {
                cfg.put("durable_name", consumer);
            }
        }
        String deliverSubject = target;
        if (!create.pull && deliverSubject == null) {
            deliverSubject = prompter.askEvenWithDefaults("Delivery target (empty for Pull Consumers)", "",
                    "--target or --pull");
        }
        boolean push = deliverSubject != null && !deliverSubject.isEmpty();
        if (push) {
            cfg.put("deliver_subject", deliverSubject);
            String group = create.deliverGroup != null ? create.deliverGroup
                    : prompter.ask("Delivery Queue Group", "", "--deliver-group");
            if (!group.isEmpty()) {
                cfg.put("deliver_group", group);
            }
        }
        setStartPolicy(cfg, create.deliver != null ? create.deliver
                : prompter.ask("Start policy (all, new, last, subject, 1h, msg sequence)", "all", "--deliver"));
        String ack = create.ackPolicy != null ? create.ackPolicy
                : prompter.ask("Acknowledgment policy (explicit, all, none)", push ? "none" : "explicit", "--ack");
        cfg.put("ack_policy", ackPolicy(ack));
        boolean acks = !cfg.path("ack_policy").asText().equals("none");
        String replayText = create.replay != null ? create.replay
                : prompter.ask("Replay policy (instant, original)", "instant", "--replay");
        cfg.put("replay_policy", replay(replayText));
        if (ackWait != null) {
            Duration wait = StreamFlags.duration(ackWait, "--wait");
            if (!wait.isZero()) {
                cfg.put("ack_wait", wait.toNanos());
            }
        }
        if (samplePercent != null && samplePercent > 0) {
            cfg.put("sample_freq", sample(samplePercent));
        }
        List<String> filterList = filters;
        if (filterList.isEmpty() && !acceptDefaults) {
            filterList = List.of(prompter.ask("Filter Stream by subjects (blank for all)", "", "--filter"));
        }
        setFilters(cfg, filterList);
        if (!cfg.has("filter_subject") && !cfg.has("filter_subjects")
                && cfg.path("deliver_policy").asText().equals("last_per_subject")) {
            cfg.put("filter_subject", ">");
        }
        int tries = maxDeliver != null ? maxDeliver
                : acks ? parseInt(prompter.ask("Maximum Allowed Deliveries", "-1", "--max-deliver"), "--max-deliver")
                : -1;
        int pending = maxAckPending != null ? maxAckPending
                : acks ? parseInt(prompter.ask("Maximum Acknowledgments Pending", "0", "--max-pending"), "--max-pending")
                : 0;
        if (push) {
            String hb = create.heartbeat != null ? create.heartbeat
                    : prompter.ask("Idle Heartbeat", acceptDefaults ? "-1" : "0s", "--heartbeat");
            if (!hb.strip().equals("-1")) {
                long nanos = StreamFlags.duration(hb, "--heartbeat").toNanos();
                if (nanos > 0) {
                    cfg.put("idle_heartbeat", nanos);
                }
            }
            boolean fc = create.flowControl != null ? create.flowControl
                    : prompter.askBoolean("Enable Flow Control, ie --flow-control", false, "--flow-control");
            cfg.put("flow_control", fc);
        } else if (create.heartbeat != null && !create.heartbeat.strip().equals("-1")) {
            throw new CliException("pull subscribers does not support idle heartbeats");
        }
        boolean hdrs = headersOnly != null ? headersOnly
                : prompter.askBoolean("Deliver headers only without bodies", false, "--headers-only");
        if (hdrs) {
            cfg.put("headers_only", true);
        }
        if (acks && backoff == null && !acceptDefaults) {
            if (prompter.askBoolean("Add a Retry Backoff Policy", false, "--backoff")) {
                backoff = "linear";
            }
        }
        if (backoff != null) {
            List<Duration> periods = backoffPolicy();
            if (!periods.isEmpty()) {
                ArrayNode array = cfg.putArray("backoff");
                periods.forEach(p -> array.add(p.toNanos()));
                if (tries == -1) {
                    tries = periods.size() + 1;
                }
            }
        }
        cfg.put("max_ack_pending", Math.max(pending, 0));
        if (inactiveThreshold != null) {
            cfg.put("inactive_threshold", StreamFlags.duration(inactiveThreshold, "--inactive-threshold").toNanos());
        }
        applyPullLimits(cfg);
        if (!push && create.maxWaiting > 0) {
            cfg.put("max_waiting", create.maxWaiting);
        }
        cfg.put("max_deliver", acks ? tries : -1);
        if (create.bps > 0) {
            if (!push) {
                throw new CliException("rate limits are only possible on Push consumers");
            }
            cfg.put("rate_limit_bps", create.bps);
        }
        if (replicas > 0) {
            cfg.put("num_replicas", replicas);
        }
        if (create.memory) {
            cfg.put("mem_storage", true);
        }
        if (metadata != null) {
            ObjectNode meta = cfg.putObject("metadata");
            metadata.forEach(meta::put);
        }
        if (create.pause != null) {
            cfg.put("pause_until", PauseTimes.parse(create.pause).toString());
        }
        return cfg;
    }

    /** A copy of an existing consumer's configuration with the flags given applied (natscli's edit). */
    ObjectNode applyTo(ObjectNode current) {
        ObjectNode cfg = current.deepCopy();
        if (description != null && !description.isEmpty()) {
            cfg.put("description", description);
        }
        if (inactiveThreshold != null) {
            cfg.put("inactive_threshold", StreamFlags.duration(inactiveThreshold, "--inactive-threshold").toNanos());
        }
        if (maxDeliver != null && maxDeliver != 0) {
            cfg.put("max_deliver", maxDeliver);
        }
        if (maxAckPending != null && maxAckPending != -1) {
            cfg.put("max_ack_pending", maxAckPending);
        }
        if (ackWait != null) {
            cfg.put("ack_wait", StreamFlags.duration(ackWait, "--wait").toNanos());
        }
        if (samplePercent != null && samplePercent != -1) {
            String freq = sample(samplePercent);
            if (freq.isEmpty()) {
                cfg.remove("sample_freq");
            } else {
                cfg.put("sample_freq", freq);
            }
        }
        applyPullLimits(cfg);
        if (backoff != null) {
            List<Duration> periods = backoffPolicy();
            if (periods.isEmpty()) {
                cfg.remove("backoff");
            } else {
                ArrayNode array = cfg.putArray("backoff");
                periods.forEach(p -> array.add(p.toNanos()));
            }
        }
        if (target != null) {
            cfg.put("deliver_subject", target);
        }
        if (headersOnly != null) {
            cfg.put("headers_only", headersOnly);
        }
        if (!filters.isEmpty()) {
            cfg.remove("filter_subject");
            cfg.remove("filter_subjects");
            setFilters(cfg, filters);
        }
        if (replicas > 0) {
            cfg.put("num_replicas", replicas);
        }
        if (metadata != null) {
            ObjectNode meta = cfg.putObject("metadata");
            metadata.forEach(meta::put);
        }
        return cfg;
    }

    private void applyPullLimits(ObjectNode cfg) {
        if (maxPullBatch > 0) {
            cfg.put("max_batch", maxPullBatch);
        }
        if (maxPullExpire != null) {
            cfg.put("max_expires", StreamFlags.duration(maxPullExpire, "--max-pull-expire").toNanos());
        }
        if (maxPullBytes > 0) {
            cfg.put("max_bytes", maxPullBytes);
        }
    }

    private static void setFilters(ObjectNode cfg, List<String> given) {
        List<String> subjects = new ArrayList<>();
        for (String s : given) {
            for (String part : s.split("[,\\s]+")) {
                if (!part.isEmpty()) {
                    subjects.add(part);
                }
            }
        }
        if (subjects.size() == 1) {
            cfg.put("filter_subject", subjects.get(0));
        } else if (subjects.size() > 1) {
            ArrayNode array = cfg.putArray("filter_subjects");
            subjects.forEach(array::add);
        }
    }

    /** natscli's start policies: all, new (next), last, subject (last_per_subject), a sequence, or a duration ago. */
    static void setStartPolicy(ObjectNode cfg, String policy) {
        String p = policy.strip();
        switch (p) {
            case "all" -> cfg.put("deliver_policy", "all");
            case "last" -> cfg.put("deliver_policy", "last");
            case "new", "next" -> cfg.put("deliver_policy", "new");
            case "subject", "last_per_subject" -> cfg.put("deliver_policy", "last_per_subject");
            default -> {
                if (p.matches("\\d+")) {
                    cfg.put("deliver_policy", "by_start_sequence");
                    cfg.put("opt_start_seq", Long.parseLong(p));
                } else {
                    Duration ago;
                    try {
                        ago = GoDuration.parse(p);
                    } catch (IllegalArgumentException e) {
                        throw new CliException("invalid value \"" + policy + "\" for --deliver: use all, new, last, "
                                + "subject, a sequence or a duration");
                    }
                    cfg.put("deliver_policy", "by_start_time");
                    cfg.put("opt_start_time", Instant.now().minus(ago).toString());
                }
            }
        }
    }

    static String ackPolicy(String s) {
        return switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "none" -> "none";
            case "all" -> "all";
            case "explicit" -> "explicit";
            default -> throw new CliException("invalid ack policy \"" + s + "\": use none, all or explicit (--ack)");
        };
    }

    static String replay(String s) {
        return switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "instant" -> "instant";
            case "original" -> "original";
            default -> throw new CliException("invalid replay policy \"" + s + "\": use instant or original (--replay)");
        };
    }

    private static String sample(int percent) {
        if (percent > 100 || percent < 0) {
            throw new CliException("sample percent is not between 0 and 100");
        }
        return percent > 0 ? Integer.toString(percent) : "";
    }

    /** natscli's linear backoff: {@code steps} periods from min, growing evenly towards max. */
    private List<Duration> backoffPolicy() {
        if (backoff.equals("none")) {
            return List.of();
        }
        if (!backoff.equals("linear")) {
            throw new CliException("invalid backoff mode \"" + backoff + "\": use linear or none");
        }
        Duration min = StreamFlags.duration(backoffMin, "--backoff-min");
        Duration max = StreamFlags.duration(backoffMax, "--backoff-max");
        if (backoffSteps <= 0 || min.isZero() || max.isZero()) {
            throw new CliException("could not determine backoff policy: required policy properties not supplied");
        }
        if (max.compareTo(min) <= 0) {
            throw new CliException("could not determine backoff policy: --backoff-max must be larger than --backoff-min");
        }
        long step = max.minus(min).toNanos() / backoffSteps;
        List<Duration> periods = new ArrayList<>();
        for (int i = 0; i < backoffSteps; i++) {
            long nanos = min.toNanos() + i * step;
            periods.add(Duration.ofMillis(Math.round(nanos / 1e6)));
        }
        return periods;
    }

    private static int parseInt(String text, String flag) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new CliException("invalid value \"" + text + "\" for " + flag + ": not a number");
        }
    }
}
