package io.natrix.cli.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.cli.output.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The claims of operator, account and user JWTs as JSON trees with nats-io/jwt v2's field names, as new entities
 * get them and as the commands change them. Keeping claims as trees (not records) means a JWT written by nsc or
 * natscli keeps the fields Natrix does not manage (imports, exports, mappings, ...) when Natrix re-issues it.
 *
 * <p>New claims are what nats-io/jwt's constructors give: accounts without limits ({@code -1} everywhere,
 * wildcard exports allowed, JetStream off: zero storage), users without limits or permissions. Before issuing,
 * {@link #ordered} puts the {@code nats} fields in Go's struct order so tokens read like nsc's. Stateless.
 */
final class Claims {

    static final int VERSION = 2;
    static final long UNLIMITED = -1;

    private static final List<String> OPERATOR_ORDER = List.of("signing_keys", "account_server_url",
            "operator_service_urls", "system_account", "assert_server_version", "strict_signing_key_usage");
    private static final List<String> ACCOUNT_ORDER = List.of("imports", "exports", "limits", "signing_keys",
            "revocations", "default_permissions", "mappings", "authorization", "trace", "cluster_traffic",
            "description", "info_url");
    private static final List<String> LIMITS_ORDER = List.of("subs", "data", "payload", "imports", "exports",
            "wildcards", "disallow_bearer", "conn", "leaf", "mem_storage", "disk_storage", "streams", "consumer",
            "max_ack_pending", "mem_max_stream_bytes", "disk_max_stream_bytes", "max_bytes_required",
            "tiered_limits");
    private static final List<String> USER_ORDER = List.of("pub", "sub", "resp", "src", "times", "times_location",
            "subs", "data", "payload", "bearer_token", "proxy_required", "allowed_connection_types",
            "issuer_account");
    private static final List<String> GENERIC_ORDER = List.of("tags", "type", "version");

    private Claims() {
    }

    static ObjectNode operator(String name, String subject) {
        return base(name, subject, "operator");
    }

    static ObjectNode account(String name, String subject) {
        ObjectNode claims = base(name, subject, "account");
        ObjectNode limits = object(nats(claims), "limits");
        limits.put("subs", UNLIMITED);
        limits.put("data", UNLIMITED);
        limits.put("payload", UNLIMITED);
        limits.put("imports", UNLIMITED);
        limits.put("exports", UNLIMITED);
        limits.put("wildcards", true);
        limits.put("conn", UNLIMITED);
        limits.put("leaf", UNLIMITED);
        limits.put("mem_storage", 0);
        limits.put("disk_storage", 0);
        limits.put("streams", 0);
        limits.put("consumer", 0);
        ObjectNode permissions = object(nats(claims), "default_permissions");
        object(permissions, "pub");
        object(permissions, "sub");
        object(nats(claims), "authorization");
        return claims;
    }

    static ObjectNode user(String name, String subject) {
        ObjectNode claims = base(name, subject, "user");
        ObjectNode nats = nats(claims);
        object(nats, "pub");
        object(nats, "sub");
        nats.put("subs", UNLIMITED);
        nats.put("data", UNLIMITED);
        nats.put("payload", UNLIMITED);
        return claims;
    }

    private static ObjectNode base(String name, String subject, String type) {
        ObjectNode claims = Json.MAPPER.createObjectNode();
        claims.put("name", name);
        claims.put("sub", subject);
        ObjectNode nats = claims.putObject("nats");
        nats.put("type", type);
        nats.put("version", VERSION);
        return claims;
    }

    /** The {@code nats} object of claims (created when missing). */
    static ObjectNode nats(ObjectNode claims) {
        return object(claims, "nats");
    }

    /** The object in {@code parent.field}, created when missing or not an object. */
    static ObjectNode object(ObjectNode parent, String field) {
        JsonNode node = parent.get(field);
        if (node instanceof ObjectNode object) {
            return object;
        }
        return parent.putObject(field);
    }

    /** The strings of an array field (empty when missing). */
    static List<String> strings(JsonNode node, String field) {
        List<String> values = new ArrayList<>();
        node.path(field).forEach(v -> values.add(v.asText()));
        return values;
    }

    /** Sets an array of strings, or removes the field when there are none (Go's omitempty). */
    static void strings(ObjectNode node, String field, List<String> values) {
        if (values.isEmpty()) {
            node.remove(field);
            return;
        }
        ArrayNode array = node.putArray(field);
        values.forEach(array::add);
    }

    /** Whether an account's claims enable JetStream: some storage allowed, in the global limits or a tier. */
    static boolean jetStreamEnabled(ObjectNode accountClaims) {
        JsonNode limits = accountClaims.path("nats").path("limits");
        if (limits.path("mem_storage").asLong(0) != 0 || limits.path("disk_storage").asLong(0) != 0) {
            return true;
        }
        for (JsonNode tier : limits.path("tiered_limits")) {
            if (tier.path("mem_storage").asLong(0) != 0 || tier.path("disk_storage").asLong(0) != 0) {
                return true;
            }
        }
        return false;
    }

    /** The claims with their {@code nats} object (and an account's limits) in nats-io/jwt's field order. */
    static ObjectNode ordered(ObjectNode claims) {
        ObjectNode nats = nats(claims);
        String type = nats.path("type").asText("");
        List<String> order = switch (type) {
            case "operator" -> OPERATOR_ORDER;
            case "account" -> ACCOUNT_ORDER;
            case "user" -> USER_ORDER;
            default -> List.of();
        };
        ObjectNode sorted = reorder(nats, order);
        if (sorted.get("limits") instanceof ObjectNode limits) {
            sorted.set("limits", reorder(limits, LIMITS_ORDER));
        }
        ObjectNode copy = claims.deepCopy();
        copy.set("nats", sorted);
        return copy;
    }

    private static ObjectNode reorder(ObjectNode node, List<String> order) {
        ObjectNode sorted = Json.MAPPER.createObjectNode();
        for (String field : order) {
            if (node.has(field)) {
                sorted.set(field, node.get(field));
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!order.contains(field.getKey()) && !GENERIC_ORDER.contains(field.getKey())) {
                sorted.set(field.getKey(), field.getValue());
            }
        }
        for (String field : GENERIC_ORDER) {
            if (node.has(field)) {
                sorted.set(field, node.get(field));
            }
        }
        return sorted;
    }
}
