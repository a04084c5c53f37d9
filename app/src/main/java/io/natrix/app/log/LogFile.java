package io.natrix.app.log;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The -l/log_file log file, with nats-server's size-based rotation ({@code logfile_size_limit},
 * {@code logfile_max_num}):
 *
 * <ul>
 *   <li>Lines are appended; the file's size is counted from what it held when opened.</li>
 *   <li>When a line takes the file past the limit, the file is renamed to
 *       {@code <file>.YYYY.MM.DD.hh.mm.ss.nnnnnnnnn} (local time, nanoseconds), a new file is started at the
 *       configured path, and its first line says {@code [INF] Rotated log, backup saved as "<backup>"}.</li>
 *   <li>With a maximum number of files N, the oldest backups are then deleted until N - 1 are left (the file being
 *       written is the Nth), each deletion noted as {@code [INF] Purged log file "<name>"}. Backups are the files
 *       beside the log file named {@code <file>.<timestamp>} with a valid timestamp; lexical order of the names is
 *       age order.</li>
 *   <li>A rotation that cannot rename the file says so in the file and tries again at twice the size, as
 *       nats-server does when it cannot close the file.</li>
 * </ul>
 *
 * <p>Rotation happens between whole lines: Logback hands each event to {@link #write(byte[], int, int)} in one
 * call.
 *
 * <p>Thread-safety: the appender calls it under its stream lock; the methods are also synchronized, for the
 * rotation's own lines and for callers outside an appender.
 */
final class LogFile extends OutputStream {

    /** What a backup's name adds to the log file's: nats-server's stamp, any fraction optional, as Go parses it. */
    private static final Pattern BACKUP_STAMP =
            Pattern.compile("(\\d{4})\\.(\\d{2})\\.(\\d{2})\\.(\\d{2})\\.(\\d{2})\\.(\\d{2})(\\.\\d+)?");

    /** Formats the file's own lines: a level tag and a message in, a whole log line out. */
    interface LineFormat {
        String line(Instant time, String tag, String message);
    }

    private final Path file;
    /** 0: never rotate. */
    private final long sizeLimitBytes;
    /** 0: keep every backup. */
    private final int maxFiles;
    private final LineFormat format;
    private final ZoneId zone;
    private OutputStream out;
    private long sizeBytes;
    /** The size that triggers the next rotation; doubled after a failed one. */
    private long rotateAtBytes;

    private LogFile(Path file, long sizeLimitBytes, int maxFiles, LineFormat format, ZoneId zone) {
        this.file = file;
        this.sizeLimitBytes = Math.max(0, sizeLimitBytes);
        this.maxFiles = Math.max(0, maxFiles);
        this.format = format;
        this.zone = zone;
        this.rotateAtBytes = this.sizeLimitBytes;
    }

    /**
     * Opens {@code file} for appending, creating it and its directory when missing.
     *
     * @param sizeLimitBytes rotate when the file passes this size; 0 never
     * @param maxFiles       most files kept, the current one included; 0 keeps all
     */
    static LogFile open(Path file, long sizeLimitBytes, int maxFiles, LineFormat format, ZoneId zone)
            throws IOException {
        LogFile log = new LogFile(file, sizeLimitBytes, maxFiles, format, zone);
        log.openFile();
        return log;
    }

    /** Whether the file is already past its size limit (a restart onto a big file): the next line rotates it. */
    synchronized boolean pastLimit() {
        return sizeLimitBytes > 0 && sizeBytes > sizeLimitBytes;
    }

    @Override
    public synchronized void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length);
        sizeBytes += length;
        if (rotateAtBytes > 0 && sizeBytes > rotateAtBytes) {
            rotate();
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }

    private void openFile() throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
        sizeBytes = Files.size(file);
    }

    private void rotate() throws IOException {
        out.close();
        Path backup = backupName();
        try {
            Files.move(file, backup);
        } catch (IOException e) {
            // Keep writing where we were; try again later rather than on every line.
            openFile();
            rotateAtBytes *= 2;
            own("[ERR]", "Unable to rename logfile for rotation (" + e + "), will attempt next rotation at size "
                    + rotateAtBytes);
            return;
        }
        openFile();
        rotateAtBytes = sizeLimitBytes;
        own("[INF]", "Rotated log, backup saved as " + quote(backup.toString()));
        if (maxFiles > 0) {
            purge();
        }
    }

    /** {@code <file>.YYYY.MM.DD.hh.mm.ss.nnnnnnnnn} for now, one nanosecond on when that name is taken. */
    private Path backupName() {
        LocalDateTime now = LocalDateTime.ofInstant(Instant.now(), zone);
        for (int attempt = 0; ; attempt++) {
            LocalDateTime t = now.plusNanos(attempt);
            Path backup = file.resolveSibling(file.getFileName() + String.format(".%04d.%02d.%02d.%02d.%02d.%02d.%09d",
                    t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond(),
                    t.getNano()));
            if (attempt >= 1000 || !Files.exists(backup)) {
                return backup;
            }
        }
    }

    /** Deletes the oldest backups until {@code maxFiles - 1} are left. */
    private void purge() throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        String base = file.getFileName().toString();
        List<String> backups = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.startsWith(base + ".") && isStamp(name.substring(base.length() + 1))
                        && !Files.isDirectory(entry)) {
                    backups.add(name);
                }
            }
        } catch (IOException e) {
            own("[ERR]", "Unable to read directory " + quote(dir.toString()) + " for log purge (" + e
                    + "), will attempt next rotation");
            return;
        }
        Collections.sort(backups);
        int excess = backups.size() - (maxFiles - 1);
        for (int i = 0; i < excess; i++) {
            String name = backups.get(i);
            try {
                Files.deleteIfExists(dir.resolve(name));
            } catch (IOException e) {
                own("[ERR]", "Unable to remove backup log file " + quote(name) + " (" + e
                        + "), will attempt next rotation");
                return;
            }
            own("[INF]", "Purged log file " + quote(name));
        }
    }

    static boolean isStamp(String text) {
        Matcher m = BACKUP_STAMP.matcher(text);
        if (!m.matches()) {
            return false;
        }
        try {
            LocalDateTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                    Integer.parseInt(m.group(6)));
            return true;
        } catch (DateTimeException e) {
            return false;
        }
    }

    /** Writes one of the file's own lines into the (new) file, counted towards its size. */
    private void own(String tag, String message) throws IOException {
        byte[] line = format.line(Instant.now(), tag, message).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.write(line);
        out.flush();
        sizeBytes += line.length;
    }

    /** A file name in double quotes, as nats-server's %q prints the usual ones. */
    private static String quote(String name) {
        return '"' + name.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
