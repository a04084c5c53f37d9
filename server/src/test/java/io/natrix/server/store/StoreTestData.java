package io.natrix.server.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/** Message data and workloads shared by the store tests. */
final class StoreTestData {

    private StoreTestData() {
    }

    /** {@code size} bytes that depend only on {@code seed}, so a test can check a payload it stored. */
    static byte[] payload(long seed, int size) {
        byte[] p = new byte[size];
        new SplittableRandom(seed).nextBytes(p);
        return p;
    }

    /**
     * Stores, removes, erases, skips and purges across many small blocks: {@code n} steps drawn from {@code seed},
     * stored payloads under {@code maxPayload} bytes, timestamps from {@code firstTime} on.
     */
    static void workload(MessageStore s, int n, long seed, int maxPayload, long firstTime) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            int dice = rnd.nextInt(40);
            StoreState st = s.state();
            if (dice == 0) {
                s.skip();
            } else if (dice == 1 && st.msgs() > 0) {
                s.purge("w.3", 0, 0);
            } else if (dice < 6 && st.msgs() > 0) {
                s.remove(st.firstSeq() + rnd.nextLong(st.lastSeq() - st.firstSeq() + 1), dice == 2);
            } else {
                byte[] headers = rnd.nextInt(5) == 0 ? "NATS/1.0\r\nA: b\r\n\r\n".getBytes(StandardCharsets.UTF_8)
                        : null;
                s.store("w." + rnd.nextInt(10), headers, payload(i, rnd.nextInt(maxPayload)), firstTime + i);
            }
        }
    }

    /** A copy of a closed store's files without its saved state: what a crash would leave to recover from. */
    static Path copyWithoutState(Path dir, Path to) throws IOException {
        Files.createDirectories(to.resolve("msgs"));
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir.resolve("msgs"))) {
            for (Path f : files) {
                if (!f.getFileName().toString().equals(StateFile.NAME)) {
                    Files.copy(f, to.resolve("msgs").resolve(f.getFileName()));
                }
            }
        }
        return to;
    }

    /** Every message the store holds, by sequence. */
    static Map<Long, StoredMessage> contents(MessageStore s) throws IOException {
        Map<Long, StoredMessage> all = new TreeMap<>();
        for (StoredMessage m = s.loadNext(null, 0); m != null; m = s.loadNext(null, m.sequence() + 1)) {
            all.put(m.sequence(), m);
        }
        return all;
    }
}
