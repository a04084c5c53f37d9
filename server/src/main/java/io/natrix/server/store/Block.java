package io.natrix.server.store;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;

import static io.natrix.server.store.BlockFormat.*;

/**
 * One block file of a {@link FileStore}: its channel, what its header promises, and the accounting the store needs
 * to decide when the block can go (no message held) or be rewritten (mostly removed messages).
 *
 * <p>Thread-safety: positional reads ({@link #read}) may run on any thread holding the store's read lock; everything
 * else needs the store's write lock.
 */
final class Block {
    final int id;
    final Path path;
    FileChannel channel;

    /** Header: every message or skip record in this block has a sequence at or above {@code base}. */
    long base;
    /** Header: sequences below {@code floor} in earlier blocks are gone (0: no such promise). */
    long floor;
    long headerLastTime;
    long nonce;
    boolean headerSound;

    /** Bytes of the file that hold records (appends go here). */
    long length;
    /** Messages of this block the store still holds, and their accounted bytes. */
    long liveMsgs;
    long liveBytes;
    /** The sequence range of message records physically in the block (including removed ones); 0 when none. */
    long minSeq;
    long maxSeq;
    /** Sequences that tombstone records in this block remove. */
    long[] tombstones = new long[0];
    int tombstoneCount;
    /** The block's records, kept while it is the write block, to write its index file when it is sealed. */
    BlockRecords log;
    /** Written since the last fsync. */
    boolean dirty;
    /** A rewrite of this block failed; the store stops trying until it reopens. */
    boolean rewriteFailed;

    Block(int id, Path path) {
        this.id = id;
        this.path = path;
    }

    /** Appends bytes at the end of the block; on failure cuts the file back so no partial record stays. */
    long append(ByteBuffer... buffers) throws IOException {
        long start = length;
        long total = 0;
        for (ByteBuffer b : buffers) {
            total += b.remaining();
        }
        try {
            if (buffers.length == 1) {
                // One positional write (pwrite): the common case, records assembled in one direct buffer.
                ByteBuffer b = buffers[0];
                while (b.hasRemaining()) {
                    channel.write(b, start + (total - b.remaining()));
                }
            } else {
                channel.position(start);
                long written = 0;
                while (written < total) {
                    written += channel.write(buffers);
                }
            }
        } catch (IOException e) {
            dirty = true;
            try {
                channel.truncate(start);
            } catch (IOException cut) {
                e.addSuppressed(cut);
                throw new BlockDamagedException(this, e);
            }
            throw e;
        }
        length = start + total;
        dirty = true;
        return start;
    }

    /** Reads {@code n} bytes at {@code position}, fewer only at the end of the file. */
    byte[] read(long position, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            int r = channel.read(b, position + b.position());
            if (r < 0) {
                break;
            }
        }
        return b.position() == n ? b.array() : Arrays.copyOf(b.array(), b.position());
    }

    /** Reads exactly {@code n} bytes at {@code position}. */
    byte[] readFully(long position, int n) throws IOException {
        byte[] d = read(position, n);
        if (d.length < n) {
            throw new EOFException(path + ": " + n + " bytes at " + position + " run past the end");
        }
        return d;
    }

    void addTombstone(long seq) {
        if (tombstoneCount == tombstones.length) {
            tombstones = Arrays.copyOf(tombstones, Math.max(16, tombstoneCount * 2));
        }
        tombstones[tombstoneCount++] = seq;
    }

    void clearTombstones() {
        tombstones = new long[0];
        tombstoneCount = 0;
    }

    /** Counts a message record appended or recovered at {@code seq}. */
    void notePhysical(long seq) {
        if (minSeq == 0) {
            minSeq = seq;
        }
        maxSeq = Math.max(maxSeq, seq);
    }

    boolean holdsPhysical(long seq) {
        return minSeq != 0 && seq >= minSeq && seq <= maxSeq;
    }

    /** A write to this block failed and it could not be cut back: the store must stop writing. */
    static final class BlockDamagedException extends IOException {
        BlockDamagedException(Block block, IOException cause) {
            super("block " + block.path + " may hold a partial record after a failed write", cause);
        }
    }

    @Override
    public String toString() {
        return "block " + id + " [" + minSeq + ".." + maxSeq + "] live " + liveMsgs + " length " + length;
    }
}
