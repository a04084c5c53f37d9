package io.natrix.server.jetstream;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The common part of JetStream advisories and metrics ({@code $JS.EVENT.ADVISORY.>}, {@code $JS.EVENT.METRIC.>}):
 * nats-server's {@code TypedEvent} ({@code type}, {@code id}, {@code timestamp}) first, the event's own fields after,
 * {@code domain} last when one is set. Callers add their fields to the map in nats-server's order.
 *
 * <p>Stateless; safe on any thread.
 */
final class JsAdvisories {
    private JsAdvisories() {
    }

    /** A new event of {@code type}: an ordered map holding the typed-event header. */
    static Map<String, Object> event(String type) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        m.put("id", UUID.randomUUID().toString().replace("-", "").substring(0, 22));
        m.put("timestamp", JsAccount.RFC3339_NANO.format(Instant.now()));
        return m;
    }

    /** Adds {@code domain} when it is set (nats-server's {@code omitempty}). */
    static void domain(Map<String, Object> event, String domain) {
        if (domain != null && !domain.isEmpty()) {
            event.put("domain", domain);
        }
    }
}
