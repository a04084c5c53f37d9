package io.natrix.server.auth;

import java.util.List;
import java.util.Map;

/**
 * An account JWT ({@code nats.type} "account"): an account's limits, exports and imports, signing keys and
 * revocations, issued by the operator (or one of its signing keys).
 *
 * @param data               registered claims; the subject is the account's public key
 * @param imports            JSON {@code imports}
 * @param exports            JSON {@code exports}
 * @param limits             JSON {@code limits}
 * @param signingKeys        JSON {@code signing_keys}: keys that may issue users of this account, by public key; the
 *                           JSON is a list of plain keys and scope objects
 * @param revocations        JSON {@code revocations}: user public key (or "*" for all) to a Unix time; users of
 *                           that key issued at or before the time are revoked
 * @param defaultPermissions JSON {@code default_permissions}: for users that set none
 * @param mappings           JSON {@code mappings}: subject to weighted destinations
 * @param authorization      JSON {@code authorization}: external authorization (auth callout)
 * @param trace              JSON {@code trace}: message tracing, or null
 * @param clusterTraffic     JSON {@code cluster_traffic}: "", "system" or "owner"
 * @param description        JSON {@code description}
 * @param infoUrl            JSON {@code info_url}
 * @param tags               JSON {@code tags}
 */
public record AccountClaims(ClaimsData data, List<Import> imports, List<Export> exports, AccountLimits limits,
                            Map<String, SigningKey> signingKeys, Map<String, Long> revocations,
                            JwtPermissions defaultPermissions, Map<String, List<WeightedMapping>> mappings,
                            ExternalAuthorization authorization, MsgTrace trace, String clusterTraffic,
                            String description, String infoUrl, List<String> tags) implements JwtClaims {

    /** The revocation entry that applies to every user of the account. */
    public static final String REVOKE_ALL = "*";

    public AccountClaims {
        imports = imports == null ? List.of() : List.copyOf(imports);
        exports = exports == null ? List.of() : List.copyOf(exports);
        limits = limits == null ? AccountLimits.EMPTY : limits;
        signingKeys = signingKeys == null ? Map.of() : Map.copyOf(signingKeys);
        revocations = revocations == null ? Map.of() : Map.copyOf(revocations);
        defaultPermissions = defaultPermissions == null ? JwtPermissions.NONE : defaultPermissions;
        mappings = mappings == null ? Map.of() : Map.copyOf(mappings);
        authorization = authorization == null ? ExternalAuthorization.NONE : authorization;
        clusterTraffic = clusterTraffic == null ? "" : clusterTraffic;
        description = description == null ? "" : description;
        infoUrl = infoUrl == null ? "" : infoUrl;
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** A new account as NATS tools make one: unlimited, JetStream disabled, nothing else. */
    public static AccountClaims of(String accountKey, String name) {
        return new AccountClaims(ClaimsData.of(accountKey, name), List.of(), List.of(), AccountLimits.UNLIMITED,
                Map.of(), Map.of(), JwtPermissions.NONE, Map.of(), ExternalAuthorization.NONE, null, "", "", "",
                List.of());
    }

    @Override
    public ClaimType type() {
        return ClaimType.ACCOUNT;
    }

    /**
     * Whether a user (or activation) with subject {@code publicKey} issued at {@code issuedAtSeconds} is revoked:
     * an entry for the key, or for "*", at or after the issue time. nats-server's rule.
     */
    public boolean isRevoked(String publicKey, long issuedAtSeconds) {
        Long at = revocations.get(publicKey);
        if (at != null && at >= issuedAtSeconds) {
            return true;
        }
        Long all = revocations.get(REVOKE_ALL);
        return all != null && all >= issuedAtSeconds;
    }

    public AccountClaims withData(ClaimsData data) {
        return new AccountClaims(data, imports, exports, limits, signingKeys, revocations, defaultPermissions,
                mappings, authorization, trace, clusterTraffic, description, infoUrl, tags);
    }

    public AccountClaims withLimits(AccountLimits limits) {
        return new AccountClaims(data, imports, exports, limits, signingKeys, revocations, defaultPermissions,
                mappings, authorization, trace, clusterTraffic, description, infoUrl, tags);
    }

    public AccountClaims withSigningKeys(Map<String, SigningKey> signingKeys) {
        return new AccountClaims(data, imports, exports, limits, signingKeys, revocations, defaultPermissions,
                mappings, authorization, trace, clusterTraffic, description, infoUrl, tags);
    }

    public AccountClaims withRevocations(Map<String, Long> revocations) {
        return new AccountClaims(data, imports, exports, limits, signingKeys, revocations, defaultPermissions,
                mappings, authorization, trace, clusterTraffic, description, infoUrl, tags);
    }

    public AccountClaims withExports(List<Export> exports) {
        return new AccountClaims(data, imports, exports, limits, signingKeys, revocations, defaultPermissions,
                mappings, authorization, trace, clusterTraffic, description, infoUrl, tags);
    }

    public AccountClaims withImports(List<Import> imports) {
        return new AccountClaims(data, imports, exports, limits, signingKeys, revocations, defaultPermissions,
                mappings, authorization, trace, clusterTraffic, description, infoUrl, tags);
    }

    public AccountClaims withDefaultPermissions(JwtPermissions defaultPermissions) {
        return new AccountClaims(data, imports, exports, limits, signingKeys, revocations, defaultPermissions,
                mappings, authorization, trace, clusterTraffic, description, infoUrl, tags);
    }

    public AccountClaims withTags(List<String> tags) {
        return new AccountClaims(data, imports, exports, limits, signingKeys, revocations, defaultPermissions,
                mappings, authorization, trace, clusterTraffic, description, infoUrl, tags);
    }

    /**
     * A key that may issue this account's users. Unscoped keys issue users with their own permissions; a scoped
     * key's users carry none and get the scope's template instead.
     *
     * @param key   the signing key (an account-type public key)
     * @param scope the scope, or null for an unscoped key
     */
    public record SigningKey(String key, UserScope scope) {
        public static SigningKey unscoped(String key) {
            return new SigningKey(key, null);
        }

        public boolean isScoped() {
            return scope != null;
        }
    }

    /**
     * A signing key scope ({@code "kind":"user_scope"}): the permissions and limits of every user it issues.
     *
     * @param key         JSON {@code key}
     * @param role        JSON {@code role}
     * @param template    JSON {@code template}: may contain {@code {{name()}}}-style templates, see {@link TrustChain}
     * @param description JSON {@code description}
     */
    public record UserScope(String key, String role, UserPermissionLimits template, String description) {
        /** JSON {@code kind} of the only scope NATS defines. */
        public static final String KIND = "user_scope";

        public UserScope {
            key = key == null ? "" : key;
            role = role == null ? "" : role;
            template = template == null ? UserPermissionLimits.EMPTY : template;
            description = description == null ? "" : description;
        }
    }

    /**
     * A subject space the account offers to others.
     *
     * @param name                   JSON {@code name}
     * @param subject                JSON {@code subject}
     * @param type                   JSON {@code type}
     * @param tokenRequired          JSON {@code token_req}: importers need an activation token
     * @param revocations            JSON {@code revocations}: activation subject to Unix time
     * @param responseType           JSON {@code response_type}: "Singleton", "Stream", "Chunked" or ""
     * @param responseThresholdNanos JSON {@code response_threshold}, a Go duration
     * @param latency                JSON {@code service_latency}, or null
     * @param accountTokenPosition   JSON {@code account_token_position}: 1-based token holding the importer
     * @param advertise              JSON {@code advertise}
     * @param allowTrace             JSON {@code allow_trace}
     * @param description            JSON {@code description}
     * @param infoUrl                JSON {@code info_url}
     */
    public record Export(String name, String subject, ExportType type, boolean tokenRequired,
                         Map<String, Long> revocations, String responseType, long responseThresholdNanos,
                         ServiceLatency latency, long accountTokenPosition, boolean advertise, boolean allowTrace,
                         String description, String infoUrl) {
        public Export {
            name = name == null ? "" : name;
            subject = subject == null ? "" : subject;
            type = type == null ? ExportType.UNKNOWN : type;
            revocations = revocations == null ? Map.of() : Map.copyOf(revocations);
            responseType = responseType == null ? "" : responseType;
            description = description == null ? "" : description;
            infoUrl = infoUrl == null ? "" : infoUrl;
        }

        public static Export of(String subject, ExportType type) {
            return new Export("", subject, type, false, Map.of(), "", 0, null, 0, false, false, "", "");
        }
    }

    /**
     * Latency tracking of a service export.
     *
     * @param sampling percentage 1..100, or 0 for "headers" (sample when the request asks)
     * @param results  subject the measurements go to
     */
    public record ServiceLatency(int sampling, String results) {
        public ServiceLatency {
            results = results == null ? "" : results;
        }
    }

    /**
     * A subject space taken from another account.
     *
     * @param name         JSON {@code name}
     * @param subject      JSON {@code subject}: the exporter's subject
     * @param account      JSON {@code account}: the exporting account
     * @param token        JSON {@code token}: activation JWT, when the export requires one
     * @param to           JSON {@code to}: deprecated rename target
     * @param localSubject JSON {@code local_subject}: the subject inside this account
     * @param type         JSON {@code type}
     * @param share        JSON {@code share}
     * @param allowTrace   JSON {@code allow_trace}
     */
    public record Import(String name, String subject, String account, String token, String to, String localSubject,
                         ExportType type, boolean share, boolean allowTrace) {
        public Import {
            name = name == null ? "" : name;
            subject = subject == null ? "" : subject;
            account = account == null ? "" : account;
            token = token == null ? "" : token;
            to = to == null ? "" : to;
            localSubject = localSubject == null ? "" : localSubject;
            type = type == null ? ExportType.UNKNOWN : type;
        }

        public static Import of(String subject, String account, ExportType type) {
            return new Import("", subject, account, "", "", "", type, false, false);
        }
    }

    /**
     * One destination of a subject mapping.
     *
     * @param subject JSON {@code subject}
     * @param weight  JSON {@code weight}: percent 0..255 as written, 0 meaning 100 (see {@link #effectiveWeight})
     * @param cluster JSON {@code cluster}
     */
    public record WeightedMapping(String subject, int weight, String cluster) {
        public WeightedMapping {
            subject = subject == null ? "" : subject;
            cluster = cluster == null ? "" : cluster;
        }

        public int effectiveWeight() {
            return weight == 0 ? 100 : weight;
        }
    }

    /**
     * External authorization (auth callout).
     *
     * @param authUsers       JSON {@code auth_users}: users that bypass the callout (the service itself)
     * @param allowedAccounts JSON {@code allowed_accounts}: accounts the service may place users in, or "*"
     * @param xkey            JSON {@code xkey}: curve key to encrypt requests with, or ""
     */
    public record ExternalAuthorization(List<String> authUsers, List<String> allowedAccounts, String xkey) {
        public static final ExternalAuthorization NONE = new ExternalAuthorization(List.of(), List.of(), "");

        public ExternalAuthorization {
            authUsers = authUsers == null ? List.of() : List.copyOf(authUsers);
            allowedAccounts = allowedAccounts == null ? List.of() : List.copyOf(allowedAccounts);
            xkey = xkey == null ? "" : xkey;
        }

        public boolean isEnabled() {
            return !authUsers.isEmpty();
        }
    }

    /**
     * Message tracing.
     *
     * @param destination JSON {@code dest}
     * @param sampling    JSON {@code sampling}: percent, 0 meaning 100
     */
    public record MsgTrace(String destination, int sampling) {
        public MsgTrace {
            destination = destination == null ? "" : destination;
        }
    }
}
