package io.natrix.server.auth;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The operators this server trusts and what follows from them: which keys may sign account JWTs. Account JWTs enter
 * the server in three ways, all checked here: {@code resolver_preload} at start-up, the files of a directory
 * resolver, and claim updates pushed to {@code $SYS.REQ.CLAIMS.UPDATE} and {@code $SYS.REQ.ACCOUNT.<key>.CLAIMS.UPDATE}.
 *
 * <pre>
 *   trusted keys = for each operator: its own key (unless strict_signing_key_usage) + its signing_keys
 *                  or, without operator JWTs, the configured {@code trusted} keys
 * </pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class TrustedOperators {
    /** nats-server's reply message when a claim update cannot be decoded or is refused. */
    public static final String UPDATE_ERROR = "jwt update resulted in error";
    /** nats-server's reply message when a claim update breaks the claims' content rules. */
    public static final String UPDATE_VALIDATION_FAILED = "jwt validation failed";
    /** nats-server's {@code ErrAccountValidation}: what it answers for an account JWT from an untrusted issuer. */
    public static final String ACCOUNT_VALIDATION_FAILED = "account validation failed";
    /** nats-server's error when a strict operator's own key signed an account update. */
    public static final String STRICT_SIGNING_KEY = "operator requires issuer to be a signing key";

    private final List<OperatorClaims> operators;
    private final Set<String> keys;
    private final Set<String> strictOperatorKeys;

    private TrustedOperators(List<OperatorClaims> operators, Set<String> keys) {
        this.operators = List.copyOf(operators);
        this.keys = Set.copyOf(keys);
        Set<String> strict = new LinkedHashSet<>();
        for (OperatorClaims operator : operators) {
            if (operator.strictSigningKeyUsage()) {
                strict.add(operator.data().subject());
            }
        }
        this.strictOperatorKeys = Set.copyOf(strict);
    }

    /** Trust in these operators: their keys and signing keys, as {@link TrustChain#trustedKeys} says. */
    public static TrustedOperators of(List<OperatorClaims> operators) {
        if (operators.isEmpty()) {
            throw new IllegalArgumentException("no operators");
        }
        return new TrustedOperators(operators, TrustChain.trustedKeys(operators));
    }

    /** Trust in bare operator public keys ({@code trusted} in the configuration), without operator JWTs. */
    public static TrustedOperators ofKeys(Set<String> operatorKeys) {
        if (operatorKeys.isEmpty()) {
            throw new IllegalArgumentException("no trusted keys");
        }
        for (String key : operatorKeys) {
            if (!NKeys.isValidPublicKey(key, NKeyType.OPERATOR)) {
                throw new IllegalArgumentException("not a public operator key: " + key);
            }
        }
        return new TrustedOperators(List.of(), new LinkedHashSet<>(operatorKeys));
    }

    /** The operator JWTs, in configuration order; empty when trust comes from bare keys. */
    public List<OperatorClaims> operators() {
        return operators;
    }

    /** The keys whose account JWTs are trusted. */
    public Set<String> keys() {
        return keys;
    }

    /** Whether {@code issuer} may sign account JWTs. */
    public boolean trusts(String issuer) {
        return keys.contains(issuer);
    }

    /**
     * Decodes an account JWT (without time checks: an expired account still names the account whose users are
     * refused) and checks that a trusted key issued it.
     *
     * @throws JwtException when the token does not decode, is not an account JWT, or its issuer is not trusted
     *                      ({@code UNTRUSTED_ISSUER})
     */
    public AccountClaims verifyAccount(String jwt) {
        AccountClaims account = JwtDecoder.decodeAccount(jwt);
        String issuer = account.data().issuer();
        if (strictOperatorKeys.contains(issuer)) {
            throw new JwtException(JwtException.Reason.UNTRUSTED_ISSUER,
                    "the operator demands strict signing key usage, but its own key signed the account JWT");
        }
        if (!trusts(issuer)) {
            throw new JwtException(JwtException.Reason.UNTRUSTED_ISSUER,
                    "the account JWT is not signed by a trusted operator key");
        }
        return account;
    }

    /**
     * {@link #verifyAccount} for a claim update, with the refusal in the words of nats-server's reply: the exception
     * message is the {@code error.description} nats-server sends back ({@code "<message> - <error>"}):
     * <pre>
     *   jwt update error - request body is empty                         empty request
     *   jwt update resulted in error - &lt;decode error&gt;                    not a decodable account JWT
     *   jwt validation failed - &lt;rule broken&gt;                           content rules of the claims
     *   jwt update resulted in error - operator requires issuer to be a signing key
     *   jwt update resulted in error - account validation failed         issuer not trusted
     * </pre>
     * The decode errors are this server's own texts, not nats-io/jwt's. nats-server stores an update from an
     * untrusted issuer and only fails when the account is next loaded (with "account validation failed"); we refuse
     * it up front with that text.
     *
     * @throws JwtException with the reply description as message
     */
    public AccountClaims verifyAccountUpdate(String jwt) {
        if (jwt == null || jwt.isEmpty()) {
            throw new JwtException(JwtException.Reason.BAD_STRUCTURE, "jwt update error - request body is empty");
        }
        AccountClaims account;
        try {
            account = JwtDecoder.decodeAccount(jwt);
        } catch (JwtException e) {
            String message = e.reason() == JwtException.Reason.INVALID_CLAIMS ? UPDATE_VALIDATION_FAILED : UPDATE_ERROR;
            throw new JwtException(e.reason(), message + " - " + e.getMessage());
        }
        String issuer = account.data().issuer();
        if (strictOperatorKeys.contains(issuer)) {
            throw new JwtException(JwtException.Reason.UNTRUSTED_ISSUER, UPDATE_ERROR + " - " + STRICT_SIGNING_KEY);
        }
        if (!trusts(issuer)) {
            throw new JwtException(JwtException.Reason.UNTRUSTED_ISSUER,
                    UPDATE_ERROR + " - " + ACCOUNT_VALIDATION_FAILED);
        }
        return account;
    }

    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        for (OperatorClaims operator : operators) {
            names.add(operator.data().name().isEmpty() ? operator.data().subject() : operator.data().name());
        }
        return "TrustedOperators{operators=" + names + ", keys=" + keys.size() + "}";
    }
}
