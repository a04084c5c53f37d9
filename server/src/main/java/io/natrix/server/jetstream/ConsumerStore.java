package io.natrix.server.jetstream;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a durable consumer of a file stream keeps itself: {@code <stream dir>/obs/<consumer>/} holding
 * <pre>
 *   meta.json   {"config": {...consumer configuration...}, "created": "RFC 3339 time"}
 *   meta.sum    CRC-32C of meta.json, 8 hex digits
 *   state.dat   the {@link ConsumerState} (its own format and checksum)
 * </pre>
 * Every file is replaced atomically ({@link AtomicFiles}); with {@code sync_interval: always} it is synced first.
 * Without it, a state written survives the server process being killed (it is in the page cache once written) but
 * not necessarily a power loss: then the consumer restarts from an older state and redelivers what it had not
 * recorded as acknowledged — at least once, never lost.
 *
 * <p>A state file that does not check out is reported and ignored: the consumer starts from its configured start
 * point, redelivering rather than skipping.
 *
 * <p>Not thread-safe: its consumer serialises the calls.
 */
final class ConsumerStore {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerStore.class);

    /** What meta.json holds. */
    record Meta(@JsonProperty("config") ConsumerConfig config, @JsonProperty("created") Instant created) {
    }

    private final Path dir;
    private final boolean sync;

    ConsumerStore(Path dir, boolean sync) {
        this.dir = dir;
        this.sync = sync;
    }

    Path dir() {
        return dir;
    }

    /** The metadata kept in {@code dir}, or null when there is none or it fails its checksum (reported). */
    static Meta readMeta(Path dir) {
        try {
            byte[] json = Files.readAllBytes(dir.resolve("meta.json"));
            String sum = Files.readString(dir.resolve("meta.sum")).trim();
            if (!sum.equals(AtomicFiles.crcHex(json))) {
                LOG.error("Consumer metadata in {} fails its checksum; the consumer is not loaded", dir);
                return null;
            }
            return JsJson.read(json, Meta.class);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            LOG.error("Consumer metadata in {} can not be read: {}", dir, e.toString());
            return null;
        }
    }

    void writeMeta(ConsumerConfig config, Instant created) throws IOException {
        Files.createDirectories(dir);
        byte[] json = JsJson.write(new Meta(config, created));
        AtomicFiles.write(dir.resolve("meta.json"), json, true);
        AtomicFiles.write(dir.resolve("meta.sum"), AtomicFiles.crcHex(json).getBytes(StandardCharsets.US_ASCII), true);
    }

    /** The state last written, or null when none was or it can not be used (reported). */
    ConsumerState readState() {
        Path file = dir.resolve("state.dat");
        try {
            return ConsumerState.decode(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | IllegalArgumentException e) {
            LOG.error("Consumer state {} can not be used ({}); the consumer starts over from its start point", file,
                    e.getMessage());
            return null;
        }
    }

    /** Replaces the state with {@code encoded} ({@link ConsumerState#encode}). */
    void writeState(byte[] encoded) throws IOException {
        AtomicFiles.write(dir.resolve("state.dat"), encoded, sync);
    }

    void delete() throws IOException {
        AtomicFiles.deleteTree(dir);
    }
}
