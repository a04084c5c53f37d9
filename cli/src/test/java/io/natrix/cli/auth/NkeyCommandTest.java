package io.natrix.cli.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.natrix.cli.CliHarness;
import io.natrix.cli.CliHarness.Result;
import io.natrix.server.auth.NKeyPair;
import io.natrix.server.auth.XKeyPair;
import io.nats.client.NKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** natscli's {@code auth nkey}: keys of every type that jnats and the server read, sign/verify, and bad input. */
class NkeyCommandTest {

    @TempDir
    Path dir;

    @Test
    void genMakesSeedsOfEachTypeThatNKeyReads() throws Exception {
        try (CliHarness cli = CliHarness.withoutServer(dir)) {
            String[][] types = {{"operator", "SO", "O"}, {"account", "SA", "A"}, {"user", "SU", "U"},
                    {"server", "SN", "N"}, {"cluster", "SC", "C"}};
            for (String[] t : types) {
                Result r = cli.run("auth", "nkey", "gen", t[0], "--public");
                assertThat(r.status()).as(r.toString()).isZero();
                String[] lines = r.out().split("\n");
                assertThat(lines).hasSize(2);
                assertThat(lines[0]).startsWith(t[1]);
                NKey key = NKey.fromSeed(lines[0].toCharArray());
                assertThat(new String(key.getPublicKey())).isEqualTo(lines[1]).startsWith(t[2]);
            }
        }
    }

    @Test
    void curveKeysMatchTheServersX25519() throws Exception {
        try (CliHarness cli = CliHarness.withoutServer(dir)) {
            Result r = cli.run("auth", "nkey", "gen", "curve", "--public");
            assertThat(r.status()).as(r.toString()).isZero();
            String[] lines = r.out().split("\n");
            assertThat(lines[0]).startsWith("SX");
            XKeyPair server = XKeyPair.fromSeed(lines[0]);
            assertThat(lines[1]).startsWith("X").isEqualTo(server.publicKey());
            Files.writeString(dir.resolve("x.nk"), lines[0] + "\n");
            assertThat(cli.run("auth", "nkey", "show", dir.resolve("x.nk").toString()).out())
                    .isEqualTo(lines[1] + "\n");
        }
    }

    @Test
    void outputWritesAPrivateFileAndShowPrintsThePublicKey() throws Exception {
        try (CliHarness cli = CliHarness.withoutServer(dir)) {
            Path file = dir.resolve("user.nk");
            Result r = cli.run("auth", "nkey", "gen", "user", "--output", file.toString());
            assertThat(r.status()).as(r.toString()).isZero();
            assertThat(r.out()).isEmpty();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            String seed = Files.readString(file).strip();
            NKeyPair pair = NKeyPair.fromSeed(seed);
            Result show = cli.run("auth", "nk", "show", file.toString());
            assertThat(show.out()).isEqualTo(pair.publicKey() + "\n");
        }
    }

    @Test
    void signAndVerifyRoundTrip() throws Exception {
        try (CliHarness cli = CliHarness.withoutServer(dir)) {
            Path key = dir.resolve("k.nk");
            cli.run("auth", "nkey", "gen", "account", "--output", key.toString());
            Path data = dir.resolve("data.txt");
            Files.writeString(data, "hello world");
            Result sign = cli.run("auth", "nkey", "sign", data.toString(), key.toString());
            assertThat(sign.status()).as(sign.toString()).isZero();
            Path sig = dir.resolve("data.sig");
            Files.writeString(sig, sign.out());
            NKeyPair pair = NKeyPair.fromSeed(Files.readString(key).strip());
            assertThat(pair.verify("hello world".getBytes(),
                    java.util.Base64.getUrlDecoder().decode(sign.out().strip()))).isTrue();

            Path pub = dir.resolve("k.pub");
            Files.writeString(pub, pair.publicKey());
            Result verify = cli.run("auth", "nkey", "verify", data.toString(), sig.toString(), pub.toString());
            assertThat(verify.out()).isEqualTo("Verified OK\n");

            Files.writeString(data, "tampered");
            Result bad = cli.run("auth", "nkey", "verify", data.toString(), sig.toString(), key.toString());
            assertThat(bad.status()).isEqualTo(1);
            assertThat(bad.err()).isEqualTo("natrix: error: signature verification failed\n");
        }
    }

    @Test
    void badInputIsOneLine() throws Exception {
        try (CliHarness cli = CliHarness.withoutServer(dir)) {
            Result type = cli.run("auth", "nkey", "gen", "wizard");
            assertThat(type.status()).isEqualTo(1);
            assertThat(type.err()).startsWith("natrix: error: unknown key type \"wizard\"").hasLineCount(1);

            Result missing = cli.run("auth", "nkey", "show", dir.resolve("nope.nk").toString());
            assertThat(missing.status()).isEqualTo(1);
            assertThat(missing.err()).contains("cannot read key file").contains("no such file").hasLineCount(1);

            Path garbage = dir.resolve("garbage.nk");
            Files.writeString(garbage, "SUNOTASEED\n");
            Result bad = cli.run("auth", "nkey", "show", garbage.toString());
            assertThat(bad.status()).isEqualTo(1);
            assertThat(bad.err()).startsWith("natrix: error: invalid seed in " + garbage).hasLineCount(1);

            Result noArg = cli.run("auth", "nkey", "gen");
            assertThat(noArg.status()).isEqualTo(2);
            assertThat(noArg.err()).hasLineCount(1);

            Result unknown = cli.run("auth", "nkey", "frob");
            assertThat(unknown.status()).isEqualTo(2);
            assertThat(unknown.err()).hasLineCount(1);
        }
    }
}
