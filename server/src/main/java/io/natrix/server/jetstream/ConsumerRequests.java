package io.natrix.server.jetstream;

import io.natrix.server.client.Router;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer half of an account's JetStream API: {@code CONSUMER.CREATE|DURABLE.CREATE|INFO|DELETE|NAMES|LIST|
 * PAUSE|UNPIN|RESET} (on the JetStream thread, through {@link JsAccount}) and {@code CONSUMER.MSG.NEXT} (on the
 * requester's thread, straight to the consumer). Also loads the durable consumers of a stream kept on disk.
 *
 * <p>Thread-safety: creating and deleting consumers happens on the JetStream thread only; lookups read the
 * stream's concurrent consumer list and are safe anywhere.
 */
final class ConsumerRequests {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerRequests.class);
    private static final String NAME_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final JetStream js;
    private final JsAccount jsa;

    ConsumerRequests(JetStream js, JsAccount jsa) {
        this.js = js;
        this.jsa = jsa;
    }

    // ---------------------------------------------------------------- requests

    /** Handles {@code CONSUMER.*} ({@code t} = the tokens after {@code $JS.API.}). */
    Object dispatch(String[] t, byte[] body) throws JsApiException, IOException {
        if (t.length < 2) {
            throw new JsApiException(JsErrors.badRequest());
        }
        switch (t[1]) {
            case "CREATE", "DURABLE" -> {
                if (t.length < 3 || (t[1].equals("DURABLE") && !t[2].equals("CREATE"))) {
                    throw new JsApiException(JsErrors.badRequest());
                }
                return create(t, body);
            }
            case "INFO" -> {
                Consumer c = consumerOrFail(t);
                return ConsumerApi.ConsumerInfoResponse.of(c.info());
            }
            case "DELETE" -> {
                Consumer c = consumerOrFail(t);
                delete(c, true);
                return ConsumerApi.ConsumerDeleteResponse.ok();
            }
            case "NAMES" -> {
                Stream s = streamOrFail(t, 3);
                ConsumerApi.ConsumerNamesRequest r = ConsumerApi.ConsumerNamesRequest.parse(body);
                List<String> names = new ArrayList<>();
                for (Consumer c : s.publicConsumers()) {
                    names.add(c.name());
                }
                names.sort(null);
                int offset = Math.max(0, Math.min(r.offset(), names.size()));
                List<String> page = names.subList(offset, Math.min(names.size(), offset + JsApi.NAMES_LIMIT));
                return ConsumerApi.ConsumerNamesResponse.of(new ArrayList<>(page), names.size(), offset);
            }
            case "LIST" -> {
                Stream s = streamOrFail(t, 3);
                ConsumerApi.ConsumerListRequest r = ConsumerApi.ConsumerListRequest.parse(body);
                List<Consumer> all = s.publicConsumers();
                all.sort((a, b) -> a.name().compareTo(b.name()));
                int offset = Math.max(0, Math.min(r.offset(), all.size()));
                List<ConsumerInfo> page = new ArrayList<>();
                for (Consumer c : all.subList(offset, Math.min(all.size(), offset + JsApi.LIST_LIMIT))) {
                    page.add(c.info());
                }
                return ConsumerApi.ConsumerListResponse.of(page, all.size(), offset);
            }
            case "PAUSE" -> {
                Consumer c = consumerOrFail(t);
                ConsumerApi.PauseRequest r = ConsumerApi.PauseRequest.parse(body);
                Instant until = r.pauseUntil();
                c.pause(until);
                persist(c);
                boolean paused = until != null && Instant.now().isBefore(until);
                long remaining = paused ? java.time.Duration.between(Instant.now(), until).toNanos() : 0;
                return ConsumerApi.ConsumerPauseResponse.of(paused, until, remaining);
            }
            case "UNPIN" -> {
                Consumer c = consumerOrFail(t);
                ConsumerApi.UnpinRequest r = ConsumerApi.UnpinRequest.parse(body);
                if (r.group().isEmpty() || !c.unpinGroup(r.group())) {
                    throw new JsApiException(JsErrors.get("JSConsumerInvalidPriorityGroupErr"));
                }
                return ConsumerApi.ConsumerUnpinResponse.ok();
            }
            case "RESET" -> {
                Consumer c = consumerOrFail(t);
                long at = c.reset(ConsumerApi.ResetRequest.parse(body).seq());
                return ConsumerApi.ConsumerResetResponse.of(c.info(), at);
            }
            case "LEADER" -> throw new JsApiException(JsErrors.get("JSClusterRequiredErr"));
            default -> throw new JsApiException(JsErrors.badRequest());
        }
    }

    /** The error answer of {@code CONSUMER.*} requests, in the shape of the request's response. */
    static Object failure(String[] t, JsApiError error) {
        String op = t.length >= 2 ? t[1] : "";
        return switch (op) {
            case "CREATE", "DURABLE" -> ConsumerApi.ConsumerCreateResponse.failed(error);
            case "DELETE" -> ConsumerApi.ConsumerDeleteResponse.failed(error);
            case "NAMES" -> ConsumerApi.ConsumerNamesResponse.failed(error);
            case "LIST" -> ConsumerApi.ConsumerListResponse.failed(error);
            case "PAUSE" -> ConsumerApi.ConsumerPauseResponse.failed(error);
            case "UNPIN" -> ConsumerApi.ConsumerUnpinResponse.failed(error);
            case "RESET" -> ConsumerApi.ConsumerResetResponse.failed(error);
            default -> ConsumerApi.ConsumerInfoResponse.failed(error);
        };
    }

    /**
     * {@code CONSUMER.MSG.NEXT.<stream>.<consumer>} ({@code op} without the API prefix), on the requester's thread.
     * A request for a consumer that does not exist gets the {@code 503} status a missing responder would produce.
     */
    void next(String op, String reply, byte[] body) {
        String[] t = op.split("\\.", -1);
        Consumer c = null;
        if (t.length == 5) {
            Stream s = jsa.stream(t[3]);
            c = s == null ? null : find(s, t[4]);
        }
        if (c == null) {
            if (reply != null && !reply.isEmpty()) {
                Router.publish(jsa.account(), reply, null, "NATS/1.0 503\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                        new byte[0]);
            }
            return;
        }
        c.processNextRequest(reply, body);
    }

    private Stream streamOrFail(String[] t, int length) throws JsApiException {
        if (t.length != length || t[2].isEmpty()) {
            throw new JsApiException(JsErrors.badRequest());
        }
        Stream s = jsa.stream(t[2]);
        if (s == null) {
            throw new JsApiException(JsErrors.streamNotFound());
        }
        return s;
    }

    private Consumer consumerOrFail(String[] t) throws JsApiException {
        Stream s = streamOrFail(t, 4);
        Consumer c = find(s, t[3]);
        if (c == null) {
            throw new JsApiException(JsErrors.get("JSConsumerNotFoundErr"));
        }
        return c;
    }

    static Consumer find(Stream s, String name) {
        for (Consumer c : s.consumers()) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- create

    /**
     * Creates or updates a consumer as nats-server's jsConsumerCreateRequest and addConsumerWithAction do, for a
     * request on any of the create subjects ({@code t}: the tokens after the API prefix).
     */
    private Object create(String[] t, byte[] body) throws JsApiException, IOException {
        ConsumerApi.CreateConsumerRequest req = ConsumerApi.CreateConsumerRequest.parse(body);
        ConsumerConfig requested = req.checkSubject("$JS.API." + String.join(".", t));
        String streamName = req.streamName();
        Stream stream = jsa.stream(streamName);
        if (stream == null) {
            throw new JsApiException(JsErrors.streamNotFound());
        }
        StreamConfig sc = stream.config();
        ConsumerConfig config = ConsumerConfigs.checkAndDefault(requested, sc, req.pedantic(), js.serverLimits(),
                jsa.limits());
        String name = !config.name().isEmpty() ? config.name()
                : !config.durableName().isEmpty() ? config.durableName() : generatedName(stream);
        if (config.name().isEmpty()) {
            config = config.toBuilder().name(name).build();
        }
        Consumer existing = find(stream, name);
        if (existing != null) {
            if (ConsumerConfigs.sameForCreate(config, existing.config())) {
                return ConsumerApi.ConsumerCreateResponse.of(existing.info());
            }
            if (req.action() == ConsumerAction.CREATE) {
                throw new JsApiException(JsErrors.get("JSConsumerAlreadyExists"));
            }
            ConsumerConfigs.checkUpdate(existing.config(), config);
            existing.update(config);
            persist(existing);
            return ConsumerApi.ConsumerCreateResponse.of(existing.info());
        }
        if (req.action() == ConsumerAction.UPDATE) {
            throw new JsApiException(JsErrors.get("JSConsumerDoesNotExist"));
        }
        long streamMax = sc.maxConsumers();
        if (streamMax > 0 && stream.publicConsumers().size() >= streamMax) {
            throw new JsApiException(JsErrors.maximumConsumersLimit());
        }
        long accountMax = jsa.limits().maxConsumers();
        if (accountMax > 0 && jsa.info().consumers() >= accountMax) {
            throw new JsApiException(JsErrors.maximumConsumersLimit());
        }
        ConsumerConfigs.checkNew(config, sc, filters -> checkWorkQueueFilters(stream, filters));
        Instant created = Instant.now();
        ConsumerStore store = null;
        if (keptOnDisk(sc, config)) {
            if (name.indexOf('\0') >= 0) {
                // nats-server fails to make the consumer's directory ("invalid argument"); so does this.
                throw new JsApiException(JsErrors.get("JSConsumerStoreFailedErrF", Map.of("err",
                        "consumer directory for " + name.replace("\0", "\\x00")
                                + ": invalid argument (a file name can not hold NUL)")));
            }
            store = new ConsumerStore(jsa.streamDir(streamName).resolve("obs").resolve(name), js.config().syncAlways());
            try {
                store.writeMeta(config, created);
            } catch (IOException e) {
                throw new JsApiException(JsErrors.get("JSConsumerStoreFailedErrF", Map.of("err", e.toString())));
            }
        }
        Consumer c = start(stream, name, config, created, store, null);
        actionAdvisory("CREATED", stream.name(), name, "create");
        return ConsumerApi.ConsumerCreateResponse.of(c.info());
    }

    private static boolean keptOnDisk(StreamConfig sc, ConsumerConfig config) {
        return sc.storage() == StorageType.FILE && !config.memStorage() && config.isDurable();
    }

    private Consumer start(Stream stream, String name, ConsumerConfig config, Instant created, ConsumerStore store,
                           ConsumerState recovered) throws IOException {
        Consumer[] self = new Consumer[1];
        Consumer c = new Consumer(js, stream, name, config, created, store, recovered, () -> {
            Consumer gone = self[0];
            if (gone != null && find(gone.stream(), gone.name()) == gone) {
                try {
                    delete(gone, true);
                } catch (IOException e) {
                    LOG.error("Could not delete inactive consumer '{} > {} > {}': {}", jsa.account(),
                            gone.stream().name(), gone.name(), e.toString());
                }
            }
        });
        self[0] = c;
        stream.addConsumer(c);
        c.signal();
        return c;
    }

    /**
     * Work-queue streams take at most one consumer for any subject (nats-server's partitionUnique): a new consumer's
     * filters may not overlap another's, and an unfiltered one may not join others.
     */
    private static void checkWorkQueueFilters(Stream stream, List<String> mine) throws JsApiException {
        if (stream.consumers().isEmpty()) {
            return;
        }
        if (mine.isEmpty()) {
            throw new JsApiException(JsErrors.get("JSConsumerWQMultipleUnfilteredErr"));
        }
        for (Consumer other : stream.consumers()) {
            List<String> theirs = other.config().filters();
            if (theirs.isEmpty()) {
                throw new JsApiException(JsErrors.get("JSConsumerWQConsumerNotUniqueErr"));
            }
            for (String a : mine) {
                for (String b : theirs) {
                    if (io.natrix.server.subject.Subjects.intersect(a, b)) {
                        throw new JsApiException(JsErrors.get("JSConsumerWQConsumerNotUniqueErr"));
                    }
                }
            }
        }
    }

    /** A fresh ephemeral name: 8 random letters and digits, not in use on the stream. */
    private static String generatedName(Stream stream) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (;;) {
            StringBuilder sb = new StringBuilder(8);
            for (int i = 0; i < 8; i++) {
                sb.append(NAME_CHARS.charAt(r.nextInt(NAME_CHARS.length())));
            }
            if (find(stream, sb.toString()) == null) {
                return sb.toString();
            }
        }
    }

    /** Deletes a consumer (API or inactivity); the stream drops what only it still held (interest). */
    void delete(Consumer c, boolean advisory) throws IOException {
        c.stream().removeConsumer(c);
        c.delete();
        c.stream().checkInterest();
        if (advisory) {
            actionAdvisory("DELETED", c.stream().name(), c.name(), "delete");
        }
    }

    private void persist(Consumer c) throws JsApiException {
        if (!c.durableOnDisk()) {
            return;
        }
        try {
            new ConsumerStore(jsa.streamDir(c.stream().name()).resolve("obs").resolve(c.name()),
                    js.config().syncAlways()).writeMeta(c.config(), c.created());
        } catch (IOException e) {
            throw new JsApiException(JsErrors.get("JSConsumerStoreFailedErrF", Map.of("err", e.toString())));
        }
    }

    /** {@code $JS.EVENT.ADVISORY.CONSUMER.CREATED|DELETED.<stream>.<consumer>} (consumer_action). */
    private void actionAdvisory(String event, String stream, String consumer, String action) {
        Map<String, Object> m = JsAdvisories.event("io.nats.jetstream.advisory.v1.consumer_action");
        m.put("stream", stream);
        m.put("consumer", consumer);
        m.put("action", action);
        JsAdvisories.domain(m, js.config().domain());
        js.reply(jsa.account(), "$JS.EVENT.ADVISORY.CONSUMER." + event + "." + stream + "." + consumer, m);
    }

    // ---------------------------------------------------------------- recovery

    /** Loads the durable consumers kept under {@code <streamDir>/obs/}. */
    void recover(Stream stream, Path streamDir) {
        Path obs = streamDir.resolve("obs");
        if (!Files.isDirectory(obs)) {
            return;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(obs)) {
            for (Path d : dirs) {
                ConsumerStore.Meta meta = ConsumerStore.readMeta(d);
                if (meta == null) {
                    continue;
                }
                String name = d.getFileName().toString();
                ConsumerStore store = new ConsumerStore(d, js.config().syncAlways());
                try {
                    start(stream, name, meta.config(), meta.created(), store, store.readState());
                } catch (IOException | RuntimeException e) {
                    LOG.error("Could not restore consumer '{} > {} > {}': {}", jsa.account(), stream.name(), name,
                            e.toString());
                }
            }
        } catch (IOException e) {
            LOG.error("Could not list the consumers of stream {} in {}: {}", stream.name(), obs, e.toString());
        }
    }
}
