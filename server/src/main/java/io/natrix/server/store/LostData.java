package io.natrix.server.store;

import java.util.List;

/**
 * Messages a store found damaged and can no longer serve: a record whose checksum failed, or a stretch of a block
 * that could not be read. A stream reports them in its state as nats-server does ({@code lost: {msgs, bytes}}).
 *
 * @param sequences the lost sequences, ascending (capped at {@link #SEQUENCES_MAX}; {@code count} is exact)
 * @param count     how many sequences were lost
 * @param bytes     the bytes they occupied on disk, as far as they are known
 */
public record LostData(List<Long> sequences, long count, long bytes) {
    /** Most sequences listed; a block damaged past this is still counted in {@code count}. */
    public static final int SEQUENCES_MAX = 100_000;

    public LostData {
        sequences = List.copyOf(sequences);
    }
}
