package io.natrix.server.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code resolver: { type: full|cache, dir: ... }}: account JWTs kept in a directory, one file per account, as
 * nats-server's DirAccResolver (full) and CacheDirAccResolver (cache) keep them, so either server can use the
 * other's directory.
 *
 * <pre>
 *   &lt;dir&gt;/
 *     ACXYZ...Q.jwt            the account's JWT, exactly as pushed (ASCII, no newline)
 *     ACXYZ...Q.jwt.deleted    a deleted account (full, allow_delete without hard_delete)
 *     .ACXYZ...Q.jwt.tmp       a write in progress; left over only by a crash, removed at open
 * </pre>
 *
 * <p>Open creates the directory if needed and loads every {@code *.jwt} file. A file that cannot be read, is not
 * named after an account key, does not decode as an account JWT, is about another account, or was not issued by a
 * trusted key is reported ({@link #problems()} and the log) and skipped, never fatal: the file stays where it is.
 * Surrounding white space in a file (a hand edit) is ignored.
 *
 * <p>Writes are atomic: the JWT goes to a temporary file in the same directory, which is flushed to disk, renamed
 * over the account's file and the directory flushed, so a crash leaves the old JWT or the new, never half of one.
 *
 * <p>Modes, as in nats-server:
 * <ul>
 *   <li><b>full</b>: holds every account it is sent. At {@code limit} accounts (0: no limit) a new account is
 *       refused with "jwt store is full". Deletion only with {@code allow_delete}: the file is renamed to
 *       {@code .jwt.deleted}, or removed with {@code hard_delete}.</li>
 *   <li><b>cache</b>: holds at most {@code limit} accounts (0: 1000); a new account evicts the least recently used
 *       one, file and all. With {@code ttl}, an account not used for that long is dropped when next asked for.
 *       Deletion removes the file. nats-server's cache takes pushed updates only for accounts it already has
 *       (else "jwt update cache skipped") and fills itself by asking other servers; with no other servers to ask,
 *       ours takes any trusted push, so a cache can be filled without a cluster.</li>
 * </ul>
 * nats-server also drops an account's file when its JWT expires; we keep it, and the authenticator refuses the
 * expired account's users, which the client sees the same way. Synchronisation with other servers
 * ({@code interval}, lookups with {@code timeout}) needs a cluster and is not done.
 *
 * <p>Thread-safe (see {@link AccountResolver}); {@link #fetch} and {@link #claims} never touch the disk, except that
 * a cache drops an entry whose ttl ran out when the lock is free.
 */
public final class DirResolver extends StoredAccountResolver {
    private static final Logger LOG = LoggerFactory.getLogger(DirResolver.class);
    /** The extension of account files. */
    public static final String EXTENSION = ".jwt";
    /** Appended to a deleted account's file name when deletion renames. */
    public static final String DELETED_SUFFIX = ".deleted";
    private static final String TEMP_SUFFIX = ".tmp";
    /** nats-server's limit for a cache that sets none. */
    public static final long CACHE_LIMIT_DEFAULT = 1_000;
    /** Largest file read: a JWT at its limit plus room for white space. */
    static final long FILE_SIZE_MAX = JwtDecoder.TOKEN_LENGTH_MAX + 4096;

    /**
     * How a directory resolver behaves.
     *
     * @param dir         the directory
     * @param cache       cache mode rather than full
     * @param limit       most accounts; 0 or less for the mode's default (full: none, cache: 1000)
     * @param allowDelete full: whether accounts may be deleted
     * @param hardDelete  full: whether deletion removes the file rather than renaming it
     * @param ttl         cache: how long an unused account is kept; zero for no limit
     */
    public record Settings(Path dir, boolean cache, long limit, boolean allowDelete, boolean hardDelete,
                           Duration ttl) {
        public Settings {
            Objects.requireNonNull(dir, "dir");
            ttl = ttl == null ? Duration.ZERO : ttl;
        }

        /** A full resolver in {@code dir}: no limit, no deletion. */
        public static Settings full(Path dir) {
            return new Settings(dir, false, 0, false, false, Duration.ZERO);
        }

        /** A cache in {@code dir} of at most {@code limit} accounts. */
        public static Settings cache(Path dir, long limit) {
            return new Settings(dir, true, limit, false, false, Duration.ZERO);
        }

        long effectiveLimit() {
            if (limit > 0) {
                return limit;
            }
            return cache ? CACHE_LIMIT_DEFAULT : Long.MAX_VALUE;
        }
    }

    private final Settings settings;
    private final Path dir;
    private final Clock clock;
    private final long limit;
    private volatile List<String> problems = List.of();

    private DirResolver(Settings settings, TrustedOperators trust, Clock clock) {
        super(trust);
        this.settings = settings;
        this.dir = settings.dir();
        this.clock = clock;
        this.limit = settings.effectiveLimit();
    }

    /**
     * Opens the directory, creating it if needed, and loads its accounts.
     *
     * @throws IOException when the directory cannot be created or listed
     */
    public static DirResolver open(Settings settings, TrustedOperators trust, Clock clock) throws IOException {
        DirResolver resolver = new DirResolver(settings, trust, clock);
        if (Files.exists(resolver.dir, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(resolver.dir)) {
            throw new IOException(resolver.dir + " is not a directory");
        }
        Files.createDirectories(resolver.dir);
        resolver.lock.lock();
        try {
            Scan scan = resolver.scan(true);
            for (Map.Entry<String, Entry> e : scan.valid.entrySet()) {
                resolver.entries.put(e.getKey(), e.getValue());
            }
            resolver.problems = scan.problems;
        } finally {
            resolver.lock.unlock();
        }
        return resolver;
    }

    /** The directory. */
    public Path directory() {
        return dir;
    }

    public Settings settings() {
        return settings;
    }

    /** What the last {@link #open} or {@link #reload} skipped, one line per file. */
    public List<String> problems() {
        return problems;
    }

    @Override
    public boolean acceptsNewAccounts() {
        return true;
    }

    /**
     * Reads the directory again, as on a configuration reload: new and changed files are taken (whatever their
     * issue time: the file is the operator's word) and reported to the update listeners, vanished files are dropped
     * and reported to the delete listeners, bad files are reported and skipped (a bad file keeps the account's
     * previous JWT).
     *
     * @return the problems found, also kept for {@link #problems()}
     * @throws UncheckedIOException when the directory cannot be listed
     */
    public List<String> reload() {
        List<AccountClaims> updated = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        lock.lock();
        try {
            Scan scan;
            try {
                scan = scan(false);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (Map.Entry<String, Entry> e : scan.valid.entrySet()) {
                Entry old = entries.get(e.getKey());
                if (old == null || !old.jwt.equals(e.getValue().jwt)) {
                    entries.put(e.getKey(), e.getValue());
                    updated.add(e.getValue().claims);
                }
            }
            for (String key : new ArrayList<>(entries.keySet())) {
                if (!scan.valid.containsKey(key) && !scan.unreadable.contains(key)) {
                    entries.remove(key);
                    deleted.add(key);
                }
            }
            problems = scan.problems;
        } finally {
            lock.unlock();
        }
        updated.forEach(this::notifyUpdate);
        deleted.forEach(this::notifyDelete);
        return problems;
    }

    /**
     * Deletes an account: full with {@code allow_delete} (renamed to {@code .jwt.deleted}, or removed with
     * {@code hard_delete}), or cache (removed). Otherwise refused with nats-server's "store is not set up to for
     * delete". Which accounts a delete request may name (not the system account, only from an operator key) is the
     * request handler's to check.
     */
    @Override
    public UpdateResult delete(String accountKey) {
        if (!settings.cache() && !settings.allowDelete()) {
            return UpdateResult.refused(accountKey, "store is not set up to for delete");
        }
        if (accountKey == null || !NKeys.isValidPublicKey(accountKey, NKeyType.ACCOUNT)) {
            return UpdateResult.refused(accountKey, "invalid public key");
        }
        boolean removed;
        lock.lock();
        try {
            try {
                removeFile(accountKey, !settings.cache() && !settings.hardDelete());
            } catch (IOException e) {
                LOG.error("Account {}: could not delete its JWT: {}", accountKey, e.toString());
                return UpdateResult.refused(accountKey, e.getMessage());
            }
            removed = entries.remove(accountKey) != null;
        } finally {
            lock.unlock();
        }
        if (removed) {
            notifyDelete(accountKey);
        }
        return new UpdateResult(UpdateResult.Status.DELETED, accountKey, "deleted");
    }

    @Override
    Entry use(String accountKey) {
        Entry entry = super.use(accountKey);
        if (entry == null || !settings.cache()) {
            return entry;
        }
        long now = now();
        if (settings.ttl().isPositive() && now - entry.lastUsed > settings.ttl().toMillis()) {
            dropExpired(accountKey, entry);
            return null;
        }
        entry.used(now);
        return entry;
    }

    /** Drops a cache entry whose ttl ran out, if the lock is free; otherwise a later reader does. */
    private void dropExpired(String key, Entry entry) {
        if (!lock.tryLock()) {
            return;
        }
        try {
            if (entries.get(key) == entry) {
                removeFile(key, false);
                entries.remove(key);
            }
        } catch (IOException e) {
            LOG.warn("Account {}: could not remove its expired cache file: {}", key, e.toString());
        } finally {
            lock.unlock();
        }
    }

    @Override
    String makeRoom(String key) {
        if (entries.size() < limit) {
            return null;
        }
        if (!settings.cache()) {
            return "jwt store is full";
        }
        String oldest = null;
        long oldestUse = Long.MAX_VALUE;
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            if (e.getValue().useOrder < oldestUse) {
                oldestUse = e.getValue().useOrder;
                oldest = e.getKey();
            }
        }
        try {
            removeFile(oldest, false);
        } catch (IOException e) {
            return "could not evict account " + oldest + ": " + e.getMessage();
        }
        entries.remove(oldest);
        return null;
    }

    @Override
    long now() {
        return clock.millis();
    }

    @Override
    void persist(String key, String jwt) throws IOException {
        Path target = fileOf(key);
        Path temp = dir.resolve("." + key + EXTENSION + TEMP_SUFFIX);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(jwt.getBytes(StandardCharsets.US_ASCII));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        syncDirectory();
    }

    private void removeFile(String key, boolean rename) throws IOException {
        Path file = fileOf(key);
        if (rename) {
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                Files.move(file, dir.resolve(key + EXTENSION + DELETED_SUFFIX), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            }
        } else {
            Files.deleteIfExists(file);
        }
        syncDirectory();
    }

    /** Flushes the directory, so a rename survives a crash; not every platform lets a directory be opened. */
    private void syncDirectory() {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort: the data itself was flushed before the rename
        }
    }

    private Path fileOf(String key) {
        return dir.resolve(key + EXTENSION);
    }

    /** The files of one directory listing. */
    private static final class Scan {
        final Map<String, Entry> valid = new HashMap<>();
        /** Keys whose file exists but could not be taken: an account keeps its JWT in memory on reload. */
        final Set<String> unreadable = new HashSet<>();
        final List<String> problems = new ArrayList<>();
    }

    /** Lists and checks every account file; called with the lock held. */
    private Scan scan(boolean removeTemporaries) throws IOException {
        Scan scan = new Scan();
        long now = now();
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(dir)) {
            for (Path path : listing) {
                files.add(path);
            }
        }
        files.sort(null);
        for (Path path : files) {
            String name = path.getFileName().toString();
            if (name.startsWith(".") && name.endsWith(EXTENSION + TEMP_SUFFIX)) {
                if (removeTemporaries) {
                    try {
                        Files.deleteIfExists(path);
                    } catch (IOException e) {
                        LOG.warn("{}: could not remove an unfinished write: {}", path, e.toString());
                    }
                }
                continue;
            }
            if (!name.endsWith(EXTENSION)) {
                continue;
            }
            String key = name.substring(0, name.length() - EXTENSION.length());
            String problem = load(path, key, scan, now);
            if (problem != null) {
                scan.unreadable.add(key);
                String line = path + ": skipped, " + problem;
                scan.problems.add(line);
                LOG.warn("Account resolver: {}", line);
            }
        }
        return scan;
    }

    /** Loads one file into {@code scan}; returns why not, or null. */
    private String load(Path path, String key, Scan scan, long now) {
        if (!NKeys.isValidPublicKey(key, NKeyType.ACCOUNT)) {
            return "the file name is not an account public key";
        }
        String jwt;
        try {
            if (!Files.isRegularFile(path)) {
                return "not a regular file";
            }
            long size = Files.size(path);
            if (size > FILE_SIZE_MAX) {
                return "the file has " + size + " bytes, more than a JWT can have";
            }
            jwt = new String(Files.readAllBytes(path), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "cannot read it: " + e;
        }
        if (jwt.isEmpty()) {
            return "the file is empty";
        }
        AccountClaims claims;
        try {
            claims = trust.verifyAccount(jwt);
        } catch (JwtException e) {
            return e.getMessage();
        }
        if (!claims.data().subject().equals(key)) {
            return "the JWT is about account " + claims.data().subject();
        }
        scan.valid.put(key, new Entry(jwt, claims, now));
        return null;
    }

    @Override
    public String toString() {
        return "DirResolver{" + (settings.cache() ? "cache" : "full") + ", dir=" + dir + ", accounts="
                + entries.size() + "}";
    }
}
