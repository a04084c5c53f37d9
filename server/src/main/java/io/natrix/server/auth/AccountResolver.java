package io.natrix.server.auth;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where an operator-mode server finds account JWTs, by account public key: nats-server's account resolver.
 *
 * <pre>
 *   resolver: MEMORY                          {@link MemoryResolver}: the resolver_preload accounts, in memory
 *   resolver: { type: full,  dir: "jwt" }     {@link DirResolver}: every account, one file each, kept on disk
 *   resolver: { type: cache, dir: "jwt" }     {@link DirResolver}: a bounded set on disk, least recently used out
 * </pre>
 * (nats-server's URL resolver, which fetches over HTTP, is not supported.)
 *
 * <p>Every JWT a resolver holds was checked on the way in ({@link TrustedOperators#verifyAccount}): it decodes as an
 * account JWT, a trusted key issued it, and it is stored under its own subject. Expired accounts are kept; refusing
 * their users is the authenticator's business.
 *
 * <p>Updates ({@link #store}) come from claim-update requests on the system account. They replace what is stored
 * only when the new JWT was not issued before it (same rule as nats-server's resolver synchronisation,
 * {@code saveIfNewer}), so an old JWT replayed cannot undo a revocation. Listeners registered with
 * {@link #onUpdate} and {@link #onDelete} hear of every change, on the thread that made it, after it is stored, so
 * the server can re-apply limits, permissions and revocations to live connections.
 *
 * <p>Implementations are thread-safe: connections fetch from their event loops while updates arrive on the system
 * account's thread. {@link #fetch} and {@link #claims} read memory only and never block on disk.
 */
public interface AccountResolver {

    /** The account JWT stored for {@code accountKey}, or empty when there is none. */
    Optional<String> fetch(String accountKey);

    /** The decoded claims of {@link #fetch}'s JWT, decoded once when stored, or empty. */
    Optional<AccountClaims> claims(String accountKey);

    /**
     * Stores an account JWT under its subject, after {@link TrustedOperators#verifyAccountUpdate}.
     *
     * @return what happened, with the message nats-server would reply
     */
    UpdateResult store(String jwt);

    /**
     * {@link #store(String)} for a request on {@code $SYS.REQ.ACCOUNT.<accountKey>.CLAIMS.UPDATE}, where the
     * subject names the account: a JWT about another account is refused with nats-server's
     * "subject does not match jwt content".
     */
    default UpdateResult store(String accountKey, String jwt) {
        AccountClaims claims;
        try {
            claims = trust().verifyAccountUpdate(jwt);
        } catch (JwtException e) {
            return UpdateResult.refused(accountKey, e.getMessage());
        }
        if (!claims.data().subject().equals(accountKey)) {
            return UpdateResult.refused(accountKey,
                    TrustedOperators.UPDATE_ERROR + " - subject does not match jwt content");
        }
        return store(jwt);
    }

    /**
     * Removes an account. Only a full directory resolver with {@code allow_delete} does this; the others answer
     * nats-server's "store is not set up to for delete". Deleting an account that is not stored succeeds.
     */
    UpdateResult delete(String accountKey);

    /** The stored account keys, sorted. */
    List<String> accountKeys();

    /** Calls {@code listener} with the new claims after each stored change. */
    void onUpdate(Consumer<AccountClaims> listener);

    /** Calls {@code listener} with the account key after each deletion. */
    void onDelete(Consumer<String> listener);

    /** Whether {@link #store} can add accounts that are not stored yet (MEMORY only updates what it has). */
    boolean acceptsNewAccounts();

    /** The operators whose keys every stored JWT must be issued by. */
    TrustedOperators trust();

    /**
     * The outcome of a store or delete, as nats-server reports it in its claim-update reply: the account, and for
     * success the {@code data.message} (code 200), for failure the {@code error.description} (code 500).
     *
     * @param status  what happened
     * @param account the account public key, "n/a" when the JWT did not decode, "" for requests about no one account
     * @param text    the reply's message (success) or description (failure)
     */
    record UpdateResult(Status status, String account, String text) {
        /** nats-server's reply for a stored update. */
        public static final String UPDATED = "jwt updated";
        /** nats-server's reply for an update of an account this server does not hold (MEMORY resolver). */
        public static final String SKIPPED = "jwt update skipped";

        public enum Status {
            /** Stored; listeners were told. */
            UPDATED,
            /** The same JWT was stored already; nothing changed (nats-server still answers "jwt updated"). */
            UNCHANGED,
            /** Not stored and not an error: the resolver does not hold the account (MEMORY). */
            SKIPPED,
            /** Refused: issued before the JWT already stored. */
            STALE,
            /** Refused: invalid, untrusted, store full, deletion not allowed, or an I/O error. */
            REFUSED,
            /** Deleted (or was not there); listeners were told of a deletion. */
            DELETED,
        }

        public UpdateResult {
            account = account == null ? "" : account;
        }

        static UpdateResult refused(String account, String description) {
            return new UpdateResult(Status.REFUSED, account, description);
        }

        /** Whether nats-server would answer with {@code data} (code 200) rather than {@code error} (code 500). */
        public boolean ok() {
            return status == Status.UPDATED || status == Status.UNCHANGED || status == Status.SKIPPED
                    || status == Status.DELETED;
        }
    }
}
