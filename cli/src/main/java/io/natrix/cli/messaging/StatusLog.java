package io.natrix.cli.messaging;

import java.io.PrintWriter;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * The progress lines the messaging commands write beside their data, as natscli writes them through Go's
 * {@code log} package: on standard error, each prefixed with the local time ({@code 18:11:24 Published 11 bytes
 * to "x"}). Keeping them off standard output lets {@code natrix req x | jq} see only reply bodies, as with
 * natscli.
 *
 * <p>Thread-safe: subscription handlers on jnats' dispatcher threads and the command's own thread may share one.
 */
final class StatusLog {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final PrintWriter err;

    StatusLog(PrintWriter err) {
        this.err = err;
    }

    /** One line, formatted as {@link String#format} does, after the time. */
    synchronized void printf(String format, Object... args) {
        err.print(TIME.format(LocalTime.now()));
        err.print(' ');
        err.println(args.length == 0 ? format : String.format(format, args));
        err.flush();
    }
}
