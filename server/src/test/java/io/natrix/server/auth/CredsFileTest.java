package io.natrix.server.auth;

import static io.natrix.server.auth.AuthFixtures.clock;
import static io.natrix.server.auth.AuthFixtures.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.natrix.server.auth.CredsFile.Creds;
import io.natrix.server.auth.CredsFile.CredsException;
import io.nats.client.AuthHandler;
import io.nats.client.Nats;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Creds files: the layout NATS tools write, read here and by jnats alike, and the ways a file can be unusable. */
class CredsFileTest {
    private static final NKeyPair ACCOUNT = key(NKeyType.ACCOUNT, 400);
    private static final NKeyPair USER = key(NKeyType.USER, 401);
    private static final String JWT = JwtEncoder.encode(UserClaims.of(USER.publicKey(), "u"), ACCOUNT, clock());

    @Test
    void credsFileFormatRoundTripsAndJnatsReadsIt() {
        String text = CredsFile.format(JWT, USER.seed());
        Creds creds = CredsFile.parse(text);
        assertThat(creds.jwt()).isEqualTo(JWT);
        assertThat(creds.seed()).isEqualTo(USER.seed());
        assertThat(creds.keyPair()).isEqualTo(USER);
        assertThat(creds.toString()).doesNotContain(USER.seed());

        AuthHandler jnats = Nats.staticCredentials(text.getBytes(StandardCharsets.UTF_8));
        assertThat(new String(jnats.getJWT())).isEqualTo(JWT);
        byte[] nonce = "nonce".getBytes(StandardCharsets.UTF_8);
        assertThat(jnats.sign(nonce)).isEqualTo(USER.sign(nonce));
    }

    @Test
    void credsFileToleratesCrlfCrAndSurroundingText() {
        String lf = CredsFile.format(JWT, USER.seed());
        for (String text : new String[] {lf.replace("\n", "\r\n"), lf.replace("\n", "\r"),
            "Some header text\n\n   " + lf.replace("\n", "\n   ") + "\ntrailing words", "\uFEFF" + lf,
            "-----BEGIN NATS USER JWT-----\n\n" + JWT + "\n\n------END NATS USER JWT------\n"
                    + "-----BEGIN USER NKEY SEED-----\n" + USER.seed() + "\n------END USER NKEY SEED------"}) {
            Creds creds = CredsFile.parse(text);
            assertThat(creds.jwt()).isEqualTo(JWT);
            assertThat(creds.seed()).isEqualTo(USER.seed());
        }
    }

    @Test
    void credsFileReadsBlocksByTheirLabelsElseByOrder() {
        String seedFirst = "-----BEGIN USER NKEY SEED-----\n" + USER.seed() + "\n------END USER NKEY SEED------\n"
                + "-----BEGIN NATS USER JWT-----\n" + JWT + "\n------END NATS USER JWT------\n";
        assertThat(CredsFile.parse(seedFirst).jwt()).isEqualTo(JWT);
        String unlabeled = "--- one ---\n" + JWT + "\n--- end ---\n--- two ---\n" + USER.seed() + "\n--- end ---\n";
        assertThat(CredsFile.parse(unlabeled)).isEqualTo(new Creds(JWT, USER.seed()));
        String accountSeed = CredsFile.format(JWT, ACCOUNT.seed());
        assertThat(CredsFile.parse(accountSeed).keyPair()).isEqualTo(ACCOUNT);
    }

    @Test
    void credsFileRefusesUnusableText() {
        String noSeed = "-----BEGIN NATS USER JWT-----\n" + JWT + "\n------END NATS USER JWT------\n";
        String noJwt = "-----BEGIN USER NKEY SEED-----\n" + USER.seed() + "\n------END USER NKEY SEED------\n";
        String seed = USER.seed();
        String badSeed = seed.substring(0, 20) + (seed.charAt(20) == 'A' ? 'B' : 'A') + seed.substring(21);
        String[] bad = {
            "", "hello", noSeed, noJwt, JWT + "\n" + USER.seed(),
            CredsFile.format(JWT, badSeed),
            CredsFile.format(JWT, NKeys.encodeSeed(NKeyType.CURVE, new byte[32])),
            CredsFile.format(JWT, NKeys.encodeSeed(NKeyType.SERVER, new byte[32])),
            CredsFile.format("not-a-jwt", USER.seed()),
            CredsFile.format("a..b", USER.seed()),
            CredsFile.format(JWT + ".x", USER.seed()),
            CredsFile.format(JWT, USER.publicKey()),
            CredsFile.format("two words", USER.seed()),
            "-----BEGIN NATS USER JWT-----\n" + JWT + "\n-----BEGIN USER NKEY SEED-----\n" + USER.seed() + "\n",
            "x".repeat(CredsFile.LENGTH_MAX + 1),
        };
        for (String text : bad) {
            assertThatThrownBy(() -> CredsFile.parse(text)).as("%.80s", text).isInstanceOf(CredsException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(seed).doesNotContain(badSeed));
        }
        assertThatThrownBy(() -> CredsFile.parse(null)).isInstanceOf(CredsException.class);
    }
}
