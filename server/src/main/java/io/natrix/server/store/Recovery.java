package io.natrix.server.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.natrix.server.store.BlockFormat.*;

/**
 * Reads a file store's directory back after a restart or a crash and decides what every record means: which
 * messages are held, which were removed, which are void (undone by a later purge, compact or truncate whose block
 * header says so) and which are lost (damaged). It reads each block's index file when one matches the block, and
 * scans the block otherwise (see {@link BlockScan}); the result is the same either way, the index only saves reading.
 * An index file that describes more of its block than can be read (the block was cut or damaged after the index was
 * written, and so after it was synced) names the records that were lost, even when the block header is damaged too:
 * a block's index file is deleted before the block is ever rewritten, cut or deleted, so one that is there is of
 * that block, nonce or not.
 *
 * <p>This is the path after a crash, or whenever a clean close's saved state ({@link StateFile}) is missing or does
 * not match the blocks; a clean restart skips it. Its cost is per record (every record's kind, sequence, offset,
 * subject and size pass through {@link #decide} and the store's rebuild), so with index files it reads no message
 * bytes but still does work for every message; the saved state is a few bulk copies.
 *
 * <p>It changes nothing on disk except deleting leftover temporary files: {@link FileStore} applies the result,
 * cuts a torn tail and cleans up.
 *
 * <p>Not thread-safe: used once, by the opening thread.
 */
final class Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    /** What a record means after recovery. */
    static final byte GONE = 0;
    static final byte LIVE = 1;
    static final byte VOID = 2;
    static final byte LOST = 3;

    final List<Block> blocks = new ArrayList<>();
    final List<BlockRecords> records = new ArrayList<>();
    final List<byte[]> verdicts = new ArrayList<>();
    /** Per block: read from its index file (else scanned). */
    final List<Boolean> fromIndex = new ArrayList<>();
    /** Per block: holds damaged stretches. */
    final List<Boolean> damaged = new ArrayList<>();
    /** Per block: holds records made void by a later block's header, to be removed from the file. */
    final List<Boolean> holdsVoid = new ArrayList<>();
    /**
     * Per block: the records its index file lists past the readable end of the block (null when none): the block
     * was cut short after the index was written, so these records were durable once and are lost.
     */
    private final List<BlockRecords> cutOff = new ArrayList<>();
    /** The file length of the last block; past {@code length} it is a torn write to cut. */
    long lastFileLength;

    long lastSeq;
    long lastTime;
    long tornBytes;
    int damagedStretches;
    final List<Long> lostSequences = new ArrayList<>();
    /** Removals whose tombstones were in a missing block end: the store writes them again. */
    final List<Long> tombstonesToRewrite = new ArrayList<>();
    long lostCount;
    long lostBytes;

    private long[] tombstones = new long[0];

    private Recovery() {
    }

    static Recovery run(Path dir, FileStore.ChannelOpener opener) throws IOException {
        Recovery r = new Recovery();
        r.readBlocks(dir, opener);
        if (!r.blocks.isEmpty()) {
            r.decide();
        }
        return r;
    }

    /** Block ids in the directory, ascending; leftover temporary files are deleted. */
    static List<Integer> blockIds(Path dir) throws IOException {
        List<Integer> ids = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(".tmp")) {
                    Files.deleteIfExists(f);
                } else if (name.endsWith(".blk")) {
                    try {
                        ids.add(Integer.parseInt(name.substring(0, name.length() - 4)));
                    } catch (NumberFormatException e) {
                        LOG.warn("Ignoring unexpected file {} in the message store", f);
                    }
                }
            }
        }
        ids.sort(null);
        return ids;
    }

    private void readBlocks(Path dir, FileStore.ChannelOpener opener) throws IOException {
        List<Integer> ids = blockIds(dir);
        for (int k = 0; k < ids.size(); k++) {
            int id = ids.get(k);
            Block b = new Block(id, FileStore.blockPath(dir, id));
            b.channel = opener.open(b.path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            try {
                readBlock(dir, b, k == ids.size() - 1);
            } catch (IOException | RuntimeException e) {
                b.channel.close();
                throw e;
            }
        }
    }

    private void readBlock(Path dir, Block b, boolean last) throws IOException {
        long fileLength = b.channel.size();
        if (fileLength > Integer.MAX_VALUE) {
            throw new IOException(b.path + " is larger than a block can be (" + fileLength + " bytes)");
        }
        byte[] header = b.read(0, BLOCK_HEADER_SIZE);
        b.headerSound = header.length == BLOCK_HEADER_SIZE && blockHeaderValid(header);
        if (b.headerSound) {
            b.base = getLong(header, BH_BASE);
            b.floor = getLong(header, BH_FLOOR);
            b.headerLastTime = getLong(header, BH_LAST_TIME);
            b.nonce = getLong(header, BH_NONCE);
        } else {
            LOG.warn("Message block {} has a damaged header; reading its records without it", b.path);
        }
        BlockRecords recs = null;
        // A sound index file of this block: when it describes more than can be read, the records it lists past the
        // readable end were durable once (an index is written only once its block is synced) and are lost.
        BlockRecords listed = null;
        long indexedLength = 0;
        long scanFrom = BLOCK_HEADER_SIZE;
        Path index = FileStore.indexPath(dir, b.id);
        if (Files.exists(index)) {
            long[] covered = new long[1];
            byte[] bytes = Files.readAllBytes(index);
            if (b.headerSound) {
                recs = BlockRecords.fromIndexFile(bytes, b.nonce, covered);
                if (recs != null && covered[0] >= BLOCK_HEADER_SIZE && covered[0] <= fileLength) {
                    scanFrom = covered[0];
                } else {
                    if (recs != null && covered[0] > fileLength) {
                        LOG.warn("Message block {} is shorter than its index file says ({} of {} bytes)", b.path,
                                fileLength, covered[0]);
                        listed = recs;
                        indexedLength = covered[0];
                    } else {
                        LOG.warn("Index file {} does not match its block; rebuilding it from the block", index);
                    }
                    // Never to be read again: once the block grows past it, it would describe bytes it never saw.
                    Files.deleteIfExists(index);
                    recs = null;
                }
            } else {
                // No nonce to match it with, but the store deletes an index file before it rewrites, cuts or deletes
                // the block, so a sound one is of this block. The block is scanned all the same; the index only
                // tells what the scan could not read (the write block's index, written on close, included).
                listed = BlockRecords.fromIndexFileOfAnyGeneration(bytes, covered);
                indexedLength = covered[0];
            }
        }
        fromIndex.add(recs != null);
        if (recs == null) {
            recs = new BlockRecords();
        }
        long validEnd = Math.max(scanFrom, Math.min(fileLength, BLOCK_HEADER_SIZE));
        List<BlockScan.Region> regions = new ArrayList<>();
        if (scanFrom < fileLength) {
            BlockScan scan = BlockScan.scan(b.readFully(scanFrom, (int) (fileLength - scanFrom)), scanFrom, recs);
            validEnd = scan.validEnd;
            regions.addAll(scan.regions);
        }
        for (BlockScan.Region region : regions) {
            noteStretch(b, region.start(), region.end());
        }
        boolean hasDamage = !regions.isEmpty();
        long readableEnd = Math.min(validEnd, fileLength);
        if (listed != null && indexedLength > readableEnd) {
            // The index says exactly which records were past the readable end: lost, not a torn write.
            if (!b.headerSound) {
                LOG.warn("Message block {} has a damaged header and only {} of the {} bytes its index file describes"
                        + " can be read", b.path, readableEnd, indexedLength);
                Files.deleteIfExists(index);
            }
            hasDamage = true;
            cutOff.add(recordsFrom(listed, readableEnd));
            noteStretch(b, readableEnd, Math.max(indexedLength, fileLength));
        } else {
            cutOff.add(null);
            if (validEnd < fileLength) {
                if (last) {
                    tornBytes += fileLength - validEnd;
                    LOG.warn("Message block {} ends in {} bytes of an unfinished write; cutting them off", b.path,
                            fileLength - validEnd);
                } else {
                    hasDamage = true;
                    noteStretch(b, validEnd, fileLength);
                    regions.add(new BlockScan.Region(validEnd, fileLength, recs.count));
                }
            }
        }
        pendingRegions.add(regions);
        b.length = last ? validEnd : fileLength;
        if (last) {
            lastFileLength = fileLength;
        }
        blocks.add(b);
        records.add(recs);
        damaged.add(hasDamage);
    }

    private final List<List<BlockScan.Region>> pendingRegions = new ArrayList<>();

    /** The records of {@code recs} at or after file offset {@code from}. */
    private static BlockRecords recordsFrom(BlockRecords recs, long from) {
        BlockRecords out = new BlockRecords();
        for (int j = 0; j < recs.count; j++) {
            if (recs.offsets[j] >= from) {
                out.add(recs.kinds[j], recs.seqs[j], recs.offsets[j], recs.subject(j), recs.sizes[j]);
            }
        }
        return out;
    }

    private void noteStretch(Block b, long start, long end) {
        damagedStretches++;
        lostBytes += end - start;
        LOG.warn("Message block {} has {} unreadable bytes at offset {}; the messages there are lost", b.path,
                end - start, start);
    }

    private void decide() throws IOException {
        int n = blocks.size();
        long[] voidBelow = new long[n];
        long[] voidAbove = new long[n];
        long below = 0;
        long above = Long.MAX_VALUE;
        for (int i = n - 1; i >= 0; i--) {
            voidBelow[i] = below;
            voidAbove[i] = above;
            Block b = blocks.get(i);
            if (b.headerSound) {
                below = Math.max(below, b.floor);
                above = Math.min(above, b.base);
            }
        }
        collectTombstones();

        // The last sequence: what the newest block headers promise, or the highest sequence written and not void.
        int lastBlock = -1;
        int lastRecord = -1;
        for (int i = 0; i < n; i++) {
            Block b = blocks.get(i);
            // A later truncate's header voids this header's promise too.
            if (b.headerSound && b.base - 1 < voidAbove[i] && b.base - 1 >= lastSeq) {
                lastSeq = b.base - 1;
                lastTime = b.headerLastTime;
                lastBlock = -1;
            }
            BlockRecords recs = records.get(i);
            for (int j = 0; j < recs.count; j++) {
                long seq = recs.seqs[j];
                if (bearsSequence(recs.kinds[j]) && seq >= voidBelow[i] && seq < voidAbove[i] && seq > lastSeq) {
                    lastSeq = seq;
                    lastBlock = i;
                    lastRecord = j;
                }
            }
            BlockRecords cut = cutOff.get(i);
            for (int j = 0; cut != null && j < cut.count; j++) {
                long seq = cut.seqs[j];
                if (bearsSequence(cut.kinds[j]) && seq >= voidBelow[i] && seq < voidAbove[i] && seq > lastSeq) {
                    // A sequence that was used, though its record is gone: it is never handed out again. Its time
                    // is unknown; the block header's is the best left.
                    lastSeq = seq;
                    lastTime = Math.max(lastTime, blocks.get(i).headerLastTime);
                    lastBlock = -1;
                }
            }
        }
        if (lastBlock >= 0) {
            byte[] h = blocks.get(lastBlock).readFully(records.get(lastBlock).offsets[lastRecord], RECORD_HEADER_SIZE);
            lastTime = getLong(h, R_TIME);
        }

        long lastLive = 0;
        long seen = 0;
        for (int i = 0; i < n; i++) {
            BlockRecords recs = records.get(i);
            byte[] verdict = new byte[recs.count];
            boolean voids = false;
            for (int j = 0; j < recs.count; j++) {
                byte kind = recs.kinds[j];
                long seq = recs.seqs[j];
                if (!bearsSequence(kind)) {
                    continue;
                }
                if (seq < voidBelow[i] || seq >= voidAbove[i]) {
                    verdict[j] = VOID;
                    voids = true;
                    continue;
                }
                seen = Math.max(seen, seq);
                if (kind == KIND_SKIP) {
                    continue;
                }
                if (isTombstoned(seq)) {
                    verdict[j] = GONE;
                } else if (kind == KIND_DAMAGED) {
                    verdict[j] = LOST;
                    lost(seq, recs.sizes[j]);
                    LOG.warn("Message {} in block {} fails its checksum; it is lost", seq, blocks.get(i).path);
                } else if (seq <= lastLive) {
                    LOG.warn("Message {} appears twice (block {}); keeping the first", seq, blocks.get(i).path);
                    verdict[j] = VOID;
                    voids = true;
                } else {
                    verdict[j] = LIVE;
                    lastLive = seq;
                }
            }
            verdicts.add(verdict);
            holdsVoid.add(voids);
            for (BlockScan.Region region : pendingRegions.get(i)) {
                lostBetween(i, region, voidBelow[i], voidAbove[i]);
            }
            BlockRecords cut = cutOff.get(i);
            for (int j = 0; cut != null && j < cut.count; j++) {
                long seq = cut.seqs[j];
                byte kind = cut.kinds[j];
                if ((kind == KIND_MSG || kind == KIND_DAMAGED) && seq >= voidBelow[i] && seq < voidAbove[i]
                        && !isTombstoned(seq)) {
                    lost(seq, cut.sizes[j]);
                    LOG.warn("Message {} was in the missing end of block {}; it is lost", seq, blocks.get(i).path);
                }
            }
        }
        lostSequences.sort(null);
    }

    /** The sequences a damaged stretch hid: between the records around it, minus those known removed. */
    private void lostBetween(int i, BlockScan.Region region, long voidBelow, long voidAbove) {
        BlockRecords recs = records.get(i);
        long before = -1;
        for (int j = region.recordsBefore() - 1; j >= 0 && before < 0; j--) {
            if (bearsSequence(recs.kinds[j])) {
                before = recs.seqs[j];
            }
        }
        if (before < 0) {
            before = blocks.get(i).headerSound ? blocks.get(i).base - 1 : highestBefore(i);
        }
        long after = -1;
        for (int j = region.recordsBefore(); j < recs.count && after < 0; j++) {
            if (bearsSequence(recs.kinds[j])) {
                after = recs.seqs[j];
            }
        }
        for (int k = i + 1; k < blocks.size() && after < 0; k++) {
            after = blocks.get(k).headerSound ? blocks.get(k).base : firstSequence(records.get(k));
        }
        if (after < 0) {
            after = lastSeq + 1;
        }
        long from = Math.max(before + 1, voidBelow);
        long to = Math.min(after - 1, voidAbove - 1);
        if (from > to) {
            return;
        }
        int firstTomb = lowerBound(from);
        int endTomb = lowerBound(to + 1);
        lostCount += (to - from + 1) - (endTomb - firstTomb);
        for (long s = from; s <= to && lostSequences.size() < LostData.SEQUENCES_MAX; s++) {
            if (!isTombstoned(s)) {
                lostSequences.add(s);
            }
        }
    }

    /** The index of the first tombstone at or above {@code seq}. */
    private int lowerBound(long seq) {
        int lo = 0;
        int hi = tombstones.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (tombstones[mid] < seq) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private long highestBefore(int i) {
        for (int k = i - 1; k >= 0; k--) {
            BlockRecords recs = records.get(k);
            for (int j = recs.count - 1; j >= 0; j--) {
                if (bearsSequence(recs.kinds[j])) {
                    return recs.seqs[j];
                }
            }
            if (blocks.get(k).headerSound) {
                return blocks.get(k).base - 1;
            }
        }
        return 0;
    }

    private static long firstSequence(BlockRecords recs) {
        for (int j = 0; j < recs.count; j++) {
            if (bearsSequence(recs.kinds[j])) {
                return recs.seqs[j];
            }
        }
        return -1;
    }

    private void lost(long seq, long bytes) {
        lostCount++;
        lostBytes += bytes;
        if (lostSequences.size() < LostData.SEQUENCES_MAX) {
            lostSequences.add(seq);
        }
    }

    static boolean bearsSequence(byte kind) {
        return kind == KIND_MSG || kind == KIND_SKIP || kind == KIND_DAMAGED;
    }

    private void collectTombstones() {
        List<BlockRecords> all = new ArrayList<>(records);
        for (BlockRecords cut : cutOff) {
            if (cut != null) {
                // Removals recorded in a missing block end still hold: the messages stay removed.
                all.add(cut);
                for (int j = 0; j < cut.count; j++) {
                    if (cut.kinds[j] == KIND_TOMBSTONE) {
                        tombstonesToRewrite.add(cut.seqs[j]);
                    }
                }
            }
        }
        int total = 0;
        for (BlockRecords recs : all) {
            for (int j = 0; j < recs.count; j++) {
                if (recs.kinds[j] == KIND_TOMBSTONE) {
                    total++;
                }
            }
        }
        long[] t = new long[total];
        int k = 0;
        for (BlockRecords recs : all) {
            for (int j = 0; j < recs.count; j++) {
                if (recs.kinds[j] == KIND_TOMBSTONE) {
                    t[k++] = recs.seqs[j];
                }
            }
        }
        Arrays.sort(t);
        tombstones = t;
    }

    private boolean isTombstoned(long seq) {
        return Arrays.binarySearch(tombstones, seq) >= 0;
    }
}
