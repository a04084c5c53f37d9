package io.natrix.server.jetstream;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.natrix.server.account.Account;
import io.natrix.server.client.InternalSubscription;
import io.natrix.server.client.Message;
import io.natrix.server.client.Router;
import io.natrix.server.store.FileStore;
import io.natrix.server.store.StoreState;
import io.natrix.server.store.StoredMessage;
import io.natrix.server.subject.Subjects;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code $JS.API.STREAM.SNAPSHOT.<stream>}: sends a file stream's data to a client as a {@link StreamArchive}, in
 * chunks with flow control, as nats-server does.
 *
 * <pre>
 *   client                                      server
 *   SUB &lt;deliver&gt;
 *   PUB $JS.API.STREAM.SNAPSHOT.S  {"deliver_subject": "&lt;deliver&gt;", "no_consumers": false,
 *                                   "chunk_size": 131072, "window_size": 8388608, "jsck": false}
 *                                 ◀── {"type": "...stream_snapshot_response", "config": {...}, "state": {...}}
 *                                 ◀── MSG &lt;deliver&gt; reply $JS.SNAPSHOT.ACK.S.&lt;id&gt;.&lt;chunk length&gt;.&lt;index&gt;  chunk
 *   PUB $JS.SNAPSHOT.ACK.S.&lt;id&gt;.&lt;length&gt;.&lt;index&gt; ""     (one ack per chunk)
 *                                 ◀── ... ; the last, shorter chunk without a reply
 *                                 ◀── HMSG &lt;deliver&gt; "NATS/1.0 204" and no payload: the end
 * </pre>
 * Chunks are {@code chunk_size} bytes (default 128 KiB, clamped to 1 KiB..1 MiB); at most {@code window_size} bytes
 * (default 8 MiB, clamped to 1 KiB..32 MiB, at least one chunk) are unacknowledged. When no ack frees room for
 * {@value #ACK_TIMEOUT_SECONDS} s the snapshot ends with {@code NATS/1.0 408 No Flow Response}; when nobody takes a
 * chunk, with {@code 408 No Interest}; a failure while reading, with {@code 500 <reason>}. The deliver subject gets
 * up to 2 s to gain a subscriber first. nats-server sends the end without the 204 status when the whole archive fit
 * in one chunk; here the end always carries it.
 *
 * <p>What is sent: the stream directory as it is at one instant. The store's blocks and indexes are copied under
 * the store's read lock ({@link FileStore#copyTo}: writers wait for the copy, readers do not) into
 * {@code <account>/__snapshots__/snap-<id>/}, with the stream's other files ({@code meta.json}, {@code meta.sum},
 * consumer state under {@code obs/} unless {@code no_consumers}), and the archive is written from that copy as the
 * client acknowledges; the copy is deleted at the end, and leftovers of a crash at the next start. So a snapshot
 * needs free disk for one more copy of the stream, and an account runs at most {@value #RUNNING_MAX} at once.
 * With {@code jsck} every message's checksum is verified first and a stream with damaged messages is not
 * snapshotted. Memory streams are refused, as nats-server refuses them
 * ({@code snapshot failed}).
 *
 * <p>Threads: the request is checked on the JetStream thread; the rest (check, copy, answer, sending) runs on a
 * virtual thread of its own per snapshot, which blocks waiting for acks. Acks arrive on the acker's thread and only
 * release window room. {@link #close} ends every running snapshot (server shutdown).
 */
final class StreamSnapshot {
    private static final Logger LOG = LoggerFactory.getLogger(StreamSnapshot.class);

    static final String RESPONSE_TYPE = "io.nats.jetstream.api.v1.stream_snapshot_response";
    /** Where snapshots and restores stage their files, under the account's directory (nats-server's name). */
    static final String STAGING_DIR = "__snapshots__";
    /** The stream directory's consumer state, left out with {@code no_consumers} (nats-server's name). */
    static final String CONSUMERS_DIR = "obs";

    static final int CHUNK_DEFAULT = 128 * 1024;
    static final int CHUNK_MIN = 1024;
    static final int CHUNK_MAX = 1024 * 1024;
    static final int WINDOW_DEFAULT = 8 * 1024 * 1024;
    static final int WINDOW_MIN = 1024;
    static final int WINDOW_MAX = 32 * 1024 * 1024;
    static final int ACK_TIMEOUT_SECONDS = 5;
    private static final Duration INTEREST_WAIT = Duration.ofSeconds(2);
    /** Most snapshots running at once in one account: each holds a copy of its stream on disk. */
    static final int RUNNING_MAX = 4;

    private static final SecureRandom IDS = new SecureRandom();
    private static final char[] ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
            .toCharArray();

    private final JsAccount jsa;
    private final Set<Thread> running = ConcurrentHashMap.newKeySet();

    StreamSnapshot(JsAccount jsa) {
        this.jsa = jsa;
    }

    /** The body of a snapshot request: nats-server's {@code JSApiStreamSnapshotRequest}. */
    record Request(String deliverSubject, boolean noConsumers, int chunkSize, int windowSize, boolean checkMsgs) {
        static Request parse(byte[] json) throws JsApiException {
            String[] deliver = {""};
            boolean[] noConsumers = {false};
            long[] chunk = {0};
            long[] window = {0};
            boolean[] check = {false};
            String error = GoBinder.decode(json, "JSApiStreamSnapshotRequest", b -> new GoBinder.Fields()
                    .with("deliver_subject", v -> set(b.string(v), x -> deliver[0] = x))
                    .with("no_consumers", v -> set(b.bool(v), x -> noConsumers[0] = x))
                    .with("chunk_size", v -> set(b.signed(v, 64, "int"), x -> chunk[0] = x))
                    .with("window_size", v -> set(b.signed(v, 64, "int"), x -> window[0] = x))
                    .with("jsck", v -> set(b.bool(v), x -> check[0] = x)));
            if (error != null) {
                throw new JsApiException(JsErrors.invalidJSON(error));
            }
            int c = chunk[0] == 0 ? CHUNK_DEFAULT : (int) Math.min(CHUNK_MAX, Math.max(CHUNK_MIN, chunk[0]));
            int w = window[0] == 0 ? WINDOW_DEFAULT : (int) Math.min(WINDOW_MAX, Math.max(WINDOW_MIN, window[0]));
            return new Request(deliver[0], noConsumers[0], c, Math.max(w, c), check[0]);
        }

        private static <T> void set(T value, java.util.function.Consumer<T> setter) {
            if (value != null) {
                setter.accept(value);
            }
        }
    }

    /** nats-server's {@code JSApiStreamSnapshotResponse}: the stream's configuration and state as snapshotted. */
    @JsonPropertyOrder({"type", "error", "config", "state"})
    record Response(
            @JsonProperty("type") String type,
            @JsonProperty("error") @JsonInclude(Include.NON_NULL) JsApiError error,
            @JsonProperty("config") @JsonInclude(Include.NON_NULL) StreamConfig config,
            @JsonProperty("state") @JsonInclude(Include.NON_NULL) StreamInfo.StreamState state) {

        static Response of(StreamConfig config, StreamInfo.StreamState state) {
            return new Response(RESPONSE_TYPE, null, config, state);
        }

        static Response failed(JsApiError error) {
            return new Response(RESPONSE_TYPE, error, null, null);
        }
    }

    /**
     * Checks a snapshot request and starts the snapshot (JetStream thread). Returns null: the answer is sent by the
     * snapshot's thread once the copy is made.
     *
     * @throws JsApiException the request's error answer: bad request, invalid JSON, stream not found, deliver
     *                        subject not valid, snapshot failed (a memory stream)
     */
    Object start(String name, byte[] body, String reply) throws JsApiException {
        if (JsApi.isEmptyRequest(body)) {
            throw new JsApiException(JsErrors.badRequest());
        }
        Stream s = jsa.stream(name);
        if (s == null) {
            throw new JsApiException(JsErrors.streamNotFound());
        }
        Request request = Request.parse(body);
        if (!Subjects.isValidPublishSubject(request.deliverSubject())) {
            throw new JsApiException(JsErrors.get("JSSnapshotDeliverSubjectInvalidErr"));
        }
        if (!(s.store() instanceof FileStore)) {
            throw new JsApiException(snapshotFailed("memory streams do not support snapshots"));
        }
        if (running.size() >= RUNNING_MAX) {
            throw new JsApiException(snapshotFailed("too many snapshots in progress (at most " + RUNNING_MAX + ")"));
        }
        Thread t = Thread.ofVirtual().name("natrix-snapshot-" + name).unstarted(() -> run(s, request, reply));
        running.add(t);
        t.start();
        return null;
    }

    /** Ends every running snapshot (their clients get {@code 500} or nothing) and waits a moment for them. */
    void close() {
        for (Thread t : running) {
            t.interrupt();
        }
        for (Thread t : running) {
            try {
                t.join(Duration.ofSeconds(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Deletes what snapshots and restores left in {@code accountDir} when the server stopped in their middle. */
    static void removeLeftovers(Path accountDir) {
        Path staging = accountDir.resolve(STAGING_DIR);
        try {
            AtomicFiles.deleteTree(staging);
        } catch (IOException e) {
            LOG.warn("Could not delete the snapshot leftovers in {}: {}", staging, e.toString());
        }
    }

    /** A new random id of 22 letters and digits for staging directories and subjects. */
    static String newId() {
        char[] id = new char[22];
        for (int i = 0; i < id.length; i++) {
            id[i] = ALPHABET[IDS.nextInt(ALPHABET.length)];
        }
        return new String(id);
    }

    static JsApiError snapshotFailed(String why) {
        return JsErrors.get("JSStreamSnapshotErrF", Map.of("err", why));
    }

    // ---------------------------------------------------------------- the snapshot's thread

    private void run(Stream s, Request request, String reply) {
        Account account = jsa.account();
        String id = newId();
        Path staging = jsa.dir().resolve(STAGING_DIR).resolve("snap-" + id);
        Instant start = Instant.now();
        String error = null;
        try {
            StoreState state;
            try {
                if (request.checkMsgs()) {
                    checkMessages(s);
                }
                state = stage(s, staging, request.noConsumers());
            } catch (IOException | JsApiException | RuntimeException e) {
                JsApiError failure = e instanceof JsApiException j ? j.error() : snapshotFailed(String.valueOf(
                        e.getMessage()));
                LOG.warn("Snapshot of stream '{} > {}' failed: {}", account, s.name(), failure.description());
                jsa.jetStream().reply(account, reply, Response.failed(failure));
                return;
            }
            jsa.jetStream().reply(account, reply, Response.of(s.config(), streamState(state)));
            advisory("SNAPSHOT_CREATE", s.name(), "io.nats.jetstream.advisory.v1.snapshot_create",
                    Map.of("state", streamState(state)));
            LOG.info("Starting snapshot for stream '{} > {}'", account, s.name());
            error = send(s, staging, request, id);
        } finally {
            try {
                AtomicFiles.deleteTree(staging);
            } catch (IOException e) {
                LOG.warn("Could not delete snapshot copy {}: {}", staging, e.toString());
            }
            running.remove(Thread.currentThread());
        }
        Instant end = Instant.now();
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("start", JsAccount.RFC3339_NANO.format(start));
        extra.put("end", JsAccount.RFC3339_NANO.format(end));
        if (error != null) {
            extra.put("error", error);
            LOG.warn("Snapshot for stream '{} > {}' failed after {} ms: {}", account, s.name(),
                    Duration.between(start, end).toMillis(), error);
        } else {
            LOG.info("Completed snapshot for stream '{} > {}' in {} ms", account, s.name(),
                    Duration.between(start, end).toMillis());
        }
        advisory("SNAPSHOT_COMPLETE", s.name(), "io.nats.jetstream.advisory.v1.snapshot_complete", extra);
    }

    /** {@code jsck}: reads every message (each load verifies its checksum); damaged ones fail the snapshot. */
    private static void checkMessages(Stream s) throws IOException, JsApiException {
        StoreState before = s.store().state();
        long lostBefore = before.lost() == null ? 0 : before.lost().count();
        for (StoredMessage m = s.store().loadNext(null, 0); m != null; m = s.store().loadNext(null, m.sequence() + 1)) {
            if (Thread.currentThread().isInterrupted()) {
                throw new IOException("interrupted");
            }
        }
        StoreState after = s.store().state();
        long bad = (after.lost() == null ? 0 : after.lost().count()) - lostBefore;
        if (bad > 0) {
            throw new JsApiException(snapshotFailed("snapshot check detected " + bad + " bad messages"));
        }
    }

    /** Copies the stream directory into {@code staging}; returns the store's state at the copy. */
    private static StoreState stage(Stream s, Path staging, boolean noConsumers) throws IOException {
        FileStore store = (FileStore) s.store();
        Files.createDirectories(staging);
        StoreState state = store.copyTo(staging);
        copyRest(store.config().dir(), staging, noConsumers);
        return state;
    }

    /** The stream directory's files other than the store's: meta files, consumer state. */
    private static void copyRest(Path streamDir, Path staging, boolean noConsumers) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(streamDir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (name.equals("msgs") || name.endsWith(".tmp") || name.equals(StreamArchive.MANIFEST)
                        || (noConsumers && name.equals(CONSUMERS_DIR))) {
                    continue;
                }
                copyTree(p, staging.resolve(name));
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        if (Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(to);
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(from)) {
                for (Path p : entries) {
                    if (!p.getFileName().toString().endsWith(".tmp")) {
                        copyTree(p, to.resolve(p.getFileName().toString()));
                    }
                }
            }
        } else if (Files.isRegularFile(from, LinkOption.NOFOLLOW_LINKS)) {
            Files.copy(from, to);
        }
    }

    /** Sends the archive of {@code staging} in chunks; returns null, or why it ended early. */
    private String send(Stream s, Path staging, Request request, String id) {
        Account account = jsa.account();
        String deliver = request.deliverSubject();
        waitForInterest(account, deliver);
        String ackPrefix = "$JS.SNAPSHOT.ACK." + s.name() + "." + id;
        Semaphore window = new Semaphore(request.windowSize() / request.chunkSize());
        InternalSubscription acks = new InternalSubscription(ackPrefix + ".>", null) {
            @Override
            protected boolean onMessage(Message m) {
                window.release();
                return true;
            }
        };
        account.index().insert(acks);
        String end = "NATS/1.0 204\r\n\r\n";
        String error = null;
        Chunker chunker = new Chunker(account, deliver, ackPrefix, request.chunkSize(), window);
        try {
            StreamArchive.Writer archive = new StreamArchive.Writer(chunker);
            for (String path : files(staging)) {
                archive.add(path, staging.resolve(path));
            }
            archive.finish();
            chunker.finish();
        } catch (FlowException e) {
            end = "NATS/1.0 408 " + e.getMessage() + "\r\n\r\n";
            error = e.getMessage();
        } catch (IOException | RuntimeException e) {
            error = String.valueOf(e.getMessage()).replaceAll("[\r\n]+", " ");
            end = "NATS/1.0 500 " + error + "\r\n\r\n";
        } finally {
            account.index().remove(acks);
        }
        Router.publish(account, deliver, null, end.getBytes(StandardCharsets.UTF_8), new byte[0]);
        return error;
    }

    /** Gives the deliver subject up to 2 s to gain a subscriber (nats-server's grace); goes on either way. */
    private static void waitForInterest(Account account, String subject) {
        long deadline = System.nanoTime() + INTEREST_WAIT.toNanos();
        while (account.index().match(subject).isEmpty() && System.nanoTime() < deadline
                && !Thread.currentThread().isInterrupted()) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    /** The relative paths of every file under {@code root}, meta files first, then sorted. */
    private static List<String> files(Path root) throws IOException {
        List<String> out = new ArrayList<>();
        try (var walk = Files.walk(root)) {
            walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .sorted((a, b) -> {
                        boolean ma = a.startsWith("meta.");
                        boolean mb = b.startsWith("meta.");
                        return ma != mb ? (ma ? -1 : 1) : a.compareTo(b);
                    })
                    .forEach(out::add);
        }
        return out;
    }

    private static StreamInfo.StreamState streamState(StoreState s) {
        return new StreamInfo.StreamState(s.msgs(), s.bytes(), s.firstSeq(), time(s.firstTimeNanos()), s.lastSeq(),
                time(s.lastTimeNanos()), s.numSubjects(), Map.of(), s.numDeleted(), List.of(), s.lost() == null ? null
                : new StreamInfo.LostData(s.lost().sequences(), s.lost().bytes()), 0);
    }

    private static Instant time(long nanos) {
        return nanos == 0 ? GoTime.ZERO : Instant.ofEpochSecond(0, nanos);
    }

    private void advisory(String event, String stream, String type, Map<String, Object> extra) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        m.put("id", newId());
        m.put("timestamp", JsAccount.RFC3339_NANO.format(Instant.now()));
        m.put("stream", stream);
        m.putAll(extra);
        String domain = jsa.jetStream().config().domain();
        if (!domain.isEmpty()) {
            m.put("domain", domain);
        }
        jsa.jetStream().reply(jsa.account(), "$JS.EVENT.ADVISORY.STREAM." + event + "." + stream, m);
    }

    /** The flow control gave up: no ack in time, or nobody listening. */
    private static final class FlowException extends IOException {
        private static final long serialVersionUID = 1L;

        FlowException(String message) {
            super(message);
        }
    }

    /**
     * Cuts what the archive writer writes into chunks and publishes each full one with an ack reply, once the window
     * has room for it; {@link #finish} sends the rest without one.
     */
    private static final class Chunker extends OutputStream {
        private final Account account;
        private final String deliver;
        private final String ackPrefix;
        private final Semaphore window;
        private final byte[] chunk;
        private int filled;
        private long index = 1;

        Chunker(Account account, String deliver, String ackPrefix, int chunkSize, Semaphore window) {
            this.account = account;
            this.deliver = deliver;
            this.ackPrefix = ackPrefix;
            this.window = window;
            this.chunk = new byte[chunkSize];
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                int n = Math.min(len, chunk.length - filled);
                System.arraycopy(b, off, chunk, filled, n);
                filled += n;
                off += n;
                len -= n;
                if (filled == chunk.length) {
                    sendFull();
                }
            }
        }

        private void sendFull() throws IOException {
            try {
                if (!window.tryAcquire(ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    throw new FlowException("No Flow Response");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("server shutting down");
            }
            String reply = ackPrefix + "." + filled + "." + index++;
            if (!Router.publish(account, deliver, reply, null, chunk.clone())) {
                throw new FlowException("No Interest");
            }
            filled = 0;
        }

        void finish() throws IOException {
            if (filled > 0 && !Router.publish(account, deliver, null, null, java.util.Arrays.copyOf(chunk, filled))) {
                throw new FlowException("No Interest");
            }
            filled = 0;
        }
    }
}
