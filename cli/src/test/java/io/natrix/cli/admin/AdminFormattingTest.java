package io.natrix.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The formats the admin commands share: natscli's durations, columns layout and compacted names. */
class AdminFormattingTest {

    @Test
    void durationsAsNatscliShowsThem() {
        assertThat(Fmt.duration(Duration.ofNanos(1_234_567))).isEqualTo("1ms");
        assertThat(Fmt.duration(Duration.ofNanos(250_400))).isEqualTo("250µs");
        assertThat(Fmt.duration(Duration.ofMillis(1500))).isEqualTo("1.50s");
        assertThat(Fmt.duration(Duration.ofSeconds(182))).isEqualTo("3m2s");
        assertThat(Fmt.duration(Duration.ofSeconds(3 * 3600 + 5))).isEqualTo("3h0m5s");
        assertThat(Fmt.duration(Duration.ofDays(400).plusSeconds(61))).isEqualTo("1y35d0h1m1s");
        assertThat(Fmt.decimal(1234.5)).isEqualTo("1,234.5");
        assertThat(Fmt.decimal(0.1234)).isEqualTo("0.123");
    }

    @Test
    void columnsAlignLabelsOnTheLongestAcrossSections() {
        String text = new Columns("Heading").title("First").row("A", 1).row("Longer", "two").row("", "more")
                .title("Second:").row("B", true).render();
        assertThat(text).isEqualTo("""
                Heading

                First:

                       A: 1
                  Longer: two
                          more

                Second:

                       B: true
                """);
    }

    @Test
    void compactDropsTheSharedNameEnding() {
        assertThat(SystemAnswers.compact(List.of("n1.example.net", "n2.example.net"))).containsExactly("n1", "n2");
        assertThat(SystemAnswers.compact(List.of("n1.a.net", "n2.b.net"))).containsExactly("n1.a", "n2.b");
        assertThat(SystemAnswers.compact(List.of("solo"))).containsExactly("solo");
    }
}
