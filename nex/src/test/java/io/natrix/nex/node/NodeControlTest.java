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

    @Test
    void nodeConfigAutostartsWorkloadsAndEnforcesLimits() throws Exception {
        Connection nc = nex.connect();
        FeedRecorder feed = new FeedRecorder(nc, "default");
        Path fn = dir.resolve("hello.js");
        Files.writeString(fn, "(s, p) => 'autostarted'");
        Path config = dir.resolve("limits.json");
        Files.writeString(config, """
                {"node_limits": {"max_workloads": 2, "max_workload_bytes": 100},
                 "autostart": {"workloads": [
                   {"name": "hello", "type": "v8", "location": "%s", "trigger_subjects": ["auto.hello"]},
                   {"name": "broken", "type": "native", "location": "file:///no/such/program"}
                 ]}}
                """.formatted(fn.toUri()));
        NexNode node = nex.node("limited", b -> {
            try {
                b.file(config);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertThat(node.workloads()).extracting(io.natrix.nex.workload.Workload::name).containsExactly("hello");
        io.nats.client.Message reply = nc.request("auto.hello", new byte[0], Duration.ofSeconds(20));
        assertThat(new String(reply.getData(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("\"autostarted\"");
        await().atMost(WAIT).until(() -> feed.events(NexEvent.WORKLOAD_STOPPED).stream()
                .anyMatch(e -> "broken".equals(e.workloadName())
                        && String.valueOf(e.data().get("error")).startsWith("autostart failed: artifact file:///no/such/program not found")));

        Path big = dir.resolve("big.sh");
        Files.writeString(big, "#!/bin/sh\n" + "# padding\n".repeat(20) + "sleep 100\n");
        NexHarness.Result tooBig = nex.run("nex", "run", big.toString());
        assertThat(tooBig.err()).isEqualTo("natrix: error: artifact nats://NEXCLIFILES/big is " + Files.size(big)
                + " bytes, over the node's limit of 100 per workload\n");
        Path small = dir.resolve("small.sh");
        Files.writeString(small, "#!/bin/sh\nsleep 100\n");
        assertThat(nex.run("nex", "run", small.toString()).status()).isZero();
        NexHarness.Result full = nex.run("--timeout", "1s", "nex", "run", small.toString(), "--name", "small2");
        assertThat(full.err()).contains("no node in namespace default bid for a native workload");
    }

    @Test
    void systemNamespaceSeesAndDeploysIntoEveryNamespace() throws Exception {
        NexNode node = nex.node("ops");
        Path fn = dir.resolve("f.js");
        Files.writeString(fn, "(s, p) => s");
        NexHarness.Result ls = nex.run("nex", "--namespace", "system", "node", "ls");
        assertThat(ls.out()).contains(node.id());

        NexHarness.Result intoDefault = nex.run("nex", "--namespace", "system", "run", fn.toString(),
                "--trigger-subject", "sys.f", "--target-namespace", "default");
        assertThat(intoDefault.status()).as(intoDefault.toString()).isZero();
        NexHarness.Result intoTeam = nex.run("nex", "--namespace", "system", "run", fn.toString(), "--name", "teamf",
                "--trigger-subject", "team.f", "--target-namespace", "team1");
        assertThat(intoTeam.status()).as(intoTeam.toString()).isZero();
        String teamId = node.workloads().stream().filter(w -> w.name().equals("teamf")).findFirst().orElseThrow().id();
        assertThat(node.workloads().stream().filter(w -> w.name().equals("teamf")).findFirst().orElseThrow().namespace())
                .isEqualTo("team1");

        assertThat(nex.run("nex", "wl", "ls").out()).contains("sys.f").doesNotContain("team.f");
        assertThat(nex.run("nex", "--namespace", "system", "wl", "ls").out()).contains("sys.f").contains("team.f");
        NexHarness.Result refused = nex.run("nex", "run", fn.toString(), "--name", "sneaky", "--trigger-subject", "x",
                "--target-namespace", "team1");
        assertThat(refused.err()).isEqualTo("natrix: error: workload namespace \"team1\" does not match the control "
                + "namespace \"default\"\n");
        NexHarness.Result notVisible = nex.run("nex", "wl", "stop", teamId);
        assertThat(notVisible.err()).isEqualTo("natrix: error: workload " + teamId + " is not in namespace default\n");
        NexHarness.Result stopped = nex.run("nex", "--namespace", "system", "wl", "stop", teamId);
        assertThat(stopped.status()).as(stopped.toString()).isZero();
        assertThat(node.workloads()).extracting(io.natrix.nex.workload.Workload::name).containsExactly("f");
    }
}
