package io.natrix.server.store;

import java.util.Arrays;
import java.util.TreeSet;
import java.util.function.LongPredicate;

/**
 * A store's per-message TTLs in time order: a binary min-heap of (deadline, sequence) pairs over two parallel
 * {@code long} arrays, so finding what is due costs O(1) per tick and O(log n) per message that expires, never a scan
 * of the stream. Beside it, the sequences whose TTL is {@code never} (exempt from max_age).
 *
 * <p>Removal from the heap is lazy: an entry counts only while its sequence is held by the store ({@code held}, the
 * store's slot table). Entries of messages removed otherwise (limits, purge, delete) are dropped when they come due,
 * or when the heap is rebuilt because it holds more than twice as many entries as the store holds messages. That is
 * sound because sequences are never given twice, except after a truncate, which drops the entries above its
 * sequence ({@link #dropAbove}). The {@code never} set is kept exact ({@link #forgetNever}) since it is consulted by
 * sequence.
 *
 * <p>{@link #version()} changes with every addition or bulk drop, so a file store knows when its saved copy is stale.
 *
 * <p>Not thread-safe: guarded by the owning store's write lock.
 */
final class TtlIndex {
    private static final int CAPACITY_MIN = 16;
    /** Entries the heap may hold beyond twice the store's messages before it is rebuilt without stale ones. */
    private static final int STALE_SLACK = 64;

    private final LongPredicate held;
    private long[] deadlines = new long[CAPACITY_MIN];
    private long[] seqs = new long[CAPACITY_MIN];
    private int size;
    private final TreeSet<Long> never = new TreeSet<>();
    private long version;

    TtlIndex(LongPredicate held) {
        this.held = held;
    }

    /** Adds a message with a TTL; {@code heldMsgs} (the store's message count) bounds the stale entries kept. */
    void add(long seq, long deadlineNanos, long heldMsgs) {
        if (size == deadlines.length) {
            if (size > 2 * heldMsgs + STALE_SLACK) {
                retainHeld();
            }
            if (size == deadlines.length) {
                deadlines = Arrays.copyOf(deadlines, size * 2);
                seqs = Arrays.copyOf(seqs, size * 2);
            }
        }
        deadlines[size] = deadlineNanos;
        seqs[size] = seq;
        siftUp(size++);
        version++;
    }

    /** Records a message whose TTL is {@code never}. */
    void addNever(long seq) {
        never.add(seq);
        version++;
    }

    boolean isNever(long seq) {
        return !never.isEmpty() && never.contains(seq);
    }

    /** A held message left the store. */
    void forgetNever(long seq) {
        if (!never.isEmpty()) {
            never.remove(seq);
        }
    }

    /** The earliest deadline in the heap (possibly of a message already gone), or Long.MAX_VALUE. */
    long nextDeadline() {
        return size == 0 ? Long.MAX_VALUE : deadlines[0];
    }

    boolean hasDeadlines() {
        return size > 0;
    }

    /**
     * Takes the earliest entry off the heap when its deadline is at or before {@code nowNanos}; returns its sequence
     * (the caller checks it is still held), or -1 when nothing is due.
     */
    long pollDue(long nowNanos) {
        if (size == 0 || deadlines[0] > nowNanos) {
            return -1;
        }
        long seq = seqs[0];
        removeTop();
        return seq;
    }

    /** Takes due entries of messages no longer held off the top of the heap. */
    void dropDueStale(long nowNanos) {
        while (size > 0 && deadlines[0] <= nowNanos && !held.test(seqs[0])) {
            removeTop();
        }
    }

    /**
     * Adds to {@code out} (from {@code count} on) the sequences of held messages due at {@code nowNanos}, without
     * taking them off the heap, up to {@code max} in all; returns the new count. Visits only due entries (a heap's
     * children are never due before their parent).
     */
    int collectDue(long nowNanos, long[] out, int count, int max) {
        if (size == 0 || deadlines[0] > nowNanos) {
            return count;
        }
        int[] stack = new int[32];
        int top = 0;
        stack[top++] = 0;
        while (top > 0 && count < max) {
            int i = stack[--top];
            if (held.test(seqs[i])) {
                out[count++] = seqs[i];
            }
            for (int child = 2 * i + 1; child <= 2 * i + 2 && child < size; child++) {
                if (deadlines[child] <= nowNanos) {
                    if (top == stack.length) {
                        stack = Arrays.copyOf(stack, top * 2);
                    }
                    stack[top++] = child;
                }
            }
        }
        return count;
    }

    /** Drops every entry above {@code seq}: those sequences will be given again (a truncate). */
    void dropAbove(long seq) {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (seqs[i] <= seq) {
                deadlines[kept] = deadlines[i];
                seqs[kept] = seqs[i];
                kept++;
            }
        }
        size = kept;
        heapify();
        never.tailSet(seq, false).clear();
        version++;
    }

    /** Drops the {@code never} entries below {@code seq} (a compact); heap entries go lazily. */
    void dropNeverBelow(long seq) {
        if (!never.isEmpty()) {
            never.headSet(seq, false).clear();
        }
    }

    void clear() {
        size = 0;
        never.clear();
        if (deadlines.length > CAPACITY_MIN * 64) {
            deadlines = new long[CAPACITY_MIN];
            seqs = new long[CAPACITY_MIN];
        }
        version++;
    }

    /** Rebuilds the heap with held messages only. */
    void retainHeld() {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (held.test(seqs[i])) {
                deadlines[kept] = deadlines[i];
                seqs[kept] = seqs[i];
                kept++;
            }
        }
        size = kept;
        heapify();
    }

    long version() {
        return version;
    }

    /** Entries in the heap, stale ones included. */
    int size() {
        return size;
    }

    /** Receives the entries of held messages: a deadline, or -1 for {@code never}. */
    @FunctionalInterface
    interface EntryVisitor {
        void visit(long seq, long deadlineNanos);
    }

    /** Visits every entry whose message is held: the heap's in no particular order, then the never set. */
    void forEachHeld(EntryVisitor visitor) {
        for (int i = 0; i < size; i++) {
            if (held.test(seqs[i])) {
                visitor.visit(seqs[i], deadlines[i]);
            }
        }
        for (long seq : never) {
            visitor.visit(seq, -1);
        }
    }

    private void removeTop() {
        size--;
        if (size > 0) {
            deadlines[0] = deadlines[size];
            seqs[0] = seqs[size];
            siftDown(0);
        }
    }

    private void heapify() {
        for (int i = size / 2 - 1; i >= 0; i--) {
            siftDown(i);
        }
    }

    private boolean less(int a, int b) {
        return deadlines[a] < deadlines[b] || (deadlines[a] == deadlines[b] && seqs[a] < seqs[b]);
    }

    private void swap(int a, int b) {
        long d = deadlines[a];
        deadlines[a] = deadlines[b];
        deadlines[b] = d;
        long s = seqs[a];
        seqs[a] = seqs[b];
        seqs[b] = s;
    }

    private void siftUp(int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!less(i, parent)) {
                return;
            }
            swap(i, parent);
            i = parent;
        }
    }

    private void siftDown(int i) {
        while (true) {
            int left = 2 * i + 1;
            if (left >= size) {
                return;
            }
            int smallest = left + 1 < size && less(left + 1, left) ? left + 1 : left;
            if (!less(smallest, i)) {
                return;
            }
            swap(i, smallest);
            i = smallest;
        }
    }
}
