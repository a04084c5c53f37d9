package io.natrix.cli.object;

import io.natrix.cli.output.Human;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar for object transfers on a terminal, redrawn in place with a carriage return, as
 * natscli shows one for objects over 20 KiB: {@code name [=========>          ]  48% 4.8 MiB / 10 MiB}.
 *
 * <p>Wraps the stream jnats reads from ({@code put}) or writes to ({@code get}) and counts the bytes through it;
 * it redraws at most every {@link #REDRAW_NANOS} and once at {@link #finish()}. Not thread-safe: jnats reads and
 * writes object data on the caller's thread, the only one that touches it.
 */
final class Progress {

    /** natscli shows progress only for objects larger than this. */
    static final long SHOWN_ABOVE_BYTES = 20 * 1024;

    static final long REDRAW_NANOS = 100_000_000L;

    private static final int BAR_CHARS = 40;

    private final PrintWriter out;
    private final String label;
    private final long total;
    private long done;
    private long drawnAtNanos;
    private boolean drawn;

    Progress(PrintWriter out, String label, long total) {
        this.out = out;
        this.label = label;
        this.total = Math.max(total, 0);
    }

    /** The bar as it reads after {@code bytes} of {@code total}. */
    String render(long bytes) {
        long shown = Math.min(bytes, total);
        int percent = total == 0 ? 100 : (int) (shown * 100 / total);
        int filled = total == 0 ? BAR_CHARS : (int) (shown * BAR_CHARS / total);
        StringBuilder bar = new StringBuilder(BAR_CHARS);
        for (int i = 0; i < BAR_CHARS; i++) {
            bar.append(i < filled ? '=' : i == filled ? '>' : ' ');
        }
        return String.format(Locale.ROOT, "%s [%s] %3d%% %s / %s", label, bar, percent, Human.bytes(shown),
                Human.bytes(total));
    }

    void advance(long bytes) {
        done += bytes;
        long now = System.nanoTime();
        if (!drawn || now - drawnAtNanos >= REDRAW_NANOS) {
            draw(now);
        }
    }

    /** Draws the final state and ends the line. */
    void finish() {
        draw(System.nanoTime());
        out.println();
        out.flush();
    }

    private void draw(long now) {
        out.print("\r" + render(done));
        out.flush();
        drawn = true;
        drawnAtNanos = now;
    }

    InputStream counting(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    advance(1);
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                if (n > 0) {
                    advance(n);
                }
                return n;
            }
        };
    }

    OutputStream counting(OutputStream os) {
        return new FilterOutputStream(os) {
            @Override
            public void write(int b) throws IOException {
                os.write(b);
                advance(1);
            }

            @Override
            public void write(byte[] buffer, int offset, int length) throws IOException {
                os.write(buffer, offset, length);
                advance(length);
            }
        };
    }
}
