package io.natrix.server.jetstream;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JetStream API levels and the versioning metadata nats-server keeps in a stream's {@code metadata} (ADR-44).
 * Natrix implements the stream API of nats-server 2.11, level {@value #API_LEVEL}.
 *
 * <ul>
 *   <li>{@code _nats.req.level}: the level a stream's configuration needs (1 when it uses per-message TTLs or
 *       subject delete markers, else 0). Stored with the configuration; set on create and update.</li>
 *   <li>{@code _nats.ver} and {@code _nats.level}: the version and level of the server answering. Never stored;
 *       added to the configuration in responses and stripped from requests.</li>
 * </ul>
 *
 * <p>Stateless; safe on any thread.
 */
public final class JsVersioning {
    /** The API level Natrix implements: nats-server 2.11's. */
    public static final int API_LEVEL = 1;

    public static final String REQUIRED_LEVEL_KEY = "_nats.req.level";
    public static final String SERVER_VERSION_KEY = "_nats.ver";
    public static final String SERVER_LEVEL_KEY = "_nats.level";
    /** The request header with which a client asks for at least an API level (nats-server 2.12). */
    public static final String REQUIRED_LEVEL_HEADER = "Nats-Required-Api-Level";

    private JsVersioning() {
    }

    /** The API level a configuration needs. */
    public static int requiredLevel(StreamConfig config) {
        return config.allowMsgTtl() || config.subjectDeleteMarkerTtlNanos() > 0 ? 1 : 0;
    }

    /** The configuration as stored: the answering server's keys removed, the required level set. */
    public static StreamConfig withStaticMetadata(StreamConfig config) {
        Map<String, String> metadata = new LinkedHashMap<>(config.metadata());
        metadata.remove(SERVER_VERSION_KEY);
        metadata.remove(SERVER_LEVEL_KEY);
        metadata.put(REQUIRED_LEVEL_KEY, Integer.toString(requiredLevel(config)));
        return config.toBuilder().metadata(metadata).build();
    }

    /** The configuration as a response shows it: with the answering server's version and level added. */
    public static StreamConfig withDynamicMetadata(StreamConfig config, String serverVersion) {
        Map<String, String> metadata = new LinkedHashMap<>(config.metadata());
        metadata.put(SERVER_VERSION_KEY, serverVersion);
        metadata.put(SERVER_LEVEL_KEY, Integer.toString(API_LEVEL));
        return config.toBuilder().metadata(metadata).build();
    }

    /**
     * Whether a request may be served given its {@value #REQUIRED_LEVEL_HEADER} header value (null when absent): a
     * value that is not a number, or a level above ours, is refused with {@link JsErrors#requiredApiLevel()}.
     */
    public static boolean supportsRequiredLevel(String headerValue) {
        if (headerValue == null || headerValue.isEmpty()) {
            return true;
        }
        try {
            return Integer.parseInt(headerValue) <= API_LEVEL;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
