package io.natrix.server.jetstream;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.natrix.server.account.Account;
import io.natrix.server.client.ClientConnection;
import io.natrix.server.client.Router;
import io.natrix.server.store.StoreState;
import io.natrix.server.store.StoredMessage;
import io.natrix.server.subject.Subjects;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JetStream in one account: its streams and its API ({@code $JS.API.>}, and {@code $JS.<domain>.API.>} with a
 * domain). Requests are handled one at a time on the JetStream thread ({@link JetStream}); answers go to the
 * request's reply subject in the account.
 *
 * <p>File streams survive restarts: each has a directory {@code <account dir>/streams/<name>/} holding its store
 * ({@code msgs/}) and its configuration:
 * <pre>
 *   meta.json   {"config": {...stream configuration...}, "created": "RFC 3339 time"}
 *   meta.sum    CRC-32C of meta.json, 8 hex digits; a stream whose sum does not match is not loaded (and reported)
 * </pre>
 * meta.json is written to a temporary file, synced, then renamed over the old one, so a crash leaves the old or the
 * new configuration, never half of one.
 *
 * <p>Thread-safety: the stream map is guarded by this object; API requests run on the JetStream thread, except pull
 * requests and direct gets ({@link DirectGet}), which run on the requester's thread; streams ingest on publishers'
 * threads under their own locks.
 */
final class JsAccount {
    private static final Logger LOG = LoggerFactory.getLogger(JsAccount.class);
    static final DateTimeFormatter RFC3339_NANO =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.nnnnnnnnn'Z'").withZone(ZoneOffset.UTC);

    /** What meta.json holds. */
    record StreamMeta(@JsonProperty("config") StreamConfig config, @JsonProperty("created") Instant created) {
    }

    private final JetStream js;
    private final Account account;
    private final Path dir;
    private volatile JsAccountLimits limits;
    private final StorageQuota quota;
    private final TreeMap<String, Stream> streams = new TreeMap<>();
    private final AtomicLong apiTotal = new AtomicLong();
    private final AtomicLong apiErrors = new AtomicLong();
    private final ConsumerRequests consumers;
    private final DirectGet direct;
    private final StreamSnapshot snapshots = new StreamSnapshot(this);
    private final StreamRestore restores = new StreamRestore(this);

    JsAccount(JetStream js, Account account, Path dir, JsAccountLimits limits) {
        this.js = js;
        this.account = account;
        this.dir = dir;
        this.limits = limits;
        this.quota = js.storage().account(limits);
        this.consumers = new ConsumerRequests(js, this);
        this.direct = new DirectGet(this);
    }

    /** Where the stream {@code name} keeps its files. */
    Path streamDir(String name) {
        return dir.resolve("streams").resolve(name);
    }

    /** {@code CONSUMER.MSG.NEXT.<stream>.<consumer>}, on the requester's thread. */
    void nextRequest(String op, String reply, byte[] body) {
        consumers.next(op, reply, body);
    }

    /** {@code DIRECT.GET.<stream>[.<subject>]}, on the requester's thread ({@link DirectGet}). */
    void directGet(String op, String reply, byte[] headers, byte[] body) {
        try {
            direct.handle(op, reply, headers, body);
        } catch (RuntimeException e) {
            LOG.error("JetStream direct get {} in account {} failed", op, account, e);
        }
    }

    Account account() {
        return account;
    }

    JsAccountLimits limits() {
        return limits;
    }

    /** New limits (an account JWT update): later requests and stores are checked against them. */
    void limits(JsAccountLimits next) {
        quota.ceilings(next);
        limits = next;
    }

    JetStream jetStream() {
        return js;
    }

    /** The account's directory in the store ({@code <store>/<account>}). */
    Path dir() {
        return dir;
    }

    // ---------------------------------------------------------------- lifecycle

    /** Loads the file streams kept on disk. */
    void recover() {
        StreamSnapshot.removeLeftovers(dir);
        Path root = dir.resolve("streams");
        if (!Files.isDirectory(root)) {
            return;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path d : dirs) {
                try {
                    StreamMeta meta = readMeta(d);
                    if (meta == null) {
                        continue;
                    }
                    Stream s = new Stream(account, js.config().domain(), meta.config(),
                            js.openStore(meta.config(), d), meta.created(), quota, js.groupCommit());
                    synchronized (this) {
                        streams.put(meta.config().name(), s);
                    }
                    consumers.recover(s, d);
                    LOG.info("  Restored {} messages for stream '{} > {}'", s.store().state().msgs(), account,
                            meta.config().name());
                } catch (IOException | RuntimeException e) {
                    LOG.error("Could not restore stream in {}: {}", d, e.toString());
                }
            }
        } catch (IOException e) {
            LOG.error("Could not list streams of account {} in {}: {}", account, root, e.toString());
        }
        for (Stream s : streams()) {
            startSourcing(s);
        }
    }

    /** Starts (or restarts, after an update) copying into {@code s} from its mirror's or sources' origins. */
    private void startSourcing(Stream s) {
        StreamSourcing.start(s, this::stream, js.sourcingExecutor(), js.config().domain());
    }

    /** Lets every mirror and sourcing stream look for its origins again (one was created or deleted). */
    private void wakeSourcing() {
        for (Stream s : streams()) {
            StreamSourcing sourcing = s.sourcing();
            if (sourcing != null) {
                sourcing.wake();
            }
        }
    }

    static StreamMeta readMeta(Path d) throws IOException {
        Path meta = d.resolve("meta.json");
        Path sum = d.resolve("meta.sum");
        if (!Files.exists(meta)) {
            return null;
        }
        byte[] json = Files.readAllBytes(meta);
        String expected = Files.exists(sum) ? Files.readString(sum).trim() : "";
        if (!expected.equals(AtomicFiles.crcHex(json))) {
            LOG.error("Stream metadata in {} fails its checksum; the stream is not loaded", d);
            return null;
        }
        return JsJson.read(json, StreamMeta.class);
    }

    private static void writeMeta(Path d, StreamMeta meta) throws IOException {
        Files.createDirectories(d);
        byte[] json = JsJson.write(meta);
        AtomicFiles.write(d.resolve("meta.json"), json, true);
        AtomicFiles.write(d.resolve("meta.sum"), AtomicFiles.crcHex(json).getBytes(StandardCharsets.US_ASCII), true);
    }

    /** Stops every stream (data kept): ends running snapshots and restores and copying into streams first. */
    void stop() {
        snapshots.close();
        restores.close();
        for (Stream s : streams()) {
            StreamSourcing.stop(s);
        }
        stopStreams();
        quota.release();
    }

    private synchronized void stopStreams() {
        for (Stream s : streams.values()) {
            try {
                s.stop();
            } catch (IOException e) {
                LOG.error("Stream {} in account {} did not close cleanly: {}", s.name(), account, e.toString());
            }
        }
        streams.clear();
    }

    synchronized List<Stream> streams() {
        return new ArrayList<>(streams.values());
    }

    synchronized Stream stream(String name) {
        return streams.get(name);
    }

    /** How far behind its origin a {@code mirror_direct} mirror may be and still answer its direct gets. */
    static final long MIRROR_DIRECT_CAUGHT_UP = 10;

    /**
     * A local mirror of {@code origin} with {@code mirror_direct} that has caught up with it (its last known lag
     * below {@link #MIRROR_DIRECT_CAUGHT_UP}), to answer the origin's direct gets; null when there is none.
     */
    synchronized Stream mirrorDirectFor(String origin) {
        for (Stream s : streams.values()) {
            StreamConfig c = s.config();
            if (c.mirrorDirect() && c.mirror() != null && c.mirror().external() == null
                    && c.mirror().name().equals(origin)) {
                StreamSourcing sourcing = s.sourcing();
                StreamInfo.SourceInfo info = sourcing == null ? null : sourcing.mirrorInfo();
                if (info != null && info.lag() < MIRROR_DIRECT_CAUGHT_UP) {
                    return s;
                }
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- advisories

    /**
     * {@code $JS.EVENT.ADVISORY.STREAM.CREATED|UPDATED|DELETED.<stream>}: nats-server's stream action advisory
     * ({@code io.nats.jetstream.advisory.v1.stream_action}), published in the account.
     */
    private void streamAdvisory(String event, String stream, String action) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("type", "io.nats.jetstream.advisory.v1.stream_action");
        m.put("id", java.util.UUID.randomUUID().toString().replace("-", ""));
        m.put("timestamp", RFC3339_NANO.format(Instant.now()));
        m.put("stream", stream);
        m.put("action", action);
        if (!js.config().domain().isEmpty()) {
            m.put("domain", js.config().domain());
        }
        js.reply(account, "$JS.EVENT.ADVISORY.STREAM." + event + "." + stream, m);
    }

    // ---------------------------------------------------------------- API (JetStream thread)

    /**
     * Handles one API request; {@code op} is the subject after {@code $JS.API.} (e.g. {@code STREAM.INFO.orders}),
     * {@code requester} the connection that sent it (null: the server); each answer is audited ({@link JsApiAudit}).
     */
    void handle(String op, String reply, byte[] headers, byte[] body, ClientConnection requester) {
        apiTotal.incrementAndGet();
        if (reply == null || reply.isEmpty()) {
            return; // nats-server ignores requests nobody can be answered on
        }
        String[] t = op.split("\\.", -1);
        Object answer;
        try {
            answer = dispatch(t, body, headers, reply);
        } catch (JsApiException e) {
            apiErrors.incrementAndGet();
            answer = failure(t, e.error());
        } catch (IOException | RuntimeException e) {
            LOG.error("JetStream API {} in account {} failed", op, account, e);
            apiErrors.incrementAndGet();
            answer = failure(t, JsErrors.get("JSStreamGeneralErrorF", Map.of("err", String.valueOf(e.getMessage()))));
        }
        if (answer != null) {
            byte[] response = JsJson.write(answer);
            Router.publish(account, reply, null, null, response);
            JsApiAudit.answered(js, account, op, body, response, requester);
        }
    }

    private Object dispatch(String[] t, byte[] body, byte[] headers, String reply)
            throws JsApiException, IOException {
        String op = t.length >= 2 ? t[0] + "." + t[1] : t[0];
        switch (t[0]) {
            case "INFO" -> {
                return JsApi.AccountInfoResponse.of(info());
            }
            case "STREAM" -> {
                if (t.length >= 3 && t[1].equals("MSG") && t.length == 4) {
                    return t[2].equals("GET") ? msgGet(streamOrFail(t[3]), body)
                            : t[2].equals("DELETE") ? msgDelete(streamOrFail(t[3]), body) : badRequest();
                }
                switch (op) {
                    case "STREAM.CREATE" -> {
                        return create(name(t), body);
                    }
                    case "STREAM.UPDATE" -> {
                        return update(name(t), body);
                    }
                    case "STREAM.INFO" -> {
                        Stream s = streamOrFail(name(t));
                        return JsApi.StreamInfoResponse.of(s.info(body.length == 0 ? null
                                : JsApi.StreamInfoRequest.parse(body)), 0, 0, 0);
                    }
                    case "STREAM.DELETE" -> {
                        return delete(name(t));
                    }
                    case "STREAM.PURGE" -> {
                        return purge(name(t), body);
                    }
                    case "STREAM.NAMES" -> {
                        return names(body.length == 0 ? new JsApi.StreamNamesRequest(0, null)
                                : JsApi.StreamNamesRequest.parse(body));
                    }
                    case "STREAM.LIST" -> {
                        return list(body.length == 0 ? new JsApi.StreamListRequest(0, null)
                                : JsApi.StreamListRequest.parse(body));
                    }
                    case "STREAM.SNAPSHOT" -> {
                        return snapshots.start(name(t), body, reply);
                    }
                    case "STREAM.RESTORE" -> {
                        return restores.start(name(t), body);
                    }
                    default -> {
                        return badRequest();
                    }
                }
            }
            case "DIRECT" -> {
                if (t.length >= 3 && t[1].equals("GET")) {
                    direct.handle(String.join(".", t), reply, headers, body);
                    return null;
                }
                return badRequest();
            }
            case "CONSUMER" -> {
                return consumers.dispatch(t, body);
            }
            default -> {
                return badRequest();
            }
        }
    }

    private static Object badRequest() throws JsApiException {
        throw new JsApiException(JsErrors.badRequest());
    }

    private static String name(String[] t) throws JsApiException {
        if (t.length != 3 || t[2].isEmpty()) {
            throw new JsApiException(JsErrors.badRequest());
        }
        return t[2];
    }

    private Stream streamOrFail(String name) throws JsApiException {
        Stream s = stream(name);
        if (s == null) {
            throw new JsApiException(JsErrors.streamNotFound());
        }
        return s;
    }

    private Object failure(String[] t, JsApiError error) {
        String op = t.length >= 2 ? t[0] + "." + t[1] : t[0];
        if (t[0].equals("CONSUMER")) {
            return ConsumerRequests.failure(t, error);
        }
        if (t.length >= 3 && t[0].equals("STREAM") && t[1].equals("MSG")) {
            return t[2].equals("GET") ? JsApi.MsgGetResponse.failed(error) : JsApi.MsgDeleteResponse.failed(error);
        }
        return switch (op) {
            case "INFO" -> JsApi.AccountInfoResponse.failed(error);
            case "STREAM.CREATE" -> JsApi.StreamCreateResponse.failed(error);
            case "STREAM.UPDATE" -> JsApi.StreamUpdateResponse.failed(error);
            case "STREAM.INFO" -> JsApi.StreamInfoResponse.failed(error);
            case "STREAM.DELETE" -> JsApi.StreamDeleteResponse.failed(error);
            case "STREAM.PURGE" -> JsApi.StreamPurgeResponse.failed(error);
            case "STREAM.NAMES" -> JsApi.StreamNamesResponse.failed(error);
            case "STREAM.LIST" -> JsApi.StreamListResponse.failed(error);
            case "STREAM.SNAPSHOT" -> StreamSnapshot.Response.failed(error);
            case "STREAM.RESTORE" -> StreamRestore.Response.failed(error);
            default -> JsApi.StreamInfoResponse.failed(error);
        };
    }

    AccountInfo info() {
        long memory = 0;
        long storage = 0;
        List<Stream> all = streams();
        for (Stream s : all) {
            long bytes = s.store().state().bytes();
            if (s.config().storage() == StorageType.MEMORY) {
                memory += bytes;
            } else {
                storage += bytes;
            }
        }
        int consumers = 0;
        for (Stream s : all) {
            consumers += s.publicConsumers().size();
        }
        return new AccountInfo(memory, storage, 0L, 0L, all.size(), consumers, limits, js.config().domain(),
                new AccountInfo.ApiStats(JsVersioning.API_LEVEL, apiTotal.get(), apiErrors.get(), 0), Map.of());
    }

    private StreamConfigs.Lookup lookup() {
        return name -> {
            Stream s = stream(name);
            return s == null ? null : s.config();
        };
    }

    private Object create(String name, byte[] body) throws JsApiException, IOException {
        StreamConfigRequest request = StreamConfigRequest.parse(body);
        StreamConfig requested = request.config();
        if (!requested.name().isEmpty() && !requested.name().equals(name)) {
            throw new JsApiException(JsErrors.streamMismatch());
        }
        if (requested.name().isEmpty()) {
            requested = requested.toBuilder().name(name).build();
        }
        StreamConfig config = StreamConfigs.checkCreate(requested, request.pedantic(), js.serverLimits(), limits,
                lookup());
        synchronized (this) {
            Stream existing = streams.get(name);
            if (existing != null) {
                if (existing.config().equals(config)) {
                    return JsApi.StreamCreateResponse.of(existing.info(null), false);
                }
                throw new JsApiException(JsErrors.streamNameInUse());
            }
            List<StreamConfig> others = new ArrayList<>();
            streams.values().forEach(s -> others.add(s.config()));
            StreamConfigs.checkNoOverlap(config, others);
            if (limits.maxStreams() > 0 && streams.size() >= limits.maxStreams()) {
                throw new JsApiException(JsErrors.maximumStreamsLimit());
            }
            checkReservation(config);
            Instant created = Instant.now();
            Path d = dir.resolve("streams").resolve(name);
            if (config.storage() == StorageType.FILE) {
                writeMeta(d, new StreamMeta(config, created));
            }
            Stream s = new Stream(account, js.config().domain(), config, js.openStore(config, d), created, quota,
                    js.groupCommit());
            streams.put(name, s);
            startSourcing(s);
            wakeSourcing();
            streamAdvisory("CREATED", name, "create");
            return JsApi.StreamCreateResponse.of(s.info(null), true);
        }
    }

    /**
     * Checks a restore's configuration as a create would, and that no stream has its name yet: the configuration
     * with nats-server's defaults applied.
     */
    StreamConfig checkRestore(StreamConfig requested) throws JsApiException {
        StreamConfig config = StreamConfigs.checkCreate(requested, false, js.serverLimits(), limits, lookup());
        synchronized (this) {
            checkRestorable(config);
        }
        return config;
    }

    private void checkRestorable(StreamConfig config) throws JsApiException {
        if (streams.containsKey(config.name())) {
            throw new JsApiException(JsErrors.get("JSStreamNameExistRestoreFailedErr"));
        }
        List<StreamConfig> others = new ArrayList<>();
        streams.values().forEach(s -> others.add(s.config()));
        StreamConfigs.checkNoOverlap(config, others);
        if (limits.maxStreams() > 0 && streams.size() >= limits.maxStreams()) {
            throw new JsApiException(JsErrors.maximumStreamsLimit());
        }
        checkReservation(config);
    }

    /**
     * Adds a file stream whose directory a restore filled ({@code prepared}), moving it into place; the checks of
     * {@link #checkRestore} are made again under the stream map's lock. Called on the restore's own thread.
     */
    synchronized Stream addRestored(StreamConfig config, Instant created, Path prepared)
            throws JsApiException, IOException {
        checkRestorable(config);
        Path d = dir.resolve("streams").resolve(config.name());
        AtomicFiles.deleteTree(d);
        Files.createDirectories(d.getParent());
        Files.move(prepared, d, StandardCopyOption.ATOMIC_MOVE);
        try {
            writeMeta(d, new StreamMeta(config, created));
            Stream s = new Stream(account, js.config().domain(), config, js.openStore(config, d), created, quota,
                    js.groupCommit());
            streams.put(config.name(), s);
            consumers.recover(s, d);
            return s;
        } catch (IOException | RuntimeException e) {
            AtomicFiles.deleteTree(d);
            throw e;
        }
    }

    /**
     * Refuses a stream whose {@code max_bytes} does not fit in what the account may still use of its storage type,
     * counting the other streams' reservations (their {@code max_bytes}, or their current size when unbounded), as
     * nats-server reserves: {@code insufficient resources} (503 10023).
     */
    private void checkReservation(StreamConfig config) throws JsApiException {
        long limit = config.storage() == StorageType.MEMORY ? limits.maxMemory() : limits.maxStorage();
        long server = config.storage() == StorageType.MEMORY ? js.config().maxMemory() : js.config().maxFile();
        long used = 0;
        for (Stream s : streams.values()) {
            if (s.config().storage() == config.storage()) {
                used += s.config().maxBytes() > 0 ? s.config().maxBytes() : s.store().state().bytes();
            }
        }
        long wanted = Math.max(0, config.maxBytes());
        if ((limit > 0 && used + wanted > limit) || (server > 0 && used + wanted > server)) {
            throw new JsApiException(JsErrors.get("JSInsufficientResourcesErr"));
        }
    }

    private Object update(String name, byte[] body) throws JsApiException, IOException {
        StreamConfigRequest request = StreamConfigRequest.parse(body);
        Stream s = streamOrFail(name);
        StreamConfig requested = request.config();
        if (!requested.name().isEmpty() && !requested.name().equals(name)) {
            throw new JsApiException(JsErrors.streamMismatch());
        }
        StreamConfig config = StreamConfigs.checkUpdate(s.config(), requested, request.pedantic(),
                js.serverLimits(), limits, lookup());
        synchronized (this) {
            List<StreamConfig> others = new ArrayList<>();
            streams.values().stream().filter(o -> o != s).forEach(o -> others.add(o.config()));
            StreamConfigs.checkNoOverlap(config, others);
            if (config.storage() == StorageType.FILE) {
                writeMeta(dir.resolve("streams").resolve(name), new StreamMeta(config, s.created()));
            }
            s.update(config);
        }
        startSourcing(s);
        streamAdvisory("UPDATED", name, "modify");
        return JsApi.StreamUpdateResponse.of(s.info(null));
    }

    private Object delete(String name) throws JsApiException, IOException {
        Stream s;
        synchronized (this) {
            s = streams.remove(name);
        }
        if (s == null) {
            throw new JsApiException(JsErrors.streamNotFound());
        }
        StreamSourcing.stop(s);
        s.delete();
        wakeSourcing();
        Path d = dir.resolve("streams").resolve(name);
        AtomicFiles.deleteTree(d);
        streamAdvisory("DELETED", name, "delete");
        return JsApi.StreamDeleteResponse.ok();
    }

    private Object purge(String name, byte[] body) throws JsApiException, IOException {
        Stream s = streamOrFail(name);
        if (s.config().denyPurge()) {
            throw new JsApiException(JsErrors.get("JSStreamPurgeFailedF", Map.of("err", "stream purge not permitted")));
        }
        JsApi.StreamPurgeRequest r = body.length == 0 ? null : JsApi.StreamPurgeRequest.parse(body);
        long purged;
        if (r == null) {
            purged = s.store().purge(null, 0, 0);
        } else {
            purged = s.store().purge(r.filter() == null || r.filter().isEmpty() ? null : r.filter(), r.seq(),
                    r.keep());
        }
        if (purged > 0) {
            s.changed();
        }
        return JsApi.StreamPurgeResponse.of(purged);
    }

    private Object names(JsApi.StreamNamesRequest r) {
        List<String> names = new ArrayList<>();
        for (Stream s : streams()) {
            if (matchesSubjectFilter(s, r.subject())) {
                names.add(s.name());
            }
        }
        int offset = Math.max(0, Math.min(r.offset(), names.size()));
        List<String> page = names.subList(offset, Math.min(names.size(), offset + JsApi.NAMES_LIMIT));
        return JsApi.StreamNamesResponse.of(new ArrayList<>(page), names.size(), offset);
    }

    private Object list(JsApi.StreamListRequest r) {
        List<Stream> matching = new ArrayList<>();
        for (Stream s : streams()) {
            if (matchesSubjectFilter(s, r.subject())) {
                matching.add(s);
            }
        }
        int offset = Math.max(0, Math.min(r.offset(), matching.size()));
        List<StreamInfo> page = new ArrayList<>();
        for (Stream s : matching.subList(offset, Math.min(matching.size(), offset + JsApi.LIST_LIMIT))) {
            page.add(s.info(null));
        }
        return JsApi.StreamListResponse.of(page, matching.size(), offset);
    }

    private static boolean matchesSubjectFilter(Stream s, String filter) {
        if (filter == null || filter.isEmpty()) {
            return true;
        }
        for (String subject : s.config().subjects()) {
            if (Subjects.intersect(subject, filter)) {
                return true;
            }
        }
        return false;
    }

    private Object msgGet(Stream s, byte[] body) throws JsApiException, IOException {
        JsApi.MsgGetRequest r = JsApi.MsgGetRequest.parse(body);
        StoredMessage m = find(s, r);
        if (m == null) {
            throw new JsApiException(JsErrors.noMessageFound());
        }
        return JsApi.MsgGetResponse.of(new JsApi.StoredMsg(m.subject(), m.sequence(), m.headers(), m.payload(),
                Instant.ofEpochSecond(0, m.timestampNanos())));
    }

    private static StoredMessage find(Stream s, JsApi.MsgGetRequest r) throws IOException {
        if (r.lastBySubj() != null && !r.lastBySubj().isEmpty()) {
            return s.store().loadLast(r.lastBySubj());
        }
        if (r.nextBySubj() != null && !r.nextBySubj().isEmpty()) {
            return s.store().loadNext(r.nextBySubj(), Math.max(1, r.seq()));
        }
        return s.store().load(r.seq());
    }

    private Object msgDelete(Stream s, byte[] body) throws JsApiException, IOException {
        if (s.config().denyDelete()) {
            throw new JsApiException(JsErrors.get("JSStreamMsgDeleteFailedF",
                    Map.of("err", "message delete not permitted")));
        }
        JsApi.MsgDeleteRequest r = JsApi.MsgDeleteRequest.parse(body);
        if (!s.store().remove(r.seq(), !r.noErase())) {
            throw new JsApiException(JsErrors.get("JSStreamMsgDeleteFailedF",
                    Map.of("err", "no message found")));
        }
        s.changed();
        return JsApi.MsgDeleteResponse.ok();
    }

    /** Figures for /jsz and the account info. */
    StoreState state(Stream s) {
        return s.store().state();
    }
}
