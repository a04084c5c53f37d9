package io.natrix.server.store;

import java.io.IOException;
import java.util.Arrays;

/**
 * A stream's messages held in memory (a stream with {@code storage: memory}), with nats-server's memory store
 * semantics and size formula: subject + headers + payload + 16 bytes.
 *
 * <p>Messages are copied in on store (the caller's buffers are not kept) and handed out without a copy: the arrays
 * of a loaded {@link StoredMessage} are the store's own and must not be modified. Erasing a message lets go of its
 * arrays, as nats-server's memory store does (they are never overwritten in place, because a message already handed
 * to a consumer may still be on its way out).
 *
 * <p>Thread-safety: any thread; see {@link IndexedStore} for the lock.
 */
public final class MemoryStore extends IndexedStore {

    /** An empty store; {@code firstSeq > 0} makes the first message get that sequence (a stream's first_seq). */
    public MemoryStore(StoreLimits limits, long firstSeq) {
        super(limits, true);
        if (firstSeq > 0) {
            this.firstSeq = firstSeq;
            this.lastSeq = firstSeq - 1;
        }
    }

    /** nats-server's memStoreMsgSize: subject, headers, payload, and 16 bytes for sequence and timestamp. */
    public static long messageSize(int subjectBytes, int headersLength, int payloadLength) {
        return (long) subjectBytes + headersLength + payloadLength + 16;
    }

    @Override
    long sizeOf(int subjectBytes, int headersLength, int payloadLength) {
        return messageSize(subjectBytes, headersLength, payloadLength);
    }

    @Override
    long write(long seq, String subject, byte[] headers, byte[] payload, long timestampNanos, long size) {
        return 0;
    }

    @Override
    Object retain(long seq, String subject, byte[] headers, byte[] payload, long timestampNanos) {
        return new StoredMessage(seq, subject, headers == null ? null : Arrays.copyOf(headers, headers.length),
                Arrays.copyOf(payload, payload.length), timestampNanos);
    }

    @Override
    void writeSkip(long seq, long lastTimeNanos) {
    }

    @Override
    void writeRemoval(long seq, long ref, int size, Removal how) {
    }

    @Override
    void writeFloor(long floor, long newLastSeq) {
    }

    @Override
    void writeTruncate(long seq, long lastTimeNanos) {
    }

    @Override
    void writeReset() {
    }

    @Override
    void afterWrite() {
    }

    @Override
    void checkWritable() {
    }

    @Override
    StoredMessage read(long seq, long ref, Object object, String subject) {
        return (StoredMessage) object;
    }

    @Override
    long readTime(long seq, long ref, Object object) {
        return ((StoredMessage) object).timestampNanos();
    }

    @Override
    void limitFailure(IOException e) {
        throw new IllegalStateException("a memory store cannot fail to remove", e);
    }

    @Override
    void lostOnRead(long seq, CorruptRecordException e) {
        throw new IllegalStateException("a memory store cannot find damage", e);
    }

    @Override
    public void sync() {
    }

    @Override
    void closeStorage() {
    }

    @Override
    void deleteStorage() {
        slots.reset();
        subjects.clear();
        msgs = 0;
        bytes = 0;
    }
}
