package io.natrix.cli.bench;

import static io.natrix.cli.CliAssert.oneError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.natrix.cli.CliHarness;
import io.natrix.cli.CliHarness.Result;
import io.natrix.cli.SharedServer;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Core NATS benchmarks end to end: publishers, subscribers, both at once, request/reply, CSV and bad input. */
class CoreBenchTest extends SharedServer {

    @TempDir
    static Path dir;

    @RegisterExtension
    final BackgroundRuns background = new BackgroundRuns();

    @Test
    void benchPubSharesMessagesAmongClientsAndTheServerGetsThemAll() throws Exception {
        AtomicLong received = new AtomicLong();
        Dispatcher d = nc.createDispatcher(m -> received.incrementAndGet());
        d.setPendingLimits(0, 0);
        d.subscribe("bench.pub");
        nc.flush(Duration.ofSeconds(5));

        Result r = cli.run("bench", "pub", "bench.pub", "--clients", "2", "--msgs", "4000", "--size", "1KB");
        assertThat(r.status()).as(r.toString()).isZero();
        BenchOutput.sideRate(r.out(), "Pub");
        assertThat(BenchOutput.clientCounts(r.out(), "Pub")).containsExactly(2000L, 2000L);
        BenchOutput.hasSpread(r.out());
        assertThat(r.out()).doesNotContain("Sub stats").doesNotContain("latencies");
        assertThat(r.err()).contains("Starting Core NATS publisher benchmark [clients=2, msg-size=1.0 KiB, "
                + "msgs=4,000, multi-subject=false, multi-subject-max=100,000, multi-subject-randomize=false, "
                + "sleep=0s, subject=bench.pub]")
                .contains("[1] Starting Core NATS publisher, publishing 2,000 messages");
        await().atMost(Duration.ofSeconds(10)).until(() -> received.get() == 4000);
        nc.closeDispatcher(d);
    }

    @Test
    void benchPubMultiSubjectUsesNumberedSubjects() throws Exception {
        List<String> subjects = new java.util.concurrent.CopyOnWriteArrayList<>();
        Dispatcher d = nc.createDispatcher(m -> subjects.add(m.getSubject()));
        d.subscribe("multi.*");
        nc.flush(Duration.ofSeconds(5));
        Result r = cli.run("bench", "pub", "multi", "--msgs", "12", "--multisubject", "--multisubjectmax", "10",
                "-H", "a:b", "--no-progress");
        assertThat(r.status()).as(r.toString()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> subjects.size() == 12);
        assertThat(subjects).contains("multi.00", "multi.09", "multi.01").doesNotContain("multi.10");
        nc.closeDispatcher(d);
    }

    @Test
    void benchDurationDerivesTheMessageCountFromTheThroughput() {
        Result r = cli.run("bench", "pub", "bench.rate", "--clients", "2", "--throughput", "4000", "--duration",
                "500ms");
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(BenchOutput.clientCounts(r.out(), "Pub")).containsExactly(1000L, 1000L);
        assertThat(r.err()).contains("duration=500ms").contains("throughput=4,000").contains("msgs=2,000");

        Result alone = cli.run("bench", "pub", "x", "--duration", "1s");
        assertThat(alone.status()).isEqualTo(1);
        assertThat(alone.err()).isEqualTo("natrix: error: --duration requires --throughput to be set\n");
    }

    @Test
    void benchSubWaitsForEveryMessageOnEveryClient() throws Exception {
        Future<Result> sub = background.run(cli, "bench", "sub", "bench.sub", "--clients", "2", "--msgs", "2000");
        byte[] payload = new byte[128];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        // The subscribers may not be subscribed yet: keep publishing until they have had enough.
        while (!sub.isDone() && System.nanoTime() < deadline) {
            for (int i = 0; i < 100; i++) {
                nc.publish("bench.sub", payload);
            }
            nc.flush(Duration.ofSeconds(5));
        }
        Result r = sub.get(10, TimeUnit.SECONDS);
        assertThat(r.status()).as(r.toString()).isZero();
        BenchOutput.sideRate(r.out(), "Sub");
        assertThat(BenchOutput.clientCounts(r.out(), "Sub")).containsExactly(2000L, 2000L);
        assertThat(r.out()).doesNotContain("Pub stats");
    }

    @Test
    void benchPubSubRunsBothSidesAndWritesCsv() throws Exception {
        Path csv = dir.resolve("pubsub.csv");
        Result r = cli.run("bench", "pubsub", "bench.ps", "--pub", "2", "--sub", "2", "--msgs", "2000",
                "--csv", csv.toString(), "--idle-timeout", "30s");
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.err()).contains("idle-timeout=30s");
        assertThat(r.out()).containsPattern("(?m)^NATS Pub/Sub stats: [\\d,]+ msgs/sec ~ \\d+\\.\\d\\d \\w+/sec$");
        BenchOutput.sideRate(r.out(), "Pub");
        BenchOutput.sideRate(r.out(), "Sub");
        assertThat(BenchOutput.clientCounts(r.out(), "Pub")).containsExactly(1000L, 1000L);
        assertThat(BenchOutput.clientCounts(r.out(), "Sub")).containsExactly(2000L, 2000L);
        assertThat(r.out()).contains("Saved metric data in csv file " + csv);

        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).hasSize(5);
        assertThat(lines.getFirst()).isEqualTo("#RunID,ClientID,MsgCount,MsgBytes,MsgsPerSec,BytesPerSec,DurationSecs");
        assertThat(lines.subList(1, 5)).extracting(l -> l.split(",")[1]).containsExactly("S0", "S1", "P0", "P1");
        String runId = lines.get(1).split(",")[0];
        for (String line : lines.subList(1, 5)) {
            String[] f = line.split(",");
            assertThat(f).hasSize(7);
            assertThat(f[0]).isEqualTo(runId);
            assertThat(Long.parseLong(f[2])).isGreaterThanOrEqualTo(f[1].startsWith("S") ? 2000 : 1000);
            assertThat(Long.parseLong(f[3])).isEqualTo(f[1].startsWith("S") ? 2000 * 128 : 1000 * 128);
            Double.parseDouble(f[5]);
            assertThat(Double.parseDouble(f[6])).isPositive();
        }
    }

    @Test
    void benchServiceRequestGetsRepliesFromServeAndTimesThem() throws Exception {
        Future<Result> serve = background.run(cli, "bench", "service", "serve", "bench.svc", "--clients", "2");
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
            Message m = nc.request("bench.svc", new byte[0], Duration.ofMillis(500));
            return m != null && "ok".equals(new String(m.getData()));
        });
        Path payload = Files.write(dir.resolve("request.bin"), new byte[16]);
        Result r = cli.run("bench", "service", "request", "bench.svc", "--clients", "2", "--msgs", "2000",
                "--payload", payload.toString(), "-H", "Trace:on");
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.err()).contains("msg-size=16 B");
        BenchOutput.sideRate(r.out(), "Pub");
        assertThat(BenchOutput.clientCounts(r.out(), "Pub")).containsExactly(1000L, 1000L);
        BenchOutput.hasLatencies(r.out());

        assertThat(serve.isDone()).as("serve runs until stopped").isFalse();
        serve.cancel(true);
        await().atMost(Duration.ofSeconds(10)).until(serve::isDone);
    }

    @Test
    void benchSubFailsInOneLineWhenTheServerClosesItsConnection() throws Exception {
        try (CliHarness own = CliHarness.start(dir.resolve("kick"))) {
            Future<Result> sub = background.run(own, "bench", "sub", "bench.kick", "--msgs", "10");
            Kick.onceSubscribed(own, "natrix bench sub 1");
            assertThat(oneError(sub.get(20, TimeUnit.SECONDS)))
                    .startsWith("natrix: error: the connection closed before all the messages arrived");
        }
    }

    @Test
    void benchServiceRequestWithoutServiceFailsInOneLine() {
        Result r = cli.run("bench", "service", "request", "nobody.home", "--msgs", "1", "--timeout", "1s");
        oneError(r);
        assertThat(r.out()).doesNotContain("stats");
    }

    @Test
    void benchBadInputIsOneLineAndNonZero() {
        Result zero = cli.run("bench", "pub", "x", "--clients", "0");
        assertThat(zero.status()).isEqualTo(1);
        assertThat(zero.err()).isEqualTo("natrix: error: number of clients (--clients) should be greater than 0\n");

        Result size = cli.run("bench", "pub", "x", "--size", "10XB");
        assertThat(size.status()).isEqualTo(1);
        assertThat(size.err()).startsWith("natrix: error: invalid value \"10XB\" for --size: not a size")
                .hasLineCount(1);

        Result msgs = cli.run("bench", "sub", "x", "--msgs", "0");
        assertThat(msgs.status()).isEqualTo(1);
        assertThat(msgs.err()).isEqualTo("natrix: error: number of messages should be greater than 0\n");

        Result sleep = cli.run("bench", "pubsub", "x", "--sleep", "soon");
        assertThat(sleep.status()).isEqualTo(1);
        assertThat(sleep.err()).startsWith("natrix: error: invalid --sleep \"soon\"").hasLineCount(1);

        Result missing = cli.run("bench", "pub");
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).hasLineCount(1);

        Result unknown = cli.run("bench", "frob");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).isEqualTo("natrix: unknown command: frob (see 'natrix bench --help')\n");
    }

    @Test
    void benchUnreachableServerIsOneLine() {
        try (CliHarness offline = CliHarness.withoutServer(dir)) {
            Result r = offline.run("bench", "pub", "x", "--server", "nats://127.0.0.1:1", "--msgs", "10");
            assertThat(oneError(r)).startsWith("natrix: error: could not connect to nats://127.0.0.1:1: ");
            assertThat(r.out()).isEmpty();
        }
    }
}
