package io.natrix.server.jetstream;

import io.natrix.server.NatsServer;
import io.natrix.server.config.ServerOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A server with JetStream for tests that need it in a process of its own, to kill it: {@code java -cp <test class
 * path> io.natrix.server.jetstream.ChildServer <store dir>}. Listens on 127.0.0.1 and a random port, prints
 * {@code READY <port>} on standard output once clients can connect, and runs until it is killed. The store uses
 * the default durability settings.
 */
public final class ChildServer {
    private ChildServer() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        ServerOptions.Builder b = ServerOptions.builder();
        b.host = "127.0.0.1";
        b.port = ServerOptions.RANDOM_PORT;
        b.jetstream = true;
        b.storeDir = Path.of(args[0]);
        NatsServer server = new NatsServer(b.build());
        server.start();
        System.out.println("READY " + server.port());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
