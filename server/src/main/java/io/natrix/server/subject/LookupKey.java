package io.natrix.server.subject;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A match-cache key: a literal subject's bytes and their hash.
 *
 * <p>Two forms share one class so that they compare equal: stored keys own an exact copy of the bytes (and the
 * subject as a string, for invalidation); lookup keys are reusable views of a subject inside a caller's array (the
 * parser's copy of the control line), so a publisher probes the cache without allocating. A lookup key belongs to
 * one thread (the connection's event loop) and is never stored in the cache.
 */
public final class LookupKey {
    private byte[] bytes;
    private int offset;
    private int length;
    private int hash;
    final String subject;

    /** A reusable lookup key for one thread's use. */
    public LookupKey() {
        this.subject = null;
    }

    private LookupKey(String subject) {
        this.subject = subject;
        this.bytes = subject.getBytes(StandardCharsets.UTF_8);
        this.length = bytes.length;
        this.hash = hash(bytes, 0, length);
    }

    static LookupKey of(String subject) {
        return new LookupKey(subject);
    }

    void wrap(byte[] array, int offset, int length) {
        this.bytes = array;
        this.offset = offset;
        this.length = length;
        this.hash = hash(array, offset, length);
    }

    private static int hash(byte[] array, int offset, int length) {
        int h = 0;
        for (int i = offset, end = offset + length; i < end; i++) {
            h = 31 * h + array[i];
        }
        return h;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        return o instanceof LookupKey other && other.hash == hash && other.length == length
                && Arrays.equals(bytes, offset, offset + length, other.bytes, other.offset, other.offset + length);
    }

    @Override
    public String toString() {
        return subject != null ? subject : new String(bytes, offset, length, StandardCharsets.UTF_8);
    }
}
