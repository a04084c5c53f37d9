package io.natrix.server.auth;

import java.util.Map;

/**
 * {@code resolver: MEMORY}: the accounts of {@code resolver_preload}, held in memory for the life of the server.
 *
 * <p>Updates follow nats-server's MEMORY resolver, which answers claim updates only on
 * {@code $SYS.REQ.ACCOUNT.<key>.CLAIMS.UPDATE} (and the older {@code $SYS.ACCOUNT.<key>.CLAIMS.UPDATE}), never on
 * {@code $SYS.REQ.CLAIMS.UPDATE}: an update of an account it holds replaces it (if not issued earlier than the one
 * held, our rule; nats-server takes any trusted JWT here), an update of any other account is
 * {@link UpdateResult.Status#SKIPPED "jwt update skipped"}. Nothing is written anywhere: a restart goes back to the
 * preloads. Accounts cannot be deleted.
 *
 * <p>Thread-safe (see {@link AccountResolver}).
 */
public final class MemoryResolver extends StoredAccountResolver {

    /**
     * A resolver holding {@code preloads}, account public key to account JWT.
     *
     * @throws IllegalArgumentException when a preload does not verify or is stored under another key than its
     *                                  subject; {@link OperatorConfig} reports these as configuration errors first
     */
    public MemoryResolver(TrustedOperators trust, Map<String, String> preloads) {
        super(trust);
        for (Map.Entry<String, String> preload : preloads.entrySet()) {
            AccountClaims claims;
            try {
                claims = trust.verifyAccount(preload.getValue());
            } catch (JwtException e) {
                throw new IllegalArgumentException("preload " + preload.getKey() + ": " + e.getMessage(), e);
            }
            if (!claims.data().subject().equals(preload.getKey())) {
                throw new IllegalArgumentException("preload " + preload.getKey() + ": the JWT is about account "
                        + claims.data().subject());
            }
            entries.put(preload.getKey(), new Entry(preload.getValue(), claims, 0));
        }
    }

    @Override
    public boolean acceptsNewAccounts() {
        return false;
    }

    @Override
    void persist(String key, String jwt) {
        // memory only
    }

    /** Always refused, with nats-server's text. */
    @Override
    public UpdateResult delete(String accountKey) {
        return UpdateResult.refused(accountKey, "store is not set up to for delete");
    }

    @Override
    public String toString() {
        return "MemoryResolver{accounts=" + entries.size() + "}";
    }
}
