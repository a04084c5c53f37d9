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
 * <p>Earlier still, the {@code natrix} launcher binds the port before the JVM starts ({@code scripts/listen.pl})
 * and passes the listening socket the way systemd's socket activation does: on descriptor 3, with
 * {@code LISTEN_FDS=1} and {@code LISTEN_PID} this process's id in the environment (so a service manager can start
 * the server on a socket it made, too). Such a socket is only known by its descriptor until Netty's native transport
 * adopts it; {@link ClientListener#adopt} checks that it listens on the configured address, and closes it and binds
 * that address otherwise.
 *
 * <p>Not thread-safe: opened by the start-up thread, adopted once.
 */
public final class EarlyListener {
    private static final int BACKLOG = 4096;
    /** The first descriptor of systemd's socket-passing protocol ({@code SD_LISTEN_FDS_START}). */
    static final int PASSED_DESCRIPTOR = 3;

    /** The socket this JVM bound; null when the socket was passed in. */
    private final ServerSocketChannel channel;
    /** The passed socket's descriptor, or -1. */
    private final int passed;

    private EarlyListener(ServerSocketChannel channel, int passed) {
        this.channel = channel;
        this.passed = passed;
    }

    /**
     * The client port: the listening socket passed to this process when there is one, else {@code host:port}
     * bound and listening now (port 0 or -1 picks a free port).
     */
    public static EarlyListener open(String host, int port) throws IOException {
        if (socketPassed(System.getenv("LISTEN_FDS"), System.getenv("LISTEN_PID"), ProcessHandle.current().pid())) {
            return passed(PASSED_DESCRIPTOR);
        }
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(new InetSocketAddress(host, Math.max(port, 0)), BACKLOG);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw new IOException("can not listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        return new EarlyListener(channel, -1);
    }

    /** A listening socket this process was given as descriptor {@code fd}. */
    static EarlyListener passed(int fd) {
        return new EarlyListener(null, fd);
    }

    /**
     * Whether systemd's variables say a socket was passed to the process {@code pid}: {@code LISTEN_FDS} at least 1
     * and {@code LISTEN_PID} that process (a child that inherited the variables is not meant).
     */
    static boolean socketPassed(String listenFds, String listenPid, long pid) {
        if (listenFds == null || listenPid == null) {
            return false;
        }
        try {
            return Integer.parseInt(listenFds.trim()) >= 1 && Long.parseLong(listenPid.trim()) == pid;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Whether the socket was passed to this process rather than bound by it. */
    boolean passed() {
        return passed >= 0;
    }

    /** The address of the socket this JVM bound (not known here for a passed socket). */
    InetSocketAddress address() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    /** The socket this JVM bound; null for a passed socket. */
    ServerSocketChannel channel() {
        return channel;
    }

    /**
     * The socket's file descriptor, for Netty's native transport, or -1 when the JDK does not let us read it
     * (the launcher opens {@code sun.nio.ch} for this; without it the listener falls back to binding again).
     */
    int fileDescriptor() {
        if (passed >= 0) {
            return passed;
        }
        try {
            Method method = Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal");
            return (int) method.invoke(channel);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }

    /** Closes the socket this JVM bound when it was not adopted (a passed socket is closed by its adopter). */
    void close() {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing to do: the socket is being given up either way.
        }
    }
}
