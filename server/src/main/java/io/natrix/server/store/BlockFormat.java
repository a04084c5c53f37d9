package io.natrix.server.store;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The byte layout of block files and their index files, as drawn in {@link FileStore}'s documentation: offsets,
 * encoders and checks. Integers are big-endian. Pure functions, no I/O.
 */
final class BlockFormat {

    private BlockFormat() {
    }

    static final byte VERSION = 1;

    // ---- block header ----
    static final int BLOCK_MAGIC = 0x4E58424B; // "NXBK"
    static final int BLOCK_HEADER_SIZE = 48;
    static final int BH_MAGIC = 0;
    static final int BH_VERSION = 4;
    static final int BH_BASE = 8;
    static final int BH_FLOOR = 16;
    static final int BH_LAST_TIME = 24;
    static final int BH_NONCE = 32;
    static final int BH_CRC = 44;

    // ---- record ----
    static final short RECORD_MAGIC = 0x4E52; // "NR"
    static final int RECORD_HEADER_SIZE = 40;
    static final int RECORD_TRAILER_SIZE = 4;
    static final int RECORD_OVERHEAD = RECORD_HEADER_SIZE + RECORD_TRAILER_SIZE;
    static final int R_LENGTH = 0;
    static final int R_MAGIC = 4;
    static final int R_VERSION = 6;
    static final int R_KIND = 7;
    static final int R_SEQ = 8;
    static final int R_TIME = 16;
    static final int R_SUBJECT_LENGTH = 24;
    static final int R_FLAGS = 26;
    static final int R_HEADERS_LENGTH = 28;
    static final int R_PAYLOAD_LENGTH = 32;
    static final int R_HEADER_CRC = 36;

    static final byte KIND_MSG = 1;
    static final byte KIND_SKIP = 2;
    static final byte KIND_TOMBSTONE = 3;
    /** Never on disk: a record whose header is sound but whose body fails its checksum (damaged or erased). */
    static final byte KIND_DAMAGED = 9;

    /** Tombstone flag: the removed message's bytes were overwritten. */
    static final short FLAG_ERASED = 1;

    static final int SUBJECT_LENGTH_MAX = 0xFFFF;
    /** The largest record: its length must fit the int length field, with room for the block header. */
    static final long RECORD_LENGTH_MAX = Integer.MAX_VALUE - BLOCK_HEADER_SIZE;

    // ---- index file ----
    static final int INDEX_MAGIC = 0x4E584958; // "NXIX"
    static final int INDEX_HEADER_SIZE = 32;
    static final int IX_MAGIC = 0;
    static final int IX_VERSION = 4;
    static final int IX_NONCE = 8;
    static final int IX_COVERED = 16;
    static final int IX_RECORDS = 24;
    static final int IX_SUBJECTS = 28;
    /** Index files of version 1 hold one row per record: kind(1) seq(8) offset(4) subject(4) size(4). */
    static final byte INDEX_VERSION_ROWS = 1;
    /**
     * Version 2 (written since) holds the same fields as columns: all kinds, then all sequences, offsets, subject
     * indexes and sizes, so that reading one is a bulk copy per column rather than a loop per record.
     */
    static final byte INDEX_VERSION_COLUMNS = 2;
    /** Bytes per record in either version. */
    static final int INDEX_ENTRY_SIZE = 21;

    static long recordLength(int subjectLength, int headersLength, int payloadLength) {
        return (long) RECORD_OVERHEAD + subjectLength + headersLength + payloadLength;
    }

    /** nats-server's fileStoreMsgSize: the record it would write (4 more bytes and the headers when present). */
    static long fileStoreMsgSize(int subjectLength, int headersLength, int payloadLength) {
        if (headersLength == 0) {
            return 22L + subjectLength + payloadLength + 8;
        }
        return 22L + subjectLength + 4 + headersLength + payloadLength + 8;
    }

    static int crc(byte[] data, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(data, offset, length);
        return (int) crc.getValue();
    }

    /** Writes the 40-byte record header (with its checksum) at the buffer's position. */
    static void putRecordHeader(ByteBuffer b, int length, byte kind, long seq, long time, int subjectLength, short flags,
                                int headersLength, int payloadLength) {
        int start = b.position();
        b.putInt(length).putShort(RECORD_MAGIC).put(VERSION).put(kind).putLong(seq).putLong(time)
                .putShort((short) subjectLength).putShort(flags).putInt(headersLength).putInt(payloadLength);
        CRC32C crc = new CRC32C();
        crc.update(b.duplicate().position(start).limit(start + R_HEADER_CRC));
        b.putInt((int) crc.getValue());
    }

    /** A complete record without body (skip or tombstone), 44 bytes. */
    static ByteBuffer marker(byte kind, long seq, long time, short flags) {
        ByteBuffer b = ByteBuffer.allocate(RECORD_OVERHEAD);
        putRecordHeader(b, RECORD_OVERHEAD, kind, seq, time, 0, flags, 0, 0);
        b.putInt(crc(b.array(), 0, RECORD_HEADER_SIZE));
        return b.flip();
    }

    static ByteBuffer blockHeader(long base, long floor, long lastTime, long nonce) {
        ByteBuffer b = ByteBuffer.allocate(BLOCK_HEADER_SIZE);
        b.putInt(BLOCK_MAGIC).put(VERSION).put(new byte[3]).putLong(base).putLong(floor).putLong(lastTime)
                .putLong(nonce).putInt(0);
        b.putInt(crc(b.array(), 0, BH_CRC));
        return b.flip();
    }

    static boolean blockHeaderValid(byte[] h) {
        ByteBuffer b = ByteBuffer.wrap(h);
        return h.length >= BLOCK_HEADER_SIZE && b.getInt(BH_MAGIC) == BLOCK_MAGIC && b.get(BH_VERSION) == VERSION
                && b.getInt(BH_CRC) == crc(h, 0, BH_CRC);
    }

    /**
     * The length of the record whose header starts at {@code p} when that header is sound (magic, version, kind,
     * checksum, lengths adding up); -1 otherwise. The record may extend past {@code end}: callers check.
     */
    static long soundHeaderLength(byte[] d, int p, int end) {
        if (end - p < RECORD_HEADER_SIZE) {
            return -1;
        }
        if (getShort(d, p + R_MAGIC) != RECORD_MAGIC || d[p + R_VERSION] != VERSION) {
            return -1;
        }
        byte kind = d[p + R_KIND];
        if (kind != KIND_MSG && kind != KIND_SKIP && kind != KIND_TOMBSTONE) {
            return -1;
        }
        if (getInt(d, p + R_HEADER_CRC) != crc(d, p, R_HEADER_CRC)) {
            return -1;
        }
        int length = getInt(d, p + R_LENGTH);
        int headers = getInt(d, p + R_HEADERS_LENGTH);
        int payload = getInt(d, p + R_PAYLOAD_LENGTH);
        if (headers < 0 || payload < 0) {
            return -1;
        }
        long expected = recordLength(getShort(d, p + R_SUBJECT_LENGTH) & 0xFFFF, headers, payload);
        return expected == length ? length : -1;
    }

    /** Whether the record at {@code p} of the given (sound) length passes its body checksum. */
    static boolean bodySound(byte[] d, int p, int length) {
        return getInt(d, p + length - RECORD_TRAILER_SIZE) == crc(d, p, length - RECORD_TRAILER_SIZE);
    }

    static int getInt(byte[] d, int p) {
        return ((d[p] & 0xFF) << 24) | ((d[p + 1] & 0xFF) << 16) | ((d[p + 2] & 0xFF) << 8) | (d[p + 3] & 0xFF);
    }

    static short getShort(byte[] d, int p) {
        return (short) (((d[p] & 0xFF) << 8) | (d[p + 1] & 0xFF));
    }

    static long getLong(byte[] d, int p) {
        return ((long) getInt(d, p) << 32) | (getInt(d, p + 4) & 0xFFFFFFFFL);
    }
}
