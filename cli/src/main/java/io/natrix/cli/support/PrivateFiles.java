package io.natrix.cli.support;

import io.natrix.cli.CliException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files that hold secrets (contexts with passwords, seeds, JWTs, creds), written as natscli and nsc write them:
 * readable by their owner only ({@code 0600}, directories {@code 0700}) and replaced atomically through a temporary
 * file in the same directory, so a reader never sees half a file. Failures are one-line {@link CliException}s.
 */
public final class PrivateFiles {

    private PrivateFiles() {
    }

    /** Writes {@code text} to {@code file} through a temporary file, readable by its owner only. */
    public static void write(Path file, String text) {
        try {
            createDirectories(file.getParent());
            Path tmp = createPrivateFile(file.getParent(), file.getFileName() + ".", ".tmp");
            try {
                Files.writeString(tmp, text, StandardCharsets.UTF_8);
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new CliException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static Path createPrivateFile(Path dir, String prefix, String suffix) throws IOException {
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return Files.createTempFile(dir, prefix, suffix,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        return Files.createTempFile(dir, prefix, suffix);
    }

    public static void createDirectories(Path dir) {
        try {
            if (Files.isDirectory(dir)) {
                return;
            }
            if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Path parent = dir.getParent();
                if (parent != null) {
                    createDirectories(parent);
                }
                try {
                    Files.createDirectory(dir,
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } catch (FileAlreadyExistsException e) {
                    if (!Files.isDirectory(dir)) {
                        throw e;
                    }
                }
            } else {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new CliException("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }
}
