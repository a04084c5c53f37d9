package io.natrix.cli.context;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One natscli configuration context: the JSON document natscli keeps in {@code context/NAME.json}. Fields are
 * natscli's ({@code url}, {@code user}, {@code password}, {@code token}, {@code creds}, {@code nkey}, {@code cert},
 * {@code key}, {@code ca}, {@code jetstream_domain}, {@code jetstream_api_prefix}, {@code inbox_prefix},
 * {@code tls_first}, ...). The whole document is kept, so fields Natrix does not use survive an edit.
 *
 * @param name the context's name (its file name without {@code .json}); empty for "no context"
 * @param document the context's JSON object
 */
public record NatsContext(String name, ObjectNode document) {

    /** The fields natscli writes, in its order; {@code context info} shows these. */
    public static final java.util.List<String> FIELDS = java.util.List.of("description", "url", "socks_proxy",
            "token", "user", "password", "creds", "nkey", "cert", "key", "ca", "nsc", "jetstream_api_prefix",
            "jetstream_event_prefix", "jetstream_domain", "inbox_prefix", "user_jwt", "color_scheme", "tls_first");

    /** No context: every setting unset. */
    public static NatsContext empty() {
        return new NatsContext("", JsonNodeFactory.instance.objectNode());
    }

    /** A string field, or null when absent or empty. */
    public String get(String field) {
        JsonNode node = document.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        String text = node.asText();
        return text.isEmpty() ? null : text;
    }

    public String description() {
        return get("description");
    }

    public String url() {
        return get("url");
    }

    public String user() {
        return get("user");
    }

    public String password() {
        return get("password");
    }

    public String token() {
        return get("token");
    }

    public String creds() {
        return get("creds");
    }

    public String nkey() {
        return get("nkey");
    }

    public String cert() {
        return get("cert");
    }

    public String key() {
        return get("key");
    }

    public String ca() {
        return get("ca");
    }

    public String jetStreamDomain() {
        return get("jetstream_domain");
    }

    public String jetStreamApiPrefix() {
        return get("jetstream_api_prefix");
    }

    public String inboxPrefix() {
        return get("inbox_prefix");
    }

    public boolean tlsFirst() {
        JsonNode node = document.get("tls_first");
        return node != null && node.asBoolean(false);
    }
}
