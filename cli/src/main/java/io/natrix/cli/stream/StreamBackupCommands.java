package io.natrix.cli.stream;

import io.natrix.cli.support.ByteSize;
import io.natrix.cli.output.Columns;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import io.natrix.cli.output.Human;
import io.natrix.cli.output.Json;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.Subscription;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stream backup STREAM DIR} and {@code stream restore DIR}: a stream's data over the network with the
 * JetStream snapshot and restore API, into and out of a directory laid out as natscli (jsm.go) lays it out:
 *
 * <pre>
 *   DIR/backup.json     {"config": {...}, "state": {...}}   the snapshot answer, which is also the restore request
 *   DIR/stream.tar.s2   the archive bytes exactly as the server sent them (the server's own format)
 * </pre>
 *
 * Backup: subscribe to an inbox, ask {@code STREAM.SNAPSHOT.<stream>} to deliver there, write each chunk and
 * acknowledge it on its reply subject (the server's flow control), stop at the empty {@code 204} status message;
 * any other status ends the backup with its description. Restore: {@code STREAM.RESTORE.<stream>} names a subject
 * to upload to; each chunk is a request whose empty answer means "taken" (an answer with an error stops the
 * restore), and an empty request ends it, answered with the new stream's info.
 */
final class StreamBackupCommands {

    static final String META_FILE = "backup.json";
    static final String DATA_FILE = "stream.tar.s2";
    /** The upload chunk size of a restore (jsm.go's). */
    static final int RESTORE_CHUNK_BYTES = 128 * 1024;
    /** A backup gives up when no chunk arrives for this long (or the timeout, if longer), as natscli does. */
    static final Duration IDLE_MIN = Duration.ofSeconds(5);

    private StreamBackupCommands() {
    }

    /** {@code stream backup STREAM DIR}. */
    @Command(name = "backup", aliases = "snapshot", description = "Creates a backup of a stream over the NATS network")
    static final class Backup extends ClientCommand {
        @Parameters(index = "0", paramLabel = "STREAM", description = "Stream to backup")
        String stream;

        @Parameters(index = "1", paramLabel = "DIR", description = "Directory to create the backup in")
        Path target;

        @Option(names = "--check", description = "Checks the stream for health prior to backup")
        boolean check;

        @Option(names = "--consumers", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Enable or disable consumer backups (default true)")
        boolean consumers = true;

        @Option(names = "--chunk-size", paramLabel = "BYTES", description = "Sets a specific chunk size that the server will send")
        String chunkSize;

        @Option(names = "--window-size", paramLabel = "BYTES", description = "Sets a specific window size that the server will send")
        String windowSize;

        @Override
        public Integer call() throws Exception {
            ObjectNode request = Json.MAPPER.createObjectNode();
            request.put("no_consumers", !consumers);
            if (chunkSize != null) {
                request.put("chunk_size", ByteSize.parse(chunkSize, "--chunk-size"));
            }
            if (windowSize != null) {
                request.put("window_size", ByteSize.parse(windowSize, "--window-size"));
            }
            request.put("jsck", check);
            prepareTarget();
            try (Connection nc = connect()) {
                JsApi api = new JsApi(nc, globals());
                api.streamInfo(stream);
                String inbox = nc.createInbox();
                Subscription sub = nc.subscribe(inbox);
                nc.flush(api.timeout());
                request.put("deliver_subject", inbox);
                long started = System.nanoTime();
                ObjectNode answer = api.request("STREAM.SNAPSHOT." + stream, request);
                ObjectNode meta = Json.MAPPER.createObjectNode();
                meta.set("config", answer.path("config"));
                meta.set("state", answer.path("state"));
                Files.writeString(target.resolve(META_FILE), Json.pretty(meta) + "\n", StandardCharsets.UTF_8);
                out().printf("Starting backup of Stream \"%s\" with %s%n", stream,
                        Human.bytes(answer.path("state").path("bytes").asLong()));
                if (check) {
                    out().printf("Health Check was requested, this can take a long time without progress reports%n%n");
                }
                out().flush();
                long[] received = receive(nc, sub, api.timeout());
                long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
                out().println();
                out().printf("Received %s compressed data in %s chunks for stream \"%s\" in %dms%n",
                        Human.bytes(received[0]), Human.count(received[1]), stream, millis);
                out().flush();
                return 0;
            }
        }

        private void prepareTarget() throws IOException {
            if (Files.exists(target)) {
                try (var entries = Files.list(target)) {
                    if (!Files.isDirectory(target) || entries.findAny().isPresent()) {
                        throw new CliException(target + " already exists and is not an empty directory");
                    }
                }
            }
            Files.createDirectories(target);
        }

        /** Writes chunks to the data file until the end status; returns {bytes, chunks}. */
        private long[] receive(Connection nc, Subscription sub, Duration timeout) throws Exception {
            Duration idle = timeout.compareTo(IDLE_MIN) > 0 ? timeout : IDLE_MIN;
            long bytes = 0;
            long chunks = 0;
            try (OutputStream data = Files.newOutputStream(target.resolve(DATA_FILE))) {
                while (true) {
                    Message m = sub.nextMessage(idle);
                    if (m == null) {
                        throw new CliException("backup timed out after receiving no data for " + Columns.duration(idle));
                    }
                    if (m.isStatusMessage()) {
                        int code = m.getStatus().getCode();
                        if (code == 204) {
                            return new long[] {bytes, chunks};
                        }
                        throw new CliException("snapshot failed: " + m.getStatus().getMessage() + " (" + code + ")");
                    }
                    byte[] chunk = m.getData();
                    if (chunk == null || chunk.length == 0) {
                        return new long[] {bytes, chunks};
                    }
                    data.write(chunk);
                    bytes += chunk.length;
                    chunks++;
                    if (m.getReplyTo() != null && !m.getReplyTo().isEmpty()) {
                        nc.publish(m.getReplyTo(), new byte[0]);
                    }
                }
            }
        }
    }

    /** {@code stream restore DIR}. */
    @Command(name = "restore", description = "Restore a stream over the NATS network")
    static final class Restore extends ClientCommand {
        @Parameters(index = "0", paramLabel = "DIR", description = "The directory holding the backup to restore")
        Path dir;

        @Option(names = "--config", paramLabel = "FILE", description = "Load a different configuration when restoring the stream")
        String configFile;

        @Option(names = "--replicas", paramLabel = "N", description = "Override how many replicas of the data to create")
        int replicas;

        @Override
        public Integer call() throws Exception {
            Path metaFile = dir.resolve(META_FILE);
            Path dataFile = dir.resolve(DATA_FILE);
            if (!Files.isRegularFile(metaFile) || !Files.isRegularFile(dataFile)) {
                throw new CliException(dir + " does not hold a backup (" + META_FILE + " and " + DATA_FILE + ")");
            }
            JsonNode meta = Json.parse(Files.readString(metaFile, StandardCharsets.UTF_8), metaFile.toString());
            if (!(meta.path("config") instanceof ObjectNode backedUp)) {
                throw new CliException("invalid backup in " + metaFile + ": no \"config\"");
            }
            String name = backedUp.path("name").asText("");
            ObjectNode cfg = backedUp.deepCopy();
            if (configFile != null) {
                cfg = ConfigFiles.load(configFile);
                if (!cfg.path("name").asText("").equals(name)) {
                    throw new CliException("stream names may not be changed during restore");
                }
            }
            if (replicas > 0) {
                cfg.put("num_replicas", replicas);
            }
            try (Connection nc = connect()) {
                JsApi api = new JsApi(nc, globals());
                if (exists(api, name)) {
                    throw new CliException("Stream \"" + name + "\" already exist");
                }
                out().printf("Starting restore of Stream \"%s\" from file \"%s\"%n%n", name, dir);
                out().flush();
                long started = System.nanoTime();
                ObjectNode request = Json.MAPPER.createObjectNode();
                request.set("config", cfg);
                request.set("state", meta.path("state"));
                String deliver = api.request("STREAM.RESTORE." + name, request).path("deliver_subject").asText("");
                if (deliver.isEmpty()) {
                    throw new CliException("restore failed: the server named no subject to upload to");
                }
                upload(nc, api.timeout(), deliver, dataFile);
                long seconds = Math.round((System.nanoTime() - started) / 1e9);
                out().println();
                out().printf("Restored stream \"%s\" in %ds%n%n", name, seconds);
                StreamView.print(out(), api.streamInfo(name), false);
                return 0;
            }
        }

        private static boolean exists(JsApi api, String name) throws JetStreamApiException {
            try {
                api.streamInfo(name);
                return true;
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() == 10059) {
                    return false;
                }
                throw e;
            }
        }

        /** Sends the data file in chunks, each waiting for its answer; returns the final answer (stream info). */
        private static ObjectNode upload(Connection nc, Duration timeout, String deliver, Path dataFile)
                throws Exception {
            byte[] buffer = new byte[RESTORE_CHUNK_BYTES];
            try (InputStream in = Files.newInputStream(dataFile)) {
                int n;
                while ((n = in.readNBytes(buffer, 0, buffer.length)) > 0) {
                    Message reply = nc.request(deliver, java.util.Arrays.copyOf(buffer, n), timeout);
                    if (reply == null) {
                        throw new CliException("restore failed: no answer to a chunk in " + Columns.duration(timeout));
                    }
                    if (reply.getData() != null && reply.getData().length > 0) {
                        JsApi.answer(reply.getData(), "a restore chunk");
                    }
                }
            }
            Message end = nc.request(deliver, new byte[0], timeout.multipliedBy(4));
            if (end == null) {
                throw new CliException("restore failed: no answer to the end of the upload");
            }
            return JsApi.answer(end.getData(), "the end of the restore");
        }
    }
}
