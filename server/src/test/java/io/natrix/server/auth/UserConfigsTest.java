package io.natrix.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.natrix.server.config.ConfigException;
import io.natrix.server.config.ConfigLoader;
import io.natrix.server.config.ConfigParser;
import io.natrix.server.config.ServerOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Users, passwords and permissions read from configuration text, every form nats-server accepts and the mistakes
 * it refuses. Texts marked "nats-server 2.9.10" were checked by starting that server with the same block.
 */
class UserConfigsTest {

    @TempDir
    Path dir;

    private static final String NKEY_1 = NKeys.encodePublic(NKeyType.USER, filled((byte) 1));
    private static final String NKEY_2 = NKeys.encodePublic(NKeyType.USER, filled((byte) 2));

    private static byte[] filled(byte b) {
        byte[] key = new byte[32];
        Arrays.fill(key, b);
        return key;
    }

    static UserConfigs load(String text) {
        ServerOptions.Builder builder = ServerOptions.builder();
        ConfigLoader.apply(ConfigParser.parse(text), builder);
        return UserConfigs.load(builder.build());
    }

    static ConfigException error(String text) {
        try {
            load(text);
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a ConfigException for: " + text);
    }

    /** Loads a tree built in code, for sizes that would make configuration text slow to write and parse. */
    private static UserConfigs loadTree(Map<String, Object> tree) {
        ServerOptions.Builder builder = ServerOptions.builder();
        builder.rawConfig = tree;
        return UserConfigs.load(builder.build());
    }

    @Nested
    class Users {
        @Test
        void namedAndNkeyUsersWithTheirPermissions() {
            UserConfigs configs = load("""
                    authorization {
                      users = [
                        { user: alice, password: wonderland, permissions: { publish: "a.>", subscribe: ["b.*"] } }
                        { nkey: %s, permissions: { subscribe: { deny: "secret.>" } } }
                        { username: bob, pass: builder }
                        { user: carol }
                      ]
                    }
                    """.formatted(NKEY_1));
            assertThat(configs.users()).extracting(UserConfig::identity)
                    .containsExactly("alice", NKEY_1, "bob", "carol");
            UserConfig alice = configs.byUsername("alice").orElseThrow();
            assertThat(alice.password().matches("wonderland")).isTrue();
            assertThat(alice.permissions().canPublish("a.x")).isTrue();
            assertThat(alice.permissions().canPublish("b.x")).isFalse();
            assertThat(alice.permissions().canSubscribe("b.x", null)).isTrue();
            assertThat(alice.account()).isNull();
            UserConfig nkeyUser = configs.byNkey(NKEY_1).orElseThrow();
            assertThat(nkeyUser.isNkeyUser()).isTrue();
            assertThat(nkeyUser.password()).isNull();
            assertThat(nkeyUser.permissions().canSubscribe("secret.x", null)).isFalse();
            assertThat(configs.byUsername("bob").orElseThrow().password().matches("builder")).isTrue();
            UserConfig carol = configs.byUsername("carol").orElseThrow();
            assertThat(carol.password()).isNull();
            assertThat(carol.permissions()).isSameAs(PermissionsPolicy.UNRESTRICTED);
            assertThat(configs.byUsername("nobody")).isEmpty();
            assertThat(configs.authRequired()).isTrue();
            assertThat(configs.toString()).doesNotContain("wonderland");
            assertThat(alice.toString()).doesNotContain("wonderland");
        }

        @Test
        void keysMatchWithoutRegardToCase() {
            UserConfigs configs = load("""
                    AUTHORIZATION { Users = [ { USER: a, Password: p, Permissions: { PUBLISH: { ALLOW: x } } } ] }
                    """);
            assertThat(configs.byUsername("a").orElseThrow().permissions().canPublish("y")).isFalse();
        }

        @Test
        void bcryptPasswordsAreChecked() {
            String hash = BCrypt.withDefaults().hashToString(4, "pw".toCharArray());
            UserConfigs configs = load("authorization { users = [ { user: a, password: \"" + hash + "\" } ] }");
            PasswordCheck check = configs.byUsername("a").orElseThrow().password();
            assertThat(check.isBcrypt()).isTrue();
            assertThat(check.matches("pw")).isTrue();
        }

        @Test
        void connectionTypesAreReadInUpperCase() {
            UserConfigs configs = load("""
                    authorization { users = [
                      { user: a, allowed_connection_types: ["standard", "WebSocket"] }
                      { user: b, connection_types: mqtt }
                      { user: c, clients: [leafnode_ws, in_process] }
                    ] }
                    """);
            assertThat(configs.byUsername("a").orElseThrow().allowedConnectionTypes())
                    .containsExactlyInAnyOrder("STANDARD", "WEBSOCKET");
            assertThat(configs.byUsername("b").orElseThrow().allowedConnectionTypes()).containsExactly("MQTT");
            assertThat(configs.byUsername("c").orElseThrow().allowedConnectionTypes())
                    .containsExactlyInAnyOrder("LEAFNODE_WS", "IN_PROCESS");
        }

        @Test
        void singleUserTokenTimeoutAndNothingAtAll() {
            UserConfigs single = load("authorization { user: u, password: p, timeout: 3 }");
            assertThat(single.users()).isEmpty();
            assertThat(single.singleUser().username()).isEqualTo("u");
            assertThat(single.singleUser().password().matches("p")).isTrue();
            assertThat(single.timeout()).isEqualTo(Duration.ofSeconds(3));
            assertThat(single.authRequired()).isTrue();
            UserConfigs token = load("authorization { token: t0k }");
            assertThat(token.token().matches("t0k")).isTrue();
            assertThat(token.singleUser()).isNull();
            UserConfigs none = load("port: 4222");
            assertThat(none.authRequired()).isFalse();
            assertThat(none.timeout()).isEqualTo(ServerOptions.DEFAULT_AUTH_TIMEOUT);
            assertThat(none.token()).isNull();
        }

        @Test
        void accountUsersBelongToTheirAccount() {
            UserConfigs configs = load("""
                    accounts {
                      A { users = [ { user: a1, password: x }, { nkey: %s } ] }
                      B { users: [ { user: b1, password: y } ], jetstream: enabled }
                      C { }
                    }
                    authorization { users = [ { user: g, password: z } ] }
                    """.formatted(NKEY_2));
            assertThat(configs.byUsername("a1").orElseThrow().account()).isEqualTo("A");
            assertThat(configs.byNkey(NKEY_2).orElseThrow().account()).isEqualTo("A");
            assertThat(configs.byUsername("b1").orElseThrow().account()).isEqualTo("B");
            assertThat(configs.byUsername("g").orElseThrow().account()).isNull();
            assertThat(configs.users()).extracting(UserConfig::identity).containsExactly("a1", NKEY_2, "b1", "g");
        }

        @Test
        void aListOfAccountNamesDefinesNoUsers() {
            assertThat(load("accounts: [A, B]").users()).isEmpty();
        }
    }

    @Nested
    class DefaultPermissions {
        @ParameterizedTest
        @CsvSource({"default_permissions", "default_permission", "permissions"})
        void applyToUsersOfTheirBlockWithoutPermissions(String key) {
            UserConfigs configs = load("""
                    authorization {
                      %s { publish: { deny: ">" } }
                      users = [
                        { user: n, password: n }
                        { user: o, password: o, permissions: {} }
                        { user: s, password: s, permissions: { subscribe: "x" } }
                        { nkey: %s }
                      ]
                    }
                    accounts { A { users: [ { user: acc, password: a } ] } }
                    """.formatted(key, NKEY_1));
            // nats-server 2.9.10: n could not publish, o (with an empty permissions map) could.
            assertThat(configs.byUsername("n").orElseThrow().permissions().canPublish("foo")).isFalse();
            assertThat(configs.byNkey(NKEY_1).orElseThrow().permissions().canPublish("foo")).isFalse();
            assertThat(configs.byUsername("o").orElseThrow().permissions().canPublish("foo")).isTrue();
            assertThat(configs.byUsername("s").orElseThrow().permissions().canPublish("foo")).isTrue();
            assertThat(configs.byUsername("s").orElseThrow().permissions().canSubscribe("y", null)).isFalse();
            // The authorization block's defaults are not the accounts'.
            assertThat(configs.byUsername("acc").orElseThrow().permissions().canPublish("foo")).isTrue();
        }

        @Test
        void accountDefaultsApplyToTheAccountsUsers() {
            UserConfigs configs = load("""
                    accounts {
                      A {
                        users = [ { user: a, password: a }, { user: b, password: b, permissions: { publish: ">" } } ]
                        default_permissions { publish: "a.>" }
                      }
                      B { users = [ { user: c, password: c } ] }
                    }
                    """);
            assertThat(configs.byUsername("a").orElseThrow().permissions().canPublish("b.x")).isFalse();
            assertThat(configs.byUsername("a").orElseThrow().permissions().canPublish("a.x")).isTrue();
            assertThat(configs.byUsername("b").orElseThrow().permissions().canPublish("b.x")).isTrue();
            assertThat(configs.byUsername("c").orElseThrow().permissions().canPublish("b.x")).isTrue();
        }
    }

    @Nested
    class PermissionForms {
        private PermissionsPolicy permissions(String block) {
            return load("authorization { users = [ { user: u, permissions: " + block + " } ] }")
                    .byUsername("u").orElseThrow().permissions();
        }

        @Test
        void everyWayOfWritingSubjects() {
            assertThat(permissions("{ publish: foo }").publish().allow()).containsExactly("foo");
            assertThat(permissions("{ pub: [foo, bar] }").publish().allow()).containsExactly("foo", "bar");
            assertThat(permissions("{ import: { allow: foo, deny: [bar] } }").publish())
                    .isEqualTo(SubjectPermission.forPublish(List.of("foo"), List.of("bar")));
            assertThat(permissions("{ sub: { deny: \"foo q\" } }").subscribe().deny()).containsExactly("foo q");
            assertThat(permissions("{ export: [\"foo.* q.*\"] }").subscribe().allow()).containsExactly("foo.* q.*");
            assertThat(permissions("{ subscribe: { allow: [] } }").canSubscribe("anything", null)).isTrue();
            assertThat(permissions("{ publish: [] }").canPublish("anything")).isTrue();
            assertThat(permissions("{ publish: {} }").canPublish("anything")).isTrue();
        }

        @Test
        void allowResponses() {
            PermissionsPolicy on = permissions("{ allow_responses: true }");
            assertThat(on.responses()).isEqualTo(PermissionsPolicy.Responses.DEFAULT);
            assertThat(on.canPublish("anything")).isFalse();
            assertThat(permissions("{ allow_responses: false }").responses()).isNull();
            assertThat(permissions("{ allow_responses: false }").canPublish("anything")).isTrue();
            PermissionsPolicy custom = permissions("{ publish_allow_responses: { max: 5, expires: \"1m30s\" } }");
            assertThat(custom.responses()).isEqualTo(new PermissionsPolicy.Responses(5, Duration.ofSeconds(90)));
            assertThat(permissions("{ allow_responses: { max_msgs: -1, ttl: \"-1s\" } }").responses())
                    .isEqualTo(new PermissionsPolicy.Responses(-1, Duration.ofSeconds(-1)));
            assertThat(permissions("{ allow_responses: { max_responses: 0, expiration: \"0\" } }").responses())
                    .isEqualTo(PermissionsPolicy.Responses.DEFAULT);
            assertThat(permissions("{ allow_responses: { max_messages: 2, expires: \"250ms\" } }").responses())
                    .isEqualTo(new PermissionsPolicy.Responses(2, Duration.ofMillis(250)));
            assertThat(permissions("{ allow_responses: {} }").responses())
                    .isEqualTo(PermissionsPolicy.Responses.DEFAULT);
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "1h|PT1H",
            "1.5h|PT1H30M",
            "1m30s|PT1M30S",
            "250ms|PT0.25S",
            "10us|PT0.00001S",
            "10\u00b5s|PT0.00001S",
            "7ns|PT0.000000007S",
            ".5s|PT0.5S",
            "5.s|PT5S",
            "+2s|PT2S",
            "-3m|PT-3M",
            "0|PT2M",
        })
        void expiresIsAGoDuration(String text, String iso) {
            Duration expected = Duration.parse(iso);
            // 0 means the default, like an absent key.
            assertThat(permissions("{ allow_responses: { expires: \"" + text + "\" } }").responses().expires())
                    .isEqualTo(expected);
        }
    }

    @Nested
    class Mistakes {
        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            // configuration | the error's reason (after "<string>:line:col: ")
            "authorization { users = [ { user: a, permissions: { publish: [\"foo..bar\"] } } ] }"
                    + "|authorization.users[0].permissions.publish: subject \"foo..bar\" is not a valid subject",
            "authorization { users = [ { user: a, permissions: { publish: [\"foo bar\"] } } ] }"
                    + "|authorization.users[0].permissions.publish: subject \"foo bar\" is not a valid subject",
            "authorization { users = [ { user: a, permissions: { subscribe: [\"foo bar baz\"] } } ] }"
                    + "|authorization.users[0].permissions.subscribe: subject \"foo bar baz\" is not a valid subject",
            "authorization { users = [ { user: a, permissions: { subscribe: { deny: [\"foo. bar\"] } } } ] }"
                    + "|authorization.users[0].permissions.subscribe.deny: subject \"foo.\" is not a valid subject",
            "authorization { users = [ { user: a, permissions: { subscribe: { allow: 5 } } } ] }"
                    + "|authorization.users[0].permissions.subscribe.allow: expected a subject or an array of them,"
                    + " got integer 5",
            "authorization { users = [ { user: a, permissions: { subscribe: { allow: [x, 5] } } } ] }"
                    + "|authorization.users[0].permissions.subscribe.allow: element 1: expected a subject, got"
                    + " integer 5",
            "authorization { users = [ { user: a, permissions: { subscribe: { alow: [x] } } } ] }"
                    + "|authorization.users[0].permissions.subscribe.alow: unknown field, only 'allow' or 'deny'"
                    + " are permitted",
            "authorization { users = [ { user: a, permissions: { subscrib: [x] } } ] }"
                    + "|authorization.users[0].permissions.subscrib: unknown field, expected publish, subscribe or"
                    + " allow_responses",
            "authorization { users = [ { user: a, permissions: { allow_responses: 5 } } ] }"
                    + "|authorization.users[0].permissions.allow_responses: expected a boolean or a map with max and"
                    + " expires, got integer 5",
            "authorization { users = [ { user: a, permissions: { allow_responses: { expires: 5 } } } ] }"
                    + "|authorization.users[0].permissions.allow_responses.expires: expected a duration string such"
                    + " as \"1m\", got integer 5",
            "authorization { users = [ { user: a, permissions: { allow_responses: { expires: \"x\" } } } ] }"
                    + "|authorization.users[0].permissions.allow_responses.expires: invalid duration \"x\"",
            "authorization { users = [ { user: a, permissions: { allow_responses: { expires: \"5\" } } } ] }"
                    + "|authorization.users[0].permissions.allow_responses.expires: missing unit in duration \"5\"",
            "authorization { users = [ { user: a, permissions: { allow_responses: { expires: \"5d\" } } } ] }"
                    + "|authorization.users[0].permissions.allow_responses.expires: unknown unit \"d\" in duration"
                    + " \"5d\"",
            "authorization { users = [ { user: a, permissions: { allow_responses: { expires: \"9999999999h\" } } } ] }"
                    + "|authorization.users[0].permissions.allow_responses.expires: invalid duration"
                    + " \"9999999999h\": out of range",
            "authorization { users = [ { user: a, permissions: { allow_responses: { max: x } } } ] }"
                    + "|authorization.users[0].permissions.allow_responses.max: expected an integer, got string \"x\"",
            "authorization { users = [ { user: a, permissions: { allow_responses: { max: 99999999999 } } } ] }"
                    + "|authorization.users[0].permissions.allow_responses.max: value 99999999999 is out of range",
            "authorization { users = [ { user: a, permissions: { allow_responses: { foo: 1 } } } ] }"
                    + "|authorization.users[0].permissions.allow_responses.foo: unknown field, expected max or expires",
            "authorization { users = [ { user: a, permissions: 5 } ] }"
                    + "|authorization.users[0].permissions: expected a map, got integer 5",
            "authorization { users = [ { user: a, permissions: [x] } ] }"
                    + "|authorization.users[0].permissions: expected a map, got an array",
            "authorization { users = [ { user: a, password: a, foo: 1 } ] }"
                    + "|authorization.users[0].foo: unknown field",
            "authorization { users = [ { password: a } ] }"
                    + "|authorization.users[0]: user entry requires a user or an nkey",
            "authorization { users = [ { user: \"\", password: a } ] }"
                    + "|authorization.users[0]: user entry requires a user or an nkey",
            "authorization { users = [ 5 ] }"
                    + "|authorization.users[0]: expected a map with user and password, or nkey, got integer 5",
            "authorization { users = [ { user: 5 } ] }"
                    + "|authorization.users[0].user: expected a string, got integer 5",
            "authorization { users = [ { user: a, password: 12345 } ] }"
                    + "|authorization.users[0].password: expected a string, got integer",
            "authorization { users = [ { user: a, password: a }, { user: a, password: b } ] }"
                    + "|authorization.users: duplicate user \"a\" detected",
            "authorization { users = [ { nkey: UABC } ] }"
                    + "|authorization.users[0].nkey: not a valid public nkey for a user",
            "authorization { users = [ { user: a, password: \"$2a$10$short\" } ] }"
                    + "|authorization.users[0].password: a bcrypt hash has 60 characters, this one 12",
            "authorization { users = [ { user: a, clients: [foo] } ] }"
                    + "|authorization.users[0].clients: unknown connection type \"foo\", expected IN_PROCESS,"
                    + " LEAFNODE, LEAFNODE_WS, MQTT, MQTT_WS, STANDARD, WEBSOCKET",
            "authorization { users = [ { user: a, clients: 5 } ] }"
                    + "|authorization.users[0].clients: expected a connection type or an array of them, got integer 5",
            "authorization { users = [ { user: a } ] }; no_auth_user: b"
                    + "|no_auth_user: \"b\" not present as user in authorization block or account configuration",
            "no_auth_user: b|no_auth_user: \"b\" present, but users are not defined",
            "authorization { default_permissions: { publish: [\"a b\"] } }"
                    + "|authorization.default_permissions.publish: subject \"a b\" is not a valid subject",
            "accounts { A { users = [ { user: a } ] } }; authorization { users = [ { user: a } ] }"
                    + "|authorization.users: duplicate user \"a\" detected",
            "accounts { A { users = [ { user: a } ] }, B { users = [ { user: a } ] } }"
                    + "|accounts.B.users: duplicate user \"a\" detected",
            "authorization { user: x, password: y }; accounts { A { users = [ { user: a } ] } }"
                    + "|accounts.A.users: can not have a single user/pass and accounts",
            "authorization { token: t }; accounts { A { users = [ { user: a } ] } }"
                    + "|accounts.A.users: can not have a token and accounts",
            "accounts { A { users = x } }|accounts.A.users: expected an array, got string \"x\"",
            "authorization { user: u, pass: \"$2y$10$short\" }"
                    + "|authorization.pass: a bcrypt hash has 60 characters, this one 12",
            "accounts { A { default_permissions: { sub: { deny: \"q..\" } } } }"
                    + "|accounts.A.default_permissions.sub.deny: subject \"q..\" is not a valid subject",
        })
        void areRefusedNamingTheKey(String config, String reason) {
            ConfigException e = error(config);
            assertThat(e.reason()).isEqualTo(reason);
            assertThat(e.getMessage()).startsWith("<string>:");
        }

        @Test
        void nkeyUsersTakeNoNameOrPassword() {
            assertThat(error("authorization { users = [ { nkey: " + NKEY_1 + ", user: a } ] }").reason())
                    .isEqualTo("authorization.users[0]: nkey users do not take usernames or passwords");
            assertThat(error("authorization { users = [ { nkey: " + NKEY_1 + ", password: a } ] }").reason())
                    .isEqualTo("authorization.users[0]: nkey users do not take usernames or passwords");
            String accountKey = NKeys.encodePublic(NKeyType.ACCOUNT, filled((byte) 3));
            assertThat(error("authorization { users = [ { nkey: " + accountKey + " } ] }").reason())
                    .isEqualTo("authorization.users[0].nkey: not a valid public nkey for a user");
            assertThat(error("authorization { users = [ { nkey: " + NKEY_1 + " }, { nkey: " + NKEY_1 + " } ] }")
                    .reason()).isEqualTo("authorization.users: duplicate nkey \"" + NKEY_1 + "\" detected");
        }

        @Test
        void passwordsNeverAppearInMessages() {
            ConfigException e = error("authorization { users = [ { user: a, password: [\"hunter2\"] } ] }");
            assertThat(e.getMessage()).doesNotContain("hunter2");
            ConfigException hash = error("authorization { users = [ { user: a, password: \"$2a$10$hunter2\" } ] }");
            assertThat(hash.getMessage()).doesNotContain("hunter2");
            ConfigException token = error("authorization { token: \"$2a$03$hunter2\" }");
            assertThat(token.getMessage()).doesNotContain("hunter2").contains("authorization.token");
        }

        @Test
        void everyProblemIsReportedAtOnce() {
            ConfigException e = error("""
                    authorization {
                      users = [
                        { user: a, permissions: { publish: ["a..b"] } }
                        { user: b, bogus: 1 }
                        { user: c, password: c }
                        { user: c, password: d }
                      ]
                    }
                    """);
            List<String> reasons = new ArrayList<>();
            reasons.add(e.reason());
            for (Throwable other : e.getSuppressed()) {
                reasons.add(((ConfigException) other).reason());
            }
            assertThat(reasons).containsExactly(
                    "authorization.users[0].permissions.publish: subject \"a..b\" is not a valid subject",
                    "authorization.users[1].bogus: unknown field",
                    "authorization.users: duplicate user \"c\" detected");
        }

        @Test
        void positionsNameTheFileLineAndColumn() throws IOException {
            Path file = dir.resolve("auth.conf");
            Files.writeString(file, """
                    authorization {
                      users = [
                        { user: a, password: a,
                          permissions: {
                            subscribe: { deny: ["ok", "foo..bar"] }
                          }
                        }
                      ]
                    }
                    """);
            ServerOptions.Builder builder = ServerOptions.builder();
            ConfigLoader.load(file, builder);
            assertThatThrownBy(() -> UserConfigs.load(builder.build()))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage(file + ":5:22: authorization.users[0].permissions.subscribe.deny: subject"
                            + " \"foo..bar\" is not a valid subject");
        }
    }

    @Nested
    class HostileValues {
        @Test
        void tooManyUsers() {
            List<Object> users = new ArrayList<>(Collections.nCopies(UserConfigs.USERS_MAX + 1, Map.of("user", "u")));
            ConfigException e = catchThrowableOfType(ConfigException.class,
                    () -> loadTree(Map.of("authorization", Map.of("users", users))));
            assertThat(e.reason()).isEqualTo("authorization.users: has " + (UserConfigs.USERS_MAX + 1)
                    + " entries, at most " + UserConfigs.USERS_MAX + " users are allowed");
        }

        @Test
        void manyUsersAcrossAccountsAreBoundedToo() {
            List<Object> half = new ArrayList<>();
            for (int i = 0; i < UserConfigs.USERS_MAX / 2 + 1; i++) {
                half.add(Map.of("user", "u" + i));
            }
            List<Object> otherHalf = new ArrayList<>();
            for (int i = 0; i < UserConfigs.USERS_MAX / 2 + 1; i++) {
                otherHalf.add(Map.of("user", "v" + i));
            }
            Map<String, Object> tree = Map.of("accounts", Map.of("A", Map.of("users", half),
                    "B", Map.of("users", otherHalf)));
            assertThatThrownBy(() -> loadTree(tree)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("more than " + UserConfigs.USERS_MAX + " users");
        }

        @Test
        void tooManySubjects() {
            List<Object> subjects = new ArrayList<>(Collections.nCopies(SubjectPermission.ENTRIES_MAX + 1, "a"));
            Map<String, Object> user = Map.of("user", "u", "permissions", Map.of("publish", subjects));
            assertThatThrownBy(() -> loadTree(Map.of("authorization", Map.of("users", List.of(user)))))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("authorization.users[0].permissions.publish: has 10001 entries, at most"
                            + " 10000 are allowed");
        }

        @Test
        void hugeSubjectsAndOddValues() {
            Map<String, Object> huge = Map.of("user", "u", "permissions",
                    Map.of("subscribe", "a".repeat(SubjectPermission.ENTRY_LENGTH_MAX + 1)));
            assertThatThrownBy(() -> loadTree(Map.of("authorization", Map.of("users", List.of(huge)))))
                    .hasMessageContaining("longer than " + SubjectPermission.ENTRY_LENGTH_MAX);
            String longDuration = "1".repeat(100) + "s";
            Map<String, Object> duration = Map.of("user", "u", "permissions",
                    Map.of("allow_responses", Map.of("expires", longDuration)));
            assertThatThrownBy(() -> loadTree(Map.of("authorization", Map.of("users", List.of(duration)))))
                    .hasMessageContaining("longer than 64 characters")
                    .hasMessageNotContaining(longDuration);
            Map<String, Object> weird = Map.of("user", "u", "permissions", Map.of("publish", Map.of("allow",
                    List.of(List.of("nested")))));
            assertThatThrownBy(() -> loadTree(Map.of("authorization", Map.of("users", List.of(weird)))))
                    .hasMessageContaining("element 0: expected a subject, got an array");
            String longValue = "x".repeat(5000);
            ConfigException e = error("authorization { users = [ { user: a, permissions: { subscribe: \""
                    + longValue + " " + longValue + " " + longValue + "\" } } ] }");
            assertThat(e.reason()).startsWith("authorization.users[0].permissions.subscribe: subject \"xxx")
                    .endsWith("\"... is not a valid subject").hasSizeLessThan(300);
            ConfigException value = error("authorization { users = [ { user: a, permissions: { publish: { allow: "
                    + "{ x: \"" + longValue + "\" } } } } ] }");
            assertThat(value.reason()).hasSizeLessThan(300);
        }

        @Test
        void wrongShapesOfWholeSections() {
            assertThat(loadTree(Map.of("accounts", Map.of("A", "not a map", "B", List.of()))).users()).isEmpty();
            assertThatThrownBy(() -> loadTree(Map.of("authorization", Map.of("users", "everyone"))))
                    .hasMessageContaining("authorization.users: expected an array, got string \"everyone\"");
            assertThatThrownBy(() -> loadTree(Map.of("authorization", "open")))
                    .hasMessageContaining("authorization: expected a map, got string \"open\"");
        }
    }
}
