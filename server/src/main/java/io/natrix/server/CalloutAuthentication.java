package io.natrix.server;

import io.natrix.server.account.Account;
import io.natrix.server.account.Accounts;
import io.natrix.server.auth.AuthCallout;
import io.natrix.server.auth.AuthorizationRequestClaims;
import io.natrix.server.auth.UserPermissionLimits;
import io.natrix.server.client.ClientConnection;
import io.natrix.server.client.ClientHost;
import io.natrix.server.client.ConnectOptions;
import io.natrix.server.client.InternalSubscription;
import io.natrix.server.client.Message;
import io.natrix.server.client.Router;
import io.natrix.server.system.SystemServices;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Auth callout, assembled (configuration mode: one for the server; operator mode: one per account whose JWT asks
 * for it): a client that is not one of the callout's own users is described in
 * a signed authorization request, published on {@code $SYS.REQ.USER.AUTH} in the callout account with a reply
 * subject of ours; the service's answer is checked ({@link AuthCallout#verify}) and places the client in the
 * account its user JWT names, with that JWT's permissions, limits and expiry.
 *
 * <pre>
 *   client CONNECT ──► request JWT (sealed to the service's xkey when configured)
 *                      PUB $SYS.REQ.USER.AUTH  _INBOX.&lt;tag&gt;.&lt;n&gt;      (callout account)
 *   service        ──► PUB _INBOX.&lt;tag&gt;.&lt;n&gt;  response JWT{ user JWT | error }
 *                      verify ─► account, permissions, expiry ─► the connection resumes
 * </pre>
 * No answer within the auth timeout, no service listening, or any refusal: the client gets
 * {@code Authorization Violation}.
 *
 * <p>Thread-safe. Requests are published on the client's loop; answers are checked on the system thread.
 */
final class CalloutAuthentication {
    private static final Logger LOG = LoggerFactory.getLogger(CalloutAuthentication.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Pending(AuthCallout.Request request, CompletableFuture<ClientHost.Authenticated> future,
                           String client) {
    }

    private final AuthCallout callout;
    private final Function<AuthCallout.Authorized, Account> place;
    private final AuthCallout.Accounts known;
    private final InternalSubscription inbox;
    private final AuthCallout.ServerIdentity server;
    private final SystemServices system;
    private final Account calloutAccount;
    private final String inboxPrefix = "_INBOX." + Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36) + ".";
    private final AtomicLong sequence = new AtomicLong();
    private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();

    /**
     * @param known the accounts answers may place clients in ({@link AuthCallout.Accounts#config} or
     *              {@link AuthCallout.Accounts#operator})
     * @param place the account an authorized client joins (set up as the server sets accounts up)
     */
    CalloutAuthentication(AuthCallout callout, Accounts accounts, AuthCallout.Accounts known,
                          Function<AuthCallout.Authorized, Account> place, AuthCallout.ServerIdentity server,
                          SystemServices system) {
        this.callout = callout;
        this.place = place;
        this.known = known;
        this.server = server;
        this.system = system;
        this.calloutAccount = accounts.getOrCreate(callout.account());
        this.inbox = new InternalSubscription(inboxPrefix + "*", null) {
            @Override
            protected boolean onMessage(Message m) {
                String subject = m.subject();
                byte[] payload = m.payload();
                system.execute(() -> answered(subject, payload));
                return true;
            }
        };
        calloutAccount.index().insert(inbox);
    }

    /** Configuration mode: clients may be placed in the configured accounts (and {@code $G}). */
    static CalloutAuthentication configured(AuthCallout callout, Accounts accounts, Collection<String> accountNames,
                                            Collection<String> userNames, AuthCallout.ServerIdentity server,
                                            SystemServices system) {
        for (String error : callout.startupErrors(accountNames, userNames)) {
            LOG.error(error);
        }
        return new CalloutAuthentication(callout, accounts, AuthCallout.Accounts.config(accountNames),
                a -> accounts.getOrCreate(a.account()), server, system);
    }

    AuthCallout callout() {
        return callout;
    }

    /** Stops taking answers (the callout's account changed); requests still waiting time out. */
    void close() {
        calloutAccount.index().remove(inbox);
    }

    /** Whether a client bound to {@code boundAccount} by ordinary authentication goes to the service. */
    boolean applies(ConnectOptions connect, String boundAccount) {
        return !callout.isAuthUser(AuthCallout.rawAuthUser(record(connect), null)) && callout.delegates(boundAccount);
    }

    /** Asks the service about {@code client}; completes with its placement, or null for a violation. */
    CompletableFuture<ClientHost.Authenticated> authenticate(ClientConnection client, ConnectOptions connect,
                                                             Duration timeout) {
        CompletableFuture<ClientHost.Authenticated> future = new CompletableFuture<>();
        AuthCallout.Request request;
        try {
            request = callout.request(server,
                    AuthCallout.ClientDetails.client(client.remoteHost(), client.cid(), client.nonce()),
                    record(connect), null, timeout, Instant.now());
        } catch (RuntimeException e) {
            LOG.error("{} - Auth callout request could not be made: {}", client, e.getMessage());
            future.complete(null);
            return future;
        }
        String reply = inboxPrefix + sequence.incrementAndGet();
        pending.put(reply, new Pending(request, future, client.toString()));
        system.schedule(timeout, () -> {
            Pending p = pending.remove(reply);
            if (p != null) {
                LOG.error("{} - Auth callout: no answer within {} ms", p.client(), timeout.toMillis());
                p.future().complete(null);
            }
        });
        if (!Router.publish(calloutAccount, request.subject(), reply, headers(request.headers()), request.payload())) {
            pending.remove(reply);
            LOG.error("{} - Auth callout: no service listening on {} in account {}", client, request.subject(),
                    calloutAccount);
            future.complete(null);
        }
        return future;
    }

    private void answered(String reply, byte[] payload) {
        Pending p = pending.remove(reply);
        if (p == null) {
            return; // timed out already, or a stray message
        }
        AuthCallout.Result result;
        try {
            result = callout.verify(payload, p.request(), known, Instant.now());
        } catch (RuntimeException e) {
            LOG.error("{} - Auth callout answer could not be checked: {}", p.client(), e.getMessage());
            p.future().complete(null);
            return;
        }
        if (!result.ok()) {
            LOG.error("{} - {}", p.client(), result.message());
            p.future().complete(null);
            return;
        }
        AuthCallout.Authorized who = result.authorized();
        UserPermissionLimits limits = who.limits();
        String name = who.userName() == null || who.userName().isEmpty() ? who.userNkey() : who.userName();
        p.future().complete(new ClientHost.Authenticated(place.apply(who), who.permissions(),
                name, new ClientHost.UserLimits(clamp(limits.subs()), clamp(limits.payload())), who.expires()));
    }

    private static int clamp(long limit) {
        return limit < 0 ? -1 : (int) Math.min(limit, Integer.MAX_VALUE);
    }

    private static byte[] headers(Map<String, String> headers) {
        if (headers.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder("NATS/1.0\r\n");
        headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
        return sb.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static AuthorizationRequestClaims.ConnectOptions record(ConnectOptions c) {
        return new AuthorizationRequestClaims.ConnectOptions(c.jwt, c.nkey, c.sig, c.authToken, c.user, c.pass,
                c.name, c.lang, c.version, c.protocol);
    }
}
