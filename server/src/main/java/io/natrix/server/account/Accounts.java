package io.natrix.server.account;

import java.util.Collection;
import java.util.Collections;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The accounts of one server, by name. Always holds the global account {@code $G} and the system account
 * {@code $SYS}.
 *
 * <p>Thread-safe.
 */
public final class Accounts {
    private final ConcurrentHashMap<String, Account> byName = new ConcurrentHashMap<>();
    private final boolean matchCacheEnabled;
    private final Account global;
    private final Account system;

    public Accounts(boolean matchCacheEnabled) {
        this(matchCacheEnabled, Account.SYSTEM);
    }

    /** Accounts whose system account is named {@code systemName} (operator mode: the account's public key). */
    public Accounts(boolean matchCacheEnabled, String systemName) {
        this.matchCacheEnabled = matchCacheEnabled;
        this.global = getOrCreate(Account.GLOBAL);
        this.system = getOrCreate(systemName == null ? Account.SYSTEM : systemName);
    }

    public Account global() {
        return global;
    }

    public Account system() {
        return system;
    }

    public Account get(String name) {
        return byName.get(name);
    }

    public Account getOrCreate(String name) {
        return byName.computeIfAbsent(name, n -> new Account(n, matchCacheEnabled));
    }

    public Collection<Account> all() {
        return Collections.unmodifiableCollection(byName.values());
    }
}
