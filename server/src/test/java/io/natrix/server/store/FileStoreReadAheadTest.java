package io.natrix.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads served from {@link ReadAhead}'s windows always see the block's current bytes: after a truncate writes new
 * records where old ones were, after an erase zeroes one, after a rewrite moves records, and for records that
 * straddle a window's end or are larger than a window.
 */
class FileStoreReadAheadTest {
    private static final long T0 = 1_700_000_000_000_000_000L;

    @TempDir
    Path tmp;

    private FileStore open() throws IOException {
        return FileStore.open(new FileStore.Config(tmp.resolve("s"), 1024 * 1024, Duration.ofHours(1), false),
                StoreLimits.NONE, 0);
    }

    private static byte[] payload(long seed, int size) {
        byte[] p = new byte[size];
        new SplittableRandom(seed).nextBytes(p);
        return p;
    }

    /** Reads every held message in order, the way a consumer does, and checks it against the seeds. */
    private static void readAll(FileStore s, long from, long to, long seedOffset, int size) throws IOException {
        for (long seq = from; seq <= to; seq++) {
            StoredMessage m = s.loadNext(">", seq);
            assertThat(m.sequence()).isEqualTo(seq);
            assertThat(m.payload()).as("seq %d", seq).isEqualTo(payload(seq + seedOffset, size));
        }
    }

    @Test
    void recordsWrittenAfterATruncateAreReadAsTheyAreNow() throws IOException {
        try (FileStore s = open()) {
            for (long i = 1; i <= 500; i++) {
                s.store("a." + (i % 7), null, payload(i, 100), T0 + i);
            }
            readAll(s, 201, 500, 0, 100); // windows now start at record 201 and hold what follows it
            s.truncate(200);
            for (long i = 201; i <= 500; i++) {
                s.store("a." + (i % 7), null, payload(i + 1_000_000, 100), T0 + i);
            }
            // The same sequences again, with sound checksums: only the payloads tell old from new.
            readAll(s, 201, 500, 1_000_000, 100);
            readAll(s, 1, 200, 0, 100);
        }
    }

    @Test
    void anErasedRecordIsNotServedFromAWindow() throws IOException {
        try (FileStore s = open()) {
            for (long i = 1; i <= 100; i++) {
                s.store("b", null, payload(i, 64), T0 + i);
            }
            readAll(s, 40, 100, 0, 64);
            assertThat(s.remove(50, true)).isTrue();
            assertThat(s.load(50)).isNull();
            assertThat(s.loadNext("b", 50).sequence()).isEqualTo(51);
            readAll(s, 51, 100, 0, 64);
            assertThat(s.state().lost()).isNull();
        }
    }

    @Test
    void recordsMovedByARewriteAreReadAtTheirNewPlace() throws IOException {
        try (FileStore s = FileStore.open(new FileStore.Config(tmp.resolve("r"), 64 * 1024, Duration.ofHours(1),
                false), StoreLimits.NONE, 0)) {
            for (long i = 1; i <= 3000; i++) {
                s.store("c", null, payload(i, 100), T0 + i);
            }
            readAll(s, 1, 200, 0, 100); // windows over the start of the first block
            for (long seq = 1; seq <= 3000; seq++) {
                if (seq % 8 != 1) {
                    s.remove(seq, false); // sealed blocks lose most of their messages and are rewritten smaller
                }
            }
            for (long seq = 1; seq <= 3000; seq += 8) {
                assertThat(s.load(seq).payload()).as("seq %d", seq).isEqualTo(payload(seq, 100));
            }
            assertThat(s.state().lost()).isNull();
        }
    }

    @Test
    void recordsAcrossAWindowEdgeAndLargerThanAWindowAreReadWhole() throws IOException {
        int[] sizes = {ReadAhead.WINDOW - 200, 300, ReadAhead.WINDOW * 3, 10, ReadAhead.WINDOW - 40, 5000};
        try (FileStore s = open()) {
            for (int i = 0; i < sizes.length; i++) {
                s.store("d", null, payload(i, sizes[i]), T0 + i);
            }
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < sizes.length; i++) {
                    assertThat(s.load(i + 1).payload()).as("message %d", i).isEqualTo(payload(i, sizes[i]));
                }
            }
        }
    }
}
