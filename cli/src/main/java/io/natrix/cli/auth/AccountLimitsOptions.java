package io.natrix.cli.auth;

import io.natrix.cli.support.ByteSize;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.cli.CliException;
import io.natrix.cli.support.GoDuration;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * natscli's account limit flags, shared by {@code account add} and {@code account edit}: a flag given changes its
 * limit, a flag left out keeps the current value (on {@code add}: nats-io/jwt's default, unlimited). As in
 * natscli, bearer tokens are refused unless {@code --bearer}, and JetStream is off unless {@code --jetstream};
 * enabling it without {@code --js-disk}/{@code --js-memory} allows unlimited storage (natscli asks on a terminal).
 *
 * <p>A picocli mixin: one instance per command line.
 */
final class AccountLimitsOptions {

    @Option(names = "--bearer", negatable = true, description = "Allows bearer tokens")
    Boolean bearer;

    @Option(names = "--connections", paramLabel = "N", description = "Maximum allowed connections (-1 unlimited)")
    Long connections;

    @Option(names = "--expiry", paramLabel = "DURATION",
            description = "How long this account should be valid for as a duration (e.g. 720h)")
    String expiry;

    @Option(names = "--exports", paramLabel = "N", description = "Maximum allowed exports")
    Long exports;

    @Option(names = "--imports", paramLabel = "N", description = "Maximum allowed imports")
    Long imports;

    @Option(names = "--jetstream", negatable = true, description = "Enables JetStream")
    Boolean jetStream;

    @Option(names = "--js-consumers", paramLabel = "N",
            description = "Sets the maximum Consumers any Stream in the account can have")
    Long jsConsumers;

    @Option(names = "--js-disk", paramLabel = "BYTES", description = "Sets a Disk Storage quota")
    String jsDisk;

    @Option(names = "--js-disk-stream", paramLabel = "BYTES",
            description = "Sets the maximum size a Disk Storage stream may be")
    String jsDiskStream;

    @Option(names = "--js-max-pending", paramLabel = "MESSAGES",
            description = "Default Max Ack Pending for Tier 0 limits")
    Long jsMaxPending;

    @Option(names = "--js-memory", paramLabel = "BYTES", description = "Sets a Memory Storage quota")
    String jsMemory;

    @Option(names = "--js-memory-stream", paramLabel = "BYTES",
            description = "Sets the maximum size a Memory Storage stream may be")
    String jsMemoryStream;

    @Option(names = "--js-stream-size-required", negatable = true,
            description = "Requires Streams to have a maximum size declared")
    Boolean jsStreamSizeRequired;

    @Option(names = "--js-streams", paramLabel = "N", description = "Sets the maximum Streams the account can have")
    Long jsStreams;

    @Option(names = "--leafnodes", paramLabel = "N", description = "Maximum allowed Leafnode connections")
    Long leafNodes;

    @Option(names = "--payload", paramLabel = "BYTES", description = "Maximum allowed payload")
    String payload;

    @Option(names = "--subscriptions", paramLabel = "N", description = "Maximum allowed subscriptions")
    Long subscriptions;

    /** Applies the flags given to account claims; {@code creating} says whether they are new (natscli defaults). */
    void apply(ObjectNode claims, boolean creating, long nowSeconds) {
        ObjectNode limits = Claims.object(Claims.nats(claims), "limits");
        put(limits, "conn", connections);
        put(limits, "exports", exports);
        put(limits, "imports", imports);
        put(limits, "leaf", leafNodes);
        put(limits, "subs", subscriptions);
        if (payload != null) {
            limits.put("payload", ByteSize.parse(payload, "--payload"));
        }
        if (bearer != null) {
            limits.put("disallow_bearer", !bearer);
        } else if (creating) {
            limits.put("disallow_bearer", true);
        }
        if (expiry != null) {
            claims.put("exp", nowSeconds + positive("--expiry", expiry).toSeconds());
        }
        boolean wasEnabled = Claims.jetStreamEnabled(claims);
        boolean enabled = jetStream != null ? jetStream : wasEnabled;
        if (!enabled) {
            if (jetStreamFlagGiven()) {
                throw new CliException("JetStream limits need --jetstream");
            }
            for (String field : new String[] {"mem_storage", "disk_storage", "streams", "consumer"}) {
                limits.put(field, 0);
            }
            for (String field : new String[] {"max_ack_pending", "mem_max_stream_bytes", "disk_max_stream_bytes",
                    "max_bytes_required"}) {
                limits.remove(field);
            }
            return;
        }
        if (!wasEnabled) {
            // Turning JetStream on: natscli's defaults for what is not given.
            limits.put("disk_storage", -1);
            limits.put("mem_storage", -1);
            limits.put("streams", -1);
            limits.put("consumer", -1);
        }
        if (jsDisk != null) {
            limits.put("disk_storage", ByteSize.parse(jsDisk, "--js-disk"));
        }
        if (jsMemory != null) {
            limits.put("mem_storage", ByteSize.parse(jsMemory, "--js-memory"));
        }
        if (jsDiskStream != null) {
            putPositive(limits, "disk_max_stream_bytes", ByteSize.parse(jsDiskStream, "--js-disk-stream"));
        }
        if (jsMemoryStream != null) {
            putPositive(limits, "mem_max_stream_bytes", ByteSize.parse(jsMemoryStream, "--js-memory-stream"));
        }
        put(limits, "streams", jsStreams);
        put(limits, "consumer", jsConsumers);
        if (jsMaxPending != null) {
            putPositive(limits, "max_ack_pending", jsMaxPending);
        }
        if (jsStreamSizeRequired != null) {
            if (jsStreamSizeRequired) {
                limits.put("max_bytes_required", true);
            } else {
                limits.remove("max_bytes_required");
            }
        }
        if (!Claims.jetStreamEnabled(claims)) {
            throw new CliException("JetStream needs some storage: give --js-disk or --js-memory a non-zero size");
        }
    }

    private boolean jetStreamFlagGiven() {
        return jsDisk != null || jsMemory != null || jsDiskStream != null || jsMemoryStream != null
                || jsStreams != null || jsConsumers != null || jsMaxPending != null
                || Boolean.TRUE.equals(jsStreamSizeRequired);
    }

    private static void put(ObjectNode limits, String field, Long value) {
        if (value != null) {
            limits.put(field, value < 0 ? -1 : value);
        }
    }

    /** Sets a field that nats-io/jwt leaves out when zero (no limit), removing it for zero or negative values. */
    private static void putPositive(ObjectNode limits, String field, long value) {
        if (value > 0) {
            limits.put(field, value);
        } else {
            limits.remove(field);
        }
    }

    private static Duration positive(String flag, String text) {
        try {
            Duration d = GoDuration.parse(text);
            if (d.isNegative() || d.isZero()) {
                throw new CliException("invalid " + flag + " \"" + text + "\": must be positive");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new CliException("invalid " + flag + " \"" + text + "\": " + e.getMessage());
        }
    }

    /** A positive Go duration flag ({@code --expire}, {@code --expiry}). */
    static Duration duration(String flag, String text) {
        return positive(flag, text);
    }
}
