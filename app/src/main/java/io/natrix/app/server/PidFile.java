package io.natrix.app.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The pid file ({@code -P}, {@code pid_file}): the process id in decimal without a newline, as nats-server
 * writes it, so that {@code natrix server -sl <cmd>=<file>} and service managers can find the process. Written
 * to a temporary name and renamed, so a reader never sees half a file; removed when the server stops.
 *
 * <p>Thread-safety: {@link #remove()} may race with itself (the shutdown hook and the main thread); removing
 * twice is harmless.
 */
final class PidFile {

    private volatile Path written;

    void write(Path file, long pid) throws IOException {
        Path absolute = file.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        Path temp = absolute.resolveSibling(absolute.getFileName() + ".tmp");
        Files.writeString(temp, Long.toString(pid), StandardCharsets.UTF_8);
        Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        written = absolute;
    }

    void remove() {
        Path file = written;
        written = null;
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // Nothing more can be done on the way out; a stale pid file names a process that is gone.
        }
    }
}
