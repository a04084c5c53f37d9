package io.natrix.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The top-level natrix command: version, help, and mistakes. */
class NatrixCommandLineTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Natrix.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void versionPrintsNatrixVersion() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).matches("natrix: v\\S+ \\(implements nats-server \\S+\\)\\R");
        out.getBuffer().setLength(0);
        assertThat(run("-v")).isZero();
        assertThat(out.toString()).startsWith("natrix: v");
    }

    @Test
    void helpListsTheServerCommand() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("Usage: natrix").contains("server").contains("Run the NATS server");
    }

    @Test
    void noArgumentsShowsTheHelp() {
        assertThat(run()).isZero();
        assertThat(out.toString()).contains("Usage: natrix");
    }

    @Test
    void anUnknownCommandIsOneLineAndExitStatusTwo() {
        assertThat(run("frobnicate")).isEqualTo(Natrix.EXIT_USAGE);
        assertThat(err.toString()).isEqualTo("natrix: unknown command: frobnicate (see 'natrix --help')"
                + System.lineSeparator());
    }

    @Test
    void anUnknownTopLevelFlagIsOneLineAndExitStatusTwo() {
        assertThat(run("--bogus")).isEqualTo(Natrix.EXIT_USAGE);
        assertThat(err.toString()).startsWith("natrix: flag provided but not defined: --bogus").hasLineCount(1);
    }

    @Test
    void aBareWordAfterServerSelectsAnAdminCommandAndAnUnknownOneIsAnError() {
        assertThat(Natrix.selectsAdminCommand(new String[] {"server", "ls"})).isTrue();
        assertThat(Natrix.selectsAdminCommand(new String[] {"server", "-js"})).isFalse();
        assertThat(Natrix.selectsAdminCommand(new String[] {"server"})).isFalse();
        assertThat(run("server", "frobnicate", "-js")).isEqualTo(Natrix.EXIT_USAGE);
        assertThat(err.toString()).isEqualTo("natrix: unknown command: frobnicate (see 'natrix server --help')"
                + System.lineSeparator());
    }

    @Test
    void theClientCommandsAndTheirGlobalFlagsAreListed() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("context").contains("--server=URL").contains("--creds=FILE");
    }
}
