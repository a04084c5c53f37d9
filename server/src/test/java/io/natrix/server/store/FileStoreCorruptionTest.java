package io.natrix.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random damage to a file store's files, hundreds of cases: bit flips, overwritten and zeroed stretches,
 * truncations, appended garbage, deleted index files, one to three at a time, in any file of {@code msgs/} (the
 * blocks, their indexes, {@code ttl.db} and, after a clean close, {@code state.db}: these two hold no message and so
 * must never cost one). Run as after a crash (no {@code state.db}) and as after a clean close. After
 * each, the store must open, must never return a message that differs from what was written at its sequence, and
 * must report what it lost: a message that was held and is no longer served is either in the reported lost data or
 * was cut with the end of the write block (which is what a torn write looks like, and is only done to the last
 * records). The one damage that cannot be told from a smaller block, and so is not required to be reported, is a
 * block cut exactly at a record boundary whose index file was damaged too (the index is what remembers how long the
 * block was). Every case prints its seed and damage when it fails.
 */
class FileStoreCorruptionTest {
    private static final long T0 = 1_700_000_000_000_000_000L;
    private static final long SEED = 20_240_611L;
    private static final int CASES = 400;
    private static final long BLOCK_SIZE = 4096;

    @TempDir
    Path tmp;

    private static FileStore open(Path dir) throws IOException {
        return FileStore.open(new FileStore.Config(dir, BLOCK_SIZE, Duration.ofHours(1), false), StoreLimits.NONE, 0);
    }

    /** What the pristine store was given: every message ever written, and which were held at the end. */
    private record Written(Map<Long, StoredMessage> all, TreeSet<Long> held, long lastSeq) {
    }

    private static Written build(Path dir, long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<Long, StoredMessage> all = new TreeMap<>();
        try (FileStore s = open(dir)) {
            for (int i = 0; i < 600; i++) {
                int dice = rnd.nextInt(20);
                StoreState st = s.state();
                if (dice == 0) {
                    s.skip();
                } else if (dice < 3 && st.msgs() > 0) {
                    s.remove(st.firstSeq() + rnd.nextLong(st.lastSeq() - st.firstSeq() + 1), dice == 1);
                } else {
                    byte[] headers = rnd.nextInt(4) == 0
                            ? ("NATS/1.0\r\nI: " + i + "\r\n\r\n").getBytes(StandardCharsets.UTF_8) : null;
                    byte[] payload = new byte[rnd.nextInt(200)];
                    rnd.nextBytes(payload);
                    String subject = "c." + rnd.nextInt(7);
                    long seq = s.store(subject, headers, payload, T0 + i);
                    all.put(seq, new StoredMessage(seq, subject, headers, payload, T0 + i));
                }
            }
            TreeSet<Long> held = new TreeSet<>();
            for (StoredMessage m = s.loadNext(null, 0); m != null; m = s.loadNext(null, m.sequence() + 1)) {
                held.add(m.sequence());
            }
            return new Written(all, held, s.state().lastSeq());
        }
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir.resolve("msgs"))) {
            return list.sorted().toList();
        }
    }

    private static Path lastBlock(Path dir) throws IOException {
        return files(dir).stream().filter(p -> p.toString().endsWith(".blk"))
                .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().split("\\.")[0])))
                .orElseThrow();
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.resolve("msgs"));
        for (Path f : files(from)) {
            Files.copy(f, to.resolve("msgs").resolve(f.getFileName().toString()));
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Damages one file at random (noting its name in {@code damaged}); returns what it did. */
    private static String damage(Path dir, SplittableRandom rnd, Set<String> damaged) throws IOException {
        List<Path> all = files(dir);
        Path f = all.get(rnd.nextInt(all.size()));
        String name = f.getFileName().toString();
        damaged.add(name);
        long length = Files.size(f);
        int kind = rnd.nextInt(6);
        if (kind == 5 && name.endsWith(".idx")) {
            Files.delete(f);
            return "deleted " + name;
        }
        try (RandomAccessFile file = new RandomAccessFile(f.toFile(), "rw")) {
            switch (kind) {
                case 0 -> {
                    int bits = 1 + rnd.nextInt(8);
                    StringBuilder where = new StringBuilder();
                    for (int i = 0; i < bits && length > 0; i++) {
                        long at = rnd.nextLong(length);
                        file.seek(at);
                        int b = file.read();
                        file.seek(at);
                        file.write(b ^ (1 << rnd.nextInt(8)));
                        where.append(at).append(' ');
                    }
                    return "flipped bits of " + name + " at " + where.toString().trim();
                }
                case 1, 2 -> {
                    if (length == 0) {
                        return "nothing to overwrite in " + name;
                    }
                    long at = rnd.nextLong(length);
                    int n = (int) Math.min(length - at, 1 + rnd.nextInt(200));
                    byte[] bytes = new byte[n];
                    if (kind == 1) {
                        rnd.nextBytes(bytes);
                    }
                    file.seek(at);
                    file.write(bytes);
                    return (kind == 1 ? "overwrote " : "zeroed ") + n + " bytes of " + name + " at " + at;
                }
                case 3 -> {
                    long to = length == 0 ? 0 : rnd.nextLong(length);
                    file.setLength(to);
                    return "truncated " + name + " from " + length + " to " + to;
                }
                default -> {
                    byte[] bytes = new byte[1 + rnd.nextInt(300)];
                    rnd.nextBytes(bytes);
                    file.seek(length);
                    file.write(bytes);
                    return "appended " + bytes.length + " bytes to " + name;
                }
            }
        }
    }

    /** The blocks read record by record, as after a crash (no saved state from a clean close). */
    @Test
    void randomDamageNeverServesAWrongMessageAndReportsWhatIsLost() throws IOException {
        Path pristine = tmp.resolve("pristine");
        Written written = build(pristine, SEED);
        Files.delete(StateFile.path(pristine.resolve("msgs")));
        damageCases(pristine, written, CASES, 0);
    }

    /** After a clean close: the saved state ({@code state.db}) is among the files damaged, and trusted when sound. */
    @Test
    void randomDamageAfterACleanCloseNeverServesAWrongMessageAndReportsWhatIsLost() throws IOException {
        Path pristine = tmp.resolve("pristine");
        Written written = build(pristine, SEED);
        assertThat(StateFile.path(pristine.resolve("msgs"))).exists();
        damageCases(pristine, written, CASES / 2, CASES);
    }

    private void damageCases(Path pristine, Written written, int cases, int firstCase) throws IOException {
        assertThat(files(pristine).size()).as("many blocks, each with its index").isGreaterThan(20);
        String lastBlock = lastBlock(pristine).getFileName().toString();
        Set<String> lastBlockFiles = Set.of(lastBlock, lastBlock.replace(".blk", ".idx"));
        int silentTails = 0;
        int reported = 0;
        int unreported = 0;
        for (int c = firstCase; c < firstCase + cases; c++) {
            SplittableRandom rnd = new SplittableRandom(SEED * 31 + c);
            Path dir = tmp.resolve("case");
            deleteTree(dir);
            copy(pristine, dir);
            List<String> damage = new ArrayList<>();
            Set<String> damaged = new HashSet<>();
            int n = 1 + rnd.nextInt(3);
            for (int i = 0; i < n; i++) {
                damage.add(damage(dir, rnd, damaged));
            }
            String where = "seed " + SEED + " case " + c + ": " + damage;
            boolean undetectable = damage.stream().map(d -> d.split(" "))
                    .anyMatch(d -> d[0].equals("truncated") && d[1].endsWith(".blk")
                            && damaged.contains(d[1].replace(".blk", ".idx")));
            // ttl.db and state.db hold no message: damage to them changes nothing about which messages a cut could
            // take (a damaged state.db is not used).
            damaged.remove(TtlFile.NAME);
            damaged.remove(StateFile.NAME);
            boolean onlyLastBlock = lastBlockFiles.containsAll(damaged);

            FileStore s;
            try {
                s = open(dir);
            } catch (IOException | RuntimeException e) {
                throw new AssertionError(where + ": the store did not open", e);
            }
            try {
                TreeSet<Long> served = new TreeSet<>();
                for (StoredMessage m = s.loadNext(null, 0); m != null; m = s.loadNext(null, m.sequence() + 1)) {
                    checkSame(m, written, where);
                    served.add(m.sequence());
                }
                for (long seq : written.all().keySet()) {
                    StoredMessage m = s.load(seq);
                    if (m != null) {
                        checkSame(m, written, where);
                    }
                }
                TreeSet<Long> missing = new TreeSet<>(written.held());
                missing.removeAll(served);
                LostData lost = s.state().lost();
                if (!missing.isEmpty()) {
                    boolean lostReported = lost != null && lost.count() > 0;
                    boolean tailCut = onlyLastBlock && (served.isEmpty() || missing.first() > served.last());
                    if (lostReported) {
                        reported++;
                    } else if (tailCut) {
                        silentTails++;
                    } else if (undetectable) {
                        unreported++;
                    } else {
                        fail(where + ": " + missing.size() + " messages gone without a report, first "
                                + missing.first());
                    }
                }
                // The store goes on: a new message gets a sequence no earlier message had.
                long seq = s.store("after", null, new byte[] {1}, T0 + 10_000);
                assertThat(seq).as(where + ": sequence after recovery").isGreaterThan(served.isEmpty() ? 0
                        : served.last());
            } finally {
                s.abandon(); // no closing fsyncs: the case directory is thrown away
            }
        }
        System.out.printf("FileStoreCorruptionTest: %d cases, %d reported lost data, %d cut a tail silently, %d lost"
                + " what cannot be detected%n", cases, reported, silentTails, unreported);
    }

    private static void checkSame(StoredMessage m, Written written, String where) {
        StoredMessage w = written.all().get(m.sequence());
        if (w == null) {
            fail(where + ": served a message at " + m.sequence() + ", where none was written");
        }
        if (!w.subject().equals(m.subject()) || !Arrays.equals(w.headers(), m.headers())
                || !Arrays.equals(w.payload(), m.payload()) || w.timestampNanos() != m.timestampNanos()) {
            fail(where + ": served a different message at " + m.sequence());
        }
    }
}
