package io.natrix.server.jetstream;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/**
 * An account's JetStream usage and limits, the body of {@code $JS.API.INFO}: nats-server's
 * {@code JetStreamAccountStats}. nats-server 2.11 added {@code reserved_memory}, {@code reserved_storage} (bytes
 * promised to streams by their {@code max_bytes}) and {@code api.level}; 2.9 had neither.
 *
 * <p>Immutable; safe on any thread.
 *
 * @param memory          memory bytes used
 * @param storage         file bytes used
 * @param reservedMemory  memory bytes reserved (null in documents from servers before 2.10)
 * @param reservedStorage file bytes reserved (likewise)
 * @param streams         streams
 * @param consumers       consumers
 * @param limits          the account's limits
 * @param domain          the JetStream domain ("" for none)
 * @param api             API counters and level
 * @param tiers           usage per replication tier (empty without tiered limits)
 */
@JsonPropertyOrder({"memory", "storage", "reserved_memory", "reserved_storage", "streams", "consumers", "limits",
        "domain", "api", "tiers"})
public record AccountInfo(
        @JsonProperty("memory") long memory,
        @JsonProperty("storage") long storage,
        @JsonProperty("reserved_memory") @JsonInclude(Include.NON_NULL) Long reservedMemory,
        @JsonProperty("reserved_storage") @JsonInclude(Include.NON_NULL) Long reservedStorage,
        @JsonProperty("streams") long streams,
        @JsonProperty("consumers") long consumers,
        @JsonProperty("limits") JsAccountLimits limits,
        @JsonProperty("domain") @JsonInclude(Include.NON_EMPTY) String domain,
        @JsonProperty("api") ApiStats api,
        @JsonProperty("tiers") @JsonInclude(Include.NON_EMPTY) Map<String, Tier> tiers) {

    public AccountInfo {
        domain = domain == null ? "" : domain;
        tiers = tiers == null ? Map.of() : Map.copyOf(tiers);
    }

    /** Null for an info whose every field is missing (read from an error response). */
    static AccountInfo present(AccountInfo info) {
        return info == null || (info.limits == null && info.api == null) ? null : info;
    }

    /**
     * The API's counters: nats-server's {@code JetStreamAPIStats}.
     *
     * @param level    the API level the server implements (null in documents from servers before 2.11)
     * @param total    requests since start
     * @param errors   requests answered with an error
     * @param inflight requests being served (omitted when 0)
     */
    @JsonPropertyOrder({"level", "total", "errors", "inflight"})
    public record ApiStats(
            @JsonProperty("level") @JsonInclude(Include.NON_NULL) Integer level,
            @JsonProperty("total") long total,
            @JsonProperty("errors") long errors,
            @JsonProperty("inflight") @JsonInclude(Include.NON_DEFAULT) long inflight) {
    }

    /**
     * Usage and limits of one replication tier ({@code R1}, {@code R3}): nats-server's {@code JetStreamTier}.
     *
     * @param memory          memory bytes used
     * @param storage         file bytes used
     * @param reservedMemory  memory bytes reserved
     * @param reservedStorage file bytes reserved
     * @param streams         streams
     * @param consumers       consumers
     * @param limits          the tier's limits
     */
    @JsonPropertyOrder({"memory", "storage", "reserved_memory", "reserved_storage", "streams", "consumers",
            "limits"})
    public record Tier(
            @JsonProperty("memory") long memory,
            @JsonProperty("storage") long storage,
            @JsonProperty("reserved_memory") @JsonInclude(Include.NON_NULL) Long reservedMemory,
            @JsonProperty("reserved_storage") @JsonInclude(Include.NON_NULL) Long reservedStorage,
            @JsonProperty("streams") long streams,
            @JsonProperty("consumers") long consumers,
            @JsonProperty("limits") JsAccountLimits limits) {
    }
}
