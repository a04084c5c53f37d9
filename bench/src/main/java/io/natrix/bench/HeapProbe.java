package io.natrix.bench;

/**
 * Reads a server's live heap: the heap in use right after a full collection the probe asks for, so that garbage
 * waiting to be collected does not hide or fake a trend. One implementation per runtime: {@link JvmHeapProbe} for
 * Natrix, {@link GoHeapProbe} for nats-server. Used by one thread.
 */
interface HeapProbe extends AutoCloseable {
    /**
     * A reading: the heap in use after the collection, how long asking for it took (the collection included), and
     * the runtime's memory outside the heap that it can name (for a JVM: metaspace, code cache and the other non-heap
     * pools), or -1 when it has no such figure.
     */
    record Reading(long bytes, long millis, long nonHeapBytes) {
        static final Reading NONE = new Reading(-1, -1, -1);
    }

    /** Collects, then reads the heap in use; {@link Reading#NONE} when the server cannot be asked. */
    Reading read();

    /** A few words on how the figure is obtained, for the report. */
    String method();

    @Override
    void close();
}
