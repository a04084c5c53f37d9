package io.natrix.cli.object;

import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import io.natrix.cli.kv.Durations;
import io.natrix.cli.output.Human;
import io.natrix.cli.support.Confirm;
import io.natrix.cli.support.HeaderFlags;
import io.nats.client.Connection;
import io.nats.client.ObjectStore;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.ObjectMeta;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The {@code object} commands that move object data: {@code put} and {@code get}. */
final class ObjectTransferCommands {

    private ObjectTransferCommands() {
    }

    /**
     * {@code object put BUCKET [FILE]}: stores a file (or standard input, named by {@code --name}) as an object;
     * jnats chunks it and records its SHA-256 digest. Replacing an existing object asks first unless
     * {@code --force}.
     */
    @Command(name = "put", description = "Puts a file into the store")
    static final class Put extends ClientCommand {
        @Parameters(index = "0", paramLabel = "BUCKET", description = "The bucket to act on")
        String bucket;

        @Parameters(index = "1", arity = "0..1", paramLabel = "FILE", description = "The file to put (default: standard input)")
        String file;

        @Option(names = "--name", paramLabel = "NAME", description = "Override the name supplied to the object store")
        String name;

        @Option(names = "--description", paramLabel = "TEXT", description = "Sets an optional description for the object")
        String description;

        @Option(names = {"-H", "--header"}, paramLabel = "K:V", description = "Adds headers to the object using K:V format")
        List<String> headers = new ArrayList<>();

        @Option(names = "--chunk-size", paramLabel = "BYTES", description = "Sets the chunk size for the file")
        Integer chunkSize;

        @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Show a progress bar on a terminal (default true; --no-progress to disable)")
        boolean progress;

        @Option(names = {"-f", "--force"}, description = "Act without confirmation")
        boolean force;

        @Override
        public Integer call() throws Exception {
            String objectName = name != null && !name.isEmpty() ? name
                    : file == null ? null : Path.of(file).normalize().toString();
            if (objectName == null) {
                throw new CliException("--name is required when reading from stdin");
            }
            Path path = file == null ? null : Path.of(file);
            if (path != null && !Files.isRegularFile(path)) {
                throw new CliException("cannot read file " + file + ": no such file");
            }
            if (chunkSize != null && chunkSize < 1) {
                throw new CliException("invalid --chunk-size " + chunkSize + ": must be at least 1");
            }
            ObjectMeta.Builder meta = ObjectMeta.builder(objectName).headers(parseHeaders(headers));
            if (description != null) {
                meta.description(description);
            }
            if (chunkSize != null) {
                meta.chunkSize(chunkSize);
            }
            try (Connection conn = connect()) {
                ObjectStore store = ObjBuckets.open(conn, globals(), bucket);
                ObjectInfo existing = store.getInfo(objectName);
                if (existing != null && !force) {
                    ObjectViews.object(out(), existing);
                    out().println();
                    if (!Confirm.ask(globals(), out(), "Replace existing file " + bucket + " > " + objectName)) {
                        return 0;
                    }
                    out().println();
                }
                ObjectInfo stored;
                if (path == null) {
                    stored = store.put(meta.build(), globals().stdin());
                } else {
                    long size = Files.size(path);
                    Progress bar = showProgress(globals(), progress, size) ? new Progress(out(), objectName, size) : null;
                    try (InputStream in = Files.newInputStream(path)) {
                        stored = store.put(meta.build(), bar == null ? in : bar.counting(in));
                    }
                    if (bar != null) {
                        bar.finish();
                    }
                }
                out().println();
                ObjectViews.object(out(), stored);
            }
            return 0;
        }

        /** natscli's {@code -H K:V} headers ({@link HeaderFlags}); none is an empty set. */
        static Headers parseHeaders(List<String> given) {
            Headers headers = HeaderFlags.parse(given);
            return headers == null ? new Headers() : headers;
        }
    }

    /**
     * {@code object get BUCKET NAME}: writes an object (following links) to a file, by default its base name in
     * the current directory. jnats checks the chunk count, size and SHA-256 digest; the data goes to a temporary
     * file beside the target, moved into place only when all three match, so a failed get leaves no partial file
     * and never clobbers the old one. An existing target is replaced only with {@code --force} (or a yes on a
     * terminal).
     */
    @Command(name = "get", description = "Retrieves a file from the store")
    static final class Get extends ClientCommand {
        @Parameters(index = "0", paramLabel = "BUCKET", description = "The bucket to act on")
        String bucket;

        @Parameters(index = "1", paramLabel = "NAME", description = "The object to retrieve")
        String name;

        @Option(names = {"-O", "--output"}, paramLabel = "FILE", description = "Override the output file name")
        String output;

        @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Show a progress bar on a terminal (default true; --no-progress to disable)")
        boolean progress;

        @Option(names = {"-f", "--force"}, description = "Act without confirmation")
        boolean force;

        @Override
        public Integer call() throws Exception {
            try (Connection conn = connect()) {
                ObjectStore store = ObjBuckets.open(conn, globals(), bucket);
                ObjectInfo info = ObjBuckets.info(store, name);
                Path target = Path.of(output != null && !output.isEmpty() ? output
                        : Path.of(info.getObjectName()).getFileName().toString()).toAbsolutePath();
                if (Files.isDirectory(target)) {
                    throw new CliException("cannot write to " + target + ": it is a directory");
                }
                if (Files.exists(target) && !force
                        && !Confirm.ask(globals(), out(), "Replace existing target file " + target)) {
                    return 0;
                }
                long size = info.isLink() ? -1 : info.getSize();
                Progress bar = showProgress(globals(), progress, size) ? new Progress(out(), info.getObjectName(), size) : null;
                if (bar != null) {
                    out().println();
                }
                long start = System.nanoTime();
                long written = download(store, target, bar);
                Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
                if (elapsed.compareTo(Duration.ofSeconds(2)) > 0) {
                    long perSecond = (long) (written / (elapsed.toNanos() / 1e9));
                    out().printf("Wrote: %s to %s in %s average %s/s%n", Human.bytes(written), target,
                            Durations.human(elapsed), Human.bytes(perSecond));
                } else {
                    out().printf("Wrote: %s to %s in %s%n", Human.bytes(written), target, Durations.human(elapsed));
                }
                out().flush();
            }
            return 0;
        }

        private long download(ObjectStore store, Path target, Progress bar) throws Exception {
            Path dir = target.getParent();
            Path part;
            try {
                part = Files.createTempFile(dir, "." + target.getFileName(), ".part");
            } catch (NoSuchFileException e) {
                throw new CliException("cannot write to " + target + ": no such directory " + dir);
            }
            boolean done = false;
            try {
                try (OutputStream file = Files.newOutputStream(part)) {
                    store.get(name, bar == null ? file : bar.counting(file));
                }
                if (bar != null) {
                    bar.finish();
                }
                long written = Files.size(part);
                try {
                    Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
                }
                done = true;
                return written;
            } catch (IllegalStateException e) {
                // jnats reports missing chunks and size or digest mismatches this way.
                throw new CliException("could not get " + bucket + " > " + name + ": " + e.getMessage(), e);
            } finally {
                if (!done) {
                    deleteQuietly(part);
                }
            }
        }

        private static void deleteQuietly(Path part) {
            try {
                Files.deleteIfExists(part);
            } catch (IOException ignored) {
                // Best effort: the partial file is hidden (dot-named) and says .part.
            }
        }
    }

    /**
     * natscli's rule, plus a terminal: a bar only when wanted, not tracing, on a terminal, for objects over
     * 20 KiB.
     */
    static boolean showProgress(io.natrix.cli.Globals globals, boolean wanted, long size) {
        return wanted && !globals.trace() && globals.terminal() && size > Progress.SHOWN_ABOVE_BYTES;
    }
}
