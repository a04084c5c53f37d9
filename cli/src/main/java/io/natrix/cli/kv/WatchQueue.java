package io.natrix.cli.kv;

import io.natrix.cli.CliException;
import io.nats.client.Connection;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Hands watched entries from jnats's dispatcher thread (which calls the watcher) to the command's thread (which
 * alone prints them). Bounded: when printing falls {@link #ENTRIES_MAX} behind, the dispatcher waits, and jnats's
 * own pending limits take over. The command's thread notices a lost connection instead of waiting forever.
 * Used by {@code kv watch} and {@code object watch}.
 */
public final class WatchQueue<T> {

    /** How far printing may fall behind delivery. */
    static final int ENTRIES_MAX = 10_000;

    /** How often a waiting command checks that its connection is still there. */
    private static final long CONNECTION_CHECK_MILLIS = 500;

    private final BlockingQueue<T> entries = new ArrayBlockingQueue<>(ENTRIES_MAX);

    /** Called on jnats's dispatcher thread. */
    public void add(T entry) {
        try {
            entries.put(entry);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The next entry; a closed connection is a one-line error. */
    public T next(Connection conn) throws InterruptedException {
        while (true) {
            T entry = entries.poll(CONNECTION_CHECK_MILLIS, TimeUnit.MILLISECONDS);
            if (entry != null) {
                return entry;
            }
            if (conn.getStatus() == Connection.Status.CLOSED) {
                throw new CliException("lost the connection to the server while watching");
            }
        }
    }
}
