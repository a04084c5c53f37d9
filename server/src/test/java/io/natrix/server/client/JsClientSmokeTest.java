package io.natrix.server.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.natrix.server.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the official NATS JavaScript clients against Natrix: the scripts in {@code src/test/js} on Node.js (core
 * messaging, JetStream, consumers, key-value, object store, services), with {@code @nats-io/transport-node},
 * {@code jetstream}, {@code kv}, {@code obj} and {@code services} installed by one npm install into
 * {@code target/js-client} (so {@code mvn clean} resets it). Each script prints "ok <check>" per check.
 *
 * <p>The install is reused while {@code package.json} and {@code package-lock.json} are unchanged. It needs the npm
 * registry the first time; without it this test fails, saying so, rather than skipping.
 */
class JsClientSmokeTest {

    private static final List<String> CHECKS = List.of("connect", "pubsub", "request", "headers", "no-responders",
            "close");
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);
    private static final int NODE_MAJOR_MIN = 20;

    /** The server module's folder: the working directory under Maven, or its {@code server/} child elsewhere. */
    private static Path moduleDir() {
        Path here = Path.of("").toAbsolutePath();
        if (Files.exists(here.resolve("src/test/js/smoke.mjs"))) {
            return here;
        }
        Path child = here.resolve("server");
        if (Files.exists(child.resolve("src/test/js/smoke.mjs"))) {
            return child;
        }
        throw new IllegalStateException("can not find src/test/js/smoke.mjs from " + here);
    }

    @Test
    void jsClientPassesSmokeChecksAgainstNatrix() throws Exception {
        try (TestServer server = TestServer.start()) {
            runScript("smoke.mjs", server, CHECKS);
        }
    }

    private static final List<String> JETSTREAM_CHECKS = List.of("stream-add", "publish", "dedupe",
            "expected-last-sequence", "info", "get", "list", "update", "direct-batch", "mirror", "sources", "message-ttl",
            "purge-delete");

    @Test
    void jsJetStreamClientPassesSmokeChecksAgainstNatrix(@TempDir Path store) throws Exception {
        try (TestServer server = jetStreamServer(store)) {
            runScript("jetstream.mjs", server, JETSTREAM_CHECKS);
        }
    }

    private static final List<String> CONSUMER_CHECKS = List.of("consumer-add-info", "fetch-ack", "next-empty",
            "consume", "nak-redelivers", "ordered", "delete");

    @Test
    void jsJetStreamClientConsumesFromNatrix(@TempDir Path store) throws Exception {
        try (TestServer server = jetStreamServer(store)) {
            runScript("consumers.mjs", server, CONSUMER_CHECKS);
        }
    }

    private static final List<String> KV_CHECKS = List.of("bucket-create", "put-get", "create", "update-cas",
            "delete", "history", "purge", "keys", "watch", "status", "key-ttl", "destroy");

    @Test
    void jsKeyValueClientWorksAgainstNatrix(@TempDir Path store) throws Exception {
        try (TestServer server = jetStreamServer(store)) {
            runScript("kv.mjs", server, KV_CHECKS);
        }
    }

    private static final List<String> OBJECT_STORE_CHECKS = List.of("store-create", "put-stream", "get-identical",
            "info", "list", "link", "watch", "delete", "status", "seal", "destroy");

    @Test
    void jsObjectStoreClientWorksAgainstNatrix(@TempDir Path store) throws Exception {
        try (TestServer server = jetStreamServer(store)) {
            runScript("obj.mjs", server, OBJECT_STORE_CHECKS);
        }
    }

    private static final List<String> SERVICES_CHECKS = List.of("service-add", "endpoints", "queue-group",
            "handler-error", "discovery-ping", "discovery-info", "discovery-stats", "stop");

    @Test
    void jsServicesWorkAgainstNatrix() throws Exception {
        try (TestServer server = TestServer.start()) {
            runScript("services.mjs", server, SERVICES_CHECKS);
        }
    }

    private static TestServer jetStreamServer(Path store) throws Exception {
        return TestServer.start(b -> {
            b.jetstream = true;
            b.storeDir = store;
        });
    }

    /**
     * Runs {@code src/test/js/<script>} on Node.js against {@code server} with the clients installed in
     * target/js-client, and expects exactly {@code checks} to print "ok", in order, and the script to exit 0.
     */
    private static void runScript(String script, TestServer server, List<String> checks) throws Exception {
        Path module = moduleDir();
        requireNode(module);
        Path clientDir = installClient(module);
        String name = script.substring(0, script.lastIndexOf('.'));
        Run run = Run.of(List.of("node", module.resolve("src/test/js/" + script).toString(), server.url()), module,
                Map.of("NATS_JS_CLIENT_DIR", clientDir.toString()), clientDir.resolve(name), RUN_TIMEOUT);

        assertThat(run.exitCode()).as("%s exit code; output:%n%s", script, run.output()).isZero();
        assertThat(run.stdoutLines()).as("%s output:%n%s", script, run.output())
                .containsExactlyElementsOf(checks.stream().map(c -> "ok " + c).toList());
    }

    private static void requireNode(Path module) throws Exception {
        Run version;
        try {
            version = Run.of(List.of("node", "--version"), module, Map.of(),
                    module.resolve("target/js-client-node-version"), Duration.ofSeconds(30));
        } catch (IOException e) {
            fail("Node.js " + NODE_MAJOR_MIN + "+ must be on PATH for the JavaScript client smoke test: " + e);
            return;
        }
        String v = version.stdoutLines().isEmpty() ? "" : version.stdoutLines().get(0);
        assertThat(version.exitCode()).as("node --version: %s", version.output()).isZero();
        assertThat(v).as("node --version").matches("v\\d+\\..*");
        int major = Integer.parseInt(v.substring(1, v.indexOf('.')));
        assertThat(major).as("Node.js major version (need %d+), got %s", NODE_MAJOR_MIN, v)
                .isGreaterThanOrEqualTo(NODE_MAJOR_MIN);
    }

    /** Installs the pinned client into target/js-client unless an install from the same manifests is there. */
    private static Path installClient(Path module) throws Exception {
        Path sources = module.resolve("src/test/js");
        Path dir = module.resolve("target/js-client");
        Path stamp = dir.resolve(".installed-from");
        String wanted = digest(sources.resolve("package.json"), sources.resolve("package-lock.json"));
        boolean installed = Files.exists(dir.resolve("node_modules/@nats-io/transport-node/package.json"))
                && Files.exists(stamp) && Files.readString(stamp).equals(wanted);
        if (installed) {
            return dir;
        }
        Files.createDirectories(dir);
        Files.deleteIfExists(stamp);
        Files.copy(sources.resolve("package.json"), dir.resolve("package.json"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(sources.resolve("package-lock.json"), dir.resolve("package-lock.json"),
                StandardCopyOption.REPLACE_EXISTING);
        Run npm;
        try {
            // Short retry back-off: without the registry npm would otherwise wait over a minute before failing.
            npm = Run.of(List.of("npm", "install", "--no-audit", "--no-fund", "--prefer-offline",
                            "--fetch-retry-mintimeout=2000", "--fetch-retry-maxtimeout=10000"),
                    dir, Map.of(), dir.resolve("npm-install"), INSTALL_TIMEOUT);
        } catch (IOException e) {
            fail("npm must be on PATH to install the NATS JavaScript clients for the JavaScript client tests: " + e);
            return dir;
        }
        if (npm.exitCode() != 0) {
            fail("npm install of the NATS JavaScript clients into " + dir + " failed (exit " + npm.exitCode()
                    + "). This test needs the npm registry (or npm's cache) to install the NATS JavaScript client;"
                    + " it does not skip without it. npm said:\n" + npm.output());
        }
        Files.writeString(stamp, wanted);
        return dir;
    }

    private static String digest(Path... files) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (Path f : files) {
            sha.update(Files.readAllBytes(f));
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /**
     * A finished child process. Its output goes to files (no pipes to drain); one that outlives its time limit is
     * killed, with its descendants, and reported as exit code -1.
     */
    private record Run(int exitCode, String stdout, String stderr) {

        static Run of(List<String> command, Path workDir, Map<String, String> env, Path outputPrefix,
                      Duration timeout) throws IOException, InterruptedException {
            Path out = Path.of(outputPrefix + ".out");
            Path err = Path.of(outputPrefix + ".err");
            Files.createDirectories(out.toAbsolutePath().getParent());
            ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            int code;
            if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                code = p.exitValue();
            } else {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                code = -1;
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            if (code == -1) {
                stderr += "\n[killed after " + timeout + ": " + String.join(" ", command) + "]";
            }
            return new Run(code, stdout, stderr);
        }

        List<String> stdoutLines() {
            return stdout.lines().toList();
        }

        String output() {
            return "--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }
}
