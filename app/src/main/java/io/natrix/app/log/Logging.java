package io.natrix.app.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneId;
import org.slf4j.LoggerFactory;

/**
 * Sets Logback up in code, the way nats-server logs: one appender (standard error, or the -l file) writing
 * {@link NatsLayout} lines, INFO by default, DBG lines with -D and TRC lines with -V for Natrix's own loggers
 * ({@code io.natrix.*}). Other libraries stay at INFO so that -D shows what nats-server's -D shows.
 *
 * <p>No XML is read: {@link NatrixLogbackConfigurator} installs the default (standard error, INFO) when SLF4J
 * first starts, and the server command calls {@link #configure} once its options are known, and again on a
 * reload. The log file rotates itself by size ({@link LogFile}); {@link #reopen()} reopens it after a rotation by
 * another tool such as logrotate (SIGUSR1).
 *
 * <p>Thread-safety: the methods are synchronized on the class; logging itself never takes this lock.
 */
public final class Logging {

    /** Name of the SLF4J marker that makes an ERROR line print as {@code [FTL]}. */
    public static final String FATAL = "FATAL";

    /** The loggers -D and -V apply to. */
    static final String NATRIX_LOGGERS = "io.natrix";

    private static final String APPENDER_NAME = "natrix";

    private static OutputStreamAppender<ILoggingEvent> appender;
    private static NatsLayout layout;
    private static LogSettings current;

    private Logging() {
    }

    /**
     * What the log looks like and where it goes.
     *
     * @param file           the -l/log_file path, or null for standard error
     * @param logTime        whether lines carry a timestamp (-T, logtime)
     * @param debug          whether DBG lines are written (-D, debug)
     * @param trace          whether TRC lines are written (-V, trace)
     * @param sizeLimitBytes the log file is rotated when it passes this size (logfile_size_limit,
     *                       --log_size_limit); 0 never
     * @param maxFiles       most log files kept after a rotation, the current one included (logfile_max_num);
     *                       0 keeps every one
     */
    public record LogSettings(Path file, boolean logTime, boolean debug, boolean trace, long sizeLimitBytes,
                              int maxFiles) {

        /** Standard error, timestamps, INFO: what a server started without logging flags uses. */
        public static final LogSettings DEFAULT = new LogSettings(null, true, false, false);

        /** Settings without rotation. */
        public LogSettings(Path file, boolean logTime, boolean debug, boolean trace) {
            this(file, logTime, debug, trace, 0, 0);
        }
    }

    /**
     * Replaces the log set-up with one for these settings. The log file, when there is one, is opened (and
     * created, with its parent directory) before anything changes, so a bad path leaves the old set-up working.
     *
     * @throws IOException when the log file can not be opened for appending
     */
    public static void configure(LogSettings settings) throws IOException {
        // Start SLF4J before taking this class's lock: its start-up calls back into configure on this thread,
        // and taking the locks in the other order could deadlock with a thread that logs first.
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        configure(context, settings);
    }

    /** As {@link #configure(LogSettings)}, on a given context (used by the start-up configurator). */
    static synchronized void configure(LoggerContext context, LogSettings settings) throws IOException {
        NatsLayout nextLayout = new NatsLayout(ProcessHandle.current().pid(), settings.logTime(),
                settings.debug(), ZoneId.systemDefault());
        nextLayout.setContext(context);
        nextLayout.start();
        LogFile file = settings.file() == null ? null : open(settings, nextLayout);
        OutputStream out = file == null ? new StandardError(System.err) : file;
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(nextLayout);
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.start();

        OutputStreamAppender<ILoggingEvent> next = new OutputStreamAppender<>();
        next.setName(APPENDER_NAME);
        next.setContext(context);
        next.setEncoder(encoder);
        next.setImmediateFlush(true);
        if (settings.trace() && !settings.debug()) {
            // Logback levels nest (TRACE includes DEBUG) but nats-server's -V and -D are independent.
            next.addFilter(new DropDebug());
        }
        next.setOutputStream(out);
        next.start();

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(next);
        OutputStreamAppender<ILoggingEvent> previous = appender;
        if (previous != null) {
            root.detachAppender(previous);
            previous.stop();
        }
        context.getLogger(NATRIX_LOGGERS)
                .setLevel(settings.trace() ? Level.TRACE : settings.debug() ? Level.DEBUG : Level.INFO);
        appender = next;
        layout = nextLayout;
        current = settings;
        if (file != null && file.pastLimit()) {
            // As nats-server: a file already past the limit rotates with the next line, so write one.
            context.getLogger(Logging.class).info("Rotating logfile...");
        }
    }

    /**
     * Reopens the log file after it was moved away by log rotation (SIGUSR1), so that new lines go to a new
     * file at the configured path.
     *
     * @return false when logging goes to standard error, so there is nothing to reopen
     * @throws IOException when the file can not be opened; logging then continues into the old file
     */
    public static synchronized boolean reopen() throws IOException {
        if (appender == null || current == null || current.file() == null) {
            return false;
        }
        // setOutputStream closes the old stream under the appender's write lock, so no line is torn.
        LogFile file = open(current, layout);
        appender.setOutputStream(file);
        if (file.pastLimit()) {
            LoggerFactory.getLogger(Logging.class).info("Rotating logfile...");
        }
        return true;
    }

    /** The settings in force, or null before {@link #configure} ran. */
    public static synchronized LogSettings current() {
        return current;
    }

    private static LogFile open(LogSettings settings, NatsLayout lines) throws IOException {
        return LogFile.open(settings.file(), settings.sizeLimitBytes(), settings.maxFiles(), lines::line,
                ZoneId.systemDefault());
    }

    /** Standard error, which an appender that stops must not close. */
    private static final class StandardError extends FilterOutputStream {
        StandardError(PrintStream err) {
            super(err);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            ((PrintStream) out).write(bytes, offset, length);
        }

        @Override
        public void close() {
            ((PrintStream) out).flush();
        }
    }

    /** Drops DBG lines when trace (-V) is on but debug (-D) is not. */
    private static final class DropDebug extends Filter<ILoggingEvent> {
        DropDebug() {
            start();
        }

        @Override
        public FilterReply decide(ILoggingEvent event) {
            return event.getLevel() == Level.DEBUG ? FilterReply.DENY : FilterReply.NEUTRAL;
        }
    }
}
