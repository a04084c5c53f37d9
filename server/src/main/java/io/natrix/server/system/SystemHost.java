package io.natrix.server.system;

import io.natrix.server.account.Account;
import io.natrix.server.account.Accounts;
import io.natrix.server.client.ClientConnection;
import io.natrix.server.client.ServerStats;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What the system-account services need from the server: its figures, its connections, and the operations a
 * system user may ask for. Implemented by the server; any thread.
 */
public interface SystemHost {

    Accounts accounts();

    Collection<ClientConnection> connections();

    ServerStats stats();

    Instant startTime();

    /** Whether JetStream is enabled. */
    boolean jetstream();

    /**
     * A monitoring document ({@code varz}, {@code connz}, {@code subsz}, {@code accountz}, {@code accstatz},
     * {@code jsz}, {@code healthz}; {@code jsz-account}: the JetStream detail of the account {@code acc}) for these
     * query options, as the HTTP endpoint would serve it.
     *
     * @throws IllegalArgumentException for bad options, with the text the HTTP endpoint answers with
     * @throws IllegalStateException    for what nats-server answers with a 500 error
     * @throws java.util.concurrent.CancellationException when nats-server would not answer at all
     */
    Object monitorDocument(String name, Map<String, List<String>> query);

    /**
     * nats-server's AccountStat of {@code account} (acc, name, conns, leafnodes, total_conns, num_subscriptions,
     * sent, received, slow_consumers), the same figures /accstatz lists.
     */
    Map<String, Object> accountStat(Account account);

    /** Re-reads the configuration file. @throws Exception with the reason it could not */
    void reload() throws Exception;

    /** Closes the connection {@code cid}; false when there is none. */
    boolean kick(long cid);

    /** Tells the connection {@code cid} the server is entering lame duck mode; false when there is none. */
    boolean lameDuckClient(long cid);

    /** The account a connection's requests are about: its own, or null for none. */
    default Account accountOf(ClientConnection client) {
        return client == null ? null : client.account();
    }
}
