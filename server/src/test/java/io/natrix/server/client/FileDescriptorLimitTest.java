package io.natrix.server.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.natrix.server.jetstream.ChildServer;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server out of file descriptors (the reliability plan's D2, EMFILE): a server process whose descriptor limit is
 * lowered while it runs gets more connections than it can accept. It logs the accept error in one line and pauses
 * accepting (10 ms doubling to 1 s, as nats-server), stays up, and once the clients go away it accepts and serves
 * new ones. Runs the server in a child process ({@link ChildServer}) and lowers its limit with
 * {@code prlimit}; skipped where that is not available.
 */
class FileDescriptorLimitTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    /** Descriptors left to the server above what it holds when its limit is lowered. */
    private static final int HEADROOM = 30;

    @TempDir
    Path dir;

    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() {
        children.forEach(Process::destroyForcibly);
    }

    private static boolean run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    private static long openDescriptors(long pid) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        }
    }

    @Test
    void aServerOutOfDescriptorsStaysUpAndServesAgainWhenTheyAreFree() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc");
        ChildServer.Child child = ChildServer.start(dir.resolve("store"), children);
        long pid = child.process().pid();
        long limit = openDescriptors(pid) + HEADROOM;
        assumeTrue(run("prlimit", "--pid", Long.toString(pid), "--nofile=" + limit + ":" + limit),
                "needs prlimit");

        // Far more clients than descriptors: the kernel completes their handshakes, the server cannot accept them.
        List<Socket> flood = new ArrayList<>();
        try {
            for (int i = 0; i < HEADROOM * 4; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", child.port()), (int) TIMEOUT.toMillis());
                flood.add(s);
            }
            await().atMost(TIMEOUT).until(() -> openDescriptors(pid) >= limit - 2);
            // It says so in one line, as nats-server does, and pauses accepting instead of spinning on the error.
            await().atMost(TIMEOUT).until(() -> child.output().stream()
                    .anyMatch(l -> l.contains("Temporary accept error") && l.contains("Too many open files")));
            assertThat(child.process().isAlive()).as("the server survives running out of descriptors").isTrue();
        } finally {
            for (Socket s : flood) {
                s.close();
            }
        }

        // With the clients gone, the server accepts again and serves.
        await().atMost(TIMEOUT).untilAsserted(() -> {
            try (Connection nc = Nats.connect(new Options.Builder().server("nats://127.0.0.1:" + child.port())
                    .maxReconnects(0).connectionTimeout(Duration.ofSeconds(2)).build())) {
                Subscription sub = nc.subscribe("after");
                nc.publish("after", "ok".getBytes(StandardCharsets.UTF_8));
                assertThat(new String(sub.nextMessage(Duration.ofSeconds(5)).getData(), StandardCharsets.UTF_8))
                        .isEqualTo("ok");
            }
        });
        assertThat(child.process().isAlive()).isTrue();
        assertThat(child.output()).as("no stack trace, no Netty pipeline warning").noneMatch(l ->
                l.startsWith("\tat ") || l.contains("exceptionCaught() event was fired"));
    }
}
