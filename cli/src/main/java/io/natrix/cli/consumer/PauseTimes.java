package io.natrix.cli.consumer;

import io.natrix.cli.CliException;
import io.natrix.cli.support.GoDuration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * When a pause ends, as natscli reads it: a time {@code 2006-01-02 15:04:05} (UTC, as Go parses it) or a duration
 * from now ({@code 1h30m}).
 */
final class PauseTimes {

    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private PauseTimes() {
    }

    static Instant parse(String until) {
        if (until == null || until.isBlank()) {
            throw new CliException("time not given");
        }
        try {
            return LocalDateTime.parse(until.strip(), DATE_TIME).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            try {
                return Instant.now().plus(GoDuration.parse(until));
            } catch (IllegalArgumentException e2) {
                throw new CliException("could not parse the pause time \"" + until
                        + "\" as either timestamp or duration");
            }
        }
    }
}
