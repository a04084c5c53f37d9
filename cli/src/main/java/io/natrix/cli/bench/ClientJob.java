package io.natrix.cli.bench;

/**
 * One benchmark client's work, run by {@link ClientRunner} on the client's own thread with the client's own
 * connection. {@link #prepare()} runs for every client before any client's {@link #run()} starts, so subscribers are
 * subscribed and consumers bound before the first message is published. Neither step may wait for ever:
 * a client that waits for messages does so through {@link IdleTimeout}, and every other wait is bounded by a jnats
 * timeout ({@code --timeout}) or by the client's own count of operations.
 */
interface ClientJob {

    /** Gets ready without doing measured work: subscribe, bind a consumer, look up a bucket. */
    default void prepare() throws Exception {
    }

    /** Does the measured work and says what it measured. Must give up promptly when its thread is interrupted. */
    Sample run() throws Exception;
}
