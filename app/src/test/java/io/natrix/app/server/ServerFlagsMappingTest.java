package io.natrix.app.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.natrix.app.server.GoFlagSet.FlagException;
import io.natrix.server.config.ServerOptions;
import io.natrix.server.config.ServerOptions.TlsOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every flag of natrix server lands on the option nats-server gives it, and flags override the file. */
class ServerFlagsMappingTest {

    @TempDir
    Path dir;

    private static ServerOptions options(String... args) throws FlagException {
        return ServerFlags.parse(List.of(args)).options();
    }

    @Test
    void noFlagsMeansTheDefaults() throws FlagException {
        assertThat(options()).isEqualTo(ServerOptions.defaults());
    }

    @Test
    void serverFlagsSetTheirOptions() throws FlagException {
        ServerOptions o = options("-a", "127.0.0.1", "-p", "-1", "-n", "alpha", "-P", "/tmp/n.pid",
                "-m", "8222", "-ms", "8443", "--ports_file_dir", "/tmp/ports");
        assertThat(o.host()).isEqualTo("127.0.0.1");
        assertThat(o.port()).isEqualTo(-1);
        assertThat(o.serverName()).isEqualTo("alpha");
        assertThat(o.pidFile()).isEqualTo(Path.of("/tmp/n.pid"));
        assertThat(o.httpPort()).isEqualTo(8222);
        assertThat(o.httpsPort()).isEqualTo(8443);
        assertThat(o.portsFileDir()).isEqualTo(Path.of("/tmp/ports"));
    }

    @Test
    void everyNameOfAFlagWorks() throws FlagException {
        assertThat(options("--addr", "h1").host()).isEqualTo("h1");
        assertThat(options("--net", "h2").host()).isEqualTo("h2");
        assertThat(options("--port=5222").port()).isEqualTo(5222);
        assertThat(options("--name", "b").serverName()).isEqualTo("b");
        assertThat(options("--server_name", "c").serverName()).isEqualTo("c");
        assertThat(options("--pid", "p").pidFile()).isEqualTo(Path.of("p"));
        assertThat(options("--http_port", "-1").httpPort()).isEqualTo(-1);
        assertThat(options("--https_port", "1").httpsPort()).isEqualTo(1);
        assertThat(options("--log", "f.log").logFile()).isEqualTo(Path.of("f.log"));
        assertThat(options("--jetstream").jetstream()).isTrue();
        assertThat(options("--store_dir", "s").storeDir()).isEqualTo(Path.of("s"));
        assertThat(options("--debug").debug()).isTrue();
        assertThat(options("--trace").trace()).isTrue();
        assertThat(options("--syslog").syslog()).isTrue();
    }

    @Test
    void loggingFlagsSetTheirOptions() throws FlagException {
        ServerOptions o = options("-l", "/tmp/natrix.log", "-T=false", "-D", "-V", "--log_size_limit", "1000",
                "--max_traced_msg_len", "64");
        assertThat(o.logFile()).isEqualTo(Path.of("/tmp/natrix.log"));
        assertThat(o.logTime()).isFalse();
        assertThat(o.debug()).isTrue();
        assertThat(o.trace()).isTrue();
        assertThat(o.traceVerbose()).isFalse();
        assertThat(o.logFileSizeLimit()).isEqualTo(1000);
        assertThat(o.maxTracedMsgLen()).isEqualTo(64);
        assertThat(options("--logtime=false").logTime()).isFalse();
        assertThat(options("-T").logTime()).isTrue();
    }

    @Test
    void combinedDebugAndTraceFlagsSetBoth() throws FlagException {
        ServerOptions dv = options("-DV");
        assertThat(dv.debug()).isTrue();
        assertThat(dv.trace()).isTrue();
        assertThat(dv.traceVerbose()).isFalse();
        ServerOptions vv = options("-VV");
        assertThat(vv.debug()).isFalse();
        assertThat(vv.trace()).isTrue();
        assertThat(vv.traceVerbose()).isTrue();
        ServerOptions dvv = options("-DVV");
        assertThat(dvv.debug()).isTrue();
        assertThat(dvv.trace()).isTrue();
        assertThat(dvv.traceVerbose()).isTrue();
    }

    @Test
    void jetStreamAndAuthorizationFlagsSetTheirOptions() throws FlagException {
        ServerOptions o = options("-js", "-sd", "/tmp/store", "--user", "u", "--pass", "p");
        assertThat(o.jetstream()).isTrue();
        assertThat(o.storeDir()).isEqualTo(Path.of("/tmp/store"));
        assertThat(o.user()).isEqualTo("u");
        assertThat(o.password()).isEqualTo("p");
        assertThat(options("--auth", "s3cr3t").authToken()).isEqualTo("s3cr3t");
    }

    @Test
    void tlsFlagsBuildTlsOptions() throws FlagException {
        ServerOptions o = options("--tls", "--tlscert", "c.pem", "--tlskey", "k.pem");
        assertThat(o.tls()).isEqualTo(new TlsOptions(Path.of("c.pem"), Path.of("k.pem"), null, false, false,
                Duration.ofSeconds(2), false, List.of(), List.of()));
        ServerOptions verify = options("--tlsverify", "--tlscert", "c.pem", "--tlskey", "k.pem",
                "--tlscacert", "ca.pem");
        assertThat(verify.tls().verify()).isTrue();
        assertThat(verify.tls().caFile()).isEqualTo(Path.of("ca.pem"));
        assertThat(options("--tls=false").tls()).isNull();
    }

    @Test
    void tlsFlagsThatCanNotWorkAreRefused() {
        assertThatThrownBy(() -> options("--tls", "--tlskey", "k.pem"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--tlscert");
        assertThatThrownBy(() -> options("--tlsverify", "--tlscert", "c.pem"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--tlskey");
        assertThatThrownBy(() -> options("--tlscert", "c.pem"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--tls or --tlsverify");
    }

    @Test
    void clusterFlagsAreAcceptedAndCarried() throws FlagException {
        ServerOptions o = options("--routes", "nats://a:6222, nats://b:6222", "--cluster", "nats://0.0.0.0:6222",
                "--cluster_name", "c1");
        assertThat(o.routes()).containsExactly("nats://a:6222", "nats://b:6222");
        assertThat(o.clusterListen()).isEqualTo("nats://0.0.0.0:6222");
        assertThat(o.clusterName()).isEqualTo("c1");
        assertThat(options("--cluster_listen", "nats://h:1").clusterListen()).isEqualTo("nats://h:1");
    }

    @Test
    void unsupportedFlagsAreAcceptedWithAWarning() throws FlagException {
        ServerFlags flags = ServerFlags.parse(List.of("-s", "-r", "udp://localhost:514", "--no_advertise",
                "--cluster_advertise", "x:1", "--connect_retries", "3", "--client_advertise", "y:2",
                "--profile", "6060"));
        assertThat(flags.options()).isNotNull();
        assertThat(flags.warnings()).hasSize(5)
                .anySatisfy(w -> assertThat(w).contains("syslog is not supported"))
                .anySatisfy(w -> assertThat(w).contains("remote syslog"))
                .anySatisfy(w -> assertThat(w).contains("--no_advertise, --cluster_advertise, --connect_retries"))
                .anySatisfy(w -> assertThat(w).contains("--client_advertise"))
                .anySatisfy(w -> assertThat(w).contains("--profile"));
        assertThat(ServerFlags.parse(List.of("-p", "1")).warnings()).isEmpty();
    }

    @Test
    void outOfRangeValuesAreRefusedByValidation() {
        assertThatThrownBy(() -> options("-p", "70000"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port");
        assertThatThrownBy(() -> options("--auth", "t", "--user", "u"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token");
    }

    @Test
    void flagsOverrideTheConfigurationFile() throws IOException, FlagException {
        Path conf = Files.writeString(dir.resolve("server.conf"),
                "port: 4333\nserver_name: fromfile\ndebug: true\nlogtime: false\n");
        ServerOptions fileOnly = options("-c", conf.toString());
        assertThat(fileOnly.port()).isEqualTo(4333);
        assertThat(fileOnly.serverName()).isEqualTo("fromfile");
        assertThat(fileOnly.debug()).isTrue();
        assertThat(fileOnly.logTime()).isFalse();
        assertThat(fileOnly.configFile()).isEqualTo(conf);

        ServerOptions overridden = options("--config", conf.toString(), "-p", "5333", "-D=false", "-T");
        assertThat(overridden.port()).isEqualTo(5333);
        assertThat(overridden.serverName()).isEqualTo("fromfile");
        assertThat(overridden.debug()).isFalse();
        assertThat(overridden.logTime()).isTrue();
    }

    @Test
    void flagsGivenBeforeTheConfigFlagStillOverrideTheFile() throws IOException, FlagException {
        Path conf = Files.writeString(dir.resolve("server.conf"), "port: 4333\n");
        assertThat(options("-p", "6333", "-c", conf.toString()).port()).isEqualTo(6333);
    }
}
