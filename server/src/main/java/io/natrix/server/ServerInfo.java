package io.natrix.server;

import io.natrix.server.config.ServerOptions;
import java.nio.charset.StandardCharsets;

/**
 * The INFO a server sends each client: the server-wide fields, fixed until a reload or lame duck, plus the
 * client's own id and address.
 *
 * <p>Written as compact JSON in nats-server's field order, followed (as nats-server does) by a space and CRLF:
 * <pre>INFO {"server_id":"N...","server_name":"...","version":"2.11.0","proto":1,"go":"java25","host":"0.0.0.0",
 *   "port":4222,"headers":true,"max_payload":1048576,"client_id":5,"client_ip":"127.0.0.1"} \r\n</pre>
 *
 * <p>Immutable and thread-safe.
 */
record ServerInfo(String prefix, boolean lameDuck) {

    static ServerInfo create(NatsServer server, ServerOptions o, int port) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("INFO {\"server_id\":");
        string(sb, server.serverId());
        sb.append(",\"server_name\":");
        string(sb, server.serverName());
        sb.append(",\"version\":");
        string(sb, Version.NATS_SERVER);
        sb.append(",\"proto\":").append(Version.PROTO);
        sb.append(",\"go\":");
        string(sb, Version.RUNTIME);
        sb.append(",\"host\":");
        string(sb, o.host().isEmpty() ? "0.0.0.0" : o.host());
        sb.append(",\"port\":").append(port);
        sb.append(",\"headers\":").append(!o.noHeaderSupport());
        if (server.authRequired()) {
            sb.append(",\"auth_required\":true");
        }
        if (o.tls() != null) {
            // Every client connection must use TLS; allow_non_tls (tls_available) is not supported.
            sb.append(",\"tls_required\":true");
            if (o.tls().verify() || o.tls().verifyAndMap()) {
                sb.append(",\"tls_verify\":true");
            }
        }
        sb.append(",\"max_payload\":").append(o.maxPayload());
        return new ServerInfo(sb.toString(), false);
    }

    ServerInfo withLameDuck() {
        return new ServerInfo(prefix, true);
    }

    /** The whole INFO line for one client. */
    byte[] line(long clientId, String clientIp, String nonce) {
        StringBuilder sb = new StringBuilder(prefix.length() + 64).append(prefix);
        sb.append(",\"client_id\":").append(clientId);
        if (clientIp != null && !clientIp.isEmpty()) {
            sb.append(",\"client_ip\":");
            string(sb, clientIp);
        }
        if (nonce != null) {
            sb.append(",\"nonce\":");
            string(sb, nonce);
        }
        if (lameDuck) {
            sb.append(",\"ldm\":true");
        }
        sb.append("} \r\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Appends a JSON string literal. */
    static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
