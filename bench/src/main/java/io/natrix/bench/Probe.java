package io.natrix.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Loopback connection probes used to decide that a server is up. Stateless and thread-safe. */
final class Probe {
    private static final byte[] INFO = "INFO ".getBytes(StandardCharsets.US_ASCII);

    private Probe() {
    }

    /** Connects once and reports whether the TCP connection was accepted (the port is listening). */
    static Socket tryConnect(int port) {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return socket;
        } catch (IOException e) {
            closeQuietly(socket);
            return null;
        }
    }

    /** Reads the first bytes from a fresh connection and checks they start the INFO greeting. */
    static boolean readsInfo(Socket socket, Duration timeout) {
        try {
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            InputStream in = socket.getInputStream();
            for (byte expected : INFO) {
                int b = in.read();
                if (b != expected) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Connects, checks the INFO greeting and disconnects. */
    static boolean greets(int port, Duration timeout) {
        Socket socket = tryConnect(port);
        if (socket == null) {
            return false;
        }
        try {
            return readsInfo(socket, timeout);
        } finally {
            closeQuietly(socket);
        }
    }

    static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            // Closing a probe socket can only fail if it is already gone, which is what we want.
        }
    }
}
