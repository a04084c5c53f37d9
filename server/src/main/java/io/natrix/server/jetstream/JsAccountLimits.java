package io.natrix.server.jetstream;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * An account's JetStream limits, as configured ({@code jetstream { max_memory, max_file, max_streams,
 * max_consumers ... }} on the account, or its JWT) and as reported in account info's {@code limits}: nats-server's
 * {@code JetStreamAccountLimits}, every field always written. -1 means unlimited; {@link #UNLIMITED} is what an
 * account without limits reports.
 *
 * <p>Stream configuration checks use {@link #maxBytesRequired} and the per-stream byte ceilings; the totals are
 * enforced where streams are created, against the account's usage.
 *
 * <p>Immutable; safe on any thread.
 *
 * @param maxMemory             memory bytes all its streams may reserve
 * @param maxStorage            file bytes all its streams may reserve
 * @param maxStreams            streams
 * @param maxConsumers          consumers
 * @param maxAckPending         unacknowledged messages per consumer
 * @param memoryMaxStreamBytes  largest {@code max_bytes} of one memory stream
 * @param storageMaxStreamBytes largest {@code max_bytes} of one file stream
 * @param maxBytesRequired      streams must set {@code max_bytes}
 */
@JsonPropertyOrder({"max_memory", "max_storage", "max_streams", "max_consumers", "max_ack_pending",
        "memory_max_stream_bytes", "storage_max_stream_bytes", "max_bytes_required"})
public record JsAccountLimits(
        @JsonProperty("max_memory") long maxMemory,
        @JsonProperty("max_storage") long maxStorage,
        @JsonProperty("max_streams") long maxStreams,
        @JsonProperty("max_consumers") long maxConsumers,
        @JsonProperty("max_ack_pending") long maxAckPending,
        @JsonProperty("memory_max_stream_bytes") long memoryMaxStreamBytes,
        @JsonProperty("storage_max_stream_bytes") long storageMaxStreamBytes,
        @JsonProperty("max_bytes_required") boolean maxBytesRequired) {

    /** No limits. */
    public static final JsAccountLimits UNLIMITED = new JsAccountLimits(-1, -1, -1, -1, -1, -1, -1, false);

    /** The largest {@code max_bytes} one stream of {@code storage} may ask for (0 or less: no ceiling). */
    public long maxStreamBytes(StorageType storage) {
        return storage == StorageType.MEMORY ? memoryMaxStreamBytes : storageMaxStreamBytes;
    }
}
