package io.natrix.server.jetstream;

import static io.natrix.server.jetstream.JsTests.jetStreamServer;
import static io.natrix.server.jetstream.JsTests.connect;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.server.TestServer;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stream snapshot and restore through raw NATS requests with jnats (which has no snapshot API): the chunk protocol
 * with flow-control acks, a round trip that keeps every message, and hostile or broken archives refused without
 * writing outside the store.
 */
class StreamSnapshotTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private TestServer server() {
        return jetStreamServer(dir.resolve("store"));
    }

    private Path accountDir() {
        return dir.resolve("store").resolve("jetstream").resolve("$G");
    }

    /** What a snapshot brought: the direct response and the archive bytes. */
    record Snapshot(JsonNode response, byte[] archive, int chunks, String endStatus) {
    }

    private static JsonNode request(Connection nc, String subject, byte[] body) throws Exception {
        Message reply = nc.request(subject, body, TIMEOUT);
        assertThat(reply).as("answer to " + subject).isNotNull();
        return JSON.readTree(reply.getData());
    }

    /** Drives a snapshot as natscli does: subscribe, request, collect chunks, ack each one that has a reply. */
    private static Snapshot snapshot(Connection nc, String stream, String requestJson) throws Exception {
        String deliver = nc.createInbox();
        Subscription sub = nc.subscribe(deliver);
        nc.flush(TIMEOUT);
        String body = requestJson.replace("$DELIVER", deliver);
        JsonNode response = request(nc, "$JS.API.STREAM.SNAPSHOT." + stream, body.getBytes(StandardCharsets.UTF_8));
        if (response.has("error")) {
            sub.unsubscribe();
            return new Snapshot(response, null, 0, null);
        }
        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        int chunks = 0;
        while (true) {
            Message m = sub.nextMessage(TIMEOUT);
            assertThat(m).as("snapshot chunk " + chunks).isNotNull();
            if (m.getData() == null || m.getData().length == 0) {
                sub.unsubscribe();
                String status = m.isStatusMessage() ? String.valueOf(m.getStatus().getCode())
                        : m.getHeaders() == null ? "none" : "headers";
                return new Snapshot(response, archive.toByteArray(), chunks, status);
            }
            archive.write(m.getData());
            chunks++;
            if (m.getReplyTo() != null) {
                nc.publish(m.getReplyTo(), new byte[0]);
            }
        }
    }

    /** Sends an archive to a restore as natscli does; returns the final answer (or the first error answer). */
    private static JsonNode restore(Connection nc, String stream, JsonNode config, byte[] archive, int chunkSize)
            throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.set("config", config);
        body.set("state", JSON.createObjectNode());
        JsonNode started = request(nc, "$JS.API.STREAM.RESTORE." + stream, JSON.writeValueAsBytes(body));
        if (started.has("error")) {
            return started;
        }
        String deliver = started.get("deliver_subject").asText();
        assertThat(deliver).startsWith("$JS.SNAPSHOT.RESTORE." + stream + ".");
        for (int off = 0; off < archive.length; off += chunkSize) {
            byte[] chunk = Arrays.copyOfRange(archive, off, Math.min(archive.length, off + chunkSize));
            Message ack = nc.request(deliver, chunk, TIMEOUT);
            assertThat(ack).as("ack of chunk at " + off).isNotNull();
            if (ack.isStatusMessage()) {
                return JSON.readTree("{\"status\":" + ack.getStatus().getCode() + "}");
            }
            if (ack.getData() != null && ack.getData().length > 0) {
                return JSON.readTree(ack.getData());
            }
        }
        Message end = nc.request(deliver, new byte[0], TIMEOUT);
        assertThat(end).as("restore's final answer").isNotNull();
        return JSON.readTree(end.getData());
    }

    private static byte[] payload(int i) {
        byte[] p = new byte[20 + new SplittableRandom(i).nextInt(600)];
        new SplittableRandom(i * 31L).nextBytes(p);
        return p;
    }

    private static String defaultRequest(int chunk, int window) {
        return "{\"deliver_subject\":\"$DELIVER\",\"chunk_size\":" + chunk + ",\"window_size\":" + window + "}";
    }

    /** Creates stream S (file) with {@code n} messages, some with headers, every 7th deleted. */
    private static void fill(Connection nc, int n) throws Exception {
        JetStreamManagement jsm = nc.jetStreamManagement();
        jsm.addStream(StreamConfiguration.builder().name("S").subjects("s.>").storageType(StorageType.File)
                .build());
        JetStream js = nc.jetStream();
        List<java.util.concurrent.CompletableFuture<io.nats.client.api.PublishAck>> acks = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            Headers h = i % 5 == 0 ? new Headers().add("X-I", String.valueOf(i)) : null;
            acks.add(js.publishAsync(NatsMessage.builder().subject("s." + (i % 13)).headers(h).data(payload(i))
                    .build()));
        }
        for (var a : acks) {
            a.get(10, TimeUnit.SECONDS);
        }
        for (int i = 7; i <= n; i += 7) {
            jsm.deleteMessage("S", i);
        }
    }

    private static void assertHoldsWhatFillWrote(JetStreamManagement jsm, int n) throws Exception {
        StreamInfo info = jsm.getStreamInfo("S");
        assertThat(info.getStreamState().getMsgCount()).isEqualTo(n - n / 7);
        assertThat(info.getStreamState().getLastSequence()).isEqualTo(n);
        for (int i = 1; i <= n; i++) {
            if (i % 7 == 0) {
                continue;
            }
            MessageInfo m = jsm.getMessage("S", i);
            assertThat(m.getSubject()).isEqualTo("s." + (i % 13));
            assertThat(m.getData()).as("seq %d", i).isEqualTo(payload(i));
            if (i % 5 == 0) {
                assertThat(m.getHeaders().getFirst("X-I")).isEqualTo(String.valueOf(i));
            }
        }
    }

    @Test
    void snapshotDeleteRestoreKeepsEveryMessage() throws Exception {
        int n = 1500;
        JsonNode config;
        Snapshot snap;
        try (TestServer server = server(); Connection nc = connect(server)) {
            fill(nc, n);
            // Small chunks and a window of four of them, so flow control has to wait for acks many times.
            snap = snapshot(nc, "S", defaultRequest(4096, 4 * 4096));
            assertThat(snap.response().get("type").asText()).isEqualTo(StreamSnapshot.RESPONSE_TYPE);
            assertThat(snap.response().get("state").get("messages").asLong()).isEqualTo(n - n / 7);
            assertThat(snap.response().get("state").get("last_seq").asLong()).isEqualTo(n);
            assertThat(snap.endStatus()).isEqualTo("204");
            assertThat(snap.chunks()).isGreaterThan(20);
            config = snap.response().get("config");

            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.deleteStream("S");
            JsonNode restored = restore(nc, "S", config, snap.archive(), 10_000);
            assertThat(restored.has("error")).as(restored.toString()).isFalse();
            assertThat(restored.get("type").asText()).isEqualTo(JsApi.STREAM_CREATE_RESPONSE);
            assertThat(restored.get("state").get("messages").asLong()).isEqualTo(n - n / 7);
            assertHoldsWhatFillWrote(jsm, n);
            assertThat(nc.jetStream().publish("s.x", new byte[] {1}).getSeqno()).isEqualTo(n + 1);
            assertThat(stagingLeftovers()).isEmpty();
        }
        // The restored stream is a stream like any other: it is there after a restart.
        try (TestServer server = server(); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            assertThat(jsm.getStreamInfo("S").getStreamState().getLastSequence()).isEqualTo(n + 1);
            assertThat(jsm.getMessage("S", n - 1).getData()).isEqualTo(payload(n - 1));
        }
    }

    @Test
    void durableConsumersTravelWithTheSnapshotUnlessLeftOut() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            fill(nc, 20);
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addOrUpdateConsumer("S", io.nats.client.api.ConsumerConfiguration.builder().durable("d")
                    .ackPolicy(io.nats.client.api.AckPolicy.Explicit).build());
            io.nats.client.JetStreamSubscription sub = nc.jetStream().subscribe(null,
                    io.nats.client.PullSubscribeOptions.bind("S", "d"));
            for (Message m : sub.fetch(5, TIMEOUT)) {
                m.ackSync(TIMEOUT);
            }
            Snapshot with = snapshot(nc, "S", defaultRequest(65536, 4 * 65536));
            Snapshot without = snapshot(nc, "S", "{\"deliver_subject\":\"$DELIVER\",\"no_consumers\":true}");
            JsonNode config = with.response().get("config");

            jsm.deleteStream("S");
            assertThat(restore(nc, "S", config, with.archive(), 65536).has("error")).isFalse();
            io.nats.client.api.ConsumerInfo ci = jsm.getConsumerInfo("S", "d");
            assertThat(ci.getAckFloor().getStreamSequence()).isEqualTo(5);
            List<Message> next = nc.jetStream().subscribe(null, io.nats.client.PullSubscribeOptions.bind("S", "d"))
                    .fetch(1, TIMEOUT);
            assertThat(next.get(0).metaData().streamSequence()).isEqualTo(6);

            jsm.deleteStream("S");
            assertThat(restore(nc, "S", config, without.archive(), 65536).has("error")).isFalse();
            assertThat(jsm.getConsumerNames("S")).isEmpty();
        }
    }

    @Test
    void snapshotWhilePublishingIsOneInstantOfTheStream() throws Exception {
        Snapshot snap;
        try (TestServer server = server(); Connection nc = connect(server)) {
            fill(nc, 300);
            JetStream js = nc.jetStream();
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            Thread publisher = Thread.ofPlatform().start(() -> {
                for (int i = 301; !stop.get(); i++) {
                    try {
                        js.publish("s." + (i % 13), payload(i));
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            try {
                snap = snapshot(nc, "S", defaultRequest(4096, 64 * 1024));
            } finally {
                stop.set(true);
                publisher.join();
            }
            assertThat(snap.endStatus()).isEqualTo("204");
        }
        // Restored on another server, the stream is exactly what the snapshot's state says.
        Path other = dir.resolve("other");
        try (TestServer server = TestServer.start(b -> {
            b.jetstream = true;
            b.storeDir = other;
        }); Connection nc = connect(server)) {
            JsonNode restored = restore(nc, "S", snap.response().get("config"), snap.archive(), 1 << 16);
            JsonNode state = snap.response().get("state");
            assertThat(restored.get("state").get("messages")).isEqualTo(state.get("messages"));
            assertThat(restored.get("state").get("last_seq")).isEqualTo(state.get("last_seq"));
            assertThat(restored.get("state").get("bytes")).isEqualTo(state.get("bytes"));
            long last = state.get("last_seq").asLong();
            JetStreamManagement jsm = nc.jetStreamManagement();
            for (int i = 301; i <= last; i++) {
                assertThat(jsm.getMessage("S", i).getData()).as("seq %d", i).isEqualTo(payload(i));
            }
        }
    }

    @Test
    void snapshotArchiveIsAGzippedTarWithAManifest() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            fill(nc, 50);
            Snapshot snap = snapshot(nc, "S", "{\"deliver_subject\":\"$DELIVER\"}");
            List<String> names = tarNames(gunzip(snap.archive()));
            assertThat(names).startsWith("meta.json", "meta.sum");
            assertThat(names).contains("msgs/1.blk");
            assertThat(names.getLast()).isEqualTo(StreamArchive.MANIFEST);
            // One chunk of the default 128 KiB holds it all; it ends with the 204 status all the same.
            assertThat(snap.chunks()).isEqualTo(1);
            assertThat(snap.endStatus()).isEqualTo("204");
        }
    }

    @Test
    void snapshotRequestErrors() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("M").subjects("m")
                    .storageType(StorageType.Memory).build());
            fill(nc, 3);
            assertThat(errCode(snapshot(nc, "NOPE", defaultRequest(0, 0)).response())).isEqualTo(10059);
            assertThat(errCode(snapshot(nc, "S", "{\"deliver_subject\":\"a.*\"}").response())).isEqualTo(10015);
            assertThat(errCode(snapshot(nc, "S", "{}").response())).isEqualTo(10003);
            assertThat(errCode(snapshot(nc, "S", "{\"deliver_subject\":\"x\",\"bogus\":1}").response()))
                    .isEqualTo(10025);
            JsonNode memory = snapshot(nc, "M", defaultRequest(0, 0)).response();
            assertThat(errCode(memory)).isEqualTo(10064);
            assertThat(memory.get("type").asText()).isEqualTo(StreamSnapshot.RESPONSE_TYPE);
        }
    }

    @Test
    void snapshotWithoutAcksEndsWithNoFlowResponse() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            fill(nc, 400);
            String deliver = nc.createInbox();
            Subscription sub = nc.subscribe(deliver);
            nc.flush(TIMEOUT);
            request(nc, "$JS.API.STREAM.SNAPSHOT.S", defaultRequest(1024, 2048).replace("$DELIVER", deliver)
                    .getBytes(StandardCharsets.UTF_8));
            int chunks = 0;
            Message m;
            while ((m = sub.nextMessage(Duration.ofSeconds(10))) != null && m.getData().length > 0) {
                chunks++;
            }
            assertThat(chunks).as("the window holds two chunks").isEqualTo(2);
            assertThat(m).isNotNull();
            assertThat(m.getStatus().getCode()).isEqualTo(408);
            assertThat(m.getStatus().getMessage()).contains("No Flow Response");
            Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> stagingLeftovers().isEmpty());
        }
    }

    @Test
    void restoreRefusesAnExistingStreamAndMemoryStorage() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            fill(nc, 10);
            Snapshot snap = snapshot(nc, "S", defaultRequest(0, 0));
            JsonNode exists = restore(nc, "S", snap.response().get("config"), snap.archive(), 1 << 16);
            assertThat(errCode(exists)).isEqualTo(10130);
            assertThat(exists.get("error").get("description").asText())
                    .isEqualTo("stream name already in use, cannot restore");

            ObjectNode memory = ((ObjectNode) snap.response().get("config").deepCopy());
            memory.put("name", "S2").put("storage", "memory");
            memory.set("subjects", JSON.createArrayNode().add("s2"));
            assertThat(errCode(restore(nc, "S2", memory, snap.archive(), 1 << 16))).isEqualTo(10062);
            ObjectNode other = ((ObjectNode) snap.response().get("config").deepCopy());
            other.put("name", "OTHER");
            assertThat(errCode(restore(nc, "S2", other, snap.archive(), 1 << 16))).isEqualTo(10056);
        }
    }

    @Test
    void restoreUnderAnotherNameIsRefusedAfterTheTransfer() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            fill(nc, 10);
            Snapshot snap = snapshot(nc, "S", defaultRequest(0, 0));
            ObjectNode renamed = ((ObjectNode) snap.response().get("config").deepCopy());
            renamed.put("name", "T");
            renamed.set("subjects", JSON.createArrayNode().add("t"));
            JsonNode answer = restore(nc, "T", renamed, snap.archive(), 1 << 16);
            assertThat(errCode(answer)).isEqualTo(10062);
            assertThat(answer.get("error").get("description").asText()).contains("stream names do not match");
            assertThat(nc.jetStreamManagement().getStreamNames()).containsExactly("S");
            assertThat(stagingLeftovers()).isEmpty();
        }
    }

    // ------------------------------------------------------------------ hostile and broken archives

    /** A tar built by hand, entry by entry, for archives our writer would never make. */
    private static final class Tar {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Tar entry(String name, byte type, byte[] data, String linkTarget) {
            byte[] h = new byte[512];
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            System.arraycopy(n, 0, h, 0, Math.min(100, n.length));
            put(h, 100, "0000600");
            put(h, 108, "0000000");
            put(h, 116, "0000000");
            put(h, 124, String.format("%011o", data.length));
            put(h, 136, String.format("%011o", 0));
            h[156] = type;
            if (linkTarget != null) {
                byte[] l = linkTarget.getBytes(StandardCharsets.UTF_8);
                System.arraycopy(l, 0, h, 157, l.length);
            }
            put(h, 257, "ustar");
            h[263] = '0';
            h[264] = '0';
            Arrays.fill(h, 148, 156, (byte) ' ');
            long sum = 0;
            for (byte b : h) {
                sum += b & 0xFF;
            }
            put(h, 148, String.format("%06o", sum));
            h[154] = 0;
            out.writeBytes(h);
            out.writeBytes(data);
            out.writeBytes(new byte[(512 - data.length % 512) % 512]);
            return this;
        }

        Tar file(String name, byte[] data) {
            return entry(name, (byte) '0', data, null);
        }

        byte[] gzipped() throws IOException {
            out.writeBytes(new byte[1024]);
            return gzip(out.toByteArray());
        }

        private static void put(byte[] h, int offset, String s) {
            byte[] b = s.getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(b, 0, h, offset, b.length);
        }
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(b)) {
            z.write(data);
        }
        return b.toByteArray();
    }

    private static byte[] gunzip(byte[] data) throws IOException {
        try (GZIPInputStream z = new GZIPInputStream(new ByteArrayInputStream(data))) {
            return z.readAllBytes();
        }
    }

    private static List<String> tarNames(byte[] tar) {
        List<String> names = new ArrayList<>();
        int p = 0;
        while (p + 512 <= tar.length && tar[p] != 0) {
            int end = p;
            while (end < p + 100 && tar[end] != 0) {
                end++;
            }
            names.add(new String(tar, p, end - p, StandardCharsets.US_ASCII));
            long size = Long.parseLong(new String(tar, p + 124, 11, StandardCharsets.US_ASCII).trim(), 8);
            p += 512 + (int) ((size + 511) / 512 * 512);
        }
        return names;
    }

    private static int errCode(JsonNode answer) {
        return answer.has("error") ? answer.get("error").get("err_code").asInt() : 0;
    }

    private List<Path> stagingLeftovers() throws IOException {
        Path staging = accountDir().resolve(StreamSnapshot.STAGING_DIR);
        if (!Files.exists(staging)) {
            return List.of();
        }
        try (var list = Files.list(staging)) {
            return list.toList();
        }
    }

    @Test
    void hostileAndBrokenArchivesAreRefusedAndLeaveNothingBehind() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            fill(nc, 200);
            Snapshot snap = snapshot(nc, "S", defaultRequest(0, 0));
            JsonNode config = snap.response().get("config");
            nc.jetStreamManagement().deleteStream("S");

            Path outside = dir.resolve("escaped");
            Path absolute = dir.resolve("absolute-target");
            byte[] valid = snap.archive();
            byte[] tar = gunzip(valid);
            byte[] flippedData = tar.clone();
            flippedData[512 + 40] ^= 0x01; // inside meta.json's data: the MANIFEST's CRC-32C catches it
            byte[] flippedGzip = valid.clone();
            flippedGzip[valid.length / 2] ^= 0x40;
            byte[] garbage = new byte[5000];
            new SplittableRandom(3).nextBytes(garbage);

            record Case(String name, byte[] archive, String expected) {
            }
            List<Case> cases = List.of(
                    new Case("parent traversal", new Tar().file("../../../escaped", new byte[] {1}).gzipped(),
                            "escapes"),
                    new Case("nested traversal", new Tar().file("msgs/../../escaped", new byte[] {1}).gzipped(),
                            "escapes"),
                    new Case("absolute path", new Tar().file(absolute.toString(), new byte[] {1}).gzipped(),
                            "absolute path"),
                    new Case("symbolic link", new Tar().entry("msgs", (byte) '2', new byte[0], outside.toString())
                            .file("msgs/1.blk", new byte[] {1}).gzipped(), "symbolic link"),
                    new Case("hard link", new Tar().entry("meta.json", (byte) '1', new byte[0], "/etc/passwd")
                            .gzipped(), "hard link"),
                    new Case("duplicate entry", new Tar().file("meta.json", new byte[] {1})
                            .file("meta.json", new byte[] {2}).gzipped(), "two entries"),
                    new Case("no manifest", new Tar().file("meta.json", new byte[] {1}).gzipped(), "no MANIFEST"),
                    new Case("truncated", Arrays.copyOf(valid, valid.length / 2), "truncated"),
                    new Case("data fails its checksum", gzip(flippedData), "fails its checksum"),
                    new Case("damaged compression", flippedGzip, ""),
                    new Case("garbage", garbage, "not a snapshot archive"),
                    new Case("empty", new byte[0], "truncated"));
            for (Case c : cases) {
                JsonNode answer = restore(nc, "S", config, c.archive(), 1000);
                assertThat(errCode(answer)).as(c.name() + ": " + answer).isEqualTo(10062);
                assertThat(answer.get("type").asText()).as(c.name()).isEqualTo(JsApi.STREAM_CREATE_RESPONSE);
                assertThat(answer.get("error").get("description").asText()).as(c.name())
                        .startsWith("restore failed: ").contains(c.expected());
                assertThat(outside).as(c.name()).doesNotExist();
                assertThat(absolute).as(c.name()).doesNotExist();
                assertThat(nc.jetStreamManagement().getStreamNames()).as(c.name()).isEmpty();
                Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> stagingLeftovers().isEmpty());
                assertThat(accountDir().resolve("streams").resolve("S")).as(c.name()).doesNotExist();
            }
            // After all that, the genuine archive still restores.
            JsonNode ok = restore(nc, "S", config, valid, 1000);
            assertThat(ok.has("error")).as(ok.toString()).isFalse();
            assertThat(nc.jetStreamManagement().getStreamInfo("S").getStreamState().getLastSequence())
                    .isEqualTo(200);
        }
    }

    @Test
    void restoreThatStallsIsAbandonedAndCleanedUp() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            fill(nc, 100);
            Snapshot snap = snapshot(nc, "S", defaultRequest(0, 0));
            // The snapshot's own staging goes once its sender has finished, which may be just after the client has
            // the last chunk: wait for it, so that the only staging left below is the restore's.
            Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> stagingLeftovers().isEmpty());
            nc.jetStreamManagement().deleteStream("S");
            ObjectNode body = JSON.createObjectNode();
            body.set("config", snap.response().get("config"));
            JsonNode started = request(nc, "$JS.API.STREAM.RESTORE.S", JSON.writeValueAsBytes(body));
            String deliver = started.get("deliver_subject").asText();
            Message ack = nc.request(deliver, Arrays.copyOf(snap.archive(), 100), TIMEOUT);
            assertThat(ack.getData() == null || ack.getData().length == 0).as("an empty ack").isTrue();
            assertThat(stagingLeftovers()).hasSize(1);
            // Nothing more comes: after the stall timeout the restore is dropped with its files.
            Awaitility.await().atMost(StreamRestore.STALL_TIMEOUT_SECONDS + 5, TimeUnit.SECONDS)
                    .until(() -> stagingLeftovers().isEmpty());
            Message late;
            try {
                late = nc.request(deliver, new byte[0], Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                late = null;
            }
            assertThat(late == null || late.isStatusMessage()).as("nobody answers on the old subject").isTrue();
            assertThat(nc.jetStreamManagement().getStreamNames()).isEmpty();
        }
    }
}
