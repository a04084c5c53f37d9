package io.natrix.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Progress bars: drawn in place when on, nothing at all when off. */
class ProgressTest {

    @Test
    void progressDrawsOneLinePerClientAndTheFinalState() {
        StringWriter text = new StringWriter();
        Progress.Bar a;
        Progress.Bar b;
        try (Progress progress = Progress.on(new PrintWriter(text), 10)) {
            a = progress.bar(4);
            b = progress.bar(2);
            progress.start();
            a.state("Publishing");
            a.started();
            for (int i = 0; i < 4; i++) {
                a.increment();
            }
            b.state("Receiving ");
            b.increment();
        }
        String drawn = text.toString();
        int redraw = drawn.lastIndexOf("\033[2A");
        String last = redraw < 0 ? drawn : drawn.substring(redraw + 4);
        assertThat(last.split("\n")).hasSize(2);
        assertThat(last.split("\n")[0]).contains("Publishing [==========] 100%");
        assertThat(last.split("\n")[1]).contains("Receiving  [=====>    ]  50%");
    }

    @Test
    void progressOffDrawsNothing() {
        try (Progress progress = Progress.off()) {
            Progress.Bar bar = progress.bar(10);
            progress.start();
            bar.increment();
            bar.state("Publishing");
        }
        assertThat(Progress.widthFor("120")).isEqualTo(90);
        assertThat(Progress.widthFor(null)).isEqualTo(50);
        assertThat(Progress.widthFor("wide")).isEqualTo(50);
    }
}
