package io.natrix.server.auth;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link MemoryResolver} and {@link DirResolver} share: the verified JWTs in memory, keyed by account, the
 * update rule and the listeners. Subclasses decide where a stored JWT also goes ({@link #persist}) and whether new
 * accounts are admitted.
 *
 * <p>Thread-safety: reads go to a concurrent map without locking; changes are serialized by one lock, and
 * listeners run after it is released, on the changing thread.
 */
abstract class StoredAccountResolver implements AccountResolver {
    private static final Logger LOG = LoggerFactory.getLogger(StoredAccountResolver.class);
    /** The account named in a reply about a JWT that did not decode, as nats-server names it. */
    static final String NOT_AVAILABLE = "n/a";

    /** Orders uses across entries, for a cache's least-recently-used eviction. */
    private static final AtomicLong USES = new AtomicLong();

    /** One stored account; {@code lastUsed} (clock time) ages it, {@code useOrder} orders a cache's evictions. */
    static final class Entry {
        final String jwt;
        final AccountClaims claims;
        volatile long lastUsed;
        volatile long useOrder;

        Entry(String jwt, AccountClaims claims, long lastUsed) {
            this.jwt = jwt;
            this.claims = claims;
            this.lastUsed = lastUsed;
            this.useOrder = USES.incrementAndGet();
        }

        void used(long now) {
            lastUsed = now;
            useOrder = USES.incrementAndGet();
        }
    }

    final TrustedOperators trust;
    final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    final ReentrantLock lock = new ReentrantLock();
    private final List<Consumer<AccountClaims>> updateListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> deleteListeners = new CopyOnWriteArrayList<>();

    StoredAccountResolver(TrustedOperators trust) {
        this.trust = Objects.requireNonNull(trust, "trust");
    }

    @Override
    public TrustedOperators trust() {
        return trust;
    }

    @Override
    public Optional<String> fetch(String accountKey) {
        Entry entry = use(accountKey);
        return entry == null ? Optional.empty() : Optional.of(entry.jwt);
    }

    @Override
    public Optional<AccountClaims> claims(String accountKey) {
        Entry entry = use(accountKey);
        return entry == null ? Optional.empty() : Optional.of(entry.claims);
    }

    /** The entry of {@code accountKey} for a reader, or null; a cache marks it used or lets it go. */
    Entry use(String accountKey) {
        return accountKey == null ? null : entries.get(accountKey);
    }

    @Override
    public UpdateResult store(String jwt) {
        AccountClaims claims;
        try {
            claims = trust.verifyAccountUpdate(jwt);
        } catch (JwtException e) {
            return UpdateResult.refused(subjectOf(jwt), e.getMessage());
        }
        String key = claims.data().subject();
        lock.lock();
        try {
            Entry old = entries.get(key);
            if (old != null) {
                if (old.jwt.equals(jwt)) {
                    return new UpdateResult(UpdateResult.Status.UNCHANGED, key, UpdateResult.UPDATED);
                }
                if (old.claims.data().issuedAtSeconds() > claims.data().issuedAtSeconds()) {
                    return new UpdateResult(UpdateResult.Status.STALE, key, TrustedOperators.UPDATE_ERROR
                            + " - the JWT was issued before the one stored");
                }
            } else if (!acceptsNewAccounts()) {
                return new UpdateResult(UpdateResult.Status.SKIPPED, key, UpdateResult.SKIPPED);
            } else {
                String full = makeRoom(key);
                if (full != null) {
                    return UpdateResult.refused(key, TrustedOperators.UPDATE_ERROR + " - " + full);
                }
            }
            try {
                persist(key, jwt);
            } catch (IOException e) {
                LOG.error("Account {}: could not store its JWT: {}", key, e.toString());
                return UpdateResult.refused(key, TrustedOperators.UPDATE_ERROR + " - " + e.getMessage());
            }
            entries.put(key, new Entry(jwt, claims, now()));
        } finally {
            lock.unlock();
        }
        notifyUpdate(claims);
        return new UpdateResult(UpdateResult.Status.UPDATED, key, UpdateResult.UPDATED);
    }

    @Override
    public List<String> accountKeys() {
        List<String> keys = new ArrayList<>(entries.keySet());
        keys.sort(null);
        return keys;
    }

    @Override
    public void onUpdate(Consumer<AccountClaims> listener) {
        updateListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void onDelete(Consumer<String> listener) {
        deleteListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Makes room for one more account; called with the lock held.
     *
     * @return null when there is room, else why not
     */
    String makeRoom(String key) {
        return null;
    }

    /** Writes the JWT wherever the subclass keeps it; called with the lock held, before memory is updated. */
    abstract void persist(String key, String jwt) throws IOException;

    /** The time stamp for {@link Entry#lastUsed}. */
    long now() {
        return 0;
    }

    void notifyUpdate(AccountClaims claims) {
        for (Consumer<AccountClaims> listener : updateListeners) {
            try {
                listener.accept(claims);
            } catch (RuntimeException e) {
                LOG.error("Account {}: an update listener failed", claims.data().subject(), e);
            }
        }
    }

    void notifyDelete(String key) {
        for (Consumer<String> listener : deleteListeners) {
            try {
                listener.accept(key);
            } catch (RuntimeException e) {
                LOG.error("Account {}: a delete listener failed", key, e);
            }
        }
    }

    /** The subject of a JWT that was refused, for the reply; "n/a" when it does not even decode. */
    static String subjectOf(String jwt) {
        try {
            return JwtDecoder.decodeAccount(jwt).data().subject();
        } catch (JwtException e) {
            return NOT_AVAILABLE;
        }
    }
}
