package io.natrix.server.jetstream;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Storage in use against a ceiling, per storage type: one for the server ({@code max_memory_store},
 * {@code max_file_store}) and one per JetStream account ({@code max_memory}, {@code max_file} of its limits), the
 * account's feeding the server's. The counters are what the stores hold (each store reports its byte changes through
 * {@link #tracker}), so checking a message at ingest reads two atomics and scans nothing.
 *
 * <p>The checks are nats-server's in processJetStreamMsg: a server already past its ceiling refuses every message with
 * {@code insufficient resources} (503, 10023; the server's ceiling is checked without the new message, as
 * nats-server does); an account refuses a message that would take it past its ceiling with {@code resource limits
 * exceeded for account} (400, 10002). An account ceiling of 0 allows nothing, -1 is unlimited. Concurrent publishers
 * to different streams of an account may each pass the check and overshoot by a message, as in nats-server.
 *
 * <p>Thread-safe: counters are atomics; an account's ceilings change only with its limits ({@link #ceilings}).
 */
final class StorageQuota {
    private final AtomicLong memory = new AtomicLong();
    private final AtomicLong file = new AtomicLong();
    private volatile long memoryMax;
    private volatile long fileMax;
    /** The server's quota this account's usage also counts against; null for the server's own. */
    private final StorageQuota server;

    private StorageQuota(long memoryMax, long fileMax, StorageQuota server) {
        this.memoryMax = memoryMax;
        this.fileMax = fileMax;
        this.server = server;
    }

    /** The server's quota: its ceilings from the JetStream settings (0 or less: none). */
    static StorageQuota server(JetStreamConfig config) {
        return new StorageQuota(config.maxMemory(), config.maxFile(), null);
    }

    /** An account's quota under this server quota. */
    StorageQuota account(JsAccountLimits limits) {
        return new StorageQuota(limits.maxMemory(), limits.maxStorage(), this);
    }

    /** New ceilings for an account (its JWT changed); what is stored already stays. */
    void ceilings(JsAccountLimits limits) {
        memoryMax = limits.maxMemory();
        fileMax = limits.maxStorage();
    }

    /** What a store of {@code type} reports its byte changes to. */
    LongConsumer tracker(StorageType type) {
        AtomicLong counter = counter(type);
        return delta -> add(counter, type, delta);
    }

    private void add(AtomicLong counter, StorageType type, long delta) {
        counter.addAndGet(delta);
        if (server != null) {
            server.counter(type).addAndGet(delta);
        }
    }

    long used(StorageType type) {
        return counter(type).get();
    }

    /** Refuses a message when the server is already past its ceiling for {@code type}. */
    void checkServer(StorageType type) throws JsApiException {
        StorageQuota s = server == null ? this : server;
        long max = s.max(type);
        if (max > 0 && s.used(type) > max) {
            throw new JsApiException(JsErrors.get("JSInsufficientResourcesErr"));
        }
    }

    /** Refuses a message of {@code size} bytes (as its store counts them) that would take the account past its limit. */
    void checkAccount(StorageType type, long size) throws JsApiException {
        long max = max(type);
        if (max >= 0 && used(type) + size > max) {
            throw new JsApiException(JsErrors.get("JSAccountResourcesExceededErr"));
        }
    }

    private long max(StorageType type) {
        return type == StorageType.MEMORY ? memoryMax : fileMax;
    }

    /**
     * Takes an account's stopped stores out of the server's counters (its JetStream was disabled or is being
     * restored with new limits; the restored stores report their bytes afresh).
     */
    void release() {
        for (StorageType type : StorageType.values()) {
            add(counter(type), type, -counter(type).get());
        }
    }

    private AtomicLong counter(StorageType type) {
        return type == StorageType.MEMORY ? memory : file;
    }
}
