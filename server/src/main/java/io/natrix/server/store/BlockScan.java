package io.natrix.server.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.natrix.server.store.BlockFormat.*;

/**
 * Reads the records of a stretch of a block file and says what could not be read. Used by recovery (blocks
 * without a valid index file, and the tail of the write block past its index) and by block rewrites.
 *
 * <ul>
 *   <li>A record whose header is sound but whose body fails its checksum is kept as {@link BlockFormat#KIND_DAMAGED}
 *       with its sequence: a damaged or erased message, whose length is known, so the scan goes on after it.</li>
 *   <li>Bytes that do not start a sound header are a damaged stretch: the scan looks for the next sound header and
 *       reports the stretch as a {@link Region}.</li>
 *   <li>When nothing sound follows, or the last record runs past the end, the readable part ends there
 *       ({@link #validEnd}): in the write block that is a torn write, cut off by recovery.</li>
 * </ul>
 *
 * <p>Pure: works on bytes already read; no I/O, no state outside the result.
 */
final class BlockScan {

    /** A damaged stretch [{@code start}, {@code end}) of the file; {@code recordsBefore} records precede it. */
    record Region(long start, long end, int recordsBefore) {
    }

    final BlockRecords records;
    final List<Region> regions = new ArrayList<>();
    /** The file offset where the readable records end (the file length when everything was readable). */
    long validEnd;

    private BlockScan(BlockRecords records) {
        this.records = records;
    }

    /**
     * Scans {@code data}, the bytes of the file from offset {@code fileOffset} to its end, appending to
     * {@code into}.
     */
    static BlockScan scan(byte[] data, long fileOffset, BlockRecords into) {
        BlockScan scan = new BlockScan(into);
        int n = data.length;
        int p = 0;
        while (p < n) {
            long length = soundHeaderLength(data, p, n);
            if (length > 0 && p + length <= n) {
                scan.accept(data, p, (int) length, fileOffset + p);
                p += (int) length;
                continue;
            }
            if (length > 0) {
                // A sound header whose record runs past the end: the last write did not finish.
                break;
            }
            int next = nextSoundRecord(data, p + 1);
            if (next < 0) {
                break;
            }
            scan.regions.add(new Region(fileOffset + p, fileOffset + next, into.count));
            p = next;
        }
        scan.validEnd = fileOffset + p;
        return scan;
    }

    private void accept(byte[] d, int p, int length, long offset) {
        byte kind = d[p + R_KIND];
        long seq = getLong(d, p + R_SEQ);
        int subjectLength = getShort(d, p + R_SUBJECT_LENGTH) & 0xFFFF;
        int headers = getInt(d, p + R_HEADERS_LENGTH);
        int payload = getInt(d, p + R_PAYLOAD_LENGTH);
        if (kind != KIND_MSG) {
            // Skips and tombstones carry everything in their header, whose own checksum held.
            records.add(kind, seq, (int) offset, null, 0);
            return;
        }
        int size = (int) fileStoreMsgSize(subjectLength, headers, payload);
        if (!bodySound(d, p, length)) {
            records.add(KIND_DAMAGED, seq, (int) offset, null, size);
            return;
        }
        String subject = new String(d, p + RECORD_HEADER_SIZE, subjectLength, StandardCharsets.UTF_8);
        records.add(KIND_MSG, seq, (int) offset, subject, size);
    }

    /** The index of the next sound record at or after {@code from} that fits in the data, or -1. */
    private static int nextSoundRecord(byte[] d, int from) {
        int n = d.length;
        for (int i = from; i + RECORD_HEADER_SIZE <= n; i++) {
            if (d[i + R_MAGIC] != (byte) (RECORD_MAGIC >> 8) || d[i + R_MAGIC + 1] != (byte) RECORD_MAGIC) {
                continue;
            }
            long length = soundHeaderLength(d, i, n);
            if (length > 0 && i + length <= n) {
                return i;
            }
        }
        return -1;
    }
}
