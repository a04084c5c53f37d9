package io.natrix.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FileStore#syncWrites}, group commit's fsync, through {@link FaultyDisk}: what it covered survives a power
 * loss, writers go on while it runs (and what they wrote is covered by the next call), and a failed fsync makes the
 * store read-only as {@link FileStore#sync} does.
 */
class FileStoreSyncWritesTest {
    private static final long T0 = 1_700_000_000_000_000_000L;

    @TempDir
    Path tmp;

    private final FaultyDisk disk = new FaultyDisk();

    private FileStore open(Path dir) throws IOException {
        return FileStore.open(new FileStore.Config(dir, 4096, Duration.ofHours(1), false), StoreLimits.NONE, 0, disk);
    }

    private static byte[] payload(long seq) {
        byte[] p = new byte[100];
        new SplittableRandom(seq * 31).nextBytes(p);
        return p;
    }

    @Test
    void whatSyncWritesCoveredSurvivesAPowerLoss() throws IOException {
        Path dir = tmp.resolve("s");
        FileStore s = open(dir);
        int n = 500; // over several 4 KiB blocks
        for (int i = 1; i <= n; i++) {
            s.store("a", null, payload(i), T0 + i);
            if (i % 37 == 0) {
                s.syncWrites();
            }
        }
        s.syncWrites();
        s.abandon();
        disk.powerLoss(new SplittableRandom(7));

        FileStore r = open(dir);
        assertThat(r.state().msgs()).isEqualTo(n);
        for (long seq = 1; seq <= n; seq++) {
            assertThat(r.load(seq).payload()).as("seq %d", seq).isEqualTo(payload(seq));
        }
        r.close();
    }

    @Test
    void writersGoOnWhileItRunsAndTheNextCallCoversThem() throws Exception {
        Path dir = tmp.resolve("s");
        FileStore s = open(dir);
        int n = 2000;
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread writer = Thread.ofPlatform().start(() -> {
            try {
                for (int i = 1; i <= n; i++) {
                    s.store("a", null, payload(i), T0 + i);
                }
            } catch (Throwable e) {
                failed.set(e);
            }
        });
        while (writer.isAlive()) {
            s.syncWrites();
        }
        writer.join();
        assertThat(failed.get()).isNull();
        s.syncWrites();
        s.abandon();
        disk.powerLoss(new SplittableRandom(11));

        FileStore r = open(dir);
        assertThat(r.state().msgs()).isEqualTo(n);
        assertThat(r.load(n).payload()).isEqualTo(payload(n));
        r.close();
    }

    @Test
    void aFailedFsyncMakesTheStoreReadOnly() throws IOException {
        FileStore s = open(tmp.resolve("s"));
        s.store("a", null, payload(1), T0);
        disk.failForces(new IOException("EIO"));
        assertThatThrownBy(s::syncWrites).isInstanceOf(IOException.class).hasMessageContaining("EIO");
        disk.heal();
        assertThatThrownBy(() -> s.store("a", null, payload(2), T0)).isInstanceOf(IOException.class)
                .hasMessageContaining("read-only");
        assertThatThrownBy(s::syncWrites).isInstanceOf(IOException.class).hasMessageContaining("read-only");
        s.abandon();
    }

    @Test
    void aClosedStoreRefuses() throws IOException {
        FileStore s = open(tmp.resolve("s"));
        s.store("a", null, payload(1), T0);
        s.close();
        assertThatThrownBy(s::syncWrites).isInstanceOf(IOException.class);
    }
}
