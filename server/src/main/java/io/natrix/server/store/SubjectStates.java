package io.natrix.server.store;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;

/**
 * The per-subject figures of one store (nats-server's {@code fss}): for each subject held, how many messages and the
 * first and last sequence. Subjects are interned to small int ids that the {@link SlotTable} keeps per message, so a
 * scan compares ints, not strings. An id is recycled once its subject holds no message.
 *
 * <p>First and last may go stale during a bulk removal (the store marks them and resolves them before it releases
 * its lock, see {@code IndexedStore#resolveStale}); everywhere else they are exact.
 *
 * <p>Not thread-safe: guarded by the owning store's lock.
 */
final class SubjectStates {

    /** One subject's figures. */
    static final class Entry {
        final String subject;
        final int id;
        long msgs;
        long first;
        long last;
        boolean firstStale;
        boolean lastStale;

        Entry(String subject, int id) {
            this.subject = subject;
            this.id = id;
        }
    }

    private final HashMap<String, Entry> bySubject = new HashMap<>();
    private Entry[] byId = new Entry[16];
    private int[] freeIds = new int[16];
    private int freeCount;
    private int nextId;

    Entry get(String subject) {
        return bySubject.get(subject);
    }

    Entry byId(int id) {
        return byId[id];
    }

    /** Counts one more message at {@code seq} (the highest yet) on {@code subject}; returns its entry. */
    Entry add(String subject, long seq) {
        Entry e = bySubject.get(subject);
        if (e == null) {
            int id = freeCount > 0 ? freeIds[--freeCount] : nextId++;
            if (id >= byId.length) {
                byId = Arrays.copyOf(byId, byId.length * 2);
            }
            e = new Entry(subject, id);
            byId[id] = e;
            bySubject.put(subject, e);
            e.first = seq;
        }
        e.msgs++;
        e.last = seq;
        e.lastStale = false;
        return e;
    }

    /**
     * {@link #add} for a subject whose entry the caller already holds (recovery keeps one per subject of a block, so
     * it hashes each subject once per block, not once per message).
     */
    void addAgain(Entry e, long seq) {
        e.msgs++;
        e.last = seq;
        e.lastStale = false;
    }

    /**
     * Puts back an entry as it was saved (the file store's state file), keeping its id; call on an empty instance,
     * then {@link #restoreDone}.
     */
    void restore(int id, String subject, long msgs, long first, long last) {
        if (id >= byId.length) {
            byId = Arrays.copyOf(byId, Math.max(byId.length * 2, Integer.highestOneBit(id) << 1));
        }
        Entry e = new Entry(subject, id);
        e.msgs = msgs;
        e.first = first;
        e.last = last;
        byId[id] = e;
        bySubject.put(subject, e);
        nextId = Math.max(nextId, id + 1);
    }

    /** After {@link #restore}: the ids below the highest that no entry has are free again. */
    void restoreDone() {
        for (int id = 0; id < nextId; id++) {
            if (byId[id] == null) {
                if (freeCount == freeIds.length) {
                    freeIds = Arrays.copyOf(freeIds, freeIds.length * 2);
                }
                freeIds[freeCount++] = id;
            }
        }
    }

    /** Forgets a subject that holds no message any more, freeing its id. */
    void remove(Entry e) {
        bySubject.remove(e.subject);
        byId[e.id] = null;
        if (freeCount == freeIds.length) {
            freeIds = Arrays.copyOf(freeIds, freeIds.length * 2);
        }
        freeIds[freeCount++] = e.id;
    }

    int size() {
        return bySubject.size();
    }

    /** The highest id ever handed out, plus one: the size of an array indexed by id. */
    int idLimit() {
        return nextId;
    }

    Collection<Entry> entries() {
        return bySubject.values();
    }

    void clear() {
        bySubject.clear();
        byId = new Entry[16];
        freeIds = new int[16];
        freeCount = 0;
        nextId = 0;
    }
}
