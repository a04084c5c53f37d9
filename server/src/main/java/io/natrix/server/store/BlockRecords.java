package io.natrix.server.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;

import static io.natrix.server.store.BlockFormat.*;

/**
 * The records of one block in file order, as recovery needs them: kind, sequence, offset, subject and accounted
 * size. Filled by scanning the block ({@link BlockScan}), by reading its index file, or as the write block appends;
 * written out as the block's index file ({@link #toIndexFile}) when the block is sealed.
 *
 * <p>Subjects are interned per block, so each distinct subject is one String here. About 21 bytes per record.
 *
 * <p>Not thread-safe: owned by the file store under its lock, or by recovery.
 */
final class BlockRecords {
    int count;
    byte[] kinds = new byte[64];
    long[] seqs = new long[64];
    int[] offsets = new int[64];
    int[] subjects = new int[64];
    int[] sizes = new int[64];
    private final ArrayList<String> subjectNames = new ArrayList<>();
    private final HashMap<String, Integer> subjectIds = new HashMap<>();

    void add(byte kind, long seq, int offset, String subject, int size) {
        if (count == kinds.length) {
            int n = count * 2;
            kinds = Arrays.copyOf(kinds, n);
            seqs = Arrays.copyOf(seqs, n);
            offsets = Arrays.copyOf(offsets, n);
            subjects = Arrays.copyOf(subjects, n);
            sizes = Arrays.copyOf(sizes, n);
        }
        kinds[count] = kind;
        seqs[count] = seq;
        offsets[count] = offset;
        subjects[count] = subject == null ? -1 : intern(subject);
        sizes[count] = size;
        count++;
    }

    private int intern(String subject) {
        Integer id = subjectIds.get(subject);
        if (id == null) {
            id = subjectNames.size();
            subjectNames.add(subject);
            subjectIds.put(subject, id);
        }
        return id;
    }

    String subject(int i) {
        int id = subjects[i];
        return id < 0 ? null : subjectNames.get(id);
    }

    /** Drops every record from index {@code i} on (a block cut short). */
    void truncate(int i) {
        count = Math.min(count, i);
    }

    /** Serialises these records as the block's index file (layout in {@link FileStore}). */
    byte[] toIndexFile(long nonce, long covered) {
        List<byte[]> names = new ArrayList<>(subjectNames.size());
        int namesBytes = 0;
        for (String s : subjectNames) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            names.add(b);
            namesBytes += 2 + b.length;
        }
        ByteBuffer b = ByteBuffer.allocate(INDEX_HEADER_SIZE + namesBytes + count * INDEX_ENTRY_SIZE + 4);
        b.putInt(INDEX_MAGIC).put(VERSION).put(new byte[3]).putLong(nonce).putLong(covered).putInt(count)
                .putInt(names.size());
        for (byte[] n : names) {
            b.putShort((short) n.length).put(n);
        }
        for (int i = 0; i < count; i++) {
            b.put(kinds[i]).putLong(seqs[i]).putInt(offsets[i]).putInt(subjects[i]).putInt(sizes[i]);
        }
        b.putInt(crc(b.array(), 0, b.position()));
        return b.array();
    }

    /**
     * Reads an index file written by {@link #toIndexFile}; null when it is damaged, of another version, or not of the
     * block generation {@code nonce}. Returns the records and, in {@code covered[0]}, the block length described.
     */
    static BlockRecords fromIndexFile(byte[] d, long nonce, long[] covered) {
        if (d.length < INDEX_HEADER_SIZE || getLong(d, IX_NONCE) != nonce) {
            return null;
        }
        return fromIndexFileOfAnyGeneration(d, covered);
    }

    /**
     * {@link #fromIndexFile} without the nonce check: for a block whose header (and so its nonce) is damaged. Sound
     * only because the store deletes a block's index file before it rewrites, cuts or deletes the block, so an index
     * file that is there describes the block file of its name as it was when the index was written.
     */
    static BlockRecords fromIndexFileOfAnyGeneration(byte[] d, long[] covered) {
        try {
            if (d.length < INDEX_HEADER_SIZE + 4 || getInt(d, IX_MAGIC) != INDEX_MAGIC || d[IX_VERSION] != VERSION
                    || getInt(d, d.length - 4) != crc(d, 0, d.length - 4)) {
                return null;
            }
            ByteBuffer b = ByteBuffer.wrap(d, 0, d.length - 4);
            covered[0] = b.getLong(IX_COVERED);
            int records = b.getInt(IX_RECORDS);
            int nameCount = b.getInt(IX_SUBJECTS);
            b.position(INDEX_HEADER_SIZE);
            String[] names = new String[nameCount];
            for (int i = 0; i < nameCount; i++) {
                byte[] n = new byte[b.getShort() & 0xFFFF];
                b.get(n);
                names[i] = new String(n, StandardCharsets.UTF_8);
            }
            BlockRecords r = new BlockRecords();
            for (int i = 0; i < records; i++) {
                byte kind = b.get();
                long seq = b.getLong();
                int offset = b.getInt();
                int subject = b.getInt();
                int size = b.getInt();
                r.add(kind, seq, offset, subject < 0 ? null : names[subject], size);
            }
            return b.hasRemaining() ? null : r;
        } catch (RuntimeException e) {
            // Sizes that do not add up although the checksum matched: treat as damaged, the block is scanned.
            return null;
        }
    }
}
