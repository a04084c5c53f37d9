package io.natrix.server.store;

import static io.natrix.server.store.StoreTestData.payload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** How a file store's blocks come and go: emptied blocks deleted, sparse ones rewritten, big records on their own. */
class FileStoreBlocksTest {
    private static final long T0 = 1_700_000_000_000_000_000L;

    @TempDir
    Path tmp;

    private static FileStore open(Path dir, long blockSize, StoreLimits limits) throws IOException {
        return FileStore.open(new FileStore.Config(dir, blockSize, Duration.ofHours(1), false), limits, 0);
    }

    private static long blockBytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("msgs"))) {
            long total = 0;
            for (Path p : files.filter(p -> p.toString().endsWith(".blk")).toList()) {
                total += Files.size(p);
            }
            return total;
        }
    }

    @Test
    void blocksEmptiedWhileBeingWrittenAreDeleted() throws IOException {
        Path dir = tmp.resolve("kv");
        // A key-value bucket updating one key: every message removes the one before, inside the write block.
        FileStore s = open(dir, 4096, new StoreLimits(-1, -1, Duration.ZERO, 1));
        for (int i = 1; i <= 5000; i++) {
            s.store("kv.key", null, payload(i, 100), T0 + i);
        }
        assertThat(s.blockCount()).isLessThanOrEqualTo(2);
        assertThat(s.state().msgs()).isEqualTo(1);
        s.close();
        FileStore r = open(dir, 4096, new StoreLimits(-1, -1, Duration.ZERO, 1));
        assertThat(r.state().msgs()).isEqualTo(1);
        assertThat(r.loadLast("kv.key").payload()).isEqualTo(payload(5000, 100));
        r.close();
    }

    @Test
    void blocksMostlyRemovedAreRewrittenSmaller() throws IOException {
        Path dir = tmp.resolve("sparse");
        FileStore s = open(dir, 128 * 1024, StoreLimits.NONE);
        for (int i = 1; i <= 6000; i++) {
            s.store("s." + (i % 10), null, payload(i, 100), T0 + i);
        }
        s.sync();
        long before = blockBytes(dir);
        // Keep one message in eight, removing from the middle of blocks (not from the front of the stream).
        for (long seq = 1; seq <= 6000; seq++) {
            if (seq % 8 != 1) {
                s.remove(seq, false);
            }
        }
        s.sync();
        long after = blockBytes(dir);
        // Blocks are rewritten once more than half of their messages are gone; the tombstones of what a rewrite
        // dropped are no longer needed, and blocks holding nothing else go too.
        assertThat(after).isLessThan(before * 4 / 10);
        StoreState state = s.state();
        for (long seq = 1; seq <= 6000; seq += 8) {
            assertThat(s.load(seq).payload()).isEqualTo(payload(seq, 100));
        }
        s.close();
        FileStore r = open(dir, 128 * 1024, StoreLimits.NONE);
        assertThat(r.state()).isEqualTo(state);
        assertThat(r.load(4)).isNull();
        assertThat(r.load(9).payload()).isEqualTo(payload(9, 100));
        r.close();
    }

    @Test
    void blocksHoldARecordLargerThanABlock() throws IOException {
        Path dir = tmp.resolve("big");
        FileStore s = open(dir, 4096, StoreLimits.NONE);
        s.store("small", null, payload(1, 10), T0);
        s.store("big", null, payload(2, 50_000), T0);
        s.store("small", null, payload(3, 10), T0);
        assertThat(s.blockCount()).isEqualTo(3);
        s.close();
        FileStore r = open(dir, 4096, StoreLimits.NONE);
        assertThat(r.load(2).payload()).isEqualTo(payload(2, 50_000));
        assertThat(r.load(3).payload()).isEqualTo(payload(3, 10));
        r.close();
    }
}
