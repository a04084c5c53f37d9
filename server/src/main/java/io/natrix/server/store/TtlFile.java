package io.natrix.server.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * A file store's saved {@link TtlIndex}, {@code <dir>/msgs/ttl.db}, so a restart does not have to read every
 * message's headers to know when it expires:
 * <pre>
 *   0        4    5        8             16          20
 *   +--------+----+--------+-------------+-----------+
 *   | "NXTL" | v1 | 0 0 0  | below (u64) | n (u32)   |   header
 *   +--------+----+--------+-------------+-----------+
 *   | sequence (u64) | deadline (i64, ns since the epoch; -1 = never) |   × n
 *   +----------------+-------------------------------------------------+
 *   | CRC32C (u32) of every byte before                                |
 *   +------------------------------------------------------------------+
 * </pre>
 * Little-endian. {@code below}: the entries describe every message with a sequence below it (the store's last
 * sequence + 1 when written); messages at or above it are read from the blocks at recovery and their
 * {@code Nats-TTL} headers parsed. Entries of messages removed since are harmless (recovery keeps only messages it
 * holds). The file is advisory: when it is missing or fails its checksum, recovery reads every message's headers.
 * Written to {@code ttl.db.tmp}, fsynced, then renamed; deleted by a truncate, whose sequences will be given again.
 *
 * <p>Stateless; the file store calls it under its write lock.
 */
final class TtlFile {
    static final String NAME = "ttl.db";
    private static final byte[] MAGIC = {'N', 'X', 'T', 'L'};
    private static final byte VERSION = 1;
    private static final int HEADER_SIZE = 20;
    private static final int ENTRY_SIZE = 16;
    private static final int CRC_SIZE = 4;
    private static final int OFF_BELOW = 8;
    private static final int OFF_COUNT = 16;

    /** What a saved file holds: parallel arrays of sequences and deadlines (-1: never). */
    record Saved(long below, long[] seqs, long[] deadlines) {
    }

    private TtlFile() {
    }

    static Path path(Path msgsDir) {
        return msgsDir.resolve(NAME);
    }

    /** Reads the saved index, or null when there is none or it is damaged. */
    static Saved read(Path msgsDir) throws IOException {
        byte[] data;
        try {
            data = Files.readAllBytes(path(msgsDir));
        } catch (NoSuchFileException e) {
            return null;
        }
        if (data.length < HEADER_SIZE + CRC_SIZE) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < MAGIC.length; i++) {
            if (data[i] != MAGIC[i]) {
                return null;
            }
        }
        if (data[4] != VERSION) {
            return null;
        }
        long count = Integer.toUnsignedLong(b.getInt(OFF_COUNT));
        if (data.length != HEADER_SIZE + count * ENTRY_SIZE + CRC_SIZE) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(data, 0, data.length - CRC_SIZE);
        if ((int) crc.getValue() != b.getInt(data.length - CRC_SIZE)) {
            return null;
        }
        int n = (int) count;
        long[] seqs = new long[n];
        long[] deadlines = new long[n];
        for (int i = 0; i < n; i++) {
            seqs[i] = b.getLong(HEADER_SIZE + i * ENTRY_SIZE);
            deadlines[i] = b.getLong(HEADER_SIZE + i * ENTRY_SIZE + 8);
        }
        return new Saved(b.getLong(OFF_BELOW), seqs, deadlines);
    }

    /** Writes the entries of held messages in {@code index}, valid for sequences below {@code below}. */
    static void write(Path msgsDir, TtlIndex index, long below) throws IOException {
        int[] count = new int[1];
        index.forEachHeld((seq, deadline) -> count[0]++);
        long length = HEADER_SIZE + (long) count[0] * ENTRY_SIZE + CRC_SIZE;
        if (length > Integer.MAX_VALUE) {
            throw new IOException("too many TTL entries to save: " + count[0]);
        }
        ByteBuffer b = ByteBuffer.allocate((int) length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put(VERSION).put((byte) 0).put((byte) 0).put((byte) 0).putLong(below).putInt(count[0]);
        index.forEachHeld((seq, deadline) -> b.putLong(seq).putLong(deadline));
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        Path tmp = msgsDir.resolve(NAME + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            b.flip();
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(false);
        }
        FileStore.move(tmp, path(msgsDir));
    }

    static void delete(Path msgsDir) throws IOException {
        Files.deleteIfExists(path(msgsDir));
    }
}
