package io.natrix.nex.workload;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Cuts a byte stream into lines for the log feed: as an {@link OutputStream} (a JavaScript context's console) or
 * by pumping an {@link InputStream} (a process's stdout). A line longer than {@link #LINE_BYTES_MAX} is cut there,
 * so a process that never writes a newline cannot grow the node's memory. Not thread-safe: one writer.
 */
public final class LineSink extends OutputStream {

    /** The longest line sent as one log message. */
    public static final int LINE_BYTES_MAX = 16 * 1024;

    private final Consumer<String> lines;
    private final byte[] buffer = new byte[LINE_BYTES_MAX];
    private int length;

    public LineSink(Consumer<String> lines) {
        this.lines = lines;
    }

    @Override
    public void write(int b) {
        if (b == '\n') {
            emit();
            return;
        }
        buffer[length++] = (byte) b;
        if (length == buffer.length) {
            emit();
        }
    }

    @Override
    public void write(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    @Override
    public void flush() {
        // Lines go out when complete; a partial line waits for its newline or close.
    }

    @Override
    public void close() {
        if (length > 0) {
            emit();
        }
    }

    private void emit() {
        int end = length;
        if (end > 0 && buffer[end - 1] == '\r') {
            end--;
        }
        String line = new String(buffer, 0, end, StandardCharsets.UTF_8);
        length = 0;
        lines.accept(line);
    }

    /** Copies {@code in} into this sink until end of stream, then sends the last partial line. */
    public void pump(InputStream in) throws IOException {
        byte[] chunk = new byte[8192];
        int n;
        while ((n = in.read(chunk)) >= 0) {
            write(chunk, 0, n);
        }
        close();
    }
}
