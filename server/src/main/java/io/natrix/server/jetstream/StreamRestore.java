package io.natrix.server.jetstream;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.natrix.server.account.Account;
import io.natrix.server.client.InternalSubscription;
import io.natrix.server.client.Message;
import io.natrix.server.client.Router;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code $JS.API.STREAM.RESTORE.<stream>}: rebuilds a file stream from a {@link StreamArchive} that a client sends
 * in chunks, as nats-server's restore protocol goes.
 *
 * <pre>
 *   client                                               server
 *   PUB $JS.API.STREAM.RESTORE.S _INBOX.1  {"config": {...}, "state": {...}}
 *                          ◀── {"type": "...stream_restore_response", "deliver_subject": "$JS.SNAPSHOT.RESTORE.S.&lt;id&gt;"}
 *   PUB $JS.SNAPSHOT.RESTORE.S.&lt;id&gt; _INBOX.2  chunk     ◀── "" on _INBOX.2 once the chunk is consumed
 *   ...                                                  (every chunk needs a reply subject)
 *   PUB $JS.SNAPSHOT.RESTORE.S.&lt;id&gt; _INBOX.9  ""        ◀── {"type": "...stream_create_response", stream info}
 * </pre>
 * The request is checked as a stream create would be (configuration, limits, subject overlap) and refused when a
 * stream of that name exists ({@code JSStreamNameExistRestoreFailedErr}, 400 10130), when the name holds a path
 * separator, or for memory storage (nats-server cannot snapshot memory streams either). The configuration in the
 * request becomes the stream's; the archive's {@code meta.json} must name the same stream and gives the creation
 * time.
 *
 * <p>The archive is unpacked as it arrives into {@code <account>/__snapshots__/restore-<id>/}, with every check of
 * {@link StreamArchive.Extractor} (paths that escape, links, damage, checksums, the account's storage limit); after
 * the empty message the directory is moved to {@code streams/<name>/} and opened like a stream at start-up. Any
 * failure answers the chunk (or end message) it happened on with a stream create response carrying
 * {@code restore failed: <reason>} (500 10062), ends the restore and deletes the staging directory; so does a
 * client that sends nothing for {@value #STALL_TIMEOUT_SECONDS} s (then without an answer, as nats-server). An
 * account runs at most {@value #RUNNING_MAX} restores at once.
 *
 * <p>Threads: the request is checked on the JetStream thread. Chunks arrive on the sender's thread, are copied and
 * queued (at most {@value #PENDING_BYTES_MAX} bytes waiting: a client that does not wait for acks fails its
 * restore); a virtual thread per restore unpacks them, acknowledges each once it is consumed, and adds the stream
 * ({@link JsAccount#addRestored}). {@link #close} ends every running restore (server shutdown).
 */
final class StreamRestore {
    private static final Logger LOG = LoggerFactory.getLogger(StreamRestore.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    static final String RESPONSE_TYPE = "io.nats.jetstream.api.v1.stream_restore_response";
    static final int STALL_TIMEOUT_SECONDS = 5;
    /** Most chunk bytes queued and not yet consumed. */
    static final long PENDING_BYTES_MAX = 64L * 1024 * 1024;
    /** Most restores running at once in one account. */
    static final int RUNNING_MAX = 4;

    private final JsAccount jsa;
    private final Set<Session> running = ConcurrentHashMap.newKeySet();

    StreamRestore(JsAccount jsa) {
        this.jsa = jsa;
    }

    /** nats-server's {@code JSApiStreamRestoreResponse}: where to send the chunks. */
    @JsonPropertyOrder({"type", "error", "deliver_subject"})
    record Response(
            @JsonProperty("type") String type,
            @JsonProperty("error") @JsonInclude(Include.NON_NULL) JsApiError error,
            @JsonProperty("deliver_subject") String deliverSubject) {

        static Response of(String deliverSubject) {
            return new Response(RESPONSE_TYPE, null, deliverSubject);
        }

        static Response failed(JsApiError error) {
            return new Response(RESPONSE_TYPE, error, "");
        }
    }

    static JsApiError restoreFailed(String why) {
        return JsErrors.get("JSStreamRestoreErrF", Map.of("err", why));
    }

    /**
     * Checks a restore request and opens the deliver subject (JetStream thread); returns the answer naming it.
     *
     * @throws JsApiException the request's error answer
     */
    Object start(String name, byte[] body) throws JsApiException {
        if (JsApi.isEmptyRequest(body)) {
            throw new JsApiException(JsErrors.badRequest());
        }
        StreamConfig requested = parseConfig(body);
        if (requested.name().isEmpty()) {
            requested = requested.toBuilder().name(name).build();
        }
        if (!requested.name().equals(name)) {
            throw new JsApiException(JsErrors.streamMismatch());
        }
        if (name.contains("/") || name.contains("\\")) {
            throw new JsApiException(JsErrors.streamNameContainsPathSeparators());
        }
        StreamConfig config = jsa.checkRestore(requested);
        if (config.storage() != StorageType.FILE) {
            throw new JsApiException(restoreFailed("memory streams do not support snapshots"));
        }
        if (running.size() >= RUNNING_MAX) {
            throw new JsApiException(restoreFailed("too many restores in progress (at most " + RUNNING_MAX + ")"));
        }
        String id = StreamSnapshot.newId();
        Path staging = jsa.dir().resolve(StreamSnapshot.STAGING_DIR).resolve("restore-" + id);
        try {
            Files.createDirectories(staging);
        } catch (IOException e) {
            throw new JsApiException(JsErrors.get("JSTempStorageFailedErr"));
        }
        Session session = new Session(config, "$JS.SNAPSHOT.RESTORE." + name + "." + id, staging);
        running.add(session);
        session.begin();
        return Response.of(session.deliver);
    }

    /** The {@code config} of a restore request (its {@code state} is informational, as in nats-server). */
    private static StreamConfig parseConfig(byte[] body) throws JsApiException {
        JsonNode tree;
        try {
            tree = JSON.readTree(body);
        } catch (JacksonException e) {
            throw new JsApiException(JsErrors.invalidJSON(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new JsApiException(JsErrors.invalidJSON(String.valueOf(e.getMessage())));
        }
        if (tree == null || !tree.isObject()) {
            throw new JsApiException(JsErrors.invalidJSON(
                    "json: cannot unmarshal into Go value of type server.JSApiStreamRestoreRequest"));
        }
        for (var names = tree.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!field.equals("config") && !field.equals("state")) {
                throw new JsApiException(JsErrors.invalidJSON("json: unknown field \"" + field + "\""));
            }
        }
        JsonNode config = tree.get("config");
        if (config == null || config.isNull()) {
            return StreamConfigJson.config("{}".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        try {
            return StreamConfigJson.config(JSON.writeValueAsBytes(config));
        } catch (IOException e) {
            throw new JsApiException(JsErrors.invalidJSON(String.valueOf(e.getMessage())));
        }
    }

    /** Ends every running restore; their staging directories are deleted. */
    void close() {
        for (Session s : running) {
            s.abort();
        }
        for (Session s : running) {
            try {
                s.worker.join(Duration.ofSeconds(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** A chunk as received: its bytes (empty: the end) and where to answer. */
    private record Chunk(byte[] data, String reply) {
    }

    /** Why a restore stopped. */
    private static final class RestoreFailure extends IOException {
        private static final long serialVersionUID = 1L;

        RestoreFailure(String message) {
            super(message);
        }
    }

    /** One restore in progress: its subscription, queue, staging directory and thread. */
    private final class Session {
        final StreamConfig config;
        final String deliver;
        final Path staging;
        final LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        final AtomicLong pendingBytes = new AtomicLong();
        final Thread worker;
        final InternalSubscription subscription;
        volatile boolean ended;
        /** A problem noticed on a sender's thread, reported by the worker. */
        volatile String refused;
        /** The chunk being consumed, not yet acknowledged (worker thread only). */
        Chunk current;
        long received;

        Session(StreamConfig config, String deliver, Path staging) {
            this.config = config;
            this.deliver = deliver;
            this.staging = staging;
            this.worker = Thread.ofVirtual().name("natrix-restore-" + config.name()).unstarted(this::run);
            this.subscription = new InternalSubscription(deliver, null) {
                @Override
                protected boolean onMessage(Message m) {
                    return offer(m);
                }
            };
        }

        void begin() {
            jsa.account().index().insert(subscription);
            advisory("RESTORE_CREATE", "io.nats.jetstream.advisory.v1.restore_create", Map.of());
            LOG.info("Starting restore for stream '{} > {}'", jsa.account(), config.name());
            worker.start();
        }

        /** On the sender's thread: queues a copy of the chunk (or notes why it cannot). */
        private boolean offer(Message m) {
            if (ended) {
                return false;
            }
            if (m.reply() == null || m.reply().isEmpty()) {
                refuse("restore for stream '" + jsa.account() + " > " + config.name()
                        + "' requires reply subject for each chunk");
                return true;
            }
            byte[] data = m.payload();
            if (pendingBytes.addAndGet(data.length) > PENDING_BYTES_MAX) {
                refuse("restore for stream '" + jsa.account() + " > " + config.name()
                        + "' received chunks faster than it could store them; wait for each chunk's ack");
                return true;
            }
            queue.add(new Chunk(data, m.reply()));
            return true;
        }

        private void refuse(String why) {
            if (refused == null) {
                refused = why;
            }
            worker.interrupt();
        }

        void abort() {
            refuse("server shutting down");
        }

        // ------------------------------------------------------------ worker thread

        private void run() {
            Instant start = Instant.now();
            Account account = jsa.account();
            Object answer;
            String error = null;
            try {
                ChunkStream in = new ChunkStream();
                new StreamArchive.Extractor(staging, bytesMax()).extract(in);
                in.awaitEnd();
                Stream stream = install();
                answer = JsApi.StreamCreateResponse.of(stream.info(null), false);
            } catch (JsApiException e) {
                error = e.error().description();
                answer = JsApi.StreamCreateResponse.failed(e.error());
            } catch (IOException | RuntimeException e) {
                error = refused != null ? refused : String.valueOf(e.getMessage());
                answer = JsApi.StreamCreateResponse.failed(restoreFailed(error));
            } finally {
                ended = true;
                account.index().remove(subscription);
                running.remove(this);
            }
            if (error == null) {
                LOG.info("Completed restore of {} bytes for stream '{} > {}' in {} ms", received, account,
                        config.name(), Duration.between(start, Instant.now()).toMillis());
            } else {
                LOG.warn("Restore failed for stream '{} > {}' after {} bytes: {}", account, config.name(), received,
                        error);
                try {
                    AtomicFiles.deleteTree(staging);
                } catch (IOException e) {
                    LOG.warn("Could not delete restore staging {}: {}", staging, e.toString());
                }
            }
            // The chunk (or end message) being consumed when it ended is the one not yet answered.
            if (current != null) {
                jsa.jetStream().reply(account, current.reply(), answer);
            }
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("start", JsAccount.RFC3339_NANO.format(start));
            extra.put("end", JsAccount.RFC3339_NANO.format(Instant.now()));
            extra.put("bytes", received);
            advisory("RESTORE_COMPLETE", "io.nats.jetstream.advisory.v1.restore_complete", extra);
        }

        /** The account's storage limit (or the server's), as a bound on what the archive may unpack to. */
        private long bytesMax() {
            long account = jsa.limits().maxStorage();
            long server = jsa.jetStream().config().maxFile();
            if (account > 0 && server > 0) {
                return Math.min(account, server);
            }
            return Math.max(0, Math.max(account, server));
        }

        /** Checks the archive's meta against the request and adds the stream. */
        private Stream install() throws IOException, JsApiException {
            JsAccount.StreamMeta meta = JsAccount.readMeta(staging);
            if (meta == null) {
                throw new RestoreFailure("archive has no stream metadata that passes its checksum");
            }
            if (!meta.config().name().equals(config.name())) {
                throw new RestoreFailure("stream names do not match");
            }
            Files.deleteIfExists(staging.resolve("meta.json"));
            Files.deleteIfExists(staging.resolve("meta.sum"));
            return jsa.addRestored(config, meta.created() == null ? Instant.now() : meta.created(), staging);
        }

        private void ack(Chunk c) {
            Router.publish(jsa.account(), c.reply(), null, null, new byte[0]);
        }

        private void advisory(String event, String type, Map<String, Object> extra) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", type);
            m.put("id", StreamSnapshot.newId());
            m.put("timestamp", JsAccount.RFC3339_NANO.format(Instant.now()));
            m.put("stream", config.name());
            m.putAll(extra);
            String domain = jsa.jetStream().config().domain();
            if (!domain.isEmpty()) {
                m.put("domain", domain);
            }
            jsa.jetStream().reply(jsa.account(), "$JS.EVENT.ADVISORY.STREAM." + event + "." + config.name(), m);
        }

        /**
         * The chunks as one byte stream: a chunk is acknowledged when the reader asks for bytes past it; the empty
         * message ends the stream.
         */
        private final class ChunkStream extends InputStream {
            private int position;
            private String endReply;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                while (current == null || position == current.data().length) {
                    if (endReply != null) {
                        return -1;
                    }
                    if (current != null) {
                        ack(current);
                        current = null;
                    }
                    current = take();
                    position = 0;
                    if (current.data().length == 0) {
                        endReply = current.reply();
                        return -1;
                    }
                }
                int n = Math.min(len, current.data().length - position);
                System.arraycopy(current.data(), position, b, off, n);
                position += n;
                return n;
            }

            /** After the archive's end: acknowledges the last chunk and waits for the empty message. */
            void awaitEnd() throws IOException {
                while (endReply == null) {
                    if (current != null && position < current.data().length) {
                        throw new RestoreFailure("archive has data after its end");
                    }
                    if (current != null) {
                        ack(current);
                        current = null;
                    }
                    current = take();
                    position = 0;
                    if (current.data().length == 0) {
                        endReply = current.reply();
                    }
                }
            }

            private Chunk take() throws IOException {
                Chunk next;
                try {
                    next = refused != null ? null : queue.poll(STALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    next = null;
                }
                if (refused != null) {
                    throw new RestoreFailure(refused);
                }
                if (next == null) {
                    throw new RestoreFailure("restore for stream '" + jsa.account() + " > " + config.name()
                            + "' is stalled");
                }
                pendingBytes.addAndGet(-next.data().length);
                received += next.data().length;
                return next;
            }
        }
    }
}
