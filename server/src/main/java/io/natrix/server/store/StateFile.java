package io.natrix.server.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
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
 * A file store's whole in-memory index as it was at a clean close, {@code <dir>/msgs/state.db}, so that the next
 * open loads it in a few bulk copies instead of reading every block's records (nats-server keeps such a file too,
 * its stream state in {@code index.db}):
 * <pre>
 *   0        4    5       8           16         24          32     40      48            52         56
 *   +--------+----+-------+-----------+----------+-----------+------+-------+-------------+----------+
 *   | "NXST" | v1 | 0 0 0 | first seq | last seq | last time | msgs | bytes | next blk id | blocks n |
 *   +--------+----+-------+-----------+----------+-----------+------+-------+-------------+----------+
 *   56             60        64          72           80           88           92
 *   | subjects n   | slots n | slot base | lost count | lost bytes | lost seqs n | 0 (u32) |                header
 *   lost sequences:  u64 × lost seqs n
 *   per block:       id (u32) | nonce | length | live msgs | live bytes | message bytes | min seq | max seq (u64s)
 *                    | tombstones n (u32) | dead words n (u32) | tombstone seqs (u64 ×) | dead bit words (u64 ×)
 *   per subject:     id (u32) | msgs | first | last (u64s) | length (u16) | UTF-8
 *   slot columns:    subject ids (i32 × slots n) | sizes (i32 × slots n) | references (i64 × slots n)
 *   CRC32C (u32) of every byte before
 * </pre>
 * Big-endian. Written after the close's final sync (block files, their index files and {@code ttl.db} are durable
 * by then); not fsynced itself, because it is only ever trusted after checks: its checksum, and that the block files
 * in the directory are exactly the ones it lists, each with a sound header of the listed nonce, the listed length,
 * and an index file (the write block's is read: the store keeps its records to write at sealing). Any mismatch, and
 * recovery reads the blocks as it does after a crash ({@link Recovery}). Opening deletes the file and syncs the
 * directory before the store changes anything, so the file exists only while the store is closed and unchanged
 * since: a crash while open always recovers from the blocks.
 *
 * <p>Stateless; the file store calls it under its write lock.
 */
final class StateFile {
    static final String NAME = "state.db";
    private static final int MAGIC = 0x4E585354; // "NXST"
    private static final byte VERSION = 1;
    private static final int HEADER_SIZE = 96;
    private static final int BLOCK_FIXED_SIZE = 4 + 7 * 8 + 4 + 4;
    private static final int SUBJECT_FIXED_SIZE = 4 + 3 * 8 + 2;

    /** What a clean close knew of one block. */
    record BlockState(int id, long nonce, long length, long liveMsgs, long liveBytes, long messageBytes,
                      long minSeq, long maxSeq, long[] tombstones, long[] deadWords) {
    }

    /** One subject's figures and id. */
    record SubjectState(int id, String subject, long msgs, long first, long last) {
    }

    /** The whole saved state; the slot columns are {@link SlotTable#capacityFor} long, holding {@code slots}. */
    record Saved(long firstSeq, long lastSeq, long lastTime, long msgs, long bytes, int nextBlockId,
                 long lostCount, long lostBytes, List<Long> lostSequences, List<BlockState> blocks,
                 List<SubjectState> subjects, long slotBase, int slots, int[] slotSubjects, int[] slotSizes,
                 long[] slotRefs) {
    }

    private StateFile() {
    }

    static Path path(Path msgsDir) {
        return msgsDir.resolve(NAME);
    }

    /** Writes the state (temp file, then rename). */
    static void write(Path msgsDir, Saved s) throws IOException {
        List<byte[]> names = new ArrayList<>(s.subjects().size());
        long size = HEADER_SIZE + 8L * s.lostSequences().size() + 16L * s.slots() + 4;
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
                .putLong(s.lastTime()).putLong(s.msgs()).putLong(s.bytes()).putInt(s.nextBlockId())
                .putInt(s.blocks().size()).putInt(s.subjects().size()).putInt(s.slots()).putLong(s.slotBase())
                .putLong(s.lostCount()).putLong(s.lostBytes()).putInt(s.lostSequences().size()).putInt(0);
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
        int n = s.slots();
        b.asIntBuffer().put(s.slotSubjects(), 0, n);
        b.position(b.position() + 4 * n);
        b.asIntBuffer().put(s.slotSizes(), 0, n);
        b.position(b.position() + 4 * n);
        b.asLongBuffer().put(s.slotRefs(), 0, n);
        b.position(b.position() + 8 * n);
        b.putInt(crc(b.array(), 0, b.position()));
        Path tmp = msgsDir.resolve(NAME + ".tmp");
        Files.write(tmp, b.array());
        FileStore.move(tmp, path(msgsDir));
    }

    /**
     * Reads the saved state, or null when there is none or it is damaged. The file is mapped rather than read into
     * the heap: its bulk (the slot columns) is copied once, straight into the arrays the slot table keeps.
     */
    static Saved read(Path msgsDir) throws IOException {
        MappedByteBuffer d;
        try (FileChannel ch = FileChannel.open(path(msgsDir), StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < HEADER_SIZE + 4 || size > Integer.MAX_VALUE) {
                return null;
            }
            d = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        } catch (NoSuchFileException e) {
            return null;
        }
        int end = d.capacity() - 4;
        CRC32C crc = new CRC32C();
        crc.update(d.slice(0, end));
        if (d.getInt(0) != MAGIC || d.get(4) != VERSION || d.getInt(end) != (int) crc.getValue()) {
            return null;
        }
        try {
            ByteBuffer b = d.slice(0, end);
            b.position(8);
            long firstSeq = b.getLong();
            long lastSeq = b.getLong();
            long lastTime = b.getLong();
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
            b.getInt();
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
            if (slots < 0 || b.remaining() != 16L * slots) {
                return null;
            }
            int capacity = SlotTable.capacityFor(slots);
            int[] slotSubjects = new int[capacity];
            int[] slotSizes = new int[capacity];
            long[] slotRefs = new long[capacity];
            b.asIntBuffer().get(slotSubjects, 0, slots);
            b.position(b.position() + 4 * slots);
            b.asIntBuffer().get(slotSizes, 0, slots);
            b.position(b.position() + 4 * slots);
            b.asLongBuffer().get(slotRefs, 0, slots);
            return new Saved(firstSeq, lastSeq, lastTime, msgs, bytes, nextBlockId, lostCount, lostBytes, lost,
                    blocks, subjects, slotBase, slots, slotSubjects, slotSizes, slotRefs);
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
