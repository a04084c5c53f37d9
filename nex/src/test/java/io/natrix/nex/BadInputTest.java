package io.natrix.nex;

import static org.assertj.core.api.Assertions.assertThat;

import io.natrix.nex.api.NexEvent;
import io.natrix.nex.node.NexNode;
import io.nats.client.Connection;
import io.nats.client.Message;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input gets one clear line (or a clear error reply) and leaves the node running: missing artifacts, wrong
 * hashes, JavaScript that does not parse, throws or never ends, refused trigger subjects, bad flags, and no
 * server.
 */
class BadInputTest {

    @TempDir
    Path dir;

    NexHarness nex;
    NexNode node;

    @BeforeEach
    void start() {
        nex = NexHarness.start(dir);
        node = nex.node("bad", b -> {
            b.functionTimeout = Duration.ofSeconds(3);
            b.functionMemoryMb = 64;
        });
    }

    @AfterEach
    void stop() {
        nex.close();
    }

    private Path file(String name, String text) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    private String error(String... args) {
        NexHarness.Result r = nex.run(args);
        assertThat(r.status()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("natrix: error: ").endsWith("\n");
        assertThat(r.err().strip()).doesNotContain("\n");
        return r.err().strip().substring("natrix: error: ".length());
    }

    @Test
    void badArtifactsAreRefusedAtDeploy() throws Exception {
        assertThat(error("nex", "run", dir.resolve("missing.sh").toString()))
                .isEqualTo("artifact " + dir.resolve("missing.sh") + " not found");
        assertThat(error("nex", "run", "nats://NEXCLIFILES/nope", "--lifecycle", "job"))
                .startsWith("artifact nats://NEXCLIFILES/nope not found");
        assertThat(error("nex", "run", "file:///no/such/file", "--lifecycle", "job"))
                .isEqualTo("artifact file:///no/such/file not found: no file /no/such/file");

        Path ok = file("ok.sh", "#!/bin/sh\nexit 0\n");
        assertThat(nex.run("nex", "run", ok.toString(), "--lifecycle", "job").status()).isZero();
        assertThat(error("nex", "run", "nats://NEXCLIFILES/ok", "--lifecycle", "job", "--sha256", "ab".repeat(32)))
                .startsWith("artifact nats://NEXCLIFILES/ok has sha256 ").endsWith(", expected " + "ab".repeat(32));

        Path notExecutable = file("data.bin", "\u0000\u0001 not a program");
        assertThat(error("nex", "run", notExecutable.toString(), "--lifecycle", "job"))
                .isEqualTo("artifact nats://NEXCLIFILES/data is not an executable (no ELF or Mach-O header, no #! line)");

        assertThat(error("nex", "run", ok.toString(), "--type", "cobol"))
                .isEqualTo("unknown workload type \"cobol\": use native, javascript, jvm, wasm");
        assertThat(error("nex", "run", ok.toString(), "--lifecycle", "function"))
                .isEqualTo("a native workload cannot have lifecycle \"function\" (it can be service or job)");
        assertThat(error("nex", "run", ok.toString(), "--name", "bad name"))
                .startsWith("workload name \"bad name\" may only hold letters, digits");
        assertThat(error("nex", "run", ok.toString(), "NOEQUALS"))
                .isEqualTo("invalid environment variable \"NOEQUALS\": expected KEY=VALUE");
    }

    @Test
    void badJavaScriptAndTriggersAreRefusedAndTheNodeKeepsRunning() throws Exception {
        Path syntax = file("syntax.js", "(subject, payload) => { return {");
        assertThat(error("nex", "run", syntax.toString(), "--trigger-subject", "a"))
                .startsWith("JavaScript syntax error: ");
        Path notFn = file("value.js", "42");
        assertThat(error("nex", "run", notFn.toString(), "--trigger-subject", "a"))
                .startsWith("the script must evaluate to a function");
        Path good = file("echo.js", "(subject, payload) => ({subject, n: payload.length})");
        assertThat(error("nex", "run", good.toString()))
                .isEqualTo("a function needs at least one trigger subject");
        for (String denied : new String[] {"$JS.API.STREAM.LIST", "$SYS.>", "$NEX.SVC.default.control.PING", ">"}) {
            assertThat(error("nex", "run", good.toString(), "--trigger-subject", denied))
                    .startsWith("trigger subject \"" + denied + "\" is not allowed: it overlaps the denied subject");
        }
        assertThat(error("nex", "run", good.toString(), "--trigger-subject", "a..b"))
                .isEqualTo("trigger subject \"a..b\" is not a valid subject");

        Connection nc = nex.connect();
        FeedRecorder feed = new FeedRecorder(nc, "default");
        Path moody = file("moody.js", """
                (subject, payload) => {
                  const text = new TextDecoder().decode(payload);
                  if (text === 'throw') { throw new Error('bad mood'); }
                  if (text === 'loop') { for (;;) { } }
                  if (text === 'hog') { const a = []; for (;;) { a.push(new Array(10000).fill(text)); } }
                  return text.toUpperCase();
                }
                """);
        assertThat(nex.run("nex", "run", moody.toString(), "--trigger-subject", "moody").status()).isZero();
        assertThat(nex.run("nex", "run", good.toString(), "--trigger-subject", "echo").status()).isZero();

        assertThat(text(nc.request("moody", bytes("hi"), Duration.ofSeconds(20)))).isEqualTo("\"HI\"");
        Message thrown = nc.request("moody", bytes("throw"), Duration.ofSeconds(20));
        assertThat(thrown.getHeaders().getFirst("error")).isEqualTo("function failed: Error: bad mood");
        assertThat(text(thrown)).isEqualTo("{\"error\":\"function failed: Error: bad mood\"}");
        Message looped = nc.request("moody", bytes("loop"), Duration.ofSeconds(20));
        assertThat(looped.getHeaders().getFirst("error")).isEqualTo("function exceeded its time limit of 3000 ms");
        Message hog = nc.request("moody", bytes("hog"), Duration.ofSeconds(20));
        assertThat(hog.getHeaders().getFirst("error"))
                .isEqualTo("function exceeded its memory budget of 64 MiB allocated in one call");
        assertThat(text(nc.request("moody", bytes("again"), Duration.ofSeconds(20)))).isEqualTo("\"AGAIN\"");
        assertThat(text(nc.request("echo", bytes("abc"), Duration.ofSeconds(20))))
                .isEqualTo("{\"subject\":\"echo\",\"n\":3}");
        assertThat(feed.events(NexEvent.FUNCTION_FAILED)).hasSize(3);
        assertThat(node.state()).isEqualTo("running");
        assertThat(nex.run("nex", "node", "ls").out()).contains(node.id());
    }

    @Test
    void helpListsTheNexCommands() {
        NexHarness.Result help = nex.run("nex", "--help");
        assertThat(help.status()).as(help.toString()).isZero();
        assertThat(help.out()).contains("node", "run", "workload", "logs", "events");
        NexHarness.Result run = nex.run("nex", "run", "--help");
        assertThat(run.out()).contains("--trigger-subject", "--target-namespace");
        assertThat(nex.run("nex", "devrun", "--help").status()).isZero();
    }

    @Test
    void badCommandLinesAndNoServer() {
        NexHarness.Result unknown = nex.run("nex", "frobnicate");
        assertThat(unknown.status()).isEqualTo(2);
        NexHarness.Result missing = nex.run("nex", "node", "info");
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).contains("NODE_ID");
        assertThat(error("nex", "node", "lameduck")).isEqualTo("a node id is required (NODE_ID or --node-id)");
        assertThat(error("nex", "--namespace", "a.b", "node", "ls"))
                .isEqualTo("namespace \"a.b\" may only hold letters, digits, '_' and '-'");
        assertThat(error("--server", "nats://127.0.0.1:1", "nex", "node", "ls"))
                .startsWith("could not connect to nats://127.0.0.1:1");
        Path config = dir.resolve("bad.json");
        try {
            Files.writeString(config, "{\"nexus\": \"x\", \"colour\": \"blue\"}");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(error("nex", "node", "up", "--config", config.toString()))
                .isEqualTo("invalid node settings: unknown key \"colour\" in " + config);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Message m) {
        assertThat(m).isNotNull();
        return new String(m.getData(), StandardCharsets.UTF_8);
    }
}
