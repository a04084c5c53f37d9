package io.natrix.server.store;

/**
 * A store's figures, as a stream reports them in its info ({@code state}).
 *
 * @param msgs           messages held
 * @param bytes          their size ({@link StoredMessage#size()} summed)
 * @param firstSeq       the first sequence held (lastSeq + 1 when empty)
 * @param firstTimeNanos the time of the first message, 0 when empty
 * @param lastSeq        the last sequence ever assigned (0 when nothing was stored)
 * @param lastTimeNanos  the time of the last message stored, 0 when none
 * @param numSubjects    distinct subjects held
 * @param numDeleted     sequences between first and last that are gone (removed or erased)
 */
public record StoreState(long msgs, long bytes, long firstSeq, long firstTimeNanos, long lastSeq, long lastTimeNanos,
                         long numSubjects, long numDeleted) {
}
