package io.natrix.server.store;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * The messages of one stream, in sequence order: nats-server's StreamStore reduced to what streams and consumers
 * need. Implementations: MemoryStore and FileStore (crash-safe, see its format).
 *
 * <p>Sequences start at 1 (or at the stream's {@code first_seq}) and only grow; removing a message leaves a gap.
 * Limits ({@link StoreLimits}) are enforced by the store on every store, removing the oldest messages (per subject
 * first for {@code maxMsgsPerSubject}); "discard new" is decided by the stream before it stores.
 *
 * <p>Subject filters may contain wildcards; null, empty or {@code ">"} means all subjects.
 *
 * <p>Expiry: a message leaves when it is older than the age limit, or when its own TTL (given to {@link #store} in
 * seconds, see {@link MessageTtl}) has passed, whichever comes first; a message stored with
 * {@link MessageTtl#NEVER} is exempt from the age limit. TTLs are kept in a time-ordered index, and a store recovered
 * from disk expires them as well (the file store saves its index and reads the TTL headers of what came after).
 *
 * <p>Failures: an {@link IOException} from a write means the change did not happen (the message was not stored, the
 * removal was not recorded); a store whose data could not be made durable (a failed fsync) refuses every later write
 * and keeps serving reads. A message whose stored bytes fail their checksum is never returned: the store drops it
 * and reports it in {@link StoreState#lost()}.
 *
 * <p>Thread-safety: every method is safe to call from any thread; implementations serialise writes and let reads
 * run concurrently where they can.
 */
public interface MessageStore extends AutoCloseable {

    /**
     * The size this store accounts for a message, which is what {@link StoreState#bytes()} sums and
     * {@link StoreLimits#maxBytes()} limits. It differs between stores exactly as in nats-server: memory counts
     * subject, headers, payload and 16 bytes; file counts its record (subject, payload and 30 bytes, plus headers and
     * 4 bytes when there are headers). Subjects are counted in UTF-8 bytes.
     */
    long messageSize(String subject, byte[] headers, byte[] payload);

    /** Appends a message with the next sequence and no TTL; returns that sequence. */
    default long store(String subject, byte[] headers, byte[] payload, long timestampNanos) throws IOException {
        return store(subject, headers, payload, timestampNanos, MessageTtl.NONE);
    }

    /**
     * Appends a message with the next sequence; returns that sequence. {@code ttlSeconds}: positive, the message
     * expires that many seconds after {@code timestampNanos}; {@link MessageTtl#NEVER}, it is exempt from the age
     * limit; {@link MessageTtl#NONE}, neither. The TTL should be the one its {@code Nats-TTL} header says (a file
     * store that lost its saved index reads it back from there).
     */
    long store(String subject, byte[] headers, byte[] payload, long timestampNanos, long ttlSeconds)
            throws IOException;

    /**
     * Skips the next sequence (a stream whose message was refused after the sequence was promised, or a mirror's
     * gap); returns it.
     */
    long skip() throws IOException;

    /** The message at {@code seq}, or null when it is not held (never stored, removed, or past the end). */
    StoredMessage load(long seq) throws IOException;

    /** Whether the message at {@code seq} is held, without reading it (an index lookup). */
    boolean holds(long seq);

    /** The first message at or after {@code fromSeq} whose subject matches {@code filter}, or null. */
    StoredMessage loadNext(String filter, long fromSeq) throws IOException;

    /** The message with the highest sequence held whose subject matches {@code filter}, or null. */
    StoredMessage loadLast(String filter) throws IOException;

    /** The last message at or before {@code fromSeq} whose subject matches {@code filter}, or null. */
    StoredMessage loadPrevious(String filter, long fromSeq) throws IOException;

    /**
     * Removes the message at {@code seq}; with {@code erase} its bytes are overwritten on disk as well. Returns
     * false when it was not held.
     */
    boolean remove(long seq, boolean erase) throws IOException;

    /**
     * Removes messages matching {@code filter} (null: all) with sequence below {@code upToSeq} (0: no bound), keeping
     * the newest {@code keep} of them (0: none kept). Returns how many were removed.
     */
    long purge(String filter, long upToSeq, long keep) throws IOException;

    /**
     * Removes every message below {@code seq}; the first sequence becomes {@code seq} (or the first held after it).
     * Past the end, the next message stored gets {@code seq}. {@code 0} removes everything. Returns how many.
     */
    long compact(long seq) throws IOException;

    /**
     * Removes every message past {@code seq}; the last sequence becomes {@code seq}. {@code 0} resets the store to
     * its never-used state; a {@code seq} at or past the last sequence changes nothing.
     */
    void truncate(long seq) throws IOException;

    /** Applies new limits now (and on every later store). */
    void limits(StoreLimits limits) throws IOException;

    /** Removes messages older than the age limit, and those whose TTL has passed, at {@code nowNanos}; how many. */
    long expire(long nowNanos) throws IOException;

    /**
     * The sequences {@link #expire} would remove at {@code nowNanos}, ascending, at most {@code max}, without
     * removing them: for a stream that leaves a subject delete marker where a subject's last message expires, and
     * removes the others itself. A message stays due until it is removed.
     */
    long[] expiring(long nowNanos, int max) throws IOException;

    /**
     * Reports every change of {@link StoreState#bytes()} to {@code bytesDelta}: at once the bytes held now, then each
     * change, and the bytes held going away when the store is closed or deleted. Called under the store's write lock:
     * it must be quick and must not call the store. One tracker per store; null stops tracking.
     */
    void trackUsage(LongConsumer bytesDelta);

    /** The first sequence whose message was stored at or after {@code timeNanos} (lastSeq + 1 when none). */
    long sequenceAt(long timeNanos) throws IOException;

    StoreState state();

    /** Messages per subject for subjects matching {@code filter}. */
    Map<String, Long> subjectCounts(String filter);

    /** Messages matching {@code filter} at or after {@code fromSeq} (consumers' num_pending). */
    long pending(String filter, long fromSeq);

    /** The sequences of the last message of each subject matching {@code filter}, ascending. */
    List<Long> lastSequences(String filter);

    /**
     * For each subject matching {@code filter}, the sequence of its last message at or below {@code maxSeq}
     * (subjects with none there are left out), ascending: a direct get's {@code multi_last} with {@code up_to_seq}.
     */
    List<Long> lastSequences(String filter, long maxSeq);

    /** Makes everything stored so far durable (a no-op in memory). */
    void sync() throws IOException;

    /**
     * Makes the messages stored so far durable, like {@link #sync()}, but without the bookkeeping {@code sync} also
     * does (index files, the TTL index) and, where the store can, without holding up writers while the disk works:
     * what group commit calls once per batch of acknowledgements. A failure makes the store read-only as {@code sync}.
     */
    default void syncWrites() throws IOException {
        sync();
    }

    /** Releases the store; its data stays (on disk for a file store). */
    @Override
    void close() throws IOException;

    /** Closes the store and deletes its data. */
    void delete() throws IOException;
}
