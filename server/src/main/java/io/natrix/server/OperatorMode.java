package io.natrix.server;

import io.natrix.server.account.Account;
import io.natrix.server.account.Accounts;
import io.natrix.server.auth.AccountClaims;
import io.natrix.server.auth.AccountLimits;
import io.natrix.server.auth.AccountResolver;
import io.natrix.server.auth.ActivationClaims;
import io.natrix.server.auth.AuthCallout;
import io.natrix.server.auth.ConfigAuthenticator;
import io.natrix.server.auth.ExportType;
import io.natrix.server.auth.JwtAuthenticator;
import io.natrix.server.auth.JwtDecoder;
import io.natrix.server.auth.JwtException;
import io.natrix.server.auth.JwtIdentity;
import io.natrix.server.auth.OperatorConfig;
import io.natrix.server.auth.UserPermissionLimits;
import io.natrix.server.client.ClientConnection;
import io.natrix.server.client.ClientHost;
import io.natrix.server.client.CloseReason;
import io.natrix.server.client.ConnectOptions;
import io.natrix.server.imports.AccountLinks;
import io.natrix.server.jetstream.JetStream;
import io.natrix.server.jetstream.JsAccountLimits;
import io.natrix.server.imports.ImportLink;
import io.natrix.server.subject.SubjectMapping;
import io.natrix.server.subject.SubjectMappings;
import io.natrix.server.subject.SubjectTransformException;
import io.natrix.server.subject.Subjects;
import io.natrix.server.system.SystemRequest;
import io.natrix.server.system.SystemServices;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JWT operator mode, assembled: users authenticate with user JWTs ({@link JwtAuthenticator}); their accounts come
 * from the account resolver and are set up from their JWTs (limits, subject mappings, imports with activation
 * tokens); account JWTs pushed to {@code $SYS.REQ.CLAIMS.UPDATE} or {@code $SYS.REQ.ACCOUNT.<key>.CLAIMS.UPDATE}
 * are stored and applied to live connections (revoked users and users of removed signing keys are disconnected,
 * limits re-applied, connections over the account's limit closed newest first).
 *
 * <p>Threads: {@link #authenticate} runs on connections' event loops; account updates run on the system thread
 * (claim pushes) and are serialised on this object. Connections are told of changes through their thread-safe
 * methods.
 */
final class OperatorMode {
    private static final Logger LOG = LoggerFactory.getLogger(OperatorMode.class);

    private final OperatorConfig config;
    private final AccountResolver resolver;
    private final JwtAuthenticator authenticator;
    private final Accounts accounts;
    private final AccountLinks links;
    private final Supplier<Collection<ClientConnection>> clients;
    private final Clock clock = Clock.systemUTC();
    /** The identity of each JWT-authenticated connection, by cid (for rechecks on account updates). */
    private final ConcurrentHashMap<Long, JwtIdentity> identities = new ConcurrentHashMap<>();
    /** Auth callouts of accounts that ask for one, by account key. */
    private final ConcurrentHashMap<String, CalloutAuthentication> callouts = new ConcurrentHashMap<>();
    private volatile AuthCallout.ServerIdentity calloutServer;
    private volatile JetStream jetStream;
    private volatile SystemServices calloutSystem;
    /** The claims each set-up account was last set up from. Guarded by this. */
    private final Map<String, AccountClaims> applied = new LinkedHashMap<>();

    OperatorMode(OperatorConfig config, Accounts accounts, AccountLinks links,
                 Supplier<Collection<ClientConnection>> clients) {
        this.config = config;
        this.resolver = config.openResolver(Clock.systemUTC());
        this.authenticator = JwtAuthenticator.of(config, resolver);
        this.accounts = accounts;
        this.links = links;
        this.clients = clients;
        resolver.onUpdate(this::accountUpdated);
        resolver.onDelete(this::accountDeleted);
        for (String key : resolver.accountKeys()) {
            resolver.claims(key).ifPresent(this::setUp);
        }
    }

    /** The system account's public key, or null. */
    String systemAccount() {
        return config.systemAccount();
    }

    // ---------------------------------------------------------------- authentication (event loops)

    /**
     * Authenticates a user JWT. When the user's account asks for an auth callout and the user is not one of the
     * service's own users, the service decides where the client goes (the user JWT only names the account that
     * runs the service).
     */
    CompletableFuture<ClientHost.Authenticated> authenticate(ClientConnection client, ConnectOptions connect,
                                                             ConfigAuthenticator.Credentials credentials,
                                                             Duration timeout) {
        JwtAuthenticator.Result result = authenticator.authenticate(credentials,
                JwtAuthenticator.Peer.standard(address(client.remoteHost())), clock.instant());
        if (!result.ok()) {
            LOG.debug("{} - {}", client, result.logMessage());
            return CompletableFuture.completedFuture(null);
        }
        JwtIdentity who = result.identity();
        Account account = account(who.accountKey(), who.account());
        CalloutAuthentication callout = calloutFor(who.account());
        if (callout != null && !callout.callout().isAuthUser(who.userKey())) {
            client.accountExpires(null);
            return callout.authenticate(client, connect, timeout);
        }
        identities.put(client.cid(), who);
        UserPermissionLimits limits = who.limits();
        // The account's expiry has its own timer and text ("Account Authentication Expired"), as in nats-server;
        // the user's (and its connect-times window) goes with the credentials.
        // Always set (null cancels): a repeated CONNECT may have moved the connection out of an expiring account.
        client.accountExpires(expiry(who.account()));
        return CompletableFuture.completedFuture(new ClientHost.Authenticated(account, who.permissions(),
                who.userKey(), new ClientHost.UserLimits(clamp(limits.subs()), clamp(limits.payload())),
                who.expires()));
    }

    /**
     * Turns JetStream on for the accounts whose JWTs grant it (memory or disk storage set, or tiers), now and as
     * accounts are set up later; the API of the others answers "not enabled for account".
     */
    synchronized void jetStream(JetStream js) {
        this.jetStream = js;
        for (Map.Entry<String, AccountClaims> e : applied.entrySet()) {
            Account account = accounts.get(e.getKey());
            if (account != null) {
                enableJetStream(account, e.getValue());
            }
        }
    }

    private void enableJetStream(Account account, AccountClaims claims) {
        JetStream js = jetStream;
        if (js == null) {
            return;
        }
        if (account == accounts.system()) {
            js.refuse(account); // nats-server answers the system account's API requests with 10039
            return;
        }
        AccountLimits.JetStreamLimits l = claims.limits().jetStream();
        boolean granted = l.memoryStorage() != 0 || l.diskStorage() != 0 || !claims.limits().tiered().isEmpty();
        if (!granted) {
            js.refuse(account);
            return;
        }
        js.enable(account, new JsAccountLimits(l.memoryStorage(), l.diskStorage(), l.streams(), l.consumer(),
                l.maxAckPending(), l.memoryMaxStreamBytes(), l.diskMaxStreamBytes(), l.maxBytesRequired()));
    }

    /** Lets accounts whose JWTs ask for an auth callout use one (the server's identity signs the requests). */
    void enableCallouts(AuthCallout.ServerIdentity server, SystemServices system) {
        this.calloutServer = server;
        this.calloutSystem = system;
    }

    /** The callout of an account whose JWT asks for one (made anew when the JWT changed), or null. */
    private CalloutAuthentication calloutFor(AccountClaims claims) {
        String key = claims.data().subject();
        AuthCallout wanted = AuthCallout.forAccount(claims).orElse(null);
        if (wanted == null || calloutServer == null) {
            CalloutAuthentication gone = callouts.remove(key);
            if (gone != null) {
                gone.close();
            }
            return null;
        }
        return callouts.compute(key, (k, current) -> {
            if (current != null && current.callout().accountClaims() == claims) {
                return current;
            }
            if (current != null) {
                current.close();
            }
            return new CalloutAuthentication(wanted, accounts, AuthCallout.Accounts.operator(resolver::claims),
                    a -> account(a.account(), a.accountClaims()), calloutServer, calloutSystem);
        });
    }

    /** When an account JWT expires, or null for never. */
    private static Instant expiry(AccountClaims claims) {
        long seconds = claims.data().expiresAtSeconds();
        return seconds == 0 ? null : Instant.ofEpochSecond(seconds);
    }

    /** The account's JWT as the resolver holds it (monitoring shows it), or empty. */
    java.util.Optional<String> accountJwt(String key) {
        return resolver.fetch(key);
    }

    void closed(ClientConnection client) {
        identities.remove(client.cid());
    }

    private static InetAddress address(String host) {
        try {
            return host == null || host.isEmpty() ? null : InetAddress.getByName(host); // a literal: no lookup
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static int clamp(long limit) {
        return limit < 0 ? -1 : (int) Math.min(limit, Integer.MAX_VALUE);
    }

    // ---------------------------------------------------------------- accounts

    /** The account for {@code key}, set up from {@code claims} unless it already is (from these or newer). */
    private synchronized Account account(String key, AccountClaims claims) {
        AccountClaims current = applied.get(key);
        if (current == null || current.data().issuedAtSeconds() < claims.data().issuedAtSeconds()) {
            setUp(claims);
        }
        return accounts.getOrCreate(key);
    }

    /** Sets an account up from its JWT: limits, mappings, imports; then re-links accounts importing from it. */
    private synchronized void setUp(AccountClaims claims) {
        String key = claims.data().subject();
        Account account = accounts.getOrCreate(key);
        applied.put(key, claims);
        var l = claims.limits();
        account.limits(new Account.Limits(clamp(l.conn()), clamp(l.subs()), clamp(l.payload())));
        account.mappings(mappings(claims));
        account.traceDestination(traceDestination(claims));
        enableJetStream(account, claims);
        for (Map.Entry<String, AccountClaims> e : applied.entrySet()) {
            // This account's own imports, and the imports of every account that may import from it.
            if (e.getKey().equals(key) || importsFrom(e.getValue(), key)) {
                links.link(accounts.getOrCreate(e.getKey()), importLinks(e.getValue()));
            }
        }
    }

    private static boolean importsFrom(AccountClaims claims, String exporter) {
        return claims.imports().stream().anyMatch(i -> i.account().equals(exporter));
    }

    /**
     * The JWT's {@code trace}, as nats-server applies it: an invalid destination turns tracing off, a sampling
     * outside 1 to 100 means 100.
     */
    private static Account.TraceDestination traceDestination(AccountClaims claims) {
        AccountClaims.MsgTrace trace = claims.trace();
        if (trace == null || !Subjects.isValidPublishSubject(trace.destination())) {
            return null;
        }
        int sampling = trace.sampling() <= 0 || trace.sampling() > 100 ? 100 : trace.sampling();
        return new Account.TraceDestination(trace.destination(), sampling);
    }

    private static SubjectMappings mappings(AccountClaims claims) {
        if (claims.mappings().isEmpty()) {
            return SubjectMappings.EMPTY;
        }
        List<SubjectMapping> out = new ArrayList<>();
        for (Map.Entry<String, List<AccountClaims.WeightedMapping>> e : claims.mappings().entrySet()) {
            List<SubjectMapping.Destination> destinations = new ArrayList<>();
            for (AccountClaims.WeightedMapping w : e.getValue()) {
                destinations.add(new SubjectMapping.Destination(w.subject(), w.effectiveWeight(),
                        w.cluster().isEmpty() ? null : w.cluster()));
            }
            try {
                out.add(SubjectMapping.of(e.getKey(), destinations));
            } catch (SubjectTransformException ex) {
                LOG.warn("Account {}: mapping {} ignored: {}", claims.data().subject(), e.getKey(), ex.getMessage());
            }
        }
        return SubjectMappings.of(out);
    }

    /**
     * The imports of an account JWT that the exporters allow, as nats-server checks them: the exporter's JWT is
     * known, it exports the subject (same type, import within the export), and a private export comes with a valid
     * activation token for this account. Others are skipped with a warning, as nats-server skips them.
     */
    private List<ImportLink> importLinks(AccountClaims importer) {
        String importerKey = importer.data().subject();
        List<ImportLink> out = new ArrayList<>();
        for (AccountClaims.Import imp : importer.imports()) {
            String problem = importProblem(importerKey, imp);
            if (problem != null) {
                LOG.warn("Account {}: import of {} from {} skipped: {}", importerKey, imp.subject(), imp.account(),
                        problem);
                continue;
            }
            AccountClaims exporter = applied.get(imp.account());
            if (exporter == null) {
                exporter = resolver.claims(imp.account()).orElse(null);
            }
            Account exporterAccount = accounts.getOrCreate(imp.account());
            AccountClaims.Export export = exportFor(exporter, imp);
            if (imp.type() == ExportType.SERVICE) {
                String local = !imp.localSubject().isEmpty() ? imp.localSubject()
                        : !imp.to().isEmpty() ? imp.to() : imp.subject();
                Duration threshold = Duration.ofNanos(export.responseThresholdNanos());
                boolean single = export.responseType().isEmpty() || export.responseType().equals("Singleton");
                out.add(ImportLink.service(exporterAccount, imp.subject(), local, single, threshold)
                        .withShare(imp.share())
                        .withAllowTrace(export.allowTrace()));
            } else {
                String local = !imp.localSubject().isEmpty() ? imp.localSubject()
                        : !imp.to().isEmpty() ? imp.to() + "." + imp.subject() : imp.subject();
                out.add(ImportLink.stream(exporterAccount, imp.subject(), local).withAllowTrace(imp.allowTrace()));
            }
        }
        return out;
    }

    private String importProblem(String importerKey, AccountClaims.Import imp) {
        if (imp.account().equals(importerKey)) {
            return "an account cannot import from itself";
        }
        AccountClaims exporter = applied.get(imp.account());
        if (exporter == null) {
            exporter = resolver.claims(imp.account()).orElse(null);
        }
        if (exporter == null) {
            return "exporting account not found";
        }
        AccountClaims.Export export = exportFor(exporter, imp);
        if (export == null) {
            return "no matching export";
        }
        if (export.tokenRequired()) {
            return activationProblem(importerKey, imp, exporter, export);
        }
        return null;
    }

    private static AccountClaims.Export exportFor(AccountClaims exporter, AccountClaims.Import imp) {
        for (AccountClaims.Export e : exporter.exports()) {
            if (e.type() == imp.type() && Subjects.isSubsetOf(imp.subject(), e.subject())) {
                return e;
            }
        }
        return null;
    }

    private String activationProblem(String importerKey, AccountClaims.Import imp, AccountClaims exporter,
                                     AccountClaims.Export export) {
        if (imp.token().isEmpty()) {
            return "the export requires an activation token";
        }
        ActivationClaims activation;
        try {
            activation = JwtDecoder.decode(imp.token(), ActivationClaims.class, clock);
        } catch (JwtException e) {
            return "activation token: " + e.getMessage();
        }
        String exporterKey = exporter.data().subject();
        String issuer = activation.data().issuer();
        boolean issuedByExporter = issuer.equals(exporterKey)
                || (activation.issuerAccount().equals(exporterKey) && exporter.signingKeys().containsKey(issuer));
        if (!issuedByExporter) {
            return "activation token not issued by the exporting account";
        }
        if (!activation.data().subject().equals(importerKey)) {
            return "activation token is for another account";
        }
        if (activation.importType() != imp.type() || !Subjects.isSubsetOf(imp.subject(), activation.importSubject())) {
            return "activation token does not cover the import";
        }
        Long revokedAt = export.revocations().get(importerKey);
        if (revokedAt == null) {
            revokedAt = export.revocations().get(AccountClaims.REVOKE_ALL);
        }
        if (revokedAt != null && activation.data().issuedAtSeconds() <= revokedAt) {
            return "activation token revoked";
        }
        return null;
    }

    // ---------------------------------------------------------------- updates (system thread)

    private void accountUpdated(AccountClaims claims) {
        String key = claims.data().subject();
        synchronized (this) {
            if (!applied.containsKey(key) && accounts.get(key) == null) {
                // Not in use yet: set up on first use (account() finds no applied claims). Importers find the new
                // claims in the resolver. Recording them in applied here would make account() take the account
                // as set up and hand out a bare one: no limits, mappings or imports.
                relinkImportersOf(key);
                return;
            }
            setUp(claims);
        }
        recheckConnections(key, claims);
    }

    private synchronized void relinkImportersOf(String key) {
        for (Map.Entry<String, AccountClaims> e : applied.entrySet()) {
            if (!e.getKey().equals(key) && importsFrom(e.getValue(), key) && accounts.get(e.getKey()) != null) {
                links.link(accounts.getOrCreate(e.getKey()), importLinks(e.getValue()));
            }
        }
    }

    private void accountDeleted(String key) {
        synchronized (this) {
            applied.remove(key);
            Account account = accounts.get(key);
            if (account != null) {
                links.unlink(account);
            }
            relinkImportersOf(key);
        }
        for (ClientConnection c : clients.get()) {
            if (c.account() != null && c.account().name().equals(key)) {
                c.terminate("Account Authentication Expired", CloseReason.AUTHENTICATION_EXPIRED);
            }
        }
    }

    /** Applies new account claims to the account's live connections, oldest first. */
    private void recheckConnections(String key, AccountClaims claims) {
        List<ClientConnection> members = new ArrayList<>();
        for (ClientConnection c : clients.get()) {
            if (c.account() != null && c.account().name().equals(key) && !c.isClosed()) {
                members.add(c);
            }
        }
        members.sort(Comparator.comparingLong(ClientConnection::cid));
        long maxConnections = claims.limits().conn();
        int kept = 0;
        Instant now = clock.instant();
        for (ClientConnection c : members) {
            if (maxConnections >= 0 && kept >= maxConnections) {
                c.terminate("maximum account active connections exceeded",
                        CloseReason.MAX_ACCOUNT_CONNECTIONS_EXCEEDED);
                continue;
            }
            JwtIdentity who = identities.get(c.cid());
            if (who != null) {
                JwtAuthenticator.Result r = authenticator.recheck(who, claims, now);
                if (!r.ok()) {
                    if (r.failure() == JwtAuthenticator.Failure.REVOKED) {
                        c.terminate("User Authentication Revoked", CloseReason.REVOCATION);
                    } else if (r.failure() == JwtAuthenticator.Failure.ACCOUNT_EXPIRED) {
                        c.terminate("Account Authentication Expired", CloseReason.AUTHENTICATION_EXPIRED);
                    } else if (r.failure() == JwtAuthenticator.Failure.SIGNING_KEY_CHANGED) {
                        // nats-server closes these without an -ERR (closeConnection(AuthenticationViolation)).
                        c.close(CloseReason.AUTHENTICATION_VIOLATION);
                    } else {
                        c.terminate("Authorization Violation", CloseReason.AUTHENTICATION_VIOLATION);
                    }
                    continue;
                }
                identities.put(c.cid(), r.identity());
                c.accountExpires(expiry(claims)); // renewed, shortened or dropped with the update
                if (r.identity().permissions() != who.permissions()) {
                    c.permissionsChanged(r.identity().permissions());
                }
            }
            kept++;
            c.accountLimitsChanged();
        }
    }

    // ---------------------------------------------------------------- system subjects

    /**
     * Answers account JWT pushes and lookups in the system account, on nats-server's subjects: full and cache
     * resolvers take {@code $SYS.REQ.CLAIMS.UPDATE} and the per-account subjects; MEMORY only the per-account ones
     * (for accounts it holds).
     */
    void register(SystemServices system, Account sys) {
        system.subscribe(sys, "$SYS.REQ.ACCOUNT.*.CLAIMS.UPDATE", r -> update(system, r, token(r.subject(), 3)));
        system.subscribe(sys, "$SYS.ACCOUNT.*.CLAIMS.UPDATE", r -> update(system, r, token(r.subject(), 2)));
        if (resolver.acceptsNewAccounts()) {
            system.subscribe(sys, "$SYS.REQ.CLAIMS.UPDATE", r -> update(system, r, null));
        }
        system.subscribe(sys, "$SYS.REQ.ACCOUNT.*.CLAIMS.LOOKUP", r -> {
            String jwt = resolver.fetch(token(r.subject(), 3)).orElse("");
            system.reply(r.account(), r.reply(), jwt.getBytes(StandardCharsets.UTF_8));
        });
    }

    private void update(SystemServices system, SystemRequest request, String accountKey) {
        String jwt = new String(request.payload(), StandardCharsets.UTF_8).trim();
        AccountResolver.UpdateResult result;
        if (jwt.isEmpty()) {
            result = new AccountResolver.UpdateResult(AccountResolver.UpdateResult.Status.REFUSED,
                    accountKey == null ? "" : accountKey, "jwt update error - request body is empty");
        } else {
            result = accountKey == null ? resolver.store(jwt) : resolver.store(accountKey, jwt);
        }
        if (result.ok()) {
            LOG.debug("{} - {}", result.text(), result.account());
        } else {
            LOG.error("{} - {}", result.account(), result.text());
        }
        Map<String, Object> status = new LinkedHashMap<>();
        if (!result.account().isEmpty()) {
            status.put("account", result.account());
        }
        status.put("code", result.ok() ? 200 : 500);
        status.put(result.ok() ? "message" : "description", result.text());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("server", system.serverInfo());
        answer.put(result.ok() ? "data" : "error", status);
        system.replyJson(request.account(), request.reply(), answer);
    }

    private static String token(String subject, int index) {
        String[] t = Subjects.tokens(subject);
        return index < t.length ? t[index] : "";
    }
}
