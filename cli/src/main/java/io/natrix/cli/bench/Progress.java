package io.natrix.cli.bench;

import io.natrix.cli.support.GoDuration;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * natscli's progress bars: one line per client ({@code 1.2s Publishing [=======>        ]  45%}), redrawn in place
 * about ten times a second by a daemon thread, and once more when the run ends. Only drawn on a terminal and
 * without {@code --no-progress}; otherwise {@link #off()} hands out bars that count nothing and draw nothing.
 *
 * <p>Thread-safety: bars are updated by the client threads (an atomic counter and a volatile state); the drawing
 * thread only reads them. Bars must all be added before {@link #start()}.
 */
final class Progress implements AutoCloseable {

    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final Bar NO_BAR = new Bar(1);

    private final PrintWriter out;
    private final int width;
    private final List<Bar> bars = new CopyOnWriteArrayList<>();
    private volatile boolean running;
    private Thread drawer;
    private int drawnLines;

    private Progress(PrintWriter out, int width) {
        this.out = out;
        this.width = width;
    }

    /** Bars that draw nothing. */
    static Progress off() {
        return new Progress(null, 0);
    }

    /** Bars drawn on {@code out}, each {@code width} characters wide between its brackets. */
    static Progress on(PrintWriter out, int width) {
        return new Progress(out, Math.max(10, width));
    }

    /** The bar width natscli uses: the terminal's columns (from {@code COLUMNS}) less 30, else 50. */
    static int widthFor(String columns) {
        try {
            return columns == null ? 50 : Integer.parseInt(columns.strip()) - 30;
        } catch (NumberFormatException e) {
            return 50;
        }
    }

    /** A new bar for a client with {@code total} operations to do. */
    Bar bar(long total) {
        if (out == null) {
            return NO_BAR;
        }
        Bar bar = new Bar(total);
        bars.add(bar);
        return bar;
    }

    /** Starts redrawing. */
    void start() {
        if (out == null || bars.isEmpty()) {
            return;
        }
        running = true;
        drawer = Thread.ofPlatform().daemon().name("bench-progress").start(() -> {
            while (running) {
                draw();
                LockSupport.parkNanos(TICK_NANOS);
            }
        });
    }

    /** Stops redrawing and draws the final state. */
    @Override
    public void close() {
        if (drawer == null) {
            return;
        }
        running = false;
        LockSupport.unpark(drawer);
        try {
            drawer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        draw();
        drawer = null;
    }

    private synchronized void draw() {
        StringBuilder sb = new StringBuilder();
        if (drawnLines > 0) {
            sb.append("\033[").append(drawnLines).append('A');
        }
        long now = System.nanoTime();
        for (Bar bar : bars) {
            sb.append('\r').append(bar.render(now, width)).append("\033[K\n");
        }
        drawnLines = bars.size();
        out.print(sb);
        out.flush();
    }

    /** One client's bar: a count of operations done out of a total, and a word saying what it is doing. */
    static final class Bar {
        private final long total;
        private final AtomicLong done = new AtomicLong();
        private volatile String state = "Starting  ";
        private volatile long startNanos;

        private Bar(long total) {
            this.total = Math.max(1, total);
        }

        void increment() {
            if (this != NO_BAR) {
                done.incrementAndGet();
            }
        }

        /** What the client is doing, as natscli words it ({@code Publishing}, {@code Receiving }, ...). */
        void state(String what) {
            if (this != NO_BAR) {
                state = what;
            }
        }

        /** Marks when the measured work began (the elapsed time counts from here). */
        void started() {
            if (this != NO_BAR) {
                startNanos = System.nanoTime();
            }
        }

        private String render(long now, int width) {
            long count = Math.min(done.get(), total);
            int filled = (int) (count * width / total);
            StringBuilder bar = new StringBuilder(width);
            bar.append("=".repeat(filled));
            if (filled < width) {
                bar.append('>').append(" ".repeat(width - filled - 1));
            }
            long started = startNanos;
            // Tenths of a second are enough for a bar that is redrawn ten times a second.
            Duration elapsed = started == 0 ? Duration.ZERO
                    : Duration.ofMillis((now - started) / 1_000_000 / 100 * 100);
            return String.format("%6s %s [%s] %3d%%", GoDuration.format(elapsed), state, bar, count * 100 / total);
        }
    }
}
