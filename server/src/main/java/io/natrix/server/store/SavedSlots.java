package io.natrix.server.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.NavigableMap;

import static io.natrix.server.store.BlockFormat.BLOCK_HEADER_SIZE;
import static io.natrix.server.store.BlockFormat.KIND_DAMAGED;
import static io.natrix.server.store.BlockFormat.KIND_MSG;

/**
 * Loads the slots of a file store opened from its saved state, one chunk of {@code state.db} at a time, when the
 * store first touches them ({@link SlotTable.Loader}); so an open costs the summary, not a read of every slot.
 *
 * <p>A chunk whose checksum fails is rebuilt from the blocks holding its sequences: each block's records from its
 * index file when that is sound and covers the block, from the write block's in-memory records, or else from the
 * block itself, every record checksummed. A message record not marked removed in its block ({@link Block#dead}) is
 * a held message, as on the eager path. When that cannot be done exactly (a block damaged too, or a subject the
 * store does not know), the load fails with an {@link IOException} that reaches the caller: the slots stay unloaded
 * and are never served; the next open reads the blocks (the saved state is gone by then) and reports what is lost.
 *
 * <p>Thread-safety: called by the slot table, one load at a time, with the store's read or write lock held (so the
 * blocks, their accounting and the subjects do not change meanwhile). Every store change that would make a chunk's
 * references wrong (rewriting, cutting or deleting a block) loads the chunks of that block's sequences first.
 */
final class SavedSlots implements SlotTable.Loader {
    private static final Logger LOG = LoggerFactory.getLogger(SavedSlots.class);

    private final StateFile.Chunks chunks;
    private final SlotTable slots;
    private final SubjectStates subjects;
    private final NavigableMap<Long, Block> bySeq;
    private final Path msgsDir;

    SavedSlots(StateFile.Chunks chunks, SlotTable slots, SubjectStates subjects, NavigableMap<Long, Block> bySeq,
               Path msgsDir) {
        this.chunks = chunks;
        this.slots = slots;
        this.subjects = subjects;
        this.bySeq = bySeq;
        this.msgsDir = msgsDir;
    }

    @Override
    public void load(int segment, long from, long to) throws IOException {
        StateFile.Columns c;
        try {
            c = chunks.read(segment);
        } catch (IOException e) {
            LOG.warn("Message store {}: could not read chunk {} of its saved state ({}); reading its blocks",
                    msgsDir.getParent(), segment, e.toString());
            c = null;
        }
        if (c != null && c.subjects().length == to - from + 1) {
            slots.fillColumns(from, c.subjects().length, c.subjects(), c.sizes(), c.refs());
            return;
        }
        LOG.warn("Message store {}: chunk {} of its saved state is damaged; reading sequences {}..{} from its blocks",
                msgsDir.getParent(), segment, from, to);
        loadFromBlocks(from, to);
    }

    /** Fills [{@code from}, {@code to}] from the records of the blocks holding those sequences. */
    private void loadFromBlocks(long from, long to) throws IOException {
        slots.fillEmpty(from, to);
        Long start = bySeq.floorKey(from);
        for (Block b : bySeq.subMap(start == null ? from : start, true, to, true).values()) {
            if (b.maxSeq < from) {
                continue;
            }
            BlockRecords recs = records(b);
            for (int i = 0; i < recs.count; i++) {
                long seq = recs.seqs[i];
                byte kind = recs.kinds[i];
                if ((kind != KIND_MSG && kind != KIND_DAMAGED) || seq < from || seq > to || b.holdsDead(seq)) {
                    continue;
                }
                String subject = recs.subject(i);
                SubjectStates.Entry e = subject == null ? null : subjects.get(subject);
                if (kind == KIND_DAMAGED || e == null) {
                    throw new IOException("message " + seq + " in " + b.path + " cannot be placed (its record is "
                            + (kind == KIND_DAMAGED ? "damaged" : "of an unknown subject") + ") and the saved state"
                            + " that placed it is damaged; reopen the store to recover it from its blocks");
                }
                slots.fill(seq, e.id, recs.sizes[i], FileStore.ref(b.id, recs.offsets[i]));
            }
        }
    }

    /** A block's records: its in-memory ones (write block), its sound index file, or a clean scan of it. */
    private BlockRecords records(Block b) throws IOException {
        if (b.log != null) {
            return b.log;
        }
        try {
            long[] covered = new long[1];
            BlockRecords recs = BlockRecords.fromIndexFile(Files.readAllBytes(FileStore.indexPath(msgsDir, b.id)),
                    b.nonce, covered);
            if (recs != null && covered[0] == b.length) {
                return recs;
            }
        } catch (NoSuchFileException e) {
            // Scanned below.
        }
        BlockRecords recs = new BlockRecords();
        BlockScan scan = BlockScan.scan(b.readFully(BLOCK_HEADER_SIZE, (int) b.length - BLOCK_HEADER_SIZE),
                BLOCK_HEADER_SIZE, recs);
        if (!scan.regions.isEmpty() || scan.validEnd < b.length) {
            throw new IOException(b.path + " has damaged stretches, and neither its index file nor the store's saved"
                    + " state can place its messages; reopen the store to recover it from its blocks");
        }
        return recs;
    }
}
