package io.natrix.app.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.natrix.app.log.Logging.LogSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * logfile_size_limit and logfile_max_num: the log file rotates into nats-server's backup names, keeps at most the
 * configured number of files, and loses no line. Rotation happens inside the logging call, so every check can look
 * at the disk right after logging.
 */
class LogFileRotationTest {

    private static final int LIMIT = 1024;
    /** nats-server's backup suffix: local time to the nanosecond. */
    private static final Pattern BACKUP = Pattern.compile("natrix\\.log\\.\\d{4}\\.\\d{2}\\.\\d{2}\\.\\d{2}\\.\\d{2}"
            + "\\.\\d{2}\\.\\d{9}");

    @TempDir
    Path dir;

    private final Logger log = LoggerFactory.getLogger("io.natrix.server.RotationSample");
    private final String pid = String.valueOf(ProcessHandle.current().pid());

    @AfterEach
    void restoreDefault() throws IOException {
        Logging.configure(LogSettings.DEFAULT);
    }

    private Path file() {
        return dir.resolve("natrix.log");
    }

    /** Logs {@code count} numbered lines of about 60 bytes each. */
    private void logLines(int from, int count) {
        for (int i = from; i < from + count; i++) {
            log.info("line {} of the rotation test, padded to some length", i);
        }
    }

    private List<Path> backups() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> BACKUP.matcher(f.getFileName().toString()).matches()).sorted().toList();
        }
    }

    /** The numbers of the test lines in a file, in order. */
    private static List<Integer> lineNumbers(Path file) throws IOException {
        List<Integer> numbers = new ArrayList<>();
        Matcher m = Pattern.compile("line (\\d+) of").matcher(Files.readString(file));
        while (m.find()) {
            numbers.add(Integer.parseInt(m.group(1)));
        }
        return numbers;
    }

    @Test
    void aFilePastTheLimitIsRenamedWithATimestampAndANewOneStarted() throws IOException {
        Logging.configure(new LogSettings(file(), false, false, false, LIMIT, 0));
        logLines(0, 100);

        List<Path> backups = backups();
        assertThat(backups).hasSizeGreaterThanOrEqualTo(4);
        for (Path backup : backups) {
            // Each backup went past the limit by at most the line that tipped it over.
            assertThat(Files.size(backup)).isGreaterThan(LIMIT).isLessThan(LIMIT + 200);
        }
        String current = Files.readString(file());
        assertThat(current).startsWith("[" + pid + "] [INF] Rotated log, backup saved as \""
                + backups.getLast() + "\"" + System.lineSeparator());
        assertThat(Files.size(file())).isLessThanOrEqualTo(LIMIT);

        List<Integer> all = new ArrayList<>();
        for (Path backup : backups) {
            all.addAll(lineNumbers(backup));
        }
        all.addAll(lineNumbers(file()));
        assertThat(all).as("every line once, in order, across the files").isEqualTo(
                java.util.stream.IntStream.range(0, 100).boxed().toList());
    }

    @Test
    void maxFilesKeepsTheNewestBackupsAndSaysWhichItPurged() throws IOException {
        Logging.configure(new LogSettings(file(), true, false, false, LIMIT, 3));
        logLines(0, 200);

        List<Path> backups = backups();
        assertThat(backups).as("three files in all: the current one and two backups").hasSize(2);
        assertThat(lineNumbers(backups.get(1)).getFirst()).isGreaterThan(lineNumbers(backups.get(0)).getLast());
        assertThat(lineNumbers(file())).endsWith(199);
        assertThat(lineNumbers(backups.get(1)).getLast() + 1).isEqualTo(lineNumbers(file()).getFirst());
        String current = Files.readString(file());
        assertThat(current).containsPattern("\\[INF] Rotated log, backup saved as \"" + Pattern.quote(dir.toString())
                + "/natrix\\.log\\.[0-9.]+\"\\R.*\\[INF] Purged log file \"natrix\\.log\\.[0-9.]+\"");
    }

    @Test
    void purgingLeavesFilesThatAreNotBackupsAlone() throws IOException {
        Path old = Files.writeString(dir.resolve("natrix.log.old"), "x");
        Path badDate = Files.writeString(dir.resolve("natrix.log.2020.13.01.00.00.00"), "x");
        Path other = Files.writeString(dir.resolve("other.log.2020.01.01.00.00.00.000000000"), "x");
        Path ancient = Files.writeString(dir.resolve("natrix.log.2001.01.01.00.00.00"), "x");
        Logging.configure(new LogSettings(file(), false, false, false, LIMIT, 2));
        logLines(0, 60);

        assertThat(old).exists();
        assertThat(badDate).exists();
        assertThat(other).exists();
        assertThat(ancient).as("a backup by name, with the fraction left out as Go allows").doesNotExist();
        assertThat(backups()).hasSize(1);
    }

    @Test
    void startingOnAFileAlreadyPastTheLimitRotatesItAtOnce() throws IOException {
        Files.writeString(file(), "x".repeat(2 * LIMIT) + "\n");
        Logging.configure(new LogSettings(file(), false, false, false, LIMIT, 0));

        List<Path> backups = backups();
        assertThat(backups).hasSize(1);
        assertThat(Files.readString(backups.getFirst())).endsWith("[INF] Rotating logfile..." + System.lineSeparator());
        assertThat(Files.readString(file())).startsWith("[" + pid + "] [INF] Rotated log, backup saved as");
    }

    @Test
    void withoutALimitTheFileGrows() throws IOException {
        Logging.configure(new LogSettings(file(), false, false, false, 0, 3));
        logLines(0, 100);
        assertThat(backups()).isEmpty();
        assertThat(lineNumbers(file())).hasSize(100);
    }

    @Test
    void backupStampsAreCheckedAsGoParsesThem() {
        assertThat(LogFile.isStamp("2026.11.26.07.03.57.123456789")).isTrue();
        assertThat(LogFile.isStamp("2026.11.26.07.03.57.1")).isTrue();
        assertThat(LogFile.isStamp("2026.11.26.07.03.57")).isTrue();
        assertThat(LogFile.isStamp("2026.02.30.07.03.57")).isFalse();
        assertThat(LogFile.isStamp("2026.11.26.24.03.57")).isFalse();
        assertThat(LogFile.isStamp("2026.11.26.07.03.57.1234567890")).isTrue();
        assertThat(LogFile.isStamp("2026.11.26.07.03.57.")).isFalse();
        assertThat(LogFile.isStamp("old")).isFalse();
    }
}
