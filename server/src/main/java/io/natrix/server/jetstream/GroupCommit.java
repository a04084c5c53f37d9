package io.natrix.server.jetstream;

import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for JetStream acknowledgements: a PubAck leaves only after an fsync covered its message, and one fsync
 * per store covers every acknowledgement waiting for that store.
 *
 * <p>A stream appends a message on the publisher's thread as without group commit, then hands its answer here
 * ({@link #acknowledge}) instead of publishing it. One thread, {@code natrix-js-commit}, takes everything queued so
 * far as a batch, calls {@link Durable#syncWrites} once for each distinct store in it (stores fsync without holding
 * up their writers, so while the disk works the next batch gathers), and then sends the batch's answers in the
 * order they were queued. A batch is thus as large as what arrived during the previous fsync: under load the cost
 * of one fsync is shared by many messages, and an idle server answers a lone publish after one fsync.
 *
 * <p>Order: answers leave in queue order, and a publisher's messages are queued in the order it published them
 * (one connection is read by one thread), so each publisher sees its acknowledgements in order. Answers that need no
 * fsync (errors) are queued too, behind the earlier answers of the same publisher.
 *
 * <p>Failure: when a store's fsync fails, every answer of the batch waiting for that store is sent as the failure
 * ({@link Answer#send} gets the exception); the store has made itself read-only, so later publishes fail at once.
 *
 * <p>Limits: at most {@link #PENDING_MAX} answers wait; a publisher that finds the queue full waits until the
 * committer takes the next batch (one fsync at most), which pushes back on it through TCP as a slow disk should.
 *
 * <p>Thread-safety: {@link #acknowledge} from any thread; the queue is guarded by one lock held only to add or to
 * swap the batch, never across an fsync or a send.
 */
final class GroupCommit implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
    /** Most answers waiting; publishers beyond it wait for the next batch. */
    static final int PENDING_MAX = 1 << 20;

    /** What an answer waits for: a store that can make what was written to it durable. */
    @FunctionalInterface
    interface Durable {
        /** Fsyncs what was written so far (see {@link io.natrix.server.store.MessageStore#syncWrites}). */
        void syncWrites() throws IOException;
    }

    /** Sends one acknowledgement; called on the committer thread, after the fsync it waited for. */
    @FunctionalInterface
    interface Answer {
        /** Sends the answer, or the failure to make the message durable when {@code failure} is not null. */
        void send(IOException failure);
    }

    private record Entry(Durable store, Answer answer) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition queued = lock.newCondition();
    private final Condition taken = lock.newCondition();
    private List<Entry> pending = new ArrayList<>();
    private List<Entry> spare = new ArrayList<>();
    private boolean closing;
    private final Thread thread;
    private volatile long batches;
    private volatile long fsyncs;

    GroupCommit() {
        thread = new Thread(this::run, "natrix-js-commit");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Queues {@code answer} to be sent after {@code store} (null: nothing) was fsynced. Any thread; waits only when
     * {@link #PENDING_MAX} answers already wait. After {@link #close}, fsyncs and answers on the caller's thread.
     */
    void acknowledge(Durable store, Answer answer) {
        lock.lock();
        try {
            while (pending.size() >= PENDING_MAX && !closing) {
                taken.awaitUninterruptibly();
            }
            if (!closing) {
                pending.add(new Entry(store, answer));
                if (pending.size() == 1) {
                    queued.signal();
                }
                return;
            }
        } finally {
            lock.unlock();
        }
        commit(List.of(new Entry(store, answer)));
    }

    /** Batches committed so far (tests, metrics). */
    long batches() {
        return batches;
    }

    /** Store fsyncs made so far (tests, metrics). */
    long fsyncs() {
        return fsyncs;
    }

    /** Commits and answers what is queued, then stops the thread. */
    @Override
    public void close() {
        lock.lock();
        try {
            closing = true;
            queued.signal();
            taken.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        while (true) {
            List<Entry> batch;
            lock.lock();
            try {
                while (pending.isEmpty() && !closing) {
                    queued.awaitUninterruptibly();
                }
                if (pending.isEmpty()) {
                    return;
                }
                batch = pending;
                pending = spare;
                spare = batch;
                taken.signalAll();
            } finally {
                lock.unlock();
            }
            commit(batch);
            batch.clear();
        }
    }

    private void commit(List<Entry> batch) {
        // The batch's stores and their fsync failure (null: synced).
        IdentityHashMap<Durable, IOException> synced = new IdentityHashMap<>();
        for (Entry e : batch) {
            Durable store = e.store();
            if (store != null && !synced.containsKey(store)) {
                IOException failure = null;
                try {
                    store.syncWrites();
                } catch (IOException ex) {
                    failure = ex;
                }
                fsyncs++;
                synced.put(store, failure);
            }
        }
        batches++;
        for (Entry e : batch) {
            try {
                e.answer().send(e.store() == null ? null : synced.get(e.store()));
            } catch (RuntimeException ex) {
                LOG.error("Sending a JetStream acknowledgement failed", ex);
            }
        }
    }
}
