package io.natrix.server.store;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * The sequence index of a store: one slot per sequence from the first message held to the last sequence written,
 * in a ring of parallel arrays, so a load by sequence is an array access and removing from the front is O(1).
 *
 * <p>Columns per slot: the subject id ({@link #EMPTY} when no message is held at that sequence: removed, skipped or
 * never written), the message's accounted size, a {@code long} reference the store interprets (the file store packs
 * block id and offset into it) and, when the store asks for it, an object (the memory store keeps the message). The
 * file store therefore spends 16 bytes per message on this index.
 *
 * <p>Slots at the front that hold nothing are dropped ({@link #trimFront}), so when a message is held the first
 * slot is the first message. Interior gaps stay as empty slots until they reach the front.
 *
 * <p>Not thread-safe: guarded by the owning store's lock.
 */
final class SlotTable {
    static final int EMPTY = -1;
    private static final int CAPACITY_MIN = 16;

    private final boolean withObjects;
    private int[] subjects;
    private int[] sizes;
    private long[] refs;
    private Object[] objects;
    private int mask;
    private int head;
    private int count;
    private long base;

    SlotTable(boolean withObjects) {
        this.withObjects = withObjects;
        allocate(CAPACITY_MIN);
    }

    private void allocate(int capacity) {
        subjects = new int[capacity];
        sizes = new int[capacity];
        refs = new long[capacity];
        objects = withObjects ? new Object[capacity] : null;
        mask = capacity - 1;
        head = 0;
    }

    /** The sequence of the first slot. */
    long base() {
        return base;
    }

    /** One past the sequence of the last slot. */
    long end() {
        return base + count;
    }

    private int index(long seq) {
        return (int) ((head + (seq - base)) & mask);
    }

    private boolean inRange(long seq) {
        return seq >= base && seq < base + count;
    }

    boolean isLive(long seq) {
        return inRange(seq) && subjects[index(seq)] != EMPTY;
    }

    int subject(long seq) {
        return subjects[index(seq)];
    }

    int size(long seq) {
        return sizes[index(seq)];
    }

    long ref(long seq) {
        return refs[index(seq)];
    }

    Object object(long seq) {
        return withObjects ? objects[index(seq)] : null;
    }

    void setRef(long seq, long ref) {
        refs[index(seq)] = ref;
    }

    /**
     * Holds a message at {@code seq}, which must be past every slot. Sequences skipped since the last slot become
     * empty slots; when the table holds nothing it simply restarts at {@code seq}.
     */
    void append(long seq, int subject, int size, long ref, Object object) {
        if (count == 0) {
            base = seq;
            head = 0;
        } else if (seq < base + count) {
            throw new IllegalStateException("sequence " + seq + " is not past the last slot " + (base + count - 1));
        }
        while (base + count < seq) {
            push(EMPTY, 0, 0, null);
        }
        push(subject, size, ref, object);
    }

    private void push(int subject, int size, long ref, Object object) {
        if (count == subjects.length) {
            resize(subjects.length * 2);
        }
        int i = (head + count) & mask;
        subjects[i] = subject;
        sizes[i] = size;
        refs[i] = ref;
        if (withObjects) {
            objects[i] = object;
        }
        count++;
    }

    /** Marks the slot at {@code seq} as holding nothing. */
    void clear(long seq) {
        int i = index(seq);
        subjects[i] = EMPTY;
        refs[i] = 0;
        if (withObjects) {
            objects[i] = null;
        }
    }

    /** Drops empty slots from the front, so the first slot (if any) holds a message. */
    void trimFront() {
        while (count > 0 && subjects[head] == EMPTY) {
            head = (head + 1) & mask;
            base++;
            count--;
        }
        shrinkIfSparse();
    }

    /** Drops every slot past {@code seq}. */
    void truncateAfter(long seq) {
        if (seq < base) {
            count = 0;
        } else if (seq < base + count) {
            for (long s = seq + 1; s < base + count; s++) {
                clear(s);
            }
            count = (int) (seq - base + 1);
        }
        shrinkIfSparse();
    }

    /** Drops every slot. */
    void reset() {
        count = 0;
        if (subjects.length > CAPACITY_MIN) {
            allocate(CAPACITY_MIN);
        } else if (withObjects) {
            Arrays.fill(objects, null);
        }
    }

    /** The first sequence in [{@code from}, {@code to}] holding a message, or -1. */
    long nextLive(long from, long to) {
        long end = Math.min(to, base + count - 1);
        for (long s = Math.max(from, base); s <= end; s++) {
            if (subjects[index(s)] != EMPTY) {
                return s;
            }
        }
        return -1;
    }

    /** The last sequence in [{@code to}, {@code from}] holding a message, or -1. */
    long previousLive(long from, long to) {
        long lowest = Math.max(to, base);
        for (long s = Math.min(from, base + count - 1); s >= lowest; s--) {
            if (subjects[index(s)] != EMPTY) {
                return s;
            }
        }
        return -1;
    }

    /** The first sequence in [{@code from}, {@code to}] holding a message on subject {@code id}, or -1. */
    long nextWithSubject(int id, long from, long to) {
        long end = Math.min(to, base + count - 1);
        for (long s = Math.max(from, base); s <= end; s++) {
            if (subjects[index(s)] == id) {
                return s;
            }
        }
        return -1;
    }

    /** The last sequence in [{@code to}, {@code from}] holding a message on subject {@code id}, or -1. */
    long previousWithSubject(int id, long from, long to) {
        long lowest = Math.max(to, base);
        for (long s = Math.min(from, base + count - 1); s >= lowest; s--) {
            if (subjects[index(s)] == id) {
                return s;
            }
        }
        return -1;
    }

    /** The first sequence in [{@code from}, {@code to}] holding a message whose subject id passes, or -1. */
    long next(long from, long to, IntPredicate subjectMatches) {
        long end = Math.min(to, base + count - 1);
        for (long s = Math.max(from, base); s <= end; s++) {
            int id = subjects[index(s)];
            if (id != EMPTY && subjectMatches.test(id)) {
                return s;
            }
        }
        return -1;
    }

    /** The last sequence in [{@code to}, {@code from}] holding a message whose subject id passes, or -1. */
    long previous(long from, long to, IntPredicate subjectMatches) {
        long lowest = Math.max(to, base);
        for (long s = Math.min(from, base + count - 1); s >= lowest; s--) {
            int id = subjects[index(s)];
            if (id != EMPTY && subjectMatches.test(id)) {
                return s;
            }
        }
        return -1;
    }

    /** How many sequences in [{@code from}, {@code to}] hold a message whose subject id passes. */
    long count(long from, long to, IntPredicate subjectMatches) {
        long end = Math.min(to, base + count - 1);
        long n = 0;
        for (long s = Math.max(from, base); s <= end; s++) {
            int id = subjects[index(s)];
            if (id != EMPTY && subjectMatches.test(id)) {
                n++;
            }
        }
        return n;
    }

    /** The number of slots, held or empty: {@link #end()} - {@link #base()}. */
    int slotCount() {
        return count;
    }

    /**
     * Copies the subject, size and reference columns of every slot, first to last, into the given arrays (at least
     * {@link #slotCount()} long): for the file store's state file.
     */
    void exportColumns(int[] subjectsOut, int[] sizesOut, long[] refsOut) {
        int first = Math.min(count, subjects.length - head);
        System.arraycopy(subjects, head, subjectsOut, 0, first);
        System.arraycopy(sizes, head, sizesOut, 0, first);
        System.arraycopy(refs, head, refsOut, 0, first);
        System.arraycopy(subjects, 0, subjectsOut, first, count - first);
        System.arraycopy(sizes, 0, sizesOut, first, count - first);
        System.arraycopy(refs, 0, refsOut, first, count - first);
    }

    /**
     * Replaces an empty table by {@code n} slots from {@code base} with the given columns (as {@link #exportColumns}
     * wrote them; taken, not copied, when their length is a power of two). For a table without objects only.
     */
    void importColumns(long base, int n, int[] subjectColumn, int[] sizeColumn, long[] refColumn) {
        if (withObjects || count != 0) {
            throw new IllegalStateException("columns go into an empty table without objects");
        }
        int capacity = capacityFor(n);
        if (subjectColumn.length == capacity && sizeColumn.length == capacity && refColumn.length == capacity) {
            subjects = subjectColumn;
            sizes = sizeColumn;
            refs = refColumn;
            mask = capacity - 1;
            head = 0;
        } else {
            allocate(capacity);
            System.arraycopy(subjectColumn, 0, subjects, 0, n);
            System.arraycopy(sizeColumn, 0, sizes, 0, n);
            System.arraycopy(refColumn, 0, refs, 0, n);
        }
        this.base = base;
        this.count = n;
    }

    /** The capacity {@link #importColumns} takes columns of without copying, for {@code n} slots. */
    static int capacityFor(int n) {
        return Math.max(CAPACITY_MIN, Integer.highestOneBit(Math.max(1, n - 1)) << 1);
    }

    /** Makes room for {@code slots} slots in all, so that appending that many never resizes (recovery knows). */
    void reserve(int slots) {
        if (slots > subjects.length && slots <= 1 << 30) {
            resize(Integer.highestOneBit(slots - 1) << 1);
        }
    }

    private void shrinkIfSparse() {
        int capacity = subjects.length;
        if (capacity > 1024 && count < capacity / 8) {
            resize(Math.max(CAPACITY_MIN, Integer.highestOneBit(Math.max(1, count)) * 4));
        }
    }

    private void resize(int capacity) {
        int[] s = new int[capacity];
        int[] z = new int[capacity];
        long[] r = new long[capacity];
        Object[] o = withObjects ? new Object[capacity] : null;
        for (int k = 0; k < count; k++) {
            int i = (head + k) & mask;
            s[k] = subjects[i];
            z[k] = sizes[i];
            r[k] = refs[i];
            if (withObjects) {
                o[k] = objects[i];
            }
        }
        subjects = s;
        sizes = z;
        refs = r;
        objects = o;
        mask = capacity - 1;
        head = 0;
    }
}
