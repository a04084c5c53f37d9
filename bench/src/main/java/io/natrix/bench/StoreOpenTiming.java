package io.natrix.bench;

import io.natrix.server.store.FileStore;
import io.natrix.server.store.StoreLimits;
import io.natrix.server.store.StoreState;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.Arrays;

/**
 * How long a file store takes to open after a clean close, measured in a fresh JVM as a restarted server would
 * meet it (cold code, warm page cache): the store alone, without the server around it.
 *
 * <pre>
 *   java -cp bench/target/natrix-bench.jar io.natrix.bench.StoreOpenTiming fill &lt;dir&gt; [messages] [payload bytes]
 *   java -cp bench/target/natrix-bench.jar io.natrix.bench.StoreOpenTiming open &lt;dir&gt; [runs]
 * </pre>
 * {@code fill} stores {@code messages} (default 1 048 576) messages of {@code payload bytes} (default 1024) on one
 * subject, as the {@code js-recovery} scenario does, and closes the store cleanly. {@code open} opens and cleanly
 * closes it {@code runs} times (default 1) in this JVM, printing per run: the time to open (wall clock, and the
 * opening thread's CPU time, which a busy machine disturbs less), the time to the first
 * {@code state()} (what STREAM.INFO needs), and the time to load the first and last message. Before timing, it
 * opens a small store of its own (see {@link #warmUp}). Run {@code open} in several fresh JVMs: the first run of a
 * JVM is the one a restart meets.
 */
public final class StoreOpenTiming {
    private static final String SUBJECT = "BENCH_RECOVERY.data";

    private StoreOpenTiming() {
    }

    /**
     * Opens, fills, closes and reopens a small store in a temporary directory, so that the big store's open is
     * timed in a JVM whose classes (NIO, logging, lambdas, the store's own) are loaded, as a starting server's are
     * by the time it opens its streams; its code is still cold, as a starting server's is.
     */
    private static void warmUp(PrintStream out) throws IOException {
        Path dir = Files.createTempDirectory("natrix-open-warmup");
        FileStore.Config config = new FileStore.Config(dir, 64 * 1024, FileStore.Config.SYNC_INTERVAL_DEFAULT, false);
        try {
            try (FileStore store = FileStore.open(config, StoreLimits.NONE, 0)) {
                for (int i = 0; i < 1000; i++) {
                    store.store(SUBJECT, null, new byte[100], System.nanoTime(), 0);
                }
            }
            try (FileStore store = FileStore.open(config, StoreLimits.NONE, 0)) {
                store.load(store.state().firstSeq());
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        out.flush();
    }

    public static void main(String[] args) throws IOException {
        PrintStream out = System.out;
        if (args.length < 2) {
            out.println("usage: StoreOpenTiming fill <dir> [messages] [payload bytes] | open <dir> [runs]");
            return;
        }
        Path dir = Path.of(args[1]);
        if (args[0].equals("fill")) {
            long messages = args.length > 2 ? Long.parseLong(args[2]) : 1L << 20;
            byte[] payload = new byte[args.length > 3 ? Integer.parseInt(args[3]) : 1024];
            Arrays.fill(payload, (byte) 'x');
            try (FileStore store = FileStore.open(FileStore.Config.of(dir), StoreLimits.NONE, 0)) {
                for (long i = 0; i < messages; i++) {
                    store.store(SUBJECT, null, payload, System.nanoTime(), 0);
                }
                out.println("filled " + store.state());
            }
            return;
        }
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        warmUp(out);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int run = 0; run < runs; run++) {
            long startCpu = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            try (FileStore store = FileStore.open(FileStore.Config.of(dir), StoreLimits.NONE, 0)) {
                long opened = System.nanoTime();
                long openedCpu = threads.getCurrentThreadCpuTime();
                StoreState state = store.state();
                long stated = System.nanoTime();
                store.load(state.firstSeq());
                store.load(state.lastSeq());
                long loaded = System.nanoTime();
                out.printf("run %d: open %.1f ms (cpu %.1f ms), state %.2f ms, first+last load %.2f ms, saved state %b,"
                        + " %d msgs%n", run, (opened - start) / 1e6, (openedCpu - startCpu) / 1e6,
                        (stated - opened) / 1e6, (loaded - stated) / 1e6,
                        store.recovery().fromSavedState(), state.msgs());
            }
        }
    }
}
