package io.natrix.server.objectstore;

import static io.natrix.server.jetstream.JsTests.bytes;
import static io.natrix.server.jetstream.JsTests.connect;
import static io.natrix.server.jetstream.JsTests.jetStreamServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.natrix.server.TestServer;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.ObjectStore;
import io.nats.client.ObjectStoreManagement;
import io.nats.client.ObjectStoreOptions;
import io.nats.client.PurgeOptions;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.ObjectMeta;
import io.nats.client.api.ObjectStoreConfiguration;
import io.nats.client.api.ObjectStoreStatus;
import io.nats.client.api.ObjectStoreWatchOption;
import io.nats.client.api.ObjectStoreWatcher;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.impl.Headers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jnats' object store (ADR-20) against Natrix, unchanged. A bucket is the stream {@code OBJ_<bucket>} with subjects
 * {@code $O.<bucket>.C.>} (chunks, one subject per object version: its NUID) and {@code $O.<bucket>.M.>} (one meta
 * message per object under the base64 of its name, rolled up per subject), discard new, rollups and direct gets
 * allowed. So these tests prove the stream features the client leans on: publishing with acks, purge by subject,
 * rollup, last message by subject, ordered push consumers with pending counts and flow control, last-per-subject
 * delivery, stream info with subject counts, seal, and the errors for limits.
 */
class ObjectStoreTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int KIB = 1024;
    private static final int MIB = 1024 * KIB;

    @TempDir
    Path dir;

    private TestServer server() {
        return jetStreamServer(dir.resolve("js"));
    }

    @Test
    void objectStoreBucketsCreateListStatusAndDelete() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            ObjectStoreManagement osm = nc.objectStoreManagement();
            ObjectStoreStatus files = osm.create(ObjectStoreConfiguration.builder("files").description("the files")
                    .storageType(StorageType.File).ttl(Duration.ofHours(1)).maxBucketSize(64L * MIB)
                    .metadata(Map.of("owner", "ops")).compression(true).build());
            assertThat(files.getBucketName()).isEqualTo("files");
            assertThat(files.getDescription()).isEqualTo("the files");
            assertThat(files.getStorageType()).isEqualTo(StorageType.File);
            assertThat(files.getTtl()).isEqualTo(Duration.ofHours(1));
            assertThat(files.getMaxBucketSize()).isEqualTo(64L * MIB);
            assertThat(files.getMetadata()).containsEntry("owner", "ops");
            assertThat(files.isCompressed()).isTrue();
            assertThat(files.isSealed()).isFalse();
            assertThat(files.getSize()).isZero();
            assertThat(files.getReplicas()).isEqualTo(1);
            assertThat(files.getPlacement()).isNull();
            assertThat(files.getBackingStore()).isEqualTo("JetStream");

            ObjectStoreStatus mem = osm.create(ObjectStoreConfiguration.builder("scratch")
                    .storageType(StorageType.Memory).build());
            assertThat(mem.getStorageType()).isEqualTo(StorageType.Memory);
            assertThat(mem.isCompressed()).isFalse();
            assertThat(mem.getTtl()).isEqualTo(Duration.ZERO);
            assertThat(mem.getMaxBucketSize()).isEqualTo(-1);

            // The backing stream as ADR-20 draws it.
            StreamConfiguration sc = nc.jetStreamManagement().getStreamInfo("OBJ_files").getConfiguration();
            assertThat(sc.getSubjects()).containsExactly("$O.files.M.>", "$O.files.C.>");
            assertThat(sc.getAllowRollup()).isTrue();
            assertThat(sc.getAllowDirect()).isTrue();
            assertThat(sc.getDiscardPolicy()).isEqualTo(DiscardPolicy.New);
            assertThat(sc.getMaxAge()).isEqualTo(Duration.ofHours(1));

            assertThat(osm.getBucketNames()).containsExactlyInAnyOrder("files", "scratch");
            assertThat(osm.getStatuses()).extracting(ObjectStoreStatus::getBucketName)
                    .containsExactlyInAnyOrder("files", "scratch");
            assertThat(osm.getStatus("files").getDescription()).isEqualTo("the files");
            assertThat(nc.objectStore("files").getStatus().getMetadata()).containsEntry("owner", "ops");

            // Creating it again with the same configuration is fine; with another one it is refused.
            assertThat(osm.create(ObjectStoreConfiguration.builder("scratch").storageType(StorageType.Memory)
                    .build()).getBucketName()).isEqualTo("scratch");
            assertThatThrownBy(() -> osm.create(ObjectStoreConfiguration.builder("scratch")
                    .storageType(StorageType.Memory).description("other").build()))
                    .isInstanceOfSatisfying(JetStreamApiException.class,
                            e -> assertThat(e.getApiErrorCode()).isEqualTo(10058));

            osm.delete("scratch");
            assertThat(osm.getBucketNames()).containsExactly("files");
            assertThatThrownBy(() -> osm.getStatus("scratch")).isInstanceOfSatisfying(JetStreamApiException.class,
                    e -> assertThat(e.getApiErrorCode()).isEqualTo(10059));
            assertThatThrownBy(() -> osm.delete("scratch")).isInstanceOfSatisfying(JetStreamApiException.class,
                    e -> assertThat(e.getApiErrorCode()).isEqualTo(10059));
        }
    }

    @Test
    void objectStorePutGetInfoAndListWithDigests() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            nc.objectStoreManagement().create(ObjectStoreConfiguration.builder("b").storageType(StorageType.File)
                    .build());
            ObjectStore os = nc.objectStore("b");

            byte[] data = random(10 * KIB + 17, 1);
            Headers headers = new Headers().put("Content-Type", "application/octet-stream").add("X-Tag", "a", "b");
            ObjectInfo put = os.put(ObjectMeta.builder("dir/report 2024.bin").description("a report")
                    .headers(headers).chunkSize(KIB).build(), new ByteArrayInputStream(data));
            assertThat(put.getBucket()).isEqualTo("b");
            assertThat(put.getSize()).isEqualTo(data.length);
            assertThat(put.getChunks()).isEqualTo(11);
            assertThat(put.getDigest()).isEqualTo(digest(data));
            assertThat(put.getNuid()).isNotBlank();

            ObjectInfo info = os.getInfo("dir/report 2024.bin");
            assertThat(info.getObjectName()).isEqualTo("dir/report 2024.bin");
            assertThat(info.getDescription()).isEqualTo("a report");
            assertThat(info.getHeaders().get("X-Tag")).containsExactly("a", "b");
            assertThat(info.getHeaders().getFirst("Content-Type")).isEqualTo("application/octet-stream");
            assertThat(info.getObjectMeta().getObjectMetaOptions().getChunkSize()).isEqualTo(KIB);
            assertThat(info.getNuid()).isEqualTo(put.getNuid());
            assertThat(info.getDigest()).isEqualTo(digest(data));
            assertThat(info.getModified()).isNotNull();
            assertThat(info.isDeleted()).isFalse();

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ObjectInfo got = os.get("dir/report 2024.bin", out);
            assertThat(out.toByteArray()).isEqualTo(data);
            assertThat(got.getNuid()).isEqualTo(put.getNuid());

            // One chunk (read with a direct get of the last message), an empty object, and one from a file.
            byte[] small = random(300, 2);
            ObjectInfo firstSmall = os.put("small", small);
            assertThat(read(os, "small")).isEqualTo(small);
            ObjectInfo empty = os.put("empty", new byte[0]);
            assertThat(empty.getChunks()).isZero();
            assertThat(empty.getSize()).isZero();
            // With no chunk to read, the client waits out its request timeout for one: keep that short, but not
            // shorter than the info lookup and consumer set-up that use the same timeout may take on a busy machine.
            ObjectStore brief = nc.objectStore("b", ObjectStoreOptions.builder()
                    .jsRequestTimeout(Duration.ofSeconds(2)).build());
            assertThat(read(brief, "empty")).isEmpty();
            Path file = dir.resolve("notes.txt");
            Files.write(file, random(200 * KIB + 3, 3));
            ObjectInfo fromFile = os.put(file.toFile());
            assertThat(fromFile.getObjectName()).isEqualTo("notes.txt");
            assertThat(fromFile.getChunks()).isEqualTo(2); // 128 KiB chunks by default
            assertThat(read(os, "notes.txt")).isEqualTo(Files.readAllBytes(file));

            // A new version under the same name: a new NUID, the meta rolled up to one message.
            byte[] second = random(3 * KIB, 4);
            ObjectInfo replaced = os.put(ObjectMeta.builder("small").chunkSize(KIB).build(),
                    new ByteArrayInputStream(second));
            assertThat(replaced.getNuid()).isNotEqualTo(firstSmall.getNuid());
            assertThat(read(os, "small")).isEqualTo(second);
            StreamInfo si = nc.jetStreamManagement().getStreamInfo("OBJ_b",
                    StreamInfoOptions.filterSubjects("$O.b.M.>"));
            assertThat(si.getStreamState().getSubjects()).hasSize(4)
                    .allSatisfy(s -> assertThat(s.getCount()).isEqualTo(1));

            assertThat(os.getList()).extracting(ObjectInfo::getObjectName)
                    .containsExactlyInAnyOrder("dir/report 2024.bin", "small", "empty", "notes.txt");
            assertThat(os.getStatus().getSize()).isPositive();
            assertThat(os.getInfo("nothing here")).isNull();
            assertThatThrownBy(() -> os.get("nothing here", new ByteArrayOutputStream()))
                    .hasMessageContaining("OS-90201");
        }
    }

    @Test
    void objectStoreLargeObjectFromAFileRoundTripsByteIdentical() throws Exception {
        long size = 200L * MIB + 12_345; // not a whole number of chunks
        Path source = dir.resolve("big.bin");
        try (OutputStream out = Files.newOutputStream(source)) {
            SplittableRandom random = new SplittableRandom(42);
            byte[] block = new byte[MIB];
            for (long left = size; left > 0; left -= block.length) {
                random.nextBytes(block);
                out.write(block, 0, (int) Math.min(left, block.length));
            }
        }
        try (TestServer server = server(); Connection nc = connect(server)) {
            nc.objectStoreManagement().create(ObjectStoreConfiguration.builder("big").storageType(StorageType.File)
                    .build());
            ObjectStore os = nc.objectStore("big", ObjectStoreOptions.builder().jsRequestTimeout(TIMEOUT).build());

            ObjectInfo put = os.put(source.toFile());
            long chunks = (size + 128 * KIB - 1) / (128 * KIB);
            assertThat(put.getSize()).isEqualTo(size);
            assertThat(put.getChunks()).isEqualTo(chunks);
            assertThat(put.getDigest()).isEqualTo(digest(source));
            assertThat(os.getStatus().getBackingStreamInfo().getStreamState().getMsgCount()).isEqualTo(chunks + 1);

            Path copy = dir.resolve("copy.bin");
            try (OutputStream out = Files.newOutputStream(copy)) {
                os.get("big.bin", out);
            }
            assertThat(Files.size(copy)).isEqualTo(size);
            assertThat(Files.mismatch(source, copy)).isEqualTo(-1L);

            os.delete("big.bin");
            assertThat(os.getStatus().getBackingStreamInfo().getStreamState().getMsgCount()).isEqualTo(1);
        }
    }

    @Test
    void objectStoreDeletePurgesTheChunksAndKeepsATombstone() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            nc.objectStoreManagement().create(ObjectStoreConfiguration.builder("b").storageType(StorageType.Memory)
                    .build());
            ObjectStore os = nc.objectStore("b");
            JetStreamManagement jsm = nc.jetStreamManagement();
            ObjectInfo kept = os.put(ObjectMeta.builder("kept").chunkSize(KIB).build(),
                    new ByteArrayInputStream(random(4 * KIB, 5)));
            ObjectInfo gone = os.put(ObjectMeta.builder("gone").chunkSize(KIB).build(),
                    new ByteArrayInputStream(random(8 * KIB, 6)));
            assertThat(jsm.getStreamInfo("OBJ_b").getStreamState().getMsgCount()).isEqualTo(4 + 1 + 8 + 1);

            ObjectInfo deleted = os.delete("gone");
            assertThat(deleted.isDeleted()).isTrue();
            assertThat(deleted.getSize()).isZero();
            assertThat(deleted.getChunks()).isZero();
            StreamInfo si = jsm.getStreamInfo("OBJ_b", StreamInfoOptions.filterSubjects("$O.b.C.>"));
            assertThat(si.getStreamState().getSubjects()).extracting(s -> s.getName())
                    .containsExactly("$O.b.C." + kept.getNuid());
            assertThat(si.getStreamState().getMsgCount()).isEqualTo(4 + 1 + 1);
            assertThat(jsm.getStreamInfo("OBJ_b", StreamInfoOptions.filterSubjects("$O.b.C." + gone.getNuid()))
                    .getStreamState().getSubjects()).isEmpty();

            assertThat(os.getInfo("gone")).isNull();
            assertThat(os.getInfo("gone", true).isDeleted()).isTrue();
            assertThat(os.getList()).extracting(ObjectInfo::getObjectName).containsExactly("kept");
            assertThatThrownBy(() -> os.get("gone", new ByteArrayOutputStream())).hasMessageContaining("OS-90201");
            assertThat(os.delete("gone").isDeleted()).isTrue(); // a second delete is fine
            assertThatThrownBy(() -> os.delete("never")).hasMessageContaining("OS-90201");

            // A deleted name can be used again.
            os.put("gone", bytes("back"));
            assertThat(read(os, "gone")).isEqualTo(bytes("back"));
        }
    }

    @Test
    void objectStoreLinksToObjectsAndToBuckets() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            ObjectStoreManagement osm = nc.objectStoreManagement();
            osm.create(ObjectStoreConfiguration.builder("one").storageType(StorageType.Memory).build());
            osm.create(ObjectStoreConfiguration.builder("two").storageType(StorageType.File).build());
            ObjectStore one = nc.objectStore("one");
            ObjectStore two = nc.objectStore("two");
            byte[] data = random(5 * KIB, 7);
            ObjectInfo target = one.put(ObjectMeta.builder("target").chunkSize(KIB).build(),
                    new ByteArrayInputStream(data));

            ObjectInfo same = one.addLink("same", target);
            assertThat(same.isLink()).isTrue();
            assertThat(same.getLink().isObjectLink()).isTrue();
            assertThat(same.getLink().getBucket()).isEqualTo("one");
            assertThat(same.getLink().getObjectName()).isEqualTo("target");
            assertThat(read(one, "same")).isEqualTo(data);

            ObjectInfo cross = two.addLink("cross", target);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ObjectInfo resolved = two.get("cross", out);
            assertThat(out.toByteArray()).isEqualTo(data);
            assertThat(resolved.getBucket()).isEqualTo("one");
            assertThat(two.getInfo("cross").getLink().getObjectName()).isEqualTo("target");
            assertThat(cross.getBucket()).isEqualTo("two");

            ObjectInfo bucketLink = two.addBucketLink("all of one", one);
            assertThat(bucketLink.getLink().isBucketLink()).isTrue();
            assertThat(bucketLink.getLink().getBucket()).isEqualTo("one");
            assertThatThrownBy(() -> two.get("all of one", new ByteArrayOutputStream()))
                    .hasMessageContaining("OS-90208");
            assertThatThrownBy(() -> two.addLink("chain", cross)).hasMessageContaining("OS-90204");
            assertThatThrownBy(() -> one.addLink("target", target)).hasMessageContaining("OS-90203");
            assertThat(two.getList()).extracting(ObjectInfo::getObjectName)
                    .containsExactlyInAnyOrder("cross", "all of one");

            // The link outlives its target, which then cannot be found through it.
            one.delete("target");
            assertThat(two.getInfo("cross")).isNotNull();
            assertThatThrownBy(() -> two.get("cross", new ByteArrayOutputStream())).hasMessageContaining("OS-90201");
            assertThatThrownBy(() -> one.addLink("again", one.getInfo("target", true)))
                    .hasMessageContaining("OS-90202");
        }
    }

    @Test
    void objectStoreUpdateMetaRenamesAndReplacesDescriptionAndHeaders() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            nc.objectStoreManagement().create(ObjectStoreConfiguration.builder("b").storageType(StorageType.File)
                    .build());
            ObjectStore os = nc.objectStore("b");
            byte[] data = random(3 * KIB, 8);
            ObjectInfo original = os.put(ObjectMeta.builder("old").description("first")
                    .headers(new Headers().put("K", "v1")).chunkSize(KIB).build(), new ByteArrayInputStream(data));
            os.put("taken", bytes("x"));

            ObjectInfo renamed = os.updateMeta("old", ObjectMeta.builder("new").description("second")
                    .headers(new Headers().put("K", "v2").put("L", "w")).build());
            assertThat(renamed.getObjectName()).isEqualTo("new");
            assertThat(renamed.getNuid()).isEqualTo(original.getNuid());
            ObjectInfo info = os.getInfo("new");
            assertThat(info.getDescription()).isEqualTo("second");
            assertThat(info.getHeaders().getFirst("K")).isEqualTo("v2");
            assertThat(info.getHeaders().getFirst("L")).isEqualTo("w");
            assertThat(info.getSize()).isEqualTo(data.length);
            assertThat(read(os, "new")).isEqualTo(data);
            // The old name's meta was purged, not marked deleted.
            assertThat(os.getInfo("old", true)).isNull();
            assertThat(os.getList()).extracting(ObjectInfo::getObjectName).containsExactlyInAnyOrder("new", "taken");

            // Description only, name kept.
            assertThat(os.updateMeta("new", ObjectMeta.builder("new").description("third").build())
                    .getDescription()).isEqualTo("third");
            assertThat(os.getInfo("new").getDescription()).isEqualTo("third");

            assertThatThrownBy(() -> os.updateMeta("new", ObjectMeta.objectName("taken")))
                    .hasMessageContaining("OS-90203");
            assertThatThrownBy(() -> os.updateMeta("nope", ObjectMeta.objectName("x")))
                    .hasMessageContaining("OS-90201");
            os.delete("taken");
            assertThatThrownBy(() -> os.updateMeta("taken", ObjectMeta.objectName("y")))
                    .hasMessageContaining("OS-90202");
        }
    }

    /** Collects what a watch reports, and when it said the initial data was all there. */
    private static final class Collector implements ObjectStoreWatcher {
        final BlockingQueue<ObjectInfo> seen = new LinkedBlockingQueue<>();
        final CountDownLatch endOfData = new CountDownLatch(1);

        @Override
        public void watch(ObjectInfo info) {
            seen.add(info);
        }

        @Override
        public void endOfData() {
            endOfData.countDown();
        }

        /** The next {@code n} reports, as "name" or "name(deleted)". */
        List<String> next(int n) throws InterruptedException {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ObjectInfo info = seen.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(info).as("report %d of %d", i + 1, n).isNotNull();
                names.add(info.getObjectName() + (info.isDeleted() ? "(deleted)" : ""));
            }
            return names;
        }

        void awaitEndOfData() throws InterruptedException {
            assertThat(endOfData.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        }
    }

    @Test
    void objectStoreWatchAllHistoryUpdatesOnlyAndIgnoringDeletes() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            nc.objectStoreManagement().create(ObjectStoreConfiguration.builder("w").storageType(StorageType.Memory)
                    .build());
            ObjectStore os = nc.objectStore("w");
            os.put("a", bytes("1"));
            os.put("b", bytes("2"));
            os.put("a", bytes("3")); // rolls up a's first meta
            os.delete("b");
            os.put("c", bytes("4"));

            Collector all = new Collector();
            Collector history = new Collector();
            Collector updates = new Collector();
            Collector noDeletes = new Collector();
            var subs = List.of(os.watch(all), os.watch(history, ObjectStoreWatchOption.INCLUDE_HISTORY),
                    os.watch(updates, ObjectStoreWatchOption.UPDATES_ONLY),
                    os.watch(noDeletes, ObjectStoreWatchOption.IGNORE_DELETE));
            try {
                // Meta messages are rolled up per subject, so the history is the last of each: in stream order.
                assertThat(all.next(3)).containsExactly("a", "b(deleted)", "c");
                all.awaitEndOfData();
                assertThat(history.next(3)).containsExactly("a", "b(deleted)", "c");
                history.awaitEndOfData();
                assertThat(noDeletes.next(2)).containsExactly("a", "c");
                noDeletes.awaitEndOfData();
                updates.awaitEndOfData();
                assertThat(updates.seen).isEmpty();

                os.put("d", bytes("5"));
                os.delete("a");
                assertThat(all.next(2)).containsExactly("d", "a(deleted)");
                assertThat(history.next(2)).containsExactly("d", "a(deleted)");
                assertThat(updates.next(2)).containsExactly("d", "a(deleted)");
                assertThat(noDeletes.next(1)).containsExactly("d");
                os.put("e", bytes("6"));
                assertThat(noDeletes.next(1)).containsExactly("e"); // the deletion of a never came
            } finally {
                for (var sub : subs) {
                    sub.unsubscribe();
                }
            }
        }
    }

    @Test
    void objectStoreSealedBucketServesReadsAndRefusesWrites() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            nc.objectStoreManagement().create(ObjectStoreConfiguration.builder("s").storageType(StorageType.File)
                    .build());
            ObjectStore os = nc.objectStore("s");
            byte[] data = random(2 * KIB + 1, 9);
            os.put(ObjectMeta.builder("kept").chunkSize(KIB).build(), new ByteArrayInputStream(data));

            ObjectStoreStatus sealed = os.seal();
            assertThat(sealed.isSealed()).isTrue();
            assertThat(nc.objectStoreManagement().getStatus("s").isSealed()).isTrue();
            assertThat(read(os, "kept")).isEqualTo(data);
            assertThat(os.getList()).hasSize(1);

            assertThatThrownBy(() -> os.put("more", bytes("x"))).isInstanceOfSatisfying(JetStreamApiException.class,
                    e -> assertThat(e.getApiErrorCode()).isEqualTo(10109));
            assertThatThrownBy(() -> os.delete("kept")).isInstanceOfSatisfying(JetStreamApiException.class,
                    e -> assertThat(e.getApiErrorCode()).isEqualTo(10109));
            assertThat(read(os, "kept")).isEqualTo(data);
            assertThat(os.getStatus().getBackingStreamInfo().getStreamState().getMsgCount()).isEqualTo(4);
        }
    }

    @Test
    void objectStoreLimitsMaxBytesRefusesAndTtlExpires() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            ObjectStoreManagement osm = nc.objectStoreManagement();
            osm.create(ObjectStoreConfiguration.builder("small").storageType(StorageType.File)
                    .maxBucketSize(16L * KIB).build());
            ObjectStore small = nc.objectStore("small");
            small.put("fits", random(4 * KIB, 10));

            // Discard new: the chunk that does not fit is refused, and the client purges what it had put.
            assertThatThrownBy(() -> small.put(ObjectMeta.builder("too big").chunkSize(KIB).build(),
                    new ByteArrayInputStream(random(32 * KIB, 11))))
                    .isInstanceOfSatisfying(JetStreamApiException.class, e -> {
                        assertThat(e.getApiErrorCode()).isEqualTo(10077); // nats-server's store failure
                        assertThat(e.getErrorDescription()).isEqualTo("maximum bytes exceeded");
                    });
            assertThat(small.getInfo("too big")).isNull();
            assertThat(small.getStatus().getBackingStreamInfo().getStreamState().getMsgCount()).isEqualTo(2);
            assertThat(read(small, "fits")).hasSize(4 * KIB);

            // Long enough for the object to be put and found before it expires, on a busy machine too.
            osm.create(ObjectStoreConfiguration.builder("brief").storageType(StorageType.Memory)
                    .ttl(Duration.ofSeconds(3)).build());
            ObjectStore brief = nc.objectStore("brief");
            brief.put("soon gone", random(3 * KIB, 12));
            assertThat(brief.getInfo("soon gone")).isNotNull();
            await().atMost(TIMEOUT).until(
                    () -> brief.getStatus().getBackingStreamInfo().getStreamState().getMsgCount() == 0);
            assertThat(brief.getInfo("soon gone")).isNull();
        }
    }

    @Test
    void objectStoreInvalidNamesAndMissingBuckets() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            ObjectStoreManagement osm = nc.objectStoreManagement();
            for (String bad : List.of("with.dot", "with space", "star*", "gt>", "")) {
                assertThatThrownBy(() -> osm.create(ObjectStoreConfiguration.builder(bad).build()))
                        .as(bad).isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> nc.objectStore(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
            }
            assertThat(osm.getBucketNames()).isEmpty();

            // A bucket nobody created: its subjects have no stream, so publishing meets no responders at once.
            ObjectStore missing = nc.objectStore("missing");
            long start = System.nanoTime();
            assertThatThrownBy(() -> missing.put("x", bytes("y"))).isInstanceOf(IOException.class)
                    .hasMessageContaining("503");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT);
            assertThatThrownBy(() -> missing.getInfo("x")).isInstanceOfSatisfying(JetStreamApiException.class,
                    e -> assertThat(e.getApiErrorCode()).isEqualTo(10059));

            osm.create(ObjectStoreConfiguration.builder("b").storageType(StorageType.Memory).build());
            ObjectStore os = nc.objectStore("b");
            assertThatThrownBy(() -> os.put((String) null, bytes("x"))).isInstanceOf(IllegalArgumentException.class);
            // Any other name is fine: it travels base64-encoded in the meta subject.
            for (String name : List.of("a.b", "*", ">", "ünïcødé", "with space", "../etc/passwd")) {
                os.put(name, bytes(name));
                assertThat(read(os, name)).as(name).isEqualTo(bytes(name));
            }
        }
    }

    @Test
    void objectStoreMissingOrCorruptChunksAreReportedNotServed() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            nc.objectStoreManagement().create(ObjectStoreConfiguration.builder("c").storageType(StorageType.File)
                    .build());
            // The request timeout covers every put's acknowledgements and every get's set-up: not short on a busy
            // machine. Only the read that waits it out for chunks that never come uses a shorter one, below.
            ObjectStore os = nc.objectStore("c", ObjectStoreOptions.builder().jsRequestTimeout(TIMEOUT).build());
            JetStreamManagement jsm = nc.jetStreamManagement();
            var js = nc.jetStream();

            // A chunk deleted from the middle: the ordered consumer's pending count gives the gap away at once.
            ObjectInfo holed = os.put(ObjectMeta.builder("holed").chunkSize(KIB).build(),
                    new ByteArrayInputStream(random(10 * KIB, 13)));
            long first = firstChunkSeq(jsm, holed);
            assertThat(jsm.deleteMessage("OBJ_c", first + 2)).isTrue();
            assertThatThrownBy(() -> os.get("holed", new ByteArrayOutputStream())).hasMessageContaining("OS-90206");

            // A chunk replaced by one of the same length with other bytes: right count and size, wrong digest.
            ObjectInfo swapped = os.put(ObjectMeta.builder("swapped").chunkSize(KIB).build(),
                    new ByteArrayInputStream(random(10 * KIB, 14)));
            jsm.deleteMessage("OBJ_c", firstChunkSeq(jsm, swapped) + 4);
            js.publish("$O.c.C." + swapped.getNuid(), random(KIB, 15));
            assertThatThrownBy(() -> os.get("swapped", new ByteArrayOutputStream())).hasMessageContaining("OS-90205");

            // A chunk replaced by a shorter one: the size is wrong.
            ObjectInfo shortened = os.put(ObjectMeta.builder("shortened").chunkSize(KIB).build(),
                    new ByteArrayInputStream(random(10 * KIB, 16)));
            jsm.deleteMessage("OBJ_c", firstChunkSeq(jsm, shortened) + 9);
            js.publish("$O.c.C." + shortened.getNuid(), random(KIB - 1, 17));
            assertThatThrownBy(() -> os.get("shortened", new ByteArrayOutputStream()))
                    .hasMessageContaining("OS-90207");

            // An extra chunk appended: too many.
            ObjectInfo longer = os.put(ObjectMeta.builder("longer").chunkSize(KIB).build(),
                    new ByteArrayInputStream(random(3 * KIB, 18)));
            js.publish("$O.c.C." + longer.getNuid(), random(KIB, 19));
            assertThatThrownBy(() -> os.get("longer", new ByteArrayOutputStream())).hasMessageContaining("OS-90206");

            // One chunk, rewritten by a raw publish to its subject: the last message is what a get reads.
            byte[] single = random(700, 20);
            ObjectInfo one = os.put("single", single);
            byte[] forged = single.clone();
            forged[350] ^= 1;
            nc.publish("$O.c.C." + one.getNuid(), forged);
            nc.flush(TIMEOUT);
            assertThat(jsm.getLastMessage("OBJ_c", "$O.c.C." + one.getNuid()).getData()).isEqualTo(forged);
            assertThatThrownBy(() -> os.get("single", new ByteArrayOutputStream())).hasMessageContaining("OS-90205");

            // Every chunk purged: no message for a single chunk, nothing at all to read for many.
            jsm.purgeStream("OBJ_c", PurgeOptions.subject("$O.c.C." + one.getNuid()));
            assertThatThrownBy(() -> os.get("single", new ByteArrayOutputStream()))
                    .isInstanceOfSatisfying(JetStreamApiException.class,
                            e -> assertThat(e.getApiErrorCode()).isEqualTo(10037));
            ObjectInfo vanished = os.put(ObjectMeta.builder("vanished").chunkSize(KIB).build(),
                    new ByteArrayInputStream(random(3 * KIB, 21)));
            jsm.purgeStream("OBJ_c", PurgeOptions.subject("$O.c.C." + vanished.getNuid()));
            ObjectStore waitsOut = nc.objectStore("c", ObjectStoreOptions.builder()
                    .jsRequestTimeout(Duration.ofSeconds(2)).build());
            assertThatThrownBy(() -> waitsOut.get("vanished", new ByteArrayOutputStream()))
                    .hasMessageContaining("OS-90206");

            // Untouched objects still read back.
            byte[] fine = random(5 * KIB, 22);
            os.put(ObjectMeta.builder("fine").chunkSize(KIB).build(), new ByteArrayInputStream(fine));
            assertThat(read(os, "fine")).isEqualTo(fine);
        }
    }

    /** The stream sequence of the first chunk of {@code info}'s version. */
    private static long firstChunkSeq(JetStreamManagement jsm, ObjectInfo info) throws Exception {
        return jsm.getFirstMessage("OBJ_" + info.getBucket(), "$O." + info.getBucket() + ".C." + info.getNuid())
                .getSeq();
    }

    private static byte[] read(ObjectStore os, String name) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        os.get(name, out);
        return out.toByteArray();
    }

    private static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new SplittableRandom(seed).nextBytes(data);
        return data;
    }

    /** The digest as ADR-20 writes it: {@code SHA-256=} and the URL-safe base64 of the SHA-256. */
    private static String digest(byte[] data) throws Exception {
        return "SHA-256=" + Base64.getUrlEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(data));
    }

    private static String digest(Path file) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(file)) {
            byte[] buffer = new byte[MIB];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                sha.update(buffer, 0, n);
            }
        }
        return "SHA-256=" + Base64.getUrlEncoder().encodeToString(sha.digest());
    }
}

