package io.natrix.server.store;

import java.io.IOException;

/**
 * Read-ahead for one {@link FileStore}: a few windows of block bytes, so that a consumer reading a stream in order
 * costs one positional read per window instead of one per message.
 *
 * <p>A window is a copy of {@link #WINDOW} bytes (fewer at the end of a block's records) starting at the record a
 * reader asked for. It stays valid while its block holds the same bytes there: appends only add bytes after
 * {@link Block#length}, which a window never covers, and every write that changes bytes already in a block (erasing
 * a record, cutting the block back, rewriting it) bumps {@link Block#rewrites} first, which retires its windows.
 * Records a window cannot hold whole, or larger than a window, are read directly by the caller.
 *
 * <p>Memory: at most {@link #WINDOWS} windows per store, allocated on the first read and dropped by {@link #clear}.
 *
 * <p>Thread-safety: callers hold the store's read lock (so no block changes while they read) and use a window
 * only inside {@code synchronized (readAhead)}, since several readers may share the store's read lock.
 */
final class ReadAhead {
    /** Bytes read ahead at a time. */
    static final int WINDOW = 32 * 1024;
    /** Windows per store: two readers at different places (a consumer and a direct get, say) do not thrash. */
    private static final int WINDOWS = 2;

    /** One window: {@code length} bytes of {@code block} from {@code start}, read at {@code rewrites}. */
    static final class Window {
        final byte[] bytes = new byte[WINDOW];
        Block block;
        long rewrites;
        long start;
        int length;
        long lastUse;
    }

    private final Window[] windows = new Window[WINDOWS];
    private long uses;

    /**
     * A window holding {@code need} bytes of {@code block} at {@code position}, reading one when none does; null
     * when the block has fewer bytes there (the caller reads directly and reports what it finds). The caller holds
     * this object's monitor while it uses the window.
     */
    Window cover(Block block, long position, int need) throws IOException {
        if (need > WINDOW || position + need > block.length) {
            return null;
        }
        Window free = null;
        for (Window w : windows) {
            if (w == null) {
                continue;
            }
            if (w.block == block && w.rewrites == block.rewrites && position >= w.start
                    && position + need <= w.start + w.length) {
                w.lastUse = ++uses;
                return w;
            }
            if (free == null || w.lastUse < free.lastUse) {
                free = w;
            }
        }
        for (int i = 0; i < WINDOWS; i++) {
            if (windows[i] == null) {
                free = windows[i] = new Window();
                break;
            }
        }
        int n = (int) Math.min(WINDOW, block.length - position);
        int read = block.readInto(position, free.bytes, n);
        free.block = block;
        free.rewrites = block.rewrites;
        free.start = position;
        free.length = read;
        free.lastUse = ++uses;
        return read >= need ? free : null;
    }

    /** Drops every window (the store closes, or its blocks were replaced wholesale). */
    void clear() {
        java.util.Arrays.fill(windows, null);
    }
}
