package io.natrix.server.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import static io.natrix.server.store.BlockFormat.*;

/**
 * A stream's messages on disk (a stream with {@code storage: file}), crash-safe, with nats-server's file store
 * semantics and size formula (see {@link #messageSize}).
 *
 * <h2>Files</h2>
 * <pre>
 *   &lt;dir&gt;/msgs/1.blk  2.blk  ...   append-only block files, ids ascending in time; the last is the write block
 *   &lt;dir&gt;/msgs/1.idx  2.idx  ...   index of a sealed block (optional: recovery rebuilds it from the block)
 *   &lt;dir&gt;/msgs/ttl.db              the per-message TTL index as of the last sync (see {@link TtlFile})
 *   &lt;dir&gt;/msgs/state.db            the in-memory index as a clean close left it (see {@link StateFile})
 *   &lt;dir&gt;/msgs/*.tmp               a rewrite or index write in progress; deleted on open
 * </pre>
 * A block grows to {@link Config#blockSize()} (a bigger record gets a block of its own), is then sealed and a new
 * write block starts; a sealed block's index file is written at the next sync, once the block is durable.
 *
 * <h2>Block file</h2>
 * <pre>
 *   0        4    5        8          16          24           32         40        44        48
 *   +--------+----+--------+----------+-----------+------------+----------+---------+---------+
 *   | "NXBK" | v1 | 0 0 0  | base seq | floor seq | last time  | nonce    | 0       | CRC32C  |  block header
 *   +--------+----+--------+----------+-----------+------------+----------+---------+---------+
 *   | record | record | record | ...                                                            (to the end)
 * </pre>
 * The header's CRC32C covers bytes 0..43. {@code base}: every message or skip record in this block has a sequence
 * at or above it, and every record at or above it in an <em>earlier</em> block is void (a truncate). {@code floor}:
 * every record below it in an earlier block is void (a purge or compact; 0 when none). {@code last time}: the
 * store's last timestamp when the block was created. {@code nonce}: random per block generation, so an index file
 * matches only the exact block it was written for. A new block's base is the last sequence + 1, so the newest
 * block header alone says what the last sequence is even when every message is gone.
 *
 * <h2>Record</h2>
 * <pre>
 *   0        4      6    7      8          16          24     26      28        32        36         40
 *   +--------+------+----+------+----------+-----------+------+-------+---------+---------+----------+
 *   | length | "NR" | v1 | kind | sequence | timestamp | subj | flags | headers | payload | hdr CRC  |
 *   |  (u32) |      |    |      |  (u64)   | (ns, u64) | len  |       | length  | length  | (0..35)  |
 *   +--------+------+----+------+----------+-----------+------+-------+---------+---------+----------+
 *   | subject (UTF-8) | headers | payload                                        | CRC32C (0..length-5) |
 *   +-----------------+---------+------------------------------------------------+----------------------+
 * </pre>
 * {@code length} is the whole record (44 + subject + headers + payload bytes). Kinds: 1 message; 2 skip (a sequence
 * used without a message; timestamp = the store's last time); 3 tombstone (the message at {@code sequence} is
 * removed; flag 1 = its bytes were erased). The header has its own checksum so that a damaged body still tells which
 * sequence was lost, and a damaged stretch can be stepped over by searching for the next sound header. Skips and
 * tombstones have no body. Every load checks the record's checksum; a message that fails it is never served.
 *
 * <h2>Index file (per sealed block)</h2>
 * <pre>
 *   "NXIX" | v1 | 0 0 0 | block nonce (u64) | bytes covered (u64) | records (u32) | subjects (u32)
 *   subjects: [ length (u16) | UTF-8 ] ...
 *   kinds (u8 × records) | sequences (u64 ×) | offsets (u32 ×) | subject indexes (i32 ×, -1 none) | sizes (u32 ×)
 *   CRC32C of everything before
 * </pre>
 * Version 2 keeps the records' fields in columns so that reading one is a bulk copy per column; version 1 (one
 * 21-byte row per record, same fields) is still read.
 * Written (temp file + rename) for a sealed block at the first sync after it was sealed, for the write block on
 * close, and for any block recovery had to scan. It is used only when its checksum holds and its nonce equals the
 * block's; the block bytes past "covered" are scanned. A removal never changes an index: removals are tombstones in
 * later blocks. It is deleted before its block is rewritten, cut or deleted, so a sound index file is always of its
 * block: when the block header is damaged (no nonce to compare), recovery still uses it to name the records a cut
 * or damage took.
 *
 * <h2>Removing</h2>
 * A removal appends a tombstone to the write block; an erase also overwrites the message's subject, headers and
 * payload with zeros in place (after the tombstone is on disk). A tombstone matters while the removed message's
 * record is still in some block (each block keeps a bit per such record). A sealed block whose messages are all gone
 * is deleted when none of its tombstones matter any more, and otherwise kept, shrunk to those tombstones. A sealed
 * block whose message bytes are mostly removed ones is rewritten without them (temp file, fsync, rename, directory
 * fsync), which makes their tombstones unneeded in turn. A block deleted by purge, compact or truncate first has its
 * tombstones that still matter appended to the write block and synced. Purge and compact start a new write block whose {@code floor} voids everything
 * below, then delete or rewrite the old blocks; truncate starts one whose {@code base} voids everything above, then
 * cuts the old blocks. The new header is the commit point: a crash in the middle leaves the promise on disk and
 * recovery finishes the job.
 *
 * <h2>Durability</h2>
 * Every write reaches the operating system before {@code store} returns (a killed process loses nothing). With
 * {@link Config#syncAlways()} every mutation is fsynced before it returns; otherwise on a timer every
 * {@link Config#syncInterval()} (nats-server's {@code sync_interval}, default 2 minutes), on {@link #sync()} and on
 * close. Purge, compact and truncate sync their new block header at once (it is their commit point), and deleting a
 * block first syncs the tombstones carried out of it. A failed fsync makes the store read-only: the data may be gone from the page cache,
 * so it never pretends a later fsync covered it. A failed append (disk full) is cut back and reported; the store
 * stays writable.
 *
 * <h2>Recovery</h2>
 * After a clean close the store opens from {@code state.db} ({@link StateFile}): its summary (figures, subjects,
 * block accounting) is read, and only the block headers and the write block's index file besides, no record; the
 * slot table is left to load itself a chunk of the file at a time when first touched ({@link SavedSlots},
 * {@link SlotTable#importLazily}), so the open's work grows with blocks and subjects, not messages. It is used only
 * when the block files are exactly the ones it describes, and deleted (directory fsynced) before the store can
 * change, so it never outlives an open (the store keeps reading chunks through the channel it opened it with).
 * Before a block is rewritten, cut or deleted, the slots of its messages are loaded, so a chunk never brings back a
 * reference that changed. Otherwise (a crash, or a missing, damaged or stale
 * file) every block is read (from its index, or scanned with every checksum verified); see {@link Recovery}. A
 * record running past the end of the write block, or unreadable bytes at its end, is a torn write: cut off and
 * counted. A message whose body fails its checksum, or a damaged stretch in the middle, is skipped, logged and
 * reported in {@link StoreState#lost()}; the store still opens. Everything that was synced before a crash is
 * recovered as it was, from the block files alone.
 *
 * <h2>Per-message TTLs</h2>
 * The deadlines of messages stored with a TTL (and the messages that never expire) are saved to {@code ttl.db} at
 * every timed sync, {@link #sync()} and close, when they or the last sequence changed since the last save (the timer
 * runs with {@code syncAlways} too, for this alone). On open the saved entries of messages still held are used, and
 * the messages stored after the save have their {@code Nats-TTL} header read back ({@link MessageTtl#ofHeaders}); a
 * missing or damaged file means reading every message's headers once. The index is saved again right after
 * recovery, and a truncate deletes the file, so a saved entry never names a sequence that was given again.
 *
 * <p>Thread-safety: any thread; one read-write lock (see {@link IndexedStore}). Disk writes and fsyncs happen under
 * the write lock, except {@link #syncWrites}'s fsyncs, which let writers go on; loads read with positional reads under the read lock,
 * and so may a chunk of lazily loaded slots (the slot table runs such loads one at a time, see {@link SlotTable}). The sync timer runs on a shared daemon
 * thread ({@code natrix-store-sync}) and takes the write lock.
 */
public final class FileStore extends IndexedStore {
    private static final Logger LOG = LoggerFactory.getLogger(FileStore.class);

    /**
     * Where and how a file store keeps its data.
     *
     * @param dir          the stream's directory (blocks go under {@code msgs/})
     * @param blockSize    bytes after which a block is sealed and a new one started
     * @param syncInterval how often written data is fsynced when not {@code syncAlways}
     * @param syncAlways   fsync every mutation before it returns (nats-server's {@code sync: always})
     */
    public record Config(Path dir, long blockSize, Duration syncInterval, boolean syncAlways) {
        public static final long BLOCK_SIZE_DEFAULT = 8L * 1024 * 1024;
        public static final long BLOCK_SIZE_MIN = 1024;
        public static final long BLOCK_SIZE_MAX = 1L << 30;
        public static final Duration SYNC_INTERVAL_DEFAULT = Duration.ofMinutes(2);

        public Config {
            if (dir == null) {
                throw new IllegalArgumentException("a file store needs a directory");
            }
            if (blockSize <= 0) {
                blockSize = BLOCK_SIZE_DEFAULT;
            }
            if (blockSize < BLOCK_SIZE_MIN || blockSize > BLOCK_SIZE_MAX) {
                throw new IllegalArgumentException("block size " + blockSize + " is outside " + BLOCK_SIZE_MIN + ".."
                        + BLOCK_SIZE_MAX);
            }
            if (syncInterval == null || syncInterval.isZero() || syncInterval.isNegative()) {
                syncInterval = SYNC_INTERVAL_DEFAULT;
            }
        }

        /** The defaults: 8 MiB blocks, fsync every 2 minutes. */
        public static Config of(Path dir) {
            return new Config(dir, BLOCK_SIZE_DEFAULT, SYNC_INTERVAL_DEFAULT, false);
        }
    }

    /**
     * What opening the store found.
     *
     * @param blocks           block files read
     * @param blocksFromIndex  of which read through their index file
     * @param tornBytes        bytes of an unfinished write cut off the end of the write block
     * @param damagedStretches unreadable stretches of blocks stepped over
     * @param lostMsgs         messages lost to damage
     * @param fromSavedState   loaded from the state a clean close saved ({@link StateFile}): no record was read
     * @param durationNanos    how long recovery took
     */
    public record RecoveryReport(int blocks, int blocksFromIndex, long tornBytes, int damagedStretches, long lostMsgs,
                                 boolean fromSavedState, long durationNanos) {
    }

    /** Opens block files; tests put a channel that injects faults here. */
    @FunctionalInterface
    interface ChannelOpener {
        FileChannel open(Path path, OpenOption... options) throws IOException;
    }

    private static final int ZEROS_CHUNK = 64 * 1024;
    /** Records up to this size are assembled in a reusable direct buffer; bigger ones are written from the heap. */
    private static final int SCRATCH_MAX = 1024 * 1024;
    /**
     * A sealed block is rewritten only when that reclaims at least this many bytes (or a quarter of a block, when
     * blocks are small) and half of it.
     */
    private static final long REWRITE_MIN_RECLAIM = 32 * 1024;
    private static final SecureRandom NONCES = new SecureRandom();

    private final Config config;
    private final Path msgsDir;
    private final ChannelOpener opener;
    /** Blocks by id (ascending = oldest first). */
    private final TreeMap<Integer, Block> blocks = new TreeMap<>();
    /** Windows of block bytes for readers going through the stream in order; see its class doc. */
    private final ReadAhead readAhead = new ReadAhead();
    /** Blocks holding sequence-bearing records, by their first such sequence (ranges never overlap). */
    private final TreeMap<Long, Block> bySeq = new TreeMap<>();
    /** Blocks that lost messages: deleted or rewritten at the end of the mutation. */
    private final LinkedHashSet<Block> cleanupCandidates = new LinkedHashSet<>();
    /** Emptied blocks kept because their tombstones still cover messages in other blocks. */
    private final LinkedHashSet<Block> tombstoneHolders = new LinkedHashSet<>();
    /** Sealed blocks whose index file waits for the next sync. */
    private final LinkedHashSet<Block> unindexed = new LinkedHashSet<>();
    private Block writeBlock;
    private int nextBlockId = 1;
    /** Reused by the writer (under the write lock) to assemble records. */
    private ByteBuffer scratch = ByteBuffer.allocateDirect(4096);
    private boolean dirDirty;
    /** Mutations so far (under the write lock): tells {@link #syncWrites} whether writes ran while it fsynced. */
    private long mutations;
    private volatile IOException failure;
    private ScheduledFuture<?> syncTask;
    private RecoveryReport recoveryReport;
    /** The TTL index version and the "below" sequence of the last save; -1: nothing saved that can be trusted. */
    private long ttlSavedVersion = -1;
    private long ttlSavedBelow = -1;
    /** Slots per chunk of the state file this store saves ({@link StateFile}). */
    private final int stateChunkSlots;
    /** The state file this store opened from, while slots are still to be loaded from it; else null. */
    private StateFile.Chunks savedChunks;

    private FileStore(Config config, StoreLimits limits, ChannelOpener opener, int stateChunkSlots) {
        super(limits, false);
        this.config = config;
        this.msgsDir = config.dir().resolve("msgs");
        this.opener = opener;
        this.stateChunkSlots = stateChunkSlots;
    }

    /**
     * Opens (recovering) or creates the store in {@code config.dir()}. {@code firstSeq > 0} makes the first message
     * of a new store get that sequence; it is ignored when the store already has data.
     */
    public static FileStore open(Config config, StoreLimits limits, long firstSeq) throws IOException {
        return open(config, limits, firstSeq, FileChannel::open);
    }

    static FileStore open(Config config, StoreLimits limits, long firstSeq, ChannelOpener opener)
            throws IOException {
        return open(config, limits, firstSeq, opener, StateFile.CHUNK_SLOTS_DEFAULT);
    }

    /** {@link #open}, saving its state on close in chunks of {@code stateChunkSlots} slots (tests: small chunks). */
    static FileStore open(Config config, StoreLimits limits, long firstSeq, ChannelOpener opener,
                          int stateChunkSlots) throws IOException {
        if (stateChunkSlots <= 0 || stateChunkSlots > StateFile.CHUNK_SLOTS_MAX) {
            throw new IllegalArgumentException("state chunks of " + stateChunkSlots + " slots");
        }
        FileStore store = new FileStore(config, limits, opener, stateChunkSlots);
        Files.createDirectories(store.msgsDir);
        store.lock.writeLock().lock();
        try {
            store.recover(firstSeq);
        } catch (IOException | RuntimeException e) {
            store.closeChannels();
            throw e;
        } finally {
            store.lock.writeLock().unlock();
        }
        long intervalNanos = config.syncInterval().toNanos();
        store.syncTask = SyncTimer.EXECUTOR.scheduleWithFixedDelay(store::timedSync, intervalNanos, intervalNanos,
                TimeUnit.NANOSECONDS);
        return store;
    }

    /** nats-server's fileStoreMsgSize: subject + payload + 30 bytes, plus headers + 4 bytes when there are any. */
    public static long messageSize(int subjectBytes, int headersLength, int payloadLength) {
        return fileStoreMsgSize(subjectBytes, headersLength, payloadLength);
    }

    public Config config() {
        return config;
    }

    /** What the last open found. */
    public RecoveryReport recovery() {
        return recoveryReport;
    }

    static Path blockPath(Path msgsDir, int id) {
        return msgsDir.resolve(id + ".blk");
    }

    static Path indexPath(Path msgsDir, int id) {
        return msgsDir.resolve(id + ".idx");
    }

    static long ref(int blockId, long offset) {
        return ((long) blockId << 32) | offset;
    }

    private static int blockId(long ref) {
        return (int) (ref >>> 32);
    }

    private static int offset(long ref) {
        return (int) ref;
    }

    // ---- persistence ----

    @Override
    long sizeOf(int subjectBytes, int headersLength, int payloadLength) {
        return fileStoreMsgSize(subjectBytes, headersLength, payloadLength);
    }

    @Override
    long write(long seq, String subject, byte[] headers, byte[] payload, long timestampNanos, long size)
            throws IOException {
        byte[] subj = subject.getBytes(StandardCharsets.UTF_8);
        if (subj.length > SUBJECT_LENGTH_MAX) {
            throw new IllegalArgumentException("subject of " + subj.length + " bytes is too long to store");
        }
        int h = headers == null ? 0 : headers.length;
        long length = recordLength(subj.length, h, payload.length);
        if (length > RECORD_LENGTH_MAX) {
            throw new IllegalArgumentException("message of " + length + " bytes is too large to store");
        }
        Block b = blockFor(length);
        long offset;
        if (length <= SCRATCH_MAX) {
            // The whole record in one direct buffer: one pwrite, no copy by the JDK.
            ByteBuffer r = scratch((int) length);
            putRecordHeader(r, (int) length, KIND_MSG, seq, timestampNanos, subj.length, (short) 0, h,
                    payload.length);
            r.put(subj);
            if (h > 0) {
                r.put(headers);
            }
            r.put(payload);
            CRC32C crc = new CRC32C();
            crc.update(r.flip());
            r.limit((int) length).putInt((int) length - RECORD_TRAILER_SIZE, (int) crc.getValue()).position(0);
            offset = append(b, r);
        } else {
            ByteBuffer head = ByteBuffer.allocate(RECORD_HEADER_SIZE + subj.length + h);
            putRecordHeader(head, (int) length, KIND_MSG, seq, timestampNanos, subj.length, (short) 0, h,
                    payload.length);
            head.put(subj);
            if (h > 0) {
                head.put(headers);
            }
            CRC32C crc = new CRC32C();
            crc.update(head.array(), 0, head.position());
            crc.update(payload);
            ByteBuffer trailer = ByteBuffer.allocate(RECORD_TRAILER_SIZE).putInt((int) crc.getValue()).flip();
            offset = append(b, head.flip(), ByteBuffer.wrap(payload), trailer);
        }
        b.liveMsgs++;
        b.liveBytes += size;
        b.messageBytes += size;
        notePhysical(b, seq);
        if (b.log != null) {
            b.log.add(KIND_MSG, seq, (int) offset, subject, (int) size);
        }
        return ref(b.id, offset);
    }

    @Override
    void writeSkip(long seq, long lastTimeNanos) throws IOException {
        Block b = blockFor(RECORD_OVERHEAD);
        long offset = append(b, marker(KIND_SKIP, seq, lastTimeNanos, (short) 0));
        notePhysical(b, seq);
        if (b.log != null) {
            b.log.add(KIND_SKIP, seq, (int) offset, null, 0);
        }
    }

    @Override
    void writeRemoval(long seq, long ref, int size, Removal how) throws IOException {
        Block b = blocks.get(blockId(ref));
        if (how != Removal.LOST) {
            appendTombstone(seq, how == Removal.ERASE);
            if (how == Removal.ERASE) {
                // The tombstone must be on disk before the message's bytes are gone, or a crash in between would
                // leave a damaged record that nothing explains (it would be reported lost).
                force(writeBlock);
                overwrite(b, offset(ref));
            }
        }
        b.liveMsgs--;
        b.liveBytes -= size;
        b.markDead(seq);
        // Removals from the front empty blocks in order; only an emptied block or an interior removal is worth a
        // look at the end of the mutation.
        if (b != writeBlock && (b.liveMsgs == 0 || seq != firstSeq)) {
            cleanupCandidates.add(b);
        }
    }

    @Override
    void writeFloor(long floor, long newLastSeq) throws IOException {
        startMarkerBlock(newLastSeq + 1, floor, lastTime);
        try {
            for (Block b : new ArrayList<>(blocks.values())) {
                if (b == writeBlock) {
                    continue;
                }
                if (b.minSeq == 0 || b.maxSeq < floor) {
                    removeBlock(b, floor, Long.MAX_VALUE);
                } else if (b.minSeq < floor) {
                    rewrite(b, floor);
                }
            }
        } catch (IOException e) {
            // The new header already made the purge durable; recovery finishes the clean-up.
            fail(e);
        }
    }

    @Override
    void writeTruncate(long seq, long lastTimeNanos) throws IOException {
        forgetSavedTtls();
        startMarkerBlock(seq + 1, 0, lastTimeNanos);
        try {
            for (Block b : new ArrayList<>(blocks.descendingMap().values())) {
                if (b == writeBlock) {
                    continue;
                }
                if (b.minSeq > seq || (b.minSeq == 0 && b.headerSound && b.base > seq)) {
                    removeBlock(b, 1, seq);
                } else if (b.maxSeq > seq) {
                    cut(b, seq);
                }
            }
        } catch (IOException e) {
            fail(e);
        }
    }

    @Override
    void writeReset() throws IOException {
        forgetSavedTtls();
        startMarkerBlock(1, Long.MAX_VALUE, 0);
        try {
            for (Block b : new ArrayList<>(blocks.values())) {
                if (b != writeBlock) {
                    removeBlock(b, 1, 0);
                }
            }
            Block marker = writeBlock;
            deleteBlockFile(marker);
            writeBlock = null;
            syncDirectory();
        } catch (IOException e) {
            fail(e);
        }
    }

    @Override
    void afterWrite() throws IOException {
        mutations++;
        if (savedChunks != null && !slots.hasUnloaded()) {
            closeSavedChunks(); // every slot is in memory: the saved state's file is not needed any more
        }
        cleanUp();
        if (config.syncAlways()) {
            syncAll();
        }
    }

    @Override
    void checkWritable() throws IOException {
        IOException f = failure;
        if (f != null) {
            throw new IOException("message store " + config.dir() + " is read-only after a failed write or sync", f);
        }
    }

    @Override
    StoredMessage read(long seq, long ref, Object object, String subject) throws IOException {
        Block b = blocks.get(blockId(ref));
        long offset = offset(ref);
        // The accounted size is the record length less 10 or 14 bytes: one read fetches the whole record.
        int guess = (int) Math.max(Math.min((long) slots.size(seq) + 14, b.length - offset), RECORD_HEADER_SIZE);
        synchronized (readAhead) {
            ReadAhead.Window w = readAhead.cover(b, offset, guess);
            if (w != null) {
                int at = (int) (offset - w.start);
                long length = soundHeaderLength(w.bytes, at, w.length);
                if (length >= 0 && length <= w.length - at) {
                    return decode(seq, subject, b, offset, w.bytes, at, (int) length);
                }
            }
        }
        byte[] d = b.read(offset, guess);
        long length = soundHeaderLength(d, 0, d.length);
        if (length > d.length) {
            d = b.read(offset, (int) length);
            if (d.length < length) {
                throw new CorruptRecordException(seq, "record at offset " + offset + " runs past the end of " + b.path);
            }
        }
        if (length < 0) {
            throw new CorruptRecordException(seq, "bad record header at offset " + offset + " of " + b.path);
        }
        return decode(seq, subject, b, offset, d, 0, (int) length);
    }

    /** The message in the record of sound header at {@code at} of {@code d}, checked whole. */
    private static StoredMessage decode(long seq, String subject, Block b, long offset, byte[] d, int at, int length)
            throws CorruptRecordException {
        if (d[at + R_KIND] != KIND_MSG || getLong(d, at + R_SEQ) != seq) {
            throw new CorruptRecordException(seq, "bad record header at offset " + offset + " of " + b.path);
        }
        if (!bodySound(d, at, length)) {
            throw new CorruptRecordException(seq, "checksum mismatch at offset " + offset + " of " + b.path);
        }
        int s = getShort(d, at + R_SUBJECT_LENGTH) & 0xFFFF;
        int h = getInt(d, at + R_HEADERS_LENGTH);
        int p = getInt(d, at + R_PAYLOAD_LENGTH);
        int from = at + RECORD_HEADER_SIZE + s;
        byte[] headers = h == 0 ? null : Arrays.copyOfRange(d, from, from + h);
        byte[] payload = Arrays.copyOfRange(d, from + h, from + h + p);
        return new StoredMessage(seq, subject, headers, payload, getLong(d, at + R_TIME));
    }

    @Override
    long readTime(long seq, long ref, Object object) throws IOException {
        Block b = blocks.get(blockId(ref));
        byte[] d = b.read(offset(ref), RECORD_HEADER_SIZE);
        if (soundHeaderLength(d, 0, d.length) < 0 || getLong(d, R_SEQ) != seq) {
            throw new CorruptRecordException(seq, "bad record header at offset " + offset(ref) + " of " + b.path);
        }
        return getLong(d, R_TIME);
    }

    @Override
    void limitFailure(IOException e) {
        LOG.warn("Message store {}: could not remove messages over its limits ({}); retrying on the next store",
                config.dir(), e.toString());
    }

    @Override
    void lostOnRead(long seq, CorruptRecordException e) {
        LOG.warn("Message store {}: {}; the message is lost", config.dir(), e.getMessage());
    }

    @Override
    public void sync() throws IOException {
        lock.writeLock().lock();
        try {
            checkOpen();
            checkWritable();
            syncAll();
            saveTtls();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Fsyncs the blocks written since their last fsync with the write lock released, so appends go on meanwhile
     * (they are covered by the next call). The blocks are chosen and marked clean under the lock only if no mutation
     * ran while the disk worked; otherwise they stay dirty and the next sync forces them again. A block closed under
     * it (deleted, rewritten, the store closed) falls back to {@link #sync()}, which fails when the store closed.
     */
    @Override
    public void syncWrites() throws IOException {
        List<Block> dirty = new ArrayList<>();
        boolean dir;
        long mutations;
        lock.writeLock().lock();
        try {
            checkOpen();
            checkWritable();
            for (Block b : blocks.values()) {
                if (b.dirty) {
                    dirty.add(b);
                }
            }
            dir = dirDirty;
            mutations = this.mutations;
        } finally {
            lock.writeLock().unlock();
        }
        try {
            for (Block b : dirty) {
                b.channel.force(false);
            }
            if (dir) {
                try (FileChannel d = FileChannel.open(msgsDir, StandardOpenOption.READ)) {
                    d.force(true);
                }
            }
        } catch (ClosedChannelException e) {
            sync();
            return;
        } catch (IOException e) {
            lock.writeLock().lock();
            try {
                fail(e);
            } finally {
                lock.writeLock().unlock();
            }
            throw e;
        }
        lock.writeLock().lock();
        try {
            if (this.mutations == mutations) {
                for (Block b : dirty) {
                    b.dirty = false;
                }
                if (dir) {
                    dirDirty = false;
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    void closeStorage() throws IOException {
        cancelSyncTask();
        try {
            if (failure == null) {
                syncAll();
                saveTtls();
                if (writeBlock != null && writeBlock.log != null) {
                    writeIndex(writeBlock, writeBlock.log);
                    saveState();
                }
            }
        } finally {
            closeChannels();
        }
    }

    /**
     * Saves the whole index for the next open ({@link StateFile}); only on a clean close, after everything it
     * describes was synced. Failing is logged: the next open then reads the blocks.
     */
    private void saveState() {
        if (!Files.exists(indexPath(msgsDir, writeBlock.id))) {
            return; // The write block's index could not be written: the next open must read the blocks.
        }
        List<StateFile.BlockState> blockStates = new ArrayList<>(blocks.size());
        for (Block b : blocks.values()) {
            if (!b.headerSound) {
                return;
            }
            blockStates.add(new StateFile.BlockState(b.id, b.nonce, b.length, b.liveMsgs, b.liveBytes,
                    b.messageBytes, b.minSeq, b.maxSeq, Arrays.copyOf(b.tombstones, b.tombstoneCount),
                    b.dead.toLongArray()));
        }
        List<StateFile.SubjectState> subjectStates = new ArrayList<>(subjects.size());
        for (SubjectStates.Entry e : subjects.entries()) {
            subjectStates.add(new StateFile.SubjectState(e.id, e.subject, e.msgs, e.first, e.last));
        }
        LostData lost = lostData();
        try {
            int n = slots.slotCount();
            StateFile.Columns columns = new StateFile.Columns(new int[n], new int[n], new long[n]);
            // Slots opened lazily and never touched are loaded here: the new file holds them all.
            slots.exportColumns(columns.subjects(), columns.sizes(), columns.refs());
            StateFile.write(msgsDir, new StateFile.Saved(firstSeq, lastSeq, lastTime, firstTimeNanos(), msgs, bytes,
                    nextBlockId, lost == null ? 0 : lost.count(), lost == null ? 0 : lost.bytes(),
                    lost == null ? List.of() : lost.sequences(), blockStates, subjectStates, slots.base(), n,
                    stateChunkSlots), columns);
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Message store {}: could not save its state for the next open: {}", config.dir(), e.toString());
            try {
                StateFile.delete(msgsDir);
            } catch (IOException ignored) {
                // Unsound or missing, the next open checks it and reads the blocks.
            }
        }
    }

    @Override
    void deleteStorage() throws IOException {
        cancelSyncTask();
        closeChannels();
        if (!Files.exists(config.dir())) {
            return;
        }
        Files.walkFileTree(config.dir(), new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * Copies the store's files ({@code msgs/*.blk} and {@code *.idx}, no temporary files) into
     * {@code target/msgs/} as they are at one instant, and returns the state at that instant: a copy that opens as
     * this store would (snapshots). Holds the read lock for the copy, so writers wait while loads go on; the copy
     * takes what the OS holds, synced or not. Any thread.
     */
    public StoreState copyTo(Path target) throws IOException {
        Path into = target.resolve("msgs");
        Files.createDirectories(into);
        lock.readLock().lock();
        try {
            checkOpen();
            for (Block b : blocks.values()) {
                Files.copy(b.path, into.resolve(b.path.getFileName().toString()));
                Path index = indexPath(msgsDir, b.id);
                if (Files.exists(index)) {
                    Files.copy(index, into.resolve(index.getFileName().toString()));
                }
            }
            return state();
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Lets go of the files without syncing or writing indexes, as a killed process would: for tests of what a
     * crash leaves behind.
     */
    void abandon() {
        lock.writeLock().lock();
        try {
            closed = true;
            cancelSyncTask();
            closeChannels();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Chunks of slots loaded from the saved state since the open (see {@link SavedSlots}), for tests. */
    int lazySlotLoads() {
        lock.readLock().lock();
        try {
            return slots.lazyLoads();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The number of block files, for tests. */
    int blockCount() {
        lock.readLock().lock();
        try {
            return blocks.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    // ---- blocks ----

    /** The write block, ready for a record of {@code length} bytes (rotating when it would pass the block size). */
    private Block blockFor(long length) throws IOException {
        if (writeBlock == null) {
            writeBlock = newBlock(lastSeq + 1, 0, lastTime);
        } else if (writeBlock.length > BLOCK_HEADER_SIZE && writeBlock.length + length > config.blockSize()) {
            seal(writeBlock);
            writeBlock = newBlock(lastSeq + 1, 0, lastTime);
        }
        return writeBlock;
    }

    private Block newBlock(long base, long floor, long headerLastTime) throws IOException {
        int id = nextBlockId++;
        Block b = new Block(id, blockPath(msgsDir, id));
        b.channel = opener.open(b.path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        b.base = base;
        b.floor = floor;
        b.headerLastTime = headerLastTime;
        b.nonce = NONCES.nextLong();
        b.headerSound = true;
        try {
            b.append(blockHeader(base, floor, headerLastTime, b.nonce));
        } catch (IOException e) {
            closeQuietly(b);
            Files.deleteIfExists(b.path);
            throw e;
        }
        b.log = new BlockRecords();
        blocks.put(id, b);
        dirDirty = true;
        return b;
    }

    /** Starts a write block whose header makes a purge, compact, truncate or reset durable, and syncs it. */
    private void startMarkerBlock(long base, long floor, long headerLastTime) throws IOException {
        if (writeBlock != null) {
            seal(writeBlock);
        }
        writeBlock = newBlock(base, floor, headerLastTime);
        force(writeBlock);
        syncDirectory();
    }

    /**
     * Retires a full write block. Its index is written at the next sync, once the block is durable, so that an index
     * never describes records a power loss could take back.
     */
    private void seal(Block b) {
        if (b.log != null) {
            unindexed.add(b);
        }
        // Messages removed while it was the write block: it may already be empty or sparse.
        cleanupCandidates.add(b);
    }

    /** The scratch buffer, cleared, with room for {@code n} bytes. */
    private ByteBuffer scratch(int n) {
        if (scratch.capacity() < n) {
            scratch = ByteBuffer.allocateDirect(Math.max(n, Math.min(SCRATCH_MAX, scratch.capacity() * 2)));
        }
        return scratch.clear();
    }

    private long append(Block b, ByteBuffer... buffers) throws IOException {
        try {
            return b.append(buffers);
        } catch (Block.BlockDamagedException e) {
            fail(e);
            throw e;
        }
    }

    private void appendTombstone(long seq, boolean erased) throws IOException {
        Block w = blockFor(RECORD_OVERHEAD);
        long offset = append(w, marker(KIND_TOMBSTONE, seq, 0, erased ? FLAG_ERASED : 0));
        w.addTombstone(seq);
        if (w.log != null) {
            w.log.add(KIND_TOMBSTONE, seq, (int) offset, null, 0);
        }
    }

    private void notePhysical(Block b, long seq) {
        if (b.minSeq == 0) {
            bySeq.put(seq, b);
        }
        b.notePhysical(seq);
    }

    /**
     * Whether a tombstone for {@code seq} still has a record to cover: the removed message's bytes are still in a
     * block other than {@code excluding}.
     */
    private boolean tombstoneNeeded(long seq, Block excluding) {
        Map.Entry<Long, Block> e = bySeq.floorEntry(seq);
        return e != null && e.getValue() != excluding && e.getValue().holdsDead(seq);
    }

    /** Overwrites a removed message's subject, headers and payload with zeros. */
    private void overwrite(Block b, int offset) {
        try {
            byte[] h = b.readFully(offset, RECORD_HEADER_SIZE);
            long length = soundHeaderLength(h, 0, h.length);
            if (length < 0) {
                LOG.warn("Message store {}: record at offset {} of {} is damaged; nothing to erase", config.dir(),
                        offset, b.path);
                return;
            }
            b.rewrites++;
            long position = offset + RECORD_HEADER_SIZE;
            long remaining = length - RECORD_OVERHEAD;
            ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(ZEROS_CHUNK, Math.max(remaining, 1)));
            while (remaining > 0) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), remaining));
                int n = b.channel.write(zeros, position);
                position += n;
                remaining -= n;
            }
            b.dirty = true;
        } catch (IOException e) {
            // The tombstone is durable, so the message is removed; only the overwrite is missing.
            LOG.error("Message store {}: could not overwrite an erased message in {}", config.dir(), b.path, e);
            fail(e);
        }
    }

    /**
     * Deletes emptied blocks and rewrites mostly-removed ones, left by the mutation that just ran.
     *
     * <p>An emptied block whose tombstones still cover messages in other blocks is kept (copying them forward would
     * only move them: a block of nothing but tombstones would chase itself) until those messages are physically gone,
     * when their block is deleted or rewritten.
     */
    private void cleanUp() {
        if (cleanupCandidates.isEmpty()) {
            return;
        }
        boolean recordsGone = false;
        while (!cleanupCandidates.isEmpty()) {
            List<Block> candidates = new ArrayList<>(cleanupCandidates);
            cleanupCandidates.clear();
            for (Block b : candidates) {
                if (blocks.get(b.id) != b || b == writeBlock) {
                    continue;
                }
                try {
                    if (b.liveMsgs == 0) {
                        long needed = neededTombstones(b);
                        if (needed > 0) {
                            tombstoneHolders.add(b);
                            long keep = needed * RECORD_OVERHEAD;
                            if (!b.rewriteFailed && b.length - keep >= rewriteMinReclaim() && keep * 2 < b.length) {
                                // Mostly other records: shrink it to its needed tombstones.
                                rewrite(b, 0);
                                recordsGone |= b.messageBytes > 0;
                            }
                            continue;
                        }
                        recordsGone |= b.messageBytes > 0;
                        tombstoneHolders.remove(b);
                        removeBlock(b, 1, Long.MAX_VALUE);
                    } else if (!b.rewriteFailed && b.messageBytes - b.liveBytes >= rewriteMinReclaim()
                            && b.liveBytes * 2 < b.messageBytes) {
                        rewrite(b, 0);
                        recordsGone = true;
                    }
                } catch (IOException e) {
                    LOG.warn("Message store {}: could not clean up {}: {}", config.dir(), b, e.toString());
                }
            }
            if (recordsGone) {
                // Messages left the disk: tombstones kept for them may have become unneeded.
                cleanupCandidates.addAll(tombstoneHolders);
                recordsGone = false;
            }
        }
    }

    private long rewriteMinReclaim() {
        return Math.min(REWRITE_MIN_RECLAIM, config.blockSize() / 4);
    }

    private long neededTombstones(Block b) {
        long n = 0;
        for (int i = 0; i < b.tombstoneCount; i++) {
            if (tombstoneNeeded(b.tombstones[i], b)) {
                n++;
            }
        }
        return n;
    }

    /**
     * Deletes a block, first appending to the write block (and syncing) its tombstones for sequences in
     * [{@code carryFrom}, {@code carryTo}] whose messages still sit in another block.
     */
    private void removeBlock(Block b, long carryFrom, long carryTo) throws IOException {
        boolean carried = false;
        for (int i = 0; i < b.tombstoneCount; i++) {
            long t = b.tombstones[i];
            if (t >= carryFrom && t <= carryTo && tombstoneNeeded(t, b)) {
                appendTombstone(t, false);
                carried = true;
            }
        }
        if (carried) {
            force(writeBlock);
        }
        deleteBlockFile(b);
        if (config.syncAlways()) {
            syncDirectory();
        }
    }

    private void deleteBlockFile(Block b) throws IOException {
        loadSlotsOf(b);
        tombstoneHolders.remove(b);
        closeQuietly(b);
        Files.deleteIfExists(indexPath(msgsDir, b.id));
        Files.deleteIfExists(b.path);
        blocks.remove(b.id);
        if (b.minSeq != 0) {
            bySeq.remove(b.minSeq, b);
        }
        dirDirty = true;
    }

    /**
     * Rewrites a sealed block with only what it must keep: messages still held (at or above {@code dropBelow}) and
     * tombstones whose message sits in another block. Temp file, fsync, rename, directory fsync: a crash leaves
     * either the old block or the new one.
     */
    private void rewrite(Block b, long dropBelow) throws IOException {
        loadSlotsOf(b);
        byte[] body = b.readFully(BLOCK_HEADER_SIZE, (int) b.length - BLOCK_HEADER_SIZE);
        BlockRecords old = new BlockRecords();
        BlockScan scan = BlockScan.scan(body, BLOCK_HEADER_SIZE, old);
        if (!scan.regions.isEmpty() || scan.validEnd < b.length) {
            // Messages in the damaged part would lose their place; leave the block as it is (loads report them).
            b.rewriteFailed = true;
            throw new IOException(b.path + " has damaged stretches; not rewriting it");
        }
        long nonce = NONCES.nextLong();
        ByteBuffer out = ByteBuffer.allocate((int) b.length);
        out.put(blockHeader(b.base, b.floor, b.headerLastTime, nonce));
        BlockRecords kept = new BlockRecords();
        List<long[]> moved = new ArrayList<>();
        long[] tombs = new long[0];
        int tombCount = 0;
        long liveMsgs = 0;
        long liveBytes = 0;
        for (int i = 0; i < old.count; i++) {
            byte kind = old.kinds[i];
            long seq = old.seqs[i];
            int from = old.offsets[i];
            boolean keep;
            if (kind == KIND_MSG || kind == KIND_DAMAGED) {
                keep = seq >= dropBelow && slots.isLive(seq) && slots.ref(seq) == ref(b.id, from);
            } else if (kind == KIND_TOMBSTONE) {
                keep = seq >= dropBelow && tombstoneNeeded(seq, b);
            } else {
                keep = false;
            }
            if (!keep) {
                continue;
            }
            int at = from - BLOCK_HEADER_SIZE;
            int length = getInt(body, at + R_LENGTH);
            int to = out.position();
            out.put(body, at, length);
            kept.add(kind, seq, to, old.subject(i), old.sizes[i]);
            if (kind == KIND_TOMBSTONE) {
                if (tombCount == tombs.length) {
                    tombs = Arrays.copyOf(tombs, Math.max(16, tombCount * 2));
                }
                tombs[tombCount++] = seq;
            } else {
                moved.add(new long[] {seq, ref(b.id, to)});
                liveMsgs++;
                liveBytes += slots.size(seq);
            }
        }
        Path tmp = msgsDir.resolve(b.id + ".blk.tmp");
        try {
            try (FileChannel ch = opener.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                Block.writeFully(ch, out.flip(), 0);
                ch.force(false);
            }
        } catch (IOException e) {
            b.rewriteFailed = true;
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.deleteIfExists(indexPath(msgsDir, b.id));
        b.rewrites++;
        closeQuietly(b);
        try {
            move(tmp, b.path);
        } finally {
            b.channel = opener.open(b.path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
        syncDirectory();
        b.nonce = nonce;
        b.length = out.limit();
        b.dirty = false;
        b.liveMsgs = liveMsgs;
        b.liveBytes = liveBytes;
        b.messageBytes = liveBytes;
        b.tombstones = tombs;
        b.tombstoneCount = tombCount;
        if (b.minSeq != 0) {
            bySeq.remove(b.minSeq, b);
        }
        b.resetPhysical();
        for (long[] m : moved) {
            slots.setRef(m[0], m[1]);
            notePhysical(b, m[0]);
        }
        b.log = null;
        writeIndex(b, kept);
    }

    /**
     * Cuts a sealed block before its first record past {@code seq} (a truncate), first carrying forward the
     * tombstones in the cut part that still matter.
     */
    private void cut(Block b, long seq) throws IOException {
        loadSlotsOf(b);
        BlockRecords recs = new BlockRecords();
        BlockScan.scan(b.readFully(BLOCK_HEADER_SIZE, (int) b.length - BLOCK_HEADER_SIZE), BLOCK_HEADER_SIZE, recs);
        int at = 0;
        while (at < recs.count && !(Recovery.bearsSequence(recs.kinds[at]) && recs.seqs[at] > seq)) {
            at++;
        }
        boolean carried = false;
        for (int i = at; i < recs.count; i++) {
            long s = recs.seqs[i];
            if (recs.kinds[i] == KIND_TOMBSTONE && s <= seq && tombstoneNeeded(s, null)) {
                appendTombstone(s, false);
                carried = true;
            } else if (recs.kinds[i] == KIND_MSG || recs.kinds[i] == KIND_DAMAGED) {
                b.messageBytes -= recs.sizes[i];
                if (slots.isLive(s) && slots.ref(s) == ref(b.id, recs.offsets[i])) {
                    b.liveMsgs--;
                    b.liveBytes -= slots.size(s);
                }
            }
        }
        if (carried) {
            force(writeBlock);
        }
        long cutAt = at < recs.count ? recs.offsets[at] : b.length;
        Files.deleteIfExists(indexPath(msgsDir, b.id));
        b.rewrites++;
        b.channel.truncate(cutAt);
        b.length = cutAt;
        b.dirty = true;
        force(b);
        recs.truncate(at);
        b.clearTombstones();
        if (b.minSeq != 0) {
            bySeq.remove(b.minSeq, b);
        }
        b.resetPhysical();
        for (int i = 0; i < recs.count; i++) {
            long s = recs.seqs[i];
            if (recs.kinds[i] == KIND_TOMBSTONE) {
                b.addTombstone(s);
                continue;
            }
            notePhysical(b, s);
            if (recs.kinds[i] != KIND_SKIP && !(slots.isLive(s) && slots.ref(s) == ref(b.id, recs.offsets[i]))) {
                b.markDead(s);
            }
        }
        b.log = null;
        writeIndex(b, recs);
    }

    /**
     * Loads the slots of a block's held messages if they are still in the saved state: their references are about
     * to change (the block is rewritten, cut or deleted), and a later load must not bring back the old ones.
     */
    private void loadSlotsOf(Block b) throws IOException {
        if (b.liveMsgs > 0 && slots.hasUnloaded()) {
            try {
                slots.loadRange(b.minSeq, b.maxSeq);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
    }

    static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Writes a block's index file; failing to is not an error (recovery scans the block instead). */
    private void writeIndex(Block b, BlockRecords records) {
        Path index = indexPath(msgsDir, b.id);
        Path tmp = msgsDir.resolve(b.id + ".idx.tmp");
        try {
            Files.write(tmp, records.toIndexFile(b.nonce, b.length));
            move(tmp, index);
        } catch (IOException e) {
            LOG.warn("Message store {}: could not write index {}: {}", config.dir(), index, e.toString());
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // Left for the next open to delete.
            }
        }
    }

    // ---- durability ----

    private void force(Block b) throws IOException {
        if (!b.dirty) {
            return;
        }
        try {
            b.channel.force(false);
            b.dirty = false;
        } catch (IOException e) {
            fail(e);
            throw e;
        }
    }

    private void syncAll() throws IOException {
        for (Block b : blocks.values()) {
            force(b);
        }
        if (dirDirty) {
            syncDirectory();
        }
        for (Block b : unindexed) {
            if (blocks.get(b.id) == b && b.log != null) {
                writeIndex(b, b.log);
            }
            b.log = null;
        }
        unindexed.clear();
    }

    /**
     * Saves the TTL index when it or the last sequence changed since the last save; call after {@link #syncAll} so
     * the file never promises more than the blocks hold. Failing is logged: recovery then reads headers instead.
     */
    private void saveTtls() {
        long below = lastSeq + 1;
        if (ttls.version() == ttlSavedVersion && below == ttlSavedBelow) {
            return;
        }
        try {
            TtlFile.write(msgsDir, ttls, below);
            ttlSavedVersion = ttls.version();
            ttlSavedBelow = below;
        } catch (IOException e) {
            LOG.warn("Message store {}: could not save the TTL index: {}", config.dir(), e.toString());
        }
    }

    /** Deletes the saved TTL index before sequences are given again (a truncate or reset). */
    private void forgetSavedTtls() throws IOException {
        TtlFile.delete(msgsDir);
        ttlSavedVersion = -1;
        ttlSavedBelow = -1;
    }

    /**
     * Rebuilds the TTL index after the blocks were read: saved entries for messages below the saved mark that are
     * still held, then the {@code Nats-TTL} headers of the held messages from the mark on; then saves it.
     */
    private void recoverTtls() throws IOException {
        TtlFile.Saved saved;
        try {
            saved = TtlFile.read(msgsDir);
        } catch (IOException e) {
            LOG.warn("Message store {}: could not read the TTL index; reading message headers: {}", config.dir(),
                    e.toString());
            saved = null;
        }
        long scanFrom = firstSeq;
        if (saved != null && saved.below() <= lastSeq + 1) {
            for (int i = 0; i < saved.seqs().length; i++) {
                long seq = saved.seqs()[i];
                if (seq < saved.below() && slots.isLive(seq)) {
                    if (saved.deadlines()[i] == -1) {
                        ttls.addNever(seq);
                    } else {
                        ttls.add(seq, saved.deadlines()[i], msgs);
                    }
                }
            }
            scanFrom = Math.max(firstSeq, saved.below());
        } else if (saved != null) {
            // The file promises sequences the blocks do not hold (a torn tail): trust none of it.
            LOG.warn("Message store {}: the TTL index is ahead of the blocks; reading message headers", config.dir());
        }
        long read = 0;
        for (long seq = msgs == 0 ? -1 : slots.nextLive(scanFrom, lastSeq); seq >= 0;
             seq = slots.nextLive(seq + 1, lastSeq)) {
            StoredMessage m;
            try {
                m = read(seq, slots.ref(seq), null, subjects.byId(slots.subject(seq)).subject);
            } catch (CorruptRecordException e) {
                continue; // dropped as lost on its first load
            }
            read++;
            long ttl = MessageTtl.ofHeaders(m.headers());
            if (ttl > 0) {
                ttls.add(seq, MessageTtl.expiresAt(m.timestampNanos(), ttl), msgs);
            } else if (ttl == MessageTtl.NEVER) {
                ttls.addNever(seq);
            }
        }
        if (read > 0) {
            LOG.debug("Message store {}: read the TTL headers of {} messages", config.dir(), read);
        }
        ttlSavedVersion = -1;
        if (failure == null) {
            saveTtls();
        }
    }

    private void syncDirectory() throws IOException {
        try (FileChannel d = FileChannel.open(msgsDir, StandardOpenOption.READ)) {
            d.force(true);
            dirDirty = false;
        } catch (IOException e) {
            fail(e);
            throw e;
        }
    }

    private void fail(IOException e) {
        if (failure == null) {
            failure = e;
            LOG.error("Message store {} failed to write or sync and is read-only from now on", config.dir(), e);
        }
    }

    private void timedSync() {
        lock.writeLock().lock();
        try {
            if (!closed && failure == null) {
                syncAll();
                saveTtls();
            }
        } catch (IOException e) {
            // fail() has made the store read-only and logged it.
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void cancelSyncTask() {
        if (syncTask != null) {
            syncTask.cancel(false);
            syncTask = null;
        }
    }

    private void closeChannels() {
        for (Block b : blocks.values()) {
            closeQuietly(b);
        }
        closeSavedChunks();
    }

    private void closeSavedChunks() {
        if (savedChunks != null) {
            try {
                savedChunks.close();
            } catch (IOException e) {
                LOG.debug("Closing the saved state of {} failed: {}", config.dir(), e.toString());
            }
            savedChunks = null;
        }
    }

    private static void closeQuietly(Block b) {
        try {
            if (b.channel != null) {
                b.channel.close();
            }
        } catch (IOException e) {
            LOG.debug("Closing {} failed: {}", b.path, e.toString());
        }
    }

    /** One daemon thread shared by every file store for timed fsyncs. */
    private static final class SyncTimer {
        static final ScheduledExecutorService EXECUTOR = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "natrix-store-sync");
            t.setDaemon(true);
            return t;
        });
    }

    // ---- recovery ----

    private void recover(long firstSeqOption) throws IOException {
        long started = System.nanoTime();
        StateFile.Opened saved = StateFile.read(msgsDir);
        try {
            if (StateFile.delete(msgsDir)) {
                // From here on the store may change: the saved state must not outlive this open, even across a
                // crash. Its chunks stay readable through the channel it was opened with.
                syncDirectory();
            }
        } catch (IOException | RuntimeException e) {
            if (saved != null) {
                saved.chunks().close();
            }
            throw e;
        }
        boolean fromState = false;
        try {
            fromState = saved != null && loadState(saved.saved(), saved.chunks());
        } finally {
            if (saved != null && !fromState) {
                saved.chunks().close();
            }
        }
        if (fromState) {
            finishRecovery();
            recoveryReport = new RecoveryReport(blocks.size(), blocks.size(), 0, 0, 0, true,
                    System.nanoTime() - started);
            return;
        }
        Recovery r = Recovery.run(msgsDir, opener);
        if (r.blocks.isEmpty()) {
            if (firstSeqOption > 0) {
                firstSeq = firstSeqOption;
                lastSeq = firstSeqOption - 1;
                writeBlock = newBlock(firstSeqOption, 0, 0);
                force(writeBlock);
                syncDirectory();
            }
            // No block, no message: a TTL index left behind names nothing (and its sequences will be given again).
            TtlFile.delete(msgsDir);
            recoveryReport = new RecoveryReport(0, 0, 0, 0, 0, false, System.nanoTime() - started);
            return;
        }
        int fromIndex = 0;
        long recordCount = 0;
        for (BlockRecords recs : r.records) {
            recordCount += recs.count;
        }
        slots.reserve((int) Math.min(recordCount, 1 << 30));
        for (int i = 0; i < r.blocks.size(); i++) {
            Block b = r.blocks.get(i);
            blocks.put(b.id, b);
            nextBlockId = Math.max(nextBlockId, b.id + 1);
            if (r.fromIndex.get(i)) {
                fromIndex++;
            }
            BlockRecords recs = r.records.get(i);
            byte[] verdict = r.verdicts.get(i);
            // This block's subjects as store entries, looked up once each: this loop runs once per record.
            SubjectStates.Entry[] entries = new SubjectStates.Entry[recs.subjectCount()];
            for (int j = 0; j < recs.count; j++) {
                byte kind = recs.kinds[j];
                long seq = recs.seqs[j];
                if (kind == KIND_TOMBSTONE) {
                    b.addTombstone(seq);
                    continue;
                }
                if (verdict[j] == Recovery.VOID) {
                    continue;
                }
                notePhysical(b, seq);
                b.messageBytes += recs.sizes[j];
                if (kind != KIND_SKIP && verdict[j] != Recovery.LIVE) {
                    b.markDead(seq);
                }
                if (verdict[j] == Recovery.LIVE) {
                    int sid = recs.subjects[j];
                    SubjectStates.Entry e = entries[sid];
                    if (e == null) {
                        e = entries[sid] = subjects.add(recs.subjectName(sid), seq);
                    } else {
                        subjects.addAgain(e, seq);
                    }
                    slots.append(seq, e.id, recs.sizes[j], ref(b.id, recs.offsets[j]), null);
                    msgs++;
                    bytes += recs.sizes[j];
                    b.liveMsgs++;
                    b.liveBytes += recs.sizes[j];
                }
            }
        }
        lastSeq = r.lastSeq;
        lastTime = r.lastTime;
        firstSeq = msgs > 0 ? slots.base() : lastSeq + 1;
        addLost(r.lostSequences, r.lostCount, r.lostBytes);

        Block last = r.blocks.getLast();
        if (r.lastFileLength > last.length && last.headerSound) {
            last.rewrites++;
            last.channel.truncate(last.length);
            last.dirty = true;
        }
        if (last.headerSound) {
            writeBlock = last;
            writeBlock.log = r.records.getLast();
        } else if (last.minSeq == 0 && last.tombstoneCount == 0) {
            // A block whose creation never finished: nothing in it.
            deleteBlockFile(last);
        }
        for (long seq : r.tombstonesToRewrite) {
            if (tombstoneNeeded(seq, null)) {
                appendTombstone(seq, false);
            }
        }
        try {
            cleanUpAfterRecovery(r);
        } catch (IOException e) {
            LOG.error("Message store {}: clean-up after recovery failed; the store is read-only", config.dir(), e);
            fail(e);
        }
        finishRecovery();
        recoveryReport = new RecoveryReport(r.blocks.size(), fromIndex, r.tornBytes, r.damagedStretches,
                r.lostCount, false, System.nanoTime() - started);
        if (r.tornBytes > 0 || r.damagedStretches > 0 || r.lostCount > 0) {
            LOG.warn("Message store {} recovered {} messages; cut {} torn bytes, skipped {} damaged stretches, "
                    + "lost {} messages", config.dir(), msgs, r.tornBytes, r.damagedStretches, r.lostCount);
        }
    }

    /** What both ways of opening end with: limits that may have changed, clean-up, and the TTL index. */
    private void finishRecovery() throws IOException {
        enforceLimitsAfterRecovery();
        if (failure == null) {
            cleanUp();
            syncAll();
        }
        recoverTtls();
    }

    /**
     * Opens the store from the state a clean close saved, when the block files are still exactly the ones it
     * describes (see {@link StateFile}); false, with nothing changed, when they are not. Reads each block's header
     * and the write block's index file, no message.
     */
    private boolean loadState(StateFile.Saved s, StateFile.Chunks chunks) throws IOException {
        List<Integer> ids = Recovery.blockIds(msgsDir);
        if (s.blocks().isEmpty() || ids.size() != s.blocks().size()) {
            LOG.info("Message store {}: its saved state does not match its blocks; reading the blocks", config.dir());
            return false;
        }
        List<Block> opened = new ArrayList<>(ids.size());
        BlockRecords writeLog = null;
        try {
            for (int i = 0; i < ids.size(); i++) {
                StateFile.BlockState k = s.blocks().get(i);
                if (k.id() != ids.get(i) || !Files.exists(indexPath(msgsDir, k.id()))) {
                    return mismatch(opened);
                }
                Block b = new Block(k.id(), blockPath(msgsDir, k.id()));
                b.channel = opener.open(b.path, StandardOpenOption.READ, StandardOpenOption.WRITE);
                opened.add(b);
                byte[] header = b.read(0, BLOCK_HEADER_SIZE);
                if (header.length != BLOCK_HEADER_SIZE || !blockHeaderValid(header)
                        || getLong(header, BH_NONCE) != k.nonce() || b.channel.size() != k.length()) {
                    return mismatch(opened);
                }
                b.headerSound = true;
                b.base = getLong(header, BH_BASE);
                b.floor = getLong(header, BH_FLOOR);
                b.headerLastTime = getLong(header, BH_LAST_TIME);
                b.nonce = k.nonce();
                b.length = k.length();
                b.liveMsgs = k.liveMsgs();
                b.liveBytes = k.liveBytes();
                b.messageBytes = k.messageBytes();
                b.minSeq = k.minSeq();
                b.maxSeq = k.maxSeq();
                b.dead = BitSet.valueOf(k.deadWords());
                b.tombstones = k.tombstones();
                b.tombstoneCount = k.tombstones().length;
            }
            Block last = opened.getLast();
            long[] covered = new long[1];
            writeLog = BlockRecords.fromIndexFile(Files.readAllBytes(indexPath(msgsDir, last.id)), last.nonce,
                    covered);
            if (writeLog == null || covered[0] != last.length) {
                return mismatch(opened);
            }
        } catch (IOException | RuntimeException e) {
            mismatch(opened);
            throw e;
        }
        for (Block b : opened) {
            blocks.put(b.id, b);
            if (b.minSeq != 0) {
                bySeq.put(b.minSeq, b);
            }
        }
        writeBlock = opened.getLast();
        writeBlock.log = writeLog;
        nextBlockId = s.nextBlockId();
        for (StateFile.SubjectState e : s.subjects()) {
            subjects.restore(e.id(), e.subject(), e.msgs(), e.first(), e.last());
        }
        subjects.restoreDone();
        // The slots stay in the file until first touched: an open costs the summary, not the messages.
        savedChunks = chunks;
        slots.importLazily(s.slotBase(), s.slots(), s.chunkSlots(),
                new SavedSlots(chunks, slots, subjects, bySeq, msgsDir));
        if (s.msgs() > 0 && s.firstTime() != 0) {
            primeFirstTime(s.firstSeq(), s.firstTime());
        }
        firstSeq = s.firstSeq();
        lastSeq = s.lastSeq();
        lastTime = s.lastTime();
        msgs = s.msgs();
        bytes = s.bytes();
        addLost(s.lostSequences(), s.lostCount(), s.lostBytes());
        for (Block b : blocks.values()) {
            if (b != writeBlock && b.liveMsgs == 0) {
                cleanupCandidates.add(b);
            }
        }
        return true;
    }

    private boolean mismatch(List<Block> opened) {
        for (Block b : opened) {
            closeQuietly(b);
        }
        LOG.info("Message store {}: its saved state does not match its blocks; reading the blocks", config.dir());
        return false;
    }

    /**
     * Finishes what a crash interrupted and tidies up: removes void records from the files (so no promise in a
     * header is needed any more), queues blocks holding no message for deletion, and writes missing index files.
     */
    private void cleanUpAfterRecovery(Recovery r) throws IOException {
        for (int i = 0; i < r.blocks.size(); i++) {
            Block b = r.blocks.get(i);
            if (r.holdsVoid.get(i) && blocks.get(b.id) == b && b != writeBlock) {
                if (b.liveMsgs == 0) {
                    removeBlock(b, 1, Long.MAX_VALUE);
                } else {
                    rewrite(b, 0);
                }
            }
        }
        for (Block b : blocks.values()) {
            if (b != writeBlock && b.liveMsgs == 0) {
                cleanupCandidates.add(b);
            }
        }
        for (int i = 0; i < r.blocks.size(); i++) {
            Block b = r.blocks.get(i);
            if (blocks.get(b.id) == b && b != writeBlock && !r.fromIndex.get(i) && !r.damaged.get(i)
                    && !r.holdsVoid.get(i) && b.headerSound) {
                // What was read may only have been in the page cache: make it durable before indexing it.
                b.dirty = true;
                force(b);
                writeIndex(b, r.records.get(i));
            }
        }
    }
}
