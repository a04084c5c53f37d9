package io.natrix.server.transport;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;

/**
 * The client port, bound and listening before anything else of the server loads.
 *
 * <p>Harnesses that spawn a server give it about 400 ms to accept TCP, and a JVM spends most of that starting.
 * Binding a plain JDK socket takes a few milliseconds and needs none of Netty, logging or the rest of the server,
 * so the launcher does it first; from that moment the kernel completes connections into the listen backlog.
 * {@link ClientListener} then hands the same socket to Netty. This class deliberately uses no logging, so that
 * loading it initialises nothing else.
 *
 * <p>Not thread-safe: opened by the start-up thread, adopted once.
 */
public final class EarlyListener {
    private static final int BACKLOG = 4096;

    private final ServerSocketChannel channel;

    private EarlyListener(ServerSocketChannel channel) {
        this.channel = channel;
    }

    /** Binds {@code host:port} (port 0 or -1 picks a free port) and starts listening. */
    public static EarlyListener open(String host, int port) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(new InetSocketAddress(host, Math.max(port, 0)), BACKLOG);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw new IOException("can not listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        return new EarlyListener(channel);
    }

    public InetSocketAddress address() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    ServerSocketChannel channel() {
        return channel;
    }

    /**
     * The socket's file descriptor, for Netty's native transport, or -1 when the JDK does not let us read it
     * (the launcher opens {@code sun.nio.ch} for this; without it the listener falls back to binding again).
     */
    int fileDescriptor() {
        try {
            Method method = Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal");
            return (int) method.invoke(channel);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }

    /** Closes the socket when it was not adopted. */
    void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing to do: the socket is being given up either way.
        }
    }
}
