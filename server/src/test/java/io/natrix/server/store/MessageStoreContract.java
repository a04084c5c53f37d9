package io.natrix.server.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The behaviour every {@link MessageStore} shares, run against each implementation by a subclass (nats-server's
 * {@code testAllStoreAllPermutations}): sequences, gaps, figures, limits, purge, compact, truncate, filtered loads
 * and queries, and random operation sequences compared with {@link StoreModel}.
 */
abstract class MessageStoreContract {
    private static final long T0 = 1_700_000_000_000_000_000L;
    private final List<MessageStore> opened = new ArrayList<>();

    /** A new, empty store. */
    abstract MessageStore create(StoreLimits limits, long firstSeq) throws IOException;

    /**
     * The same store after a restart: closed and opened again for a file store, the same object for memory. The
     * limits are those the store was last given.
     */
    abstract MessageStore restart(MessageStore store, StoreLimits limits) throws IOException;

    /** The store's size formula, for expectations. */
    abstract long sizeOf(String subject, byte[] headers, byte[] payload);

    final MessageStore open(StoreLimits limits, long firstSeq) throws IOException {
        MessageStore s = create(limits, firstSeq);
        opened.add(s);
        return s;
    }

    final MessageStore open() throws IOException {
        return open(StoreLimits.NONE, 0);
    }

    final MessageStore reopened(MessageStore s, StoreLimits limits) throws IOException {
        MessageStore r = restart(s, limits);
        opened.add(r);
        return r;
    }

    @AfterEach
    void closeStores() throws IOException {
        for (MessageStore s : opened) {
            s.close();
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static long store(MessageStore s, String subject, String payload, long ts) throws IOException {
        return s.store(subject, null, bytes(payload), ts);
    }

    static StoreLimits maxMsgs(long n) {
        return new StoreLimits(n, -1, Duration.ZERO, -1);
    }

    static StoreLimits maxBytes(long n) {
        return new StoreLimits(-1, n, Duration.ZERO, -1);
    }

    static StoreLimits maxAge(Duration d) {
        return new StoreLimits(-1, -1, d, -1);
    }

    static StoreLimits perSubject(long n) {
        return new StoreLimits(-1, -1, Duration.ZERO, n);
    }

    // ---- sequences and figures ----

    @Test
    void storeNewStoreReportsNothingUsed() throws IOException {
        StoreState st = open().state();
        assertThat(st.msgs()).isZero();
        assertThat(st.firstSeq()).isZero();
        assertThat(st.lastSeq()).isZero();
        assertThat(st.numDeleted()).isZero();
        assertThat(st.lost()).isNull();
    }

    @Test
    void storeAssignsSequencesFromOneAndCountsFigures() throws IOException {
        MessageStore s = open();
        assertThat(store(s, "a", "one", T0)).isEqualTo(1);
        assertThat(s.store("b", bytes("NATS/1.0\r\nX: y\r\n\r\n"), bytes("two"), T0 + 5)).isEqualTo(2);
        StoreState st = s.state();
        assertThat(st.msgs()).isEqualTo(2);
        assertThat(st.firstSeq()).isEqualTo(1);
        assertThat(st.lastSeq()).isEqualTo(2);
        assertThat(st.firstTimeNanos()).isEqualTo(T0);
        assertThat(st.lastTimeNanos()).isEqualTo(T0 + 5);
        assertThat(st.numSubjects()).isEqualTo(2);
        assertThat(st.bytes()).isEqualTo(sizeOf("a", null, bytes("one"))
                + sizeOf("b", bytes("NATS/1.0\r\nX: y\r\n\r\n"), bytes("two")));
        assertThat(st.bytes()).isEqualTo(s.messageSize("a", null, bytes("one"))
                + s.messageSize("b", bytes("NATS/1.0\r\nX: y\r\n\r\n"), bytes("two")));
    }

    @Test
    void storeHonoursFirstSequence() throws IOException {
        MessageStore s = open(StoreLimits.NONE, 100);
        StoreState st = s.state();
        assertThat(st.firstSeq()).isEqualTo(100);
        assertThat(st.lastSeq()).isEqualTo(99);
        assertThat(store(s, "a", "x", T0)).isEqualTo(100);
    }

    @Test
    void storeLoadReturnsWhatWasStored() throws IOException {
        MessageStore s = open();
        byte[] headers = bytes("NATS/1.0\r\nNats-Msg-Id: 7\r\n\r\n");
        long seq = s.store("orders.new", headers, bytes("payload"), T0 + 42);
        StoredMessage m = s.load(seq);
        assertThat(m.sequence()).isEqualTo(seq);
        assertThat(m.subject()).isEqualTo("orders.new");
        assertThat(m.headers()).isEqualTo(headers);
        assertThat(m.payload()).isEqualTo(bytes("payload"));
        assertThat(m.timestampNanos()).isEqualTo(T0 + 42);
        assertThat(s.load(seq + 1)).isNull();
        assertThat(s.load(0)).isNull();
    }

    @Test
    void storeEmptyHeadersAndPayloadLoadAsNullAndEmpty() throws IOException {
        MessageStore s = open();
        long seq = s.store("a", new byte[0], null, T0);
        StoredMessage m = s.load(seq);
        assertThat(m.headers()).isNull();
        assertThat(m.payload()).isEmpty();
        assertThat(s.state().bytes()).isEqualTo(sizeOf("a", null, new byte[0]));
    }

    @Test
    void storeCopiesTheCallersBuffers() throws IOException {
        MessageStore s = open();
        byte[] payload = bytes("abc");
        long seq = s.store("a", null, payload, T0);
        payload[0] = 'z';
        assertThat(s.load(seq).payload()).isEqualTo(bytes("abc"));
    }

    @Test
    void storeUnicodeSubjectIsCountedInUtf8Bytes() throws IOException {
        MessageStore s = open();
        s.store("größe.ü", null, bytes("x"), T0);
        assertThat(s.state().bytes()).isEqualTo(sizeOf("größe.ü", null, bytes("x")));
        assertThat(s.load(1).subject()).isEqualTo("größe.ü");
    }

    @Test
    void storeSkipOnEmptyStoreMovesFirstPastIt() throws IOException {
        MessageStore s = open();
        assertThat(s.skip()).isEqualTo(1);
        StoreState st = s.state();
        assertThat(st.firstSeq()).isEqualTo(2);
        assertThat(st.lastSeq()).isEqualTo(1);
        assertThat(store(s, "a", "x", T0)).isEqualTo(2);
    }

    @Test
    void storeSkipBetweenMessagesIsAGap() throws IOException {
        MessageStore s = open();
        store(s, "a", "x", T0);
        assertThat(s.skip()).isEqualTo(2);
        store(s, "a", "y", T0 + 1);
        StoreState st = s.state();
        assertThat(st.msgs()).isEqualTo(2);
        assertThat(st.lastSeq()).isEqualTo(3);
        assertThat(st.numDeleted()).isEqualTo(1);
        assertThat(s.load(2)).isNull();
        assertThat(s.loadNext(null, 2).sequence()).isEqualTo(3);
    }

    @Test
    void storeRemoveLeavesAGapAndMovesFirst() throws IOException {
        MessageStore s = open();
        for (int i = 0; i < 5; i++) {
            store(s, "a", "m" + i, T0 + i);
        }
        assertThat(s.remove(3, false)).isTrue();
        assertThat(s.remove(3, false)).isFalse();
        assertThat(s.remove(99, false)).isFalse();
        assertThat(s.state().numDeleted()).isEqualTo(1);
        assertThat(s.remove(1, true)).isTrue();
        StoreState st = s.state();
        assertThat(st.firstSeq()).isEqualTo(2);
        assertThat(st.firstTimeNanos()).isEqualTo(T0 + 1);
        assertThat(st.msgs()).isEqualTo(3);
        assertThat(st.numDeleted()).isEqualTo(1);
        assertThat(s.load(1)).isNull();
        assertThat(s.load(3)).isNull();
    }

    @Test
    void storeRemovingEverythingLeavesFirstPastLast() throws IOException {
        MessageStore s = open();
        store(s, "a", "1", T0);
        store(s, "b", "2", T0);
        s.remove(2, false);
        s.remove(1, false);
        StoreState st = s.state();
        assertThat(st.msgs()).isZero();
        assertThat(st.bytes()).isZero();
        assertThat(st.firstSeq()).isEqualTo(3);
        assertThat(st.lastSeq()).isEqualTo(2);
        assertThat(st.numSubjects()).isZero();
        assertThat(store(s, "c", "3", T0)).isEqualTo(3);
    }

    // ---- limits ----

    @Test
    void storeMaxMsgsRemovesOldest() throws IOException {
        MessageStore s = open(maxMsgs(3), 0);
        for (int i = 1; i <= 5; i++) {
            store(s, "a", "m" + i, T0 + i);
        }
        StoreState st = s.state();
        assertThat(st.msgs()).isEqualTo(3);
        assertThat(st.firstSeq()).isEqualTo(3);
        assertThat(s.load(2)).isNull();
    }

    @Test
    void storeMaxBytesRemovesOldestUntilUnder() throws IOException {
        long one = sizeOf("a", null, bytes("0123456789"));
        MessageStore s = open(maxBytes(one * 2 + 1), 0);
        for (int i = 0; i < 4; i++) {
            store(s, "a", "0123456789", T0 + i);
        }
        StoreState st = s.state();
        assertThat(st.msgs()).isEqualTo(2);
        assertThat(st.bytes()).isEqualTo(one * 2);
        assertThat(st.firstSeq()).isEqualTo(3);
    }

    @Test
    void storeMaxMsgsPerSubjectKeepsTheNewest() throws IOException {
        MessageStore s = open(perSubject(2), 0);
        store(s, "kv.a", "1", T0);
        store(s, "kv.b", "1", T0);
        store(s, "kv.a", "2", T0);
        store(s, "kv.a", "3", T0);
        store(s, "kv.b", "2", T0);
        assertThat(s.subjectCounts(null)).containsExactlyInAnyOrderEntriesOf(Map.of("kv.a", 2L, "kv.b", 2L));
        assertThat(s.load(1)).isNull();
        assertThat(s.loadNext("kv.a", 0).sequence()).isEqualTo(3);
        assertThat(s.loadLast("kv.a").sequence()).isEqualTo(4);
        assertThat(s.state().firstSeq()).isEqualTo(2);
    }

    @Test
    void storeNewLimitsApplyAtOnce() throws IOException {
        MessageStore s = open();
        for (int i = 0; i < 10; i++) {
            store(s, "s." + (i % 2), "m" + i, T0 + i);
        }
        s.limits(perSubject(3));
        assertThat(s.state().msgs()).isEqualTo(6);
        s.limits(maxMsgs(4));
        StoreState st = s.state();
        assertThat(st.msgs()).isEqualTo(4);
        assertThat(st.firstSeq()).isEqualTo(7);
        // The per-subject limit no longer holds: more than 3 messages per subject are kept from now on.
        for (int i = 0; i < 4; i++) {
            store(s, "s.0", "n" + i, T0 + 20);
        }
        assertThat(s.subjectCounts("s.0").get("s.0")).isEqualTo(4L);
    }

    @Test
    void storeExpireRemovesOldAndStopsAtTheFirstYoungMessage() throws IOException {
        MessageStore s = open(maxAge(Duration.ofSeconds(10)), 0);
        long sec = 1_000_000_000L;
        store(s, "a", "1", T0);
        store(s, "a", "2", T0 + 5 * sec);
        store(s, "a", "3", T0 + 12 * sec);
        assertThat(s.expire(T0 + 9 * sec)).isZero();
        assertThat(s.expire(T0 + 15 * sec)).isEqualTo(2);
        StoreState st = s.state();
        assertThat(st.firstSeq()).isEqualTo(3);
        assertThat(st.msgs()).isEqualTo(1);
        assertThat(s.expire(T0 + 22 * sec)).isEqualTo(1);
        assertThat(s.state().msgs()).isZero();
    }

    @Test
    void storeExpireWithoutAgeLimitDoesNothing() throws IOException {
        MessageStore s = open();
        store(s, "a", "1", T0);
        assertThat(s.expire(Long.MAX_VALUE)).isZero();
    }

    // ---- purge, compact, truncate ----

    @Test
    void storePurgeAllKeepsTheSequence() throws IOException {
        MessageStore s = open();
        for (int i = 0; i < 5; i++) {
            store(s, "a." + i, "x", T0 + i);
        }
        assertThat(s.purge(null, 0, 0)).isEqualTo(5);
        StoreState st = s.state();
        assertThat(st.msgs()).isZero();
        assertThat(st.firstSeq()).isEqualTo(6);
        assertThat(st.lastSeq()).isEqualTo(5);
        assertThat(st.numSubjects()).isZero();
        assertThat(st.lastTimeNanos()).isEqualTo(T0 + 4);
        assertThat(store(s, "a", "x", T0)).isEqualTo(6);
        assertThat(s.purge(">", 0, 0)).isEqualTo(1);
    }

    @Test
    void storePurgeBySubjectFilter() throws IOException {
        MessageStore s = open();
        store(s, "orders.eu", "1", T0);
        store(s, "orders.us", "2", T0);
        store(s, "billing.eu", "3", T0);
        store(s, "orders.eu", "4", T0);
        assertThat(s.purge("orders.eu", 0, 0)).isEqualTo(2);
        assertThat(s.subjectCounts(null)).containsOnlyKeys("orders.us", "billing.eu");
        assertThat(s.purge("*.us", 0, 0)).isEqualTo(1);
        assertThat(s.state().firstSeq()).isEqualTo(3);
        assertThat(s.purge("nothing.here", 0, 0)).isZero();
    }

    @Test
    void storePurgeKeepsTheNewest() throws IOException {
        MessageStore s = open();
        for (int i = 0; i < 6; i++) {
            store(s, i % 2 == 0 ? "a" : "b", "m" + i, T0);
        }
        assertThat(s.purge("a", 0, 1)).isEqualTo(2);
        assertThat(s.subjectCounts("a")).containsEntry("a", 1L);
        assertThat(s.loadLast("a").sequence()).isEqualTo(5);
        assertThat(s.purge(null, 0, 2)).isEqualTo(2);
        assertThat(s.state().msgs()).isEqualTo(2);
        assertThat(s.state().firstSeq()).isEqualTo(5);
        assertThat(s.purge(null, 0, 10)).isZero();
    }

    @Test
    void storePurgeUpToSequence() throws IOException {
        MessageStore s = open();
        for (int i = 0; i < 6; i++) {
            store(s, i % 2 == 0 ? "a" : "b", "m" + i, T0);
        }
        assertThat(s.purge("a", 4, 0)).isEqualTo(2);
        assertThat(s.load(1)).isNull();
        assertThat(s.load(3)).isNull();
        assertThat(s.load(5)).isNotNull();
        assertThat(s.purge(null, 1, 0)).isZero();
        assertThat(s.purge(null, 5, 0)).isEqualTo(2);
        assertThat(s.state().firstSeq()).isEqualTo(5);
    }

    @Test
    void storeCompactRemovesBelow() throws IOException {
        MessageStore s = open();
        for (int i = 0; i < 10; i++) {
            store(s, "a", "m" + i, T0 + i);
        }
        s.remove(6, false);
        assertThat(s.compact(5)).isEqualTo(4);
        StoreState st = s.state();
        assertThat(st.firstSeq()).isEqualTo(5);
        assertThat(st.firstTimeNanos()).isEqualTo(T0 + 4);
        assertThat(st.msgs()).isEqualTo(5);
        assertThat(st.numDeleted()).isEqualTo(1);
        assertThat(s.compact(3)).isZero();
        assertThat(s.compact(7)).isEqualTo(1);
        assertThat(s.state().firstSeq()).isEqualTo(7);
    }

    @Test
    void storeCompactPastTheEndMovesTheNextSequence() throws IOException {
        MessageStore s = open();
        store(s, "a", "1", T0);
        assertThat(s.compact(50)).isEqualTo(1);
        StoreState st = s.state();
        assertThat(st.firstSeq()).isEqualTo(50);
        assertThat(st.lastSeq()).isEqualTo(49);
        assertThat(store(s, "a", "2", T0)).isEqualTo(50);
        assertThat(s.compact(0)).isEqualTo(1);
        assertThat(s.state().firstSeq()).isEqualTo(51);
    }

    @Test
    void storeTruncateRemovesPastAndTakesTheLastTime() throws IOException {
        MessageStore s = open();
        for (int i = 1; i <= 6; i++) {
            store(s, "s." + (i % 3), "m" + i, T0 + i);
        }
        s.truncate(4);
        StoreState st = s.state();
        assertThat(st.lastSeq()).isEqualTo(4);
        assertThat(st.msgs()).isEqualTo(4);
        assertThat(st.lastTimeNanos()).isEqualTo(T0 + 4);
        assertThat(s.loadLast("s.2").sequence()).isEqualTo(2);
        assertThat(s.lastSequences(null)).containsExactly(2L, 3L, 4L);
        assertThat(store(s, "x", "new", T0 + 10)).isEqualTo(5);
        s.truncate(100);
        assertThat(s.state().lastSeq()).isEqualTo(5);
    }

    @Test
    void storeTruncateBelowFirstEmptiesTheStore() throws IOException {
        MessageStore s = open();
        for (int i = 1; i <= 6; i++) {
            store(s, "a", "m" + i, T0 + i);
        }
        s.compact(4);
        s.truncate(2);
        StoreState st = s.state();
        assertThat(st.msgs()).isZero();
        assertThat(st.lastSeq()).isEqualTo(2);
        assertThat(st.firstSeq()).isEqualTo(3);
    }

    @Test
    void storeTruncateToZeroResets() throws IOException {
        MessageStore s = open();
        store(s, "a", "1", T0);
        s.truncate(0);
        StoreState st = s.state();
        assertThat(st.firstSeq()).isZero();
        assertThat(st.lastSeq()).isZero();
        assertThat(st.lastTimeNanos()).isZero();
        assertThat(store(s, "a", "1", T0)).isEqualTo(1);
    }

    // ---- loads with filters ----

    private MessageStore fourSubjects() throws IOException {
        MessageStore s = open();
        store(s, "orders.eu.new", "1", T0 + 1);
        store(s, "orders.us.new", "2", T0 + 2);
        store(s, "billing.eu", "3", T0 + 3);
        store(s, "orders.eu.paid", "4", T0 + 4);
        store(s, "billing.us", "5", T0 + 5);
        return s;
    }

    @Test
    void storeLoadNextMatchesLiteralAndWildcards() throws IOException {
        MessageStore s = fourSubjects();
        assertThat(s.loadNext("orders.eu.new", 0).sequence()).isEqualTo(1);
        assertThat(s.loadNext("orders.eu.new", 2)).isNull();
        assertThat(s.loadNext("orders.*.new", 2).sequence()).isEqualTo(2);
        assertThat(s.loadNext("orders.>", 3).sequence()).isEqualTo(4);
        assertThat(s.loadNext("*.us", 0).sequence()).isEqualTo(5);
        assertThat(s.loadNext(">", 3).sequence()).isEqualTo(3);
        assertThat(s.loadNext(null, 6)).isNull();
        assertThat(s.loadNext("", 0).sequence()).isEqualTo(1);
        assertThat(s.loadNext("nothing", 0)).isNull();
    }

    @Test
    void storeLoadLastAndPreviousMatch() throws IOException {
        MessageStore s = fourSubjects();
        assertThat(s.loadLast("orders.>").sequence()).isEqualTo(4);
        assertThat(s.loadLast("billing.eu").sequence()).isEqualTo(3);
        assertThat(s.loadLast(null).sequence()).isEqualTo(5);
        assertThat(s.loadLast("none.*")).isNull();
        assertThat(s.loadPrevious("orders.>", 3).sequence()).isEqualTo(2);
        assertThat(s.loadPrevious("*.eu", 5).sequence()).isEqualTo(3);
        assertThat(s.loadPrevious(null, 100).sequence()).isEqualTo(5);
        assertThat(s.loadPrevious("billing.us", 4)).isNull();
        s.remove(5, false);
        assertThat(s.loadLast(">").sequence()).isEqualTo(4);
    }

    @Test
    void storeQueriesCountBySubject() throws IOException {
        MessageStore s = fourSubjects();
        assertThat(s.subjectCounts("orders.>")).containsOnlyKeys("orders.eu.new", "orders.us.new", "orders.eu.paid");
        assertThat(s.subjectCounts("billing.eu")).containsExactlyEntriesOf(Map.of("billing.eu", 1L));
        assertThat(s.subjectCounts(null)).hasSize(5);
        assertThat(s.pending("orders.>", 0)).isEqualTo(3);
        assertThat(s.pending("orders.>", 3)).isEqualTo(1);
        assertThat(s.pending("billing.us", 3)).isEqualTo(1);
        assertThat(s.pending(null, 2)).isEqualTo(4);
        assertThat(s.pending(">", 6)).isZero();
        assertThat(s.lastSequences("*.eu")).containsExactly(3L);
        assertThat(s.lastSequences(null)).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(s.lastSequences("billing.us")).containsExactly(5L);
        assertThat(s.lastSequences("nothing")).isEmpty();
    }

    @Test
    void storeLastSequencesUpToASequenceLookBackPerSubject() throws IOException {
        MessageStore s = open();
        store(s, "k.a", "1", T0 + 1);
        store(s, "k.b", "2", T0 + 2);
        store(s, "k.a", "3", T0 + 3);
        store(s, "k.c", "4", T0 + 4);
        store(s, "k.a", "5", T0 + 5);
        assertThat(s.lastSequences("k.>", Long.MAX_VALUE)).containsExactly(2L, 4L, 5L);
        assertThat(s.lastSequences("k.>", 4)).containsExactly(2L, 3L, 4L);
        assertThat(s.lastSequences("k.*", 2)).containsExactly(1L, 2L);
        assertThat(s.lastSequences("k.a", 4)).containsExactly(3L);
        assertThat(s.lastSequences("k.c", 3)).isEmpty();
        s.remove(3, false);
        assertThat(s.lastSequences("k.a", 4)).containsExactly(1L);
    }

    @Test
    void storeSequenceAtTime() throws IOException {
        MessageStore s = open();
        for (int i = 0; i < 10; i++) {
            store(s, "a", "m", T0 + i * 10L);
        }
        s.remove(5, false);
        s.remove(6, false);
        assertThat(s.sequenceAt(0)).isEqualTo(1);
        assertThat(s.sequenceAt(T0 + 15)).isEqualTo(3);
        assertThat(s.sequenceAt(T0 + 40)).isEqualTo(7);
        assertThat(s.sequenceAt(T0 + 90)).isEqualTo(10);
        assertThat(s.sequenceAt(T0 + 91)).isEqualTo(11);
        s.purge(null, 0, 0);
        assertThat(s.sequenceAt(0)).isEqualTo(11);
    }

    @Test
    void storeWildcardQueriesWithManySubjects() throws IOException {
        MessageStore s = open();
        for (int i = 0; i < 1000; i++) {
            store(s, "kv." + i + (i % 3 == 0 ? ".x" : ".y"), "v", T0 + i);
        }
        assertThat(s.pending("kv.*.x", 0)).isEqualTo(334);
        assertThat(s.pending("kv.*.x", 500)).isEqualTo(167);
        assertThat(s.loadNext("kv.*.x", 2).sequence()).isEqualTo(4);
        assertThat(s.loadPrevious("kv.*.x", 999).sequence()).isEqualTo(997);
        assertThat(s.loadLast("kv.*.y").sequence()).isEqualTo(999);
        assertThat(s.subjectCounts("kv.*.x")).hasSize(334);
        assertThat(s.purge("kv.*.y", 0, 0)).isEqualTo(666);
        assertThat(s.state().numSubjects()).isEqualTo(334);
    }

    @Test
    void storeClosedStoreRefusesWork() throws IOException {
        MessageStore s = open();
        store(s, "a", "1", T0);
        s.close();
        assertThatThrownBy(() -> store(s, "a", "2", T0)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> s.load(1)).isInstanceOf(IOException.class);
    }

    @Test
    void storeReadersRunAlongsideAWriter() throws Exception {
        MessageStore s = open(maxMsgs(500), 0);
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong[] checked = {new AtomicLong(), new AtomicLong()};
        ExecutorService readers = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (AtomicLong count : checked) {
                results.add(readers.submit(() -> {
                    while (!done.get()) {
                        StoreState st = s.state();
                        StoredMessage m = s.loadNext("s.*", st.firstSeq());
                        if (m != null) {
                            assertThat(new String(m.payload(), StandardCharsets.UTF_8))
                                    .isEqualTo("p" + m.sequence());
                            count.incrementAndGet();
                        }
                        StoredMessage last = s.loadLast(null);
                        if (last != null) {
                            assertThat(last.subject()).startsWith("s.");
                        }
                    }
                    return null;
                }));
            }
            // Write until both readers have read a good number of messages while the writer was at it.
            long i = 0;
            while (i < 5000 || checked[0].get() < 200 || checked[1].get() < 200) {
                i++;
                store(s, "s." + (i % 7), "p" + i, T0 + i);
                assertThat(i).as("readers made no progress").isLessThan(50_000_000);
            }
            done.set(true);
            for (Future<?> f : results) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            done.set(true);
            readers.shutdownNow();
        }
        assertThat(s.state().msgs()).isEqualTo(500);
    }

    // ---- random operations against the reference model ----

    private static final String[] SUBJECTS = {"a", "a.b", "a.c", "b.x.y", "b.y.y", "c.d.e.f", "kv.1", "kv.2", "kv.3"};
    private static final String[] FILTERS = {null, ">", "a", "a.*", "a.>", "b.*.y", "*.x.*", "kv.*", "kv.2", "zzz",
        "*", "c.>"};

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void storeRandomOperationsMatchTheModel(long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        StoreLimits limits = randomLimits(rnd);
        long firstSeq = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(1000) : 0;
        MessageStore s = open(limits, firstSeq);
        StoreModel m = new StoreModel(limits, firstSeq, msg -> sizeOf(msg.subject(), msg.headers(), msg.payload()));
        long now = T0;
        int ops = 4000;
        for (int op = 0; op < ops; op++) {
            String where = "seed " + seed + " op " + op;
            int dice = rnd.nextInt(100);
            now += rnd.nextInt(3) * 1_000_000L;
            if (dice < 50) {
                String subject = SUBJECTS[rnd.nextInt(SUBJECTS.length)];
                byte[] headers = rnd.nextInt(4) == 0 ? bytes("NATS/1.0\r\nK: " + op + "\r\n\r\n") : null;
                byte[] payload = new byte[rnd.nextInt(200)];
                rnd.nextBytes(payload);
                assertThat(s.store(subject, headers, payload, now)).as(where)
                        .isEqualTo(m.store(subject, headers, payload, now));
            } else if (dice < 58) {
                long seq = m.first + rnd.nextInt(Math.max(1, (int) (m.last - m.first + 3)));
                boolean erase = rnd.nextInt(4) == 0;
                assertThat(s.remove(seq, erase)).as(where).isEqualTo(m.remove(seq));
            } else if (dice < 61) {
                assertThat(s.skip()).as(where).isEqualTo(m.skip());
            } else if (dice < 64) {
                String filter = FILTERS[rnd.nextInt(FILTERS.length)];
                long upTo = rnd.nextInt(3) == 0 ? m.first + rnd.nextInt(20) : 0;
                long keep = upTo == 0 && rnd.nextBoolean() ? rnd.nextInt(5) : 0;
                assertThat(s.purge(filter, upTo, keep)).as(where + " purge " + filter + " " + upTo + " " + keep)
                        .isEqualTo(m.purge(filter, upTo, keep));
            } else if (dice < 65) {
                long seq = rnd.nextInt(10) == 0 ? m.last + rnd.nextInt(5) : m.first + rnd.nextInt(30);
                assertThat(s.compact(seq)).as(where + " compact " + seq).isEqualTo(m.compact(seq));
            } else if (dice < 66) {
                long seq = rnd.nextInt(20) == 0 ? 0 : Math.max(1, m.last - rnd.nextInt(10));
                s.truncate(seq);
                m.truncate(seq);
            } else if (dice < 67) {
                StoreLimits l = randomLimits(rnd);
                s.limits(l);
                m.limits(l);
            } else if (dice < 70) {
                long at = now + rnd.nextInt(5) * 1_000_000_000L;
                assertThat(s.expire(at)).as(where).isEqualTo(m.expire(at));
            } else if (dice < 71) {
                s = reopened(s, m.limits);
            } else {
                checkQueries(s, m, rnd, where);
            }
            assertThat(s.state()).as(where).isEqualTo(m.state());
        }
        s = reopened(s, m.limits);
        assertThat(s.state()).isEqualTo(m.state());
        for (StoredMessage expected : m.msgs.values()) {
            assertSame(s.load(expected.sequence()), expected, "final");
        }
    }

    private static StoreLimits randomLimits(SplittableRandom rnd) {
        return switch (rnd.nextInt(6)) {
            case 0 -> maxMsgs(20 + rnd.nextInt(100));
            case 1 -> maxBytes(2000 + rnd.nextInt(20000));
            case 2 -> perSubject(1 + rnd.nextInt(5));
            case 3 -> maxAge(Duration.ofSeconds(1 + rnd.nextInt(4)));
            case 4 -> new StoreLimits(50 + rnd.nextInt(50), 10_000 + rnd.nextInt(10_000), Duration.ofSeconds(3),
                    1 + rnd.nextInt(4));
            default -> StoreLimits.NONE;
        };
    }

    private static void checkQueries(MessageStore s, StoreModel m, SplittableRandom rnd, String where)
            throws IOException {
        String filter = FILTERS[rnd.nextInt(FILTERS.length)];
        long from = Math.max(0, m.first - 2 + rnd.nextInt(Math.max(1, (int) (m.last - m.first + 5))));
        assertSame(s.loadNext(filter, from), m.next(filter, from), where + " next " + filter + " " + from);
        assertSame(s.loadPrevious(filter, from), m.previous(filter, from), where + " prev " + filter + " " + from);
        assertSame(s.loadLast(filter), m.lastOf(filter), where + " last " + filter);
        assertSame(s.load(from), m.msgs.get(from), where + " load " + from);
        assertThat(s.pending(filter, from)).as(where + " pending " + filter + " " + from)
                .isEqualTo(m.pending(filter, from));
        assertThat(s.subjectCounts(filter)).as(where + " counts " + filter).isEqualTo(m.subjectCounts(filter));
        assertThat(s.lastSequences(filter)).as(where + " lasts " + filter).isEqualTo(m.lastSequences(filter));
        assertThat(s.lastSequences(filter, from)).as(where + " lasts " + filter + " up to " + from)
                .isEqualTo(m.lastSequences(filter, from));
        if (!m.msgs.isEmpty()) {
            long t = m.msgs.firstEntry().getValue().timestampNanos() - 1_000_000L + rnd.nextLong(
                    m.msgs.lastEntry().getValue().timestampNanos() - m.msgs.firstEntry().getValue().timestampNanos()
                            + 3_000_000L);
            assertThat(s.sequenceAt(t)).as(where + " at " + t).isEqualTo(m.sequenceAt(t));
        }
    }

    static void assertSame(StoredMessage actual, StoredMessage expected, String where) {
        if (expected == null) {
            assertThat(actual).as(where).isNull();
            return;
        }
        assertThat(actual).as(where).isNotNull();
        assertThat(actual.sequence()).as(where).isEqualTo(expected.sequence());
        assertThat(actual.subject()).as(where).isEqualTo(expected.subject());
        assertThat(actual.headers()).as(where).isEqualTo(expected.headers());
        assertThat(actual.payload()).as(where).isEqualTo(expected.payload());
        assertThat(actual.timestampNanos()).as(where).isEqualTo(expected.timestampNanos());
    }
}
