package io.natrix.cli.bench;

import static io.natrix.cli.CliAssert.oneError;
import static org.assertj.core.api.Assertions.assertThat;

import io.natrix.cli.CliHarness;
import io.natrix.cli.CliHarness.Result;
import io.natrix.cli.SharedServer;
import io.nats.client.KeyValue;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.KeyValueEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JetStream and key-value benchmarks end to end, checked against what the server then holds. */
class JetStreamBenchTest extends SharedServer {

    @TempDir
    static Path dir;

    private static long storedIn(String stream) throws Exception {
        return nc.jetStreamManagement().getStreamInfo(stream).getStreamState().getMsgCount();
    }

    @Test
    void jsPubSyncCreatesTheStreamAndStoresEveryMessage() throws Exception {
        Result r = ok("bench", "js", "pub", "sync", "js.sync", "--stream", "SYNC", "--create",
                "--clients", "2", "--msgs", "2000", "--storage", "memory");
        BenchOutput.sideRate(r.out(), "Pub");
        assertThat(BenchOutput.clientCounts(r.out(), "Pub")).containsExactly(1000L, 1000L);
        BenchOutput.hasLatencies(r.out());
        assertThat(r.err()).contains("Using stream: SYNC");
        assertThat(storedIn("SYNC")).isEqualTo(2000);

        Result again = ok("bench", "js", "pub", "sync", "js.sync", "--stream", "SYNC", "--purge",
                "--msgs", "500", "--dedup");
        assertThat(again.err()).contains("Purging the stream");
        assertThat(storedIn("SYNC")).isEqualTo(500);
    }

    @Test
    void jsPubAsyncPublishesInBatchesAndWritesCsvWithLatencies() throws Exception {
        Path csv = dir.resolve("async.csv");
        Result r = ok("bench", "js", "pub", "async", "js.async", "--stream", "ASYNC", "--create",
                "--clients", "2", "--msgs", "2000", "--batch", "100", "--csv", csv.toString());
        assertThat(BenchOutput.clientCounts(r.out(), "Pub")).containsExactly(1000L, 1000L);
        BenchOutput.hasLatencies(r.out());
        assertThat(storedIn("ASYNC")).isEqualTo(2000);

        List<String> lines = Files.readAllLines(csv);
        assertThat(lines.getFirst()).startsWith("#RunID,ClientID,MsgCount,MsgBytes,MsgsPerSec,BytesPerSec,"
                + "DurationSecs,MinLatencyMicroSecs").endsWith("StdDevLatencyMicroSecs");
        assertThat(lines).hasSize(3);
        assertThat(lines.subList(1, 3)).extracting(l -> l.split(",")[1]).containsExactly("P0", "P1");
        assertThat(lines.get(1).split(",")).hasSize(15);
    }

    @Test
    void jsOrderedGetAndFetchReadTheStreamAndAcknowledge() throws Exception {
        ok("bench", "js", "pub", "async", "js.read", "--stream", "READ", "--create", "--msgs", "2000");

        Result ordered = ok("bench", "js", "ordered", "--stream", "READ", "--clients", "2", "--msgs", "2000");
        BenchOutput.sideRate(ordered.out(), "Sub");
        assertThat(BenchOutput.clientCounts(ordered.out(), "Sub")).containsExactly(2000L, 2000L);

        Result get = ok("bench", "js", "get", "sync", "--stream", "READ", "--clients", "2", "--msgs", "2000");
        assertThat(BenchOutput.clientCounts(get.out(), "Sub")).containsExactly(2000L, 2000L);
        BenchOutput.hasLatencies(get.out());
        Result beyond = cli.run("bench", "js", "get", "sync", "--stream", "READ", "--msgs", "2001");
        assertThat(oneError(beyond)).startsWith("natrix: error: getting message sequence number 2001 from the stream: ");

        Result fetch = ok("bench", "js", "fetch", "--stream", "READ", "--clients", "2", "--msgs", "2000",
                "--batch", "100");
        assertThat(BenchOutput.clientCounts(fetch.out(), "Sub")).containsExactly(1000L, 1000L);
        BenchOutput.hasLatencies(fetch.out());
        ConsumerInfo info = nc.jetStreamManagement().getConsumerInfo("READ", "nats-bench");
        assertThat(info.getNumPending()).isZero();
        assertThat(info.getNumAckPending()).isZero();
        assertThat(info.getAckFloor().getStreamSequence()).isEqualTo(2000);
    }

    @Test
    void jsConsumeSharesTheMessagesAmongItsClients() throws Exception {
        ok("bench", "js", "pub", "async", "js.cons", "--stream", "CONS", "--create", "--msgs", "2000");
        Result r = ok("bench", "js", "consume", "--stream", "CONS", "--clients", "2", "--msgs", "2000",
                "--acks", "all", "--batch", "50");
        BenchOutput.sideRate(r.out(), "Sub");
        assertThat(BenchOutput.clientCounts(r.out(), "Sub")).hasSize(2)
                .satisfies(c -> assertThat(c.get(0) + c.get(1)).isEqualTo(2000));
        ConsumerInfo info = nc.jetStreamManagement().getConsumerInfo("CONS", "nats-bench");
        assertThat(info.getDelivered().getStreamSequence()).isGreaterThanOrEqualTo(2000);
    }

    @Test
    void kvPutStoresValuesAndKvGetReadsThemBack() throws Exception {
        Result put = ok("bench", "kv", "put", "--clients", "2", "--msgs", "2000", "--size", "16");
        assertThat(BenchOutput.clientCounts(put.out(), "Pub")).containsExactly(1000L, 1000L);
        BenchOutput.hasLatencies(put.out());
        KeyValue kv = nc.keyValue("benchbucket");
        for (String key : new String[] {"0", "999", "1000", "1999"}) {
            KeyValueEntry e = kv.get(key);
            assertThat(e).as(key).isNotNull();
            assertThat(e.getValue()).hasSize(16);
        }
        assertThat(kv.get("2000")).isNull();
        assertThat(nc.keyValueManagement().getStatus("benchbucket").getEntryCount()).isEqualTo(2000);

        Result get = ok("bench", "kv", "get", "--clients", "2", "--msgs", "2000", "--size", "16");
        assertThat(BenchOutput.clientCounts(get.out(), "Sub")).containsExactly(1000L, 1000L);
        BenchOutput.hasLatencies(get.out());

        Result missing = cli.run("bench", "kv", "get", "--msgs", "2001");
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.err()).endsWith("natrix: error: getting key '2000': key not found\n");
        assertThat(missing.out()).doesNotContain("stats");

        Result purge = ok("bench", "kv", "put", "--msgs", "10", "--purge");
        assertThat(nc.keyValueManagement().getStatus("benchbucket").getEntryCount()).isEqualTo(10);
    }

    @Test
    void jetStreamBadInputIsOneLineAndNonZero() {
        Result noStream = cli.run("bench", "js", "pub", "sync", "x", "--stream", "NOPE", "--msgs", "5");
        assertThat(noStream.status()).isEqualTo(1);
        assertThat(noStream.err()).endsWith("natrix: error: could not access stream NOPE: stream not found (10059)\n");

        Result acks = cli.run("bench", "js", "fetch", "--acks", "maybe");
        assertThat(acks.status()).isEqualTo(1);
        assertThat(acks.err()).isEqualTo("natrix: error: invalid --acks \"maybe\": use explicit, none or all\n");

        Result maxBytes = cli.run("bench", "kv", "put", "--maxbytes", "1XB");
        assertThat(maxBytes.status()).isEqualTo(1);
        assertThat(maxBytes.err()).startsWith("natrix: error: invalid value \"1XB\" for --maxbytes: not a size")
                .hasLineCount(1);

        Result batch = cli.run("bench", "js", "pub", "async", "x", "--batch", "0");
        assertThat(batch.status()).isEqualTo(1);
        assertThat(batch.err()).isEqualTo("natrix: error: --batch must be greater than 0\n");
    }

    @Test
    void jetStreamBenchWithoutJetStreamIsOneLine() {
        try (CliHarness plain = CliHarness.start(dir.resolve("plain"), b -> b.jetstream = false)) {
            Result js = plain.run("bench", "js", "pub", "sync", "x", "--msgs", "5", "--timeout", "2s");
            assertThat(oneError(js)).startsWith("natrix: error: could not access stream benchstream: ")
                    .containsPattern("JetStream is not enabled on the server|is JetStream enabled\\?");

            Result kv = plain.run("bench", "kv", "get", "--msgs", "5", "--timeout", "2s");
            assertThat(oneError(kv)).startsWith("natrix: error: finding kv bucket 'benchbucket': ")
                    .containsPattern("JetStream is not enabled on the server|is JetStream enabled\\?");
        }
    }
}
