package io.natrix.app.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.natrix.app.log.Logging.LogSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** -l, -T, -D and -V as the logging set-up applies them, and log file reopening. */
class LoggingSetupTest {

    @TempDir
    Path dir;

    private final Logger server = LoggerFactory.getLogger("io.natrix.server.Sample");
    private final Logger library = LoggerFactory.getLogger("org.example.Library");

    @AfterEach
    void restoreDefault() throws IOException {
        Logging.configure(LogSettings.DEFAULT);
    }

    private String logOnce(LogSettings settings) throws IOException {
        Logging.configure(settings);
        server.trace("trace line");
        server.debug("debug line");
        server.info("info line");
        library.debug("library debug line");
        return Files.readString(settings.file());
    }

    @Test
    void byDefaultOnlyInfoAndAboveIsWritten() throws IOException {
        String log = logOnce(new LogSettings(dir.resolve("a.log"), true, false, false));
        long pid = ProcessHandle.current().pid();
        String time = "\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}";
        assertThat(log).matches("\\[" + pid + "] " + time + " \\[INF] info line\\R");
    }

    @Test
    void debugAddsDebugLinesOfNatrixOnly() throws IOException {
        String log = logOnce(new LogSettings(dir.resolve("b.log"), false, true, false));
        assertThat(log).contains("[DBG] debug line").contains("[INF] info line")
                .doesNotContain("trace line").doesNotContain("library debug line");
    }

    @Test
    void traceAddsTraceLinesButNotDebugLines() throws IOException {
        String log = logOnce(new LogSettings(dir.resolve("c.log"), false, false, true));
        assertThat(log).contains("[TRC] trace line").contains("[INF] info line").doesNotContain("debug line");
    }

    @Test
    void debugAndTraceTogetherWriteBoth() throws IOException {
        String log = logOnce(new LogSettings(dir.resolve("d.log"), false, true, true));
        assertThat(log).contains("[TRC] trace line").contains("[DBG] debug line").contains("[INF] info line");
    }

    @Test
    void withoutTimestampsLinesStartWithPidAndLevel() throws IOException {
        String log = logOnce(new LogSettings(dir.resolve("e.log"), false, false, false));
        assertThat(log).isEqualTo("[" + ProcessHandle.current().pid() + "] [INF] info line" + System.lineSeparator());
    }

    @Test
    void reopeningStartsANewFileAfterTheOldOneWasMovedAway() throws IOException {
        Path file = dir.resolve("logs/natrix.log");
        Logging.configure(new LogSettings(file, false, false, false));
        server.info("before rotation");
        Path rotated = dir.resolve("logs/natrix.log.1");
        Files.move(file, rotated);
        server.info("still into the moved file");
        assertThat(Logging.reopen()).isTrue();
        server.info("after rotation");
        assertThat(Files.readString(rotated)).contains("before rotation").contains("still into the moved file");
        assertThat(Files.readString(file)).contains("after rotation").doesNotContain("before rotation");
    }

    @Test
    void reopeningStandardErrorDoesNothing() throws IOException {
        Logging.configure(LogSettings.DEFAULT);
        assertThat(Logging.reopen()).isFalse();
    }

    @Test
    void aLogFileThatCanNotBeOpenedIsAnErrorAndKeepsTheOldSetUp() throws IOException {
        Path good = dir.resolve("good.log");
        Logging.configure(new LogSettings(good, false, false, false));
        Path blocker = Files.writeString(dir.resolve("not-a-dir"), "");
        assertThatThrownBy(() -> Logging.configure(new LogSettings(blocker.resolve("x.log"), false, false, false)))
                .isInstanceOf(IOException.class);
        server.info("still here");
        assertThat(Files.readString(good)).contains("still here");
    }
}
