package io.natrix.server.store;

import static io.natrix.server.store.StoreTestData.contents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;

import static io.natrix.server.store.MessageStoreContract.assertSame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The file store under disk faults (the reliability plan's A2, A5, A6) through {@link FaultyDisk}: power loss with
 * and without fsync per write, a full disk, and a failing fsync.
 */
class FileStoreFaultTest {
    private static final long T0 = 1_700_000_000_000_000_000L;

    @TempDir
    Path tmp;

    private final FaultyDisk disk = new FaultyDisk();

    private FileStore open(Path dir, boolean syncAlways) throws IOException {
        return FileStore.open(new FileStore.Config(dir, 4096, Duration.ofHours(1), syncAlways), StoreLimits.NONE, 0,
                disk);
    }

    private static byte[] payload(long seq, int size) {
        byte[] p = new byte[size];
        new SplittableRandom(seq * 31).nextBytes(p);
        return p;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void faultPowerLossWithSyncAlwaysLosesNothingAcknowledged(long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        Path dir = tmp.resolve("s");
        FileStore s = open(dir, true);
        for (int i = 0; i < 300; i++) {
            if (rnd.nextInt(10) == 0 && s.state().msgs() > 0) {
                StoreState st = s.state();
                s.remove(st.firstSeq() + rnd.nextLong(st.lastSeq() - st.firstSeq() + 1), rnd.nextBoolean());
            } else if (rnd.nextInt(50) == 0) {
                s.purge("p." + rnd.nextInt(3), 0, 0);
            } else {
                s.store("p." + rnd.nextInt(3), null, payload(i, rnd.nextInt(400)), T0 + i);
            }
        }
        StoreState acknowledged = s.state();
        Map<Long, StoredMessage> expected = contents(s);
        s.abandon();
        disk.powerLoss(rnd);

        FileStore r = open(dir, true);
        assertThat(r.state()).isEqualTo(acknowledged);
        Map<Long, StoredMessage> got = contents(r);
        assertThat(got.keySet()).isEqualTo(expected.keySet());
        for (StoredMessage m : expected.values()) {
            assertSame(got.get(m.sequence()), m, "seed " + seed);
        }
        r.close();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void faultPowerLossWithIntervalSyncKeepsWhatWasSynced(long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        Path dir = tmp.resolve("s");
        FileStore s = open(dir, false);
        int synced = 50 + rnd.nextInt(100);
        for (int i = 1; i <= synced; i++) {
            s.store("i", null, payload(i, 100), T0 + i);
        }
        s.sync();
        int unsynced = 1 + rnd.nextInt(20);
        for (int i = synced + 1; i <= synced + unsynced; i++) {
            s.store("i", null, payload(i, 100), T0 + i);
        }
        s.abandon();
        disk.powerLoss(rnd);

        FileStore r = open(dir, false);
        StoreState st = r.state();
        // Everything synced is back; of the rest, whatever reached the disk. A new block's header may have reached it
        // while the end of the previous block did not: the sequence then stays where the header put it, and the
        // unsynced messages in between are gone, as the sync policy allows.
        assertThat(st.msgs()).isBetween((long) synced, (long) synced + unsynced);
        assertThat(st.lastSeq()).isBetween(st.msgs(), (long) synced + unsynced);
        for (long seq = 1; seq <= synced; seq++) {
            assertThat(r.load(seq).payload()).as("seq %d", seq).isEqualTo(payload(seq, 100));
        }
        for (StoredMessage m : contents(r).values()) {
            assertThat(m.payload()).as("seq %d", m.sequence()).isEqualTo(payload(m.sequence(), 100));
        }
        assertThat(r.store("i", null, payload(999, 10), T0)).isEqualTo(st.lastSeq() + 1);
        r.close();
    }

    @Test
    void faultDiskFullRefusesTheMessageAndTheStoreGoesOn() throws IOException {
        Path dir = tmp.resolve("s");
        FileStore s = open(dir, false);
        for (int i = 1; i <= 10; i++) {
            s.store("d", null, payload(i, 200), T0 + i);
        }
        StoreState before = s.state();
        disk.failWrites(new IOException("No space left on device"));
        for (int attempt = 0; attempt < 40; attempt++) {
            assertThatThrownBy(() -> s.store("d", null, payload(11, 200), T0 + 11))
                    .hasMessageContaining("No space left");
        }
        assertThatThrownBy(() -> s.remove(3, false)).hasMessageContaining("No space left");
        assertThat(s.state()).isEqualTo(before);
        assertThat(s.load(3).payload()).isEqualTo(payload(3, 200));
        disk.heal();
        assertThat(s.store("d", null, payload(11, 200), T0 + 11)).isEqualTo(11);
        assertThat(s.remove(3, false)).isTrue();
        s.abandon();

        FileStore r = open(dir, false);
        assertThat(r.recovery().tornBytes()).isZero();
        assertThat(r.state().msgs()).isEqualTo(10);
        assertThat(r.state().lost()).isNull();
        assertThat(r.load(11).payload()).isEqualTo(payload(11, 200));
        assertThat(r.load(3)).isNull();
        r.close();
    }

    @Test
    void faultFailedFsyncMakesTheStoreReadOnly() throws IOException {
        Path dir = tmp.resolve("s");
        FileStore s = open(dir, true);
        for (int i = 1; i <= 5; i++) {
            s.store("f", null, payload(i, 50), T0 + i);
        }
        disk.failForces(new IOException("Input/output error"));
        assertThatThrownBy(() -> s.store("f", null, payload(6, 50), T0 + 6)).hasMessageContaining("Input/output");
        disk.heal();
        // No retry pretends the lost fsync worked: the store refuses writes until it is reopened.
        assertThatThrownBy(() -> s.store("f", null, payload(7, 50), T0 + 7)).hasMessageContaining("read-only");
        assertThatThrownBy(() -> s.remove(1, false)).hasMessageContaining("read-only");
        assertThatThrownBy(s::sync).hasMessageContaining("read-only");
        for (long seq = 1; seq <= 5; seq++) {
            assertThat(s.load(seq).payload()).isEqualTo(payload(seq, 50));
        }
        s.close();

        FileStore r = open(dir, true);
        assertThat(r.state().msgs()).isBetween(5L, 6L);
        assertThat(r.store("f", null, payload(8, 50), T0 + 8)).isEqualTo(r.state().lastSeq());
        r.close();
    }

    @Test
    void faultIntervalSyncRunsOnItsTimer() throws IOException {
        Path dir = tmp.resolve("s");
        FileStore s = FileStore.open(new FileStore.Config(dir, 4096, Duration.ofMillis(20), false), StoreLimits.NONE,
                0, disk);
        int before = disk.forces;
        s.store("t", null, payload(1, 10), T0);
        await().atMost(Duration.ofSeconds(10)).until(() -> disk.forces > before);
        s.close();
    }
}
