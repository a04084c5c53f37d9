package io.natrix.server.store;

import static io.natrix.server.store.StoreTestData.contents;
import static io.natrix.server.store.StoreTestData.payload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static io.natrix.server.store.MessageStoreContract.assertSame;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a file store finds when it opens: the state it had before a close or a crash, torn tails cut, damaged
 * records and stretches stepped over and reported lost, damaged index files ignored, removals kept, and the
 * promises of purge/compact/truncate honoured when a crash interrupted them.
 */
class FileStoreRecoveryTest {
    private static final long T0 = 1_700_000_000_000_000_000L;

    @TempDir
    Path tmp;

    private static FileStore.Config config(Path dir, long blockSize) {
        return new FileStore.Config(dir, blockSize, Duration.ofHours(1), false);
    }

    private static FileStore open(Path dir, long blockSize) throws IOException {
        return FileStore.open(config(dir, blockSize), StoreLimits.NONE, 0);
    }

    private static List<Path> files(Path dir, String suffix) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir.resolve("msgs"), "*" + suffix)) {
            ds.forEach(out::add);
        }
        out.sort((a, b) -> Integer.compare(id(a), id(b)));
        return out;
    }

    private static int id(Path p) {
        String n = p.getFileName().toString();
        return Integer.parseInt(n.substring(0, n.indexOf('.')));
    }

    private static Path lastBlock(Path dir) throws IOException {
        return files(dir, ".blk").getLast();
    }

    private static void copyTree(Path from, Path to) throws IOException {
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
    }

    private static void flip(Path file, long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ 0x5A);
        }
    }

    private static void assertSameContents(MessageStore actual, Map<Long, StoredMessage> expected) throws IOException {
        Map<Long, StoredMessage> got = contents(actual);
        assertThat(got.keySet()).isEqualTo(expected.keySet());
        for (StoredMessage m : expected.values()) {
            assertSame(got.get(m.sequence()), m, "seq " + m.sequence());
        }
    }

    /** Stores {@code n} messages on one subject ({@code payload(seq, size)}) and leaves them as a killed process would. */
    private static void storeAndKill(Path dir, long blockSize, String subject, int n, int size) throws IOException {
        FileStore s = open(dir, blockSize);
        for (int i = 1; i <= n; i++) {
            s.store(subject, null, payload(i, size), T0 + i);
        }
        s.abandon();
    }

    /** Stores, removes, erases and skips a mix across many small blocks. */
    private static void mixedWorkload(FileStore s, int n, long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            int dice = rnd.nextInt(20);
            if (dice == 0) {
                s.skip();
            } else if (dice < 3 && s.state().msgs() > 0) {
                StoreState st = s.state();
                s.remove(st.firstSeq() + rnd.nextLong(st.lastSeq() - st.firstSeq() + 1), dice == 1);
            } else {
                byte[] headers = rnd.nextInt(5) == 0 ? "NATS/1.0\r\nA: b\r\n\r\n".getBytes(StandardCharsets.UTF_8)
                        : null;
                s.store("w." + rnd.nextInt(10), headers, payload(i, rnd.nextInt(300)), T0 + i);
            }
        }
    }

    @Test
    void recoveryAfterCloseEqualsTheStateBefore() throws IOException {
        Path dir = tmp.resolve("s");
        FileStore s = open(dir, 4096);
        mixedWorkload(s, 3000, 1);
        StoreState before = s.state();
        Map<Long, StoredMessage> contents = contents(s);
        Map<String, Long> counts = s.subjectCounts(null);
        s.close();

        FileStore r = open(dir, 4096);
        assertThat(r.state()).isEqualTo(before);
        assertThat(r.subjectCounts(null)).isEqualTo(counts);
        assertSameContents(r, contents);
        assertThat(r.recovery().blocksFromIndex()).isEqualTo(r.recovery().blocks());
        assertThat(r.recovery().tornBytes()).isZero();
        r.close();

        // From the block files alone: the index files only save reading.
        for (Path index : files(dir, ".idx")) {
            Files.delete(index);
        }
        FileStore b = open(dir, 4096);
        assertThat(b.recovery().blocksFromIndex()).isZero();
        assertThat(b.state()).isEqualTo(before);
        assertSameContents(b, contents);
        b.close();
    }

    @Test
    void recoveryAfterAKilledProcessKeepsEveryWrite() throws IOException {
        Path dir = tmp.resolve("s");
        FileStore s = open(dir, 4096);
        mixedWorkload(s, 2000, 2);
        StoreState before = s.state();
        Map<Long, StoredMessage> contents = contents(s);
        s.abandon();

        FileStore r = open(dir, 4096);
        assertThat(r.state()).isEqualTo(before);
        assertSameContents(r, contents);
        r.close();
    }

    @Test
    void recoveryCutsATornLastRecordAtEveryByte() throws IOException {
        Path dir = tmp.resolve("s");
        int n = 20;
        int size = 60;
        storeAndKill(dir, 1 << 20, "torn.subject", n, size);
        long fileLength = Files.size(lastBlock(dir));
        long recordLength = BlockFormat.recordLength("torn.subject".length(), 0, size);
        long start = fileLength - recordLength;
        for (long cut = start; cut <= fileLength; cut++) {
            Path copy = tmp.resolve("cut" + cut);
            copyTree(dir, copy);
            try (FileChannel ch = FileChannel.open(lastBlock(copy), StandardOpenOption.WRITE)) {
                ch.truncate(cut);
            }
            boolean whole = cut == fileLength;
            FileStore r = open(copy, 1 << 20);
            StoreState st = r.state();
            assertThat(st.msgs()).as("cut at %d", cut).isEqualTo(whole ? n : n - 1);
            assertThat(st.lastSeq()).as("cut at %d", cut).isEqualTo(whole ? n : n - 1);
            assertThat(st.lost()).isNull();
            assertThat(r.recovery().tornBytes()).isEqualTo(whole ? 0 : cut - start);
            for (long seq = 1; seq < n; seq++) {
                assertThat(r.load(seq).payload()).isEqualTo(payload(seq, size));
            }
            // The cut-off sequence is used again, and the store reopens cleanly after it.
            assertThat(r.store("after", null, payload(99, 10), T0 + 99)).isEqualTo(whole ? n + 1 : n);
            r.close();
            FileStore again = open(copy, 1 << 20);
            assertThat(again.state().msgs()).isEqualTo(whole ? n + 1 : n);
            assertThat(again.recovery().tornBytes()).isZero();
            assertThat(again.loadLast("after").payload()).isEqualTo(payload(99, 10));
            again.close();
        }
    }

    @Test
    void recoveryKeepsTheValidPrefixOfARandomlyDamagedTail() throws IOException {
        Path dir = tmp.resolve("s");
        int n = 200;
        int size = 40;
        storeAndKill(dir, 1 << 20, "z", n, size);
        long recordLength = BlockFormat.recordLength(1, 0, size);
        long fileLength = Files.size(lastBlock(dir));
        byte[] pristine = Files.readAllBytes(lastBlock(dir));
        Path copy = tmp.resolve("copy");
        SplittableRandom rnd = new SplittableRandom(11);
        for (int c = 0; c < 1000; c++) {
            // Cut lengths spread evenly over orders of magnitude (Zipf-like: short cuts are the common ones).
            long cut = Math.min(fileLength - BlockFormat.BLOCK_HEADER_SIZE,
                    (long) Math.pow(fileLength, rnd.nextDouble()));
            int garbage = rnd.nextBoolean() ? rnd.nextInt(300) : 0;
            int kept = (int) (fileLength - cut);
            byte[] damaged = java.util.Arrays.copyOf(pristine, kept + garbage);
            byte[] noise = payload(1000 + c, garbage);
            for (int i = 0; i < garbage; i++) {
                // Garbage, never by chance the bytes that were cut.
                damaged[kept + i] = kept + i < pristine.length && noise[i] == pristine[kept + i]
                        ? (byte) (noise[i] ^ 1) : noise[i];
            }
            if (Files.exists(copy)) {
                try (Stream<Path> walk = Files.walk(copy)) {
                    for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            copyTree(dir, copy);
            Files.write(lastBlock(copy), damaged);

            FileStore r = open(copy, 1 << 20);
            long whole = (kept - BlockFormat.BLOCK_HEADER_SIZE) / recordLength;
            // The record the cut went through: when its header survived and garbage filled it out to its length, it
            // reads as a damaged message (reported lost, its sequence kept); otherwise it is a torn write, cut off.
            long partialStart = BlockFormat.BLOCK_HEADER_SIZE + whole * recordLength;
            boolean damagedRecord = kept > partialStart && kept - partialStart >= BlockFormat.RECORD_HEADER_SIZE
                    && kept + garbage >= partialStart + recordLength;
            StoreState st = r.state();
            String as = "case " + c + ": cut " + cut + ", garbage " + garbage;
            assertThat(st.msgs()).as(as).isEqualTo(whole);
            assertThat(st.lastSeq()).as(as).isEqualTo(damagedRecord ? whole + 1 : whole);
            if (damagedRecord) {
                assertThat(st.lost().sequences()).as(as).containsExactly(whole + 1);
            } else {
                assertThat(st.lost()).as(as).isNull();
            }
            if (whole > 0) {
                assertThat(r.load(whole).payload()).isEqualTo(payload(whole, size));
            }
            r.close();
        }
    }

    @Test
    void recoveryCutsGarbageAfterTheLastRecord() throws IOException {
        Path dir = tmp.resolve("s");
        storeAndKill(dir, 1 << 20, "g", 10, 30);
        byte[] garbage = payload(7, 500);
        Files.write(lastBlock(dir), garbage, StandardOpenOption.APPEND);
        FileStore r = open(dir, 1 << 20);
        assertThat(r.state().msgs()).isEqualTo(10);
        assertThat(r.state().lost()).isNull();
        assertThat(r.recovery().tornBytes()).isEqualTo(500);
        assertThat(r.store("g", null, payload(11, 30), T0)).isEqualTo(11);
        r.close();
    }

    /** A store of 40 records of 100-byte payloads in 2 KiB blocks, closed; returns the record length. */
    private static long fortyRecords(Path dir) throws IOException {
        FileStore s = open(dir, 2048);
        for (int i = 1; i <= 40; i++) {
            s.store("c." + (i % 3), null, payload(i, 100), T0 + i);
        }
        s.close();
        return BlockFormat.recordLength(3, 0, 100);
    }

    /** The file and offset of the record of {@code seq} in {@link #fortyRecords}. */
    private static long[] locate(Path dir, long seq, long recordLength) throws IOException {
        int perBlock = (int) ((2048 - BlockFormat.BLOCK_HEADER_SIZE) / recordLength);
        int block = (int) ((seq - 1) / perBlock);
        long offset = BlockFormat.BLOCK_HEADER_SIZE + ((seq - 1) % perBlock) * recordLength;
        return new long[] {id(files(dir, ".blk").get(block)), offset};
    }

    @Test
    void recoveryReportsADamagedMessageAsLostAndKeepsTheRest() throws IOException {
        Path dir = tmp.resolve("s");
        long length = fortyRecords(dir);
        long[] at = locate(dir, 17, length);
        flip(dir.resolve("msgs").resolve(at[0] + ".blk"), at[1] + BlockFormat.RECORD_HEADER_SIZE + 3 + 50);
        for (Path index : files(dir, ".idx")) {
            Files.delete(index);
        }
        FileStore r = open(dir, 2048);
        StoreState st = r.state();
        assertThat(st.msgs()).isEqualTo(39);
        assertThat(st.lost()).isNotNull();
        assertThat(st.lost().sequences()).containsExactly(17L);
        assertThat(st.lost().count()).isEqualTo(1);
        assertThat(r.load(17)).isNull();
        for (long seq = 1; seq <= 40; seq++) {
            if (seq != 17) {
                assertThat(r.load(seq).payload()).as("seq %d", seq).isEqualTo(payload(seq, 100));
            }
        }
        assertThat(r.loadNext(null, 17).sequence()).isEqualTo(18);
        r.close();
    }

    @Test
    void recoveryThroughAnIndexStillNeverServesADamagedMessage() throws IOException {
        Path dir = tmp.resolve("s");
        long length = fortyRecords(dir);
        long[] at = locate(dir, 9, length);
        flip(dir.resolve("msgs").resolve(at[0] + ".blk"), at[1] + length - 10);
        FileStore r = open(dir, 2048);
        assertThat(r.recovery().blocksFromIndex()).isEqualTo(r.recovery().blocks());
        assertThat(r.state().msgs()).isEqualTo(40);
        // The index trusted the block; the load checks the record and drops it.
        assertThat(r.loadNext("c.0", 7).sequence()).isEqualTo(12);
        assertThat(r.load(9)).isNull();
        StoreState st = r.state();
        assertThat(st.msgs()).isEqualTo(39);
        assertThat(st.lost().sequences()).containsExactly(9L);
        assertThat(st.numDeleted()).isEqualTo(1);
        r.close();
    }

    @Test
    void recoveryStepsOverADamagedRecordHeader() throws IOException {
        Path dir = tmp.resolve("s");
        long length = fortyRecords(dir);
        long[] at = locate(dir, 23, length);
        flip(dir.resolve("msgs").resolve(at[0] + ".blk"), at[1] + BlockFormat.R_SEQ + 7);
        Files.delete(dir.resolve("msgs").resolve(at[0] + ".idx"));
        FileStore r = open(dir, 2048);
        assertThat(r.recovery().damagedStretches()).isEqualTo(1);
        StoreState st = r.state();
        assertThat(st.msgs()).isEqualTo(39);
        assertThat(st.lost().sequences()).containsExactly(23L);
        assertThat(r.load(22).payload()).isEqualTo(payload(22, 100));
        assertThat(r.load(24).payload()).isEqualTo(payload(24, 100));
        assertThat(r.state().lastSeq()).isEqualTo(40);
        r.close();
    }

    @Test
    void recoveryReportsTheUnreadableEndOfASealedBlock() throws IOException {
        Path dir = tmp.resolve("s");
        long length = fortyRecords(dir);
        Path first = files(dir, ".blk").getFirst();
        long firstLength = Files.size(first);
        try (FileChannel ch = FileChannel.open(first, StandardOpenOption.WRITE)) {
            ch.truncate(firstLength - length - 5);
        }
        Files.delete(dir.resolve("msgs").resolve(id(first) + ".idx"));
        FileStore r = open(dir, 2048);
        long perBlock = (2048 - BlockFormat.BLOCK_HEADER_SIZE) / length;
        assertThat(r.state().lost().sequences()).containsExactly(perBlock - 1, perBlock);
        assertThat(r.state().msgs()).isEqualTo(38);
        assertThat(r.load(perBlock + 1).payload()).isEqualTo(payload(perBlock + 1, 100));
        r.close();
    }

    @Test
    void recoveryReportsTheMessagesOfABlockCutShortAtARecordBoundary() throws IOException {
        Path dir = tmp.resolve("s");
        long length = fortyRecords(dir);
        int perBlock = (int) ((2048 - BlockFormat.BLOCK_HEADER_SIZE) / length);
        Path first = files(dir, ".blk").getFirst();
        // The cut leaves a block that scans clean: only its index file knows that records are missing.
        try (FileChannel ch = FileChannel.open(first, StandardOpenOption.WRITE)) {
            ch.truncate(BlockFormat.BLOCK_HEADER_SIZE + 2 * length);
        }
        FileStore r = open(dir, 2048);
        List<Long> expected = new ArrayList<>();
        for (long seq = 3; seq <= perBlock; seq++) {
            expected.add(seq);
        }
        assertThat(r.state().lost().sequences()).isEqualTo(expected);
        assertThat(r.state().msgs()).isEqualTo(40 - expected.size());
        assertThat(r.load(2).payload()).isEqualTo(payload(2, 100));
        assertThat(r.load(3)).isNull();
        r.close();
        // The stale index is gone, so a later open reads the block as it now is.
        FileStore again = open(dir, 2048);
        assertThat(again.state().msgs()).isEqualTo(40 - expected.size());
        assertThat(again.state().lastSeq()).isEqualTo(40);
        again.close();
    }

    @Test
    void recoveryReportsTheMessagesOfAWriteBlockCutInsideItsHeader() throws IOException {
        Path dir = tmp.resolve("s");
        fortyRecords(dir);
        // The clean close wrote the write block's index; the cut takes the header and with it the nonce.
        try (FileChannel ch = FileChannel.open(lastBlock(dir), StandardOpenOption.WRITE)) {
            ch.truncate(21);
        }
        FileStore r = open(dir, 2048);
        assertThat(r.state().lost().sequences()).containsExactly(40L);
        assertThat(r.state().msgs()).isEqualTo(39);
        assertThat(r.state().lastSeq()).as("a used sequence is not handed out again").isEqualTo(40);
        assertThat(r.store("t", null, payload(41, 100), T0 + 41)).isEqualTo(41);
        r.close();
        FileStore again = open(dir, 2048);
        assertThat(again.state().msgs()).isEqualTo(40);
        assertThat(again.load(41).payload()).isEqualTo(payload(41, 100));
        again.close();
    }

    @Test
    void recoveryReportsTheMessagesOfASealedBlockCutInsideItsHeader() throws IOException {
        Path dir = tmp.resolve("s");
        long length = fortyRecords(dir);
        int perBlock = (int) ((2048 - BlockFormat.BLOCK_HEADER_SIZE) / length);
        try (FileChannel ch = FileChannel.open(files(dir, ".blk").get(1), StandardOpenOption.WRITE)) {
            ch.truncate(BlockFormat.BLOCK_HEADER_SIZE - 1);
        }
        FileStore r = open(dir, 2048);
        List<Long> expected = new ArrayList<>();
        for (long seq = perBlock + 1; seq <= 2L * perBlock; seq++) {
            expected.add(seq);
        }
        assertThat(r.state().lost().sequences()).isEqualTo(expected);
        assertThat(r.state().msgs()).isEqualTo(40 - perBlock);
        assertThat(r.load(perBlock).payload()).isEqualTo(payload(perBlock, 100));
        assertThat(r.load(perBlock + 1)).isNull();
        assertThat(r.load(2L * perBlock + 1).payload()).isEqualTo(payload(2L * perBlock + 1, 100));
        r.close();
    }

    @Test
    void recoveryKeepsTheSequencesAndRemovalsOfACutOffWriteBlockEnd() throws IOException {
        Path dir = tmp.resolve("s");
        FileStore s = open(dir, 1 << 20);
        for (int i = 1; i <= 10; i++) {
            s.store("t", null, payload(i, 50), T0 + i);
        }
        long beforeRemoval = Files.size(lastBlock(dir));
        s.remove(4, false);
        s.close();
        // The write block loses the tombstone of 4 and then the record of 10, after a clean close wrote its index.
        try (FileChannel ch = FileChannel.open(lastBlock(dir), StandardOpenOption.WRITE)) {
            ch.truncate(beforeRemoval - BlockFormat.recordLength(1, 0, 50));
        }
        FileStore r = open(dir, 1 << 20);
        assertThat(r.state().lost().sequences()).containsExactly(10L);
        assertThat(r.load(4)).as("still removed").isNull();
        assertThat(r.state().lastSeq()).as("a used sequence is not handed out again").isEqualTo(10);
        assertThat(r.store("t", null, payload(11, 50), T0 + 11)).isEqualTo(11);
        r.close();
        FileStore again = open(dir, 1 << 20);
        assertThat(again.load(4)).as("the removal was written again").isNull();
        assertThat(again.state().msgs()).isEqualTo(9);
        again.close();
    }

    @Test
    void recoveryIgnoresADamagedIndexAndRebuildsIt() throws IOException {
        Path dir = tmp.resolve("s");
        fortyRecords(dir);
        List<Path> indexes = files(dir, ".idx");
        assertThat(indexes).hasSizeGreaterThan(2);
        flip(indexes.get(0), 40);
        Files.write(indexes.get(1), new byte[] {1, 2, 3});
        // As after a crash: the state a clean close saves would spare the open reading these index files at all.
        Files.delete(StateFile.path(dir.resolve("msgs")));
        FileStore r = open(dir, 2048);
        assertThat(r.recovery().blocksFromIndex()).isEqualTo(r.recovery().blocks() - 2);
        assertThat(r.state().msgs()).isEqualTo(40);
        assertThat(r.state().lost()).isNull();
        for (long seq = 1; seq <= 40; seq++) {
            assertThat(r.load(seq).payload()).isEqualTo(payload(seq, 100));
        }
        r.close();
        FileStore again = open(dir, 2048);
        assertThat(again.recovery().blocksFromIndex()).isEqualTo(again.recovery().blocks());
        again.close();
    }

    @Test
    void recoveryIgnoresAnIndexOfAnotherBlockGeneration() throws IOException {
        Path dir = tmp.resolve("s");
        fortyRecords(dir);
        List<Path> indexes = files(dir, ".idx");
        Files.copy(indexes.get(0), indexes.get(1), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.delete(StateFile.path(dir.resolve("msgs")));
        FileStore r = open(dir, 2048);
        assertThat(r.recovery().blocksFromIndex()).isEqualTo(r.recovery().blocks() - 1);
        assertThat(r.state().msgs()).isEqualTo(40);
        r.close();
    }

    @Test
    void recoveryKeepsRemovalsAndErasuresOverwriteTheBytes() throws IOException {
        Path dir = tmp.resolve("s");
        FileStore s = open(dir, 1 << 20);
        byte[] secret = "TOP-SECRET-PAYLOAD-0123456789".getBytes(StandardCharsets.UTF_8);
        s.store("a", null, payload(1, 50), T0);
        s.store("secret.subject", "NATS/1.0\r\nH: hidden-header\r\n\r\n".getBytes(StandardCharsets.UTF_8), secret, T0);
        s.store("a", null, payload(3, 50), T0);
        s.store("a", null, payload(4, 50), T0);
        assertThat(s.remove(2, true)).isTrue();
        assertThat(s.remove(3, false)).isTrue();
        s.abandon();
        byte[] block = Files.readAllBytes(lastBlock(dir));
        assertThat(indexOf(block, secret)).isNegative();
        assertThat(indexOf(block, "hidden-header".getBytes(StandardCharsets.UTF_8))).isNegative();
        assertThat(indexOf(block, "secret.subject".getBytes(StandardCharsets.UTF_8))).isNegative();

        FileStore r = open(dir, 1 << 20);
        StoreState st = r.state();
        assertThat(st.msgs()).isEqualTo(2);
        assertThat(st.numDeleted()).isEqualTo(2);
        assertThat(st.lost()).isNull();
        assertThat(r.load(2)).isNull();
        assertThat(r.load(3)).isNull();
        r.close();
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void recoveryKeepsARemovalWhoseTombstoneBlockWasEmptied() throws IOException {
        Path dir = tmp.resolve("s");
        FileStore s = open(dir, 4096);
        // The first block holds "keep" messages that stay, so it is never deleted.
        for (int i = 1; i <= 20; i++) {
            s.store("keep", null, payload(i, 100), T0 + i);
        }
        for (int i = 21; i <= 60; i++) {
            s.store("temp", null, payload(i, 100), T0 + i);
        }
        // The tombstone of 5 lands in the block being written now, which holds only "temp" messages.
        s.remove(5, false);
        for (int i = 61; i <= 120; i++) {
            s.store("temp", null, payload(i, 100), T0 + i);
        }
        int blocks = s.blockCount();
        // Emptying the "temp" blocks deletes them, but the tombstone of 5 must outlive the message-less block it is in.
        assertThat(s.purge("temp", 0, 0)).isEqualTo(100);
        assertThat(s.blockCount()).isLessThan(blocks);
        s.close();
        for (Path index : files(dir, ".idx")) {
            Files.delete(index);
        }
        FileStore r = open(dir, 4096);
        assertThat(r.load(5)).isNull();
        assertThat(r.subjectCounts(null)).containsExactlyEntriesOf(Map.of("keep", 19L));
        assertThat(r.state().lost()).isNull();
        r.close();
    }

    @Test
    void recoveryOfManyBlocksEqualsTheStateBefore() throws IOException {
        Path dir = tmp.resolve("s");
        FileStore s = FileStore.open(config(dir, 4096), new StoreLimits(-1, -1, Duration.ZERO, 50), 0);
        SplittableRandom rnd = new SplittableRandom(5);
        for (int i = 0; i < 20_000; i++) {
            s.store("kv." + rnd.nextInt(400), null, payload(i, rnd.nextInt(120)), T0 + i);
        }
        assertThat(s.blockCount()).isGreaterThan(100);
        StoreState before = s.state();
        Map<Long, StoredMessage> contents = contents(s);
        s.close();
        FileStore r = FileStore.open(config(dir, 4096), new StoreLimits(-1, -1, Duration.ZERO, 50), 0);
        assertThat(r.state()).isEqualTo(before);
        assertSameContents(r, contents);
        r.close();
    }

    @Test
    void recoveryKeepsFirstSequenceOfAnEmptyStore() throws IOException {
        Path dir = tmp.resolve("s");
        FileStore s = FileStore.open(config(dir, 4096), StoreLimits.NONE, 500);
        s.close();
        FileStore r = open(dir, 4096);
        assertThat(r.state().firstSeq()).isEqualTo(500);
        assertThat(r.state().lastSeq()).isEqualTo(499);
        assertThat(r.store("a", null, null, T0)).isEqualTo(500);
        r.close();
    }

    @Test
    void recoveryKeepsPurgeCompactAndTruncate() throws IOException {
        Path dir = tmp.resolve("s");
        FileStore s = open(dir, 4096);
        for (int i = 1; i <= 200; i++) {
            s.store("p." + (i % 4), null, payload(i, 80), T0 + i);
        }
        s.purge("p.1", 0, 0);
        s.compact(60);
        s.truncate(180);
        s.remove(100, false);
        StoreState before = s.state();
        Map<Long, StoredMessage> contents = contents(s);
        s.abandon();
        FileStore r = open(dir, 4096);
        assertThat(r.state()).isEqualTo(before);
        assertSameContents(r, contents);
        r.purge(null, 0, 0);
        r.abandon();
        FileStore p = open(dir, 4096);
        assertThat(p.state().msgs()).isZero();
        assertThat(p.state().firstSeq()).isEqualTo(181);
        assertThat(p.state().lastTimeNanos()).isEqualTo(T0 + 180);
        assertThat(p.blockCount()).isEqualTo(1);
        p.truncate(0);
        p.abandon();
        FileStore z = open(dir, 4096);
        assertThat(z.state().lastSeq()).isZero();
        assertThat(z.blockCount()).isZero();
        z.close();
    }

    /** Writes the header of a block that a purge or truncate had just committed when the process died. */
    private static void writeMarkerBlock(Path dir, long base, long floor, long lastTime) throws IOException {
        int next = id(lastBlock(dir)) + 1;
        ByteBuffer header = BlockFormat.blockHeader(base, floor, lastTime, 42);
        byte[] bytes = new byte[header.remaining()];
        header.get(bytes);
        Files.write(dir.resolve("msgs").resolve(next + ".blk"), bytes);
    }

    @Test
    void recoveryFinishesACompactInterruptedAfterItsCommit() throws IOException {
        Path dir = tmp.resolve("s");
        storeAndKill(dir, 4096, "x", 100, 80);
        writeMarkerBlock(dir, 101, 55, T0 + 100);
        FileStore r = open(dir, 4096);
        StoreState st = r.state();
        assertThat(st.firstSeq()).isEqualTo(55);
        assertThat(st.lastSeq()).isEqualTo(100);
        assertThat(st.msgs()).isEqualTo(46);
        assertThat(st.lost()).isNull();
        r.close();
        // The clean-up made the promise unnecessary: the old blocks no longer hold anything below 55.
        FileStore again = open(dir, 4096);
        assertThat(again.state()).isEqualTo(st);
        assertThat(again.load(54)).isNull();
        assertThat(again.load(55).payload()).isEqualTo(payload(55, 80));
        again.close();
    }

    @Test
    void recoveryFinishesATruncateInterruptedAfterItsCommit() throws IOException {
        Path dir = tmp.resolve("s");
        storeAndKill(dir, 4096, "x", 100, 80);
        writeMarkerBlock(dir, 31, 0, T0 + 30);
        FileStore r = open(dir, 4096);
        StoreState st = r.state();
        assertThat(st.lastSeq()).isEqualTo(30);
        assertThat(st.msgs()).isEqualTo(30);
        assertThat(st.lastTimeNanos()).isEqualTo(T0 + 30);
        assertThat(r.store("y", null, payload(31, 10), T0 + 31)).isEqualTo(31);
        r.close();
        FileStore again = open(dir, 4096);
        assertThat(again.state().msgs()).isEqualTo(31);
        assertThat(again.load(31).subject()).isEqualTo("y");
        assertThat(again.load(30).payload()).isEqualTo(payload(30, 80));
        again.close();
    }

    @Test
    void recoveryUsesTheDocumentedFileLayout() throws IOException {
        Path dir = tmp.resolve("s");
        FileStore s = open(dir, 4096);
        s.store("layout", null, "hello".getBytes(StandardCharsets.UTF_8), T0);
        s.close();
        byte[] block = Files.readAllBytes(dir.resolve("msgs").resolve("1.blk"));
        ByteBuffer b = ByteBuffer.wrap(block);
        assertThat(b.getInt(0)).isEqualTo(0x4E58424B);
        assertThat(b.getLong(BlockFormat.BH_BASE)).isEqualTo(1);
        int r = BlockFormat.BLOCK_HEADER_SIZE;
        assertThat(b.getInt(r)).isEqualTo(44 + 6 + 5);
        assertThat(b.getShort(r + 4)).isEqualTo((short) 0x4E52);
        assertThat(b.get(r + 7)).isEqualTo(BlockFormat.KIND_MSG);
        assertThat(b.getLong(r + 8)).isEqualTo(1);
        assertThat(b.getLong(r + 16)).isEqualTo(T0);
        assertThat(new String(block, r + 40, 6, StandardCharsets.UTF_8)).isEqualTo("layout");
        assertThat(Files.exists(dir.resolve("msgs").resolve("1.idx"))).isTrue();
    }

    @Test
    void fileStoreHundredMegabytesStoreAndLoad() throws IOException {
        Path dir = tmp.resolve("s");
        FileStore s = FileStore.open(FileStore.Config.of(dir), StoreLimits.NONE, 0);
        int n = 100;
        int size = 1024 * 1024;
        for (int i = 1; i <= n; i++) {
            s.store("big." + i, null, payload(i, size), T0 + i);
        }
        StoreState st = s.state();
        assertThat(st.msgs()).isEqualTo(n);
        long bytes = 0;
        for (int i = 1; i <= n; i++) {
            bytes += FileStore.messageSize(("big." + i).length(), 0, size);
        }
        assertThat(st.bytes()).isEqualTo(bytes);
        for (int i = 1; i <= n; i += 7) {
            assertThat(s.load(i).payload()).isEqualTo(payload(i, size));
        }
        s.close();
        FileStore r = FileStore.open(FileStore.Config.of(dir), StoreLimits.NONE, 0);
        assertThat(r.state()).isEqualTo(st);
        for (int i = 1; i <= n; i++) {
            assertThat(r.load(i).payload()).as("seq %d", i).isEqualTo(payload(i, size));
        }
        r.delete();
        assertThat(Files.exists(dir)).isFalse();
    }
}
