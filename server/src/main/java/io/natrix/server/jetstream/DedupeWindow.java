package io.natrix.server.jetstream;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The message ids ({@code Nats-Msg-Id}) a stream saw within its duplicate window, and the sequence each got: a
 * publish with an id seen less than a window ago is acknowledged as a duplicate of that sequence and not stored.
 *
 * <p>Not thread-safe: guarded by its stream's lock.
 */
final class DedupeWindow {
    private record Entry(String id, long seq, long timeNanos) {
    }

    private final Map<String, Entry> byId = new HashMap<>();
    private final ArrayDeque<Entry> byTime = new ArrayDeque<>();
    private long windowNanos;

    DedupeWindow(long windowNanos) {
        this.windowNanos = windowNanos;
    }

    void window(long windowNanos) {
        this.windowNanos = windowNanos;
    }

    /** The sequence stored for {@code id} within the window at {@code nowNanos}, or -1. */
    long seen(String id, long nowNanos) {
        expire(nowNanos);
        Entry e = byId.get(id);
        return e == null ? -1 : e.seq();
    }

    void record(String id, long seq, long nowNanos) {
        if (windowNanos <= 0) {
            return;
        }
        Entry e = new Entry(id, seq, nowNanos);
        byId.put(id, e);
        byTime.addLast(e);
    }

    void clear() {
        byId.clear();
        byTime.clear();
    }

    private void expire(long nowNanos) {
        while (!byTime.isEmpty() && nowNanos - byTime.peekFirst().timeNanos() > windowNanos) {
            Entry old = byTime.removeFirst();
            byId.remove(old.id(), old);
        }
    }
}
