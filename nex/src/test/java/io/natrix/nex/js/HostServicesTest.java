package io.natrix.nex.js;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.natrix.nex.FeedRecorder;
import io.natrix.nex.NexHarness;
import io.natrix.nex.node.NexNode;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The v0 host services seen from a function: every kv, objectStore and messaging method, backed by the node's
 * connection and scoped to the workload's buckets; console output on the log feed; and trigger queue groups
 * sharing messages between copies on two nodes.
 */
class HostServicesTest {

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

    private static String text(Message m) {
        assertThat(m).isNotNull();
        return new String(m.getData(), StandardCharsets.UTF_8);
    }

    @Test
    void hostServicesKvObjectStoreMessagingAndConsole() throws Exception {
        nex.node("hs");
        Connection nc = nex.connect();
        FeedRecorder feed = new FeedRecorder(nc, "default");
        Dispatcher echo = nc.createDispatcher(m -> nc.publish(m.getReplyTo(), ("echo:" + new String(m.getData(),
                StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)));
        echo.subscribe("upstream");
        nc.flush(Duration.ofSeconds(10));
        Path fn = dir.resolve("store.js");
        Files.writeString(fn, """
                (subject, payload) => {
                  const hs = this.hostServices;
                  const dec = (b) => b === null ? null : new TextDecoder().decode(b);
                  hs.kv.set('a', 'one');
                  hs.kv.set('b', {n: 2});
                  hs.kv.set('c', payload);
                  hs.kv.delete('c');
                  hs.objectStore.put('doc', 'hello object');
                  hs.objectStore.put('gone', 'x');
                  hs.objectStore.delete('gone');
                  hs.messaging.publish('announce', 'stored');
                  console.log('stored for ' + subject);
                  return {
                    a: dec(hs.kv.get('a')), b: JSON.parse(dec(hs.kv.get('b'))), c: hs.kv.get('c'),
                    keys: hs.kv.keys().sort(), doc: dec(hs.objectStore.get('doc')), missing: hs.objectStore.get('nope'),
                    objects: hs.objectStore.list(), upstream: dec(hs.messaging.request('upstream', payload))
                  };
                }
                """);
        NexHarness.Result run = nex.run("nex", "run", fn.toString(), "--trigger-subject", "store.it");
        assertThat(run.status()).as(run.toString()).isZero();
        io.nats.client.Subscription announce = nc.subscribe("announce");
        nc.flush(Duration.ofSeconds(10));

        String reply = text(nc.request("store.it", "ping".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(20)));
        assertThat(reply).isEqualTo("{\"a\":\"one\",\"b\":{\"n\":2},\"c\":null,\"keys\":[\"a\",\"b\"],"
                + "\"doc\":\"hello object\",\"missing\":null,\"objects\":[\"doc\"],\"upstream\":\"echo:ping\"}");
        assertThat(text(announce.nextMessage(Duration.ofSeconds(10)))).isEqualTo("stored");
        assertThat(nc.keyValue(HostServices.kvBucket("default", "store")).get("a").getValueAsString()).isEqualTo("one");
        assertThat(nc.objectStoreManagement().getBucketNames()).contains(HostServices.objectBucket("default", "store"));
        String wid = run.out().replaceAll("(?s)^Workload store \\((\\w+)\\).*", "$1");
        await().atMost(Duration.ofSeconds(20)).until(() -> feed.texts(wid, "stdout").contains("stored for store.it"));
    }

    @Test
    void triggerCopiesOnTwoNodesShareTheLoad() throws Exception {
        NexNode one = nex.node("one");
        NexNode two = nex.node("two");
        Path fn = dir.resolve("who.js");
        Files.writeString(fn, "(subject, payload) => 'ok'");
        for (NexNode node : new NexNode[] {one, two}) {
            NexHarness.Result r = nex.run("nex", "run", fn.toString(), "--trigger-subject", "who", "--node-id", node.id());
            assertThat(r.status()).as(r.toString()).isZero();
        }
        Connection nc = nex.connect();
        Set<String> workloads = ConcurrentHashMap.newKeySet();
        await().atMost(Duration.ofSeconds(40)).until(() -> {
            Message m = nc.request("who", new byte[0], Duration.ofSeconds(10));
            workloads.add(m.getHeaders().getFirst("workload_id"));
            return workloads.size() == 2;
        });
    }

    @Test
    void workloadCloneDeploysTheSameDefinitionElsewhere() throws Exception {
        NexNode east = nex.node("east", b -> b.tags.put("zone", "east"));
        NexNode west = nex.node("west", b -> b.tags.put("zone", "west"));
        Path fn = dir.resolve("where.js");
        Files.writeString(fn, "(subject, payload) => subject");
        NexHarness.Result r = nex.run("nex", "run", fn.toString(), "--trigger-subject", "where", "--node-id", east.id());
        assertThat(r.status()).as(r.toString()).isZero();
        String original = east.workloads().get(0).id();

        NexHarness.Result clone = nex.run("nex", "workload", "clone", original, "--tags", "zone=west", "--stop");
        assertThat(clone.status()).as(clone.toString()).isZero();
        assertThat(clone.out()).contains("cloned from " + original + " to node " + west.id())
                .endsWith("Workload " + original + " stopped\n");
        assertThat(east.workloads()).isEmpty();
        assertThat(west.workloads()).hasSize(1);
        assertThat(west.workloads().get(0).spec().triggerSubjects()).containsExactly("where");
        Message m = nex.connect().request("where", new byte[0], Duration.ofSeconds(20));
        assertThat(text(m)).isEqualTo("\"where\"");

        NexHarness.Result missing = nex.run("--timeout", "1s", "nex", "wl", "clone", "nope");
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.err()).contains("no reply from workload nope");
    }

    @Test
    void httpHostServiceAnswersAndCanBeSwitchedOff() throws Exception {
        com.sun.net.httpserver.HttpServer web = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        web.createContext("/", ex -> {
            try (ex) {
                byte[] in = ex.getRequestBody().readAllBytes();
                byte[] out = (ex.getRequestMethod() + " " + new String(in, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("X-Test", "yes");
                ex.sendResponseHeaders(201, out.length);
                ex.getResponseBody().write(out);
            }
        });
        web.start();
        try {
            String url = "http://127.0.0.1:" + web.getAddress().getPort() + "/echo";
            nex.node("web");
            Path fn = dir.resolve("web.js");
            Files.writeString(fn, """
                    (subject, payload) => {
                      const got = this.hostServices.http.get('%s');
                      const posted = this.hostServices.http.post('%s', {n: 1});
                      return { status: got.status, header: got.headers['x-test'],
                               get: new TextDecoder().decode(got.response), post: new TextDecoder().decode(posted.response) };
                    }
                    """.formatted(url, url));
            assertThat(nex.run("nex", "run", fn.toString(), "--trigger-subject", "web").status()).isZero();
            Connection nc = nex.connect();
            assertThat(text(nc.request("web", new byte[0], Duration.ofSeconds(20))))
                    .isEqualTo("{\"status\":201,\"header\":\"yes\",\"get\":\"GET \",\"post\":\"POST {\\\"n\\\":1}\"}");

            NexNode off = nex.node("offline", b -> b.httpHostService = false);
            assertThat(nex.run("nex", "run", fn.toString(), "--trigger-subject", "web.off", "--name", "weboff",
                    "--node-id", off.id()).status()).isZero();
            Message refused = nc.request("web.off", new byte[0], Duration.ofSeconds(20));
            assertThat(refused.getHeaders().getFirst("error"))
                    .contains("http.get failed: the http host service is disabled on this node");
        } finally {
            web.stop(0);
        }
    }
}
