package io.natrix.server.monitor;

import io.natrix.server.NatsServer;
import java.util.List;
import java.util.Map;

/**
 * The monitoring documents by name, for callers other than the HTTP port (the system account's
 * {@code $SYS.REQ.SERVER.PING.VARZ} and friends answer with the same documents).
 *
 * <p>Stateless; safe on any thread.
 */
public final class MonitorDocuments {
    private MonitorDocuments() {
    }

    /**
     * The document {@code name} ({@code varz}, {@code connz}, {@code subsz}, {@code healthz}, ...) for these query
     * options.
     *
     * @throws IllegalArgumentException for an unknown document or bad options
     */
    public static Object document(NatsServer server, String name, Map<String, List<String>> query) {
        Monitoring m = new Monitoring(server);
        return switch (name) {
            case "varz" -> m.varz();
            case "connz" -> m.connz(query);
            case "subsz" -> m.subsz();
            case "healthz" -> m.healthz();
            default -> throw new IllegalArgumentException("unknown monitoring document " + name);
        };
    }
}
