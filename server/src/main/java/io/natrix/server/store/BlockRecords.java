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
    /** Subject name to its index in {@link #subjectNames}; built on the first {@link #add} (records read from an
     *  index file carry their subject indexes, so a block that only recovery reads never hashes a subject). */
    private HashMap<String, Integer> subjectIds;

    BlockRecords() {
    }

    /** Records read from an index file: the arrays and subject names are taken as they are (not copied). */
    private BlockRecords(int count, byte[] kinds, long[] seqs, int[] offsets, int[] subjects, int[] sizes,
                         String[] names) {
        this.count = count;
        this.kinds = kinds;
        this.seqs = seqs;
        this.offsets = offsets;
        this.subjects = subjects;
        this.sizes = sizes;
        this.subjectNames.addAll(Arrays.asList(names));
    }

    void add(byte kind, long seq, int offset, String subject, int size) {
        if (count == kinds.length) {
            int n = Math.max(64, count * 2);
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
        if (subjectIds == null) {
            subjectIds = new HashMap<>();
            for (int i = 0; i < subjectNames.size(); i++) {
                subjectIds.put(subjectNames.get(i), i);
            }
        }
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

    /** The distinct subjects of these records; {@link #subjects} holds indexes into them (-1: none). */
    int subjectCount() {
        return subjectNames.size();
    }

    String subjectName(int id) {
        return subjectNames.get(id);
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
        b.putInt(INDEX_MAGIC).put(INDEX_VERSION_COLUMNS).put(new byte[3]).putLong(nonce).putLong(covered)
                .putInt(count).putInt(names.size());
        for (byte[] n : names) {
            b.putShort((short) n.length).put(n);
        }
        b.put(kinds, 0, count);
        b.asLongBuffer().put(seqs, 0, count);
        b.position(b.position() + count * Long.BYTES);
        for (int[] column : new int[][] {offsets, subjects, sizes}) {
            b.asIntBuffer().put(column, 0, count);
            b.position(b.position() + count * Integer.BYTES);
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
            byte version = d.length < INDEX_HEADER_SIZE + 4 ? 0 : d[IX_VERSION];
            if ((version != INDEX_VERSION_COLUMNS && version != INDEX_VERSION_ROWS)
                    || getInt(d, IX_MAGIC) != INDEX_MAGIC || getInt(d, d.length - 4) != crc(d, 0, d.length - 4)) {
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
            if (records < 0 || (long) records * INDEX_ENTRY_SIZE != b.remaining()) {
                return null;
            }
            byte[] kinds = new byte[records];
            long[] seqs = new long[records];
            int[] offsets = new int[records];
            int[] subjects = new int[records];
            int[] sizes = new int[records];
            if (version == INDEX_VERSION_COLUMNS) {
                // Bulk copies: this runs for every record of the store on every open.
                b.get(kinds);
                b.asLongBuffer().get(seqs);
                b.position(b.position() + records * Long.BYTES);
                for (int[] column : new int[][] {offsets, subjects, sizes}) {
                    b.asIntBuffer().get(column);
                    b.position(b.position() + records * Integer.BYTES);
                }
            } else {
                int p = b.position();
                for (int i = 0; i < records; i++, p += INDEX_ENTRY_SIZE) {
                    kinds[i] = d[p];
                    seqs[i] = getLong(d, p + 1);
                    offsets[i] = getInt(d, p + 9);
                    subjects[i] = getInt(d, p + 13);
                    sizes[i] = getInt(d, p + 17);
                }
                b.position(p);
            }
            // The checksum held, so these are as the store wrote them; a subject index out of range would still be
            // a store bug, caught here rather than as a failed open.
            int minSubject = 0;
            int maxSubject = -1;
            for (int i = 0; i < records; i++) {
                minSubject = Math.min(minSubject, subjects[i]);
                maxSubject = Math.max(maxSubject, subjects[i]);
            }
            if (minSubject < -1 || maxSubject >= nameCount) {
                return null;
            }
            BlockRecords r = new BlockRecords(records, kinds, seqs, offsets, subjects, sizes, names);
            return b.hasRemaining() ? null : r;
        } catch (RuntimeException e) {
            // Sizes that do not add up although the checksum matched: treat as damaged, the block is scanned.
            return null;
        }
    }
}
