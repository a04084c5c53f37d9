package io.natrix.nex.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.natrix.nex.NexHarness;
import io.natrix.nex.api.WorkloadSummary;
import io.natrix.nex.cli.NexClient;
import io.natrix.nex.workload.Workload;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.NKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --state kv}: a node started again with the same seed starts its recorded workloads under their ids. */
class NodeStateTest {

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
    void nodeStateKvRestartsWorkloadsAfterANodeRestart() throws Exception {
        String seed = new String(NKey.createServer(null).getSeed());
        NexNode first = nex.node("stateful", b -> {
            b.nodeSeed = seed;
            b.state = "kv";
        });
        Path fn = dir.resolve("twice.js");
        Files.writeString(fn, "(s, p) => new TextDecoder().decode(p) + new TextDecoder().decode(p)");
        Path svc = dir.resolve("svc.sh");
        Files.writeString(svc, "#!/bin/sh\nwhile true; do sleep 1; done\n");
        Path job = dir.resolve("job.sh");
        Files.writeString(job, "#!/bin/sh\nexit 0\n");
        assertThat(nex.run("nex", "run", fn.toString(), "--trigger-subject", "twice").status()).isZero();
        assertThat(nex.run("nex", "run", svc.toString()).status()).isZero();
        assertThat(nex.run("nex", "run", job.toString(), "--lifecycle", "job").status()).isZero();
        Path gone = dir.resolve("gone.sh");
        Files.writeString(gone, "#!/bin/sh\nwhile true; do sleep 1; done\n");
        assertThat(nex.run("nex", "run", gone.toString()).status()).isZero();
        String goneId = first.workloads().stream().filter(w -> w.name().equals("gone")).findFirst().orElseThrow().id();
        assertThat(nex.run("nex", "workload", "stop", goneId).status()).isZero();

        List<String> before = first.workloads().stream().map(Workload::id).sorted().toList();
        assertThat(first.workloads()).extracting(Workload::name).containsExactly("svc", "twice");
        first.close();

        NexNode second = nex.node("stateful-again", b -> {
            b.nodeSeed = seed;
            b.state = "kv";
        });
        assertThat(second.id()).isEqualTo(first.id());
        assertThat(second.workloads().stream().map(Workload::id).sorted().toList()).isEqualTo(before);
        Connection nc = nex.connect();
        Message reply = nc.request("twice", "ab".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(20));
        assertThat(new String(reply.getData(), StandardCharsets.UTF_8)).isEqualTo("\"abab\"");
        List<WorkloadSummary> listed = new NexClient(nc, "default", Duration.ofSeconds(10)).workloads();
        assertThat(listed).extracting(WorkloadSummary::name).containsExactlyInAnyOrder("svc", "twice");
    }

    @Test
    void aNodeWithoutADataDirectoryRemovesTheOneItMadeWhenItStops() {
        NexNode node = nex.node("temporary", b -> b.dataDir = null);
        java.nio.file.Path made = node.config().dataDir();
        assertThat(made).isDirectory();
        node.close();
        assertThat(made).doesNotExist();
    }

    @Test
    void nodeStateKvNeedsASeed() {
        assertThatThrownBy(() -> nex.node("no-seed", b -> b.state = "kv"))
                .hasMessageContaining("state kv needs node_seed");
        assertThatThrownBy(() -> nex.node("bad-state", b -> b.state = "disk"))
                .hasMessage("state must be none or kv, not \"disk\"");
    }
}
