package io.natrix.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Per-message TTLs and usage tracking in both stores: expiry by TTL independent of max_age, {@code never} exempt from
 * max_age, listing what is due without removing it, stale entries after other removals and truncates, and (file)
 * TTLs surviving a close, a crash (from the saved index plus the headers after it) and a lost index file.
 */
class StoreTtlTest {
    private static final long T0 = 1_700_000_000_000_000_000L;
    private static final long SECOND = 1_000_000_000L;

    enum Kind { MEMORY, FILE }

    @TempDir
    Path dir;
    private int created;
    private final List<MessageStore> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws IOException {
        for (MessageStore s : opened) {
            s.close();
        }
    }

    private MessageStore open(Kind kind, StoreLimits limits) throws IOException {
        MessageStore s = kind == Kind.MEMORY ? new MemoryStore(limits, 0)
                : FileStore.open(new FileStore.Config(dir.resolve("s" + created++), 4096, Duration.ofHours(1), false),
                limits, 0);
        opened.add(s);
        return s;
    }

    /** Closed and opened again (a file store), or the same store given the limits (memory). */
    private MessageStore restart(MessageStore s, StoreLimits limits) throws IOException {
        if (!(s instanceof FileStore fs)) {
            s.limits(limits);
            return s;
        }
        fs.close();
        return reopen(fs.config().dir(), limits);
    }

    private MessageStore reopen(Path where, StoreLimits limits) throws IOException {
        MessageStore r = FileStore.open(new FileStore.Config(where, 4096, Duration.ofHours(1), false), limits, 0);
        opened.add(r);
        return r;
    }

    /** A copy of an open file store's directory as a killed process leaves it. */
    private Path crashCopy(FileStore fs) throws IOException {
        Path from = fs.config().dir();
        Path to = dir.resolve("crash" + created++);
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return to;
    }

    private static byte[] ttlHeader(String value) {
        return ("NATS/1.0\r\nNats-TTL: " + value + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static long put(MessageStore s, String subject, long ts, long ttl) throws IOException {
        byte[] h = ttl > 0 ? ttlHeader(Long.toString(ttl)) : ttl == MessageTtl.NEVER ? ttlHeader("never") : null;
        return s.store(subject, h, "x".getBytes(StandardCharsets.US_ASCII), ts, ttl);
    }

    private static StoreLimits maxAge(Duration age) {
        return new StoreLimits(-1, -1, age, -1);
    }

    private static List<Long> held(MessageStore s) throws IOException {
        List<Long> out = new ArrayList<>();
        for (StoredMessage m = s.loadNext(null, 0); m != null; m = s.loadNext(null, m.sequence() + 1)) {
            out.add(m.sequence());
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void ttlExpiresEachMessageOnItsOwnDeadline(Kind kind) throws IOException {
        MessageStore s = open(kind, StoreLimits.NONE);
        put(s, "a", T0, 5);
        put(s, "b", T0, MessageTtl.NONE);
        put(s, "c", T0 + SECOND, 1);
        assertThat(s.expire(T0 + SECOND)).isZero();
        assertThat(s.expire(T0 + 2 * SECOND)).isEqualTo(1);
        assertThat(held(s)).containsExactly(1L, 2L);
        assertThat(s.expire(T0 + 5 * SECOND)).isEqualTo(1);
        assertThat(held(s)).containsExactly(2L);
        assertThat(s.expire(T0 + 1000 * SECOND)).isZero();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void ttlAndMaxAgeWhicheverComesFirst(Kind kind) throws IOException {
        MessageStore s = open(kind, maxAge(Duration.ofSeconds(10)));
        put(s, "long", T0, 60);
        put(s, "short", T0, 2);
        put(s, "plain", T0, MessageTtl.NONE);
        assertThat(s.expire(T0 + 2 * SECOND)).isEqualTo(1);
        assertThat(held(s)).containsExactly(1L, 3L);
        assertThat(s.expire(T0 + 10 * SECOND)).isEqualTo(2);
        assertThat(s.state().msgs()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void neverIsExemptFromMaxAge(Kind kind) throws IOException {
        MessageStore s = open(kind, maxAge(Duration.ofSeconds(1)));
        put(s, "schema", T0, MessageTtl.NEVER);
        for (int i = 0; i < 5; i++) {
            put(s, "data", T0, MessageTtl.NONE);
        }
        put(s, "schema", T0, MessageTtl.NEVER);
        put(s, "data", T0 + 10 * SECOND, MessageTtl.NONE);
        assertThat(s.expire(T0 + 2 * SECOND)).isEqualTo(5);
        assertThat(held(s)).containsExactly(1L, 7L, 8L);
        assertThat(s.state().firstSeq()).isEqualTo(1);
        s = restart(s, maxAge(Duration.ofSeconds(1)));
        assertThat(s.expire(T0 + 100 * SECOND)).isEqualTo(1);
        assertThat(held(s)).containsExactly(1L, 7L);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void expiringListsDueMessagesWithoutRemovingThem(Kind kind) throws IOException {
        MessageStore s = open(kind, maxAge(Duration.ofSeconds(10)));
        put(s, "a", T0, MessageTtl.NONE);      // 1: aged out at +10s
        put(s, "b", T0, MessageTtl.NEVER);     // 2: never
        put(s, "c", T0 + SECOND, 3);           // 3: due at +4s
        put(s, "d", T0 + SECOND, 30);          // 4: aged out at +11s
        put(s, "e", T0 + 2 * SECOND, 1);       // 5: due at +3s
        assertThat(s.expiring(T0 + 2 * SECOND, 100)).isEmpty();
        assertThat(s.expiring(T0 + 4 * SECOND, 100)).containsExactly(3, 5);
        assertThat(s.expiring(T0 + 11 * SECOND, 100)).containsExactly(1, 3, 4, 5);
        assertThat(s.expiring(T0 + 11 * SECOND, 2)).hasSize(2);
        assertThat(s.state().msgs()).isEqualTo(5);
        s.remove(3, false);
        s.remove(1, false);
        assertThat(s.expiring(T0 + 11 * SECOND, 100)).containsExactly(4, 5);
        assertThat(s.expire(T0 + 11 * SECOND)).isEqualTo(2);
        assertThat(held(s)).containsExactly(2L);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void messagesRemovedOtherwiseLeaveNothingToExpire(Kind kind) throws IOException {
        MessageStore s = open(kind, new StoreLimits(10, -1, Duration.ZERO, -1));
        // 5000 TTL messages through a 10-message window: the index must shed the stale entries as it goes.
        for (int i = 0; i < 5000; i++) {
            put(s, "k." + (i % 7), T0 + i, 1 + i % 50);
        }
        assertThat(s.state().msgs()).isEqualTo(10);
        assertThat(((IndexedStore) s).ttls.size()).isLessThan(200);
        s.purge("k.3", 0, 0);
        long held = s.state().msgs();
        assertThat(s.expire(T0 + 1000 * SECOND)).isEqualTo(held);
        assertThat(s.state().msgs()).isZero();
        assertThat(((IndexedStore) s).ttls.size()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void truncatedSequencesGivenAgainDoNotInheritTtls(Kind kind) throws IOException {
        MessageStore s = open(kind, StoreLimits.NONE);
        put(s, "a", T0, 1);
        put(s, "a", T0, 1);
        put(s, "a", T0, MessageTtl.NEVER);
        s.truncate(1);
        put(s, "b", T0, MessageTtl.NONE);
        put(s, "b", T0, MessageTtl.NONE);
        s = restart(s, maxAge(Duration.ofSeconds(5)));
        assertThat(s.expire(T0 + 2 * SECOND)).isEqualTo(1);
        assertThat(held(s)).containsExactly(2L, 3L);
        assertThat(s.expire(T0 + 6 * SECOND)).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void hugeTtlsNeverOverflow(Kind kind) throws IOException {
        MessageStore s = open(kind, StoreLimits.NONE);
        put(s, "a", T0, Long.MAX_VALUE);
        put(s, "b", T0, Long.MAX_VALUE / SECOND);
        put(s, "c", Long.MAX_VALUE - SECOND, 2);
        assertThat(s.expire(Long.MAX_VALUE - 1)).isZero();
        assertThat(s.state().msgs()).isEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void usageFollowsTheBytesHeld(Kind kind) throws IOException {
        MessageStore s = open(kind, new StoreLimits(3, -1, Duration.ZERO, -1));
        put(s, "a", T0, MessageTtl.NONE);
        AtomicLong used = new AtomicLong();
        s.trackUsage(used::addAndGet);
        assertThat(used.get()).isEqualTo(s.state().bytes()).isPositive();
        for (int i = 0; i < 5; i++) {
            put(s, "b." + i, T0, 1);
        }
        assertThat(used.get()).isEqualTo(s.state().bytes());
        s.remove(s.state().firstSeq(), true);
        assertThat(used.get()).isEqualTo(s.state().bytes());
        s.expire(T0 + 5 * SECOND);
        assertThat(used.get()).isZero();
        put(s, "c", T0, MessageTtl.NONE);
        s.purge(null, 0, 0);
        assertThat(used.get()).isZero();
        put(s, "c", T0, MessageTtl.NONE);
        s.compact(s.state().lastSeq() + 10);
        assertThat(used.get()).isZero();
        put(s, "d", T0, MessageTtl.NONE);
        s.truncate(0);
        assertThat(used.get()).isZero();
        put(s, "e", T0, MessageTtl.NONE);
        assertThat(used.get()).isEqualTo(s.state().bytes()).isPositive();
        s.close();
        assertThat(used.get()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void deleteReportsTheBytesGone(Kind kind) throws IOException {
        MessageStore s = open(kind, StoreLimits.NONE);
        AtomicLong used = new AtomicLong();
        s.trackUsage(used::addAndGet);
        put(s, "a", T0, 1);
        s.delete();
        assertThat(used.get()).isZero();
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = "FILE")
    void ttlsSurviveACrashFromTheSavedIndexAndTheHeadersAfterIt(Kind kind) throws IOException {
        FileStore s = (FileStore) open(kind, StoreLimits.NONE);
        put(s, "a", T0, 1);
        put(s, "a", T0, MessageTtl.NONE);
        put(s, "n", T0, MessageTtl.NEVER);
        s.sync(); // saves the index with the first three
        assertThat(Files.exists(s.config().dir().resolve("msgs").resolve(TtlFile.NAME))).isTrue();
        put(s, "b", T0, 3);
        put(s, "b", T0, MessageTtl.NONE);
        MessageStore crashed = reopen(crashCopy(s), maxAge(Duration.ofSeconds(10)));
        assertThat(crashed.expire(T0 + 2 * SECOND)).isEqualTo(1);
        assertThat(crashed.expire(T0 + 4 * SECOND)).isEqualTo(1);
        assertThat(crashed.expire(T0 + 20 * SECOND)).isEqualTo(2);
        assertThat(held(crashed)).containsExactly(3L);
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = "FILE")
    void aLostOrDamagedIndexIsRebuiltFromHeaders(Kind kind) throws IOException {
        FileStore s = (FileStore) open(kind, StoreLimits.NONE);
        for (int i = 0; i < 20; i++) {
            put(s, "k" + i, T0, 1 + i);
        }
        put(s, "n", T0, MessageTtl.NEVER);
        s.remove(5, false);
        s.close();
        Path index = s.config().dir().resolve("msgs").resolve(TtlFile.NAME);
        byte[] saved = Files.readAllBytes(index);
        Files.delete(index);
        MessageStore lost = reopen(s.config().dir(), StoreLimits.NONE);
        assertThat(lost.expire(T0 + 10 * SECOND)).isEqualTo(9);
        lost.close();
        saved[saved.length / 2] ^= 0x5A;
        Files.write(index, saved);
        MessageStore damaged = reopen(s.config().dir(), maxAge(Duration.ofSeconds(100)));
        assertThat(damaged.expire(T0 + 20 * SECOND)).isEqualTo(10);
        assertThat(held(damaged)).containsExactly(21L);
    }
}
