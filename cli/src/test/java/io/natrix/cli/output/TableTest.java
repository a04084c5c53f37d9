package io.natrix.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The shapes natscli users read: rounded tables and human figures. */
class TableTest {

    @Test
    void titledTableIsDrawnWithRoundedCorners() {
        String table = Table.titled("Streams", "Name", "Messages").row("ORDERS", 12).row("X", null).render();
        assertThat(table).isEqualTo("""
                ╭───────────────────╮
                │      Streams      │
                ├────────┬──────────┤
                │ Name   │ Messages │
                ├────────┼──────────┤
                │ ORDERS │ 12       │
                │ X      │          │
                ╰────────┴──────────╯
                """);
    }

    @Test
    void aLongTitleWidensTheLastColumn() {
        String table = Table.titled("A rather long title", "A").row("x").render();
        assertThat(table.lines().map(String::length).distinct().count()).isEqualTo(1);
        assertThat(table).contains("│ A rather long title │");
    }

    @Test
    void untitledTableStartsWithTheHeaderRule() {
        assertThat(Table.of("K", "V").row("a", "b").render()).startsWith("╭───┬───╮\n│ K │ V │\n");
    }

    @Test
    void humanFigures() {
        assertThat(Human.count(1234567)).isEqualTo("1,234,567");
        assertThat(Human.bytes(0)).isEqualTo("0 B");
        assertThat(Human.bytes(1023)).isEqualTo("1023 B");
        assertThat(Human.bytes(1536)).isEqualTo("1.5 KiB");
        assertThat(Human.bytes(20L * 1024 * 1024)).isEqualTo("20 MiB");
        assertThat(Human.duration(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(Human.duration(Duration.ofMillis(1250))).isEqualTo("1.25s");
        assertThat(Human.duration(Duration.ofDays(2).plusHours(3))).isEqualTo("2d3h");
        assertThat(Human.duration(Duration.ofDays(400))).isEqualTo("1y35d");
        assertThat(Human.duration(Duration.ZERO)).isEqualTo("0s");
    }
}
