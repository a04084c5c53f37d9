package io.natrix.cli.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.natrix.cli.CliHarness;
import io.natrix.cli.CliHarness.Result;
import io.natrix.cli.SharedJetStream;
import io.natrix.cli.output.Json;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** natscli's stream management: every subcommand's output and its effect as jnats sees it, and bad input. */
class StreamCommandTest extends SharedJetStream {

    @TempDir
    Path dir;

    private void publish(String subject, String data, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            nc.jetStream().publish(subject, (data + i).getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void addMakesTheStreamJnatsSeesWithEveryFlag() throws Exception {
        Result r = ok("stream", "add", "ORDERS", "--subjects", "orders.new, orders.shipped", "--subjects", "orders.x",
                "--storage", "memory", "--retention", "work", "--discard", "new", "--max-msgs", "1000",
                "--max-bytes", "1GB", "--max-age", "1h", "--max-msg-size", "1KiB", "--max-msgs-per-subject", "7",
                "--dupe-window", "30s", "--replicas", "1", "--allow-rollup", "--deny-delete", "--no-deny-purge",
                "--no-allow-direct", "--description", "Order events", "--max-consumers", "5",
                "--metadata", "team=shop");
        assertThat(r.out()).startsWith("Stream ORDERS was created\n\nInformation for Stream ORDERS created ")
                .contains("             Description: Order events\n")
                .contains("                Subjects: orders.new, orders.shipped, orders.x\n")
                .contains("\nOptions:\n\n").contains("               Retention: WorkQueue\n")
                .contains("          Discard Policy: New\n").contains("        Duplicate Window: 30.00s\n")
                .contains("\nLimits:\n\n").contains("        Maximum Messages: 1,000\n")
                .contains("           Maximum Bytes: 1.0 GiB\n").contains("             Maximum Age: 1h0m0s\n")
                .contains("\nMetadata:\n\n").contains("                    team: shop\n")
                .contains("\nState:\n\n").contains("                Messages: 0\n");

        StreamConfiguration c = jsm.getStreamInfo("ORDERS").getConfiguration();
        assertThat(c.getSubjects()).containsExactly("orders.new", "orders.shipped", "orders.x");
        assertThat(c.getStorageType()).isEqualTo(StorageType.Memory);
        assertThat(c.getRetentionPolicy()).isEqualTo(RetentionPolicy.WorkQueue);
        assertThat(c.getDiscardPolicy()).isEqualTo(DiscardPolicy.New);
        assertThat(c.getMaxMsgs()).isEqualTo(1000);
        assertThat(c.getMaxBytes()).isEqualTo(1L << 30);
        assertThat(c.getMaxAge()).isEqualTo(Duration.ofHours(1));
        assertThat(c.getMaximumMessageSize()).isEqualTo(1024);
        assertThat(c.getMaxMsgsPerSubject()).isEqualTo(7);
        assertThat(c.getDuplicateWindow()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.getReplicas()).isEqualTo(1);
        assertThat(c.getAllowRollup()).isTrue();
        assertThat(c.getDenyDelete()).isTrue();
        assertThat(c.getDenyPurge()).isFalse();
        assertThat(c.getAllowDirect()).isFalse();
        assertThat(c.getMaxConsumers()).isEqualTo(5);
        assertThat(c.getDescription()).isEqualTo("Order events");
        assertThat(c.getMetadata()).containsEntry("team", "shop");
    }

    @Test
    void addWithDefaultsUsesNatscliDefaults() throws Exception {
        ok("stream", "add", "S", "--subjects", "s.>", "--defaults", "--deny-purge", "--no-ack");
        StreamConfiguration c = jsm.getStreamInfo("S").getConfiguration();
        assertThat(c.getStorageType()).isEqualTo(StorageType.File);
        assertThat(c.getRetentionPolicy()).isEqualTo(RetentionPolicy.Limits);
        assertThat(c.getDiscardPolicy()).isEqualTo(DiscardPolicy.Old);
        assertThat(c.getMaxMsgs()).isEqualTo(-1);
        assertThat(c.getMaxBytes()).isEqualTo(-1);
        assertThat(c.getMaxAge()).isEqualTo(Duration.ZERO);
        assertThat(c.getDuplicateWindow()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.getAllowDirect()).isTrue();
        assertThat(c.getDenyDelete()).isFalse();
        assertThat(c.getDenyPurge()).isTrue();
        assertThat(c.getAllowRollup()).isFalse();
        assertThat(c.getNoAck()).isTrue();
        ok("stream", "edit", "S", "--ack", "-f");
        assertThat(jsm.getStreamInfo("S").getConfiguration().getNoAck()).isFalse();
    }

    @Test
    void addFromConfigFileAndFromInfoJson() throws Exception {
        Path file = dir.resolve("cfg.json");
        Files.writeString(file, """
                {"name": "FROMFILE", "subjects": ["f.>"], "storage": "file", "retention": "limits",
                 "max_msgs": 42, "discard": "old", "num_replicas": 1}
                """);
        Result r = ok("stream", "add", "--config", file.toString());
        assertThat(r.out()).startsWith("Stream FROMFILE was created");
        assertThat(jsm.getStreamInfo("FROMFILE").getConfiguration().getMaxMsgs()).isEqualTo(42);

        Path info = dir.resolve("info.json");
        Files.writeString(info, ok("stream", "info", "FROMFILE", "--json").out());
        ok("stream", "add", "SECOND", "--config", info.toString(), "--subjects", "second.>");
        StreamConfiguration c = jsm.getStreamInfo("SECOND").getConfiguration();
        assertThat(c.getSubjects()).containsExactly("second.>");
        assertThat(c.getMaxMsgs()).isEqualTo(42);

        ok("stream", "add", "SAVED", "--subjects", "saved", "--defaults", "--output", dir.resolve("out.json").toString());
        assertThat(Json.parse(Files.readString(dir.resolve("out.json")), "out").path("name").asText()).isEqualTo("SAVED");
        assertThat(jsm.getStreamNames()).doesNotContain("SAVED");
    }

    @Test
    void editChangesTheConfigurationAfterShowingTheDifferences() throws Exception {
        ok("stream", "add", "E", "--subjects", "e.>", "--defaults");
        Result dry = cli.run("stream", "edit", "E", "--max-msgs", "10", "--dry-run");
        assertThat(dry.status()).isEqualTo(1);
        assertThat(dry.out()).isEqualTo("Differences (-old +new):\n-   max_msgs: -1\n+   max_msgs: 10\n");

        Result refused = cli.run("stream", "edit", "E", "--max-msgs", "10");
        assertThat(refused.status()).isEqualTo(1);
        assertThat(refused.err()).isEqualTo("natrix: error: --force is required to edit Stream E when not on a terminal\n");
        assertThat(jsm.getStreamInfo("E").getConfiguration().getMaxMsgs()).isEqualTo(-1);

        Result r = ok("stream", "edit", "E", "--max-msgs", "10", "--subjects", "e.>,more", "--description", "d",
                "--allow-rollup", "-f");
        assertThat(r.out()).contains("Stream E was updated\n\nInformation for Stream E")
                .contains("Maximum Messages: 10\n");
        StreamConfiguration c = jsm.getStreamInfo("E").getConfiguration();
        assertThat(c.getMaxMsgs()).isEqualTo(10);
        assertThat(c.getSubjects()).containsExactly("e.>", "more");
        assertThat(c.getDescription()).isEqualTo("d");
        assertThat(c.getAllowRollup()).isTrue();
        assertThat(ok("stream", "edit", "E", "--max-msgs", "10", "-f").out()).isEqualTo("No difference in configuration\n");
    }

    @Test
    void lsInfoAndReportShowTheStreams() throws Exception {
        ok("stream", "add", "BIG", "--subjects", "big", "--defaults", "--description", "Large one");
        ok("stream", "add", "SMALL", "--subjects", "small", "--defaults");
        ok("stream", "add", "KV_hidden", "--subjects", "kvh", "--defaults");
        publish("big", "payload-", 3);

        String ls = ok("stream", "ls").out();
        assertThat(ls).contains(" Streams ").contains("│ Name ").contains("│ Description ").contains("│ Last Message │")
                .containsPattern("│ BIG +│ Large one +│ \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d │ 3 +│ \\d+ B +│")
                .containsPattern("│ SMALL +│ +│ .* │ 0 +│ 0 B +│ never +│").doesNotContain("KV_hidden");
        assertThat(ls.indexOf("SMALL")).as("smallest first").isLessThan(ls.indexOf("BIG"));
        assertThat(ok("stream", "ls", "-a").out()).contains("KV_hidden");
        assertThat(ok("stream", "ls", "--names").out()).isEqualTo("BIG\nKV_hidden\nSMALL\n");
        assertThat(Json.parse(ok("stream", "ls", "--json").out(), "ls").toString()).isEqualTo("[\"BIG\",\"SMALL\"]");
        assertThat(ok("stream", "ls", "--subject", "small", "--names").out()).isEqualTo("SMALL\n");

        String info = ok("stream", "info", "BIG").out();
        assertThat(info).startsWith("Information for Stream BIG created ")
                .contains("Messages: 3\n").containsPattern("First Sequence: 1 @ \\d{4}-")
                .containsPattern("Last Sequence: 3 @ ").contains("Active Consumers: 0\n");
        assertThat(ok("stream", "info", "BIG", "--state").out()).startsWith("State for Stream BIG created ")
                .doesNotContain("Options:").contains("Messages: 3\n");

        String report = ok("stream", "report").out();
        assertThat(report).startsWith("Obtaining Stream stats\n\n").contains("Stream Report")
                .contains("│ Stream ").contains("│ API Level │").containsPattern("│ BIG +│ File +│ +│ 0 +│ 3 +│");
        assertThat(ok("stream", "report", "--name").out().indexOf("BIG"))
                .isLessThan(ok("stream", "report", "--name").out().indexOf("SMALL"));
    }

    @Test
    void jsonOutputIsTheApiResponse() throws Exception {
        Result add = ok("stream", "add", "J", "--subjects", "j", "--defaults", "--json");
        JsonNode created = Json.parse(add.out(), "add");
        assertThat(created.path("type").asText()).isEqualTo("io.nats.jetstream.api.v1.stream_create_response");
        assertThat(created.path("config").path("name").asText()).isEqualTo("J");
        publish("j", "x", 2);
        JsonNode info = Json.parse(ok("stream", "info", "J", "--json").out(), "info");
        assertThat(info.path("state").path("messages").asLong()).isEqualTo(2);
        assertThat(info.has("created")).isTrue();
        assertThat(info.path("config").path("subjects").get(0).asText()).isEqualTo("j");
        JsonNode msg = Json.parse(ok("stream", "get", "J", "1", "--json").out(), "get");
        assertThat(msg.path("subject").asText()).isEqualTo("j");
        assertThat(msg.path("seq").asLong()).isEqualTo(1);
        assertThat(new String(java.util.Base64.getDecoder().decode(msg.path("data").asText()))).isEqualTo("x0");
        JsonNode purge = Json.parse(ok("stream", "purge", "J", "-f", "--json").out(), "purge");
        assertThat(purge.path("success").asBoolean()).isTrue();
        assertThat(purge.path("purged").asLong()).isEqualTo(2);
    }

    @Test
    void getRmmAndPurgeChangeWhatJnatsSees() throws Exception {
        ok("stream", "add", "M", "--subjects", "m.*", "--defaults");
        Headers h = new Headers().add("Trace", "abc");
        nc.jetStream().publish("m.a", h, "with header".getBytes(StandardCharsets.UTF_8));
        publish("m.a", "a", 3);
        publish("m.b", "b", 3);

        assertThat(ok("stream", "get", "M", "1").out()).startsWith("Item: M#1 received ")
                .contains(" on Subject m.a\n\nHeaders:\n  Trace: abc\n\nwith header\n");
        assertThat(ok("stream", "get", "M", "--last-for", "m.a").out()).contains("Item: M#4 ").contains("\na2\n");

        Result noForce = cli.run("stream", "rmm", "M", "2");
        assertThat(noForce.status()).isEqualTo(1);
        assertThat(noForce.err()).isEqualTo(
                "natrix: error: --force is required to remove message 2 from Stream M when not on a terminal\n");
        ok("stream", "rmm", "M", "2", "-f");
        assertThatThrownBy(() -> jsm.getMessage("M", 2)).isInstanceOf(JetStreamApiException.class);
        assertThat(jsm.getStreamInfo("M").getStreamState().getMsgCount()).isEqualTo(6);

        assertThat(cli.run("stream", "purge", "M").err()).contains("--force is required to purge Stream M");
        Result bySubject = ok("stream", "purge", "M", "--subject", "m.b", "--keep", "1", "-f");
        assertThat(bySubject.out()).startsWith("Purged 2 messages from M\n\nState for Stream M created ")
                .contains("Messages: 4\n");
        ok("stream", "purge", "M", "--seq", "5", "-f");
        assertThat(jsm.getStreamInfo("M").getStreamState().getFirstSequence()).isEqualTo(7);
        Result all = ok("stream", "purge", "M", "-f");
        assertThat(all.out()).startsWith("Purged 1 messages from M");
        assertThat(jsm.getStreamInfo("M").getStreamState().getMsgCount()).isZero();
        assertThat(cli.run("stream", "purge", "M", "--seq", "3", "--keep", "1", "-f").err())
                .isEqualTo("natrix: error: sequence and keep cannot be combined when purging\n");
    }

    @Test
    void viewPagesThroughMessages() throws Exception {
        ok("stream", "add", "V", "--subjects", "v.*", "--defaults");
        publish("v.a", "a", 3);
        publish("v.b", "b", 3);
        Result page = ok("stream", "view", "V", "4");
        assertThat(page.out()).contains("[1] Subject: v.a Received: ").contains("[4] Subject: v.b")
                .doesNotContain("[5]").contains("\na0\n");
        assertThat(ok("stream", "view", "V", "--raw", "--subject", "v.b").out()).isEqualTo("b0\nb1\nb2\n");
        Result tail = ok("stream", "view", "V", "--id", "6");
        assertThat(tail.out()).contains("[6] Subject: v.b").doesNotContain("[5]");
        assertThat(tail.err()).isEqualTo("Reached apparent end of data\n");
        assertThat(ok("stream", "view", "V", "--since", "1h", "2", "--raw").out()).isEqualTo("a0\na1\n");
    }

    @Test
    void copyMakesANewStreamAndSealStopsChanges() throws Exception {
        ok("stream", "add", "SRC", "--subjects", "src", "--defaults", "--max-msgs", "77", "--storage", "memory");
        publish("src", "x", 2);
        Result copy = ok("stream", "copy", "SRC", "DST", "--subjects", "dst", "--storage", "file");
        assertThat(copy.out()).startsWith("Stream DST was created\n\nInformation for Stream DST");
        StreamConfiguration c = jsm.getStreamInfo("DST").getConfiguration();
        assertThat(c.getSubjects()).containsExactly("dst");
        assertThat(c.getMaxMsgs()).isEqualTo(77);
        assertThat(c.getStorageType()).isEqualTo(StorageType.File);
        assertThat(jsm.getStreamInfo("DST").getStreamState().getMsgCount()).isZero();
        assertThat(cli.run("stream", "copy", "SRC", "SRC").err())
                .isEqualTo("natrix: error: source and destination Stream names cannot be the same\n");

        Result seal = ok("stream", "seal", "DST", "-f");
        assertThat(seal.out()).contains("Sealed: true\n");
        assertThat(jsm.getStreamInfo("DST").getConfiguration().getSealed()).isTrue();
        assertThatThrownBy(() -> nc.jetStream().publish("dst", new byte[1])).isInstanceOf(JetStreamApiException.class);
        assertThat(cli.run("stream", "seal", "SRC").err()).contains("--force is required to seal Stream SRC");
    }

    @Test
    void rmDeletesOnlyWithForce() throws Exception {
        ok("stream", "add", "R", "--subjects", "r", "--defaults");
        Result refused = cli.run("stream", "rm", "R");
        assertThat(refused.status()).isEqualTo(1);
        assertThat(refused.err()).isEqualTo("natrix: error: --force is required to delete Stream R when not on a terminal\n");
        assertThat(jsm.getStreamNames()).contains("R");
        assertThat(ok("stream", "delete", "R", "--force").out()).isEmpty();
        assertThat(jsm.getStreamNames()).doesNotContain("R");
        assertThat(ok("str", "ls").out()).isEqualTo("No Streams defined\n");
    }

    @Test
    void backupThenRmThenRestoreRoundTripsTheMessages() throws Exception {
        ok("stream", "add", "B", "--subjects", "b.>", "--defaults", "--max-msgs", "500");
        for (int i = 0; i < 300; i++) {
            nc.jetStream().publish("b." + (i % 3), ("message " + i + " " + "x".repeat(i)).getBytes(StandardCharsets.UTF_8));
        }
        Path target = dir.resolve("backup");
        Result backup = ok("stream", "backup", "B", target.toString(), "--chunk-size", "4KB");
        assertThat(backup.out()).startsWith("Starting backup of Stream \"B\" with ")
                .containsPattern("Received [\\d.]+ \\w+ compressed data in \\d+ chunks for stream \"B\" in \\d+ms");
        assertThat(Files.size(target.resolve("stream.tar.s2"))).isPositive();
        assertThat(Json.parse(Files.readString(target.resolve("backup.json")), "backup").path("config")
                .path("name").asText()).isEqualTo("B");

        assertThat(cli.run("stream", "restore", target.toString()).err())
                .isEqualTo("natrix: error: Stream \"B\" already exist\n");
        ok("stream", "rm", "B", "-f");
        Result restore = ok("stream", "restore", target.toString());
        assertThat(restore.out()).startsWith("Starting restore of Stream \"B\" from file \"" + target + "\"\n\n")
                .contains("Restored stream \"B\" in ").contains("Information for Stream B").contains("Messages: 300\n");
        assertThat(jsm.getStreamInfo("B").getConfiguration().getMaxMsgs()).isEqualTo(500);
        for (int i = 0; i < 300; i += 37) {
            assertThat(new String(jsm.getMessage("B", i + 1).getData(), StandardCharsets.UTF_8))
                    .isEqualTo("message " + i + " " + "x".repeat(i));
        }
        assertThat(cli.run("stream", "backup", "B", target.toString()).err())
                .contains("already exists and is not an empty directory");
        assertThat(cli.run("stream", "restore", dir.toString()).err()).contains("does not hold a backup");
    }

    @Test
    void badInputIsOneLineAndNonZero() throws Exception {
        Result unknown = cli.run("stream", "info", "NOPE");
        assertThat(unknown.status()).isEqualTo(1);
        assertThat(unknown.err()).isEqualTo("natrix: error: stream not found (10059)\n");

        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"name\": ");
        Result badJson = cli.run("stream", "add", "--config", bad.toString());
        assertThat(badJson.status()).isEqualTo(1);
        assertThat(badJson.err()).startsWith("natrix: error: invalid JSON in " + bad).hasLineCount(1);
        assertThat(cli.run("stream", "add", "--config", dir.resolve("missing.json").toString()).err())
                .startsWith("natrix: error: cannot read configuration file").hasLineCount(1);

        Result size = cli.run("stream", "add", "X", "--subjects", "x", "--defaults", "--max-bytes", "1XB");
        assertThat(size.status()).isEqualTo(1);
        assertThat(size.err()).startsWith("natrix: error: invalid value \"1XB\" for --max-bytes").hasLineCount(1);
        Result age = cli.run("stream", "add", "X", "--subjects", "x", "--defaults", "--max-age", "5parsecs");
        assertThat(age.err()).startsWith("natrix: error: invalid value \"5parsecs\" for --max-age").hasLineCount(1);
        assertThat(cli.run("stream", "add", "X", "--subjects", "x", "--defaults", "--storage", "tape").err())
                .startsWith("natrix: error: invalid storage type \"tape\"").hasLineCount(1);

        Result missing = cli.run("stream", "add", "X", "--subjects", "x");
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo(
                "natrix: error: --storage is required when not on a terminal (or pass --defaults)\n");
        assertThat(cli.run("stream", "add", "X", "--defaults").err())
                .isEqualTo("natrix: error: --subjects is required when not on a terminal\n");
        assertThat(jsm.getStreamNames()).isEmpty();

        Result noSuch = cli.run("stream", "frob");
        assertThat(noSuch.status()).isEqualTo(2);
        assertThat(noSuch.err()).isEqualTo("natrix: unknown command: frob (see 'natrix stream --help')\n");
        Result noArg = cli.run("stream", "info");
        assertThat(noArg.status()).isEqualTo(2);
        assertThat(noArg.err()).hasLineCount(1);

        try (CliHarness plain = CliHarness.start(dir.resolve("plain"), b -> b.jetstream = false)) {
            Result noJs = plain.run("stream", "ls");
            assertThat(noJs.status()).isEqualTo(1);
            assertThat(noJs.err()).isEqualTo("natrix: error: no responders for $JS.API.STREAM.LIST: JetStream is not "
                    + "enabled for this account\n");
        }
        try (CliHarness offline = CliHarness.withoutServer(dir.resolve("offline"))) {
            Result down = offline.run("stream", "ls", "--server", "nats://127.0.0.1:1");
            assertThat(down.status()).isEqualTo(1);
            assertThat(down.err()).startsWith("natrix: error: could not connect to nats://127.0.0.1:1").hasLineCount(1);
        }
    }
}
