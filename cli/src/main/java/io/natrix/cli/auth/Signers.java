package io.natrix.cli.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nats.client.NKey;

/**
 * Who signs what, as natscli's auth builder decides: an operator's own JWT is signed by its identity key, its
 * accounts by its first signing key whose seed the store holds (else by its identity key), and an account's users
 * by the account's identity key. Stateless.
 */
final class Signers {

    private Signers() {
    }

    /** The key that issues an operator's accounts. */
    static NKey forAccounts(AuthStore store, AuthStore.Entry operator) {
        for (String key : Claims.strings(operator.nats(), "signing_keys")) {
            if (store.hasSeed(key)) {
                return NKeys.fromSeed(store.seed(key), "the key store");
            }
        }
        return NKeys.fromSeed(store.seed(operator.subject()), "the key store");
    }

    /** Issues (or re-issues) an account JWT of {@code operator}. */
    static String issueAccount(AuthStore store, AuthStore.Entry operator, ObjectNode claims, long nowSeconds) {
        return Jwt.issue(Claims.ordered(claims), forAccounts(store, operator), nowSeconds);
    }

    /** Issues (or re-issues) a user JWT of {@code account}. */
    static String issueUser(AuthStore store, AuthStore.Entry account, ObjectNode claims, long nowSeconds) {
        NKey signer = NKeys.fromSeed(store.seed(account.subject()), "the key store");
        return Jwt.issue(Claims.ordered(claims), signer, nowSeconds);
    }

    /** Issues (or re-issues) an operator JWT, self-signed. */
    static String issueOperator(AuthStore store, ObjectNode claims, long nowSeconds) {
        String subject = claims.path("sub").asText("");
        NKey signer = NKeys.fromSeed(store.seed(subject), "the key store");
        return Jwt.issue(Claims.ordered(claims), signer, nowSeconds);
    }
}
