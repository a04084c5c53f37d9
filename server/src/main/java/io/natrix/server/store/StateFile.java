package io.natrix.server.store;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

import static io.natrix.server.store.BlockFormat.crc;

/**
 * A file store's in-memory index as it was at a clean close, {@code <dir>/msgs/state.db}, so that the next open
 * needs no block's records (nats-server keeps such a file too, its stream state in {@code index.db}). It comes in two
 * parts: a <em>summary</em> (stream figures, blocks, subjects: what STREAM.INFO and the store's bookkeeping need, in
 * size proportional to blocks and subjects, not messages), read whole on open; and the <em>slot columns</em> in
 * chunks of a fixed number of slots, each with its own checksum, read one chunk at a time when the store first
 * touches a slot of it ({@link SlotTable#importLazily}).
 * <pre>
 *   0        4    5       8           16         24          32           40     48      56            60
 *   +--------+----+-------+-----------+----------+-----------+------------+------+-------+-------------+
 *   | "NXST" | v2 | 0 0 0 | first seq | last seq | last time | first time | msgs | bytes | next blk id |
 *   +--------+----+-------+-----------+----------+-----------+------------+------+-------+-------------+
 *   60         64           68        72          80           88           96            100           104
 *   | blocks n | subjects n | slots n | slot base | lost count | lost bytes | lost seqs n | chunk slots |
 *   104              112
 *   | summary length |                                                                           header (112)
 *   lost sequences:  u64 × lost seqs n
 *   per block:       id (u32) | nonce | length | live msgs | live bytes | message bytes | min seq | max seq (u64s)
 *                    | tombstones n (u32) | dead words n (u32) | tombstone seqs (u64 ×) | dead bit words (u64 ×)
 *   per subject:     id (u32) | msgs | first | last (u64s) | length (u16) | UTF-8
 *   CRC32C (u32) of every byte before                                 (summary length = bytes up to here)
 *   per chunk of slots (the last may be shorter; m = its slots):
 *                    subject ids (i32 × m) | sizes (i32 × m) | references (i64 × m) | CRC32C (u32) of the chunk
 * </pre>
 * Big-endian. {@code first time} is the first message's timestamp (0 when none), so that the stream's state is
 * answered without reading a record. Version 1 (the same summary fields less {@code first time}, and the slot
 * columns whole, under one checksum at the end) is not read: it is ignored, and the store reads its blocks through
 * their index files, once.
 *
 * <p>Written after the close's final sync (block files, their index files and {@code ttl.db} are durable by then);
 * not fsynced itself, because it is only ever trusted after checks: the summary's checksum, and that the block files
 * in the directory are exactly the ones it lists, each with a sound header of the listed nonce, the listed length,
 * and an index file (the write block's is read: the store keeps its records to write at sealing). A chunk's checksum
 * is checked when it is read; a damaged chunk is rebuilt from the blocks' index files, or the blocks themselves (see
 * {@code FileStore}). Any mismatch of the summary, and recovery reads the blocks as it does after a crash
 * ({@link Recovery}). Opening deletes the file and syncs the directory before the store changes anything, so the
 * file exists only while the store is closed and unchanged since: a crash while open always recovers from the
 * blocks. The open store keeps reading chunks through the channel it opened the file with ({@link Chunks}), which
 * outlives the file's name (an unlinked file stays readable through an open channel).
 *
 * <p>{@link #write} and {@link #read} are called under the file store's write lock; {@link Chunks#read} under its
 * read or write lock, one call at a time (the slot table serializes its loads).
 */
final class StateFile {
    static final String NAME = "state.db";
    private static final int MAGIC = 0x4E585354; // "NXST"
    static final byte VERSION = 2;
    private static final int HEADER_SIZE = 112;
    private static final int H_SUMMARY_LENGTH = 104;
    private static final int BLOCK_FIXED_SIZE = 4 + 7 * 8 + 4 + 4;
    private static final int SUBJECT_FIXED_SIZE = 4 + 3 * 8 + 2;
    private static final int SLOT_BYTES = 4 + 4 + 8;
    /** Slots per chunk by default: 1 MiB of columns. */
    static final int CHUNK_SLOTS_DEFAULT = 1 << 16;
    /** The most slots a chunk may have (so that one chunk's bytes fit an array). */
    static final int CHUNK_SLOTS_MAX = 1 << 24;

    /** What a clean close knew of one block. */
    record BlockState(int id, long nonce, long length, long liveMsgs, long liveBytes, long messageBytes,
                      long minSeq, long maxSeq, long[] tombstones, long[] deadWords) {
    }

    /** One subject's figures and id. */
    record SubjectState(int id, String subject, long msgs, long first, long last) {
    }

    /** The summary; {@code slots} slots from {@code slotBase}, in chunks of {@code chunkSlots}. */
    record Saved(long firstSeq, long lastSeq, long lastTime, long firstTime, long msgs, long bytes, int nextBlockId,
                 long lostCount, long lostBytes, List<Long> lostSequences, List<BlockState> blocks,
                 List<SubjectState> subjects, long slotBase, int slots, int chunkSlots) {
    }

    /** The slot columns to save, first slot to last. */
    record Columns(int[] subjects, int[] sizes, long[] refs) {
    }

    /** An opened saved state: the summary, and the channel its chunks are read through. */
    record Opened(Saved saved, Chunks chunks) {
    }

    /** Reads the chunks of slot columns of an opened state file. */
    static final class Chunks implements Closeable {
        private final FileChannel channel;
        private final long start;
        private final int chunkSlots;
        private final int slots;

        private Chunks(FileChannel channel, long start, int chunkSlots, int slots) {
            this.channel = channel;
            this.start = start;
            this.chunkSlots = chunkSlots;
            this.slots = slots;
        }

        /**
         * Reads chunk {@code i} (its slots into index 0.. of the returned columns), or returns null when its
         * checksum does not hold.
         */
        Columns read(int i) throws IOException {
            int m = Math.min(chunkSlots, slots - i * chunkSlots);
            if (i < 0 || m <= 0) {
                throw new IllegalArgumentException("no chunk " + i);
            }
            ByteBuffer b = ByteBuffer.allocate(m * SLOT_BYTES + 4);
            long position = chunkPosition(start, chunkSlots, i);
            while (b.hasRemaining()) {
                if (channel.read(b, position + b.position()) < 0) {
                    return null;
                }
            }
            CRC32C crc = new CRC32C();
            crc.update(b.array(), 0, m * SLOT_BYTES);
            if (b.getInt(m * SLOT_BYTES) != (int) crc.getValue()) {
                return null;
            }
            Columns c = new Columns(new int[m], new int[m], new long[m]);
            b.position(0);
            b.asIntBuffer().get(c.subjects());
            b.position(4 * m);
            b.asIntBuffer().get(c.sizes());
            b.position(8 * m);
            b.asLongBuffer().get(c.refs());
            return c;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    private StateFile() {
    }

    /** Where chunk {@code i} starts in a file whose summary is {@code summaryLength} bytes. */
    static long chunkPosition(long summaryLength, int chunkSlots, int i) {
        return summaryLength + (long) i * (chunkSlots * SLOT_BYTES + 4);
    }

    /** The summary length a state file's header gives (for tests that damage a chunk). */
    static long summaryLength(byte[] file) {
        return ByteBuffer.wrap(file).getLong(H_SUMMARY_LENGTH);
    }

    static Path path(Path msgsDir) {
        return msgsDir.resolve(NAME);
    }

    /** Writes the state (temp file, then rename); {@code columns} hold {@code s.slots()} slots. */
    static void write(Path msgsDir, Saved s, Columns columns) throws IOException {
        List<byte[]> names = new ArrayList<>(s.subjects().size());
        long size = HEADER_SIZE + 8L * s.lostSequences().size() + 4;
        for (BlockState b : s.blocks()) {
            size += BLOCK_FIXED_SIZE + 8L * (b.tombstones().length + b.deadWords().length);
        }
        for (SubjectState e : s.subjects()) {
            byte[] n = e.subject().getBytes(StandardCharsets.UTF_8);
            names.add(n);
            size += SUBJECT_FIXED_SIZE + n.length;
        }
        if (size > Integer.MAX_VALUE - 8) {
            throw new IOException("the store's state is too large for " + NAME + " (" + size + " bytes)");
        }
        ByteBuffer b = ByteBuffer.allocate((int) size);
        b.putInt(MAGIC).put(VERSION).put(new byte[3]).putLong(s.firstSeq()).putLong(s.lastSeq())
                .putLong(s.lastTime()).putLong(s.firstTime()).putLong(s.msgs()).putLong(s.bytes())
                .putInt(s.nextBlockId()).putInt(s.blocks().size()).putInt(s.subjects().size()).putInt(s.slots())
                .putLong(s.slotBase()).putLong(s.lostCount()).putLong(s.lostBytes())
                .putInt(s.lostSequences().size()).putInt(s.chunkSlots()).putLong(size);
        for (long seq : s.lostSequences()) {
            b.putLong(seq);
        }
        for (BlockState k : s.blocks()) {
            b.putInt(k.id()).putLong(k.nonce()).putLong(k.length()).putLong(k.liveMsgs()).putLong(k.liveBytes())
                    .putLong(k.messageBytes()).putLong(k.minSeq()).putLong(k.maxSeq()).putInt(k.tombstones().length)
                    .putInt(k.deadWords().length);
            b.asLongBuffer().put(k.tombstones()).put(k.deadWords());
            b.position(b.position() + 8 * (k.tombstones().length + k.deadWords().length));
        }
        for (int i = 0; i < names.size(); i++) {
            SubjectState e = s.subjects().get(i);
            b.putInt(e.id()).putLong(e.msgs()).putLong(e.first()).putLong(e.last())
                    .putShort((short) names.get(i).length).put(names.get(i));
        }
        b.putInt(crc(b.array(), 0, b.position()));
        Path tmp = msgsDir.resolve(NAME + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            long position = Block.writeFully(ch, b.flip(), 0);
            int c = s.chunkSlots();
            ByteBuffer chunk = ByteBuffer.allocate(Math.min(c, Math.max(s.slots(), 1)) * SLOT_BYTES + 4);
            for (int from = 0; from < s.slots(); from += c) {
                int m = Math.min(c, s.slots() - from);
                chunk.clear();
                chunk.asIntBuffer().put(columns.subjects(), from, m);
                chunk.position(4 * m);
                chunk.asIntBuffer().put(columns.sizes(), from, m);
                chunk.position(8 * m);
                chunk.asLongBuffer().put(columns.refs(), from, m);
                chunk.position(SLOT_BYTES * m);
                chunk.putInt(crc(chunk.array(), 0, SLOT_BYTES * m));
                position = Block.writeFully(ch, chunk.flip(), position);
            }
        }
        FileStore.move(tmp, path(msgsDir));
    }

    /**
     * Opens the saved state and reads its summary, or returns null when there is none, it is damaged, or of another
     * version. The caller owns the returned chunk reader and closes it.
     */
    static Opened read(Path msgsDir) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(path(msgsDir), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return null;
        }
        boolean keep = false;
        try {
            Opened o = readSummary(ch);
            keep = o != null;
            return o;
        } finally {
            if (!keep) {
                ch.close();
            }
        }
    }

    private static Opened readSummary(FileChannel ch) throws IOException {
        long fileSize = ch.size();
        if (fileSize < HEADER_SIZE + 4) {
            return null;
        }
        ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
        while (header.hasRemaining()) {
            if (ch.read(header, header.position()) < 0) {
                return null;
            }
        }
        long summaryLength = header.getLong(H_SUMMARY_LENGTH);
        if (header.getInt(0) != MAGIC || header.get(4) != VERSION || summaryLength < HEADER_SIZE + 4
                || summaryLength > Math.min(fileSize, Integer.MAX_VALUE)) {
            return null;
        }
        ByteBuffer d = ByteBuffer.allocate((int) summaryLength);
        while (d.hasRemaining()) {
            if (ch.read(d, d.position()) < 0) {
                return null;
            }
        }
        int end = d.capacity() - 4;
        if (d.getInt(end) != crc(d.array(), 0, end)) {
            return null;
        }
        try {
            ByteBuffer b = d.slice(0, end);
            b.position(8);
            long firstSeq = b.getLong();
            long lastSeq = b.getLong();
            long lastTime = b.getLong();
            long firstTime = b.getLong();
            long msgs = b.getLong();
            long bytes = b.getLong();
            int nextBlockId = b.getInt();
            int blockCount = b.getInt();
            int subjectCount = b.getInt();
            int slots = b.getInt();
            long slotBase = b.getLong();
            long lostCount = b.getLong();
            long lostBytes = b.getLong();
            int lostSeqs = b.getInt();
            int chunkSlots = b.getInt();
            b.getLong();
            List<Long> lost = new ArrayList<>(lostSeqs);
            for (int i = 0; i < lostSeqs; i++) {
                lost.add(b.getLong());
            }
            List<BlockState> blocks = new ArrayList<>(blockCount);
            for (int i = 0; i < blockCount; i++) {
                int id = b.getInt();
                long nonce = b.getLong();
                long length = b.getLong();
                long liveMsgs = b.getLong();
                long liveBytes = b.getLong();
                long messageBytes = b.getLong();
                long minSeq = b.getLong();
                long maxSeq = b.getLong();
                long[] tombstones = new long[b.getInt()];
                long[] dead = new long[b.getInt()];
                b.asLongBuffer().get(tombstones).get(dead);
                b.position(b.position() + 8 * (tombstones.length + dead.length));
                blocks.add(new BlockState(id, nonce, length, liveMsgs, liveBytes, messageBytes, minSeq, maxSeq,
                        tombstones, dead));
            }
            List<SubjectState> subjects = new ArrayList<>(subjectCount);
            for (int i = 0; i < subjectCount; i++) {
                int id = b.getInt();
                long count = b.getLong();
                long first = b.getLong();
                long last = b.getLong();
                byte[] name = new byte[b.getShort() & 0xFFFF];
                b.get(name);
                subjects.add(new SubjectState(id, new String(name, StandardCharsets.UTF_8), count, first, last));
            }
            if (slots < 0 || chunkSlots <= 0 || chunkSlots > CHUNK_SLOTS_MAX || b.hasRemaining()) {
                return null;
            }
            long chunks = (slots + (long) chunkSlots - 1) / chunkSlots;
            long expected = summaryLength + (long) slots * SLOT_BYTES + 4 * chunks;
            if (fileSize != expected) {
                return null;
            }
            Saved saved = new Saved(firstSeq, lastSeq, lastTime, firstTime, msgs, bytes, nextBlockId, lostCount,
                    lostBytes, lost, blocks, subjects, slotBase, slots, chunkSlots);
            return new Opened(saved, new Chunks(ch, summaryLength, chunkSlots, slots));
        } catch (RuntimeException e) {
            // Counts that do not add up although the checksum matched: not a file this store wrote.
            return null;
        }
    }

    /** Deletes the file; true when there was one. */
    static boolean delete(Path msgsDir) throws IOException {
        return Files.deleteIfExists(path(msgsDir));
    }
}
