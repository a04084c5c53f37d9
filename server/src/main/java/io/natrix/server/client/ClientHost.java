package io.natrix.server.client;

import io.natrix.server.account.Account;
import io.natrix.server.auth.PermissionsPolicy;
import io.natrix.server.config.ServerOptions;
import java.util.concurrent.CompletionStage;

/**
 * What a client connection needs from the server around it. Implemented by the server; narrow so that the client
 * package does not depend on the server's assembly.
 *
 * <p>Every method is safe to call from any event-loop thread.
 */
public interface ClientHost {

    /**
     * Runs {@code action} once the server has finished starting (JetStream restored, system services up), at once
     * when it has. The client port is bound before that, so that harnesses see it accept quickly; a client that
     * connects meanwhile gets its INFO, and is read from, only when this runs. Any thread.
     */
    default void whenReady(Runnable action) {
        action.run();
    }

    /** Whether the server has finished starting. Any thread. */
    default boolean ready() {
        return true;
    }

    /** The options in force (replaced atomically on reload). */
    ServerOptions options();

    /** The INFO line (ending in CRLF) to send this client now. */
    byte[] infoLine(ClientConnection client);

    /** Whether clients must authenticate in CONNECT. */
    boolean authRequired();

    /** Whether INFO carries a nonce (nkey users are configured). */
    boolean nonceRequired();

    /**
     * Who an authenticated client is: the account it belongs to, its permissions, its user name, the limits of the
     * user itself ({@code -1} fields: none; the account's and the server's apply on top) and when its credentials
     * expire (null: never).
     */
    record Authenticated(Account account, PermissionsPolicy permissions, String user, UserLimits limits,
                         java.time.Instant expires) {
        public Authenticated(Account account, PermissionsPolicy permissions, String user) {
            this(account, permissions, user, UserLimits.UNLIMITED, null);
        }
    }

    /** Limits a user JWT sets for its connection; {@code -1} is no limit. */
    record UserLimits(int maxSubscriptions, int maxPayload) {
        public static final UserLimits UNLIMITED = new UserLimits(-1, -1);
    }

    /**
     * Checks the credentials of a CONNECT and picks the account; a null result means "Authorization Violation".
     * Usually complete on return; an authentication service (auth callout) completes it later, from any thread,
     * and the connection reads nothing more from its client until then.
     */
    CompletionStage<Authenticated> authenticate(ClientConnection client, ConnectOptions connect);

    /** A new connection became active; false means the server refuses it (maximum connections). */
    boolean opened(ClientConnection client);

    /** A client authenticated and its CONNECT was accepted; called once, on its loop. */
    default void connected(ClientConnection client) {
    }

    /** A client failed to authenticate (it is being closed); on its loop. */
    default void authenticationFailed(ClientConnection client) {
    }

    /** A connection closed; called once. */
    void closed(ClientConnection client);

    /** Server-wide counters. */
    ServerStats stats();

    /**
     * The {@code server} object of an event the server publishes (nats-server's ServerInfo: name, host, id,
     * version, JetStream, flags, sequence, time), for message traces; each call takes the next sequence number.
     * Serialised with Jackson.
     */
    Object eventServerInfo();
}
