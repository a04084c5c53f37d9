package io.natrix.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the launcher binds the client port before the JVM starts ({@code natrix_listen_address} in {@code ./natrix}):
 * from nats-server's flags and the top level of a configuration file, and nowhere when it can not be sure (then
 * the server binds by itself). Runs the launcher's two functions in bash, on their own.
 */
class LauncherListenAddressTest {

    private static final Path ROOT = Path.of(System.getProperty("natrix.root", "..")).toAbsolutePath().normalize();
    private static final String NONE = "none";

    @TempDir
    Path dir;

    /** "HOST PORT" for the server arguments (those after {@code server}), or {@link #NONE}. */
    private static String address(String... args) throws IOException, InterruptedException {
        String script = "eval \"$(sed -n '/^natrix_listen_address() {/,/^}/p;/^natrix_config_listen() {/,/^}/p' "
                + "\"$0\")\"; if natrix_listen_address \"$@\"; then echo \"${natrix_listen[*]}\"; else echo none; fi";
        List<String> command = new ArrayList<>(List.of("bash", "-c", script, ROOT.resolve("natrix").toString()));
        command.addAll(List.of(args));
        Process bash = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(bash.exitValue()).as(out).isZero();
        return out;
    }

    private Path conf(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void flagsInEveryGoSpelling() throws Exception {
        assertThat(address()).isEqualTo("0.0.0.0 4222");
        assertThat(address("-js", "-sd", "/tmp/x")).isEqualTo("0.0.0.0 4222");
        assertThat(address("-p", "4300")).isEqualTo("0.0.0.0 4300");
        assertThat(address("-a", "127.0.0.1", "-p", "-1")).isEqualTo("127.0.0.1 -1");
        assertThat(address("--addr=127.0.0.1", "--port=4301")).isEqualTo("127.0.0.1 4301");
        assertThat(address("-net", "127.0.0.2", "-port", "4302")).isEqualTo("127.0.0.2 4302");
    }

    @Test
    void theTopLevelOfAConfigurationFile() throws Exception {
        Path plain = conf("plain.conf", "port: 5555\nhost: 127.0.0.1\ncluster {\n  port: 6222\n}\n");
        assertThat(address("-c", plain.toString())).isEqualTo("127.0.0.1 5555");
        assertThat(address("-c", plain.toString(), "-p", "1234")).as("flags win").isEqualTo("127.0.0.1 1234");
        Path listen = conf("listen.conf", "listen: \"127.0.0.2:7777\"\nports_file_dir: /tmp\n");
        assertThat(address("--config", listen.toString())).isEqualTo("127.0.0.2 7777");
        Path block = conf("block.conf", "jetstream {\nport: 1\n}\nport=9999 # the port\nhttp_port: 8222\n");
        assertThat(address("--config=" + block, "-a", "127.0.0.1")).isEqualTo("127.0.0.1 9999");
        assertThat(address("-c", conf("quoted.conf", "listen = '4444'\n").toString())).isEqualTo("0.0.0.0 4444");
    }

    @Test
    void nothingWhenItCanNotBeSure() throws Exception {
        Path include = conf("include.conf", "include other.conf\nport = 1\n");
        assertThat(address("-c", include.toString())).as("an include may set the port").isEqualTo(NONE);
        assertThat(address("-c", include.toString(), "-a", "1.2.3.4", "-p", "5")).as("flags say it all")
                .isEqualTo("1.2.3.4 5");
        assertThat(address("-c", conf("var.conf", "port: $PORT\n").toString())).isEqualTo(NONE);
        assertThat(address("-c", dir.resolve("missing.conf").toString())).isEqualTo(NONE);
        assertThat(address("-a", "localhost", "-p", "1")).as("not an IPv4 address").isEqualTo(NONE);
        assertThat(address("-a", "::", "-p", "1")).isEqualTo(NONE);
        assertThat(address("-p", "70000")).isEqualTo(NONE);
        assertThat(address("-p", "http")).isEqualTo(NONE);
        assertThat(address("-p")).as("a flag without its value").isEqualTo(NONE);
    }

    @Test
    void nothingForCommandLinesThatStartNoServer() throws Exception {
        for (String flag : List.of("-h", "--help", "-help_tls", "-v", "--version", "-t")) {
            assertThat(address("-p", "4222", flag)).as(flag).isEqualTo(NONE);
        }
        assertThat(address("-sl", "quit=1")).isEqualTo(NONE);
        assertThat(address("--signal=stop")).isEqualTo(NONE);
    }
}
