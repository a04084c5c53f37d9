package io.natrix.cli.kv;

import static io.natrix.cli.CliAssert.oneLineError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.natrix.cli.CliAssert;
import io.natrix.cli.CliHarness;
import io.natrix.cli.CliHarness.Result;
import io.natrix.cli.TestClients;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueStatus;
import io.nats.client.api.StorageType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code natrix kv}: buckets and values written by the commands as jnats sees them, and natscli's output. */
class KvCommandTest {

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

    @Test
    void addMakesTheBucketJnatsSees() throws Exception {
        Result add = ok("kv", "add", "CONFIG", "--history", "5", "--ttl", "1h", "--description", "app settings",
                "--max-value-size", "1KB", "--max-bucket-size", "10M", "--storage", "memory",
                "--metadata", "team=ops");
        assertThat(add.out()).startsWith("Information for Key-Value Store Bucket CONFIG created ")
                .contains("\nConfiguration:\n\n")
                .contains("          Bucket Name: CONFIG\n")
                .contains("         History Kept: 5\n")
                .contains("Per-Key TTL Supported: false\n")
                .contains("   Backing Store Kind: JetStream\n")
                .contains("          Description: app settings\n")
                .contains("  Maximum Bucket Size: 10 MiB\n")
                .contains("   Maximum Value Size: 1.0 KiB\n")
                .contains("          Maximum Age: 1h0m0s\n")
                .contains("     JetStream Stream: KV_CONFIG\n")
                .contains("              Storage: Memory\n")
                .contains("Metadata:\n\n").contains("team: ops");
        try (Connection nc = TestClients.connect(cli)) {
            KeyValueStatus status = nc.keyValueManagement().getStatus("CONFIG");
            assertThat(status.getMaxHistoryPerKey()).isEqualTo(5);
            assertThat(status.getTtl()).isEqualTo(Duration.ofHours(1));
            assertThat(status.getDescription()).isEqualTo("app settings");
            assertThat(status.getMaximumValueSize()).isEqualTo(1024);
            assertThat(status.getMaxBucketSize()).isEqualTo(10 * 1024 * 1024);
            assertThat(status.getStorageType()).isEqualTo(StorageType.Memory);
            assertThat(status.getMetadata()).containsEntry("team", "ops");
        }
        Result info = ok("kv", "info", "CONFIG");
        assertThat(info.out()).contains("History Kept: 5");
        assertThat(ok("kv", "status", "CONFIG", "--json").out()).contains("\"name\" : \"KV_CONFIG\"")
                .contains("\"max_msgs_per_subject\" : 5");
    }

    @Test
    void editChangesOnlyTheGivenSettings() throws Exception {
        ok("kv", "add", "E", "--history", "2", "--ttl", "30s", "--description", "before", "--max-value-size", "2K");
        ok("kv", "put", "E", "k", "v");
        Result edit = ok("kv", "edit", "E", "--history", "7", "--description", "after");
        assertThat(edit.out()).contains("History Kept: 7").contains("Description: after").contains("Values Stored: 1");
        try (Connection nc = TestClients.connect(cli)) {
            KeyValueStatus status = nc.keyValueManagement().getStatus("E");
            assertThat(status.getMaxHistoryPerKey()).isEqualTo(7);
            assertThat(status.getDescription()).isEqualTo("after");
            assertThat(status.getTtl()).isEqualTo(Duration.ofSeconds(30));
            assertThat(status.getMaximumValueSize()).isEqualTo(2048);
            assertThat(nc.keyValue("E").get("k").getValueAsString()).isEqualTo("v");
        }
        oneLineError(cli.run("kv", "edit", "NOPE", "--history", "3"), "bucket \"NOPE\" not found");
        oneLineError(cli.run("kv", "edit", "E", "--history", "0"), "invalid --history 0");
    }

    @Test
    void markerTtlEnablesPerKeyTtls() throws Exception {
        Result add = ok("kv", "add", "TTLS", "--marker-ttl", "2s");
        assertThat(add.out()).contains("Per-Key TTL Supported: true").contains("Limit Marker TTL: 2s");
        try (Connection nc = TestClients.connect(cli)) {
            assertThat(nc.keyValueManagement().getStatus("TTLS").getLimitMarkerTtl()).isEqualTo(Duration.ofSeconds(2));
        }
        ok("kv", "create", "TTLS", "k", "v", "--ttl", "1h");
        assertThat(ok("kv", "get", "TTLS", "k", "--raw").out()).isEqualTo("v");
    }

    @Test
    void putIsReadByGetAndByJnats() throws Exception {
        ok("kv", "add", "B", "--history", "3");
        assertThat(ok("kv", "put", "B", "name", "alice").out()).isEqualTo("alice\n");
        Result stdin = cli.runWithInput("from stdin", "kv", "put", "B", "other");
        assertThat(stdin.status()).as(stdin.toString()).isZero();

        Result get = ok("kv", "get", "B", "name");
        assertThat(get.out()).matches("(?s)B > name revision: 1 created @ \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\n\nalice\n\n");
        assertThat(ok("kv", "get", "B", "other", "--raw").out()).isEqualTo("from stdin");

        try (Connection nc = TestClients.connect(cli)) {
            KeyValue kv = nc.keyValue("B");
            assertThat(kv.get("name").getValueAsString()).isEqualTo("alice");
            assertThat(kv.get("other").getValueAsString()).isEqualTo("from stdin");
            kv.put("name", "bob");
        }
        assertThat(ok("kv", "get", "B", "name", "--raw").out()).isEqualTo("bob");
        assertThat(ok("kv", "get", "B", "name", "--revision", "1", "--raw").out()).isEqualTo("alice");

        byte[] binary = {0, 1, 2, (byte) 0xff};
        try (Connection nc = TestClients.connect(cli)) {
            nc.keyValue("B").put("bin", binary);
        }
        assertThat(ok("kv", "get", "B", "bin").out()).contains("\n\nAAEC/w==\n\n");
    }

    @Test
    void createAndUpdateConflictsAreOneLineErrors() throws Exception {
        ok("kv", "add", "B", "--history", "5");
        ok("kv", "create", "B", "k", "one");
        oneLineError(cli.run("kv", "create", "B", "k", "two"), "key \"k\" already exists in bucket \"B\"");
        ok("kv", "update", "B", "k", "two", "1");
        oneLineError(cli.run("kv", "update", "B", "k", "three", "1"), "key \"k\" in bucket \"B\" is not at revision 1");
        try (Connection nc = TestClients.connect(cli)) {
            KeyValueEntry e = nc.keyValue("B").get("k");
            assertThat(e.getValueAsString()).isEqualTo("two");
            assertThat(e.getRevision()).isEqualTo(2);
        }
        ok("kv", "del", "B", "k", "--force");
        ok("kv", "create", "B", "k", "again");
        assertThat(ok("kv", "get", "B", "k", "--raw").out()).isEqualTo("again");
    }

    @Test
    void historyKeysAndLs() throws Exception {
        ok("kv", "add", "B", "--history", "10", "--description", "the b");
        ok("kv", "put", "B", "a", "1");
        ok("kv", "put", "B", "a", "2");
        ok("kv", "put", "B", "x.y", "3");
        ok("kv", "del", "B", "a", "-f");

        Result history = ok("kv", "history", "B", "a");
        assertThat(history.out()).contains("History for B > a")
                .contains("│ Key │ Revision │ Op     │ Created")
                .contains("│ a   │ 1        │ PUT    │")
                .contains("│ a   │ 4        │ DELETE │");
        assertThat(history.out().lines().filter(l -> l.startsWith("│ a ")).count()).isEqualTo(3);

        assertThat(ok("kv", "keys", "B").out()).isEqualTo("x.y\n");
        ok("kv", "put", "B", "a", "5");
        assertThat(ok("kv", "keys", "B").out().lines().sorted().toList()).containsExactly("a", "x.y");
        assertThat(ok("kv", "keys", "B", "x.*").out()).isEqualTo("x.y\n");
        assertThat(ok("kv", "ls", "B").out().lines().sorted().toList()).containsExactly("a", "x.y");
        assertThat(ok("kv", "ls", "B", "-v", "--display-value").out()).contains("Contents for bucket 'B'")
                .contains("│ x.y │");

        ok("kv", "add", "EMPTY");
        assertThat(ok("kv", "ls", "EMPTY").out()).isEqualTo("No keys found in bucket\n");
        assertThat(ok("kv", "keys", "EMPTY").out()).isEmpty();
        Result ls = ok("kv", "ls");
        assertThat(ls.out()).contains("Key-Value Buckets")
                .contains("│ Bucket │ Description │ Created")
                .contains("│ B      │ the b       │");
        assertThat(ls.out().indexOf("│ EMPTY")).isLessThan(ls.out().indexOf("│ B ")); // smallest first
        assertThat(ok("kv", "ls", "--names").out().lines().sorted().toList()).containsExactly("B", "EMPTY");

        ok("kv", "purge", "B", "a", "-f");
        assertThat(ok("kv", "history", "B", "a").out()).contains("PURGE").doesNotContain("│ PUT    │ a");
    }

    @Test
    void watchPrintsUpdatesAsNatscli() throws Exception {
        ok("kv", "add", "W", "--history", "5");
        ok("kv", "put", "W", "a", "1");
        // A live watch: once its consumer exists, it gets what was there and then every change.
        CompletableFuture<Result> live = CompletableFuture.supplyAsync(() -> cli.run("kv", "watch", "W", "--count", "3"));
        TestClients.awaitConsumer(cli, "KV_W");
        ok("kv", "put", "W", "b", "2");
        ok("kv", "del", "W", "a", "-f");
        Result watched = live.get(20, TimeUnit.SECONDS);
        assertThat(watched.status()).as(watched.toString()).isZero();
        assertThat(watched.out()).matches("\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\] PUT W > a: 1\n(?s).*");
        assertThat(watched.out().lines().map(l -> l.substring(l.indexOf(']') + 2)).toList())
                .containsExactly("PUT W > a: 1", "PUT W > b: 2", "DELETE W > a");

        // Without --history a watch starts from the latest entry of each key.
        assertThat(ok("kv", "watch", "W", "--count", "2").out().lines().map(l -> l.substring(l.indexOf(']') + 2)))
                .containsExactly("PUT W > b: 2", "DELETE W > a");
        Result history = ok("kv", "watch", "W", "a", "--history", "--count", "2");
        assertThat(history.out().lines().map(l -> l.substring(l.indexOf(']') + 2)).toList())
                .containsExactly("PUT W > a: 1", "DELETE W > a");
        Result noDeletes = ok("kv", "watch", "W", "--no-deletes", "--count", "1");
        assertThat(noDeletes.out()).endsWith("PUT W > b: 2\n");
    }

    @Test
    void watchEndsWithOneLineWhenTheServerGoes(@TempDir Path other) throws Exception {
        CliHarness own = CliHarness.start(other);
        try {
            assertThat(own.run("kv", "add", "G").status()).isZero();
            CompletableFuture<Result> live = CompletableFuture.supplyAsync(() -> own.run("kv", "watch", "G"));
            try (Connection nc = TestClients.connect(own)) {
                JetStreamManagement jsm = nc.jetStreamManagement();
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> jsm.getStreamInfo("KV_G").getStreamState().getConsumerCount() > 0);
            }
            own.server().close();
            Result r = live.get(20, TimeUnit.SECONDS);
            assertThat(r.status()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).isEqualTo("natrix: error: lost the connection to the server while watching\n");
        } finally {
            own.close();
        }
    }

    @Test
    void revertAndCompact() throws Exception {
        ok("kv", "add", "R", "--history", "5");
        ok("kv", "put", "R", "k", "one");
        ok("kv", "put", "R", "k", "two");
        oneLineError(cli.run("kv", "revert", "R", "k", "1"), "cannot ask for confirmation");
        Result revert = ok("kv", "revert", "R", "k", "1", "-f");
        assertThat(revert.out()).contains("History for R > k").contains("│ k   │ 3        │ PUT │");
        try (Connection nc = TestClients.connect(cli)) {
            assertThat(nc.keyValue("R").get("k").getValueAsString()).isEqualTo("one");
        }
        ok("kv", "put", "R", "gone", "x");
        ok("kv", "put", "R", "gone", "y");
        ok("kv", "del", "R", "gone", "-f");
        ok("kv", "compact", "R", "-f");
        // A recent delete marker stays; the values before it go.
        assertThat(ok("kv", "history", "R", "gone").out().lines().filter(l -> l.startsWith("│ gone")).toList())
                .singleElement().asString().contains("DELETE");
    }

    @Test
    void deletingTheBucket() throws Exception {
        ok("kv", "add", "GONE");
        oneLineError(cli.run("kv", "rm", "GONE"), "cannot ask for confirmation without a terminal, use --force");
        ok("kv", "rm", "GONE", "--force");
        try (Connection nc = TestClients.connect(cli)) {
            assertThat(nc.keyValueManagement().getBucketNames()).doesNotContain("GONE");
        }
        assertThat(ok("kv", "ls").out()).isEqualTo("No Key-Value buckets found\n");
    }

    @Test
    void badInputIsOneLineAndNonZero() {
        oneLineError(cli.run("kv", "get", "NOPE", "k"), "bucket \"NOPE\" not found");
        oneLineError(cli.run("kv", "put", "NOPE", "k", "v"), "bucket \"NOPE\" not found");
        oneLineError(cli.run("kv", "info", "NOPE"), "bucket \"NOPE\" not found");
        oneLineError(cli.run("kv", "info", "NOPE", "--json"), "bucket \"NOPE\" not found");
        oneLineError(cli.run("kv", "rm", "NOPE", "-f"), "bucket \"NOPE\" not found");
        ok("kv", "add", "B");
        oneLineError(cli.run("kv", "get", "B", "missing"), "key \"missing\" not found in bucket \"B\"");
        oneLineError(cli.run("kv", "put", "B", "bad key", "v"), "invalid key \"bad key\"");
        oneLineError(cli.run("kv", "add", "X", "--history", "65"), "invalid --history 65");
        oneLineError(cli.run("kv", "add", "X", "--ttl", "soon"), "invalid value \"soon\" for --ttl");
        oneLineError(cli.run("kv", "add", "X", "--max-value-size", "12Q"), "invalid value \"12Q\" for --max-value-size: not a size");
        oneLineError(cli.run("kv", "add", "X", "--storage", "disk"), "invalid --storage \"disk\"");
        oneLineError(cli.run("kv", "add", "bad.name"), "invalid bucket name \"bad.name\"");
        oneLineError(cli.run("kv", "del", "B", "k"), "cannot ask for confirmation");

        Result missing = cli.run("kv", "get", "B");
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).hasLineCount(1);
        Result unknown = cli.run("kv", "frob");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).isEqualTo("natrix: unknown command: frob (see 'natrix kv --help')\n");
    }

    @Test
    void unreachableServerIsOneLine(@TempDir Path other) {
        try (CliHarness offline = CliHarness.withoutServer(other)) {
            Result r = offline.run("kv", "ls", "--server", "nats://127.0.0.1:1");
            assertThat(r.status()).isEqualTo(1);
            assertThat(r.err()).startsWith("natrix: error: could not connect to nats://127.0.0.1:1").hasLineCount(1);
        }
    }
}
