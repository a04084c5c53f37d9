package io.natrix.server.auth;

import io.natrix.server.auth.AccountClaims.SigningKey;
import io.natrix.server.auth.UserPermissionLimits.TimeRange;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Operator-mode authentication of a CONNECT: the client presents a user JWT ({@code jwt}) and signs the INFO nonce
 * with the user's key ({@code sig}); the server finds the user's account JWT in the {@link AccountResolver} and
 * checks the chain up to a trusted operator. nats-server's {@code processClientOrLeafAuthentication}, in its order:
 * <ol>
 *   <li>a user JWT is present and decodes, is a user JWT, and is within its {@code nbf}/{@code exp};</li>
 *   <li>{@code proxy_required} users come through a trusted proxy;</li>
 *   <li>the account ({@code issuer_account}, else the issuer) is pinned, when {@code resolver_pinned_accounts} is
 *       set;</li>
 *   <li>the resolver has the account, and a trusted operator key issued it;</li>
 *   <li>the user's issuer is the account or one of its signing keys; under a scoped key the user carries no
 *       permissions or limits and gets the scope's template ({@link TrustChain#expandTemplate});</li>
 *   <li>the account has not expired; a bearer token is allowed by the account ({@code disallow_bearer});</li>
 *   <li>the connection type is among {@code allowed_connection_types} (unknown names are ignored, but a list of
 *       nothing but unknown names refuses everyone);</li>
 *   <li>unless the (effective) user is a bearer token, {@code sig} is the user key's Ed25519 signature of the nonce
 *       (URL-safe base64, or standard base64);</li>
 *   <li>the user is not revoked (by key or by "*", issued at or before the revocation time);</li>
 *   <li>the client address is in one of the {@code src} CIDRs, when there are any;</li>
 *   <li>now lies in one of the daily {@code times} ranges, when there are any, in {@code times_location} (else the
 *       server's zone).</li>
 * </ol>
 *
 * <p>Permissions follow nats-server's {@code buildPermissionsFromJwt}: publish and subscribe lists apply when they
 * hold any entry; a {@code resp} grant takes the defaults for zero values (1 reply, 2 minutes) and, with no publish
 * allow list, leaves the user allowed to publish nothing but replies. A user with no permissions at all (no lists,
 * no resp) gets the account's {@code default_permissions}, or none.
 *
 * <p>Failures carry a {@link Failure} and a detail for the log; the client is only ever told "Authorization
 * Violation". The detail never contains a token.
 *
 * <p>Immutable and thread-safe: one per configuration; connections call {@link #authenticate} from their event
 * loops. Each call verifies one Ed25519 signature for the user JWT and one for the nonce; account JWTs were verified
 * when the resolver stored them.
 */
public final class JwtAuthenticator {
    /** nats-server's connection type of a plain NATS client. */
    public static final String STANDARD = "STANDARD";

    /** Why a client was refused, with nats-server's debug message for it. */
    public enum Failure {
        NO_JWT("Authentication requires a user JWT"),
        INVALID_USER_JWT("User JWT not valid"),
        USER_EXPIRED("User JWT no longer valid"),
        PROXY_REQUIRED("proxy connection required"),
        ACCOUNT_NOT_PINNED("Account not listed as operator pinned account"),
        ACCOUNT_NOT_FOUND("Account JWT lookup error: account missing"),
        ACCOUNT_UNTRUSTED("Account JWT not signed by trusted operator"),
        ISSUER_NOT_KNOWN("User JWT issuer is not known"),
        SCOPE_VIOLATION("User JWT is not valid"),
        ACCOUNT_EXPIRED("Account JWT has expired"),
        BEARER_NOT_ALLOWED("Account does not allow bearer tokens"),
        CONNECTION_TYPE("Connection type not allowed"),
        SIGNATURE_MISSING("Signature missing"),
        SIGNATURE_INVALID("Signature not verified"),
        REVOKED("User authentication revoked"),
        SOURCE_ADDRESS("Bad src Ip"),
        OUTSIDE_TIMES("Outside connect times"),
        /** The effective permissions could not be compiled (our own check; the claims validator normally stops it). */
        INVALID_PERMISSIONS("User JWT generated invalid permissions"),
        /** {@link #recheck}: the signing key that issued the user was removed or its scope changed. */
        SIGNING_KEY_CHANGED("User JWT signing key removed or its scope changed");

        private final String text;

        Failure(String text) {
            this.text = text;
        }

        /** nats-server's debug text for this failure. */
        public String text() {
            return text;
        }
    }

    /**
     * The connection being authenticated.
     *
     * @param address        the client's address; null when unknown, which fails users with {@code src}
     * @param connectionType STANDARD, WEBSOCKET, MQTT, MQTT_WS, LEAFNODE, LEAFNODE_WS or IN_PROCESS
     * @param trustedProxy   whether the connection came through a trusted proxy
     */
    public record Peer(InetAddress address, String connectionType, boolean trustedProxy) {
        public Peer {
            connectionType = connectionType == null ? STANDARD : connectionType.toUpperCase(Locale.ROOT);
        }

        /** A plain NATS client from {@code address}, not through a proxy. */
        public static Peer standard(InetAddress address) {
            return new Peer(address, STANDARD, false);
        }
    }

    /**
     * The outcome: an identity, or a failure with a detail for the log.
     *
     * @param identity the authenticated identity, or null
     * @param failure  why not, or null
     * @param detail   more about the failure (never a token), or ""
     */
    public record Result(JwtIdentity identity, Failure failure, String detail) {
        public Result {
            detail = detail == null ? "" : detail;
            if ((identity == null) == (failure == null)) {
                throw new IllegalArgumentException("exactly one of identity and failure");
            }
        }

        static Result ok(JwtIdentity identity) {
            return new Result(identity, null, "");
        }

        static Result refused(Failure failure, String detail) {
            return new Result(null, failure, detail);
        }

        public boolean ok() {
            return identity != null;
        }

        public Optional<JwtIdentity> asOptional() {
            return Optional.ofNullable(identity);
        }

        /** The failure as nats-server would log it, e.g. "User JWT not valid: the token expired"; "" when ok. */
        public String logMessage() {
            if (failure == null) {
                return "";
            }
            return detail.isEmpty() ? failure.text() : failure.text() + ": " + detail;
        }
    }

    private final TrustedOperators trust;
    private final AccountResolver resolver;
    private final Set<String> pinnedAccounts;
    private final ZoneId serverZone;

    /**
     * @param trust          the trusted operators
     * @param resolver       where account JWTs are found
     * @param pinnedAccounts the only accounts whose users may connect; empty for all
     * @param serverZone     the zone of {@code times} ranges in user JWTs without {@code times_location}
     */
    public JwtAuthenticator(TrustedOperators trust, AccountResolver resolver, Set<String> pinnedAccounts,
                            ZoneId serverZone) {
        this.trust = Objects.requireNonNull(trust, "trust");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.pinnedAccounts = Set.copyOf(pinnedAccounts);
        this.serverZone = Objects.requireNonNull(serverZone, "serverZone");
    }

    /** An authenticator for {@code config} over {@code resolver}, with {@code times} in the system zone. */
    public static JwtAuthenticator of(OperatorConfig config, AccountResolver resolver) {
        return new JwtAuthenticator(config.trust(), resolver, config.pinnedAccounts(), ZoneId.systemDefault());
    }

    public TrustedOperators trust() {
        return trust;
    }

    public AccountResolver resolver() {
        return resolver;
    }

    /** Always: in operator mode every client authenticates. */
    public boolean required() {
        return true;
    }

    /** Always: INFO carries a nonce for the user to sign. */
    public boolean usesNonce() {
        return true;
    }

    /** {@link #authenticate(ConfigAuthenticator.Credentials, Peer, Instant)} for a STANDARD client. */
    public Optional<JwtIdentity> authenticate(ConfigAuthenticator.Credentials c, InetAddress remote, Instant now) {
        return authenticate(c, Peer.standard(remote), now).asOptional();
    }

    /** Authenticates one CONNECT (see the class documentation for the checks and their order). */
    public Result authenticate(ConfigAuthenticator.Credentials c, Peer peer, Instant now) {
        if (c.jwt() == null || c.jwt().isEmpty()) {
            return Result.refused(Failure.NO_JWT, "");
        }
        UserClaims user;
        try {
            user = JwtDecoder.decodeUser(c.jwt(), Clock.fixed(now, ZoneOffset.UTC));
        } catch (JwtException e) {
            boolean time = e.reason() == JwtException.Reason.EXPIRED
                    || e.reason() == JwtException.Reason.NOT_YET_VALID;
            return Result.refused(time ? Failure.USER_EXPIRED : Failure.INVALID_USER_JWT, e.getMessage());
        }
        if (user.limits().proxyRequired() && !peer.trustedProxy()) {
            return Result.refused(Failure.PROXY_REQUIRED, "");
        }
        String accountKey = user.account();
        if (!pinnedAccounts.isEmpty() && !pinnedAccounts.contains(accountKey)) {
            return Result.refused(Failure.ACCOUNT_NOT_PINNED, accountKey);
        }
        AccountClaims account = resolver.claims(accountKey).orElse(null);
        if (account == null) {
            return Result.refused(Failure.ACCOUNT_NOT_FOUND, accountKey);
        }
        if (!account.data().subject().equals(accountKey) || !trust.trusts(account.data().issuer())) {
            return Result.refused(Failure.ACCOUNT_UNTRUSTED, accountKey);
        }
        UserPermissionLimits limits;
        try {
            limits = TrustChain.authorizeUser(user, account, now, false);
        } catch (JwtException e) {
            Failure failure = switch (e.reason()) {
                case SCOPE_VIOLATION -> Failure.SCOPE_VIOLATION;
                case EXPIRED -> Failure.ACCOUNT_EXPIRED;
                case BEARER_NOT_ALLOWED -> Failure.BEARER_NOT_ALLOWED;
                default -> Failure.ISSUER_NOT_KNOWN;
            };
            return Result.refused(failure, e.getMessage());
        }
        if (!connectionTypeAllowed(limits.allowedConnectionTypes(), peer.connectionType())) {
            return Result.refused(Failure.CONNECTION_TYPE, peer.connectionType());
        }
        if (!limits.bearerToken()) {
            if (c.signature() == null || c.signature().isEmpty()) {
                return Result.refused(Failure.SIGNATURE_MISSING, "");
            }
            if (c.nonce() == null || c.nonce().isEmpty()) {
                return Result.refused(Failure.SIGNATURE_INVALID, "no nonce was sent to sign");
            }
            boolean verified;
            try {
                verified = NKeys.verifyNonce(user.data().subject(), c.nonce(), c.signature());
            } catch (NKeyException e) {
                verified = false;
            }
            if (!verified) {
                return Result.refused(Failure.SIGNATURE_INVALID, "");
            }
        }
        if (account.isRevoked(user.data().subject(), user.data().issuedAtSeconds())) {
            return Result.refused(Failure.REVOKED, "");
        }
        if (!sourceAllowed(limits.src(), peer.address())) {
            return Result.refused(Failure.SOURCE_ADDRESS,
                    peer.address() == null ? "unknown" : peer.address().getHostAddress());
        }
        Duration validFor = timesValidFor(limits.times(), limits.locale(), serverZone, now);
        if (validFor == null) {
            return Result.refused(Failure.OUTSIDE_TIMES, "");
        }
        boolean accountDefaults = limits.permissions().isEmpty();
        PermissionsPolicy permissions;
        try {
            permissions = policy(accountDefaults ? account.defaultPermissions() : limits.permissions());
        } catch (IllegalArgumentException e) {
            return Result.refused(Failure.INVALID_PERMISSIONS, e.getMessage());
        }
        Instant expires = user.data().expiresAtSeconds() > 0 ? Instant.ofEpochSecond(user.data().expiresAtSeconds())
                : null;
        if (!validFor.isZero()) {
            Instant windowEnd = now.plus(validFor);
            if (expires == null || windowEnd.isBefore(expires)) {
                expires = windowEnd;
            }
        }
        return Result.ok(new JwtIdentity(user.data().subject(), user.data().name(), accountKey, account, user,
                permissions, expires, limits, accountDefaults));
    }

    /**
     * Applies an account update to a live connection, as nats-server does when account claims change: the
     * connection is refused ({@code REVOKED}, {@code BEARER_NOT_ALLOWED}, {@code ACCOUNT_EXPIRED}, or
     * {@code SIGNING_KEY_CHANGED} when the key that issued the user was removed or its scope changed), or it goes on
     * with the new account claims, and with the new default permissions when it was using them. Limits (subs,
     * connections, ...) are the caller's to re-apply.
     *
     * @param identity the connection's identity
     * @param updated  the account's new claims (same account)
     */
    public Result recheck(JwtIdentity identity, AccountClaims updated, Instant now) {
        if (!updated.data().subject().equals(identity.accountKey())) {
            throw new IllegalArgumentException("an update of another account");
        }
        String signingKey = identity.signingKey();
        if (signingKey != null) {
            SigningKey before = identity.account().signingKeys().get(signingKey);
            SigningKey after = updated.signingKeys().get(signingKey);
            if (after == null || !Objects.equals(before, after)) {
                return Result.refused(Failure.SIGNING_KEY_CHANGED, signingKey);
            }
        }
        if (identity.bearer() && updated.limits().disallowBearer()) {
            return Result.refused(Failure.BEARER_NOT_ALLOWED, "");
        }
        if (updated.isRevoked(identity.userKey(), identity.user().data().issuedAtSeconds())) {
            return Result.refused(Failure.REVOKED, "");
        }
        if (updated.isExpired(now)) {
            return Result.refused(Failure.ACCOUNT_EXPIRED, "");
        }
        PermissionsPolicy permissions = identity.permissions();
        if (identity.accountDefaults()) {
            try {
                permissions = policy(updated.defaultPermissions());
            } catch (IllegalArgumentException e) {
                return Result.refused(Failure.INVALID_PERMISSIONS, e.getMessage());
            }
        }
        return Result.ok(new JwtIdentity(identity.userKey(), identity.userName(), identity.accountKey(), updated,
                identity.user(), permissions, identity.expires(), identity.limits(), identity.accountDefaults()));
    }

    /**
     * Checks an account JWT sent to {@code $SYS.REQ.CLAIMS.UPDATE}: a decodable account JWT (expired ones too, as
     * nats-server stores them) issued by a trusted operator key, not by an operator's own key when the operator
     * demands signing keys. Storing it is the resolver's business ({@link AccountResolver#store}).
     *
     * <p>The exception message is the {@code error.description} of nats-server's reply ({@code "<message> -
     * <error>"}); nats-server's texts on this path:
     * <pre>
     *   jwt updated                                                  success (data.message, code 200)
     *   jwt update skipped                                           MEMORY resolver: account not held
     *   jwt update error - request body is empty
     *   jwt update resulted in error - &lt;decode error&gt;
     *   jwt validation failed - &lt;validation errors&gt;
     *   jwt update resulted in error - subject does not match jwt content       ($SYS.REQ.ACCOUNT.&lt;key&gt;.CLAIMS.UPDATE)
     *   jwt update resulted in error - operator requires issuer to be a signing key
     *   jwt update resulted in error - jwt store is full                        full resolver at its limit
     *   jwt update resulted in error - account validation failed                untrusted issuer (ours, see below)
     * </pre>
     * The replies are JSON {@code {"server":{...},"data":{"account":A,"code":200,"message":M}}} or
     * {@code {"server":{...},"error":{"account":A,"code":500,"description":D}}}, A being "n/a" when the JWT did not
     * decode. nats-server stores an update from an untrusted issuer and fails only when the account is next loaded;
     * we refuse it up front.
     *
     * @throws JwtException with the reply description as message
     */
    public AccountClaims validateAccountUpdate(String jwt) {
        return trust.verifyAccountUpdate(jwt);
    }

    /**
     * Compiles JWT permissions as nats-server's {@code buildPermissionsFromJwt} and
     * {@code validateResponsePermissions} do; no permissions compile to {@link PermissionsPolicy#UNRESTRICTED}.
     *
     * @throws IllegalArgumentException when an entry is not a valid subject or a list is too long
     */
    public static PermissionsPolicy policy(JwtPermissions p) {
        SubjectPermission publish = p.pub().isEmpty() ? null
                : SubjectPermission.forPublish(p.pub().allow(), p.pub().deny());
        SubjectPermission subscribe = p.sub().isEmpty() ? null
                : SubjectPermission.forSubscribe(p.sub().allow(), p.sub().deny());
        PermissionsPolicy.Responses responses = null;
        if (p.resp() != null) {
            long max = p.resp().maxMsgs();
            int maxMessages = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, max));
            responses = new PermissionsPolicy.Responses(maxMessages, Duration.ofNanos(p.resp().ttlNanos()));
        }
        return PermissionsPolicy.of(publish, subscribe, responses);
    }

    /** nats-server's {@code convertAllowedConnectionTypes} and {@code connectionTypeAllowed}. */
    static boolean connectionTypeAllowed(List<String> allowed, String type) {
        if (allowed.isEmpty()) {
            return true;
        }
        Set<String> known = new LinkedHashSet<>();
        for (String t : allowed) {
            String upper = t.toUpperCase(Locale.ROOT);
            if (UserConfigReader.CONNECTION_TYPES.contains(upper)) {
                known.add(upper);
            }
        }
        // Only unknown types: the user was meant for a kind of connection this server does not know; refuse.
        return !known.isEmpty() && known.contains(type);
    }

    /** nats-server's {@code validateSrc}: no CIDRs allow anyone; otherwise the address must be in one. */
    static boolean sourceAllowed(List<String> src, InetAddress address) {
        if (src.isEmpty()) {
            return true;
        }
        if (address == null) {
            return false;
        }
        for (String text : src) {
            Cidr cidr = Cidr.parse(text);
            if (cidr == null) {
                return false; // the claims validator refuses these; never reached
            }
            if (cidr.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * nats-server's {@code validateTimes}: how much longer the current daily window lasts, {@link Duration#ZERO}
     * when the user has no windows, or null when now is in none of them. A window is open strictly between its start
     * and end on today's date; a start after the end crosses midnight. Of several open windows the longest-lasting
     * counts.
     */
    static Duration timesValidFor(List<TimeRange> times, String locale, ZoneId serverZone, Instant now) {
        if (times.isEmpty()) {
            return Duration.ZERO;
        }
        ZoneId zone;
        try {
            zone = locale.isEmpty() || locale.equals("Local") ? serverZone : ZoneId.of(locale);
        } catch (RuntimeException e) {
            return null; // the claims validator refuses unknown zones; never reached
        }
        ZonedDateTime current = now.atZone(zone);
        LocalDate today = current.toLocalDate();
        Duration best = null;
        for (TimeRange range : times) {
            LocalTime startTime = clockTime(range.start());
            LocalTime endTime = clockTime(range.end());
            if (startTime == null || endTime == null) {
                return null;
            }
            ZonedDateTime start = today.atTime(startTime).atZone(zone);
            ZonedDateTime end = today.atTime(endTime).atZone(zone);
            Duration left = null;
            if (start.isBefore(current) && end.isAfter(current)) {
                left = Duration.between(current, end);
            } else if (start.isAfter(end)) {
                if (end.isAfter(current)) {
                    left = Duration.between(current, end);
                } else {
                    ZonedDateTime tomorrowEnd = end.plusDays(1);
                    if (start.isBefore(current) && tomorrowEnd.isAfter(current)) {
                        left = Duration.between(current, tomorrowEnd);
                    }
                }
            }
            if (left != null && (best == null || left.compareTo(best) > 0)) {
                best = left;
            }
        }
        return best;
    }

    private static LocalTime clockTime(String text) {
        if (!ClaimsValidator.isClockTime(text)) {
            return null;
        }
        String[] parts = text.split(":");
        return LocalTime.of(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
    }

    @Override
    public String toString() {
        return "JwtAuthenticator{" + trust + ", resolver=" + resolver + "}";
    }
}
