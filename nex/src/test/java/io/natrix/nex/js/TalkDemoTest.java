package io.natrix.nex.js;

import static org.assertj.core.api.Assertions.assertThat;

import io.natrix.nex.NexHarness;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Message;
import io.nats.client.api.KeyValueEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The talk's demo, literally: a server with JetStream, a node, {@code nex run ./create.js --trigger-subject
 * todo.create}, then a request on {@code todo.create} gets the function's JSON result and the todo is in the
 * workload's host-services KV bucket.
 */
class TalkDemoTest {

    static final String CREATE_JS = """
            (subject, payload) => {
              const todo = JSON.parse(new TextDecoder().decode(payload));
              this.hostServices.kv.set(todo.id, payload);
              return { id: todo.id, status: "created" };
            }
            """;

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
    void talkDemoCreateTodoThroughFunction() throws Exception {
        nex.node("demo");
        Path createJs = dir.resolve("create.js");
        Files.writeString(createJs, CREATE_JS);

        NexHarness.Result run = nex.run("nex", "run", createJs.toString(), "--trigger-subject", "todo.create");
        assertThat(run.status()).as(run.toString()).isZero();
        assertThat(run.out()).startsWith("Workload create (").contains("deployed to node N");

        Connection nc = nex.connect();
        String todo = "{\"id\":\"1\",\"title\":\"x\"}";
        Message reply = nc.request("todo.create", todo.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(10));
        assertThat(reply).isNotNull();
        assertThat(new String(reply.getData(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"1\",\"status\":\"created\"}");
        assertThat(reply.getHeaders().getFirst("namespace")).isEqualTo("default");

        KeyValue kv = nc.keyValue(HostServices.kvBucket("default", "create"));
        KeyValueEntry entry = kv.get("1");
        assertThat(entry).isNotNull();
        assertThat(new String(entry.getValue(), StandardCharsets.UTF_8)).isEqualTo(todo);
    }

    @Test
    void devrunReplacesTheWorkloadOfTheSameName() throws Exception {
        io.natrix.nex.node.NexNode node = nex.node("dev");
        Path createJs = dir.resolve("create.js");
        Files.writeString(createJs, CREATE_JS);
        assertThat(nex.run("nex", "devrun", createJs.toString(), "--trigger_subject", "todo.create").status()).isZero();
        String first = node.workloads().get(0).id();
        Files.writeString(createJs, "(subject, payload) => 'v2'");
        NexHarness.Result again = nex.run("nex", "devrun", createJs.toString(), "--trigger_subject", "todo.create");
        assertThat(again.status()).as(again.toString()).isZero();
        assertThat(again.out()).endsWith("Workload " + first + " (the previous create) stopped\n");
        assertThat(node.workloads()).hasSize(1);
        Message reply = nex.connect().request("todo.create", new byte[0], Duration.ofSeconds(20));
        assertThat(new String(reply.getData(), StandardCharsets.UTF_8)).isEqualTo("\"v2\"");
    }
}
