package io.natrix.server.auth;

import static io.natrix.server.auth.AuthFixtures.NOW;
import static io.natrix.server.auth.AuthFixtures.clockAtSecond;
import static io.natrix.server.auth.AuthFixtures.key;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

/**
 * An operator, its accounts and users for the operator-mode tests, all from seeded keys and issued with the
 * project's own {@link JwtEncoder}.
 */
final class OperatorFixtures {
    static final NKeyPair OPERATOR = key(NKeyType.OPERATOR, 500);
    static final NKeyPair OPERATOR_SIGNER = key(NKeyType.OPERATOR, 501);
    static final NKeyPair STRANGER_OPERATOR = key(NKeyType.OPERATOR, 502);
    static final NKeyPair ACCOUNT = key(NKeyType.ACCOUNT, 510);
    static final NKeyPair ACCOUNT_B = key(NKeyType.ACCOUNT, 511);
    static final NKeyPair ACCOUNT_C = key(NKeyType.ACCOUNT, 512);
    static final NKeyPair SYSTEM = key(NKeyType.ACCOUNT, 513);
    static final NKeyPair ACCOUNT_SIGNER = key(NKeyType.ACCOUNT, 520);
    static final NKeyPair SCOPED_SIGNER = key(NKeyType.ACCOUNT, 521);
    static final NKeyPair USER = key(NKeyType.USER, 530);
    static final NKeyPair USER_2 = key(NKeyType.USER, 531);

    private OperatorFixtures() {
    }

    /** The operator with a signing key and a system account. */
    static OperatorClaims operatorClaims() {
        return OperatorClaims.of(OPERATOR.publicKey(), "test-operator")
                .withSigningKeys(List.of(OPERATOR_SIGNER.publicKey()))
                .withSystemAccount(SYSTEM.publicKey());
    }

    static String operatorJwt() {
        return JwtEncoder.encode(operatorClaims(), OPERATOR, AuthFixtures.clock());
    }

    static TrustedOperators trust() {
        return TrustedOperators.of(List.of(operatorClaims()));
    }

    /** An account JWT signed by {@code signer}, issued at {@code issuedAt} (epoch seconds). */
    static String accountJwt(AccountClaims claims, NKeyPair signer, long issuedAt) {
        return JwtEncoder.encode(claims, signer, clockAtSecond(issuedAt));
    }

    static String accountJwt(NKeyPair account, long issuedAt) {
        return accountJwt(AccountClaims.of(account.publicKey(), "acc-" + issuedAt), OPERATOR, issuedAt);
    }

    static String accountJwt(NKeyPair account) {
        return accountJwt(account, NOW.getEpochSecond() - 3600);
    }

    /** A user JWT signed by {@code signer}, issued an hour before {@link AuthFixtures#NOW}. */
    static String userJwt(UserClaims claims, NKeyPair signer) {
        return JwtEncoder.encode(claims, signer, clockAtSecond(NOW.getEpochSecond() - 3600));
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
