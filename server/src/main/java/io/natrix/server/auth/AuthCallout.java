package io.natrix.server.auth;

import io.natrix.server.auth.AuthorizationRequestClaims.ClientInformation;
import io.natrix.server.auth.AuthorizationRequestClaims.ClientTls;
import io.natrix.server.auth.AuthorizationRequestClaims.ConnectOptions;
import io.natrix.server.auth.AuthorizationRequestClaims.ServerId;
import io.natrix.server.config.ConfigException;
import io.natrix.server.config.ConfigParser;
import io.natrix.server.config.ServerOptions;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Authorization callout (NATS ADR-26, nats-server's {@code server/auth_callout.go}): the server hands the decision
 * about a connecting client to a service, by request and reply on {@code $SYS.REQ.USER.AUTH}. This class holds the
 * settings and does the self-contained parts: it builds the signed (optionally sealed) request and checks the reply
 * as nats-server does. Pausing the connection, subscribing to the reply inbox, publishing and the auth timeout are the
 * server's.
 *
 * <h2>Flow</h2>
 * <pre>
 *   client              server (key N, xkey X_server)                  callout service (a user of auth_users in the
 *     │                   │                                             │ callout account, subscribed to
 *     │── CONNECT ───────▶│                                             │ $SYS.REQ.USER.AUTH)
 *     │                   │ not an auth user, account delegated (even    │
 *     │                   │ if ordinary auth succeeded): request()       │
 *     │                   │── PUB $SYS.REQ.USER.AUTH &lt;inbox&gt; ─────────▶│
 *     │                   │     [Nats-Server-Xkey: X_server]             │ checks the credentials, answers
 *     │                   │◀──────────────────────────── PUB &lt;inbox&gt; ──│
 *     │                   │ verify(): Authorized, or a Refusal           │
 *     │◀── +OK / -ERR ────│   'Authorization Violation'                  │
 *
 *   request   authorization_request JWT signed by N: iss N, sub the issuer (config) or the account (operator),
 *             aud "nats-authorization-request", exp now + auth timeout; nats.user_nkey U (a fresh user key),
 *             server_id {name, host, id N, version, cluster, tags, xkey}, client_info, connect_opts, client_tls
 *   response  authorization_response JWT signed by an account key: sub U, aud N, and either
 *             nats.jwt   a user JWT: sub U, iss the issuer; config mode: aud names the target account
 *             nats.error why the client is refused
 * </pre>
 *
 * <h2>Payloads</h2>
 * <pre>
 *   without xkey   payload = the JWT text ("eyJ...")
 *   with xkey      payload = XKeyPair seal: "xkv1" | nonce(24) | tag(16) | ciphertext          ({@link XKeyPair})
 *                  request: sealed by the server's xkey for the configured xkey, header Nats-Server-Xkey: X_server
 *                  response: sealed by the service's xkey (the configured one) for X_server — or plain: a response
 *                  that starts with "eyJ" is read as a JWT even when the request was sealed, as nats-server does
 * </pre>
 *
 * <h2>Modes</h2>
 * <ul>
 *   <li>Config mode ({@link #read}, {@link #of}): {@code authorization { auth_callout { issuer, auth_users, account,
 *       xkey, allowed_accounts } }}. The request goes to the named account ({@code $G} by default); the user JWT
 *       must be issued by {@code issuer} itself (no signing keys, no {@code issuer_account}), and its {@code aud}
 *       names the account the client is placed in. The response JWT's own signer is not checked: the user JWT is
 *       what must be the issuer's. {@code allowed_accounts} lists the accounts whose clients are delegated (empty:
 *       all), not where the service may place them.</li>
 *   <li>Operator mode ({@link #forAccount}): an account JWT's {@code authorization} (auth users, allowed accounts,
 *       xkey). The request goes to that account; an unsealed response must be signed by it or one of its signing
 *       keys ({@code issuer_account} counts); the user JWT is issued by the account (or a signing key with
 *       {@code issuer_account}), or by one of the allowed accounts, which it is then placed in.</li>
 * </ul>
 *
 * <p>What nats-server does not check on these users, and neither does this class: {@code src} CIDRs, revocation,
 * bearer tokens, and the connection type against {@code allowed_connection_types} (only a list of nothing but
 * unknown types is refused); the allowed types are in the {@link Authorized} result.
 *
 * <p>Immutable and thread-safe.
 */
public final class AuthCallout {
    /** Where requests are published. */
    public static final String SUBJECT = "$SYS.REQ.USER.AUTH";
    /** The {@code aud} of every request JWT. */
    public static final String REQUEST_AUDIENCE = "nats-authorization-request";
    /** The header that carries the server's public xkey on a sealed request. */
    public static final String XKEY_HEADER = "Nats-Server-Xkey";
    /** The account of config-mode callouts that name none. */
    public static final String GLOBAL_ACCOUNT = "$G";
    /** What every JWT text starts with: a response that does is not opened even when the request was sealed. */
    static final String JWT_PREFIX = "eyJ";
    /** nats-server's stand-in user for a token client. */
    static final String REDACTED = "[REDACTED]";
    /** {@code allowed_accounts} entry that allows every account (operator mode, alone in the list). */
    static final String ANY_ACCOUNT = "*";

    /** Where the settings came from. */
    public enum Mode {
        /** {@code authorization.auth_callout} in the server configuration. */
        CONFIG,
        /** An account JWT's {@code authorization} in operator mode. */
        OPERATOR
    }

    private final Mode mode;
    private final String issuer;
    private final String account;
    private final List<String> authUsers;
    private final String xkey;
    private final List<String> allowedAccounts;
    private final AccountClaims accountClaims;
    private final ZoneId zone;

    private AuthCallout(Mode mode, String issuer, String account, List<String> authUsers, String xkey,
                        List<String> allowedAccounts, AccountClaims accountClaims, ZoneId zone) {
        this.mode = mode;
        this.issuer = issuer;
        this.account = account;
        this.authUsers = List.copyOf(authUsers);
        this.xkey = xkey;
        this.allowedAccounts = List.copyOf(allowedAccounts);
        this.accountClaims = accountClaims;
        this.zone = zone;
    }

    // ---- construction ----

    /**
     * Config-mode settings, checked as nats-server's {@code parseAuthCallout} checks them (its texts as messages).
     *
     * @param issuer          the account public key ("A...") that issues the user JWTs
     * @param account         the account requests go to; null or "" for {@code $G}
     * @param authUsers       the users (names or nkeys) the callout does not apply to: the service's own
     * @param xkey            the service's curve public key ("X..."), null or "" for no encryption
     * @param allowedAccounts the accounts whose clients are delegated; empty for all
     * @throws IllegalArgumentException when a setting is missing or malformed
     */
    public static AuthCallout of(String issuer, String account, List<String> authUsers, String xkey,
                                 List<String> allowedAccounts) {
        issuer = issuer == null ? "" : issuer;
        xkey = xkey == null ? "" : xkey;
        if (!issuer.isEmpty() && !NKeys.isValidPublicKey(issuer, NKeyType.ACCOUNT)) {
            throw new IllegalArgumentException(ConfigText.badIssuer(issuer));
        }
        if (!xkey.isEmpty() && !XKeyPair.isValidPublicKey(xkey)) {
            throw new IllegalArgumentException(ConfigText.badXKey(xkey));
        }
        if (issuer.isEmpty()) {
            throw new IllegalArgumentException(ConfigText.NO_ISSUER);
        }
        if (authUsers == null || authUsers.isEmpty()) {
            throw new IllegalArgumentException(ConfigText.NO_AUTH_USERS);
        }
        return new AuthCallout(Mode.CONFIG, issuer, account == null || account.isEmpty() ? GLOBAL_ACCOUNT : account,
                authUsers, xkey, allowedAccounts == null ? List.of() : allowedAccounts, null,
                ZoneId.systemDefault());
    }

    /**
     * The {@code auth_callout} (alias {@code auth_hook}) of the configuration's {@code authorization} block, or empty
     * when there is none. Keys as nats-server accepts them, case-insensitive:
     * <pre>
     *   issuer                    account public key "A..."       required
     *   auth_users | users        array of user names / nkeys     required, not empty
     *   account | acc             account name                    default $G
     *   xkey | key                curve public key "X..."         optional: seal requests and responses
     *   allowed_accounts          array of account names          optional; each must be a configured account
     * </pre>
     *
     * @throws ConfigException naming the key, with nats-server's text; further problems are suppressed exceptions
     */
    public static Optional<AuthCallout> read(ServerOptions options) {
        return new ConfigReader(options).read();
    }

    /**
     * The operator-mode callout of an account: present when the account JWT's {@code authorization} lists auth
     * users. Requests go to the account (by its public key), and the account's signing keys may sign responses.
     */
    public static Optional<AuthCallout> forAccount(AccountClaims account) {
        AccountClaims.ExternalAuthorization auth = account.authorization();
        if (!auth.isEnabled()) {
            return Optional.empty();
        }
        String key = account.data().subject();
        return Optional.of(new AuthCallout(Mode.OPERATOR, key, key, auth.authUsers(), auth.xkey(),
                auth.allowedAccounts(), account, ZoneId.systemDefault()));
    }

    /** A copy that reads {@code times} windows of user JWTs without {@code times_location} in {@code zone}. */
    public AuthCallout withZone(ZoneId zone) {
        return new AuthCallout(mode, issuer, account, authUsers, xkey, allowedAccounts, accountClaims,
                Objects.requireNonNull(zone, "zone"));
    }

    // ---- settings ----

    public Mode mode() {
        return mode;
    }

    /** The key the user JWTs must be issued by: the configured issuer, or the account key in operator mode. */
    public String issuer() {
        return issuer;
    }

    /** The account requests go to (and the service's users are in): a name, or an account key in operator mode. */
    public String account() {
        return account;
    }

    public List<String> authUsers() {
        return authUsers;
    }

    /** The service's curve public key, "" when requests are not sealed. */
    public String xkey() {
        return xkey;
    }

    public List<String> allowedAccounts() {
        return allowedAccounts;
    }

    /** The account JWT the settings came from in operator mode; null in config mode. */
    public AccountClaims accountClaims() {
        return accountClaims;
    }

    // ---- who goes to the callout ----

    /** Whether the client (by {@link #rawAuthUser}) is one of the service's own users, which skip the callout. */
    public boolean isAuthUser(String rawAuthUser) {
        return rawAuthUser != null && authUsers.contains(rawAuthUser);
    }

    /**
     * Config mode: whether a client bound to {@code boundAccount} by the ordinary authentication (or left in
     * {@code $G} when that failed) goes to the callout: always for {@code $G}, else when {@code allowed_accounts} is
     * empty or lists the account. Operator mode: always (the account has the callout). Leaf connections are not
     * subject to this test in nats-server.
     */
    public boolean delegates(String boundAccount) {
        if (mode == Mode.OPERATOR || GLOBAL_ACCOUNT.equals(boundAccount) || allowedAccounts.isEmpty()) {
            return true;
        }
        return allowedAccounts.contains(boundAccount);
    }

    /**
     * Whether a client authorized into {@code boundAccount} must be denied publishing to {@link #SUBJECT}: every
     * client of the callout account, the service's users included, as nats-server merges that deny.
     */
    public boolean deniesCalloutSubject(String boundAccount) {
        return account.equals(boundAccount);
    }

    /**
     * nats-server's {@code getRawAuthUser}: who the client says it is, for the auth user test and the request's
     * {@code client_info.user}: its nkey, else its user name, else (with a JWT) {@code jwtUserKey}, else
     * "[REDACTED]" for a token, else "".
     */
    public static String rawAuthUser(ConnectOptions connect, String jwtUserKey) {
        if (!connect.nkey().isEmpty()) {
            return connect.nkey();
        }
        if (!connect.user().isEmpty()) {
            return connect.user();
        }
        if (!connect.jwt().isEmpty()) {
            return jwtUserKey == null ? "" : jwtUserKey;
        }
        if (!connect.authToken().isEmpty()) {
            return REDACTED;
        }
        return "";
    }

    /**
     * Config mode: what nats-server logs as errors at start (the server still starts) when the callout account or an
     * auth user does not exist: "Authorization callout account %q not valid" and "Authorization callout user %q not
     * valid: %v" (the %v is the account lookup's error, so "&lt;nil&gt;" when the account exists).
     *
     * @param accountNames    every account the server has ({@code $G} is added)
     * @param userIdentities  the configured users' names and nkeys
     */
    public List<String> startupErrors(Collection<String> accountNames, Collection<String> userIdentities) {
        List<String> out = new ArrayList<>();
        if (mode != Mode.CONFIG) {
            return out;
        }
        boolean accountFound = account.equals(GLOBAL_ACCOUNT) || accountNames.contains(account);
        if (!accountFound) {
            out.add("Authorization callout account " + quote(account) + " not valid");
        }
        for (String user : authUsers) {
            if (!userIdentities.contains(user)) {
                out.add("Authorization callout user " + quote(user) + " not valid: "
                        + (accountFound ? "<nil>" : "account missing"));
            }
        }
        return out;
    }

    // ---- request ----

    /**
     * The server as requests describe it, constant for a server's life. The id is the signing key's public key.
     *
     * @param name       {@code server_name} (or the id)
     * @param host       the client listen host
     * @param version    the server version
     * @param cluster    the cluster name, "" without
     * @param tags       {@code server_tags}
     * @param signingKey the server's nkey ("N..."), which signs the requests
     * @param xkey       the server's curve key, which seals requests and opens responses; null when the server has
     *                   none (then callouts with an xkey cannot be made)
     */
    public record ServerIdentity(String name, String host, String version, String cluster, List<String> tags,
                                 NKeyPair signingKey, XKeyPair xkey) {
        public ServerIdentity {
            Objects.requireNonNull(signingKey, "signingKey");
            if (signingKey.type() != NKeyType.SERVER) {
                throw new IllegalArgumentException("requests are signed by a server key, not " + signingKey);
            }
            name = name == null ? "" : name;
            host = host == null ? "" : host;
            version = version == null ? "" : version;
            cluster = cluster == null ? "" : cluster;
            tags = tags == null ? List.of() : List.copyOf(tags);
        }

        /** The server id: the signing key's public key, the audience responses must name. */
        public String id() {
            return signingKey.publicKey();
        }
    }

    /**
     * What the server knows of the connection, beyond its CONNECT.
     *
     * @param host          the client's IP address
     * @param id            the connection id (cid)
     * @param kind          "Client" or "Leafnode"
     * @param type          "nats", "websocket" or "mqtt"
     * @param tags          the connection's tags (from its user JWT in operator mode), usually none
     * @param nameTag       the account's name tag, usually ""
     * @param mqttId        the MQTT client id, ""
     * @param nonce         the nonce sent in INFO; reaches the request only when the CONNECT carries a signature
     * @param jwtUserKey    the public key of the user JWT the client presented, when one was decoded; else ""
     * @param proxyRequired whether the ordinary authentication found a user that must come through a trusted proxy
     * @param trustedProxy  whether the connection came through a trusted proxy
     */
    public record ClientDetails(String host, long id, String kind, String type, List<String> tags, String nameTag,
                                String mqttId, String nonce, String jwtUserKey, boolean proxyRequired,
                                boolean trustedProxy) {
        public ClientDetails {
            host = host == null ? "" : host;
            kind = kind == null ? "" : kind;
            type = type == null ? "" : type;
            tags = tags == null ? List.of() : List.copyOf(tags);
            nameTag = nameTag == null ? "" : nameTag;
            mqttId = mqttId == null ? "" : mqttId;
            nonce = nonce == null ? "" : nonce;
            jwtUserKey = jwtUserKey == null ? "" : jwtUserKey;
        }

        /** A plain NATS client ("Client", "nats"), not through a proxy. */
        public static ClientDetails client(String host, long id, String nonce) {
            return new ClientDetails(host, id, "Client", "nats", List.of(), "", "", nonce, "", false, false);
        }

        public ClientDetails withProxy(boolean proxyRequired, boolean trustedProxy) {
            return new ClientDetails(host, id, kind, type, tags, nameTag, mqttId, nonce, jwtUserKey, proxyRequired,
                    trustedProxy);
        }

        public ClientDetails withJwtUserKey(String jwtUserKey) {
            return new ClientDetails(host, id, kind, type, tags, nameTag, mqttId, nonce, jwtUserKey, proxyRequired,
                    trustedProxy);
        }
    }

    /**
     * One request, to publish and later to {@link #verify} the reply against. Holds the server's xkey to open the
     * reply with; {@link #toString()} shows neither keys nor the JWT.
     */
    public static final class Request {
        private final String jwt;
        private final AuthorizationRequestClaims claims;
        private final byte[] payload;
        private final XKeyPair serverXKey;
        private final ClientDetails client;
        private final String account;

        private Request(String jwt, AuthorizationRequestClaims claims, byte[] payload, XKeyPair serverXKey,
                        ClientDetails client, String account) {
            this.jwt = jwt;
            this.claims = claims;
            this.payload = payload;
            this.serverXKey = serverXKey;
            this.client = client;
            this.account = account;
        }

        /** Always {@link AuthCallout#SUBJECT}. */
        public String subject() {
            return SUBJECT;
        }

        /** The account to publish in (a name, or an account key in operator mode). */
        public String account() {
            return account;
        }

        /** The signed request JWT (before sealing). */
        public String jwt() {
            return jwt;
        }

        public AuthorizationRequestClaims claims() {
            return claims;
        }

        /** The public key the service must issue the user JWT for, and the response's subject. */
        public String userNkey() {
            return claims.userNkey();
        }

        /** The server id the response's audience must be. */
        public String serverId() {
            return claims.server().id();
        }

        /** When the request JWT expires: now plus the auth timeout. */
        public Instant expires() {
            return Instant.ofEpochSecond(claims.data().expiresAtSeconds());
        }

        /** Whether the payload is sealed (an xkey is configured). */
        public boolean encrypted() {
            return serverXKey != null;
        }

        /** The message body: the JWT text, or it sealed for the service's xkey. */
        public byte[] payload() {
            return payload.clone();
        }

        /** The message headers: {@code Nats-Server-Xkey} with the server's public xkey when sealed, else none. */
        public Map<String, String> headers() {
            return serverXKey == null ? Map.of() : Map.of(XKEY_HEADER, serverXKey.publicKey());
        }

        public ClientDetails client() {
            return client;
        }

        @Override
        public String toString() {
            return "AuthCallout.Request[account=" + account + ", user_nkey=" + userNkey() + ", encrypted="
                    + encrypted() + "]";
        }
    }

    /**
     * Builds the request for one connecting client, as nats-server's {@code processClientOrLeafCallout}: a fresh
     * user nkey, the claims signed by the server key, sealed for the service when an xkey is configured.
     *
     * @param server  the server; must have an xkey when this callout has one
     * @param client  the connection
     * @param connect the client's CONNECT credentials and identity fields ({@code jwt} may be a reconstructed one)
     * @param tls     the TLS state (see {@link #clientTls}), or null without TLS
     * @param timeout the auth timeout: the request JWT expires this long after {@code now}
     * @param now     the current time
     * @throws IllegalArgumentException when an xkey is configured and the server has none
     */
    public Request request(ServerIdentity server, ClientDetails client, ConnectOptions connect, ClientTls tls,
                           Duration timeout, Instant now) {
        XKeyPair serverXKey = null;
        if (!xkey.isEmpty()) {
            if (server.xkey() == null) {
                throw new IllegalArgumentException("the auth callout seals requests for " + xkey
                        + " but the server has no xkey");
            }
            serverXKey = server.xkey();
        }
        NKeyPair user = NKeyPair.create(NKeyType.USER);
        ServerId serverId = new ServerId(server.name(), server.host(), server.id(), server.version(),
                server.cluster(), server.tags(), serverXKey == null ? "" : serverXKey.publicKey());
        ClientInformation info = new ClientInformation(client.host(), client.id(),
                rawAuthUser(connect, client.jwtUserKey()), connect.name(), client.tags(), client.nameTag(),
                client.kind(), client.type(), client.mqttId(),
                connect.signedNonce().isEmpty() ? "" : client.nonce());
        ClaimsData data = new ClaimsData("", 0, "", issuer, "", REQUEST_AUDIENCE,
                now.plus(timeout).getEpochSecond(), 0);
        AuthorizationRequestClaims claims = new AuthorizationRequestClaims(data, serverId, user.publicKey(), info,
                connect, tls, "", List.of());
        String jwt = JwtEncoder.encode(claims, server.signingKey(), Clock.fixed(now, ZoneOffset.UTC));
        // Decoding our own token gives back exactly what was signed (iat, jti, iss filled in by the encoder).
        AuthorizationRequestClaims signed = (AuthorizationRequestClaims) JwtDecoder.decodeIgnoringTime(jwt);
        byte[] text = jwt.getBytes(StandardCharsets.US_ASCII);
        byte[] payload = serverXKey == null ? text : serverXKey.seal(text, xkey);
        return new Request(jwt, signed, payload, serverXKey, client, account);
    }

    /**
     * The {@code client_tls} of a request, as nats-server fills it: the version as "1.2"/"1.3", the cipher suite by
     * its IANA name (which the JDK also uses), and the certificates PEM-encoded as Go's {@code pem.EncodeToMemory}
     * writes them: the verified chains when there are any (leaf first), else the peer's certificates.
     *
     * @param protocol       the JDK's protocol name, "TLSv1.3" and so on
     * @param cipherSuite    the negotiated suite
     * @param peer           the certificates the client presented, leaf first; empty for none
     * @param verifiedChains the chains the server verified, each leaf first; empty when it verified none
     */
    public static ClientTls clientTls(String protocol, String cipherSuite, List<X509Certificate> peer,
                                      List<List<X509Certificate>> verifiedChains) {
        String version = switch (protocol == null ? "" : protocol) {
            case "TLSv1" -> "1.0";
            case "TLSv1.1" -> "1.1";
            case "TLSv1.2" -> "1.2";
            case "TLSv1.3" -> "1.3";
            default -> "Unknown [" + protocol + "]";
        };
        List<List<String>> chains = new ArrayList<>();
        for (List<X509Certificate> chain : verifiedChains) {
            chains.add(chain.stream().map(AuthCallout::pem).toList());
        }
        List<String> certs = chains.isEmpty() ? peer.stream().map(AuthCallout::pem).toList() : List.of();
        return new ClientTls(version, cipherSuite, certs, chains);
    }

    /** Go's PEM: the header line, base64 in lines of 64 characters, the footer line, each ending in "\n". */
    static String pem(X509Certificate certificate) {
        byte[] der;
        try {
            der = certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("a certificate that does not encode", e);
        }
        String base64 = Base64.getEncoder().encodeToString(der);
        StringBuilder out = new StringBuilder(base64.length() + base64.length() / 64 + 64);
        out.append("-----BEGIN CERTIFICATE-----\n");
        for (int i = 0; i < base64.length(); i += 64) {
            out.append(base64, i, Math.min(base64.length(), i + 64)).append('\n');
        }
        return out.append("-----END CERTIFICATE-----\n").toString();
    }

    // ---- response ----

    /** What the server knows about accounts, to place the authorized client. */
    public sealed interface Accounts permits ConfigAccounts, OperatorAccounts {
        /**
         * Config mode: the accounts by name ({@code $G} always exists) and the default permissions of those that have
         * some, for users whose JWT sets none.
         */
        static Accounts config(Collection<String> names, Map<String, PermissionsPolicy> defaultPermissions) {
            return new ConfigAccounts(Set.copyOf(names), defaultPermissions);
        }

        /** Config mode without default permissions. */
        static Accounts config(Collection<String> names) {
            return config(names, Map.of());
        }

        /** Operator mode: account claims by public key, as the resolver holds them (e.g. {@code resolver::claims}). */
        static Accounts operator(Function<String, Optional<AccountClaims>> lookup) {
            return new OperatorAccounts(lookup);
        }
    }

    /** See {@link Accounts#config}. */
    public record ConfigAccounts(Set<String> names, Map<String, PermissionsPolicy> defaultPermissions)
            implements Accounts {
        public ConfigAccounts {
            Set<String> all = new LinkedHashSet<>(names);
            all.add(GLOBAL_ACCOUNT);
            names = Set.copyOf(all);
            defaultPermissions = Map.copyOf(defaultPermissions);
        }
    }

    /** See {@link Accounts#operator}. */
    public record OperatorAccounts(Function<String, Optional<AccountClaims>> lookup) implements Accounts {
        public OperatorAccounts {
            Objects.requireNonNull(lookup, "lookup");
        }
    }

    /**
     * Why a reply did not authorize the client, in the order nats-server checks, each with the text nats-server logs
     * (and returns as the auth error reason); {@code %q} is a Go-quoted string, the account is the callout account.
     */
    public enum Refusal {
        /** Empty reply. */
        NO_REASON("Auth callout violation: \"no reason supplied\" on account %q"),
        /** A sealed reply that did not open (nkeys' error text). */
        DECRYPT_FAILED("Error decrypting auth callout response on account %q: %v"),
        /** The reply is no authorization response JWT (the JWT library's decode error). */
        BAD_RESPONSE("%v"),
        /** The response breaks its content rules or is expired. */
        INVALID_RESPONSE("Authorization response had validation errors: %v"),
        /** The response's subject is not the request's user nkey. */
        WRONG_USER("Auth callout violation: auth callout response is not for expected user"),
        /** The response's audience is not this server's id. */
        WRONG_SERVER("Auth callout violation: auth callout response is not for server"),
        /** The service refused the client ({@code nats.error}). */
        SERVICE_ERROR("Auth callout service returned an error: %v"),
        /** Operator mode, unsealed reply: not signed by the account or one of its signing keys. */
        UNKNOWN_SIGNING_KEY("Auth callout signing key is unknown"),
        /** The embedded user JWT does not decode. */
        BAD_USER_JWT("%v"),
        /** The client or its user JWT requires a trusted proxy, and it did not come through one. */
        PROXY_REQUIRED("Proxy connection required"),
        /** The user JWT breaks its content rules, or is expired or not yet valid. */
        INVALID_USER_JWT("Error validating user JWT: %v"),
        /** The user JWT is for another nkey than the request's. */
        USER_MISMATCH("Expected authorized user of %q but got %q on account %q"),
        /** Now is in none of the user JWT's {@code times} windows. */
        OUTSIDE_TIMES("Authorized user on account %q outside of valid connect times"),
        /** {@code allowed_connection_types} names only unknown types. */
        CONNECTION_TYPE("Authorized user on account %q using invalid connection type"),
        /** Config mode: the user JWT has {@code issuer_account}. */
        ISSUER_ACCOUNT_NOT_ALLOWED("Error non operator mode account %q: attempted to use issuer_account"),
        /** Config mode: the user JWT is not issued by the configured issuer. */
        WRONG_ISSUER("Wrong issuer for auth callout response on account %q, expected %q got %q"),
        /** Operator mode: the user JWT's account is neither the callout account nor an allowed one. */
        ACCOUNT_NOT_PERMITTED("Account %q not permitted as valid account option for auth callout for account %q"),
        /** The target account does not exist (or has expired). */
        NO_ACCOUNT("No valid account %q for auth callout response on account %q: %v"),
        /** Operator mode: the user JWT's issuer is neither the target account nor one of its signing keys. */
        ISSUER_NOT_KNOWN("User JWT issuer %q is not known"),
        /** Operator mode: a user issued by a scoped signing key sets permissions or limits. */
        SCOPE_VIOLATION("User JWT is not valid: %v"),
        /** The scope's template did not expand for the user. */
        INVALID_PERMISSIONS("User JWT generated invalid permissions: %v"),
        /** The permissions do not compile (nats-server would fail registering the user). */
        REGISTER_FAILED("Could not register auth callout user: %v");

        private final String format;

        Refusal(String format) {
            this.format = format;
        }

        /** nats-server's format of the log text, with Go verbs. */
        public String format() {
            return format;
        }
    }

    /**
     * A client the service authorized.
     *
     * @param account                the account to bind the client to: a name in config mode, a key in operator mode
     * @param accountClaims          that account's claims in operator mode; null in config mode
     * @param userNkey               the client's user key (the request's user nkey)
     * @param userName               the user JWT's {@code name}: when not "", it replaces the client's user name
     *                               (and its nkey and token) for the rest of the connection, as in nats-server
     * @param user                   the user JWT as decoded
     * @param limits                 the effective permissions and limits: the user's, or a scoped signing key's
     *                               template expanded for the user
     * @param permissions            the compiled permissions: the user's, else the account's default permissions
     *                               (unrestricted when it has none)
     * @param accountDefaults        whether {@code permissions} are the account's defaults (so account updates that
     *                               change them apply to this client)
     * @param allowedConnectionTypes the known types of {@code allowed_connection_types}, upper case; empty for all
     * @param expires                when to disconnect the client: the user JWT's expiry or the end of its current
     *                               {@code times} window, whichever is first; null for never
     * @param signingKey             the signing key that issued the user when {@code issuer_account} is set, else null
     */
    public record Authorized(String account, AccountClaims accountClaims, String userNkey, String userName,
                             UserClaims user, UserPermissionLimits limits, PermissionsPolicy permissions,
                             boolean accountDefaults, Set<String> allowedConnectionTypes, Instant expires,
                             String signingKey) {
        public Authorized {
            allowedConnectionTypes = Set.copyOf(allowedConnectionTypes);
        }
    }

    /**
     * The outcome of {@link #verify}: an authorization, or a refusal with nats-server's log text.
     *
     * @param authorized the authorization, or null
     * @param refusal    why not, or null
     * @param message    nats-server's text for the refusal; "" when authorized
     */
    public record Result(Authorized authorized, Refusal refusal, String message) {
        public Result {
            message = message == null ? "" : message;
            if ((authorized == null) == (refusal == null)) {
                throw new IllegalArgumentException("exactly one of authorized and refusal");
            }
        }

        public boolean ok() {
            return authorized != null;
        }
    }

    /**
     * Checks the service's reply to {@code request}, as nats-server's {@code processReply} does, in its order (see
     * {@link Refusal}): open it if sealed, decode the authorization response, check its subject (the user nkey) and
     * audience (the server id), take the service's error if it sent one, check the signer (operator mode), decode the
     * user JWT and check proxy, validity, subject, times, connection types, issuer and target account; then compile
     * permissions.
     *
     * @param payload  the reply's body, without the protocol's trailing CRLF; empty means "no reason supplied"
     * @param request  the request it answers
     * @param accounts the server's accounts, of this callout's mode
     * @param now      the current time
     */
    public Result verify(byte[] payload, Request request, Accounts accounts, Instant now) {
        if ((mode == Mode.CONFIG) != (accounts instanceof ConfigAccounts)) {
            throw new IllegalArgumentException("a " + mode + " mode callout needs " + mode + " mode accounts");
        }
        String racc = request.account();
        if (payload == null || payload.length == 0) {
            return refused(Refusal.NO_REASON, racc);
        }
        byte[] message = payload;
        boolean encrypted = false;
        if (request.encrypted() && !startsWith(payload, JWT_PREFIX)) {
            try {
                message = request.serverXKey.open(payload, xkey);
            } catch (XKeyException e) {
                return refused(Refusal.DECRYPT_FAILED, racc, e.getMessage());
            }
            encrypted = true;
        }

        AuthorizationResponseClaims response;
        try {
            JwtClaims claims = JwtDecoder.decodeIgnoringTime(new String(message, StandardCharsets.UTF_8));
            if (!(claims instanceof AuthorizationResponseClaims r)) {
                return refused(Refusal.BAD_RESPONSE, "not an authorization request claim");
            }
            response = r;
        } catch (JwtException e) {
            return e.reason() == JwtException.Reason.INVALID_CLAIMS
                    ? refused(Refusal.INVALID_RESPONSE, e.getMessage())
                    : refused(Refusal.BAD_RESPONSE, goDecodeText(e, "not an authorization request claim"));
        }
        String timeIssue = timeIssue(response.data(), now);
        if (timeIssue != null) {
            return refused(Refusal.INVALID_RESPONSE, timeIssue);
        }
        if (!response.data().subject().equals(request.userNkey())) {
            return refused(Refusal.WRONG_USER);
        }
        if (!response.data().audience().equals(request.serverId())) {
            return refused(Refusal.WRONG_SERVER);
        }
        if (!response.error().isEmpty()) {
            return refused(Refusal.SERVICE_ERROR, response.error());
        }
        if (mode == Mode.OPERATOR && !encrypted) {
            String signer = response.issuerAccount().isEmpty() ? response.data().issuer() : response.issuerAccount();
            if (!signer.equals(account) && !accountClaims.signingKeys().containsKey(signer)) {
                return refused(Refusal.UNKNOWN_SIGNING_KEY);
            }
        }

        UserClaims user;
        try {
            JwtClaims claims = JwtDecoder.decodeIgnoringTime(response.jwt());
            if (!(claims instanceof UserClaims u)) {
                return refused(Refusal.BAD_USER_JWT, "not user claim");
            }
            user = u;
        } catch (JwtException e) {
            return e.reason() == JwtException.Reason.INVALID_CLAIMS
                    ? refused(Refusal.INVALID_USER_JWT, e.getMessage())
                    : refused(Refusal.BAD_USER_JWT, goDecodeText(e, "not user claim"));
        }
        ClientDetails client = request.client();
        if ((client.proxyRequired() || user.limits().proxyRequired()) && !client.trustedProxy()) {
            return refused(Refusal.PROXY_REQUIRED);
        }
        timeIssue = timeIssue(user.data(), now);
        if (timeIssue != null) {
            return refused(Refusal.INVALID_USER_JWT, timeIssue);
        }
        if (!user.data().subject().equals(request.userNkey())) {
            return refused(Refusal.USER_MISMATCH, request.userNkey(), user.data().subject(), racc);
        }
        UserPermissionLimits limits = user.limits();
        Duration validFor = JwtAuthenticator.timesValidFor(limits.times(), limits.locale(), zone, now);
        if (validFor == null) {
            return refused(Refusal.OUTSIDE_TIMES, racc);
        }
        Set<String> connectionTypes = knownConnectionTypes(limits.allowedConnectionTypes());
        if (connectionTypes.isEmpty() && !limits.allowedConnectionTypes().isEmpty()) {
            return refused(Refusal.CONNECTION_TYPE, racc);
        }

        // The account the user JWT speaks for.
        String jwtIssuer = user.data().issuer();
        if (!user.issuerAccount().isEmpty()) {
            if (mode == Mode.CONFIG) {
                return refused(Refusal.ISSUER_ACCOUNT_NOT_ALLOWED, racc);
            }
            jwtIssuer = user.issuerAccount();
        }
        if (!jwtIssuer.equals(issuer)) {
            if (mode == Mode.CONFIG) {
                return refused(Refusal.WRONG_ISSUER, racc, issuer, jwtIssuer);
            }
            if (!isAllowedAccount(jwtIssuer)) {
                return refused(Refusal.ACCOUNT_NOT_PERMITTED, user.data().issuer(), racc);
            }
        }

        String placement;
        AccountClaims target = null;
        PermissionsPolicy defaults;
        String signingKey = null;
        if (accounts instanceof ConfigAccounts config) {
            placement = user.data().audience();
            if (!config.names().contains(placement)) {
                return refused(Refusal.NO_ACCOUNT, placement, racc, "account missing");
            }
            defaults = config.defaultPermissions().getOrDefault(placement, PermissionsPolicy.UNRESTRICTED);
        } else {
            placement = jwtIssuer;
            target = ((OperatorAccounts) accounts).lookup().apply(placement).orElse(null);
            if (target == null) {
                return refused(Refusal.NO_ACCOUNT, placement, racc, "account missing");
            }
            if (target.isExpired(now)) {
                return refused(Refusal.NO_ACCOUNT, placement, racc, "account expired");
            }
            String userIssuer = user.data().issuer();
            if (!userIssuer.equals(placement)) {
                AccountClaims.SigningKey key = target.signingKeys().get(userIssuer);
                if (key == null) {
                    return refused(Refusal.ISSUER_NOT_KNOWN, userIssuer);
                }
                if (key.isScoped()) {
                    if (!limits.isEmpty()) {
                        return refused(Refusal.SCOPE_VIOLATION, "scoped users require no permissions or limits set");
                    }
                    try {
                        limits = TrustChain.expandTemplate(key.scope(), user, target);
                    } catch (JwtException e) {
                        return refused(Refusal.INVALID_PERMISSIONS, e.getMessage());
                    }
                }
            }
            if (!user.issuerAccount().isEmpty()) {
                signingKey = userIssuer;
            }
            try {
                defaults = JwtAuthenticator.policy(target.defaultPermissions());
            } catch (IllegalArgumentException e) {
                return refused(Refusal.REGISTER_FAILED, e.getMessage());
            }
        }

        boolean accountDefaults = limits.permissions().isEmpty();
        PermissionsPolicy permissions;
        try {
            permissions = accountDefaults ? defaults : JwtAuthenticator.policy(limits.permissions());
        } catch (IllegalArgumentException e) {
            return refused(Refusal.REGISTER_FAILED, e.getMessage());
        }
        Instant expires = user.data().expiresAtSeconds() > 0 ? Instant.ofEpochSecond(user.data().expiresAtSeconds())
                : null;
        if (!validFor.isZero()) {
            Instant windowEnd = now.plus(validFor);
            if (expires == null || windowEnd.isBefore(expires)) {
                expires = windowEnd;
            }
        }
        return new Result(new Authorized(placement, target, request.userNkey(), user.data().name(), user, limits,
                permissions, accountDefaults, connectionTypes, expires, signingKey), null, "");
    }

    /** Operator mode: nats-server's {@code isAllowedAcount}: "*" alone allows all, else an exact entry. */
    private boolean isAllowedAccount(String key) {
        if (allowedAccounts.size() == 1 && allowedAccounts.get(0).equals(ANY_ACCOUNT)) {
            return true;
        }
        return allowedAccounts.contains(key);
    }

    /** nats-io/jwt's time issues of {@code ClaimsData.Validate}, or null. */
    private static String timeIssue(ClaimsData data, Instant now) {
        if (data.isExpired(now)) {
            return "claim is expired";
        }
        if (data.isNotYetValid(now)) {
            return "claim is not yet valid";
        }
        return null;
    }

    /** The Go JWT library's error text where a decode failure maps onto one, else ours. */
    private static String goDecodeText(JwtException e, String wrongType) {
        return switch (e.reason()) {
            case BAD_SIGNATURE -> "claim failed V2 signature verification";
            case BAD_STRUCTURE -> "expected 3 chunks";
            case WRONG_CLAIM_TYPE -> wrongType;
            default -> e.getMessage();
        };
    }

    private static Set<String> knownConnectionTypes(List<String> types) {
        Set<String> known = new LinkedHashSet<>();
        for (String type : types) {
            String upper = type.toUpperCase(Locale.ROOT);
            if (UserConfigReader.CONNECTION_TYPES.contains(upper)) {
                known.add(upper);
            }
        }
        return known;
    }

    private static boolean startsWith(byte[] bytes, String prefix) {
        if (bytes.length < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (bytes[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A refusal with its text: the format's verbs filled in order ({@code %q} Go-quoted, {@code %v} as is) and the
     * first letter upper-cased, as nats-server's {@code titleCase} does to these errors.
     */
    static Result refused(Refusal refusal, String... args) {
        String format = refusal.format();
        StringBuilder out = new StringBuilder(format.length() + 64);
        int arg = 0;
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c == '%' && i + 1 < format.length() && (format.charAt(i + 1) == 'q' || format.charAt(i + 1) == 'v')) {
                String value = arg < args.length ? args[arg++] : "";
                out.append(format.charAt(i + 1) == 'q' ? quote(value) : value);
                i++;
            } else {
                out.append(c);
            }
        }
        if (!out.isEmpty()) {
            out.setCharAt(0, Character.toUpperCase(out.charAt(0)));
        }
        return new Result(null, refusal, out.toString());
    }

    private static String quote(String text) {
        return PermissionsViolation.quote(text);
    }

    @Override
    public String toString() {
        return "AuthCallout[" + mode + ", account=" + account + ", issuer=" + issuer + ", auth_users=" + authUsers
                + (xkey.isEmpty() ? "" : ", xkey=" + xkey)
                + (allowedAccounts.isEmpty() ? "" : ", allowed_accounts=" + allowedAccounts) + "]";
    }

    // ---- configuration ----

    /** nats-server's texts for configuration problems ({@code parseAuthCallout} and its post-check). */
    static final class ConfigText {
        static final String NO_ISSUER = "Authorization callouts require an issuer to be specified";
        static final String NO_AUTH_USERS = "Authorization callouts require authorized users to be specified";

        private ConfigText() {
        }

        static String badIssuer(String issuer) {
            return "Expected callout user to be a valid public account nkey, got " + quote(issuer);
        }

        static String badXKey(String xkey) {
            return "Expected callout xkey to be a valid public xkey, got " + quote(xkey);
        }

        static String notMap(Object value) {
            return "Expected authorization callout to be a map/struct, got " + value;
        }

        static String notArray(String what, Object value) {
            return "Expected " + what + " field to be an array, got " + goType(value);
        }

        static String unknownField(String key) {
            return "Unknown field " + quote(key) + " parsing authorization callout";
        }

        static String allowedAccountNotFound(String name) {
            return "auth_callout allowed account " + quote(name) + " not found in configured accounts";
        }

        /** The Go type name of a parsed configuration value. */
        static String goType(Object value) {
            return switch (value) {
                case String s -> "string";
                case Long n -> "int64";
                case Double d -> "float64";
                case Boolean b -> "bool";
                case Instant i -> "time.Time";
                case Map<?, ?> m -> "map[string]interface {}";
                case List<?> l -> "[]interface {}";
                case null -> "<nil>";
                default -> value.getClass().getSimpleName();
            };
        }
    }

    /** Reads {@code authorization.auth_callout} with the problems nats-server reports, placed at their keys. */
    private static final class ConfigReader {
        private final ServerOptions options;
        private final ConfigParser.Position wholeFile;
        private final List<ConfigException> errors = new ArrayList<>();
        /** Where the accepted block's {@code allowed_accounts} stands, to blame unknown accounts on. */
        private UserConfigField allowedAccountsField;

        ConfigReader(ServerOptions options) {
            this.options = options;
            this.wholeFile = new ConfigParser.Position(
                    options.configFile() != null ? options.configFile().toString() : "<config>", 0, 0);
        }

        Optional<AuthCallout> read() {
            Map<String, Object> raw = options.rawConfig();
            AuthCallout result = null;
            for (Object key : raw.keySet()) {
                String text = String.valueOf(key);
                if (!text.equalsIgnoreCase("authorization") || !(raw.get(text) instanceof Map<?, ?> block)) {
                    continue; // a non-map authorization block is ConfigLoader's to refuse
                }
                UserConfigField authorization = UserConfigField.of(raw, text, "", wholeFile);
                for (Object sub : block.keySet()) {
                    String name = String.valueOf(sub);
                    String lower = name.toLowerCase(Locale.ROOT);
                    if (lower.equals("auth_callout") || lower.equals("auth_hook")) {
                        AuthCallout callout = callout(UserConfigField.of(block, name, authorization.name(),
                                authorization.at()));
                        if (callout != null) {
                            result = callout;
                        }
                    }
                }
            }
            if (result != null) {
                checkAllowedAccounts(result);
            }
            if (!errors.isEmpty()) {
                ConfigException first = errors.get(0);
                for (ConfigException other : errors.subList(1, errors.size())) {
                    first.addSuppressed(other);
                }
                throw first;
            }
            return Optional.ofNullable(result);
        }

        /** One callout block, or null when it has errors (added to {@link #errors}). */
        private AuthCallout callout(UserConfigField field) {
            if (!(field.value() instanceof Map<?, ?> map)) {
                errors.add(field.error(ConfigText.notMap(field.value())));
                return null;
            }
            int before = errors.size();
            String issuer = "";
            String account = "";
            String xkey = "";
            List<String> authUsers = new ArrayList<>();
            List<String> allowed = new ArrayList<>();
            UserConfigField allowedField = null;
            for (Object k : map.keySet()) {
                String key = String.valueOf(k);
                UserConfigField sub = UserConfigField.of(map, key, field.name(), field.at());
                try {
                    switch (key.toLowerCase(Locale.ROOT)) {
                        case "issuer" -> {
                            issuer = sub.string();
                            if (!NKeys.isValidPublicKey(issuer, NKeyType.ACCOUNT)) {
                                throw sub.error(ConfigText.badIssuer(issuer));
                            }
                        }
                        case "account", "acc" -> account = sub.string();
                        case "auth_users", "users" -> authUsers.addAll(strings(sub, "auth_users"));
                        case "xkey", "key" -> {
                            xkey = sub.string();
                            if (!XKeyPair.isValidPublicKey(xkey)) {
                                throw sub.error(ConfigText.badXKey(xkey));
                            }
                        }
                        case "allowed_accounts" -> {
                            allowed.addAll(strings(sub, "allowed accounts"));
                            allowedField = sub;
                        }
                        default -> {
                            if (!ConfigParser.isReferenced(map, key)) {
                                throw sub.error(ConfigText.unknownField(key));
                            }
                        }
                    }
                } catch (ConfigException e) {
                    errors.add(e);
                }
            }
            if (errors.size() > before) {
                return null;
            }
            if (issuer.isEmpty()) {
                errors.add(field.error(ConfigText.NO_ISSUER));
                return null;
            }
            if (authUsers.isEmpty()) {
                errors.add(field.error(ConfigText.NO_AUTH_USERS));
                return null;
            }
            allowedAccountsField = allowedField;
            return of(issuer, account, authUsers, xkey, allowed);
        }

        private static List<String> strings(UserConfigField field, String what) {
            if (!(field.value() instanceof List<?> items)) {
                throw field.error(ConfigText.notArray(what, field.value()));
            }
            List<String> out = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                out.add(field.element(i).string());
            }
            return out;
        }

        /** Every allowed account must be one the configuration defines, as nats-server checks after parsing. */
        private void checkAllowedAccounts(AuthCallout callout) {
            if (callout.allowedAccounts().isEmpty()) {
                return;
            }
            Set<String> configured = configuredAccounts(options.rawConfig());
            for (String name : callout.allowedAccounts()) {
                if (!configured.contains(name)) {
                    errors.add(allowedAccountsField.error(ConfigText.allowedAccountNotFound(name)));
                }
            }
        }

        /** The names of the {@code accounts} block: its keys (not variables), or the strings of its list form. */
        private static Set<String> configuredAccounts(Map<String, Object> raw) {
            Set<String> names = new LinkedHashSet<>();
            for (Map.Entry<String, Object> entry : raw.entrySet()) {
                if (!entry.getKey().equalsIgnoreCase("accounts")) {
                    continue;
                }
                if (entry.getValue() instanceof Map<?, ?> map) {
                    for (Object k : map.keySet()) {
                        String name = String.valueOf(k);
                        if (!ConfigParser.isReferenced(map, name)) {
                            names.add(name);
                        }
                    }
                } else if (entry.getValue() instanceof List<?> list) {
                    for (Object item : list) {
                        if (item instanceof String name) {
                            names.add(name);
                        }
                    }
                }
            }
            return names;
        }
    }
}
