package io.natrix.app.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.slf4j.Marker;

/**
 * Formats log events the way nats-server prints its log lines, so that operators and tools that read one can
 * read the other:
 *
 * <pre>
 * [4242] 2026/11/26 07:03:57.123456 [INF] Server is ready
 * [4242] [INF] Server is ready                               (timestamps off: -T=false)
 * </pre>
 *
 * <p>The process id comes first, then the local time to the microsecond, then a three-letter level tag:
 * {@code DBG} (SLF4J debug), {@code TRC} (trace), {@code INF}, {@code WRN}, {@code ERR}, and {@code FTL} for an
 * error logged with the {@link Logging#FATAL} marker. An attached exception is summarised on the same line;
 * its stack trace follows on further lines only when {@code stackTraces} is on (the launcher turns it on with
 * -D), because nats-server's users expect one line per event.
 *
 * <p>Thread-safety: {@link #doLayout} may be called from many threads at once (Logback encodes outside the
 * appender's lock). The only mutable state is a cache of the current second's text, replaced as a whole.
 */
public final class NatsLayout extends LayoutBase<ILoggingEvent> {

    private final String pidPrefix;
    private final boolean logTime;
    private final boolean stackTraces;
    private final ZoneId zone;
    private volatile SecondText second = new SecondText(Long.MIN_VALUE, "");

    /** The text of one whole second, "2026/11/26 07:03:57", kept because most lines share it with the last. */
    private record SecondText(long epochSecond, String text) {
    }

    public NatsLayout(long pid, boolean logTime, boolean stackTraces, ZoneId zone) {
        this.pidPrefix = "[" + pid + "] ";
        this.logTime = logTime;
        this.stackTraces = stackTraces;
        this.zone = zone;
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder line = start(event.getInstant(), tag(event));
        line.append(event.getFormattedMessage());
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            line.append(": ").append(thrown.getClassName());
            if (thrown.getMessage() != null) {
                line.append(": ").append(thrown.getMessage());
            }
            if (stackTraces) {
                line.append(CoreConstants.LINE_SEPARATOR).append(ThrowableProxyUtil.asString(thrown));
            }
        }
        line.append(CoreConstants.LINE_SEPARATOR);
        return line.toString();
    }

    /**
     * One whole line (ending in the line separator) for text that does not come through a logger: the lines the
     * log file writes about itself when it rotates ({@link LogFile}).
     *
     * @param tag the bracketed level tag, such as {@code [INF]}
     */
    public String line(Instant time, String tag, String message) {
        return start(time, tag).append(message).append(CoreConstants.LINE_SEPARATOR).toString();
    }

    /** The pid, the time when -T is on, and the level tag, each followed by a space. */
    private StringBuilder start(Instant time, String tag) {
        StringBuilder line = new StringBuilder(96);
        line.append(pidPrefix);
        if (logTime) {
            appendTime(line, time);
            line.append(' ');
        }
        return line.append(tag).append(' ');
    }

    /** The bracketed level tag nats-server uses for this event. */
    static String tag(ILoggingEvent event) {
        Level level = event.getLevel();
        if (level.levelInt >= Level.ERROR_INT) {
            return isFatal(event.getMarkerList()) ? "[FTL]" : "[ERR]";
        }
        if (level.levelInt >= Level.WARN_INT) {
            return "[WRN]";
        }
        if (level.levelInt >= Level.INFO_INT) {
            return "[INF]";
        }
        if (level.levelInt >= Level.DEBUG_INT) {
            return "[DBG]";
        }
        return "[TRC]";
    }

    private static boolean isFatal(List<Marker> markers) {
        if (markers == null) {
            return false;
        }
        for (Marker marker : markers) {
            if (marker.contains(Logging.FATAL)) {
                return true;
            }
        }
        return false;
    }

    private void appendTime(StringBuilder line, Instant instant) {
        long epochSecond = instant.getEpochSecond();
        SecondText cached = second;
        if (cached.epochSecond != epochSecond) {
            cached = new SecondText(epochSecond, formatSecond(epochSecond));
            second = cached;
        }
        line.append(cached.text).append('.');
        int micros = instant.getNano() / 1000;
        // Six digits, zero-padded, without allocating a formatter.
        for (int divisor = 100_000; divisor > 0; divisor /= 10) {
            line.append((char) ('0' + (micros / divisor) % 10));
        }
    }

    private String formatSecond(long epochSecond) {
        ZoneOffset offset = zone.getRules().getOffset(Instant.ofEpochSecond(epochSecond));
        LocalDateTime t = LocalDateTime.ofEpochSecond(epochSecond, 0, offset);
        StringBuilder s = new StringBuilder(19);
        s.append(t.getYear()).append('/');
        two(s, t.getMonthValue()).append('/');
        two(s, t.getDayOfMonth()).append(' ');
        two(s, t.getHour()).append(':');
        two(s, t.getMinute()).append(':');
        two(s, t.getSecond());
        return s.toString();
    }

    private static StringBuilder two(StringBuilder s, int value) {
        if (value < 10) {
            s.append('0');
        }
        return s.append(value);
    }
}
