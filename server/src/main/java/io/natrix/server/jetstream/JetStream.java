package io.natrix.server.jetstream;

import io.natrix.server.account.Account;
import io.natrix.server.client.InternalSubscription;
import io.natrix.server.client.Message;
import io.natrix.server.client.Router;
import io.natrix.server.store.FileStore;
import io.natrix.server.store.MemoryStore;
import io.natrix.server.store.MessageStore;
import io.natrix.server.store.StoreLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JetStream on this server: the accounts it is enabled for ({@link JsAccount}), their API subscriptions, the
 * stores of their streams, and the JetStream thread.
 *
 * <p>Threads: API requests are copied off the publisher's thread and handled one at a time on the
 * {@code natrix-jetstream} thread, which also runs the expiry of streams (max_age, message TTLs) every second. Stream ingest runs on
 * publishers' threads ({@link Stream}); mirrors and sources copy on the {@code natrix-js-sourcing} thread
 * ({@link StreamSourcing}). Pull requests ({@code CONSUMER.MSG.NEXT}) and acks go to their consumer on the sender's
 * thread, and direct gets ({@link DirectGet}) are answered there too; consumers deliver on the {@code natrix-consumer} pool and are woken by the {@code natrix-consumer-timer}
 * thread ({@link Consumer}).
 */
public final class JetStream implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JetStream.class);

    private static final String NEXT_PREFIX = "CONSUMER.MSG.NEXT.";

    private final JetStreamConfig config;
    /** Storage in use on this server, fed by every account's quota. */
    private final StorageQuota storage;
    private final String serverName;
    private final ConcurrentHashMap<Account, JsAccount> accounts = new ConcurrentHashMap<>();
    /** Each account's API subscriptions (serving, or refusing), so that a JWT update can swap them. */
    private final java.util.Map<Account, List<InternalSubscription>> apiSubscriptions = new java.util.HashMap<>();
    private final java.util.Set<Account> refused = new java.util.HashSet<>();
    /**
     * The API thread. Its tasks go through {@link #guarded}: a scheduled executor keeps a task's exception in a
     * future nobody reads, which would leave a request unanswered without a word in the log.
     */
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "natrix-jetstream");
        t.setDaemon(true);
        return t;
    });
    /** Copies messages into mirrors and sourcing streams ({@link StreamSourcing}), off publishers' threads. */
    private final ScheduledExecutorService sourcing = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "natrix-js-sourcing");
        t.setDaemon(true);
        return t;
    });

    /** Consumers' delivery loops ({@link Consumer}): a small pool; each consumer runs on one thread at a time. */
    private final java.util.concurrent.ExecutorService consumerExecutor = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "natrix-consumer");
        t.setDaemon(true);
        t.setUncaughtExceptionHandler((thread, e) -> LOG.error("JetStream consumer task failed", e));
        return t;
    });
    /** Consumers' timers (ack waits, request expiry, heartbeats); they only signal the delivery loops. */
    private final ScheduledExecutorService consumerTimers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "natrix-consumer-timer");
        t.setDaemon(true);
        return t;
    });

    /** Sends file streams' PubAcks after an fsync ({@code sync_interval: group | always}); null otherwise. */
    private final GroupCommit groupCommit;

    /** JetStream on the server named {@code serverName} (the name its advisories and monitoring carry). */
    public JetStream(JetStreamConfig config, String serverName) {
        this.config = config;
        this.groupCommit = config.acksAfterSync() ? new GroupCommit() : null;
        this.storage = StorageQuota.server(config);
        this.serverName = serverName;
        executor.scheduleWithFixedDelay(guarded(this::expire), 1, 1, TimeUnit.SECONDS);
    }

    public JetStreamConfig config() {
        return config;
    }

    String serverName() {
        return serverName;
    }

    java.util.concurrent.Executor consumerExecutor() {
        return consumerExecutor;
    }

    ScheduledExecutorService consumerTimers() {
        return consumerTimers;
    }

    /** Runs {@code task} on the JetStream thread (unless shutting down). */
    void execute(Runnable task) {
        try {
            executor.execute(guarded(task));
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    /** {@code task}, logging what it throws (a periodic task keeps running after a failed round). */
    static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (Throwable e) {
                LOG.error("JetStream task failed", e);
            }
        };
    }

    ScheduledExecutorService sourcingExecutor() {
        return sourcing;
    }

    /** The server's storage quota, under which each account gets its own. */
    StorageQuota storage() {
        return storage;
    }

    JsServerLimits serverLimits() {
        return JsServerLimits.NONE;
    }

    /**
     * Enables JetStream for {@code account}: its streams are restored and its API answers. Called again (an account
     * JWT update), it turns a refused account's JetStream on, or gives an enabled one its new limits (checked from
     * the next request and store on; what is stored stays, as in nats-server).
     */
    public synchronized void enable(Account account, JsAccountLimits limits) {
        JsAccount current = accounts.get(account);
        if (current != null) {
            if (!current.limits().equals(limits)) {
                LOG.info("JetStream limits of account {} changed", account.name());
                current.limits(limits);
            }
            return;
        }
        if (refused.remove(account)) {
            LOG.info("JetStream enabled for account {}", account.name());
            unsubscribeApi(account);
        }
        JsAccount jsa = new JsAccount(this, account, config.accountDir(account.name()), limits);
        jsa.recover();
        accounts.put(account, jsa);
        subscribeApi(account, jsa);
    }

    /**
     * Answers the API of an account without JetStream with nats-server's "JetStream not enabled for account"
     * (503, 10039), so its clients get a clear error rather than a timeout.
     */
    public synchronized void refuse(Account account) {
        if (refused.contains(account)) {
            return;
        }
        if (accounts.containsKey(account)) {
            // An account JWT update took JetStream away: its streams stop (their data stays for a later grant).
            LOG.info("JetStream disabled for account {}", account.name());
            stop(account);
        }
        refused.add(account);
        subscribeApi(account, null);
    }

    /** Stops an enabled account's JetStream and removes its API subscriptions. Under this object's lock. */
    private void stop(Account account) {
        unsubscribeApi(account);
        JsAccount jsa = accounts.remove(account);
        // On the API thread, after any request already queued for this account: none runs against stopped streams.
        Future<?> done = executor.submit(guarded(jsa::stop));
        try {
            done.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("JetStream of account {} did not stop in time: {}", account.name(), e.toString());
        }
    }

    private void unsubscribeApi(Account account) {
        List<InternalSubscription> subs = apiSubscriptions.remove(account);
        if (subs != null) {
            for (InternalSubscription sub : subs) {
                account.index().remove(sub);
            }
        }
    }

    private void subscribeApi(Account account, JsAccount jsa) {
        List<String> prefixes = new ArrayList<>(List.of("$JS.API."));
        if (!config.domain().isEmpty()) {
            prefixes.add("$JS." + config.domain() + ".API.");
        }
        for (String prefix : prefixes) {
            InternalSubscription sub = new InternalSubscription(prefix + ">", null) {
                @Override
                protected boolean onMessage(Message m) {
                    String op = m.subject().substring(prefix.length());
                    String reply = m.reply();
                    if (jsa != null && op.startsWith(NEXT_PREFIX)) {
                        // Pull requests go straight to their consumer, on the requester's thread: no API round trip.
                        jsa.nextRequest(op, reply, m.payload());
                        return true;
                    }
                    if (jsa != null && op.startsWith(DirectGet.PREFIX)) {
                        // Direct gets only read a store: served inline, as nats-server serves them.
                        jsa.directGet(op, reply, m.headers(), m.payload());
                        return true;
                    }
                    byte[] headers = m.headers();
                    byte[] payload = m.payload();
                    io.natrix.server.client.ClientConnection requester = m.publisher();
                    try {
                        executor.execute(guarded(() -> {
                            if (jsa != null) {
                                jsa.handle(op, reply, headers, payload, requester);
                            } else if (reply != null) {
                                reply(account, reply, JsApi.AccountInfoResponse.failed(
                                        JsErrors.notEnabledForAccount()));
                            }
                        }));
                        return true;
                    } catch (RejectedExecutionException e) {
                        return false; // shutting down
                    }
                }
            };
            apiSubscriptions.computeIfAbsent(account, a -> new ArrayList<>()).add(sub);
            account.index().insert(sub);
        }
    }

    /** The JetStream state of {@code account}, or null when it has none. */
    JsAccount account(Account account) {
        return accounts.get(account);
    }

    /** Every account's JetStream state, for reading ({@link JetStreamUsage}). */
    java.util.Collection<JsAccount> jsAccounts() {
        return accounts.values();
    }

    /** Accounts with JetStream (monitoring). */
    public List<Account> enabledAccounts() {
        return new ArrayList<>(accounts.keySet());
    }

    MessageStore openStore(StreamConfig c, Path streamDir) throws IOException {
        long firstSeq = Math.max(1, c.firstSeq());
        StoreLimits limits = Stream.limits(c);
        if (c.storage() == StorageType.MEMORY) {
            return new MemoryStore(limits, firstSeq);
        }
        // With group/always the PubAck path fsyncs (GroupCommit): the store itself only syncs on its timer.
        return FileStore.open(new FileStore.Config(streamDir, FileStore.Config.BLOCK_SIZE_DEFAULT, config.syncInterval(),
                false), limits, firstSeq);
    }

    /** What sends file streams' PubAcks after an fsync, or null when they go at once (sync_interval a duration). */
    GroupCommit groupCommit() {
        return groupCommit;
    }

    void reply(Account account, String subject, Object answer) {
        Router.publish(account, subject, null, null, JsJson.write(answer));
    }

    /** A status-only answer ({@code NATS/1.0 404 Message Not Found}), as direct gets use. */
    void replyStatus(Account account, String subject, String status) {
        byte[] headers = ("NATS/1.0 " + status + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        Router.publish(account, subject, null, headers, new byte[0]);
    }

    private void expire() {
        long now = Stream.nowNanos();
        for (JsAccount jsa : accounts.values()) {
            for (Stream s : jsa.streams()) {
                if (s.config().maxAgeNanos() > 0 || s.config().allowMsgTtl()) {
                    try {
                        s.expire(now);
                    } catch (IOException | RuntimeException e) {
                        LOG.error("Expiry of stream {} failed: {}", s.name(), e.toString());
                    }
                }
            }
        }
    }

    /** Stops every stream (data kept) and the JetStream thread. */
    @Override
    public synchronized void close() {
        executor.shutdown();
        consumerTimers.shutdownNow();
        sourcing.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
            sourcing.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (groupCommit != null) {
            groupCommit.close(); // the waiting PubAcks go before their stores close
        }
        for (var e : accounts.entrySet()) {
            e.getValue().stop();
        }
        accounts.clear();
        consumerExecutor.shutdown();
        try {
            consumerExecutor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
