package io.natrix.server.system;

import io.natrix.server.client.ClientConnection;
import io.natrix.server.client.ConnectOptions;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code client} object of system events and answers, with nats-server's field names (its ClientInfo):
 * {@code start}, {@code host}, {@code id}, {@code acc}, {@code user}, {@code name}, {@code lang}, {@code ver},
 * {@code rtt} (nanoseconds), {@code server}, {@code stop}, {@code kind}, {@code client_type}. Empty values are left
 * out as nats-server leaves them out.
 */
final class ClientInfo {
    private ClientInfo() {
    }

    static Map<String, Object> of(ClientConnection c, String serverName, Instant stop) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("start", DateTimeFormatter.ISO_INSTANT.format(c.started()));
        put(m, "host", c.remoteHost());
        m.put("id", c.cid());
        put(m, "acc", c.account() == null ? null : c.account().name());
        put(m, "user", c.user());
        ConnectOptions o = c.connectOptions();
        if (o != null) {
            put(m, "name", o.name);
            put(m, "lang", o.lang);
            put(m, "ver", o.version);
        }
        if (c.rttNanos() > 0) {
            m.put("rtt", c.rttNanos());
        }
        put(m, "server", serverName);
        if (stop != null) {
            m.put("stop", DateTimeFormatter.ISO_INSTANT.format(stop));
        }
        m.put("kind", "Client");
        m.put("client_type", "nats");
        return m;
    }

    private static void put(Map<String, Object> m, String key, String value) {
        if (value != null && !value.isEmpty()) {
            m.put(key, value);
        }
    }
}
