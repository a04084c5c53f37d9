package io.natrix.app.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.slf4j.MarkerFactory;

/** Log lines look like nats-server's. */
class NatsLayoutFormatTest {

    private static final ZoneId UTC = ZoneOffset.UTC;
    private final LoggerContext context = new LoggerContext();
    private final Logger logger = context.getLogger("io.natrix.server.Test");

    private LoggingEvent event(Level level, String message, Instant at, Object... args) {
        LoggingEvent event = new LoggingEvent("x", logger, level, message, null, args);
        event.setInstant(at);
        return event;
    }

    @Test
    void aLineHasPidTimeToTheMicrosecondLevelAndText() {
        NatsLayout layout = new NatsLayout(4242, true, false, UTC);
        Instant at = Instant.parse("2026-11-26T07:03:57.123456789Z");
        assertThat(layout.doLayout(event(Level.INFO, "Server is {}", at, "ready")))
                .isEqualTo("[4242] 2026/11/26 07:03:57.123456 [INF] Server is ready" + System.lineSeparator());
    }

    @Test
    void smallFieldsAreZeroPadded() {
        NatsLayout layout = new NatsLayout(1, true, false, UTC);
        Instant at = Instant.parse("2027-01-02T03:04:05.000007Z");
        assertThat(layout.doLayout(event(Level.INFO, "x", at))).startsWith("[1] 2027/01/02 03:04:05.000007 [INF]");
    }

    @Test
    void theTimeIsLocalToTheGivenZone() {
        NatsLayout layout = new NatsLayout(1, true, false, ZoneId.of("Europe/Paris"));
        Instant at = Instant.parse("2026-07-01T22:30:00Z");
        assertThat(layout.doLayout(event(Level.INFO, "x", at))).startsWith("[1] 2026/07/02 00:30:00.000000 [INF]");
    }

    @Test
    void linesInTheSameSecondReuseTheCachedPrefixCorrectly() {
        NatsLayout layout = new NatsLayout(7, true, false, UTC);
        Instant first = Instant.parse("2026-11-26T07:03:57.000001Z");
        Instant second = Instant.parse("2026-11-26T07:03:57.999999Z");
        Instant next = Instant.parse("2026-11-26T07:03:58.5Z");
        assertThat(layout.doLayout(event(Level.INFO, "a", first))).contains("07:03:57.000001");
        assertThat(layout.doLayout(event(Level.INFO, "b", second))).contains("07:03:57.999999");
        assertThat(layout.doLayout(event(Level.INFO, "c", next))).contains("07:03:58.500000");
    }

    @Test
    void withoutTimestampsALineIsPidLevelAndText() {
        NatsLayout layout = new NatsLayout(4242, false, false, UTC);
        assertThat(layout.doLayout(event(Level.WARN, "careful", Instant.now())))
                .isEqualTo("[4242] [WRN] careful" + System.lineSeparator());
    }

    @Test
    void everyLevelHasItsNatsServerTag() {
        NatsLayout layout = new NatsLayout(1, false, false, UTC);
        assertThat(layout.doLayout(event(Level.TRACE, "t", Instant.now()))).contains("[TRC] t");
        assertThat(layout.doLayout(event(Level.DEBUG, "d", Instant.now()))).contains("[DBG] d");
        assertThat(layout.doLayout(event(Level.INFO, "i", Instant.now()))).contains("[INF] i");
        assertThat(layout.doLayout(event(Level.WARN, "w", Instant.now()))).contains("[WRN] w");
        assertThat(layout.doLayout(event(Level.ERROR, "e", Instant.now()))).contains("[ERR] e");
        LoggingEvent fatal = event(Level.ERROR, "f", Instant.now());
        fatal.addMarker(MarkerFactory.getMarker(Logging.FATAL));
        assertThat(layout.doLayout(fatal)).contains("[FTL] f");
    }

    @Test
    void anExceptionIsSummarisedOnTheLineAndItsStackOnlyWhenAsked() {
        LoggingEvent event = new LoggingEvent("x", logger, Level.ERROR, "failed", new IllegalStateException("boom"),
                null);
        String brief = new NatsLayout(1, false, false, UTC).doLayout(event);
        assertThat(brief).isEqualTo("[1] [ERR] failed: java.lang.IllegalStateException: boom"
                + System.lineSeparator());
        String full = new NatsLayout(1, false, true, UTC).doLayout(event);
        assertThat(full).startsWith("[1] [ERR] failed: java.lang.IllegalStateException: boom")
                .contains("NatsLayoutFormatTest");
    }
}
