package io.natrix.cli.messaging;

import io.natrix.cli.CliException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Where {@code pub} and {@code req} take message bodies from, as natscli does: the body argument when given,
 * else standard input, either whole ({@code --send-on eof}, one body) or a body per line
 * ({@code --send-on newline}, the line without its end). Standard input is read as bytes, so binary bodies pass
 * through untouched unless they hold a template.
 *
 * <p>Not thread-safe: one command thread reads it.
 */
final class Payload {

    /** When a body read from standard input is sent: natscli's {@code --send-on} values. */
    enum SendOn { eof, newline }

    /** The largest body read from standard input: 64 MiB, far above any server's max_payload. */
    static final int STDIN_BYTES_MAX = 64 * 1024 * 1024;

    private final byte[] fixed;
    private final InputStream in;
    private final SendOn sendOn;
    private boolean done;

    private Payload(byte[] fixed, InputStream in, SendOn sendOn) {
        this.fixed = fixed;
        this.in = in;
        this.sendOn = sendOn;
    }

    /** The body argument, given (even empty) by the user. */
    static Payload of(String body) {
        return new Payload(body.getBytes(StandardCharsets.UTF_8), null, SendOn.eof);
    }

    /** Bodies from standard input. */
    static Payload stdin(InputStream in, SendOn sendOn) {
        return new Payload(null, new BufferedInputStream(in), sendOn);
    }

    boolean fromStdin() {
        return in != null;
    }

    /**
     * The next body, or null when there are no more: the argument once; all of standard input once (even when
     * empty); or each line of standard input.
     */
    byte[] next() {
        if (done) {
            return null;
        }
        if (in == null) {
            done = true;
            return fixed;
        }
        try {
            if (sendOn == SendOn.eof) {
                done = true;
                return readAll();
            }
            return readLine();
        } catch (IOException e) {
            throw new CliException("could not read standard input: " + e.getMessage(), e);
        }
    }

    private byte[] readAll() throws IOException {
        byte[] data = in.readNBytes(STDIN_BYTES_MAX + 1);
        if (data.length > STDIN_BYTES_MAX) {
            throw new CliException("standard input holds more than " + STDIN_BYTES_MAX + " bytes");
        }
        return data;
    }

    private byte[] readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                done = true;
                // natscli sends nothing for the empty remainder after the last newline.
                return line.size() == 0 ? null : line.toByteArray();
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length;
                if (end > 0 && bytes[end - 1] == '\r') {
                    end--;
                }
                return Arrays.copyOf(bytes, end);
            }
            if (line.size() >= STDIN_BYTES_MAX) {
                throw new CliException("a line of standard input holds more than " + STDIN_BYTES_MAX + " bytes");
            }
            line.write(b);
        }
    }
}
