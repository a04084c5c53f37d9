package io.natrix.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.natrix.app.Natrix;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What natrix server prints and returns for everything that is not running a server. */
class ServerCommandOutputTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Natrix.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void checkingAValidConfigurationSaysSoAndExitsZero() throws IOException {
        Path conf = Files.writeString(dir.resolve("ok.conf"), "port: 4333\n");
        assertThat(run("server", "-t", "-c", conf.toString())).isZero();
        assertThat(err.toString()).isEqualTo("natrix: configuration file " + conf + " is valid\n");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void checkingAConfigurationWithAnUnknownKeyWarnsAndStillPasses() throws IOException {
        Path conf = Files.writeString(dir.resolve("odd.conf"), "port: 4333\nno_such_key: 1\n");
        assertThat(run("server", "-t", "-c", conf.toString())).isZero();
        assertThat(err.toString()).startsWith("natrix: warning: " + conf + ":2:")
                .contains("no_such_key")
                .endsWith("natrix: configuration file " + conf + " is valid\n");
    }

    @Test
    void checkingABrokenConfigurationPrintsTheProblemAndExitsOne() throws IOException {
        Path conf = Files.writeString(dir.resolve("bad.conf"), "port: 4333\nlisten {\n");
        assertThat(run("server", "-t", "-c", conf.toString())).isEqualTo(1);
        assertThat(err.toString()).startsWith("natrix: " + conf).doesNotContain("\tat ");
    }

    @Test
    void checkingBadPermissionsNamesTheUserAndExitsOne() throws IOException {
        Path conf = Files.writeString(dir.resolve("perm.conf"),
                "authorization { users = [ { user: a, password: b, permissions: { publish: \"foo..bar\" } } ] }\n");
        assertThat(run("server", "-t", "-c", conf.toString())).isEqualTo(1);
        assertThat(err.toString()).startsWith("natrix: " + conf + ":1:")
                .contains("authorization.users[0].permissions.publish", "foo..bar")
                .hasLineCount(1);
        err.getBuffer().setLength(0);
        assertThat(run("server", "-c", conf.toString(), "-p", "-1")).as("the server refuses to start").isEqualTo(1);
        assertThat(err.toString()).contains("foo..bar").doesNotContain("\tat ");
    }

    @Test
    void checkingAConfigurationTheFlagsMakeInvalidFails() throws IOException {
        Path conf = Files.writeString(dir.resolve("ok.conf"), "port: 4333\n");
        assertThat(run("server", "-t", "-c", conf.toString(), "-p", "70000")).isEqualTo(1);
        assertThat(err.toString()).startsWith("natrix: port must be between").hasLineCount(1);
    }

    @Test
    void checkingAMissingFileFails() {
        assertThat(run("server", "-t", "-c", dir.resolve("missing.conf").toString())).isEqualTo(1);
        assertThat(err.toString()).startsWith("natrix: ").contains("missing.conf").doesNotContain("\tat ");
    }

    @Test
    void checkingWithoutAFileAsksForOne() {
        assertThat(run("server", "-t")).isEqualTo(1);
        assertThat(err.toString())
                .isEqualTo("natrix: must specify [-c, --config] option to check configuration file syntax\n");
    }

    @Test
    void anUnknownFlagIsOneLineAndExitStatusTwo() {
        assertThat(run("server", "--bogus")).isEqualTo(Natrix.EXIT_USAGE);
        assertThat(err.toString())
                .isEqualTo("natrix: flag provided but not defined: -bogus (see 'natrix server --help')\n");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void aBadValueIsOneLineAndExitStatusOne() {
        assertThat(run("server", "-p", "abc")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("natrix: invalid value \"abc\" for flag -p: not a number\n");
    }

    @Test
    void anOutOfRangeValueIsOneLineAndExitStatusOne() {
        assertThat(run("server", "-m", "65536")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("natrix: http_port must be between -1 and 65535, got 65536\n");
    }

    @Test
    void aBadBooleanIsOneLineAndExitStatusOne() {
        assertThat(run("server", "-T=maybe")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("natrix: invalid boolean value \"maybe\" for -T: use true or false\n");
    }

    @Test
    void helpLooksLikeNatsServersAndListsTheAdminCommands() {
        for (String flag : new String[] {"-h", "--help", "-help"}) {
            out.getBuffer().setLength(0);
            assertThat(run("server", flag)).isZero();
            assertThat(out.toString())
                    .contains("Usage: natrix server [options]")
                    .contains("-js, --jetstream")
                    .contains("-sl,--signal <signal>[=<pid>]")
                    .contains("-DVV")
                    .contains("natrix server info")
                    .contains("check KIND");
        }
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void tlsHelpIsThere() {
        assertThat(run("server", "--help_tls")).isZero();
        assertThat(out.toString()).contains("--tlsverify").contains("tls {");
    }

    @Test
    void versionPrintsNatrixVersion() {
        assertThat(run("server", "-v")).isZero();
        assertThat(out.toString()).matches("natrix: v\\S+ \\(implements nats-server \\S+\\)\n");
        out.getBuffer().setLength(0);
        assertThat(run("server", "--version")).isZero();
        assertThat(out.toString()).startsWith("natrix: v");
    }

    @Test
    void signallingWithAnUnknownCommandFails() {
        assertThat(run("server", "-sl", "bogus")).isEqualTo(1);
        assertThat(err.toString()).startsWith("natrix: unknown signal \"bogus\"");
    }

    @Test
    void signallingThroughAMissingPidFileFails() {
        assertThat(run("server", "--signal", "reload=" + dir.resolve("none.pid"))).isEqualTo(1);
        assertThat(err.toString()).contains("could not read pid file: ")
                .contains("none.pid: no such file or directory");
    }

    @Test
    void signallingThroughAPidFileWithGarbageFails() throws IOException {
        Path pid = Files.writeString(dir.resolve("x.pid"), "not-a-pid");
        assertThat(run("server", "-sl", "stop=" + pid)).isEqualTo(1);
        assertThat(err.toString()).contains("invalid pid \"not-a-pid\" in pid file");
    }
}
