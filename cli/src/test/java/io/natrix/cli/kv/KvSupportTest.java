package io.natrix.cli.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.natrix.cli.CliException;
import io.natrix.cli.Globals;
import io.natrix.cli.output.Columns;
import io.natrix.cli.support.ByteSize;
import io.natrix.cli.support.Confirm;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The helpers behind the kv and object commands: sizes, columns, confirmation and value display. */
class KvSupportTest {


    @Test
    void columnsAlignLabelsAsNatscli() {
        String text = new Columns("Heading").title("Configuration").row("Name", "x").row("Longer Label", 5)
                .rows("Metadata", List.of("a: 1", "b: 2")).title("More").row("Z", true).render();
        assertThat(text).isEqualTo("""
                Heading

                Configuration:

                          Name: x
                  Longer Label: 5
                      Metadata: a: 1
                                b: 2

                More:

                             Z: true
                """);
    }

    @Test
    void confirmationReadsOneLineOnATerminalOnly() {
        StringWriter prompt = new StringWriter();
        Globals terminal = new Globals().terminal(true)
                .stdin(new ByteArrayInputStream("y\nrest".getBytes(StandardCharsets.UTF_8)));
        assertThat(Confirm.ask(terminal, new PrintWriter(prompt), "Delete it?")).isTrue();
        assertThat(prompt.toString()).isEqualTo("? Delete it? (y/N) ");
        Globals no = new Globals().terminal(true).stdin(new ByteArrayInputStream("\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(Confirm.ask(no, new PrintWriter(new StringWriter()), "Delete it?")).isFalse();
        Globals pipe = new Globals().terminal(false).stdin(new ByteArrayInputStream(new byte[0]));
        assertThatThrownBy(() -> Confirm.ask(pipe, new PrintWriter(new StringWriter()), "Delete it?"))
                .isInstanceOf(CliException.class)
                .hasMessage("cannot ask for confirmation without a terminal, use --force");
    }

    @Test
    void valuesShownAsTextOrBase64AndShortened() {
        assertThat(Values.printable("hello world".getBytes(StandardCharsets.UTF_8))).isEqualTo("hello world");
        assertThat(Values.printable(new byte[] {0, 1, 2, (byte) 0xff})).isEqualTo("AAEC/w==");
        assertThat(Values.printable("tab\there".getBytes(StandardCharsets.UTF_8))).isEqualTo("dGFiCWhlcmU=");
        assertThat(Values.abbreviated("x".repeat(40).getBytes(StandardCharsets.UTF_8))).hasSize(40);
        assertThat(Values.abbreviated(("0123456789abcde" + "-".repeat(30) + "ABCDEFGHIJKLMNO").getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("0123456789abcde...ABCDEFGHIJKLMNO");
    }
}
