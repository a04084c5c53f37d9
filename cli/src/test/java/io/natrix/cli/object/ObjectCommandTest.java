package io.natrix.cli.object;

import static io.natrix.cli.CliAssert.oneLineError;
import static org.assertj.core.api.Assertions.assertThat;

import io.natrix.cli.CliAssert;
import io.natrix.cli.CliHarness;
import io.natrix.cli.CliHarness.Result;
import io.natrix.cli.TestClients;
import io.nats.client.Connection;
import io.nats.client.ObjectStore;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.ObjectStoreStatus;
import io.nats.client.api.StorageType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code natrix object}: objects written by the commands as jnats sees them, natscli's output, bad input. */
class ObjectCommandTest {

    @TempDir
    Path dir;

    CliHarness cli;

    @BeforeEach
    void start() {
        cli = CliHarness.start(dir);
    }

    @AfterEach
    void stop() {
        cli.close();
    }

    private Result ok(String... args) {
        return CliAssert.ok(cli.run(args));
    }

    private Path randomFile(String name, int size, long seed) throws Exception {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        Path file = dir.resolve(name);
        Files.write(file, data);
        return file;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    @Test
    void addMakesTheBucketJnatsSees() throws Exception {
        Result add = ok("object", "add", "FILES", "--ttl", "2h", "--description", "build output",
                "--storage", "m", "--max-bucket-size", "100MB", "--metadata", "owner=ci");
        assertThat(add.out()).startsWith("Information for Object Store Bucket FILES created ")
                .contains("\nConfiguration:\n\n")
                .contains("          Bucket Name: FILES\n")
                .contains("          Description: build output\n")
                .contains("                  TTL: 2h0m0s\n")
                .contains("               Sealed: false\n")
                .contains("  Maximum Bucket Size: 100 MiB\n")
                .contains("              Storage: Memory\n")
                .contains("     JetStream Stream: OBJ_FILES\n")
                .contains("             Metadata: owner: ci\n");
        try (Connection nc = TestClients.connect(cli)) {
            ObjectStoreStatus status = nc.objectStoreManagement().getStatus("FILES");
            assertThat(status.getTtl()).isEqualTo(Duration.ofHours(2));
            assertThat(status.getDescription()).isEqualTo("build output");
            assertThat(status.getStorageType()).isEqualTo(StorageType.Memory);
            assertThat(status.getMaxBucketSize()).isEqualTo(100L * 1024 * 1024);
        }
        ok("obj", "add", "EMPTY");
        Result ls = ok("object", "ls");
        assertThat(ls.out()).contains("Object Store Buckets").contains("│ Bucket │ Description  │ Created")
                .contains("│ FILES  │ build output │");
        assertThat(ok("object", "ls", "--names").out().lines().sorted().toList()).containsExactly("EMPTY", "FILES");
        assertThat(ok("object", "ls", "EMPTY").out()).isEqualTo("No entries found\n");
        assertThat(ok("object", "info", "FILES", "--json").out()).contains("\"name\" : \"OBJ_FILES\"");
    }

    @Test
    void editChangesOnlyTheGivenSettings() throws Exception {
        ok("object", "add", "E", "--description", "before", "--max-bucket-size", "1G", "--metadata", "a=1");
        ok("object", "put", "E", randomFile("e.bin", 1000, 5).toString(), "--name", "e");
        Result edit = ok("object", "edit", "E", "--ttl", "30s", "--description", "after");
        assertThat(edit.out()).contains("Description: after").contains("TTL: 30s").contains("Metadata: a: 1");
        try (Connection nc = TestClients.connect(cli)) {
            ObjectStoreStatus status = nc.objectStoreManagement().getStatus("E");
            assertThat(status.getDescription()).isEqualTo("after");
            assertThat(status.getTtl()).isEqualTo(Duration.ofSeconds(30));
            assertThat(status.getMaxBucketSize()).isEqualTo(1L << 30);
            assertThat(status.getMetadata()).containsEntry("a", "1");
            assertThat(nc.objectStore("E").getInfo("e").getSize()).isEqualTo(1000);
        }
        ok("object", "edit", "E", "--metadata", "b=2");
        try (Connection nc = TestClients.connect(cli)) {
            assertThat(nc.objectStoreManagement().getStatus("E").getMetadata()).containsEntry("b", "2")
                    .doesNotContainKey("a");
        }
        oneLineError(cli.run("object", "edit", "NOPE", "--ttl", "1h"), "bucket \"NOPE\" not found");
    }

    @Test
    void putAndGetRoundTripAMultiMegabyteFile() throws Exception {
        ok("object", "add", "B");
        Path file = randomFile("big.bin", 5 * 1024 * 1024 + 17, 42);
        Result put = ok("object", "put", "B", file.toString(), "--name", "big.bin", "--description", "random",
                "-H", "Content-Type: application/octet-stream");
        String hex = sha256(file);
        assertThat(put.out()).startsWith("\nObject information for B > big.bin\n\n")
                .contains("      Description: random\n")
                .contains("             Size: 5.0 MiB\n")
                .contains("Modification Time: ")
                .contains("           Digest: SHA-256 " + hex + "\n")
                .contains("          Headers: Content-Type: application/octet-stream\n");

        try (Connection nc = TestClients.connect(cli)) {
            ObjectStore os = nc.objectStore("B");
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ObjectInfo info = os.get("big.bin", bytes);
            assertThat(bytes.toByteArray()).isEqualTo(Files.readAllBytes(file));
            assertThat(info.getDescription()).isEqualTo("random");
            assertThat(info.getHeaders().getFirst("Content-Type")).isEqualTo("application/octet-stream");
            os.put("small.txt", "hello".getBytes(StandardCharsets.UTF_8));
        }

        Path out = dir.resolve("copy.bin");
        Result get = ok("object", "get", "B", "big.bin", "--output", out.toString());
        assertThat(get.out()).startsWith("Wrote: 5.0 MiB to " + out.toAbsolutePath() + " in ");
        assertThat(sha256(out)).isEqualTo(hex);
        try (var listing = Files.list(dir)) {
            assertThat(listing.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".part"));
        }

        Result ls = ok("object", "ls", "B");
        assertThat(ls.out()).contains("Bucket Contents").contains("│ Name      │ Size    │ Time")
                .contains("│ big.bin   │ 5.0 MiB │").contains("│ small.txt │ 5 B     │");
        assertThat(ok("object", "ls", "B", "-n").out().lines().sorted().toList())
                .containsExactly("big.bin", "small.txt");
        assertThat(ok("object", "info", "B", "big.bin").out()).contains("Digest: SHA-256 " + hex);
        assertThat(ok("object", "info", "B", "big.bin", "--json").out()).contains("\"name\" : \"big.bin\"")
                .contains("\"bucket\" : \"B\"");
    }

    @Test
    void putFromStdinNeedsANameAndReplacingNeedsForce() throws Exception {
        ok("object", "add", "B");
        oneLineError(cli.runWithInput("data", "object", "put", "B"), "--name is required when reading from stdin");
        Result put = cli.runWithInput("from stdin", "object", "put", "B", "--name", "notes/today.txt");
        assertThat(put.status()).as(put.toString()).isZero();
        assertThat(put.out()).contains("Object information for B > notes/today.txt").contains("Size: 10 B");

        oneLineError(cli.runWithInput("again", "object", "put", "B", "--name", "notes/today.txt"),
                "cannot ask for confirmation without a terminal, use --force");
        Result forced = cli.runWithInput("replaced", "object", "put", "B", "--name", "notes/today.txt", "--force");
        assertThat(forced.status()).as(forced.toString()).isZero();

        Path out = dir.resolve("today.txt");
        ok("object", "get", "B", "notes/today.txt", "-O", out.toString());
        assertThat(Files.readString(out)).isEqualTo("replaced");
    }

    @Test
    void getRefusesToOverwriteWithoutForce() throws Exception {
        ok("object", "add", "B");
        Path file = randomFile("data.bin", 64 * 1024, 7);
        ok("object", "put", "B", file.toString(), "--name", "data.bin");
        Path existing = dir.resolve("existing.bin");
        Files.writeString(existing, "keep me");
        oneLineError(cli.run("object", "get", "B", "data.bin", "--output", existing.toString()),
                "cannot ask for confirmation without a terminal, use --force");
        assertThat(Files.readString(existing)).isEqualTo("keep me");
        ok("object", "get", "B", "data.bin", "--output", existing.toString(), "--force");
        assertThat(sha256(existing)).isEqualTo(sha256(file));
    }

    @Test
    void linkSealAndDelete() throws Exception {
        ok("object", "add", "SRC");
        ok("object", "add", "LINKS");
        Path file = randomFile("src.bin", 300 * 1024, 3);
        ok("object", "put", "SRC", file.toString(), "--name", "orig");

        Result link = ok("object", "link", "LINKS", "alias", "SRC", "orig");
        assertThat(link.out()).contains("Object information for LINKS > alias").contains("Link: SRC > orig");
        Path viaLink = dir.resolve("via-link.bin");
        ok("object", "get", "LINKS", "alias", "-O", viaLink.toString());
        assertThat(sha256(viaLink)).isEqualTo(sha256(file));
        ok("object", "link", "LINKS", "whole", "SRC");
        try (Connection nc = TestClients.connect(cli)) {
            ObjectInfo alias = nc.objectStore("LINKS").getInfo("alias");
            assertThat(alias.isLink()).isTrue();
            assertThat(alias.getLink().getBucket()).isEqualTo("SRC");
            assertThat(alias.getLink().getObjectName()).isEqualTo("orig");
            assertThat(nc.objectStore("LINKS").getInfo("whole").getLink().isBucketLink()).isTrue();
        }
        oneLineError(cli.run("object", "link", "LINKS", "again", "LINKS", "alias"), "could not link LINKS > again");
        oneLineError(cli.run("object", "link", "LINKS", "x", "SRC", "missing"),
                "object \"missing\" not found in bucket \"SRC\"");

        Result seal = ok("object", "seal", "LINKS", "-f");
        assertThat(seal.out()).startsWith("LINKS has been sealed\n").contains("Sealed: true");
        Result sealedPut = cli.run("object", "put", "LINKS", file.toString(), "--name", "new");
        assertThat(sealedPut.status()).isEqualTo(1);
        assertThat(sealedPut.err()).startsWith("natrix: error: ").hasLineCount(1);

        Result del = ok("object", "del", "SRC", "orig", "--force");
        assertThat(del.out()).startsWith("Removed SRC > orig\n").contains("Information for Object Store Bucket SRC");
        try (Connection nc = TestClients.connect(cli)) {
            assertThat(nc.objectStore("SRC").getInfo("orig")).isNull();
        }
        oneLineError(cli.run("object", "get", "SRC", "orig", "-O", dir.resolve("x").toString()),
                "object \"orig\" not found in bucket \"SRC\"");
        oneLineError(cli.run("object", "rm", "SRC"), "cannot ask for confirmation");
        ok("object", "rm", "SRC", "-f");
        try (Connection nc = TestClients.connect(cli)) {
            assertThat(nc.objectStoreManagement().getBucketNames()).containsExactly("LINKS");
        }
    }

    @Test
    void watchPrintsPutsAndDeletes() throws Exception {
        ok("object", "add", "W");
        ok("object", "put", "W", randomFile("one.bin", 1024, 1).toString(), "--name", "one");
        CompletableFuture<Result> live = CompletableFuture.supplyAsync(() -> cli.run("object", "watch", "W", "--count", "3"));
        TestClients.awaitConsumer(cli, "OBJ_W");
        ok("object", "put", "W", randomFile("two.bin", 2048, 2).toString(), "--name", "two");
        ok("object", "del", "W", "one", "-f");
        Result watched = live.get(20, TimeUnit.SECONDS);
        assertThat(watched.status()).as(watched.toString()).isZero();
        assertThat(watched.out().lines().map(l -> l.substring(l.indexOf(']') + 2)).toList())
                .containsExactly("PUT W > one: 1.0 KiB bytes in 1 chunks", "PUT W > two: 2.0 KiB bytes in 1 chunks",
                        "DEL W > one");
        assertThat(watched.out()).matches("(?s)\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\] .*");
    }

    @Test
    void badInputIsOneLineAndNonZero() throws Exception {
        oneLineError(cli.run("object", "ls", "NOPE"), "bucket \"NOPE\" not found");
        oneLineError(cli.run("object", "info", "NOPE"), "bucket \"NOPE\" not found");
        oneLineError(cli.run("object", "info", "NOPE", "--json"), "bucket \"NOPE\" not found");
        oneLineError(cli.run("object", "get", "NOPE", "x"), "bucket \"NOPE\" not found");
        oneLineError(cli.run("object", "rm", "NOPE", "-f"), "bucket \"NOPE\" not found");
        oneLineError(cli.run("object", "add", "bad.name"), "invalid bucket name \"bad.name\"");
        ok("object", "add", "B");
        oneLineError(cli.run("object", "put", "B", dir.resolve("absent").toString()), "cannot read file");
        oneLineError(cli.run("object", "info", "B", "absent"), "object \"absent\" not found in bucket \"B\"");
        oneLineError(cli.runWithInput("x", "object", "put", "B", "--name", "h", "-H", "nocolon"),
                "invalid header \"nocolon\"");
        oneLineError(cli.run("object", "get", "B", "x", "-O", dir.resolve("no/such/dir/f").toString()),
                "object \"x\" not found");

        Result missing = cli.run("object", "get", "B");
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).hasLineCount(1);
        Result unknown = cli.run("obj", "frob");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).hasLineCount(1).contains("unknown command: frob");
    }

    @Test
    void unreachableServerIsOneLine(@TempDir Path other) {
        try (CliHarness offline = CliHarness.withoutServer(other)) {
            Result r = offline.run("object", "ls", "--server", "nats://127.0.0.1:1");
            assertThat(r.status()).isEqualTo(1);
            assertThat(r.err()).startsWith("natrix: error: could not connect to nats://127.0.0.1:1").hasLineCount(1);
        }
    }
}
