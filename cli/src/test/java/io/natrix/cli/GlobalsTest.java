package io.natrix.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.natrix.cli.CliHarness.Result;
import io.nats.client.Connection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** How the global flags, the environment and the selected context combine into a connection. */
class GlobalsTest {

    @TempDir
    Path dir;

    /** Globals as picocli fills them from a command line, seeing the given environment. */
    private static Globals parse(Map<String, String> env, String... args) {
        CliHarness.TestRoot root = new CliHarness.TestRoot();
        new CommandLine(root).parseArgs(args);
        return root.globals.environment(env);
    }

    @Test
    void flagBeatsEnvironmentBeatsContextBeatsDefault() {
        Map<String, String> env = new HashMap<>(Map.of("XDG_CONFIG_HOME", dir.toString()));
        assertThat(parse(env).url()).isEqualTo(Globals.DEFAULT_URL);

        try (CliHarness cli = CliHarness.withoutServer(dir)) {
            cli.env().put("XDG_CONFIG_HOME", dir.toString());
            assertThat(cli.run("context", "add", "c", "--server", "nats://ctx:1", "--select").status()).isZero();
        }
        assertThat(parse(env).url()).isEqualTo("nats://ctx:1");
        env.put("NATS_URL", "nats://env:2");
        assertThat(parse(env).url()).isEqualTo("nats://env:2");
        assertThat(parse(env, "-s", "nats://flag:3").url()).isEqualTo("nats://flag:3");
        env.remove("NATS_URL");
        assertThat(parse(env, "--no-context").url()).isEqualTo(Globals.DEFAULT_URL);
        env.put("NATS_CONTEXT", "missing");
        assertThatThrownBy(() -> parse(env).url()).isInstanceOf(CliException.class)
                .hasMessage("unknown context \"missing\"");
    }

    @Test
    void connectsThroughTheSelectedContextWithItsCredentials() throws Exception {
        try (CliHarness cli = CliHarness.start(dir, b -> {
            b.user = "bob";
            b.password = "pw";
        })) {
            String url = cli.url();
            cli.env().remove("NATS_URL");
            assertThat(cli.run("context", "add", "c", "--server", url, "--user", "bob", "--password", "pw",
                    "--select").status()).isZero();
            try (Connection nc = parse(cli.env()).connect()) {
                assertThat(nc.getStatus()).isEqualTo(Connection.Status.CONNECTED);
                assertThat(nc.getConnectedUrl()).isEqualTo(url);
            }
            assertThatThrownBy(() -> parse(cli.env(), "--password", "wrong").connect())
                    .isInstanceOf(CliException.class)
                    .hasMessageStartingWith("could not connect to " + url + ": ")
                    .hasMessageContaining("Authorization Violation");
        }
    }

    @Test
    void timeoutsParseAsGoDurations() {
        assertThat(parse(Map.of()).timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(parse(Map.of("NATS_TIMEOUT", "250ms")).timeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(parse(Map.of(), "--timeout", "1m30s").timeout()).isEqualTo(Duration.ofSeconds(90));
        assertThatThrownBy(() -> parse(Map.of(), "--timeout", "soon").timeout())
                .isInstanceOf(CliException.class).hasMessageStartingWith("invalid timeout \"soon\"");
        assertThatThrownBy(() -> parse(Map.of(), "--timeout", "0s").timeout())
                .isInstanceOf(CliException.class).hasMessage("invalid timeout \"0s\": must be positive");
    }

    @Test
    void unreachableServerAndUnreadableFilesAreOneLineErrors() {
        Globals g = parse(Map.of(), "-s", "nats://127.0.0.1:1", "--timeout", "500ms");
        assertThatThrownBy(g::connect).isInstanceOf(CliException.class)
                .hasMessage("could not connect to nats://127.0.0.1:1: Connection refused");
        assertThatThrownBy(() -> parse(Map.of(), "--creds", dir.resolve("none.creds").toString()).connect())
                .isInstanceOf(CliException.class).hasMessage("cannot read credentials file "
                        + dir.resolve("none.creds"));
        assertThatThrownBy(() -> parse(Map.of(), "--tlsca", dir.resolve("none.pem").toString(),
                "-s", "tls://127.0.0.1:1").connect())
                .isInstanceOf(CliException.class).hasMessageStartingWith("could not load TLS files: ");
    }

    @Test
    void nkeySeedFileAuthenticates() throws Exception {
        io.nats.client.NKey user = io.nats.client.NKey.createUser(null);
        Path seed = dir.resolve("user.nk");
        Files.writeString(seed, new String(user.getSeed()) + "\n");
        String publicKey = new String(user.getPublicKey());
        try (CliHarness cli = CliHarness.fromConfig(dir, "authorization { users = [ { nkey: " + publicKey
                + " } ] }\n")) {
            try (Connection nc = parse(cli.env(), "--nkey", seed.toString()).connect()) {
                assertThat(nc.getStatus()).isEqualTo(Connection.Status.CONNECTED);
            }
            Path bad = dir.resolve("bad.nk");
            Files.writeString(bad, "SUnotaseed");
            assertThatThrownBy(() -> parse(cli.env(), "--nkey", bad.toString()).connect())
                    .isInstanceOf(CliException.class).hasMessageStartingWith("could not read nkey seed " + bad);
        }
    }

    @Test
    void aFailedCommandShowsTheTraceOnlyWithTrace() {
        try (CliHarness cli = CliHarness.withoutServer(dir)) {
            Result plain = cli.run("context", "select", "nope");
            assertThat(plain.err()).hasLineCount(1);
            Result traced = cli.run("--trace", "context", "select", "nope");
            assertThat(traced.err()).startsWith("natrix: error: unknown context \"nope\"\n")
                    .contains("at io.natrix.cli.context.");
        }
    }
}
