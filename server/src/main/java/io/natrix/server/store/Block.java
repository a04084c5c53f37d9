package io.natrix.server.store;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;

import static io.natrix.server.store.BlockFormat.*;

/**
 * One block file of a {@link FileStore}: its channel, what its header promises, and the accounting the store needs
 * to decide when the block can go (no message held) or be rewritten (mostly removed messages).
 *
 * <p>Thread-safety: positional reads ({@link #read}) may run on any thread holding the store's read lock; everything
 * else needs the store's write lock.
 */
final class Block {
    /** The most bytes moved by one read or write of a heap buffer. */
    static final int IO_CHUNK = 1024 * 1024;

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
    /** The accounted bytes of every message record physically in the block, held or removed. */
    long messageBytes;
    /** The sequence range of message and skip records physically in the block (removed ones too); 0 when none. */
    long minSeq;
    long maxSeq;
    /** Removed messages whose records are still in the file, by sequence - minSeq (1 bit each). */
    BitSet dead = new BitSet();
    /** Sequences that tombstone records in this block remove. */
    long[] tombstones = new long[0];
    int tombstoneCount;
    /** The block's records, kept while it is the write block, to write its index file when it is sealed. */
    BlockRecords log;
    /** Written since the last fsync. */
    boolean dirty;
    /** A rewrite of this block failed; the store stops trying until it reopens. */
    boolean rewriteFailed;
    /**
     * Bumped before any write that changes bytes already in the file (erasing a record, cutting the file back,
     * rewriting it): read-ahead windows ({@link ReadAhead}) taken before it are stale.
     */
    long rewrites;

    Block(int id, Path path) {
        this.id = id;
        this.path = path;
    }

    /** Appends bytes at the end of the block; on failure cuts the file back so no partial record stays. */
    long append(ByteBuffer... buffers) throws IOException {
        long start = length;
        long position = start;
        try {
            for (ByteBuffer b : buffers) {
                position = writeFully(channel, b, position);
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
        length = position;
        dirty = true;
        return start;
    }

    /**
     * Writes a buffer at {@code position} with positional writes (pwrite), a heap buffer at most {@link #IO_CHUNK}
     * bytes at a time: the JDK copies heap buffers through a per-thread direct buffer as large as the write and keeps
     * it, which for a 100 MB message would pin 100 MB of native memory per writing thread. Returns the end position.
     */
    static long writeFully(FileChannel channel, ByteBuffer b, long position) throws IOException {
        while (b.hasRemaining()) {
            ByteBuffer part = b.isDirect() || b.remaining() <= IO_CHUNK ? b : b.slice(b.position(), IO_CHUNK);
            int n = channel.write(part, position);
            if (part != b) {
                b.position(b.position() + n);
            }
            position += n;
        }
        return position;
    }

    /** Reads {@code n} bytes at {@code position}, fewer only at the end of the file (in chunks, see above). */
    byte[] read(long position, int n) throws IOException {
        byte[] d = new byte[n];
        int done = readInto(position, d, n);
        return done < n ? Arrays.copyOf(d, done) : d;
    }

    /** Reads {@code n} bytes at {@code position} into the start of {@code d}; returns fewer only at the end. */
    int readInto(long position, byte[] d, int n) throws IOException {
        int done = 0;
        while (done < n) {
            int r = channel.read(ByteBuffer.wrap(d, done, Math.min(IO_CHUNK, n - done)), position + done);
            if (r < 0) {
                break;
            }
            done += r;
        }
        return done;
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

    /** Counts a sequence-bearing record appended or recovered at {@code seq}. */
    void notePhysical(long seq) {
        if (minSeq == 0) {
            minSeq = seq;
        }
        maxSeq = Math.max(maxSeq, seq);
    }

    /** The message record of {@code seq} in this block was removed, but its bytes are still in the file. */
    void markDead(long seq) {
        dead.set((int) (seq - minSeq));
    }

    /** Whether a removed message's record is still in this file (so a tombstone for it is still needed). */
    boolean holdsDead(long seq) {
        return minSeq != 0 && seq >= minSeq && seq <= maxSeq && dead.get((int) (seq - minSeq));
    }

    /** Forgets the record ranges (before counting them again after a rewrite or a cut). */
    void resetPhysical() {
        minSeq = 0;
        maxSeq = 0;
        dead = new BitSet();
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
