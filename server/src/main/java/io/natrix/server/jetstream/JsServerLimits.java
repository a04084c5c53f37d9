package io.natrix.server.jetstream;

import java.time.Duration;

/**
 * The server-wide JetStream limits of the {@code jetstream { limits { ... } }} block: nats-server's
 * {@code JSLimitOpts} as far as 2.11 has them. Zero means not set. Stream checks use the duplicate window ceiling;
 * the others bound consumers.
 *
 * <p>Immutable; safe on any thread.
 *
 * @param maxRequestBatch         most messages one pull request may ask for ({@code max_request_batch})
 * @param maxAckPending           ceiling of any consumer's {@code max_ack_pending} ({@code max_ack_pending})
 * @param maxHaAssets             most replicated streams and consumers ({@code max_ha_assets})
 * @param maxDuplicateWindowNanos longest duplicate window a stream may have ({@code max_duplicate_window})
 */
public record JsServerLimits(int maxRequestBatch, int maxAckPending, int maxHaAssets, long maxDuplicateWindowNanos) {

    /** Nothing set. */
    public static final JsServerLimits NONE = new JsServerLimits(0, 0, 0, 0);

    /** The duplicate window ceiling as a duration (zero: none). */
    public Duration maxDuplicateWindow() {
        return Duration.ofNanos(maxDuplicateWindowNanos);
    }
}
