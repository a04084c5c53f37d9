package io.natrix.bench;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.ObjectStore;
import io.nats.client.ObjectStoreOptions;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.ObjectMeta;
import io.nats.client.api.ObjectStoreConfiguration;
import io.nats.client.api.StorageType;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;

/**
 * The object store with jnats, on a fresh file bucket per run (created before and deleted after the run, outside the
 * measured interval), one connection, one object of {@code --obj-mb} MiB in jnats' default 128 KiB chunks:
 * <ul>
 *   <li><b>put</b> ({@code obj-put}): {@code ObjectStore.put} from an InputStream; jnats publishes the chunks one at
 *       a time, each waiting for its acknowledgement, then the object's meta message. MB/s (10^6 bytes) until put
 *       returns; the returned info must give the size and the chunk count.</li>
 *   <li><b>get</b> ({@code obj-get}): the object is put first (not measured), then {@code ObjectStore.get} into an
 *       OutputStream (jnats reads the chunks through an ordered consumer and checks the SHA-256 digest); MB/s until
 *       get returns. The bytes must be exactly those put (size and CRC-32C).</li>
 * </ul>
 * The content is a pseudo-random block of {@value #BLOCK_BYTES} bytes repeated (neither server compresses), so
 * producing it costs the client next to nothing. The server's CPU time is counted over the measured interval and
 * reported per MiB. Instances are immutable; a run uses its own connection.
 */
final class JsObjectStore implements JetStreamCase {
    /** jnats' chunk size when the meta does not set one (NatsObjectStoreUtil.DEFAULT_CHUNK_SIZE). */
    static final int CHUNK_BYTES = 128 * 1024;
    private static final int BLOCK_BYTES = 1 << 20;
    private static final long MIB = 1 << 20;
    /** Object size of a warm-up run (at most the configured size). */
    private static final int WARMUP_MB = 8;
    private static final String OBJECT = "bench-object";
    /** The content's repeated block; read-only after class initialisation. */
    private static final byte[] BLOCK = block();

    /** The two scenarios; {@code option} is the {@code --scenarios} name. */
    enum Mode {
        PUT("obj-put", "put"),
        GET("obj-get", "get");

        final String option;
        final String label;

        Mode(String option, String label) {
            this.option = option;
            this.label = label;
        }
    }

    private final Mode mode;
    private final int megabytes;

    JsObjectStore(Mode mode, int megabytes) {
        this.mode = mode;
        this.megabytes = megabytes;
    }

    static List<BenchCase> cases(BenchConfig config) {
        List<BenchCase> cases = new ArrayList<>();
        for (Mode mode : Mode.values()) {
            if (config.wants(mode.option)) {
                cases.add(new JsObjectStore(mode, config.objMb()));
            }
        }
        return cases;
    }

    /** Warm-ups for the selected scenarios: objects of at most {@value #WARMUP_MB} MiB. */
    static List<BenchCase> warmUps(BenchConfig config) {
        List<BenchCase> warmups = new ArrayList<>();
        for (Mode mode : Mode.values()) {
            if (config.wants(mode.option)) {
                warmups.add(new JsObjectStore(mode, Math.min(WARMUP_MB, config.objMb())));
            }
        }
        return warmups;
    }

    @Override
    public String title() {
        return "jnats object store " + mode.label + ", " + megabytes + " MiB";
    }

    @Override
    public List<Metric> metrics() {
        return List.of(Metric.megabytesPerSecond("rate", "MB/s"), Metric.serverCpu("MiB"));
    }

    /**
     * A warm-up moves this case's (small) object for {@code millis}, at least once: as long as the other
     * scenarios' warm-ups, so that a JIT-compiled server has compiled its per-chunk paths before the measured runs.
     */
    @Override
    public Sample warmUp(ServerProcess server, BenchConfig config, long millis) throws Exception {
        long until = System.nanoTime() + millis * 1_000_000L;
        Sample last;
        do {
            last = measure(server, config, 0, 0);
        } while (System.nanoTime() < until);
        return last;
    }

    /** Fixed work (one object): the count and the duration do not apply. */
    @Override
    public Sample measure(ServerProcess server, BenchConfig config, long fixedCount, long durationMillis)
            throws Exception {
        long bytes = megabytes * MIB;
        long chunks = (bytes + CHUNK_BYTES - 1) / CHUNK_BYTES;
        JnatsSupport.ErrorLog errors = new JnatsSupport.ErrorLog();
        Connection connection = JnatsSupport.connect(server.url(), mode.option, config, errors);
        try {
            ObjectStoreOptions options = ObjectStoreOptions.builder(JsSupport.options()).build();
            JetStreamManagement jsm = connection.jetStreamManagement(JsSupport.options());
            String bucket = JsSupport.uniqueStream(mode.option.replace("-", ""));
            connection.objectStoreManagement(options).create(ObjectStoreConfiguration.builder(bucket)
                    .storageType(StorageType.File).build());
            try {
                ObjectStore os = connection.objectStore(bucket, options);
                Content content = new Content(bytes);
                if (mode == Mode.GET) {
                    os.put(ObjectMeta.objectName(OBJECT), content);
                }
                long cpuBefore = ProcFs.cpuNanosOfTree(server.handle());
                long start = System.nanoTime();
                ObjectInfo info;
                Sink sink = new Sink();
                if (mode == Mode.PUT) {
                    info = os.put(ObjectMeta.objectName(OBJECT), content);
                } else {
                    info = os.get(OBJECT, sink);
                }
                long elapsed = System.nanoTime() - start;
                long cpuAfter = ProcFs.cpuNanosOfTree(server.handle());

                Map<String, Double> values = new HashMap<>(JsSupport.serverCpu(
                        cpuBefore < 0 || cpuAfter < 0 ? -1 : cpuAfter - cpuBefore, megabytes, elapsed));
                values.put("rate", bytes / 1e6 / (elapsed / 1e9));
                values.put("seconds", elapsed / 1e9);
                if (info.getSize() != bytes || info.getChunks() != chunks) {
                    return Sample.failed("the object's info says " + info.getSize() + " bytes in " + info.getChunks()
                            + " chunks, expected " + bytes + " in " + chunks, values);
                }
                if (mode == Mode.GET && (sink.count != bytes || sink.crc.getValue() != content.crc.getValue())) {
                    return Sample.failed("get wrote " + sink.count + " bytes (CRC-32C " + Long.toHexString(
                            sink.crc.getValue()) + "), expected " + bytes + " (" + Long.toHexString(
                            content.crc.getValue()) + ")", values);
                }
                if (errors.first() != null) {
                    return Sample.failed(errors.first(), values);
                }
                return Sample.ok(values);
            } finally {
                JsSupport.deleteQuietly(jsm, "OBJ_" + bucket);
            }
        } finally {
            JnatsSupport.closeQuietly(connection);
        }
    }

    private static byte[] block() {
        byte[] b = new byte[BLOCK_BYTES];
        new SplittableRandom(0x0b1ec7).nextBytes(b);
        return b;
    }

    /** {@code size} bytes of the repeated block, with the CRC-32C of what was read. One reader at a time. */
    private static final class Content extends InputStream {
        final CRC32C crc = new CRC32C();
        private final long size;
        private long position;

        Content(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            if (position >= size) {
                return -1;
            }
            int b = BLOCK[(int) (position++ % BLOCK_BYTES)] & 0xff;
            crc.update(b);
            return b;
        }

        @Override
        public int read(byte[] into, int offset, int length) {
            if (position >= size) {
                return -1;
            }
            int done = 0;
            while (done < length && position < size) {
                int at = (int) (position % BLOCK_BYTES);
                int n = (int) Math.min(Math.min(length - done, BLOCK_BYTES - at), size - position);
                System.arraycopy(BLOCK, at, into, offset + done, n);
                crc.update(into, offset + done, n);
                done += n;
                position += n;
            }
            return done;
        }
    }

    /** Counts what jnats writes and takes its CRC-32C. One writer at a time. */
    private static final class Sink extends OutputStream {
        final CRC32C crc = new CRC32C();
        long count;

        @Override
        public void write(int b) {
            crc.update(b);
            count++;
        }

        @Override
        public void write(byte[] b, int offset, int length) {
            crc.update(b, offset, length);
            count += length;
        }
    }
}
