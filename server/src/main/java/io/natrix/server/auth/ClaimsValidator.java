package io.natrix.server.auth;

import io.natrix.server.auth.AccountClaims.Export;
import io.natrix.server.auth.AccountClaims.Import;
import io.natrix.server.auth.AccountClaims.SigningKey;
import io.natrix.server.auth.AccountClaims.WeightedMapping;
import io.natrix.server.auth.UserPermissionLimits.TimeRange;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The content rules a token must pass beyond its signature, the blocking checks nats-io/jwt's {@code Validate} makes
 * and nats-server enforces before it uses a token (time checks live in {@link JwtDecoder}):
 * <ul>
 *   <li>user: permission subjects well formed (a queue only in subscribe entries), {@code src} CIDRs parse,
 *       {@code times} are "HH:MM:SS", {@code times_location} is a known zone, {@code issuer_account} is an account
 *       key;</li>
 *   <li>operator: signing keys are operator keys, the system account an account key, the asserted server version
 *       "major.minor.patch", the account server URL has a scheme, service URLs are nats/tls/ws/wss;</li>
 *   <li>account: signing keys (scoped or not) are account keys, exports and imports have a type and a well formed
 *       subject, imports name an account, service-only export options appear on services only, an account token
 *       position points at a '*', mapping weights add up to at most 100 per cluster, a tier has a name, auth
 *       callout users and accounts are keys of their type, cluster traffic is "", "system" or "owner";</li>
 *   <li>activation: a type and a well formed subject, {@code issuer_account} an account key;</li>
 *   <li>authorization request: {@code user_nkey} a user key; response: subject a user key, audience a server key,
 *       exactly one of jwt and error.</li>
 * </ul>
 * Not checked here: the overlap and activation-token rules between an account's exports and imports, which need the
 * other accounts and are checked where imports are resolved; a scope's template, which nats-server checks only when
 * it expands it for a user ({@link TrustChain#expandTemplate}).
 *
 * <p>Stateless and thread-safe.
 */
final class ClaimsValidator {
    /** Longest {@code description} or {@code info_url}, as nats-io/jwt bounds them. */
    static final int INFO_LENGTH_MAX = 8 * 1024;

    private static final Set<String> SERVICE_URL_SCHEMES = Set.of("nats", "tls", "ws", "wss");
    private static final Set<String> ZONES = Set.copyOf(ZoneId.getAvailableZoneIds());

    private ClaimsValidator() {
    }

    /** @throws JwtException with {@code INVALID_CLAIMS} naming the first broken rule */
    static void validate(JwtClaims claims) {
        switch (claims) {
            case UserClaims user -> {
                userPermissionLimits(user.limits(), "nats");
                if (!user.issuerAccount().isEmpty()) {
                    key(user.issuerAccount(), NKeyType.ACCOUNT, "nats.issuer_account");
                }
            }
            case OperatorClaims operator -> operator(operator);
            case AccountClaims account -> account(account);
            case ActivationClaims activation -> {
                if (activation.importType() == ExportType.UNKNOWN) {
                    throw invalid("nats.kind: an activation is for a stream or a service");
                }
                subject(activation.importSubject(), "nats.subject");
                if (!activation.issuerAccount().isEmpty()) {
                    key(activation.issuerAccount(), NKeyType.ACCOUNT, "nats.issuer_account");
                }
            }
            case AuthorizationRequestClaims request -> key(request.userNkey(), NKeyType.USER, "nats.user_nkey");
            case AuthorizationResponseClaims response -> {
                key(response.data().subject(), NKeyType.USER, "sub");
                key(response.data().audience(), NKeyType.SERVER, "aud");
                if (response.jwt().isEmpty() == response.error().isEmpty()) {
                    throw invalid("nats: an authorization response carries either a jwt or an error");
                }
                if (!response.issuerAccount().isEmpty()) {
                    key(response.issuerAccount(), NKeyType.ACCOUNT, "nats.issuer_account");
                }
            }
        }
    }

    static void userPermissionLimits(UserPermissionLimits limits, String path) {
        JwtPermissions permissions = limits.permissions();
        permissionSubjects(permissions.pub().allow(), false, path + ".pub.allow");
        permissionSubjects(permissions.pub().deny(), false, path + ".pub.deny");
        permissionSubjects(permissions.sub().allow(), true, path + ".sub.allow");
        permissionSubjects(permissions.sub().deny(), true, path + ".sub.deny");
        for (String cidr : limits.src()) {
            if (Cidr.parse(cidr) == null) {
                throw invalid(path + ".src: not a CIDR: " + clip(cidr));
            }
        }
        for (TimeRange range : limits.times()) {
            if (!isClockTime(range.start()) || !isClockTime(range.end())) {
                throw invalid(path + ".times: a time range is \"HH:MM:SS\" to \"HH:MM:SS\"");
            }
        }
        if (!limits.locale().isEmpty() && !isZone(limits.locale())) {
            throw invalid(path + ".times_location: unknown time zone " + clip(limits.locale()));
        }
    }

    private static void operator(OperatorClaims operator) {
        for (String key : operator.signingKeys()) {
            key(key, NKeyType.OPERATOR, "nats.signing_keys");
        }
        if (!operator.systemAccount().isEmpty()) {
            key(operator.systemAccount(), NKeyType.ACCOUNT, "nats.system_account");
        }
        if (!operator.assertServerVersion().isEmpty() && !isVersion(operator.assertServerVersion())) {
            throw invalid("nats.assert_server_version: expected major.minor.patch");
        }
        if (!operator.accountServerUrl().isEmpty() && scheme(operator.accountServerUrl()).isEmpty()) {
            throw invalid("nats.account_server_url: the URL needs a scheme");
        }
        for (String url : operator.operatorServiceUrls()) {
            if (!url.isEmpty() && !SERVICE_URL_SCHEMES.contains(scheme(url).toLowerCase(Locale.ROOT))) {
                throw invalid("nats.operator_service_urls: only nats, tls, ws and wss URLs");
            }
        }
    }

    private static void account(AccountClaims account) {
        for (Map.Entry<String, SigningKey> entry : account.signingKeys().entrySet()) {
            // A scope's template is not checked here but when a user is expanded from it, as nats-server does.
            key(entry.getKey(), NKeyType.ACCOUNT, "nats.signing_keys");
        }
        for (Export export : account.exports()) {
            export(export);
        }
        for (Import anImport : account.imports()) {
            if (anImport.type() == ExportType.UNKNOWN) {
                throw invalid("nats.imports: an import is a stream or a service");
            }
            if (anImport.account().isEmpty()) {
                throw invalid("nats.imports.account: the account to import from is missing");
            }
            if (anImport.type() == ExportType.SERVICE && anImport.allowTrace()) {
                throw invalid("nats.imports.allow_trace: only for stream imports");
            }
            if (anImport.share() && anImport.type() != ExportType.SERVICE) {
                throw invalid("nats.imports.share: only for service imports");
            }
            if (!anImport.localSubject().isEmpty() && !anImport.to().isEmpty()) {
                throw invalid("nats.imports: local_subject replaces to; not both");
            }
            subject(anImport.subject(), "nats.imports.subject");
        }
        for (Map.Entry<String, List<WeightedMapping>> mapping : account.mappings().entrySet()) {
            subject(mapping.getKey(), "nats.mappings");
            Map<String, Integer> perCluster = new HashMap<>();
            int total = 0;
            for (WeightedMapping destination : mapping.getValue()) {
                subject(destination.subject(), "nats.mappings.subject");
                if (destination.effectiveWeight() > 100) {
                    throw invalid("nats.mappings: a weight above 100");
                }
                if (destination.cluster().isEmpty()) {
                    total += destination.effectiveWeight();
                } else if (perCluster.merge(destination.cluster(), destination.effectiveWeight(), Integer::sum) > 100) {
                    throw invalid("nats.mappings: weights in one cluster add up to more than 100");
                }
            }
            if (total > 100) {
                throw invalid("nats.mappings: weights add up to more than 100");
            }
        }
        AccountLimits limits = account.limits();
        if (!limits.tiered().isEmpty() && limits.tiered().containsKey("")) {
            throw invalid("nats.limits.tiered_limits: a tier needs a name");
        }
        for (String user : account.authorization().authUsers()) {
            key(user, NKeyType.USER, "nats.authorization.auth_users");
        }
        List<String> allowed = account.authorization().allowedAccounts();
        if (!allowed.isEmpty() && account.authorization().authUsers().isEmpty()) {
            throw invalid("nats.authorization: allowed accounts without auth users");
        }
        for (String allowedAccount : allowed) {
            if (allowedAccount.equals("*")) {
                if (allowed.size() > 1) {
                    throw invalid("nats.authorization.allowed_accounts: \"*\" or a list of accounts, not both");
                }
            } else {
                key(allowedAccount, NKeyType.ACCOUNT, "nats.authorization.allowed_accounts");
            }
        }
        if (!account.authorization().xkey().isEmpty()) {
            key(account.authorization().xkey(), NKeyType.CURVE, "nats.authorization.xkey");
        }
        String traffic = account.clusterTraffic();
        if (!traffic.isEmpty() && !traffic.equals("system") && !traffic.equals("owner")) {
            throw invalid("nats.cluster_traffic: \"system\" or \"owner\"");
        }
        info(account.description(), account.infoUrl(), "nats");
    }

    private static void export(Export export) {
        boolean service = export.type() == ExportType.SERVICE;
        if (export.type() == ExportType.UNKNOWN) {
            throw invalid("nats.exports: an export is a stream or a service");
        }
        String responseType = export.responseType();
        if (service && !responseType.isEmpty() && !responseType.equals("Singleton") && !responseType.equals("Stream")
                && !responseType.equals("Chunked")) {
            throw invalid("nats.exports.response_type: Singleton, Stream or Chunked");
        }
        if (!service && (!responseType.isEmpty() || export.allowTrace() || export.latency() != null
                || export.responseThresholdNanos() > 0)) {
            throw invalid("nats.exports: response type, tracing, latency and threshold are for services");
        }
        if (export.latency() != null) {
            int sampling = export.latency().sampling();
            if (sampling != 0 && (sampling < 1 || sampling > 100)) {
                throw invalid("nats.exports.service_latency.sampling: 1..100 or \"headers\"");
            }
            subject(export.latency().results(), "nats.exports.service_latency.results");
            if (hasJwtWildcards(export.latency().results())) {
                throw invalid("nats.exports.service_latency.results: no wildcards");
            }
        }
        if (export.responseThresholdNanos() < 0) {
            throw invalid("nats.exports.response_threshold: negative");
        }
        subject(export.subject(), "nats.exports.subject");
        long position = export.accountTokenPosition();
        if (position > 0) {
            String[] tokens = export.subject().split("\\.", -1);
            if (!hasJwtWildcards(export.subject()) || position > tokens.length
                    || !tokens[(int) position - 1].equals("*")) {
                throw invalid("nats.exports.account_token_position: must point at a * token of the subject");
            }
        }
        info(export.description(), export.infoUrl(), "nats.exports");
    }

    /** nats-io/jwt's wildcard test for export subjects. */
    private static boolean hasJwtWildcards(String subject) {
        return subject.endsWith(".>") || subject.contains(".*.") || subject.endsWith(".*") || subject.startsWith("*.")
                || subject.equals("*") || subject.equals(">");
    }

    /** nats-io/jwt's subject rule (looser than the protocol's): non-empty, no spaces, no empty tokens. */
    static boolean isJwtSubject(String subject) {
        return !subject.isEmpty() && subject.indexOf(' ') < 0 && subject.charAt(0) != '.'
                && subject.charAt(subject.length() - 1) != '.' && !subject.contains("..");
    }

    private static void subject(String subject, String path) {
        if (!isJwtSubject(subject)) {
            throw invalid(path + ": not a valid subject: " + clip(subject));
        }
    }

    /** A permission entry is a subject, or (subscribe only) a subject, one space and a queue name. */
    private static void permissionSubjects(List<String> entries, boolean queueAllowed, String path) {
        for (String entry : entries) {
            int space = entry.indexOf(' ');
            if (space < 0) {
                subject(entry, path);
                continue;
            }
            if (entry.indexOf(' ', space + 1) >= 0) {
                throw invalid(path + ": too many spaces in " + clip(entry));
            }
            if (!queueAllowed) {
                throw invalid(path + ": a publish permission has no queue: " + clip(entry));
            }
            subject(entry.substring(0, space), path);
            subject(entry.substring(space + 1), path);
        }
    }

    private static void key(String key, NKeyType type, String path) {
        if (!NKeys.isValidPublicKey(key, type)) {
            throw invalid(path + ": not " + NKeys.describe(type) + " public key: " + clip(key));
        }
    }

    private static void info(String description, String infoUrl, String path) {
        if (description.length() > INFO_LENGTH_MAX) {
            throw invalid(path + ".description: too long");
        }
        if (infoUrl.length() > INFO_LENGTH_MAX) {
            throw invalid(path + ".info_url: too long");
        }
    }

    /** Go's "15:04:05": hour of one or two digits (0..23), minute and second of two (0..59). */
    static boolean isClockTime(String text) {
        int firstColon = text.indexOf(':');
        if (firstColon < 1 || firstColon > 2 || text.length() != firstColon + 6 || text.charAt(firstColon + 3) != ':') {
            return false;
        }
        int hour = digits(text, 0, firstColon);
        int minute = digits(text, firstColon + 1, firstColon + 3);
        int second = digits(text, firstColon + 4, firstColon + 6);
        return hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59;
    }

    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** A zone Go's {@code time.LoadLocation} would load: "UTC", "Local" or an IANA region name. */
    static boolean isZone(String name) {
        return name.equals("UTC") || name.equals("Local") || ZONES.contains(name);
    }

    private static boolean isVersion(String version) {
        String[] parts = version.split("\\.", -1);
        if (parts.length != 3) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 9 || digits(part, 0, part.length()) < 0) {
                return false;
            }
        }
        return true;
    }

    /** The scheme of a URL ("" when there is none), as Go's url.Parse finds it. */
    private static String scheme(String url) {
        int colon = url.indexOf(':');
        if (colon <= 0) {
            return "";
        }
        for (int i = 0; i < colon; i++) {
            char c = url.charAt(i);
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            if (!letter && (i == 0 || !((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))) {
                return "";
            }
        }
        return url.substring(0, colon);
    }

    private static String clip(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }

    private static JwtException invalid(String message) {
        return new JwtException(JwtException.Reason.INVALID_CLAIMS, message);
    }
}
