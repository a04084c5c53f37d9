package io.natrix.cli.kv;

import io.natrix.cli.output.Human;
import io.natrix.cli.support.GoDuration;
import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * Durations for the key-value and object store commands: flags parsed as Go durations (a bad one is a one-line
 * error naming the flag), and ages shown as natscli's reports show them (whole seconds from a second up).
 */
public final class Durations {

    private Durations() {
    }

    /** Parses a duration flag; empty means absent (null). Negative durations are refused. */
    public static Duration parse(String text, String flag) {
        if (text == null || text.isBlank()) {
            return null;
        }
        return GoDuration.flag(text, flag);
    }

    /** A duration for people: under a second as Go rounds it, from a second up in whole seconds. */
    public static String human(Duration d) {
        if (d.compareTo(Duration.ofSeconds(1)) >= 0) {
            return Human.duration(d.truncatedTo(ChronoUnit.SECONDS));
        }
        return Human.duration(d.truncatedTo(ChronoUnit.MILLIS));
    }
}
