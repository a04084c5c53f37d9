package io.natrix.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real launcher end to end: {@code ./natrix server} and {@code bin/nats-server} start the packaged jar in
 * the launcher's own process, write the pid and ports files, accept NATS clients, obey {@code -sl} signals, and
 * exit 0 after a graceful stop with their files removed.
 *
 * <p>Runs under failsafe, after {@code package}, with {@code NATRIX_NO_BUILD=1} so the launcher never builds.
 * The first launch may make the JVM's start-up cache, hence the generous start timeout.
 */
class LauncherEndToEndIT {

    private static final Path ROOT = Path.of(System.getProperty("natrix.root", "..")).toAbsolutePath().normalize();
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern CLIENT_PORT = Pattern.compile("nats://127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopLeftovers() {
        for (Process process : started) {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }

    private Process start(Path log, List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("NATRIX_NO_BUILD", "1");
        builder.environment().putAll(env);
        Process process = builder.start();
        started.add(process);
        return process;
    }

    private static Path portsFile(Path portsDir, long pid) {
        return portsDir.resolve("nats-server_" + pid + ".ports");
    }

    private static int clientPort(Path portsFile) throws IOException {
        Matcher m = CLIENT_PORT.matcher(Files.readString(portsFile));
        assertThat(m.find()).as("client URL in %s", portsFile).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private static String firstLine(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(5_000);
            BufferedReader in = new BufferedReader(
                    new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            return in.readLine();
        }
    }

    private int natrix(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("natrix").toString()));
        command.addAll(List.of(args));
        Process process = start(dir.resolve("natrix-" + started.size() + ".out"), command, Map.of());
        assertThat(process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        return process.exitValue();
    }

    @Test
    void launcherRunsAServerThatAnswersSignalsAndStopsCleanly() throws Exception {
        Path conf = Files.writeString(dir.resolve("server.conf"), "port: -1\n");
        Path pidFile = dir.resolve("run/natrix.pid");
        Path log = dir.resolve("natrix.log");
        Process server = start(dir.resolve("server.out"), List.of(ROOT.resolve("natrix").toString(), "server",
                "-c", conf.toString(), "-a", "127.0.0.1", "--ports_file_dir", dir.toString(),
                "-P", pidFile.toString(), "-l", log.toString()), Map.of());

        Path ports = portsFile(dir, server.pid());
        await().atMost(START_TIMEOUT).until(() -> Files.exists(ports) || !server.isAlive());
        assertThat(server.isAlive()).as("server running; output: %s", output("server.out")).isTrue();
        // The launcher execs java, so the pid the caller holds is the server's own.
        assertThat(Files.readString(pidFile)).isEqualTo(Long.toString(server.pid()));
        assertThat(firstLine(clientPort(ports))).startsWith("INFO {");

        assertThat(natrix("server", "-sl", "reload=" + pidFile)).isZero();
        await().atMost(STOP_TIMEOUT).until(() -> Files.readString(log).contains("Reloaded server configuration"));

        assertThat(natrix("server", "--signal=reopen=" + pidFile)).isZero();
        await().atMost(STOP_TIMEOUT).until(() -> Files.readString(log).contains("File log re-opened"));

        assertThat(natrix("server", "-sl", "quit=" + server.pid())).isZero();
        assertThat(server.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(server.exitValue()).as("exit status; output: %s", output("server.out")).isZero();
        assertThat(pidFile).doesNotExist();
        assertThat(ports).doesNotExist();
        assertThat(Files.readString(log)).contains("[INF] Server Exiting..");
    }

    @Test
    void natsServerDropInRunsNatrixFromPathAndStopsOnSigterm() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("nats-server"), ROOT.resolve("bin/nats-server"));
        String path = bin + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin");

        Process version = start(dir.resolve("version.out"), fromPath("nats-server", "--version"), Map.of("PATH", path));
        assertThat(version.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(version.exitValue()).as("exit status; output: %s", output("version.out")).isZero();
        assertThat(output("version.out")).startsWith("nats-server: v").contains("implements nats-server");

        Process server = start(dir.resolve("server.out"),
                fromPath("nats-server", "-p", "-1", "-a", "127.0.0.1", "--ports_file_dir", dir.toString()),
                Map.of("PATH", path));
        Path ports = portsFile(dir, server.pid());
        await().atMost(START_TIMEOUT).until(() -> Files.exists(ports) || !server.isAlive());
        assertThat(server.isAlive()).as("server running; output: %s", output("server.out")).isTrue();
        assertThat(firstLine(clientPort(ports))).startsWith("INFO {");

        server.destroy(); // SIGTERM
        assertThat(server.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(server.exitValue()).as("exit status; output: %s", output("server.out")).isZero();
        assertThat(ports).doesNotExist();
        assertThat(output("server.out")).contains("[INF] Server is ready").contains("[INF] Server Exiting..");
    }

    @Test
    void lameDuckModeEndsTheServerByItself() throws Exception {
        Path conf = Files.writeString(dir.resolve("ldm.conf"), "port: -1\nlame_duck_grace_period: \"1s\"\n");
        Process server = start(dir.resolve("server.out"), List.of(ROOT.resolve("natrix").toString(), "server",
                "-c", conf.toString(), "-a", "127.0.0.1", "--ports_file_dir", dir.toString()), Map.of());
        Path ports = portsFile(dir, server.pid());
        await().atMost(START_TIMEOUT).until(() -> Files.exists(ports) || !server.isAlive());
        assertThat(server.isAlive()).as("server running; output: %s", output("server.out")).isTrue();

        assertThat(natrix("server", "-sl", "ldm=" + server.pid())).isZero();
        assertThat(server.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(server.exitValue()).as("exit status; output: %s", output("server.out")).isZero();
        assertThat(output("server.out")).contains("lame duck").contains("[INF] Server Exiting..");
    }

    @Test
    void profilingTheServerWithFlightRecorderLeavesItServing() throws Exception {
        Process server = start(dir.resolve("server.out"), List.of(ROOT.resolve("natrix").toString(), "server",
                "-p", "-1", "-a", "127.0.0.1", "--ports_file_dir", dir.toString()), Map.of());
        Path ports = portsFile(dir, server.pid());
        await().atMost(START_TIMEOUT).until(() -> Files.exists(ports) || !server.isAlive());
        assertThat(server.isAlive()).as("server running; output: %s", output("server.out")).isTrue();

        // JFR samples threads by suspending them with the JVM's suspend signal, SIGUSR2 unless told otherwise.
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process profile = start(dir.resolve("jcmd.out"), List.of(jcmd.toString(), Long.toString(server.pid()),
                "JFR.start", "name=natrix-it", "settings=profile"), Map.of());
        assertThat(profile.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(profile.exitValue()).as("jcmd output: %s", output("jcmd.out")).isZero();
        // Samples are taken every 10-20 ms; give the recorder a few hundred rounds while clients keep connecting.
        long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (System.nanoTime() < until) {
            assertThat(firstLine(clientPort(ports))).startsWith("INFO {");
        }
        assertThat(server.isAlive()).isTrue();
        assertThat(output("server.out")).doesNotContain("lame duck").doesNotContain("Initiating Shutdown");
    }

    @Test
    void clientCommandsThroughTheLauncherDriveALaunchedServer() throws Exception {
        Path conf = Files.writeString(dir.resolve("js.conf"), "port: -1\njetstream { store_dir: \""
                + dir.resolve("store") + "\" }\n");
        Process server = start(dir.resolve("server.out"), List.of(ROOT.resolve("natrix").toString(), "server",
                "-c", conf.toString(), "-a", "127.0.0.1", "--ports_file_dir", dir.toString()), Map.of());
        Path ports = portsFile(dir, server.pid());
        await().atMost(START_TIMEOUT).until(() -> Files.exists(ports) || !server.isAlive());
        assertThat(server.isAlive()).as("server running; output: %s", output("server.out")).isTrue();
        String url = "nats://127.0.0.1:" + clientPort(ports);
        // XDG_CONFIG_HOME keeps the commands away from the machine's own natscli contexts.
        Map<String, String> env = Map.of("NATS_URL", url, "XDG_CONFIG_HOME", dir.resolve("config").toString());

        assertThat(client(env, "stream", "add", "ORDERS", "--subjects", "orders.>", "--defaults")).isZero();
        assertThat(client(env, "pub", "orders.new", "hello", "-J")).isZero();
        assertThat(output("client-1.out")).contains("Published 5 bytes to \"orders.new\"")
                .contains("Stored in Stream: ORDERS Sequence: 1");
        assertThat(client(env, "stream", "info", "ORDERS", "--json")).isZero();
        assertThat(output("client-2.out")).contains("\"messages\" : 1");
        assertThat(client(env, "req", "nobody.home", "x")).isEqualTo(1);
        assertThat(output("client-3.out")).endsWith("natrix: error: no responders available for request\n");
    }

    /**
     * Issue 9's acceptance, literally: a server with JetStream, a Nex node, the talk's create.js deployed with
     * {@code nex run}, a request through {@code natrix req}, and the todo in the host-services bucket.
     */
    @Test
    void theTalksDemoRunsThroughTheLauncher() throws Exception {
        Path conf = Files.writeString(dir.resolve("js.conf"), "port: -1\njetstream { store_dir: \""
                + dir.resolve("store") + "\" }\n");
        Process server = start(dir.resolve("server.out"), List.of(ROOT.resolve("natrix").toString(), "server",
                "-c", conf.toString(), "-a", "127.0.0.1", "--ports_file_dir", dir.toString()), Map.of());
        Path ports = portsFile(dir, server.pid());
        await().atMost(START_TIMEOUT).until(() -> Files.exists(ports) || !server.isAlive());
        assertThat(server.isAlive()).as("server running; output: %s", output("server.out")).isTrue();
        Map<String, String> env = Map.of("NATS_URL", "nats://127.0.0.1:" + clientPort(ports),
                "XDG_CONFIG_HOME", dir.resolve("config").toString());

        Process node = start(dir.resolve("node.out"), List.of(ROOT.resolve("natrix").toString(), "nex", "node",
                "up", "--data-dir", dir.resolve("nex").toString()), env);
        await().atMost(START_TIMEOUT).until(() -> output("node.out").contains(" is up") || !node.isAlive());
        assertThat(node.isAlive()).as("node running; output: %s", output("node.out")).isTrue();

        Files.writeString(dir.resolve("create.js"), """
                (subject, payload) => {
                  const todo = JSON.parse(new TextDecoder().decode(payload));
                  this.hostServices.kv.set(todo.id, payload);
                  return { id: todo.id, status: "created" };
                }
                """);
        assertThat(client(env, "nex", "run", "./create.js", "--trigger-subject", "todo.create"))
                .as("nex run; output: %s", output("client-0.out")).isZero();
        assertThat(client(env, "req", "todo.create", "{\"id\":\"1\",\"title\":\"x\"}"))
                .as("req; output: %s", output("client-1.out")).isZero();
        assertThat(output("client-1.out")).contains("{\"id\":\"1\",\"status\":\"created\"}");
        assertThat(client(env, "kv", "get", "hs_default_create_kv", "1", "--raw")).isZero();
        assertThat(output("client-2.out")).contains("{\"id\":\"1\",\"title\":\"x\"}");

        node.destroy(); // SIGTERM: the node stops its workloads and exits
        assertThat(node.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }

    /** Runs a client command through the launcher; its output lands in client-N.out (N counts from 0). */
    private int client(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("natrix").toString()));
        command.addAll(List.of(args));
        Process process = start(dir.resolve("client-" + clients++ + ".out"), command, env);
        assertThat(process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        return process.exitValue();
    }

    /**
     * The launcher binds the client port before the JVM starts and the server takes that socket over: it is the
     * server's descriptor 3 (systemd's socket-passing protocol) and serves clients. When a configuration file chooses another host than the launcher
     * could see, the server closes the passed socket and binds its own; when the port is taken, the server reports
     * it as nats-server does.
     */
    @Test
    void theLauncherBindsTheClientPortBeforeTheJvmStarts() throws Exception {
        int port = freePort();
        Process server = start(dir.resolve("server.out"), List.of(ROOT.resolve("natrix").toString(), "server",
                "-a", "127.0.0.1", "-p", Integer.toString(port), "--ports_file_dir", dir.toString()), Map.of());
        Path ports = portsFile(dir, server.pid());
        await().atMost(START_TIMEOUT).until(() -> Files.exists(ports) || !server.isAlive());
        assertThat(server.isAlive()).as("server running; output: %s", output("server.out")).isTrue();
        assertThat(clientPort(ports)).isEqualTo(port);
        assertThat(Files.readSymbolicLink(Path.of("/proc/" + server.pid() + "/fd/3")).toString())
                .as("descriptor 0 is the socket the launcher bound").startsWith("socket:");
        assertThat(firstLine(port)).startsWith("INFO {").contains("\"port\":" + port);
        server.destroy();
        assertThat(server.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        // The address in a configuration file, as test harnesses write it.
        int listed = freePort();
        Path listen = Files.writeString(dir.resolve("listen.conf"), "listen: \"127.0.0.1:" + listed + "\"\n");
        Process fromFile = start(dir.resolve("listen.out"), List.of(ROOT.resolve("natrix").toString(), "server",
                "--config", listen.toString(), "--ports_file_dir", dir.toString()), Map.of());
        Path fromFilePorts = portsFile(dir, fromFile.pid());
        await().atMost(START_TIMEOUT).until(() -> Files.exists(fromFilePorts) || !fromFile.isAlive());
        assertThat(fromFile.isAlive()).as("server running; output: %s", output("listen.out")).isTrue();
        assertThat(Files.readSymbolicLink(Path.of("/proc/" + fromFile.pid() + "/fd/3")).toString())
                .startsWith("socket:");
        assertThat(firstLine(listed)).startsWith("INFO {");
        fromFile.destroy();
        assertThat(fromFile.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        // No -a: the launcher binds 0.0.0.0, the file says 127.0.0.1, the file wins.
        int other = freePort();
        Path conf = Files.writeString(dir.resolve("host.conf"), "host: 127.0.0.1\n");
        Process configured = start(dir.resolve("configured.out"), List.of(ROOT.resolve("natrix").toString(),
                "server", "-c", conf.toString(), "-p", Integer.toString(other), "--ports_file_dir", dir.toString()),
                Map.of());
        Path configuredPorts = portsFile(dir, configured.pid());
        await().atMost(START_TIMEOUT).until(() -> Files.exists(configuredPorts) || !configured.isAlive());
        assertThat(configured.isAlive()).as("server running; output: %s", output("configured.out")).isTrue();
        assertThat(firstLine(other)).startsWith("INFO {");
        await().atMost(STOP_TIMEOUT).until(() -> output("configured.out")
                .contains("Listening for client connections on 127.0.0.1:" + other));
        configured.destroy();
        assertThat(configured.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        try (ServerSocket taken = new ServerSocket(0, 1,
                InetAddress.getByName("127.0.0.1"))) {
            Process refused = start(dir.resolve("refused.out"), List.of(ROOT.resolve("natrix").toString(),
                    "server", "-a", "127.0.0.1", "-p", Integer.toString(taken.getLocalPort())), Map.of());
            assertThat(refused.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(refused.exitValue()).isEqualTo(1);
            assertThat(output("refused.out")).contains("[FTL] Error listening on port: 127.0.0.1:"
                    + taken.getLocalPort());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private int clients;

    @Test
    void badCommandLinesFailFastWithOneLine() throws Exception {
        assertThat(natrix("server", "--bogus")).isEqualTo(Natrix.EXIT_USAGE);
        assertThat(natrix("server", "-p", "nope")).isEqualTo(1);
        try (Stream<Path> outputs = Files.list(dir)) {
            for (Path out : outputs.filter(p -> p.getFileName().toString().startsWith("natrix-")).toList()) {
                assertThat(Files.readString(out)).startsWith("natrix: ").hasLineCount(1);
            }
        }
    }

    /**
     * A command found through the child's PATH, as a harness would spawn it (ProcessBuilder itself searches the
     * parent's PATH, where Debian's nats-server may come first). sh execs it, so the pid stays the server's.
     */
    private static List<String> fromPath(String... command) {
        List<String> line = new ArrayList<>(List.of("/bin/sh", "-c", "exec \"$@\"", "sh"));
        line.addAll(List.of(command));
        return line;
    }

    private String output(String name) throws IOException {
        Path file = dir.resolve(name);
        return Files.exists(file) ? Files.readString(file) : "";
    }
}
