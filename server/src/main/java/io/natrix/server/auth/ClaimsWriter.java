package io.natrix.server.auth;

import io.natrix.server.auth.AccountClaims.Export;
import io.natrix.server.auth.AccountClaims.Import;
import io.natrix.server.auth.AccountClaims.SigningKey;
import io.natrix.server.auth.AccountClaims.UserScope;
import io.natrix.server.auth.AccountClaims.WeightedMapping;
import io.natrix.server.auth.AccountLimits.JetStreamLimits;
import io.natrix.server.auth.AuthorizationRequestClaims.ClientInformation;
import io.natrix.server.auth.AuthorizationRequestClaims.ClientTls;
import io.natrix.server.auth.AuthorizationRequestClaims.ConnectOptions;
import io.natrix.server.auth.AuthorizationRequestClaims.ServerId;
import io.natrix.server.auth.UserPermissionLimits.TimeRange;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes claims as the JSON that Go's {@code encoding/json} makes of the nats-io/jwt v2 structs: the same field order,
 * the same {@code omitempty} choices (empty strings, zero numbers, false, empty lists and maps left out; nested structs
 * always written), map keys sorted, and Go's string escaping (see {@link Json#string}). Byte-identical output matters
 * for one thing only, the {@code jti}: it is a hash of the registered claims as Go serializes them.
 *
 * <p>Stateless and thread-safe.
 */
final class ClaimsWriter {

    private ClaimsWriter() {
    }

    /** The full payload JSON. */
    static String payload(JwtClaims claims) {
        Json json = new Json();
        json.begin();
        claimsDataFields(json, claims.data());
        json.key("nats");
        json.begin();
        switch (claims) {
            case OperatorClaims o -> {
                json.strings("signing_keys", o.signingKeys());
                json.string("account_server_url", o.accountServerUrl());
                json.strings("operator_service_urls", o.operatorServiceUrls());
                json.string("system_account", o.systemAccount());
                json.string("assert_server_version", o.assertServerVersion());
                json.bool("strict_signing_key_usage", o.strictSigningKeyUsage());
            }
            case AccountClaims a -> account(json, a);
            case UserClaims u -> {
                userPermissionLimits(json, u.limits());
                json.string("issuer_account", u.issuerAccount());
            }
            case ActivationClaims a -> {
                json.string("subject", a.importSubject());
                json.exportType("kind", a.importType());
                json.string("issuer_account", a.issuerAccount());
            }
            case AuthorizationRequestClaims r -> authorizationRequest(json, r);
            case AuthorizationResponseClaims r -> {
                json.string("jwt", r.jwt());
                json.string("error", r.error());
                json.string("issuer_account", r.issuerAccount());
            }
        }
        json.strings("tags", claims.tags());
        json.string("type", claims.type().jsonName());
        json.number("version", JwtDecoder.VERSION);
        json.end();
        json.end();
        return json.toString();
    }

    /** The registered claims alone, the input of the {@code jti} hash. */
    static String claimsData(ClaimsData data) {
        Json json = new Json();
        json.begin();
        claimsDataFields(json, data);
        json.end();
        return json.toString();
    }

    private static void claimsDataFields(Json json, ClaimsData d) {
        json.string("aud", d.audience());
        json.number("exp", d.expiresAtSeconds());
        json.string("jti", d.id());
        json.number("iat", d.issuedAtSeconds());
        json.string("iss", d.issuer());
        json.string("name", d.name());
        json.number("nbf", d.notBeforeSeconds());
        json.string("sub", d.subject());
    }

    private static void account(Json json, AccountClaims a) {
        if (!a.imports().isEmpty()) {
            json.key("imports");
            json.beginArray();
            for (Import i : a.imports()) {
                json.begin();
                json.string("name", i.name());
                json.string("subject", i.subject());
                json.string("account", i.account());
                json.string("token", i.token());
                json.string("to", i.to());
                json.string("local_subject", i.localSubject());
                json.exportType("type", i.type());
                json.bool("share", i.share());
                json.bool("allow_trace", i.allowTrace());
                json.end();
            }
            json.endArray();
        }
        if (!a.exports().isEmpty()) {
            json.key("exports");
            json.beginArray();
            for (Export e : a.exports()) {
                export(json, e);
            }
            json.endArray();
        }
        accountLimits(json, a.limits());
        if (!a.signingKeys().isEmpty()) {
            json.key("signing_keys");
            json.beginArray();
            for (SigningKey key : new TreeMap<>(a.signingKeys()).values()) {
                if (key.isScoped()) {
                    userScope(json, key.scope());
                } else {
                    json.value(key.key());
                }
            }
            json.endArray();
        }
        json.numberMap("revocations", a.revocations());
        json.key("default_permissions");
        json.begin();
        permissions(json, a.defaultPermissions());
        json.end();
        if (!a.mappings().isEmpty()) {
            json.key("mappings");
            json.begin();
            for (Map.Entry<String, List<WeightedMapping>> entry : new TreeMap<>(a.mappings()).entrySet()) {
                json.key(entry.getKey());
                json.beginArray();
                for (WeightedMapping m : entry.getValue()) {
                    json.begin();
                    json.key("subject");
                    json.value(m.subject());
                    json.number("weight", m.weight());
                    json.string("cluster", m.cluster());
                    json.end();
                }
                json.endArray();
            }
            json.end();
        }
        json.key("authorization");
        json.begin();
        json.strings("auth_users", a.authorization().authUsers());
        json.strings("allowed_accounts", a.authorization().allowedAccounts());
        json.string("xkey", a.authorization().xkey());
        json.end();
        if (a.trace() != null) {
            json.key("trace");
            json.begin();
            json.string("dest", a.trace().destination());
            json.number("sampling", a.trace().sampling());
            json.end();
        }
        json.string("cluster_traffic", a.clusterTraffic());
        json.string("description", a.description());
        json.string("info_url", a.infoUrl());
    }

    private static void export(Json json, Export e) {
        json.begin();
        json.string("name", e.name());
        json.string("subject", e.subject());
        json.exportType("type", e.type());
        json.bool("token_req", e.tokenRequired());
        json.numberMap("revocations", e.revocations());
        json.string("response_type", e.responseType());
        json.number("response_threshold", e.responseThresholdNanos());
        if (e.latency() != null) {
            json.key("service_latency");
            json.begin();
            json.key("sampling");
            if (e.latency().sampling() == 0) {
                json.value("headers");
            } else {
                json.rawNumber(e.latency().sampling());
            }
            json.key("results");
            json.value(e.latency().results());
            json.end();
        }
        json.number("account_token_position", e.accountTokenPosition());
        json.bool("advertise", e.advertise());
        json.bool("allow_trace", e.allowTrace());
        json.string("description", e.description());
        json.string("info_url", e.infoUrl());
        json.end();
    }

    private static void accountLimits(Json json, AccountLimits l) {
        json.key("limits");
        json.begin();
        json.number("subs", l.subs());
        json.number("data", l.data());
        json.number("payload", l.payload());
        json.number("imports", l.imports());
        json.number("exports", l.exports());
        json.bool("wildcards", l.wildcardExports());
        json.bool("disallow_bearer", l.disallowBearer());
        json.number("conn", l.conn());
        json.number("leaf", l.leaf());
        jetStreamLimits(json, l.jetStream());
        if (!l.tiered().isEmpty()) {
            json.key("tiered_limits");
            json.begin();
            for (Map.Entry<String, JetStreamLimits> tier : new TreeMap<>(l.tiered()).entrySet()) {
                json.key(tier.getKey());
                json.begin();
                jetStreamLimits(json, tier.getValue());
                json.end();
            }
            json.end();
        }
        json.end();
    }

    private static void jetStreamLimits(Json json, JetStreamLimits j) {
        json.number("mem_storage", j.memoryStorage());
        json.number("disk_storage", j.diskStorage());
        json.number("streams", j.streams());
        json.number("consumer", j.consumer());
        json.number("max_ack_pending", j.maxAckPending());
        json.number("mem_max_stream_bytes", j.memoryMaxStreamBytes());
        json.number("disk_max_stream_bytes", j.diskMaxStreamBytes());
        json.bool("max_bytes_required", j.maxBytesRequired());
    }

    private static void userScope(Json json, UserScope scope) {
        json.begin();
        json.key("kind");
        json.value(UserScope.KIND);
        json.key("key");
        json.value(scope.key());
        json.key("role");
        json.value(scope.role());
        json.key("template");
        json.begin();
        userPermissionLimits(json, scope.template());
        json.end();
        json.key("description");
        json.value(scope.description());
        json.end();
    }

    private static void userPermissionLimits(Json json, UserPermissionLimits u) {
        permissions(json, u.permissions());
        json.strings("src", u.src());
        if (!u.times().isEmpty()) {
            json.key("times");
            json.beginArray();
            for (TimeRange range : u.times()) {
                json.begin();
                json.string("start", range.start());
                json.string("end", range.end());
                json.end();
            }
            json.endArray();
        }
        json.string("times_location", u.locale());
        json.number("subs", u.subs());
        json.number("data", u.data());
        json.number("payload", u.payload());
        json.bool("bearer_token", u.bearerToken());
        json.bool("proxy_required", u.proxyRequired());
        json.strings("allowed_connection_types", u.allowedConnectionTypes());
    }

    private static void permissions(Json json, JwtPermissions p) {
        json.key("pub");
        json.begin();
        json.strings("allow", p.pub().allow());
        json.strings("deny", p.pub().deny());
        json.end();
        json.key("sub");
        json.begin();
        json.strings("allow", p.sub().allow());
        json.strings("deny", p.sub().deny());
        json.end();
        if (p.resp() != null) {
            json.key("resp");
            json.begin();
            json.key("max");
            json.rawNumber(p.resp().maxMsgs());
            json.key("ttl");
            json.rawNumber(p.resp().ttlNanos());
            json.end();
        }
    }

    private static void authorizationRequest(Json json, AuthorizationRequestClaims r) {
        ServerId s = r.server();
        json.key("server_id");
        json.begin();
        json.key("name");
        json.value(s.name());
        json.key("host");
        json.value(s.host());
        json.key("id");
        json.value(s.id());
        json.string("version", s.version());
        json.string("cluster", s.cluster());
        json.strings("tags", s.tags());
        json.string("xkey", s.xkey());
        json.end();
        json.key("user_nkey");
        json.value(r.userNkey());
        ClientInformation c = r.clientInformation();
        json.key("client_info");
        json.begin();
        json.string("host", c.host());
        json.number("id", c.id());
        json.string("user", c.user());
        json.string("name", c.name());
        json.strings("tags", c.tags());
        json.string("name_tag", c.nameTag());
        json.string("kind", c.kind());
        json.string("type", c.type());
        json.string("mqtt_id", c.mqttId());
        json.string("nonce", c.nonce());
        json.end();
        ConnectOptions o = r.connectOptions();
        json.key("connect_opts");
        json.begin();
        json.string("jwt", o.jwt());
        json.string("nkey", o.nkey());
        json.string("sig", o.signedNonce());
        json.string("auth_token", o.authToken());
        json.string("user", o.user());
        json.string("pass", o.pass());
        json.string("name", o.name());
        json.string("lang", o.lang());
        json.string("version", o.version());
        json.key("protocol");
        json.rawNumber(o.protocol());
        json.end();
        ClientTls t = r.tls();
        if (t != null) {
            json.key("client_tls");
            json.begin();
            json.string("version", t.version());
            json.string("cipher", t.cipher());
            json.strings("certs", t.certs());
            if (!t.verifiedChains().isEmpty()) {
                json.key("verified_chains");
                json.beginArray();
                for (List<String> chain : t.verifiedChains()) {
                    json.beginArray();
                    for (String cert : chain) {
                        json.value(cert);
                    }
                    json.endArray();
                }
                json.endArray();
            }
            json.end();
        }
        json.string("request_nonce", r.requestNonce());
    }

    /**
     * A minimal JSON builder with Go's {@code omitempty} helpers and Go's string escaping. Commas are placed
     * automatically; the caller balances begin and end.
     */
    static final class Json {
        private static final char[] HEX = "0123456789abcdef".toCharArray();
        private final StringBuilder out = new StringBuilder(256);
        private boolean needComma;

        void begin() {
            comma();
            out.append('{');
            needComma = false;
        }

        void end() {
            out.append('}');
            needComma = true;
        }

        void beginArray() {
            comma();
            out.append('[');
            needComma = false;
        }

        void endArray() {
            out.append(']');
            needComma = true;
        }

        void key(String name) {
            comma();
            quoted(name);
            out.append(':');
            needComma = false;
        }

        void value(String text) {
            comma();
            quoted(text);
            needComma = true;
        }

        void rawNumber(long n) {
            comma();
            out.append(n);
            needComma = true;
        }

        /** An omitempty string field. */
        void string(String name, String text) {
            if (!text.isEmpty()) {
                key(name);
                value(text);
            }
        }

        /** An omitempty number field. */
        void number(String name, long n) {
            if (n != 0) {
                key(name);
                rawNumber(n);
            }
        }

        /** An omitempty boolean field. */
        void bool(String name, boolean b) {
            if (b) {
                key(name);
                comma();
                out.append("true");
                needComma = true;
            }
        }

        /** An omitempty list of strings. */
        void strings(String name, List<String> list) {
            if (!list.isEmpty()) {
                key(name);
                beginArray();
                for (String s : list) {
                    value(s);
                }
                endArray();
            }
        }

        /** An omitempty map of string to number, keys sorted as Go sorts them. */
        void numberMap(String name, Map<String, Long> map) {
            if (!map.isEmpty()) {
                key(name);
                begin();
                for (Map.Entry<String, Long> e : new TreeMap<>(map).entrySet()) {
                    key(e.getKey());
                    rawNumber(e.getValue());
                }
                end();
            }
        }

        /** An omitempty export type ("stream"/"service"). */
        void exportType(String name, ExportType type) {
            if (type != ExportType.UNKNOWN) {
                key(name);
                value(type.jsonName());
            }
        }

        private void comma() {
            if (needComma) {
                out.append(',');
                needComma = false;
            }
        }

        /**
         * Go's escaping: '"' and '\\' and \b \f \n \r \t by their short escapes, other control characters and the
         * HTML-sensitive '&lt;', '&gt;', '&amp;' as backslash-u00XX (lower-case hex), U+2028 and U+2029 escaped,
         * unpaired surrogates (not valid UTF-8) as U+FFFD, everything else as is.
         */
        private void quoted(String s) {
            out.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\b' -> out.append("\\b");
                    case '\f' -> out.append("\\f");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    case '<', '>', '&' -> unicodeEscape(c);
                    case '\u2028', '\u2029' -> unicodeEscape(c);
                    default -> {
                        if (c < 0x20) {
                            unicodeEscape(c);
                        } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                                && Character.isLowSurrogate(s.charAt(i + 1))) {
                            out.append(c).append(s.charAt(++i));
                        } else if (Character.isSurrogate(c)) {
                            out.append("\\ufffd");
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            out.append('"');
        }

        private void unicodeEscape(char c) {
            out.append("\\u").append(HEX[c >>> 12]).append(HEX[(c >>> 8) & 15]).append(HEX[(c >>> 4) & 15])
                    .append(HEX[c & 15]);
        }

        @Override
        public String toString() {
            return out.toString();
        }
    }
}
