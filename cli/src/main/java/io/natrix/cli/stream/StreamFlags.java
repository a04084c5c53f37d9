package io.natrix.cli.stream;

import io.natrix.cli.support.ByteSize;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.cli.CliException;
import io.natrix.cli.output.Json;
import io.natrix.cli.support.GoDuration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The stream configuration flags {@code stream add}, {@code edit} and {@code copy} share (natscli's
 * {@code addCreateFlags}), and the two ways they become a configuration: {@link #newConfig} for a new stream
 * (every value from a flag, a prompt or natscli's defaults) and {@link #applyTo} for a changed copy of an
 * existing one (only the flags given change it). Configurations are the API's JSON ({@code StreamConfig}).
 */
public final class StreamFlags {

    @Option(names = "--subjects", paramLabel = "SUBJECTS",
            description = "Subjects that are consumed by the stream (comma or space separated, repeatable)")
    List<String> subjects = new ArrayList<>();

    @Option(names = "--description", paramLabel = "TEXT", description = "Sets a contextual description for the stream")
    String description;

    @Option(names = "--compression", paramLabel = "ALGORITHM",
            description = "Compression algorithm to use (none, s2; file storage only)")
    String compression;

    @Option(names = "--replicas", paramLabel = "N", description = "When clustered, how many replicas of the data to create")
    Integer replicas;

    @Option(names = "--ack", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Acknowledge publishes (default true; --no-ack disables)")
    boolean ack = true;

    @Option(names = "--retention", paramLabel = "POLICY", description = "Defines a retention policy (limits, interest, work)")
    String retention;

    @Option(names = "--discard", paramLabel = "POLICY", description = "Defines the discard policy (new, old)")
    String discard;

    @Option(names = "--discard-per-subject", negatable = true,
            description = "Sets the 'new' discard policy and applies it to every subject in the stream")
    Boolean discardPerSubject;

    @Option(names = "--max-age", paramLabel = "DURATION", description = "Maximum age of messages to keep (-1 unlimited)")
    String maxAge;

    @Option(names = "--max-bytes", paramLabel = "BYTES", description = "Maximum bytes to keep (units like 1GB; -1 unlimited)")
    String maxBytes;

    @Option(names = "--max-consumers", paramLabel = "N", description = "Maximum number of consumers to allow")
    Integer maxConsumers;

    @Option(names = "--max-msg-size", paramLabel = "BYTES", description = "Maximum size any 1 message may be")
    String maxMsgSize;

    @Option(names = "--max-msgs", paramLabel = "N", description = "Maximum amount of messages to keep")
    Long maxMsgs;

    @Option(names = "--max-msgs-per-subject", paramLabel = "N", description = "Maximum amount of messages to keep per subject")
    Long maxMsgsPerSubject;

    @Option(names = "--dupe-window", paramLabel = "DURATION", description = "Duration of the duplicate message tracking window")
    String dupeWindow;

    @Option(names = "--allow-rollup", negatable = true,
            description = "Allows roll-ups to be done by publishing messages with special headers")
    Boolean allowRollup;

    @Option(names = "--deny-delete", negatable = true, description = "Deny messages from being deleted via the API")
    Boolean denyDelete;

    @Option(names = "--deny-purge", negatable = true, description = "Deny entire stream or subject purges via the API")
    Boolean denyPurge;

    @Option(names = "--allow-direct", negatable = true,
            description = "Allows fast, direct, access to stream data via the direct get API (default true)")
    Boolean allowDirect;

    @Option(names = "--allow-mirror-direct", negatable = true,
            description = "Allows fast, direct, access to stream data via the direct get API on mirrors")
    Boolean allowMirrorDirect;

    @Option(names = "--allow-msg-ttl", description = "Allows per-message TTL handling")
    boolean allowMsgTtl;

    @Option(names = "--subject-del-markers-ttl", paramLabel = "DURATION",
            description = "How long delete markers should persist in the stream")
    String subjectDeleteMarkerTtl;

    @Option(names = "--transform-source", paramLabel = "SOURCE", description = "Stream subject transform source")
    String transformSource;

    @Option(names = "--transform-destination", paramLabel = "DEST", description = "Stream subject transform destination")
    String transformDestination;

    @Option(names = "--metadata", paramLabel = "KEY=VALUE", description = "Adds metadata to the stream (repeatable)")
    Map<String, String> metadata;

    @Option(names = "--republish-source", paramLabel = "SOURCE", description = "Republish messages to --republish-destination")
    String republishSource;

    @Option(names = "--republish-destination", paramLabel = "DEST",
            description = "Republish destination for messages in --republish-source")
    String republishDestination;

    @Option(names = "--republish-headers", description = "Republish only message headers, no bodies")
    boolean republishHeaders;

    @Option(names = {"-j", "--json"}, description = "Produce JSON output")
    boolean json;

    /** Whether {@code --json} was given. */
    public boolean json() {
        return json;
    }

    /** The flags only a new stream takes ({@code add}, {@code copy}): they cannot change later. */
    public static final class Create {
        @Option(names = "--storage", paramLabel = "TYPE", description = "Storage backend to use (file, memory)")
        String storage;

        @Option(names = "--first-sequence", paramLabel = "SEQ", description = "Sets the starting sequence")
        Long firstSequence;

        @Option(names = "--limit-consumer-inactive", paramLabel = "THRESHOLD",
                description = "The maximum Consumer inactive threshold the stream allows")
        String limitConsumerInactive;

        @Option(names = "--limit-consumer-max-pending", paramLabel = "PENDING",
                description = "The maximum Consumer Ack Pending the stream allows")
        Integer limitConsumerMaxPending;
    }

    /**
     * A new stream's configuration, as natscli's {@code stream add} builds it: each value from its flag, else
     * natscli's default (with {@code --defaults}), else asked for (on a terminal), else an error naming the flag.
     *
     * @param maxBytesRequired the account requires a {@code max_bytes} (its default is then 256 MiB)
     */
    public ObjectNode newConfig(String name, Create create, Prompter prompter, boolean maxBytesRequired) {
        checkPairs();
        List<String> subjectList = splitSubjects(subjects);
        if (subjectList.isEmpty()) {
            subjectList = splitSubjects(List.of(prompter.ask("Subjects", null, "--subjects")));
        }
        String storageText = create.storage != null ? create.storage
                : prompter.ask("Storage (file, memory)", "file", "--storage");
        int replicaCount = replicas != null ? replicas
                : parseInt(prompter.ask("Replication", "1", "--replicas"), "--replicas");
        if (replicaCount <= 0) {
            throw new CliException("replicas should be >= 1");
        }
        String retentionText = retention != null ? retention
                : prompter.ask("Retention Policy (limits, interest, work)", "limits", "--retention");
        String discardText = discard != null ? discard : prompter.ask("Discard Policy (new, old)", "old", "--discard");
        long msgs = maxMsgs != null && maxMsgs != 0 ? maxMsgs
                : parseLong(prompter.ask("Stream Messages Limit", "-1", "--max-msgs"), "--max-msgs");
        long perSubject = maxMsgsPerSubject != null && maxMsgsPerSubject != 0 ? maxMsgsPerSubject
                : parseLong(prompter.ask("Per Subject Messages Limit", "-1", "--max-msgs-per-subject"),
                        "--max-msgs-per-subject");
        long bytes = ByteSize.parse(maxBytes != null ? maxBytes
                : prompter.ask("Total Stream Size", maxBytesRequired ? "256MB" : "-1", "--max-bytes"), "--max-bytes");
        String ageText = maxAge != null ? maxAge : prompter.ask("Message TTL", "-1", "--max-age");
        Duration age = ageText.strip().equals("-1") ? Duration.ZERO : duration(ageText, "--max-age");
        long msgSize = ByteSize.parse(maxMsgSize != null ? maxMsgSize
                : prompter.ask("Max Message Size", "-1", "--max-msg-size"), "--max-msg-size");
        if (msgSize == 0) {
            msgSize = -1;
        }
        if (msgSize > Integer.MAX_VALUE) {
            throw new CliException("max value size " + msgSize + " is too big maximum is " + Integer.MAX_VALUE);
        }
        Duration defaultWindow = Duration.ofMinutes(2);
        if (!age.isZero() && age.compareTo(defaultWindow) < 0) {
            defaultWindow = age;
        }
        Duration window = duration(dupeWindow != null ? dupeWindow
                : prompter.ask("Duplicate tracking time window", GoDuration.format(defaultWindow), "--dupe-window"),
                "--dupe-window");
        boolean rollup = allowRollup != null ? allowRollup
                : prompter.askBoolean("Allow message Roll-ups", false, "--allow-rollup");
        boolean noDelete = denyDelete != null ? denyDelete
                : !prompter.askBoolean("Allow message deletion", true, "--deny-delete");
        boolean noPurge = denyPurge != null ? denyPurge
                : !prompter.askBoolean("Allow purging subjects or the entire stream", true, "--deny-purge");

        ObjectNode cfg = Json.MAPPER.createObjectNode();
        cfg.put("name", name);
        if (description != null) {
            cfg.put("description", description);
        }
        ArrayNode subjectArray = cfg.putArray("subjects");
        subjectList.forEach(subjectArray::add);
        cfg.put("retention", retention(retentionText));
        cfg.put("max_consumers", maxConsumers == null ? -1 : maxConsumers);
        cfg.put("max_msgs", msgs <= 0 ? -1 : msgs);
        cfg.put("max_bytes", bytes <= 0 ? -1 : bytes);
        cfg.put("max_age", age.toNanos());
        cfg.put("max_msgs_per_subject", perSubject <= 0 ? -1 : perSubject);
        cfg.put("max_msg_size", msgSize);
        cfg.put("discard", discard(discardText));
        cfg.put("storage", storage(storageText));
        cfg.put("num_replicas", replicaCount);
        cfg.put("duplicate_window", window.toNanos());
        cfg.put("compression", compression(compression == null ? "none" : compression));
        if (create.firstSequence != null && create.firstSequence > 0) {
            cfg.put("first_seq", create.firstSequence);
        }
        cfg.put("allow_direct", allowDirect == null || allowDirect);
        cfg.put("mirror_direct", allowMirrorDirect != null && allowMirrorDirect);
        cfg.put("sealed", false);
        cfg.put("deny_delete", noDelete);
        cfg.put("deny_purge", noPurge);
        cfg.put("allow_rollup_hdrs", rollup);
        if (!ack) {
            cfg.put("no_ack", true);
        }
        if (discardPerSubject != null && discardPerSubject) {
            cfg.put("discard_new_per_subject", true);
        }
        if (allowMsgTtl) {
            cfg.put("allow_msg_ttl", true);
        }
        if (subjectDeleteMarkerTtl != null) {
            cfg.put("subject_delete_marker_ttl", duration(subjectDeleteMarkerTtl, "--subject-del-markers-ttl").toNanos());
        }
        if (create.limitConsumerInactive != null || create.limitConsumerMaxPending != null) {
            ObjectNode limits = cfg.putObject("consumer_limits");
            if (create.limitConsumerInactive != null) {
                limits.put("inactive_threshold", duration(create.limitConsumerInactive,
                        "--limit-consumer-inactive").toNanos());
            }
            if (create.limitConsumerMaxPending != null) {
                limits.put("max_ack_pending", create.limitConsumerMaxPending);
            }
        }
        applyOptional(cfg);
        return cfg;
    }

    /**
     * A copy of {@code current} with the flags given applied, as natscli's {@code stream edit} and {@code copy}
     * change a configuration; flags not given leave their fields alone.
     */
    public ObjectNode applyTo(ObjectNode current, Create create) {
        checkPairs();
        ObjectNode cfg = current.deepCopy();
        if (!ack) {
            cfg.put("no_ack", true);
        } else if (cfg.has("no_ack")) {
            cfg.put("no_ack", false);
        }
        if (discard != null) {
            cfg.put("discard", discard(discard));
        }
        List<String> subjectList = splitSubjects(subjects);
        if (!subjectList.isEmpty()) {
            ArrayNode array = cfg.putArray("subjects");
            subjectList.forEach(array::add);
        }
        if (create != null) {
            if (create.storage != null) {
                cfg.put("storage", storage(create.storage));
            }
            if (create.firstSequence != null && create.firstSequence > 0) {
                cfg.put("first_seq", create.firstSequence);
            }
            if (create.limitConsumerInactive != null || create.limitConsumerMaxPending != null) {
                ObjectNode limits = cfg.get("consumer_limits") instanceof ObjectNode l ? l
                        : cfg.putObject("consumer_limits");
                if (create.limitConsumerInactive != null) {
                    limits.put("inactive_threshold", duration(create.limitConsumerInactive,
                            "--limit-consumer-inactive").toNanos());
                }
                if (create.limitConsumerMaxPending != null) {
                    limits.put("max_ack_pending", create.limitConsumerMaxPending);
                }
            }
        }
        if (retention != null) {
            cfg.put("retention", retention(retention));
        }
        if (maxBytes != null) {
            long b = ByteSize.parse(maxBytes, "--max-bytes");
            cfg.put("max_bytes", b == 0 ? -1 : b);
        }
        if (maxMsgs != null && maxMsgs != 0) {
            cfg.put("max_msgs", maxMsgs);
        }
        if (maxMsgsPerSubject != null && maxMsgsPerSubject != 0) {
            cfg.put("max_msgs_per_subject", maxMsgsPerSubject);
        }
        if (maxAge != null) {
            cfg.put("max_age", maxAge.strip().equals("-1") ? 0 : duration(maxAge, "--max-age").toNanos());
        }
        if (maxMsgSize != null) {
            long size = ByteSize.parse(maxMsgSize, "--max-msg-size");
            if (size > Integer.MAX_VALUE) {
                throw new CliException("max value size " + size + " is too big maximum is " + Integer.MAX_VALUE);
            }
            cfg.put("max_msg_size", size == 0 ? -1 : size);
        }
        if (maxConsumers != null && maxConsumers != -1) {
            cfg.put("max_consumers", maxConsumers);
        }
        if (dupeWindow != null) {
            cfg.put("duplicate_window", duration(dupeWindow, "--dupe-window").toNanos());
        }
        if (replicas != null && replicas != 0) {
            cfg.put("num_replicas", replicas);
        }
        if (description != null && !description.isEmpty()) {
            cfg.put("description", description);
        }
        putIfSet(cfg, "allow_rollup_hdrs", allowRollup);
        putIfSet(cfg, "deny_purge", denyPurge);
        putIfSet(cfg, "deny_delete", denyDelete);
        putIfSet(cfg, "allow_direct", allowDirect);
        putIfSet(cfg, "mirror_direct", allowMirrorDirect);
        putIfSet(cfg, "discard_new_per_subject", discardPerSubject);
        if (allowMsgTtl) {
            cfg.put("allow_msg_ttl", true);
        }
        if (compression != null) {
            cfg.put("compression", compression(compression));
        }
        if (subjectDeleteMarkerTtl != null) {
            cfg.put("subject_delete_marker_ttl", duration(subjectDeleteMarkerTtl, "--subject-del-markers-ttl").toNanos());
        }
        applyOptional(cfg);
        return cfg;
    }

    /** Metadata, republishing and the subject transform: set when given, for new and changed streams alike. */
    private void applyOptional(ObjectNode cfg) {
        if (metadata != null) {
            ObjectNode meta = cfg.putObject("metadata");
            metadata.forEach(meta::put);
        }
        if (republishSource != null && republishDestination != null) {
            cfg.putObject("republish").put("src", republishSource).put("dest", republishDestination)
                    .put("headers_only", republishHeaders);
        }
        if (transformSource != null && transformDestination != null) {
            cfg.putObject("subject_transform").put("src", transformSource).put("dest", transformDestination);
        }
    }

    private void checkPairs() {
        if ((republishSource == null) != (republishDestination == null)
                || (republishHeaders && republishSource == null)) {
            throw new CliException("must specify both --republish-source and --republish-destination");
        }
        if ((transformSource == null) != (transformDestination == null)) {
            throw new CliException("must specify both --transform-source and --transform-destination");
        }
    }

    private static void putIfSet(ObjectNode cfg, String field, Boolean value) {
        if (value != null) {
            cfg.put(field, value);
        }
    }

    /** Subjects given as a list, each of which may itself be comma or space separated (natscli's splitting). */
    static List<String> splitSubjects(List<String> given) {
        List<String> out = new ArrayList<>();
        for (String s : given) {
            for (String part : s.split("[,\\s]+")) {
                if (!part.isEmpty()) {
                    out.add(part);
                }
            }
        }
        return out;
    }

    static String storage(String s) {
        return switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "file", "f" -> "file";
            case "memory", "m" -> "memory";
            default -> throw new CliException("invalid storage type \"" + s + "\": use file or memory (--storage)");
        };
    }

    static String retention(String s) {
        return switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "limits" -> "limits";
            case "interest" -> "interest";
            case "work queue", "workq", "work", "workqueue" -> "workqueue";
            default -> throw new CliException("invalid retention policy \"" + s
                    + "\": use limits, interest or work (--retention)");
        };
    }

    static String discard(String s) {
        return switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "new" -> "new";
            case "old" -> "old";
            default -> throw new CliException("invalid discard policy \"" + s + "\": use new or old (--discard)");
        };
    }

    static String compression(String s) {
        return switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "none", "" -> "none";
            case "s2" -> "s2";
            default -> throw new CliException("invalid compression algorithm \"" + s + "\": use none or s2");
        };
    }

    /** A Go-style duration for {@code flag}; a bad one is a one-line error naming the flag. */
    public static Duration duration(String text, String flag) {
        return GoDuration.flag(text, flag);
    }

    static int parseInt(String text, String flag) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new CliException("invalid value \"" + text + "\" for " + flag + ": not a number");
        }
    }

    static long parseLong(String text, String flag) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new CliException("invalid value \"" + text + "\" for " + flag + ": not a number");
        }
    }
}
