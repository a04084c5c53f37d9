package io.natrix.server.kv;

import static io.natrix.server.jetstream.JsTests.bytes;
import static io.natrix.server.jetstream.JsTests.connect;
import static io.natrix.server.jetstream.JsTests.jetStreamServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.natrix.server.TestServer;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.Message;
import io.nats.client.MessageTtl;
import io.nats.client.Subscription;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.KeyResult;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValuePurgeOptions;
import io.nats.client.api.KeyValueStatus;
import io.nats.client.api.KeyValueWatchOption;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The key-value store (ADR-8) through jnats' unchanged {@code KeyValue} and {@code KeyValueManagement}: buckets
 * (configuration, status, listing, limits, limit markers), every key operation, history, keys, watchers and
 * purging of deletes; plus the raw server features the clients build on (direct gets in subject, batch and
 * {@code multi_last} form, discard-new-per-subject, roll-ups) and the errors bad input gets.
 */
class KeyValueTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private TestServer server() {
        return jetStreamServer(dir.resolve("js"));
    }

    private static int errorCode(Throwable e) {
        return ((JetStreamApiException) e).getApiErrorCode();
    }

    private static String value(KeyValueEntry e) {
        return e == null ? null : e.getValueAsString();
    }

    // ---- buckets ----

    @ParameterizedTest
    @EnumSource(value = StorageType.class, names = {"File", "Memory"})
    void kvBucketCreateStatusUpdateListAndDelete(StorageType storage) throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            KeyValueManagement kvm = nc.keyValueManagement();
            KeyValueStatus created = kvm.create(KeyValueConfiguration.builder().name("cfg").description("settings")
                    .maxHistoryPerKey(5).ttl(Duration.ofHours(1)).maximumValueSize(1024)
                    .maxBucketSize(1 << 20).storageType(storage).replicas(1)
                    .metadata(Map.of("owner", "tests")).compression(storage == StorageType.File).build());
            assertThat(created.getBucketName()).isEqualTo("cfg");
            assertThat(created.getDescription()).isEqualTo("settings");
            assertThat(created.getMaxHistoryPerKey()).isEqualTo(5);
            assertThat(created.getTtl()).isEqualTo(Duration.ofHours(1));
            assertThat(created.getMaximumValueSize()).isEqualTo(1024);
            assertThat(created.getMaxBucketSize()).isEqualTo(1 << 20);
            assertThat(created.getStorageType()).isEqualTo(storage);
            assertThat(created.getReplicas()).isEqualTo(1);
            assertThat(created.getMetadata()).containsEntry("owner", "tests");
            assertThat(created.isCompressed()).isEqualTo(storage == StorageType.File);
            assertThat(created.getBackingStore()).isEqualTo("JetStream");
            assertThat(created.getEntryCount()).isZero();
            assertThat(created.getLimitMarkerTtl()).isNull();

            // The backing stream is what ADR-8 prescribes.
            StreamConfiguration sc = created.getBackingStreamInfo().getConfiguration();
            assertThat(sc.getName()).isEqualTo("KV_cfg");
            assertThat(sc.getSubjects()).containsExactly("$KV.cfg.>");
            assertThat(sc.getAllowRollup()).isTrue();
            assertThat(sc.getAllowDirect()).isTrue();
            assertThat(sc.getDenyDelete()).isTrue();
            assertThat(sc.getDiscardPolicy()).isEqualTo(DiscardPolicy.New);
            assertThat(sc.getMaxMsgsPerSubject()).isEqualTo(5);
            assertThat(sc.getDuplicateWindow()).isEqualTo(Duration.ofMinutes(2));

            KeyValue kv = nc.keyValue("cfg");
            kv.put("a", "1");
            kv.put("b", "22");
            KeyValueStatus status = kvm.getStatus("cfg");
            assertThat(status.getEntryCount()).isEqualTo(2);
            assertThat(status.getByteCount()).isPositive();
            assertThat(kv.getStatus().getEntryCount()).isEqualTo(2);

            KeyValueStatus updated = kvm.update(KeyValueConfiguration.builder(status.getConfiguration())
                    .description("more").maxHistoryPerKey(10).build());
            assertThat(updated.getDescription()).isEqualTo("more");
            assertThat(updated.getMaxHistoryPerKey()).isEqualTo(10);
            assertThat(updated.getEntryCount()).isEqualTo(2);

            kvm.create(KeyValueConfiguration.builder().name("other").storageType(storage).build());
            assertThat(kvm.getBucketNames()).containsExactlyInAnyOrder("cfg", "other");
            assertThat(kvm.getStatuses()).extracting(KeyValueStatus::getBucketName)
                    .containsExactlyInAnyOrder("cfg", "other");

            kvm.delete("other");
            assertThat(kvm.getBucketNames()).containsExactly("cfg");
            assertThatThrownBy(() -> kvm.getStatus("other")).satisfies(e -> assertThat(errorCode(e))
                    .isEqualTo(10059));
            assertThatThrownBy(() -> nc.keyValue("other").get("a")).isInstanceOf(Exception.class);
        }
    }

    @Test
    void kvBucketCreateTwiceWithTheSameConfigIsFineAndWithAnotherFails() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            KeyValueManagement kvm = nc.keyValueManagement();
            KeyValueConfiguration c = KeyValueConfiguration.builder().name("twice").storageType(StorageType.Memory)
                    .build();
            kvm.create(c);
            kvm.create(c);
            assertThatThrownBy(() -> kvm.create(KeyValueConfiguration.builder(c).maxHistoryPerKey(3).build()))
                    .satisfies(e -> assertThat(errorCode(e)).isEqualTo(10058));
        }
    }

    // ---- keys and values ----

    @Test
    void kvPutGetCreateUpdateDeleteAndPurge() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            nc.keyValueManagement().create(KeyValueConfiguration.builder().name("ops").maxHistoryPerKey(10).build());
            KeyValue kv = nc.keyValue("ops");
            assertThat(kv.get("missing")).isNull();

            long r1 = kv.put("k", "one");
            KeyValueEntry e = kv.get("k");
            assertThat(e.getKey()).isEqualTo("k");
            assertThat(e.getBucket()).isEqualTo("ops");
            assertThat(value(e)).isEqualTo("one");
            assertThat(e.getRevision()).isEqualTo(r1);
            assertThat(e.getOperation()).isEqualTo(KeyValueOperation.PUT);
            assertThat(e.getCreated()).isNotNull();

            // create refuses an existing key with the server's wrong-last-sequence error.
            assertThatThrownBy(() -> kv.create("k", bytes("again"))).satisfies(x -> {
                assertThat(errorCode(x)).isEqualTo(10071);
                assertThat(((JetStreamApiException) x).getErrorDescription()).startsWith("wrong last sequence");
            });

            // update is compare-and-set on the key's revision.
            long r2 = kv.update("k", "two", r1);
            assertThat(r2).isGreaterThan(r1);
            assertThatThrownBy(() -> kv.update("k", "three", r1)).satisfies(x -> {
                assertThat(errorCode(x)).isEqualTo(10071);
                assertThat(((JetStreamApiException) x).getErrorDescription())
                        .isEqualTo("wrong last sequence: " + r2);
            });
            assertThat(value(kv.get("k"))).isEqualTo("two");
            assertThat(value(kv.get("k", r1))).isEqualTo("one");
            assertThat(kv.get("k", 999)).isNull();

            long other = kv.put("x", "y");
            assertThat(kv.get("k", other)).as("a revision of another key").isNull();

            kv.delete("k");
            assertThat(kv.get("k")).isNull();
            assertThat(kv.keys()).containsExactly("x");
            // create succeeds again on a deleted key.
            long r3 = kv.create("k", bytes("reborn"));
            assertThat(value(kv.get("k"))).isEqualTo("reborn");
            // delete with an expected revision.
            assertThatThrownBy(() -> kv.delete("k", r1)).satisfies(x -> assertThat(errorCode(x)).isEqualTo(10071));
            kv.delete("k", r3);
            assertThat(kv.get("k")).isNull();

            // purge leaves a single purge marker in place of the key's history (a roll-up).
            kv.put("p", "1");
            kv.put("p", "2");
            kv.purge("p");
            assertThat(kv.get("p")).isNull();
            List<KeyValueEntry> history = kv.history("p");
            assertThat(history).hasSize(1);
            assertThat(history.get(0).getOperation()).isEqualTo(KeyValueOperation.PURGE);
            kv.create("p", bytes("after purge"));
            assertThat(value(kv.get("p"))).isEqualTo("after purge");

            // numbers and strings
            kv.put("n", 42);
            assertThat(kv.get("n").getValueAsLong()).isEqualTo(42L);
            kv.put("empty", new byte[0]);
            assertThat(kv.get("empty").getOperation()).isEqualTo(KeyValueOperation.PUT);
            assertThat(kv.get("empty").getDataLen()).isZero(); // jnats gives an empty value as null
        }
    }

    @Test
    void kvHistoryKeepsAtMostMaxHistoryPerKey() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            nc.keyValueManagement().create(KeyValueConfiguration.builder().name("h").maxHistoryPerKey(3).build());
            KeyValue kv = nc.keyValue("h");
            for (int i = 1; i <= 5; i++) {
                kv.put("k", "v" + i);
            }
            kv.put("other", "o");
            kv.delete("k");
            assertThat(kv.history("k")).extracting(KeyValueEntry::getOperation, e -> value(e))
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(KeyValueOperation.PUT, "v4"),
                            org.assertj.core.groups.Tuple.tuple(KeyValueOperation.PUT, "v5"),
                            org.assertj.core.groups.Tuple.tuple(KeyValueOperation.DELETE, null));
            assertThat(kv.history("nothing")).isEmpty();
            assertThat(kv.getStatus().getEntryCount()).isEqualTo(4);
        }
    }

    @Test
    void kvKeysWithFiltersAndConsumeKeys() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            nc.keyValueManagement().create(KeyValueConfiguration.builder().name("keys").maxHistoryPerKey(5).build());
            KeyValue kv = nc.keyValue("keys");
            assertThat(kv.keys()).isEmpty();
            kv.put("a.one", "1");
            kv.put("a.two", "2");
            kv.put("b.one", "3");
            kv.put("a.one", "4");
            kv.put("c", "5");
            kv.delete("c");
            kv.put("d", "6");
            kv.purge("d");
            assertThat(kv.keys()).containsExactlyInAnyOrder("a.one", "a.two", "b.one");
            assertThat(kv.keys("a.*")).containsExactlyInAnyOrder("a.one", "a.two");
            assertThat(kv.keys(List.of("*.one", "a.two"))).containsExactlyInAnyOrder("a.one", "a.two", "b.one");
            assertThat(kv.keys("z.>")).isEmpty();

            LinkedBlockingQueue<KeyResult> q = kv.consumeKeys();
            List<String> consumed = new ArrayList<>();
            while (true) {
                KeyResult r = q.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(r).as("a key result").isNotNull();
                assertThat(r.getException()).isNull();
                if (r.isDone()) {
                    break;
                }
                consumed.add(r.getKey());
            }
            assertThat(consumed).containsExactlyInAnyOrder("a.one", "a.two", "b.one");
        }
    }

    // ---- watchers ----

    /** Collects what a watcher sees and when its end of data arrives. */
    private static final class Collector implements KeyValueWatcher {
        final List<KeyValueEntry> entries = new CopyOnWriteArrayList<>();
        final CountDownLatch endOfData = new CountDownLatch(1);

        @Override
        public void watch(KeyValueEntry e) {
            entries.add(e);
        }

        @Override
        public void endOfData() {
            endOfData.countDown();
        }

        void awaitEndOfData() throws InterruptedException {
            assertThat(endOfData.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).as("end of data").isTrue();
        }

        List<String> seen() {
            return entries.stream().map(e -> e.getKey() + "=" + (e.getOperation() == KeyValueOperation.PUT
                    ? value(e) : e.getOperation().name())).toList();
        }

        void awaitSeen(String... expected) {
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(seen()).containsExactly(expected));
        }
    }

    @Test
    void kvWatchAllOptions() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            nc.keyValueManagement().create(KeyValueConfiguration.builder().name("w").maxHistoryPerKey(10).build());
            KeyValue kv = nc.keyValue("w");
            kv.put("a", "1");
            kv.put("b", "1");
            kv.put("a", "2");
            kv.delete("b");
            kv.put("c.x", "1");

            Collector latest = new Collector();
            Collector history = new Collector();
            Collector updates = new Collector();
            Collector noDeletes = new Collector();
            Collector meta = new Collector();
            Collector filtered = new Collector();
            Collector multi = new Collector();
            Collector fromRevision = new Collector();
            Collector empty = new Collector();
            try (var w1 = kv.watchAll(latest);
                    var w2 = kv.watchAll(history, KeyValueWatchOption.INCLUDE_HISTORY);
                    var w3 = kv.watchAll(updates, KeyValueWatchOption.UPDATES_ONLY);
                    var w4 = kv.watchAll(noDeletes, KeyValueWatchOption.IGNORE_DELETE);
                    var w5 = kv.watchAll(meta, KeyValueWatchOption.META_ONLY);
                    var w6 = kv.watch("c.*", filtered);
                    var w7 = kv.watch(List.of("a", "c.>"), multi);
                    var w8 = kv.watchAll(fromRevision, 3);
                    var w9 = kv.watch("nothing.here", empty)) {
                for (Collector c : List.of(latest, history, updates, noDeletes, meta, filtered, multi, fromRevision,
                        empty)) {
                    c.awaitEndOfData();
                }
                latest.awaitSeen("a=2", "b=DELETE", "c.x=1");
                history.awaitSeen("a=1", "b=1", "a=2", "b=DELETE", "c.x=1");
                assertThat(updates.entries).isEmpty();
                noDeletes.awaitSeen("a=2", "c.x=1");
                assertThat(meta.entries).hasSize(3).allSatisfy(e -> {
                    assertThat(e.getValue()).isNull();
                    assertThat(e.getDataLen()).isEqualTo(e.getOperation() == KeyValueOperation.PUT ? 1 : 0);
                });
                filtered.awaitSeen("c.x=1");
                multi.awaitSeen("a=2", "c.x=1");
                fromRevision.awaitSeen("a=2", "b=DELETE", "c.x=1");
                assertThat(fromRevision.entries.get(0).getRevision()).isEqualTo(3);
                assertThat(empty.entries).isEmpty();

                // Live changes reach the watchers whose filters match. Each watcher sees the puts before the purge:
                // a purge removes a=3, so a watcher whose consumer had not delivered it yet would never get it.
                kv.put("a", "3");
                kv.put("c.y", "2");
                latest.awaitSeen("a=2", "b=DELETE", "c.x=1", "a=3", "c.y=2");
                updates.awaitSeen("a=3", "c.y=2");
                noDeletes.awaitSeen("a=2", "c.x=1", "a=3", "c.y=2");
                filtered.awaitSeen("c.x=1", "c.y=2");
                multi.awaitSeen("a=2", "c.x=1", "a=3", "c.y=2");
                kv.purge("a");
                latest.awaitSeen("a=2", "b=DELETE", "c.x=1", "a=3", "c.y=2", "a=PURGE");
                updates.awaitSeen("a=3", "c.y=2", "a=PURGE");
                noDeletes.awaitSeen("a=2", "c.x=1", "a=3", "c.y=2");
                filtered.awaitSeen("c.x=1", "c.y=2");
                multi.awaitSeen("a=2", "c.x=1", "a=3", "c.y=2", "a=PURGE");
                assertThat(empty.entries).isEmpty();
            }
        }
    }

    @Test
    void kvWatchOnAnEmptyBucketEndsDataAtOnce() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            nc.keyValueManagement().create(KeyValueConfiguration.builder().name("quiet")
                    .storageType(StorageType.Memory).build());
            KeyValue kv = nc.keyValue("quiet");
            Collector c = new Collector();
            try (var w = kv.watchAll(c)) {
                c.awaitEndOfData();
                kv.put("first", "1");
                c.awaitSeen("first=1");
            }
        }
    }

    // ---- purging deletes ----

    @Test
    void kvPurgeDeletesRemovesMarkersOlderThanTheThreshold() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            nc.keyValueManagement().create(KeyValueConfiguration.builder().name("pd").maxHistoryPerKey(10).build());
            KeyValue kv = nc.keyValue("pd");
            kv.put("a", "1");
            kv.put("a", "2");
            kv.delete("a");
            kv.put("b", "1");
            kv.purge("b");
            kv.put("c", "1");
            assertThat(kv.getStatus().getEntryCount()).isEqualTo(5);

            // Default threshold (30 min): recent markers are kept, but only them (keep 1).
            kv.purgeDeletes();
            assertThat(kv.history("a")).extracting(KeyValueEntry::getOperation)
                    .containsExactly(KeyValueOperation.DELETE);
            assertThat(kv.history("b")).extracting(KeyValueEntry::getOperation)
                    .containsExactly(KeyValueOperation.PURGE);
            assertThat(kv.getStatus().getEntryCount()).isEqualTo(3);

            // A negative threshold removes every marker.
            kv.purgeDeletes(KeyValuePurgeOptions.builder().deleteMarkersNoThreshold().build());
            assertThat(kv.history("a")).isEmpty();
            assertThat(kv.history("b")).isEmpty();
            assertThat(kv.keys()).containsExactly("c");
            assertThat(kv.getStatus().getEntryCount()).isEqualTo(1);
        }
    }

    // ---- time to live ----

    @Test
    void kvMirrorBucketHoldsTheOriginAndWritesGoToIt() throws Exception {
        // A local mirror bucket as jnats builds it: a mirror stream (mirror_direct on) keeping the origin's subjects;
        // its writes go to the origin's subjects. (jnats reads a local mirror under its own prefix, which finds
        // nothing on nats-server 2.9.10 either; reads that work are the direct gets below.)
        try (TestServer server = server(); Connection nc = connect(server)) {
            KeyValueManagement kvm = nc.keyValueManagement();
            kvm.create(KeyValueConfiguration.builder().name("origin").maxHistoryPerKey(3).build());
            KeyValue origin = nc.keyValue("origin");
            origin.put("a", "1");
            origin.put("b", "2");
            kvm.create(KeyValueConfiguration.builder().name("copy")
                    .mirror(io.nats.client.api.Mirror.builder().sourceName("origin").build()).build());
            KeyValue copy = nc.keyValue("copy");
            io.nats.client.JetStreamManagement jsm = nc.jetStreamManagement();
            StreamConfiguration mirrored = jsm.getStreamInfo("KV_copy").getConfiguration();
            assertThat(mirrored.getMirror().getName()).isEqualTo("KV_origin");
            assertThat(mirrored.getMirrorDirect()).isTrue();
            await().atMost(TIMEOUT).until(() -> jsm.getStreamInfo("KV_copy").getStreamState().getMsgCount() == 2);
            assertThat(new String(jsm.getLastMessage("KV_copy", "$KV.origin.b").getData(), StandardCharsets.UTF_8))
                    .isEqualTo("2");

            copy.put("c", "3");
            assertThat(value(origin.get("c"))).as("a put through the mirror bucket lands in the origin").isEqualTo("3");
            await().atMost(TIMEOUT).until(() -> jsm.getStreamInfo("KV_copy").getStreamState().getMsgCount() == 3);
            origin.delete("a");
            await().atMost(TIMEOUT).until(() -> "DEL".equals(jsm.getLastMessage("KV_copy", "$KV.origin.a")
                    .getHeaders().getFirst("KV-Operation")));
        }
    }

    @Test
    void kvBucketSourcedFromTwoBucketsThroughSubjectTransforms() throws Exception {
        // Sourcing buckets into another, as ADR-8 describes for servers 2.10+: each source maps its $KV prefix.
        try (TestServer server = server(); Connection nc = connect(server)) {
            KeyValueManagement kvm = nc.keyValueManagement();
            kvm.create(KeyValueConfiguration.builder().name("east").build());
            kvm.create(KeyValueConfiguration.builder().name("west").build());
            nc.keyValue("east").put("e", "1");
            nc.keyValue("west").put("w", "2");
            kvm.create(KeyValueConfiguration.builder().name("all").sources(source("east", "all"),
                    source("west", "all")).build());
            KeyValue all = nc.keyValue("all");
            await().atMost(TIMEOUT).until(() -> all.get("e") != null && all.get("w") != null);
            assertThat(value(all.get("w"))).isEqualTo("2");
            assertThat(all.keys()).containsExactlyInAnyOrder("e", "w");
            nc.keyValue("east").put("e", "3");
            await().atMost(TIMEOUT).until(() -> "3".equals(value(all.get("e"))));
            nc.keyValue("west").delete("w");
            await().atMost(TIMEOUT).until(() -> all.get("w") == null);
            assertThat(all.keys()).containsExactly("e");
        }
    }

    private static io.nats.client.api.Source source(String bucket, String into) {
        return io.nats.client.api.Source.builder().sourceName("KV_" + bucket)
                .subjectTransforms(io.nats.client.api.SubjectTransform.builder().source("$KV." + bucket + ".>")
                        .destination("$KV." + into + ".>").build()).build();
    }

    @Test
    void kvBucketTtlExpiresValues() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            // Long enough for the put and the get that must still find the value, on a busy machine.
            nc.keyValueManagement().create(KeyValueConfiguration.builder().name("ttl").ttl(Duration.ofSeconds(3))
                    .storageType(StorageType.Memory).build());
            KeyValue kv = nc.keyValue("ttl");
            KeyValueStatus status = kv.getStatus();
            assertThat(status.getTtl()).isEqualTo(Duration.ofSeconds(3));
            assertThat(status.getBackingStreamInfo().getConfiguration().getDuplicateWindow())
                    .isEqualTo(Duration.ofSeconds(3));
            kv.put("k", "v");
            assertThat(value(kv.get("k"))).isEqualTo("v");
            await().atMost(TIMEOUT).until(() -> kv.get("k") == null);
            assertThat(kv.getStatus().getEntryCount()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(value = StorageType.class, names = {"File", "Memory"})
    void kvLimitMarkersAndPerKeyTtl(StorageType storage) throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            KeyValueStatus status = nc.keyValueManagement().create(KeyValueConfiguration.builder().name("lm")
                    .storageType(storage).limitMarker(Duration.ofSeconds(1)).build());
            assertThat(status.getLimitMarkerTtl()).isEqualTo(Duration.ofSeconds(1));
            StreamConfiguration sc = status.getBackingStreamInfo().getConfiguration();
            assertThat(sc.isAllowMessageTtl()).isTrue();
            assertThat(sc.getSubjectDeleteMarkerTtl()).isEqualTo(Duration.ofSeconds(1));

            KeyValue kv = nc.keyValue("lm");
            kv.put("stays", "v");
            // The value must outlive the header check and the watcher's start (it watches updates only, so a
            // marker placed before it started would never be seen), on a busy machine too.
            long rev = kv.create("brief", bytes("v"), MessageTtl.seconds(3));
            assertThat(nc.jetStreamManagement().getMessage("KV_lm", rev).getHeaders().getFirst("Nats-TTL"))
                    .isEqualTo("3s");
            Collector c = new Collector();
            try (var w = kv.watchAll(c, KeyValueWatchOption.UPDATES_ONLY)) {
                c.awaitEndOfData();
                // The expired key leaves a marker the watcher sees as a purge (Nats-Marker-Reason: MaxAge).
                c.awaitSeen("brief=PURGE");
                assertThat(kv.get("brief")).isNull();
                assertThat(value(kv.get("stays"))).isEqualTo("v");
                KeyValueEntry marker = c.entries.get(0);
                assertThat(marker.getRevision()).isGreaterThan(rev);
                // The marker itself goes after the limit marker TTL, leaving no marker of its own.
                await().atMost(TIMEOUT).until(() -> kv.history("brief").isEmpty());
                assertThat(kv.getStatus().getEntryCount()).isEqualTo(1);
            }
            // A key whose marker is present or gone can be created again.
            kv.create("brief", bytes("again"));
            assertThat(value(kv.get("brief"))).isEqualTo("again");

            // Purge with a TTL: the purge marker itself expires.
            kv.purge("brief", MessageTtl.seconds(3)); // outlives the history read below
            assertThat(kv.history("brief")).extracting(KeyValueEntry::getOperation)
                    .containsExactly(KeyValueOperation.PURGE);
            await().atMost(TIMEOUT).until(() -> kv.history("brief").isEmpty());
            assertThat(kv.getStatus().getEntryCount()).as("only 'stays' is left").isEqualTo(1);
        }
    }

    @Test
    void kvPerKeyTtlNeedsLimitMarkers() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            nc.keyValueManagement().create(KeyValueConfiguration.builder().name("nottl")
                    .storageType(StorageType.Memory).build());
            KeyValue kv = nc.keyValue("nottl");
            assertThatThrownBy(() -> kv.create("k", bytes("v"), MessageTtl.seconds(1)))
                    .satisfies(e -> assertThat(errorCode(e)).isEqualTo(10166));
        }
    }

    // ---- bad input ----

    @Test
    void kvValuesOverMaxValueSizeAreRefusedByTheServer() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            nc.keyValueManagement().create(KeyValueConfiguration.builder().name("small").maximumValueSize(8)
                    .storageType(StorageType.Memory).build());
            KeyValue kv = nc.keyValue("small");
            kv.put("fits", "12345678");
            assertThatThrownBy(() -> kv.put("big", "123456789")).satisfies(e -> {
                assertThat(errorCode(e)).isEqualTo(10054);
                assertThat(((JetStreamApiException) e).getErrorDescription())
                        .isEqualTo("message size exceeds maximum allowed");
            });
            assertThat(kv.get("big")).isNull();
            assertThat(kv.keys()).containsExactly("fits");
        }
    }

    @Test
    void kvBadBucketNamesAndKeysAreRefused() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            KeyValueManagement kvm = nc.keyValueManagement();
            for (String bad : List.of("a.b", "a b", "a*", "a>", "")) {
                assertThatThrownBy(() -> kvm.create(KeyValueConfiguration.builder().name(bad).build()))
                        .as(bad).isInstanceOf(IllegalArgumentException.class);
            }
            kvm.create(KeyValueConfiguration.builder().name("good").storageType(StorageType.Memory).build());
            KeyValue kv = nc.keyValue("good");
            for (String bad : List.of("a b", "a*", ">", ".a", "a.", "a..b", "$a", "")) {
                assertThatThrownBy(() -> kv.put(bad, "v")).as(bad).isInstanceOf(IllegalArgumentException.class);
            }
            // The server's own answer to a stream name that cannot be a bucket.
            Message m = nc.request("$JS.API.STREAM.CREATE.KV_a.b",
                    bytes("{\"name\":\"KV_a.b\",\"subjects\":[\"$KV.a.b.>\"]}"), TIMEOUT);
            JsonNode error = JSON.readTree(m.getData()).path("error");
            assertThat(error.path("code").asInt()).isEqualTo(400);
        }
    }

    @Test
    void kvWithoutJetStreamFailsCleanly() throws Exception {
        try (TestServer server = TestServer.start(); Connection nc = connect(server)) {
            KeyValueManagement kvm = nc.keyValueManagement();
            assertThatThrownBy(() -> kvm.create(KeyValueConfiguration.builder().name("x").build()))
                    .isInstanceOf(java.io.IOException.class);
            assertThatThrownBy(() -> nc.keyValue("x")).isInstanceOf(java.io.IOException.class);
        }
    }

    // ---- the server features underneath ----

    @Test
    void kvDirectGetBySubjectBatchAndMultiLast() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            nc.keyValueManagement().create(KeyValueConfiguration.builder().name("d").maxHistoryPerKey(5).build());
            KeyValue kv = nc.keyValue("d");
            kv.put("x", "1");
            kv.put("y", "1");
            long lastX = kv.put("x", "2");
            kv.put("z.deep", "1");

            Message last = nc.request("$JS.API.DIRECT.GET.KV_d.$KV.d.x", new byte[0], TIMEOUT);
            assertThat(last.isStatusMessage()).isFalse();
            assertThat(new String(last.getData(), StandardCharsets.UTF_8)).isEqualTo("2");
            Headers h = last.getHeaders();
            assertThat(h.getFirst("Nats-Stream")).isEqualTo("KV_d");
            assertThat(h.getFirst("Nats-Subject")).isEqualTo("$KV.d.x");
            assertThat(h.getFirst("Nats-Sequence")).isEqualTo(String.valueOf(lastX));
            assertThat(h.getFirst("Nats-Time-Stamp")).isNotBlank();
            Message deep = nc.request("$JS.API.DIRECT.GET.KV_d.$KV.d.z.deep", new byte[0], TIMEOUT);
            assertThat(deep.getHeaders().getFirst("Nats-Subject")).isEqualTo("$KV.d.z.deep");
            Message none = nc.request("$JS.API.DIRECT.GET.KV_d.$KV.d.nope", new byte[0], TIMEOUT);
            assertThat(none.getStatus().getCode()).isEqualTo(404);

            List<Message> multi = directBatch(nc, "KV_d", "{\"multi_last\":[\"$KV.d.>\"]}");
            assertThat(multi.subList(0, multi.size() - 1)).extracting(m -> m.getHeaders().getFirst("Nats-Subject"))
                    .containsExactly("$KV.d.y", "$KV.d.x", "$KV.d.z.deep");
            assertThat(multi.get(multi.size() - 1).getStatus().getCode()).isEqualTo(204);
            Message eob = multi.get(multi.size() - 1);
            assertThat(eob.getHeaders().getFirst("Nats-Num-Pending")).isEqualTo("0");
            assertThat(eob.getHeaders().getFirst("Nats-Last-Sequence")).isEqualTo("4");
            assertThat(eob.getHeaders().getFirst("Nats-UpTo-Sequence")).isEqualTo("4");
            // up_to_seq: each key as it was then (x's value before its update).
            List<Message> upTo = directBatch(nc, "KV_d", "{\"multi_last\":[\"$KV.d.x\",\"$KV.d.y\"],\"up_to_seq\":2}");
            assertThat(upTo.subList(0, upTo.size() - 1)).extracting(m -> m.getHeaders().getFirst("Nats-Sequence"))
                    .containsExactly("1", "2");
            assertThat(upTo.get(0).getHeaders().getFirst("Nats-Num-Pending")).isEqualTo("1");
            assertThat(upTo.get(upTo.size() - 1).getHeaders().getFirst("Nats-UpTo-Sequence")).isEqualTo("2");
            Message noResults = nc.request("$JS.API.DIRECT.GET.KV_d", bytes("{\"multi_last\":[\"$KV.d.none\"]}"),
                    TIMEOUT);
            assertThat(noResults.getStatus().getCode()).isEqualTo(404);
            assertThat(noResults.getStatus().getMessage()).isEqualTo("No Results");

            List<Message> batch = directBatch(nc, "KV_d", "{\"seq\":1,\"batch\":10,\"next_by_subj\":\"$KV.d.x\"}");
            assertThat(batch).hasSize(3);
            assertThat(batch.subList(0, 2)).extracting(m -> new String(m.getData(), StandardCharsets.UTF_8))
                    .containsExactly("1", "2");
        }
    }

    private static List<Message> directBatch(Connection nc, String stream, String request) throws Exception {
        String inbox = nc.createInbox();
        Subscription sub = nc.subscribe(inbox);
        nc.publish("$JS.API.DIRECT.GET." + stream, inbox, bytes(request));
        List<Message> got = new ArrayList<>();
        while (true) {
            Message m = sub.nextMessage(TIMEOUT);
            assertThat(m).as("a direct get answer").isNotNull();
            got.add(m);
            if (m.isStatusMessage()) {
                sub.unsubscribe();
                return got;
            }
        }
    }

    @Test
    void kvRawPurgeIsARollupOfTheKeysSubject() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            nc.keyValueManagement().create(KeyValueConfiguration.builder().name("r").maxHistoryPerKey(10).build());
            KeyValue kv = nc.keyValue("r");
            kv.put("a", "1");
            kv.put("a", "2");
            kv.put("b", "1");
            Headers h = new Headers().put("KV-Operation", "PURGE").put("Nats-Rollup", "sub");
            nc.jetStream().publish(NatsMessage.builder().subject("$KV.r.a").headers(h).build());
            assertThat(kv.history("a")).extracting(KeyValueEntry::getOperation)
                    .containsExactly(KeyValueOperation.PURGE);
            assertThat(value(kv.get("b"))).isEqualTo("1");
            // deny_delete: a message delete through the API is refused.
            Message del = nc.request("$JS.API.STREAM.MSG.DELETE.KV_r", bytes("{\"seq\":3}"), TIMEOUT);
            assertThat(JSON.readTree(del.getData()).path("error").path("err_code").asInt()).isEqualTo(10057);
        }
    }

    @Test
    void kvDiscardNewPerSubjectRefusesAKeyBeyondItsHistory() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            // KV buckets are discard-new; a per-subject discard-new stream refuses the key that is full.
            nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("DN").subjects("dn.>")
                    .storageType(StorageType.Memory).discardPolicy(DiscardPolicy.New).maxMessagesPerSubject(2)
                    .discardNewPerSubject(true).maxMessages(100).build());
            var js = nc.jetStream();
            js.publish("dn.a", bytes("1"));
            js.publish("dn.a", bytes("2"));
            js.publish("dn.b", bytes("1"));
            assertThatThrownBy(() -> js.publish("dn.a", bytes("3")))
                    .satisfies(e -> assertThat(errorCode(e)).isEqualTo(10077));
            // A KV bucket (discard new, no per-subject flag) rolls the history over instead.
            nc.keyValueManagement().create(KeyValueConfiguration.builder().name("roll").maxHistoryPerKey(2)
                    .storageType(StorageType.Memory).build());
            KeyValue kv = nc.keyValue("roll");
            kv.put("k", "1");
            kv.put("k", "2");
            kv.put("k", "3");
            assertThat(kv.history("k")).extracting(e -> value(e)).containsExactly("2", "3");
        }
    }
}
