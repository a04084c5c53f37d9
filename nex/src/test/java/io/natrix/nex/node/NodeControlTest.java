package io.natrix.nex.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.natrix.nex.FeedRecorder;
import io.natrix.nex.NexHarness;
import io.natrix.nex.api.AuctionBid;
import io.natrix.nex.api.AuctionRequest;
import io.natrix.nex.api.NexEvent;
import io.natrix.nex.api.WorkloadTypes;
import io.natrix.nex.cli.NexClient;
import io.nats.client.Connection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control plane: auctions that only matching nodes bid in, {@code node ls|info}, and a node started with
 * {@code nex node up --config} that lameduck stops.
 */
class NodeControlTest {

    private static final Duration WAIT = Duration.ofSeconds(40);

    @TempDir
    Path dir;

    NexHarness nex;

    @BeforeEach
    void start() {
        nex = NexHarness.start(dir);
    }

    @AfterEach
    void stop() {
        nex.close();
    }

    @Test
    void auctionOnlyTaggedNodesBid() throws Exception {
        NexNode east = nex.node("east", b -> b.tags.put("zone", "east"));
        NexNode west = nex.node("west", b -> b.tags.put("zone", "west"));
        NexNode nativeOnly = nex.node("plain", b -> b.workloadTypes = List.of(WorkloadTypes.NATIVE));
        NexClient client = new NexClient(nex.connect(), "default", Duration.ofSeconds(5));

        List<AuctionBid> eastBids = client.auction(new AuctionRequest("a1", "javascript", null, Map.of("zone", "east")));
        assertThat(eastBids).extracting(AuctionBid::bidderId).containsExactly(east.id());
        List<AuctionBid> jsBids = client.auction(new AuctionRequest("a2", "javascript", "function", Map.of()));
        assertThat(jsBids).extracting(AuctionBid::bidderId).containsExactlyInAnyOrder(east.id(), west.id());
        List<AuctionBid> jobBids = client.auction(new AuctionRequest("a3", "native", "job", Map.of()));
        assertThat(jobBids).extracting(AuctionBid::bidderId)
                .containsExactlyInAnyOrder(east.id(), west.id(), nativeOnly.id());
        assertThat(client.auction(new AuctionRequest("a4", "javascript", "service", Map.of()))).isEmpty();

        Path fn = dir.resolve("hello.js");
        Files.writeString(fn, "(s, p) => 'hi'");
        for (int i = 0; i < 3; i++) {
            NexHarness.Result r = nex.run("nex", "run", fn.toString(), "--trigger-subject", "hello." + i,
                    "--tags", "zone=west", "--name", "hello" + i);
            assertThat(r.status()).as(r.toString()).isZero();
            assertThat(r.out()).endsWith("deployed to node " + west.id() + "\n");
        }
        NexHarness.Result none = nex.run("--timeout", "2s", "nex", "run", fn.toString(), "--trigger-subject", "x",
                "--tags", "zone=north");
        assertThat(none.status()).isEqualTo(1);
        assertThat(none.err()).isEqualTo("natrix: error: no node in namespace default bid for a javascript workload "
                + "with tags zone=north\n");

        NexHarness.Result ls = nex.run("nex", "node", "ls");
        assertThat(ls.status()).as(ls.toString()).isZero();
        assertThat(ls.out()).contains("Nex Nodes").contains(east.id()).contains(west.id()).contains(nativeOnly.id());
        NexHarness.Result filtered = nex.run("nex", "node", "ls", "--filter", "zone=east", "--json");
        JsonNode nodes = new ObjectMapper().readTree(filtered.out());
        assertThat(nodes).hasSize(1);
        assertThat(nodes.get(0).get("node_id").asText()).isEqualTo(east.id());

        NexHarness.Result info = nex.run("nex", "node", "info", west.id());
        assertThat(info.status()).as(info.toString()).isZero();
        assertThat(info.out()).contains("Information for node " + west.id()).contains("zone=west")
                .contains("hello0").contains("hello2").contains("function");
        NexHarness.Result other = nex.run("--timeout", "1s", "nex", "--namespace", "other", "node", "info", west.id());
        assertThat(other.status()).isEqualTo(1);
        assertThat(other.err()).contains("no reply from node " + west.id() + " in namespace other");
    }

    @Test
    void nodeUpRunsUntilLameduck() throws Exception {
        Connection nc = nex.connect();
        FeedRecorder feed = new FeedRecorder(nc, "default");
        Path config = dir.resolve("node.json");
        Files.writeString(config, """
                {"nexus": "lab", "node_name": "cli-node", "tags": {"zone": "east"},
                 "deny_trigger_subjects": ["secret.>"], "heartbeat_interval": "500ms", "function_timeout": "2s"}
                """);
        CompletableFuture<NexHarness.Result> up = CompletableFuture.supplyAsync(() -> nex.run("nex", "node", "up",
                "--config", config.toString(), "--data-dir", dir.resolve("data").toString()));

        await().atMost(WAIT).until(() -> !feed.events(NexEvent.HEARTBEAT).isEmpty());
        String id = feed.events(NexEvent.NODE_STARTED).get(0).nodeId();
        NexHarness.Result info = nex.run("nex", "node", "info", id, "--json");
        JsonNode json = new ObjectMapper().readTree(info.out());
        assertThat(json.get("nexus").asText()).isEqualTo("lab");
        assertThat(json.get("tags").get("zone").asText()).isEqualTo("east");
        assertThat(json.get("tags").get("nex.unsafe").asText()).isEqualTo("true");

        Path fn = dir.resolve("f.js");
        Files.writeString(fn, "(s, p) => 1");
        NexHarness.Result denied = nex.run("nex", "run", fn.toString(), "--trigger-subject", "secret.plans");
        assertThat(denied.err()).isEqualTo("natrix: error: trigger subject \"secret.plans\" is not allowed: it "
                + "overlaps the denied subject \"secret.>\"\n");
        NexHarness.Result ok = nex.run("nex", "run", fn.toString(), "--trigger-subject", "public.f");
        assertThat(ok.status()).as(ok.toString()).isZero();

        NexHarness.Result duck = nex.run("nex", "node", "lameduck", "--node-id", id, "--delay", "1s");
        assertThat(duck.status()).as(duck.toString()).isZero();
        assertThat(duck.out()).contains("node " + id + " is in lameduck mode");
        NexHarness.Result refused = nex.run("--timeout", "500ms", "nex", "run", fn.toString(), "--trigger-subject", "x");
        assertThat(refused.err()).contains("no node in namespace default bid");

        NexHarness.Result result = up.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        assertThat(result.status()).as(result.toString()).isZero();
        assertThat(result.out()).startsWith("Nex node " + id + " (cli-node) is up: nexus lab, namespace default")
                .endsWith("Nex node " + id + " stopped\n");
        await().atMost(WAIT).until(() -> !feed.events(NexEvent.NODE_STOPPED).isEmpty());
        assertThat(feed.events(NexEvent.LAMEDUCK_SET)).hasSize(1);
        assertThat(feed.events(NexEvent.WORKLOAD_STOPPED)).hasSize(1);
    }
}
