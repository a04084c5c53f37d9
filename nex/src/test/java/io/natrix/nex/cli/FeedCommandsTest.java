package io.natrix.nex.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.natrix.nex.NexHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nex logs} and {@code nex events} follow the feeds and stop after {@code --count}. */
class FeedCommandsTest {

    @TempDir
    Path dir;

    NexHarness nex;

    @BeforeEach
    void start() {
        nex = NexHarness.start(dir);
        nex.node("feeds", b -> b.heartbeatInterval = Duration.ofMillis(300));
    }

    @AfterEach
    void stop() {
        nex.close();
    }

    @Test
    void logsAndEventsCommandsFollowTheFeeds() throws Exception {
        Path ticker = dir.resolve("ticker.sh");
        Files.writeString(ticker, "#!/bin/sh\nwhile true; do echo tick; sleep 0.2; done\n");
        NexHarness.Result run = nex.run("nex", "run", ticker.toString());
        assertThat(run.status()).as(run.toString()).isZero();
        Matcher m = Pattern.compile("\\((\\w+)\\)").matcher(run.out());
        assertThat(m.find()).isTrue();
        String wid = m.group(1);

        CompletableFuture<NexHarness.Result> logs = CompletableFuture.supplyAsync(
                () -> nex.run("nex", "logs", "--workload", wid, "--count", "2"));
        CompletableFuture<NexHarness.Result> events = CompletableFuture.supplyAsync(
                () -> nex.run("nex", "events", "--type", "HEARTBEAT", "--count", "1"));
        CompletableFuture<NexHarness.Result> json = CompletableFuture.supplyAsync(
                () -> nex.run("nex", "events", "--count", "1", "--json"));

        NexHarness.Result l = logs.get(60, TimeUnit.SECONDS);
        assertThat(l.status()).as(l.toString()).isZero();
        assertThat(l.out()).isEqualTo("[" + wid + "/stdout] tick\n[" + wid + "/stdout] tick\n");
        NexHarness.Result e = events.get(60, TimeUnit.SECONDS);
        assertThat(e.status()).as(e.toString()).isZero();
        assertThat(e.out()).contains(" HEARTBEAT node=N").contains("workload_count=1").endsWith("\n");
        NexHarness.Result j = json.get(60, TimeUnit.SECONDS);
        assertThat(j.out()).startsWith("{\"type\":\"");

        NexHarness.Result info = nex.run("nex", "workload", "info", "ticker", "--json");
        assertThat(info.out()).contains("\"id\" : \"" + wid + "\"").contains("\"workload_lifecycle\" : \"service\"");
    }
}
