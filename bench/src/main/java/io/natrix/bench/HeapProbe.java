package io.natrix.bench;

/**
 * Reads a server's live heap: the heap in use right after a full collection the probe asks for, so that garbage
 * waiting to be collected does not hide or fake a trend. One implementation per runtime: {@link JvmHeapProbe} for
 * Natrix, {@link GoHeapProbe} for nats-server. Used by one thread.
 */
interface HeapProbe extends AutoCloseable {
    /** A reading: the heap in use after the collection, and how long asking for it took (the collection included). */
    record Reading(long bytes, long millis) {
        static final Reading NONE = new Reading(-1, -1);
    }

    /** Collects, then reads the heap in use; {@link Reading#NONE} when the server cannot be asked. */
    Reading read();

    /** A few words on how the figure is obtained, for the report. */
    String method();

    @Override
    void close();
}
