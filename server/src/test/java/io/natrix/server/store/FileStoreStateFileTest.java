package io.natrix.server.store;

import static io.natrix.server.store.StoreTestData.contents;
import static io.natrix.server.store.StoreTestData.copyWithoutState;
import static io.natrix.server.store.StoreTestData.payload;
import static io.natrix.server.store.StoreTestData.workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static io.natrix.server.store.MessageStoreContract.assertSame;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cleanly closed file store opens from the state it saved ({@link StateFile}) without reading a message, into
 * exactly the state that reading the blocks gives; and the saved state is never trusted when the files changed, nor
 * after the store was opened (a later crash recovers from the blocks).
 */
class FileStoreStateFileTest {
    private static final long T0 = 1_700_000_000_000_000_000L;
    private static final long BLOCK_SIZE = 4096;

    @TempDir
    Path tmp;

    private static FileStore open(Path dir, FileStore.ChannelOpener opener) throws IOException {
        return FileStore.open(new FileStore.Config(dir, BLOCK_SIZE, Duration.ofHours(1), false), StoreLimits.NONE, 0,
                opener);
    }

    private static FileStore open(Path dir) throws IOException {
        return open(dir, new FaultyDisk());
    }

    private static void assertSameStore(FileStore actual, FileStore expected) throws IOException {
        assertThat(actual.state()).isEqualTo(expected.state());
        assertThat(actual.subjectCounts(null)).isEqualTo(expected.subjectCounts(null));
        Map<Long, StoredMessage> want = contents(expected);
        Map<Long, StoredMessage> got = contents(actual);
        assertThat(got.keySet()).isEqualTo(want.keySet());
        for (StoredMessage m : want.values()) {
            assertSame(got.get(m.sequence()), m, "seq " + m.sequence());
        }
    }

    @Test
    void stateFileCleanCloseOpensWithoutReadingABlockPayload() throws IOException {
        Path dir = tmp.resolve("s");
        FileStore s = open(dir);
        workload(s, 3000, 1, 300, T0);
        s.close();
        assertThat(StateFile.path(dir.resolve("msgs"))).exists();

        FaultyDisk disk = new FaultyDisk();
        FileStore r = open(dir, disk);
        assertThat(r.recovery().fromSavedState()).isTrue();
        assertThat(r.recovery().blocks()).isGreaterThan(20);
        // One header per block, nothing else: no record was read.
        assertThat(disk.bytesRead.get()).isEqualTo((long) r.recovery().blocks() * BlockFormat.BLOCK_HEADER_SIZE);
        // Open, the store may change: the saved state is gone (a crash now recovers from the blocks).
        assertThat(StateFile.path(dir.resolve("msgs"))).doesNotExist();
        r.close();
    }

    @Test
    void stateFileGivesWhatReadingTheBlocksGivesAndKeepsWorking() throws IOException {
        Path dir = tmp.resolve("s");
        FileStore s = open(dir);
        workload(s, 3000, 2, 300, T0);
        s.close();
        Path blocksOnly = copyWithoutState(dir, tmp.resolve("copy"));

        FileStore fast = open(dir);
        FileStore slow = open(blocksOnly);
        assertThat(fast.recovery().fromSavedState()).isTrue();
        assertThat(slow.recovery().fromSavedState()).isFalse();
        assertSameStore(fast, slow);
        // The same work on both (appends to the write block, removals of old records, purges) keeps them equal.
        workload(fast, 2000, 3, 300, T0);
        workload(slow, 2000, 3, 300, T0);
        assertSameStore(fast, slow);

        // A crash after opening from the saved state: recovery reads the blocks and finds every write.
        StoreState before = fast.state();
        Map<Long, StoredMessage> held = contents(fast);
        fast.sync();
        fast.abandon();
        slow.close();
        FileStore afterCrash = open(dir);
        assertThat(afterCrash.recovery().fromSavedState()).isFalse();
        assertThat(afterCrash.state()).isEqualTo(before);
        assertThat(contents(afterCrash).keySet()).isEqualTo(held.keySet());
        afterCrash.close();
    }

    @Test
    void stateFileIsIgnoredWhenABlockChangedOrItIsDamaged() throws IOException {
        Path dir = tmp.resolve("s");
        FileStore s = open(dir);
        for (int i = 1; i <= 200; i++) {
            s.store("c." + (i % 3), null, payload(i, 100), T0 + i);
        }
        StoreState before = s.state();
        s.close();
        Path msgs = dir.resolve("msgs");
        byte[] saved = Files.readAllBytes(StateFile.path(msgs));

        // The write block grew after the close (say, another copy of the files): the saved state is stale.
        Path writeBlock;
        try (var files = Files.list(msgs)) {
            writeBlock = files.filter(f -> f.toString().endsWith(".blk"))
                    .max((a, b) -> Integer.compare(id(a), id(b))).orElseThrow();
        }
        try (RandomAccessFile f = new RandomAccessFile(writeBlock.toFile(), "rw")) {
            f.setLength(f.length() + 7);
        }
        FileStore r = open(dir);
        assertThat(r.recovery().fromSavedState()).isFalse();
        assertThat(r.recovery().tornBytes()).isEqualTo(7);
        assertThat(r.state()).isEqualTo(before);
        r.close();

        // A state file with a damaged summary is read as none.
        byte[] damaged = Files.readAllBytes(StateFile.path(msgs));
        damaged[40] ^= 0x10; // in the message count
        Files.write(StateFile.path(msgs), damaged);
        FileStore again = open(dir);
        assertThat(again.recovery().fromSavedState()).isFalse();
        assertThat(again.state()).isEqualTo(before);
        again.close();

        // The state saved by an earlier close, put back after the store changed: it matches no longer.
        FileStore more = open(dir);
        more.store("c.0", null, payload(201, 100), T0 + 201);
        StoreState after = more.state();
        more.close();
        Files.write(StateFile.path(msgs), saved);
        FileStore third = open(dir);
        assertThat(third.recovery().fromSavedState()).isFalse();
        assertThat(third.state()).isEqualTo(after);
        assertThat(third.load(201).payload()).isEqualTo(payload(201, 100));
        third.close();
    }

    private static int id(Path p) {
        String n = p.getFileName().toString();
        return Integer.parseInt(n.substring(0, n.indexOf('.')));
    }
}
