package io.natrix.cli.stream;

import io.natrix.cli.output.Columns;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.natrix.cli.CliException;
import io.natrix.cli.Globals;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** How missing values are filled in: defaults, terminal answers, or an error naming the flag. */
class PrompterTest {

    private final StringWriter shown = new StringWriter();

    private Prompter prompter(boolean terminal, boolean defaults, String input) {
        Globals globals = new Globals().terminal(terminal)
                .stdin(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        return new Prompter(globals, new PrintWriter(shown, true), defaults);
    }

    @Test
    void terminalAnswersAndDefaults() {
        Prompter p = prompter(true, false, "memory\n\ny\n\nyes\n");
        assertThat(p.ask("Storage", "file", "--storage")).isEqualTo("memory");
        assertThat(p.ask("Replicas", "1", "--replicas")).isEqualTo("1");
        assertThat(p.askBoolean("Allow message Roll-ups", false, "--allow-rollup")).isTrue();
        assertThat(p.askBoolean("Allow message deletion", true, "--deny-delete")).isTrue();
        assertThat(p.confirm("delete Stream X", false)).isTrue();
        assertThat(shown.toString()).contains("? Storage [file]: ").contains("? Really delete Stream X (y/N) ");
        assertThat(p.confirm("delete Stream Y", false)).as("end of input answers no").isFalse();
    }

    @Test
    void defaultsAreTakenWithoutAsking() {
        Prompter p = prompter(false, true, "");
        assertThat(p.ask("Storage", "file", "--storage")).isEqualTo("file");
        assertThat(p.askBoolean("Allow message Roll-ups", false, "--allow-rollup")).isFalse();
        assertThatThrownBy(() -> p.ask("Subjects", null, "--subjects")).isInstanceOf(CliException.class)
                .hasMessage("--subjects is required when not on a terminal");
        assertThatThrownBy(() -> p.askEvenWithDefaults("Delivery target", "", "--target or --pull"))
                .hasMessage("--target or --pull is required when not on a terminal");
        assertThat(shown.toString()).isEmpty();
    }

    @Test
    void nonTerminalNeverAsks() {
        Prompter p = prompter(false, false, "y\n");
        assertThatThrownBy(() -> p.ask("Storage", "file", "--storage"))
                .hasMessage("--storage is required when not on a terminal (or pass --defaults)");
        assertThatThrownBy(() -> p.confirm("purge Stream X", false))
                .hasMessage("--force is required to purge Stream X when not on a terminal");
        assertThat(p.confirm("purge Stream X", true)).isTrue();
        assertThat(shown.toString()).isEmpty();
    }

    @Test
    void durationsAsNatscliWritesThem() {
        assertThat(Columns.duration(java.time.Duration.ofMinutes(2))).isEqualTo("2m0s");
        assertThat(Columns.duration(java.time.Duration.ofMillis(5250))).isEqualTo("5.25s");
        assertThat(Columns.duration(java.time.Duration.ofHours(26))).isEqualTo("1d2h0m0s");
        assertThat(Columns.duration(java.time.Duration.ofMillis(250))).isEqualTo("250ms");
    }
}
