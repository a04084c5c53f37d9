package io.natrix.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import at.favre.lib.crypto.bcrypt.BCrypt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Plain and bcrypt password checks. Hashes use cost 4 (the minimum) to keep the suite fast. */
class PasswordCheckTest {

    @Test
    void plainPasswordsMatchExactly() {
        PasswordCheck check = PasswordCheck.of("s3cret");
        assertThat(check.isBcrypt()).isFalse();
        assertThat(check.bcryptCost()).isZero();
        assertThat(check.matches("s3cret")).isTrue();
        assertThat(check.matches("s3cre")).isFalse();
        assertThat(check.matches("s3cret ")).isFalse();
        assertThat(check.matches("S3CRET")).isFalse();
        assertThat(check.matches("")).isFalse();
        assertThat(check.matches(null)).isFalse();
        assertThat(PasswordCheck.of("p\u00e4ss").matches("p\u00e4ss")).isTrue();
    }

    @Test
    void aMissingPasswordCountsAsEmpty() {
        // nats-server compares the configured password with whatever CONNECT carried, "" when it carried none.
        assertThat(PasswordCheck.of("").matches(null)).isTrue();
        assertThat(PasswordCheck.of("").matches("")).isTrue();
        assertThat(PasswordCheck.of("").matches("x")).isFalse();
    }

    @Test
    void hashesMadeByTheLibraryVerify() {
        for (BCrypt.Version version : new BCrypt.Version[] {BCrypt.Version.VERSION_2A, BCrypt.Version.VERSION_2B,
            BCrypt.Version.VERSION_2Y}) {
            String hash = BCrypt.with(version).hashToString(4, "correct horse".toCharArray());
            PasswordCheck check = PasswordCheck.of(hash);
            assertThat(check.isBcrypt()).isTrue();
            assertThat(check.bcryptCost()).isEqualTo(4);
            assertThat(check.matches("correct horse")).as(hash).isTrue();
            assertThat(check.matches("correct horsE")).as(hash).isFalse();
            assertThat(check.matches(null)).isFalse();
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // Made with the bcrypt library the way Go keys bcrypt (password bytes, NUL, cut at 72 bytes) and each
        // checked against nats-server 2.9.10 on loopback: it accepted the password, refused it with "Z" appended
        // and refused it one character short, except where the difference lies beyond byte 72.
        "a70    | $2a$04$1EnAXaNBdeP26NZOQb3.i.KFZfOrOfmSOmWxP2Xc/SArqV67VsjkS | true  | false | false",
        "b71    | $2b$04$dEk1On0FVMowdHEqPvZJu.HnVZtSgsI4WvobnJAS1EW9QPGnrT53C | true  | false | false",
        "c72    | $2y$04$JIjMxmz5k4a99lacXiEcee317LK15xqHVlKA9dkfMjJszNQ7iroyi | true  | true  | false",
        "d100   | $2x$04$L/n0g7Jv5nQH2Uq7RT.k0ePRW0zqBIqWtuZvGKrRfvOV5WCl9O8na | true  | true  | true",
        "e73    | $2a$04$pThs1O5.qjK0qg1O8fGZXOSjmpHTxrQiM63oRWRCDTmvWQ8826/YG | true  | true  | true",
        "empty  | $2a$04$wbIgGoPgxN95jUX0rM96XORYFMCMiAuayFE0I.QS1DisuolmfwmUO | true  | false | false",
        "utf8   | $2a$04$l24iYHaw1teLLA9ZszXdUuBJDNtYc2BWB7/iLfoEZjn4UF7p4NW9i | true  | false | false",
    })
    void verificationAgreesWithNatsServer(String name, String hash, boolean exact, boolean longer, boolean shorter) {
        String password = switch (name) {
            case "a70" -> "a".repeat(70);
            case "b71" -> "b".repeat(71);
            case "c72" -> "c".repeat(72);
            case "d100" -> "d".repeat(100);
            case "e73" -> "e".repeat(73);
            case "empty" -> "";
            default -> "p\u00e4ssw\u00f6rd\uD83D\uDE00";
        };
        PasswordCheck check = PasswordCheck.of(hash);
        assertThat(check.matches(password)).isEqualTo(exact);
        assertThat(check.matches(password + "Z")).isEqualTo(longer);
        String shortened = password.isEmpty() ? "x" : password.substring(0, password.length() - 1);
        assertThat(check.matches(shortened)).isEqualTo(shorter);
    }

    @Test
    void costIsBounded() {
        String good = BCrypt.withDefaults().hashToString(4, "pw".toCharArray());
        assertThatThrownBy(() -> PasswordCheck.of("$2a$03$" + good.substring(7)))
                .hasMessage("bcrypt cost 3 is outside 4..31");
        assertThatThrownBy(() -> PasswordCheck.of("$2a$32$" + good.substring(7)))
                .hasMessage("bcrypt cost 32 is outside 4..31");
        assertThat(PasswordCheck.of("$2a$31$" + good.substring(7)).bcryptCost()).isEqualTo(31);
    }

    @Test
    void malformedHashesAreRefusedWithoutRepeatingThem() {
        String good = BCrypt.withDefaults().hashToString(4, "pw".toCharArray());
        assertThatThrownBy(() -> PasswordCheck.of("$2a$10$short"))
                .hasMessage("a bcrypt hash has 60 characters, this one 12");
        assertThatThrownBy(() -> PasswordCheck.of(good + "x")).hasMessageContaining("60 characters");
        assertThatThrownBy(() -> PasswordCheck.of(good.substring(0, 20) + "!" + good.substring(21)))
                .hasMessage("bcrypt hash has a character outside ./A-Za-z0-9 at position 21");
        // The 22nd salt character and the 31st hash character carry spare bits, which must be zero.
        String badSalt = good.substring(0, 28) + "P" + good.substring(29);
        assertThatThrownBy(() -> PasswordCheck.of(badSalt)).hasMessage("bcrypt hash is not in canonical form");
        String badHash = good.substring(0, 59) + "B";
        assertThatThrownBy(() -> PasswordCheck.of(badHash)).hasMessage("bcrypt hash is not in canonical form");
    }

    @ParameterizedTest
    @ValueSource(strings = {"$2a$1$abc", "$2c$10$abc", "$2A$10$abc", "$3a$10$abc", "$2a$ab$abc", "$2a$10", "$PASS",
        "2a$10$abc"})
    void valuesNatsServerDoesNotTakeForBcryptArePlain(String value) {
        PasswordCheck check = PasswordCheck.of(value);
        assertThat(check.isBcrypt()).isFalse();
        assertThat(check.matches(value)).isTrue();
    }

    @Test
    void theSecretNeverShows() {
        assertThat(PasswordCheck.of("hunter2").toString()).doesNotContain("hunter2").isEqualTo("PasswordCheck[plain]");
        String hash = BCrypt.withDefaults().hashToString(4, "pw".toCharArray());
        assertThat(PasswordCheck.of(hash).toString()).doesNotContain(hash.substring(7))
                .isEqualTo("PasswordCheck[bcrypt, cost 4]");
    }
}
