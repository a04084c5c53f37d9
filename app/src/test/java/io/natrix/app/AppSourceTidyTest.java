package io.natrix.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Banned calls in the app's main code: the process's standard streams belong to {@link Natrix#main} (and the
 * logging set-up, which writes to standard error), sleeping is no way to wait, and stack traces go through the
 * log.
 */
class AppSourceTidyTest {

    private static final Path MAIN = Path.of("src/main/java");

    /** Each banned text, with the files (relative to {@code src/main/java}) that may use it. */
    private static final Map<String, Set<String>> BANNED = Map.of(
            "System.out", Set.of("io/natrix/app/Natrix.java"),
            "System.err", Set.of("io/natrix/app/Natrix.java", "io/natrix/app/log/Logging.java"),
            "System.exit", Set.of("io/natrix/app/Natrix.java"),
            "Thread.sleep", Set.of(),
            "printStackTrace", Set.of());

    @Test
    void bannedCallsAppearOnlyWhereAllowed() throws IOException {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String name = MAIN.relativize(file).toString().replace('\\', '/');
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    for (Map.Entry<String, Set<String>> banned : BANNED.entrySet()) {
                        if (lines.get(i).contains(banned.getKey()) && !banned.getValue().contains(name)) {
                            violations.add(name + ":" + (i + 1) + ": " + banned.getKey());
                        }
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }
}
