package io.natrix.server.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A disk for the file store's tests (the reliability plan's {@code FaultyFileChannel} seam, "LazyFS inside Java"):
 * channels that write through to real files while remembering what each file held at its last {@code force}, so
 * that {@link #powerLoss} can put back what a power cut would leave: the synced contents, plus (optionally) a torn
 * prefix of what was written since. It also fails writes (a full disk: part of the bytes land, then an error) and
 * fsyncs (EIO) on request.
 *
 * <p>Only file contents are modelled, not directory entries: files created or deleted are assumed to stay so.
 */
final class FaultyDisk implements FileStore.ChannelOpener {
    private final Map<Path, byte[]> durable = new HashMap<>();
    private volatile IOException writeFailure;
    private volatile IOException forceFailure;
    int forces;
    /** Bytes read through the channels of this disk (any thread). */
    final java.util.concurrent.atomic.AtomicLong bytesRead = new java.util.concurrent.atomic.AtomicLong();

    @Override
    public synchronized FileChannel open(Path path, OpenOption... options) throws IOException {
        boolean create = Arrays.asList(options).contains(StandardOpenOption.CREATE_NEW)
                || Arrays.asList(options).contains(StandardOpenOption.CREATE);
        FileChannel real = FileChannel.open(path, options);
        if (create) {
            durable.putIfAbsent(path, new byte[0]);
        } else {
            // The store opens an existing block only at start-up or right after renaming a synced rewrite over it
            // (and syncing the directory): either way what is in the file now is what the disk holds.
            durable.put(path, Files.readAllBytes(path));
        }
        return new Channel(path, real);
    }

    /** From now on every write stores part of its bytes and then fails, as on a full disk. */
    void failWrites(IOException e) {
        writeFailure = e;
    }

    /** From now on every fsync fails. */
    void failForces(IOException e) {
        forceFailure = e;
    }

    void heal() {
        writeFailure = null;
        forceFailure = null;
    }

    /**
     * Puts every file back to what a power cut leaves: its contents at the last fsync, and, when {@code rnd} is
     * given, a random prefix of what was appended after it (a write torn by the cut). The store must have been
     * abandoned first.
     */
    synchronized void powerLoss(SplittableRandom rnd) throws IOException {
        for (Map.Entry<Path, byte[]> e : durable.entrySet()) {
            Path path = e.getKey();
            if (!Files.exists(path)) {
                continue;
            }
            byte[] synced = e.getValue();
            byte[] now = Files.readAllBytes(path);
            int extra = 0;
            if (rnd != null && now.length > synced.length) {
                extra = rnd.nextInt(now.length - synced.length + 1);
            }
            byte[] after = Arrays.copyOf(synced, synced.length + extra);
            System.arraycopy(now, synced.length, after, synced.length, extra);
            Files.write(path, after);
        }
        durable.clear();
    }

    private synchronized void synced(Path path) throws IOException {
        forces++;
        durable.put(path, Files.readAllBytes(path));
    }

    /** A channel over the real file that applies the disk's faults. */
    private final class Channel extends FileChannel {
        private final Path path;
        private final FileChannel real;

        Channel(Path path, FileChannel real) {
            this.path = path;
            this.real = real;
        }

        private ByteBuffer partOf(ByteBuffer src) {
            ByteBuffer half = src.duplicate();
            half.limit(half.position() + half.remaining() / 2);
            return half;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            IOException failure = writeFailure;
            if (failure != null) {
                real.write(partOf(src));
                throw failure;
            }
            return real.write(src);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            IOException failure = writeFailure;
            if (failure != null) {
                real.write(partOf(src), position);
                throw failure;
            }
            return real.write(src, position);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            IOException failure = writeFailure;
            if (failure != null) {
                real.write(partOf(srcs[offset]));
                throw failure;
            }
            return real.write(srcs, offset, length);
        }

        @Override
        public void force(boolean metaData) throws IOException {
            IOException failure = forceFailure;
            if (failure != null) {
                throw failure;
            }
            real.force(metaData);
            synced(path);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return counted(real.read(dst));
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            long n = real.read(dsts, offset, length);
            bytesRead.addAndGet(Math.max(0, n));
            return n;
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return counted(real.read(dst, position));
        }

        private int counted(int n) {
            bytesRead.addAndGet(Math.max(0, n));
            return n;
        }

        @Override
        public long position() throws IOException {
            return real.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            real.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return real.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            real.truncate(size);
            return this;
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return real.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            return real.transferFrom(src, position, count);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) {
            throw new UnsupportedOperationException("the store does not map files");
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return real.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return real.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            real.close();
        }
    }
}
