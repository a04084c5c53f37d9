package io.natrix.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code natrix server WORD} reaches the admin commands; {@code natrix server --help} lists them. */
class ServerAdminRoutingTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Natrix.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void serverHelpListsTheAdminCommands() {
        assertThat(run("server", "--help")).isZero();
        assertThat(out.toString()).contains("Admin Commands").contains("list, ls [EXPECT]")
                .contains("check KIND").contains("report KIND").contains("request, req KIND [WAIT]");
    }

    @Test
    void aWordAfterServerRunsAnAdminCommand() {
        assertThat(run("server", "ls", "--server", "nats://127.0.0.1:1")).isEqualTo(1);
        assertThat(err.toString()).startsWith("natrix: error: could not connect to nats://127.0.0.1:1");
        assertThat(run("server", "check", "connection", "--server", "nats://127.0.0.1:1")).isEqualTo(2);
        assertThat(out.toString()).startsWith("CRITICAL Connection Crit:connection failed: ");
    }
}
