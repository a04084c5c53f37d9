package io.natrix.server.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicIntegerArray;
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
 * <h2>Lazy slots</h2>
 * A file store opening from its saved state ({@link StateFile}) does not copy every slot in: {@link #importLazily}
 * sizes the table for the saved slots and hands it a {@link Loader}; the slots stay unloaded, in segments of a fixed
 * number of slots, until something first looks at (or changes) a slot of a segment, which then loads that whole
 * segment. Every method here makes the slots it touches loaded first, so callers never see the difference; a range
 * scan loads segment by segment as it goes, so it loads only as far as it looks. Slots appended after the import
 * are past the lazy range and never loaded. {@link #reset} (nothing held any more) drops whatever was not loaded.
 *
 * <p>Thread-safety: not thread-safe, guarded by the owning store's read-write lock: mutations hold the write lock,
 * queries the read lock. The one exception is segment loading, which a query may do under the read lock while other
 * queries run: loads run one at a time (they synchronize on the lazy state), write only the slots of their own
 * segment, which no reader looks at before the load is done, and publish "done" through an atomic (volatile) flag
 * per segment, read before a segment's slots are. The loader is called with the store's lock held, read or write.
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
    /** Slots not loaded yet (see the class doc); null when every slot is in memory. */
    private Lazy lazy;
    /**
     * The capacity the columns get at the first load or append after {@link #importLazily}, which leaves them
     * unallocated (0: allocated): a store that is only asked for its figures never pays for them.
     */
    private int deferredCapacity;

    /** Loads a segment of lazily imported slots. */
    interface Loader {
        /**
         * Fills every slot in [{@code from}, {@code to}] (segment number {@code segment}) with
         * {@link #fillColumns}, {@link #fill} or {@link #fillEmpty}.
         */
        void load(int segment, long from, long to) throws IOException;
    }

    /** The lazy range [{@code start}, {@code end}), its segments and which of them are loaded. */
    private static final class Lazy {
        final long start;
        final long end;
        final int segmentSlots;
        final Loader loader;
        final AtomicIntegerArray loaded;
        /** Segments not loaded yet; written under the monitor of this object. */
        int remaining;
        /** Loads done, for tests. */
        volatile int loads;
        volatile boolean done;

        Lazy(long start, long end, int segmentSlots, Loader loader) {
            this.start = start;
            this.end = end;
            this.segmentSlots = segmentSlots;
            this.loader = loader;
            int segments = (int) ((end - start + segmentSlots - 1) / segmentSlots);
            this.loaded = new AtomicIntegerArray(segments);
            this.remaining = segments;
            this.done = segments == 0;
        }
    }

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
        if (!inRange(seq)) {
            return false;
        }
        loaded(seq);
        return subjects[index(seq)] != EMPTY;
    }

    int subject(long seq) {
        loaded(seq);
        return subjects[index(seq)];
    }

    int size(long seq) {
        loaded(seq);
        return sizes[index(seq)];
    }

    long ref(long seq) {
        loaded(seq);
        return refs[index(seq)];
    }

    Object object(long seq) {
        return withObjects ? objects[index(seq)] : null;
    }

    void setRef(long seq, long ref) {
        loaded(seq);
        refs[index(seq)] = ref;
    }

    /**
     * Holds a message at {@code seq}, which must be past every slot. Sequences skipped since the last slot become
     * empty slots; when the table holds nothing it simply restarts at {@code seq}.
     */
    void append(long seq, int subject, int size, long ref, Object object) {
        allocateDeferred();
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
        loaded(seq);
        int i = index(seq);
        subjects[i] = EMPTY;
        refs[i] = 0;
        if (withObjects) {
            objects[i] = null;
        }
    }

    /** Drops empty slots from the front, so the first slot (if any) holds a message. */
    void trimFront() {
        long ready = Long.MIN_VALUE;
        while (count > 0) {
            if (base > ready) {
                ready = loadedUpTo(base);
            }
            if (subjects[head] != EMPTY) {
                break;
            }
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
            dropUnloaded();
        } else if (seq < base + count) {
            // The slots past seq are cleared and may be given again: a late load must never write over them.
            loadRange(seq + 1, base + count - 1);
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
        dropUnloaded();
        if (subjects.length > CAPACITY_MIN) {
            allocate(CAPACITY_MIN);
        } else if (withObjects) {
            Arrays.fill(objects, null);
        }
    }

    /** The first sequence in [{@code from}, {@code to}] holding a message, or -1. */
    long nextLive(long from, long to) {
        long end = Math.min(to, base + count - 1);
        long ready = Long.MIN_VALUE;
        for (long s = Math.max(from, base); s <= end; s++) {
            if (s > ready) {
                ready = loadedUpTo(s);
            }
            if (subjects[index(s)] != EMPTY) {
                return s;
            }
        }
        return -1;
    }

    /** The last sequence in [{@code to}, {@code from}] holding a message, or -1. */
    long previousLive(long from, long to) {
        long lowest = Math.max(to, base);
        long ready = Long.MAX_VALUE;
        for (long s = Math.min(from, base + count - 1); s >= lowest; s--) {
            if (s < ready) {
                ready = loadedDownTo(s);
            }
            if (subjects[index(s)] != EMPTY) {
                return s;
            }
        }
        return -1;
    }

    /** The first sequence in [{@code from}, {@code to}] holding a message on subject {@code id}, or -1. */
    long nextWithSubject(int id, long from, long to) {
        long end = Math.min(to, base + count - 1);
        long ready = Long.MIN_VALUE;
        for (long s = Math.max(from, base); s <= end; s++) {
            if (s > ready) {
                ready = loadedUpTo(s);
            }
            if (subjects[index(s)] == id) {
                return s;
            }
        }
        return -1;
    }

    /** The last sequence in [{@code to}, {@code from}] holding a message on subject {@code id}, or -1. */
    long previousWithSubject(int id, long from, long to) {
        long lowest = Math.max(to, base);
        long ready = Long.MAX_VALUE;
        for (long s = Math.min(from, base + count - 1); s >= lowest; s--) {
            if (s < ready) {
                ready = loadedDownTo(s);
            }
            if (subjects[index(s)] == id) {
                return s;
            }
        }
        return -1;
    }

    /** The first sequence in [{@code from}, {@code to}] holding a message whose subject id passes, or -1. */
    long next(long from, long to, IntPredicate subjectMatches) {
        long end = Math.min(to, base + count - 1);
        long ready = Long.MIN_VALUE;
        for (long s = Math.max(from, base); s <= end; s++) {
            if (s > ready) {
                ready = loadedUpTo(s);
            }
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
        long ready = Long.MAX_VALUE;
        for (long s = Math.min(from, base + count - 1); s >= lowest; s--) {
            if (s < ready) {
                ready = loadedDownTo(s);
            }
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
        long ready = Long.MIN_VALUE;
        for (long s = Math.max(from, base); s <= end; s++) {
            if (s > ready) {
                ready = loadedUpTo(s);
            }
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
     * {@link #slotCount()} long), loading any slot not loaded yet: for the file store's state file.
     */
    void exportColumns(int[] subjectsOut, int[] sizesOut, long[] refsOut) {
        loadRange(base, base + count - 1);
        int first = Math.min(count, subjects.length - head);
        System.arraycopy(subjects, head, subjectsOut, 0, first);
        System.arraycopy(sizes, head, sizesOut, 0, first);
        System.arraycopy(refs, head, refsOut, 0, first);
        System.arraycopy(subjects, 0, subjectsOut, first, count - first);
        System.arraycopy(sizes, 0, sizesOut, first, count - first);
        System.arraycopy(refs, 0, refsOut, first, count - first);
    }

    /**
     * Makes an empty table without objects hold {@code n} slots from {@code base}, none of them loaded: each segment
     * of {@code segmentSlots} slots (from {@code base} on) is filled by {@code loader} when first touched. Copies
     * nothing, and allocates the columns only at the first load or append.
     */
    void importLazily(long base, int n, int segmentSlots, Loader loader) {
        if (withObjects || count != 0 || segmentSlots <= 0) {
            throw new IllegalStateException("lazy slots go into an empty table without objects");
        }
        if (n == 0) {
            allocate(CAPACITY_MIN);
        } else {
            deferredCapacity = capacityFor(n);
        }
        this.base = base;
        this.count = n;
        this.lazy = n == 0 ? null : new Lazy(base, base + n, segmentSlots, loader);
    }

    /** The capacity of a table for {@code n} slots. */
    static int capacityFor(int n) {
        return Math.max(CAPACITY_MIN, Integer.highestOneBit(Math.max(1, n - 1)) << 1);
    }

    /** For loaders: copies {@code n} slots from {@code from} out of the given columns (starting at index 0). */
    void fillColumns(long from, int n, int[] subjectColumn, int[] sizeColumn, long[] refColumn) {
        int i = index(from);
        int first = Math.min(n, subjects.length - i);
        System.arraycopy(subjectColumn, 0, subjects, i, first);
        System.arraycopy(sizeColumn, 0, sizes, i, first);
        System.arraycopy(refColumn, 0, refs, i, first);
        System.arraycopy(subjectColumn, first, subjects, 0, n - first);
        System.arraycopy(sizeColumn, first, sizes, 0, n - first);
        System.arraycopy(refColumn, first, refs, 0, n - first);
    }

    /** For loaders: makes the slots [{@code from}, {@code to}] hold nothing. */
    void fillEmpty(long from, long to) {
        for (long s = from; s <= to; s++) {
            int i = index(s);
            subjects[i] = EMPTY;
            sizes[i] = 0;
            refs[i] = 0;
        }
    }

    /** For loaders: one held slot. */
    void fill(long seq, int subject, int size, long ref) {
        int i = index(seq);
        subjects[i] = subject;
        sizes[i] = size;
        refs[i] = ref;
    }

    /** Segments loaded since {@link #importLazily}, for tests. */
    int lazyLoads() {
        Lazy z = lazy;
        return z == null ? 0 : z.loads;
    }

    /** Whether some imported slots are not loaded yet. */
    boolean hasUnloaded() {
        Lazy z = lazy;
        return z != null && !z.done;
    }

    /** Loads every slot in [{@code from}, {@code to}] not loaded yet. */
    void loadRange(long from, long to) {
        Lazy z = lazy;
        if (z == null || z.done) {
            return;
        }
        long s = Math.max(from, z.start);
        while (s <= to && s < z.end) {
            long last = loadedUpTo(s); // loads the segment holding s, says where it ends
            if (last >= z.end - 1) {
                break;
            }
            s = last + 1;
        }
    }

    /** Loads the segment holding {@code seq} if it is lazy and not loaded yet. */
    private void loaded(long seq) {
        Lazy z = lazy;
        if (z != null && !z.done) {
            loadedUpTo(seq);
        }
    }

    /**
     * Makes sure the slot at {@code seq} is loaded (loading its segment if needed); returns the last sequence up to
     * which, from {@code seq} on, slots are known loaded without asking again.
     */
    private long loadedUpTo(long seq) {
        Lazy z = lazy;
        if (z == null || z.done || seq >= z.end) {
            return Long.MAX_VALUE;
        }
        if (seq < z.start) {
            return z.start - 1;
        }
        int segment = (int) ((seq - z.start) / z.segmentSlots);
        load(z, segment);
        return Math.min(z.end - 1, z.start + (long) (segment + 1) * z.segmentSlots - 1);
    }

    /** Like {@link #loadedUpTo}, downwards: the first sequence down to which slots are known loaded. */
    private long loadedDownTo(long seq) {
        Lazy z = lazy;
        if (z == null || z.done || seq < z.start) {
            return Long.MIN_VALUE;
        }
        if (seq >= z.end) {
            return z.end;
        }
        int segment = (int) ((seq - z.start) / z.segmentSlots);
        load(z, segment);
        return z.start + (long) segment * z.segmentSlots;
    }

    private void load(Lazy z, int segment) {
        if (z.loaded.get(segment) != 0) {
            return;
        }
        synchronized (z) {
            if (z.loaded.get(segment) != 0) {
                return;
            }
            long from = z.start + (long) segment * z.segmentSlots;
            long to = Math.min(z.end - 1, from + z.segmentSlots - 1);
            allocateDeferred();
            try {
                z.loader.load(segment, from, to);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            z.loads++;
            z.loaded.set(segment, 1);
            if (--z.remaining == 0) {
                z.done = true;
            }
        }
    }

    /** Forgets the slots not loaded yet: called when every slot was dropped or cleared. */
    private void dropUnloaded() {
        lazy = null;
        deferredCapacity = 0;
    }

    /**
     * Allocates the columns {@link #importLazily} deferred. Under the write lock, or in a load (under the lazy
     * state's monitor, before any segment is loaded, so no reader looks at the columns yet); the loaded flag's
     * volatile write publishes the new arrays to readers.
     */
    private void allocateDeferred() {
        if (deferredCapacity > 0) {
            int capacity = deferredCapacity;
            deferredCapacity = 0;
            allocate(capacity);
        }
    }

    /** Makes room for {@code slots} slots in all, so that appending that many never resizes (recovery knows). */
    void reserve(int slots) {
        allocateDeferred();
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
