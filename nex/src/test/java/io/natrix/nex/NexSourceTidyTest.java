package io.natrix.nex;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Banned calls in the nex module's main code: commands write through picocli's streams and nodes through the
 * feeds or the log, never the process's standard streams; nothing exits the process; nothing sleeps to wait.
 */
class NexSourceTidyTest {

    private static final Path MAIN = Path.of("src/main/java");
    private static final List<String> BANNED = List.of("System.out", "System.err", "System.exit", "Thread.sleep",
            "printStackTrace");

    @Test
    void nexMainCodeHasNoBannedCalls() throws IOException {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    for (String banned : BANNED) {
                        if (lines.get(i).contains(banned)) {
                            violations.add(MAIN.relativize(file) + ":" + (i + 1) + ": " + banned);
                        }
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }
}
