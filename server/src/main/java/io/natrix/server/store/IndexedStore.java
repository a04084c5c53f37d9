package io.natrix.server.store;

import io.natrix.server.subject.Subjects;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.IntPredicate;
import java.util.function.LongConsumer;

/**
 * What both stores share: the stream's sequence and subject semantics (nats-server's StreamStore) on an in-memory
 * index, over a persistence the subclass provides. Keeping the semantics in one place is what makes MemoryStore and
 * FileStore answer every question the same way; they differ only in where bytes live and in the size they account.
 *
 * <p>State: {@link SlotTable} (sequence → subject id, size, location), {@link SubjectStates} (subject → count, first,
 * last), {@link TtlIndex} (per-message TTL deadlines in time order, and the messages that never expire), and the
 * stream figures (first/last sequence and time, messages, bytes). Every mutation calls the
 * subclass's {@code write*} method first and changes the index only when that succeeded, so an {@link IOException}
 * leaves the index as it was.
 *
 * <p>Thread-safety: one {@link ReentrantReadWriteLock} per store. Every mutation holds the write lock for its whole
 * length (including its disk writes, and its fsync when the file store syncs always); loads and queries hold the read
 * lock and run concurrently. Per-subject first/last sequences are resolved before the write lock is released, so
 * readers never mutate the figures; the one thing a reader may write is a segment of slots the file store loads
 * lazily after a clean open, which the slot table does one load at a time and publishes safely (see
 * {@link SlotTable}). A segment that cannot be loaded fails the operation with its {@link IOException}. A record found damaged by a reader is dropped under the write lock afterwards
 * ({@link #declareLost}). No other lock is taken while this one is held.
 */
abstract sealed class IndexedStore implements MessageStore permits MemoryStore, FileStore {

    /** How a message leaves the store. */
    enum Removal {
        /** Removed: the file store records a tombstone. */
        REMOVE,
        /** Removed and its bytes overwritten. */
        ERASE,
        /** Found damaged: dropped from the index, nothing written. */
        LOST
    }

    /** Above this many subjects a wildcard scan matches subject strings as it goes instead of listing ids first. */
    private static final int WILDCARD_ID_SET_MAX = 256;
    /** A reader retries this often when it keeps meeting damaged records before giving up with the error. */
    private static final int CORRUPTION_RETRIES_MAX = 64;

    final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    final SlotTable slots;
    final SubjectStates subjects = new SubjectStates();
    final TtlIndex ttls;
    private final ArrayList<SubjectStates.Entry> stale = new ArrayList<>();

    StoreLimits limits;
    long firstSeq;
    long lastSeq;
    long lastTime;
    long msgs;
    long bytes;
    boolean closed;
    /** Told every change of {@link #bytes} (see {@link #trackUsage}); called under the write lock. */
    private LongConsumer usage = delta -> { };

    private final ArrayList<Long> lostSequences = new ArrayList<>();
    private long lostCount;
    private long lostBytes;

    /** The first message's time, read lazily by {@link #state()} (a racy cache of an immutable pair is fine). */
    private volatile FirstTime firstTimeCache = new FirstTime(-1, 0);

    private record FirstTime(long seq, long nanos) {
    }

    IndexedStore(StoreLimits limits, boolean keepObjects) {
        this.limits = limits == null ? StoreLimits.NONE : limits;
        this.slots = new SlotTable(keepObjects);
        this.ttls = new TtlIndex(slots::isLive);
    }

    // ---- persistence, provided by the store (called with the write lock held unless said otherwise) ----

    /** The size accounted for a message (nats-server's memStoreMsgSize or fileStoreMsgSize). */
    abstract long sizeOf(int subjectBytes, int headersLength, int payloadLength);

    /** Persists a message; returns the reference the slot keeps to find it again. */
    abstract long write(long seq, String subject, byte[] headers, byte[] payload, long timestampNanos, long size)
            throws IOException;

    /** What the slot keeps in memory for a message just written (the memory store keeps the message). */
    Object retain(long seq, String subject, byte[] headers, byte[] payload, long timestampNanos) {
        return null;
    }

    /** Persists that {@code seq} was used without a message. */
    abstract void writeSkip(long seq, long lastTimeNanos) throws IOException;

    /** Persists a message's removal. {@link Removal#LOST} writes nothing, it only lets go of the message. */
    abstract void writeRemoval(long seq, long ref, int size, Removal how) throws IOException;

    /**
     * Persists "every sequence below {@code floor} is gone", with {@code newLastSeq} the last sequence afterwards
     * (past the old one when compacting past the end).
     */
    abstract void writeFloor(long floor, long newLastSeq) throws IOException;

    /** Persists "every sequence past {@code seq} is gone; the last sequence is {@code seq} at that time". */
    abstract void writeTruncate(long seq, long lastTimeNanos) throws IOException;

    /** Persists a reset to the never-used state. */
    abstract void writeReset() throws IOException;

    /** Called at the end of every mutation that wrote: the file store fsyncs here when it syncs always. */
    abstract void afterWrite() throws IOException;

    /** Throws when the store may not write (a file store whose fsync failed). */
    abstract void checkWritable() throws IOException;

    /** Reads a held message (read lock suffices); throws {@link CorruptRecordException} when it is damaged. */
    abstract StoredMessage read(long seq, long ref, Object object, String subject) throws IOException;

    /** Reads a held message's timestamp (read lock suffices). */
    abstract long readTime(long seq, long ref, Object object) throws IOException;

    abstract void closeStorage() throws IOException;

    abstract void deleteStorage() throws IOException;

    // ---- MessageStore ----

    @Override
    public final long messageSize(String subject, byte[] headers, byte[] payload) {
        return sizeOf(utf8Length(subject), headers == null ? 0 : headers.length, payload == null ? 0 : payload.length);
    }

    @Override
    public final long store(String subject, byte[] headers, byte[] payload, long timestampNanos, long ttlSeconds)
            throws IOException {
        if (subject == null || subject.isEmpty()) {
            throw new IllegalArgumentException("a stored message needs a subject");
        }
        byte[] h = headers == null || headers.length == 0 ? null : headers;
        byte[] p = payload == null ? new byte[0] : payload;
        long size = sizeOf(utf8Length(subject), h == null ? 0 : h.length, p.length);
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("message of " + size + " bytes is too large to store");
        }
        lock.writeLock().lock();
        try {
            checkOpen();
            checkWritable();
            long seq = lastSeq + 1;
            long ref = write(seq, subject, h, p, timestampNanos, size);
            Object kept = retain(seq, subject, h, p, timestampNanos);
            SubjectStates.Entry entry = subjects.add(subject, seq);
            slots.append(seq, entry.id, (int) size, ref, kept);
            if (msgs == 0) {
                firstSeq = seq;
            }
            msgs++;
            addBytes(size);
            lastSeq = seq;
            lastTime = timestampNanos;
            if (ttlSeconds > 0) {
                ttls.add(seq, MessageTtl.expiresAt(timestampNanos, ttlSeconds), msgs);
            } else if (ttlSeconds == MessageTtl.NEVER) {
                ttls.addNever(seq);
            }
            enforceLimitsAfterStore(entry);
            afterWrite();
            return seq;
        } catch (UncheckedIOException e) {
            throw e.getCause(); // slots that could not be loaded (see SlotTable): reported, never served
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public final long skip() throws IOException {
        lock.writeLock().lock();
        try {
            checkOpen();
            checkWritable();
            long seq = lastSeq + 1;
            writeSkip(seq, lastTime);
            lastSeq = seq;
            if (msgs == 0) {
                firstSeq = seq + 1;
            }
            afterWrite();
            return seq;
        } catch (UncheckedIOException e) {
            throw e.getCause(); // slots that could not be loaded (see SlotTable): reported, never served
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public final StoredMessage load(long seq) throws IOException {
        return reading(() -> slots.isLive(seq) ? readAt(seq) : null);
    }

    @Override
    public final boolean holds(long seq) {
        lock.readLock().lock();
        try {
            return slots.isLive(seq);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public final StoredMessage loadNext(String filter, long fromSeq) throws IOException {
        return reading(() -> {
            long seq = nextMatch(filter, Math.max(fromSeq, firstSeq), lastSeq);
            return seq < 0 ? null : readAt(seq);
        });
    }

    @Override
    public final StoredMessage loadLast(String filter) throws IOException {
        return reading(() -> {
            long seq = lastMatch(filter);
            return seq < 0 ? null : readAt(seq);
        });
    }

    @Override
    public final StoredMessage loadPrevious(String filter, long fromSeq) throws IOException {
        return reading(() -> {
            long seq = previousMatch(filter, Math.min(fromSeq, lastSeq));
            return seq < 0 ? null : readAt(seq);
        });
    }

    @Override
    public final boolean remove(long seq, boolean erase) throws IOException {
        lock.writeLock().lock();
        try {
            checkOpen();
            checkWritable();
            boolean removed;
            try {
                removed = removeOne(seq, erase ? Removal.ERASE : Removal.REMOVE);
            } finally {
                resolveStale();
            }
            if (removed) {
                afterWrite();
            }
            return removed;
        } catch (UncheckedIOException e) {
            throw e.getCause(); // slots that could not be loaded (see SlotTable): reported, never served
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public final long purge(String filter, long upToSeq, long keep) throws IOException {
        if (upToSeq == 1) {
            return 0;
        }
        lock.writeLock().lock();
        try {
            checkOpen();
            checkWritable();
            if (isAll(filter)) {
                if (keep <= 0 && upToSeq <= 0) {
                    return purgeAll();
                }
                if (upToSeq > 1) {
                    return compactBelow(upToSeq);
                }
            }
            long purged = 0;
            try {
                purged = purgeMatching(filter, upToSeq, keep);
            } finally {
                resolveStale();
            }
            if (purged > 0) {
                afterWrite();
            }
            return purged;
        } catch (UncheckedIOException e) {
            throw e.getCause(); // slots that could not be loaded (see SlotTable): reported, never served
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public final long compact(long seq) throws IOException {
        lock.writeLock().lock();
        try {
            checkOpen();
            checkWritable();
            return seq <= 0 ? purgeAll() : compactBelow(seq);
        } catch (UncheckedIOException e) {
            throw e.getCause(); // slots that could not be loaded (see SlotTable): reported, never served
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public final void truncate(long seq) throws IOException {
        lock.writeLock().lock();
        try {
            checkOpen();
            checkWritable();
            // Sequences past seq will be used again: the cached first time may name another message then.
            firstTimeCache = new FirstTime(-1, 0);
            if (seq <= 0) {
                writeReset();
                slots.reset();
                subjects.clear();
                stale.clear();
                ttls.clear();
                msgs = 0;
                addBytes(-bytes);
                firstSeq = 0;
                lastSeq = 0;
                lastTime = 0;
                afterWrite();
                return;
            }
            if (seq >= lastSeq) {
                return;
            }
            long newLastTime = lastTime;
            if (slots.isLive(seq)) {
                try {
                    newLastTime = readTime(seq, slots.ref(seq), slots.object(seq));
                } catch (CorruptRecordException e) {
                    // Its time is unreadable; the message itself is dropped on its next load.
                    lostOnRead(seq, e);
                }
            }
            writeTruncate(seq, newLastTime);
            try {
                for (long s = Math.max(seq + 1, slots.base()); s < slots.end(); s++) {
                    if (slots.isLive(s)) {
                        forget(s, true);
                    }
                }
                slots.truncateAfter(seq);
                ttls.dropAbove(seq);
                lastSeq = seq;
                lastTime = newLastTime;
                if (msgs == 0) {
                    firstSeq = seq + 1;
                }
            } finally {
                resolveStale();
            }
            afterWrite();
        } catch (UncheckedIOException e) {
            throw e.getCause(); // slots that could not be loaded (see SlotTable): reported, never served
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public final void limits(StoreLimits newLimits) throws IOException {
        lock.writeLock().lock();
        try {
            checkOpen();
            limits = newLimits == null ? StoreLimits.NONE : newLimits;
            if (enforceAllLimits() > 0) {
                afterWrite();
            }
        } catch (UncheckedIOException e) {
            throw e.getCause(); // slots that could not be loaded (see SlotTable): reported, never served
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public final long expire(long nowNanos) throws IOException {
        lock.writeLock().lock();
        try {
            checkOpen();
            if ((!limits.limitsAge() && !ttls.hasDeadlines()) || msgs == 0) {
                return 0;
            }
            checkWritable();
            long removed = 0;
            try {
                if (limits.limitsAge()) {
                    long cutoff = nowNanos - limits.maxAge().toNanos();
                    for (long seq = nextAged(firstSeq, cutoff); seq >= 0; seq = nextAged(seq + 1, cutoff)) {
                        removeOne(seq, Removal.REMOVE);
                        removed++;
                    }
                }
                for (long seq = ttls.pollDue(nowNanos); seq >= 0; seq = ttls.pollDue(nowNanos)) {
                    if (removeOne(seq, Removal.REMOVE)) {
                        removed++;
                    }
                }
            } finally {
                resolveStale();
            }
            if (removed > 0) {
                afterWrite();
            }
            return removed;
        } catch (UncheckedIOException e) {
            throw e.getCause(); // slots that could not be loaded (see SlotTable): reported, never served
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public final long[] expiring(long nowNanos, int max) throws IOException {
        lock.writeLock().lock();
        try {
            checkOpen();
            if ((!limits.limitsAge() && !ttls.hasDeadlines()) || msgs == 0 || max <= 0) {
                return new long[0];
            }
            long[] due = new long[(int) Math.min(max, msgs)];
            int count = 0;
            try {
                if (limits.limitsAge()) {
                    long cutoff = nowNanos - limits.maxAge().toNanos();
                    for (long seq = nextAged(firstSeq, cutoff); seq >= 0 && count < due.length;
                         seq = nextAged(seq + 1, cutoff)) {
                        due[count++] = seq;
                    }
                }
            } finally {
                resolveStale();
            }
            ttls.dropDueStale(nowNanos);
            count = ttls.collectDue(nowNanos, due, count, due.length);
            long[] out = Arrays.copyOf(due, count);
            Arrays.sort(out);
            int distinct = 0;
            for (int i = 0; i < out.length; i++) {
                if (i == 0 || out[i] != out[i - 1]) {
                    out[distinct++] = out[i];
                }
            }
            return distinct == out.length ? out : Arrays.copyOf(out, distinct);
        } catch (UncheckedIOException e) {
            throw e.getCause(); // slots that could not be loaded (see SlotTable): reported, never served
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * The first held message at or after {@code from} stored at or before {@code cutoff}, stepping over messages that
     * never expire; -1 when the first one that may expire is younger. Drops damaged records met on the way.
     */
    private long nextAged(long from, long cutoff) throws IOException {
        for (long seq = msgs == 0 ? -1 : slots.nextLive(Math.max(from, firstSeq), lastSeq); seq >= 0;
             seq = msgs == 0 ? -1 : slots.nextLive(Math.max(seq + 1, firstSeq), lastSeq)) {
            if (ttls.isNever(seq)) {
                continue;
            }
            long time;
            try {
                time = readTime(seq, slots.ref(seq), slots.object(seq));
            } catch (CorruptRecordException e) {
                dropLost(seq);
                lostOnRead(seq, e);
                continue;
            }
            return time <= cutoff ? seq : -1;
        }
        return -1;
    }

    @Override
    public final void trackUsage(LongConsumer bytesDelta) {
        lock.writeLock().lock();
        try {
            usage = bytesDelta == null ? delta -> { } : bytesDelta;
            if (!closed && bytes != 0) {
                usage.accept(bytes);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Changes {@link #bytes} and tells the usage tracker. */
    final void addBytes(long delta) {
        bytes += delta;
        if (delta != 0) {
            usage.accept(delta);
        }
    }

    @Override
    public final long sequenceAt(long timeNanos) throws IOException {
        return reading(() -> {
            if (msgs == 0) {
                return lastSeq + 1;
            }
            long lastLive = slots.previousLive(lastSeq, firstSeq);
            if (timeNanos <= timeAt(firstSeq)) {
                return firstSeq;
            }
            if (timeNanos > timeAt(lastLive)) {
                return lastSeq + 1;
            }
            // Binary search over sequences for the first held message at or after the time, stepping over gaps.
            long lo = firstSeq;
            long hi = lastLive;
            long answer = lastLive;
            while (lo <= hi) {
                long mid = lo + (hi - lo) / 2;
                long m = slots.nextLive(mid, hi);
                if (m < 0) {
                    hi = mid - 1;
                } else if (timeAt(m) >= timeNanos) {
                    answer = m;
                    hi = mid - 1;
                } else {
                    lo = m + 1;
                }
            }
            return answer;
        });
    }

    @Override
    public final StoreState state() {
        lock.readLock().lock();
        try {
            long firstTime = 0;
            if (msgs > 0) {
                FirstTime cached = firstTimeCache;
                if (cached.seq() == firstSeq) {
                    firstTime = cached.nanos();
                } else {
                    try {
                        firstTime = readTime(firstSeq, slots.ref(firstSeq), slots.object(firstSeq));
                        firstTimeCache = new FirstTime(firstSeq, firstTime);
                    } catch (IOException e) {
                        // Reported as unknown; a load of that message drops it as lost.
                        firstTime = 0;
                    }
                }
            }
            long numDeleted = lastSeq > firstSeq ? Math.max(0, lastSeq - firstSeq + 1 - msgs) : 0;
            LostData lost = lostCount == 0 ? null : new LostData(lostSequences, lostCount, lostBytes);
            return new StoreState(msgs, bytes, firstSeq, firstTime, lastSeq, lastTime, subjects.size(), numDeleted,
                    lost);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public final Map<String, Long> subjectCounts(String filter) {
        lock.readLock().lock();
        try {
            Map<String, Long> counts = new HashMap<>();
            if (isAll(filter)) {
                for (SubjectStates.Entry e : subjects.entries()) {
                    counts.put(e.subject, e.msgs);
                }
            } else if (!Subjects.hasWildcard(filter)) {
                SubjectStates.Entry e = subjects.get(filter);
                if (e != null) {
                    counts.put(e.subject, e.msgs);
                }
            } else {
                for (SubjectStates.Entry e : subjects.entries()) {
                    if (Subjects.matches(filter, e.subject)) {
                        counts.put(e.subject, e.msgs);
                    }
                }
            }
            return counts;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public final long pending(String filter, long fromSeq) {
        lock.readLock().lock();
        try {
            if (msgs == 0) {
                return 0;
            }
            long start = Math.max(fromSeq, firstSeq);
            if (start > lastSeq) {
                return 0;
            }
            if (isAll(filter)) {
                return start == firstSeq ? msgs : countMatching(start, lastSeq, firstSeq, msgs, id -> true);
            }
            if (!Subjects.hasWildcard(filter)) {
                SubjectStates.Entry e = subjects.get(filter);
                if (e == null || start > e.last) {
                    return 0;
                }
                if (start <= e.first) {
                    return e.msgs;
                }
                int id = e.id;
                return countMatching(start, e.last, e.first, e.msgs, s -> s == id);
            }
            long total = 0;
            for (SubjectStates.Entry e : subjects.entries()) {
                if (Subjects.matches(filter, e.subject)) {
                    total += e.msgs;
                }
            }
            if (start == firstSeq || total == 0) {
                return total;
            }
            return countMatching(start, lastSeq, firstSeq, total, matcher(filter));
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public final List<Long> lastSequences(String filter) {
        return lastSequences(filter, Long.MAX_VALUE);
    }

    @Override
    public final List<Long> lastSequences(String filter, long maxSeq) {
        lock.readLock().lock();
        try {
            boolean all = isAll(filter);
            if (!all && !Subjects.hasWildcard(filter)) {
                // A literal filter (a watched key) has one subject: no need to look at the others.
                SubjectStates.Entry e = subjects.get(filter);
                long seq = e == null ? -1 : lastAtOrBelow(e, maxSeq);
                return seq < 0 ? new ArrayList<>() : new ArrayList<>(List.of(seq));
            }
            // A key-value bucket's keys are many subjects: collect and sort primitives, box once at the end.
            long[] found = new long[subjects.size()];
            int n = 0;
            for (SubjectStates.Entry e : subjects.entries()) {
                if (all || Subjects.matches(filter, e.subject)) {
                    long seq = lastAtOrBelow(e, maxSeq);
                    if (seq >= 0) {
                        found[n++] = seq;
                    }
                }
            }
            Arrays.sort(found, 0, n);
            List<Long> seqs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                seqs.add(found[i]);
            }
            return seqs;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The last sequence of subject {@code e} at or below {@code maxSeq}, or -1. Under a lock. */
    private long lastAtOrBelow(SubjectStates.Entry e, long maxSeq) {
        if (e.last <= maxSeq) {
            return e.last;
        }
        return e.first <= maxSeq ? slots.previousWithSubject(e.id, maxSeq, e.first) : -1;
    }

    @Override
    public final void close() throws IOException {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            usage.accept(-bytes);
            closeStorage();
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public final void delete() throws IOException {
        lock.writeLock().lock();
        try {
            if (!closed) {
                usage.accept(-bytes);
            }
            closed = true;
            ttls.clear();
            deleteStorage();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Tells {@link #state()} the first message's time, known without reading it (the file store's saved state). */
    final void primeFirstTime(long seq, long nanos) {
        firstTimeCache = new FirstTime(seq, nanos);
    }

    /** The first message's time (0 when none, or when it cannot be read); lock held. */
    final long firstTimeNanos() {
        if (msgs == 0) {
            return 0;
        }
        FirstTime cached = firstTimeCache;
        if (cached.seq() == firstSeq) {
            return cached.nanos();
        }
        try {
            return readTime(firstSeq, slots.ref(firstSeq), slots.object(firstSeq));
        } catch (IOException e) {
            return 0;
        }
    }

    // ---- removal and limits (write lock held) ----

    /** Removes one held message; false when {@code seq} holds none. */
    final boolean removeOne(long seq, Removal how) throws IOException {
        if (!slots.isLive(seq)) {
            return false;
        }
        writeRemoval(seq, slots.ref(seq), slots.size(seq), how);
        forget(seq, false);
        if (seq == firstSeq) {
            slots.trimFront();
            firstSeq = msgs > 0 ? slots.base() : lastSeq + 1;
        }
        return true;
    }

    /** Drops a held message from the index and the figures (the caller fixes firstSeq and trims). */
    private void forget(long seq, boolean bulk) {
        int id = slots.subject(seq);
        msgs--;
        addBytes(-slots.size(seq));
        slots.clear(seq);
        ttls.forgetNever(seq);
        SubjectStates.Entry e = subjects.byId(id);
        if (--e.msgs == 0) {
            subjects.remove(e);
            return;
        }
        boolean first = seq == e.first;
        boolean last = seq == e.last;
        if (first || last) {
            if (!e.firstStale && !e.lastStale) {
                stale.add(e);
            }
            e.firstStale |= first;
            e.lastStale |= last;
            if (!bulk && e.msgs == 1) {
                // One message left: the side not removed names it, no scan needed.
                if (first && !e.lastStale) {
                    e.first = e.last;
                    e.firstStale = false;
                } else if (last && !e.firstStale) {
                    e.last = e.first;
                    e.lastStale = false;
                }
            }
        }
    }

    /** Drops a message found damaged, counting it as lost. */
    final void dropLost(long seq) throws IOException {
        int size = slots.size(seq);
        removeOne(seq, Removal.LOST);
        recordLost(seq, size);
    }

    /** The messages lost so far (null when none): what a clean close saves. */
    final LostData lostData() {
        return lostCount == 0 ? null : new LostData(lostSequences, lostCount, lostBytes);
    }

    /** Counts messages found lost while opening. */
    final void addLost(List<Long> sequences, long count, long lostByteCount) {
        for (Long seq : sequences) {
            if (lostSequences.size() < LostData.SEQUENCES_MAX) {
                lostSequences.add(seq);
            }
        }
        lostCount += count;
        lostBytes += lostByteCount;
    }

    final void recordLost(long seq, long size) {
        lostCount++;
        lostBytes += size;
        if (lostSequences.size() < LostData.SEQUENCES_MAX) {
            lostSequences.add(seq);
        }
    }

    /** Brings stale per-subject first/last sequences up to date; every mutation calls it before unlocking. */
    final void resolveStale() {
        for (SubjectStates.Entry e : stale) {
            if (subjects.byId(e.id) == e && e.msgs > 0) {
                resolve(e);
            }
        }
        stale.clear();
    }

    private void resolve(SubjectStates.Entry e) {
        if (e.firstStale) {
            e.first = slots.nextWithSubject(e.id, e.first, e.last);
            e.firstStale = false;
        }
        if (e.lastStale) {
            e.last = slots.previousWithSubject(e.id, e.last, e.first);
            e.lastStale = false;
        }
    }

    private long purgeAll() throws IOException {
        if (msgs == 0 && firstSeq == lastSeq + 1) {
            return 0;
        }
        long purged = msgs;
        writeFloor(lastSeq + 1, lastSeq);
        slots.reset();
        subjects.clear();
        stale.clear();
        ttls.clear();
        msgs = 0;
        addBytes(-bytes);
        firstSeq = lastSeq + 1;
        afterWrite();
        return purged;
    }

    /** Removes every message below {@code seq}: nats-server's Compact. */
    private long compactBelow(long seq) throws IOException {
        if (firstSeq >= seq && !(msgs == 0 && seq > lastSeq + 1)) {
            return 0;
        }
        long purged;
        if (seq <= lastSeq) {
            writeFloor(seq, lastSeq);
            long before = msgs;
            try {
                for (long s = slots.base(); s < seq && s < slots.end(); s++) {
                    if (slots.isLive(s)) {
                        forget(s, true);
                    }
                }
                slots.trimFront();
                firstSeq = msgs > 0 ? slots.base() : lastSeq + 1;
                ttls.dropNeverBelow(seq);
            } finally {
                resolveStale();
            }
            purged = before - msgs;
        } else {
            purged = msgs;
            writeFloor(seq, seq - 1);
            slots.reset();
            subjects.clear();
            stale.clear();
            ttls.clear();
            msgs = 0;
            addBytes(-bytes);
            firstSeq = seq;
            lastSeq = seq - 1;
        }
        afterWrite();
        return purged;
    }

    /** nats-server's PurgeEx for a subject filter (or for all subjects with {@code keep}). */
    private long purgeMatching(String filter, long upToSeq, long keep) throws IOException {
        IntPredicate matches = isAll(filter) ? id -> true : matcher(filter);
        long count = 0;
        long first = Long.MAX_VALUE;
        long last = 0;
        if (isAll(filter)) {
            if (msgs > 0) {
                count = msgs;
                first = firstSeq;
                last = slots.previousLive(lastSeq, firstSeq);
            }
        } else if (!Subjects.hasWildcard(filter)) {
            SubjectStates.Entry e = subjects.get(filter);
            if (e != null) {
                count = e.msgs;
                first = e.first;
                last = e.last;
            }
        } else {
            for (SubjectStates.Entry e : subjects.entries()) {
                if (Subjects.matches(filter, e.subject)) {
                    count += e.msgs;
                    first = Math.min(first, e.first);
                    last = Math.max(last, e.last);
                }
            }
        }
        if (count == 0) {
            return 0;
        }
        long most = 0;
        if (keep > 0) {
            if (keep >= count) {
                return 0;
            }
            most = count - keep;
        }
        if (upToSeq >= 1) {
            last = Math.min(last, upToSeq - 1);
        }
        long purged = 0;
        for (long s = slots.next(first, last, matches); s >= 0; s = slots.next(s + 1, last, matches)) {
            removeOne(s, Removal.REMOVE);
            purged++;
            if (most > 0 && purged >= most) {
                break;
            }
        }
        return purged;
    }

    /** Enforces the limits after storing a message on {@code entry}'s subject (nats-server's order). */
    private void enforceLimitsAfterStore(SubjectStates.Entry entry) {
        try {
            if (limits.limitsPerSubject() && entry.msgs > limits.maxMsgsPerSubject()) {
                enforcePerSubject(entry);
            }
            enforceMsgsAndBytes();
        } catch (IOException e) {
            // The message is stored; the removals that did not make it to disk are retried on the next store.
            limitFailure(e);
        } finally {
            resolveStale();
        }
    }

    /** Logs a failed limit removal; the store subclasses know how. */
    abstract void limitFailure(IOException e);

    private long enforceAllLimits() throws IOException {
        long before = msgs;
        try {
            if (limits.limitsPerSubject()) {
                for (SubjectStates.Entry e : new ArrayList<>(subjects.entries())) {
                    if (e.msgs > limits.maxMsgsPerSubject()) {
                        enforcePerSubject(e);
                    }
                }
            }
            enforceMsgsAndBytes();
        } finally {
            resolveStale();
        }
        return before - msgs;
    }

    private void enforcePerSubject(SubjectStates.Entry e) throws IOException {
        while (e.msgs > limits.maxMsgsPerSubject()) {
            resolve(e);
            removeOne(e.first, Removal.REMOVE);
        }
    }

    private void enforceMsgsAndBytes() throws IOException {
        if (limits.limitsMsgs()) {
            while (msgs > limits.maxMsgs()) {
                removeOne(firstSeq, Removal.REMOVE);
            }
        }
        if (limits.limitsBytes()) {
            while (bytes > limits.maxBytes() && msgs > 0) {
                removeOne(firstSeq, Removal.REMOVE);
            }
        }
    }

    /** Enforces the current limits; used by a store after it recovered its contents. */
    final void enforceLimitsAfterRecovery() throws IOException {
        enforceAllLimits();
    }

    // ---- queries (read or write lock held) ----

    static boolean isAll(String filter) {
        return filter == null || filter.isEmpty() || ">".equals(filter);
    }

    /** A predicate on subject ids for a wildcard (or literal) filter. */
    private IntPredicate matcher(String filter) {
        if (!Subjects.hasWildcard(filter)) {
            SubjectStates.Entry e = subjects.get(filter);
            int id = e == null ? SlotTable.EMPTY - 1 : e.id;
            return s -> s == id;
        }
        if (subjects.size() <= WILDCARD_ID_SET_MAX) {
            BitSet ids = new BitSet(subjects.idLimit());
            for (SubjectStates.Entry e : subjects.entries()) {
                if (Subjects.matches(filter, e.subject)) {
                    ids.set(e.id);
                }
            }
            return ids::get;
        }
        return new IntPredicate() {
            private int lastId = SlotTable.EMPTY;
            private boolean lastResult;

            @Override
            public boolean test(int id) {
                if (id != lastId) {
                    lastId = id;
                    lastResult = Subjects.matches(filter, subjects.byId(id).subject);
                }
                return lastResult;
            }
        };
    }

    /** The first held sequence in [from, to] matching the filter, or -1. */
    private long nextMatch(String filter, long from, long to) {
        if (msgs == 0 || from > to) {
            return -1;
        }
        if (isAll(filter)) {
            return slots.nextLive(from, to);
        }
        if (!Subjects.hasWildcard(filter)) {
            SubjectStates.Entry e = subjects.get(filter);
            return e == null ? -1 : slots.nextWithSubject(e.id, Math.max(from, e.first), Math.min(to, e.last));
        }
        long lo = from;
        long hi = to;
        if (subjects.size() <= WILDCARD_ID_SET_MAX) {
            // Narrow the scan to where matching subjects live.
            long first = Long.MAX_VALUE;
            long last = -1;
            for (SubjectStates.Entry e : subjects.entries()) {
                if (e.last >= from && Subjects.matches(filter, e.subject)) {
                    first = Math.min(first, e.first);
                    last = Math.max(last, e.last);
                }
            }
            if (last < 0) {
                return -1;
            }
            lo = Math.max(lo, first);
            hi = Math.min(hi, last);
        }
        return slots.next(lo, hi, matcher(filter));
    }

    /** The last held sequence at or before {@code from} matching the filter, or -1. */
    private long previousMatch(String filter, long from) {
        if (msgs == 0 || from < firstSeq) {
            return -1;
        }
        if (isAll(filter)) {
            return slots.previousLive(from, firstSeq);
        }
        if (!Subjects.hasWildcard(filter)) {
            SubjectStates.Entry e = subjects.get(filter);
            return e == null || e.first > from ? -1 : slots.previousWithSubject(e.id, Math.min(from, e.last), e.first);
        }
        return slots.previous(from, firstSeq, matcher(filter));
    }

    private long lastMatch(String filter) {
        if (msgs == 0) {
            return -1;
        }
        if (isAll(filter)) {
            return slots.previousLive(lastSeq, firstSeq);
        }
        if (!Subjects.hasWildcard(filter)) {
            SubjectStates.Entry e = subjects.get(filter);
            return e == null ? -1 : e.last;
        }
        long last = -1;
        for (SubjectStates.Entry e : subjects.entries()) {
            if (e.last > last && Subjects.matches(filter, e.subject)) {
                last = e.last;
            }
        }
        return last;
    }

    /**
     * Messages matching in [start, last], knowing that [first, last] holds {@code total} of them: scans whichever
     * side of {@code start} is shorter.
     */
    private long countMatching(long start, long last, long first, long total, IntPredicate matches) {
        if (start - first <= last - start) {
            return total - slots.count(first, start - 1, matches);
        }
        return slots.count(start, last, matches);
    }

    // ---- reading with damage handling ----

    @FunctionalInterface
    interface ReadOp<T> {
        T run() throws IOException;
    }

    /**
     * Runs a read under the read lock. A damaged record met on the way is dropped (under the write lock, after
     * checking again) and the read runs again, so callers never see a damaged message.
     */
    final <T> T reading(ReadOp<T> op) throws IOException {
        for (int attempt = 0; ; attempt++) {
            CorruptRecordException damage;
            lock.readLock().lock();
            try {
                checkOpen();
                return op.run();
            } catch (UncheckedIOException e) {
                // Slots that could not be loaded (see SlotTable's lazy slots): reported, never served.
                throw e.getCause();
            } catch (CorruptRecordException e) {
                if (attempt >= CORRUPTION_RETRIES_MAX) {
                    throw e;
                }
                damage = e;
            } finally {
                lock.readLock().unlock();
            }
            declareLost(damage.sequence());
        }
    }

    private void declareLost(long seq) throws IOException {
        lock.writeLock().lock();
        try {
            checkOpen();
            if (!slots.isLive(seq)) {
                return;
            }
            try {
                readAt(seq);
            } catch (CorruptRecordException again) {
                dropLost(seq);
                resolveStale();
                lostOnRead(seq, again);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Tells the operator about a message found damaged on a read. */
    abstract void lostOnRead(long seq, CorruptRecordException e);

    private StoredMessage readAt(long seq) throws IOException {
        return read(seq, slots.ref(seq), slots.object(seq), subjects.byId(slots.subject(seq)).subject);
    }

    private long timeAt(long seq) throws IOException {
        return readTime(seq, slots.ref(seq), slots.object(seq));
    }

    final void checkOpen() throws IOException {
        if (closed) {
            throw new IOException("store is closed");
        }
    }

    /** The UTF-8 length of a subject, without encoding it when it is ASCII. */
    static int utf8Length(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) >= 0x80) {
                return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            }
        }
        return n;
    }
}
