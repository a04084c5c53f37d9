package io.natrix.server.auth;

import io.natrix.server.auth.AccountClaims.Export;
import io.natrix.server.auth.AccountClaims.ExternalAuthorization;
import io.natrix.server.auth.AccountClaims.Import;
import io.natrix.server.auth.AccountClaims.MsgTrace;
import io.natrix.server.auth.AccountClaims.ServiceLatency;
import io.natrix.server.auth.AccountClaims.SigningKey;
import io.natrix.server.auth.AccountClaims.UserScope;
import io.natrix.server.auth.AccountClaims.WeightedMapping;
import io.natrix.server.auth.AccountLimits.JetStreamLimits;
import io.natrix.server.auth.AuthorizationRequestClaims.ClientInformation;
import io.natrix.server.auth.AuthorizationRequestClaims.ClientTls;
import io.natrix.server.auth.AuthorizationRequestClaims.ConnectOptions;
import io.natrix.server.auth.AuthorizationRequestClaims.ServerId;
import io.natrix.server.auth.GoJson.Obj;
import io.natrix.server.auth.UserPermissionLimits.TimeRange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Maps a verified JWT payload onto the claim records, field by field, with the JSON names and the quirks of the
 * nats-io/jwt v2 Go structs (which is how nats-server reads them):
 * <ul>
 *   <li>{@code src} is a list of CIDRs or one comma-separated string;</li>
 *   <li>{@code signing_keys} mixes plain keys and scope objects, skips other values, and refuses unknown kinds;</li>
 *   <li>a scope's template starts from unlimited (-1) subs, data and payload, which only present fields change;</li>
 *   <li>an export or import type must be "stream" or "service" when the field is there at all;</li>
 *   <li>{@code service_latency.sampling} is a percentage or "headers";</li>
 *   <li>tiered JetStream limits zero the untiered ones.</li>
 * </ul>
 * Every field the Go structs know is read, so a wrong JSON type anywhere fails here as it fails there.
 *
 * <p>Stateless and thread-safe.
 */
final class ClaimsReader {
    private static final long UINT8_MAX = 255;

    private ClaimsReader() {
    }

    static JwtClaims read(Obj payload, ClaimType type) {
        ClaimsData data = data(payload);
        Obj nats = payload.object("nats");
        List<String> tags = nats.strings("tags");
        return switch (type) {
            case OPERATOR -> operator(data, nats, tags);
            case ACCOUNT -> account(data, nats, tags);
            case USER -> new UserClaims(data, userPermissionLimits(nats, 0), nats.string("issuer_account"), tags);
            case ACTIVATION -> new ActivationClaims(data, nats.string("subject"), exportType(nats, "kind"),
                    nats.string("issuer_account"), tags);
            case AUTHORIZATION_REQUEST -> authorizationRequest(data, nats, tags);
            case AUTHORIZATION_RESPONSE -> new AuthorizationResponseClaims(data, nats.string("jwt"),
                    nats.string("error"), nats.string("issuer_account"), tags);
        };
    }

    static ClaimsData data(Obj payload) {
        return new ClaimsData(payload.string("jti"), payload.int64("iat"), payload.string("iss"),
                payload.string("sub"), payload.string("name"), payload.string("aud"), payload.int64("exp"),
                payload.int64("nbf"));
    }

    private static OperatorClaims operator(ClaimsData data, Obj nats, List<String> tags) {
        return new OperatorClaims(data, nats.strings("signing_keys"), nats.string("account_server_url"),
                nats.strings("operator_service_urls"), nats.string("system_account"),
                nats.string("assert_server_version"), nats.bool("strict_signing_key_usage"), tags);
    }

    private static AccountClaims account(ClaimsData data, Obj nats, List<String> tags) {
        List<Import> imports = new ArrayList<>();
        for (Obj i : nats.objects("imports")) {
            imports.add(new Import(i.string("name"), i.string("subject"), i.string("account"), i.string("token"),
                    i.string("to"), i.string("local_subject"), exportType(i, "type"), i.bool("share"),
                    i.bool("allow_trace")));
        }
        List<Export> exports = new ArrayList<>();
        for (Obj e : nats.objects("exports")) {
            exports.add(export(e));
        }
        Obj trace = nats.objectOrNull("trace");
        Obj authorization = nats.object("authorization");
        return new AccountClaims(data, imports, exports, accountLimits(nats.object("limits")), signingKeys(nats),
                nats.int64Map("revocations"), permissions(nats.object("default_permissions")), mappings(nats),
                new ExternalAuthorization(authorization.strings("auth_users"),
                        authorization.strings("allowed_accounts"), authorization.string("xkey")),
                trace == null ? null : new MsgTrace(trace.string("dest"), int32(trace, "sampling")),
                nats.string("cluster_traffic"), nats.string("description"), nats.string("info_url"), tags);
    }

    private static Export export(Obj e) {
        Obj latency = e.objectOrNull("service_latency");
        return new Export(e.string("name"), e.string("subject"), exportType(e, "type"), e.bool("token_req"),
                e.int64Map("revocations"), e.string("response_type"), e.int64("response_threshold"),
                latency == null ? null : new ServiceLatency(samplingRate(latency), latency.string("results")),
                e.unsigned("account_token_position", Long.MAX_VALUE), e.bool("advertise"), e.bool("allow_trace"),
                e.string("description"), e.string("info_url"));
    }

    private static AccountLimits accountLimits(Obj l) {
        Map<String, JetStreamLimits> tiered = new LinkedHashMap<>();
        Map<String, Object> rawTiers = l.map("tiered_limits");
        for (Map.Entry<String, Object> tier : rawTiers.entrySet()) {
            Obj t = l.asObject(tier.getValue(), l.child("tiered_limits") + "." + tier.getKey());
            tiered.put(tier.getKey(), t == null ? JetStreamLimits.EMPTY : jetStreamLimits(t));
        }
        JetStreamLimits untiered = jetStreamLimits(l);
        return new AccountLimits(l.int64("subs"), l.int64("data"), l.int64("payload"), l.int64("imports"),
                l.int64("exports"), l.bool("wildcards"), l.bool("disallow_bearer"), l.int64("conn"),
                l.int64("leaf"), tiered.isEmpty() ? untiered : JetStreamLimits.EMPTY, tiered);
    }

    private static JetStreamLimits jetStreamLimits(Obj l) {
        return new JetStreamLimits(l.int64("mem_storage"), l.int64("disk_storage"), l.int64("streams"),
                l.int64("consumer"), l.int64("max_ack_pending"), l.int64("mem_max_stream_bytes"),
                l.int64("disk_max_stream_bytes"), l.bool("max_bytes_required"));
    }

    private static Map<String, SigningKey> signingKeys(Obj nats) {
        Map<String, SigningKey> keys = new LinkedHashMap<>();
        List<Object> raw = nats.array("signing_keys");
        String path = nats.child("signing_keys");
        for (int i = 0; i < raw.size(); i++) {
            Object element = raw.get(i);
            if (element instanceof String key) {
                keys.put(key, SigningKey.unscoped(key));
            } else if (nats.asObjectIfObject(element, path + "[" + i + "]") instanceof Obj scope) {
                // The kind is looked up with its exact name (the Go code reads it from a generic map) before the
                // scope is read as a struct.
                Object kind = scope.exact("kind");
                if (!UserScope.KIND.equals(kind)) {
                    throw GoJson.bad(scope.path(), "unknown signing key scope");
                }
                UserScope userScope = userScope(scope.viaGoMap());
                keys.put(userScope.key(), new SigningKey(userScope.key(), userScope));
            }
            // Numbers, booleans, nulls and nested arrays are skipped, as the Go reader skips them.
        }
        return keys;
    }

    private static UserScope userScope(Obj scope) {
        if (!UserScope.KIND.equals(scope.string("kind"))) {
            throw GoJson.bad(scope.child("kind"), "unknown scope type");
        }
        Obj template = scope.objectOrNull("template");
        UserPermissionLimits limits = template == null
                ? UserPermissionLimits.EMPTY.withLimits(-1, -1, -1)
                : userPermissionLimits(template, -1);
        return new UserScope(scope.string("key"), scope.string("role"), limits, scope.string("description"));
    }

    /**
     * The user permission fields of {@code n}; {@code natsLimitDefault} is what subs, data and payload read as when
     * missing or null (0 for user claims, -1 inside a scope template).
     */
    static UserPermissionLimits userPermissionLimits(Obj n, long natsLimitDefault) {
        List<TimeRange> times = new ArrayList<>();
        List<Object> rawTimes = n.array("times");
        for (int i = 0; i < rawTimes.size(); i++) {
            Obj t = n.asObject(rawTimes.get(i), n.child("times") + "[" + i + "]");
            times.add(t == null ? new TimeRange("", "") : new TimeRange(t.string("start"), t.string("end")));
        }
        return new UserPermissionLimits(permissions(n), cidrList(n), times, n.string("times_location"),
                n.int64Or("subs", natsLimitDefault), n.int64Or("data", natsLimitDefault),
                n.int64Or("payload", natsLimitDefault), n.bool("bearer_token"), n.bool("proxy_required"),
                n.strings("allowed_connection_types"));
    }

    static JwtPermissions permissions(Obj n) {
        Obj resp = n.objectOrNull("resp");
        return new JwtPermissions(permission(n.object("pub")), permission(n.object("sub")),
                resp == null ? null : new JwtPermissions.ResponsePermission(resp.int64("max"), resp.int64("ttl")));
    }

    private static JwtPermissions.Permission permission(Obj p) {
        return new JwtPermissions.Permission(p.strings("allow"), p.strings("deny"));
    }

    /** {@code src}: a list of CIDRs, or one string of comma-separated CIDRs (trimmed, lower-cased, deduplicated). */
    private static List<String> cidrList(Obj n) {
        Object raw = n.raw("src");
        if (raw instanceof String text) {
            Set<String> out = new LinkedHashSet<>();
            int start = 0;
            while (start <= text.length()) {
                int comma = text.indexOf(',', start);
                int end = comma < 0 ? text.length() : comma;
                String cidr = text.substring(start, end).strip().toLowerCase(Locale.ROOT);
                if (!cidr.isEmpty()) {
                    out.add(cidr);
                }
                start = end + 1;
            }
            return List.copyOf(out);
        }
        return n.strings("src");
    }

    private static Map<String, List<WeightedMapping>> mappings(Obj nats) {
        Map<String, List<WeightedMapping>> mappings = new LinkedHashMap<>();
        String path = nats.child("mappings");
        for (Map.Entry<String, Object> entry : nats.map("mappings").entrySet()) {
            String entryPath = path + "." + entry.getKey();
            List<WeightedMapping> destinations = new ArrayList<>();
            if (entry.getValue() != null) {
                if (!(entry.getValue() instanceof List<?> list)) {
                    throw GoJson.bad(entryPath, "expected an array");
                }
                for (int i = 0; i < list.size(); i++) {
                    Obj m = nats.asObject(list.get(i), entryPath + "[" + i + "]");
                    destinations.add(m == null ? new WeightedMapping("", 0, "")
                            : new WeightedMapping(m.string("subject"), (int) m.unsigned("weight", UINT8_MAX),
                                    m.string("cluster")));
                }
            }
            mappings.put(entry.getKey(), destinations);
        }
        return mappings;
    }

    private static AuthorizationRequestClaims authorizationRequest(ClaimsData data, Obj nats, List<String> tags) {
        Obj s = nats.object("server_id");
        Obj c = nats.object("client_info");
        Obj o = nats.object("connect_opts");
        Obj t = nats.objectOrNull("client_tls");
        ClientTls tls = null;
        if (t != null) {
            List<List<String>> chains = new ArrayList<>();
            List<Object> rawChains = t.array("verified_chains");
            for (int i = 0; i < rawChains.size(); i++) {
                String chainPath = t.child("verified_chains") + "[" + i + "]";
                Object chain = rawChains.get(i);
                List<String> certs = new ArrayList<>();
                if (chain != null) {
                    if (!(chain instanceof List<?> list)) {
                        throw GoJson.bad(chainPath, "expected an array");
                    }
                    for (int j = 0; j < list.size(); j++) {
                        certs.add(GoJson.stringElement(list.get(j), chainPath + "[" + j + "]"));
                    }
                }
                chains.add(certs);
            }
            tls = new ClientTls(t.string("version"), t.string("cipher"), t.strings("certs"), chains);
        }
        return new AuthorizationRequestClaims(data,
                new ServerId(s.string("name"), s.string("host"), s.string("id"), s.string("version"),
                        s.string("cluster"), s.strings("tags"), s.string("xkey")),
                nats.string("user_nkey"),
                new ClientInformation(c.string("host"), c.unsigned("id", Long.MAX_VALUE), c.string("user"),
                        c.string("name"), c.strings("tags"), c.string("name_tag"), c.string("kind"),
                        c.string("type"), c.string("mqtt_id"), c.string("nonce")),
                new ConnectOptions(o.string("jwt"), o.string("nkey"), o.string("sig"), o.string("auth_token"),
                        o.string("user"), o.string("pass"), o.string("name"), o.string("lang"), o.string("version"),
                        o.int64("protocol")),
                tls, nats.string("request_nonce"), tags);
    }

    /** An export type field: absent is unknown; anything present (null included) must be "stream" or "service". */
    private static ExportType exportType(Obj o, String name) {
        if (!o.has(name)) {
            return ExportType.UNKNOWN;
        }
        Object raw = o.raw(name);
        if ("stream".equals(raw)) {
            return ExportType.STREAM;
        }
        if ("service".equals(raw)) {
            return ExportType.SERVICE;
        }
        throw GoJson.bad(o.child(name), "unknown export type");
    }

    /** {@code sampling}: an integer percentage, or "headers" in any case (read as 0). */
    private static int samplingRate(Obj latency) {
        Object raw = latency.raw("sampling");
        if (raw instanceof String text) {
            if (text.equalsIgnoreCase("headers")) {
                return 0;
            }
            throw GoJson.bad(latency.child("sampling"), "expected a percentage or \"headers\"");
        }
        return int32(latency, "sampling");
    }

    private static int int32(Obj o, String name) {
        return (int) GoJson.integer(o.raw(name), o.child(name), Integer.MIN_VALUE, Integer.MAX_VALUE);
    }
}
