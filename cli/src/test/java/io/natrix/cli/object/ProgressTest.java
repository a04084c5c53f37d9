package io.natrix.cli.object;

import static org.assertj.core.api.Assertions.assertThat;

import io.natrix.cli.Globals;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The transfer progress bar: its text, and the bytes it counts through wrapped streams. */
class ProgressTest {

    @Test
    void rendersFractionBarAndSizes() {
        Progress p = new Progress(new PrintWriter(new StringWriter()), "big.bin", 10 * 1024 * 1024);
        assertThat(p.render(0)).isEqualTo("big.bin [>" + " ".repeat(39) + "]   0% 0 B / 10 MiB");
        assertThat(p.render(5 * 1024 * 1024)).isEqualTo("big.bin [" + "=".repeat(20) + ">" + " ".repeat(19)
                + "]  50% 5.0 MiB / 10 MiB");
        assertThat(p.render(10 * 1024 * 1024)).isEqualTo("big.bin [" + "=".repeat(40) + "] 100% 10 MiB / 10 MiB");
    }

    @Test
    void shownOnlyOnATerminalWhenWantedForLargeObjects() {
        Globals terminal = new Globals().terminal(true);
        assertThat(ObjectTransferCommands.showProgress(terminal, true, 20 * 1024 + 1)).isTrue();
        assertThat(ObjectTransferCommands.showProgress(terminal, true, 20 * 1024)).isFalse();
        assertThat(ObjectTransferCommands.showProgress(terminal, false, 1 << 20)).isFalse();
        assertThat(ObjectTransferCommands.showProgress(new Globals().terminal(false), true, 1 << 20)).isFalse();
    }

    @Test
    void countsBytesThroughStreamsAndEndsTheLine() throws Exception {
        StringWriter text = new StringWriter();
        Progress p = new Progress(new PrintWriter(text), "f", 100);
        try (InputStream in = p.counting(new ByteArrayInputStream(new byte[60]))) {
            assertThat(in.readAllBytes()).hasSize(60);
        }
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = p.counting(sink)) {
            out.write(new byte[40]);
        }
        assertThat(sink.size()).isEqualTo(40);
        p.finish();
        assertThat(text.toString()).startsWith("\rf [").endsWith("\rf [" + "=".repeat(40) + "] 100% 100 B / 100 B\n");
    }
}
