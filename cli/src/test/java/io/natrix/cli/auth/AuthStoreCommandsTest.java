package io.natrix.cli.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.natrix.cli.CliHarness;
import io.natrix.cli.CliHarness.Result;
import io.natrix.cli.output.Json;
import io.natrix.server.auth.AccountClaims;
import io.natrix.server.auth.AccountLimits;
import io.natrix.server.auth.JwtDecoder;
import io.natrix.server.auth.JwtEncoder;
import io.natrix.server.auth.NKeyPair;
import io.natrix.server.auth.OperatorClaims;
import io.natrix.server.auth.UserClaims;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator, account and user commands without a server: the nsc-layout store natscli reads, JWTs the server's
 * decoder accepts with the claims the flags asked for (and nats-io/jwt's {@code jti}), and bad input.
 */
class AuthStoreCommandsTest {

    @TempDir
    Path dir;

    private Path store() {
        return dir.resolve(".local/share/nats/nsc");
    }

    private String jwt(String relative) throws Exception {
        return Files.readString(store().resolve("stores").resolve(relative)).strip();
    }

    private String seed(String publicKey) throws Exception {
        return Files.readString(store().resolve("keys/keys").resolve(publicKey.substring(0, 1))
                .resolve(publicKey.substring(1, 3)).resolve(publicKey + ".nk")).strip();
    }

    @Test
    void operatorAddWritesTheNscLayoutWithSystemAccountAndSigningKey() throws Exception {
        try (CliHarness cli = CliHarness.withoutServer(dir)) {
            Result r = cli.run("auth", "operator", "add", "DEMO", "--service", "nats://demo.example:4222");
            assertThat(r.status()).as(r.toString()).isZero();
            assertThat(r.out()).startsWith("Operator DEMO (O").contains("Configuration:")
                    .contains("  System Account: SYSTEM (A").contains("Service URL(s): nats://demo.example:4222");

            assertThat(Files.readString(store().resolve("stores/DEMO/.nsc")))
                    .isEqualTo("{\"managed\":false,\"name\":\"DEMO\",\"kind\":\"operator\",\"version\":\"1\"}");
            OperatorClaims op = JwtDecoder.decode(jwt("DEMO/DEMO.jwt"), OperatorClaims.class, Clock.systemUTC());
            assertThat(op.data().name()).isEqualTo("DEMO");
            assertThat(op.data().issuer()).isEqualTo(op.data().subject()).startsWith("O");
            assertThat(op.signingKeys()).hasSize(1);
            assertThat(op.operatorServiceUrls()).containsExactly("nats://demo.example:4222");

            AccountClaims sys = JwtDecoder.decode(jwt("DEMO/accounts/SYSTEM/SYSTEM.jwt"), AccountClaims.class,
                    Clock.systemUTC());
            assertThat(op.systemAccount()).isEqualTo(sys.data().subject());
            assertThat(sys.data().issuer()).isEqualTo(op.signingKeys().getFirst());
            UserClaims user = JwtDecoder.decode(jwt("DEMO/accounts/SYSTEM/users/sys.jwt"), UserClaims.class,
                    Clock.systemUTC());
            assertThat(user.data().issuer()).isEqualTo(sys.data().subject());

            for (String key : List.of(op.data().subject(), op.signingKeys().getFirst(), sys.data().subject(),
                    user.data().subject())) {
                Path file = store().resolve("keys/keys").resolve(key.substring(0, 1)).resolve(key.substring(1, 3))
                        .resolve(key + ".nk");
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                        .isEqualTo("rw-------");
                assertThat(NKeyPair.fromSeed(Files.readString(file).strip()).publicKey()).isEqualTo(key);
            }

            // The jti is the one nats-io/jwt (and the server's encoder, which follows it) gives the same claims.
            NKeyPair operatorKey = NKeyPair.fromSeed(seed(op.data().subject()));
            String same = JwtEncoder.encode(OperatorClaims.of(op.data().subject(), "DEMO"), operatorKey,
                    Clock.fixed(Instant.ofEpochSecond(op.data().issuedAtSeconds()), ZoneOffset.UTC));
            assertThat(op.data().id()).isEqualTo(JwtDecoder.decode(same).data().id()).isNotEmpty();

            Result ls = cli.run("auth", "operator", "ls");
            assertThat(ls.out()).contains("Operators").contains("│ DEMO ").contains("│ 1 ");
            assertThat(cli.run("auth", "operator", "ls", "--names").out()).isEqualTo("DEMO\n");
            JsonNode json = Json.parse(cli.run("auth", "operator", "info", "--json").out(), "info");
            assertThat(json.path("nats").path("system_account").asText()).isEqualTo(sys.data().subject());
        }
    }

    @Test
    void accountAndUserClaimsFollowTheFlags() throws Exception {
        try (CliHarness cli = CliHarness.withoutServer(dir)) {
            cli.run("auth", "operator", "add", "DEMO");
            Result add = cli.run("auth", "account", "add", "APP", "--jetstream", "--js-disk", "1GB",
                    "--js-memory", "64MB", "--js-streams", "5", "--js-consumers", "10", "--connections", "7",
                    "--payload", "1MB", "--subscriptions", "100", "--bearer");
            assertThat(add.status()).as(add.toString()).isZero();
            assertThat(add.out()).startsWith("Account APP (A").contains("JetStream: true")
                    .contains("Max File Storage: 1.0 GiB").contains("Connections: 7");
            AccountClaims app = JwtDecoder.decode(jwt("DEMO/accounts/APP/APP.jwt"), AccountClaims.class,
                    Clock.systemUTC());
            AccountLimits limits = app.limits();
            assertThat(limits.conn()).isEqualTo(7);
            assertThat(limits.subs()).isEqualTo(100);
            assertThat(limits.payload()).isEqualTo(1 << 20);
            assertThat(limits.disallowBearer()).isFalse();
            assertThat(limits.jetStream().diskStorage()).isEqualTo(1L << 30);
            assertThat(limits.jetStream().memoryStorage()).isEqualTo(64L << 20);
            assertThat(limits.jetStream().streams()).isEqualTo(5);
            assertThat(limits.jetStream().consumer()).isEqualTo(10);

            Result edit = cli.run("auth", "account", "edit", "APP", "--js-streams", "9", "--no-bearer");
            assertThat(edit.status()).as(edit.toString()).isZero();
            AccountClaims edited = JwtDecoder.decode(jwt("DEMO/accounts/APP/APP.jwt"), AccountClaims.class,
                    Clock.systemUTC());
            assertThat(edited.limits().jetStream().streams()).isEqualTo(9);
            assertThat(edited.limits().jetStream().diskStorage()).isEqualTo(1L << 30);
            assertThat(edited.limits().conn()).isEqualTo(7);
            assertThat(edited.limits().disallowBearer()).isTrue();
            assertThat(cli.run("auth", "account", "edit", "JSOFF", "--no-jetstream").status()).isEqualTo(1);
            Result off = cli.run("auth", "account", "edit", "APP", "--no-jetstream");
            assertThat(off.out()).contains("JetStream: false").doesNotContain("JetStream Settings");
            assertThat(JwtDecoder.decode(jwt("DEMO/accounts/APP/APP.jwt"), AccountClaims.class, Clock.systemUTC())
                    .limits().jetStream().diskStorage()).isZero();

            Result user = cli.run("auth", "user", "add", "bob", "APP", "--pub-allow", "orders.>", "--pub-deny", "x",
                    "--sub-deny", "secret.>", "--subscriptions", "3");
            assertThat(user.status()).as(user.toString()).isZero();
            assertThat(user.out()).startsWith("User bob (U").contains("Publish Allow: orders.>")
                    .contains("Publish Deny: x").contains("Subscribe Deny: secret.>");
            UserClaims bob = JwtDecoder.decode(jwt("DEMO/accounts/APP/users/bob.jwt"), UserClaims.class,
                    Clock.systemUTC());
            assertThat(bob.data().issuer()).isEqualTo(app.data().subject());
            assertThat(bob.limits().permissions().pub().allow()).containsExactly("orders.>");
            assertThat(bob.limits().permissions().pub().deny()).containsExactly("x");
            assertThat(bob.limits().permissions().sub().deny()).containsExactly("secret.>");
            assertThat(bob.limits().subs()).isEqualTo(3);

            assertThat(cli.run("auth", "user", "edit", "bob", "--account", "APP", "--pub-allow", "").status())
                    .isZero();
            UserClaims cleared = JwtDecoder.decode(jwt("DEMO/accounts/APP/users/bob.jwt"), UserClaims.class,
                    Clock.systemUTC());
            assertThat(cleared.limits().permissions().pub().allow()).isEmpty();
            assertThat(cleared.limits().permissions().pub().deny()).containsExactly("x");

            Result ls = cli.run("auth", "user", "ls", "APP");
            assertThat(ls.out()).contains("Users in account APP").contains("│ bob ");
            Result accounts = cli.run("auth", "account", "ls");
            assertThat(accounts.out()).contains("│ APP ").contains("│ SYSTEM ");
        }
    }

    @Test
    void credentialWritesTheStandardCredsFormat() throws Exception {
        try (CliHarness cli = CliHarness.withoutServer(dir)) {
            cli.run("auth", "operator", "add", "DEMO");
            cli.run("auth", "account", "add", "APP");
            cli.run("auth", "user", "add", "alice", "APP");
            Path creds = dir.resolve("alice.creds");
            Result r = cli.run("auth", "user", "credential", creds.toString(), "alice", "APP", "--expire", "1h");
            assertThat(r.status()).as(r.toString()).isZero();
            assertThat(r.out()).isEqualTo("Wrote credential for alice to " + creds + "\n");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(creds))).isEqualTo("rw-------");
            io.natrix.server.auth.CredsFile.Creds parsed = io.natrix.server.auth.CredsFile.parse(Files.readString(creds));
            UserClaims user = JwtDecoder.decode(parsed.jwt(), UserClaims.class, Clock.systemUTC());
            assertThat(user.data().name()).isEqualTo("alice");
            assertThat(user.data().expiresAtSeconds()).isGreaterThan(Instant.now().getEpochSecond() + 3000);
            assertThat(NKeyPair.fromSeed(parsed.seed()).publicKey()).isEqualTo(user.data().subject());

            Result again = cli.run("auth", "user", "creds", creds.toString(), "alice", "APP");
            assertThat(again.status()).isEqualTo(1);
            assertThat(again.err()).isEqualTo("natrix: error: file " + creds + " already exist\n");
            assertThat(cli.run("auth", "user", "creds", creds.toString(), "alice", "APP", "-f").status()).isZero();
        }
    }

    @Test
    void rmDeletesEntitiesAndTheirSeeds() throws Exception {
        try (CliHarness cli = CliHarness.withoutServer(dir)) {
            cli.run("auth", "operator", "add", "DEMO");
            cli.run("auth", "account", "add", "APP");
            cli.run("auth", "user", "add", "alice", "APP");
            String alice = JwtDecoder.decode(jwt("DEMO/accounts/APP/users/alice.jwt")).data().subject();
            Result rmUser = cli.run("auth", "user", "rm", "alice", "APP", "-f");
            assertThat(rmUser.out()).isEqualTo("Removed user alice\n");
            assertThat(cli.run("auth", "user", "ls", "APP").out()).isEqualTo("No users found\n");
            assertThat(keyFiles()).noneMatch(p -> p.getFileName().toString().startsWith(alice));

            Result rmSys = cli.run("auth", "account", "rm", "SYSTEM", "-f");
            assertThat(rmSys.status()).isEqualTo(1);
            assertThat(rmSys.err()).contains("it is the system account").hasLineCount(1);
            assertThat(cli.run("auth", "account", "rm", "APP", "-f").out()).isEqualTo("Removed account APP\n");

            assertThat(cli.run("auth", "operator", "rm", "DEMO", "-f").out()).isEqualTo("Removed operator DEMO\n");
            assertThat(cli.run("auth", "operator", "ls").out()).isEqualTo("No Operators found\n");
            assertThat(keyFiles()).isEmpty();
        }
    }

    private List<Path> keyFiles() throws Exception {
        try (Stream<Path> files = Files.walk(store().resolve("keys"))) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void storeFlagAndXdgDataHomeChooseTheStore() throws Exception {
        try (CliHarness cli = CliHarness.withoutServer(dir)) {
            Path other = dir.resolve("other");
            assertThat(cli.run("auth", "operator", "add", "A", "--store", other.toString()).status()).isZero();
            assertThat(other.resolve("stores/A/A.jwt")).exists();
            cli.env().put("XDG_DATA_HOME", dir.resolve("data").toString());
            assertThat(cli.run("auth", "operator", "add", "B").status()).isZero();
            assertThat(dir.resolve("data/nats/nsc/stores/B/B.jwt")).exists();
        }
    }

    @Test
    void badInputIsOneLine() throws Exception {
        try (CliHarness cli = CliHarness.withoutServer(dir)) {
            Result noOperator = cli.run("auth", "account", "add", "APP");
            assertThat(noOperator.status()).isEqualTo(1);
            assertThat(noOperator.err()).startsWith("natrix: error: no operators in ").hasLineCount(1);

            cli.run("auth", "operator", "add", "DEMO");
            Result dup = cli.run("auth", "operator", "add", "DEMO");
            assertThat(dup.status()).isEqualTo(1);
            assertThat(dup.err()).isEqualTo("natrix: error: operator DEMO already exist\n");

            Result unknownOp = cli.run("auth", "account", "add", "APP", "--operator", "NOPE");
            assertThat(unknownOp.err()).isEqualTo("natrix: error: unknown operator \"NOPE\"\n");
            assertThat(unknownOp.status()).isEqualTo(1);

            cli.run("auth", "account", "add", "APP");
            Result dupAccount = cli.run("auth", "account", "add", "APP");
            assertThat(dupAccount.err()).isEqualTo("natrix: error: account APP already exist\n");

            Result unknownAccount = cli.run("auth", "user", "add", "bob", "NOPE");
            assertThat(unknownAccount.status()).isEqualTo(1);
            assertThat(unknownAccount.err())
                    .isEqualTo("natrix: error: unknown account \"NOPE\" in operator \"DEMO\"\n");

            Result noAccount = cli.run("auth", "user", "add", "bob");
            assertThat(noAccount.err()).isEqualTo("natrix: error: no account given: name it as ACCOUNT or with "
                    + "--account\n");

            cli.run("auth", "user", "add", "bob", "APP");
            Result dupUser = cli.run("auth", "user", "add", "bob", "APP");
            assertThat(dupUser.err()).isEqualTo("natrix: error: user bob already exist\n");

            Result unknownUser = cli.run("auth", "user", "info", "carol", "APP");
            assertThat(unknownUser.err()).isEqualTo("natrix: error: unknown user \"carol\" in account \"APP\"\n");

            Result badName = cli.run("auth", "account", "add", "../evil");
            assertThat(badName.status()).isEqualTo(1);
            assertThat(badName.err()).startsWith("natrix: error: invalid account name").hasLineCount(1);

            Result jsFlagsAlone = cli.run("auth", "account", "add", "JS", "--js-disk", "1G");
            assertThat(jsFlagsAlone.err()).isEqualTo("natrix: error: JetStream limits need --jetstream\n");

            Result badSize = cli.run("auth", "account", "add", "JS", "--jetstream", "--js-disk", "lots");
            assertThat(badSize.status()).isEqualTo(1);
            assertThat(badSize.err()).startsWith("natrix: error: invalid value \"lots\" for --js-disk: not a size").hasLineCount(1);

            Path jwtFile = store().resolve("stores/DEMO/accounts/APP/APP.jwt");
            Files.writeString(jwtFile, "eyJnot.a.jwt");
            Result corrupt = cli.run("auth", "account", "info", "APP");
            assertThat(corrupt.status()).isEqualTo(1);
            assertThat(corrupt.err()).startsWith("natrix: error: invalid JWT in " + jwtFile).hasLineCount(1);

            Result missing = cli.run("auth", "user", "add");
            assertThat(missing.status()).isEqualTo(2);
            assertThat(missing.err()).hasLineCount(1);
            Result unknownCommand = cli.run("auth", "operator", "frob");
            assertThat(unknownCommand.status()).isEqualTo(2);
            assertThat(unknownCommand.err()).hasLineCount(1);

            String system = JwtDecoder.decode(Files.readString(store().resolve("stores/DEMO/accounts/SYSTEM/SYSTEM.jwt"))
                    .strip()).data().subject();
            Files.delete(store().resolve("keys/keys/A").resolve(system.substring(1, 3)).resolve(system + ".nk"));
            Result noSeed = cli.run("auth", "user", "add", "carol", "SYSTEM");
            assertThat(noSeed.status()).isEqualTo(1);
            assertThat(noSeed.err()).isEqualTo("natrix: error: the seed of " + system + " is not in the key store "
                    + store().resolve("keys") + "\n");

            cli.run("auth", "operator", "add", "SECOND");
            Result ambiguous = cli.run("auth", "account", "ls");
            assertThat(ambiguous.err()).isEqualTo("natrix: error: several operators (DEMO, SECOND): choose one "
                    + "with --operator\n");
        }
    }
}
