package io.natrix.bench;

/**
 * One part of the soak's mixed load (fan-out, request/reply, JetStream, key-value, connection churn). A part opens its
 * own connections, so that disabling it (to bisect a leak) takes all of its traffic away, and it checks at the end
 * that what it sent arrived. Used by one thread ({@link SoakLoad}); its own loops report to {@link SoakStats}.
 */
interface SoakPart {
    /** The name used in {@code --parts}, the counters and the report. */
    String name();

    /** Opens the part's connections and whatever it needs on the server, and starts its loops. */
    void start() throws Exception;

    /**
     * Stops the part's loops, waits a bounded time for what is in flight to arrive, counts whatever did not as
     * errors, and closes the connections.
     */
    void stop();
}
