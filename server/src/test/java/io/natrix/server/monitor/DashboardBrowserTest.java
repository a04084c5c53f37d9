package io.natrix.server.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.withinPercentage;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.server.TestServer;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in a real browser: Debian's headless Chromium, driven through Playwright's {@code playwright-core}
 * (installed by npm into {@code target/dashboard-browser}; it downloads no browser) by
 * {@code src/test/js/dashboard/driver.mjs}, against a server with jnats clients and traffic. It shows that the
 * figures on the page are live (the connection count follows clients coming and going, the message rates rise while
 * messages flow and fall back to zero, the totals grow by exactly the messages sent), that endpoint failures are
 * shown without stopping the rest, that JetStream reads "disabled" until /jsz says otherwise, that client-chosen
 * names stay text, and that the page loads nothing but its own endpoints. It leaves {@code target/dashboard.png}
 * (and {@code target/dashboard-jetstream.png}) to look at.
 *
 * <p>Skipped, saying why, where {@code /usr/bin/chromium} or Node.js 20+ is missing ({@code .ci/run} installs
 * Chromium). The npm install needs the registry (or npm's cache) the first time; without it the test fails.
 */
class DashboardBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final int NODE_MAJOR_MIN = 20;
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The page polls every half second here (its default is 2 s), so that the test is quick. */
    private static final String REFRESH = "0.5";
    /**
     * A connection name that would run script if the page ever wrote names as HTML (without double quotes: jnats
     * writes the name into CONNECT unescaped).
     */
    private static final String HOSTILE_NAME = "<img src=x onerror=document.title='owned'>sub-two";

    private static Path moduleDir() {
        Path here = Path.of("").toAbsolutePath();
        for (Path candidate : List.of(here, here.resolve("server"))) {
            if (Files.exists(candidate.resolve("src/test/js/dashboard/driver.mjs"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("can not find src/test/js/dashboard/driver.mjs from " + here);
    }

    @Test
    void dashboardShowsLiveFiguresInHeadlessChromium() throws Exception {
        Path module = moduleDir();
        assumeTrue(Files.isExecutable(CHROMIUM), "Chromium is not installed at " + CHROMIUM
                + " (apt-get install chromium chromium-driver; .ci/run does it): the dashboard browser test is skipped");
        String nodeProblem = nodeProblem(module);
        assumeTrue(nodeProblem == null, nodeProblem + ": the dashboard browser test is skipped");
        Path installDir = installPlaywright(module);

        try (TestServer server = TestServer.start(b -> { b.httpHost = "127.0.0.1"; b.httpPort = -1; });
             Browser browser = Browser.launch(module, installDir)) {
            String base = "http://127.0.0.1:" + server.server().httpPort();
            JsonNode opened = browser.call(Map.of("op", "open", "url", base + "/dashboard?refresh=" + REFRESH,
                    "width", 1400, "height", 1000));
            assertThat(opened.path("status").asInt()).isEqualTo(200);

            // At rest: live, no client, JetStream off.
            browser.waitFor("document.getElementById('status').dataset.state === 'live' && "
                    + value("stat-connections") + " === '0'");
            assertThat(browser.text("jetstream-status")).isEqualTo("JetStream disabled");
            assertThat(browser.text("version")).contains("nats-server 2.11.0");
            assertThat(browser.text("server-id")).isEqualTo(server.server().serverId());
            long subsBefore = browser.eval(value("stat-subscriptions")).asLong();

            AtomicLong delivered = new AtomicLong();
            try (Connection pub = connect(server, "dash-pub");
                 Connection sub1 = connect(server, "dash-sub-one");
                 Connection sub2 = connect(server, HOSTILE_NAME)) {
                sub1.createDispatcher(m -> delivered.incrementAndGet()).subscribe("dash.>");
                sub2.createDispatcher(m -> delivered.incrementAndGet()).subscribe("dash.>");
                sub1.flush(WAIT);
                sub2.flush(WAIT);

                // The clients appear: the count, the table (names as text), the subscriptions.
                browser.waitFor(value("stat-connections") + " === '3' && "
                        + "document.querySelectorAll('#connections-table tbody tr').length === 3");
                browser.waitFor(value("stat-subscriptions") + " === '" + (subsBefore + 2) + "'");
                JsonNode names = browser.eval("[...document.querySelectorAll('#connections-table tbody tr"
                        + " td.name')].map(td => td.textContent)");
                assertThat(names).extracting(JsonNode::asText)
                        .containsExactly("dash-pub", "dash-sub-one", HOSTILE_NAME);
                assertThat(browser.eval("document.querySelectorAll('img').length").asInt()).isZero();

                // No traffic: the rates read zero; the totals are the baseline.
                browser.waitFor(value("stat-in-msgs-rate") + " === '0' && " + value("stat-out-msgs-rate")
                        + " === '0'");
                int mark = browser.eval("Number(document.body.dataset.updates)").asInt();
                browser.waitFor("Number(document.body.dataset.updates) >= " + (mark + 2));
                long inBefore = browser.eval(value("stat-in-msgs")).asLong();
                long outBefore = browser.eval(value("stat-out-msgs")).asLong();

                // Traffic: the rates rise while it flows (and the charts draw it).
                AtomicBoolean stop = new AtomicBoolean();
                Publisher publisher = new Publisher(pub, stop);
                Thread thread = Thread.ofPlatform().name("dashboard-traffic").start(publisher);
                JsonNode rates;
                try {
                    rates = browser.waitFor("(() => { const v = id => Number(document.getElementById(id)"
                            + ".dataset.value); const r = [v('stat-in-msgs-rate'), v('stat-out-msgs-rate'),"
                            + " v('stat-in-bytes-rate'), v('stat-out-bytes-rate')];"
                            + " return r.every(x => x > 0) && r; })()");
                    browser.waitFor("Number(document.querySelector('#chart-msgs svg').dataset.max) > 1");
                    // A few seconds of traffic on the charts before the picture is taken.
                    int flowing = browser.eval("Number(document.body.dataset.updates)").asInt();
                    browser.waitFor("Number(document.body.dataset.updates) >= " + (flowing + 6));
                    browser.call(Map.of("op", "screenshot", "path",
                            module.resolve("target/dashboard.png").toString()));
                } finally {
                    stop.set(true);
                    thread.join(WAIT.toMillis());
                }
                assertThat(thread.isAlive()).as("publisher stopped").isFalse();
                assertThat(publisher.failure).as("publisher failure").isNull();
                long sent = publisher.sent.get();
                assertThat(sent).isPositive();
                assertThat(rates.get(0).asDouble()).as("msgs in/s while publishing").isPositive()
                        .isLessThanOrEqualTo(sent);
                // Payload bytes are counted, as nats-server counts them: bytes/s is msgs/s times the payload.
                assertThat(rates.get(2).asDouble()).as("bytes in/s = msgs in/s x payload")
                        .isCloseTo(rates.get(0).asDouble() * Publisher.PAYLOAD.length, withinPercentage(0.5));
                pub.flush(WAIT);
                await().atMost(WAIT).until(() -> delivered.get() == 2 * sent);

                // The totals grow by exactly what was sent and delivered; then the rates fall back to zero.
                browser.waitFor(value("stat-in-msgs") + " === '" + (inBefore + sent) + "' && "
                        + value("stat-out-msgs") + " === '" + (outBefore + 2 * sent) + "'");
                browser.waitFor(value("stat-in-msgs-rate") + " === '0' && " + value("stat-out-msgs-rate")
                        + " === '0'");
                JsonNode line = browser.eval("document.querySelector('#chart-msgs path.line[data-series=inMsgs]')"
                        + ".dataset.points");
                assertThat(line.asInt()).as("points on the msgs-in line").isGreaterThan(3);

                // A client leaves.
                sub2.close();
                browser.waitFor(value("stat-connections") + " === '2' && "
                        + "document.querySelectorAll('#connections-table tbody tr').length === 2");
                browser.waitFor(value("stat-subscriptions") + " === '" + (subsBefore + 1) + "'");
            }
            browser.waitFor(value("stat-connections") + " === '0'");
            browser.waitFor("document.getElementById('connections-empty').hidden === false");

            // One endpoint failing is shown on its panel; the rest stays live.
            browser.route("/connz", 500, "text/plain", "internal error");
            JsonNode connzError = browser.waitFor("(() => { const e = document.getElementById('connections-error');"
                    + " return !e.hidden && e.textContent; })()");
            assertThat(connzError.asText()).isEqualTo("/connz: HTTP 500 – internal error");
            assertThat(browser.waitFor("document.getElementById('status').dataset.state === 'stale'"
                    + " && document.getElementById('status').dataset.state").asText()).isEqualTo("stale");
            int updates = browser.eval("Number(document.body.dataset.updates)").asInt();
            browser.waitFor("Number(document.body.dataset.updates) > " + (updates + 1));
            browser.unroute("/connz");
            browser.waitFor("document.getElementById('connections-error').hidden"
                    + " && document.getElementById('status').dataset.state === 'live'");

            // The server out of reach.
            browser.abort("/varz");
            JsonNode varzError = browser.waitFor("(() => { const e = document.getElementById('varz-error');"
                    + " return !e.hidden && document.getElementById('status').dataset.state === 'error'"
                    + " && e.textContent; })()");
            assertThat(varzError.asText()).isEqualTo("/varz: server unreachable");
            browser.unroute("/varz");
            browser.waitFor("document.getElementById('varz-error').hidden"
                    + " && document.getElementById('status').dataset.state === 'live'");

            // JetStream as nats-server reports it when enabled: figures, streams and consumers listed.
            browser.route("/jsz", 200, "application/json", enabledJsz(server.server().serverId()));
            browser.waitFor("document.getElementById('jetstream-panel').dataset.enabled === 'true'");
            browser.waitFor("document.querySelectorAll('#streams-table tbody tr').length === 2");
            assertThat(browser.text("jetstream-status")).startsWith("JetStream enabled");
            assertThat(browser.text("js-streams")).isEqualTo("2");
            assertThat(browser.text("js-consumers")).isEqualTo("1");
            assertThat(browser.eval("[...document.querySelectorAll('#streams-table tbody tr')]"
                    + ".map(tr => tr.dataset.key)")).extracting(JsonNode::asText)
                    .containsExactly("APP/ORDERS", "APP/EVENTS");
            assertThat(browser.eval("[...document.querySelectorAll('#consumers-table tbody tr td')]"
                    + ".slice(0, 4).map(td => td.textContent)")).extracting(JsonNode::asText)
                    .containsExactly("APP", "ORDERS", "shipper", "42");
            browser.call(Map.of("op", "screenshot", "path",
                    module.resolve("target/dashboard-jetstream.png").toString()));
            browser.unroute("/jsz");
            browser.waitFor("document.getElementById('jetstream-status').textContent === 'JetStream disabled'"
                    + " && document.getElementById('jetstream-details').hidden");

            // Only the listener's own paths were asked for; nothing failed in the page but what was made to fail.
            JsonNode events = browser.call(Map.of("op", "events"));
            assertThat(events.get("pageErrors")).as("page errors").isEmpty();
            assertThat(events.get("foreignRequests")).as("requests elsewhere").isEmpty();
            List<String> paths = new ArrayList<>();
            events.get("requests").forEach(r -> paths.add(URI.create(r.asText()).getPath()));
            assertThat(paths).as("paths requested").isNotEmpty()
                    .allMatch(p -> List.of("/dashboard", "/varz", "/connz", "/accstatz", "/jsz").contains(p));
            events.get("consoleErrors").forEach(e -> assertThat(e.asText()).as("console")
                    .contains("Failed to load resource"));
            assertThat(browser.eval("document.title").asText()).isNotEqualTo("owned");
        }
    }

    private static String value(String id) {
        return "document.getElementById('" + id + "').dataset.value";
    }

    private static Connection connect(TestServer server, String name) throws Exception {
        return Nats.connect(new Options.Builder().server(server.url()).connectionName(name)
                .connectionTimeout(WAIT).build());
    }

    /** Publishes steadily (about 2,500 messages a second) until stopped, bounded in time and count. */
    private static final class Publisher implements Runnable {
        static final byte[] PAYLOAD = new byte[100];
        private static final int BATCH = 50;
        private static final long MAX_MESSAGES = 200_000;
        private static final Duration MAX_TIME = Duration.ofSeconds(60);
        final AtomicLong sent = new AtomicLong();
        volatile Throwable failure;
        private final Connection connection;
        private final AtomicBoolean stop;

        Publisher(Connection connection, AtomicBoolean stop) {
            this.connection = connection;
            this.stop = stop;
        }

        @Override
        public void run() {
            long deadline = System.nanoTime() + MAX_TIME.toNanos();
            try {
                while (!stop.get() && sent.get() < MAX_MESSAGES && System.nanoTime() < deadline) {
                    for (int i = 0; i < BATCH; i++) {
                        connection.publish("dash.traffic." + (i % 5), PAYLOAD);
                    }
                    sent.addAndGet(BATCH);
                    Thread.sleep(20);
                }
            } catch (Throwable t) {
                failure = t;
            }
        }
    }

    /** A /jsz document in nats-server's shape with JetStream on: one account, two streams, one consumer. */
    private static String enabledJsz(String serverId) {
        return """
                {"server_id": "%s", "now": "2026-01-01T00:00:00Z",
                 "config": {"max_memory": 1073741824, "max_storage": 10737418240, "store_dir": "/tmp/js"},
                 "memory": 0, "storage": 123456, "reserved_memory": 0, "reserved_storage": 0, "accounts": 1,
                 "ha_assets": 0, "api": {"total": 17, "errors": 1},
                 "streams": 2, "consumers": 1, "messages": 1500, "bytes": 123456, "total": 1,
                 "account_details": [{"name": "APP", "id": "APP", "memory": 0, "storage": 123456,
                   "reserved_memory": 0, "reserved_storage": 0, "accounts": 0, "ha_assets": 0,
                   "api": {"total": 17, "errors": 1},
                   "stream_detail": [
                     {"name": "ORDERS", "created": "2026-01-01T00:00:00Z",
                      "state": {"messages": 1000, "bytes": 100000, "first_seq": 1, "last_seq": 1000,
                                "consumer_count": 1},
                      "consumer_detail": [{"stream_name": "ORDERS", "name": "shipper",
                        "created": "2026-01-01T00:00:00Z", "delivered": {"consumer_seq": 958, "stream_seq": 958},
                        "ack_floor": {"consumer_seq": 950, "stream_seq": 950}, "num_ack_pending": 8,
                        "num_redelivered": 2, "num_waiting": 1, "num_pending": 42}]},
                     {"name": "EVENTS", "created": "2026-01-01T00:00:00Z",
                      "state": {"messages": 500, "bytes": 23456, "first_seq": 11, "last_seq": 510,
                                "consumer_count": 0}}]}]}
                """.formatted(serverId);
    }

    // ---------------------------------------------------------------- Node.js, npm and the browser driver

    /** Why Node.js cannot run the driver, or null when it can. */
    private static String nodeProblem(Path module) throws InterruptedException {
        Path out = module.resolve("target/dashboard-node-version.out");
        try {
            Files.createDirectories(out.getParent());
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).redirectOutput(out.toFile())
                    .start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "node --version did not answer within 30 s";
            }
            String v = Files.readString(out).trim();
            if (p.exitValue() != 0 || !v.matches("v\\d+\\..*")) {
                return "node --version failed: " + v;
            }
            int major = Integer.parseInt(v.substring(1, v.indexOf('.')));
            return major >= NODE_MAJOR_MIN ? null : "Node.js " + NODE_MAJOR_MIN + "+ is needed, found " + v;
        } catch (IOException e) {
            return "Node.js is not on PATH (" + e.getMessage() + ")";
        }
    }

    /** Installs playwright-core into target/dashboard-browser unless an install from the same manifests is there. */
    private static Path installPlaywright(Path module) throws Exception {
        Path sources = module.resolve("src/test/js/dashboard");
        Path dir = module.resolve("target/dashboard-browser");
        Path stamp = dir.resolve(".installed-from");
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(Files.readAllBytes(sources.resolve("package.json")));
        sha.update(Files.readAllBytes(sources.resolve("package-lock.json")));
        String wanted = HexFormat.of().formatHex(sha.digest());
        if (Files.exists(dir.resolve("node_modules/playwright-core/package.json")) && Files.exists(stamp)
                && Files.readString(stamp).equals(wanted)) {
            return dir;
        }
        Files.createDirectories(dir);
        Files.deleteIfExists(stamp);
        for (String f : List.of("package.json", "package-lock.json")) {
            Files.copy(sources.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        Path log = dir.resolve("npm-install.log");
        ProcessBuilder pb = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--prefer-offline",
                "--fetch-retry-mintimeout=2000", "--fetch-retry-maxtimeout=10000")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        Process npm;
        try {
            npm = pb.start();
        } catch (IOException e) {
            fail("npm must be on PATH to install playwright-core for the dashboard browser test: " + e);
            return dir;
        }
        if (!npm.waitFor(INSTALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            npm.descendants().forEach(ProcessHandle::destroyForcibly);
            npm.destroyForcibly();
            fail("npm ci of playwright-core took over " + INSTALL_TIMEOUT + "; npm said:\n" + Files.readString(log));
        }
        if (npm.exitValue() != 0) {
            fail("npm ci of playwright-core into " + dir + " failed (exit " + npm.exitValue() + "). This test needs"
                    + " the npm registry (or npm's cache) to install it; npm said:\n" + Files.readString(log));
        }
        Files.writeString(stamp, wanted);
        return dir;
    }

    /**
     * driver.mjs running Chromium: one JSON command a line in, one answer a line out. Closing it closes the browser
     * and, should that hang, kills the driver and everything it started; its profile folder is removed.
     */
    private static final class Browser implements AutoCloseable {
        private final Process process;
        private final Writer in;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final Path stderr;
        private final Path profile;
        private int nextId;

        private Browser(Process process, Path stderr, Path profile) {
            this.process = process;
            this.stderr = stderr;
            this.profile = profile;
            this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread.ofPlatform().daemon().name("dashboard-driver-out").start(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // The driver went away; waiting callers time out and report its stderr.
                }
            });
        }

        static Browser launch(Path module, Path installDir) throws Exception {
            Path profile = Files.createTempDirectory(installDir, "profile-");
            Path stderr = installDir.resolve("driver.err");
            ProcessBuilder pb = new ProcessBuilder("node", module.resolve("src/test/js/dashboard/driver.mjs").toString())
                    .directory(installDir.toFile()).redirectError(stderr.toFile());
            pb.environment().put("NATRIX_BROWSER_DIR", installDir.toString());
            pb.environment().put("CHROMIUM", CHROMIUM.toString());
            pb.environment().put("PROFILE_DIR", profile.toString());
            Browser browser = new Browser(pb.start(), stderr, profile);
            try {
                JsonNode ready = browser.next(Duration.ofSeconds(90));
                if (!ready.path("ready").asBoolean()) {
                    fail("Chromium did not start: " + ready + "\n" + browser.stderr());
                }
                return browser;
            } catch (Throwable t) {
                browser.close();
                throw t;
            }
        }

        JsonNode call(Map<String, ?> command) throws Exception {
            return call(command, WAIT.plusSeconds(30));
        }

        private JsonNode call(Map<String, ?> command, Duration timeout) throws Exception {
            ObjectNode cmd = JSON.valueToTree(command);
            int id = ++nextId;
            cmd.put("id", id);
            in.write(JSON.writeValueAsString(cmd) + "\n");
            in.flush();
            JsonNode reply = next(timeout);
            assertThat(reply.path("id").asInt()).as("answer to %s", cmd).isEqualTo(id);
            if (!reply.path("ok").asBoolean()) {
                fail("browser: " + command.get("op") + " failed: " + reply.path("error").asText());
            }
            return reply.get("value");
        }

        private JsonNode next(Duration timeout) throws Exception {
            String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (line == null) {
                fail("no answer from the browser driver within " + timeout + "\n" + stderr());
            }
            return JSON.readTree(line);
        }

        JsonNode eval(String expression) throws Exception {
            return call(Map.of("op", "eval", "expr", expression));
        }

        /** Polls the expression in the page until it is truthy; its value. */
        JsonNode waitFor(String expression) throws Exception {
            return call(Map.of("op", "waitFor", "expr", expression, "timeout", WAIT.toMillis()));
        }

        String text(String id) throws Exception {
            return eval("document.getElementById('" + id + "').textContent").asText();
        }

        void route(String path, int status, String contentType, String body) throws Exception {
            call(Map.of("op", "route", "path", path, "status", status, "contentType", contentType, "body", body));
        }

        void abort(String path) throws Exception {
            call(Map.of("op", "route", "path", path, "abort", true));
        }

        void unroute(String path) throws Exception {
            call(Map.of("op", "unroute", "path", path));
        }

        private String stderr() {
            try {
                return "--- driver stderr\n" + Files.readString(stderr);
            } catch (IOException e) {
                return "";
            }
        }

        @Override
        public void close() throws Exception {
            List<ProcessHandle> tree = process.descendants().toList();
            try {
                in.write("{\"op\":\"close\"}\n");
                in.close();
            } catch (IOException e) {
                // Already gone.
            }
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            tree.forEach(ProcessHandle::destroyForcibly); // none should be left: Chromium closes with the driver
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
