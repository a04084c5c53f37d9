package io.natrix.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {

    @TempDir
    Path dir;
    private Path file;
    private ServerOptions.Builder builder;
    private List<ConfigLoader.Warning> warnings;

    @BeforeEach
    void freshBuilder() {
        file = dir.resolve("nats.conf");
        builder = ServerOptions.builder();
    }

    /** Writes the configuration to a file and loads it into {@link #builder}, keeping the warnings. */
    private ServerOptions.Builder load(String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        warnings = ConfigLoader.load(file, builder);
        return builder;
    }

    private ConfigException loadError(String text) {
        try {
            load(text);
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a ConfigException for: " + text);
    }

    private List<String> warningTexts() {
        return warnings.stream().map(ConfigLoader.Warning::toString).toList();
    }

    @Nested
    class LoadingFiles {
        @Test
        void loadRecordsTheFileAndTheParsedTree() {
            load("port: 4333\naccounts { A { users = [ {user: a} ] } }");
            assertThat(builder.configFile).isEqualTo(file);
            assertThat(builder.rawConfig).containsKeys("port", "accounts");
            assertThat(ConfigParser.positionOf(builder.rawConfig, "accounts"))
                    .contains(new ConfigParser.Position(file.toString(), 2, 1));
            ServerOptions options = builder.build();
            assertThat(options.port()).isEqualTo(4333);
            assertThat(options.configFile()).isEqualTo(file);
            assertThat(options.rawConfig()).isSameAs(builder.rawConfig);
        }

        @Test
        void theSingleArgumentLoadStartsFromDefaults() throws IOException {
            Files.writeString(file, "port: 4333\nunknown_thing: 1");
            ServerOptions options = ConfigLoader.load(file).build();
            assertThat(options.port()).isEqualTo(4333);
            assertThat(options.host()).isEqualTo(ServerOptions.DEFAULT_HOST);
            assertThat(options.maxPayload()).isEqualTo(ServerOptions.DEFAULT_MAX_PAYLOAD);
        }

        @Test
        void whatTheFileDoesNotSetKeepsTheBuildersValue() {
            builder.debug = true;
            builder.port = 1234;
            load("trace: true");
            assertThat(builder.debug).isTrue();
            assertThat(builder.port).isEqualTo(1234);
            assertThat(builder.trace).isTrue();
        }

        @Test
        void parseErrorsSurfaceUnchanged() {
            assertThat(loadError("port: \"4222").getMessage())
                    .isEqualTo(file + ":1:7: unterminated string, the closing '\"' is missing");
        }

        @Test
        void aMissingFileIsAConfigException() {
            Path missing = dir.resolve("nope.conf");
            assertThatThrownBy(() -> ConfigLoader.load(missing)).isInstanceOf(ConfigException.class)
                    .hasMessage(missing + ": configuration file does not exist");
        }

        @Test
        void anEmptyFileWarns() {
            load("# nothing here\n");
            assertThat(warningTexts()).containsExactly(file + ": config has no values or is empty");
        }
    }

    @Nested
    class ClientListener {
        @Test
        void hostAndPortAndTheirAliases() {
            load("host: 10.0.0.1\nport: 4333");
            assertThat(builder.host).isEqualTo("10.0.0.1");
            assertThat(builder.port).isEqualTo(4333);
            load("net: 10.0.0.2");
            assertThat(builder.host).isEqualTo("10.0.0.2");
        }

        @ParameterizedTest(name = "listen: {0}")
        @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "127.0.0.1:4333   | 127.0.0.1 | 4333",
            "4333             | 0.0.0.0   | 4333",
            "`\"[::1]:4333\"` | ::1       | 4333",
            "`\":4333\"`      | 0.0.0.0   | 4333",
            "localhost:-1     | localhost | -1",
        })
        void listenTakesAPortOrHostAndPort(String written, String host, int port) {
            load("listen: " + written);
            assertThat(builder.host).isEqualTo(host);
            assertThat(builder.port).isEqualTo(port);
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "localhost        | listen: could not parse address \"localhost\": missing port",
            "`\"a:b:4222\"`   | listen: could not parse address \"a:b:4222\": too many colons",
            "`\"[::1]\"`      | listen: could not parse address \"[::1]\": missing port",
            "`\"host:http\"`  | listen: could not parse port \"http\"",
            "true             | listen: expected a port or \"host:port\", got boolean true",
        })
        void badListenAddressesAreErrors(String written, String reason) {
            assertThat(loadError("listen: " + written).getMessage()).isEqualTo(file + ":1:1: " + reason);
        }

        @Test
        void serverNameMayNotContainSpaces() {
            load("server_name: n1");
            assertThat(builder.serverName).isEqualTo("n1");
            assertThat(loadError("server_name: \"my server\"").reason())
                    .isEqualTo("server_name: server name cannot contain spaces");
        }
    }

    @Nested
    class Limits {
        @Test
        void sizesTakeSuffixesQuotedOrNot() {
            load("max_payload: 2MB\nmax_control_line: 8k\nmax_pending: \"128MB\"\nlogfile_size_limit: 1GB");
            assertThat(builder.maxPayload).isEqualTo(2 * 1024 * 1024);
            assertThat(builder.maxControlLine).isEqualTo(8000);
            assertThat(builder.maxPending).isEqualTo(128L * 1024 * 1024);
            assertThat(builder.logFileSizeLimit).isEqualTo(1024L * 1024 * 1024);
        }

        @Test
        void sizesThatDoNotFitAnIntAreErrors() {
            assertThat(loadError("max_payload: 3GB").reason()).isEqualTo("max_payload: value 3221225472 is too big");
            assertThat(loadError("max_payload: \"12XB\"").reason())
                    .isEqualTo("max_payload: invalid size \"12XB\": unknown size unit 'XB'");
            assertThat(loadError("max_pending: true").reason())
                    .isEqualTo("max_pending: expected a size such as 1048576 or 1MB, got boolean true");
        }

        @Test
        void countsAndTheirAliases() {
            load("max_connections: 100\nmax_subscriptions: 10\nmax_traced_msg_len: 256\nping_max: 5");
            assertThat(builder.maxConnections).isEqualTo(100);
            assertThat(builder.maxSubscriptions).isEqualTo(10);
            assertThat(builder.maxTracedMsgLen).isEqualTo(256);
            assertThat(builder.maxPingsOut).isEqualTo(5);
            load("max_conn: 7\nmax_subs: 3");
            assertThat(builder.maxConnections).isEqualTo(7);
            assertThat(builder.maxSubscriptions).isEqualTo(3);
        }

        @Test
        void rangeChecksThatDoNotNeedTheFileAreLeftToBuild() {
            load("max_payload: 2MB\nmax_pending: 1MB");
            assertThatThrownBy(builder::build).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("max_pending");
        }
    }

    @Nested
    class Durations {
        @Test
        void durationsAreGoDurationStrings() {
            load("write_deadline: \"2s\"\nping_interval: 1m30s\nlame_duck_duration: \"1h2m\"\n"
                    + "lame_duck_grace_period: 250ms");
            assertThat(builder.writeDeadline).isEqualTo(Duration.ofSeconds(2));
            assertThat(builder.pingInterval).isEqualTo(Duration.ofSeconds(90));
            assertThat(builder.lameDuckDuration).isEqualTo(Duration.ofMinutes(62));
            assertThat(builder.lameDuckGracePeriod).isEqualTo(Duration.ofMillis(250));
            assertThat(warnings).isEmpty();
        }

        @Test
        void aBareIntegerIsSecondsWithAWarningAsInNatsServer() {
            load("ping_interval: 5\nwrite_deadline: 3");
            assertThat(builder.pingInterval).isEqualTo(Duration.ofSeconds(5));
            assertThat(builder.writeDeadline).isEqualTo(Duration.ofSeconds(3));
            assertThat(warningTexts()).containsExactly(
                    file + ":1:1: ping_interval should be converted to a duration, such as \"5s\"",
                    file + ":2:1: write_deadline should be converted to a duration, such as \"3s\"");
        }

        @Test
        void badDurationsAreErrors() {
            assertThat(loadError("ping_interval: \"2x\"").reason())
                    .isEqualTo("ping_interval: unknown unit \"x\" in duration \"2x\"");
            assertThat(loadError("ping_interval: 1.5").reason())
                    .isEqualTo("ping_interval: expected a duration such as \"2s\" or \"1m30s\", got float 1.5");
            assertThat(loadError("write_deadline: \"10\"").reason())
                    .isEqualTo("write_deadline: missing unit in duration \"10\"");
        }

        @Test
        void lameDuckDurationHasNatsServersMinimum() {
            assertThat(loadError("lame_duck_duration: \"10s\"").reason())
                    .isEqualTo("lame_duck_duration: invalid lame_duck_duration of 10s, minimum is 30 seconds");
            assertThat(loadError("lame_duck_grace_period: \"-1s\"").reason())
                    .isEqualTo("lame_duck_grace_period: invalid lame_duck_grace_period, needs to be positive");
        }
    }

    @Nested
    class Monitoring {
        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', value = {
            "http: 8222                 | 0.0.0.0   | 8222 | 0",
            "http: localhost:8223       | localhost | 8223 | 0",
            "monitor_port: 8224         | 0.0.0.0   | 8224 | 0",
            "http_port: 127.0.0.1:8225  | 127.0.0.1 | 8225 | 0",
            "https: 10.0.0.1:8443       | 10.0.0.1  | 0    | 8443",
            "https_port: 8444           | 0.0.0.0   | 0    | 8444",
        })
        void monitoringListenersTakeAPortOrHostAndPort(String line, String host, int httpPort, int httpsPort) {
            load(line);
            assertThat(builder.httpHost).isEqualTo(host);
            assertThat(builder.httpPort).isEqualTo(httpPort);
            assertThat(builder.httpsPort).isEqualTo(httpsPort);
        }
    }

    @Nested
    class Logging {
        @Test
        void filesAndTheirAliases() {
            load("pid_file: /run/nats.pid\nports_file_dir: /tmp/ports\nlog_file: nats.log\nlogfile_max_num: 3");
            assertThat(builder.pidFile).isEqualTo(Path.of("/run/nats.pid"));
            assertThat(builder.portsFileDir).isEqualTo(Path.of("/tmp/ports"));
            assertThat(builder.logFile).isEqualTo(Path.of("nats.log"));
            assertThat(builder.logFileMaxNum).isEqualTo(3);
            load("pidfile: a.pid\nlogfile: b.log\nlog_size_limit: 1k\nlog_max_num: 2");
            assertThat(builder.pidFile).isEqualTo(Path.of("a.pid"));
            assertThat(builder.logFile).isEqualTo(Path.of("b.log"));
            assertThat(builder.logFileSizeLimit).isEqualTo(1000);
            assertThat(builder.logFileMaxNum).isEqualTo(2);
        }

        @Test
        void switches() {
            load("logtime: false\ndebug: yes\ntrace: on\nsyslog: true\nno_header_support: true\n"
                    + "disable_sublist_cache: true");
            assertThat(builder.logTime).isFalse();
            assertThat(builder.debug).isTrue();
            assertThat(builder.trace).isTrue();
            assertThat(builder.syslog).isTrue();
            assertThat(builder.noHeaderSupport).isTrue();
            assertThat(builder.disableSublistCache).isTrue();
        }

        @Test
        void noSublistCacheIsAnAlias() {
            load("no_sublist_cache: true");
            assertThat(builder.disableSublistCache).isTrue();
        }

        @Test
        void traceVerboseImpliesTrace() {
            load("trace_verbose: true");
            assertThat(builder.traceVerbose).isTrue();
            assertThat(builder.trace).isTrue();
        }

        @Test
        void switchesMustBeBooleans() {
            assertThat(loadError("debug: 1").getMessage())
                    .isEqualTo(file + ":1:1: debug: expected a boolean, got integer 1");
        }
    }

    @Nested
    class JetStream {
        @ParameterizedTest
        @CsvSource({"true, true", "false, false", "enabled, true", "Enable, true", "disabled, false",
            "disable, false"})
        void aBooleanOrEnabledOrDisabled(String written, boolean enabled) {
            load("jetstream: " + written);
            assertThat(builder.jetstream).isEqualTo(enabled);
        }

        @Test
        void aBlockEnablesJetStreamAndNamesTheStoreDirectory() {
            load("""
                    jetstream {
                      store_dir: /data/js
                      max_memory_store: 1GB
                      max_file_store: "10G"
                      domain: hub
                      sync_interval: "2m"
                    }
                    """);
            assertThat(builder.jetstream).isTrue();
            assertThat(builder.storeDir).isEqualTo(Path.of("/data/js"));
            assertThat(warnings).isEmpty();
            Map<?, ?> block = (Map<?, ?>) builder.rawConfig.get("jetstream");
            assertThat(block.get("max_file_store")).isEqualTo("10G");
            assertThat(block.get("domain")).isEqualTo("hub");
        }

        @Test
        void aBlockMaySayEnabledFalseAndUseAliases() {
            load("jetstream { enabled: false, store: /js, sync: always }");
            assertThat(builder.jetstream).isFalse();
            assertThat(builder.storeDir).isEqualTo(Path.of("/js"));
        }

        @Test
        void syncIntervalTakesGroupAlwaysOrADuration() {
            for (String value : List.of("group", "always", "\"10s\"")) {
                load("jetstream { sync_interval: " + value + " }");
                assertThat(warnings).isEmpty();
            }
            assertThatThrownBy(() -> load("jetstream { sync_interval: sometimes }"))
                    .hasMessageContaining("sync_interval");
        }

        @Test
        void storeDirMayBeSetAtTheTopLevelButOnlyOnce() {
            load("store_dir: /top");
            assertThat(builder.storeDir).isEqualTo(Path.of("/top"));
            assertThat(loadError("store_dir: /a\njetstream { store_dir: /b }").getMessage())
                    .isEqualTo(file + ":2:13: jetstream.store_dir: duplicate 'store_dir' configuration");
        }

        @Test
        void badJetStreamValuesAreErrors() {
            assertThat(loadError("jetstream: maybe").reason())
                    .isEqualTo("jetstream: expected 'enabled' or 'disabled' for a string value, got \"maybe\"");
            assertThat(loadError("jetstream: 1").reason())
                    .isEqualTo("jetstream: expected a boolean, \"enabled\", \"disabled\" or a map, got integer 1");
            assertThat(loadError("jetstream { max_file_store: \"10X\" }").reason())
                    .isEqualTo("jetstream.max_file_store: sizes defined as strings must end in K, M, G or T");
            assertThat(loadError("jetstream { domain: 5 }").reason())
                    .isEqualTo("jetstream.domain: expected a string, got integer 5");
        }

        @Test
        void unknownJetStreamKeysWarn() {
            load("jetstream { store_dir: /js, max_bananas: 3, limits { max_ha_assets: 1 } }");
            assertThat(warningTexts()).containsExactly(file + ":1:29: unknown field \"jetstream.max_bananas\"");
        }
    }

    @Nested
    class Authorization {
        @Test
        void userPasswordAndTimeout() {
            load("authorization {\n  user: alice\n  password: s3cret\n  timeout: 3\n}");
            assertThat(builder.user).isEqualTo("alice");
            assertThat(builder.password).isEqualTo("s3cret");
            assertThat(builder.authTimeout).isEqualTo(Duration.ofSeconds(3));
            builder.build();
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "0.5      | PT0.5S",
            "2        | PT2S",
            "`\"1.5s\"` | PT1.5S",
        })
        void timeoutIsSecondsOrADuration(String written, Duration expected) {
            load("authorization { token: t, timeout: " + written + " }");
            assertThat(builder.authTimeout).isEqualTo(expected);
            assertThat(builder.authToken).isEqualTo("t");
        }

        @Test
        void theDefaultTimeoutIsTwoSecondsOrTheTlsTimeoutPlusOne() {
            load("port: 4222");
            assertThat(builder.build().authTimeout()).isEqualTo(Duration.ofSeconds(2));
            builder = ServerOptions.builder();
            builder.tls = new ServerOptions.TlsOptions(null, null, null, false, false, Duration.ofSeconds(5), false,
                    null, null);
            assertThat(builder.build().authTimeout()).isEqualTo(Duration.ofSeconds(6));
            builder.tls = new ServerOptions.TlsOptions(null, null, null, false, false, null, false, null, null);
            builder.authTimeout = null;
            assertThat(builder.build().authTimeout()).isEqualTo(Duration.ofSeconds(3));
        }

        @Test
        void aTimeoutAboveAMinuteWarns() {
            load("authorization {\n  timeout: 1m\n}");
            assertThat(builder.authTimeout).isEqualTo(Duration.ofSeconds(1_000_000));
            assertThat(warningTexts()).singleElement().asString()
                    .startsWith(file + ":2:3: authorization.timeout of 1000000 seconds is high");
        }

        @Test
        void aliasesAndCaseInsensitiveKeys() {
            load("Authorization { USERNAME: bob, Pass: pw }");
            assertThat(builder.user).isEqualTo("bob");
            assertThat(builder.password).isEqualTo("pw");
        }

        @Test
        void usersStayInTheRawConfigurationForTheAuthenticationCode() {
            load("authorization { users = [ {user: a, password: b} ], permissions { publish: \">\" } }");
            assertThat(builder.user).isNull();
            Map<?, ?> auth = (Map<?, ?>) builder.rawConfig.get("authorization");
            assertThat(auth.get("users")).isEqualTo(List.of(Map.of("user", "a", "password", "b")));
        }

        @Test
        void conflictingCredentialsAreErrors() {
            assertThat(loadError("authorization { user: a, password: b, token: c }").reason())
                    .isEqualTo("authorization: can not have a user/password and a token");
            assertThat(loadError("authorization { user: a, users: [] }").reason())
                    .isEqualTo("authorization: can not have a single user/password and a users array");
            assertThat(loadError("authorization { token: t, users: [] }").reason())
                    .isEqualTo("authorization: can not have a token and a users array");
        }

        @Test
        void anUnknownKeyInsideAuthorizationIsAnError() {
            assertThat(loadError("authorization {\n  usr: alice\n}").getMessage())
                    .isEqualTo(file + ":2:3: authorization.usr: unknown field");
        }

        @Test
        void secretsNeverAppearInMessages() {
            ConfigException e = loadError("authorization { password: 123456789, token: 987654321 }");
            assertThat(e.getMessage()).isEqualTo(file + ":1:17: authorization.password: expected a string,"
                    + " got integer");
            assertThat(e.getSuppressed()).singleElement().extracting(Throwable::getMessage).asString()
                    .doesNotContain("987654321");
        }

        @Test
        void noAuthUser() {
            load("no_auth_user: guest");
            assertThat(builder.noAuthUser).isEqualTo("guest");
        }
    }

    @Nested
    class Tls {
        @Test
        void everyMappedKey() {
            load("""
                    tls {
                      cert_file: "./server-cert.pem"
                      key_file: "./server-key.pem"
                      ca_file: "./ca.pem"
                      verify: true
                      timeout: 0.5
                      handshake_first: true
                      cipher_suites: [TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384]
                      curve_preferences: [X25519]
                      pinned_certs: []
                    }
                    """);
            ServerOptions.TlsOptions tls = builder.tls;
            assertThat(tls.certFile()).isEqualTo(Path.of("./server-cert.pem"));
            assertThat(tls.keyFile()).isEqualTo(Path.of("./server-key.pem"));
            assertThat(tls.caFile()).isEqualTo(Path.of("./ca.pem"));
            assertThat(tls.verify()).isTrue();
            assertThat(tls.verifyAndMap()).isFalse();
            assertThat(tls.timeout()).isEqualTo(Duration.ofMillis(500));
            assertThat(tls.handshakeFirst()).isTrue();
            assertThat(tls.ciphers()).containsExactly("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384");
            assertThat(tls.curvePreferences()).containsExactly("X25519");
        }

        @Test
        void defaultsForAnAlmostEmptyBlock() {
            load("tls { cert_file: c.pem, key_file: k.pem }");
            assertThat(builder.tls.timeout()).isEqualTo(ConfigLoader.DEFAULT_TLS_TIMEOUT);
            assertThat(builder.tls.verify()).isFalse();
            assertThat(builder.tls.ciphers()).isEmpty();
        }

        @Test
        void verifyAndMapImpliesVerify() {
            load("tls { verify_and_map: true }");
            assertThat(builder.tls.verifyAndMap()).isTrue();
            assertThat(builder.tls.verify()).isTrue();
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "false           | false", "`\"auto\"` | true", "`\"off\"` | false", "`\"300ms\"` | true",
            "on              | true",
        })
        void handshakeFirstTakesNatsServersForms(String written, boolean expected) {
            load("tls { first: " + written + " }");
            assertThat(builder.tls.handshakeFirst()).isEqualTo(expected);
        }

        @Test
        void badTlsValuesAreErrors() {
            assertThat(loadError("tls { cipher_suites: [] }").reason())
                    .isEqualTo("tls.cipher_suites: can not be empty");
            assertThat(loadError("tls { curve_preferences: [1] }").reason())
                    .isEqualTo("tls.curve_preferences: expected an array of strings, found integer 1");
            assertThat(loadError("tls { handshake_first: sometimes }").reason()).isEqualTo(
                    "tls.handshake_first: value \"sometimes\" is invalid, expected a boolean, \"auto\" or a duration");
            assertThat(loadError("tls { verify: \"yes\" }").reason())
                    .isEqualTo("tls.verify: expected a boolean, got string \"yes\"");
            assertThat(loadError("tls: true").reason()).isEqualTo("tls: expected a map, got boolean true");
        }

        @Test
        void pinnedCertsAreKeptInLowerCase() {
            String lower = "bf6f821f09fde09451411ba3b42c0f74727d61a974c69fd3cf5257f39c75f0e9";
            String upper = "7F83B1657FF1FC53B92DC18148A1D65DFC2D4B1FA3D677284ADDD200126D9069";
            load("tls { pinned_certs: [\"" + lower + "\", \"" + upper + "\"] }");
            assertThat(builder.tls.pinnedCerts()).containsExactlyInAnyOrder(lower, upper.toLowerCase());
            assertThat(warnings).isEmpty();
        }

        @Test
        void anEmptyPinnedCertsListPinsNothingAndSaysSo() {
            load("tls {\n  pinned_certs: []\n}");
            assertThat(builder.tls.pinnedCerts()).isNull();
            assertThat(warningTexts()).containsExactly(file + ":2:3: tls.pinned_certs is empty: clients are not pinned");
        }

        @Test
        void badPinnedCertsAreNatsServersErrors() {
            assertThat(loadError("tls { pinned_certs: \"abc\" }").reason()).isEqualTo(
                    "error parsing tls config, expected 'pinned_certs' to be a list of hex-encoded sha256 of DER "
                            + "encoded SubjectPublicKeyInfo");
            String shortKey = "BF6F821F09FDE09451411BA3B42C0F74727D61A974C69FD3CF5257F39C75F0E";
            assertThat(loadError("tls { pinned_certs: [\"" + shortKey + "\"] }").reason()).isEqualTo(
                    "error parsing tls config, 'pinned_certs' key " + shortKey.toLowerCase()
                            + " does not look like hex-encoded sha256 of DER encoded SubjectPublicKeyInfo");
            String notHex = "zz6f821f09fde09451411ba3b42c0f74727d61a974c69fd3cf5257f39c75f0e9";
            assertThat(loadError("tls { pinned_certs: [\"" + notHex + "\"] }").reason())
                    .startsWith("error parsing tls config, 'pinned_certs' key " + notHex + " does not look like");
            assertThat(loadError("tls { pinned_certs: [42] }").reason())
                    .startsWith("error parsing tls config, 'pinned_certs' key 42 does not look like");
        }

        @ParameterizedTest
        @ValueSource(strings = {"1.2", "1.3"})
        void minVersionTakesTls12And13(String version) {
            load("tls { min_version: \"" + version + "\" }");
            assertThat(builder.tls.minVersion()).isEqualTo(version);
        }

        @Test
        void badMinVersionsAreNatsServersErrors() {
            assertThat(loadError("tls { min_version: \"1.1\" }").reason())
                    .isEqualTo("error parsing tls config: unsupported TLS version: TLS 1.1");
            assertThat(loadError("tls { min_version: \"1.4\" }").reason())
                    .isEqualTo("error parsing tls config: unknown version: 1.4");
            assertThat(loadError("tls { min_version: 12 }").reason())
                    .isEqualTo("error parsing tls config: 'min_version' wrong type: 12");
        }

        @Test
        void unsupportedTlsKeysWarnAndChangeNothing() {
            load("""
                    tls {
                      cert_file: c.pem
                      key_file: k.pem
                      ocsp_peer: true
                      connection_rate_limit: 3
                      cert_store: WindowsCurrentUser
                    }
                    """);
            assertThat(warningTexts()).containsExactly(
                    file + ":4:3: tls option \"tls.ocsp_peer\" is not supported by Natrix and is ignored",
                    file + ":5:3: tls option \"tls.connection_rate_limit\" is not supported by Natrix and is ignored",
                    file + ":6:3: tls option \"tls.cert_store\" is not supported by Natrix and is ignored");
            assertThat(builder.tls.certFile()).isEqualTo(Path.of("c.pem"));
        }

        @Test
        void verifyCertAndCheckKnownUrlsIsRefusedInTheClientBlock() {
            assertThat(loadError("tls { verify_cert_and_check_known_urls: true }").reason())
                    .isEqualTo("verify_cert_and_check_known_urls not supported in this context");
            assertThat(loadError("tls { verify_cert_and_check_known_urls: 1 }").reason()).isEqualTo(
                    "error parsing tls config, expected 'verify_cert_and_check_known_urls' to be a boolean");
            load("tls { verify_cert_and_check_known_urls: false }");
            assertThat(warnings).isEmpty();
        }

        @Test
        void anUnknownKeyInsideTlsIsAnError() {
            assertThat(loadError("tls {\n  cert: x.pem\n}").getMessage())
                    .isEqualTo(file + ":2:3: tls.cert: unknown field");
        }
    }

    @Nested
    class Cluster {
        @Test
        void nameListenAndRoutes() {
            load("""
                    cluster {
                      name: east
                      listen: 0.0.0.0:6222
                      routes = [
                        nats-route://10.0.0.2:6222
                        nats-route://user:pass@10.0.0.3:6222
                      ]
                      authorization { user: route, password: pw }
                    }
                    """);
            assertThat(builder.clusterName).isEqualTo("east");
            assertThat(builder.clusterListen).isEqualTo("0.0.0.0:6222");
            assertThat(builder.routes).containsExactly("nats-route://10.0.0.2:6222",
                    "nats-route://user:pass@10.0.0.3:6222");
            assertThat(warnings).isEmpty();
        }

        @Test
        void listenAsAPortOrAsHostAndPortKeys() {
            load("cluster { listen: 6222 }");
            assertThat(builder.clusterListen).isEqualTo("0.0.0.0:6222");
            load("cluster { host: \"::1\", port: 6223 }");
            assertThat(builder.clusterListen).isEqualTo("[::1]:6223");
            load("cluster { net: 10.1.1.1\nport: 6224 }");
            assertThat(builder.clusterListen).isEqualTo("10.1.1.1:6224");
        }

        @Test
        void aDuplicateRouteWarnsAndIsDropped() {
            load("cluster { routes: [a://h:1, a://h:1] }");
            assertThat(builder.routes).containsExactly("a://h:1");
            assertThat(warningTexts()).containsExactly(file + ":1:11: duplicate route entry a://h:1");
        }

        @Test
        void badClusterValuesAreErrors() {
            assertThat(loadError("cluster { name: \"a b\" }").reason())
                    .isEqualTo("cluster.name: cluster name cannot contain spaces");
            assertThat(loadError("cluster { routes: \"nats://h:1\" }").reason())
                    .isEqualTo("cluster.routes: expected an array, got string \"nats://h:1\"");
            assertThat(loadError("cluster { routes: [1] }").reason())
                    .isEqualTo("cluster.routes: expected an array of route URLs, found integer 1");
            assertThat(loadError("cluster { routes: [\"nats://bad host\"] }").reason())
                    .startsWith("cluster.routes: invalid route URL \"nats://bad host\"");
        }

        @Test
        void unknownClusterKeysWarn() {
            load("cluster { name: c, colour: blue }");
            assertThat(warningTexts()).containsExactly(file + ":1:20: unknown field \"cluster.colour\"");
        }
    }

    @Nested
    class UnknownKeysAndErrors {
        @Test
        void unknownTopLevelKeysWarnWithTheirPosition() {
            load("port: 1\n  bogus: 2\n");
            assertThat(warningTexts()).containsExactly(file + ":2:3: unknown field \"bogus\"");
            assertThat(builder.rawConfig).containsKey("bogus");
        }

        @ParameterizedTest
        @ValueSource(strings = {"accounts { A {} }", "gateway { name: g }", "leafnodes { port: 7422 }",
            "websocket { port: 8080 }", "mqtt { port: 1883 }", "system_account: SYS", "server_tags: [a]"})
        void keysNatsServerKnowsPassSilently(String text) {
            load(text);
            assertThat(warnings).isEmpty();
        }

        @Test
        void keysThatOnlyDefineVariablesDoNotWarn() {
            load("PASS: s3cret\nUNUSED: 1\nauthorization { password: $PASS }");
            assertThat(builder.password).isEqualTo("s3cret");
            assertThat(warningTexts()).containsExactly(file + ":2:1: unknown field \"UNUSED\"");
        }

        @Test
        void topLevelKeysIgnoreCase() {
            load("PORT: 5222\nMax_Payload: 1k\nDebug: true");
            assertThat(builder.port).isEqualTo(5222);
            assertThat(builder.maxPayload).isEqualTo(1000);
            assertThat(builder.debug).isTrue();
        }

        @Test
        void aWrongTypeNamesFileLineColumnAndKey() {
            assertThat(loadError("debug: false\n  port: \"abc\"").getMessage())
                    .isEqualTo(file + ":2:3: port: expected an integer, got string \"abc\"");
        }

        @Test
        void everyBadValueIsReportedTheFirstThrownTheRestSuppressed() {
            ConfigException e = loadError("port: abc\ndebug: 7\ncluster { name: \"x y\" }");
            assertThat(e.getMessage()).isEqualTo(file + ":1:1: port: expected an integer, got string \"abc\"");
            assertThat(e.getSuppressed()).extracting(Throwable::getMessage).containsExactly(
                    file + ":2:1: debug: expected a boolean, got integer 7",
                    file + ":3:11: cluster.name: cluster name cannot contain spaces");
        }

        @Test
        void valuesFromIncludedFilesNameTheIncludedFile() throws IOException {
            Path included = dir.resolve("limits.conf");
            Files.writeString(included, "\nmax_payload: lots\n");
            assertThat(loadError("include limits.conf").getMessage())
                    .isEqualTo(included + ":2:1: max_payload: invalid size \"lots\": a size starts with digits");
        }

        @Test
        void aMapThatDidNotComeFromTheParserStillApplies() {
            ServerOptions.Builder b = ServerOptions.builder();
            List<ConfigLoader.Warning> w = ConfigLoader.apply(Map.<String, Object>of("port", 4999L), b);
            assertThat(b.port).isEqualTo(4999);
            assertThat(w).isEmpty();
            assertThatThrownBy(() -> ConfigLoader.apply(Map.<String, Object>of("port", "x"), ServerOptions.builder()))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("<config>: port: expected an integer, got string \"x\"");
        }

        @Test
        void applyTakesParsedTextToo() {
            ServerOptions.Builder b = ServerOptions.builder();
            ConfigLoader.apply(ConfigParser.parse("port: 5000\nping_interval: \"30s\""), b);
            assertThat(b.port).isEqualTo(5000);
            assertThat(b.pingInterval).isEqualTo(Duration.ofSeconds(30));
            assertThat(b.configFile).isNull();
        }
    }
}
