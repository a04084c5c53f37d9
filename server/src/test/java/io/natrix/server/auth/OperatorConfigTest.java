package io.natrix.server.auth;

import static io.natrix.server.auth.AuthFixtures.NOW;
import static io.natrix.server.auth.OperatorFixtures.ACCOUNT;
import static io.natrix.server.auth.OperatorFixtures.ACCOUNT_B;
import static io.natrix.server.auth.OperatorFixtures.OPERATOR;
import static io.natrix.server.auth.OperatorFixtures.OPERATOR_SIGNER;
import static io.natrix.server.auth.OperatorFixtures.STRANGER_OPERATOR;
import static io.natrix.server.auth.OperatorFixtures.SYSTEM;
import static io.natrix.server.auth.OperatorFixtures.USER;
import static io.natrix.server.auth.OperatorFixtures.accountJwt;
import static io.natrix.server.auth.OperatorFixtures.operatorClaims;
import static io.natrix.server.auth.OperatorFixtures.operatorJwt;
import static org.assertj.core.api.Assertions.assertThat;

import io.natrix.server.config.ConfigException;
import io.natrix.server.config.ConfigLoader;
import io.natrix.server.config.ConfigParser;
import io.natrix.server.config.ServerOptions;
import io.natrix.server.auth.OperatorConfig.ResolverType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operator mode read from configuration text: every form nats-server accepts for operator, system account,
 * resolver and preloads, and the start-up checks with their messages and places.
 */
class OperatorConfigTest {
    @TempDir
    Path tmp;

    static OperatorConfig read(String text) {
        ServerOptions.Builder builder = ServerOptions.builder();
        ConfigLoader.apply(ConfigParser.parse(text), builder);
        return OperatorConfig.read(builder.build());
    }

    static ConfigException error(String text) {
        try {
            read(text);
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a ConfigException for: " + text);
    }

    /** Every problem reported: the thrown one and those attached to it. */
    static List<String> errors(String text) {
        ConfigException e = error(text);
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(e), Arrays.stream(e.getSuppressed()))
                .map(Throwable::getMessage).toList();
    }

    private String operatorFile(String contents) throws IOException {
        return Files.writeString(tmp.resolve("op-" + contents.hashCode() + ".jwt"), contents).toString();
    }

    private static String operatorWithoutSystem() {
        return JwtEncoder.encode(OperatorClaims.of(OPERATOR.publicKey(), "bare"), OPERATOR, AuthFixtures.clock());
    }

    @Test
    void withoutOperatorOrTrustedKeysThereIsNoOperatorMode() {
        assertThat(read("port: 4222")).isNull();
        assertThat(read("system_account: SYS\naccounts { SYS {} }")).isNull();
        assertThat(read("resolver: MEMORY")).isNull();
    }

    @Test
    void operatorFromAPlainFile() throws IOException {
        String file = operatorFile(operatorJwt() + "\n");

        OperatorConfig config = read("operator: \"" + file + "\"\nresolver: MEMORY");

        assertThat(config.operators()).extracting(o -> o.data().subject()).containsExactly(OPERATOR.publicKey());
        assertThat(config.operatorJwts()).containsExactly(operatorJwt());
        assertThat(config.trustedKeys()).containsExactlyInAnyOrder(OPERATOR.publicKey(), OPERATOR_SIGNER.publicKey());
        assertThat(config.systemAccount()).isEqualTo(SYSTEM.publicKey()); // from the operator JWT
        assertThat(config.resolver().type()).isEqualTo(ResolverType.MEMORY);
        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void operatorFromADecoratedFileAsNscWritesIt() throws IOException {
        String file = operatorFile("""
                -----BEGIN NATS OPERATOR JWT-----
                %s
                ------END NATS OPERATOR JWT------

                * comments nsc adds *
                """.formatted(operatorJwt()));

        assertThat(read("operators: [\"" + file + "\"]\nresolver: MEM").operatorJwts()).containsExactly(operatorJwt());
    }

    @Test
    void operatorInlineAndAsAList() {
        OperatorConfig inline = read("operator: \"" + operatorJwt() + "\"\nresolver: MEMORY");
        assertThat(inline.operators()).hasSize(1);

        String other = JwtEncoder.encode(OperatorClaims.of(STRANGER_OPERATOR.publicKey(), "other"), STRANGER_OPERATOR,
                AuthFixtures.clock());
        OperatorConfig two = read("root_operators: [\"" + operatorJwt() + "\", \"" + other + "\"]\n"
                + "system_account: " + SYSTEM.publicKey() + "\nresolver: MEMORY");
        assertThat(two.operators()).hasSize(2);
        assertThat(two.trustedKeys()).contains(STRANGER_OPERATOR.publicKey(), OPERATOR.publicKey());
    }

    @Test
    void operatorProblemsNameTheKeyAndLine() throws IOException {
        ConfigException missing = error("port: 4222\noperator: \"/no/such/file.jwt\"\nresolver: MEMORY");
        assertThat(missing.getMessage()).startsWith("<string>:2:1: operator: error parsing operator JWT: ");

        String accountNotOperator = operatorFile(accountJwt(ACCOUNT));
        assertThat(error("operator: \"" + accountNotOperator + "\"\nresolver: MEMORY").getMessage())
                .contains("error parsing operator JWT: expected an operator JWT, got a account JWT");
        assertThat(error("operator: \"eyJnot.a.jwt\"\nresolver: MEMORY").getMessage())
                .contains("error parsing operator JWT: ");
        assertThat(error("operator: 42\nresolver: MEMORY").getMessage()).contains("operator: expected");
    }

    @Test
    void anExpiredOperatorIsAWarningAsInNatsServer() {
        String expired = JwtEncoder.encode(operatorClaims().withData(ClaimsData.of(OPERATOR.publicKey(), "old")
                .withExpiresAtSeconds(NOW.getEpochSecond() - 10)), OPERATOR, AuthFixtures.clockAtSecond(
                NOW.getEpochSecond() - 100));
        OperatorConfig config = read("operator: \"" + expired + "\"\nresolver: MEMORY");
        assertThat(config.warnings()).singleElement().asString().contains("expired");
    }

    @Test
    void systemAccountRules() {
        String op = "operator: \"" + operatorJwt() + "\"\nresolver: MEMORY\n";
        assertThat(read(op + "system_account: " + SYSTEM.publicKey()).systemAccount()).isEqualTo(SYSTEM.publicKey());
        assertThat(read(op + "system: " + SYSTEM.publicKey()).systemAccount()).isEqualTo(SYSTEM.publicKey());
        assertThat(error(op + "system_account: " + ACCOUNT.publicKey()).getMessage())
                .endsWith("system_account: system_account in config and operator JWT must be identical");
        assertThat(error(op + "system_account: 7").getMessage()).endsWith("system account name must be a string");
        assertThat(error(op + "system_account: SYS").getMessage())
                .contains("in operator mode the system account must be an account public key");

        String bare = "operator: \"" + operatorWithoutSystem() + "\"\n";
        assertThat(read(bare + "resolver: MEMORY").systemAccount()).isNull();
        assertThat(read(bare + "resolver: MEMORY\nsystem_account: " + ACCOUNT.publicKey()).systemAccount())
                .isEqualTo(ACCOUNT.publicKey());
        assertThat(error(bare + "resolver: { type: full, dir: \"" + tmp.resolve("jwt") + "\" }").getMessage())
                .endsWith("using nats based account resolver - the system account needs to be specified in "
                        + "configuration or the operator jwt");
    }

    @Test
    void resolverForms() {
        String op = "operator: \"" + operatorJwt() + "\"\n";
        assertThat(read(op + "resolver: mem").resolver().type()).isEqualTo(ResolverType.MEMORY);
        assertThat(read(op + "account_resolver: { type: memory }").resolver().type()).isEqualTo(ResolverType.MEMORY);

        OperatorConfig full = read(op + "resolver: { type: full, dir: \"" + tmp.resolve("jwt")
                + "\", allow_delete: true, hard_delete: true, limit: 50, interval: \"2m\", timeout: \"1900ms\" }");
        assertThat(full.resolver().type()).isEqualTo(ResolverType.FULL);
        assertThat(full.resolver().dir()).isEqualTo(new DirResolver.Settings(tmp.resolve("jwt"), false, 50, true,
                true, Duration.ZERO));
        assertThat(full.resolver().interval()).isEqualTo(Duration.ofMinutes(2));
        assertThat(full.resolver().timeout()).isEqualTo(Duration.ofMillis(1900));

        OperatorConfig cache = read(op + "resolver { type: CACHE, dir: \"" + tmp.resolve("c") + "\", ttl: \"1h\" }");
        assertThat(cache.resolver().dir()).isEqualTo(new DirResolver.Settings(tmp.resolve("c"), true, 0, false,
                false, Duration.ofHours(1)));
    }

    @Test
    void resolverMistakesWithNatsServerTexts() throws IOException {
        String op = "operator: \"" + operatorJwt() + "\"\n";
        String dir = tmp.resolve("jwt").toString();
        assertThat(error(op).getMessage()).endsWith("operators require an account resolver to be configured");
        assertThat(error(op + "resolver: URL(\"http://localhost:9090/jwt/v1/accounts/\")").getMessage())
                .contains("URL account resolvers are not supported");
        assertThat(error(op + "resolver: FILES").getMessage()).endsWith(OperatorConfig.RESOLVER_SYNTAX);
        assertThat(error(op + "resolver: { dir: \"" + dir + "\" }").getMessage())
                .endsWith(OperatorConfig.RESOLVER_SYNTAX);
        assertThat(error(op + "resolver: [1]").getMessage()).contains("error parsing operator resolver, wrong type");
        assertThat(error(op + "resolver: { type: full }").getMessage())
                .endsWith("dir has no value and needs to point to a directory");
        String aFile = Files.writeString(tmp.resolve("a-file"), "x").toString();
        assertThat(error(op + "resolver: { type: full, dir: \"" + aFile + "\" }").getMessage())
                .endsWith("dir needs to point to an accessible directory");
        assertThat(errors(op + "resolver: { type: cache, dir: \"" + dir + "\", allow_delete: true, "
                + "hard_delete: true, interval: \"1m\" }"))
                .anySatisfy(m -> assertThat(m).endsWith("CACHE does not accept allow_delete"))
                .anySatisfy(m -> assertThat(m).endsWith("CACHE does not accept hard_delete"))
                .anySatisfy(m -> assertThat(m).endsWith("CACHE does not accept sync"));
        assertThat(error(op + "resolver: { type: full, dir: \"" + dir + "\", ttl: \"1m\" }").getMessage())
                .endsWith("FULL does not accept ttl");
        assertThat(error(op + "resolver: { type: full, dir: \"" + dir + "\", hard_delete: true }").getMessage())
                .endsWith("hard_delete has no effect without delete");
        assertThat(error(op + "resolver: { type: full, dir: \"" + dir + "\", interval: \"soon\" }").getMessage())
                .contains("resolver.interval: invalid duration");
        assertThat(error(op + "resolver: { type: full, dir: \"" + dir + "\", timeout: \"0s\" }").getMessage())
                .contains("resolver.timeout: the fetch timeout must be positive");
        assertThat(error(op + "resolver: { type: full, dir: \"" + dir + "\", limit: \"many\" }").getMessage())
                .contains("resolver.limit: expected an integer");

        OperatorConfig unknownKey = read(op + "resolver: { type: full, dir: \"" + dir + "\", colour: blue }");
        assertThat(unknownKey.warnings()).singleElement().asString().contains("resolver.colour: unknown field");
    }

    @Test
    void anOperatorsAccountServerUrlIsNotAResolverHere() {
        String withUrl = JwtEncoder.encode(new OperatorClaims(ClaimsData.of(OPERATOR.publicKey(), "op"), List.of(),
                "http://localhost:9090/jwt/v1", List.of(), SYSTEM.publicKey(), "", false, List.of()), OPERATOR,
                AuthFixtures.clock());
        assertThat(error("operator: \"" + withUrl + "\"").getMessage())
                .contains("operators require an account resolver to be configured")
                .contains("URL resolvers are not supported");
    }

    @Test
    void preloads() {
        String a = accountJwt(ACCOUNT);
        String b = accountJwt(AccountClaims.of(ACCOUNT_B.publicKey(), "b"), OPERATOR_SIGNER, NOW.getEpochSecond());
        OperatorConfig config = read("operator: \"" + operatorJwt() + "\"\nresolver: MEMORY\n"
                + "resolver_preload: {\n  " + ACCOUNT.publicKey() + ": \"" + a + "\"\n  " + ACCOUNT_B.publicKey()
                + ": \"" + b + "\"\n}");

        assertThat(config.preloads()).containsExactly(java.util.Map.entry(ACCOUNT.publicKey(), a),
                java.util.Map.entry(ACCOUNT_B.publicKey(), b));
    }

    @Test
    void preloadMistakes() {
        String head = "operator: \"" + operatorJwt() + "\"\nresolver: MEMORY\n";
        assertThat(error(head + "resolver_preload: [x]").getMessage())
                .endsWith("resolver_preload: preload should be a map of account_public_key:account_jwt");
        assertThat(error(head + "resolver_preload: { " + ACCOUNT.publicKey() + ": 5 }").getMessage())
                .endsWith("resolver_preload." + ACCOUNT.publicKey() + ": preload map value should be a string JWT");
        String user = OperatorFixtures.userJwt(UserClaims.of(USER.publicKey(), "u"), ACCOUNT);
        assertThat(error(head + "resolver_preload: {\n " + ACCOUNT.publicKey() + ": \"" + user + "\" }")
                .getMessage())
                .startsWith("<string>:4:2: resolver_preload." + ACCOUNT.publicKey() + ": invalid account JWT: ");
        assertThat(error(head + "resolver_preload: { " + ACCOUNT.publicKey() + ": \"garbage\" }").getMessage())
                .contains("invalid account JWT");
        assertThat(error(head + "resolver_preload: { " + ACCOUNT_B.publicKey() + ": \"" + accountJwt(ACCOUNT)
                + "\" }").getMessage()).contains("the JWT is about account " + ACCOUNT.publicKey());
        String untrusted = accountJwt(AccountClaims.of(ACCOUNT.publicKey(), "a"), STRANGER_OPERATOR,
                NOW.getEpochSecond());
        assertThat(error(head + "resolver_preload: { " + ACCOUNT.publicKey() + ": \"" + untrusted + "\" }")
                .getMessage()).contains("not signed by a trusted operator key");

        String expired = accountJwt(AccountClaims.of(ACCOUNT.publicKey(), "a").withData(
                ClaimsData.of(ACCOUNT.publicKey(), "a").withExpiresAtSeconds(NOW.getEpochSecond())), OPERATOR,
                NOW.getEpochSecond() - 100);
        assertThat(read(head + "resolver_preload: { " + ACCOUNT.publicKey() + ": \"" + expired + "\" }")
                .warnings()).singleElement().asString().contains("expired");
    }

    @Test
    void preloadsOfAStrictOperatorMustComeFromSigningKeys() {
        String strict = JwtEncoder.encode(operatorClaims().withStrictSigningKeyUsage(true), OPERATOR,
                AuthFixtures.clock());
        assertThat(read("operator: \"" + strict + "\"\nresolver: MEMORY").trustedKeys())
                .containsExactly(OPERATOR_SIGNER.publicKey());
        assertThat(error("operator: \"" + strict + "\"\nresolver: MEMORY\nresolver_preload: { "
                + ACCOUNT.publicKey() + ": \"" + accountJwt(ACCOUNT) + "\" }").getMessage())
                .contains("strict_signing_key_usage");
    }

    @Test
    void operatorModeExcludesConfiguredAccountsUsersAndCallouts() {
        String op = "operator: \"" + operatorJwt() + "\"\nresolver: MEMORY\n";
        assertThat(error(op + "accounts { A { } }").getMessage())
                .endsWith("accounts: operators do not allow Accounts to be configured directly");
        assertThat(error(op + "authorization { users: [ { user: a, password: b } ] }").getMessage())
                .endsWith("authorization.users: operators do not allow users to be configured directly");
        assertThat(error(op + "authorization { auth_callout { issuer: x } }").getMessage())
                .endsWith("operators do not allow authorization callouts to be configured directly");
        OperatorConfig singleUser = read(op + "authorization { user: a, password: b }");
        assertThat(singleUser.warnings()).singleElement().asString().contains("no effect in operator mode");
        assertThat(read(op + "accounts {}")).isNotNull();
    }

    @Test
    void trustedKeys() {
        OperatorConfig keys = read("trusted: [\"" + OPERATOR.publicKey() + "\"]\nresolver: MEMORY");
        assertThat(keys.operators()).isEmpty();
        assertThat(keys.trustedKeys()).containsExactly(OPERATOR.publicKey());
        assertThat(read("trusted_keys: \"" + OPERATOR.publicKey() + "\"\nresolver: MEMORY").trustedKeys())
                .containsExactly(OPERATOR.publicKey());

        assertThat(error("trusted: [\"" + ACCOUNT.publicKey() + "\"]\nresolver: MEMORY").getMessage())
                .contains("trust key \"" + ACCOUNT.publicKey() + "\" required to be a valid public operator nkey");
        assertThat(error("operator: \"" + operatorJwt() + "\"\ntrusted: \"" + OPERATOR.publicKey()
                + "\"\nresolver: MEMORY").getMessage())
                .endsWith("conflicting options for 'TrustedKeys' and 'TrustedOperators'");
    }

    @Test
    void pinnedAccountsIncludeTheSystemAccount() {
        String op = "operator: \"" + operatorJwt() + "\"\nresolver: MEMORY\n";
        assertThat(read(op).pinnedAccounts()).isEmpty();
        assertThat(read(op + "resolver_pinned_accounts: [" + ACCOUNT.publicKey() + "]").pinnedAccounts())
                .containsExactlyInAnyOrder(ACCOUNT.publicKey(), SYSTEM.publicKey());
        assertThat(error(op + "resolver_pinned_accounts: [nope]").getMessage())
                .contains("pinned account key \"nope\" is not a valid public account nkey");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        List<String> all = errors("operator: \"" + operatorJwt() + "\"\naccounts { A {} }\n"
                + "resolver: { type: cache }\nresolver_preload: [x]");
        assertThat(all).hasSize(3);
    }

    @Test
    void openingAMemoryResolverHoldsThePreloads() {
        String a = accountJwt(ACCOUNT);
        OperatorConfig config = read("operator: \"" + operatorJwt() + "\"\nresolver: MEMORY\n"
                + "resolver_preload: { " + ACCOUNT.publicKey() + ": \"" + a + "\" }");
        AccountResolver resolver = config.openResolver(AuthFixtures.clock());
        assertThat(resolver).isInstanceOf(MemoryResolver.class);
        assertThat(resolver.fetch(ACCOUNT.publicKey())).contains(a);
    }

    @Test
    void openingADirectoryResolverCreatesItAndKeepsNewerJwtsOverPreloads() throws IOException {
        Path dir = tmp.resolve("store").resolve("jwt");
        String preload = accountJwt(ACCOUNT, NOW.getEpochSecond() - 1000);
        String text = "operator: \"" + operatorJwt() + "\"\nresolver: { type: full, dir: \"" + dir + "\" }\n"
                + "resolver_preload: { " + ACCOUNT.publicKey() + ": \"" + preload + "\" }";

        AccountResolver first = read(text).openResolver(AuthFixtures.clock());
        assertThat(dir.resolve(ACCOUNT.publicKey() + ".jwt")).hasContent(preload);
        String pushed = accountJwt(ACCOUNT, NOW.getEpochSecond());
        first.store(pushed);

        AccountResolver second = read(text).openResolver(AuthFixtures.clock());
        assertThat(second.fetch(ACCOUNT.publicKey())).contains(pushed);
    }

    @Test
    void aDirectoryThatCannotBeCreatedIsAConfigErrorAtOpen() throws IOException {
        Path blocker = Files.writeString(tmp.resolve("blocker"), "x");
        OperatorConfig config = read("operator: \"" + operatorJwt() + "\"\nresolver: { type: full, dir: \""
                + blocker.resolve("jwt") + "\" }");
        try {
            config.openResolver(AuthFixtures.clock());
            throw new AssertionError("expected a ConfigException");
        } catch (ConfigException e) {
            assertThat(e.getMessage()).startsWith("<string>:2:1: resolver: cannot use directory");
        }
    }
}
