package io.natrix.server.auth;

import java.util.Map;

/**
 * The operator's limits on an account: JSON {@code nats.limits} of account claims, one flat object. -1 means
 * unlimited; 0 (or absent) means what nats-server makes of 0 for that limit (for JetStream storage: disabled).
 *
 * @param subs            JSON {@code subs}: most subscriptions
 * @param data            JSON {@code data}: most bytes
 * @param payload         JSON {@code payload}: largest message payload
 * @param imports         JSON {@code imports}: most imports
 * @param exports         JSON {@code exports}: most exports
 * @param wildcardExports JSON {@code wildcards}: whether exports may contain wildcards
 * @param disallowBearer  JSON {@code disallow_bearer}: whether bearer-token user JWTs are refused
 * @param conn            JSON {@code conn}: most client connections
 * @param leaf            JSON {@code leaf}: most leaf node connections
 * @param jetStream       the untiered JetStream limits (fields of the same object)
 * @param tiered          JSON {@code tiered_limits}: JetStream limits per tier (e.g. "R1", "R3"); when present the
 *                        untiered limits are ignored and read as zero, as in nats-server
 */
public record AccountLimits(long subs, long data, long payload, long imports, long exports, boolean wildcardExports,
                            boolean disallowBearer, long conn, long leaf, JetStreamLimits jetStream,
                            Map<String, JetStreamLimits> tiered) {
    /** Nothing set. */
    public static final AccountLimits EMPTY =
            new AccountLimits(0, 0, 0, 0, 0, false, false, 0, 0, JetStreamLimits.EMPTY, Map.of());

    /** What NATS tools write for a new account: unlimited, wildcard exports allowed, JetStream disabled. */
    public static final AccountLimits UNLIMITED =
            new AccountLimits(-1, -1, -1, -1, -1, true, false, -1, -1, JetStreamLimits.EMPTY, Map.of());

    public AccountLimits {
        jetStream = jetStream == null ? JetStreamLimits.EMPTY : jetStream;
        tiered = tiered == null ? Map.of() : Map.copyOf(tiered);
    }

    public AccountLimits withJetStream(JetStreamLimits jetStream) {
        return new AccountLimits(subs, data, payload, imports, exports, wildcardExports, disallowBearer, conn, leaf,
                jetStream, tiered);
    }

    /**
     * JetStream limits of an account or of one tier. JSON {@code mem_storage}, {@code disk_storage},
     * {@code streams}, {@code consumer}, {@code max_ack_pending}, {@code mem_max_stream_bytes},
     * {@code disk_max_stream_bytes}, {@code max_bytes_required}.
     */
    public record JetStreamLimits(long memoryStorage, long diskStorage, long streams, long consumer,
                                  long maxAckPending, long memoryMaxStreamBytes, long diskMaxStreamBytes,
                                  boolean maxBytesRequired) {
        public static final JetStreamLimits EMPTY = new JetStreamLimits(0, 0, 0, 0, 0, 0, 0, false);
    }
}
