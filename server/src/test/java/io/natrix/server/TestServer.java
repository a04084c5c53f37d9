package io.natrix.server;

import io.natrix.server.config.ConfigLoader;
import io.natrix.server.config.ServerOptions;
import java.nio.file.Path;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Consumer;

/**
 * A server on a free loopback port for one test, closed with try-with-resources.
 */
public final class TestServer implements AutoCloseable {
    private final NatsServer server;

    private TestServer(NatsServer server) {
        this.server = server;
    }

    public static TestServer start() {
        return start(b -> { });
    }

    /** Starts a server on 127.0.0.1 and a random port, after letting the test adjust the options. */
    public static TestServer start(Consumer<ServerOptions.Builder> customize) {
        ServerOptions.Builder b = ServerOptions.builder();
        b.host = "127.0.0.1";
        b.port = ServerOptions.RANDOM_PORT;
        customize.accept(b);
        NatsServer server = new NatsServer(b.build());
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TestServer(server);
    }

    /** Starts a server from a configuration file, on 127.0.0.1 and a random port. */
    public static TestServer fromConfig(Path file) {
        ServerOptions.Builder b = ConfigLoader.load(file);
        b.host = "127.0.0.1";
        b.port = ServerOptions.RANDOM_PORT;
        NatsServer server = new NatsServer(b.build());
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TestServer(server);
    }

    public NatsServer server() {
        return server;
    }

    public int port() {
        return server.port();
    }

    public String url() {
        return "nats://127.0.0.1:" + server.port();
    }

    @Override
    public void close() {
        server.close();
    }
}
