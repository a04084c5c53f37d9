package io.natrix.server.wire;

import io.natrix.server.TestServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server a wire test talks to: Natrix in-process by default, or the real nats-server when the system property
 * {@code natrix.wire.reference} names its binary, so that every byte the wire tests pin can be checked against the
 * server Natrix must match:
 * <pre>
 *   mvn -pl server test -Dtest='Wire*Test' -Dnatrix.wire.reference=/usr/sbin/nats-server
 * </pre>
 * Both get the same few settings ({@link Settings}); everything else keeps its default. Tests of other packages
 * (the TLS fuzz) start nats-server from a configuration text with {@link #referenceFromConfig}.
 */
public final class WireServer implements AutoCloseable {

    private static final String REFERENCE = System.getProperty("natrix.wire.reference");
    private static final Pattern LISTENING = Pattern.compile("Listening for client connections on [^ ]*:(\\d+)");

    /** The settings wire tests change; null leaves the server's default. */
    static final class Settings {
        Integer maxControlLine;
        Integer maxPayload;
        Integer maxSubscriptions;
        Integer maxConnections;
        String user;
        String password;
        String token;
        Duration authTimeout;
        Duration pingInterval;
        Integer maxPingsOut;
    }

    private final TestServer natrix;
    private final Process reference;
    private final Path configFile;
    private final int port;

    private WireServer(TestServer natrix, Process reference, Path configFile, int port) {
        this.natrix = natrix;
        this.reference = reference;
        this.configFile = configFile;
        this.port = port;
    }

    static WireServer start() {
        return start(s -> { });
    }

    static WireServer start(Consumer<Settings> customize) {
        Settings s = new Settings();
        customize.accept(s);
        return REFERENCE == null ? startNatrix(s) : startReference(s);
    }

    public int port() {
        return port;
    }

    /** The Natrix server, or null when this is nats-server. */
    TestServer natrix() {
        return natrix;
    }

    /** Whether the tests run against the real nats-server instead of Natrix. */
    static boolean isReference() {
        return REFERENCE != null;
    }

    private static WireServer startNatrix(Settings s) {
        TestServer server = TestServer.start(b -> {
            if (s.maxControlLine != null) {
                b.maxControlLine = s.maxControlLine;
            }
            if (s.maxPayload != null) {
                b.maxPayload = s.maxPayload;
            }
            if (s.maxSubscriptions != null) {
                b.maxSubscriptions = s.maxSubscriptions;
            }
            if (s.maxConnections != null) {
                b.maxConnections = s.maxConnections;
            }
            b.user = s.user;
            b.password = s.password;
            b.authToken = s.token;
            if (s.authTimeout != null) {
                b.authTimeout = s.authTimeout;
            }
            if (s.pingInterval != null) {
                b.pingInterval = s.pingInterval;
            }
            if (s.maxPingsOut != null) {
                b.maxPingsOut = s.maxPingsOut;
            }
        });
        return new WireServer(server, null, null, server.port());
    }

    private static WireServer startReference(Settings s) {
        StringBuilder conf = new StringBuilder("host: 127.0.0.1\nport: -1\n");
        if (s.maxControlLine != null) {
            conf.append("max_control_line: ").append(s.maxControlLine).append('\n');
        }
        if (s.maxPayload != null) {
            conf.append("max_payload: ").append(s.maxPayload).append('\n');
        }
        if (s.maxSubscriptions != null) {
            conf.append("max_subscriptions: ").append(s.maxSubscriptions).append('\n');
        }
        if (s.maxConnections != null) {
            conf.append("max_connections: ").append(s.maxConnections).append('\n');
        }
        if (s.pingInterval != null) {
            conf.append("ping_interval: \"").append(s.pingInterval.toMillis()).append("ms\"\n");
        }
        if (s.maxPingsOut != null) {
            conf.append("ping_max: ").append(s.maxPingsOut).append('\n');
        }
        if (s.user != null || s.token != null) {
            conf.append("authorization {\n");
            if (s.user != null) {
                conf.append("  user: \"").append(s.user).append("\"\n  password: \"").append(s.password)
                        .append("\"\n");
            } else {
                conf.append("  token: \"").append(s.token).append("\"\n");
            }
            if (s.authTimeout != null) {
                conf.append("  timeout: ").append(s.authTimeout.toMillis() / 1000.0).append('\n');
            }
            conf.append("}\n");
        }
        return startReference(REFERENCE, conf.toString());
    }

    /**
     * Natrix from a nats-server configuration text, on a free loopback port (the text's own listen settings are
     * overridden), for tests whose settings {@link Settings} does not hold (nkey users, for one).
     */
    static WireServer natrixFromConfig(String conf) {
        try {
            Path file = Files.createTempFile("wire-natrix", ".conf");
            try {
                Files.writeString(file, conf);
                TestServer server = TestServer.fromConfig(file);
                return new WireServer(server, null, file, server.port());
            } catch (RuntimeException e) {
                Files.deleteIfExists(file);
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The nats-server {@code binary} from a configuration text, which is given a free loopback port. */
    public static WireServer referenceFromConfig(String binary, String conf) {
        return startReference(binary, "host: 127.0.0.1\nport: -1\n" + conf);
    }

    private static WireServer startReference(String binary, String conf) {
        Process process = null;
        Path file = null;
        try {
            file = Files.createTempFile("wire-reference", ".conf");
            Files.writeString(file, conf);
            process = new ProcessBuilder(binary, "-c", file.toString()).redirectErrorStream(true).start();
            CompletableFuture<Integer> ready = new CompletableFuture<>();
            Process p = process;
            Thread drain = new Thread(() -> drainLog(p, ready), "nats-server-log");
            drain.setDaemon(true);
            drain.start();
            int port = ready.get(10, TimeUnit.SECONDS);
            return new WireServer(null, process, file, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            if (process != null) {
                process.destroyForcibly();
            }
            throw new IllegalStateException("nats-server did not start with\n" + conf, e);
        }
    }

    /** Reads the server's log for its port and readiness, then keeps reading so that the pipe never fills. */
    private static void drainLog(Process process, CompletableFuture<Integer> ready) {
        try (BufferedReader log = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            Integer port = null;
            String line;
            while ((line = log.readLine()) != null) {
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                }
                if (line.contains("Server is ready") && port != null) {
                    ready.complete(port);
                }
                if (line.contains("[FTL]")) {
                    ready.completeExceptionally(new IllegalStateException(line));
                }
            }
            ready.completeExceptionally(new IllegalStateException("nats-server exited"));
        } catch (IOException e) {
            ready.completeExceptionally(e);
        }
    }

    @Override
    public void close() {
        if (natrix != null) {
            natrix.close();
            deleteConfig();
            return;
        }
        reference.destroy();
        try {
            if (!reference.waitFor(5, TimeUnit.SECONDS)) {
                reference.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            deleteConfig();
        }
    }

    private void deleteConfig() {
        try {
            if (configFile != null) {
                Files.deleteIfExists(configFile);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
