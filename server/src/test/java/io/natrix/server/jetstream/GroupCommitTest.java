package io.natrix.server.jetstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@link GroupCommit} against fake stores: an answer leaves only after an fsync that covered its write, answers keep
 * each publisher's order, a batch fsyncs each store once, a failed fsync turns its answers into failures, and closing
 * answers what waits.
 */
class GroupCommitTest {
    private static final long TIMEOUT_SECONDS = 10;

    /** A store that counts writes and remembers how many writes its last finished fsync covered. */
    private static final class FakeStore implements GroupCommit.Durable {
        final AtomicLong written = new AtomicLong();
        final AtomicLong synced = new AtomicLong();
        final AtomicInteger syncs = new AtomicInteger();
        volatile IOException failure;
        volatile CountDownLatch syncing;
        volatile CountDownLatch release;

        long write() {
            return written.incrementAndGet();
        }

        @Override
        public void syncWrites() throws IOException {
            long covers = written.get();
            syncs.incrementAndGet();
            CountDownLatch s = syncing;
            CountDownLatch r = release;
            if (s != null) {
                s.countDown();
                try {
                    r.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (failure != null) {
                throw failure;
            }
            synced.accumulateAndGet(covers, Math::max);
        }
    }

    @Test
    void anAnswerLeavesOnlyAfterAnFsyncCoveredItsWrite() throws Exception {
        FakeStore store = new FakeStore();
        List<String> problems = new CopyOnWriteArrayList<>();
        int n = 5000;
        CountDownLatch answered = new CountDownLatch(n);
        try (GroupCommit commit = new GroupCommit()) {
            for (int i = 0; i < n; i++) {
                long w = store.write();
                commit.acknowledge(store, failure -> {
                    if (failure != null || store.synced.get() < w) {
                        problems.add("write " + w + " answered with only " + store.synced.get() + " synced");
                    }
                    answered.countDown();
                });
            }
            assertThat(answered.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(problems).isEmpty();
            assertThat(commit.fsyncs()).isEqualTo(store.syncs.get()).isLessThanOrEqualTo(commit.batches());
        }
    }

    @Test
    void eachPublishersAnswersKeepTheirOrderAcrossStores() throws Exception {
        FakeStore a = new FakeStore();
        FakeStore b = new FakeStore();
        int publishers = 4;
        int each = 3000;
        Map<Integer, List<Integer>> seen = new ConcurrentHashMap<>();
        CountDownLatch answered = new CountDownLatch(publishers * each);
        try (GroupCommit commit = new GroupCommit()) {
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                int publisher = p;
                List<Integer> order = Collections.synchronizedList(new ArrayList<>());
                seen.put(publisher, order);
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < each; i++) {
                        int msg = i;
                        // Alternate stores, and now and then an error that needs no fsync.
                        FakeStore s = i % 2 == 0 ? a : b;
                        s.write();
                        commit.acknowledge(i % 7 == 0 ? null : s, failure -> {
                            order.add(msg);
                            answered.countDown();
                        });
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertThat(answered.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
        }
        for (List<Integer> order : seen.values()) {
            assertThat(order).hasSize(each).isSorted();
        }
    }

    @Test
    void answersGatherWhileAnFsyncRunsAndShareTheNextOne() throws Exception {
        FakeStore store = new FakeStore();
        store.syncing = new CountDownLatch(1);
        store.release = new CountDownLatch(1);
        int n = 100;
        CountDownLatch answered = new CountDownLatch(n + 1);
        try (GroupCommit commit = new GroupCommit()) {
            store.write();
            commit.acknowledge(store, failure -> answered.countDown());
            assertThat(store.syncing.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
            // The first fsync is under way: everything queued now waits for the second.
            store.syncing = null;
            for (int i = 0; i < n; i++) {
                store.write();
                commit.acknowledge(store, failure -> answered.countDown());
            }
            store.release.countDown();
            assertThat(answered.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(store.syncs.get()).isEqualTo(2);
            assertThat(commit.batches()).isEqualTo(2);
            assertThat(store.synced.get()).isEqualTo(n + 1);
        }
    }

    @Test
    void aFailedFsyncFailsItsStoresAnswersOnly() throws Exception {
        FakeStore broken = new FakeStore();
        FakeStore sound = new FakeStore();
        broken.failure = new IOException("EIO");
        // Hold the committer so that all three answers land in one batch.
        FakeStore gate = new FakeStore();
        gate.syncing = new CountDownLatch(1);
        gate.release = new CountDownLatch(1);
        List<String> answers = new CopyOnWriteArrayList<>();
        CountDownLatch answered = new CountDownLatch(4);
        try (GroupCommit commit = new GroupCommit()) {
            commit.acknowledge(gate, failure -> answered.countDown());
            assertThat(gate.syncing.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
            commit.acknowledge(broken, failure -> {
                answers.add("broken:" + (failure == null ? "ok" : failure.getMessage()));
                answered.countDown();
            });
            commit.acknowledge(sound, failure -> {
                answers.add("sound:" + (failure == null ? "ok" : failure.getMessage()));
                answered.countDown();
            });
            commit.acknowledge(null, failure -> {
                answers.add("error:" + (failure == null ? "ok" : failure.getMessage()));
                answered.countDown();
            });
            gate.release.countDown();
            assertThat(answered.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(answers).containsExactly("broken:EIO", "sound:ok", "error:ok");
    }

    @Test
    void closingAnswersWhatWaitsAndLaterAnswersGoAtOnce() throws Exception {
        FakeStore store = new FakeStore();
        store.syncing = new CountDownLatch(1);
        store.release = new CountDownLatch(1);
        AtomicInteger answered = new AtomicInteger();
        GroupCommit commit = new GroupCommit();
        commit.acknowledge(store, failure -> answered.incrementAndGet());
        assertThat(store.syncing.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
        store.syncing = null;
        commit.acknowledge(store, failure -> answered.incrementAndGet());
        Thread closer = Thread.ofPlatform().start(commit::close);
        store.release.countDown();
        closer.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        assertThat(closer.isAlive()).isFalse();
        assertThat(answered.get()).isEqualTo(2);
        commit.acknowledge(store, failure -> answered.incrementAndGet());
        assertThat(answered.get()).isEqualTo(3);
    }
}
