package io.natrix.server.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * Runs a client {@link SSLEngine}'s handshake over a blocking socket and lets a test interfere with the TLS records
 * the client sends: stop before the n-th record (then half-close the socket or go silent), or damage the n-th record
 * with a few flipped bytes. Records are counted across the client's flights (ClientHello is record 0), split at
 * their 5-byte headers, so that a test can cut a handshake at every record boundary.
 *
 * <p>Not thread-safe; one per connection.
 */
final class TlsClientDriver {

    /** How a driven handshake ended, from the client's side. */
    enum End {
        /** The client finished its handshake. */
        COMPLETED,
        /** The server refused (an alert the engine reported) or closed the connection. */
        REFUSED,
        /** The driver stopped before the record it was told to stop at. */
        STOPPED
    }

    private final SSLEngine engine;
    private final InputStream in;
    private final OutputStream out;
    private int recordsSent;

    TlsClientDriver(Socket socket, SSLEngine engine) throws IOException {
        this.engine = engine;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /**
     * Drives the handshake until it completes, the server refuses, or record {@code stopAt} (-1: never) would go
     * out; record {@code damage} (-1: none) gets 1-3 bytes replaced, chosen by {@code random}. Waits at most until
     * {@code deadlineNanos} (a {@link System#nanoTime()} value) for the server.
     */
    End run(int stopAt, int damage, Random random, long deadlineNanos) throws IOException {
        engine.setUseClientMode(true);
        engine.beginHandshake();
        ByteBuffer netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize() * 2);
        ByteBuffer appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize() * 2);
        ByteBuffer empty = ByteBuffer.allocate(0);
        while (true) {
            SSLEngineResult.HandshakeStatus status = engine.getHandshakeStatus();
            switch (status) {
                case NEED_WRAP -> {
                    ByteBuffer netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize() * 2);
                    try {
                        engine.wrap(empty, netOut);
                    } catch (SSLException e) {
                        return End.REFUSED;
                    }
                    netOut.flip();
                    byte[] bytes = new byte[netOut.remaining()];
                    netOut.get(bytes);
                    if (!send(bytes, stopAt, damage, random)) {
                        return End.STOPPED;
                    }
                    if (engine.isOutboundDone()) {
                        return End.REFUSED; // the engine sent its own alert after the server's
                    }
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    SSLEngineResult result;
                    try {
                        netIn.flip();
                        result = engine.unwrap(netIn, appIn);
                        netIn.compact();
                    } catch (SSLException e) {
                        return End.REFUSED;
                    }
                    if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                        return End.REFUSED;
                    }
                    if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW && !readSome(netIn,
                            deadlineNanos)) {
                        return End.REFUSED;
                    }
                }
                case NEED_TASK -> {
                    Runnable task;
                    while ((task = engine.getDelegatedTask()) != null) {
                        task.run();
                    }
                }
                case FINISHED, NOT_HANDSHAKING -> {
                    return End.COMPLETED;
                }
            }
        }
    }

    /** Sends the records in {@code bytes} one by one; false once it reached {@code stopAt}. */
    private boolean send(byte[] bytes, int stopAt, int damage, Random random) throws IOException {
        int at = 0;
        while (at < bytes.length) {
            int length = at + 5 <= bytes.length ? 5 + (((bytes[at + 3] & 0xff) << 8) | (bytes[at + 4] & 0xff)) : 0;
            int end = length == 0 ? bytes.length : Math.min(bytes.length, at + length);
            if (recordsSent == stopAt) {
                return false;
            }
            byte[] record = Arrays.copyOfRange(bytes, at, end);
            if (recordsSent == damage) {
                for (int i = 1 + random.nextInt(3); i > 0; i--) {
                    record[random.nextInt(record.length)] = (byte) random.nextInt(256);
                }
            }
            out.write(record);
            out.flush();
            recordsSent++;
            at = end;
        }
        return true;
    }

    /** Reads what the server sent into {@code netIn}; false at the end of the stream or the deadline. */
    private boolean readSome(ByteBuffer netIn, long deadlineNanos) throws IOException {
        byte[] buf = new byte[Math.min(netIn.remaining(), 16_384)];
        while (System.nanoTime() < deadlineNanos) {
            try {
                int n = in.read(buf);
                if (n < 0) {
                    return false;
                }
                netIn.put(buf, 0, n);
                return true;
            } catch (SocketTimeoutException e) {
                // Nothing yet; look at the deadline again.
            } catch (java.net.SocketException e) {
                return false; // reset
            }
        }
        return false;
    }
}
