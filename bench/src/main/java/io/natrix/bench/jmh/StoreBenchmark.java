package io.natrix.bench.jmh;

import io.natrix.server.store.FileStore;
import io.natrix.server.store.MemoryStore;
import io.natrix.server.store.MessageStore;
import io.natrix.server.store.StoreLimits;
import io.natrix.server.store.StoredMessage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The message stores on their own, without a server: how fast a stream can append, and how fast a consumer can
 * load by sequence.
 *
 * <ul>
 *   <li>{@code store}: appends a message ({@code orders.<n>}, no headers, {@code size} bytes of payload) with the
 *       default durability (the file store fsyncs on its 2-minute timer, never per message). Each measurement
 *       iteration starts from an empty store, so the file store writes to fresh blocks in the page cache.</li>
 *   <li>{@code load}: loads a random sequence from a store holding {@value #LOADED} messages; the file store reads
 *       the record from the page cache and checks its CRC32C on every load.</li>
 * </ul>
 *
 * <p>Run: {@code taskset -c 1 java -cp bench/target/natrix-bench.jar org.openjdk.jmh.Main StoreBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx3g"})
public class StoreBenchmark {
    static final int LOADED = 100_000;
    private static final int SUBJECTS = 64;

    @Param({"memory", "file"})
    public String store;

    /** Payload size in bytes. */
    @Param({"128", "1024"})
    public int size;

    private Path dir;
    private MessageStore appending;
    private MessageStore loaded;
    private byte[] payload;
    private String[] subjects;
    private long next;
    private final SplittableRandom random = new SplittableRandom(7);

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("natrix-store-bench");
        payload = new byte[size];
        random.nextBytes(payload);
        subjects = new String[SUBJECTS];
        for (int i = 0; i < SUBJECTS; i++) {
            subjects[i] = "orders." + i;
        }
        loaded = open("loaded");
        for (int i = 0; i < LOADED; i++) {
            loaded.store(subjects[i % SUBJECTS], null, payload, i);
        }
    }

    @Setup(Level.Iteration)
    public void freshStore() throws IOException {
        appending = open("appending-" + next++);
    }

    @TearDown(Level.Iteration)
    public void dropStore() throws IOException {
        appending.delete();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        loaded.delete();
        Files.deleteIfExists(dir);
    }

    private MessageStore open(String name) throws IOException {
        if (store.equals("memory")) {
            return new MemoryStore(StoreLimits.NONE, 0);
        }
        return FileStore.open(new FileStore.Config(dir.resolve(name), FileStore.Config.BLOCK_SIZE_DEFAULT,
                Duration.ofMinutes(2), false), StoreLimits.NONE, 0);
    }

    @Benchmark
    public long store() throws IOException {
        long n = next++;
        return appending.store(subjects[(int) (n & (SUBJECTS - 1))], null, payload, n);
    }

    @Benchmark
    public StoredMessage load() throws IOException {
        return loaded.load(1 + random.nextInt(LOADED));
    }
}
