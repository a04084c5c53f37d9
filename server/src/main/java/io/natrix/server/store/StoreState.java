package io.natrix.server.store;

/**
 * A store's figures, as a stream reports them in its info ({@code state}).
 *
 * <p>Sequences follow nats-server: a store that never held anything reports {@code firstSeq} 0 and {@code lastSeq}
 * 0; once a sequence has been used (or a {@code first_seq} was given), an empty store reports
 * {@code firstSeq == lastSeq + 1}.
 *
 * @param msgs           messages held
 * @param bytes          their size ({@link MessageStore#messageSize} summed)
 * @param firstSeq       the first sequence held ({@code lastSeq + 1} when empty, 0 when never used)
 * @param firstTimeNanos the time of the first message, 0 when empty
 * @param lastSeq        the last sequence ever assigned (0 when nothing was stored)
 * @param lastTimeNanos  the time of the last message stored, 0 when none
 * @param numSubjects    distinct subjects held
 * @param numDeleted     sequences between first and last that are gone (removed or erased)
 * @param lost           messages found damaged since the store was opened (nats-server's {@code lost}), or null
 */
public record StoreState(long msgs, long bytes, long firstSeq, long firstTimeNanos, long lastSeq, long lastTimeNanos,
                         long numSubjects, long numDeleted, LostData lost) {
}
